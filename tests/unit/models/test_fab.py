"""Dies per wafer, yield models and the production funnel, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chiplib.models import fab
from chiplib.reports import fab as fab_report


def test_dies_per_wafer_standard_formula():
    """pi*150^2/100 - pi*300/sqrt(200) = 706.86 - 66.64 = 640.2 -> 640 dies of 100 mm^2;
    665.61 mm^2 (Ascend 910B): 106.20 - 25.83 = 80.4 -> 80."""
    assert fab.dies_per_wafer(100) == 640
    assert fab.dies_per_wafer(665.61) == 80
    assert fab.dies_per_wafer(100, edge_exclusion_mm=3) < 640
    assert list(fab.dies_per_wafer(np.array([100, 665.61]))) == [640, 80]


@pytest.mark.parametrize(
    ("model", "expected"),
    [("poisson", math.exp(-0.6656)),                                  # 0.5140
     ("murphy", ((1 - math.exp(-0.6656)) / 0.6656) ** 2),              # 0.5333
     ("negative_binomial", (1 + 0.6656 / 3) ** -3)],                   # 0.5484
)
def test_yield_models_for_a_910b_sized_die_at_d0_0_1(model, expected):
    assert fab.die_yield(665.6, 0.1, model) == pytest.approx(expected, rel=1e-9)


def test_yield_ordering_and_limits():
    """Clustering helps big dies: negative binomial > Murphy > Poisson; no defects -> yield 1."""
    p, m, nb = (fab.die_yield(665.6, 0.2, x) for x in fab.YIELD_MODELS)
    assert p < m < nb
    assert fab.die_yield(665.6, 0.0, "murphy") == 1.0
    assert fab.die_yield(665.6, 0.2, "negative_binomial", alpha=1e6) == pytest.approx(p, rel=1e-4)


def test_bad_inputs():
    with pytest.raises(fab.FabModelError, match="unknown yield model 'seeds'; valid models: poisson, murphy"):
        fab.die_yield(100, 0.1, "seeds")
    with pytest.raises(fab.FabModelError, match="die area must be > 0"):
        fab.dies_per_wafer(0)


def test_output_by_hand():
    """7,000 wafers/month x 12 x 80 dies x 50 % = 3.36 M good dies; + 1 M stock dies; / 2 per package x 0.75
    = 1,635,000 packages; HBM: 8 M stacks x 0.5 / 8 = 500,000, so HBM binds at 500,000."""
    values = {"wafers_per_month": 7000, "die_yield_percent": 50, "die_stock": 2_000_000, "die_stock_drawdown": 0.5,
              "packaging_yield": 0.75, "hbm_stacks": 8_000_000, "hbm_drawdown": 0.5}
    constants = {"dies_per_package": 2, "stacks_per_package": 8, "die_area_mm2": 665.61}
    result = fab.output(values, constants)
    assert float(result["logic_limited"]) == 1_635_000 and float(result["hbm_limited"]) == 500_000
    assert float(result["output"]) == 500_000 and bool(result["hbm_binds"])


def test_simulation_is_seeded_and_tornado_ranks_inputs():
    base = fab.scenario_ranges("base", 2025)
    one = fab.simulate(base["ranges"], base["constants"], 1000, 5)
    assert np.array_equal(one["output"], fab.simulate(base["ranges"], base["constants"], 1000, 5)["output"])
    assert one["hbm_binds"].all()                       # the stockpiled HBM, not logic dies, caps output
    table = fab.tornado(base["ranges"], base["constants"])
    assert table.iloc[0]["input"] == "hbm_drawdown" and table["swing"].is_monotonic_decreasing


def test_node_gap_years():
    """TSMC N7 volume production April 2018, SMIC's first N+1 product July 2021: 3.2 years."""
    from chiplib import data

    gaps = fab.node_gap(data.load().tables["node_timeline"]).set_index("node_class")
    assert gaps.at["7nm", "gap_years"] == pytest.approx(3.2) and gaps.at["7nm", "reached"]
    assert not gaps.at["3nm", "reached"]


def test_fab_notebook_parameters():
    from chiplib.core.params import ParamError

    assert fab_report.check_params() == {"year": 2025, "scenario": "base", "samples": 20000, "seed": 7}
    with pytest.raises(ParamError, match=r"'scenario' = 'rosy' is not valid; valid values: base, domestic-only, all-in"):
        fab_report.check_params(scenario="rosy")
    with pytest.raises(ParamError, match="samples 5 is outside"):
        fab_report.check_params(samples=5)


@pytest.mark.parametrize(
    ("model", "expected"),
    [("poisson", 0.904837), ("murphy", 0.905592), ("negative_binomial", (1 + 0.1 / 3) ** -3)],
)
def test_yield_formulas_at_a_d0_of_0_1(model, expected):
    """A = 1 cm² (100 mm²) at D0 = 0.1/cm²: Poisson e^-0.1, Murphy ((1 - e^-0.1)/0.1)^2, NB (1 + 0.1/3)^-3."""
    assert fab.die_yield(100, 0.1, model) == pytest.approx(expected, abs=1e-6)


def test_more_defects_fewer_good_dies():
    densities = np.linspace(0, 1, 21)
    for model in fab.YIELD_MODELS:
        yields = fab.die_yield(665.6, densities, model)
        assert np.all(np.diff(yields) < 0)


def test_out_of_range_inputs_are_rejected():
    base = fab.scenario_ranges("base", 2025)
    bad = {**base["ranges"], "die_yield_percent": (40, 120), "packaging_yield": (0.5, 1.2)}
    with pytest.raises(fab.FabModelError, match="die_yield_percent: range 40-120 is outside 0-100; packaging_yield"):
        fab.simulate(bad, base["constants"], 10, 1)
    with pytest.raises(fab.FabModelError, match="die area must be > 0"):
        fab.die_yield(-5, 0.1)
