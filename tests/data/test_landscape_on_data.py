"""Landscape on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import pytest

from chiplib.models import landscape


def test_share_of_h100_is_a_plain_ratio_of_preferred_figures():
    """910C: 800 TFLOPS / 989.4 (H100 dense FP16); 3,200 / 3,350 GB/s; 128 / 80 GB."""
    shares = landscape.share_table("nvidia-h100-sxm", "fp16")
    row = shares.loc["huawei-ascend-910c"]
    assert row["fp16_dense_share"] == pytest.approx(800 / 989.4)
    assert row["memory_bandwidth_share"] == pytest.approx(3200 / 3350)
    assert row["memory_capacity_share"] == pytest.approx(128 / 80)
    assert set(shares["status"]) <= set(landscape.SHIPPED + landscape.ROADMAP)
    assert (shares.index.str.startswith(("nvidia", "amd"))).sum() == 0


def test_contested_keeps_the_910c_range():
    disputes = landscape.contested(["huawei-ascend-910c"], ["fp16_dense"])
    row = disputes.iloc[0]
    assert (row["low"], row["high"], row["preferred"], row["estimates"]) == (752.0, 800.0, 800.0, 5)
    assert row["spread"] == pytest.approx(800 / 752)
