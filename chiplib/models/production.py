"""Huawei's Ascend output year by year: a stock-and-flow Monte Carlo over 2024-2028.

Stocks only deplete: the TSMC-made die bank (dies) and the pre-control HBM stockpile (stacks), each drawn
down by a share of what remains every year. Flows arrive each year: SMIC's AI-chip wafers (wafers/month),
split between 910-class dies (SMIC N+2, the 910B die's area) and 950-class dies (SMIC's 5nm-class process),
die yields (percent), domestic HBM stacks, and packaging yield (fraction of packages that work).

Each year, in order:

1. 950-class packages = min(950 dies / dies per package x packaging yield, domestic stacks / stacks per package);
2. 910C packages = min((SMIC 910 dies + dies drawn from the bank) / 2 x packaging yield,
   (stacks drawn from the stockpile + domestic stacks left over) / 8), the bank's dies used first (SemiAnalysis
   describes TSMC-made dies carrying output until the bank runs out);
3. packaging losses consume logic dies (CSIS: about a quarter of dies lost in advanced packaging), as in the
   single-year model (:mod:`chiplib.models.fab`); stacks are counted per finished package, as SemiAnalysis does;
4. dies and stacks drawn but not used return to their stock; unused SMIC dies and domestic stacks
   are carried to the next year (they are inventory, not lost).

One draw is one history: each input is drawn once as a quantile and that quantile applies in every year,
so an optimistic yield in 2025 is optimistic in 2028 too. Inputs come from
``data/production_scenarios.yaml`` (:func:`scenario_inputs`); constants (dies and stacks per 910C, the
910B die area) from ``chip_specs.csv``.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from chiplib import data
from chiplib.data import configs, tracking
from chiplib.models import fab, hbm

SCENARIO_FILE = configs.PRODUCTION_SCENARIOS_FILE
#: Stocks at the start of the first year.
STOCKS = ("die_bank", "hbm_stockpile")
#: Inputs drawn for every year.
FLOWS = ("wafers_per_month", "die_yield_percent", "die_bank_drawdown", "hbm_drawdown", "packaging_yield", "share_950",
         "die_yield_950_percent", "die_area_950_mm2", "dies_per_950", "stacks_per_950", "domestic_stacks")
INPUTS = STOCKS + FLOWS
#: Bounds each input must respect (inclusive; None: no upper bound).
BOUNDS = {"die_bank": (0, None), "hbm_stockpile": (0, None), "wafers_per_month": (0, None),
          "die_yield_percent": (0, 100), "die_bank_drawdown": (0, 1), "hbm_drawdown": (0, 1), "packaging_yield": (0, 1),
          "share_950": (0, 1), "die_yield_950_percent": (0, 100), "die_area_950_mm2": (1, None),
          "dies_per_950": (1, None), "stacks_per_950": (1, None), "domestic_stacks": (0, None)}
#: Quantities :func:`simulate` returns per year and draw, and what each counts.
QUANTITIES = {
    "packages": "Ascend packages of both generations (910C and 950-class)",
    "packages_910c": "Ascend 910C packages",
    "packages_950": "Ascend 950-class packages",
    "smic_packages": "packages whose logic dies SMIC made (every 950; 910C from SMIC dies)",
    "smic_capacity": "packages the year's SMIC-made good dies could make, before any memory limit (both generations)",
    "dies": "good logic dies available: SMIC's good dies of both kinds plus dies drawn from the TSMC bank",
    "stacks": "HBM stacks available: drawn from the stockpile plus domestic output and inventory",
    "dies_used": "logic dies put into packages (both generations, packaging losses included)",
    "die_bank": "TSMC-made dies left in the bank at the end of the year",
    "hbm_stockpile": "stockpiled stacks left at the end of the year",
    "die_bank_start": "TSMC-made dies in the bank at the start of the year",
    "hbm_stockpile_start": "stockpiled stacks at the start of the year",
}


class ProductionModelError(ValueError):
    """A production-history input is out of range, unknown, or has no published estimate."""


def scenario_file(dataset=None) -> dict:
    """The whole file (``data/production_scenarios.yaml``), read safely."""
    return (dataset or data.load()).config(SCENARIO_FILE)


def scenario_names(dataset=None) -> list[str]:
    """The scenarios the file defines, in file order."""
    return list(scenario_file(dataset)["scenarios"])


def years(dataset=None) -> list[int]:
    """The modelled years, first to last."""
    first, last = scenario_file(dataset)["years"]
    return list(range(int(first), int(last) + 1))


def _range(ds, key: str, spec, year: int | None) -> tuple[tuple[float, float] | None, set[str]]:
    """One input's (low, high) in ``year`` (None for a stock) and the sources it was read from."""
    if spec is None:
        return None, set()
    if isinstance(spec, list):
        return (float(spec[0]), float(spec[1])), set()
    if year is not None and year in (spec.get("years") or {}):
        low, high = spec["years"][year]
        return (float(low), float(high)), set()
    if "range" in spec:
        return (float(spec["range"][0]), float(spec["range"][1])), set()
    if "scenario" in spec:
        bounds, sources = hbm.stack_range(spec["scenario"], ds)
        return bounds, set(sources)
    low, high, sources = fab.estimate_range(ds, spec["from"], year, bool(spec.get("targets", False)))
    return (low, high), set(sources)


