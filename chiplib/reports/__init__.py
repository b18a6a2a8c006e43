"""The reports layer: one module per report, named as the report (``export-controls`` ->
``export_controls``), holding its parameters, what it selects and what its answer in brief says.

A report's title and question are written once, in the build plan (``notebooks/reports.yaml``);
:func:`heading` shows them at the top of the report.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from chiplib.data import configs
from chiplib.present.safe import markdown

#: The build plan: every report's title, question and variants.
PLAN = Path(__file__).resolve().parents[2] / "notebooks" / "reports.yaml"


def module_for(report: str) -> ModuleType:
    """The module of report ``report`` (its name with '-' read as '_')."""
    return importlib.import_module(f"chiplib.reports.{report.replace('-', '_')}")


def plan_entry(module_name: str, plan: Path = PLAN) -> dict:
    """The plan's entry for the report whose module is ``module_name`` (``chiplib.reports.landscape``)."""
    stem = module_name.rsplit(".", 1)[-1]
    for report in configs.load(plan)["reports"]:
        if report["name"].replace("-", "_") == stem:
            return report
    raise KeyError(f"no report for module {module_name!r} in {plan}")


def heading(module_name: str):
    """The report's title and question, from the plan, as Markdown for the top of the notebook."""
    entry = plan_entry(module_name)
    return markdown("# {title}\n\n**Question.** {question}", title=entry["title"],
                    question=" ".join(entry["question"].split()))
