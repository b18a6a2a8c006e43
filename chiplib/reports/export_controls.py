"""The export-controls report: its parameters, the chips it shows, and its answer in brief."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.models.export_controls import Rule, rule, rule_in_force, rules, sensitivity
from chiplib.models.export_controls import INPUT_METRICS, classify_all
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

#: Chip selections for the notebook: name -> country code (None = every chip).
SELECTIONS = {"all": None, "chinese": "CN", "yardsticks": "US"}
IN_FORCE = "in-force"


def _rule_choices() -> list[str]:
    return [IN_FORCE, *(r.rule_id for r in rules())]


def _params():
    return (
        Param("rule", str, IN_FORCE, "rule version id, or 'in-force' for the rule in force on as_of", _rule_choices),
        Param("as_of", str, "2026-11-22", "date (YYYY-MM-DD): picks the rule in force and the events shown"),
        Param("selection", str, "all", "which chips: all, chinese or yardsticks", lambda: list(SELECTIONS)),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the export-controls notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="export_controls")
    try:
        day = dt.date.fromisoformat(values["as_of"])
    except ValueError:
        raise ParamError(f"export_controls: as_of {values['as_of']!r} is not a date (YYYY-MM-DD)") from None
    first = rules()[0].effective
    if day < first:
        raise ParamError(f"export_controls: as_of {day} is before the first rule version ({first})")
    return values


def resolve_rule(rule_param: str, as_of: str) -> Rule:
    """The rule a notebook run uses: the named one, or the one in force on ``as_of``."""
    return rule_in_force(as_of) if rule_param == IN_FORCE else rule(rule_param)


def china_parts(dataset: data.Dataset | None = None) -> list[str]:
    """US vendors' parts designed for the Chinese market under the rules (``china_parts`` in the rules file)."""
    return data.rules.china_parts(dataset or data.load())


def selected(table: pd.DataFrame, selection: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """``table`` (indexed by chip_id) restricted to a selection of :data:`SELECTIONS`, with chip details."""
    ds = dataset or data.load()
    country = SELECTIONS[selection]
    table = table.join(ds.chips[["name", "country", "status"]])
    return table if country is None else table[table["country"] == country]


def counted(table: pd.DataFrame, rule_obj: Rule, dataset: data.Dataset | None = None) -> dict[str, list[str]]:
    """The chips behind each headline count, from a :func:`classify_all` table (all chips): a figure cites
    only the sources of the chips it counts."""
    ds = dataset or data.load()
    chinese = table[ds.chips.loc[table.index, "country"] == "CN"]
    parts = table.loc[[c for c in china_parts(ds) if c in table.index]]
    moves = sensitivity(rule_obj.rule_id, dataset=ds)
    return {
        "chinese_chips": list(chinese.index),
        "chinese_controlled": list(chinese.index[chinese["controlled"] == True]),  # noqa: E712 (None = unknown)
        "chinese_unknown": list(chinese.index[chinese["result"] == "unknown"]),
        "china_parts_controlled": list(parts.index[parts["controlled"] == True]),  # noqa: E712
        "china_parts": list(parts.index),
        "chips_moved_by_contested_figures": sorted(set(moves.loc[moves["moves"], "chip_id"])),
    }


def headline(table: pd.DataFrame, rule_obj: Rule, dataset: data.Dataset | None = None) -> dict[str, float]:
    """Counts a reader asks first, from a :func:`classify_all` table (all chips)."""
    return {name: len(chips) for name, chips in counted(table, rule_obj, dataset).items()}


def summary(counts: dict[str, float], rule_obj: Rule) -> str:
    """Two sentences from :func:`headline` counts (Markdown, data text escaped)."""
    return md("Under the {name} (effective {effective}), {controlled} of the {chinese} Chinese accelerators in the "
              "dataset meet a controlled threshold (as if they were US exports), and the data cannot classify "
              "{unknown} for lack of published figures. Of the {parts} parts NVIDIA and AMD cut down for China, "
              "{parts_controlled} need a licence under this version; a contested source figure moves {moved} chip(s) "
              "across a line.", name=rule_obj.name, effective=rule_obj.effective,
              controlled=counts["chinese_controlled"], chinese=counts["chinese_chips"],
              unknown=counts["chinese_unknown"], parts=counts["china_parts"],
              parts_controlled=counts["china_parts_controlled"], moved=counts["chips_moved_by_contested_figures"])


def answer(rule: str = IN_FORCE, as_of: str = "2026-11-22", selection: str = "all",
           dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: the rule applied and its summary, then how many Chinese chips meet a controlled
    threshold or cannot be classified, how many China parts need a licence, and how many chips a
    contested figure moves."""
    ds = dataset or data.load()
    active = resolve_rule(rule, as_of)
    everything = classify_all(active.rule_id, ds)
    chips = counted(everything, active, ds)
    counts = {name: len(ids) for name, ids in chips.items()}

    def cited(name: str) -> list[str]:
        return data.preferred_sources(chips[name], INPUT_METRICS, ds)

    heading = md("**{name}** ({rule_id}, effective {effective}). {summary}", name=active.name, rule_id=active.rule_id,
                 effective=active.effective, summary=active.summary)
    return Brief((heading, summary(counts, active)), (
        figure("rule", "Rule version applied", active.rule_id, sources=active.sources),
        figure("chinese_controlled", "Chinese accelerators meeting a controlled threshold", counts["chinese_controlled"],
               "chips", [*active.sources, *cited("chinese_controlled")]),
        figure("chinese_unknown", "Chinese accelerators the published figures cannot classify", counts["chinese_unknown"],
               "chips", [*active.sources, *cited("chinese_unknown")]),
        figure("china_parts_controlled", "NVIDIA/AMD China parts needing a licence", counts["china_parts_controlled"],
               "chips", [*active.sources, *cited("china_parts_controlled")]),
        figure("chips_moved_by_contested_figures", "Chips whose classification a contested figure changes",
               counts["chips_moved_by_contested_figures"], "chips",
               [*active.sources, *data.specs_long(ds).loc[lambda t: t["chip_id"].isin(
                   chips["chips_moved_by_contested_figures"]) & t["metric"].isin(INPUT_METRICS), "source_id"]]),
    ))


def timeline(as_of: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Events and government measures (``measures.csv``, as ``<jurisdiction> <measure>`` rows) up to ``as_of``,
    oldest first, with ``when`` as a date: the US rules beside China's responses on one axis."""
    from chiplib.core.dates import parse_partial_date

    ds = dataset or data.load()
    measures = ds.tables["measures"].assign(kind=lambda t: t["jurisdiction"] + " " + t["measure"])
    columns = ["date", "kind", "title", "description", "source_id"]
    rows = pd.concat([ds.events[columns], measures[columns]], ignore_index=True)
    rows = rows[rows["date"] <= as_of].sort_values(["date", "kind", "title"], kind="stable").reset_index(drop=True)
    return rows.assign(when=pd.to_datetime(rows["date"].map(parse_partial_date)))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
