"""The explorer (``notebooks/explore.ipynb``, served by ``make explore``): what its controls offer and what each
of its three views shows, for any choice of chips, reference, precision, rule version and production inputs.

Not a report of the build plan: nothing here is recorded or built. Every number comes from
``chiplib.models`` (and the defaults from the reports' declared parameters); this module only selects,
labels and names the sources behind each view. The widgets are :mod:`chiplib.present.explorer`, which
calls the functions below through :func:`app`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pandas as pd

from chiplib import data
from chiplib.data.provenance import sources_by_chip
from chiplib.models import export_controls as ec
from chiplib.models import fab, hbm, landscape
from chiplib.reports import export_controls as export_report
from chiplib.reports import fab as fab_report
from chiplib.reports import landscape as landscape_report

#: Chip attributes the chip list can be filtered by.
FILTERS = ("vendor", "status", "country")
#: fab_estimates subjects holding published output figures, drawn over the production distribution.
OUTPUT_SUBJECTS = ("huawei-ascend-output", "huawei-ascend-910c-output")
#: Bins of the production histogram (the draws are counted here, so a redraw sends a few dozen rows, not every draw).
BINS = 40


@dataclass(frozen=True)
class View:
    """What one view of the explorer shows: a frame, the formats of its columns, its sources, a line of text."""

    frame: pd.DataFrame
    sources: tuple[str, ...]
    formats: dict[str, str] = field(default_factory=dict)
    text: str = ""
    extra: dict = field(default_factory=dict)


def _default(params, name: str):
    return next(p.default for p in params if p.name == name)


def defaults() -> dict:
    """Starting values, from the reports' declared parameters (landscape, export controls, manufacturing)."""
    return {"reference": _default(landscape_report.PARAMS, "reference"),
            "precision": _default(landscape_report.PARAMS, "precision"),
            "rule": rule_in_force().rule_id, "scenario": _default(fab_report.PARAMS, "scenario"),
            "hbm_scenario": _hbm_default(), "year": _default(fab_report.PARAMS, "year"),
            "samples": _default(fab_report.PARAMS, "samples"), "seed": _default(fab_report.PARAMS, "seed")}


def _hbm_default() -> str:
    spec = fab.scenario_file()["scenarios"][_default(fab_report.PARAMS, "scenario")]
    hbm_input = spec.get("hbm_stacks")
    return hbm_input["scenario"] if isinstance(hbm_input, dict) and "scenario" in hbm_input else next(iter(hbm.scenarios()))


# ----------------------------------------------------------------------------- choices

