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

from chiplib import data, landscape

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


# ----------------------------------------------------------------------------- notebook support

PRECISIONS = {k: v for k, v in landscape.PRECISIONS.items() if k != "int8"}
ROADMAP_METRICS = ("fp16_dense", "fp8_dense", "memory_capacity", "memory_bandwidth", "scaleup_bandwidth")
SHIPPED = ("shipping",)


def _system_choices() -> list[str]:
    return ["all", *systems().index]


def _params():
    from chiplib.params import Param

    return (
        Param("systems", str, "all", "'all' or comma-separated system ids"),
        Param("precision", str, "fp8", "precision of compute totals (dense)", lambda: list(PRECISIONS)),
        Param("include_announced", bool, True, "count announced and roadmap systems and chips"),
    )


PARAMS = _params()


def selected_systems(spec: str, include_announced: bool = True, dataset: data.Dataset | None = None) -> list[str]:
    """System ids from the notebook's ``systems`` parameter, filtered by status."""
    table = systems(dataset)
    ids = list(table.index) if spec == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    if not include_announced:
        ids = [s for s in ids if table.at[s, "status"] in SHIPPED]
    return ids


def check_params(**given) -> dict:
    """Validate the clusters notebook's parameters (see :data:`PARAMS`)."""
    from chiplib.params import ParamError, check

    values = check(PARAMS, given, where="clusters")
    if values["systems"] != "all":
        known = set(systems().index)
        unknown = [s.strip() for s in values["systems"].split(",") if s.strip() not in known]
        if unknown or not values["systems"].strip():
            raise ParamError(f"clusters: unknown system(s) {unknown}; valid systems: {', '.join(_system_choices())}")
    return values


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


def roadmap_values(include_announced: bool, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Chips with their availability year and the roadmap metrics (shipping only unless announced parts count)."""
    wide = data.specs_wide(dataset)
    statuses = ("shipping", "discontinued", "announced", "roadmap") if include_announced else ("shipping", "discontinued")
    wide = wide[wide["status"].isin(statuses)].copy()
    wide["year"] = available_year(wide)
    return wide.reset_index()[["chip_id", "name", "vendor", "country", "status", "year", *ROADMAP_METRICS]]


def gaps_by_metric(values: pd.DataFrame, years: range) -> pd.DataFrame:
    """Latest comparable year per roadmap metric: the years China trails and the US/China ratio.

    A year is comparable when the US data covers it (no later than the newest US part in the data).
    """
    us_horizon = values.loc[values["country"] == "US", "year"].max()
    rows = []
    for metric in ROADMAP_METRICS:
        gaps = gap_years(frontier(values, metric, years))
        gaps = gaps[gaps["year"] <= us_horizon]
        if gaps.empty:
            continue
        last = gaps.iloc[-1]
        rows.append({"metric": metric, "year": int(last["year"]), "china_best": last["follower_best"],
                     "us_best": last["leader_best"], "us_over_china": last["ratio"],
                     "gap_years": last["gap"]})
    return pd.DataFrame(rows)


def cadence(values: pd.DataFrame, vendors: tuple[str, ...] = ("NVIDIA", "Huawei")) -> pd.DataFrame:
    """Release cadence per vendor: the distinct years its datacenter parts become available and the median
    gap between them (``values`` as from :func:`roadmap_values`, joined with vendor)."""
    rows = []
    for vendor in vendors:
        years = sorted({int(y) for y in values.loc[values["vendor"] == vendor, "year"].dropna()})
        steps = [b - a for a, b in zip(years, years[1:])]
        rows.append({"vendor": vendor, "years": ", ".join(map(str, years)), "releases": len(years),
                     "median_years_between": float(pd.Series(steps).median()) if steps else math.nan})
    return pd.DataFrame(rows)
