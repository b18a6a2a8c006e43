"""The executive overview: every report's headline figures, the claims verdicts, and what moved.

Reads ``figures.csv`` (and ``figures.previous.csv``, the file as it stood before the latest build)
from the reports directory: ``$CHIPLIB_REPORTS`` when the build runs the overview, else ``reports/``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import pandas as pd

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.models import claims
from chiplib.reports import claims as claims_report
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

REPO = Path(__file__).resolve().parents[2]
COLUMNS = ["report", "variant", "figure_id", "label", "value", "unit", "sources"]


def reports_dir(given: str = "") -> Path:
    """The reports directory: ``given``, else ``$CHIPLIB_REPORTS``, else the repository's ``reports/``."""
    return Path(given or os.environ.get("CHIPLIB_REPORTS") or REPO / "reports")


def report_file(report: str, variant: str) -> str:
    """The file name of a built report variant, quoted for use as a link target."""
    from urllib.parse import quote

    return quote(f"{report}--{variant}.html")


def figures(directory: Path, name: str = "figures.csv") -> pd.DataFrame:
    """A figures table (empty, with its columns, when the build has not written it yet)."""
    path = directory / name
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _same(a: str, b: str) -> bool:
    try:
        x, y = float(a), float(b)
        return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12)
    except ValueError:
        return a == b


def changes(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Figures whose value moved between two builds, plus figures added or removed.

    Columns: report, variant, figure_id, label, old, new, change (moved / added / removed).
    """
    key = ["report", "variant", "figure_id"]
    merged = current.merge(previous, on=key, how="outer", suffixes=("", "_old"), indicator="side")
    rows = []
    for row in merged.to_dict("records"):
        if row["side"] == "left_only":
            change = "added"
        elif row["side"] == "right_only":
            change = "removed"
        elif _same(row["value"], row["value_old"]):
            continue
        else:
            change = "moved"
        label = row["label"] if isinstance(row["label"], str) and row["label"] else row["label_old"]
        rows.append({"report": row["report"], "variant": row["variant"], "figure_id": row["figure_id"],
                     "label": label, "old": row["value_old"] if change != "added" else "",
                     "new": row["value"] if change != "removed" else "", "change": change})
    return pd.DataFrame(rows, columns=[*key, "label", "old", "new", "change"])


def first_variants(table: pd.DataFrame) -> pd.DataFrame:
    """Each report's figures for its first variant in the table (the plan's default)."""
    if table.empty:
        return table
    firsts = table.groupby("report", sort=False)["variant"].first()
    return table[table["variant"] == table["report"].map(firsts)]


def _params():
    return (Param("reports_dir", str, "", "directory holding figures.csv (default: $CHIPLIB_REPORTS or reports/)"),)


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the overview notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="overview")
    if values["reports_dir"] and not Path(values["reports_dir"]).is_dir():
        raise ParamError(f"overview: reports_dir {values['reports_dir']!r} is not a directory")
    return values


def answer(reports_dir: str = "", dataset=None) -> Brief:
    """The answer in brief: how the tested claims fare (each report's own headlines follow in the notebook)."""
    ledger = claims.ledger(dataset)
    counts = claims.verdict_counts(ledger)
    ds = dataset or data.load()
    number, as_of = data.version(ds.directory)
    newest = ds.events.iloc[-1]
    current = md("Data version {number}, as of {as_of}; the newest dated event is {date}: {title}.", number=number,
                 as_of=as_of, date=newest["date"], title=newest["title"])
    return Brief((current, claims_report.summary(ledger), md("See the claims report for each one.")), (
        figure("newest_event_date", "Newest dated event", newest["date"], "", [newest["source_id"]]),
        figure("claims_tested", "Claims tested", len(ledger), "claims", set(ledger["sources"].explode())),
        figure("claims_supported", "Claims supported by independent evidence", counts["supported"], "claims",
               set(ledger[ledger["verdict"] == "supported"]["sources"].explode())),
        figure("claims_contradicted", "Claims the data contradicts", counts["contradicted"], "claims",
               set(ledger[ledger["verdict"] == "contradicted"]["sources"].explode())),
    ))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
