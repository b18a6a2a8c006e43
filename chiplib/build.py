"""The report build: ``notebooks/reports.yaml`` -> offline HTML reports, an index and figures.csv.

Order of work, so that nothing good is ever lost:

1. read the plan (safe YAML), validate the data and **every** variant's parameters; any
   problem stops the build (exit 1 for data, 2 for plan/parameters) before a kernel starts;
2. skip variants whose inputs are unchanged (hash of notebook, parameters, data files and
   chiplib's own code and templates) unless ``force``;
3. execute the rest with papermill in worker processes (one per core by default), render
   each to HTML in a temporary directory, and move it into ``reports/`` only on success;
   a failed run keeps its executed notebook under ``reports/_failed/`` and the last good
   report stays in place;
4. write ``reports/index.html`` and ``reports/figures.csv`` from every variant's recorded
   headline figures (fresh or cached).

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
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chiplib.params import ParamError

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
PLAN = NOTEBOOKS / "reports.yaml"
REPORTS = REPO / "reports"
#: Theme modules a plan may name (``module:``); the build imports nothing else on a plan's say-so.
THEME_MODULES = ("landscape", "export_controls", "clusters", "memory", "fab", "software", "claims", "overview")


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
            jobs.append(Job(report["name"], variant, plan_dir / report["notebook"], report["title"],
                            report["question"], params))
    if problems:
        raise PlanError("\n".join(problems))
    return jobs


# ----------------------------------------------------------------------------- caching

def _files_digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def shared_inputs_hash() -> str:
    """Hash of everything every report depends on: data files, chiplib code and templates, key versions."""
    from importlib.metadata import version

    files = [*(REPO / "data").glob("*.csv"), *(REPO / "chiplib").rglob("*.py"),
             *(REPO / "chiplib" / "templates").rglob("*.j2")]
    versions = ",".join(f"{pkg}={version(pkg)}" for pkg in ("altair", "vl-convert-python", "nbconvert", "pandas"))
    return hashlib.sha256((_files_digest(files) + versions).encode()).hexdigest()


def job_hash(job: Job, shared: str) -> str:
    payload = json.dumps({"params": job.params, "shared": shared, "title": job.title}, sort_keys=True)
    return hashlib.sha256(payload.encode() + job.notebook.read_bytes()).hexdigest()


def _cache_path(out: Path, job: Job) -> Path:
    return out / ".cache" / f"{job.report}--{job.variant}.json"


def cached_result(job: Job, inputs_hash: str, out: Path) -> Result | None:
    """The stored result of an earlier identical run whose report still exists, else None."""
    path = _cache_path(out, job)
    if not path.exists() or not (out / job.html_name).exists():
        return None
    stored = json.loads(path.read_text(encoding="utf-8"))
    if stored.get("inputs_hash") != inputs_hash:
        return None
    return Result(job, stored["figures"], stored["seconds"], cached=True, inputs_hash=inputs_hash)


# ----------------------------------------------------------------------------- running

def collect_figures(nb) -> list[dict]:
    """Headline figures recorded with :func:`chiplib.figures.record`, in notebook order."""
    from chiplib.figures import METADATA_KEY

    return [output["metadata"][METADATA_KEY]
            for cell in nb.cells for output in cell.get("outputs", [])
            if METADATA_KEY in output.get("metadata", {})]


def _execute(job: Job, executed: Path) -> None:
    """Run the notebook with papermill; one retry when the kernel fails to start (port clashes)."""
    import papermill as pm

    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(job.notebook), str(executed), parameters=job.params, cwd=str(job.notebook.parent),
                                kernel_name="python3", progress_bar=False, log_output=False, start_timeout=60)
            return
        except RuntimeError as exc:  # jupyter_client raises RuntimeError when the kernel dies at start-up
            if attempt == 2 or "Kernel" not in str(exc):
                raise


def run_job(job: Job, staging: str, banner: str) -> Result:
    """Execute one variant and render its HTML into ``staging``; never raises (errors go in the Result)."""
    import nbformat

    from chiplib import render

    start = time.perf_counter()
    executed = Path(staging) / f"{job.report}--{job.variant}.ipynb"
    try:
        _execute(job, executed)
        nb = nbformat.read(executed, as_version=4)
        html = render.to_html(nb, title=f"{job.title} ({job.variant})", banner=banner)
        (Path(staging) / job.html_name).write_text(html, encoding="utf-8")
        return Result(job, collect_figures(nb), time.perf_counter() - start)
    except Exception as exc:  # the build reports it and keeps the last good report
        from papermill.exceptions import PapermillExecutionError

        if isinstance(exc, PapermillExecutionError):
            first_line = (exc.source or "").strip().splitlines()[0][:60] if exc.source else ""
            message = f"cell #{exc.cell_index} ({first_line}) raised {exc.ename}: {exc.evalue}"
        else:
            message = f"{type(exc).__name__}: {exc}"
        return Result(job, seconds=time.perf_counter() - start, error=message)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _publish(result: Result, staging: Path, out: Path) -> None:
    """Move a finished report into place and remember its inputs hash and figures."""
    job = result.job
    os.replace(staging / job.html_name, out / job.html_name)
    stored = {"inputs_hash": result.inputs_hash, "figures": result.figures, "seconds": round(result.seconds, 2),
              "params": job.params, "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    _write_atomic(_cache_path(out, job), json.dumps(stored, indent=1, sort_keys=True))
    failed = out / "_failed" / f"{job.report}--{job.variant}.ipynb"
    failed.unlink(missing_ok=True)


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
    for result in sorted(results, key=lambda r: r.job.key):
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
         progress: bool) -> tuple[list[Result], list[str]]:
    """Execute ``todo`` (job, inputs hash) pairs; publish successes, keep failed notebooks."""
    results, failures = [], []
    if not todo:
        return results, failures
    with tempfile.TemporaryDirectory(prefix="chiplib-build-", dir=out) as staging_name:
        staging = Path(staging_name)
        own_pool = executor is None and len(todo) > 1
        pool = executor or (ProcessPoolExecutor(max_workers=min(jobs or os.cpu_count() or 1, len(todo)))
                            if own_pool else None)
        try:
            if pool is None:
                finished: Iterable = (run_job(job, staging_name, banner) for job, _ in todo)
            else:
                futures: list[Future] = [pool.submit(run_job, job, staging_name, banner) for job, _ in todo]
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
        finally:
            if own_pool:
                pool.shutdown()
    return results, failures


def build(only: list[str] | None = None, jobs: int | None = None, overrides: dict[str, Any] | None = None,
          force: bool = False, out: Path = REPORTS, executor: Executor | None = None,
          progress: bool = True, plan: Path = PLAN) -> int:
    """Build the reports; returns the process exit code (0 ok, 1 a run or the data failed, 2 bad plan).

    Reports run in stages (``stage`` in the plan, default 1). After each stage ``figures.csv`` is
    rewritten, so a later stage (the overview) reads every earlier report's headline figures; the
    file as it stood before this build is kept as ``figures.previous.csv`` for "what changed".
    """
    from chiplib import data

    reports = load_plan(plan)
    if not reports:
        print(f"{plan} lists no reports: nothing to build")
        return 0
    data.load()  # raises DataValidationError (exit 1) before any kernel starts
    selected = plan_jobs(reports, only, overrides, plan.parent)
    out.mkdir(parents=True, exist_ok=True)
    os.environ["CHIPLIB_REPORTS"] = str(out.resolve())   # read by the overview notebook's kernel
    if (out / "figures.csv").exists():
        shutil.copyfile(out / "figures.csv", out / "figures.previous.csv")
    shared = shared_inputs_hash()
    stage_of = {r["name"]: int(r.get("stage", 1)) for r in reports}
    built = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    banner = f"Built {built} from data {shared[:12]} with chiplib"
    results: list[Result] = []
    failures: list[str] = []
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
        fresh, failed = _run(todo, out, banner, jobs, executor, progress)
        results += fresh
        failures += failed
        # variants not rebuilt (--only) or failed keep their last good report and figures
        all_results = results + _other_cached(out, {r.job.key for r in results}, reports, plan.parent)
        _write_atomic(out / "figures.csv", figures_table(all_results, plan_order(reports)))
    _write_atomic(out / "index.html", index_page(all_results, reports, built, shared[:12]))
    fresh_count = sum(1 for r in results if not r.cached)
    print(f"{fresh_count} built, {sum(1 for r in results if r.cached)} unchanged (cached), {len(failures)} failed "
          f"-> {out / 'index.html'}")
    for failure in failures:
        print(f"FAILED {failure}")
    return 1 if failures else 0


def _other_cached(out: Path, have: set[str], reports: list[dict], plan_dir: Path) -> list[Result]:
    """Last good results of variants not built this time (``--only``, or failed) still on disk."""
    found = []
    for report in reports:
        for variant in report["variants"]:
            key = f"{report['name']}/{variant}"
            path = out / ".cache" / f"{report['name']}--{variant}.json"
            if key in have or not path.exists():
                continue
            stored = json.loads(path.read_text(encoding="utf-8"))
            job = Job(report["name"], variant, plan_dir / report["notebook"], report["title"], report["question"],
                      stored.get("params", {}))
            if (out / job.html_name).exists():
                found.append(Result(job, stored["figures"], stored["seconds"], cached=True))
    return found
