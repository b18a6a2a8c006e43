"""Read the raw CSV tables and check them, collecting every problem with file, line and column.

Lines are counted as a person sees them in the CSV file: the header is line 1,
the first data row line 2 (a quoted cell spanning lines moves later rows down,
and the count follows). Nothing stops at the first problem: :func:`check`
returns the full list, and :class:`DataValidationError` carries it.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
from pathlib import Path

import pandas as pd

from chiplib.core import units
from chiplib.data import columns, schema
from chiplib.data.crossrefs import check_claims, check_configs
from chiplib.data.issues import LINE, DataIssue, DataValidationError, RawTables
from chiplib.data.issues import number as parse_number

__all__ = ["LINE", "DataIssue", "DataValidationError", "RawTables", "check", "read_raw"]


def read_raw(data_dir: Path, table: str, raw: RawTables) -> None:
    """Read one CSV as text into ``raw.frames[table]``, reporting header and row-shape problems."""
    spec = schema.TABLES[table]
    path = data_dir / spec.file
    if not path.exists():
        raw.add(table, 0, "", f"file is missing from {data_dir}")
        raw.frames[table] = pd.DataFrame(columns=[*spec.columns, LINE])
        return
    text = _decode(path.read_bytes(), table, raw)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append(row)
            lines.append(start)
        start = reader.line_num + 1
    if not rows:
        raw.add(table, 1, "", "file is empty (no header row)")
        raw.frames[table] = pd.DataFrame(columns=[*spec.columns, LINE])
        return
    if len(rows) == 1 and table in schema.NON_EMPTY_TABLES:
        raw.add(table, 1, "", "table has a header but no rows")
    header = [cell.strip() for cell in rows[0]]
    for column in spec.columns:
        if column not in header:
            raw.add(table, lines[0], column, "required column is missing")
    for column in header:
        if column not in spec.columns:
            raw.add(table, lines[0], column, f"unknown column (expected: {', '.join(spec.columns)})")
    records = []
    for row, line in zip(rows[1:], lines[1:]):
        if len(row) != len(header):
            raw.add(table, line, "", f"malformed row: {len(row)} fields where the header has {len(header)}")
            continue
        record = {name: (cell.strip() or None) for name, cell in zip(header, row)}
        record[LINE] = line
        records.append(record)
    columns = [*spec.columns, LINE]
    raw.frames[table] = pd.DataFrame([[r.get(c) for c in columns] for r in records], columns=columns, dtype=object)


def _decode(data: bytes, table: str, raw: RawTables) -> str:
    """The file's text. A byte-order mark and bytes that are not UTF-8 are reported (with their lines)
    and dropped or replaced, so that one encoding slip gives one message, not a column per row."""
    if data.startswith(codecs.BOM_UTF8):
        raw.add(table, 1, "", "file starts with a UTF-8 byte-order mark (BOM); save it as UTF-8 without BOM")
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for number, line in enumerate(data.split(b"\n"), 1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            raw.add(table, number, "", f"not UTF-8 (byte 0x{line[exc.start]:02x} at position {exc.start + 1} "
                                       "of the line); save the file as UTF-8")
    return data.decode("utf-8", errors="replace")


def _check_schema(table: str, raw: RawTables) -> None:
    """Run the table's pandera schema; turn each failure case into a DataIssue."""
    import pandera.pandas as pa

    frame = raw.frames[table]
    if frame.empty:
        return
    try:
        columns.pandera_schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for case in cases.itertuples(index=False):
            index = case.index
            line = int(frame[LINE].iloc[int(index)]) if index is not None and not pd.isna(index) else 0
            if case.check == "not_nullable":
                reason = "value is required but the cell is empty"
            else:
                reason = f"{case.failure_case!r} is {case.check}"
            raw.add(table, line, str(case.column), reason)


