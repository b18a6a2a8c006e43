"""The stock-and-flow production model against hand-computed histories (no data files)."""

from __future__ import annotations

import numpy as np
import pytest

from chiplib.models import production
from chiplib.models.verdicts import range_verdict

CONSTANTS = {"dies_per_package": 2, "stacks_per_package": 8.0, "die_area_mm2": 665.61}  # 80 gross dies per wafer


def _ranges(years=(2025, 2026), **override) -> dict:
    """Point inputs for every year (low == high): 1,000 wafers/month at 50 %, a 1M-die bank and a 4M-stack
    stockpile, half of each drawn every year, 75 % packaging yield, no 950 and no domestic HBM."""
    flows = {"wafers_per_month": 1000, "die_yield_percent": 50, "die_bank_drawdown": 0.5, "hbm_drawdown": 0.5,
             "packaging_yield": 0.75, "share_950": 0, "die_yield_950_percent": 35, "die_area_950_mm2": 665.61,
             "dies_per_950": 1, "stacks_per_950": 8, "domestic_stacks": 0}
    flows.update({k: v for k, v in override.items() if k in flows})
    ranges = {key: {year: (float(value), float(value)) for year in years} for key, value in flows.items()}
    ranges["die_bank"] = {years[0]: (override.get("die_bank", 1_000_000),) * 2}
    ranges["hbm_stockpile"] = {years[0]: (override.get("hbm_stockpile", 4_000_000),) * 2}
    return ranges


def test_two_hand_computed_years():
    """2025: SMIC 12,000 wafers x 80 x 50 % = 480,000 dies; the bank gives 500,000; logic (980,000 / 2) x 0.75 =
    367,500; the stockpile gives 2,000,000 stacks / 8 = 250,000 packages: HBM binds. Dies used 250,000 / 0.75 x 2
    = 666,667: 500,000 from the bank, 166,667 from SMIC (313,333 carried). 2026: bank 250,000 + SMIC 793,333 dies,
    1,000,000 stacks -> 125,000 packages; the bank ends at 250,000 and the stockpile at 1,000,000."""
    runs = production.simulate(_ranges(), CONSTANTS, samples=3, seed=1)
    y1, y2 = runs[2025], runs[2026]
    assert y1["packages"][0] == 250_000 and y1["binding_910c"].all()
    assert y1["die_bank"][0] == pytest.approx(500_000) and y1["hbm_stockpile"][0] == pytest.approx(2_000_000)
    assert y1["dies_used"][0] == pytest.approx(666_666.67, abs=0.01)
    assert y1["smic_capacity"][0] == 180_000          # 480,000 / 2 x 0.75
    assert y1["smic_packages"][0] == 62_500           # 166,667 SMIC dies / 2 x 0.75
    assert y2["packages"][0] == 125_000
    assert y2["die_bank"][0] == pytest.approx(250_000) and y2["hbm_stockpile"][0] == pytest.approx(1_000_000)
    assert y2["die_bank_start"][0] == pytest.approx(500_000)


def test_logic_binds_when_memory_is_plentiful():
    """No bank, unlimited memory: 12,000 x 80 x 50 % / 2 x 0.75 = 180,000 packages, logic binds."""
    runs = production.simulate(_ranges(die_bank=0, hbm_stockpile=0) | {"hbm_stockpile": {2025: None}}, CONSTANTS, 2, 1)
    assert runs[2025]["packages"][0] == 180_000 and not runs[2025]["binding_910c"].any()


def test_with_no_flows_cumulative_output_is_what_the_stocks_allow():
    """No wafers: over five years the stacks used equal what left the stockpile, and with full drawdown
    everything the stocks allow (min(1M dies / 2 x 0.75, 4M stacks / 8) = 375,000) is made in the first year."""
    years = tuple(range(2024, 2029))
    runs = production.simulate(_ranges(years, wafers_per_month=0), CONSTANTS, 4, 3)
    made = sum(runs[y]["packages"] for y in years)
    assert np.allclose(made * 8, 4_000_000 - runs[2028]["hbm_stockpile"], atol=8 * 5)
    full = production.simulate(_ranges(years, wafers_per_month=0, die_bank_drawdown=1, hbm_drawdown=1), CONSTANTS, 4, 3)
    assert full[2024]["packages"][0] == 375_000 and sum(full[y]["packages"][0] for y in years) == 375_000


def test_stocks_never_go_negative_or_refill():
    """Random ranges on every input: the bank and the stockpile only fall, and never below zero."""
    years = tuple(range(2024, 2029))
    ranges = _ranges(years)
    ranges.update({"die_yield_percent": {y: (10.0, 60.0) for y in years}, "die_bank_drawdown": {y: (0.0, 1.0) for y in years},
                   "hbm_drawdown": {y: (0.0, 1.0) for y in years}, "share_950": {y: (0.0, 1.0) for y in years},
                   "domestic_stacks": {y: (0.0, 3e6) for y in years}, "stacks_per_950": {y: (4.0, 8.0) for y in years}})
    runs = production.simulate(ranges, CONSTANTS, 5000, 11)
    previous_bank, previous_pile = 1_000_000, 4_000_000
    for year in years:
        bank, pile = runs[year]["die_bank"], runs[year]["hbm_stockpile"]
        assert (bank >= -1e-6).all() and (pile >= -1e-6).all()
        assert (bank <= previous_bank + 1e-6).all() and (pile <= previous_pile + 1e-6).all()
        previous_bank, previous_pile = bank, pile


def test_one_draw_is_one_history():
    """The quantile drawn for an input holds in every year: the highest-yield history is highest every year."""
    years = (2025, 2026, 2027)
    ranges = _ranges(years, die_bank=0) | {"hbm_stockpile": {2025: None},
                                           "die_yield_percent": {y: (20.0, 40.0) for y in years}}
    runs = production.simulate(ranges, CONSTANTS, 1000, 5)
    order = [np.argsort(runs[y]["smic_capacity"], kind="stable") for y in years]
    assert np.corrcoef(runs[2025]["smic_capacity"], runs[2027]["smic_capacity"])[0, 1] > 0.999
    assert order[0][-1] == order[2][-1]


def test_bad_ranges_are_refused_with_every_problem():
    ranges = _ranges()
    ranges["die_yield_percent"][2025] = (50.0, 120.0)
    ranges["packaging_yield"][2026] = (0.9, 0.5)
    with pytest.raises(production.ProductionModelError, match=r"die_yield_percent 2025: range 50-120 is outside 0-100; "
                                                              r"packaging_yield 2026: low 0.9 is above high 0.5"):
        production.simulate(ranges, CONSTANTS, 10, 1)


@pytest.mark.parametrize(("low", "high", "claimed", "spread", "expected"), [
    (None, None, 805_000, (534_000, 912_000), "supported"),       # a value inside the range
    (None, 200_000, None, (769_000, 995_000), "contradicted"),    # "at most 200k" against 769k-995k
    (None, 800_000, None, (769_000, 995_000), "partly"),          # a bound the range straddles
    (None, 1_000_000, None, (769_000, 995_000), "supported"),     # the whole range keeps the bound
    (None, None, 3, (0.69, 1.37), "contradicted"),                # tripling against 0.69-1.37x
    (None, None, 1.45, (0.69, 1.37), "partly"),                   # 1.45 is 5.8 % above 1.37: within the 10 % tolerance
])
def test_range_verdicts(low, high, claimed, spread, expected):
    nan = float("nan")
    assert range_verdict(nan if low is None else low, nan if high is None else high,
                         nan if claimed is None else claimed, spread, 0.1) == expected
