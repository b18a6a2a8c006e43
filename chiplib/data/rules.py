"""The export-control rule versions in ``data/export_rules.yaml``: their structure, checked and parsed.

A rule version lists ordered tests; each test's condition is a comparison ``[input, op, value]``
or ``{all: [...]}`` / ``{any: [...]}`` of them. This module only reads and checks that structure;
:mod:`chiplib.models.export_controls` evaluates it. Nothing in the file is executed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chiplib.data.configs import RULES_FILE

#: What a condition may compare (computed by the export-controls model from chip figures).
INPUTS = ("tpp", "pd", "io_bandwidth", "memory_bandwidth", "datacenter")
#: Comparison operators a condition may use.
OPS = (">=", ">", "<", "<=", "==")

__all__ = ["INPUTS", "OPS", "RULES_FILE", "Condition", "Rule", "RuleError", "Tariff", "Test", "parse_rules", "rules",
           "tariffs"]


class RuleError(ValueError):
    """The rules file is malformed or a rule id is unknown."""


@dataclass(frozen=True)
class Test:
    result: str
    controlled: bool
    reason: str
    when: object
    applies_to: tuple[str, ...] = ()  # vendors a company-specific test binds; empty = every chip


@dataclass(frozen=True)
class Condition:
    """A condition a rule attaches to a licence (a cap, a test, a customer check): listed beside the
    outcome, never applied to chip figures."""

    id: str
    text: str
    applies_to: str
    source_id: str


@dataclass(frozen=True)
class Rule:
    rule_id: str
    name: str
    effective: dt.date
    sources: tuple[str, ...]
    summary: str
    tests: tuple[Test, ...]
    conditions: tuple[Condition, ...] = ()


@dataclass(frozen=True)
class Tariff:
    """A tariff band on imports of chips, in the tests' condition grammar (``when`` None: no technical band
    was ever stated). ``basis`` ``target`` for an announced plan never enacted."""

    tariff_id: str
    name: str
    rate_percent: float
    effective: dt.date | None
    applies_to: str
    when: object
    exemptions: tuple[str, ...]
    basis: str
    sources: tuple[str, ...]


def _flatten(items) -> list:
    flat = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _check_condition(cond, where: str) -> list[str]:
    if isinstance(cond, list):
        if len(cond) != 3 or cond[0] not in INPUTS or cond[1] not in OPS:
            return [f"{where}: comparison must be [input, op, value] with input in {INPUTS} and op in {OPS}, "
                    f"got {cond!r}"]
        if not isinstance(cond[2], (int, float, bool)):
            return [f"{where}: comparison value must be a number or true/false, got {cond[2]!r}"]
        return []
    if isinstance(cond, dict) and len(cond) == 1 and next(iter(cond)) in ("all", "any"):
        parts = next(iter(cond.values()))
        if not isinstance(parts, list) or not parts:
            return [f"{where}: '{next(iter(cond))}' needs a non-empty list"]
        return [p for i, part in enumerate(parts) for p in _check_condition(part, f"{where}.{i}")]
    return [f"{where}: a condition is [input, op, value] or {{all: [...]}} / {{any: [...]}}, got {cond!r}"]


def parse_rules(raw: object, source_ids: set[str] | None = None) -> tuple[list[Rule], list[str]]:
    """Rules from the YAML structure, and every problem found (rule id and field named)."""
    problems: list[str] = []
    rules: list[Rule] = []
    if not isinstance(raw, dict) or not isinstance(raw.get("rules"), list):
        return [], ["expected a mapping with a 'rules' list"]
    seen = set()
    for index, item in enumerate(raw["rules"]):
        rid = item.get("rule_id", f"#{index + 1}") if isinstance(item, dict) else f"#{index + 1}"
        where = f"rule {rid}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        missing = {"rule_id", "name", "effective", "sources", "summary", "tests"} - set(item)
        if missing:
            problems.append(f"{where}: missing field(s) {sorted(missing)}")
            continue
        if rid in seen:
            problems.append(f"{where}: duplicate rule_id")
        seen.add(rid)
        if not isinstance(item["effective"], dt.date):
            problems.append(f"{where}: 'effective' must be a date (YYYY-MM-DD), got {item['effective']!r}")
        conditions = tuple(Condition(str(c["id"]), " ".join(str(c["text"]).split()), str(c["applies_to"]),
                                     str(c["source_id"])) for c in item.get("conditions", []) if isinstance(c, dict))
        for source in [*item["sources"], *(c.source_id for c in conditions)]:
            if source_ids is not None and source not in source_ids:
                problems.append(f"{where}: unknown source_id {source!r} (not in sources.csv)")
        tests = []
        for t_index, test in enumerate(_flatten(item["tests"])):
            t_where = f"{where} test {t_index + 1}"
            if not isinstance(test, dict) or {"result", "controlled", "reason", "when"} - set(test):
                problems.append(f"{t_where}: needs result, controlled, reason and when")
                continue
            problems.extend(_check_condition(test["when"], f"{t_where} when"))
            applies_to = test.get("applies_to", [])
            if not isinstance(applies_to, list):
                problems.append(f"{t_where}: applies_to must be a list of vendor names")
                applies_to = []
            tests.append(Test(str(test["result"]), bool(test["controlled"]), str(test["reason"]), test["when"],
                              tuple(applies_to)))
        rules.append(Rule(rid, str(item["name"]), item["effective"], tuple(item["sources"]),
                          " ".join(str(item["summary"]).split()), tuple(tests), conditions))
    for index, item in enumerate(raw.get("tariffs") or []):
        where = f"tariff {item.get('tariff_id', f'#{index + 1}') if isinstance(item, dict) else f'#{index + 1}'}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        if item.get("when") is not None:
            problems.extend(_check_condition(item["when"], f"{where} when"))
        for source in item.get("sources", []):
            if source_ids is not None and source not in source_ids:
                problems.append(f"{where}: unknown source_id {source!r} (not in sources.csv)")
    dates = [r.effective for r in rules if isinstance(r.effective, dt.date)]
    if dates != sorted(dates):
        problems.append("rules must be listed in order of effective date")
    return rules, problems


def rules(dataset) -> tuple[Rule, ...]:
    """Every rule version of ``dataset`` (a :class:`chiplib.data.Dataset`), oldest first."""
    raw = dataset.config(RULES_FILE)
    found, problems = parse_rules(raw)
    if problems:
        raise RuleError(f"{RULES_FILE}: " + "; ".join(problems))
    return tuple(found)


def tariffs(dataset) -> tuple[Tariff, ...]:
    """The tariff bands in the rules file (``tariffs``), in file order."""
    raw = dataset.config(RULES_FILE).get("tariffs") or []
    return tuple(Tariff(t["tariff_id"], str(t["name"]), float(t["rate_percent"]), t["effective"], str(t["applies_to"]),
                        t["when"], tuple(t.get("exemptions", [])), t["basis"], tuple(t["sources"])) for t in raw)


def china_parts(dataset) -> list[str]:
    """US vendors' parts designed for the Chinese market under the rules (``china_parts`` in the rules file)."""
    return list(dataset.config(RULES_FILE).get("china_parts", []))
