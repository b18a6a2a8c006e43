"""The YAML files: the rule, scenario and rubric files under ``data/`` and the build plan.

Every YAML file is read one way, :func:`read`: safe loading (nothing is executed), a duplicate
key is an error rather than a silent overwrite, and a syntax or encoding error becomes a
:class:`YamlError` naming the file and line. :data:`SCHEMAS` gives each file's structure as a
JSON Schema (unknown keys are errors, so a misspelt ``applies-to:`` cannot silently change a
classification); :func:`problems` lists every departure with its key path.
Cross-file checks (a chip or subject that does not exist) live in :mod:`chiplib.data.crossrefs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

RULES_FILE = "export_rules.yaml"
FAB_SCENARIOS_FILE = "fab_scenarios.yaml"
HBM_SCENARIOS_FILE = "hbm_scenarios.yaml"
PRODUCTION_SCENARIOS_FILE = "production_scenarios.yaml"
RUBRIC_FILE = "software_rubric.yaml"
PLAN_FILE = "reports.yaml"


class YamlError(ValueError):
    """A YAML file cannot be read: missing, not UTF-8, a syntax error, or a duplicate key."""

    def __init__(self, file: str, line: int, reason: str):
        self.file, self.line, self.reason = file, line, reason
        super().__init__(f"{file}:{line}: {reason}" if line else f"{file}: {reason}")


@dataclass(frozen=True)
class Problem:
    """One departure from a file's schema: the key path (``rules.2.tests.0``) and why."""

    path: str
    reason: str


@lru_cache(maxsize=2)
def _loader(fast: bool = True):
    """PyYAML's safe loader refusing duplicate keys: on libyaml's parser when ``fast`` and PyYAML has it (several
    times faster), else on PyYAML's own, whose syntax errors say more (what it found where it expected something)."""
    import yaml

    safe = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    class UniqueKeyLoader(safe):  # type: ignore[valid-type,misc]
        """PyYAML's safe loader, refusing a key given twice in one mapping."""

        def construct_mapping(self, node, deep=False):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key!r} (first given on line {seen[key]})", key_node.start_mark)
                seen[key] = line
            return super().construct_mapping(node, deep=deep)

    return UniqueKeyLoader


def read(path: Path) -> Any:
    """The YAML document in ``path``, read safely; YamlError (file, line, reason) when it cannot be."""
    import yaml

    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlError(name, 0, f"cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise YamlError(name, line, f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from exc
    try:
        try:
            return yaml.load(text, Loader=_loader())  # noqa: S506 (a SafeLoader subclass)
        except yaml.YAMLError:  # read again for PyYAML's own wording of the mistake
            return yaml.load(text, Loader=_loader(fast=False))  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise YamlError(name, line, " ".join(str(exc.problem or exc).split())) from exc
    except yaml.YAMLError as exc:
        raise YamlError(name, 0, " ".join(str(exc).split())) from exc


@lru_cache(maxsize=32)
def _read_cached(path: Path, stamp: tuple[int, int]) -> Any:
    return read(path)


def load(path: Path) -> Any:
    """:func:`read`, cached per file until the file changes (its size or modification time)."""
    stat = path.stat()
    return _read_cached(path, (stat.st_mtime_ns, stat.st_size))


# ----------------------------------------------------------------------------- schemas

_NUMBER = {"type": "number"}
_RANGE = {"type": "array", "items": {"type": "number", "minimum": 0}, "minItems": 2, "maxItems": 2,
          "description": "[low, high]"}
_STRINGS = {"type": "array", "items": {"type": "string"}}


def _mapping(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required), "additionalProperties": False}


_TEST = _mapping({"result": {"type": "string"}, "controlled": {"type": "boolean"}, "reason": {"type": "string"},
                  "when": {"type": ["array", "object"]}, "applies_to": _STRINGS},
                 ("result", "controlled", "reason", "when"))
_TESTS = {"type": "array", "items": {"anyOf": [_TEST, {"$ref": "#/$defs/tests"}]}}

#: What a rule's condition binds: the item, the exporter, the recipient, each shipment or the transaction.
CONDITION_SUBJECTS = ("item", "exporter", "recipient", "shipment", "transaction")
_CONDITION = _mapping({"id": {"type": "string", "pattern": r"^C[0-9]+$"}, "text": {"type": "string"},
                       "applies_to": {"enum": list(CONDITION_SUBJECTS)}, "source_id": {"type": "string"}},
                      ("id", "text", "applies_to", "source_id"))
