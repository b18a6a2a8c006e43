"""The manufacturing report: its parameters."""

from __future__ import annotations

from chiplib.core.params import Param, ParamError, check
from chiplib.models import fab
from chiplib.models.fab import scenario_file
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

def _params():
    return (
        Param("year", int, 2025, "year of output (2025 or later: estimates for the latest period up to it)"),
        Param("scenario", str, "base", "production scenario (data/fab_scenarios.yaml)",
              lambda: list(scenario_file()["scenarios"])),
        Param("samples", int, 20000, "Monte Carlo draws"),
        Param("seed", int, 7, "random seed (fixed for reproducible reports)"),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the manufacturing notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="fab")
    if not 2024 <= values["year"] <= 2030:
        raise ParamError(f"fab: year {values['year']} is outside 2024-2030")
    if not 100 <= values["samples"] <= 1_000_000:
        raise ParamError(f"fab: samples {values['samples']} is outside 100-1,000,000")
    return values


def answer(year: int = 2025, scenario: str = "base", samples: int = 20000, seed: int = 7, dataset=None) -> Brief:
    """The answer in brief: the median and 5th/95th percentile output of the scenario's Monte Carlo,
    and which input binds in most draws."""
    import numpy as np

    setup = fab.scenario_ranges(scenario, year, dataset)
    draws = fab.simulate(setup["ranges"], setup["constants"], samples, seed)
    stats = fab.percentiles(draws["output"])
    share_hbm = float(np.mean(draws["hbm_binds"]))
    binding = "HBM" if share_hbm >= 0.5 else "logic dies"
    text = md("In the '{scenario}' scenario for {year}, the median draw gives {p50:,.0f} Ascend 910C-class packages "
              "(5th-95th percentile {p5:,.0f}-{p95:,.0f}); {binding} bind in {share:.0%} of draws.", scenario=scenario,
              year=year, p50=stats["p50"], p5=stats["p5"], p95=stats["p95"], binding=binding,
              share=max(share_hbm, 1 - share_hbm))
    sources = setup["sources"]
    return Brief((text,), (
        figure("output_p50", f"Median {year} output, '{scenario}' scenario", stats["p50"], "910C packages", sources),
        figure("output_p5", "5th percentile", stats["p5"], "910C packages", sources),
        figure("output_p95", "95th percentile", stats["p95"], "910C packages", sources),
        figure("hbm_binding_share", "Share of draws where HBM, not logic dies, caps output", share_hbm * 100, "%", sources),
    ))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
