"""The chip dossier's chart, in the house style (:func:`chiplib.present.charts.show` draws it and cites its
sources). Kept apart from :mod:`chiplib.present.report_charts` only while that module is being reworked; it
belongs there."""

from __future__ import annotations

import pandas as pd

from chiplib.present.charts import altair


def estimates_by_origin(points: pd.DataFrame, chip_name: str):
    """The published figures of a chip's contested metrics (``points``: metric, ratio = value / preferred value,
    origin, grade, source_id, published), one dot per figure on one row per metric, coloured by origin."""
    alt = altair()
    return alt.Chart(points, title=alt.Title(
        f"{chip_name}: the figures sources disagree on",
        subtitle="Each published figure relative to the preferred one (1); colour = origin, shape = grade")).mark_point(
        size=90, filled=True, opacity=0.8).encode(
        x=alt.X("ratio:Q", scale=alt.Scale(type="log"), title="Published value / preferred value (log)"),
        y=alt.Y("metric:N", title=None, axis=alt.Axis(labelLimit=200)),
        yOffset=alt.YOffset("origin:N"),
        color=alt.Color("origin:N", title="Origin"),
        shape=alt.Shape("grade:N", title="Grade"),
        tooltip=["metric:N", "published:N", "origin:N", "grade:N", "source_id:N",
                 alt.Tooltip("ratio:Q", format=".3f", title="value / preferred")],
    ).properties(width=520, height=16 * points["metric"].nunique() * points["origin"].nunique())  # a row per origin
