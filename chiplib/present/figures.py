"""Record a report's headline figures, so the build can collect them into ``reports/figures.csv``.

A notebook calls :func:`record` once per headline number. The call shows the figure in
the notebook (as Markdown) and tags the output with machine-readable metadata, which
``chiplib build`` reads back from the executed notebook. Nothing is written to disk here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from chiplib.present.safe import md

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


def record(figure_id: str, label: str, value, unit: str = "", sources: Iterable[str] = ()) -> None:
    """Show a headline figure and tag it for the build.

    ``value`` is a number (stored as float) or a short text (e.g. a chip name);
    ``sources`` are source ids from ``data/sources.csv``.
    """
    from IPython.display import display

    if not isinstance(value, str):
        value = float(value)
    figure = Figure(figure_id, label, value, unit, tuple(sorted(set(sources))))
    markdown = md("**{label}:** {value}", label=label, value=figure.formatted())
    payload = asdict(figure)
    payload["value"] = None if isinstance(value, float) and math.isnan(value) else value
    display({"text/markdown": markdown, "text/plain": f"{label}: {figure.formatted()}"}, raw=True,
            metadata={METADATA_KEY: payload})
