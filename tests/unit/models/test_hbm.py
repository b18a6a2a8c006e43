"""HBM arithmetic and decode bounds, against hand-derived values."""

from __future__ import annotations

import pandas as pd
import pytest

from chiplib.models import hbm as memory
from chiplib.reports import hbm as hbm_report


def test_stack_bandwidth_from_width_and_pin_rate():
    """HBM3: 1024 bits x 6.4 Gbit/s / 8 = 819.2 GB/s; HBM2E at 3.6 Gbit/s: 460.8 GB/s."""
    assert memory.stack_bandwidth(1024, 6.4) == pytest.approx(819.2)
    assert memory.stack_bandwidth(1024, 3.6) == pytest.approx(460.8)
    assert memory.bytes_per_flop(3350, 989.4) == pytest.approx(0.003386, abs=1e-6)


def test_kv_cache_per_token_follows_the_attention_layout():
    """Llama 3.1 70B: 2 x 80 layers x 8 KV heads x 128 = 163,840 values (320 KiB at BF16);
    DeepSeek-V3: 61 x (512 + 64) = 35,136 values (about 70 KB at BF16)."""
    assert memory.model("llama-3.1-70b").kv_elements_per_token == 163_840
    assert memory.model("deepseek-v3").kv_elements_per_token == 35_136


def test_decode_bound_by_hand():
    """Llama 3.1 70B, FP8 weights, one stream, 4,096 tokens of BF16 KV cache, one H100 (3,350 GB/s, 80 GB):
    bytes per step = 70 GB + 4096 x 163,840 x 2 B = 71.342 GB, so at most 3350 / 71.342 = 46.96 tokens/s."""
    bound = memory.decode_bound(memory.model("llama-3.1-70b"), 3350, 80)
    assert bound.bytes_per_step_gb == pytest.approx(71.342, abs=1e-3)
    assert bound.tokens_per_second == pytest.approx(46.96, abs=0.01)
    assert bound.fits


def test_moe_reads_only_active_parameters_but_must_hold_all():
    """DeepSeek-V3 at FP8 on eight 96 GB chips: 671 GB of weights do not fit in 768 GB with a batch of 64 at 32k;
    one stream reads 37 GB + KV per token."""
    mdl = memory.model("deepseek-v3")
    one = memory.decode_bound(mdl, 4000, 96, chips=8)
    assert one.bytes_per_step_gb == pytest.approx(37 + 4096 * 35_136 * 2 / 1e9)
    assert one.fits
    crowded = memory.decode_bound(mdl, 4000, 96, chips=8, batch=64, context=32_768)
    assert not crowded.fits
    assert memory.min_chips(mdl, 96) == 7          # 671 GB weights + 0.29 GB KV = 671.3 GB <= 7 x 96 = 672 GB


def test_bad_inputs_are_rejected_with_clear_messages():
    with pytest.raises(memory.MemoryModelError, match="unknown model 'gpt-5'; valid models: llama-3.1-70b, deepseek-v3"):
        memory.model("gpt-5")
    with pytest.raises(memory.MemoryModelError, match="stacks must be a number >= 0, got -8"):
        memory.accelerators_from_stacks(-8, 8)
    with pytest.raises(memory.MemoryModelError, match="stacks_per_chip must be a positive number"):
        memory.accelerators_from_stacks(100, 0)
    with pytest.raises(memory.MemoryModelError, match="chips must be a whole number >= 1"):
        memory.decode_bound(memory.model("deepseek-v3"), 4000, 96, chips=0)
    with pytest.raises(memory.MemoryModelError, match="bandwidth_gb_s must be a positive number"):
        memory.decode_bound(memory.model("deepseek-v3"), float("nan"), 96)


def test_supply_arithmetic():
    """8 stacks per 910C: 1,000,000 stacks equip 125,000 chips."""
    assert memory.accelerators_from_stacks(1_000_000, 8) == 125_000
    assert memory.accelerators_from_stacks(7, 8) == 0


def test_generation_gap_on_a_hand_made_timeline():
    milestones = pd.DataFrame({
        "supplier": ["SK hynix", "Samsung", "CXMT", "SK hynix"],
        "generation": ["HBM2E", "HBM2E", "HBM2E", "HBM3"],
        "milestone": ["mass_production"] * 4,
        "date": ["2020-07", "2020-02", "2025-02", "2022-06"],
        "source_id": ["a"] * 4, "note": [None] * 4,
    })
    gaps = memory.generation_gap(milestones, ("SK hynix", "Samsung"), ("CXMT",), as_of="2026-06-01").set_index("generation")
    assert gaps.loc["HBM2E", "leader"] == "Samsung" and gaps.loc["HBM2E", "reached"]
    assert gaps.loc["HBM2E", "gap_years"] == pytest.approx(5.0, abs=0.01)          # 2020-02 -> 2025-02
    assert not gaps.loc["HBM3", "reached"]
    assert gaps.loc["HBM3", "gap_years"] == pytest.approx(4.0, abs=0.01)           # 2022-06 -> as_of, still open


def test_hbm_notebook_parameters():
    from chiplib.core.params import ParamError

    assert hbm_report.check_params() == {"scenario": "stockpile", "year": 2026, "model": "deepseek-v3"}
    with pytest.raises(ParamError, match=r"'model' = 'gpt-5' is not valid; valid values: llama-3.1-70b, deepseek-v3"):
        hbm_report.check_params(model="gpt-5")
    with pytest.raises(ParamError, match=r"year 1999 is outside 2013-2030"):
        hbm_report.check_params(year=1999)


