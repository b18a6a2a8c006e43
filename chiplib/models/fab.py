"""From wafers to accelerators: dies per wafer, yield models, and the production funnel with uncertainty.

Units: die area in mm² (yield formulas convert to cm²), defect density D0 in defects per cm²,
wafer diameter and edge exclusion in mm, wafer starts in wafers per year.

Yield models (fraction of dies without a killer defect, for die area A and defect density D0):

- Poisson: ``exp(-A D0)``: defects independent and uniform; the most pessimistic for large dies.
- Murphy: ``((1 - exp(-A D0)) / (A D0))**2``.
- negative binomial: ``(1 + A D0 / alpha)**(-alpha)``: clustered defects; small ``alpha`` = strong
  clustering (more dies escape), ``alpha`` -> infinity tends to Poisson.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from chiplib import data
from chiplib.core.dates import midpoint_date, years_between
from chiplib.data import configs
from chiplib.models import hbm

YIELD_MODELS = ("poisson", "murphy", "negative_binomial")
#: Defect densities (per cm²) drawn beside the published TSMC references in yield charts: illustrative
#: values for a young multipatterned DUV process, not published figures (no source gives SMIC's).
ILLUSTRATIVE_DEFECT_DENSITIES = (0.3, 0.5)


class FabModelError(ValueError):
    """A manufacturing-model input is out of range or unknown."""


def dies_per_wafer(die_area_mm2, wafer_diameter_mm: float = 300.0, edge_exclusion_mm: float = 0.0):
    """Gross dies per wafer by the standard formula ``pi r^2 / A - pi d / sqrt(2 A)`` (rounded down).

    ``d`` is the usable diameter (wafer diameter minus twice the edge exclusion). Works on scalars
    and numpy arrays. 100 mm² on 300 mm: 640 dies; 665.6 mm² (Ascend 910B die): 80.
    """
    area = np.asarray(die_area_mm2, dtype=float)
    if np.any(area <= 0):
        raise FabModelError(f"die area must be > 0 mm², got {die_area_mm2!r}")
    usable = wafer_diameter_mm - 2 * edge_exclusion_mm
    if usable <= 0:
        raise FabModelError("edge exclusion leaves no usable wafer")
    gross = math.pi * (usable / 2) ** 2 / area - math.pi * usable / np.sqrt(2 * area)
    result = np.floor(np.maximum(gross, 0))
    return float(result) if result.ndim == 0 else result


def die_yield(die_area_mm2, defect_density_cm2, model: str = "murphy", alpha: float = 3.0):
    """Fraction of good dies under ``model`` (one of :data:`YIELD_MODELS`); scalars or arrays."""
    if model not in YIELD_MODELS:
        raise FabModelError(f"unknown yield model {model!r}; valid models: {', '.join(YIELD_MODELS)}")
    area_cm2 = np.asarray(die_area_mm2, dtype=float) / 100.0
    d0 = np.asarray(defect_density_cm2, dtype=float)
    if np.any(d0 < 0) or np.any(area_cm2 <= 0):
        raise FabModelError("die area must be > 0 and defect density >= 0")
    ad = area_cm2 * d0
    if model == "poisson":
        result = np.exp(-ad)
    elif model == "murphy":
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.where(ad > 0, ((1 - np.exp(-ad)) / np.where(ad > 0, ad, 1)) ** 2, 1.0)
    else:
        if alpha <= 0:
            raise FabModelError(f"alpha must be > 0, got {alpha}")
        result = (1 + ad / alpha) ** (-alpha)
    return float(result) if np.ndim(result) == 0 else result


def percentiles(values: np.ndarray, points: tuple[int, ...] = (5, 50, 95)) -> dict[str, float]:
    """``{"p5": ..., "p50": ..., "p95": ...}`` of a sample."""
    return {f"p{p}": float(np.percentile(values, p)) for p in points}


# ----------------------------------------------------------------------------- scenarios from data

SCENARIO_FILE = configs.FAB_SCENARIOS_FILE
SCENARIO_INPUTS = ("wafers_per_month", "die_yield_percent", "die_stock", "die_stock_drawdown", "packaging_yield",
          "hbm_stacks", "hbm_drawdown")


def estimate_range(dataset, subjects: str | list[str], year: int | None,
                   targets: bool = False) -> tuple[float, float, tuple[str, ...]]:
    """Low/high over every estimate of ``subjects`` (one or several, in ``fab_estimates.csv`` or
    ``hbm_supply.csv``) for the latest period up to ``year``, or over every period when ``year`` is None (a
    stock, whatever date each estimate bears); rows graded ``target`` (plans and goals) count only where the
    scenario sets ``targets: true``."""
    names = [subjects] if isinstance(subjects, str) else list(subjects)
    shown = ", ".join(map(repr, names))
    tables = pd.concat([dataset.tables["fab_estimates"], dataset.tables["hbm_supply"]], ignore_index=True)
    rows = data.capacity_rows(tables, targets=targets)
    rows = rows[rows["subject"].isin(names)]
    if year is not None:
        rows = rows[rows["period"].str[:4].astype(int) <= year]
        if rows.empty:
            raise FabModelError(f"no estimate of {shown} for {year} or earlier")
        rows = rows[rows["period"].str[:4].astype(int) == rows["period"].str[:4].astype(int).max()]
    if rows.empty:
        raise FabModelError(f"no estimate of {shown}")
    numbers = data.estimate_values(rows)
    return float(numbers.min()), float(numbers.max()), tuple(sorted(set(rows["source_id"])))


def package_constants(chip: str, die_chip: str, dataset) -> tuple[dict, tuple[str, ...]]:
    """A package's constants from the chip data (preferred figures): logic dies and HBM stacks per package of
    ``chip`` and the die area (mm²) of ``die_chip``; and the sources they come from."""
    wide = data.specs_wide(dataset, ["die_count", "hbm_stacks", "die_area"])
    constants = {"dies_per_package": int(wide.at[chip, "die_count"]),
                 "stacks_per_package": float(wide.at[chip, "hbm_stacks"]),
                 "die_area_mm2": float(wide.at[die_chip, "die_area"])}
    sources = set(data.preferred_sources([chip], ["die_count", "hbm_stacks"], dataset))
    sources |= set(data.preferred_sources([die_chip], ["die_area"], dataset))
    return constants, tuple(sorted(sources))


def scenario_file(dataset=None) -> dict:
    """The whole scenario file (``data/fab_scenarios.yaml``: the chips and the named scenarios), read safely."""
    return (dataset or data.load()).config(SCENARIO_FILE)


def scenario_ranges(name: str, year: int, dataset=None) -> dict:
    """Input ranges (low, high) for scenario ``name`` in ``year``, the chip constants, and the sources."""
    ds = dataset or data.load()
    spec = scenario_file(ds)
    if name not in spec["scenarios"]:
        raise FabModelError(f"unknown scenario {name!r}; valid scenarios: {', '.join(spec['scenarios'])}")
    chosen = spec["scenarios"][name]
    ranges, sources = {}, set()
    for key in SCENARIO_INPUTS:
        value = chosen.get(key)
        if value is None:
            ranges[key] = None
        elif isinstance(value, dict) and "from" in value:
            low, high, used = estimate_range(ds, value["from"], year, bool(value.get("targets", False)))
            ranges[key] = (low, high)
            sources |= set(used)
        elif isinstance(value, dict) and "scenario" in value:
            ranges[key], used = hbm.stack_range(value["scenario"], ds)
            sources |= set(used)
        else:
            ranges[key] = (float(value[0]), float(value[1]))
    constants, used = package_constants(spec["chip"], spec["die_chip"], ds)
    sources |= set(used)
    return {"ranges": ranges, "constants": constants, "sources": tuple(sorted(sources)),
            "description": " ".join(str(chosen.get("description", "")).split())}


def output(values: dict, constants: dict) -> dict:
    """One year's accelerators from point inputs (vectorised: numpy arrays work too).

    logic = (wafers/month x 12 x dies per wafer x yield + die stock x drawdown) / dies per package x packaging yield;
    hbm = stacks x drawdown / stacks per package (infinite when no HBM limit); output = the smaller.
    """
    dies = values["wafers_per_month"] * 12 * dies_per_wafer(constants["die_area_mm2"]) * values["die_yield_percent"] / 100
    good = dies + values["die_stock"] * values["die_stock_drawdown"]
    logic = np.floor(good / constants["dies_per_package"] * values["packaging_yield"])
    if values.get("hbm_stacks") is None:
        hbm = np.full(np.shape(logic), np.inf)
    else:
        hbm = np.floor(values["hbm_stacks"] * values["hbm_drawdown"] / constants["stacks_per_package"])
    return {"logic_limited": logic, "hbm_limited": hbm, "output": np.minimum(logic, hbm), "hbm_binds": hbm < logic}


#: Bounds each input must respect (inclusive); None = no upper bound.
BOUNDS = {"wafers_per_month": (0, None), "die_yield_percent": (0, 100), "die_stock": (0, None),
          "die_stock_drawdown": (0, 1), "packaging_yield": (0, 1), "hbm_stacks": (0, None), "hbm_drawdown": (0, 1)}


def _check_ranges(ranges: dict) -> None:
    problems = []
    for key, bounds in ranges.items():
        if bounds is None:
            continue
        low, high = bounds
        floor, ceiling = BOUNDS[key]
        if low > high:
            problems.append(f"{key}: low {low} is above high {high}")
        if low < floor or (ceiling is not None and high > ceiling):
            problems.append(f"{key}: range {low}-{high} is outside {floor}-{ceiling if ceiling is not None else 'any'}")
    if problems:
        raise FabModelError("; ".join(problems))


def simulate(ranges: dict, constants: dict, samples: int, seed: int) -> dict:
    """Monte Carlo over the ranges (uniform within each), returning arrays as :func:`output` does."""
    if samples < 1:
        raise FabModelError(f"samples must be >= 1, got {samples}")
    _check_ranges(ranges)
    rng = np.random.default_rng(seed)
    values = {}
    for key in SCENARIO_INPUTS:
        bounds = ranges.get(key)
        values[key] = None if bounds is None else rng.uniform(bounds[0], bounds[1], samples)
    return output(values, constants)


def tornado(ranges: dict, constants: dict) -> "pd.DataFrame":
    """Output at each input's low and high with the others at their midpoints, widest swing first."""
    mid = {k: None if v is None else (v[0] + v[1]) / 2 for k, v in ranges.items()}
    rows = []
    for key, bounds in ranges.items():
        if bounds is None or bounds[0] == bounds[1]:
            continue
        low = float(output({**mid, key: bounds[0]}, constants)["output"])
        high = float(output({**mid, key: bounds[1]}, constants)["output"])
        rows.append({"input": key, "low_input": bounds[0], "high_input": bounds[1], "output_at_low": low,
                     "output_at_high": high, "swing": abs(high - low)})
    base = float(output(mid, constants)["output"])
    table = pd.DataFrame(rows, columns=["input", "low_input", "high_input", "output_at_low", "output_at_high", "swing"])
    table.attrs["base"] = base
    return table.sort_values("swing", ascending=False, ignore_index=True)


