"""Project plumbing: the conda file mirrors pyproject, imports stay light, CI runs the README's command."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def _normalise(requirement: str) -> str:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower() + spec.replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    """Every pinned range in pyproject (runtime + dev extra) appears, identical, in environment.yml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = {_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = {_normalise(d) for d in env["dependencies"] if isinstance(d, str)}
    conda -= {"pip", _normalise("python" + project["requires-python"])}
    assert conda == wanted, f"only in environment.yml: {sorted(conda - wanted)}; only in pyproject: {sorted(wanted - conda)}"


def test_importing_chiplib_does_not_load_the_build_stack():
    code = ("import sys, chiplib, chiplib.cli, chiplib.data, chiplib.core.units, chiplib.data.validate, chiplib.build; "
            "print(sorted(m for m in ('papermill', 'nbconvert', 'nbclient', 'altair', 'jupyterlab') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text()
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert "make test" in readme and ci[-1] == "make test"


def test_data_dictionary_lists_every_metric():
    """data/README.md documents each metric in metrics.csv with its canonical unit."""
    import csv

    readme = (REPO / "data" / "README.md").read_text()
    with (REPO / "data" / "metrics.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            assert f"| `{row['metric']}` | {row['unit'] or '—'} | {row['kind']} |" in readme, row["metric"]


def test_data_readme_coverage_table_is_current():
    from chiplib.build import docs

    text = docs.README.read_text(encoding="utf-8")
    assert docs.render(text) == text, "data/README.md coverage table is stale: run `make docs`"


def test_readme_report_map_is_current():
    from chiplib.build import docs

    text = docs.MAP_README.read_text(encoding="utf-8")
    assert docs.render_map(text) == text, "README.md map of reports is stale: run `make docs`"
