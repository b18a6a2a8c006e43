"""The reports' charts: each function takes the frame a report already computed and returns an
Altair chart in the house style (:func:`chiplib.present.charts.show` draws it and cites its sources).

Keeping the specs here, not in notebook cells, means one change reaches every report that draws
the chart, and a notebook cell stays a line or two.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from chiplib.present.charts import COUNTRY_COLOURS, altair, country_scale, legend_pick, zoom

#: Verdict colours of the claims ledger, in the order of claims.VERDICTS: supported, partly, contradicted,
#: contested, unverified, not testable.
VERDICT_COLOURS = ("#27ae60", "#e67e22", "#c0392b", "#8e44ad", "#2980b9", "#7f8c8d")
#: HBM generations in order, with China's own names for its parts.
HBM_GENERATIONS = ("HBM", "HBM2", "HBM2E", "HBM3", "HBM3E", "HBM4", "HBM4E", "HiBL 1.0", "HiZQ 2.0")


def _source_tooltip(frame: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    """``frame`` with a ``sources`` column (source ids per row, as tuples or text) made text, and the tooltip
    entry that shows it; no entry when the frame has no such column."""
    if "sources" not in frame.columns:
        return frame, []
    text = frame["sources"].map(lambda ids: ids if isinstance(ids, str) else ", ".join(ids))
    return frame.assign(sources=text), ["sources:N"]


# ----------------------------------------------------------------------------- landscape

def compute_vs_bandwidth(points: pd.DataFrame, precision: str, reference: str):
    """Dense compute against memory bandwidth per chip (log-log), roadmap parts hollow, the reference labelled.
    Live: zoom and pan, click a country in the legend, hover a chip for its figures and sources."""
    alt = altair()
    points, source_tip = _source_tooltip(points)
    pick = legend_pick("country", "pick_country")
    scatter = alt.Chart(points, title=alt.Title(
        f"Dense {precision.upper()} compute vs memory bandwidth",
        subtitle="Preferred figure per chip; hollow = announced/roadmap/rumoured")).mark_point(size=70, strokeWidth=2).encode(
        x=alt.X("compute:Q", scale=alt.Scale(type="log"), title=f"Dense {precision.upper()} (TFLOPS/TOPS)"),
        y=alt.Y("memory_bandwidth:Q", scale=alt.Scale(type="log"), title="Memory bandwidth (GB/s)"),
        color=alt.Color("country:N", scale=country_scale(), title="Country"),
        shape=alt.Shape("roadmap:N", title="Announced/roadmap"),
        fill=alt.condition("datum.roadmap", alt.value("white"), alt.Color("country:N", scale=country_scale(), title="Country")),
        opacity=alt.condition(pick, alt.value(0.7), alt.value(0.15)),
        tooltip=["name:N", "vendor:N", "status:N", "year:Q", alt.Tooltip("compute:Q", format=",.0f"),
                 alt.Tooltip("memory_bandwidth:Q", format=",.0f"), alt.Tooltip("bytes_per_flop:Q", format=".4f"),
                 *source_tip],
    )
    labels = scatter.transform_filter(alt.datum.chip_id == reference).mark_text(align="left", dx=8, fontSize=11).encode(
        text="name:N", shape=alt.value("circle"), opacity=alt.value(1))
    return (scatter.add_params(zoom(), pick) + labels).properties(width=560, height=380)


def disputed_ranges(contested: pd.DataFrame):
    """One bar per contested (chip, metric) (:func:`chiplib.models.landscape.contested`): the published range
    relative to the preferred figure, labelled with the number of independent origins behind it."""
    alt = altair()
    origins = contested["origins"].map(lambda n: f"{n} origin" if n == 1 else f"{n} origins")
    disputes = contested.assign(label=contested["name"] + " · " + contested["metric"] + " (" + origins + ")",
                                low_rel=contested["low"] / contested["preferred"],
                                high_rel=contested["high"] / contested["preferred"])
    base = alt.Chart(disputes, title=alt.Title("Range of published values, relative to the preferred figure",
                                               subtitle="One bar per chip and metric on which sources disagree; "
                                                        "the label gives the independent origins behind it"))
    order = alt.EncodingSortField("spread", order="descending")
    bars = base.mark_rule(strokeWidth=3).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("low_rel:Q", scale=alt.Scale(type="log"), title="Published value / preferred value (log)"),
        x2="high_rel:Q",
        color=alt.Color("country:N", scale=country_scale(), title="Country"),
        tooltip=["name:N", "metric:N", "unit:N", alt.Tooltip("low:Q", format=",.1f"), alt.Tooltip("high:Q", format=",.1f"),
                 alt.Tooltip("preferred:Q", format=",.1f"), alt.Tooltip("estimates:Q", title="rows"),
                 alt.Tooltip("origins:Q", title="independent origins")],
    )
    marks = base.mark_tick(color="black", thickness=2).encode(y=alt.Y("label:N", sort=order), x=alt.datum(1))
    return (bars + marks).properties(width=520, height=alt.Step(14))


# ----------------------------------------------------------------------------- export controls

def tpp_vs_density(points: pd.DataFrame, rule_id: str, rule_name: str, china_parts: Sequence[str],
                   thresholds: dict[str, list[float]]):
    """Each chip's TPP against its performance density (log-log), coloured by classification, China parts
    as labelled squares, the rule's thresholds as dashed lines. Live: zoom and pan, click a classification in the
    legend, hover a chip for its classification, reason and (given a ``sources`` column) sources."""
    alt = altair()
    points, source_tip = _source_tooltip(points)
    pick = legend_pick("result", "pick_result")
    base = alt.Chart(points)
    dots = base.mark_point(size=80, filled=True).encode(
        x=alt.X("tpp:Q", scale=alt.Scale(type="log"), title="Total Processing Performance (TPP)"),
        y=alt.Y("pd:Q", scale=alt.Scale(type="log"), title="Performance density (TPP per mm² of logic die)"),
        color=alt.Color("result:N", title=f"Under {rule_id}"),
        shape=alt.Shape("china_part:N", title=None, scale=alt.Scale(range=["square", "circle"],
                                                                 domain=["NVIDIA/AMD China part", "other"])),
        opacity=alt.condition(pick, alt.value(0.85), alt.value(0.15)),
        tooltip=["name:N", "vendor:N", alt.Tooltip("tpp:Q", format=",.0f"), "tpp_basis:N",
                 alt.Tooltip("pd:Q", format=".2f"), "pd_basis:N", "result:N", "reason:N", *source_tip],
    ).add_params(zoom(), pick)
    labels = base.transform_filter(alt.FieldOneOfPredicate("chip_id", sorted(china_parts))).mark_text(
        align="left", dx=7, fontSize=10, color="#333").encode(x="tpp:Q", y="pd:Q", text="name:N")
    layers = [dots, labels]
    if thresholds["tpp"]:
        layers.append(alt.Chart(pd.DataFrame({"tpp": thresholds["tpp"]})).mark_rule(strokeDash=[4, 3], color="#777")
                      .encode(x="tpp:Q"))
    if thresholds["pd"]:
        layers.append(alt.Chart(pd.DataFrame({"pd": thresholds["pd"]})).mark_rule(strokeDash=[4, 3], color="#aaa")
                      .encode(y="pd:Q"))
    return alt.layer(*layers).properties(width=560, height=400, title=alt.Title(
        f"Where each chip falls under {rule_name}", subtitle="Dashed lines: the rule's TPP and density thresholds"))


def event_timeline(events: pd.DataFrame, as_of: str):
    """Events (``when`` a date) as ticks, one row per kind."""
    alt = altair()
    return alt.Chart(events, title=alt.Title("Export-control timeline", subtitle=f"Events to {as_of}")).mark_tick(
        thickness=3, size=22).encode(
        x=alt.X("when:T", title=None), y=alt.Y("kind:N", title=None),
        color=alt.Color("kind:N", legend=None), tooltip=["date:N", "kind:N", "title:N", "description:N", "source_id:N"],
    ).properties(width=600, height=alt.Step(34))


# ----------------------------------------------------------------------------- superpods and roadmaps

def compute_three_ways(long: pd.DataFrame, precision: str):
    """Systems' dense compute per chip, per system and per kW, side by side (``long``: name, vendor, view, value)."""
    alt = altair()
    bars = alt.Chart(long).mark_bar().encode(
        x=alt.X("value:Q", title=None),
        y=alt.Y("name:N", sort="-x", title=None),
        color=alt.Color("vendor:N", title="Vendor", scale=alt.Scale(domain=["Huawei", "NVIDIA"],
                        range=[COUNTRY_COLOURS["CN"], COUNTRY_COLOURS["US"]])),
        tooltip=["name:N", "view:N", alt.Tooltip("value:Q", format=",.1f")],
    ).properties(width=230, height=alt.Step(16)).facet(column=alt.Column("view:N", title=None)).resolve_scale(
        x="independent")
    return bars.properties(title=alt.Title(f"Dense {precision.upper()} compute three ways", subtitle="Recomputed from chips"))


