"""Checks that span files: the YAML files against their schemas and the tables they name, and each
claim's arguments against what its test reads."""

from __future__ import annotations

import re
from pathlib import Path

from chiplib.data import configs, schema
from chiplib.data.issues import LINE, DataIssue, RawTables, number
from chiplib.data.rules import parse_rules


def _known(raw: RawTables, table: str, column: str) -> set[str]:
    return set(raw.frames[table][column].dropna())


def _read_yaml(data_dir: Path, name: str, raw: RawTables, *, lenient: bool = False) -> object | None:
    """A YAML file under ``data_dir`` checked against its schema; None when absent, unreadable or (unless
    ``lenient``: the caller copes with any structure) not matching its schema."""
    path = data_dir / name
    if not path.exists():
        return None
    try:
        document = configs.read(path)
    except configs.YamlError as exc:
        raw.issues.append(DataIssue(name, exc.line, "", exc.reason))
        return None
    found = configs.problems(document, name)
    raw.issues.extend(DataIssue(name, 0, problem.path, problem.reason) for problem in found)
    return None if found and not lenient else document


def _yaml_refs(raw: RawTables, name: str, pairs) -> None:
    """``pairs`` of (key path, value, allowed values, (what, where)): a value not among the allowed ones is
    reported; allowed None means the file defining them is itself broken (already reported)."""
    for path, value, allowed, (what, where) in pairs:
        if allowed is not None and value not in allowed:
            raw.issues.append(DataIssue(name, 0, path, f"unknown {what} {value!r} (not in {where})"))


def check_configs(data_dir: Path, raw: RawTables) -> dict[str, set[str]]:
    """The YAML files under ``data_dir`` (schema and cross-references); returns the names they define
    (rule ids, HBM scenarios) for the claims check."""
    chips, sources = _known(raw, "chips", "chip_id"), _known(raw, "sources", "source_id")
    defined: dict[str, set[str] | None] = {"rules": None, "hbm_scenarios": None}  # None: file broken or absent
    rules_doc = _read_yaml(data_dir, configs.RULES_FILE, raw, lenient=True)  # parse_rules checks any structure
    if isinstance(rules_doc, dict):
        rules, found = parse_rules(rules_doc, sources)
        raw.issues.extend(DataIssue(configs.RULES_FILE, 0, "", problem) for problem in found)
        defined["rules"] = {r.rule_id for r in rules} if not found else None
        _yaml_refs(raw, configs.RULES_FILE, ((f"china_parts.{i}", chip, chips, ("chip_id", "chips.csv"))
                                              for i, chip in enumerate(rules_doc.get("china_parts", []))))
    hbm_doc = _read_yaml(data_dir, configs.HBM_SCENARIOS_FILE, raw)
    if hbm_doc is not None:
        defined["hbm_scenarios"] = set(hbm_doc["scenarios"])
        subjects = _known(raw, "hbm_supply", "subject")
        for name, spec in hbm_doc["scenarios"].items():
            _yaml_refs(raw, configs.HBM_SCENARIOS_FILE, [
                *((f"scenarios.{name}.subjects.{i}", s, subjects, ("subject", "hbm_supply.csv"))
                  for i, s in enumerate(spec["subjects"])),
                *((f"scenarios.{name}.chips.{i}", c, chips, ("chip_id", "chips.csv"))
                  for i, c in enumerate(spec["chips"]))])
    fab_doc = _read_yaml(data_dir, configs.FAB_SCENARIOS_FILE, raw)
    if fab_doc is not None:
        subjects = _known(raw, "fab_estimates", "subject")
        refs = [("chip", fab_doc["chip"], chips, ("chip_id", "chips.csv")),
                ("die_chip", fab_doc["die_chip"], chips, ("chip_id", "chips.csv"))]
        for name, spec in fab_doc["scenarios"].items():
            for key, value in spec.items():
                where = f"scenarios.{name}.{key}"
                if isinstance(value, dict) and "from" in value:
                    refs.append((where + ".from", value["from"], subjects, ("estimate subject", "fab_estimates.csv")))
                elif isinstance(value, dict):
                    refs.append((where + ".scenario", value["scenario"], defined["hbm_scenarios"],
                                 ("HBM scenario", configs.HBM_SCENARIOS_FILE)))
                elif isinstance(value, list) and value[0] > value[1]:
                    raw.issues.append(DataIssue(configs.FAB_SCENARIOS_FILE, 0, where, f"low {value[0]} is above high {value[1]}"))
        _yaml_refs(raw, configs.FAB_SCENARIOS_FILE, refs)
    _check_production(data_dir, raw, chips, defined["hbm_scenarios"], set(fab_doc["scenarios"]) if fab_doc else None)
    rubric = _read_yaml(data_dir, configs.RUBRIC_FILE, raw)
    if rubric is not None:
        _check_rubric(rubric, raw)
    return defined