def scenario_inputs(name: str, dataset=None) -> dict:
    """Scenario ``name``: ``ranges`` ({input: {year: (low, high) or None}}, stocks under the first year),
    ``constants`` (910C dies and stacks per package, 910B die area in mm²), ``sources`` and ``description``
    (a copy of what is read once per dataset: the report, the reconciliation and the claims all ask)."""
    return copy.deepcopy(_scenario_inputs(dataset or data.load(), name))


@tracking.per_dataset
def _scenario_inputs(ds, name: str) -> dict:
    spec = scenario_file(ds)
    if name not in spec["scenarios"]:
        raise ProductionModelError(f"unknown scenario {name!r}; valid scenarios: {', '.join(spec['scenarios'])}")
    chosen, span = spec["scenarios"][name], years(ds)
    reasons = {**spec.get("assumptions", {}), **chosen.get("assumptions", {})}
    ranges, sources, basis = {}, set(), {}
    for key in INPUTS:
        ranges[key] = {}
        for year in ([span[0]] if key in STOCKS else span):
            bounds, used = _range(ds, key, chosen[key], None if key in STOCKS else year)
            ranges[key][year] = bounds
            sources |= used
        basis[key] = _basis(chosen[key], reasons.get(key, ""))
    generation = spec["generations"]["910c"]
    constants, used = fab.package_constants(generation["chip"], generation["die_chip"], ds)
    sources |= set(used)
    return {"ranges": ranges, "constants": constants, "sources": tuple(sorted(sources)), "years": span, "basis": basis,
            "description": " ".join(str(chosen.get("description", "")).split())}


def _basis(spec, reason: str) -> str:
    """Where an input's range comes from, as a reader reads it: the published estimates it is read from, the
    HBM scenario, or the collection's assumption with its reason (both, when single years are overridden)."""
    reason = " ".join(reason.split())
    if spec is None:
        return "no limit"
    if isinstance(spec, list) or "range" in spec:
        return f"assumption: {reason}"
    if "scenario" in spec:
        return f"HBM scenario '{spec['scenario']}' (hbm_supply.csv)"
    subjects = [spec["from"]] if isinstance(spec["from"], str) else spec["from"]
    published = "published: " + ", ".join(subjects) + (" (targets included)" if spec.get("targets") else "")
    return f"{published}; assumed for {', '.join(map(str, spec['years']))}: {reason}" if spec.get("years") else published


def check_ranges(ranges: dict) -> None:
    """Every (low, high) inside its input's :data:`BOUNDS` and low <= high; all problems in one message."""
    problems = []
    for key, by_year in ranges.items():
        if key not in BOUNDS:
            problems.append(f"unknown input {key!r}; valid inputs: {', '.join(INPUTS)}")
            continue
        floor, ceiling = BOUNDS[key]
        for year, bounds in by_year.items():
            if bounds is None:
                if key not in ("hbm_stockpile", "domestic_stacks"):
                    problems.append(f"{key} {year}: only memory may be unlimited (null)")
                continue
            low, high = bounds
            if low > high:
                problems.append(f"{key} {year}: low {low:g} is above high {high:g}")
            if low < floor or (ceiling is not None and high > ceiling):
                problems.append(f"{key} {year}: range {low:g}-{high:g} is outside {floor}-{ceiling if ceiling is not None else 'any'}")
    if problems:
        raise ProductionModelError("; ".join(problems))


