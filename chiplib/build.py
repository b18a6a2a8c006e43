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

import datetime as dt
import hashlib
import importlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplib.buildsafety import (STAGING_PREFIX, BuildBusy, build_lock, ignore_interrupts, stop_descendants,
                                 sweep_leftovers, terminate_as_interrupt, write_atomic)
from chiplib.params import ParamError

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
PLAN = NOTEBOOKS / "reports.yaml"
REPORTS = REPO / "reports"
#: Theme modules a plan may name (``module:``); the build imports nothing else on a plan's say-so.
THEME_MODULES = ("landscape", "export_controls", "clusters", "memory", "fab", "software", "claims", "overview")


#: Seconds a single notebook cell may run before the run fails (``--cell-timeout``).
DEFAULT_CELL_TIMEOUT = 600
#: Libraries whose versions change what a report looks like: part of every cache key.
KEY_LIBRARIES = ("altair", "vl-convert-python", "nbconvert", "nbformat", "papermill", "pandas", "numpy", "jinja2",
                 "mistune", "chiplib")


class PlanError(ValueError):
    """The build plan, a variant's parameters, or a command-line choice is invalid (exit 2)."""


class BuildError(RuntimeError):
    """The build cannot go on (e.g. the reports folder cannot be written, or another build holds it)."""


class BuildInterrupted(KeyboardInterrupt):
    """The build was interrupted (Ctrl-C or SIGTERM); finished reports were kept, the rest left as they were."""

    def __init__(self, finished: int, stopped: int):
        super().__init__(f"interrupted: {finished} report(s) finished and kept, {stopped} stopped; "
                         "every other report is as it was before this build")


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


# ----------------------------------------------------------------------------- the plan

def load_plan(path: Path = PLAN) -> list[dict]:
    """The list of reports in the plan, checked against its schema (unknown keys, duplicate names, types),
    known modules and existing notebooks; PlanError lists every problem with its key path."""
    from chiplib import configs

    try:
        plan = configs.read(path)
    except configs.YamlError as exc:
        raise PlanError(f"{path}: cannot read the build plan: {exc}") from exc
    problems = [f"{path.name}: key '{p.path}': {p.reason}" for p in configs.problems(plan, configs.PLAN_FILE)]
    if problems:
        raise PlanError("\n".join(problems))
    reports = plan["reports"]
    seen: set[str] = set()
    for index, report in enumerate(reports):
        where = f"{path.name}: key 'reports.{index}'"
        if report["name"] in seen:
            problems.append(f"{where}: duplicate report name {report['name']!r}")
        seen.add(report["name"])
        if report["module"] not in THEME_MODULES:
            problems.append(f"{where}: unknown module {report['module']!r}; valid modules: {', '.join(THEME_MODULES)}")
        if not (path.parent / report["notebook"]).is_file():
            problems.append(f"{where}: notebook {report['notebook']!r} not found in {path.parent}")
    if problems:
        raise PlanError("\n".join(problems))
    return reports


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
        module = importlib.import_module(f"chiplib.{report['module']}")
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
            jobs.append(Job(report["name"], variant, plan_dir / report["notebook"], report["title"],
                            report["question"], params, json.dumps(entry, sort_keys=True, default=str)))
    if problems:
        raise PlanError("\n".join(problems))
    return jobs


# ----------------------------------------------------------------------------- caching

