"""The chip dossier: everything the collection knows about one accelerator, and from whom.

Its parameter is one chip id. The numbers come from :class:`chiplib.models.dossier.Dossier`; this module selects
what else concerns the chip (events, measurements), lays each section out as a table of text ready to show (every
value from the data is escaped when shown, by :func:`chiplib.present.safe.table`), names the sources each table
rests on, and writes the answer in brief.

Events are matched to a chip by :func:`designator`, a deterministic rule on the chip's name documented there,
because ``events.csv`` names chips in prose rather than by id.
"""

from __future__ import annotations

import re

import pandas as pd

from chiplib import data, reports
from chiplib.core.params import Param, check
from chiplib.models import export_controls
from chiplib.models.dossier import COMPARED_FIGURES, KEY_METRICS, Dossier
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md


def _chip_ids() -> list[str]:
    return list(data.load().chips.index)


PARAMS = (Param("chip", str, "huawei-ascend-910c", "chip_id of the accelerator (data/chips.csv)", _chip_ids),)


def check_params(**given) -> dict:
    """Validate the dossier's parameters (see :data:`PARAMS`): an unknown chip id lists every valid one."""
    return check(PARAMS, given, where="chip")


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)


def dossier(chip: str, dataset: data.Dataset | None = None) -> Dossier:
    """The chip's :class:`~chiplib.models.dossier.Dossier` (each part computed once, on first use)."""
    return Dossier(chip, dataset or data.load())


def number(value) -> str:
    """A figure as text: thousands separated, at most three decimals, no trailing zeros; empty when unknown."""
    if value is None or pd.isna(value):
        return ""
    value = float(value)
    return f"{value:,.0f}" if value == int(value) else f"{value:,.3f}".rstrip("0").rstrip(".")


def _count(n: int, word: str) -> str:
    """``n`` and ``word``, plural unless ``n`` is one ("1 source", "3 sources")."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def _names(ids, ds: data.Dataset) -> str:
    return ", ".join(f"{ds.chips.at[c, 'name']} ({c})" for c in ids)


# ----------------------------------------------------------------------------- identity

#: Text and date metrics shown in the identity table (preferred figure and its source).
IDENTITY_METRICS = ("process_node", "foundry", "memory_type", "announced", "shipped", "planned")


def identity(d: Dossier) -> pd.DataFrame:
    """Who makes the chip and what it is: ``field``, ``value`` and, for figures from ``chip_specs.csv`` (process
    node, foundry, memory type, dates), the ``source_id`` of the preferred figure (the rest is ``chips.csv``,
    which cites no source). Process node and foundry are always listed, as "not published" when no row gives them."""
    ds, row, kin = d.dataset, d.dataset.chips.loc[d.chip_id], d.family
    rows = [("Chip id", d.chip_id, ""), ("Vendor", row["vendor"], ""), ("Name", row["name"], ""),
            ("Country", row["country"], ""), ("Status", row["status"], ""),
            ("Year", "not stated" if pd.isna(row["year"]) else str(int(row["year"])), ""), ("Market", row["market"], ""),
            ("Flagship", "yes" if row["flagship"] == "true" else "no", ""),
            ("Variant of", _names(kin["parent"], ds) or "none", ""),
            ("Other variants of the same parent", _names(kin["siblings"], ds) or "none", ""),
            ("Variants of this chip", _names(kin["children"], ds) or "none", "")]
    preferred = d.estimates[d.estimates["preferred"]].set_index("metric")
    for metric in IDENTITY_METRICS:
        label = metric.replace("_", " ").capitalize()
        if metric in preferred.index:
            rows.append((label, preferred.at[metric, "text"], preferred.at[metric, "source_id"]))
        elif metric in ("process_node", "foundry"):
            rows.append((label, "not published", ""))
    return pd.DataFrame(rows, columns=["field", "value", "source_id"])


def notes(d: Dossier) -> str:
    """The chip's notes from ``chips.csv`` as Markdown (escaped)."""
    text = d.dataset.chips.at[d.chip_id, "notes"]
    return md("**Notes in the data.** {}", text) if isinstance(text, str) and text else "**Notes in the data.** none"


# ----------------------------------------------------------------------------- every figure

