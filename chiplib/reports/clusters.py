"""The superpods-and-roadmaps report: its parameters and the systems it shows."""

from __future__ import annotations

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.data.schema import SHIPPED
from chiplib.models.systems import PRECISIONS, systems

def _system_choices() -> list[str]:
    return ["all", *systems().index]


def _params():
    return (
        Param("systems", str, "all", "'all' or comma-separated system ids"),
        Param("precision", str, "fp8", "precision of compute totals (dense)", lambda: list(PRECISIONS)),
        Param("include_announced", bool, True, "count announced and roadmap systems and chips"),
    )


PARAMS = _params()


def selected_systems(spec: str, include_announced: bool = True, dataset: data.Dataset | None = None) -> list[str]:
    """System ids from the notebook's ``systems`` parameter, filtered by status."""
    table = systems(dataset)
    ids = list(table.index) if spec == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    if not include_announced:
        ids = [s for s in ids if table.at[s, "status"] in SHIPPED]
    return ids


def check_params(**given) -> dict:
    """Validate the clusters notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="clusters")
    if values["systems"] != "all":
        known = set(systems().index)
        unknown = [s.strip() for s in values["systems"].split(",") if s.strip() not in known]
        if unknown or not values["systems"].strip():
            raise ParamError(f"clusters: unknown system(s) {unknown}; valid systems: {', '.join(_system_choices())}")
    return values
