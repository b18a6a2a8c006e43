"""The claims report: its parameters and the claims it lists."""

from __future__ import annotations

import pandas as pd

from chiplib import data
from chiplib.core.params import Param, check
from chiplib.models import claims
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

def _params():
    return (Param("show", str, "all", "which claims to list: all, testable or contested",
                  lambda: ["all", "testable", "contested"]),)


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the claims notebook's parameters (see :data:`PARAMS`)."""
    return check(PARAMS, given, where="claims")


def shown(table: pd.DataFrame, show: str) -> pd.DataFrame:
    """The ledger rows a reader asked for: all, testable (a verdict other than 'not testable'), or contested
    (the data disagrees with the claim, or independent origins disagree with each other)."""
    if show == "testable":
        return table[table["verdict"] != "not testable"]
    if show == "contested":
        return table[table["verdict"].isin(["partly", "contradicted", "contested"])]
    return table


def summary(table: pd.DataFrame):
    """One sentence: how many claims got each verdict, support counted on independent evidence only (Markdown)."""
    counts = claims.verdict_counts(table)
    return md("Of {n} claims, {supported} are supported by evidence independent of the claimant, {partly} partly, "
              "{contradicted} contradicted and {contested} contested (independent origins disagree); {unverified} "
              "rest only on the claimant's own figures (unverified) and {untestable} cannot be tested with public "
              "data.", n=len(table), supported=counts["supported"], partly=counts["partly"],
              contradicted=counts["contradicted"], contested=counts["contested"], unverified=counts["unverified"],
              untestable=counts["not testable"])


def answer(show: str = "all", dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: how many claims each verdict got, and each contradicted claim in a line."""
    table = claims.ledger(dataset)
    counts = claims.verdict_counts(table)
    # each count cites the claims it counts (a verdict no claim got cites none)
    figures = tuple(figure(f"claims_{name.replace(' ', '_')}", f"Claims {name}", counts[name], "claims",
                           sorted(set(table.loc[table["verdict"] == name, "sources"].explode().dropna())))
                    for name in claims.VERDICTS)
    notes = tuple(md("- **Contradicted ({id})**: {claim} ({claimant}). {reasoning}. Evidence from: {origins}.",
                     id=row.claim_id, claim=row.claim, claimant=row.claimant, reasoning=row.reasoning,
                     origins=", ".join(row.evidence_origins))
                  for row in table[table["verdict"] == "contradicted"].itertuples())
    return Brief((summary(table),), figures, notes)


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
