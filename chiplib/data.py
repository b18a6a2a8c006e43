"""Load the collection's tables, validated once per process, and the views the notebooks use.

- :func:`load` reads and checks every table in ``data/`` (cached per directory) and
  raises :class:`~chiplib.validate.DataValidationError` listing every problem.
- :func:`specs_long` gives every estimate of every figure, in canonical units, with its source.
- :func:`specs_wide` gives one row per chip with the preferred value of each metric.
- :func:`coverage` counts, per chip, the metrics sourced and the metrics contested.

The data directory is ``data/`` beside the package (an editable install), or the
directory named by the ``CHIPLIB_DATA`` environment variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from chiplib import units
from chiplib.validate import LINE, DataValidationError, check

__all__ = [
    "Dataset", "DataValidationError", "data_dir", "load", "specs_long", "specs_wide", "coverage",
    "sources_for", "sources_markdown", "preferred_sources", "as_of",
]


def data_dir() -> Path:
    """The data directory in use: ``$CHIPLIB_DATA`` if set, else ``data/`` next to the package."""
    override = os.environ.get("CHIPLIB_DATA")
    if override:
        return Path(override).resolve()
    return Path(__file__).resolve().parent.parent / "data"


@dataclass(frozen=True)
class Dataset:
    """The validated tables. Quantity values in ``specs`` are converted to their metric's unit."""

    directory: Path
    sources: pd.DataFrame
    chips: pd.DataFrame
    metrics: pd.DataFrame
    specs: pd.DataFrame
    events: pd.DataFrame
    tables: dict[str, pd.DataFrame]  # every table as validated text (theme modules type what they use)

    def unit(self, metric: str) -> str:
        """Canonical unit of ``metric`` ('' for text and date metrics)."""
        return str(self.metrics.at[metric, "unit"] or "")


def _typed_specs(raw_specs: pd.DataFrame, metrics: pd.DataFrame, subject: str = "chip_id") -> pd.DataFrame:
    """Add ``value`` in canonical units (float; NaN for text/date metrics) and keep the published text."""
    specs = raw_specs.rename(columns={"value": "value_published", "unit": "unit_published"})
    kinds = specs["metric"].map(metrics["kind"])
    canonical = specs["metric"].map(metrics["unit"])
    values = []
    for text, unit, kind, target in zip(specs["value_published"], specs["unit_published"], kinds, canonical):
        if kind == "quantity":
            values.append(units.convert(float(text.replace(",", "")), unit or "", target))
        else:
            values.append(float("nan"))
    specs["value"] = pd.Series(values, index=specs.index, dtype="float64")
    specs["text"] = specs["value_published"].where(kinds != "quantity")
    specs["unit"] = canonical.fillna("")
    specs["kind"] = kinds
    specs["preferred"] = specs["preferred"] == "true"
    specs["note"] = specs["note"].fillna("")
    columns = [subject, "metric", "kind", "value", "unit", "text", "value_published", "unit_published",
               "source_id", "basis", "preferred", "note", LINE]
    return specs[columns].reset_index(drop=True)


@lru_cache(maxsize=8)
def _load(directory: Path) -> Dataset:
    raw = check(directory)
    if raw.issues:
        raise DataValidationError(raw.issues)
    frames = raw.frames
    metrics = frames["metrics"].drop(columns=LINE).set_index("metric")
    chips = frames["chips"].drop(columns=LINE).set_index("chip_id")
    chips["year"] = pd.to_numeric(chips["year"]).astype("Int64")
    sources = frames["sources"].drop(columns=LINE).set_index("source_id")
    events = frames["events"].drop(columns=LINE).sort_values(["date", "title"], kind="stable").reset_index(drop=True)
    tables = {name: frame.drop(columns=LINE) for name, frame in frames.items()}
    return Dataset(directory, sources, chips, metrics, _typed_specs(frames["chip_specs"], metrics), events, tables)


def as_of(dataset: Dataset | None = None) -> str:
    """The data's as-of date (ISO): the newest access date in ``sources.csv``.

    Reports that speak of "now" use this date, never the clock, so the same data gives the same report.
    """
    ds = dataset or load()
    return str(ds.sources["accessed"].max())


def facts(table: str, dataset: Dataset | None = None) -> pd.DataFrame:
    """A long facts table (``system_specs``, ``hbm_specs`` ...) typed like the chip specs view:
    ``value`` in the metric's canonical unit, published value and unit kept, ``preferred`` boolean."""
    ds = dataset or load()
    raw = ds.tables[table].copy()
    raw[LINE] = 0
    return _typed_specs(raw, ds.metrics, subject=raw.columns[0])


def load(directory: Path | str | None = None) -> Dataset:
    """Load and validate the tables in ``directory`` (default :func:`data_dir`); cached per directory.

    Raises DataValidationError listing every problem (file, line, column, reason).
    Callers must not modify the returned frames; the views below return copies.
    """
    return _load(Path(directory).resolve() if directory is not None else data_dir())


