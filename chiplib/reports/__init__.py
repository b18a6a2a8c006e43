"""The reports layer: one module per report, named as the report (``export-controls`` ->
``export_controls``), holding its parameters, what it selects and what its answer in brief says."""

from __future__ import annotations

import importlib
from types import ModuleType


def module_for(report: str) -> ModuleType:
    """The module of report ``report`` (its name with '-' read as '_')."""
    return importlib.import_module(f"chiplib.reports.{report.replace('-', '_')}")
