"""US export-control metrics and a rules engine that reads every rule version from data.

- :func:`tpp_from` / :func:`tpp`: Total Processing Performance, 2 x MacTOPS x bit length,
  i.e. dense throughput (TOPS or TFLOPS) x bit length, the maximum over the chip's precisions
  (ECCN 3A090 Technical Notes; sparse figures never count).
- :func:`performance_density_from` / :func:`performance_density`: TPP / applicable die area,
  the summed area (mm^2) of the package's logic dies.
- :func:`classify`: the classification of a chip under a rule version of
  ``data/export_rules.yaml`` with the threshold that decided it. Missing inputs give
  "unknown" with what is missing, never a guess.
- :func:`sensitivity`: classify under each source's figure for contested inputs.

The engine only interprets comparisons ``[input, op, value]`` nested in ``all``/``any``;
nothing in the rules file is executed.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from chiplib import data
from chiplib.data import tracking
from chiplib.data.rules import INPUTS, Rule, RuleError, Test

#: Dense throughput metric -> bit length of the operation.
BIT_LENGTHS = {"fp4_dense": 4, "fp8_dense": 8, "int8_dense": 8, "fp16_dense": 16, "fp32": 32}
OPS = {">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le, "==": operator.eq}
#: Spec metrics the classification reads (directly or through TPP and PD).
INPUT_METRICS = (*BIT_LENGTHS, "die_area", "die_count", "scaleup_bandwidth", "memory_bandwidth")

__all__ = ["BIT_LENGTHS", "INPUTS", "INPUT_METRICS", "Classification", "Rule", "RuleError", "Test", "classification_matrix",
           "classify", "classify_all", "classify_values", "inputs_table", "performance_density_from", "rule",
           "rule_in_force", "rules", "sensitivity", "thresholds", "tpp_from"]


# ----------------------------------------------------------------------------- metrics

def tpp_from(throughput: Mapping[str, float]) -> float:
    """TPP from dense throughputs in TOPS/TFLOPS keyed by metric (``{"fp8_dense": 1979}`` -> 15832).

    Unknown (NaN/None) precisions are skipped; NaN when none is known.
    """
    values = [float(v) * BIT_LENGTHS[m] for m, v in throughput.items()
              if m in BIT_LENGTHS and v is not None and not pd.isna(v)]
    return max(values) if values else math.nan


def performance_density_from(tpp_value: float, die_area_mm2: float, die_count: float | None = 1) -> float:
    """TPP / applicable die area (``die_area_mm2`` per logic die x ``die_count``); NaN if unknown."""
    if any(v is None or pd.isna(v) for v in (tpp_value, die_area_mm2, die_count)) or die_area_mm2 <= 0:
        return math.nan
    return float(tpp_value) / (float(die_area_mm2) * float(die_count))


def inputs_table(wide: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per chip: tpp, pd (and how each was obtained), io_bandwidth, memory_bandwidth, datacenter.

    ``tpp_basis`` is ``computed`` (from dense figures, :func:`tpp_from`) or ``published`` where a
    source states a TPP more than 1 % above the computed one (the data lacks the precision that
    sets it, e.g. a consumer card with only an FP32 figure). ``pd_basis`` says where PD comes from:
    - ``computed``: TPP / (die area x die count), both published;
    - ``computed, one die assumed``: a die area is published but no die count, so PD divides by
      one die (right for monolithic parts; it would overstate PD for an unpublished multi-die package);
    - ``published``: no die area in the data, so a PD a source states itself (``pd_published``);
    - empty: PD unknown.
    """
    wide = data.specs_wide() if wide is None else wide
    table = pd.DataFrame(index=wide.index)
    computed_tpp = pd.Series([tpp_from(row) for row in wide[list(BIT_LENGTHS)].to_dict("records")],
                             index=wide.index, dtype=float)
    published_tpp = wide["tpp_published"] if "tpp_published" in wide else pd.Series(math.nan, index=wide.index)
    # A published TPP well above the computed one means the data lacks the precision that sets it.
    use_published = published_tpp.notna() & ~(computed_tpp >= 0.99 * published_tpp)
    table["tpp"] = computed_tpp.where(~use_published, published_tpp)
    table["tpp_basis"] = ""
    table.loc[computed_tpp.notna(), "tpp_basis"] = "computed"
    table.loc[use_published, "tpp_basis"] = "published"
    table["tpp_published"] = published_tpp
    count = wide["die_count"]
    computed = pd.Series([performance_density_from(t, a, c if not pd.isna(c) else 1)
                          for t, a, c in zip(table["tpp"], wide["die_area"], count)], index=wide.index, dtype=float)
    published = wide["pd_published"] if "pd_published" in wide else pd.Series(math.nan, index=wide.index)
    table["pd"] = computed.fillna(published)
    table["pd_basis"] = ""
    table.loc[computed.notna() & count.notna(), "pd_basis"] = "computed"
    table.loc[computed.notna() & count.isna(), "pd_basis"] = "computed, one die assumed"
    table.loc[computed.isna() & published.notna(), "pd_basis"] = "published"
    table["io_bandwidth"] = wide["scaleup_bandwidth"]
    table["memory_bandwidth"] = wide["memory_bandwidth"]
    table["datacenter"] = wide["market"] == "datacenter"
    table["vendor"] = wide["vendor"]
    return table


