"""Measured performance: what chips deliver on real workloads, beside what their datasheets promise.

Works on the typed measurements view (:func:`chiplib.data.measurements`: one row per published measurement,
value in the metric's canonical unit, with its conditions, source, origin and grade).

- :func:`per_chip` puts throughput on a per-chip basis (a total over ``chips`` divided by their number).
- :func:`achieved_fraction` divides an achieved rate by the chip's datasheet peak at the measured precision
  (dense figures; a published MFU is kept as its source computed it).
- :func:`ratio` compares two measurements only when their conditions match (workload, task, precision,
  batch, sequence, metric); otherwise it refuses with the conditions that differ. :func:`pairs` lists every
  such comparison between a Chinese chip and a yardstick, beside the ratio of their datasheet peaks.
"""

from __future__ import annotations

import math

import pandas as pd

from chiplib.data.schema import MEASUREMENT_TASK_GROUPS

#: Conditions two measurements must share before their ratio means anything.
CONDITIONS = ("workload", "task", "precision", "batch", "sequence")
#: Datasheet peak (chip_specs metric) for a measured precision; tf32 has no dense-peak metric in the data.
PEAK_METRICS = {"fp32": "fp32", "fp16": "fp16_dense", "bf16": "fp16_dense", "amp": "fp16_dense", "w4a16": "fp16_dense",
                "fp8": "fp8_dense", "int8": "int8_dense", "w8a8": "int8_dense"}
#: Throughput totals and their per-chip metric.
PER_CHIP = {"tokens_per_second": "tokens_per_second_per_chip", "samples_per_second": "samples_per_second_per_chip"}
#: Metrics where less is better (a ratio of two is inverted so that > 1 always means "faster").
LOWER_IS_BETTER = ("latency",)
#: Task groups the report's variants and the claims ledger select.
TASK_GROUPS = MEASUREMENT_TASK_GROUPS


class MeasurementError(ValueError):
    """Two measurements that cannot be compared, or a measurement without what a model needs."""