def _check_production(data_dir: Path, raw: RawTables, chips: set[str], hbm_scenarios: set[str] | None,
                      fab_scenarios: set[str] | None) -> None:
    """The production histories: chips, estimate subjects and HBM scenarios they name exist; low <= high;
    year overrides fall inside the modelled years; each scenario has a single-year namesake in fab_scenarios.yaml
    (the manufacturing report's one-year detail)."""
    name = configs.PRODUCTION_SCENARIOS_FILE
    doc = _read_yaml(data_dir, name, raw)
    if doc is None:
        return
    first, last = doc["years"]
    if first > last:
        raw.issues.append(DataIssue(name, 0, "years", f"first year {first} is after the last {last}"))
    subjects = _known(raw, "fab_estimates", "subject") | _known(raw, "hbm_supply", "subject")
    refs = [(f"generations.{g}.{key}", chip, chips, ("chip_id", "chips.csv"))
            for g, spec in doc["generations"].items() for key, chip in spec.items()]
    refs += [(f"published.{subject}", subject, subjects, ("estimate subject", "fab_estimates.csv")) for subject in doc["published"]]
    refs += [(f"scenarios.{scenario}", scenario, fab_scenarios, ("scenario", configs.FAB_SCENARIOS_FILE))
             for scenario in doc["scenarios"]]
    for scenario, spec in doc["scenarios"].items():
        reasons = {**doc["assumptions"], **spec.get("assumptions", {})}
        for key, value in spec.items():
            where = f"scenarios.{scenario}.{key}"
            if key in ("description", "assumptions") or not isinstance(value, (dict, list)):
                continue
            assumed = isinstance(value, list) or "range" in value or bool(value.get("years"))
            if assumed and not reasons.get(key):
                raw.issues.append(DataIssue(name, 0, where, "an assumed range needs its reason under 'assumptions'"))
            ranges = [value] if isinstance(value, list) else [value.get("range"), *(value.get("years") or {}).values()]
            for bounds in filter(None, ranges):
                if bounds[0] > bounds[1]:
                    raw.issues.append(DataIssue(name, 0, where, f"low {bounds[0]} is above high {bounds[1]}"))
            if isinstance(value, dict):
                for year in value.get("years") or {}:
                    if not first <= int(year) <= last:
                        raw.issues.append(DataIssue(name, 0, f"{where}.years.{year}", f"year outside {first}-{last}"))
                named = value.get("from")
                for subject in [named] if isinstance(named, str) else (named or []):
                    refs.append((where + ".from", subject, subjects, ("estimate subject", "fab_estimates.csv or hbm_supply.csv")))
                if "scenario" in value:
                    refs.append((where + ".scenario", value["scenario"], hbm_scenarios, ("HBM scenario", configs.HBM_SCENARIOS_FILE)))
    _yaml_refs(raw, name, refs)


def _check_rubric(rubric: dict, raw: RawTables) -> None:
    """Scores cover exactly the stack vocabulary; every profile weights exactly the criteria."""
    name = configs.RUBRIC_FILE
    expected = {"status_scores": set(schema.STACK_STATUSES), "cuda_scores": set(schema.CUDA_APPROACHES),
                "criteria": {*schema.STACK_LAYERS, "activity"}}
    for section, keys in expected.items():
        given = set(rubric[section])
        if given != keys:
            raw.issues.append(DataIssue(name, 0, section, f"keys must be exactly {', '.join(sorted(keys))} "
                                                           f"(missing: {sorted(keys - given)}, unknown: {sorted(given - keys)})"))
    for profile, weights in rubric["profiles"].items():
        missing, unknown = set(rubric["criteria"]) - set(weights), set(weights) - set(rubric["criteria"])
        if missing or unknown:
            raw.issues.append(DataIssue(name, 0, f"profiles.{profile}", f"weights must name every criterion once "
                                                                         f"(missing: {sorted(missing)}, unknown: {sorted(unknown)})"))