def _check_duplicates(table: str, raw: RawTables) -> None:
    spec = schema.TABLES[table]
    frame = raw.frames[table]
    first_seen: dict[tuple, int] = {}
    for values, line in zip(frame[list(spec.key)].itertuples(index=False, name=None), frame[LINE]):
        if any(value is None for value in values):
            continue
        if values in first_seen:
            what = ", ".join(f"{c}={v}" for c, v in zip(spec.key, values))
            raw.add(table, line, spec.key[-1], f"duplicate row ({what}) first given on line {first_seen[values]}")
        else:
            first_seen[values] = line


def _check_foreign_key(table: str, column: str, target: str, target_column: str, raw: RawTables) -> None:
    known = set(raw.frames[target][target_column].dropna())
    frame = raw.frames[table]
    for value, line in zip(frame[column], frame[LINE]):
        if value is not None and value not in known:
            raw.add(table, line, column, f"unknown {target_column} {value!r} (not in {schema.TABLES[target].file})")


def _check_metric_units(raw: RawTables) -> None:
    """Canonical units in metrics.csv must parse; quantity metrics need one, others none."""
    metrics = raw.frames["metrics"]
    for metric, unit, kind, line in zip(metrics["metric"], metrics["unit"], metrics["kind"], metrics[LINE]):
        if kind == "quantity":
            if unit is None:
                raw.add("metrics", line, "unit", f"quantity metric {metric!r} needs a canonical unit")
                continue
            try:
                units.factor(unit, unit)
            except units.UnitError as exc:
                raw.add("metrics", line, "unit", str(exc))
        elif kind in schema.METRIC_KINDS and unit is not None:
            raw.add("metrics", line, "unit", f"{kind} metric {metric!r} takes no unit")


def _check_fact_values(raw: RawTables, table: str) -> None:
    """Each value must suit its metric: a non-negative number in a convertible unit, or a date, or text."""
    metrics = raw.frames["metrics"].dropna(subset=["metric"]).set_index("metric")
    for row in raw.frames[table].itertuples(index=False):
        line = getattr(row, LINE)
        if row.metric not in metrics.index or row.value is None:
            continue  # unknown metric or empty value: already reported
        kind, canonical = metrics.at[row.metric, "kind"], metrics.at[row.metric, "unit"]
        if kind == "quantity":
            number = parse_number(row.value)
            if number is None:
                raw.add(table, line, "value", f"{row.value!r} is not a number ({row.metric} is a quantity)")
            elif not math.isfinite(number) or number < 0:
                raw.add(table, line, "value", f"{row.value!r} must be a finite number >= 0")
            _check_unit(raw, table, line, row.unit, canonical, f"metric {row.metric} is in {canonical}")
        else:
            if row.unit is not None:
                raw.add(table, line, "unit", f"{kind} metric {row.metric} takes no unit")
            if kind == "date" and not schema.is_partial_date(row.value):
                raw.add(table, line, "value", f"{row.value!r} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)")


def _check_unit(raw: RawTables, table: str, line: int, unit: str | None, canonical: str | None, context: str) -> None:
    if unit is None:
        if canonical != "dimensionless":
            raw.add(table, line, "unit", f"a unit is required (canonical: {canonical})")
    elif canonical is not None:
        try:
            units.factor(unit, canonical)
        except units.UnitError as exc:
            raw.add(table, line, "unit", f"{exc} ({context})")


def _check_preferred(raw: RawTables, table: str) -> None:
    """Exactly one row per (subject, metric) is preferred."""
    subject = schema.TABLES[table].key[0]
    facts = raw.frames[table].dropna(subset=[subject, "metric"])
    preferred_rows = (facts["preferred"] == "true").groupby([facts[subject], facts["metric"]], sort=False).transform("sum")
    wrong = facts[preferred_rows != 1]  # only the pairs with none or several preferred rows need a message
    for (name, metric), group in wrong.groupby([subject, "metric"], sort=False):
        preferred = group[group["preferred"] == "true"]
        if len(preferred) == 0:
            lines = ", ".join(str(line) for line in group[LINE])
            raw.add(table, int(group[LINE].iloc[0]), "preferred",
                    f"no preferred row for ({name}, {metric}); mark exactly one of lines {lines} true")
        for line in preferred[LINE].iloc[1:]:
            raw.add(table, int(line), "preferred",
                    f"second preferred row for ({name}, {metric}); line {preferred[LINE].iloc[0]} is already preferred")


