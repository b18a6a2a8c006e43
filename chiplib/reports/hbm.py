"""The HBM report: its parameters and its as-of date."""

from __future__ import annotations

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.models.hbm import models, scenarios

def as_of_date(year: int, dataset: data.Dataset | None = None) -> str:
    """The as-of date (ISO) for ``year``: 31 December, or the data's as-of date (:func:`chiplib.data.as_of`)
    when that is earlier. Never the clock, so a report reads the same whatever day it is built."""
    return min(f"{year}-12-31", data.as_of(dataset))


def _params():
    return (
        Param("scenario", str, "stockpile", "HBM supply scenario (data/hbm_scenarios.yaml)", lambda: list(scenarios())),
        Param("year", int, 2026, "as-of year for the generation gap (its last day, or the data's as-of date if earlier)"),
        Param("model", str, "deepseek-v3", "open model for the decode bounds (data/models.csv)", lambda: list(models())),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the HBM notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="memory")
    if not 2013 <= values["year"] <= 2030:
        raise ParamError(f"memory: year {values['year']} is outside 2013-2030")
    return values