def frontiers(fronts: pd.DataFrame):
    """The best chip by year per country, one panel per roadmap metric (log scale)."""
    alt = altair()
    lines = alt.Chart(fronts).mark_line(point=True, interpolate="step-after").encode(
        x=alt.X("year:O", title=None), y=alt.Y("best:Q", scale=alt.Scale(type="log"), title=None),
        color=alt.Color("country:N", scale=country_scale()),
        tooltip=["metric:N", "year:O", "country:N", "name:N", alt.Tooltip("best:Q", format=",.1f")],
    ).properties(width=240, height=160).facet(facet=alt.Facet("metric:N", title=None), columns=3).resolve_scale(
        y="independent")
    return lines.properties(title="Best chip by year, US vs China")


# ----------------------------------------------------------------------------- claims

def claims_against_data(numeric: pd.DataFrame, verdicts: Sequence[str]):
    """Computed over claimed value per numeric claim (log), coloured by verdict, with a line at 1."""
    alt = altair()
    dots = alt.Chart(numeric).mark_point(filled=True, size=80).encode(
        x=alt.X("ratio:Q", scale=alt.Scale(type="log"), title="Computed / claimed (log)"),
        y=alt.Y("claim_id:N", sort=alt.EncodingSortField("ratio"), title=None),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=list(verdicts), range=list(VERDICT_COLOURS))),
        tooltip=["claim_id:N", "claim:N", "claimant:N", "claimed:N", alt.Tooltip("computed:Q", format=",.4g"),
                 "verdict:N", "reasoning:N"],
    )
    rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(color="#777", strokeDash=[4, 3]).encode(x="x:Q")
    return (rule + dots).properties(width=520, height=alt.Step(16), title="Claims against the data")


