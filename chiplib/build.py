"""The report build: read the plan in ``notebooks/reports.yaml`` and render its reports.

Only the plan reading exists so far; rendering (papermill + nbconvert) arrives with the
first report. The plan is read with a safe YAML loader: nothing in it is executed.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "notebooks" / "reports.yaml"


class PlanError(ValueError):
    """The build plan is malformed."""


def load_plan(path: Path = PLAN) -> list[dict]:
    """The list of reports in the plan; raises PlanError naming the file when it is malformed."""
    import yaml

    try:
        plan = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise PlanError(f"{path}: cannot read the build plan: {exc}") from exc
    reports = plan.get("reports") if isinstance(plan, dict) else None
    if not isinstance(reports, list):
        raise PlanError(f"{path}: expected a mapping with a 'reports' list")
    return reports


def build() -> int:
    """Build every report in the plan; returns a process exit code."""
    reports = load_plan()
    if not reports:
        print(f"{PLAN.relative_to(REPO)} lists no reports yet: nothing to build")
        return 0
    raise PlanError("rendering reports is not available in this version of chiplib")
