"""Software-stack maturity from evidence: a transparent rubric over the stack matrix and repository activity.

Criteria, scores and weight profiles live in ``data/software_rubric.yaml``; this module only applies
them. :func:`scores` gives each vendor's criterion scores (0-1) and weighted total under a profile;
:func:`sensitivity` re-ranks the vendors under many random weightings so a reader sees which
conclusions survive any reasonable choice of weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chiplib import data
from chiplib.data import configs

RUBRIC_FILE = configs.RUBRIC_FILE


def rubric(dataset: data.Dataset | None = None) -> dict:
    """The rubric (criteria, status and CUDA scores, weight profiles), read safely."""
    return (dataset or data.load()).config(RUBRIC_FILE)


def activity(dataset: data.Dataset | None = None, quarters: int = 4) -> pd.Series:
    """Commits per vendor over each measured repository's last ``quarters`` quarters (default branches)."""
    ds = dataset or data.load()
    table = ds.tables["repo_activity"].merge(ds.tables["repos"][["repo", "vendor"]], on="repo")
    table["commits"] = pd.to_numeric(table["commits"])
    recent = table.sort_values("quarter").groupby("repo").tail(quarters)
    return recent.groupby("vendor")["commits"].sum()


def criterion_scores(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Vendors x criteria, each 0-1 (see the rubric file for how each is scored)."""
    ds = dataset or data.load()
    spec = rubric(ds)
    matrix = ds.tables["stack_matrix"]
    vendors = sorted(set(matrix["vendor"]))
    layers = [c for c in spec["criteria"] if c != "activity"]
    table = pd.DataFrame(0.0, index=vendors, columns=list(spec["criteria"]))
    for row in matrix.itertuples(index=False):
        if row.layer == "cuda_compatibility":
            score = 1.0 if row.vendor == "NVIDIA" else spec["cuda_scores"].get(row.value, 0.0)
        else:
            score = spec["status_scores"][row.status]
        if row.layer in layers:
            table.at[row.vendor, row.layer] = max(table.at[row.vendor, row.layer], score)
    if "NVIDIA" in table.index:
        table.at["NVIDIA", "cuda_compatibility"] = 1.0
    commits = activity(ds, spec["activity_quarters"]).reindex(vendors).fillna(0)
    table["activity"] = commits / commits.max() if commits.max() > 0 else 0.0
    return table


def weighted(table: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted mean of the criterion scores (weights need not sum to 1)."""
    w = pd.Series(weights, dtype=float).reindex(table.columns).fillna(0.0)
    if w.sum() <= 0:
        raise ValueError("weights must include at least one positive weight")
    return (table * w).sum(axis=1) / w.sum()


def scores(profile: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Criterion scores plus ``total`` under a weight profile, best first; KeyError lists the profiles."""
    spec = rubric(dataset)
    if profile not in spec["profiles"]:
        raise KeyError(f"unknown profile {profile!r}; valid profiles: {', '.join(spec['profiles'])}")
    table = criterion_scores(dataset)
    table["total"] = weighted(table[list(spec["criteria"])], spec["profiles"][profile])
    return table.sort_values("total", ascending=False)


def sensitivity(table: pd.DataFrame, draws: int = 2000, seed: int = 1) -> pd.DataFrame:
    """Ranks under ``draws`` random weightings (uniform over all weight mixes, Dirichlet(1, ..., 1)).

    Per vendor: the best, median and worst rank and how often it ranks first among the vendors given.
    """
    criteria = [c for c in table.columns if c != "total"]
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(len(criteria)), size=draws)           # draws x criteria
    totals = weights @ table[criteria].to_numpy().T                      # draws x vendors
    ranks = (-totals).argsort(axis=1).argsort(axis=1) + 1
    return pd.DataFrame({
        "best_rank": ranks.min(axis=0), "median_rank": np.median(ranks, axis=0), "worst_rank": ranks.max(axis=0),
        "share_first": (ranks == 1).mean(axis=0),
    }, index=table.index).sort_values("median_rank")


