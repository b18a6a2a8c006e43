"""Roadmap frontiers: the best chip available by each year per country, how many years China's best
trails the US's, and each vendor's release cadence."""

from __future__ import annotations

import math

import pandas as pd

from chiplib import data
from chiplib.data.schema import ANNOUNCED, SHIPPED


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


ROADMAP_METRICS = ("fp16_dense", "fp8_dense", "memory_capacity", "memory_bandwidth", "scaleup_bandwidth")


def roadmap_values(include_announced: bool, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Chips with their availability year and the roadmap metrics (shipping only unless announced parts count)."""
    wide = data.specs_wide(dataset)
    statuses = (*SHIPPED, *ANNOUNCED) if include_announced else SHIPPED
    wide = wide[wide["status"].isin(statuses)].copy()
    wide["year"] = available_year(wide)
    return wide.reset_index()[["chip_id", "name", "vendor", "country", "status", "flagship", "year", *ROADMAP_METRICS]]


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


def generations(values: pd.DataFrame, vendor: str) -> pd.DataFrame:
    """A vendor's generations, the one definition every report and claim uses: its flagship data-centre parts
    (``flagship`` in chips.csv: the first part of each new architecture; cut-downs, China-market variants and
    memory refreshes are not generations), each in the year it first shipped (planned year for parts not yet
    shipping), oldest first. ``values`` as from :func:`roadmap_values`."""
    rows = values[(values["vendor"] == vendor) & values["flagship"]].dropna(subset=["year"])
    return rows.sort_values(["year", "chip_id"], kind="stable").reset_index(drop=True)


def cadence(values: pd.DataFrame, vendors: tuple[str, ...] = ("NVIDIA", "Huawei")) -> pd.DataFrame:
    """Release cadence per vendor: the years its generations (:func:`generations`) first ship and the median
    gap between them, in years."""
    rows = []
    for vendor in vendors:
        parts = generations(values, vendor)
        years = [int(y) for y in parts["year"]]
        steps = [b - a for a, b in zip(years, years[1:])]
        rows.append({"vendor": vendor, "generations": ", ".join(f"{n} ({y})" for n, y in zip(parts["name"], years)),
                     "releases": len(years),
                     "median_years_between": float(pd.Series(steps).median()) if steps else math.nan})
    return pd.DataFrame(rows)
