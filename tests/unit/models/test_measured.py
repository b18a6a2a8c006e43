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
    "acme-x1-lite,Model-7B,decode,bf16,32,in 1024 / out 1024,vLLM plugin 0.9,,,"
    "tokens_per_second_per_chip,50,token/s,user-post,measured,2025-02,Anecdotal (single user): one run",
    "acme-x1-lite,Model-7B,decode,bf16,1,in 1024 / out 1024,vLLM plugin 0.9,,,tokens_per_second_per_chip,"
    "20,token/s,user-post,measured,2025-02,Anecdotal (single user)",
    "acme-x1-lite,GEMM 8192,kernel,tf32,,,vendor BLAS 3,1,,achieved_tflops,30,TFLOPS,bench-table,"
    "measured,2025-01,No TF32 peak in the data",
    "acme-x1-lite,Model-7B,training,amp,256 global,2048,PyTorch 2.4 + plugin,8,1 node,mfu,20,percent,"
    "bench-table,reported,2025-01,",
))


@pytest.fixture
def ds(tmp_path):
    return data.load(write_tables(tmp_path / "d", sources_csv=SOURCES, measurements_csv=MEASUREMENTS))


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
    # Decode at batch 32 matches (50 per chip against 2,000 / 8); the batch-1 run has no partner.
    decode = pairs[pairs["task"] == "decode"].iloc[0]
    assert decode["measured_ratio"] == pytest.approx(50 / 250)
    # MFU is a share of each chip's own peak: 20 % against 40 % keeps half the datasheet ratio (0.148 x 0.5).
    training = pairs[pairs["task"] == "training"].iloc[0]
    assert training["survives"] == pytest.approx(0.5) and training["measured_ratio"] == pytest.approx(0.148 * 0.5)
    assert len(pairs) == 3


def test_unlike_runs_are_refused_with_the_conditions_that_differ(ds):
    rows = measured.per_chip(data.measurements(ds))
    with pytest.raises(measured.MeasurementError, match=r"batch differs \(1 vs 32\)"):
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