def _files_digest(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def input_files() -> list[Path]:
    """chiplib's own files that shape a report: its code and templates (every file in the package)."""
    package = Path(__file__).resolve().parent
    return sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def shared_inputs_hash(data_dir: Path | None = None) -> str:
    """Hash of what every report depends on: every file in the data directory in use (and its path),
    chiplib's code and templates, and the versions of :data:`KEY_LIBRARIES`."""
    from importlib.metadata import PackageNotFoundError, version

    from chiplib import data

    directory = Path(data_dir).resolve() if data_dir else data.data_dir()
    package = Path(__file__).resolve().parent
    data_files = [p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    code_files = input_files()

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    versions = ",".join(f"{name}={installed(name)}" for name in KEY_LIBRARIES)
    parts = [str(directory), _files_digest(data_files, directory), _files_digest(code_files, package), versions]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def job_hash(job: Job, shared: str) -> str:
    payload = json.dumps({"params": job.params, "shared": shared, "title": job.title, "question": job.question,
                          "plan": job.plan_entry}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode() + job.notebook.read_bytes()).hexdigest()


def _cache_path(out: Path, job: Job) -> Path:
    return out / ".cache" / f"{job.report}--{job.variant}.json"


def _stored(path: Path) -> dict | None:
    """A cache record, or None when it is missing or unreadable (then the variant simply rebuilds)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) and "figures" in stored else None


def cached_result(job: Job, inputs_hash: str, out: Path) -> Result | None:
    """The stored result of an earlier identical run whose report still exists, else None."""
    stored = _stored(_cache_path(out, job))
    if stored is None or not (out / job.html_name).exists() or stored.get("inputs_hash") != inputs_hash:
        return None
    return Result(job, stored["figures"], stored.get("seconds", 0.0), cached=True, inputs_hash=inputs_hash)


# ----------------------------------------------------------------------------- running

def collect_figures(nb) -> list[dict]:
    """Headline figures recorded with :func:`chiplib.figures.record`, in notebook order."""
    from chiplib.figures import METADATA_KEY

    return [output["metadata"][METADATA_KEY]
            for cell in nb.cells for output in cell.get("outputs", [])
            if METADATA_KEY in output.get("metadata", {})]


def _execute(job: Job, executed: Path, cell_timeout: int) -> None:
    """Run the notebook with papermill; one retry when the kernel fails to start (port clashes)."""
    import papermill as pm

    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(job.notebook), str(executed), parameters=job.params, cwd=str(job.notebook.parent),
                                kernel_name="python3", progress_bar=False, log_output=False, start_timeout=60,
                                execution_timeout=cell_timeout)
            return
        except RuntimeError as exc:  # jupyter_client raises RuntimeError when the kernel dies at start-up
            if attempt == 2 or "Kernel" not in str(exc):
                raise


def _reader_cell(executed: Path, index: int) -> tuple[int, int]:
    """(number, total) of executed cell ``index`` as a reader counts the stored notebook's cells from 1,
    leaving out the cells papermill adds (the injected parameters; the error notes it adds afterwards)."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return index + 1, 0
    cells = [c for c in cells if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
    injected = [i for i, c in enumerate(cells) if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    before = sum(1 for i in injected if i < index)
    return index - before + 1, len(cells) - len(injected)


def _failure_message(exc: Exception, executed: Path, cell_timeout: int) -> str:
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        number, total = _reader_cell(executed, exc.cell_index)
        first_line = (exc.source or "").strip().splitlines()[0][:60] if (exc.source or "").strip() else ""
        of = f" of {total}" if total else ""
        return f"cell {number}{of} ({first_line}) raised {exc.ename}: {exc.evalue}"
    if isinstance(exc, CellTimeoutError):
        return f"a cell ran longer than the {cell_timeout} s limit (--cell-timeout) and was stopped"
    return f"{type(exc).__name__}: {exc}"


def run_job(job: Job, staging: str, banner: str, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> Result:
    """Execute one variant and render its HTML into ``staging``; never raises (errors go in the Result)."""
    import nbformat

    from chiplib import render

    start = time.perf_counter()
    executed = Path(staging) / f"{job.report}--{job.variant}.ipynb"
    try:
        _execute(job, executed, cell_timeout)
        nb = nbformat.read(executed, as_version=4)
        html = render.to_html(nb, title=f"{job.title} ({job.variant})", banner=banner)
        (Path(staging) / job.html_name).write_text(html, encoding="utf-8")
        return Result(job, collect_figures(nb), time.perf_counter() - start)
    except Exception as exc:  # the build reports it and keeps the last good report
        return Result(job, seconds=time.perf_counter() - start, error=_failure_message(exc, executed, cell_timeout))


def _publish(result: Result, staging: Path, out: Path) -> None:
    """Move a finished report into place and remember its inputs hash and figures."""
    job = result.job
    os.replace(staging / job.html_name, out / job.html_name)
    stored = {"inputs_hash": result.inputs_hash, "figures": result.figures, "seconds": round(result.seconds, 2),
              "params": job.params}
    write_atomic(_cache_path(out, job), json.dumps(stored, indent=1, sort_keys=True))


def _keep_failed(result: Result, staging: Path, out: Path) -> Path | None:
    executed = staging / f"{result.job.report}--{result.job.variant}.ipynb"
    if not executed.exists():
        return None
    target = out / "_failed" / executed.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(executed, target)
    return target


def plan_order(reports: list[dict]) -> dict[str, tuple[int, int]]:
    """``report/variant`` -> its position in the plan (reports and variants in the order written)."""
    return {f"{r['name']}/{v}": (i, j) for i, r in enumerate(reports) for j, v in enumerate(r["variants"])}


def figures_table(results: list[Result], order: dict[str, tuple[int, int]] | None = None) -> str:
    """``reports/figures.csv``: report, variant, figure_id, label, value, unit, sources (space-separated),
    in plan order (each report's first variant first) when ``order`` is given."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["report", "variant", "figure_id", "label", "value", "unit", "sources"])
    for result in sorted(results, key=lambda r: (order or {}).get(r.job.key, (0, 0)) + (r.job.key,)):
        for fig in result.figures:
            writer.writerow([result.job.report, result.job.variant, fig["figure_id"], fig["label"],
                             "" if fig["value"] is None else fig["value"], fig["unit"], " ".join(fig["sources"])])
    return buffer.getvalue()


def index_page(results: list[Result], reports: list[dict], built: str, data_hash: str) -> str:
    """``reports/index.html``: every report and variant with its question, headline figures and build date."""
    import jinja2

    from chiplib.figures import Figure

    by_report: dict[str, list[dict]] = {}
    order = plan_order(reports)
    for result in sorted(results, key=lambda r: order.get(r.job.key, (0, 0)) + (r.job.key,)):
        figures = [Figure(f["figure_id"], f["label"], float("nan") if f["value"] is None else f["value"],
                          f["unit"], tuple(f["sources"])) for f in result.figures]
        by_report.setdefault(result.job.report, []).append(
            {"variant": result.job.variant, "href": result.job.html_name, "params": result.job.params,
             "figures": figures})
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                             autoescape=True)
    return env.get_template("index.html.j2").render(
        reports=[r for r in reports if r["name"] in by_report], variants=by_report, built=built, data_hash=data_hash)


def _run(todo: list[tuple[Job, str]], out: Path, banner: str, jobs: int | None, executor: Executor | None,
         progress: bool, cell_timeout: int) -> tuple[list[Result], list[str]]:
    """Execute ``todo`` (job, inputs hash) pairs; publish successes, keep failed notebooks.

    On Ctrl-C (or SIGTERM): no new run starts, running workers and their kernels are stopped, the
    staging folder is removed, and BuildInterrupted is raised; reports published so far stay.
    """
    results: list[Result] = []
    failures: list[str] = []
    if not todo:
        return results, failures
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=out) as staging_name:
        staging = Path(staging_name)
        own_pool = executor is None and len(todo) > 1
        pool = executor or (ProcessPoolExecutor(max_workers=min(jobs or os.cpu_count() or 1, len(todo)),
                                                initializer=ignore_interrupts) if own_pool else None)
        futures: list[Future] = []
        try:
            if pool is None:
                finished: Iterable = (run_job(job, staging_name, banner, cell_timeout) for job, _ in todo)
            else:
                futures = [pool.submit(run_job, job, staging_name, banner, cell_timeout) for job, _ in todo]
                finished = (future.result() for future in as_completed(futures))
            hashes = {job.key: h for job, h in todo}
            if progress:
                from tqdm import tqdm

                finished = tqdm(finished, total=len(todo), desc="reports", unit="run")
            for result in finished:
                result.inputs_hash = hashes[result.job.key]
                if result.error:
                    kept = _keep_failed(result, staging, out)
                    failures.append(f"{result.job.key}: {result.error}" + (f" (executed notebook: {kept})" if kept else ""))
                else:
                    _publish(result, staging, out)
                    results.append(result)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            if own_pool:
                pool.shutdown(wait=False, cancel_futures=True)
            stop_descendants()
            own_pool = False
            raise BuildInterrupted(len(results), len(todo) - len(results) - len(failures)) from None
        finally:
            if own_pool:
                pool.shutdown()
    return results, failures


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
    from chiplib import data

    if jobs is not None and jobs < 1:
        raise PlanError(f"--jobs must be 1 or more, got {jobs} (default: one worker per core, {os.cpu_count()})")
    if cell_timeout < 1:
        raise PlanError(f"--cell-timeout must be 1 second or more, got {cell_timeout}")
    reports = load_plan(plan)
    if not reports:
        print(f"{plan} lists no reports: nothing to build")
        return 0
    directory = Path(data_dir).resolve() if data_dir else data.data_dir()
    data.load(directory)  # raises DataValidationError (exit 1) before any kernel starts
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
            return _build_locked(reports, selected, out, directory, force, overrides, jobs, executor, progress, plan,
                                 cell_timeout)
    except BuildBusy as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:
        where = exc.filename or out
        raise BuildError(f"cannot write the reports: {where}: {exc.strerror or exc}; "
                         "the reports already in place were left as they were") from None


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


def _build_locked(reports: list[dict], selected: list[Job], out: Path, directory: Path, force: bool,
                  overrides: dict[str, Any] | None, jobs: int | None, executor: Executor | None, progress: bool,
                  plan: Path, cell_timeout: int) -> int:
    shared = shared_inputs_hash(directory)
    stage_of = {r["name"]: int(r.get("stage", 1)) for r in reports}
    built = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")  # the banner: the only clock read
    banner = f"Built {built} from data {shared[:12]} with chiplib"
    results: list[Result] = []
    failures: list[str] = []
    all_results: list[Result] = []
    order = plan_order(reports)
    rotated = False
    for stage in sorted({stage_of[job.report] for job in selected}):
        stage_shared = shared
        if stage > 1:  # later stages read the figures of the earlier ones
            figure_files = [f for f in (out / "figures.csv", out / "figures.previous.csv") if f.exists()]
            stage_shared = hashlib.sha256((shared + "".join(f.read_text() for f in figure_files)).encode()).hexdigest()
        todo = []
        for job in (j for j in selected if stage_of[j.report] == stage):
            inputs_hash = job_hash(job, stage_shared)
            hit = None if force or overrides else cached_result(job, inputs_hash, out)
            (results.append(hit) if hit else todo.append((job, inputs_hash)))
        fresh, failed = _run(todo, out, banner, jobs, executor, progress, cell_timeout)
        results += fresh
        failures += failed
        for result in results:  # a variant that now succeeds has no failed notebook to show
            (out / "_failed" / f"{result.job.report}--{result.job.variant}.ipynb").unlink(missing_ok=True)
        # variants not rebuilt (--only) or failed keep their last good report and figures
        all_results = results + _other_cached(out, {r.job.key for r in results}, reports, plan.parent)
        rotated |= _write_figures(out, figures_table(all_results, order), rotate=not rotated)
    write_atomic(out / "index.html", index_page(all_results, reports, built, shared[:12]))
    removed = _remove_orphans(out, reports)
    fresh_count = sum(1 for r in results if not r.cached)
    print(f"{fresh_count} built, {sum(1 for r in results if r.cached)} unchanged (cached), {len(failures)} failed "
          f"-> {out / 'index.html'}")
    if removed:
        print(f"removed {len(removed)} file(s) of variants no longer in the plan: {', '.join(removed)}")
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


def _other_cached(out: Path, have: set[str], reports: list[dict], plan_dir: Path) -> list[Result]:
    """Last good results of variants not built this time (``--only``, or failed) still on disk."""
    found = []
    for report in reports:
        for variant in report["variants"]:
            key = f"{report['name']}/{variant}"
            stored = None if key in have else _stored(out / ".cache" / f"{report['name']}--{variant}.json")
            if stored is None:
                continue
            job = Job(report["name"], variant, plan_dir / report["notebook"], report["title"], report["question"],
                      stored.get("params", {}))
            if (out / job.html_name).exists():
                found.append(Result(job, stored["figures"], stored.get("seconds", 0.0), cached=True))
    return found
