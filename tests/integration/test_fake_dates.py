"""The same commit gives the same reports on any day. nbval checks every notebook's stored outputs against a
run at today's date; the session's shared build (tests/conftest.py) runs every report's kernels a year later
(libfaketime); here each report's run with the notebook's own parameters must record exactly the headline
figures (values, labels, units, sources) stored in the notebook. So today's run, the stored one and the one a
year later agree. The static half of this check (no code reads the clock) is tests/unit/test_clock.py."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import FAKE_DATE, fake_clock_env

from chiplib import build
from chiplib.build.runner import collect_figures

REPO = Path(__file__).resolve().parents[2]
FAKETIME = shutil.which("faketime")
pytestmark = pytest.mark.skipif(FAKETIME is None, reason="libfaketime is not installed (Debian package 'faketime'); "
                                                          ".ci/run installs it")


def test_libfaketime_reaches_python():
    env = {name: value for name, value in os.environ.items() if name != "FAKETIME_SHARED"}
    probe = subprocess.run([sys.executable, "-c", "import datetime; print(datetime.date.today())"],
                           env={**env, **fake_clock_env()}, capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == FAKE_DATE[:10]


def _defaults(notebook: Path) -> dict:
    """The notebook's parameters cell, as values."""
    cell = next(c for c in nbformat.read(notebook, as_version=4).cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)}


def test_headline_figures_a_year_later_are_the_stored_ones(built):
    code, out = built
    assert code == 0
    for report in build.load_plan():
        notebook = REPO / "notebooks" / f"{build.report_stem(report['name'])}.ipynb"
        defaults = _defaults(notebook)
        runs = [json.loads(path.read_text()) for path in sorted((out / ".cache").glob(f"{report['name']}--*.json"))]
        same = [run for run in runs if {k: run["params"].get(k) for k in defaults} == defaults]
        assert same, f"{report['name']}: no variant runs with the notebook's own parameters {defaults}"
        stored = collect_figures(nbformat.read(notebook, as_version=4))
        assert stored, f"{notebook.name} stores no headline figure"
        assert same[0]["figures"] == stored, f"{report['name']}: figures differ a year later"
