"""System-scale aggregates (racks, superpods), recomputed from chip figures.

Units: compute in TFLOPS (dense), memory in GB, bandwidth in GB/s, power in W (the metric's
canonical units); tables for readers rescale to PFLOPS/TB as they say.

- :func:`aggregate` multiplies a system's chip count by the chip's preferred figures.
- :func:`compare` puts each recomputed total beside the system's published totals and flags
  differences beyond a tolerance.
- :func:`system_table` gives a reader's table of systems (PFLOPS, TB, kW) with per-chip and per-kW views.
"""

from __future__ import annotations

import math

import pandas as pd

from chiplib import data
from chiplib.models.landscape import PRECISIONS as CHIP_PRECISIONS

#: System totals recomputed from chips: system metric -> chip metric.
AGGREGATED = {
    "fp4_dense": "fp4_dense", "fp8_dense": "fp8_dense", "fp16_dense": "fp16_dense",
    "memory_capacity": "memory_capacity", "memory_bandwidth": "memory_bandwidth",
    "scaleup_bandwidth": "scaleup_bandwidth", "power": "tdp",
}
#: Precisions of system compute totals: notebook name -> dense metric (integer throughput is not summed).
PRECISIONS = {name: metric for name, metric in CHIP_PRECISIONS.items() if name != "int8"}
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
    switches, optics and cooling, so a published power above the chip sum is expected and not flagged.
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
                         # system power includes CPUs, switches and cooling: above the chip sum by design
                         "flag": fig.metric != "power" and (not math.isnan(ratio)) and abs(ratio - 1) > tolerance})
    columns = ["system_id", "metric", "unit", "published", "recomputed", "ratio", "source_id", "preferred", "flag"]
    return pd.DataFrame(rows, columns=columns)


# ----------------------------------------------------------------------------- roadmaps


# ----------------------------------------------------------------------------- notebook support


def _preferred_published(pub: pd.DataFrame, system_id: str, metric: str) -> float:
    rows = pub[(pub["system_id"] == system_id) & (pub["metric"] == metric) & pub["preferred"]]
    return float(rows["value"].iloc[0]) if not rows.empty else math.nan


def system_table(system_ids: list[str], precision: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Per system, recomputed from its chips (compute in PFLOPS, memory TB, bandwidth TB/s, power kW)
    beside the published compute and power, and per-chip / per-kW ratios.

    ``compute_per_kw`` divides recomputed compute by the published system power where one exists,
    else by the chips' summed TDP (``power_basis`` says which; chip TDP leaves out CPUs, switches and cooling).
    """
    ds = dataset or data.load()
    table = systems(ds)
    pub = published(ds)
    metric = PRECISIONS[precision]
    rows = []
    for system_id in system_ids:
        info = table.loc[system_id]
        totals = aggregate(system_id, ds)
        system_power = _preferred_published(pub, system_id, "power")
        chip_power = totals["power"]
        power = system_power if not math.isnan(system_power) else chip_power
        rows.append({
            "system_id": system_id, "name": info["name"], "vendor": info["vendor"], "status": info["status"],
            "year": info["year"], "chip_id": info["chip_id"], "chips": info["chip_count"],
            "compute_pflops": totals[metric] / 1e3,
            "compute_published_pflops": _preferred_published(pub, system_id, metric) / 1e3,
            "per_chip_tflops": totals[metric] / info["chip_count"] if info["chip_count"] else math.nan,
            "memory_tb": totals["memory_capacity"] / 1e3,
            "memory_bandwidth_tb_s": totals["memory_bandwidth"] / 1e3,
            "scaleup_tb_s": totals["scaleup_bandwidth"] / 1e3,
            "chip_power_kw": chip_power / 1e3,
            "system_power_kw": system_power / 1e3,
            "compute_per_kw": totals[metric] / (power / 1e3) if power and not math.isnan(power) else math.nan,
            "power_basis": "published system power" if not math.isnan(system_power) else
                           ("chip TDP only" if not math.isnan(chip_power) else ""),
        })
    return pd.DataFrame(rows).set_index("system_id")


def ratio(table: pd.DataFrame, column: str, numerator: str, denominator: str) -> float:
    """``table[column]`` of one system over another (NaN when either is unknown)."""
    try:
        return float(table.at[numerator, column] / table.at[denominator, column])
    except (KeyError, ZeroDivisionError):
        return math.nan


