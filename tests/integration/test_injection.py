"""Text from the data is shown as text, never run: a copy of the data with script, event-handler and
Markdown-link payloads in every free-text field builds, and Chromium loading every report runs none of them."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from chiplib import build

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"]
PAYLOAD = (" <script>window.__xss=1;document.title='XSS'</script>"
           "<img src=x onerror=\"window.__xss=2;document.title='XSS'\">"
           "[link](javascript:window.__xss=3) <b onmouseover=\"window.__xss=4\">bold</b> **md** | pipe")
#: Free-text columns per table: prose a source or an editor writes (ids, enums, numbers and names the
#: code matches on are validated elsewhere and cannot carry markup).
FREE_TEXT = {
    "sources.csv": ("title", "publisher"), "chips.csv": ("name", "notes"), "metrics.csv": ("description",),
    "chip_specs.csv": ("note",), "system_specs.csv": ("note",), "hbm_specs.csv": ("note",),
    "events.csv": ("title", "description"), "systems.csv": ("name", "notes"), "hbm_milestones.csv": ("note",),
    "models.csv": ("name", "note"), "claims.csv": ("claim", "claimant", "note"), "hbm_supply.csv": ("note",),
    "fab_estimates.csv": ("note",), "node_timeline.csv": ("note",), "lithography.csv": ("fact", "note"),
    "stack_matrix.csv": ("note",), "repos.csv": ("note",),
    "evidence.csv": ("hardware", "software", "model", "figure", "claim"),
}


def _poison_csv(path: Path, columns: tuple[str, ...]) -> None:
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        for column in columns:
            row[column] = (row[column] or "") + PAYLOAD
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _poison_yaml(path: Path, keys: tuple[str, ...]) -> None:
    """Append the payload to every scalar under ``keys`` (block scalars and quoted strings alike)."""
    import yaml

    from chiplib.data import configs

    document = configs.read(path)

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in keys and isinstance(value, str):
                    node[key] = value + PAYLOAD
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(document)
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def first_variants() -> list[str]:
    """``report/variant`` of each report's first variant: every notebook runs once on the poisoned data."""
    return [f"{r['name']}/{next(iter(r['variants']))}" for r in build.load_plan()]


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    data = tmp_path_factory.mktemp("poisoned") / "data"
    shutil.copytree(REPO / "data", data)
    for name, columns in FREE_TEXT.items():
        _poison_csv(data / name, columns)
    _poison_yaml(data / "export_rules.yaml", ("name", "summary", "reason"))
    _poison_yaml(data / "fab_scenarios.yaml", ("description",))
    _poison_yaml(data / "hbm_scenarios.yaml", ("description",))
    _poison_yaml(data / "production_scenarios.yaml", ("description", "counts"))
    out = tmp_path_factory.mktemp("reports")
    # an earlier build's figure with a payload label, so the overview's "what moved" table shows one
    (out / "figures.csv").write_text("report,variant,figure_id,label,value,unit,sources\n"
                                     f'landscape,vs-h100,old_figure,"Old{PAYLOAD}",1,,epoch-ml-hardware\n')
    code = build.build(only=first_variants(), out=out, data_dir=data, progress=False)  # one run per notebook
    return code, out


@pytest.mark.slow
def test_the_poisoned_data_validates_and_builds(poisoned):
    code, out = poisoned
    assert code == 0
    assert "Old <script>" in (out / "figures.previous.csv").read_text()


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian package 'chromium'); .ci/run installs it")
def test_no_payload_runs_in_any_report(poisoned):
    from playwright.sync_api import sync_playwright

    _, out = poisoned
    pages = sorted(out.glob("*.html"))
    assert len(pages) == 1 + len(first_variants())
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in pages:
            dialogs.clear()
            page.goto(path.as_uri())  # a new document: nothing of the previous page's script state survives
            # every chart drawn (its static fallback replaced): whatever a payload in a chart could do is done
            page.wait_for_function("() => !document.querySelector('.chiplib-chart-static')", timeout=30000)
            for element in page.query_selector_all("b[onmouseover]")[:3]:
                element.hover()
            found = page.evaluate("""() => ({
                xss: window.__xss ?? null,
                title: document.title,
                live: document.querySelectorAll('img[src="x"], [onerror], [onmouseover], a[href^="javascript:"]').length,
                scripts: [...document.scripts].filter(s => s.type !== 'application/json' && s.textContent.includes('__xss')).length,
                shown: document.body.innerText.includes("<script>window.__xss=1"),
            })""")
            if found["xss"] is not None or dialogs or "XSS" in found["title"] or found["live"] or found["scripts"]:
                problems.append(f"{path.name}: {found} dialogs={dialogs}")
            if path.name.startswith(("landscape", "claims", "overview", "export-controls")) and not found["shown"]:
                problems.append(f"{path.name}: the payload should be shown as text")
        browser.close()
    assert not problems, "\n".join(problems)
