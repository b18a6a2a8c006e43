"""Time the report build against the naive way, over the same runs (every variant in the plan), in one run.

(a) naive: a serial loop of the `papermill` CLI, then `jupyter nbconvert --to html`, per run;
(b) `chiplib build` from cold (worker processes, one per core, each with a warm kernel);
(c) a no-op `chiplib build` (every input unchanged), as a command, interpreter start included;
(d) an incremental rebuild after a one-row edit to one table (deployments.csv, which the software report
    and the claims ledger read), and what it rebuilt;
(e) warm per-run overhead: a one-cell notebook run again and again in one warm kernel (reset, papermill,
    read record) and rendered, against the same notebook run cold by papermill;
(f) with --make-test, the wall time of `make test`.

Run with `make bench` or `.venv/bin/python benchmarks/bench_build.py [--no-naive] [--make-test]` (--no-naive skips
(a), which takes about 18 minutes for the whole plan on 2 cores). Everything is written
to a temporary directory (the data is copied); reports/ and data/ are untouched. Prints wall times and the
peak memory of the whole process tree (build, workers, kernels; resident set sizes summed, sampled every
0.1 s); not a test.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from chiplib import build


class PeakMemory:
    """Peak of the summed resident memory of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.1):
        self.interval, self.peak, self._stop = interval, 0, threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> "PeakMemory":
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed(label: str, **kwargs) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), PeakMemory() as memory:
        code = build.build(progress=False, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:44s} {seconds:6.2f} s (exit {code}), peak memory {memory.peak / 2**30:.2f} GiB")
    return seconds


def naive(out: Path) -> float:
    """Serial papermill CLI + nbconvert CLI per run, as one would script it by hand."""
    bin_dir = Path(sys.executable).parent
    start = time.perf_counter()
    for job in build.plan_jobs(build.load_plan()):
        executed = out / f"{job.report}--{job.variant}.ipynb"
        args = [str(bin_dir / "papermill"), str(job.notebook), str(executed), "--cwd", str(job.notebook.parent)]
        for name, value in job.params.items():
            args += ["-y", f"{name}: {value!r}" if isinstance(value, str) else f"{name}: {value}"]
        subprocess.run(args, check=True, capture_output=True)
        subprocess.run([str(bin_dir / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                       check=True, capture_output=True)
    seconds = time.perf_counter() - start
    print(f"{'(a) naive: papermill CLI + nbconvert, serial':44s} {seconds:6.2f} s")
    return seconds


def command(label: str, *args: str) -> tuple[float, str]:
    """Run ``chiplib ARGS`` as a user would; wall time and the last line it printed."""
    start = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "chiplib"), *args], check=True, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - start
    last = (done.stdout.strip().splitlines() or [""])[-1]
    print(f"{label:44s} {seconds:6.2f} s: {last[:90]}")
    return seconds, last


def overhead(folder: Path, runs: int = 8) -> None:
    """Per-run cost of the machinery around a notebook whose own work is nil."""
    import nbformat
    import papermill as pm

    from chiplib.build import render, warm

    notebook = folder / "tiny.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                         nbformat.v4.new_code_cell("print(x)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, notebook)
    start = time.perf_counter()
    kernel = warm.WarmKernel()
    started = time.perf_counter() - start
    times = []
    try:
        for run in range(runs):
            start = time.perf_counter()
            kernel.reset(folder)
            pm.execute_notebook(str(notebook), str(folder / "out.ipynb"), parameters={"x": run}, engine_name=warm.ENGINE,
                                warm=kernel, kernel_name="python3", progress_bar=False, request_save_on_cell_execute=False)
            kernel.reads()
            render.to_html(nbformat.read(folder / "out.ipynb", as_version=4), title="tiny")
            times.append(time.perf_counter() - start)
    finally:
        kernel.shutdown()
    start = time.perf_counter()
    pm.execute_notebook(str(notebook), str(folder / "cold.ipynb"), parameters={"x": 0}, kernel_name="python3",
                        progress_bar=False)
    cold = time.perf_counter() - start
    print(f"{'(e) warm kernel start (imports, data, charts)':44s} {started:6.2f} s, once per worker")
    print(f"{'(e) warm per-run overhead, run + render':44s} {statistics.median(times[1:]):6.2f} s median of {runs - 1} "
          f"(cold papermill run alone: {cold:.2f} s)")


def main() -> None:
    variants = sum(len(r["variants"]) for r in build.load_plan())
    print(f"{variants} report variants in {build.PLAN.name}")
    with tempfile.TemporaryDirectory() as tmp:
        naive_dir = Path(tmp) / "naive"
        naive_dir.mkdir()
        a = naive(naive_dir) if "--no-naive" not in sys.argv else float("nan")
        data_copy = Path(tmp) / "data"
        shutil.copytree(Path(build.PLAN).parents[1] / "data", data_copy)
        out = Path(tmp) / "built"
        b = timed("(b) chiplib build, cold", out=out, data_dir=data_copy)
        c, _ = command("(c) chiplib build, no-op", "--data-dir", str(data_copy), "build", "--out", str(out), "--quiet")
        table = data_copy / "deployments.csv"
        lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
        row = lines[1].rstrip("\n")  # its last column is the note: edit the note of the first measurement
        lines[1] = (row[:-1] + ' (edited)"' if row.endswith('"') else row + " (edited)") + "\n"
        table.write_text("".join(lines), encoding="utf-8")
        d, said = command("(d) after a one-row edit of deployments.csv", "--data-dir", str(data_copy), "build", "--out",
                          str(out), "--quiet")
        overhead(Path(tmp))
    print(f"(b)/(a) = {b / a:.2f} (target <= 0.15); (c) = {c:.2f} s (target < 1 s); (d) rebuilt: {said.split(' ->')[0]}")
    if "--make-test" in sys.argv:
        start = time.perf_counter()
        subprocess.run(["make", "test"], check=True, capture_output=True, cwd=Path(build.PLAN).parents[1])
        print(f"{'(f) make test':44s} {time.perf_counter() - start:6.2f} s (target < 120 s)")


if __name__ == "__main__":
    main()
