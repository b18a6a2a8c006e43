"""Where figures come from: the source rows behind a set of figures."""

from __future__ import annotations

import pandas as pd

from chiplib.data.tables import Dataset, load


def preferred_sources(chip_ids, metrics, dataset: Dataset | None = None) -> list[str]:
    """Source ids behind the preferred values of ``metrics`` for ``chip_ids``."""
    ds = dataset or load()
    specs = ds.specs
    rows = specs[specs["preferred"] & specs["chip_id"].isin(list(chip_ids)) & specs["metric"].isin(list(metrics))]
    return sorted(set(rows["source_id"]))


def sources_by_chip(chip_ids, metrics, dataset: Dataset | None = None) -> dict[str, tuple[str, ...]]:
    """Per chip, the source ids behind the preferred values of ``metrics`` (for tooltips and per-row captions);
    a chip with none of them gets an empty tuple."""
    ds = dataset or load()
    ids = list(chip_ids)
    specs = ds.specs
    rows = specs[specs["preferred"] & specs["chip_id"].isin(ids) & specs["metric"].isin(list(metrics))]
    grouped = rows.groupby("chip_id")["source_id"].agg(lambda s: tuple(sorted(set(s))))
    return {chip: grouped.get(chip, ()) for chip in ids}


def sources_for(source_ids, dataset: Dataset | None = None) -> pd.DataFrame:
    """The source rows (title, publisher, url, dates, kind) for the given ids, in id order."""
    ds = dataset or load()
    ids = sorted(set(source_ids))
    unknown = [s for s in ids if s not in ds.sources.index]
    if unknown:
        raise KeyError(f"unknown source id(s) {unknown}")
    return ds.sources.loc[ids]