def chip_inputs(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """:func:`inputs_table` of the dataset's preferred figures (a copy of one table computed once per dataset)."""
    return _chip_inputs(dataset or data.load()).copy()


@tracking.per_dataset
def _chip_inputs(dataset: data.Dataset) -> pd.DataFrame:
    return inputs_table(data.specs_wide(dataset))


def tpp(chip_id: str) -> float:
    """TPP of a chip from the dataset's preferred dense figures; NaN when no dense figure is known."""
    return float(chip_inputs().at[chip_id, "tpp"])


def performance_density(chip_id: str) -> float:
    """Performance density of a chip (TPP per mm^2 of logic die); NaN when TPP or die area is unknown."""
    return float(chip_inputs().at[chip_id, "pd"])


# ----------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class Classification:
    result: str
    controlled: bool | None
    reason: str


def rules(dataset: data.Dataset | None = None) -> tuple[Rule, ...]:
    """Every rule version, oldest first (validated with the rest of the data by ``data.load``)."""
    return data.rules.rules(dataset or data.load())


def rule(rule_id: str, dataset: data.Dataset | None = None) -> Rule:
    """One rule version by id; RuleError lists the valid ids."""
    for candidate in rules(dataset):
        if candidate.rule_id == rule_id:
            return candidate
    raise RuleError(f"unknown rule {rule_id!r}; valid rules: {', '.join(r.rule_id for r in rules(dataset))}")


def rule_in_force(on: dt.date | str, dataset: data.Dataset | None = None) -> Rule:
    """The latest rule version effective on date ``on``."""
    day = dt.date.fromisoformat(on) if isinstance(on, str) else on
    active = [r for r in rules(dataset) if r.effective <= day]
    if not active:
        raise RuleError(f"no rule in force on {day}; the first takes effect {rules(dataset)[0].effective}")
    return active[-1]


def _evaluate(cond, values: Mapping[str, object]) -> bool | None:
    """Three-valued: True, False, or None when an input the answer depends on is missing."""
    if isinstance(cond, list):
        name, op, threshold = cond
        value = values.get(name)
        if _is_missing(value):
            return None
        return bool(OPS[op](value, threshold))
    key, parts = next(iter(cond.items()))
    results = [_evaluate(part, values) for part in parts]
    if key == "all":
        return False if False in results else (None if None in results else True)
    return True if True in results else (None if None in results else False)


def classify_values(values: Mapping[str, object], rule_obj: Rule) -> Classification:
    """Classify one set of inputs (``tpp``, ``pd``, ``io_bandwidth``, ``memory_bandwidth``, ``datacenter``,
    and ``vendor`` for company-specific tests)."""
    undecided = []
    for test in rule_obj.tests:
        if test.applies_to and values.get("vendor") not in test.applies_to:
            continue
        outcome = _evaluate(test.when, values)
        if outcome is True and not undecided:
            return Classification(test.result, test.controlled, test.reason)
        if outcome is None:
            undecided.append(test)
    missing = sorted({name for test in undecided for name in _inputs_of(test.when) if _is_missing(values.get(name))})
    return Classification("unknown", None, f"needs {', '.join(missing)} to decide")


def _is_missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _inputs_of(cond) -> set[str]:
    if isinstance(cond, list):
        return {cond[0]}
    return set().union(*(_inputs_of(part) for part in next(iter(cond.values()))))


def classify(chip_id: str, rule_id: str, dataset: data.Dataset | None = None) -> Classification:
    """Classification of a dataset chip under a rule version, with the threshold that decided it."""
    table = chip_inputs(dataset)
    if chip_id not in table.index:
        raise KeyError(f"unknown chip {chip_id!r}")
    return classify_values(table.loc[chip_id].to_dict(), rule(rule_id, dataset))


def classify_all(rule_id: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Every chip under one rule: tpp, pd, inputs, result, controlled, reason."""
    table = chip_inputs(dataset)
    rule_obj = rule(rule_id, dataset)
    outcomes = [classify_values(row, rule_obj) for row in table.to_dict("records")]
    table["result"] = [o.result for o in outcomes]
    table["controlled"] = [o.controlled for o in outcomes]
    table["reason"] = [o.reason for o in outcomes]
    return table


def classification_matrix(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Chips x rule versions: the result under each rule (columns in rule order)."""
    return pd.DataFrame({r.rule_id: classify_all(r.rule_id, dataset)["result"] for r in rules(dataset)})


def alternative_inputs(chip_ids: list[str] | None = None, dataset: data.Dataset | None = None) -> tuple[list, pd.DataFrame]:
    """The alternatives :func:`sensitivity` tries: each non-preferred ``chip_specs.csv`` row of an input metric
    (:data:`INPUT_METRICS`) whose value differs from the chip's preferred one (of ``chip_ids``, default all), as
    named tuples in file order, and the :func:`inputs_table` of the preferred figures with that one value swapped
    in (row ``i`` for alternative ``i``)."""
    ds = dataset or data.load()
    wide = data.specs_wide(ds)
    long = ds.specs[(~ds.specs["preferred"]) & ds.specs["metric"].isin(INPUT_METRICS)]
    if chip_ids is not None:
        long = long[long["chip_id"].isin(chip_ids)]
    tried = [alt for alt in long.itertuples(index=False) if wide.at[alt.chip_id, alt.metric] != alt.value]
    swapped = wide.loc[[alt.chip_id for alt in tried]].reset_index(drop=True)  # one row per alternative
    for number, alt in enumerate(tried):
        swapped.at[number, alt.metric] = alt.value
    return tried, inputs_table(swapped)


def sensitivity(rule_id: str, chip_ids: list[str] | None = None, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Re-classify each chip with each non-preferred source figure of an input metric swapped in.

    One row per (chip, metric, source) alternative: the value used, the resulting tpp and pd,
    the result, and whether it differs from the result with preferred figures.
    """
    ds = dataset or data.load()
    base = classify_all(rule_id, ds)
    rule_obj = rule(rule_id, ds)
    tried, table = alternative_inputs(chip_ids, ds)
    rows = []
    for number, alt in enumerate(tried):
        inputs = table.iloc[number].to_dict()
        outcome = classify_values(inputs, rule_obj)
        rows.append({"chip_id": alt.chip_id, "metric": alt.metric, "source_id": alt.source_id,
                     "value": alt.value, "tpp": inputs["tpp"], "pd": inputs["pd"], "result": outcome.result,
                     "preferred_result": base.at[alt.chip_id, "result"],
                     "moves": outcome.result != base.at[alt.chip_id, "result"]})
    columns = ["chip_id", "metric", "source_id", "value", "tpp", "pd", "result", "preferred_result", "moves"]
    return pd.DataFrame(rows, columns=columns)


def thresholds(rule_obj: Rule) -> dict[str, list[float]]:
    """Every numeric threshold the rule compares ``tpp`` and ``pd`` with (for chart reference lines)."""
    found: dict[str, set[float]] = {"tpp": set(), "pd": set()}

    def walk(cond) -> None:
        if isinstance(cond, list):
            if cond[0] in found:
                found[cond[0]].add(float(cond[2]))
            return
        for part in next(iter(cond.values())):
            walk(part)

    for test in rule_obj.tests:
        walk(test.when)
    return {name: sorted(values) for name, values in found.items()}


def tariff_bands(on: dt.date | str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Which chips fall in each tariff band in force on ``on`` (``tariffs`` in the rules file): one row per
    (tariff, chip) whose figures meet the band, plus the bands no chip meets; ``in_band`` False for those. A
    band that states no threshold (an unenacted plan) matches no chip."""
    ds = dataset or data.load()
    day = on if isinstance(on, dt.date) else dt.date.fromisoformat(str(on))
    table = chip_inputs(ds)
    rows = []
    for band in data.rules.tariffs(ds):
        live = band.effective is not None and band.effective <= day
        hits = [] if band.when is None or not live else \
            [chip for chip, values in table.to_dict("index").items() if _evaluate(band.when, values) is True]
        base = {"tariff_id": band.tariff_id, "name": band.name, "rate_percent": band.rate_percent,
                "effective": band.effective, "basis": band.basis, "sources": band.sources}
        rows += [{**base, "chip_id": chip, "in_band": True} for chip in hits] or [{**base, "chip_id": "", "in_band": False}]
    return pd.DataFrame(rows, columns=["tariff_id", "name", "rate_percent", "effective", "basis", "chip_id", "in_band",
                                       "sources"])
