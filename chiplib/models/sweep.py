"""Scenario grids for the production model: one year's Ascend 910C-class output at every point of a grid of
SMIC AI-chip wafer capacity x die yield x HBM stacks, the other inputs drawn over their scenario ranges.

Each grid point is a Monte Carlo run of :func:`chiplib.models.fab.simulate` with the three grid inputs held at
the point's values; its seed is derived from the sweep's seed and the point's position, so a sweep gives the
same table on any machine and with any executor. Points are evaluated in chunks on any
``concurrent.futures`` executor (a process pool, or a Dask cluster's executor) or in this process.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor
from itertools import product

import numpy as np
import pandas as pd

from chiplib import data
from chiplib.models import fab, hbm

#: Years whose published estimates span the default grid.
YEARS = range(2024, 2029)

#: The grid's inputs, in the order of the table's columns.
GRID_INPUTS = ("wafers_per_month", "die_yield_percent", "hbm_stacks")

COLUMNS = ["scenario", "year", *GRID_INPUTS, "samples", "seed", "output_p5", "output_median", "output_p95",
           "hbm_binding_share"]


def published_axes(dataset=None) -> tuple[dict, tuple[str, ...]]:
    """The default grid: for each grid input, the lowest and highest value any scenario uses in any year of
    :data:`YEARS` (plans and goals included, since a sweep asks "what if"), and for HBM every supply scenario's
    lowest and highest stack count; with the sources behind them."""
    spans: dict[str, list[float]] = {key: [] for key in GRID_INPUTS}
    sources: set[str] = set()
    for name, spec in fab.scenario_file(dataset)["scenarios"].items():
        for year in YEARS:
            try:
                setup = fab.scenario_ranges(name, year, dataset)
            except fab.FabModelError:
                continue  # nothing published for that year
            for key in ("wafers_per_month", "die_yield_percent"):
                spans[key] += list(setup["ranges"][key])
            sources |= set(setup["sources"])
            value = spec.get("die_yield_percent")
            if isinstance(value, dict) and "from" in value:
                low, high, used = fab.estimate_range(dataset or data.load(), value["from"], year, targets=True)
                spans["die_yield_percent"] += [low, high]
                sources |= set(used)
    for name in hbm.scenarios(dataset):
        table = hbm.supply_scenario(name, dataset)
        spans["hbm_stacks"] += [float(table["stacks_low"].min()), float(table["stacks_high"].max())]
        sources |= {s for row in table["sources"] for s in row}
    return {key: (min(values), max(values)) for key, values in spans.items()}, tuple(sorted(sources))


def grid(ranges: dict, steps: int) -> list[dict]:
    """Every combination of ``steps`` evenly spaced values over each grid input's range (one value when the
    range is a point; no HBM limit when the scenario has none), in a fixed order."""
    if steps < 1:
        raise fab.FabModelError(f"steps must be >= 1, got {steps}")
    axes = []
    for key in GRID_INPUTS:
        bounds = ranges.get(key)
        if bounds is None:
            axes.append([None])
        else:
            axes.append(sorted({float(v) for v in np.linspace(bounds[0], bounds[1], steps)}))
    return [dict(zip(GRID_INPUTS, values)) for values in product(*axes)]


def evaluate(points: Sequence[dict], ranges: dict, constants: dict, samples: int, seeds: Sequence[int]) -> list[dict]:
    """Median, 5th and 95th percentile of output and the share of draws where HBM binds, per point."""
    rows = []
    for point, seed in zip(points, seeds):
        fixed = {**ranges, **{k: None if v is None else (v, v) for k, v in point.items()}}
        result = fab.simulate(fixed, constants, samples, seed)
        spread = fab.percentiles(result["output"])
        rows.append({**point, "samples": samples, "seed": seed, "output_p5": spread["p5"],
                     "output_median": spread["p50"], "output_p95": spread["p95"],
                     "hbm_binding_share": float(np.mean(result["hbm_binds"]))})
    return rows


def sweep(scenario: str = "base", year: int = 2025, steps: int = 5, samples: int = 2000, seed: int = 2025,
          executor: Executor | None = None, chunk: int = 25, axes: dict | None = None, dataset=None) -> pd.DataFrame:
    """The grid's results as one table (columns :data:`COLUMNS`), in grid order: the grid inputs over ``axes``
    (default :func:`published_axes`), the scenario's other inputs drawn over its ranges for ``year``."""
    setup = fab.scenario_ranges(scenario, year, dataset)
    spans, spans_sources = published_axes(dataset) if axes is None else (axes, ())
    points = grid(spans, steps)
    seeds = [seed + index for index in range(len(points))]
    chunks = [(points[i:i + chunk], seeds[i:i + chunk]) for i in range(0, len(points), chunk)]
    if executor is None:
        parts = [evaluate(p, setup["ranges"], setup["constants"], samples, s) for p, s in chunks]
    else:
        futures = [executor.submit(evaluate, p, setup["ranges"], setup["constants"], samples, s) for p, s in chunks]
        parts = [future.result() for future in futures]
    table = pd.DataFrame([row for part in parts for row in part])
    table.insert(0, "year", year)
    table.insert(0, "scenario", scenario)
    table.attrs["sources"] = tuple(sorted(set(setup["sources"]) | set(spans_sources)))
    return table[COLUMNS]
