"""The build layer: the plan, cache keys, running and rendering notebooks, and the safety around them.

``from chiplib import build`` gives :func:`build` (the whole build) and the pieces tests and
tools use. Modules: :mod:`~chiplib.build.plan`, :mod:`~chiplib.build.cache`, :mod:`~chiplib.build.runner`,
:mod:`~chiplib.build.warm`, :mod:`~chiplib.build.render`, :mod:`~chiplib.build.safety`,
:mod:`~chiplib.build.pipeline`, :mod:`~chiplib.build.noop`.

Names are imported on first use (PEP 562), so that ``chiplib build`` can find it has nothing to do
without importing pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "cache": ("cached_result", "input_files", "job_key", "run_hash"),
    "pipeline": ("BuildError", "build", "figures_table", "index_page"),
    "plan": ("DEFAULT_CELL_TIMEOUT", "NOTEBOOKS", "PLAN", "REPORTS", "Job", "PlanError", "Result", "load_plan",
             "parse_overrides", "plan_jobs", "plan_order", "report_stem"),
    "runner": ("BuildInterrupted", "collect_figures", "run_job"),
}
_WHERE = {name: module for module, names in _HOMES.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'chiplib.build' has no attribute {name!r}")
    return getattr(importlib.import_module(f"chiplib.build.{module}"), name)
