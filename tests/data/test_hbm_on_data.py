"""Hbm on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import pandas as pd
import pytest

from chiplib.models import hbm as memory


def test_supply_scenario_spans_the_published_estimates():
    """SemiAnalysis: about 13M stacks from all vendors; at 8 stacks per 910C that is 1.625M accelerators
    (SemiAnalysis itself says enough for about 1.6M 910C). Samsung's 11.4M is part of that total, not a lower
    estimate of it: it is its own scenario (1.425M)."""
    table = memory.supply_scenario("stockpile").set_index("chip_id")
    row = table.loc["huawei-ascend-910c"]
    assert (row["stacks_low"], row["stacks_high"], row["stacks_per_chip"]) == (13_000_000, 13_000_000, 8)
    assert (row["accelerators_low"], row["accelerators_high"]) == (1_625_000, 1_625_000)
    assert "podcastpipeline-semianalysis-2025-09-08" in row["sources"]
    samsung = memory.supply_scenario("samsung-only").set_index("chip_id").loc["huawei-ascend-910c"]
    assert samsung["accelerators_high"] == 1_425_000
    with pytest.raises(memory.MemoryModelError, match="unknown scenario 'flood'; valid scenarios: stockpile, samsung-only"):
        memory.supply_scenario("flood")


def test_decode_table_marks_models_that_do_not_fit():
    table = memory.decode_table("deepseek-v3")
    assert not table.at["nvidia-h100-sxm", "fits_one_chip"] and pd.isna(table.at["nvidia-h100-sxm", "tokens_s_one_chip"])
    assert table.at["nvidia-h100-sxm", "min_chips"] == 9                 # 671.3 GB over 80 GB chips
    assert table.at["huawei-ascend-910c", "min_chips"] == 6              # over 128 GB chips


def test_repository_generation_gap():
    """SK hynix mass-produced HBM3 in June 2022; no Chinese supplier had by November 2026."""
    from chiplib import data

    gaps = memory.generation_gap(data.load().tables["hbm_milestones"], memory.LEADERS, memory.CHINESE_SUPPLIERS,
                                 "2026-11-22").set_index("generation")
    assert gaps.loc["HBM3", "leader"] == "SK hynix" and not gaps.loc["HBM3", "reached"]
    assert gaps.loc["HBM3", "gap_years"] == pytest.approx(4.45, abs=0.01)
    assert gaps.loc["HBM2", "follower"] == "CXMT" and gaps.loc["HBM2", "reached"]
