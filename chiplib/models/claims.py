"""The claims ledger: test each published claim against independent evidence in the collection.

Each row of ``data/claims.csv`` names a *test* from :data:`TESTS` (a whitelist: nothing in the
data is executed) with its arguments, and the claimant's ``origin``. A test computes the quantity the
claim asserts **from the data as if the claimant had never published** (:func:`chiplib.data.without_origin`):
a claim is never supported by its own claimant's numbers, nor by pages that only relay them, nor by anyone's
roadmap or plan figures (``target``: a restated intent corroborates nothing). Verdicts:

- ``supported``: the independent value is within the tolerance (relative) of the claim, or inside its range
  (a range with one end empty is a one-sided bound: "at most", "at least");
- ``partly``: within three times the tolerance;
- ``contradicted``: further off;
- ``contested``: independent origins fall on both sides (one supports the claim, another contradicts it);
- ``unverified``: only the claimant's own (or same-origin) evidence gives the value, or the test's premise
  (a rule known only from the claimant) comes from the claimant, unless the claimant is the government that
  wrote the rule (its text is the rule); vendor figures for unreleased products land here;
- ``not testable``: public data cannot compute it (the reasoning says what is missing).

Text claims (a classification) are supported when the computed text equals the claimed one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from chiplib import data
from chiplib.data import tracking
from chiplib.data.tables import stamp
from chiplib.models import export_controls, fab, hbm, measured, production, roadmaps, systems
from chiplib.models.verdicts import range_verdict, verdict

VERDICTS = ("supported", "partly", "contradicted", "contested", "unverified", "not testable")


@dataclass(frozen=True)
class Evaluation:
    """What a test computed: the value (float or text), the sources behind it, and how.

    ``premise``: sources the test's frame rests on (a rule's own sources): if they all share the claimant's
    origin the claim cannot be checked independently. ``alternatives``: each (value, source) the evidence
    offers one by one, so that origins on both sides of a claim make it ``contested``.
    """

    value: float | str
    sources: tuple[str, ...]
    reasoning: str
    premise: tuple[str, ...] = ()
    alternatives: tuple[tuple[float, str], ...] = ()
    spread: tuple[float, float] | None = None  # a model's 5th-95th percentile: the verdict compares ranges


def _nan(reason: str) -> Evaluation:
    return Evaluation(math.nan, (), reason)


def _chip_value(ds: data.Dataset, chip: str, metric: str) -> tuple[float, tuple[str, ...]]:
    wide = data.specs_wide(ds, [metric])
    value = wide.at[chip, metric] if chip in wide.index else math.nan
    return float(value), tuple(data.preferred_sources([chip], [metric], ds))


def chip_metric(ds: data.Dataset, row) -> Evaluation:
    """The chip's preferred figure for ``metric`` (canonical unit)."""
    value, sources = _chip_value(ds, row.subject, row.metric)
    if math.isnan(value):
        return _nan(f"no source publishes {row.metric} for {row.subject}")
    rows = ds.specs[(ds.specs["chip_id"] == row.subject) & (ds.specs["metric"] == row.metric)]
    return Evaluation(value, tuple(sorted(set(rows["source_id"]))),
                      f"preferred {row.metric} of {row.subject} is {value:,.4g} {ds.unit(row.metric)}",
                      alternatives=tuple(zip(rows["value"], rows["source_id"])))


def chip_ratio(ds: data.Dataset, row) -> Evaluation:
    """``metric`` of ``subject`` over ``metric`` of ``subject_b``."""
    a, sa = _chip_value(ds, row.subject, row.metric)
    b, sb = _chip_value(ds, row.subject_b, row.metric)
    if math.isnan(a) or math.isnan(b):
        return _nan(f"{row.metric} is unpublished for {row.subject if math.isnan(a) else row.subject_b}")
    return Evaluation(a / b, sa + sb, f"{row.metric}: {a:,.4g} / {b:,.4g} = {a / b:.3f}")


