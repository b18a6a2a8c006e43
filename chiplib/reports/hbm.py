"""The HBM report: its parameters and its as-of date."""

from __future__ import annotations

from chiplib import data
from chiplib.core.params import Param, ParamError, check
import pandas as pd

from chiplib.models import hbm
from chiplib.models.hbm import models, scenarios
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

def as_of_date(year: int, dataset: data.Dataset | None = None) -> str:
    """The as-of date (ISO) for ``year``: 31 December, or the data's as-of date (:func:`chiplib.data.as_of`)
    when that is earlier. Never the clock, so a report reads the same whatever day it is built."""
    return min(f"{year}-12-31", data.as_of(dataset))


def _params():
    return (
        Param("scenario", str, "stockpile", "HBM supply scenario (data/hbm_scenarios.yaml)", lambda: list(scenarios())),
        Param("year", int, 2026, "as-of year for the generation gap (its last day, or the data's as-of date if earlier)"),
        Param("model", str, "deepseek-v3", "open model for the decode bounds (data/models.csv)", lambda: list(models())),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the HBM notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="memory")
    if not 2013 <= values["year"] <= 2030:
        raise ParamError(f"memory: year {values['year']} is outside 2013-2030")
    return values


def answer(scenario: str = "stockpile", year: int = 2026, model: str = "deepseek-v3",
           dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: the newest HBM generation China mass-produces and the open gap, the accelerators
    the scenario's stacks equip, and the 910C-to-H100 decode bound for the model."""
    ds = dataset or data.load()
    as_of = as_of_date(year, ds)
    milestones = ds.tables["hbm_milestones"]
    gaps = hbm.generation_gap(milestones, hbm.LEADERS, hbm.CHINESE_SUPPLIERS, as_of)
    reached = gaps[gaps["reached"]]
    newest = reached["leader_date"].max() if not reached.empty else pd.Timestamp.min
    open_gaps = gaps[~gaps["reached"] & (gaps["leader_date"] >= newest)]
    latest = reached.iloc[-1] if not reached.empty else None
    pending = open_gaps.iloc[0] if not open_gaps.empty else None
    row = hbm.supply_scenario(scenario, ds).iloc[0]
    mdl = hbm.model(model, ds)
    decode = hbm.decode_table(model, dataset=ds)
    ratio = decode.at["huawei-ascend-910c", "tokens_s_min_chips"] / decode.at["nvidia-h100-sxm", "tokens_s_min_chips"]
    text = []
    if latest is not None:
        text.append(md("The newest generation a Chinese supplier is reported to mass-produce is {generation} "
                       "({follower}, {date:%B %Y}), {gap:.1f} years after {leader}.", generation=latest["generation"],
                       follower=latest["follower"], date=latest["follower_date"], gap=latest["gap_years"],
                       leader=latest["leader"]))
    if pending is not None:
        text.append(md("{generation}, in mass production at {leader} since {date:%B %Y}, has no Chinese mass production "
                       "by {as_of}: a gap of at least {gap:.1f} years.", generation=pending["generation"],
                       leader=pending["leader"], date=pending["leader_date"], as_of=as_of, gap=pending["gap_years"]))
    text.append(md("Under the '{scenario}' scenario, {low:.1f} to {high:.1f} million stacks equip {acc_low:.2f} to "
                   "{acc_high:.2f} million {name} at {per_chip:.0f} stacks each.", scenario=scenario,
                   low=row["stacks_low"] / 1e6, high=row["stacks_high"] / 1e6, acc_low=row["accelerators_low"] / 1e6,
                   acc_high=row["accelerators_high"] / 1e6, name=row["name"], per_chip=row["stacks_per_chip"]))
    text.append(md("Serving {model} on the fewest chips that hold it, a 910C system's decode bound is {ratio:.2f}x an "
                   "H100 system's.", model=mdl.name, ratio=ratio))
    gap_sources = sorted(set(milestones[milestones["generation"].isin(gaps["generation"])]["source_id"]))
    figures = []
    if pending is not None:
        figures.append(figure("hbm_open_gap_years",
                              f"Years since {pending['generation']} mass production with no Chinese equivalent",
                              pending["gap_years"], "years", gap_sources))
    if latest is not None:
        figures.append(figure("hbm_latest_reached", "Newest HBM generation mass-produced in China", latest["generation"],
                              "", gap_sources))
    figures += [
        figure("accelerators_low", f"Accelerators the '{scenario}' HBM can equip, low", row["accelerators_low"],
               row["name"], row["sources"]),
        figure("accelerators_high", f"Accelerators the '{scenario}' HBM can equip, high", row["accelerators_high"],
               row["name"], row["sources"]),
        figure("decode_910c_vs_h100", f"Decode bound, {mdl.name}, 910C system / H100 system", ratio, "x",
               [*mdl.sources, *data.preferred_sources(["huawei-ascend-910c", "nvidia-h100-sxm"],
                                                      ["memory_bandwidth", "memory_capacity"], ds)]),
    ]
    return Brief((" ".join(text),), tuple(figures))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