# ----------------------------------------------------------------------------- manufacturing

def yield_curves(curves: pd.DataFrame, die_area_mm2: float):
    """Good-die share against die area per defect density and yield model, the chip's die area marked."""
    alt = altair()
    lines = alt.Chart(curves).mark_line().encode(
        x=alt.X("area:Q", title="Die area (mm²)"), y=alt.Y("yield:Q", title="Good dies", axis=alt.Axis(format="%")),
        color=alt.Color("density:N", title=None), strokeDash=alt.StrokeDash("model:N", title="Model"),
        tooltip=["model:N", "density:N", alt.Tooltip("area:Q", format=".0f"), alt.Tooltip("yield:Q", format=".1%")])
    marker = alt.Chart(pd.DataFrame({"area": [die_area_mm2]})).mark_rule(strokeDash=[4, 3], color="#555").encode(x="area:Q")
    return (lines + marker).properties(width=520, height=300, title="Yield models by die size")


def funnel(steps: pd.DataFrame):
    """The production funnel, step by step (``steps``: step, count), on a symlog scale."""
    alt = altair()
    bars = alt.Chart(steps).mark_bar().encode(x=alt.X("count:Q", title=None, scale=alt.Scale(type="symlog")),
                                              y=alt.Y("step:N", sort=None, title=None),
                                              tooltip=["step:N", alt.Tooltip("count:Q", format=",.0f")])
    return bars.properties(width=480, height=alt.Step(22), title="From wafers to packages")