def _check_estimates(raw: RawTables, table: str, metrics: dict[str, str]) -> None:
    """Estimate tables: numbers where given, at least one of value/low/high, low <= high, unit fits the metric."""
    for row in raw.frames[table].itertuples(index=False):
        line = getattr(row, LINE)
        numbers = {}
        for column in ("value", "low", "high"):
            text = getattr(row, column)
            if text is None:
                continue
            number = parse_number(text)
            if number is None or not math.isfinite(number) or number < 0:
                raw.add(table, line, column, f"{text!r} must be a finite number >= 0")
            else:
                numbers[column] = number
        if not any(getattr(row, c) is not None for c in ("value", "low", "high")):
            raw.add(table, line, "value", "give a value, or a low/high range")
        if "low" in numbers and "high" in numbers and numbers["low"] > numbers["high"]:
            raw.add(table, line, "high", f"high {numbers['high']} is below low {numbers['low']}")
        canonical = metrics.get(row.metric)
        if canonical is not None:
            _check_unit(raw, table, line, row.unit, canonical, f"{row.metric} is in {canonical}")


def _check_measurements(raw: RawTables) -> None:
    """Each measurement's value is a finite number >= 0 in a unit that converts to its metric's unit."""
    for row in raw.frames["measurements"].itertuples(index=False):
        line = getattr(row, LINE)
        canonical = schema.MEASUREMENT_METRICS.get(row.metric)
        if row.value is not None:
            number = parse_number(row.value)
            if number is None or not math.isfinite(number) or number < 0:
                raw.add("measurements", line, "value", f"{row.value!r} must be a finite number >= 0")
        if canonical is not None and row.unit is not None:
            _check_unit(raw, "measurements", line, row.unit, canonical, f"{row.metric} is in {canonical}")


def _validated_marker(data_dir: Path) -> Path:
    """The file whose existence says: these exact data files passed these exact checks before. Named by a
    digest of every file in ``data_dir`` and of the data layer's and core's code (a changed check re-checks)."""
    import hashlib

    from chiplib.core.locations import cache_dir

    digest = hashlib.sha256()
    code = Path(__file__).resolve().parents[1]
    files = [(data_dir, p) for p in sorted(data_dir.iterdir()) if p.is_file()]
    files += [(code, p) for folder in ("data", "core") for p in sorted((code / folder).glob("*.py"))]
    for root, path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return cache_dir() / "validated" / digest.hexdigest()


def check(data_dir: Path, remember: bool = True) -> RawTables:
    """Read every table under ``data_dir`` and run every check; the result lists all problems found.

    With ``remember``, data that passed every check is remembered by digest (:func:`_validated_marker`), and
    the same files are then read without being checked again."""
    raw = RawTables()
    for table in schema.TABLES:
        read_raw(data_dir, table, raw)
    marker = _validated_marker(data_dir) if remember else None
    if marker is not None and marker.exists():
        return raw
    for table in schema.TABLES:
        _check_schema(table, raw)
        _check_duplicates(table, raw)
    for table, column, target, target_column in schema.FOREIGN_KEYS:
        _check_foreign_key(table, column, target, target_column, raw)
    _check_metric_units(raw)
    for table in schema.FACT_TABLES:
        _check_fact_values(raw, table)
        _check_preferred(raw, table)
    for table, metrics in schema.ESTIMATE_TABLES.items():
        _check_estimates(raw, table, metrics)
    _check_measurements(raw)
    defined = check_configs(data_dir, raw)
    check_claims(raw, defined)
    raw.issues.sort()
    if marker is not None and not raw.issues:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        except OSError:
            pass  # a read-only cache only costs time
    return raw
