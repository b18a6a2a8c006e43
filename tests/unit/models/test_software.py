"""The software-maturity rubric: scores follow the rubric file, rankings are tested for robustness."""

from __future__ import annotations

import pandas as pd
import pytest

from chiplib.models import software


def test_weighted_score_by_hand():
    table = pd.DataFrame({"a": [1.0, 0.0], "b": [0.5, 1.0]}, index=["x", "y"])
    totals = software.weighted(table, {"a": 3, "b": 1})
    assert totals["x"] == pytest.approx((3 * 1.0 + 0.5) / 4) and totals["y"] == pytest.approx(0.25)
    with pytest.raises(ValueError, match="at least one positive weight"):
        software.weighted(table, {"a": 0})


def test_sensitivity_finds_a_dominant_vendor():
    """x beats y on every criterion: x ranks first under every weighting."""
    table = pd.DataFrame({"a": [1.0, 0.2], "b": [0.9, 0.1], "c": [0.5, 0.4]}, index=["x", "y"])
    ranks = software.sensitivity(table, draws=500, seed=3)
    assert ranks.at["x", "share_first"] == 1.0 and ranks.at["y", "best_rank"] == 2


def test_activity_counts_last_quarters():
    recent = software.activity(quarters=4)
    assert recent["Huawei"] > recent["Cambricon"]
