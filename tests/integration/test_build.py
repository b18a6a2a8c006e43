"""The report build: parameters checked before kernels, offline HTML, caching, failures that lose nothing."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from chiplib import build
from chiplib.build import render
from chiplib.cli import main

NOTEBOOK_CELLS = [
    ("markdown", "# Test report"),
    ("code", 'reference = "nvidia-h100-sxm"\nprecision = "fp16"\ninclude_roadmap = True', ["parameters"]),
    ("code", 'from chiplib.present import charts, figures\nif precision == "fp8":\n    raise ValueError("boom: fp8 asked")'),
    ("code", 'figures.record("answer", "The answer", 42.5, "%", ["epoch-ml-hardware"])'),
    ("code", 'alt = charts.altair()\nimport pandas as pd\n'
             'c = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x", tooltip=["x"])\n'
             'charts.show(c, ["epoch-ml-hardware"])\ncharts.show(c.mark_bar())'),
]


def _plan(tmp_path: Path, variants: str) -> Path:
    nb = nbformat.v4.new_notebook()
    for kind, source, *tags in NOTEBOOK_CELLS:
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source, metadata={"tags": tags[0]} if tags else {}))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    plan_dir = tmp_path / "notebooks"
    plan_dir.mkdir(exist_ok=True)
    if not (plan_dir / "landscape.ipynb").exists():  # rewriting would change the random cell ids (and the hash)
        nbformat.write(nb, plan_dir / "landscape.ipynb")
    plan = plan_dir / "reports.yaml"
    plan.write_text("reports:\n  - name: landscape\n"
                    "    title: Demo <i>x</i> & co\n    question: Does the build work?\n    variants:\n" + variants)
    return plan


def test_build_caches_and_a_failed_run_keeps_the_last_good_report(tmp_path, capsys):
    out = tmp_path / "reports"
    plan = _plan(tmp_path, "      good: {}\n      other: {include_roadmap: false}\n")
    assert build.build(plan=plan, out=out, progress=False) == 0
    good, other = out / "landscape--good.html", out / "landscape--other.html"
    page = good.read_text()
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=[\"']https?:", page), "reports must not load from the network"
    assert page.count("vegaEmbed(") == 1 and page.count('class="chiplib-chart"') == 2  # bundle once, two charts
    assert "The answer:</strong> 42.5 %" in page and "boom" not in page
    figures_csv = (out / "figures.csv").read_text()
    assert "landscape,good,answer,The answer,42.5,%,epoch-ml-hardware" in figures_csv
    index = (out / "index.html").read_text()
    assert "Does the build work?" in index
    assert "Demo &lt;i&gt;x&lt;/i&gt; &amp; co" in index and "<i>x</i>" not in index  # titles are escaped
    assert "<title>Demo &lt;i&gt;x&lt;/i&gt; &amp; co (good)</title>" in page

    capsys.readouterr()
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert "nothing changed: 2 reports up to date" in capsys.readouterr().out
    assert build.build(plan=plan, out=out, progress=False, force=True) == 0
    assert "2 built, 0 unchanged (cached), 0 failed" in capsys.readouterr().out
    assert good.read_text() == page, \
        "the same inputs give the same page, byte for byte"

    before = other.read_bytes()
    plan = _plan(tmp_path, "      good: {}\n      other: {precision: fp8}\n")
    assert build.build(plan=plan, out=out, progress=False) == 1
    printed = capsys.readouterr().out
    assert "FAILED landscape/other: cell 3 of 5 (from chiplib.present import charts, figures) raised ValueError: boom: fp8 asked" in printed
    assert "0 built, 1 unchanged" in printed
    assert other.read_bytes() == before, "the last good report must survive a failed run"
    assert (out / "_failed" / "landscape--other.ipynb").exists()
    assert "landscape,other,answer" in (out / "figures.csv").read_text()
    assert not list(out.glob("chiplib-build-*")), "the staging directory is cleaned up"


def test_bad_parameters_stop_before_any_kernel(tmp_path):
    plan = _plan(tmp_path, "      a: {reference: nvidia-h999}\n      b: {precison: fp8}\n")
    with pytest.raises(build.PlanError) as caught:
        build.build(plan=plan, out=tmp_path / "reports", progress=False)
    message = str(caught.value)
    assert "landscape/a: landscape: parameter 'reference' = 'nvidia-h999' is not valid; valid values:" in message
    assert "landscape/b: landscape: unknown parameter 'precison'; valid parameters: reference, precision" in message
    assert not (tmp_path / "reports" / "index.html").exists()


def test_plan_errors_name_the_problem(tmp_path):
    plan = tmp_path / "reports.yaml"
    plan.write_text("reports:\n  - name: os\n    title: t\n    question: q\n    variants: {a: {}}\n")
    with pytest.raises(build.PlanError, match=r"no report module chiplib/reports/os.py for 'os'; reports with a module: "
                                              r"chip, claims, clusters, export-controls, fab, hbm, landscape, measured, "
                                              r"overview, software"):
        build.load_plan(plan)
    plan.write_text("reports:\n  - name: x\n")
    with pytest.raises(build.PlanError, match=r"key 'reports.0': missing key\(s\) 'question', 'title'\n.*"
                                              r"key 'reports.0': give either 'variants' or 'variants_from' .* not neither"):
        build.load_plan(plan)
    with pytest.raises(build.PlanError, match="matches no report or variant; valid names: landscape, export-controls, "):
        build.plan_jobs(build.load_plan(), only=["landscap"])


def test_overrides_are_typed_yaml_scalars():
    assert build.parse_overrides(["precision=fp8", "include_roadmap=false", "n=007"]) == \
        {"precision": "fp8", "include_roadmap": False, "n": 7}
    with pytest.raises(build.PlanError, match="key=value"):
        build.parse_overrides(["precision"])


def test_cli_build_with_bad_parameter_exits_2(capsys):
    assert main(["build", "-p", "reference=nvidia-h999", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "landscape/vs-h100: landscape: parameter 'reference' = 'nvidia-h999' is not valid" in err
    assert "nvidia-h100-sxm" in err


def test_chart_outputs_become_interactive_blocks_with_svg_fallback():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"image/svg+xml": "<svg>static</svg>"},
                                           metadata={"chiplib_chart": {"mark": "point", "title": "</script>"}})]
    nb.cells.append(cell)
    render.interactive_charts(nb)
    block = nb.cells[0].outputs[0]["data"]["text/html"]
    assert "<svg>static</svg>" in block and '"mark": "point"' in block
    assert "</script>\"" not in block and "<\\/script>" in block  # the spec cannot close its script tag
