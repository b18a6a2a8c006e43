"""Measured performance: what chips deliver on real workloads, beside what their datasheets promise.

Works on the typed measurements view (:func:`chiplib.data.measurements`: one row per published measurement,
value in the metric's canonical unit, with its conditions, source, origin and grade).

- :func:`per_chip` puts throughput on a per-chip basis (a total over ``chips`` divided by their number) and reads
  each run's set-up (parallel layout, node count) out of its ``software`` and ``system`` text.
- :func:`achieved_fraction` divides an achieved rate by the chip's datasheet peak at the measured precision
  (dense figures; a published MFU is kept as its source computed it). A share above 100 % is refused, not
  reported: the part tested is then not the one whose peak is on file. :func:`refused_fractions` lists what was
  left out and why.
- :func:`ratio` compares two measurements only when their conditions (workload, task, precision, batch,
  sequence, metric) and their set-up (:data:`SETUP`) match; otherwise it refuses with what differs.
  :func:`pairs` lists every such comparison between a Chinese chip and a yardstick, beside the ratio of their
  datasheet peaks, and says whether the ratio was measured or derived from two MFUs.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

import pandas as pd

from chiplib.data.schema import MEASUREMENT_TASK_GROUPS

#: Conditions two measurements must share before their ratio means anything.
CONDITIONS = ("workload", "task", "precision", "batch", "sequence")
#: Run set-up two measurements must share: the parallel layout (read from ``software`` and ``system``), the
#: number of nodes (read from ``system``) and the chip count. Unstated on both sides counts as the same; stated
#: on one side only, or different, does not. Stack names, versions and interconnects differ between vendors by
#: nature and are not compared.
SETUP = ("layout", "nodes", "chips")
#: Datasheet peak (chip_specs metric) for a measured precision; tf32 has no dense-peak metric in the data.
PEAK_METRICS = {"fp32": "fp32", "fp16": "fp16_dense", "bf16": "fp16_dense", "amp": "fp16_dense", "w4a16": "fp16_dense",
                "fp8": "fp8_dense", "int8": "int8_dense", "w8a8": "int8_dense"}
#: Throughput totals and their per-chip metric.
PER_CHIP = {"tokens_per_second": "tokens_per_second_per_chip", "samples_per_second": "samples_per_second_per_chip"}
#: Metrics where less is better (a ratio of two is inverted so that > 1 always means "faster").
LOWER_IS_BETTER = ("latency",)
#: Task groups the report's variants and the claims ledger select.
TASK_GROUPS = MEASUREMENT_TASK_GROUPS
#: ``ratio_basis`` of a pair: a ratio of two measured rates, or one derived from two MFUs times the peak ratio.
MEASURED, DERIVED = "measured", "derived (MFU ratio x datasheet peak ratio)"

_PARALLEL = re.compile(r"\b(PP|DP|TP|EP|CP|SP) ?(\d+)\b")
_ZERO = re.compile(r"\bZeRO-(\d)\b")
_NODES = re.compile(r"(?<![\w.])(\d+) ?(?:nodes?|machines?)\b|(?<![\w.])(\d+) x DGX\b")


class MeasurementError(ValueError):
    """Two measurements that cannot be compared, or a measurement without what a model needs."""


class Share(NamedTuple):
    """One measurement's datasheet peak, its achieved share of it (NaN when none is given) and how it was
    computed, or why it was not. ``above_peak``: refused because the share exceeded 100 %."""

    peak: float
    fraction: float
    how: str
    above_peak: bool = False


def layout(*texts: str | None) -> str | None:
    """The parallel layout the texts state, normalised: parallel degrees above 1 in sorted order, then the ZeRO
    stage (``"PP2 DP4 TP1"`` -> ``"DP4 PP2"``, ``"ZeRO-3 (DP 8)"`` -> ``"DP8 ZeRO-3"``); None when none is stated.
    A degree of 1 is no parallelism on that axis, so ``"TP1 PP1 DP8"`` and ``"DP8"`` are one layout."""
    text = " ".join(t for t in texts if isinstance(t, str))
    degrees = sorted({f"{axis}{int(n)}" for axis, n in _PARALLEL.findall(text) if int(n) > 1})
    stages = sorted({f"ZeRO-{s}" for s in _ZERO.findall(text)})
    return " ".join(degrees + stages) or None


def nodes(system: str | None) -> str | None:
    """The node count a ``system`` description states (``"1 node x 8"``, ``"2 machines x 8"``, ``"2 x DGX A100"``),
    as text; None when it states none."""
    found = _NODES.search(system) if isinstance(system, str) else None
    return (found.group(1) or found.group(2)) if found else None


def per_chip(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``basis_metric`` and ``per_chip_value``: totals divided by ``chips`` (a total whose chip
    count is not published gets no per-chip value); per-chip metrics, rates per chip, MFU and latency as given.
    Also ``layout`` and ``nodes``, the run set-up read from ``software`` and ``system`` (:func:`layout`,
    :func:`nodes`)."""
    out = table.copy()
    total = out["metric"].isin(list(PER_CHIP))
    out["basis_metric"] = out["metric"].map(PER_CHIP).where(total, out["metric"])
    chips = pd.to_numeric(out["chips"], errors="coerce")
    out["per_chip_value"] = (out["value"] / chips).where(total, out["value"])
    out["layout"] = [layout(s, y) for s, y in zip(out["software"], out["system"])]
    out["nodes"] = [nodes(y) for y in out["system"]]
    return out


