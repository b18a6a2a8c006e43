"""Every notebook has one shape, checked without running a kernel.

1. a ``parameters`` cell whose names and defaults are the report module's ``PARAMS``;
2. one set-up cell: imports, ``check_params``, a fresh source log, the heading from the plan;
3. "The answer in brief" (or the overview's first section): one ``# NBVAL_CHECK_OUTPUT`` cell that
   shows the report module's ``answer`` and nothing else;
4. sections, "Caveats" (the overview has none), and "Sources" printing the run's source log last.
No notebook writes its title or question (the plan does), records a headline figure itself, or
collects sources by hand.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

from chiplib.build import load_plan, report_stem
from chiplib.reports import module_for

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
REPORTS = load_plan()
#: Notebooks that are not reports: the interactive explorer (served by `make explore`, never built).
EXPLORERS = {"explore"}


def _notebook(report: dict):
    return nbformat.read(NOTEBOOKS / f"{report_stem(report['name'])}.ipynb", as_version=4)


def _alias(report: dict) -> str:
    return "overview" if report["name"] == "overview" else "report"


def test_every_notebook_is_a_report_in_the_plan():
    stems = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb") if p.stem not in EXPLORERS)
    assert stems == sorted(report_stem(r["name"]) for r in REPORTS)


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_parameters_cell_matches_the_report_module(report):
    cell = _notebook(report).cells[0]
    assert cell.cell_type == "code" and cell.metadata.get("tags") == ["parameters"]
    given = {node.targets[0].id: ast.literal_eval(node.value) for node in ast.parse(cell.source).body}
    declared = {param.name: param.default for param in module_for(report["name"]).PARAMS}
    assert given == declared


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_one_set_up_cell_checks_parameters_and_shows_the_heading(report):
    cells = _notebook(report).cells
    setup = cells[1].source
    alias = _alias(report)
    assert cells[1].cell_type == "code"
    assert f"params = {alias}.check_params(" in setup and "citations.reset()" in setup
    assert f"display({alias}.heading())" in setup
    assert not any(c.cell_type == "markdown" and c.source.lstrip().startswith("# ") for c in cells), \
        "the title is written once, in notebooks/reports.yaml"
    assert not any("**Question.**" in c.source for c in cells if c.cell_type == "markdown")


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_the_answer_in_brief_comes_from_the_report_module(report):
    cells = _notebook(report).cells
    checked = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.startswith("# NBVAL_CHECK_OUTPUT")]
    assert len(checked) == 1
    index = checked[0]
    assert cells[index].source == f"# NBVAL_CHECK_OUTPUT\nfigures.show({_alias(report)}.answer(**params))"
    assert cells[index - 1].cell_type == "markdown" and cells[index - 1].source.startswith("## ")
    assert callable(module_for(report["name"]).answer)


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_caveats_and_sources_close_the_report(report):
    cells = _notebook(report).cells
    headings = [c.source.splitlines()[0] for c in cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert headings[-1] == "## Sources"
    if report["name"] != "overview":
        assert headings[-2] == "## Caveats"
    assert cells[-1].cell_type == "code" and cells[-1].source.startswith("display(sources.section(")


@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r["name"])
def test_no_headline_figures_or_sources_by_hand(report):
    code = "\n".join(c.source for c in _notebook(report).cells if c.cell_type == "code")
    for forbidden in ("figures.record(", "used_sources", "sources_markdown(", "Markdown(f"):
        assert forbidden not in code, forbidden
