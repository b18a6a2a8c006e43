"""The front page's content: the overview's headline figures, a small chart, and one row per chip.

Everything comes from the data through chiplib (the rule in force on the data's as-of date, each chip's
preferred figures); the page template (``chiplib/build/templates/index.html.j2``) only lays it out. The chip table is
plain HTML that sorts and filters with a small inline script when scripts run, and reads as a table when
they do not.
"""

from __future__ import annotations

import pandas as pd

from chiplib import data
from chiplib.models import export_controls

#: The chip table's figures: (column in the wide specs view, header, decimals).
KEY_FIGURES = (("fp16_dense", "FP16/BF16 dense, TFLOPS", 0), ("memory_capacity", "Memory, GB", 0),
               ("memory_bandwidth", "Memory bandwidth, GB/s", 0))


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value, decimals: int) -> str:
    if _missing(value):
        return ""
    return f"{value:,.{decimals}f}"


def chip_rows(dataset: data.Dataset, dossiers: set[str]) -> tuple[list[dict], str]:
    """One row per chip (in the data's order) with its key figures, TPP and its classification under the
    rule in force on the data's as-of date; and that rule's name. ``href`` links the chip's dossier when
    ``dossiers`` (built report file names) holds it."""
    wide = data.specs_wide(dataset)
    rule = export_controls.rule_in_force(data.as_of(dataset), dataset)
    classes = export_controls.classify_all(rule.rule_id, dataset)
    rows = []
    for chip_id, chip in dataset.chips.iterrows():
        figures = wide.loc[chip_id] if chip_id in wide.index else {}
        tpp = classes.at[chip_id, "tpp"] if chip_id in classes.index else float("nan")
        page = f"chip--{chip_id}.html"
        rows.append({
            "id": chip_id, "vendor": chip["vendor"], "name": chip["name"], "country": chip["country"],
            "status": chip["status"], "year": "" if _missing(chip["year"]) else int(chip["year"]),
            "figures": [(_number(figures.get(column), decimals), figures.get(column)) for column, _, decimals in KEY_FIGURES],
            "tpp": (_number(tpp, 0), tpp),
            "class": classes.at[chip_id, "result"] if chip_id in classes.index else "",
            "href": page if page in dossiers else None,
        })
    return rows, rule.name


def compute_chart(dataset: data.Dataset) -> str:
    """A small SVG: each chip's dense FP16/BF16 throughput by year, China against the US (log scale)."""
    import vl_convert as vlc

    from chiplib.present import charts
    from chiplib.present.svg import stable_ids

    alt = charts.altair()
    wide = data.specs_wide(dataset).dropna(subset=["fp16_dense", "year"]).reset_index()
    table = wide[["chip_id", "name", "vendor", "country", "year", "fp16_dense"]].astype({"year": int})
    chart = alt.Chart(table).mark_circle(size=45, opacity=0.8).encode(
        x=alt.X("year:O", title=None),
        y=alt.Y("fp16_dense:Q", scale=alt.Scale(type="log"), title="FP16/BF16 dense, TFLOPS"),
        color=alt.Color("country:N", scale=charts.country_scale(), title="Country"),
        tooltip=["vendor", "name", "fp16_dense"],
    ).properties(width=380, height=200, title="Dense compute by year of release")
    spec = chart.to_dict()
    return stable_ids(vlc.vegalite_to_svg(spec), spec)


def chart_sources(dataset: data.Dataset) -> list[str]:
    """The sources of the chart's figures (the preferred FP16 dense rows)."""
    wide = data.specs_wide(dataset).dropna(subset=["fp16_dense", "year"])
    return sorted(set(data.preferred_sources(list(wide.index), ["fp16_dense"], dataset)))
