"""Record a report's headline figures, so the build can collect them into ``reports/figures.csv``.

A report module computes its answer in brief as a :class:`Brief` (paragraphs and figures); the
notebook shows it with :func:`show` (or one figure with :func:`record`). Each figure is shown in
the notebook (as Markdown) and its output tagged with machine-readable metadata, which
``chiplib build`` reads back from the executed notebook. Nothing is written to disk here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from chiplib.present.citations import cite
from chiplib.present.safe import Markdown, md

METADATA_KEY = "chiplib_figure"


@dataclass(frozen=True)
class Figure:
    """One headline figure: an id unique within the report, its value, unit and sources."""

    figure_id: str
    label: str
    value: float | str
    unit: str
    sources: tuple[str, ...]

    def formatted(self) -> str:
        if isinstance(self.value, float):
            if math.isnan(self.value):
                return "not available"
            text = f"{self.value:,.3g}" if abs(self.value) < 100 else f"{self.value:,.0f}"
        else:
            text = str(self.value)
        return f"{text} {self.unit}".strip()


def figure(figure_id: str, label: str, value, unit: str = "", sources: Iterable[str] = ()) -> Figure:
    """A headline figure: ``value`` a number (stored as float) or a short text (e.g. a chip name);
    ``sources`` are source ids from ``data/sources.csv`` (sorted, each once)."""
    if not isinstance(value, str):
        value = float(value)
    return Figure(figure_id, label, value, unit, tuple(sorted({str(s) for s in sources if s})))


@dataclass(frozen=True)
class Brief:
    """A report's answer in brief, computed by its report module: paragraphs (Markdown, data text
    escaped), the headline figures, and notes shown after them."""

    paragraphs: tuple[str, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = ()

    def figure(self, figure_id: str) -> Figure:
        """The headline figure with id ``figure_id``."""
        for item in self.figures:
            if item.figure_id == figure_id:
                return item
        raise KeyError(f"no figure {figure_id!r}; figures: {', '.join(f.figure_id for f in self.figures)}")


def show(brief: Brief) -> None:
    """Display an answer in brief: each paragraph, each figure (tagged for the build), then each note."""
    from IPython.display import display

    for paragraph in brief.paragraphs:
        display(Markdown(paragraph))
    for item in brief.figures:
        show_figure(item)
    for note in brief.notes:
        display(Markdown(note))


def show_figure(item: Figure) -> None:
    """Show one headline figure as Markdown, tag it for the build and cite its sources."""
    from IPython.display import display

    cite(item.sources)
    markdown = md("**{label}:** {value}", label=item.label, value=item.formatted())
    payload = asdict(item)
    if isinstance(item.value, float) and math.isnan(item.value):
        payload["value"] = None
    display({"text/markdown": markdown, "text/plain": f"{item.label}: {item.formatted()}"}, raw=True,
            metadata={METADATA_KEY: payload})


def record(figure_id: str, label: str, value, unit: str = "", sources: Iterable[str] = ()) -> None:
    """Show a headline figure and tag it for the build (see :func:`figure`)."""
    show_figure(figure(figure_id, label, value, unit, sources))
