"""Executed notebook -> one self-contained HTML report that opens offline.

- Code cells are hidden (the report reads as an article); pass ``show_code=True`` to keep them.
- Charts tagged by :func:`chiplib.present.charts.show` become interactive Vega charts, drawn by the
  Vega/Vega-Lite/vega-embed bundle from vl-convert inlined **once** per page; their SVG
  stays in the page as the fallback when scripts are off.
- The template (``chiplib/build/templates/report``) removes every script nbconvert would load from
  the network (require.js, MathJax, Mermaid, widgets).
"""

from __future__ import annotations

import hashlib
import html
import json
from contextlib import suppress
from functools import lru_cache
from pathlib import Path

from chiplib.core.files import write_atomic
from chiplib.present.charts import METADATA_KEY as CHART_KEY
from chiplib.present.charts import VEGALITE_MIME

TEMPLATES = Path(__file__).resolve().parent / "templates"


#: The bundle of each vl-convert version this process has built or read.
_bundles: dict[str, str] = {}


def vega_bundle() -> str:
    """The Vega + Vega-Lite + vega-embed JavaScript bundle (about 0.9 MB).

    vl-convert takes 1.5 to 2 CPU-seconds to build it, and each build worker would build it again; so it is kept
    in ``<cache_dir>/vega/bundle-<vl-convert version>.js`` (:func:`chiplib.core.locations.cache_dir`), built by
    the first process that needs it and read by every later one. It depends on nothing but the vl-convert
    version, which names the file; it is written whole or not at all (and, where the cache cannot be written,
    built in each process)."""
    import vl_convert as vlc

    from chiplib.core.locations import cache_dir

    version = vlc.__version__
    if version not in _bundles:
        path = cache_dir() / "vega" / f"bundle-{version}.js"
        if path.is_file():
            _bundles[version] = path.read_text(encoding="utf-8")
        else:
            _bundles[version] = vlc.javascript_bundle()
            with suppress(OSError):
                write_atomic(path, _bundles[version])
    return _bundles[version]


def _chart_html(spec: dict, svg: str) -> str:
    payload = json.dumps(spec, sort_keys=True).replace("</", "<\\/")
    return (f'<div class="chiplib-chart"><script type="application/json">{payload}</script>'
            f'<div class="chiplib-chart-live"></div><div class="chiplib-chart-static">{svg}</div></div>')


def interactive_charts(nb) -> None:
    """Replace each chart output (:func:`chiplib.present.charts.show`) with an HTML block holding its spec and
    its SVG fallback. The spec is the bundle's Vega-Lite entry (or, in notebooks executed before it moved
    there, the output metadata); the Vega-Lite entry is removed so nbconvert never sees it."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data, metadata = output.get("data", {}), output.get("metadata", {})
            spec = data.pop(VEGALITE_MIME, None)
            metadata.pop(VEGALITE_MIME, None)
            if spec is None:
                spec = metadata.get(CHART_KEY)
            if spec is None or "image/svg+xml" not in data:
                continue
            svg = data.pop("image/svg+xml")
            data["text/html"] = _chart_html(spec, svg)


def to_html(nb, *, title: str, banner: str = "", show_code: bool = False) -> str:
    """Render an executed notebook (nbformat node) to a self-contained HTML page."""
    import copy

    nb = copy.deepcopy(nb)
    interactive_charts(nb)
    blocks = _set_outputs_aside(nb)
    nb.metadata["title"] = title
    blocks[_BUNDLE_TOKEN] = vega_bundle()
    resources = {"chiplib_vega_js": _BUNDLE_TOKEN, "chiplib_banner": html.escape(banner)}
    body, _ = _exporter(show_code).from_notebook_node(nb, resources=resources)
    for token, block in blocks.items():
        body = body.replace(token, block, 1)
    return body


_BUNDLE_TOKEN = "chiplib-vega-bundle-8c1f0e2d"


def _set_outputs_aside(nb) -> dict[str, str]:
    """Swap each HTML output (tables, chart blocks) for a short token, returned with its HTML, to be put back in the
    page nbconvert renders. nbconvert re-parses that page with BeautifulSoup to add image descriptions and make its
    own cell wrappers focusable; the outputs, thousands of table cells and SVG elements holding no image, would
    take most of that time for nothing."""
    blocks: dict[str, str] = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            block = output.get("data", {}).get("text/html")
            if block is None:
                continue
            block = "".join(block) if isinstance(block, list) else block
            token = f"chiplib-output-{len(blocks)}-{hashlib.sha256(block.encode()).hexdigest()[:16]}"
            blocks[token] = block
            output["data"]["text/html"] = token
    return blocks


@lru_cache(maxsize=2)
def _exporter(show_code: bool):
    """One HTML exporter per process (its templates compiled once; nbconvert exporters convert notebook after
    notebook without carrying anything from one to the next). It validates the notebook once, after all its
    preprocessors, rather than after each of them (a dozen times a report)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="report", extra_template_basedirs=[str(TEMPLATES)],
                        exclude_input=not show_code, exclude_input_prompt=True, exclude_output_prompt=True,
                        optimistic_validation=True)
