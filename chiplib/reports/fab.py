"""The manufacturing report: its parameters."""

from __future__ import annotations

from chiplib.core.params import Param, ParamError, check
from chiplib.models.fab import scenarios

def _params():
    return (
        Param("year", int, 2025, "year of output (2025 or later: estimates for the latest period up to it)"),
        Param("scenario", str, "base", "production scenario (data/fab_scenarios.yaml)",
              lambda: list(scenarios()["scenarios"])),
        Param("samples", int, 20000, "Monte Carlo draws"),
        Param("seed", int, 7, "random seed (fixed for reproducible reports)"),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the manufacturing notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="fab")
    if not 2024 <= values["year"] <= 2030:
        raise ParamError(f"fab: year {values['year']} is outside 2024-2030")
    if not 100 <= values["samples"] <= 1_000_000:
        raise ParamError(f"fab: samples {values['samples']} is outside 100-1,000,000")
    return values