def per_chip(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``basis_metric`` and ``per_chip_value``: totals divided by ``chips`` (a total whose chip
    count is not published gets no per-chip value); per-chip metrics, rates per chip, MFU and latency as given."""
    out = table.copy()
    total = out["metric"].isin(list(PER_CHIP))
    out["basis_metric"] = out["metric"].map(PER_CHIP).where(total, out["metric"])
    chips = pd.to_numeric(out["chips"], errors="coerce")
    out["per_chip_value"] = (out["value"] / chips).where(total, out["value"])
    return out


def achieved_fraction(table: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """Achieved share of the datasheet peak, one row per measurement that allows it.

    ``achieved_tflops`` rows are divided by the chip's preferred dense peak at the measured precision
    (:data:`PEAK_METRICS`; ``wide`` from :func:`chiplib.data.specs_wide`); ``mfu`` rows (percent) are kept as the
    source computed them (``how`` says which). Rows without a stated precision, or whose chip has no published
    peak at that precision, are left out: no peak is guessed.
    """
    rows = []
    for row in table.itertuples(index=False):
        if row.metric == "mfu":
            rows.append({**row._asdict(), "peak": math.nan, "fraction": row.value / 100, "how": "MFU as published"})
            continue
        peak_metric = PEAK_METRICS.get(row.precision or "")
        if row.metric != "achieved_tflops" or peak_metric is None or row.chip_id not in wide.index:
            continue
        peak = wide.at[row.chip_id, peak_metric]
        if pd.isna(peak) or peak <= 0:
            continue
        rows.append({**row._asdict(), "peak": float(peak), "fraction": row.value / float(peak),
                     "how": f"achieved / preferred {peak_metric}"})
    columns = [*table.columns, "peak", "fraction", "how"]
    return pd.DataFrame(rows, columns=columns)


def mismatches(a, b) -> list[str]:
    """The conditions on which measurements ``a`` and ``b`` (rows of :func:`per_chip`) differ or are unknown.

    A condition matches when both rows state the same value; when neither states it, only if one source
    published both rows (a benchmark table run under one setting)."""
    problems = []
    if a.basis_metric != b.basis_metric:
        problems.append(f"metric differs ({a.basis_metric} vs {b.basis_metric})")
    for name in CONDITIONS:
        left, right = getattr(a, name), getattr(b, name)
        left, right = (left if isinstance(left, str) and left else None), (right if isinstance(right, str) and right else None)
        if left is None and right is None:
            if name == "precision" or a.source_id != b.source_id:
                problems.append(f"{name} not stated on either side")
        elif left != right:
            problems.append(f"{name} differs ({left or 'not stated'} vs {right or 'not stated'})")
    if pd.isna(a.per_chip_value) or pd.isna(b.per_chip_value):
        problems.append("a total whose chip count is not published")
    return problems


def ratio(a, b) -> float:
    """How many times ``a`` delivers ``b``'s performance (rows of :func:`per_chip`; > 1: ``a`` is faster, latency
    inverted). Raises MeasurementError listing the conditions that differ, so unlike runs are never compared."""
    problems = mismatches(a, b)
    if problems:
        raise MeasurementError(f"cannot compare {a.chip_id} ({a.source_id}) with {b.chip_id} ({b.source_id}): "
                               + "; ".join(problems))
    value = a.per_chip_value / b.per_chip_value
    return 1 / value if a.basis_metric in LOWER_IS_BETTER else value


def pairs(table: pd.DataFrame, wide: pd.DataFrame, chinese: set[str]) -> pd.DataFrame:
    """Every comparison between a Chinese chip's measurement and a yardstick's (a chip not in ``chinese``) under
    matching conditions: the measured ratio, the ratio of their datasheet peaks at that precision, and
    ``survives`` = measured / peak (1: the datasheet gap holds in practice; below 1: the Chinese chip delivers
    less of its peak than the yardstick). For MFU, a share of each chip's own peak, ``survives`` is the ratio of
    the two MFUs and the measured ratio is that times the peak ratio (NaN where a peak is unpublished); it is
    dropped where the same runs also give a throughput to compare directly."""
    rows = per_chip(table)
    ours, theirs = rows[rows["chip_id"].isin(chinese)], rows[~rows["chip_id"].isin(chinese)]
    result = []
    for a in ours.itertuples(index=False):
        for b in theirs.itertuples(index=False):
            if mismatches(a, b):
                continue
            peak_metric = PEAK_METRICS.get(a.precision or "")
            peak_a = wide.at[a.chip_id, peak_metric] if peak_metric and a.chip_id in wide.index else math.nan
            peak_b = wide.at[b.chip_id, peak_metric] if peak_metric and b.chip_id in wide.index else math.nan
            peak = float(peak_a) / float(peak_b) if pd.notna(peak_a) and pd.notna(peak_b) and peak_b else math.nan
            if a.basis_metric == "mfu":  # shares of each chip's own peak: their ratio is what survives of the datasheet
                survives = ratio(a, b)
                measured = survives * peak
            else:
                measured = ratio(a, b)
                survives = measured / peak if peak == peak and peak else math.nan
            result.append({"chip_id": a.chip_id, "yardstick": b.chip_id, "workload": a.workload, "task": a.task,
                           "precision": a.precision, "batch": a.batch, "sequence": a.sequence,
                           "metric": a.basis_metric, "software": a.software, "software_yardstick": b.software,
                           "measured_ratio": measured, "peak_ratio": peak,
                           "survives": survives,
                           "sources": tuple(sorted({a.source_id, b.source_id})),
                           "origins": tuple(sorted({a.origin, b.origin}))})
    columns = ["chip_id", "yardstick", "workload", "task", "precision", "batch", "sequence", "metric", "software",
               "software_yardstick", "measured_ratio", "peak_ratio", "survives", "sources", "origins"]
    table = pd.DataFrame(result, columns=columns)
    # A throughput measured directly beats one inferred from two MFUs (each vendor computes MFU on its own peak).
    same = ["chip_id", "yardstick", "workload", "task", "precision", "batch", "sequence"]
    direct = set(map(tuple, table.loc[table["metric"] != "mfu", same].astype(str).to_numpy()))
    inferred = table["metric"].eq("mfu") & table[same].astype(str).apply(tuple, axis=1).isin(direct)
    return table[~inferred].reset_index(drop=True)
