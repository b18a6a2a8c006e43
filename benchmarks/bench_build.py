"""Time the report build: a cold build of every variant, then a no-op rebuild (all cached).

Run with `.venv/bin/python benchmarks/bench_build.py`. Builds into a temporary directory so
the real reports/ is untouched. Prints wall times; not a test.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
import time
from pathlib import Path

from chiplib import build


def timed(label: str, **kwargs) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = build.build(progress=False, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:40s} {seconds:6.2f} s (exit {code})")
    return seconds


def main() -> None:
    variants = sum(len(r["variants"]) for r in build.load_plan())
    print(f"{variants} report variants in {build.PLAN.name}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        timed("cold build, one worker per core", out=out)
        timed("no-op rebuild (all cached)", out=out)
        timed("forced rebuild, --jobs 1", out=out, force=True, jobs=1)


if __name__ == "__main__":
    main()