def tpp_value(ds: data.Dataset, row) -> Evaluation:
    """TPP of a chip (computed from dense figures, or a published TPP where the data lacks a precision). A TPP
    computed from the FP32 vector rate alone is only a lower bound (tensor rates are higher), so it gives no value."""
    wide = data.specs_wide(ds)
    table = export_controls.chip_inputs(ds)
    value = float(table.at[row.subject, "tpp"])
    if math.isnan(value):
        return _nan(f"no dense throughput or published TPP for {row.subject}")
    tensor = [m for m in export_controls.BIT_LENGTHS if m != "fp32"]
    if table.at[row.subject, "tpp_basis"] == "computed" and wide.loc[row.subject, tensor].isna().all():
        return _nan(f"only the FP32 vector rate of {row.subject} is known: its TPP is at least {value:,.0f}")
    sources = data.preferred_sources([row.subject], [*export_controls.BIT_LENGTHS, "tpp_published"], ds)
    return Evaluation(value, tuple(sources), f"TPP of {row.subject} = {value:,.0f} ({table.at[row.subject, 'tpp_basis']})")


def tpp_ratio(ds: data.Dataset, row) -> Evaluation:
    """TPP of ``subject`` over TPP of ``subject_b``."""
    a, b = tpp_value(ds, row), tpp_value(ds, row._replace(subject=row.subject_b))
    if isinstance(a.value, float) and math.isnan(a.value) or isinstance(b.value, float) and math.isnan(b.value):
        return _nan(a.reasoning if math.isnan(a.value) else b.reasoning)
    return Evaluation(a.value / b.value, a.sources + b.sources, f"{a.reasoning}; {b.reasoning}; ratio {a.value / b.value:.3f}")


def classification(ds: data.Dataset, row) -> Evaluation:
    """The chip's classification under rule ``metric`` (a rule id)."""
    outcome = export_controls.classify(row.subject, row.metric, ds)
    rule = export_controls.rule(row.metric, ds)
    sources = tuple(rule.sources) + tuple(data.preferred_sources([row.subject], export_controls.INPUT_METRICS, ds))
    return Evaluation(outcome.result, sources, f"under {row.metric}: {outcome.result} ({outcome.reason})",
                      premise=tuple(rule.sources))


def _system(ds: data.Dataset, system_id: str, metric: str) -> tuple[float, tuple[str, ...], str]:
    """A system figure: recomputed from chips, except power, which only a published figure gives."""
    if metric == "power":
        pub = systems.published(ds)
        rows = pub[(pub["system_id"] == system_id) & (pub["metric"] == "power") & pub["preferred"]]
        if rows.empty:
            return math.nan, (), f"no published power for {system_id}"
        return float(rows["value"].iloc[0]), (rows["source_id"].iloc[0],), "published system power"
    if metric == "compute_per_watt_fp16":
        compute, s1, _ = _system(ds, system_id, "fp16_dense")
        power, s2, _ = _system(ds, system_id, "power")
        return compute / power, s1 + s2, "recomputed dense FP16 over published power"
    total = systems.aggregate(system_id, ds)[metric]
    chip = systems.systems(ds).at[system_id, "chip_id"]
    sources = tuple(data.preferred_sources([chip], [systems.AGGREGATED[metric]], ds)) if isinstance(chip, str) else ()
    return float(total), sources, f"recomputed from {chip}"


def system_total(ds: data.Dataset, row) -> Evaluation:
    """A system's total for ``metric`` recomputed from its chips (power: the published figure)."""
    value, sources, how = _system(ds, row.subject, row.metric)
    if math.isnan(value):
        return _nan(f"{row.metric} cannot be computed for {row.subject} ({how})")
    return Evaluation(value, sources, f"{row.metric} of {row.subject}: {value:,.4g} {ds.unit(row.metric)} ({how})")


def system_ratio(ds: data.Dataset, row) -> Evaluation:
    """``metric`` of system ``subject`` over system ``subject_b`` (recomputed; power published)."""
    a, sa, how = _system(ds, row.subject, row.metric)
    b, sb, _ = _system(ds, row.subject_b, row.metric)
    if math.isnan(a) or math.isnan(b):
        return _nan(f"{row.metric} cannot be computed for both systems")
    return Evaluation(a / b, sa + sb, f"{row.metric}: {a:,.4g} / {b:,.4g} = {a / b:.3f} ({how})")


