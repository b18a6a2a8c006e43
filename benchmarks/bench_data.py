"""Time the data layer: import, first load (read + validate + convert), cached load, CLI start.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_data.py`). Prints medians of
several runs in fresh interpreters, so imports are counted as a user meets them.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

RUNS = 5
SNIPPETS = {
    "import chiplib": "import chiplib",
    "import chiplib.data": "import chiplib.data",
    "import + load + validate": "from chiplib import data; data.load()",
    "import + load + wide + long views": "from chiplib import data; data.specs_wide(); data.specs_long()",
}


def _median_seconds(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = _median_seconds([sys.executable, "-c", "pass"])
    print(f"python start-up: {baseline:.3f} s (subtracted below)")
    for label, code in SNIPPETS.items():
        print(f"{label:36s} {_median_seconds([sys.executable, '-c', code]) - baseline:.3f} s")
    cli = _median_seconds([sys.executable, "-m", "chiplib.cli", "validate"]) - baseline
    print(f"{'chiplib validate (CLI)':36s} {cli:.3f} s")

    from chiplib import data

    data.load()
    start = time.perf_counter()
    for _ in range(1000):
        data.load()
    print(f"{'cached data.load() call':36s} {(time.perf_counter() - start) / 1000 * 1e6:.1f} us")


if __name__ == "__main__":
    main()
