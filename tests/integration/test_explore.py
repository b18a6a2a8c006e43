"""Interactive exploration in a real browser, offline: a report notebook's charts are live in JupyterLab
(hover a point: a tooltip names its sources), and the explorer served by Voila redraws its table and its
production distribution when a control moves.

Each server starts once for the module, on a free port bound to 127.0.0.1; the browser (the system
Chromium, driven by Playwright) may reach only that address: every other request is aborted and
recorded, and each test asserts none was attempted. With CHIPLIB_SCREENSHOTS=<dir> the tests also
write the README's screenshots (lab-tooltip.png, explore.png) there; normal runs write nothing in
the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from chiplib import data
from chiplib.build import explore
from chiplib.reports import explore as explore_engine

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOTS = os.environ.get("CHIPLIB_SCREENSHOTS")
TOKEN = "chiplib-test-token"

pytestmark = pytest.mark.skipif(CHROMIUM is None,
                                reason="Chromium is not installed (Debian package 'chromium'); .ci/run installs it")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Until ``url`` answers (an HTTP URL) or its port accepts connections (``host:port``: Voila runs the notebook
    for every page request, so probing a page would start a kernel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if url.startswith("http"):
                with urllib.request.urlopen(url, timeout=2):
                    return
            else:
                host, port = url.rsplit(":", 1)
                with socket.create_connection((host, int(port)), timeout=2):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url} within {timeout} s:\n{log.read_text()[-3000:]}")


def _isolated_env(home: Path) -> dict[str, str]:
    """Jupyter's config, runtime, settings and workspaces in ``home``: no user state in, none out. The one setting
    written: JupyterLab does not offer to fetch news (a prompt that would also cover the screenshot)."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
        env[name] = str(home / name.lower())
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    settings = home / "jupyterlab_settings_dir" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    return env


def _start(command: list[str], url: str, cwd: Path, home: Path, env: dict[str, str] | None = None):
    log = home / "server.log"
    handle = log.open("w")
    process = subprocess.Popen(command, cwd=cwd, env=env or _isolated_env(home), stdout=handle, stderr=subprocess.STDOUT)
    try:
        _wait_for(url, process, log)
    except Exception:
        process.terminate()
        raise
    return process, handle


def _stop(process: subprocess.Popen, handle) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    handle.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab (as `make lab` starts it) on a copy of the landscape notebook; no browser, no news or update
    checks."""
    root, home = tmp_path_factory.mktemp("lab"), tmp_path_factory.mktemp("lab-home")
    shutil.copy(REPO / "notebooks" / "landscape.ipynb", root / "landscape.ipynb")
    port = _free_port()
    command = [str(BIN / "python"), "-m", "chiplib.build.lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
               "--allow-root"]
    process, handle = _start(command, f"http://127.0.0.1:{port}/api/status?token={TOKEN}", root, home)
    yield f"http://127.0.0.1:{port}"
    _stop(process, handle)


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """Voila serving notebooks/explore.ipynb (code hidden) with the command `make explore` runs."""
    home = tmp_path_factory.mktemp("voila")
    port = _free_port()
    process, handle = _start(explore.command(port), f"{explore.HOST}:{port}", explore.NOTEBOOK.parent, home,
                             explore.environment(_isolated_env(home)))
    yield explore.url(port).rstrip("/")
    _stop(process, handle)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def offline_page(browser):
    """A page whose only reachable host is 127.0.0.1; the test reads ``page.blocked`` (every other request)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    blocked: list[str] = []

    def route(route):
        url = route.request.url
        if urlparse(url).scheme in ("data", "blob") or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.blocked = blocked
    yield page
    context.close()


def _screenshot(page, name: str, locator=None) -> None:
    if SCREENSHOTS:
        target = Path(SCREENSHOTS)
        target.mkdir(parents=True, exist_ok=True)
        (locator or page).screenshot(path=str(target / name))


