"""Time the explorer as a reader meets it: Voila serving notebooks/explore.ipynb, driven by headless Chromium.

(a) launch to first render: from starting Voila (the command `make explore` runs) to the page showing all three
    views (the comparison table, the rule chart drawn by Vega, the production median), kernel start and
    notebook execution included;
(b) the same for a second visitor on the running server: Voila keeps one kernel pre-heated (the notebook already
    run), so this is the wait of a reader who opens the URL once the server has warmed up;
(c) an update: from choosing another reference chip to the table showing it, and from moving a production
    slider to the median changing (each repeated, median and range reported).

Run with `.venv/bin/python benchmarks/bench_explore.py [--repeat N]`; needs Chromium (Debian package
'chromium'). Requests beyond 127.0.0.1 are blocked and counted. Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from chiplib.build import explore
from chiplib.reports import explore as engine

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("voila exited")
        try:
            with socket.create_connection((explore.HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("voila did not listen")


def _first_render(page, url: str) -> None:
    page.goto(url, wait_until="commit")
    page.locator(".chiplib-comparison table").wait_for(timeout=180_000)
    page.locator(".chiplib-rule .jp-RenderedVegaLite svg.marks").wait_for(timeout=180_000)
    page.locator(".chiplib-production strong").wait_for(timeout=180_000)


def _changed(locator, before: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = locator.inner_text()
        if now != before and now.strip():
            return
        time.sleep(0.02)
    raise RuntimeError("no update")


def _stats(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="updates timed per control (default 5)")
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        print("Chromium is not installed (Debian package 'chromium')", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    references = [label for label, chip in engine.chip_labels(["nvidia-h20", "nvidia-h100-sxm", "nvidia-a100-sxm"])]
    port = _free_port()
    blocked: list[str] = []
    with tempfile.TemporaryDirectory() as home, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1500})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
            (f"http://{explore.HOST}", "data:", "blob:")) else (blocked.append(route.request.url), route.abort()))
        env = explore.environment()
        env["JUPYTER_RUNTIME_DIR"] = home
        started = time.perf_counter()
        server = subprocess.Popen(explore.command(port), env=env, cwd=explore.NOTEBOOK.parent,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _listening(port, server)
            listening = time.perf_counter() - started
            page = context.new_page()
            _first_render(page, explore.url(port))
            first = time.perf_counter() - started
            second_page = context.new_page()
            again = time.perf_counter()
            _first_render(second_page, explore.url(port))
            second = time.perf_counter() - again
            second_page.close()

            table, median = page.locator(".chiplib-comparison table"), page.locator(".chiplib-production strong")
            reference_times, slider_times = [], []
            for index in range(args.repeat):
                before = table.inner_text()
                tick = time.perf_counter()
                page.locator(".chiplib-reference select").select_option(label=references[index % len(references)])
                _changed(table, before)
                reference_times.append(time.perf_counter() - tick)
            handle = page.locator(".chiplib-slider-hbm-drawdown .noUi-handle-upper")
            for index in range(args.repeat):
                before = median.inner_text()
                handle.focus()
                tick = time.perf_counter()
                handle.press("ArrowRight" if index % 2 == 0 else "ArrowLeft")
                _changed(median, before)
                slider_times.append(time.perf_counter() - tick)
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    print(f"voila listening after launch:            {listening:.2f} s")
    print(f"(a) launch to first render (all views):   {first:.2f} s")
    print(f"(b) second visitor, page to first render: {second:.2f} s")
    print(f"(c) update after a new reference chip:    {_stats(reference_times)}")
    print(f"    update after a production slider:     {_stats(slider_times)}")
    print(f"requests beyond {explore.HOST}: {len(blocked)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