def figures_table(d: Dossier) -> pd.DataFrame:
    """Every published figure (:attr:`~chiplib.models.dossier.Dossier.estimates`) laid out for reading: as
    published, in the canonical unit (numbers only: a text or date is as published), grade, source, origin and its
    kind, preferred, note."""
    rows = d.estimates
    canonical = [number(v) if k == "quantity" else "" for v, k in zip(rows["value"], rows["kind"])]
    published = [f"{v} {u}".strip() if isinstance(u, str) else str(v)
                 for v, u in zip(rows["value_published"], rows["unit_published"])]
    return pd.DataFrame({"metric": rows["metric"], "as published": published, "value": canonical, "unit": rows["unit"],
                         "grade": rows["basis"], "source_id": rows["source_id"], "origin": rows["origin"],
                         "origin kind": rows["origin_kind"], "preferred": rows["preferred"].map({True: "yes", False: ""}),
                         "note": rows["note"]})


def spread_table(d: Dossier) -> pd.DataFrame:
    """Per metric (:attr:`~chiplib.models.dossier.Dossier.spread`): rows, sources, independent origins, low, high
    and preferred figures, and whether (and between whom) the figures disagree."""
    table = d.spread
    quantity = table["kind"] == "quantity"
    return pd.DataFrame({
        "metric": table["metric"], "unit": table["unit"], "estimates": table["estimates"], "sources": table["sources"],
        "independent origins": table["origins"], "low": table["low"].map(number).where(quantity, ""),
        "high": table["high"].map(number).where(quantity, ""),
        "preferred": [number(p) if q else str(p) for p, q in zip(table["preferred"], quantity)],
        "contested": table["contested"].map({True: "contested", False: ""}), "who disagrees": table["disagreement"],
    })


def chart_points(d: Dossier) -> pd.DataFrame:
    """The estimates the dossier's chart draws: every figure of each contested quantity metric, as a ratio to the
    preferred figure (a metric whose preferred figure is zero or missing is left out)."""
    contested = d.spread.loc[d.spread["contested"] & (d.spread["kind"] == "quantity"), "metric"]
    rows = d.estimates[d.estimates["metric"].isin(contested)]
    preferred = rows[rows["preferred"]].set_index("metric")["value"]
    points = rows.assign(ratio=rows["value"] / rows["metric"].map(preferred), grade=rows["basis"],
                         published=[f"{v} {u or ''}".strip() for v, u in zip(rows["value_published"], rows["unit_published"])])
    points = points[points["ratio"].notna() & (points["ratio"] > 0)]
    return points[["metric", "ratio", "origin", "grade", "source_id", "published"]].reset_index(drop=True)


# ----------------------------------------------------------------------------- export controls

def export_table(d: Dossier) -> pd.DataFrame:
    """TPP and performance density, each with how it was obtained and the sources of the figures used."""
    table = d.export_figures
    return pd.DataFrame({"figure": table["figure"].map({"tpp": "TPP", "pd": "performance density (TPP/mm^2)"}),
                         "value": table["value"].map(number), "obtained": table["basis"].replace("", "unknown"),
                         "how": table["how"], "sources": table["sources"].map(", ".join)})


def rules_table(d: Dossier) -> pd.DataFrame:
    """The classification under every rule version, with the reason the rule gives."""
    table = d.classifications
    return pd.DataFrame({"rule": table["rule_id"], "name": table["name"], "effective": table["effective"].astype(str),
                         "classification": table["result"],
                         "licence needed": table["controlled"].map({True: "yes", False: "no"}).fillna("unknown"),
                         "reason": table["reason"]})


def export_sources(d: Dossier) -> list[str]:
    """Sources of the export-control section: the figures behind TPP and density, and every rule version's."""
    return sorted({s for ids in d.export_figures["sources"] for s in ids} | {s for r in d.rules for s in r.sources})


def movers_table(d: Dossier) -> pd.DataFrame:
    """Published alternative figures that change a classification (one row per figure and rule)."""
    moved = d.movers
    return pd.DataFrame({"metric": moved["metric"], "value": moved["value"].map(number), "source_id": moved["source_id"],
                         "origin": moved["origin"], "TPP with it": moved["tpp"].map(number),
                         "density with it": moved["pd"].map(number), "rule": moved["rule_id"],
                         "with preferred figures": moved["preferred_result"], "with this figure": moved["result"]})


# ----------------------------------------------------------------------------- measured, contemporaries