_TARIFF = _mapping({"tariff_id": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"}, "name": {"type": "string"},
                    "rate_percent": {"type": "number", "minimum": 0},
                    "effective": {"type": ["string", "null"], "format": "date"}, "applies_to": {"type": "string"},
                    "when": {"type": ["array", "object", "null"]}, "exemptions": _STRINGS,
                    "basis": {"enum": ["reported", "target"]}, "sources": {**_STRINGS, "minItems": 1}},
                   ("tariff_id", "name", "rate_percent", "effective", "applies_to", "when", "basis", "sources"))

_FAB_INPUT = {"anyOf": [_RANGE, {"type": "null"},
                        {**_mapping({"from": {"type": "string"}, "scenario": {"type": "string"},
                                  "targets": {"type": "boolean"}}),
                         "minProperties": 1, "maxProperties": 2}],
              "description": "[low, high], null, {from: estimate subject[, targets: true]} or {scenario: HBM scenario}"}

_SUBJECTS = {"anyOf": [{"type": "string"}, {**_STRINGS, "minItems": 1}]}
_YEARS = {"type": "object", "propertyNames": {"pattern": r"^[0-9]{4}$"}, "additionalProperties": _RANGE}
_PRODUCTION_INPUT = {"anyOf": [_RANGE, {"type": "null"},
                               {**_mapping({"from": _SUBJECTS, "targets": {"type": "boolean"}, "years": _YEARS}), "required": ["from"]},
                               {**_mapping({"range": _RANGE, "years": _YEARS}), "required": ["range"]},
                               _mapping({"scenario": {"type": "string"}}, ("scenario",))],
                     "description": "[low, high], null, {from: subject(s)[, targets: true][, years: {...}]}, "
                                    "{range: [low, high], years: {YYYY: [low, high]}} or {scenario: HBM scenario}"}
#: The inputs of a production history (chiplib.models.production.INPUTS), every one required in every scenario.
PRODUCTION_INPUTS = ("die_bank", "hbm_stockpile", "wafers_per_month", "die_yield_percent", "die_bank_drawdown",
                     "hbm_drawdown", "packaging_yield", "share_950", "die_yield_950_percent", "die_area_950_mm2",
                     "dies_per_950", "stacks_per_950", "domestic_stacks")

#: Why an input is the collection's assumption, per input.
_ASSUMPTIONS = {"type": "object", "propertyNames": {"enum": list(PRODUCTION_INPUTS)}, "additionalProperties": {"type": "string"}}

