"""The build layer: the plan, cache keys, running and rendering notebooks, and the safety around them.

``from chiplib import build`` gives :func:`build` (the whole build) and the pieces tests and
tools use. Modules: :mod:`~chiplib.build.plan`, :mod:`~chiplib.build.cache`, :mod:`~chiplib.build.runner`,
:mod:`~chiplib.build.render`, :mod:`~chiplib.build.safety`, :mod:`~chiplib.build.pipeline`.
"""

from chiplib.build.cache import cached_result, input_files, job_hash, shared_inputs_hash
from chiplib.build.pipeline import BuildError, build, figures_table, index_page
from chiplib.build.plan import (
    DEFAULT_CELL_TIMEOUT,
    NOTEBOOKS,
    PLAN,
    REPORTS,
    Job,
    PlanError,
    Result,
    load_plan,
    parse_overrides,
    plan_jobs,
    plan_order,
    report_stem,
)
from chiplib.build.runner import BuildInterrupted, collect_figures, run_job

__all__ = [
    "DEFAULT_CELL_TIMEOUT", "NOTEBOOKS", "PLAN", "REPORTS", "BuildError", "BuildInterrupted", "Job", "PlanError",
    "Result", "build", "cached_result", "collect_figures", "figures_table", "index_page", "input_files", "job_hash",
    "load_plan", "parse_overrides", "plan_jobs", "plan_order", "report_stem", "run_job", "shared_inputs_hash",
]
