"""Systems and roadmaps on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import math

import pytest

from chiplib.models import systems


def test_recomputed_totals_on_the_dataset():
    """CloudMatrix 384 from 910C figures: 384 x 128 GB = 49.15 TB HBM (published 49.2) and 384 x 3.2 TB/s =
    1,228.8 TB/s (published 1,229); Atlas 950 SuperPoD: 8,192 x 1 PFLOPS FP8 = 8.19 EFLOPS (published 8)."""
    table = systems.system_table(["huawei-cloudmatrix-384", "huawei-atlas-950-superpod"], "fp8")
    assert table.at["huawei-cloudmatrix-384", "memory_tb"] == pytest.approx(49.152)
    assert table.at["huawei-cloudmatrix-384", "memory_bandwidth_tb_s"] == pytest.approx(1228.8)
    assert math.isnan(table.at["huawei-cloudmatrix-384", "compute_pflops"])        # the 910C has no FP8
    assert table.at["huawei-atlas-950-superpod", "compute_pflops"] == pytest.approx(8192)
    compared = systems.compare().set_index(["system_id", "metric", "source_id"])
    power = compared.loc[("huawei-cloudmatrix-384", "power", "winbuzzer-cloudmatrix-384-2025")]
    assert power["ratio"] == pytest.approx(559_000 / (384 * 700)) and not power["flag"]