def hbm_accelerators(ds: data.Dataset, row) -> Evaluation:
    """Accelerators of chip ``subject_b`` that HBM scenario ``subject`` can equip: the range as (low, high)."""
    table = hbm.supply_scenario(row.subject, ds).set_index("chip_id")
    line = table.loc[row.subject_b]
    value = (line["accelerators_low"] + line["accelerators_high"]) / 2
    return Evaluation(value, tuple(line["sources"]),
                      f"{line['stacks_low']:,.0f}-{line['stacks_high']:,.0f} stacks / {line['stacks_per_chip']:.0f} per chip = "
                      f"{line['accelerators_low']:,.0f}-{line['accelerators_high']:,.0f} accelerators (midpoint {value:,.0f})")


def generations_behind(ds: data.Dataset, row) -> Evaluation:
    """Years China's best shipping chip trails on ``metric``, in NVIDIA generations (the median years between
    NVIDIA's flagship data-centre parts by first shipment, :func:`chiplib.models.roadmaps.generations`)."""
    values = roadmaps.roadmap_values(include_announced=False, dataset=ds)
    years = range(int(values["year"].min()), int(values["year"].max()) + 1)
    gaps = roadmaps.gaps_by_metric(values, years).set_index("metric")
    cycle = roadmaps.cadence(values, ("NVIDIA",)).at[0, "median_years_between"]
    gap = gaps.at[row.metric, "gap_years"]
    if gap is None or pd.isna(gap) or not cycle or math.isnan(cycle):
        return _nan("no comparable year in the data")
    flagships = roadmaps.generations(values, "NVIDIA")["chip_id"]
    sources = data.preferred_sources([*values["chip_id"]], [row.metric], ds) + \
        data.preferred_sources(flagships, ["shipped"], ds)
    return Evaluation(gap / cycle, tuple(sorted(set(sources))),
                      f"shipping parts: China's best {row.metric} trails by {gap:.0f} years; an NVIDIA generation "
                      f"(flagship by first shipment) lasts {cycle:.1f} years; {gap / cycle:.1f} generations")


def release_cadence(ds: data.Dataset, row) -> Evaluation:
    """Median years between a vendor's (``subject``) generations: flagship data-centre parts by first shipment."""
    values = roadmaps.roadmap_values(include_announced=False, dataset=ds)
    table = roadmaps.cadence(values, (row.subject,))
    value = float(table.at[0, "median_years_between"])
    parts = roadmaps.generations(values, row.subject)["chip_id"]
    sources = data.preferred_sources(parts, ["shipped"], ds)
    return Evaluation(value, tuple(sources), f"{row.subject} generations by first shipment: "
                                             f"{table.at[0, 'generations']}; median {value:.1f} years apart")


#: The estimate-table metric a claim's unit asks for.
ESTIMATE_METRICS = {"units": "units", "percent": "share", "wafer/month": "wafers_per_month"}


def _period_end(period: str) -> str:
    """Last day of a period (``YYYY`` or ``YYYY-Qn``) as an ISO date."""
    if "-Q" in period:
        year, quarter = period.split("-Q")
        return f"{year}-{('03-31', '06-30', '09-30', '12-31')[int(quarter) - 1]}"
    return f"{period}-12-31"


def estimates(ds: data.Dataset, row) -> Evaluation:
    """The published estimates of ``subject`` in period ``metric`` (``fab_estimates.csv``; the estimate metric
    follows the claim's unit): the median across origins (each origin's rows first reduced to their median), leaving
    out the claim's own source and any goal or plan (``target``).
    A claim about a finished period (dated after it ended) is an outcome: forecasts published before the period
    ended do not test it."""
    table = ds.tables.get("fab_estimates")
    if table is None:
        return _nan("no production estimates in the data")
    table = data.capacity_rows(table)
    rows = table[(table["subject"] == row.subject) & (table["period"] == row.metric) &
                 (table["metric"] == ESTIMATE_METRICS.get(row.unit, row.unit)) & (table["source_id"] != row.source_id)]
    end = _period_end(str(row.metric))
    forecasts = rows.iloc[0:0]
    if str(row.date) > end:
        published = rows["source_id"].map(ds.sources["published"]).fillna("")
        forecasts = rows[(published != "") & (published <= end)]
        rows = rows.drop(forecasts.index)
    numbers = data.estimate_values(rows)
    if numbers.empty:
        left_out = f" ({len(forecasts)} forecast(s) made before the period ended left out)" if len(forecasts) else ""
        return _nan(f"no other outcome estimate of {row.subject} for {row.metric}{left_out}")
    # one value per origin (the median of its rows): two pages relaying one estimator count once
    origin = rows["source_id"].map(ds.sources["origin"])
    point = pd.to_numeric(rows["value"].fillna(rows["high"]).fillna(rows["low"]))
    by_origin = point.groupby(origin).median()
    value = float(by_origin.median())
    each = tuple((float(n), name) for name, n in by_origin.items())
    return Evaluation(value, tuple(sorted(set(rows["source_id"]))),
                      f"{len(rows)} other estimate(s) of {row.subject} for {row.metric} from {len(by_origin)} "
                      f"origin(s): {numbers.min():,.0f}-{numbers.max():,.0f}, median across origins {value:,.0f}",
                      alternatives=each)


