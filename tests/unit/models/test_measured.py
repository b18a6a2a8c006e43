"""Measured performance: achieved share of peak and matched comparisons, checked by hand on fixture rows."""

from __future__ import annotations

import pytest

from chiplib import data
from chiplib.data.validate import check
from chiplib.models import measured
from tests.conftest import TABLES, write_tables

SOURCES = TABLES["sources.csv"] + (
    "bench-table,Benchmark results table,Bench,https://example.org/bench,2025-01,2026-11-22,dataset,analyst-co,\n"
    "user-post,Issue thread,Forum,https://example.org/issue,2025-02,2026-11-22,news,analyst-co,\n")
# acme-x1 (US): 1,000 TFLOPS dense FP16; acme-x1-lite (CN): 148.
MEASUREMENTS = "".join(row + "\n" for row in (
    "chip_id,workload,task,precision,batch,sequence,software,chips,system,metric,value,unit,source_id,"
    "basis,date,note",
    "acme-x1,GEMM 8192,kernel,bf16,,,cuBLAS 12,1,,achieved_tflops,600,TFLOPS,bench-table,measured,2025-01,",
    "acme-x1-lite,GEMM 8192,kernel,bf16,,,vendor BLAS 3,1,,achieved_tflops,74,TFLOPS,bench-table,measured,2025-01,",
    "acme-x1,Model-7B,training,amp,256 global,2048,PyTorch 2.4,8,1 node,mfu,40,percent,bench-table,"
    "measured,2025-01,",
    "acme-x1,Model-7B,decode,bf16,32,in 1024 / out 1024,vLLM 0.9,8,1 node,tokens_per_second,2000,token/s,"
    "bench-table,measured,2025-01,",
    "acme-x1-lite,Model-7B,decode,bf16,32,in 1024 / out 1024,vLLM plugin 0.9,8,1 node,"
    "tokens_per_second_per_chip,50,token/s,user-post,measured,2025-02,Anecdotal (single user): one run",
    "acme-x1-lite,Model-7B,decode,bf16,1,in 1024 / out 1024,vLLM plugin 0.9,,,tokens_per_second_per_chip,"
    "20,token/s,user-post,measured,2025-02,Anecdotal (single user)",
    "acme-x1-lite,GEMM 8192,kernel,tf32,,,vendor BLAS 3,1,,achieved_tflops,30,TFLOPS,bench-table,"
    "measured,2025-01,No TF32 peak in the data",
    "acme-x1-lite,Model-7B,training,amp,256 global,2048,PyTorch 2.4 + plugin,8,1 node,mfu,20,percent,"
    "bench-table,reported,2025-01,",
))
# One benchmark run under two parallel layouts on the yardstick and one on the Chinese chip (the shape of
# FlagPerf's Llama-3-8B case); a GEMM whose rate beats the chip's peak on file; a run on twice the chips.
LAYOUTS = "".join(row + "\n" for row in (
    'acme-x1,Model-8B,training,bf16,LBS 1,8192,"Megatron-core 0.6, PP2 DP2 TP2",8,"1 node x 8",mfu,52.4,'
    "percent,bench-table,measured,2025-01,",
    'acme-x1,Model-8B,training,bf16,LBS 1,8192,"Megatron-core 0.6, PP2 DP4 TP1",8,"1 node x 8",mfu,56.9,'
    "percent,bench-table,measured,2025-01,",
    'acme-x1-lite,Model-8B,training,bf16,LBS 1,8192,"Megatron 0.6 port, PP2 DP2 TP2",8,"1 node x 8",mfu,'
    "40.4,percent,bench-table,reported,2025-01,",
    "acme-x1,GEMM fp16 4096,kernel,fp16,n/a,n/a,cuBLAS 12,8,1 node x 8,achieved_tflops,800,TFLOPS,"
    "bench-table,measured,2025-01,",
    "acme-x1-lite,GEMM fp16 4096,kernel,fp16,n/a,n/a,vendor BLAS 3,8,1 node x 8,achieved_tflops,160,TFLOPS,"
    "bench-table,reported,2025-01,Beats the 148 peak on file: an unnamed faster variant",
    "acme-x1,GEMM fp32 4096,kernel,fp32,n/a,n/a,cuBLAS 12,16,2 nodes x 8,achieved_tflops,50,TFLOPS,"
    "bench-table,measured,2025-01,",
    "acme-x1-lite,GEMM fp32 4096,kernel,fp32,n/a,n/a,vendor BLAS 3,8,1 node x 8,achieved_tflops,10,TFLOPS,"
    "bench-table,reported,2025-01,",
))


