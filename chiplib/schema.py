"""What each table in ``data/`` must look like: columns, allowed values, keys.

Per-table rules (required columns, non-empty cells, patterns, allowed values) are
pandera schemas over the raw text of each CSV; rules that span tables (foreign
keys, units, one preferred row) live in :mod:`chiplib.validate`. The data
dictionary in ``data/README.md`` describes the same columns for people.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandera.pandas as pa

SOURCE_KINDS = (
    "datasheet", "vendor", "government", "analysis", "news", "filing", "paper", "dataset", "documentation",
)
CHIP_STATUSES = ("shipping", "announced", "roadmap", "rumoured", "discontinued")
MARKETS = ("datacenter", "consumer")
METRIC_KINDS = ("quantity", "text", "date")
BASES = ("reported", "derived", "estimate")
EVENT_KINDS = ("us-rule", "us-licence", "entity-list", "china-response", "product", "other")
BOOLEANS = ("true", "false")

SLUG = r"^[a-z0-9]+(?:[-.][a-z0-9]+)*$"
METRIC_NAME = r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$"
COUNTRY = r"^[A-Z]{2}$"
URL = r"^https?://[^\s/$.?#][^\s]*$"


@dataclass(frozen=True)
class TableSpec:
    """One CSV table: its file name, columns in order, and the columns that must be unique together."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]

    @property
    def file(self) -> str:
        return f"{self.name}.csv"


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec("sources", ("source_id", "title", "publisher", "url", "published", "accessed", "kind"),
                  ("source_id",)),
        TableSpec("chips", ("chip_id", "vendor", "name", "country", "status", "year", "variant_of", "market", "notes"),
                  ("chip_id",)),
        TableSpec("metrics", ("metric", "unit", "kind", "description"), ("metric",)),
        TableSpec("chip_specs",
                  ("chip_id", "metric", "value", "unit", "source_id", "basis", "preferred", "note"),
                  ("chip_id", "metric", "source_id")),
        TableSpec("events", ("date", "kind", "title", "description", "source_id"), ("date", "title")),
    )
}

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(text: str) -> dt.date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the first day it can mean; None if malformed."""
    match = _PARTIAL_DATE.match(text)
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def is_partial_date(text: str) -> bool:
    return parse_partial_date(text) is not None


def is_full_date(text: str) -> bool:
    return len(text) == 10 and parse_partial_date(text) is not None


def is_year(text: str) -> bool:
    return text.isdigit() and 1950 <= int(text) <= 2100


@lru_cache(maxsize=None)
def pandera_schema(table: str) -> "pa.DataFrameSchema":
    """The pandera schema for one table's raw text (empty cells already turned into nulls)."""
    import pandera.pandas as pa

    def text(required: bool = True, *checks: "pa.Check") -> "pa.Column":
        return pa.Column(str, nullable=not required, required=False, checks=list(checks))

    def pattern(regex: str, what: str) -> "pa.Check":
        return pa.Check.str_matches(regex, error=f"not {what}")

    def one_of(values: tuple[str, ...]) -> "pa.Check":
        return pa.Check.isin(values, error=f"not one of: {', '.join(values)}")

    def element(func, what: str) -> "pa.Check":
        return pa.Check(func, element_wise=True, error=f"not {what}")

    columns = {
        "sources": {
            "source_id": text(True, pattern(SLUG, "a lowercase slug (letters, digits, '-', '.')")),
            "title": text(True),
            "publisher": text(True),
            "url": text(True, pattern(URL, "an http(s) URL")),
            "published": text(False, element(is_partial_date, "a date (YYYY-MM-DD, YYYY-MM or YYYY)")),
            "accessed": text(True, element(is_full_date, "a date (YYYY-MM-DD)")),
            "kind": text(True, one_of(SOURCE_KINDS)),
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
            "notes": text(False),
        },
        "metrics": {
            "metric": text(True, pattern(METRIC_NAME, "a snake_case metric name")),
            "unit": text(False),
            "kind": text(True, one_of(METRIC_KINDS)),
            "description": text(True),
        },
        "chip_specs": {
            "chip_id": text(True),
            "metric": text(True),
            "value": text(True),
            "unit": text(False),
            "source_id": text(True),
            "basis": text(True, one_of(BASES)),
            "preferred": text(True, one_of(BOOLEANS)),
            "note": text(False),
        },
        "events": {
            "date": text(True, element(is_partial_date, "a date (YYYY-MM-DD or YYYY-MM)")),
            "kind": text(True, one_of(EVENT_KINDS)),
            "title": text(True),
            "description": text(True),
            "source_id": text(True),
        },
    }[table]
    return pa.DataFrameSchema(columns, name=table)
