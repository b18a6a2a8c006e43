"""Time the report build against the naive way, over the same runs (every variant in the plan).

(a) naive: a serial loop of the `papermill` CLI, then `jupyter nbconvert --to html`, per run;
(b) `chiplib build` from cold (worker processes, one per core);
(c) a no-op rebuild (every input unchanged);
(d) a forced rebuild with one worker, to separate parallelism from per-run overhead.

Run with `make bench` or `.venv/bin/python benchmarks/bench_build.py`. Everything is written
to a temporary directory; reports/ is untouched. Prints wall times and the peak memory of the
whole process tree (build, workers, kernels; resident set sizes summed, sampled every 0.1 s); not a test.
"""

from __future__ import annotations

import contextlib
import io
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


def main() -> None:
    variants = sum(len(r["variants"]) for r in build.load_plan())
    print(f"{variants} report variants in {build.PLAN.name}")
    with tempfile.TemporaryDirectory() as tmp:
        naive_dir = Path(tmp) / "naive"
        naive_dir.mkdir()
        a = naive(naive_dir)
        out = Path(tmp) / "built"
        b = timed("(b) chiplib build, cold", out=out)
        c = timed("(c) chiplib build, no-op rebuild", out=out)
        timed("(d) chiplib build, forced, --jobs 1", out=out, force=True, jobs=1)
    print(f"(b)/(a) = {b / a:.2f} (target <= 0.5); (c) = {c:.2f} s (target < 1 s)")


if __name__ == "__main__":
    main()
