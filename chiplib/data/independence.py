"""Independent evidence: who originated each figure, so that agreement counts origins, not rows.

A *source* is the page where a figure was read; its *origin* (``sources.csv`` ``origin``, described in
``origins.csv``) is the party whose statement, measurement or estimate that page carries. Two pages relaying
one analyst are one origin: their agreement is repetition, not corroboration.

- :func:`origins_of` names the distinct origins behind some sources.
- :func:`without_origin` gives the data as if one origin had never published, which is how the claims
  ledger keeps a claimant's own figures out of the evidence for its claim.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pandas as pd

from chiplib.data import schema, tracking
from chiplib.data.issues import LINE
from chiplib.data.tables import Dataset, Tables, _typed_specs


def origins_of(source_ids: Iterable[str], dataset: Dataset) -> tuple[str, ...]:
    """The distinct origins (sorted ids) behind ``source_ids``; unknown ids raise KeyError."""
    ids = sorted(set(source_ids))
    return tuple(sorted(set(dataset.sources.loc[ids, "origin"]))) if ids else ()


def count_origins(source_ids: Iterable[str], dataset: Dataset) -> int:
    """How many independent origins stand behind ``source_ids``."""
    return len(origins_of(source_ids, dataset))


def _repreferred(typed: pd.DataFrame, subject: str) -> pd.Series:
    """``preferred`` after rows were dropped: a (subject, metric) left without a preferred row takes the row with
    the median canonical value (the lower of two middles; for text and dates, the first row in file order)."""
    preferred = typed["preferred"].copy()
    keys = [subject, "metric"]
    lacking = typed[~typed.groupby(keys, sort=False)["preferred"].transform("any")]
    if lacking.empty:
        return preferred
    numbers = lacking.dropna(subset=["value"]).sort_values("value", kind="stable")
    grouped = numbers.groupby(keys, sort=False)
    middle = numbers.index[(grouped.cumcount() == (grouped["value"].transform("size") - 1) // 2).to_numpy()]
    numbered = pd.MultiIndex.from_frame(numbers[keys])
    textual = lacking[~pd.MultiIndex.from_frame(lacking[keys]).isin(numbered)]
    preferred[middle.union(textual.groupby(keys, sort=False).head(1).index)] = True
    return preferred


def without_origin(dataset: Dataset, origin: str, *, keep_targets: bool = True) -> Dataset:
    """:func:`derive_without_origin`, computed once per dataset and arguments (the claims ledger and every chip
    dossier ask for the same few derivations); a repeated call notes again the files the derivation read, so a
    run that uses it depends on them as if it had derived it itself."""
    return _without_origin(dataset, origin, keep_targets)


@tracking.per_dataset
def _without_origin(dataset: Dataset, origin: str, keep_targets: bool) -> Dataset:
    return derive_without_origin(dataset, origin, keep_targets=keep_targets)


@tracking.per_dataset
def _typed_fact_table(dataset: Dataset, name: str) -> pd.DataFrame:
    """Fact table ``name`` with values in canonical units (:func:`~chiplib.data.tables._typed_specs`, row by row),
    typed once per dataset: each derivation takes the rows it keeps."""
    frame = dataset.tables[name]
    return _typed_specs(frame.assign(**{LINE: 0}), dataset.metrics, dataset.sources, subject=frame.columns[0])


def derive_without_origin(dataset: Dataset, origin: str, *, keep_targets: bool = True) -> Dataset:
    """The dataset with every row whose source has ``origin`` removed from every table that cites sources, and,
    unless ``keep_targets``, every row graded ``target`` (a plan or roadmap figure restates its announcer's
    intent, whoever relays it, so it cannot corroborate anything).

    Where a figure's preferred row was removed, one of the remaining rows becomes preferred
    (:func:`_repreferred`), so that views and models work unchanged on what others published.
    """
    excluded = set(dataset.sources.index[dataset.sources["origin"] == origin])
    if not excluded and keep_targets:
        return dataset

    def dropped(frame: pd.DataFrame) -> pd.Series:
        gone = frame["source_id"].isin(excluded)
        return gone | (frame["basis"] == "target") if not keep_targets and "basis" in frame.columns else gone

    tables = Tables()
    for name, frame in dataset.tables.items():
        if name == "sources" or "source_id" not in frame.columns:
            tables[name] = frame
            continue
        keep = ~dropped(frame).to_numpy()
        kept = frame[keep].reset_index(drop=True)
        if name in schema.FACT_TABLES and not kept.empty:
            typed = _typed_fact_table(dataset, name)[keep].reset_index(drop=True)
            kept = kept.assign(preferred=_repreferred(typed, kept.columns[0]).map({True: "true", False: "false"}))
        tables[name] = kept
    specs = dataset.specs[~dropped(dataset.specs)].reset_index(drop=True)
    specs["preferred"] = _repreferred(specs, "chip_id")
    events = dataset.events[~dataset.events["source_id"].isin(excluded)].reset_index(drop=True)
    return dataclasses.replace(dataset, specs=specs, events=events, tables=tables)