def event(ds: data.Dataset, row) -> Evaluation:
    """Events in ``events.csv`` dated ``subject`` (a ``YYYY``, ``YYYY-MM`` or full date prefix) whose title contains
    the keyword ``metric``: their count (no matching event gives no value, never a zero)."""
    events = ds.events
    hits = events[events["date"].str.startswith(str(row.subject)) &
                  events["title"].str.lower().str.contains(str(row.metric).lower(), regex=False)]
    if hits.empty:
        return _nan(f"no event in {row.subject} mentions {row.metric!r}")
    return Evaluation(float(len(hits)), tuple(sorted(set(hits["source_id"]))),
                      "; ".join(f"{d}: {t}" for d, t in zip(hits["date"], hits["title"])))


def measured_ratio(ds: data.Dataset, row) -> Evaluation:
    """Delivered performance of chip ``subject`` over chip ``subject_b`` in task group ``metric``: the median
    ratio of their measurements under matching conditions (:func:`chiplib.models.measured.pairs`)."""
    return _measured_ratio(ds, row.subject, row.subject_b, row.metric)


@tracking.per_dataset
def _measured_ratio(ds: data.Dataset, subject: str, yardstick: str, group: str) -> Evaluation:
    """:func:`measured_ratio`, once per dataset (the claims report and both chips' dossiers ask for it)."""
    table = data.measurements(ds)
    table = table[table["task"].isin(measured.TASK_GROUPS[group]) & table["chip_id"].isin([subject, yardstick])]
    pairs = measured.pairs(table, data.specs_wide(ds), {subject})
    pairs = pairs[pairs["yardstick"] == yardstick]
    if pairs.empty:
        return _nan(f"no {group} measurements of {subject} and {yardstick} under matching conditions")
    value = float(pairs["measured_ratio"].median())
    each = tuple((float(r), "+".join(s)) for r, s in zip(pairs["measured_ratio"], pairs["sources"]))
    return Evaluation(value, tuple(sorted({s for row_sources in pairs["sources"] for s in row_sources})),
                      f"{len(pairs)} matched {group} comparison(s): median {value:.2f}x", alternatives=each)


def production_model(ds: data.Dataset, row) -> Evaluation:
    """Quantity ``subject`` of the base production history (:mod:`chiplib.models.production`) in year ``metric``
    (or the growth ``2026/2025``): the median, with the 5th-95th percentile as the range the claim is judged by."""
    p5, p50, p95, sources, text = production.claim_range(ds, str(row.subject), str(row.metric))
    return Evaluation(p50, sources, text, spread=(p5, p95))


def untestable(ds: data.Dataset, row) -> Evaluation:
    """A claim no public data in the collection can test (the note says why)."""
    return _nan(row.note or "not testable with public data")


TESTS: dict[str, Callable[[data.Dataset, object], Evaluation]] = {
    "chip_metric": chip_metric, "chip_ratio": chip_ratio, "tpp": tpp_value, "tpp_ratio": tpp_ratio,
    "classification": classification, "system_total": system_total, "system_ratio": system_ratio,
    "hbm_accelerators": hbm_accelerators, "generations_behind": generations_behind,
    "release_cadence": release_cadence, "estimates": estimates, "event": event, "measured_ratio": measured_ratio,
    "production": production_model, "untestable": untestable,
}


def _number(text: str | None) -> float:
    return float(text) if text is not None else math.nan


def _is_nan(value: float | str) -> bool:
    return not isinstance(value, str) and (value is None or math.isnan(value))


def _run(test: Callable[[data.Dataset, object], Evaluation], ds: data.Dataset, row) -> Evaluation:
    """A test on some data; a model that finds nothing to compute with (a scenario left without estimates) gives no value."""
    try:
        return test(ds, row)
    except (hbm.MemoryModelError, production.ProductionModelError, fab.FabModelError, KeyError) as exc:
        return _nan(str(exc).strip("'\""))