def output_distribution(outputs, published: pd.DataFrame, year: int):
    """The model's output draws as a histogram, with each published figure as a red line."""
    alt = altair()
    dist = alt.Chart(pd.DataFrame({"output": outputs})).mark_bar(opacity=0.7).encode(
        x=alt.X("output:Q", bin=alt.Bin(maxbins=40), title="910C packages in the year"), y=alt.Y("count():Q", title="Draws"))
    rules = alt.Chart(published).mark_rule(color="#c0392b", strokeWidth=2).encode(
        x="value:Q", tooltip=["subject:N", "value:Q", "source_id:N", "note:N"])
    return (dist + rules).properties(width=520, height=260, title=f"{year} output: model draws and published figures")


def output_histogram(bins: pd.DataFrame, published: pd.DataFrame, year: int, percentiles: dict[str, float] | None = None):
    """As :func:`output_distribution`, from draws already counted into ``bins`` (low, high, draws): a chart of a
    few dozen rows rather than every draw, light enough to redraw on each move of a slider. ``percentiles``
    (``{"p5": ..., "p50": ..., "p95": ...}``) are drawn as dashed black lines."""
    alt = altair()
    bars = alt.Chart(bins).mark_bar(opacity=0.7).encode(
        x=alt.X("low:Q", title="910C packages in the year"), x2="high:Q", y=alt.Y("draws:Q", title="Draws"),
        y2=alt.datum(0),
        tooltip=[alt.Tooltip("low:Q", format=",.0f"), alt.Tooltip("high:Q", format=",.0f"), "draws:Q"])
    rules = alt.Chart(published).mark_rule(color="#c0392b", strokeWidth=2).encode(
        x="value:Q", tooltip=["subject:N", alt.Tooltip("value:Q", format=",.0f"), "source_id:N", "note:N"])
    layers = [bars, rules]
    if percentiles:
        marks = pd.DataFrame({"percentile": list(percentiles), "value": list(percentiles.values())})
        layers.append(alt.Chart(marks).mark_rule(color="black", strokeDash=[4, 3]).encode(
            x="value:Q", tooltip=["percentile:N", alt.Tooltip("value:Q", format=",.0f")]))
    return alt.layer(*layers).properties(width=520, height=260, title=alt.Title(
        f"{year} output: model draws and published figures",
        subtitle="Red: published figures; dashed: the draws' 5th, 50th and 95th percentiles" if percentiles else ""))


def tornado(swings: pd.DataFrame):
    """Output at each input's low and high end, around the base output (``swings.attrs["base"]``)."""
    alt = altair()
    tidy = swings.melt(id_vars=["input"], value_vars=["output_at_low", "output_at_high"], var_name="end",
                       value_name="output")
    bars = alt.Chart(tidy).mark_bar().encode(
        x=alt.X("output:Q", title="910C packages"), x2=alt.datum(swings.attrs["base"]),
        y=alt.Y("input:N", sort=list(swings["input"]), title=None),
        color=alt.Color("end:N", title=None), tooltip=["input:N", "end:N", alt.Tooltip("output:Q", format=",.0f")])
    return bars.properties(width=480, height=alt.Step(24), title="Output at each input's low and high end")


def trajectory(bands: pd.DataFrame, published: pd.DataFrame):
    """Packages per year: the 5th-95th percentile band and the median line per series (``bands``: year, series,
    p5, p50, p95), with published figures as black diamonds (``published``: year, value, subject, source_id)."""
    alt = altair()
    base = alt.Chart(bands).encode(x=alt.X("year:O", title=None),
                                   color=alt.Color("series:N", title=None,
                                                   legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolOpacity=1)))
    band = base.mark_area(opacity=0.2).encode(y=alt.Y("p5:Q", title="Packages in the year"), y2="p95:Q")
    line = base.mark_line(point=True).encode(
        y="p50:Q", tooltip=["year:O", "series:N", alt.Tooltip("p5:Q", format=",.0f"), alt.Tooltip("p50:Q", format=",.0f"),
                            alt.Tooltip("p95:Q", format=",.0f")])
    marks = alt.Chart(published).mark_point(color="black", shape="diamond", size=60, filled=True).encode(
        x="year:O", y="value:Q", tooltip=["subject:N", alt.Tooltip("value:Q", format=",.0f"), "basis:N", "source_id:N"])
    return (band + line + marks).properties(width=520, height=280, title="Packages per year: median and 5th-95th percentile")