#: The structure of each YAML file, as JSON Schema (draft 2020-12).
SCHEMAS: dict[str, dict] = {
    RULES_FILE: {
        **_mapping({
            "china_parts": _STRINGS,
            "tests": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tests"}},
            "tariffs": {"type": "array", "items": _TARIFF},
            "rules": {"type": "array", "minItems": 1, "items": _mapping({
                "rule_id": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
                "name": {"type": "string"}, "effective": {"type": "string", "format": "date"},
                "sources": {**_STRINGS, "minItems": 1}, "summary": {"type": "string"},
                "tests": {"$ref": "#/$defs/tests"}, "conditions": {"type": "array", "items": _CONDITION}},
                ("rule_id", "name", "effective", "sources", "summary", "tests"))},
        }, ("rules",)),
        "$defs": {"tests": _TESTS},
    },
    FAB_SCENARIOS_FILE: _mapping({
        "chip": {"type": "string"}, "die_chip": {"type": "string"},
        "scenarios": {"type": "object", "minProperties": 1, "additionalProperties": _mapping({
            "description": {"type": "string"},
            **{key: _FAB_INPUT for key in ("wafers_per_month", "die_yield_percent", "die_stock", "die_stock_drawdown",
                                           "packaging_yield", "hbm_stacks", "hbm_drawdown")},
        }, ("description", "wafers_per_month", "die_yield_percent", "die_stock", "die_stock_drawdown",
            "packaging_yield", "hbm_stacks", "hbm_drawdown"))},
    }, ("chip", "die_chip", "scenarios")),
    PRODUCTION_SCENARIOS_FILE: _mapping({
        "years": {"type": "array", "items": {"type": "integer", "minimum": 2000, "maximum": 2100}, "minItems": 2, "maxItems": 2},
        "generations": _mapping({"910c": _mapping({"chip": {"type": "string"}, "die_chip": {"type": "string"}}, ("chip", "die_chip")),
                                 "950": _mapping({"chip": {"type": "string"}}, ("chip",))}, ("910c", "950")),
        "assumptions": _ASSUMPTIONS,
        "scenarios": {"type": "object", "minProperties": 1,
                      "propertyNames": {"pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
                      "additionalProperties": _mapping({"description": {"type": "string"}, "assumptions": _ASSUMPTIONS,
                                                        **{key: _PRODUCTION_INPUT for key in PRODUCTION_INPUTS}},
                                                       ("description", *PRODUCTION_INPUTS))},
        "published": {"type": "object", "additionalProperties": _mapping({
            "counts": {"type": "string"}, "quantity": {"enum": [None, "packages", "packages_910c", "packages_950", "smic_capacity"]},
            "scale": {"type": "number", "exclusiveMinimum": 0}}, ("counts", "quantity"))},
    }, ("years", "generations", "assumptions", "scenarios", "published")),
    HBM_SCENARIOS_FILE: _mapping({
        "scenarios": {"type": "object", "minProperties": 1, "additionalProperties": _mapping({
            "description": {"type": "string"}, "subjects": {**_STRINGS, "minItems": 1},
            "chips": {**_STRINGS, "minItems": 1}, "targets": {"type": "boolean"}},
            ("description", "subjects", "chips"))},
    }, ("scenarios",)),
    RUBRIC_FILE: _mapping({
        "status_scores": {"type": "object", "additionalProperties": {**_NUMBER, "minimum": 0, "maximum": 1}},
        "cuda_scores": {"type": "object", "additionalProperties": {**_NUMBER, "minimum": 0, "maximum": 1}},
        "activity_quarters": {"type": "integer", "minimum": 1},
        "criteria": {"type": "object", "minProperties": 1, "additionalProperties": {"type": "string"}},
        "profiles": {"type": "object", "minProperties": 1,
                     "additionalProperties": {"type": "object", "additionalProperties": {**_NUMBER, "minimum": 0}}},
    }, ("status_scores", "cuda_scores", "activity_quarters", "criteria", "profiles")),
    PLAN_FILE: _mapping({
        "reports": {"type": "array", "items": _mapping({
            "name": {"type": "string", "pattern": r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"},
            "title": {"type": "string"}, "question": {"type": "string"},
            "stage": {"type": "integer", "minimum": 1},
            "variants": {"type": "object", "minProperties": 1,
                         "propertyNames": {"pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
                         "additionalProperties": {"type": ["object", "null"]}},
            # one variant per row of a data table: {table: chips, parameter: chip} (column: the table's first)
            "variants_from": _mapping({"table": {"type": "string"}, "parameter": {"type": "string"},
                                       "column": {"type": "string"}}, ("table", "parameter")),
        }, ("name", "title", "question"))},  # and one of variants, variants_from (checked by the build plan)
    }, ("reports",)),
}


def _path(parts) -> str:
    return ".".join(str(part) for part in parts) or "(top level)"


def _reason(error) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(allowed))
        return f"unknown key(s) {', '.join(map(repr, unknown))}; valid keys: {', '.join(allowed)}"
    if "propertyNames" in error.schema_path:
        return f"name {error.instance!r} must be lowercase letters and digits joined by single '-'"
    if error.validator == "anyOf":
        return f"{error.instance!r} is not valid here ({error.schema.get('description', 'see the file header')})"
    return error.message


def problems(document: Any, name: str) -> list[Problem]:
    """Every way ``document`` departs from the schema of file ``name``, in document order."""
    import datetime as dt

    import jsonschema  # without rfc3987_syntax: see chiplib/__init__.py

    def plain(value):  # YAML dates -> ISO strings, so the schema sees JSON types
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    def specific(error) -> list:
        """For an anyOf failure, the errors of the branches that fit the value's type (all of them)."""
        if error.validator != "anyOf" or not error.context:
            return [error]
        fitting = [e for e in error.context if not (e.validator == "type" and not e.relative_path)]
        return [leaf for e in fitting for leaf in specific(e)] if fitting else [error]

    validator = jsonschema.Draft202012Validator(SCHEMAS[name], format_checker=jsonschema.FormatChecker())
    errors = [leaf for error in validator.iter_errors(plain(document)) for leaf in specific(error)]
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    found: list[Problem] = []
    missing: dict[str, list[str]] = {}
    for error in errors:
        if error.validator == "required":  # one message per mapping, naming every missing key
            key = str(error.message).split("'")[1]
            missing.setdefault(_path(error.absolute_path), []).append(key)
        else:
            found.append(Problem(_path(error.absolute_path), _reason(error)))
    found += [Problem(path, f"missing key(s) {', '.join(map(repr, sorted(keys)))}") for path, keys in missing.items()]
    return sorted(found, key=lambda p: p.path)
