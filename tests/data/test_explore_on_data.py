"""The explorer on today's data: its views give the reports' numbers for the reports' choices, its sliders span
every published range, and its widgets redraw their views when a control moves (no browser: see
tests/integration/test_explore.py for that)."""

from __future__ import annotations

import pytest

from chiplib import data
from chiplib.models import fab
from chiplib.reports import explore
from chiplib.reports import fab as fab_report

CHINESE = ("CN",)


def _all(name: str) -> list[str]:
    return explore.filter_values()[name]


def test_filters_select_chips():
    everything = explore.filtered(_all("vendor"), _all("status"), _all("country"))
    chinese = explore.filtered(_all("vendor"), _all("status"), CHINESE)
    assert len(everything) == len(explore.chips()) and set(chinese) < set(everything)
    assert explore.filtered(["Huawei"], ["shipping"], CHINESE) and "nvidia-h100-sxm" not in chinese


def test_comparison_is_the_landscape_share():
    """910C 800 / H100 989.4 dense FP16 TFLOPS = 80.86 % (as the landscape report)."""
    view = explore.comparison(["huawei-ascend-910c", "nvidia-h20"], "nvidia-h100-sxm", "fp16")
    assert view.frame.loc["huawei-ascend-910c", "fp16 dense share"] == pytest.approx(800 / 989.4)
    assert list(view.frame.columns[:4]) == ["Vendor", "Chip", "Country", "Status"]
    assert set(data.preferred_sources(["nvidia-h100-sxm", "huawei-ascend-910c"], ["fp16_dense"])) <= set(view.sources)
    assert "H100 SXM5" in view.text


def test_references_have_the_precision():
    assert "nvidia-h100-sxm" in explore.references("fp8") and "nvidia-a100-sxm" not in explore.references("fp8")


def test_rule_points_carry_each_chips_sources():
    chips = explore.filtered(_all("vendor"), _all("status"), _all("country"))
    view = explore.rule_points(chips, "oct2023")
    assert view.extra["rule"].rule_id == "oct2023" and view.extra["thresholds"]["tpp"]
    cited = {s for row in view.frame["sources"] for s in row}
    assert cited and cited <= set(view.sources) and set(view.extra["rule"].sources) <= set(view.sources)
    assert len(view.frame) + len(view.extra["unplaced"]) == len(chips)


def test_production_at_the_report_defaults_is_the_single_year_model():
    """The explorer's production panel at the manufacturing report's defaults is the one-year model the report's
    detail sections use (the same scenario, year, draws and seed)."""
    start = explore.defaults()
    setup = explore.production_setup(start["scenario"], start["hbm_scenario"], start["year"])
    view = explore.production(setup["ranges"], setup["constants"], start["year"], setup["sources"], start["samples"],
                              start["seed"])
    single = fab.scenario_ranges(start["scenario"], start["year"])
    draws = fab.simulate(single["ranges"], single["constants"], start["samples"], start["seed"])
    assert (start["scenario"], start["year"]) == ("base", fab_report.check_params()["year"])
    assert view.extra["stats"]["p50"] == pytest.approx(fab.percentiles(draws["output"])["p50"])
    assert view.frame["draws"].sum() == start["samples"] and len(view.frame) == explore.BINS
    assert set(setup["sources"]) <= set(view.sources)


def test_sliders_span_every_published_range():
    extents = explore.slider_extents()
    for year in explore.years():
        for name in explore.fab_scenarios():
            for key, bounds in fab.scenario_ranges(name, year)["ranges"].items():
                if bounds is not None:
                    assert extents[key][0] <= bounds[0] <= bounds[1] <= extents[key][1], (name, year, key)
    for key, (low, high) in extents.items():
        assert low < high, key


def _shown(app, view: str, index: int = 0) -> str:
    """The Markdown of the ``index``-th output the view's Output widget holds (what the page shows)."""
    return app.out[view].outputs[index]["data"]["text/markdown"]


def test_widgets_redraw_their_views_in_place():
    pytest.importorskip("ipywidgets")
    from chiplib.present import explorer

    app = explorer.show(explore)
    widget = app.out["comparison"]
    assert "H100 SXM5" in _shown(app, "comparison")
    app.reference.value = "nvidia-h20"
    assert app.out["comparison"] is widget and "HGX H20" in _shown(app, "comparison")
    first = _shown(app, "production")
    app.sliders["hbm_drawdown"].value = (0.6, 0.9)
    assert _shown(app, "production") != first and first.startswith("**Median ")
    app.scenario.value = "domestic-only"
    assert app.no_hbm_limit.value and app.ranges()["hbm_stacks"] is None
    app.precision.value = "fp8"
    assert app.reference.value in explore.references("fp8")
    chart = app.out["rule"].outputs[1]
    assert {explorer.charts.VEGALITE_MIME, "image/svg+xml"} <= set(chart["data"])
    assert all(o["data"]["text/markdown"].startswith("<small>Sources (") for o in (app.out["rule"].outputs[2],
                                                                                 app.out["production"].outputs[2]))