#: Per claims test: the columns it reads and what each must name. "number": claimed (or low and high) numeric.
CLAIM_ARGUMENTS: dict[str, dict[str, str]] = {
    "chip_metric": {"subject": "chip", "metric": "quantity metric", "claimed": "number"},
    "chip_ratio": {"subject": "chip", "subject_b": "chip", "metric": "quantity metric", "claimed": "number"},
    "tpp": {"subject": "chip", "claimed": "number"},
    "tpp_ratio": {"subject": "chip", "subject_b": "chip", "claimed": "number"},
    "classification": {"subject": "chip", "metric": "rule", "claimed": "text"},
    "system_total": {"subject": "system", "metric": "system metric", "claimed": "number"},
    "system_ratio": {"subject": "system", "subject_b": "system", "metric": "system metric", "claimed": "number"},
    "hbm_accelerators": {"subject": "HBM scenario", "subject_b": "chip", "claimed": "number"},
    "generations_behind": {"metric": "quantity metric", "claimed": "number"},
    "release_cadence": {"subject": "vendor", "claimed": "number"},
    "estimates": {"subject": "production estimate subject", "metric": "period", "claimed": "number"},
    "event": {"subject": "date", "metric": "keyword", "claimed": "number"},
    "measured_ratio": {"subject": "chip", "subject_b": "chip", "metric": "task group", "claimed": "number"},
    "production": {"subject": "production quantity", "metric": "year or growth", "claimed": "number"},
    "untestable": {},
}


#: System metrics a claim may name: the chip metrics summed over a system, power, and compute per watt.
SYSTEM_CLAIM_METRICS = ("fp4_dense", "fp8_dense", "fp16_dense", "memory_capacity", "memory_bandwidth",
                        "scaleup_bandwidth", "power", "compute_per_watt_fp16")


def check_claims(raw: RawTables, defined: dict[str, set[str] | None]) -> None:
    """Each claim names what its test reads, and those things exist."""
    metrics = raw.frames["metrics"]
    names = {
        "chip": _known(raw, "chips", "chip_id"), "system": _known(raw, "systems", "system_id"),
        "quantity metric": set(metrics.loc[metrics["kind"] == "quantity", "metric"].dropna()),
        "system metric": set(SYSTEM_CLAIM_METRICS), "rule": defined["rules"], "HBM scenario": defined["hbm_scenarios"],
        "vendor": _known(raw, "chips", "vendor"), "production estimate subject": _known(raw, "fab_estimates", "subject"),
        "period": _known(raw, "fab_estimates", "period"), "date": None, "keyword": None,
        "task group": set(schema.MEASUREMENT_TASK_GROUPS),
        "production quantity": set(schema.PRODUCTION_CLAIM_QUANTITIES), "year or growth": None,
    }
    for row in raw.frames["claims"].itertuples(index=False):
        line = getattr(row, LINE)
        for column, kind in CLAIM_ARGUMENTS.get(row.test, {}).items():
            value = getattr(row, column)
            if kind == "number":
                given = [c for c in ("claimed", "low", "high") if getattr(row, c) is not None]
                for name in given:
                    if number(getattr(row, name)) is None:
                        raw.add("claims", line, name, f"{getattr(row, name)!r} is not a number (test {row.test})")
                if not given:
                    raw.add("claims", line, "claimed", f"test {row.test} needs a claimed number, or low and/or high")
            elif kind == "text":
                if value is None or row.unit != "text":
                    raw.add("claims", line, "claimed", f"test {row.test} needs a claimed text and unit 'text'")
            elif value is None:
                raw.add("claims", line, column, f"test {row.test} needs a {kind} in '{column}'")
            elif kind == "year or growth" and not re.fullmatch(r"[0-9]{4}(/[0-9]{4})?", str(value)):
                raw.add("claims", line, column, f"{value!r} is not a year (2025) or a growth (2026/2025; test {row.test})")
            elif kind == "date" and not schema.is_partial_date(value):
                raw.add("claims", line, column, f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD; test {row.test})")
            elif names[kind] is not None and value not in names[kind]:  # None: its YAML file is broken
                valid = sorted(names[kind])
                shown = ", ".join(valid[:12]) + (", ..." if len(valid) > 12 else "")
                raw.add("claims", line, column, f"unknown {kind} {value!r} (test {row.test}); valid: {shown}")