def _draw(bounds, quantile: np.ndarray) -> np.ndarray | float:
    """The history's value of one input in one year: a scalar when the range is a single value (or no limit)."""
    if bounds is None:
        return np.inf
    low, high = bounds
    return float(low) if low == high else low + quantile * (high - low)


def simulate(ranges: dict, constants: dict, samples: int, seed: int) -> dict[int, dict[str, np.ndarray]]:
    """``samples`` histories: {year: {quantity: array over draws}} for every quantity in :data:`QUANTITIES`, plus
    ``binding_910c`` / ``binding_950`` (True where memory, not logic dies, caps the generation that year)."""
    if samples < 1:
        raise ProductionModelError(f"samples must be >= 1, got {samples}")
    check_ranges(ranges)
    rng = np.random.default_rng(seed)
    return histories(ranges, constants, {key: rng.random(samples) for key in INPUTS})


def histories(ranges: dict, constants: dict, quantile: dict[str, np.ndarray]) -> dict[int, dict[str, np.ndarray]]:
    """The histories for given quantiles (one array per input, each value in [0, 1] places the input in its range
    in every year): what :func:`simulate` runs on random quantiles and :func:`tornado` on chosen ones."""
    samples = len(next(iter(quantile.values())))
    span = sorted(ranges["wafers_per_month"])
    value = {key: {year: _draw(bounds, quantile[key]) for year, bounds in ranges[key].items()} for key in INPUTS}
    bank = np.broadcast_to(value["die_bank"][span[0]], samples).astype(float)
    stockpile = np.broadcast_to(value["hbm_stockpile"][span[0]], samples).astype(float)
    die_stock = np.zeros(samples)      # SMIC 910 dies made but not yet packaged
    domestic_stock = np.zeros(samples)  # domestic stacks made but not yet used
    dpp, spp = constants["dies_per_package"], constants["stacks_per_package"]
    gross_910 = fab.dies_per_wafer(constants["die_area_mm2"])
    result = {}
    for year in span:
        v = {key: value[key][year] for key in FLOWS}
        pk, dpp_950, spp_950 = v["packaging_yield"], v["dies_per_950"], v["stacks_per_950"]
        wafers = v["wafers_per_month"] * 12
        dies_950 = wafers * v["share_950"] * fab.dies_per_wafer(v["die_area_950_mm2"]) * v["die_yield_950_percent"] / 100
        new_910 = wafers * (1 - v["share_950"]) * gross_910 * v["die_yield_percent"] / 100
        smic_910 = die_stock + new_910
        domestic = domestic_stock + v["domestic_stacks"]
        # 950-class: its own dies and domestic memory only
        logic_950, memory_950 = dies_950 / dpp_950 * pk, domestic / spp_950
        packages_950 = np.floor(np.minimum(logic_950, memory_950))
        domestic_left = domestic - packages_950 * spp_950
        # 910C: bank dies first, then SMIC's; stockpiled stacks first, then domestic leftovers
        bank_take = bank * v["die_bank_drawdown"]
        pile_take = stockpile * v["hbm_drawdown"]  # inf x share stays inf: no memory limit
        logic_910 = (smic_910 + bank_take) / dpp * pk
        memory_910 = (pile_take + domestic_left) / spp
        packages_910 = np.floor(np.minimum(logic_910, memory_910))
        used_dies = packages_910 / pk * dpp
        from_bank = np.minimum(used_dies, bank_take)
        from_smic = used_dies - from_bank
        used_stacks = packages_910 * spp
        from_pile = np.minimum(used_stacks, pile_take)
        bank_start, pile_start = bank, stockpile
        bank = bank - from_bank
        with np.errstate(invalid="ignore"):  # inf - inf where memory is unlimited: the stock stays unlimited
            stockpile = np.where(np.isinf(stockpile), np.inf, stockpile - from_pile)
            domestic_stock = np.where(np.isinf(domestic_left), 0.0, domestic_left - (used_stacks - from_pile))
        die_stock = smic_910 - from_smic
        year_values = {
            "die_bank_start": bank_start, "hbm_stockpile_start": pile_start,
            "packages": packages_910 + packages_950, "packages_910c": packages_910, "packages_950": packages_950,
            "smic_packages": packages_950 + np.floor(from_smic / dpp * pk + 1e-6),  # + 1e-6: float round-off
            "smic_capacity": np.floor(new_910 / dpp * pk) + np.floor(logic_950),
            "dies": smic_910 + dies_950 + bank_take, "stacks": pile_take + domestic,
            "dies_used": used_dies + packages_950 / pk * dpp_950,
            "die_bank": bank, "hbm_stockpile": stockpile,
            "binding_910c": memory_910 < logic_910, "binding_950": memory_950 < logic_950, "active_950": dies_950 > 0,
        }
        result[year] = {key: np.broadcast_to(array, samples) for key, array in year_values.items()}
    return result


