"""The measured-performance report: its parameters, the measurements it selects and what its answer says."""

from __future__ import annotations

import pandas as pd

from chiplib import data, reports
from chiplib.core.params import Param, check
from chiplib.models import measured
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md


def _params():
    return (Param("task", str, "all", "which measurements: all, training, inference (prefill, decode, serving) or kernel",
                  lambda: list(measured.TASK_GROUPS)),)


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the measured-performance notebook's parameters (see :data:`PARAMS`)."""
    return check(PARAMS, given, where="measured")


def selected(task: str = "all", dataset: data.Dataset | None = None) -> pd.DataFrame:
    """The measurements of the chosen task group, with each chip's vendor and country."""
    ds = dataset or data.load()
    table = data.measurements(ds)
    table = table[table["task"].isin(measured.TASK_GROUPS[task])]
    return table.join(ds.chips[["vendor", "name", "country"]], on="chip_id")


def chinese_chips(dataset: data.Dataset | None = None) -> set[str]:
    """Chip ids of Chinese vendors (the yardsticks are everyone else's)."""
    ds = dataset or data.load()
    return set(ds.chips.index[ds.chips["country"] == "CN"])


def _above_peak(table: pd.DataFrame, wide: pd.DataFrame, ds: data.Dataset) -> list[str]:
    """A sentence on the achieved rates left out because they exceed their chip's peak on file (none: empty)."""
    refused = measured.refused_fractions(table, wide)
    refused = refused[refused["above_peak"]]
    if refused.empty:
        return []
    runs = sorted({f"{ds.chips.at[r.chip_id, 'name']} {r.workload}" for r in refused.itertuples()})
    return [md("{n} achieved rates exceed their chip's preferred datasheet peak and are left out of the shares "
               "of peak and of the datasheet comparison ({runs}): the part tested is not the one whose peak is on "
               "file.", n=len(refused), runs="; ".join(runs))]


def _widest_text(widest) -> str:
    """The clause on the comparison that keeps least of its datasheet ratio: its ratio, saying whether it was
    measured or derived from two MFUs, against the datasheet ratio (or, without a peak at that precision, the
    ratio of the two MFUs alone)."""
    if pd.isna(widest.peak_ratio):
        return md("{survives:.2f}x the yardstick's published MFU (no datasheet peak at this precision to compare "
                  "with)", survives=widest.survives)
    how = ("measured" if widest.ratio_basis == measured.MEASURED else
           "derived (the ratio of the two published MFUs times the datasheet ratio, not a measured rate)")
    return md("{ratio:.2f}x {how}, against {peak:.2f}x on paper", ratio=widest.measured_ratio, how=how,
              peak=widest.peak_ratio)


def _matched_text(matched: pd.DataFrame, ds: data.Dataset) -> str:
    """The sentence on matched comparisons: how many, how many derived from MFUs, the median share of the
    datasheet ratio that survives and the comparison that keeps least of it."""
    widest = matched.sort_values("survives", kind="stable").iloc[0]
    derived = int((matched["ratio_basis"] == measured.DERIVED).sum())
    label = "the widest shortfall" if widest.survives < 1 else "none falls short; the smallest margin"
    return md("In {n} matched comparisons (same workload, settings, parallel layout, node and chip count; {derived} "
              "of them derived from the two chips' published MFUs rather than measured rates) the median Chinese "
              "chip delivers {median:.0f} % of the performance relative to the yardstick that the datasheets "
              "predict; {label} is {chip} against {yardstick} on {workload} ({task}, {precision}{layout}): ",
              n=len(matched), derived=derived, median=float(matched["survives"].median() * 100), label=label,
              chip=ds.chips.at[widest.chip_id, "name"], yardstick=ds.chips.at[widest.yardstick, "name"],
              workload=widest.workload, task=widest.task, precision=widest.precision,
              layout=f", {widest.layout}" if isinstance(widest.layout, str) else "") + _widest_text(widest) + "."


def answer(task: str = "all", dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: how many measurements of how many chips, the median share of datasheet peak that
    Chinese chips and the yardsticks achieve on each kind of work, and how much of the datasheet gap survives in
    matched runs (saying which ratios are derived from MFUs, and which rates exceed their peak on file)."""
    ds = dataset or data.load()
    table = selected(task, ds)
    wide = data.specs_wide(ds)
    fractions = measured.achieved_fraction(table, wide)
    matched = measured.pairs(table, wide, chinese_chips(ds)).dropna(subset=["survives"])
    sources = sorted(set(table["source_id"]))
    text = md("The collection holds {n} measurements of {chips} chips from {vendors} vendors ({task}), from {origins} "
              "independent origins.", n=len(table), chips=table["chip_id"].nunique(),
              vendors=table["vendor"].nunique(), task=task, origins=table["origin"].nunique())
    lines, figures = [text], [figure("measurements", "Measurements", len(table), "rows", sources),
                              figure("measured_chips", "Chips measured", table["chip_id"].nunique(), "chips", sources)]
    for task_name in measured.TASK_GROUPS["all"]:
        rows = fractions[fractions["task"] == task_name]
        if set(rows["country"]) < {"CN", "US"}:
            continue  # a share of peak compares only within one kind of work
        cn, us = rows[rows["country"] == "CN"], rows[rows["country"] == "US"]
        lines.append(md("On {task} work, Chinese chips achieve a median {cn:.0f} % of their datasheet peak ({n_cn} "
                        "measurements), US chips {us:.0f} % ({n_us}).", task=task_name, cn=cn["fraction"].median() * 100,
                        us=us["fraction"].median() * 100, n_cn=len(cn), n_us=len(us)))
        for country, part in (("cn", cn), ("us", us)):
            figures.append(figure(f"peak_share_{task_name}_{country}",
                                  f"Median share of peak achieved, {task_name}, {'Chinese' if country == 'cn' else 'US'} chips",
                                  float(part["fraction"].median() * 100), "%", sorted(set(part["source_id"]))))
    lines += _above_peak(table, wide, ds)
    if not matched.empty:
        lines.append(_matched_text(matched, ds))
        pair_sources = sorted({s for row in matched["sources"] for s in row})
        figures += [figure("matched_pairs", "Matched comparisons", len(matched), "pairs", pair_sources),
                    figure("median_gap_survives", "Median measured ratio as a share of the datasheet ratio, matched runs",
                           float(matched["survives"].median() * 100), "%", pair_sources)]
    return Brief((" ".join(lines),), tuple(figures))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
