"""The house chart style and how charts are shown.

:func:`show` displays one MIME bundle per chart, so the same call gives a live chart where a live
renderer exists and a deterministic static one everywhere else:

- ``application/vnd.vegalite.v5+json``: the Vega-Lite spec. JupyterLab 4 (and Voila, built on its
  renderers) draws it with the vega5 extension it ships: tooltips, zoom and pan, legend selection,
  with no network, because the Vega code comes from the JupyterLab install itself, not a CDN. This
  route needs no extra package, no widget and no trusted notebook, and nothing is fetched at view
  time. The versions are fixed by the pins: jupyterlab 4.x ships Vega-Lite 5 (4.6.6: Vega-Lite
  5.6.1, vega-embed 6.21.3, under the only Vega-Lite MIME type it registers, ``v5``), while altair
  6.3 writes Vega-Lite 6 specs. The house charts use only grammar both versions read (checked in
  a browser by tests/integration/test_explore.py); vega-embed logs a version notice and draws.
- ``image/svg+xml``: the same chart rendered by vl-convert (pinned), static and byte-for-byte
  reproducible: what papermill, nbval, nbconvert and any viewer without Vega see.
- ``text/plain``: the chart's title.

The spec is stored once, in the bundle (not also in the output metadata), so an executed notebook
carries it once; the report build (:func:`chiplib.build.render.interactive_charts`) takes it from
there, draws it with the Vega bundle it inlines once per HTML page, keeps the SVG as the no-script
fallback and removes the Vega-Lite entry before nbconvert. Every chart carries a caption naming its
sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from chiplib.data import sources_for
from chiplib.present import safe
from chiplib.present.citations import cite
from chiplib.present.svg import stable_ids

if TYPE_CHECKING:
    import altair as alt

#: Output metadata key that held the spec before it moved into the bundle (still read by the build).
METADATA_KEY = "chiplib_chart"
#: The Vega-Lite MIME type JupyterLab 4's built-in renderer registers (it knows no v6 type).
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
#: vega-embed options for the live chart: SVG marks, export menu kept, "open in the Vega editor" (a web
#: service) and the source views dropped.
EMBED_OPTIONS = {"renderer": "svg", "actions": {"export": True, "source": False, "compiled": False, "editor": False}}
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

    # registering again is a dict entry; asking whether it is registered (alt.theme.names()) reads every
    # installed package's entry points, about 7 ms, and this runs before every report and chart
    alt.theme.register("chiplib", enable=True)(theme)
    alt.data_transformers.disable_max_rows()
    return alt


def caption(source_ids: Iterable[str]) -> str:
    """'Sources (n): id, id, ...' naming the source ids (checked against data/sources.csv).

    Ids keep captions short; each report's closing Sources section gives title, publisher and URL.
    """
    ids = list(sources_for(source_ids).index)
    return f"Sources ({len(ids)}): " + ", ".join(ids)


def bundle(chart: "alt.TopLevelMixin") -> tuple[dict, dict]:
    """The MIME bundle and output metadata :func:`show` displays for ``chart`` (see the module docstring)."""
    import vl_convert as vlc

    spec = chart.to_dict()
    svg = stable_ids(vlc.vegalite_to_svg(spec), spec)
    title = spec.get("title", "chart")
    title = title.get("text", "chart") if isinstance(title, dict) else title
    return ({VEGALITE_MIME: spec, "image/svg+xml": svg, "text/plain": f"<chart: {title}>"},
            {VEGALITE_MIME: {"embed_options": EMBED_OPTIONS}})


class LiveChart:
    """A chart as :func:`show` displays it (the same bundle), for views that collect what they show before
    displaying it (the explorer); its sources go to the run's source log."""

    def __init__(self, chart: "alt.TopLevelMixin", sources: Iterable[str] = ()):
        self.data, self.metadata = bundle(chart)
        self.sources = sorted(set(sources))
        cite(self.sources)

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        return self.data, self.metadata


def zoom(name: str = "zoom"):
    """Zoom (wheel) and pan (drag) on a chart's scales, as a named parameter: a fixed name keeps the spec
    the same from run to run (Altair would number it from a process-wide counter)."""
    import altair as alt

    return alt.selection_interval(bind="scales", name=name)


def legend_pick(field: str, name: str):
    """Click a legend entry to highlight its marks (shift-click for more), as a named parameter."""
    import altair as alt

    return alt.selection_point(fields=[field], bind="legend", name=name)


def show(chart: "alt.TopLevelMixin", sources: Iterable[str] = ()) -> None:
    """Display ``chart`` (live Vega-Lite spec + static SVG + title) followed by a source caption."""
    from IPython.display import display

    data, metadata = bundle(chart)
    display(data, raw=True, metadata=metadata)
    ids = sorted(set(sources))
    cite(ids)
    if ids:
        text = caption(ids)
        display({"text/markdown": f"<small>{safe.text(text)}</small>", "text/plain": text}, raw=True)
