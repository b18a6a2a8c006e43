"""Dates as the data writes them, and the one rule for gaps in years."""

from __future__ import annotations

import datetime as dt

from chiplib.core.dates import midpoint_date, parse_partial_date, years_between


def test_partial_dates_read_as_spans():
    assert parse_partial_date("2024") == dt.date(2024, 1, 1)
    assert midpoint_date("2024") == dt.date(2024, 7, 1)
    assert midpoint_date("2024-08") == dt.date(2024, 8, 1)
    assert parse_partial_date("2024-13") is None and parse_partial_date("soon") is None


def test_years_between_uses_one_convention():
    """A year-only date is 1 July: 2020 to July 2021 is one year; 366 days over 365.25 is 1.002."""
    assert years_between(midpoint_date("2020"), midpoint_date("2021-07")) == 1.0
    assert years_between(dt.date(2020, 1, 1), dt.date(2021, 1, 1), digits=3) == round(366 / 365.25, 3)
