"""The software-ecosystems report: its parameters and the vendors it shows."""

from __future__ import annotations

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.models.software import rubric

def _params():
    return (
        Param("profile", str, "balanced", "weight profile (data/software_rubric.yaml)", lambda: list(rubric()["profiles"])),
        Param("vendors", str, "all", "'all' or comma-separated vendor names from data/stack_matrix.csv"),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the software notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="software")
    if values["vendors"] != "all":
        known = set(data.load().tables["stack_matrix"]["vendor"])
        unknown = [v.strip() for v in values["vendors"].split(",") if v.strip() not in known]
        if unknown:
            raise ParamError(f"software: unknown vendor(s) {unknown}; valid vendors: all, {', '.join(sorted(known))}")
    return values


def selected_vendors(spec: str, dataset: data.Dataset | None = None) -> list[str]:
    ds = dataset or data.load()
    every = sorted(set(ds.tables["stack_matrix"]["vendor"]))
    return every if spec == "all" else [v.strip() for v in spec.split(",") if v.strip()]
