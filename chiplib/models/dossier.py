"""One chip, everything the collection knows about it: the numbers behind the chip dossier report.

:class:`Dossier` computes each part once, on first use (it holds no state beyond one chip and one dataset, so a
notebook run keeps its own and nothing passes between runs):

- :attr:`~Dossier.estimates`: every published figure (one row per ``chip_specs.csv`` row), with origin and grade;
- :attr:`~Dossier.spread`: per metric, the range of the published figures, the independent origins behind them
  and whether they disagree (the collection's one rule, :data:`chiplib.data.CONTESTED_SHARE`);
- :attr:`~Dossier.unpublished`: the key figures (:data:`KEY_METRICS`) no source publishes;
- :attr:`~Dossier.export_figures`, :attr:`~Dossier.classifications`, :attr:`~Dossier.movers`: TPP and performance
  density with how each was obtained, the classification under every rule version, and the published
  alternative figures that would move it;
- :attr:`~Dossier.contemporaries`: the chips it is compared with (the rule is in the property's docstring);
- :attr:`~Dossier.claims`: the claims whose subject is the chip, judged as the claims ledger judges them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

from chiplib import data
from chiplib.data.schema import SHIPPED
from chiplib.models import claims, export_controls, landscape

#: The figures a reader expects of every accelerator: the landscape's dense compute at each precision and the
#: figures it compares (memory, bandwidths, power), plus the die area the export rules' density test needs.
KEY_METRICS = (*landscape.PRECISIONS.values(), *landscape.COMPARED, "die_area")
#: Preferred figures shown side by side in the contemporaries table.
COMPARED_FIGURES = ("fp16_dense", "fp8_dense", "int8_dense", "memory_capacity", "memory_bandwidth",
                    "scaleup_bandwidth", "tdp")
#: The preferred figures the dossier reads in wide form: what the export rules read, the published TPP and density
#: they fall back on, and the compared figures.
WIDE_METRICS = tuple(dict.fromkeys([*export_controls.INPUT_METRICS, "tpp_published", "pd_published", *COMPARED_FIGURES]))
#: Contemporaries: chips whose year is within this many years of the chip's.
WINDOW = 1
#: Contemporaries: at most this many same-country peers (one per vendor).
PEERS = 3


def _differ(a, b, kind: str) -> bool:
    """Two figures of one metric disagree: quantities by more than CONTESTED_SHARE of the larger, texts (and dates)
    when they differ ignoring case (the rule of :func:`chiplib.data.coverage`)."""
    if kind != "quantity":
        return str(a).strip().lower() != str(b).strip().lower()
    return abs(a - b) > data.CONTESTED_SHARE * max(abs(a), abs(b))


@dataclass(frozen=True, eq=False)
class Dossier:
    """Everything the collection holds on ``chip_id`` in ``dataset``; each part is computed on first use."""

    chip_id: str
    dataset: data.Dataset

    def __post_init__(self):
        if self.chip_id not in self.dataset.chips.index:
            raise KeyError(f"unknown chip {self.chip_id!r}; valid chips: {', '.join(self.dataset.chips.index)}")

    def wide_of(self, chip_ids) -> pd.DataFrame:
        """The preferred :data:`WIDE_METRICS` of ``chip_ids`` (:func:`chiplib.data.specs_wide` on those chips only)."""
        ds = self.dataset
        return data.specs_wide(ds, [m for m in WIDE_METRICS if m in ds.metrics.index]).loc[list(chip_ids)]

    @cached_property
    def wide(self) -> pd.DataFrame:
        """The chip's preferred figures, as its row of :func:`chiplib.data.specs_wide`."""
        return self.wide_of([self.chip_id])

    @cached_property
    def inputs(self) -> pd.DataFrame:
        """The chip's export-control inputs (its row of :func:`chiplib.models.export_controls.inputs_table`)."""
        return export_controls.chip_inputs(self.dataset).loc[[self.chip_id]]

    @cached_property
    def family(self) -> dict[str, list[str]]:
        """The variant family from ``variant_of``: ``parent`` (a list of at most one), ``siblings`` (other variants
        of the same parent) and ``children`` (chips that name this one as their parent)."""
        chips = self.dataset.chips
        parent = chips.at[self.chip_id, "variant_of"]
        parents = [parent] if isinstance(parent, str) and parent else []
        siblings = [c for c in chips.index[chips["variant_of"] == parent] if c != self.chip_id] if parents else []
        return {"parent": parents, "siblings": siblings, "children": list(chips.index[chips["variant_of"] == self.chip_id])}

    @cached_property
    def estimates(self) -> pd.DataFrame:
        """Every published figure, one row per ``chip_specs.csv`` row: value and unit as published, value in the
        metric's canonical unit (``text`` for text and date metrics), source, ``origin`` and the origin's kind
        (``origins.csv``), grade (``basis``), ``preferred`` and note. Metrics in ``metrics.csv`` order; within a
        metric the preferred row first, then file order."""
        ds = self.dataset
        rows = ds.specs[ds.specs["chip_id"] == self.chip_id].copy()
        rows["order"] = rows["metric"].map({m: i for i, m in enumerate(ds.metrics.index)})
        rows["origin_kind"] = rows["origin"].map(ds.origins["kind"])
        rows = rows.sort_values(["order", "preferred"], ascending=[True, False], kind="stable")
        columns = ["metric", "kind", "value_published", "unit_published", "value", "unit", "text", "source_id",
                   "origin", "origin_kind", "basis", "preferred", "note"]
        return rows[columns].reset_index(drop=True)

    @cached_property
    def spread(self) -> pd.DataFrame:
        """Per metric with figures: ``estimates`` (rows), ``sources``, ``origins`` (independent origins), ``low``
        and ``high`` (canonical unit; NaN for text and dates), the ``preferred`` figure, ``contested``,
        ``disagreement`` and ``source_ids``.

        ``contested`` is the collection's rule (:func:`chiplib.data.coverage`): quantities whose lowest and highest
        figures differ by more than :data:`chiplib.data.CONTESTED_SHARE` of the highest, texts and dates that
        differ. ``disagreement`` says who disagrees: ``between origins`` when two figures from different origins
        differ, ``within one origin`` when only one origin's own figures differ (no independent disagreement).
        """
        records = []
        for metric, group in self.estimates.groupby("metric", sort=False):
            kind = group["kind"].iloc[0]
            values = list(group["value"] if kind == "quantity" else group["text"])
            origins = list(group["origin"])
            low, high = (min(values), max(values)) if kind == "quantity" else (math.nan, math.nan)
            pairs = [(i, j) for i in range(len(values)) for j in range(i + 1, len(values))
                     if _differ(values[i], values[j], kind)]
            contested = _differ(low, high, kind) if kind == "quantity" else bool(pairs)
            between = any(origins[i] != origins[j] for i, j in pairs)
            preferred = group[group["preferred"]]
            records.append({
                "metric": metric, "kind": kind, "unit": group["unit"].iloc[0], "estimates": len(group),
                "sources": group["source_id"].nunique(), "origins": group["origin"].nunique(), "low": low, "high": high,
                "preferred": preferred["value" if kind == "quantity" else "text"].iloc[0] if len(preferred) else None,
                "contested": contested,
                "disagreement": ("between origins" if between else "within one origin") if contested else "",
                "source_ids": tuple(sorted(set(group["source_id"]))),
            })
        columns = ["metric", "kind", "unit", "estimates", "sources", "origins", "low", "high", "preferred", "contested",
                   "disagreement", "source_ids"]
        table = pd.DataFrame(records, columns=columns)
        return table.astype({"estimates": int, "sources": int, "origins": int, "low": float, "high": float,
                             "contested": bool})

    @cached_property
    def unpublished(self) -> pd.DataFrame:
        """The key figures (:data:`KEY_METRICS`) with no row at all: ``metric``, ``unit``, ``description``."""
        have = set(self.estimates["metric"])
        missing = [m for m in KEY_METRICS if m not in have]
        return self.dataset.metrics.loc[missing, ["unit", "description"]].rename_axis("metric").reset_index()

    def _preferred_sources(self, metrics) -> tuple[str, ...]:
        return tuple(data.preferred_sources([self.chip_id], list(metrics), self.dataset))

    @cached_property
    def export_figures(self) -> pd.DataFrame:
        """TPP and performance density as :func:`chiplib.models.export_controls.inputs_table` obtains them, one row
        each (``figure`` tpp, pd): ``value``, ``basis`` (computed, published, computed with one die assumed, or
        empty when unknown), ``how`` (the arithmetic, or what is missing) and ``sources`` (the figures used)."""
        inputs, row, unit = self.inputs.loc[self.chip_id], self.wide.loc[self.chip_id], self.dataset.unit
        tpp, tpp_basis = float(inputs["tpp"]), inputs["tpp_basis"]
        dense = {m: float(row[m]) * bits for m, bits in export_controls.BIT_LENGTHS.items() if pd.notna(row[m])}
        if tpp_basis == "published":
            how, used = (f"a source states TPP {tpp:,.0f} (the dense figures give at most "
                         f"{max(dense.values(), default=0):,.0f})"), ["tpp_published"]
        elif tpp_basis == "computed":
            used = [m for m, value in dense.items() if value == tpp]  # every precision that reaches the maximum
            how = " = ".join(f"{m} {row[m]:,.6g} {unit(m)} x {export_controls.BIT_LENGTHS[m]} bits" for m in used)
        else:
            how, used = "unknown: no dense throughput and no published TPP", []
        density, pd_basis = float(inputs["pd"]), inputs["pd_basis"]
        if pd_basis == "published":
            pd_how, pd_used = "a source states the density (no die area is published)", ["pd_published"]
        elif pd_basis:
            count = 1.0 if pd.isna(row["die_count"]) else float(row["die_count"])
            pd_how = f"TPP {tpp:,.6g} / ({row['die_area']:,.6g} mm^2 x {count:g} die{'' if count == 1 else 's'})"
            pd_used = [*used, "die_area", *(["die_count"] if pd.notna(row["die_count"]) else [])]
        else:
            missing = [name for name, value in (("TPP", tpp), ("die area", row["die_area"])) if pd.isna(value)]
            pd_how, pd_used = f"unknown: no {' and no '.join(missing)}, and no published density", []
        return pd.DataFrame([
            {"figure": "tpp", "value": tpp, "basis": tpp_basis, "how": how, "sources": self._preferred_sources(used)},
            {"figure": "pd", "value": density, "basis": pd_basis, "how": pd_how,
             "sources": self._preferred_sources(pd_used)},
        ])

    @cached_property
    def rules(self) -> tuple[export_controls.Rule, ...]:
        """Every rule version of ``export_rules.yaml``, oldest first."""
        return export_controls.rules(self.dataset)

    @cached_property
    def classifications(self) -> pd.DataFrame:
        """The chip under every rule version on its preferred figures: ``rule_id``, ``name``, ``effective``,
        ``result``, ``controlled`` (None when unknown), ``reason`` and the rule's ``sources``."""
        inputs = self.inputs.loc[self.chip_id].to_dict()
        rows = []
        for version in self.rules:
            outcome = export_controls.classify_values(inputs, version)
            rows.append({"rule_id": version.rule_id, "name": version.name, "effective": version.effective,
                         "result": outcome.result, "controlled": outcome.controlled, "reason": outcome.reason,
                         "sources": version.sources})
        return pd.DataFrame(rows, columns=["rule_id", "name", "effective", "result", "controlled", "reason", "sources"])

    @cached_property
    def alternatives_tried(self) -> pd.DataFrame:
        """Each non-preferred figure of an input the rules read (:data:`~chiplib.models.export_controls.INPUT_METRICS`)
        that differs from the preferred one, swapped in alone (as :func:`~chiplib.models.export_controls.sensitivity`
        does), with the resulting ``tpp``, ``pd`` and result under every rule (``results``: rule id -> result)."""
        tried, table = export_controls.alternative_inputs([self.chip_id], self.dataset)
        rows = []
        for number, alt in enumerate(tried):
            inputs = table.iloc[number].to_dict()
            rows.append({"metric": alt.metric, "value": alt.value, "source_id": alt.source_id, "origin": alt.origin,
                         "tpp": inputs["tpp"], "pd": inputs["pd"],
                         "results": {v.rule_id: export_controls.classify_values(inputs, v).result for v in self.rules}})
        return pd.DataFrame(rows, columns=["metric", "value", "source_id", "origin", "tpp", "pd", "results"])

    @cached_property
    def movers(self) -> pd.DataFrame:
        """The alternatives (:attr:`alternatives_tried`) that change the classification, one row per (figure, rule):
        ``metric``, ``value``, ``source_id``, ``origin``, ``tpp``, ``pd``, ``rule_id``, ``preferred_result``,
        ``result``."""
        base = self.classifications.set_index("rule_id")["result"]
        rows = [{**{k: v for k, v in alt.items() if k != "results"}, "rule_id": rule_id,
                 "preferred_result": base[rule_id], "result": result}
                for alt in self.alternatives_tried.to_dict("records") for rule_id, result in alt["results"].items()
                if result != base[rule_id]]
        return pd.DataFrame(rows, columns=["metric", "value", "source_id", "origin", "tpp", "pd", "rule_id",
                                           "preferred_result", "result"])

    @cached_property
    def contemporaries(self) -> pd.DataFrame:
        """The chips the dossier compares this one with, this chip first, with ``why`` each was chosen, then the
        preferred :data:`COMPARED_FIGURES` and ``tpp``.

        The rule, from ``chips.csv`` only (year, country, vendor, status, flagship, variant_of):

        1. ``flagship, same or adjacent year``: every flagship part whose year is within :data:`WINDOW` of this one's;
        2. ``nearest US flagship``: if none of those is a US part, the US flagship(s) nearest in year (ties: all),
           so there is always a US yardstick;
        3. ``same-country peer``: up to :data:`PEERS` parts of this chip's country within the window that reached
           customers (shipping or discontinued), one per vendor: the vendor's part with the most key figures
           (:data:`KEY_METRICS`) published, ties broken by nearer year, then chip id; vendors ranked the same way.

        The chip's own variant family is never a contemporary. A chip with no year is compared with its variant
        family instead (``why`` = ``variant family``), or stands alone if it has none.
        """
        ds, chips = self.dataset, self.dataset.chips
        kin = {c for ids in self.family.values() for c in ids}
        year = chips.at[self.chip_id, "year"]
        why: dict[str, str] = {self.chip_id: "this chip"}
        if pd.isna(year):
            why.update({c: "variant family" for c in sorted(kin)})
        else:
            others = chips.drop(index=[self.chip_id, *kin])
            distance = (others["year"].astype("Float64") - int(year)).abs().astype(float).fillna(math.inf)
            near = others[distance <= WINDOW]
            flagships = near[near["flagship"] == "true"]
            why.update({c: "flagship, same or adjacent year" for c in flagships.index})
            if not (flagships["country"] == "US").any():
                us = distance[(others["flagship"] == "true") & (others["country"] == "US")]
                why.update({c: "nearest US flagship" for c in us.index[(us == us.min()) & (us < math.inf)]})
            peers = near[(near["country"] == chips.at[self.chip_id, "country"]) & near["status"].isin(SHIPPED)
                         & ~near.index.isin(list(why))]
            have = ds.specs[ds.specs["metric"].isin(KEY_METRICS)].groupby("chip_id")["metric"].nunique()
            ranked = pd.DataFrame({"vendor": peers["vendor"].to_numpy(), "chip_id": peers.index,
                                   "figures": have.reindex(peers.index, fill_value=0).to_numpy(),
                                   "distance": distance.loc[peers.index].to_numpy()})
            ranked = ranked.sort_values(["figures", "distance", "chip_id"], ascending=[False, True, True], kind="stable")
            why.update({c: "same-country peer" for c in ranked.drop_duplicates("vendor").head(PEERS)["chip_id"]})

        def order(chip: str) -> tuple:
            known = pd.notna(chips.at[chip, "year"])
            return (not known, int(chips.at[chip, "year"]) if known else 0, chips.at[chip, "country"], chip)

        ids = [self.chip_id, *sorted((c for c in why if c != self.chip_id), key=order)]
        wide = self.wide_of(ids)
        table = wide.loc[ids, ["name", "vendor", "country", "status", "year", *COMPARED_FIGURES]].copy()
        table.insert(0, "why", [why[c] for c in ids])
        table["tpp"] = export_controls.chip_inputs(ds).loc[ids, "tpp"]
        table.attrs["units"] = {m: ds.unit(m) for m in COMPARED_FIGURES}
        return table

    @cached_property
    def claims(self) -> pd.DataFrame:
        """The claims whose ``subject`` or ``subject_b`` is the chip, each assessed exactly as the claims ledger
        does (:func:`chiplib.models.claims.assess_rows`, on the data without the claimant's origin), in file order."""
        ds = self.dataset
        table = ds.tables["claims"]
        mine = table[(table["subject"] == self.chip_id) | (table["subject_b"] == self.chip_id)]
        columns = ["claim_id", "claim", "claimant", "origin", "source_id", "date", "claimed", "unit", "computed",
                   "tolerance", "verdict", "reasoning", "note", "evidence_origins", "evidence_sources", "sources"]
        return claims.assess_rows(mine, ds).reindex(columns=columns)
