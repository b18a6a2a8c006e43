"""The report build: ``notebooks/reports.yaml`` -> offline HTML reports, an index and figures.csv.

Order of work, so that nothing good is ever lost:

1. read the plan (safe YAML), validate the data and **every** variant's parameters; any
   problem stops the build (exit 1 for data, 2 for plan/parameters) before a kernel starts;
2. take the reports folder's lock (one build at a time) and sweep what a killed build left;
3. skip variants whose inputs are unchanged (hash of every file in the data directory used, the
   notebook, the parameters, the plan entry, chiplib's code and templates, key library versions)
   unless ``force``;
4. execute the rest with papermill in worker processes (one per core by default; a per-cell time
   limit), render each to HTML in a temporary directory, and move it into ``reports/`` only on
   success; a failed run keeps its executed notebook under ``reports/_failed/`` and the last good
   report stays in place; Ctrl-C stops every worker and kernel and keeps every finished report;
5. write ``reports/index.html`` and ``reports/figures.csv`` from every variant's recorded
   headline figures (fresh or cached), and remove reports of variants no longer in the plan.

The runner accepts any ``concurrent.futures.Executor`` (e.g. a Dask client's executor).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from chiplib import data
from chiplib.build import noop
from chiplib.build.cache import _stored, cached_result, code_hash, data_hash, job_key
from chiplib.build.plan import (
    DEFAULT_CELL_TIMEOUT,
    PLAN,
    REPORTS,
    Job,
    PlanError,
    Result,
    load_plan,
    plan_jobs,
    plan_order,
    report_stem,
)
from chiplib.build.runner import Workers, _run
from chiplib.build.safety import BuildBusy, build_lock, sweep_leftovers, terminate_as_interrupt
from chiplib.core.files import write_atomic
from chiplib.present.figures import Figure


class BuildError(RuntimeError):
    """The build cannot go on (e.g. the reports folder cannot be written, or another build holds it)."""


def figures_table(results: list[Result], order: dict[str, tuple[int, int]] | None = None,
                  origins: dict[str, str] | None = None) -> str:
    """``reports/figures.csv``: report, variant, figure_id, label, value, unit, sources and the independent
    origins behind them (both space-separated; ``origins`` maps source id to origin), in plan order (each
    report's first variant first) when ``order`` is given."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["report", "variant", "figure_id", "label", "value", "unit", "sources", "origins"])
    for result in sorted(results, key=lambda r: (order or {}).get(r.job.key, (0, 0)) + (r.job.key,)):
        for fig in result.figures:
            writer.writerow([result.job.report, result.job.variant, fig["figure_id"], fig["label"],
                             "" if fig["value"] is None else fig["value"], fig["unit"], " ".join(fig["sources"]),
                             " ".join(sorted({(origins or {}).get(s, "") for s in fig["sources"]} - {""}))])
    return buffer.getvalue()


def index_page(results: list[Result], reports: list[dict], data_hash: str,
               data_version: tuple[str, str] = ("unversioned", ""), dataset: data.Dataset | None = None) -> str:
    """``reports/index.html``: the overview's headline figures and a chart, a sortable and filterable table of
    every chip linking its dossier (with ``dataset``), then every report with its question and its variants
    in plan order, each with its first headline figures."""
    import jinja2

    from chiplib.reports import front_page as front

    by_report: dict[str, list[dict]] = {}
    order = plan_order(reports)
    for result in sorted(results, key=lambda r: order.get(r.job.key, (0, 0)) + (r.job.key,)):
        figures = [Figure(f["figure_id"], f["label"], float("nan") if f["value"] is None else f["value"],
                          f["unit"], tuple(f["sources"])) for f in result.figures]
        by_report.setdefault(result.job.report, []).append(
            {"variant": result.job.variant, "href": result.job.html_name, "params": result.job.params,
             "figures": figures})
    overview = by_report.get("overview", [])
    context: dict[str, Any] = {"headline": overview[0]["figures"] if overview else [],
                               "overview_href": overview[0]["href"] if overview else None,
                               "chips": [], "chart_svg": "", "chart_sources": []}
    if dataset is not None:
        dossiers = {v["href"] for v in by_report.get("chip", [])}
        context["chips"], context["rule_name"] = front.chip_rows(dataset, dossiers)
        context["countries"] = sorted({c["country"] for c in context["chips"]})
        context["figure_headers"] = [header for _, header, _ in front.KEY_FIGURES]
        context["chart_svg"], context["chart_sources"] = front.compute_chart(dataset), front.chart_sources(dataset)
    listed = [r for r in reports if r["name"] in by_report and "variants_from" not in r]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                             autoescape=True)
    return env.get_template("index.html.j2").render(
        reports=listed, variants=by_report, data_hash=data_hash,
        data_version=data_version[0], as_of=data_version[1], **context)