def tornado(ranges: dict, constants: dict, quantity: str = "packages") -> pd.DataFrame:
    """Per year and input: ``quantity`` with that input at the low and at the high end of its range in every year
    (every other input at the middle of its range), the swing, and ``base`` (all inputs at the middle).
    Inputs fixed in every year are left out; widest swing first within each year."""
    names = [k for k in INPUTS if any(b is not None and b[0] != b[1] for b in ranges[k].values())]
    middle = {key: np.array([0.5]) for key in INPUTS}
    base = histories(ranges, constants, middle)
    rows = []
    for key in names:
        low = histories(ranges, constants, {**middle, key: np.array([0.0])})
        high = histories(ranges, constants, {**middle, key: np.array([1.0])})
        for year in base:
            at_low, at_high = float(low[year][quantity][0]), float(high[year][quantity][0])
            rows.append({"year": year, "input": key, "output_at_low": at_low, "output_at_high": at_high,
                         "swing": abs(at_high - at_low), "base": float(base[year][quantity][0])})
    table = pd.DataFrame(rows, columns=["year", "input", "output_at_low", "output_at_high", "swing", "base"])
    return table.sort_values(["year", "swing"], ascending=[True, False], ignore_index=True)


def percentiles(histories: dict, quantity: str = "packages", points: tuple[int, ...] = (5, 50, 95)) -> pd.DataFrame:
    """One row per year: the ``quantity``'s percentiles (``p5``, ``p50``, ``p95``)."""
    if quantity not in QUANTITIES:
        raise ProductionModelError(f"unknown quantity {quantity!r}; valid quantities: {', '.join(QUANTITIES)}")
    rows = [{"year": year, **fab.percentiles(values[quantity], points)} for year, values in histories.items()]
    return pd.DataFrame(rows)


def trajectory(histories: dict) -> pd.DataFrame:
    """Per year and generation: packages (5th, 50th, 95th percentile) and the share of draws where memory binds
    (for the 950, among draws that make any 950 that year); ``binding`` names what caps the median history."""
    rows = []
    for year, values in histories.items():
        for generation, quantity in (("910C", "packages_910c"), ("950-class", "packages_950")):
            binds = values["binding_910c"] if generation == "910C" else values["binding_950"][values["active_950"]]
            share = float(np.mean(binds)) if binds.size else float("nan")
            stats = fab.percentiles(values[quantity])
            if generation == "950-class" and not values["active_950"].any():
                binding = "not in production"
            else:
                binding = "HBM" if share >= 0.5 else "logic dies"
            rows.append({"year": year, "generation": generation, **stats, "memory_binds_share": share, "binding": binding})
    return pd.DataFrame(rows)