def tornado_by_year(swings: pd.DataFrame):
    """Per year, the span of output between each input's low and high end (``swings`` from
    :func:`chiplib.models.production.tornado`), with the all-middle output as a tick."""
    alt = altair()
    shown = swings[swings["swing"] > 0]
    bars = alt.Chart(shown).mark_bar(height=12).encode(
        x=alt.X("output_at_low:Q", title="Packages in the year"), x2="output_at_high:Q",
        y=alt.Y("input:N", title=None), row=alt.Row("year:O", title=None),
        tooltip=["year:O", "input:N", alt.Tooltip("output_at_low:Q", format=",.0f"),
                 alt.Tooltip("output_at_high:Q", format=",.0f"), alt.Tooltip("base:Q", format=",.0f")])
    return bars.properties(width=460, title="Output at each input's low and high end, year by year")


# ----------------------------------------------------------------------------- HBM

def bandwidth_bars(wide: pd.DataFrame):
    """Memory bandwidth per accelerator, coloured by country."""
    alt = altair()
    return alt.Chart(wide).mark_bar().encode(
        x=alt.X("memory_bandwidth:Q", title="Memory bandwidth (GB/s)"),
        y=alt.Y("name:N", sort="-x", title=None),
        color=alt.Color("country:N", scale=country_scale()),
        tooltip=["name:N", "vendor:N", "memory_type:N", alt.Tooltip("memory_bandwidth:Q", format=",.0f"),
                 alt.Tooltip("memory_capacity:Q", format=",.0f")],
    ).properties(width=520, height=alt.Step(12), title="Memory bandwidth per accelerator")


def hbm_milestones(timeline: pd.DataFrame):
    """Each supplier's HBM milestones by generation (``when`` a date; year-only dates drawn mid-year)."""
    alt = altair()
    return alt.Chart(timeline).mark_point(filled=True, size=70).encode(
        x=alt.X("when:T", title=None),
        y=alt.Y("generation:N", sort=list(HBM_GENERATIONS), title=None),
        color=alt.Color("supplier:N"), shape=alt.Shape("milestone:N"),
        tooltip=["supplier:N", "generation:N", "milestone:N", "date:N", "note:N"],
    ).properties(width=560, height=alt.Step(24), title="HBM milestones by supplier (year-only dates drawn mid-year)")


# ----------------------------------------------------------------------------- software