def assess(row, ds: data.Dataset, independent: data.Dataset) -> dict:
    """One claim: the test run on independent evidence (``independent`` = the data without the claimant's origin),
    its verdict, and the evidence's sources and origins apart from the claim's own source."""
    test = TESTS[row.test]
    claimed = row.claimed if row.unit == "text" else _number(row.claimed)
    low, high = _number(row.low), _number(row.high)
    evaluation = _run(test, independent, row)
    premise = set(data.origins_of(evaluation.premise, ds))
    frame: set[str] = set()  # a government's own rule text: what the claim applies, not evidence for it
    if row.test == "untestable":
        result = "not testable"
    elif _is_nan(evaluation.value):
        own = _run(test, ds, row)
        result = "not testable" if _is_nan(own.value) else "unverified"
        if result == "unverified":
            evaluation = Evaluation(own.value, own.sources, f"only {row.origin}'s own figures give it ({own.reasoning}); "
                                                            f"without them: {evaluation.reasoning}")
    elif premise and premise <= {row.origin} and ds.origins.at[row.origin, "kind"] != "government":
        result = "unverified"
        evaluation = Evaluation(evaluation.value, evaluation.sources,
                                f"the test's premise is known only from {row.origin}: {evaluation.reasoning}")
    else:
        if premise and premise <= {row.origin}:
            frame = set(evaluation.premise)
        result = (range_verdict(low, high, claimed, evaluation.spread, float(row.tolerance)) if evaluation.spread
                  else verdict(claimed, low, high, evaluation.value, float(row.tolerance)))
        sides = {verdict(claimed, low, high, value, float(row.tolerance)) for value, _ in evaluation.alternatives}
        if result in ("supported", "contradicted") and {"supported", "contradicted"} <= sides:
            result = "contested"
    sources = tuple(sorted(set(evaluation.sources) - {row.source_id} - frame))
    origins = data.origins_of(sources, ds)
    if result == "unverified":
        origins = tuple(sorted(set(origins) | {row.origin}))
    return {"claim_id": row.claim_id, "claim": row.claim, "claimant": row.claimant, "origin": row.origin,
            "source_id": row.source_id, "date": row.date,
            "claimed": row.claimed if row.claimed is not None else f"{row.low or ''}-{row.high or ''}",
            "unit": row.unit or "", "computed": evaluation.value, "tolerance": float(row.tolerance),
            "verdict": result, "reasoning": evaluation.reasoning, "note": row.note or "",
            "evidence_origins": origins, "evidence_sources": sources,
            "sources": tuple(sorted({row.source_id, *sources, *frame}))}


def ledger(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Every claim with its computed value, verdict, reasoning, the claim's own source and origin, and the
    evidence's sources and origins (``sources`` = both, for citation). Computed once per data directory
    for the loaded dataset (a copy is returned); any other dataset is assessed afresh."""
    ds = dataset or data.load()
    if ds is data.load(ds.directory):
        return _ledger_of(ds.directory, stamp(ds.directory)).copy()
    return _assess_all(ds)


@tracking.remembered
def _ledger_of(directory: Path, files: tuple) -> pd.DataFrame:
    """The loaded dataset's ledger, remembered per data directory and state of its files (``files``)."""
    return _assess_all(data.load(directory))


def _assess_all(ds: data.Dataset) -> pd.DataFrame:
    return assess_rows(ds.tables["claims"], ds)


def assess_rows(claim_rows: pd.DataFrame, ds: data.Dataset) -> pd.DataFrame:
    """``claim_rows`` (rows of ``claims.csv``) assessed as the ledger assesses them: each on the data without its
    claimant's origin (and without targets), one row per claim in the given order."""
    independent: dict[str, data.Dataset] = {}
    rows = []
    for row in claim_rows.itertuples(index=False):
        if row.origin not in independent:
            independent[row.origin] = data.without_origin(ds, row.origin, keep_targets=False)
        rows.append(assess(row, ds, independent[row.origin]))
    return pd.DataFrame(rows)


def verdict_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many claims got each verdict (every verdict listed, zero included)."""
    counts = table["verdict"].value_counts()
    return {name: int(counts.get(name, 0)) for name in VERDICTS}
