"""A chart is one MIME bundle: the Vega-Lite spec (live in JupyterLab and Voila), an SVG (what papermill, nbval
and nbconvert keep) and its title; the spec is stored once, and the report build turns it into a live block."""

from __future__ import annotations

import json

import nbformat
import pandas as pd

from chiplib.build import render
from chiplib.present import charts, report_charts

POINTS = pd.DataFrame({"chip_id": ["a", "b"], "name": ["A <b>", "B"], "vendor": ["V", "W"], "country": ["CN", "US"],
                       "status": ["shipping", "roadmap"], "year": [2024, 2026], "compute": [100.0, 400.0],
                       "memory_bandwidth": [1000.0, 3000.0], "roadmap": [False, True], "bytes_per_flop": [0.01, 0.0075],
                       "sources": [("src-a",), ("src-b", "src-c")]})


def _chart():
    return report_charts.compute_vs_bandwidth(POINTS, "fp16", "b")


def test_the_bundle_holds_the_spec_once_with_a_static_fallback():
    data, metadata = charts.bundle(_chart())
    assert set(data) == {charts.VEGALITE_MIME, "image/svg+xml", "text/plain"}
    assert data["image/svg+xml"].startswith("<svg") and data["text/plain"].startswith("<chart: ")
    assert metadata == {charts.VEGALITE_MIME: {"embed_options": charts.EMBED_OPTIONS}}  # options only, not the spec
    assert "editor" in json.dumps(charts.EMBED_OPTIONS) and charts.EMBED_OPTIONS["actions"]["editor"] is False


def test_the_bundle_is_the_same_every_time():
    first, second = charts.bundle(_chart()), charts.bundle(_chart())
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


def test_scatter_tooltips_name_sources_and_params_are_named():
    spec = _chart().to_dict()
    names = {param["name"] for param in spec["params"]}
    assert names == {"zoom", "pick_country"}  # fixed names: no process-wide counter in the spec
    tooltip = spec["layer"][0]["encoding"]["tooltip"]
    assert {"field": "sources", "type": "nominal"} in tooltip
    assert {"sources": "src-b, src-c"}.items() <= next(iter(spec["datasets"].values()))[1].items()


def test_frames_without_sources_keep_their_tooltips():
    spec = report_charts.compute_vs_bandwidth(POINTS.drop(columns="sources"), "fp16", "b").to_dict()
    assert all(t["field"] != "sources" for t in spec["layer"][0]["encoding"]["tooltip"])


def _notebook(output) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [output]
    nb.cells.append(cell)
    return nb


def test_the_build_takes_the_spec_from_the_bundle_and_strips_it():
    data, metadata = charts.bundle(_chart())
    nb = _notebook(nbformat.v4.new_output("display_data", data=data, metadata=metadata))
    render.interactive_charts(nb)
    output = nb.cells[0].outputs[0]
    assert charts.VEGALITE_MIME not in output["data"] and "image/svg+xml" not in output["data"]
    assert charts.VEGALITE_MIME not in output["metadata"]
    block = output["data"]["text/html"]
    assert block.count('"$schema"') == 1 and "<svg" in block and 'class="chiplib-chart-static"' in block


def test_live_chart_displays_the_same_bundle_and_cites():
    from chiplib.present import citations

    citations.reset()
    live = charts.LiveChart(_chart(), ["src-b", "src-a"])
    assert live._repr_mimebundle_() == charts.bundle(_chart())
    assert citations.cited() == ["src-a", "src-b"]
    citations.reset()


def test_the_javascript_bundle_is_built_once_and_then_read_from_the_cache(tmp_path, monkeypatch):
    """vl-convert's bundle is kept in the cache folder under its version; a later process reads that file instead of
    building it again, and a cache that cannot be written still gives the bundle."""
    import vl_convert as vlc

    monkeypatch.setenv("CHIPLIB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(render, "_bundles", {})
    built = render.vega_bundle()
    kept = tmp_path / "cache" / "vega" / f"bundle-{vlc.__version__}.js"
    assert kept.read_text(encoding="utf-8") == built == vlc.javascript_bundle()
    assert "vegaEmbed" in built and len(built) > 500_000
    kept.write_text("/* read from the cache */", encoding="utf-8")
    monkeypatch.setattr(render, "_bundles", {})  # as a new process would start
    assert render.vega_bundle() == "/* read from the cache */"
    blocked = tmp_path / "file"
    blocked.write_text("")
    monkeypatch.setenv("CHIPLIB_CACHE", str(blocked))  # a file where the folder should be: nothing can be written
    monkeypatch.setattr(render, "_bundles", {})
    assert render.vega_bundle() == built
