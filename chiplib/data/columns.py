"""Per-table column checks: the pandera schema each CSV's raw text must pass (required cells, patterns,
allowed values). The vocabularies and table layouts they use are in :mod:`chiplib.data.schema`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chiplib.data.schema import (
    BASES,
    BOOLEANS,
    CHIP_STATUSES,
    CLAIM_TESTS,
    COUNTRY,
    DEPLOYMENT_ROLES,
    ESTIMATE_TABLES,
    EVENT_KINDS,
    MARKETS,
    MEASURE_KINDS,
    MEASUREMENT_BASES,
    MEASUREMENT_METRICS,
    MEASUREMENT_PRECISIONS,
    MEASUREMENT_TASKS,
    METRIC_KINDS,
    METRIC_NAME,
    MILESTONES,
    NODE_MILESTONES,
    ORIGIN_KINDS,
    SLUG,
    SOURCE_KINDS,
    STACK_LAYERS,
    STACK_STATUSES,
    SYSTEM_STATUSES,
    URL,
    is_full_date,
    is_partial_date,
)

if TYPE_CHECKING:
    import pandera.pandas as pa


def is_count(text: str) -> bool:
    return text.isdigit() and int(text) > 0


def is_positive_number(text: str) -> bool:
    try:
        return float(text) > 0
    except ValueError:
        return False


def is_year(text: str) -> bool:
    return text.isdigit() and 1950 <= int(text) <= 2100


@lru_cache(maxsize=None)
def pandera_schema(table: str) -> "pa.DataFrameSchema":
    """The pandera schema for one table's raw text (empty cells already turned into nulls)."""
    import pandera.pandas as pa

    def text(required: bool = True, *checks: "pa.Check") -> "pa.Column":
        # no dtype: every cell read_raw gives is text or null already, and pandera's dtype check costs a third
        # of a full validation
        return pa.Column(None, nullable=not required, required=False, checks=list(checks))

    def pattern(regex: str, what: str) -> "pa.Check":
        return pa.Check.str_matches(regex, error=f"not {what}")

    def one_of(values: tuple[str, ...]) -> "pa.Check":
        return pa.Check.isin(values, error=f"not one of: {', '.join(values)}")

    def element(func, what: str) -> "pa.Check":
        return pa.Check(func, element_wise=True, error=f"not {what}")

    facts = {
        "metric": text(True),
        "value": text(True),
        "unit": text(False),
        "source_id": text(True),
        "basis": text(True, one_of(BASES)),
        "preferred": text(True, one_of(BOOLEANS)),
        "note": text(False),
    }
    columns = {
        "origins": {
            "origin_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "name": text(True),
            "kind": text(True, one_of(ORIGIN_KINDS)),
            "url": text(True, pattern(URL, "an http(s) URL")),
        },
        "sources": {
            "source_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "title": text(True),
            "publisher": text(True),
            "url": text(True, pattern(URL, "an http(s) URL")),
            "published": text(False, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "accessed": text(True, element(is_full_date, "a date (YYYY-MM-DD)")),
            "kind": text(True, one_of(SOURCE_KINDS)),
            "origin": text(True),
            "licence": text(False, pattern(r"^[A-Za-z0-9.+-]+$", "an SPDX licence id (CC-BY-4.0, Apache-2.0 ...)")),
        },
        "chips": {
            "chip_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "vendor": text(True),
            "name": text(True),
            "country": text(True, pattern(COUNTRY, "a two-letter ISO country code")),
            "status": text(True, one_of(CHIP_STATUSES)),
            "year": text(False, element(is_year, "a four-digit year")),
            "variant_of": text(False),
            "market": text(True, one_of(MARKETS)),
            "flagship": text(False, one_of(BOOLEANS)),
            "notes": text(False),
        },
        "metrics": {
            "metric": text(True, pattern(METRIC_NAME, "a snake_case metric name")),
            "unit": text(False),
            "kind": text(True, one_of(METRIC_KINDS)),
            "description": text(True),
        },
        "chip_specs": {"chip_id": text(True), **facts},
        "system_specs": {"system_id": text(True), **facts},
        "hbm_specs": {"generation": text(True), **facts},
        "events": {
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD or YYYY-MM)")),
            "kind": text(True, one_of(EVENT_KINDS)),
            "title": text(True),
            "description": text(True),
            "source_id": text(True),
        },
        "systems": {
            "system_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "vendor": text(True),
            "name": text(True),
            "status": text(True, one_of(SYSTEM_STATUSES)),
            "year": text(False, element(is_year, "a four-digit year")),
            "chip_id": text(False),
            "chip_count": text(False, element(is_count, "a positive whole number")),
            "notes": text(False),
        },
        "hbm_milestones": {
            "supplier": text(True),
            "generation": text(True),
            "milestone": text(True, one_of(MILESTONES)),
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "source_id": text(True),
            "basis": text(True, one_of(BASES)),
            "note": text(False),
        },
        "models": {
            "model_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "name": text(True),
            "architecture": text(True, one_of(("dense", "moe"))),
            "attention": text(True, one_of(("gqa", "mla"))),
            "total_params": text(True, element(is_positive_number, "a positive number (billions)")),
            "active_params": text(True, element(is_positive_number, "a positive number (billions)")),
            "layers": text(True, element(is_count, "a positive whole number")),
            "hidden_size": text(True, element(is_count, "a positive whole number")),
            "attention_heads": text(True, element(is_count, "a positive whole number")),
            "kv_heads": text(True, element(is_count, "a positive whole number")),
            "kv_lora_rank": text(False, element(is_count, "a positive whole number")),
            "rope_head_dim": text(False, element(is_count, "a positive whole number")),
            "params_source_id": text(True),
            "config_source_id": text(True),
            "note": text(False),
        },
        "claims": {
            "claim_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "claim": text(True),
            "claimant": text(True),
            "origin": text(True),
            "source_id": text(True),
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "test": text(True, one_of(CLAIM_TESTS)),
            "subject": text(False),
            "subject_b": text(False),
            "metric": text(False),
            "claimed": text(False),
            "low": text(False),
            "high": text(False),
            "unit": text(False),
            "tolerance": text(True, element(lambda v: is_positive_number(v) or v == "0", "a number >= 0")),
            "note": text(False),
        },
        **{name: {
            "subject": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "period": text(True, pattern(r"^\d{4}(?:-Q[1-4])?$", "a year or quarter (YYYY or YYYY-Qn)")),
            "metric": text(True, one_of(tuple(metrics))),
            "value": text(False),
            "low": text(False),
            "high": text(False),
            "unit": text(False),
            "source_id": text(True),
            "basis": text(True, one_of(BASES)),
            "note": text(False),
        } for name, metrics in ESTIMATE_TABLES.items()},
        "node_timeline": {
            "foundry": text(True),
            "node": text(True),
            "node_class": text(True),
            "milestone": text(True, one_of(NODE_MILESTONES)),
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "source_id": text(True),
            "basis": text(True, one_of(BASES)),
            "note": text(False),
        },
        "stack_matrix": {
            "vendor": text(True),
            "layer": text(True, one_of(STACK_LAYERS)),
            "value": text(True),
            "status": text(True, one_of(STACK_STATUSES)),
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "source_id": text(True),
            "note": text(False),
        },
        "repos": {
            "repo": text(True, pattern(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", "owner/name")),
            "vendor": text(True),
            "layer": text(True, one_of(STACK_LAYERS)),
            "default_branch": text(True),
            "head_commit": text(True, pattern(r"^[0-9a-f]{40}$", "a 40-digit commit id")),
            "head_date": text(True, element(is_full_date, "a date (YYYY-MM-DD)")),
            "source_id": text(True),
            "note": text(False),
        },
        "repo_activity": {
            "repo": text(True),
            "quarter": text(True, pattern(r"^\d{4}-Q[1-4]$", "a quarter (YYYY-Qn)")),
            "commits": text(True, element(lambda v: v.isdigit(), "a whole number >= 0")),
            "authors": text(True, element(lambda v: v.isdigit(), "a whole number >= 0")),
            "releases": text(True, element(lambda v: v.isdigit(), "a whole number >= 0")),
            "observed": text(True, element(is_full_date, "a date (YYYY-MM-DD)")),
        },
        "evidence": {
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "vendor": text(True),
            "hardware": text(True),
            "software": text(False),
            "model": text(False),
            "figure": text(False),
            "claim": text(True),
            "source_id": text(True),
        },
        "deployments": {
            "model": text(True),
            "organisation": text(True),
            "date": text(False, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "chip_id": text(False),
            "role": text(True, one_of(DEPLOYMENT_ROLES)),
            "scale": text(False),
            "source_id": text(True),
            "basis": text(True, one_of(BASES)),
            "note": text(False),
        },
        "measures": {
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "jurisdiction": text(True, pattern(COUNTRY, "a two-letter ISO country code")),
            "measure": text(True, one_of(MEASURE_KINDS)),
            "title": text(True),
            "description": text(True),
            "conditions": text(False),
            "subject": text(False),
            "source_id": text(True),
            "basis": text(True, one_of(BASES)),
            "note": text(False),
        },
        "measurements": {
            "chip_id": text(True),
            "workload": text(True),
            "task": text(True, one_of(MEASUREMENT_TASKS)),
            "precision": text(False, one_of(MEASUREMENT_PRECISIONS)),
            "batch": text(False),
            "sequence": text(False),
            "software": text(False),
            "chips": text(False, element(is_count, "a positive whole number")),
            "system": text(False),
            "metric": text(True, one_of(tuple(MEASUREMENT_METRICS))),
            "value": text(True),
            "unit": text(True),
            "source_id": text(True),
            "basis": text(True, one_of(MEASUREMENT_BASES)),
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "note": text(False),
        },
        "lithography": {
            "item": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "fact": text(True),
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "source_id": text(True),
            "note": text(False),
        },
    }[table]
    return pa.DataFrameSchema(columns, name=table)
