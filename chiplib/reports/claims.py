"""The claims report: its parameters and the claims it lists."""

from __future__ import annotations

import pandas as pd

from chiplib.core.params import Param, check

def _params():
    return (Param("show", str, "all", "which claims to list: all, testable or contested",
                  lambda: ["all", "testable", "contested"]),)


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the claims notebook's parameters (see :data:`PARAMS`)."""
    return check(PARAMS, given, where="claims")


def shown(table: pd.DataFrame, show: str) -> pd.DataFrame:
    """The ledger rows a reader asked for: all, testable (a verdict other than 'not testable'), or contested."""
    if show == "testable":
        return table[table["verdict"] != "not testable"]
    if show == "contested":
        return table[table["verdict"].isin(["partly", "contradicted"])]
    return table
