"""Dates as the data writes them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A partial date means a span; :func:`parse_partial_date` reads it as the first day it can mean and
:func:`midpoint_date` as the middle of a year-only span (1 July), which halves the error either way.
Gaps between dates are :func:`years_between` (days / 365.25); every gap in the collection reads a
year-only date as 1 July and a ``YYYY-MM`` date as the month's first day.
"""

from __future__ import annotations

import datetime as dt
import re

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


def midpoint_date(text: str) -> dt.date | None:
    """Like :func:`parse_partial_date`, but a year-only date reads as 1 July (halving the error either way)."""
    return parse_partial_date(text + "-07" if len(text) == 4 else text)


def is_partial_date(text: str) -> bool:
    return parse_partial_date(text) is not None


def is_full_date(text: str) -> bool:
    return len(text) == 10 and parse_partial_date(text) is not None


def years_between(start, end, digits: int = 2) -> float:
    """Years from ``start`` to ``end`` (dates or timestamps): days / 365.25, rounded to ``digits``.
    Read partial dates with :func:`midpoint_date` first, so every gap uses one convention."""
    return round((end - start).days / 365.25, digits)
