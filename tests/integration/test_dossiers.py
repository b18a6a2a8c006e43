"""Dossiers come from the data: one per chip, a new chip row brings its own; the front page finds them."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from chiplib import build, data

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NEW_CHIP = ("acme-x9,Acme,X9 Test,CN,announced,2026,,datacenter,,A chip that exists only in this test's copy of the "
            "data\n")


def test_every_chip_has_a_dossier(built):
    code, out = built
    assert code == 0
    chips = list(data.load().chips.index)
    assert sorted(p.name for p in out.glob("chip--*.html")) == sorted(f"chip--{c}.html" for c in chips)
    front = (out / "index.html").read_text()
    assert all(f'href="chip--{c}.html"' in front for c in chips), "the front page links every dossier"


def _table_rows(page: str) -> list[str]:
    """The text of each table row of a built page (tags removed, entities decoded, spaces collapsed)."""
    rows = (re.sub(r"<[^>]+>", " ", "<tr" + part.split("</tr>")[0]) for part in page.split("<tr")[1:])
    return [" ".join(html.unescape(row).split()) for row in rows]


def test_a_contested_figure_shows_every_estimate_with_source_and_origin(built):
    """Ascend 910C dense FP16 (data/chip_specs.csv): 800 (Epoch; Huawei's roadmap slide), 780 (DigiTimes and
    SemiAnalysis, via TechPowerUp), 752 (The Register, WAIC 2025); the 910's die area 456.25 / 1,228 / 182.4 mm²:
    each in the page's table of every published figure, on one row with its grade, source and origin."""
    rows = _table_rows((built[1] / "chip--huawei-ascend-910c.html").read_text())
    for expected in ["fp16_dense 800000000000000 FLOP/s 800 TFLOPS reported epoch-ml-hardware epoch-ai",
                     "fp16_dense 800 TFLOPS 800 TFLOPS reported reportify-ascend-roadmap-summary-2025 huawei",
                     "fp16_dense 780 TFLOPS 780 TFLOPS estimate techpowerup-ascend-920c-2025 digitimes",
                     "fp16_dense 780 TFLOPS 780 TFLOPS estimate techpowerup-cloudmatrix-384-2025 semianalysis",
                     "fp16_dense 752 TFLOPS 752 TFLOPS reported theregister-cloudmatrix-910c-2025 huawei"]:
        assert any(row.startswith(expected) for row in rows), expected
    rows = _table_rows((built[1] / "chip--huawei-ascend-910.html").read_text())
    for expected in ["die_area 456.25 mm^2 456.25 mm^2 measured bytefeed-ascend-910-910b-dieshots kurnalsalts",
                     "die_area 1228 mm^2 1,228 mm^2 reported epoch-ml-hardware epoch-ai",
                     "die_area 182.4 mm^2 182.4 mm^2 estimate vengineer-davinci-2019 huawei"]:
        assert any(row.startswith(expected) for row in rows), expected


def test_a_new_chip_row_adds_its_dossier_without_a_plan_edit(tmp_path, monkeypatch):
    copy = tmp_path / "data"
    shutil.copytree(REPO / "data", copy)
    with (copy / "chips.csv").open("a", encoding="utf-8") as stream:
        stream.write(NEW_CHIP)
    plan_text = build.PLAN.read_text()
    reports = build.load_plan(build.PLAN, copy)
    assert "acme-x9" in next(r for r in reports if r["name"] == "chip")["variants"]
    out = tmp_path / "reports"
    assert build.build(only=["chip/acme-x9"], out=out, data_dir=copy, progress=False) == 0
    page = (out / "chip--acme-x9.html").read_text()
    assert "X9 Test" in page and "holds no measurement" in page
    assert build.PLAN.read_text() == plan_text
    monkeypatch.setenv("CHIPLIB_DATA", str(copy))
    with pytest.raises(build.PlanError, match=r"chip/acme-x9: chip: .*not valid; valid values: .*, acme-x9"):
        build.plan_jobs(reports, overrides={"chip": "nope"}, only=["chip/acme-x9"])


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium'); .ci/run installs it")
def test_the_front_page_filters_sorts_and_links_offline(built, tmp_path):
    from playwright.sync_api import sync_playwright

    index = built[1] / "index.html"
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-quic"])
        page = browser.new_page(viewport={"width": 1200, "height": 1400})
        page.on("request", lambda request: requests.append(request.url))
        page.goto(index.as_uri())
        rows = page.locator("#chip-table tbody tr")
        total = rows.count()
        assert total == len(data.load().chips)
        page.fill("#chip-filter", "ascend 910")
        visible = [r for r in rows.all() if r.is_visible()]
        assert 0 < len(visible) < total and all("910" in r.inner_text() for r in visible)
        assert page.inner_text("#chip-count") == f"{len(visible)} of {total} chips"
        page.select_option("#chip-country", "US")
        assert not any(r.is_visible() for r in rows.all()), "no US chip is an Ascend 910"
        page.select_option("#chip-country", "")
        page.fill("#chip-filter", "")
        page.click("#chip-table th:nth-child(5) button")  # year, ascending
        years = [t for t in page.locator("#chip-table tbody td:nth-child(5)").all_inner_texts() if t]
        assert years == sorted(years)
        page.fill("#chip-filter", "910C")
        page.click("#chip-table a:text('Ascend 910C')")
        page.wait_for_load_state()
        assert page.url.endswith("chip--huawei-ascend-910c.html") and "Ascend 910C" in page.inner_text("body")
        if (shots := __import__("os").environ.get("CHIPLIB_SCREENSHOTS")):
            page.goto(index.as_uri())
            page.screenshot(path=str(Path(shots) / "front-page.png"))
        browser.close()
    assert all(url.startswith("file://") for url in requests), "the front page and dossiers load nothing from a network"