def _peak(chip_id: str, precision: str | None, wide: pd.DataFrame) -> tuple[str | None, float]:
    """The peak metric for ``precision`` and the chip's preferred value of it (NaN when unpublished)."""
    peak_metric = PEAK_METRICS.get(precision) if isinstance(precision, str) else None
    if peak_metric is None or chip_id not in wide.index or peak_metric not in wide.columns:
        return peak_metric, math.nan
    peak = wide.at[chip_id, peak_metric]
    return peak_metric, float(peak) if pd.notna(peak) and peak > 0 else math.nan


def share(row, wide: pd.DataFrame) -> Share:
    """The achieved share of peak of one measurement (a row of the measurements view), or why none is given.

    An ``mfu`` row is its published percentage; an ``achieved_tflops`` row is divided by the chip's preferred
    dense peak at the measured precision. A share above 100 % is refused (``above_peak``): no chip beats its own
    peak, so the peak on file is not the tested part's (an unnamed, faster variant, or a sparse figure)."""
    if row.metric == "mfu":
        if row.value > 100:
            return Share(math.nan, math.nan, f"MFU {row.value:g} % is above 100 %", True)
        return Share(math.nan, row.value / 100, "MFU as published")
    if row.metric != "achieved_tflops":
        return Share(math.nan, math.nan, f"{row.metric} is not a share of peak")
    peak_metric, peak = _peak(row.chip_id, row.precision, wide)
    if peak_metric is None:
        return Share(math.nan, math.nan, f"no dense peak for precision {row.precision or 'not stated'}")
    if math.isnan(peak):
        return Share(math.nan, math.nan, f"no published {peak_metric} peak for {row.chip_id}")
    fraction = row.value / peak
    if fraction > 1:
        return Share(peak, math.nan, f"{row.value:g} is {fraction:.0%} of the preferred {peak_metric} peak "
                                     f"({peak:g}): the part tested is not the one whose peak is on file", True)
    return Share(peak, fraction, f"achieved / preferred {peak_metric}")


