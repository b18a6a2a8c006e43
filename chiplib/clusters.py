"""System-scale aggregates (racks, superpods) and roadmap frontiers, recomputed from chip figures.

Units: compute in TFLOPS (dense), memory in GB, bandwidth in GB/s, power in W (the metric's
canonical units); tables for readers rescale to PFLOPS/TB as they say.

- :func:`aggregate` multiplies a system's chip count by the chip's preferred figures.
- :func:`compare` puts each recomputed total beside the system's published totals and flags
  differences beyond a tolerance.
- :func:`frontier` and :func:`gap_years` give the best chip per year by country and how many
  years China's best trails the US's best.
"""

from __future__ import annotations

import math

import pandas as pd

from chiplib import data

#: System totals recomputed from chips: system metric -> chip metric.
AGGREGATED = {
    "fp4_dense": "fp4_dense", "fp8_dense": "fp8_dense", "fp16_dense": "fp16_dense",
    "memory_capacity": "memory_capacity", "memory_bandwidth": "memory_bandwidth",
    "scaleup_bandwidth": "scaleup_bandwidth", "power": "tdp",
}
#: Default tolerance when comparing a recomputed total with a published one.
TOLERANCE = 0.05


def systems(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """``data/systems.csv`` indexed by system_id, ``chip_count`` as a number."""
    ds = dataset or data.load()
    table = ds.tables["systems"].set_index("system_id").copy()
    table["chip_count"] = pd.to_numeric(table["chip_count"])
    table["year"] = pd.to_numeric(table["year"]).astype("Int64")
    return table


def aggregate_from(chip_values: dict[str, float], chip_count: float) -> dict[str, float]:
    """Totals for ``chip_count`` identical chips: each system metric = count x the chip figure (NaN if unknown)."""
    return {metric: chip_count * chip_values.get(chip_metric, math.nan) for metric, chip_metric in AGGREGATED.items()}


def aggregate(system_id: str, dataset: data.Dataset | None = None) -> dict[str, float]:
    """Recomputed totals for a system from its chip's preferred figures (chip power only: TDP x count)."""
    ds = dataset or data.load()
    table = systems(ds)
    if system_id not in table.index:
        raise KeyError(f"unknown system {system_id!r}; valid systems: {', '.join(table.index)}")
    row = table.loc[system_id]
    if pd.isna(row["chip_id"]) or pd.isna(row["chip_count"]):
        return {metric: math.nan for metric in AGGREGATED}
    wide = data.specs_wide(ds)
    chip = wide.loc[row["chip_id"]]
    return aggregate_from({m: chip[m] for m in AGGREGATED.values()}, float(row["chip_count"]))


def published(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Every published system figure (long, canonical units) from ``data/system_specs.csv``."""
    return data.facts("system_specs", dataset)


def compare(dataset: data.Dataset | None = None, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Recomputed vs published totals, one row per (system, metric, source) that can be compared.

    ``ratio`` = published / recomputed; ``flag`` when it is off by more than ``tolerance``.
    Power compares chip TDP x count with the system's published power, which also counts CPUs,
    switches, optics and cooling, so a published power above the chip sum is expected.
    """
    ds = dataset or data.load()
    rows = []
    pub = published(ds)
    for system_id in systems(ds).index:
        recomputed = aggregate(system_id, ds)
        for fig in pub[(pub["system_id"] == system_id) & pub["metric"].isin(list(AGGREGATED))].itertuples():
            again = recomputed[fig.metric]
            ratio = fig.value / again if again and not math.isnan(again) else math.nan
            rows.append({"system_id": system_id, "metric": fig.metric, "unit": fig.unit, "published": fig.value,
                         "recomputed": again, "ratio": ratio, "source_id": fig.source_id, "preferred": fig.preferred,
                         "flag": (not math.isnan(ratio)) and abs(ratio - 1) > tolerance})
    columns = ["system_id", "metric", "unit", "published", "recomputed", "ratio", "source_id", "preferred", "flag"]
    return pd.DataFrame(rows, columns=columns)


def per_watt(totals: dict[str, float], power_w: float) -> dict[str, float]:
    """Compute and bandwidth per watt (TFLOPS/W, GB/s per W) from totals and a power in W."""
    if not power_w or math.isnan(power_w):
        return {f"{m}_per_watt": math.nan for m in ("fp8_dense", "fp16_dense", "memory_bandwidth")}
    return {f"{m}_per_watt": totals.get(m, math.nan) / power_w for m in ("fp8_dense", "fp16_dense", "memory_bandwidth")}


# ----------------------------------------------------------------------------- roadmaps

def available_year(wide: pd.DataFrame) -> pd.Series:
    """Year each chip is (or is planned to be) available: first shipment, else the vendor's planned date,
    else the year in chips.csv (announcement or first shipment)."""
    def year_of(text) -> float:
        return float(str(text)[:4]) if isinstance(text, str) and text[:4].isdigit() else math.nan

    shipped = wide["shipped"].map(year_of) if "shipped" in wide else pd.Series(math.nan, index=wide.index)
    planned = wide["planned"].map(year_of) if "planned" in wide else pd.Series(math.nan, index=wide.index)
    return shipped.fillna(planned).fillna(wide["year"].astype(float))


def frontier(values: pd.DataFrame, metric: str, years: range | None = None) -> pd.DataFrame:
    """Best value of ``metric`` available by each year, per country.

    ``values`` has columns chip_id, country, year and ``metric`` (e.g. ``data.specs_wide()`` reset).
    A chip counts from its ``year`` on; the frontier never falls. Columns: year, country, best, chip_id.
    """
    table = values.dropna(subset=[metric, "year"])
    if years is None:
        years = range(int(table["year"].min()), int(table["year"].max()) + 1) if not table.empty else range(0)
    rows = []
    for country, group in table.groupby("country"):
        for year in years:
            available = group[group["year"] <= year]
            if available.empty:
                continue
            best = available.loc[available[metric].idxmax()]
            rows.append({"year": year, "country": country, "best": float(best[metric]), "chip_id": best["chip_id"]})
    return pd.DataFrame(rows, columns=["year", "country", "best", "chip_id"])


def gap_years(front: pd.DataFrame, leader: str = "US", follower: str = "CN") -> pd.DataFrame:
    """For each year of the follower's frontier: how many years earlier the leader reached that level.

    ``gap`` is None where the leader never reached it (the follower leads); ``ratio`` = leader's best
    that year / follower's best.
    """
    lead = front[front["country"] == leader].set_index("year")["best"]
    follow = front[front["country"] == follower].set_index("year")["best"]
    rows = []
    for year, level in follow.items():
        reached = lead[lead >= level]
        first = int(reached.index.min()) if not reached.empty else None
        # a leader level first seen after the follower's year means the leader's data starts later: no gap
        gap = (year - first) if first is not None and first <= year else None
        rows.append({"year": year, "follower_best": level, "leader_best": lead.get(year, math.nan),
                     "ratio": lead.get(year, math.nan) / level if level else math.nan,
                     "leader_reached_in": first, "gap": gap})
    return pd.DataFrame(rows, columns=["year", "follower_best", "leader_best", "ratio", "leader_reached_in", "gap"])