def node_gap(timeline: "pd.DataFrame", leader: str = "TSMC", follower: str = "SMIC", as_of: str = "2026-11-22") -> "pd.DataFrame":
    """Per node class: the leader's first volume production, the follower's first product, and the gap in years.

    The milestones differ (volume production vs first shipped product) because SMIC announces neither
    risk nor volume production; a missing follower date is measured to ``as_of`` (a lower bound). A
    year-only date counts from 1 July.
    """
    table = timeline.copy()
    table["when"] = pd.to_datetime(table["date"].map(midpoint_date))
    lead = table[(table["foundry"] == leader) & (table["milestone"] == "volume_production")].groupby("node_class")["when"].min()
    follow = table[(table["foundry"] == follower)].groupby("node_class")["when"].min()
    rows = []
    for node_class, start in lead.sort_values().items():
        end = follow.get(node_class)
        reached = end is not None and not pd.isna(end)
        finish = end if reached else pd.Timestamp(as_of)
        rows.append({"node_class": node_class, "leader_date": start, "follower_date": end if reached else None,
                     "gap_years": years_between(start, finish, 1), "reached": reached})
    return pd.DataFrame(rows)


def implied_yield(units: float, ranges: dict, constants: dict) -> float:
    """Die yield (percent) that would make logic dies alone produce ``units`` accelerators, every other
    input at its midpoint; negative means the die stock alone exceeds ``units``."""
    mid = {k: None if v is None else (v[0] + v[1]) / 2 for k, v in ranges.items()}
    dies_needed = units * constants["dies_per_package"] / mid["packaging_yield"]
    from_stock = mid["die_stock"] * mid["die_stock_drawdown"]
    wafer_dies = mid["wafers_per_month"] * 12 * dies_per_wafer(constants["die_area_mm2"])
    return (dies_needed - from_stock) / wafer_dies * 100


