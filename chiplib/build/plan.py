"""The build plan (``notebooks/reports.yaml``): reports, their variants, checked into jobs.

Convention over configuration: a report named ``export-controls`` runs the notebook
``notebooks/export_controls.ipynb`` and checks its parameters with ``chiplib.reports.export_controls``
(the name with '-' read as '_'); the plan names neither.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplib.core.locations import NOTEBOOKS, PLAN, REPORTS

__all__ = ["DEFAULT_CELL_TIMEOUT", "NOTEBOOKS", "PLAN", "REPORTS", "Job", "PlanError", "Result", "load_plan",
           "parse_overrides", "plan_jobs", "plan_order", "report_stem"]
from chiplib.core.params import ParamError
from chiplib.data import configs
from chiplib.reports import module_for

REPORTS_PACKAGE = Path(__file__).resolve().parents[1] / "reports"


#: Seconds a single notebook cell may run before the run fails (``--cell-timeout``).
DEFAULT_CELL_TIMEOUT = 600


class PlanError(ValueError):
    """The build plan, a variant's parameters, or a command-line choice is invalid (exit 2)."""


@dataclass(frozen=True)
class Job:
    """One report variant to build."""

    report: str
    variant: str
    notebook: Path
    title: str
    question: str
    params: dict[str, Any]
    plan_entry: str = ""  # the report's entry in the plan (JSON, other variants left out): part of the cache key

    @property
    def key(self) -> str:
        return f"{self.report}/{self.variant}"

    @property
    def html_name(self) -> str:
        return f"{self.report}--{self.variant}.html"


@dataclass
class Result:
    """What a run produced: figures recorded, seconds taken, or the error that stopped it."""

    job: Job
    figures: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    cached: bool = False
    error: str | None = None
    inputs_hash: str = ""
    reads: list[str] = field(default_factory=list)  # data files the run read (relative to the data directory)


def report_stem(report: str) -> str:
    """The notebook stem and report-module name of report ``report``: its name with '-' read as '_'."""
    return report.replace("-", "_")


def load_plan(path: Path = PLAN, data_dir: Path | None = None) -> list[dict]:
    """The list of reports in the plan, checked against its schema (unknown keys, duplicate names, types),
    and each report's module and notebook (by convention, see :func:`report_stem`); PlanError lists every
    problem with its key path. A report declared with ``variants_from`` gets one variant per row of that
    data table (in the table's order; :func:`generated_variants`), so a new row brings a new variant."""
    try:
        plan = configs.read(path)
    except configs.YamlError as exc:
        raise PlanError(f"{path}: cannot read the build plan: {exc}") from exc
    problems = [f"{path.name}: key '{p.path}': {p.reason}" for p in configs.problems(plan, configs.PLAN_FILE)]
    for index, report in enumerate((plan or {}).get("reports") or [] if isinstance(plan, dict) else []):
        if isinstance(report, dict) and ("variants" in report) == ("variants_from" in report):
            problems.append(f"{path.name}: key 'reports.{index}': give either 'variants' or 'variants_from' "
                            f"(one variant per row of a data table), not {'both' if 'variants' in report else 'neither'}")
    if problems:
        raise PlanError("\n".join(problems))
    reports = plan["reports"]
    seen: set[str] = set()
    for index, report in enumerate(reports):
        where = f"{path.name}: key 'reports.{index}'"
        if report["name"] in seen:
            problems.append(f"{where}: duplicate report name {report['name']!r}")
        seen.add(report["name"])
        stem = report_stem(report["name"])
        if not (REPORTS_PACKAGE / f"{stem}.py").is_file():
            valid = sorted(p.stem.replace("_", "-") for p in REPORTS_PACKAGE.glob("[a-z]*.py")
                           if (NOTEBOOKS / f"{p.stem}.ipynb").is_file()  # a report: a module, a notebook, an answer
                           and hasattr(module_for(p.stem), "answer"))
            problems.append(f"{where}: no report module chiplib/reports/{stem}.py for {report['name']!r}; "
                            f"reports with a module: {', '.join(valid)}")
        if not (path.parent / f"{stem}.ipynb").is_file():
            problems.append(f"{where}: notebook {stem}.ipynb not found in {path.parent}")
        if "variants_from" in report:
            try:
                report["variants"] = generated_variants(report["variants_from"], data_dir)
            except PlanError as exc:
                problems.append(f"{where}.variants_from: {exc}")
    if problems:
        raise PlanError("\n".join(problems))
    return reports


def generated_variants(spec: dict, data_dir: Path | None = None) -> dict[str, dict]:
    """``{value: {parameter: value}}`` for each row of ``spec["table"]`` (the value of ``spec["column"]``,
    default the table's first column), in the table's order."""
    import re

    from chiplib import data

    tables = data.load(data_dir).tables
    if spec["table"] not in tables:
        raise PlanError(f"no data table {spec['table']!r}; tables: {', '.join(sorted(tables))}")
    table = tables[spec["table"]]
    column = spec.get("column", table.columns[0])
    if column not in table.columns:
        raise PlanError(f"table {spec['table']!r} has no column {column!r}; columns: {', '.join(table.columns)}")
    values = [str(v) for v in table[column].dropna()]
    bad = [v for v in values if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", v)]
    if bad:
        raise PlanError(f"{column} values cannot name variants (lower-case words joined by '-'): {', '.join(bad)}")
    return {value: {spec["parameter"]: value} for value in dict.fromkeys(values)}


def parse_overrides(pairs: Iterable[str]) -> dict[str, Any]:
    """``["precision=fp8", "include_roadmap=false"]`` -> typed values (YAML scalars, read safely)."""
    import yaml

    overrides = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        if not sep or not name:
            raise PlanError(f"-p expects key=value, got {pair!r}")
        overrides[name.strip()] = yaml.safe_load(text) if text.strip() else ""
    return overrides


def plan_jobs(reports: list[dict], only: list[str] | None = None, overrides: dict[str, Any] | None = None,
              plan_dir: Path = NOTEBOOKS) -> list[Job]:
    """Expand the plan into jobs, checking every variant's parameters; PlanError lists every problem."""
    jobs, problems = [], []
    names = [r["name"] for r in reports] + [f"{r['name']}/{v}" for r in reports for v in r["variants"]]
    for wanted in only or []:
        if wanted not in names:
            problems.append(f"--only {wanted!r} matches no report or variant; valid names: {', '.join(names)}")
    for report in reports:
        module = module_for(report["name"])
        for variant, given in report["variants"].items():
            key = f"{report['name']}/{variant}"
            if only and report["name"] not in only and key not in only:
                continue
            params = {**(given or {}), **(overrides or {})}
            try:
                params = module.check_params(**params)
            except ParamError as exc:
                problems.append(f"{key}: {exc}")
                continue
            entry = {k: v for k, v in report.items() if k != "variants"} | {"variant": {variant: given}}
            jobs.append(Job(report["name"], variant, plan_dir / f"{report_stem(report['name'])}.ipynb", report["title"],
                            report["question"], params, json.dumps(entry, sort_keys=True, default=str)))
    if problems:
        raise PlanError("\n".join(problems))
    return jobs


def plan_order(reports: list[dict]) -> dict[str, tuple[int, int]]:
    """``report/variant`` -> its position in the plan (reports and variants in the order written)."""
    return {f"{r['name']}/{v}": (i, j) for i, r in enumerate(reports) for j, v in enumerate(r["variants"])}
