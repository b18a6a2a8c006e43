"""Dossiers come from the data: one per chip, a new chip row brings its own; the front page finds them."""

from __future__ import annotations

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


def test_a_contested_figure_shows_every_estimate_with_source_and_origin(built):
    """Ascend 910C dense FP16 (data/chip_specs.csv): 800 (Epoch; Huawei's roadmap slide), 780 (DigiTimes and
    SemiAnalysis, via TechPowerUp), 752 (The Register, WAIC 2025); the 910's die area 456.25 / 1,228 / 182.4 mm²."""
    page = (built[1] / "chip--huawei-ascend-910c.html").read_text()
    for source, origin in [("epoch-ml-hardware", "epoch-ai"), ("reportify-ascend-roadmap-summary-2025", "huawei"),
                           ("techpowerup-ascend-920c-2025", "digitimes"), ("techpowerup-cloudmatrix-384-2025", "semianalysis"),
                           ("theregister-cloudmatrix-910c-2025", "huawei")]:
        assert source in page and origin in page
    assert "752" in page and "780" in page and "800" in page
    page = (built[1] / "chip--huawei-ascend-910.html").read_text()
    assert all(value in page for value in ("456.25", "1,228", "182.4"))
    assert all(source in page for source in ("bytefeed-ascend-910-910b-dieshots", "vengineer-davinci-2019"))


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