def measured_table(d: Dossier) -> pd.DataFrame:
    """Every measurement of the chip (:func:`chiplib.data.measurements`) with its conditions, grade and origin."""
    table = data.measurements(d.dataset)
    table = table[table["chip_id"] == d.chip_id]
    columns = ["date", "workload", "task", "precision", "batch", "sequence", "software", "chips", "system"]
    result = [f"{v} {u} ({m.replace('_', ' ')})" for v, u, m in
              zip(table["value_published"], table["unit_published"], table["metric"])]
    view = table[columns].assign(chips=table["chips"].map(number), result=result, grade=table["basis"],
                                 source_id=table["source_id"], origin=table["origin"])
    return view.fillna("").reset_index(drop=True)


def contemporaries_table(d: Dossier) -> pd.DataFrame:
    """The chips compared with this one (:attr:`~chiplib.models.dossier.Dossier.contemporaries`), figures as text
    with units in the headers; an empty cell means no source publishes the figure."""
    table = d.contemporaries
    units = table.attrs["units"]
    view = table[["why", "name", "vendor", "country", "status"]].copy()
    view["year"] = table["year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    for metric in COMPARED_FIGURES:
        view[f"{metric.replace('_', ' ')} ({units[metric]})"] = table[metric].map(number)
    view["TPP"] = table["tpp"].map(number)
    return view.reset_index(drop=True)


def contemporaries_sources(d: Dossier) -> list[str]:
    """Sources of the preferred figures the contemporaries table shows (TPP's dense figures included)."""
    return data.preferred_sources(d.contemporaries.index, [*COMPARED_FIGURES, *export_controls.BIT_LENGTHS,
                                                           "tpp_published"], d.dataset)


# ----------------------------------------------------------------------------- events and claims

def designator(name: str) -> str:
    """The short name events use for a chip, from its ``name`` in ``chips.csv``:

    1. the first word (before any parenthesis) that contains a digit (``Ascend 910C`` -> ``910C``,
       ``H100 SXM5 80GB`` -> ``H100``); a word of digits only is too generic alone and keeps the word before it
       (``Ascend 910``, ``RTX 4090``, ``Hanguang 800``);
    2. else the first word inside the parenthesis with both letters and digits (``Kunlun II (R200 card)`` -> ``R200``);
    3. else the name's first word (``PPU (shown on CCTV, Sept 2025)`` -> ``PPU``).
    """
    outside, _, inside = name.partition("(")
    words = [w.strip(",;/") for w in outside.split()]
    for index, word in enumerate(words):
        if any(ch.isdigit() for ch in word):
            return f"{words[index - 1]} {word}" if index and not any(ch.isalpha() for ch in word) else word
    for word in (w.strip(",;/)") for w in inside.split()):
        if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
            return word
    return words[0] if words else name


def events_about(d: Dossier) -> pd.DataFrame:
    """Events (``events.csv``) whose title or description names the chip: its :func:`designator` as a whole word
    (case-insensitive; ``910C`` matches "910B, 910C and 910D" but ``Ascend 910`` does not match "Ascend 910B"), or
    its chip id. Oldest first. A chip the text names differently (``MI308`` for the MI308X) is missed."""
    events = d.dataset.events
    short = designator(d.dataset.chips.at[d.chip_id, "name"])
    pattern = re.compile(rf"(?<!\w)(?:{re.escape(short)}|{re.escape(d.chip_id)})(?!\w)", re.IGNORECASE)
    hits = [bool(pattern.search(f"{t} {s}")) for t, s in zip(events["title"], events["description"].fillna(""))]
    return events[hits][["date", "kind", "title", "description", "source_id"]].reset_index(drop=True)


def claims_table(d: Dossier) -> pd.DataFrame:
    """Claims about the chip with their verdicts (:attr:`~chiplib.models.dossier.Dossier.claims`); ``source_id`` is
    the claim's own source (:func:`claims_sources` adds the evidence's)."""
    table = d.claims
    return pd.DataFrame({"claim": table["claim_id"], "what is claimed": table["claim"], "claimant": table["claimant"],
                         "verdict": table["verdict"], "reasoning": table["reasoning"],
                         "evidence origins": table["evidence_origins"].map(", ".join), "source_id": table["source_id"]})


def claims_sources(d: Dossier) -> list[str]:
    """Every source the claims about the chip rest on: their own and their evidence's."""
    return sorted({s for ids in d.claims["sources"] for s in ids})


# ----------------------------------------------------------------------------- the answer in brief

def answer(chip: str = "huawei-ascend-910c", dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: what the chip is; how many figures, sources and independent origins the collection
    holds for it, which metrics are contested and which key figures nobody publishes; its classification under
    the rule in force on the data's as-of date and whether a published alternative figure moves any
    classification; how many measurements and claims concern it (:func:`brief`)."""
    return brief(dossier(chip, dataset))


def brief(d: Dossier) -> Brief:
    """The answer in brief (see :func:`answer`) from a chip's dossier."""
    chip = d.chip_id
    ds, row, rows, spread, missing = d.dataset, d.dataset.chips.loc[chip], d.estimates, d.spread, d.unpublished
    contested = spread[spread["contested"]]
    sources, origins = sorted(set(rows["source_id"])), sorted(set(rows["origin"]))
    year = "year not stated" if pd.isna(row["year"]) else f"year {int(row['year'])}"
    first = md("{name} ({chip}) is a {status} {market} accelerator from {vendor} ({country}, {year}).", name=row["name"],
               chip=chip, status=row["status"], market=row["market"], vendor=row["vendor"], country=row["country"],
               year=year)
    first += md(" The collection holds {n} for it on {metrics}, from {sources} behind which stand {origins}.",
                n=_count(len(rows), "published figure"), metrics=_count(len(spread), "metric"),
                sources=_count(len(sources), "source"), origins=_count(len(origins), "independent origin")) \
        if len(rows) else " The collection holds no published figure for it."
    first += md(" Figures disagree on {n}: {names}.", n=_count(len(contested), "metric"), names=", ".join(
        f"{m} ({w})" for m, w in zip(contested["metric"], contested["disagreement"]))) if len(contested) else \
        (" No two published figures disagree." if len(rows) > 1 else "")
    first += md(" Nobody publishes {n} of the {k} key figures: {names}.", n=len(missing), k=len(KEY_METRICS),
                names=", ".join(missing["metric"])) if len(missing) else md(" All {k} key figures are published.",
                                                                             k=len(KEY_METRICS))
    as_of = data.as_of(ds)
    active = export_controls.rule_in_force(as_of, ds)
    ruled = d.classifications.set_index("rule_id").loc[active.rule_id]
    second = md("Under the rule in force on the data's as-of date ({as_of}), the {rule} ({rule_id}), it classifies as "
                "{result}: {reason}.", as_of=as_of, rule=active.name, rule_id=active.rule_id, result=ruled["result"],
                reason=ruled["reason"])
    moved = d.movers
    second += md(" A published alternative figure would change its classification under {n}: {rules}.",
                 n=_count(moved["rule_id"].nunique(), "rule version"), rules=", ".join(dict.fromkeys(moved["rule_id"]))) \
        if len(moved) else md(" No published alternative figure of an input the rules read ({n} tried) changes its "
                              "classification under any rule version.", n=len(d.alternatives_tried)) \
        if len(d.alternatives_tried) else \
        " No alternative figure of an input the rules read is published, so none can move its classification."
    measured, claimed = measured_table(d), d.claims
    third = md("The collection holds {n} of it", n=_count(len(measured), "measurement")) if len(measured) else \
        "The collection holds no measurement of it"
    third += md(" and {c} about it (verdicts: {v}).", c=_count(len(claimed), "claim"), v=", ".join(
        f"{k} {n}" for k, n in claimed["verdict"].value_counts().items())) if len(claimed) else " and no claim about it."
    tpp = d.export_figures.set_index("figure").loc["tpp"]
    return Brief((first, second, third), (
        figure("chip", "Chip", str(row["name"])),
        figure("published_figures", "Published figures (source rows)", len(rows), "rows", sources),
        figure("independent_origins", "Independent origins behind them", len(origins), "origins", sources),
        figure("contested_metrics", "Metrics on which published figures disagree", len(contested), "metrics",
               {s for ids in contested["source_ids"] for s in ids}),
        figure("unpublished_key_figures", "Key figures nobody publishes", len(missing), "metrics"),
        figure("tpp", "Total Processing Performance (preferred figures)", float(tpp["value"]), "", tpp["sources"]),
        figure("classification_in_force", f"Classification under {active.rule_id}", str(ruled["result"]),
               sources=[*active.sources, *data.preferred_sources([chip], export_controls.INPUT_METRICS, ds)]),
        figure("measurements", "Measurements of the chip", len(measured), "rows", measured["source_id"]),
        figure("claims", "Claims about the chip", len(claimed), "claims", claims_sources(d)),
    ))
