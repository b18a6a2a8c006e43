"""Views of the chip figures the notebooks use.

- :func:`specs_long` gives every estimate of every figure, in canonical units, with its source.
- :func:`specs_wide` gives one row per chip with the preferred value of each metric.
- :func:`coverage` counts, per chip, the metrics sourced, the metrics contested, and the sources and the
  independent origins behind them.
"""

from __future__ import annotations

import pandas as pd

from chiplib.data import tracking
from chiplib.data.tables import LINE, Dataset, load

#: Two figures of one quantity "disagree" when they differ by more than this share of the larger.
CONTESTED_SHARE = 0.005


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
    return _specs_wide(ds, None if metrics is None else tuple(metrics)).copy()


@tracking.per_dataset
def _specs_wide(ds: Dataset, metrics: tuple[str, ...] | None) -> pd.DataFrame:
    """:func:`specs_wide`, built once per dataset and metrics (reports ask for it many times per run)."""
    chosen = ds.specs[ds.specs["preferred"]]
    names = list(ds.metrics.index) if metrics is None else list(metrics)
    unknown = sorted(set(names) - set(ds.metrics.index))
    if unknown:
        raise KeyError(f"unknown metric(s) {unknown}; valid metrics: {', '.join(ds.metrics.index)}")
    wide = ds.chips[["vendor", "name", "country", "status", "year", "variant_of", "market", "flagship"]].copy()
    wide["flagship"] = wide["flagship"] == "true"
    quantity = chosen["kind"] == "quantity"  # one preferred row per (chip, metric): validated on load
    tables = {"quantity": chosen[quantity].pivot(index="chip_id", columns="metric", values="value"),
              "text": chosen[~quantity].pivot(index="chip_id", columns="metric", values="text").astype(object)}
    empty = {"quantity": pd.Series(dtype="float64"), "text": pd.Series(dtype=object)}
    columns = {}
    for metric in names:
        kind = "quantity" if ds.metrics.at[metric, "kind"] == "quantity" else "text"
        columns[metric] = (tables[kind][metric] if metric in tables[kind].columns else empty[kind]).reindex(wide.index)
    wide = pd.concat([wide.drop(columns=[m for m in columns if m in wide.columns]),
                      pd.DataFrame(columns, index=wide.index)], axis=1)
    wide.attrs["units"] = {m: ds.unit(m) for m in names}
    return wide


def coverage(dataset: Dataset | None = None) -> pd.DataFrame:
    """Per chip: metrics sourced, metrics contested (sources give different values), sources cited and the
    independent ``origins`` behind them (two pages relaying one party count once).

    A quantity is contested when its canonical values differ by more than :data:`CONTESTED_SHARE` (0.5 %) across rows;
    text and date metrics when their texts differ.
    """
    ds = dataset or load()
    specs = ds.specs
    key = specs["value"].round(6).astype(str).where(specs["kind"] == "quantity", specs["text"].str.lower())
    per_metric = specs.assign(key=key).groupby(["chip_id", "metric"]).agg(
        low=("value", "min"), high=("value", "max"), distinct=("key", "nunique"), kind=("kind", "first"))
    spread = (per_metric["high"] - per_metric["low"]) > CONTESTED_SHARE * per_metric["high"].abs()
    per_metric["contested"] = spread.where(per_metric["kind"] == "quantity", per_metric["distinct"] > 1)
    table = ds.chips[["vendor", "name", "status"]].copy()
    grouped = per_metric.groupby(level="chip_id")
    table["metrics"] = grouped.size().reindex(table.index, fill_value=0)
    table["contested"] = grouped["contested"].sum().reindex(table.index, fill_value=0).astype(int)
    table["sources"] = specs.groupby("chip_id")["source_id"].nunique().reindex(table.index, fill_value=0)
    table["origins"] = specs.groupby("chip_id")["origin"].nunique().reindex(table.index, fill_value=0)
    return table


def capacity_rows(rows: pd.DataFrame, *, targets: bool = False) -> pd.DataFrame:
    """The rows of an estimate table that may stand for what exists or happened: rows graded ``target`` (a goal,
    plan or roadmap figure) are left out unless ``targets`` (a scenario that says so explicitly)."""
    return rows if targets else rows[rows["basis"] != "target"]


def measurements(dataset: Dataset | None = None) -> pd.DataFrame:
    """Every published measurement (``measurements.csv``) with ``value`` in its metric's canonical unit
    (``value_published``/``unit_published`` as printed), ``chips`` as a number (NaN when not stated) and the
    source's ``origin``; conditions a source leaves out stay empty (None)."""
    return _measurements(dataset or load()).copy()


@tracking.per_dataset
def _measurements(ds: Dataset) -> pd.DataFrame:
    """:func:`measurements`, built once per dataset (each chip dossier reads it twice)."""
    from chiplib.core import units
    from chiplib.data.schema import MEASUREMENT_METRICS

    table = ds.tables["measurements"].rename(columns={"value": "value_published", "unit": "unit_published"})
    table["value"] = [float(str(v).replace(",", "")) * units.factor(u, MEASUREMENT_METRICS[m])
                      for v, u, m in zip(table["value_published"], table["unit_published"], table["metric"])]
    table["unit"] = table["metric"].map(MEASUREMENT_METRICS)
    table["chips"] = pd.to_numeric(table["chips"])
    table["origin"] = table["source_id"].map(ds.sources["origin"])
    return table.reset_index(drop=True)


def estimate_values(rows: pd.DataFrame) -> pd.Series:
    """Every number some rows of an estimate table (``hbm_supply``, ``fab_estimates``) give: each
    estimator's value, low and high, as floats. Their minimum and maximum are the range across estimators."""
    return pd.to_numeric(pd.concat([rows["value"], rows["low"], rows["high"]]).dropna())