def yield_curves(densities, areas, models: tuple[str, ...] = YIELD_MODELS) -> pd.DataFrame:
    """Good-die share for every (die area in mm², defect density per cm², yield model): columns area, d0, model,
    yield, and ``density`` as a label (``D0 = 0.1/cm²``)."""
    curves = pd.DataFrame([{"area": a, "d0": d, "model": m, "yield": die_yield(a, d, m)}
                           for a in areas for d in densities for m in models])
    curves["density"] = curves["d0"].map(lambda d: f"D0 = {d:g}/cm²")
    return curves


def funnel_steps(ranges: dict, constants: dict) -> pd.DataFrame:
    """The production funnel at the middle of each input range: wafers a year, gross and good dies, dies
    from the stock, packages limited by logic and by HBM, and packages (steps with no limit left out)."""
    mid = {k: None if v is None else (v[0] + v[1]) / 2 for k, v in ranges.items()}
    wafers = mid["wafers_per_month"] * 12
    gross = wafers * dies_per_wafer(constants["die_area_mm2"])
    good = gross * mid["die_yield_percent"] / 100
    stock = mid["die_stock"] * mid["die_stock_drawdown"]
    result = output(mid, constants)
    steps = pd.DataFrame({"step": ["SMIC AI-chip wafers", "gross dies", "good dies (SMIC)", "dies from TSMC stock",
                                   "packages, logic-limited", "packages, HBM-limited", "packages"],
                          "count": [wafers, gross, good, stock, float(result["logic_limited"]),
                                    float(result["hbm_limited"]), float(result["output"])]})
    return steps[np.isfinite(steps["count"])]