@pytest.fixture
def ds(tmp_path):
    return data.load(write_tables(tmp_path / "d", sources_csv=SOURCES, measurements_csv=MEASUREMENTS))


@pytest.fixture
def layouts(tmp_path):
    return data.load(write_tables(tmp_path / "l", sources_csv=SOURCES, measurements_csv=MEASUREMENTS + LAYOUTS))


def test_achieved_share_of_peak_by_hand(ds):
    table = measured.achieved_fraction(data.measurements(ds), data.specs_wide(ds)).set_index(["chip_id", "workload"])
    assert table.at[("acme-x1", "GEMM 8192"), "fraction"] == pytest.approx(600 / 1000)
    assert table.at[("acme-x1-lite", "GEMM 8192"), "fraction"] == pytest.approx(74 / 148)   # the bf16 row
    assert table.at[("acme-x1", "Model-7B"), "fraction"] == pytest.approx(0.40)              # MFU as published
    assert len(table) == 4                                                                   # no TF32 peak: no guess


def test_totals_become_per_chip_and_only_matching_runs_pair(ds):
    rows = measured.per_chip(data.measurements(ds))
    assert rows.loc[3, "per_chip_value"] == 2000 / 8 and rows.loc[3, "basis_metric"] == "tokens_per_second_per_chip"
    pairs = measured.pairs(data.measurements(ds), data.specs_wide(ds), {"acme-x1-lite"}).set_index("workload")
    # The GEMM rows share one source's table (unstated batch is the same run setting); 74 / 600 measured against
    # 148 / 1,000 on paper: 83 % of the datasheet ratio survives.
    assert pairs.at["GEMM 8192", "measured_ratio"] == pytest.approx(74 / 600)
    assert pairs.at["GEMM 8192", "peak_ratio"] == pytest.approx(0.148)
    assert pairs.at["GEMM 8192", "survives"] == pytest.approx((74 / 600) / 0.148)
    # Decode at batch 32 on 8 chips in 1 node matches (50 per chip against 2,000 / 8); the batch-1 run has no partner.
    decode = pairs[pairs["task"] == "decode"].iloc[0]
    assert decode["measured_ratio"] == pytest.approx(50 / 250)
    # MFU is a share of each chip's own peak: 20 % against 40 % keeps half the datasheet ratio (0.148 x 0.5).
    training = pairs[pairs["task"] == "training"].iloc[0]
    assert training["survives"] == pytest.approx(0.5) and training["measured_ratio"] == pytest.approx(0.148 * 0.5)
    assert list(pairs["ratio_basis"]) == [measured.MEASURED, measured.MEASURED, measured.DERIVED]
    assert len(pairs) == 3


def test_unlike_runs_are_refused_with_the_conditions_that_differ(ds):
    rows = measured.per_chip(data.measurements(ds))
    with pytest.raises(measured.MeasurementError, match=r"batch differs \(1 vs 32\)"):
        measured.ratio(rows.loc[5], rows.loc[3])
    with pytest.raises(measured.MeasurementError, match=r"chips differs \(not stated vs 8\)"):
        measured.ratio(rows.loc[5], rows.loc[3])
    with pytest.raises(measured.MeasurementError, match="metric differs"):
        measured.ratio(rows.loc[1], rows.loc[4])


def test_bad_measurements_are_located(tmp_path):
    training = "acme-x1,Model-7B,training,amp,256 global,2048,PyTorch 2.4,"
    bad = (MEASUREMENTS.replace("600,TFLOPS", "600,TB/s", 1).replace(",decode,bf16,1,", ",serving,bf16,1,", 1)
           .replace(training + "8,", training + "eight,"))
    issues = check(write_tables(tmp_path / "d", sources_csv=SOURCES, measurements_csv=bad)).issues
    found = {(i.file, i.line, i.column): i.reason for i in issues}
    assert "cannot be converted to 'TFLOPS'" in found[("measurements.csv", 2, "unit")]
    assert "'serving' is not one of: training, prefill" in found[("measurements.csv", 7, "task")]
    assert "'eight' is not a positive whole number" in found[("measurements.csv", 4, "chips")]


