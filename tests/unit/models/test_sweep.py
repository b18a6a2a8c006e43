"""The production sweep: grid, hand-checked values, and the same table with or without workers."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

import pytest

from chiplib.models import fab, sweep


def test_a_point_without_uncertainty_gives_the_hand_computed_output():
    """Domestic-only 2025 has no die stock and no HBM limit, and a fixed 0.75 packaging yield, so at 10,000
    wafers a month and 50 % yield the output is certain: 10,000 x 12 x 80 dies per wafer (665.61 mm^2 die) x 0.5
    = 4.8 M good dies, / 2 per package x 0.75 = 1,800,000 packages."""
    axes = {"wafers_per_month": (10_000, 10_000), "die_yield_percent": (50, 50), "hbm_stacks": None}
    table = sweep.sweep("domestic-only", 2025, steps=3, samples=200, axes=axes)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["output_p5"] == row["output_median"] == row["output_p95"] == 1_800_000
    assert row["hbm_binding_share"] == 0.0


def test_the_grid_spans_every_published_scenario_and_year():
    spans, sources = sweep.published_axes()
    assert spans["wafers_per_month"] == (7000.0, 18000.0)  # SMIC AI-chip capacity estimates, 2025 to 2027
    assert spans["die_yield_percent"] == (40.0, 60.0)  # reported 910C yield, and Huawei's 60 % goal
    assert spans["hbm_stacks"][0] < spans["hbm_stacks"][1]
    assert "wccftech-china-hbm-semianalysis-2025" in sources
    assert len(sweep.grid(spans, 4)) == 64


def test_workers_do_not_change_the_table():
    alone = sweep.sweep("base", 2026, steps=2, samples=300, chunk=3)
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = sweep.sweep("base", 2026, steps=2, samples=300, chunk=3, executor=pool)
    assert alone.equals(pooled) and list(alone.columns) == sweep.COLUMNS
    assert alone["seed"].tolist() == list(range(2025, 2025 + 8))


def test_bad_steps_are_refused():
    with pytest.raises(fab.FabModelError, match="steps must be >= 1"):
        sweep.grid({"wafers_per_month": (1, 2)}, 0)
