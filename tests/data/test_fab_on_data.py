"""Fab on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import pytest

from chiplib.models import fab


def test_scenarios_read_published_ranges_and_imply_yields():
    """Base 2025: Morgan Stanley's 7,000 AI wafers/month; the FT's reported 40 % 910C yield (Huawei's 60 % is a
    goal, a target, which only the all-in scenario opts into); 2.9-3.0 M TSMC dies (SemiAnalysis, Heim). Without
    stock or HBM limits, US Commerce's 200,000 implies a 7.9 % die yield."""
    base = fab.scenario_ranges("base", 2025)
    assert base["ranges"]["wafers_per_month"] == (7000, 7000)
    assert base["ranges"]["die_yield_percent"] == (40, 40)
    assert fab.scenario_ranges("all-in", 2025)["ranges"]["die_yield_percent"] == (40, 60)
    assert base["ranges"]["die_stock"] == (2_900_000, 3_000_000)
    assert base["constants"] == {"dies_per_package": 2, "stacks_per_package": 8.0, "die_area_mm2": 665.61}
    domestic = fab.scenario_ranges("domestic-only", 2025)
    assert fab.implied_yield(200_000, domestic["ranges"], domestic["constants"]) == pytest.approx(
        200_000 * 2 / 0.75 / (7000 * 12 * 80) * 100)
    with pytest.raises(fab.FabModelError, match="unknown scenario 'boom'; valid scenarios: base, domestic-only, all-in"):
        fab.scenario_ranges("boom", 2025)
