"""Keep the generated parts of the READMEs in step with the data and the plan.

``python -m chiplib.build.docs`` (or ``make docs``) rewrites the coverage table in ``data/README.md``
(between ``<!-- coverage:start -->`` and ``<!-- coverage:end -->``) and the map of reports in
``README.md`` (between ``<!-- reports:start -->`` and ``<!-- reports:end -->``, from
``notebooks/reports.yaml`` and each report module's ``answer``), and writes ``data/datapackage.json``
(:mod:`chiplib.build.datapackage`); a test fails when any of them is stale.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from chiplib import data
from chiplib.build.plan import load_plan, report_stem
from chiplib.present.safe import markdown_table
from chiplib.reports import module_for

REPO = Path(__file__).resolve().parents[2]
README = REPO / "data" / "README.md"
START, END = "<!-- coverage:start -->", "<!-- coverage:end -->"
ASOF_START, ASOF_END = "<!-- asof:start -->", "<!-- asof:end -->"
#: The column that dates each row, for tables that have one.
DATED = {"events": "date", "measures": "date", "deployments": "date", "measurements": "date", "claims": "date",
         "hbm_milestones": "date", "node_timeline": "date", "lithography": "date", "stack_matrix": "date",
         "evidence": "date", "fab_estimates": "period", "hbm_supply": "period"}
MAP_README = REPO / "README.md"
MAP_START, MAP_END = "<!-- reports:start -->", "<!-- reports:end -->"


def as_of_section(dataset: data.Dataset | None = None) -> str:
    """Per table: rows, sources cited, the date it was swept to (the newest access date of the sources it
    cites) and, where rows are dated, the newest date in it."""
    ds = dataset or data.load()
    rows = []
    for name, frame in sorted(ds.tables.items()):
        cites = [c for c in ("source_id", "params_source_id", "config_source_id") if c in frame.columns]
        if not cites:
            continue
        ids = sorted(set(frame[cites].stack().dropna()))
        swept = str(ds.sources.loc[ids, "accessed"].max()) if ids else ""
        newest = str(frame[DATED[name]].dropna().max()) if name in DATED and frame[DATED[name]].notna().any() else ""
        rows.append({"table": f"{name}.csv", "rows": len(frame), "sources": len(ids), "swept to": swept,
                     "newest dated row": newest})
    number, as_of = data.version(ds.directory)
    return (f"Data version {number}, as of {as_of}. \"Swept to\" is the newest date on which a source the table "
            f"cites was read; the newest dated row is the latest date (or period) the table records.\n\n"
            + markdown_table(pd.DataFrame(rows)))


def coverage_section(dataset: data.Dataset | None = None) -> str:
    """The coverage table for the README: per chip, metrics sourced and contested, sources and origins cited."""
    ds = dataset or data.load()
    table = data.coverage(ds).reset_index()
    table.insert(1, "country", table["chip_id"].map(ds.chips["country"]))
    table = table.sort_values(["country", "vendor", "chip_id"], kind="stable")
    summary = (f"{len(table)} chips ({(table['country'] == 'CN').sum()} Chinese), "
               f"{int(table['metrics'].sum())} chip-metric figures sourced, "
               f"{int(table['contested'].sum())} contested, from {len(ds.sources)} sources carrying "
               f"{len(ds.origins)} independent origins.")
    return f"{summary}\n\n{markdown_table(table)}"


def report_map() -> str:
    """The README's map of reports: each report (overview first) with its variants, question, notebook
    and what its answer in brief gives (the first sentence of its ``answer`` docstring)."""
    reports = sorted(load_plan(), key=lambda r: r["name"] != "overview")
    rows = []
    for report in reports:
        doc = " ".join((module_for(report["name"]).answer.__doc__ or "").split())
        gives = doc.removeprefix("The answer in brief: ").split(". ")[0].rstrip(".")
        stem = report_stem(report["name"])
        generated = report.get("variants_from")
        variants = (f"one per row of {generated['table']}.csv: {len(report['variants'])}" if generated
                    else ", ".join(report["variants"]))
        rows.append({"report": f"{report['title']} ({variants})",
                     "question": " ".join(report["question"].split()), "notebook": f"notebooks/{stem}.ipynb",
                     "answer in brief": gives})
    return markdown_table(pd.DataFrame(rows))


def _replace(text: str, start: str, end: str, body: str, name: str) -> str:
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"{name} lacks the {start} ... {end} markers")
    return pattern.sub(lambda _: f"{start}\n{body}\n{end}", text)


def render(text: str, dataset: data.Dataset | None = None) -> str:
    """``text`` (data/README.md) with its coverage and as-of sections regenerated."""
    text = _replace(text, ASOF_START, ASOF_END, as_of_section(dataset), README.name)
    return _replace(text, START, END, coverage_section(dataset), README.name)


def render_map(text: str) -> str:
    """``text`` (README.md) with its map of reports regenerated."""
    return _replace(text, MAP_START, MAP_END, report_map(), MAP_README.name)


def main() -> None:
    from chiplib.build import datapackage

    README.write_text(render(README.read_text(encoding="utf-8")), encoding="utf-8")
    MAP_README.write_text(render_map(MAP_README.read_text(encoding="utf-8")), encoding="utf-8")
    package = README.parent / datapackage.FILE
    package.write_text(datapackage.text(README.parent), encoding="utf-8")
    print(f"updated {README}, {MAP_README} and {package}")


if __name__ == "__main__":
    main()
