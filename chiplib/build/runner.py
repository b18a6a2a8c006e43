"""Running report variants: papermill in worker processes, rendering, publishing or keeping the failure."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from pathlib import Path

from chiplib import data
from chiplib.build import render, warm
from chiplib.build.cache import _cache_path, run_hash
from chiplib.build.kernel_side import RUN_VARIABLES
from chiplib.build.plan import DEFAULT_CELL_TIMEOUT, Job, Result
from chiplib.build.safety import STAGING_PREFIX, ignore_interrupts, stop_descendants
from chiplib.core.files import write_atomic
from chiplib.present.figures import METADATA_KEY


class BuildInterrupted(KeyboardInterrupt):
    """The build was interrupted (Ctrl-C or SIGTERM); finished reports were kept, the rest left as they were."""

    def __init__(self, finished: int, stopped: int):
        super().__init__(f"interrupted: {finished} report(s) finished and kept, {stopped} stopped; "
                         "every other report is as it was before this build")


def collect_figures(nb) -> list[dict]:
    """Headline figures recorded with :func:`chiplib.present.figures.record`, in notebook order."""

    return [output["metadata"][METADATA_KEY]
            for cell in nb.cells for output in cell.get("outputs", [])
            if METADATA_KEY in output.get("metadata", {})]


def _execute(job: Job, executed: Path, cell_timeout: int, log: Path, env: dict[str, str]) -> list[str]:
    """Run the notebook with papermill in this worker's warm kernel (started on first use; one retry with a
    fresh kernel when it fails to start or has died) with the run's environment ``env``; the data files the run
    read. What the kernel prints meanwhile is appended to ``log``."""
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    for attempt in (1, 2):
        try:
            kernel = warm.kernel()
            kernel.reset(job.notebook.parent, env)
        except (RuntimeError, DeadKernelError):  # jupyter_client raises RuntimeError when a kernel dies at start-up
            warm.discard()
            if attempt == 2:
                raise
            continue
        try:
            try:
                pm.execute_notebook(str(job.notebook), str(executed), parameters=job.params,
                                    cwd=str(job.notebook.parent), engine_name=warm.ENGINE, warm=kernel,
                                    kernel_name="python3", progress_bar=False, log_output=False, start_timeout=60,
                                    execution_timeout=cell_timeout, request_save_on_cell_execute=False)
            finally:
                kernel.drain(log)
        except (CellTimeoutError, DeadKernelError):
            warm.discard()  # an interrupted or dead kernel is not reused
            raise
        return kernel.reads()
    return []


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


def run_job(job: Job, key: str, staging: str, banner: str, cell_timeout: int = DEFAULT_CELL_TIMEOUT,
            log: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Execute one variant and render its HTML into ``staging``; never raises (errors go in the Result).

    ``key`` is the run's :func:`~chiplib.build.cache.job_key`; with the data files the run read it gives the
    run's inputs hash, which the banner's ``{inputs}`` names. Kernel output goes to ``log``; ``env`` (the data
    directory, ``CHIPLIB_DATA``, and the reports folder, ``CHIPLIB_REPORTS``) reaches the kernel even on a
    worker the build did not start."""
    import nbformat

    start = time.perf_counter()
    executed = Path(staging) / f"{job.report}--{job.variant}.ipynb"
    log_path = Path(log) if log else Path(staging) / "kernel.log"
    try:
        reads = _execute(job, executed, cell_timeout, log_path, env or {})
        directory = Path((env or {}).get("CHIPLIB_DATA") or data.data_dir())
        inputs_hash = run_hash(key, reads, directory)
        nb = nbformat.read(executed, as_version=4)
        for index, cell in enumerate(nb.cells):  # papermill gives its parameters cell a random id
            cell.id = f"cell-{index}"
        html = render.to_html(nb, title=f"{job.title} ({job.variant})", banner=banner.replace("{inputs}", inputs_hash[:12]))
        (Path(staging) / job.html_name).write_text(html, encoding="utf-8")
        return Result(job, collect_figures(nb), time.perf_counter() - start, inputs_hash=inputs_hash, reads=reads)
    except Exception as exc:  # the build reports it and keeps the last good report
        return Result(job, seconds=time.perf_counter() - start, error=_failure_message(exc, executed, cell_timeout))


def _publish(result: Result, staging: Path, out: Path) -> None:
    """Move a finished report into place and remember its inputs hash and figures."""
    job = result.job
    os.replace(staging / job.html_name, out / job.html_name)
    stored = {"inputs_hash": result.inputs_hash, "figures": result.figures, "seconds": round(result.seconds, 2),
              "params": job.params, "reads": result.reads}
    write_atomic(_cache_path(out, job), json.dumps(stored, indent=1, sort_keys=True))


def _keep_failed(result: Result, staging: Path, out: Path) -> Path | None:
    executed = staging / f"{result.job.report}--{result.job.variant}.ipynb"
    if not executed.exists():
        return None
    target = out / "_failed" / executed.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(executed, target)
    return target


