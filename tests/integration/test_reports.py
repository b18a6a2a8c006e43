"""The real build plan: every variant of every report executes, and its charts draw in a browser."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from chiplib import build, data

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_every_variant_builds_with_its_headline_figures(built):
    code, out = built
    assert code == 0
    expected = [f"{r['name']}--{v}.html" for r in build.load_plan() for v in r["variants"]]
    assert sorted(p.name for p in out.glob("*.html") if p.name != "index.html") == sorted(expected)
    figures = (out / "figures.csv").read_text().splitlines()
    for name in expected:
        report, variant = name.removesuffix(".html").split("--")
        assert any(line.startswith(f"{report},{variant},") for line in figures), name


def test_landscape_headlines_match_the_data(built):
    """Hand-checked: 910C 800 / H100 989.4 TFLOPS = 80.86 %; vs H20 (148 TFLOPS) = 540.5 %."""
    rows = {tuple(line.split(",")[:3]): line for line in (built[1] / "figures.csv").read_text().splitlines()}
    assert ",80.857085" in rows[("landscape", "vs-h100", "best_shipping_compute_share")]
    assert ",540.540540" in rows[("landscape", "vs-h20", "best_shipping_compute_share")]
    assert ",Ascend 950PR," in rows[("landscape", "vs-h100-fp8", "best_shipping_compute_chip")]


def test_export_control_headlines_match_the_rules(built):
    """A800/H800 passed the 2022 rule on interconnect (0 China parts caught); 2023 caught A800, H800 and MI308X;
    the April 2025 letters add the H20."""
    rows = {tuple(line.split(",")[:3]): line.split(",")[4] for line in (built[1] / "figures.csv").read_text().splitlines()}
    assert rows[("export-controls", "oct2022", "china_parts_controlled")] == "0.0"
    assert rows[("export-controls", "oct2023", "china_parts_controlled")] == "3.0"
    assert rows[("export-controls", "apr2025-h20", "china_parts_controlled")] == "4.0"
    assert rows[("export-controls", "in-force", "rule")] == "jan2026-review"


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium'); .ci/run installs it")
def test_charts_are_drawn_in_headless_chromium(built, tmp_path):
    page = built[1] / "landscape--vs-h100.html"
    run = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120)
    dom = run.stdout
    charts = len(re.findall(r'class="chiplib-chart"', dom))
    assert charts >= 2
    drawn = re.findall(r'class="chiplib-chart-live vega-embed"[^>]*><svg[^>]*class="marks"', dom)
    assert len(drawn) == charts, "every chart is drawn by vega-embed from the inlined bundle"
    assert 'class="chiplib-chart-static"' not in dom, "the static fallback is replaced once the chart draws"


def test_cluster_headlines_match_the_published_comparison(built):
    """CloudMatrix 384 vs GB200 NVL72 recomputed from chips: 384 x 800 / (72 x 2,500) = 1.71x BF16 compute;
    published power 559 / 145 kW = 3.86x; so 0.44x compute per watt (SemiAnalysis: about 2.3x worse)."""
    rows = {tuple(line.split(",")[:3]): line for line in (built[1] / "figures.csv").read_text().splitlines()}
    value = lambda key: float(rows[("clusters", "bf16", key)].split('",')[1].split(",")[0])  # noqa: E731
    assert value("cm384_vs_nvl72_compute") == pytest.approx(384 * 800 / (72 * 2500))
    assert value("cm384_vs_nvl72_power") == pytest.approx(559 / 145)
    assert value("cm384_vs_nvl72_per_watt") == pytest.approx((384 * 800 / 559) / (72 * 2500 / 145))


def test_overview_runs_after_the_other_reports(built):
    """The overview (stage 2) reads the figures the other reports wrote in the same build."""
    rows = {tuple(line.split(",")[:3]): line for line in (built[1] / "figures.csv").read_text().splitlines()}
    total = len(data.load().tables["claims"])
    assert f",{total}.0,claims," in rows[("overview", "latest", "claims_tested")]
    page = (built[1] / "overview--latest.html").read_text()
    assert "landscape--vs-h100.html" in page and "Best shipping Chinese chip" in page