def specs_long(dataset: Dataset | None = None, *, preferred_only: bool = False) -> pd.DataFrame:
    """Every figure for every chip, one row per (chip, metric, source), with chip and source details.

    ``value`` is in the metric's canonical ``unit``; ``value_published``/``unit_published``
    keep what the source printed; ``text`` holds text and date metrics.
    """
    ds = dataset or load()
    long = ds.specs.drop(columns=LINE)
    if preferred_only:
        long = long[long["preferred"]]
    long = long.join(ds.chips[["vendor", "name", "country", "status"]], on="chip_id")
    long = long.join(ds.sources[["title", "publisher", "url", "published"]], on="source_id")
    return long.reset_index(drop=True)


def specs_wide(dataset: Dataset | None = None, metrics: list[str] | None = None) -> pd.DataFrame:
    """One row per chip (index ``chip_id``): chip details, then the preferred value of each metric.

    Quantity columns are floats in canonical units (listed in ``.attrs["units"]``); text and
    date columns are strings. A metric no source gives for a chip is missing (NaN/None), never zero.
    """
    ds = dataset or load()
    chosen = ds.specs[ds.specs["preferred"]]
    names = list(ds.metrics.index) if metrics is None else metrics
    unknown = sorted(set(names) - set(ds.metrics.index))
    if unknown:
        raise KeyError(f"unknown metric(s) {unknown}; valid metrics: {', '.join(ds.metrics.index)}")
    wide = ds.chips[["vendor", "name", "country", "status", "year", "variant_of", "market"]].copy()
    for metric in names:
        rows = chosen[chosen["metric"] == metric].set_index("chip_id")
        column = rows["value"] if ds.metrics.at[metric, "kind"] == "quantity" else rows["text"]
        wide[metric] = column.reindex(wide.index)
    wide.attrs["units"] = {m: ds.unit(m) for m in names}
    return wide


def coverage(dataset: Dataset | None = None) -> pd.DataFrame:
    """Per chip: metrics sourced, metrics contested (sources give different values), sources cited.

    A quantity is contested when its canonical values differ by more than 0.5 % across rows;
    text and date metrics when their texts differ.
    """
    ds = dataset or load()
    specs = ds.specs
    key = specs["value"].round(6).astype(str).where(specs["kind"] == "quantity", specs["text"].str.lower())
    per_metric = specs.assign(key=key).groupby(["chip_id", "metric"]).agg(
        low=("value", "min"), high=("value", "max"), distinct=("key", "nunique"), kind=("kind", "first"))
    spread = (per_metric["high"] - per_metric["low"]) > 0.005 * per_metric["high"].abs()
    per_metric["contested"] = spread.where(per_metric["kind"] == "quantity", per_metric["distinct"] > 1)
    table = ds.chips[["vendor", "name", "status"]].copy()
    grouped = per_metric.groupby(level="chip_id")
    table["metrics"] = grouped.size().reindex(table.index, fill_value=0)
    table["contested"] = grouped["contested"].sum().reindex(table.index, fill_value=0).astype(int)
    table["sources"] = specs.groupby("chip_id")["source_id"].nunique().reindex(table.index, fill_value=0)
    return table


def preferred_sources(chip_ids, metrics, dataset: Dataset | None = None) -> list[str]:
    """Source ids behind the preferred values of ``metrics`` for ``chip_ids``."""
    ds = dataset or load()
    specs = ds.specs
    rows = specs[specs["preferred"] & specs["chip_id"].isin(list(chip_ids)) & specs["metric"].isin(list(metrics))]
    return sorted(set(rows["source_id"]))


def sources_markdown(source_ids, dataset: Dataset | None = None, intro: str = "") -> str:
    """A Markdown list of sources (id, title, publisher, date, URL, access date) for a report's Sources section."""
    from chiplib.safe import md

    rows = sources_for(source_ids, dataset)
    lines = [md("- **{id}**: {title}. {publisher}", id=row.Index, title=row.title, publisher=row.publisher)
             + (md(", {}", row.published) if row.published else "")
             + f". <{row.url}> " + md("(accessed {})", row.accessed) for row in rows.itertuples()]
    return (md("{}", intro) + "\n\n" if intro else "") + "\n".join(lines)


def sources_for(source_ids, dataset: Dataset | None = None) -> pd.DataFrame:
    """The source rows (title, publisher, url, dates, kind) for the given ids, in id order."""
    ds = dataset or load()
    ids = sorted(set(source_ids))
    unknown = [s for s in ids if s not in ds.sources.index]
    if unknown:
        raise KeyError(f"unknown source id(s) {unknown}")
    return ds.sources.loc[ids]