#: This process's local worker pools, kept from one build to the next, by what they were started with (the
#: number of workers, chiplib's code, the environment), most recently used last.
_pools: OrderedDict[tuple, ProcessPoolExecutor] = OrderedDict()
#: How many pools are kept: a build in another environment (a test's, with one variable changed) does not stop
#: the pool the next ordinary build reuses.
KEPT_POOLS = 2
#: Environment variables that do not decide whether workers can be reused: those the build hands each run
#: itself (:data:`chiplib.build.kernel_side.RUN_VARIABLES`), pytest's marker of the test in progress, and those
#: libraries set in this process as they load, which change no report: pandera's for pyspark (SPARK_LOCAL_IP,
#: PYARROW_IGNORE_TIMEZONE; a kernel that validates data sets them itself) and the "pre-spawn environment" a
#: Dask nanny leaves in the process that started it (glibc's memory trimming and numerical libraries' threads).
_UNKEYED_VARIABLES = (*RUN_VARIABLES, "PYTEST_CURRENT_TEST", "SPARK_LOCAL_IP", "PYARROW_IGNORE_TIMEZONE",
                      "MALLOC_TRIM_THRESHOLD_", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


class Workers:
    """The build's worker processes, each with its warm kernel (or the caller's executor, e.g. Dask's, which the
    build neither starts nor stops).

    Local workers outlive the build: the next build in this process (a notebook or a test session building
    again) reuses them and their warm kernels when chiplib's code (``code``, its hash), the number of workers and
    the environment the processes inherited are the same. Up to :data:`KEPT_POOLS` pools are kept, the least
    recently used stopped first, and any started with other code as soon as the code changes. :func:`shutdown`
    stops them all (the command line does, after its one build; otherwise they end with the process).
    """

    def __init__(self, jobs: int | None, executor: Executor | None = None, code: str = ""):
        self.jobs = jobs or os.cpu_count() or 1
        self.executor = executor
        self.code = code

    def pool(self) -> Executor:
        if self.executor is not None:
            return self.executor
        environment = tuple(sorted((k, v) for k, v in os.environ.items() if k not in _UNKEYED_VARIABLES))
        key = (self.jobs, self.code, environment)
        for other in [k for k, pool in _pools.items() if k[1] != self.code or getattr(pool, "_broken", False)]:
            _pools.pop(other).shutdown(wait=True)
        if key not in _pools:
            while len(_pools) >= KEPT_POOLS:
                _pools.popitem(last=False)[1].shutdown(wait=True)
            _pools[key] = ProcessPoolExecutor(max_workers=self.jobs, initializer=ignore_interrupts)
        _pools.move_to_end(key)
        return _pools[key]

    def abort(self) -> None:
        """Stop the local workers at once (Ctrl-C): queued runs are dropped, running ones are stopped by the
        caller (:func:`chiplib.build.safety.stop_descendants`)."""
        if self.executor is None:
            shutdown(abort=True)


def shutdown(abort: bool = False) -> None:
    """Stop this process's local workers and their kernels (waiting for them, unless ``abort``)."""
    while _pools:
        _pools.popitem(last=False)[1].shutdown(wait=not abort, cancel_futures=abort)


def _as_finished(futures: list[Future], poll: float = 0.25) -> Iterator[Future]:
    """``futures`` as they finish (in submission order among those finishing together), waking every ``poll``
    seconds. A blocking wait would miss Ctrl-C whenever the system hands the signal to one of the pool's own
    threads rather than the main one: the main thread only sees it when its wait returns."""
    order = {future: index for index, future in enumerate(futures)}
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=poll, return_when=FIRST_COMPLETED)
        yield from sorted(done, key=order.__getitem__)


def _run(todo: list[tuple[Job, str]], out: Path, banner: str, workers: Workers, progress: bool, cell_timeout: int,
         env: dict[str, str], log: Path) -> tuple[list[Result], list[str]]:
    """Execute ``todo`` (job, :func:`~chiplib.build.cache.job_key`) pairs on ``workers``; publish successes,
    keep failed notebooks.

    On Ctrl-C (or SIGTERM): no new run starts, running workers and their kernels are stopped, the
    staging folder is removed, and BuildInterrupted is raised; reports published so far stay.
    """
    results: list[Result] = []
    failures: list[str] = []
    if not todo:
        return results, failures
    with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX, dir=out) as staging_name:
        staging = Path(staging_name)
        futures: list[Future] = []
        try:
            render.vega_bundle()  # built (or read) here once, before the workers, which then read it
            pool = workers.pool()
            futures = [pool.submit(run_job, job, key, staging_name, banner, cell_timeout, str(log), env)
                       for job, key in todo]
            finished: Iterable = (future.result() for future in _as_finished(futures))
            if progress:
                from tqdm import tqdm

                finished = tqdm(finished, total=len(todo), desc="reports", unit="run", leave=False)
            for result in finished:
                if result.error:
                    kept = _keep_failed(result, staging, out)
                    failures.append(f"{result.job.key}: {result.error}" + (f" (executed notebook: {kept})" if kept else ""))
                else:
                    _publish(result, staging, out)
                    results.append(result)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            workers.abort()
            stop_descendants()
            raise BuildInterrupted(len(results), len(todo) - len(results) - len(failures)) from None
    return results, failures