def test_lab_charts_are_live_with_source_tooltips(lab, offline_page):
    page = offline_page
    page.goto(f"{lab}/lab/tree/landscape.ipynb?token={TOKEN}&reset", wait_until="domcontentloaded", timeout=60_000)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator("#jp-main-statusbar", has_text="| Idle").wait_for(timeout=60_000)  # the kernel is ready
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item[data-command='runmenu:run-all']").click()
    chart = page.locator(".jp-RenderedVegaLite").first
    points = chart.locator("g.mark-symbol.role-mark path")
    points.first.wait_for(timeout=90_000)
    page.locator(".jp-RenderedVegaLite").nth(1).wait_for(timeout=30_000)  # the notebook's second chart is live too
    chart.scroll_into_view_if_needed()
    points.nth(points.count() // 2).hover()
    tooltip = page.locator("#vg-tooltip-element.visible")
    tooltip.wait_for(timeout=10_000)
    rows = dict(zip(tooltip.locator("td.key").all_inner_texts(), tooltip.locator("td.value").all_inner_texts()))
    assert "sources:" in rows, rows
    ids = [s.strip() for s in rows["sources:"].split(",")]
    known = set(data.load().sources.index)
    assert ids and set(ids) <= known, ids
    _screenshot(page, "lab-tooltip.png")
    # the scatter zooms on the wheel (its scales are bound to a zoom-and-pan parameter)
    before = points.first.get_attribute("transform")
    box = chart.locator("svg.marks").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function("([el, t]) => el.getAttribute('transform') !== t", arg=[points.first.element_handle(), before],
                           timeout=10_000)
    assert page.blocked == [], f"requests beyond 127.0.0.1: {page.blocked}"


def _wait_changed(locator, before: str, timeout: float = 30) -> str:
    """The locator's text once it differs from ``before`` (a view redraws in place)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = locator.inner_text()
        if now != before and now.strip():
            return now
        time.sleep(0.1)
    raise AssertionError(f"unchanged after {timeout} s: {before[:200]}")


def test_voila_explorer_redraws_in_place(voila, offline_page):
    page = offline_page
    page.set_viewport_size({"width": 1400, "height": 1800})
    # Voila answers once the notebook has run in a kernel (the pre-heated one, or a new one): a busy machine needs time
    page.goto(f"{voila}/", wait_until="commit", timeout=120_000)
    table = page.locator(".chiplib-comparison table")
    table.wait_for(timeout=120_000)
    page.locator(".chiplib-rule .jp-RenderedVegaLite svg.marks").wait_for(timeout=30_000)  # a live chart
    median = page.locator(".chiplib-production strong")
    median.wait_for(timeout=30_000)
    page.locator(".chiplib-production .jp-RenderedVegaLite svg.marks").wait_for(timeout=30_000)
    page.locator(".chiplib-production small", has_text="Sources (").wait_for(timeout=30_000)  # each view lists its sources
    assert "explore.app()" not in page.locator("body").inner_text(), "code cells are hidden"
    _screenshot(page, "explore.png", page.locator(".chiplib-explorer"))

    # (a) another reference chip: the shares in the table change
    before = table.inner_text()
    [(h20, _)] = explore_engine.chip_labels(["nvidia-h20"])
    page.locator(".chiplib-reference select").select_option(label=h20)
    _wait_changed(table, before)
    assert "against the HGX H20" in page.locator(".chiplib-comparison").inner_text()

    # (c) more of the HBM stockpile used: the median moves
    first = median.inner_text()
    handle = page.locator(".chiplib-slider-hbm-drawdown .noUi-handle-upper")
    handle.focus()
    for _ in range(20):
        handle.press("ArrowRight")
    moved = _wait_changed(median, first)
    assert re.match(r"Median [\d,]+ packages", moved), moved
    assert int(re.search(r"Median ([\d,]+)", moved).group(1).replace(",", "")) > \
        int(re.search(r"Median ([\d,]+)", first).group(1).replace(",", ""))
    assert page.blocked == [], f"requests beyond 127.0.0.1: {page.blocked}"
