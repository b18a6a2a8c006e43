"""The production histories on the repository's data: trajectories, the single-year cross-check, the
reconciliation of published volumes, and the claims it tests."""

from __future__ import annotations

import numpy as np
import pytest

from chiplib.models import claims, fab, production


@pytest.fixture(scope="module")
def base():
    setup = production.scenario_inputs("base")
    return setup, production.simulate(setup["ranges"], setup["constants"], 20000, 7)


def test_base_medians_follow_the_stocks(base):
    """A slow 2024 (little of the stockpile had arrived), a 2025 peak on the die bank and stockpile, then a
    decline as both run down and only CXMT's ~2M stacks a year replace them."""
    medians = production.percentiles(base[1])["p50"].tolist()
    assert medians[0] < medians[1]
    assert medians[1] > medians[2] > medians[3] > medians[4]
    assert 700_000 < medians[1] < 760_000 and 400_000 < medians[4] < 460_000


def test_stocks_never_refill_in_any_scenario():
    for name in production.scenario_names():
        setup = production.scenario_inputs(name)
        runs = production.simulate(setup["ranges"], setup["constants"], 2000, 3)
        banks = np.array([runs[y]["die_bank"] for y in setup["years"]])
        piles = np.array([runs[y]["hbm_stockpile"] for y in setup["years"]])
        assert (np.diff(banks, axis=0) <= 1e-6).all() and (banks >= -1e-6).all(), name
        finite = np.isfinite(piles).all(axis=0)
        assert (np.diff(piles[:, finite], axis=0) <= 1e-6).all() and (piles[:, finite] >= -1e-6).all(), name


def test_one_year_with_the_single_year_inputs_matches_the_single_year_model():
    """The 2025 base inputs of the single-year model (whole die stock and stockpile, a third to two thirds drawn)
    run as a one-year history give the same distribution: medians within 1 %."""
    single = fab.scenario_ranges("base", 2025)
    r = single["ranges"]
    ranges = {"die_bank": {2025: r["die_stock"]}, "hbm_stockpile": {2025: r["hbm_stacks"]},
              "wafers_per_month": {2025: r["wafers_per_month"]}, "die_yield_percent": {2025: r["die_yield_percent"]},
              "die_bank_drawdown": {2025: r["die_stock_drawdown"]}, "hbm_drawdown": {2025: r["hbm_drawdown"]},
              "packaging_yield": {2025: r["packaging_yield"]}, "share_950": {2025: (0.0, 0.0)},
              "die_yield_950_percent": {2025: (35.0, 35.0)}, "die_area_950_mm2": {2025: (600.0, 600.0)},
              "dies_per_950": {2025: (1.0, 1.0)}, "stacks_per_950": {2025: (8.0, 8.0)}, "domestic_stacks": {2025: (0.0, 0.0)}}
    multi = production.simulate(ranges, single["constants"], 20000, 7)[2025]["packages"]
    old = fab.simulate(r, single["constants"], 20000, 7)["output"]
    assert np.median(multi) == pytest.approx(np.median(old), rel=0.01)
    assert np.percentile(multi, 95) == pytest.approx(np.percentile(old, 95), rel=0.02)


def test_reconciliation_says_what_each_figure_needs():
    table = production.reconcile().set_index(["subject", "year", "value"])
    deliveries = table.loc[("huawei-ascend-output", 2025, 805_000)]
    assert deliveries["verdict"] == "within" and "base" in deliveries["scenarios"]
    assert deliveries["stacks_needed"] == 805_000 * 8                      # eight stacks per 910C
    assert deliveries["dies_needed"] == pytest.approx(805_000 / 0.75 * 2)  # two dies, a quarter lost in packaging
    kessler = table.loc[("huawei-ascend-output", 2025, 200_000)]
    assert kessler["verdict"] == "below"
    semianalysis_2026 = table.loc[("huawei-ascend-output", 2026, 300_000)]
    assert semianalysis_2026["verdict"] == "below"
    assert table.loc[("cambricon-shipments", 2025, 116_000)]["verdict"] == "outside the model"
    assert table.loc[("huawei-ascend-910b-output", 2024, 100_000)]["quantity"] == "packages_910c"  # 200k 910B = 100k 910C


def test_production_claims_use_the_model():
    ledger = claims.ledger().set_index("claim_id")
    assert ledger.at["c06", "verdict"] == "contradicted" and "smic_capacity in 2025" in ledger.at["c06", "reasoning"]
    assert ledger.at["c09", "verdict"] == "contradicted" and "2026 over 2025" in ledger.at["c09", "reasoning"]
    for claim in ("c66", "c67"):  # SemiAnalysis's own stockpile and CXMT figures are the model's memory inputs
        assert ledger.at[claim, "verdict"] == "unverified"
        assert "only semianalysis's own figures" in ledger.at[claim, "reasoning"]