def test_layout_and_nodes_are_read_and_normalised():
    assert measured.layout("Megatron-core core_v0.6.0, PP2 DP4 TP1") == "DP4 PP2"
    assert measured.layout("DeepSpeed, TP1 PP1 DP8") == measured.layout("Megatron-DeepSpeed, DP8") == "DP8"
    assert measured.layout("DeepSpeed 0.11.1 ZeRO-3 (DP 8)") == "DP8 ZeRO-3"
    assert measured.layout("prefill instance of 16 NPUs, EP32", "DeepEP") == "EP32"
    assert measured.layout("FlagPerf base benchmark (torch.mm)", None) is None
    assert measured.nodes("DGX A800 80GB, 1 node x 8") == "1" and measured.nodes("2 machines x 8 Ascend 910B3") == "2"
    assert measured.nodes("2 x DGX A100 (one A800, one A100)") == "2"
    assert measured.nodes("H800 nodes of 8 GPUs; 226.75 nodes average occupancy") is None
    assert measured.nodes("single DCU") is None


def test_only_the_same_parallel_layout_pairs(layouts):
    """Chinese chip at PP2 DP2 TP2 (MFU 40.4 %) against the yardstick at PP2 DP2 TP2 (52.4 %) and PP2 DP4 TP1
    (56.9 %): only the first pairs, 40.4 / 52.4 of the 148 / 1,000 datasheet ratio, and the ratio is derived."""
    pairs = measured.pairs(data.measurements(layouts), data.specs_wide(layouts), {"acme-x1-lite"})
    llama = pairs[pairs["workload"] == "Model-8B"]
    assert len(llama) == 1
    row = llama.iloc[0]
    assert row["layout"] == "DP2 PP2 TP2" and row["ratio_basis"] == measured.DERIVED
    assert row["survives"] == pytest.approx(40.4 / 52.4)
    assert row["measured_ratio"] == pytest.approx(40.4 / 52.4 * 0.148)
    rows = measured.per_chip(data.measurements(layouts)).set_index(["chip_id", "workload", "value"], drop=False)
    with pytest.raises(measured.MeasurementError, match=r"layout differs \(DP2 PP2 TP2 vs DP4 PP2\)"):
        measured.ratio(rows.loc[("acme-x1-lite", "Model-8B", 40.4)], rows.loc[("acme-x1", "Model-8B", 56.9)])


def test_runs_on_other_chip_or_node_counts_do_not_pair(layouts):
    pairs = measured.pairs(data.measurements(layouts), data.specs_wide(layouts), {"acme-x1-lite"})
    assert "GEMM fp32 4096" not in set(pairs["workload"])
    rows = measured.per_chip(data.measurements(layouts)).set_index(["chip_id", "workload"], drop=False)
    with pytest.raises(measured.MeasurementError, match=r"nodes differs \(1 vs 2\); chips differs \(8 vs 16\)"):
        measured.ratio(rows.loc[("acme-x1-lite", "GEMM fp32 4096")], rows.loc[("acme-x1", "GEMM fp32 4096")])


def test_a_share_above_peak_is_refused_not_reported(layouts):
    """160 TFLOPS on a chip whose peak on file is 148 (108 %): left out of the shares with the reason, and its
    pair keeps the measured 160 / 800 but gives no datasheet ratio or surviving share."""
    table, wide = data.measurements(layouts), data.specs_wide(layouts)
    shares = measured.achieved_fraction(table, wide)
    kept = set(zip(shares["chip_id"], shares["workload"]))
    assert (shares["fraction"] <= 1).all() and ("acme-x1-lite", "GEMM fp16 4096") not in kept
    assert ("acme-x1", "GEMM fp16 4096") in kept                                       # 800 of 1,000: kept
    refused = measured.refused_fractions(table, wide).set_index("workload")
    assert refused.at["GEMM fp16 4096", "above_peak"]
    assert "108% of the preferred fp16_dense peak (148)" in refused.at["GEMM fp16 4096", "reason"]
    assert not refused.at["GEMM 8192", "above_peak"]                                   # tf32: no peak, not refused
    gemm = measured.pairs(table, wide, {"acme-x1-lite"}).set_index("workload").loc["GEMM fp16 4096"]
    assert gemm["measured_ratio"] == pytest.approx(160 / 800) and gemm["ratio_basis"] == measured.MEASURED
    assert gemm[["peak_ratio", "survives"]].isna().all() and "108%" in gemm["peak_note"]