def _remove_orphans(out: Path, reports: list[dict]) -> list[str]:
    """Remove reports, cache records and failed notebooks of variants no longer in the plan; their names."""
    wanted = {f"{r['name']}--{v}" for r in reports for v in r["variants"]}
    removed = []
    for pattern in ("*--*.html", ".cache/*--*.json", "_failed/*--*.ipynb"):
        for path in out.glob(pattern):
            stem = path.name.rsplit(".", 1)[0]
            if stem not in wanted:
                path.unlink(missing_ok=True)
                removed.append(path.relative_to(out).as_posix())
    return sorted(removed)


def _write_figures(out: Path, table: str, rotate: bool) -> bool:
    """Write ``figures.csv`` if its content changes (True when it did). With ``rotate`` (the build's first
    change), the file it replaces becomes ``figures.previous.csv``: "what moved" compares with the last
    build that changed a figure, and a no-op build changes nothing."""
    current = out / "figures.csv"
    old = current.read_text(encoding="utf-8") if current.exists() else None
    if old == table:
        return False
    if rotate and old is not None:
        write_atomic(out / "figures.previous.csv", old)
    write_atomic(current, table)
    return True


def build(only: list[str] | None = None, jobs: int | None = None, overrides: dict[str, Any] | None = None,
          force: bool = False, out: Path = REPORTS, executor: Executor | None = None,
          progress: bool = True, plan: Path = PLAN, data_dir: Path | None = None,
          cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> int:
    """Build the reports; returns the process exit code (0 ok, 1 a run or the data failed, 2 bad plan).

    Raises PlanError (bad plan, parameters or options), BuildError (the reports folder cannot be
    written, or another build holds it) and BuildInterrupted (Ctrl-C or SIGTERM).

    Reports run in stages (``stage`` in the plan, default 1). After each stage ``figures.csv`` is
    rewritten, so a later stage (the overview) reads every earlier report's headline figures.
    """
    if jobs is not None and jobs < 1:
        raise PlanError(f"--jobs must be 1 or more, got {jobs} (default: one worker per core, {os.cpu_count()})")
    if cell_timeout < 1:
        raise PlanError(f"--cell-timeout must be 1 second or more, got {cell_timeout}")
    directory = Path(data_dir).resolve() if data_dir else data.data_dir()
    if not (only or overrides or force):
        unchanged = noop.up_to_date(plan, directory, out)
        if unchanged is not None:
            print(f"nothing changed: {unchanged} reports up to date -> {out / 'index.html'}")
            return 0
    fingerprint = noop.fingerprint(plan, directory, out) if directory.is_dir() else ""
    reports = load_plan(plan, directory)
    if not reports:
        print(f"{plan} lists no reports: nothing to build")
        return 0
    dataset = data.load(directory)  # raises DataValidationError (exit 1) before any kernel starts
    with _environment(CHIPLIB_DATA=str(directory)):  # parameter choices come from the same data
        selected = plan_jobs(reports, only, overrides, plan.parent)
    try:
        out.mkdir(parents=True, exist_ok=True)
        # workers and kernels read the same data directory; the overview reads this build's figures
        with _environment(CHIPLIB_DATA=str(directory), CHIPLIB_REPORTS=str(out.resolve())), \
                build_lock(out) as note, terminate_as_interrupt():
            if note:
                print(note)
            sweep_leftovers(out)
            status, complete = _build_locked(reports, selected, out, dataset, force, overrides, jobs, executor,
                                             progress, plan, cell_timeout)
            if complete and not only:
                noop.remember(plan, directory, out, [job.html_name for job in selected], fingerprint)
            else:
                noop.forget(out)
            return status
    except BuildBusy as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:
        where = exc.filename or out
        raise BuildError(f"cannot write the reports: {where}: {exc.strerror or exc}; "
                         "the reports already in place were left as they were") from None


def _code_version() -> str:
    """The installed chiplib version (the package root is above the build layer, so it is not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chiplib")
    except PackageNotFoundError:
        return "0.0.0+unknown"


@contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of the block, then restore them."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _build_locked(reports: list[dict], selected: list[Job], out: Path, dataset: data.Dataset, force: bool,
                  overrides: dict[str, Any] | None, jobs: int | None, executor: Executor | None, progress: bool,
                  plan: Path, cell_timeout: int) -> tuple[int, bool]:
    """Run what changed, stage by stage; (exit code, whether every selected report is now current)."""
    directory = dataset.directory
    code = code_hash()
    origins = dataset.sources["origin"].to_dict()
    stage_of = {r["name"]: int(r.get("stage", 1)) for r in reports}
    number, as_of = data.version(directory)
    banner = f"Data version {number} (as of {as_of}) · inputs {{inputs}} · chiplib {_code_version()}"
    env = {"CHIPLIB_DATA": str(directory), "CHIPLIB_REPORTS": str(out.resolve())}
    log = out / ".cache" / "kernels.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    failures: list[str] = []
    all_results: list[Result] = []
    order = plan_order(reports)
    rotated = False
    workers = Workers(jobs, executor, code)
    for stage in sorted({stage_of[job.report] for job in selected}):
        extra = ""
        if stage > 1:  # later stages read the earlier stages' figures (not their own) and the previous build's
            known = results + _other_cached(out, {r.job.key for r in results}, reports, plan.parent)
            earlier = [r for r in known if stage_of[r.job.report] < stage]
            previous = out / "figures.previous.csv"
            extra = figures_table(earlier, order) + (previous.read_text(encoding="utf-8") if previous.exists() else "")
        todo = []
        for job in (j for j in selected if stage_of[j.report] == stage):
            key = job_key(job, code, directory, extra)
            hit = None if force or overrides else cached_result(job, key, directory, out)
            (results.append(hit) if hit else todo.append((job, key)))
        fresh, failed = _run(todo, out, banner, workers, progress, cell_timeout, env, log)
        results += fresh
        failures += failed
        for result in results:  # a variant that now succeeds has no failed notebook to show
            (out / "_failed" / f"{result.job.report}--{result.job.variant}.ipynb").unlink(missing_ok=True)
        # variants not rebuilt (--only) or failed keep their last good report and figures
        all_results = results + _other_cached(out, {r.job.key for r in results}, reports, plan.parent)
        rotated |= _write_figures(out, figures_table(all_results, order, origins), rotate=not rotated)
    write_atomic(out / "index.html", index_page(all_results, reports, data_hash(directory)[:12],
                                                (number, as_of), dataset))
    removed = _remove_orphans(out, reports)
    fresh_count = sum(1 for r in results if not r.cached)
    print(f"{fresh_count} built, {sum(1 for r in results if r.cached)} unchanged (cached), {len(failures)} failed "
          f"-> {out / 'index.html'}" + (f" (kernel messages: {log})" if fresh_count or failures else ""))
    if removed:
        print(f"removed {len(removed)} file(s) of variants no longer in the plan: {', '.join(removed)}")
    for failure in failures:
        print(f"FAILED {failure}")
    return (1 if failures else 0), not failures and not overrides


def _other_cached(out: Path, have: set[str], reports: list[dict], plan_dir: Path) -> list[Result]:
    """Last good results of variants not built this time (``--only``, or failed) still on disk."""
    found = []
    for report in reports:
        for variant in report["variants"]:
            key = f"{report['name']}/{variant}"
            stored = None if key in have else _stored(out / ".cache" / f"{report['name']}--{variant}.json")
            if stored is None:
                continue
            job = Job(report["name"], variant, plan_dir / f"{report_stem(report['name'])}.ipynb", report["title"],
                      report["question"],
                      stored.get("params", {}))
            if (out / job.html_name).exists():
                found.append(Result(job, stored["figures"], stored.get("seconds", 0.0), cached=True))
    return found
