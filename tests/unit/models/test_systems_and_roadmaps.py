"""System arithmetic and roadmap gaps, on published totals and hand-made frontiers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chiplib.models import roadmaps, systems
from chiplib.reports import clusters as clusters_report


def test_system_totals_from_chip_figures():
    """384 x 780 TFLOPS = 299.52 PFLOPS (the CloudMatrix 384's published ~300 PFLOPS BF16);
    8,192 x 1,000 TFLOPS FP8 = 8.192 EFLOPS (Atlas 950 SuperPoD's published 8 EFLOPS)."""
    cm384 = systems.aggregate_from({"fp16_dense": 780, "memory_capacity": 128, "tdp": math.nan}, 384)
    assert cm384["fp16_dense"] == pytest.approx(299_520)
    assert cm384["memory_capacity"] == pytest.approx(49_152)          # 49.2 TB of HBM
    assert math.isnan(cm384["power"]) and math.isnan(cm384["fp8_dense"])
    atlas950 = systems.aggregate_from({"fp8_dense": 1000}, 8192)
    assert atlas950["fp8_dense"] / 1e6 == pytest.approx(8.192)        # EFLOPS


FRONT = pd.DataFrame({
    "chip_id": ["u1", "u2", "u3", "c1", "c2", "c3"],
    "country": ["US", "US", "US", "CN", "CN", "CN"],
    "year": [2020, 2022, 2024, 2021, 2023, 2025],
    "tflops": [100.0, 300.0, 900.0, 90.0, 300.0, 800.0],
})


def test_frontier_never_falls_and_counts_chips_from_their_year():
    front = roadmaps.frontier(FRONT, "tflops", range(2020, 2026))
    us = front[front["country"] == "US"].set_index("year")["best"]
    assert us.tolist() == [100, 100, 300, 300, 900, 900]
    cn = front[front["country"] == "CN"].set_index("year")["best"]
    assert 2020 not in cn.index and cn.loc[2022] == 90 and cn.loc[2025] == 800


def test_gap_in_years_and_as_a_ratio():
    """China's 300 (2023) was reached by the US in 2022: one year; its 90 (2021) in 2020: one year;
    its 800 (2025) by the US's 900 in 2024: one year. Ratio in 2025: 900 / 800."""
    gaps = roadmaps.gap_years(roadmaps.frontier(FRONT, "tflops", range(2020, 2026))).set_index("year")
    assert gaps.loc[2021, "gap"] == 1 and gaps.loc[2023, "gap"] == 1 and gaps.loc[2025, "gap"] == 1
    assert gaps.loc[2022, "gap"] == 2                                  # 90 in 2022: the US had 100 in 2020


def test_no_gap_before_the_leaders_data_starts():
    early = FRONT.assign(year=[2020, 2022, 2024, 2018, 2023, 2025])
    gaps = roadmaps.gap_years(roadmaps.frontier(early, "tflops", range(2018, 2026))).set_index("year")
    assert pd.isna(gaps.loc[2018, "gap"]) and pd.isna(gaps.loc[2018, "leader_best"])
    assert gaps.loc[2025, "ratio"] == pytest.approx(900 / 800)


def test_gap_is_none_when_the_follower_leads():
    ahead = FRONT.assign(tflops=[100.0, 300.0, 900.0, 90.0, 300.0, 1200.0])
    gaps = roadmaps.gap_years(roadmaps.frontier(ahead, "tflops", range(2020, 2026))).set_index("year")
    assert gaps.loc[2025, "gap"] is None or pd.isna(gaps.loc[2025, "gap"])


def test_cluster_parameters_are_checked():
    from chiplib.core.params import ParamError

    assert clusters_report.check_params()["precision"] == "fp8"
    with pytest.raises(ParamError, match=r"unknown system\(s\) \['nvidia-dgx-b9'\]; valid systems: all, huawei-cloudmatrix-384"):
        clusters_report.check_params(systems="huawei-cloudmatrix-384, nvidia-dgx-b9")
    assert clusters_report.selected_systems("all", include_announced=False) == [
        "huawei-cloudmatrix-384", "nvidia-gb200-nvl72", "nvidia-gb300-nvl72", "nvidia-dgx-h100"]


def test_cadence_counts_flagship_generations_only():
    """Cut-downs and refreshes (H20 2023, H200 2024: not flagships) do not shorten NVIDIA's cycle to a year."""
    values = pd.DataFrame({
        "chip_id": ["a100", "h100", "h20", "h200", "b200", "b300", "910", "910b", "950"],
        "name": ["A100", "H100", "H20", "H200", "B200", "B300", "910", "910B", "950PR"],
        "vendor": ["NVIDIA"] * 6 + ["Huawei"] * 3,
        "flagship": [True, True, False, False, True, True, True, True, True],
        "year": [2020, 2022, 2023, 2024, 2024, 2025, 2019, 2023, 2026]})
    table = roadmaps.cadence(values).set_index("vendor")
    assert table.at["NVIDIA", "median_years_between"] == 2.0          # steps 2, 2, 1 (with the variants: 1.0)
    assert table.at["Huawei", "median_years_between"] == 3.5          # steps 4, 3
    assert table.at["Huawei", "generations"] == "910 (2019), 910B (2023), 950PR (2026)"
