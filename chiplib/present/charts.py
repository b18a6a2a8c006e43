"""The house chart style and how charts are shown.

:func:`show` renders an Altair chart to SVG with vl-convert (static, deterministic and
offline: what JupyterLab, nbval and papermill see) and attaches the Vega-Lite spec to the
output's metadata. The report build turns that spec into an interactive chart (tooltips)
drawn by a Vega bundle inlined once per HTML page, with the SVG as the no-script fallback.
Every chart carries a caption naming its sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from chiplib.data import sources_for
from chiplib.present import safe
from chiplib.present.citations import cite

if TYPE_CHECKING:
    import altair as alt

METADATA_KEY = "chiplib_chart"
COUNTRY_COLOURS = {"CN": "#c0392b", "US": "#2c6fbb"}
FONT = "Helvetica, Arial, sans-serif"


def country_scale():
    """The house colour scale for ``country`` (CN red, US blue)."""
    import altair as alt

    return alt.Scale(domain=list(COUNTRY_COLOURS), range=list(COUNTRY_COLOURS.values()))


def theme() -> dict:
    """The collection's Altair theme: quiet axes, readable type, consistent sizes."""
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None, "continuousWidth": 520, "continuousHeight": 320},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "grid": True, "gridColor": "#e6e6e6",
                     "domainColor": "#888", "tickColor": "#888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "right"},
            "title": {"fontSize": 14, "anchor": "start", "subtitleColor": "#555", "subtitleFontSize": 11},
            "range": {"category": ["#2c6fbb", "#c0392b", "#27ae60", "#8e44ad", "#e67e22", "#16a085", "#7f8c8d"]},
        }
    }


def altair():
    """Altair with the house theme enabled (imported on first use: it is a heavy import)."""
    import altair as alt

    if "chiplib" not in alt.theme.names():
        alt.theme.register("chiplib", enable=True)(theme)
    alt.theme.enable("chiplib")
    alt.data_transformers.disable_max_rows()
    return alt


def caption(source_ids: Iterable[str]) -> str:
    """'Sources (n): id, id, ...' naming the source ids (checked against data/sources.csv).

    Ids keep captions short; each report's closing Sources section gives title, publisher and URL.
    """
    ids = list(sources_for(source_ids).index)
    return f"Sources ({len(ids)}): " + ", ".join(ids)


def show(chart: "alt.TopLevelMixin", sources: Iterable[str] = ()) -> None:
    """Display ``chart`` as SVG (+ its spec for the interactive report) followed by a source caption."""
    import vl_convert as vlc
    from IPython.display import display

    spec = chart.to_dict()
    svg = vlc.vegalite_to_svg(spec)
    title = spec.get("title", "chart")
    title = title.get("text", "chart") if isinstance(title, dict) else title
    display({"image/svg+xml": svg, "text/plain": f"<chart: {title}>"}, raw=True, metadata={METADATA_KEY: spec})
    ids = sorted(set(sources))
    cite(ids)
    if ids:
        text = caption(ids)
        display({"text/markdown": f"<small>{safe.text(text)}</small>", "text/plain": text}, raw=True)