def growth(histories: dict, quantity: str, first: int, second: int) -> np.ndarray:
    """Per history, ``quantity`` in year ``second`` over year ``first`` (NaN where the first year gives none)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = histories[second][quantity] / histories[first][quantity]
    return np.where(histories[first][quantity] > 0, ratio, np.nan)


#: Quantities a published volume can be compared with (``published`` in the scenario file).
COMPARABLE = ("packages", "packages_910c", "packages_950", "smic_capacity", "dies_used")


def reconcile(dataset=None, samples: int = 20000, seed: int = 7) -> pd.DataFrame:
    """Every published volume in ``fab_estimates.csv`` whose subject the scenario file's ``published`` section
    lists: what it counts; ``value`` in the model's unit (``scale``: a 910B is half a 910C-equivalent package);
    the base scenario's 5th-95th percentile of the comparable quantity in its year and the ``verdict`` (within,
    below or above that range; outside the model or its years); which scenarios' ranges contain it; and what
    it would take in the base scenario's median history: the logic dies (two per 910C, a quarter lost in
    packaging) and HBM stacks (eight per 910C) it needs, the share of the stockpile left at the start of that
    year those stacks are, and the SMIC die yield that would make the dies if no banked die were used.
    Figures outside the model (another vendor, the whole market) say so."""
    ds = dataset or data.load()
    spec = scenario_file(ds)
    runs = {}
    for name in spec["scenarios"]:
        setup = scenario_inputs(name, ds)
        runs[name] = (setup, simulate(setup["ranges"], setup["constants"], samples, seed))
    base_setup, base = runs["base"]
    constants = base_setup["constants"]
    table = ds.tables["fab_estimates"]
    rows = []
    for row in table[table["subject"].isin(spec["published"])].itertuples(index=False):
        year = int(str(row.period)[:4])
        value = float(row.value) if pd.notna(row.value) else float(row.high if pd.notna(row.high) else row.low)
        entry = spec["published"][row.subject]
        quantity = "dies_used" if row.metric == "dies" else entry["quantity"]
        value *= 1 if row.metric == "dies" else float(entry.get("scale", 1))
        line = {"subject": row.subject, "year": year, "metric": row.metric, "value": value, "basis": row.basis,
                "source_id": row.source_id, "counts": entry["counts"], "quantity": quantity}
        if quantity is None or year not in base:
            line["verdict"] = "outside the model" if quantity is None else "outside the years"
            rows.append(line)
            continue
        spans = {name: fab.percentiles(run[year][quantity]) for name, (_, run) in runs.items()}
        within = [name for name, span in spans.items() if span["p5"] <= value <= span["p95"]]
        stats = spans["base"]
        line.update(base_p5=stats["p5"], base_p50=stats["p50"], base_p95=stats["p95"], scenarios=", ".join(within) or "none",
                    verdict="within" if "base" in within else ("below" if value < stats["p5"] else "above"))
        if quantity in ("packages", "packages_910c", "smic_capacity"):
            packaging, wafers = (sum(base_setup["ranges"][key][year]) / 2 for key in ("packaging_yield", "wafers_per_month"))
            dies = value / packaging * constants["dies_per_package"]
            stacks = value * constants["stacks_per_package"]
            pile = float(np.median(base[year]["hbm_stockpile_start"]))
            gross = wafers * 12 * fab.dies_per_wafer(constants["die_area_mm2"])
            line.update(dies_needed=dies, stacks_needed=stacks,
                        stockpile_share=stacks / pile if pile > 0 else np.nan,
                        smic_yield_percent=dies / gross * 100 if gross > 0 else np.nan)
        rows.append(line)
    return pd.DataFrame(rows).sort_values(["year", "subject", "value"], ignore_index=True)


def claim_range(dataset, quantity: str, period: str, scenario: str = "base", samples: int = 20000,
                seed: int = 7) -> tuple[float, float, float, tuple[str, ...], str]:
    """What a claim about ``quantity`` in ``period`` is tested against: (5th, 50th, 95th percentile, sources,
    reasoning) of the scenario's histories. ``period`` is a year (``2025``) or a growth ``2026/2025`` (the ratio
    per history)."""
    setup = scenario_inputs(scenario, dataset)
    runs = simulate(setup["ranges"], setup["constants"], samples, seed)
    if "/" in period:
        second, first = (int(part) for part in period.split("/"))
        values = growth(runs, quantity, first, second)
        values = values[np.isfinite(values)]
        what, fmt = f"{quantity} {second} over {first}", "{:,.2f}"
    else:
        values, what, fmt = runs[int(period)][quantity], f"{quantity} in {period}", "{:,.0f}"
    if values.size == 0:
        raise ProductionModelError(f"no history gives {what}")
    stats = fab.percentiles(values)
    text = (f"the '{scenario}' production model ({samples:,} histories): {what} "
            f"{fmt.format(stats['p5'])}-{fmt.format(stats['p95'])} (5th-95th percentile), median {fmt.format(stats['p50'])}")
    return stats["p5"], stats["p50"], stats["p95"], setup["sources"], text