def _assessed(table: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """``table``'s MFU and achieved-rate rows with ``peak``, ``fraction`` and ``how`` from :func:`share`."""
    rows = table[table["metric"].isin(["mfu", "achieved_tflops"])]
    shares = [share(row, wide) for row in rows.itertuples(index=False)]
    return rows.assign(peak=[s.peak for s in shares], fraction=[s.fraction for s in shares],
                       how=[s.how for s in shares], above_peak=[s.above_peak for s in shares])


def achieved_fraction(table: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """Achieved share of the datasheet peak, one row per measurement that allows it.

    ``achieved_tflops`` rows are divided by the chip's preferred dense peak at the measured precision
    (:data:`PEAK_METRICS`; ``wide`` from :func:`chiplib.data.specs_wide`); ``mfu`` rows (percent) are kept as the
    source computed them (``how`` says which). Rows without a stated precision, whose chip has no published
    peak at that precision, or whose share would exceed 100 % are left out (:func:`refused_fractions` says
    why): no peak is guessed and no impossible share reported.
    """
    rows = _assessed(table, wide)
    kept = rows[rows["fraction"].notna()].drop(columns="above_peak")
    return kept.reset_index(drop=True)[[*table.columns, "peak", "fraction", "how"]]


def refused_fractions(table: pd.DataFrame, wide: pd.DataFrame) -> pd.DataFrame:
    """The MFU and achieved-rate rows :func:`achieved_fraction` leaves out, with ``reason`` and ``above_peak``
    (True where the share would exceed 100 % of the peak on file)."""
    rows = _assessed(table, wide)
    left = rows[rows["fraction"].isna()].rename(columns={"how": "reason"})
    return left.reset_index(drop=True)[[*table.columns, "peak", "reason", "above_peak"]]


def _stated(value) -> str | None:
    """A condition or set-up value as text, None when not stated (empty, None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) or None


def mismatches(a, b) -> list[str]:
    """The conditions and set-up on which measurements ``a`` and ``b`` (rows of :func:`per_chip`) differ or are
    unknown.

    A condition matches when both rows state the same value; when neither states it, only if one source
    published both rows (a benchmark table run under one setting). A set-up field (:data:`SETUP`) matches when
    both rows state the same value or neither states it."""
    problems = []
    if a.basis_metric != b.basis_metric:
        problems.append(f"metric differs ({a.basis_metric} vs {b.basis_metric})")
    for name in CONDITIONS:
        left, right = _stated(getattr(a, name)), _stated(getattr(b, name))
        if left is None and right is None:
            if name == "precision" or a.source_id != b.source_id:
                problems.append(f"{name} not stated on either side")
        elif left != right:
            problems.append(f"{name} differs ({left or 'not stated'} vs {right or 'not stated'})")
    for name in SETUP:
        left, right = _stated(getattr(a, name)), _stated(getattr(b, name))
        if left != right:
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


def _peak_ratio(a, b, wide: pd.DataFrame) -> tuple[float, str]:
    """The ratio of ``a``'s and ``b``'s preferred peaks at ``a``'s precision (NaN when either is unpublished),
    and, when either run exceeds its peak on file (:func:`share`), NaN with the reason."""
    refused = [s.how for s in (share(a, wide), share(b, wide)) if s.above_peak]
    if refused:
        return math.nan, "peak ratio refused: " + "; ".join(refused)
    peak_a, peak_b = _peak(a.chip_id, a.precision, wide)[1], _peak(b.chip_id, a.precision, wide)[1]
    return (peak_a / peak_b if not (math.isnan(peak_a) or math.isnan(peak_b)) else math.nan), ""


def _pair(a, b, wide: pd.DataFrame) -> dict:
    """One comparison of matching measurements ``a`` (Chinese) and ``b`` (yardstick): see :func:`pairs`."""
    peak, peak_note = _peak_ratio(a, b, wide)
    if a.basis_metric == "mfu":  # shares of each chip's own peak: their ratio is what survives of the datasheet
        survives, basis = ratio(a, b), DERIVED
        measured = survives * peak
    else:
        measured, basis = ratio(a, b), MEASURED
        survives = measured / peak if peak == peak and peak else math.nan
    return {"chip_id": a.chip_id, "yardstick": b.chip_id, "workload": a.workload, "task": a.task,
            "precision": a.precision, "batch": a.batch, "sequence": a.sequence, "layout": a.layout,
            "nodes": a.nodes, "chips": a.chips, "metric": a.basis_metric, "value": a.per_chip_value,
            "value_yardstick": b.per_chip_value, "software": a.software,
            "software_yardstick": b.software, "measured_ratio": measured, "ratio_basis": basis, "peak_ratio": peak,
            "survives": survives, "peak_note": peak_note, "sources": tuple(sorted({a.source_id, b.source_id})),
            "origins": tuple(sorted({a.origin, b.origin}))}


PAIR_COLUMNS = ["chip_id", "yardstick", "workload", "task", "precision", "batch", "sequence", "layout", "nodes",
                "chips", "metric", "value", "value_yardstick", "software", "software_yardstick", "measured_ratio",
                "ratio_basis", "peak_ratio", "survives", "peak_note", "sources", "origins"]


def pairs(table: pd.DataFrame, wide: pd.DataFrame, chinese: set[str]) -> pd.DataFrame:
    """Every comparison between a Chinese chip's measurement and a yardstick's (a chip not in ``chinese``) under
    matching conditions and set-up (:func:`mismatches`): the two per-chip values compared (``value``,
    ``value_yardstick``, in the metric's canonical unit), the ratio of their rates, the ratio of their datasheet
    peaks at that precision, and ``survives`` = ratio / peak ratio (1: the datasheet gap holds in practice; below
    1: the Chinese chip delivers less of its peak than the yardstick).

    ``ratio_basis`` says where ``measured_ratio`` comes from: :data:`MEASURED` (two measured rates) or
    :data:`DERIVED` (for MFU, a share of each chip's own peak, ``survives`` is the ratio of the two MFUs and the
    ratio is that times the peak ratio, NaN where a peak is unpublished). An MFU pair is dropped where the same
    runs also give a throughput to compare directly. Where either run exceeds its chip's peak on file, the peak
    ratio and ``survives`` are NaN and ``peak_note`` says why."""
    rows = per_chip(table)
    ours, theirs = rows[rows["chip_id"].isin(chinese)], rows[~rows["chip_id"].isin(chinese)]
    result = [_pair(a, b, wide) for a in ours.itertuples(index=False) for b in theirs.itertuples(index=False)
              if not mismatches(a, b)]
    table = pd.DataFrame(result, columns=PAIR_COLUMNS)
    # A throughput measured directly beats one inferred from two MFUs (each vendor computes MFU on its own peak).
    same = ["chip_id", "yardstick", "workload", "task", "precision", "batch", "sequence", "layout", "nodes", "chips"]
    direct = set(map(tuple, table.loc[table["metric"] != "mfu", same].astype(str).to_numpy()))
    inferred = table["metric"].eq("mfu") & table[same].astype(str).apply(tuple, axis=1).isin(direct)
    return table[~inferred].reset_index(drop=True)
