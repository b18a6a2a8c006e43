"""The chip landscape: how close China's accelerators come to a reference NVIDIA part.

All figures are the dataset's preferred values in canonical units (:func:`chiplib.data.specs_wide`);
shares are plain ratios chip / reference, missing (never zero) when either side is unknown.
Contested figures come from the long view: every source's value for a chip and metric.
"""

from __future__ import annotations

import pandas as pd

from chiplib import data
from chiplib.data.provenance import sources_by_chip
from chiplib.data.schema import ROADMAP, SHIPPED

#: Precision parameter -> dense throughput metric.
PRECISIONS = {"fp16": "fp16_dense", "fp8": "fp8_dense", "int8": "int8_dense", "fp4": "fp4_dense"}
#: Metrics compared with the reference besides compute (canonical units from metrics.csv).
COMPARED = ("memory_capacity", "memory_bandwidth", "scaleup_bandwidth", "tdp")
#: Share of the reference's compute that the headline "at half the reference or more" counts.
HALF = 0.5


def in_scope(wide: pd.DataFrame, include_roadmap: bool) -> pd.DataFrame:
    """Chips shown: shipping and discontinued parts, plus announced/roadmap/rumoured ones if asked."""
    statuses = SHIPPED + (ROADMAP if include_roadmap else ())
    return wide[wide["status"].isin(statuses)]


def _with_shares(chips: pd.DataFrame, wide: pd.DataFrame, reference: str, metrics: list[str],
                 columns: list[str]) -> pd.DataFrame:
    ref = wide.loc[reference, metrics]
    table = chips[columns].copy()
    for metric in metrics:
        table[metric] = chips[metric]
        table[f"{metric}_share"] = chips[metric] / ref[metric]
    table.attrs["units"] = {m: wide.attrs["units"][m] for m in metrics}
    table.attrs["reference"] = reference
    return table.sort_values(f"{metrics[0]}_share", ascending=False, na_position="last")


def share_table(reference: str, precision: str, include_roadmap: bool = True,
                dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Chinese chips against ``reference``: each compared metric's value and its share of the reference.

    Columns: vendor, name, status, then for each metric ``<metric>`` (canonical unit) and
    ``<metric>_share`` (chip / reference). Sorted by compute share, unknown last.
    """
    metrics = [PRECISIONS[precision], *COMPARED]
    wide = data.specs_wide(dataset, metrics)
    chips = in_scope(wide[wide["country"] == "CN"], include_roadmap)
    return _with_shares(chips, wide, reference, metrics, ["vendor", "name", "status"])


def comparison(chip_ids, reference: str, precision: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Any chips (``chip_ids``, either country, any status) against ``reference``, laid out as :func:`share_table`
    with the chip's country beside its status."""
    metrics = [PRECISIONS[precision], *COMPARED]
    wide = data.specs_wide(dataset, metrics)
    return _with_shares(wide.loc[list(chip_ids)], wide, reference, metrics, ["vendor", "name", "country", "status"])


def compute_vs_bandwidth(precision: str, include_roadmap: bool = True,
                         dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Every chip (both countries) with both a compute figure at ``precision`` and a memory bandwidth, with
    ``sources``: the source ids behind each chip's two figures."""
    compute = PRECISIONS[precision]
    ds = dataset or data.load()
    wide = in_scope(data.specs_wide(ds), include_roadmap)
    table = wide.dropna(subset=[compute, "memory_bandwidth"])
    table = table[["vendor", "name", "country", "status", "year", compute, "memory_bandwidth"]].copy()
    table["roadmap"] = table["status"].isin(ROADMAP)
    table["bytes_per_flop"] = table["memory_bandwidth"] * 1e9 / (table[compute] * 1e12)
    by_chip = sources_by_chip(table.index, [compute, "memory_bandwidth"], ds)
    table["sources"] = pd.Series([by_chip[chip] for chip in table.index], index=table.index, dtype=object)
    return table.rename(columns={compute: "compute"})


def contested(chip_ids: list[str] | None = None, metrics: list[str] | None = None,
              dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Figures that sources disagree on: per (chip, metric), low, high, preferred value, the rows (``estimates``),
    sources and the independent ``origins`` behind them (copies of one origin count once).

    Only quantity metrics whose canonical values differ by more than :data:`chiplib.data.CONTESTED_SHARE`
    (0.5 %); ``spread`` = high / low.
    """
    long = data.specs_long(dataset)
    long = long[long["kind"] == "quantity"]
    if chip_ids is not None:
        long = long[long["chip_id"].isin(chip_ids)]
    if metrics is not None:
        long = long[long["metric"].isin(metrics)]
    grouped = long.groupby(["chip_id", "metric"])
    table = grouped.agg(name=("name", "first"), country=("country", "first"), unit=("unit", "first"),
                        low=("value", "min"), high=("value", "max"), estimates=("value", "size"),
                        sources=("source_id", lambda s: tuple(sorted(set(s)))), origins=("origin", "nunique"))
    preferred = long[long["preferred"]].set_index(["chip_id", "metric"])["value"]
    table["preferred"] = preferred.reindex(table.index)
    table = table[(table["high"] - table["low"]) > data.CONTESTED_SHARE * table["high"]]
    table["spread"] = table["high"] / table["low"]
    return table.reset_index().sort_values("spread", ascending=False, ignore_index=True)


def best(table: pd.DataFrame, column: str, statuses: tuple[str, ...] = SHIPPED) -> tuple[str | None, float]:
    """The chip with the highest ``column`` among ``statuses`` and that value; (None, nan) if none is known."""
    rows = table[table["status"].isin(statuses)][column].dropna()
    if rows.empty:
        return None, float("nan")
    chip = rows.idxmax()
    return chip, float(rows[chip])