def support_grid(heat: pd.DataFrame, criteria: Sequence[str], vendors: Sequence[str], profile: str):
    """Vendors x stack layers, shaded by score, with the components behind each score in the tooltip."""
    alt = altair()
    return alt.Chart(heat).mark_rect().encode(
        x=alt.X("layer:N", sort=list(criteria), title=None, axis=alt.Axis(labelAngle=-35)),
        y=alt.Y("vendor:N", sort=list(vendors), title=None),
        color=alt.Color("score:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), title="Score"),
        tooltip=["vendor:N", "layer:N", alt.Tooltip("score:Q", format=".2f"), "components:N"],
    ).properties(width=460, height=alt.Step(22), title=f"Stack support, '{profile}' profile order")


def commits_per_quarter(activity: pd.DataFrame):
    """Commits per quarter on each measured repository's default branch."""
    alt = altair()
    return alt.Chart(activity).mark_line(point=True).encode(
        x=alt.X("quarter:O", title=None), y=alt.Y("commits:Q", title="Commits per quarter"),
        color=alt.Color("repo:N", title=None),
        tooltip=["repo:N", "vendor:N", "quarter:O", "commits:Q", "authors:N", "releases:N"],
    ).properties(width=560, height=300, title="Commits per quarter, default branches")


def milestone_ticks(events: pd.DataFrame):
    """Software milestones as labelled dots on a time axis (``when`` a date)."""
    alt = altair()
    ticks = alt.Chart(events).mark_circle(size=90, color=COUNTRY_COLOURS["CN"]).encode(
        x=alt.X("when:T", title=None), y=alt.value(20), tooltip=["date:N", "title:N", "description:N", "source_id:N"])
    labels = ticks.mark_text(angle=320, align="left", dx=4, dy=-6, fontSize=9).encode(text="title:N")
    return (ticks + labels).properties(width=600, height=220, title="Software milestones (hover for details)")


# ----------------------------------------------------------------------------- measured performance

def peak_vs_measured(pairs: pd.DataFrame):
    """Each matched comparison: the datasheet ratio (x) against the measured ratio (y), log-log, with the line
    where the two agree; below it the Chinese chip delivers less than its datasheet predicts. Live: zoom and pan,
    click a task in the legend."""
    alt = altair()
    pick = legend_pick("task", "pick_task")
    data = pairs.assign(label=pairs["chip_id"] + " / " + pairs["yardstick"], origins=pairs["origins"].map(", ".join))
    low = float(min(data["peak_ratio"].min(), data["measured_ratio"].min(), 1) / 1.5)
    high = float(max(data["peak_ratio"].max(), data["measured_ratio"].max(), 1) * 1.5)
    scale = alt.Scale(type="log", domain=[low, high])
    dots = alt.Chart(data).mark_point(size=80, filled=True).encode(
        x=alt.X("peak_ratio:Q", scale=scale, title="Datasheet ratio (Chinese chip / yardstick, dense peak)"),
        y=alt.Y("measured_ratio:Q", scale=scale, title="Measured ratio, same workload and settings"),
        color=alt.Color("task:N", title="Task"), opacity=alt.condition(pick, alt.value(0.85), alt.value(0.15)),
        tooltip=["label:N", "workload:N", "task:N", "precision:N", "batch:N", "sequence:N", "metric:N", "software:N",
                 "software_yardstick:N", alt.Tooltip("peak_ratio:Q", format=".2f"),
                 alt.Tooltip("measured_ratio:Q", format=".2f"), "origins:N"]).add_params(zoom(), pick)
    line = alt.Chart(pd.DataFrame({"x": [low, high]})).mark_line(color="grey", strokeDash=[4, 4]).encode(
        x=alt.X("x:Q", scale=scale), y=alt.Y("x:Q", scale=scale))
    return (line + dots).properties(width=520, height=380, title=alt.Title(
        "Datasheet ratio against measured ratio", subtitle="Below the dashed line, less of the datasheet survives"))


def peak_share_over_time(fractions: pd.DataFrame):
    """Achieved share of the datasheet peak per measurement, by date, coloured by vendor, shaped by grade. Live:
    zoom and pan, click a vendor in the legend."""
    alt = altair()
    pick = legend_pick("vendor", "pick_vendor")
    data = fractions.assign(when=pd.to_datetime(fractions["date"].str[:7], format="%Y-%m", errors="coerce"),
                            percent=fractions["fraction"] * 100)
    return alt.Chart(data).mark_point(size=70, filled=True).encode(
        x=alt.X("when:T", title=None), y=alt.Y("percent:Q", title="Share of datasheet peak achieved (%)"),
        color=alt.Color("vendor:N", title="Vendor"), shape=alt.Shape("basis:N", title="Grade"),
        opacity=alt.condition(pick, alt.value(0.7), alt.value(0.15)),
        tooltip=["name:N", "workload:N", "task:N", "precision:N", "software:N", alt.Tooltip("percent:Q", format=".0f"),
                 "how:N", "source_id:N", "basis:N"],
    ).add_params(zoom(), pick).properties(width=560, height=320, title="Achieved share of peak by vendor and date")