def chips(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Every chip (index chip_id) with its vendor, name, country and status, ordered by country, vendor and name."""
    ds = dataset or data.load()
    return ds.chips[["vendor", "name", "country", "status"]].sort_values(["country", "vendor", "name"])


def filter_values(dataset: data.Dataset | None = None) -> dict[str, list[str]]:
    """The values each filter of :data:`FILTERS` offers (those the chips have)."""
    table = chips(dataset)
    return {name: sorted(table[name].dropna().unique()) for name in FILTERS}


def filtered(vendors, statuses, countries, dataset: data.Dataset | None = None) -> list[str]:
    """The chip ids whose vendor, status and country are among those chosen."""
    table = chips(dataset)
    keep = table["vendor"].isin(list(vendors)) & table["status"].isin(list(statuses)) & table["country"].isin(list(countries))
    return list(table.index[keep])


def chip_labels(chip_ids, dataset: data.Dataset | None = None) -> list[tuple[str, str]]:
    """('Vendor Name (status)', chip_id) per chip, in the order given, for lists and dropdowns."""
    table = chips(dataset)
    return [(f"{table.at[c, 'vendor']} {table.at[c, 'name']} ({table.at[c, 'status']})", c) for c in chip_ids]


def precisions() -> list[str]:
    """The precisions the comparison offers (dense figures only)."""
    return list(landscape.PRECISIONS)


def references(precision: str, dataset: data.Dataset | None = None) -> list[str]:
    """Chips that can be the yardstick at ``precision``: those with a published dense figure at it."""
    metric = landscape.PRECISIONS[precision]
    wide = data.specs_wide(dataset, [metric])
    return [chip for chip in chips(dataset).index if pd.notna(wide.at[chip, metric])]


def rules() -> list[tuple[str, str]]:
    """(label, rule_id) per rule version, oldest first."""
    return [(f"{r.rule_id}: {r.name}", r.rule_id) for r in ec.rules()]


def rule_in_force(dataset: data.Dataset | None = None) -> ec.Rule:
    """The rule version in force on the data's as-of date."""
    return ec.rule_in_force(data.as_of(dataset))


def fab_scenarios() -> list[str]:
    return list(fab.scenario_file()["scenarios"])


def hbm_scenarios() -> list[str]:
    return list(hbm.scenarios())


def years(dataset: data.Dataset | None = None) -> list[int]:
    """The years of the published production estimates (``fab_estimates.csv``) that every production scenario can
    be set up for."""
    ds = dataset or data.load()
    found = []
    for year in sorted({int(period[:4]) for period in ds.tables["fab_estimates"]["period"]}):
        try:
            for name in fab_scenarios():
                fab.scenario_ranges(name, year, ds)
        except fab.FabModelError:
            continue
        found.append(year)
    return found


# ----------------------------------------------------------------------------- (a) the comparison table

def comparison(chip_ids, reference: str, precision: str, dataset: data.Dataset | None = None) -> View:
    """Each chosen chip's figures and their share of ``reference`` (as in the landscape report)."""
    compute = landscape.PRECISIONS[precision]
    table = landscape.comparison(chip_ids, reference, precision, dataset)
    units = table.attrs["units"]
    columns = {"vendor": "Vendor", "name": "Chip", "country": "Country", "status": "Status",
               compute: f"{compute} ({units[compute]})"}
    for metric in [compute, *landscape.COMPARED]:
        columns[f"{metric}_share"] = f"{metric.replace('_', ' ')} share"
    view = table.rename(columns=columns)[list(columns.values())]
    formats = {c: "{:.0%}" for c in view.columns if c.endswith("share")}
    formats |= {c: "{:,.0f}" for c in view.columns if c.endswith(")")}
    sources = data.preferred_sources([*table.index, reference], [compute, *landscape.COMPARED], dataset)
    ds = dataset or data.load()
    text = f"{len(view)} chips against the {ds.chips.at[reference, 'name']}, dense {precision.upper()}"
    return View(view, tuple(sources), formats, text)


# ----------------------------------------------------------------------------- (b) the rule chart

def rule_points(chip_ids, rule_id: str, dataset: data.Dataset | None = None) -> View:
    """The chosen chips' TPP and performance density under ``rule_id``, with classification, reason and each chip's
    sources; ``extra`` holds what the chart draws besides (rule, thresholds, China parts, chips left out)."""
    ds = dataset or data.load()
    active = ec.rule(rule_id, ds)
    table = export_report.selected(ec.classify_all(rule_id, ds), "all", ds).loc[list(chip_ids)]
    parts = export_report.china_parts(ds)
    points = table.dropna(subset=["tpp", "pd"]).reset_index()
    points["china_part"] = points["chip_id"].isin(parts).map({True: "NVIDIA/AMD China part", False: "other"})
    by_chip = sources_by_chip(points["chip_id"], ec.INPUT_METRICS, ds)
    points["sources"] = [by_chip[chip] for chip in points["chip_id"]]
    unplaced = table[table["tpp"].isna() | table["pd"].isna()]
    sources = (*active.sources, *data.preferred_sources(points["chip_id"], ec.INPUT_METRICS, ds))
    return View(points, tuple(sorted(set(sources))), text=f"{len(points)} chips placed under {active.name}",
                extra={"rule": active, "thresholds": ec.thresholds(active), "china_parts": parts,
                       "unplaced": list(unplaced["name"])})


# ----------------------------------------------------------------------------- (c) production

def production_setup(scenario: str, hbm_scenario: str, year: int, dataset: data.Dataset | None = None) -> dict:
    """The production inputs to start from: the fab scenario's ranges for ``year`` with the HBM stacks of
    ``hbm_scenario`` (unless the fab scenario sets no HBM limit), its constants, description and sources: those
    of the scenario's published ranges and of the HBM scenario's stacks (both, when the two name different
    HBM scenarios: a view may cite more than it uses, never less)."""
    setup = fab.scenario_ranges(scenario, year, dataset)
    ranges = dict(setup["ranges"])
    sources = set(setup["sources"])
    if ranges["hbm_stacks"] is not None:
        ranges["hbm_stacks"], used = hbm.stack_range(hbm_scenario, dataset)
        sources |= set(used)
    return {**setup, "ranges": ranges, "sources": tuple(sorted(sources))}


def slider_extents(year_list: list[int] | None = None, dataset: data.Dataset | None = None) -> dict[str, tuple[float, float]]:
    """Per production input, the span its slider covers: every value the fab scenarios publish for any of
    ``year_list`` (default :func:`years`), and every HBM scenario's stacks. Where they publish one value only, the
    model's bounds for the input (:data:`chiplib.models.fab.BOUNDS`) when it has both, else zero to that value."""
    seen: dict[str, list[float]] = {key: [] for key in fab.SCENARIO_INPUTS}
    for year in years(dataset) if year_list is None else year_list:
        for name in fab_scenarios():
            for key, bounds in fab.scenario_ranges(name, year, dataset)["ranges"].items():
                if bounds is not None:
                    seen[key] += list(bounds)
    for name in hbm_scenarios():
        seen["hbm_stacks"] += list(hbm.stack_range(name, dataset)[0])
    extents = {}
    for key, values in seen.items():
        low, high = min(values), max(values)
        if low == high:
            floor, ceiling = fab.BOUNDS[key]
            low, high = (floor, ceiling) if ceiling is not None else (min(0.0, low), high)
        extents[key] = (float(low), float(high))
    return extents


def published_output(year: int, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Published Ascend output figures for ``year`` (subject, value, source_id, note), as the manufacturing
    report draws them over its distribution."""
    ds = dataset or data.load()
    rows = ds.tables["fab_estimates"]
    rows = rows[rows["subject"].isin(OUTPUT_SUBJECTS) & (rows["period"] == str(year)) & (rows["metric"] == "units")]
    return rows.assign(value=pd.to_numeric(rows["value"]))[["subject", "value", "source_id", "note"]]


def production(ranges: dict, constants: dict, year: int, sources, samples: int, seed: int,
               dataset: data.Dataset | None = None) -> View:
    """The Monte Carlo over ``ranges``: its draws counted into :data:`BINS` bins (``frame``: low, high, draws), median
    and 5th-95th percentile packages, the share of draws HBM caps, and the published figures for the year
    (``extra``)."""
    import numpy as np

    draws = fab.simulate(ranges, constants, samples, seed)
    stats = fab.percentiles(draws["output"])
    share_hbm = float(draws["hbm_binds"].mean())
    marks = published_output(year, dataset)
    counts, edges = np.histogram(draws["output"], bins=BINS)
    bins = pd.DataFrame({"low": edges[:-1], "high": edges[1:], "draws": counts})
    text = (f"Median {stats['p50']:,.0f} packages; 5th-95th percentile {stats['p5']:,.0f}-{stats['p95']:,.0f}; "
            f"HBM caps output in {share_hbm:.0%} of {samples:,} draws")
    return View(bins, tuple(sorted(set(sources) | set(marks["source_id"]))), text=text,
                extra={"stats": stats, "hbm_share": share_hbm, "published": marks})


def app():
    """Build and display the explorer (the notebook's one call)."""
    from chiplib.present import explorer

    return explorer.show(sys.modules[__name__])
