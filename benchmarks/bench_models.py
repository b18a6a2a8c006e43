"""Time the shared models: one million Monte Carlo draws of the production funnel, and the other hot paths.

Run with `.venv/bin/python benchmarks/bench_models.py` (also part of `make bench`). Not a test.
"""

from __future__ import annotations

import time

from chiplib import data
from chiplib.models import claims, export_controls, fab


def timed(label: str, func, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:52s} {best:7.3f} s (best of {repeat})")


def main() -> None:
    data.load()
    setup = fab.scenario_ranges("base", 2025)
    timed("fab.simulate, 1,000,000 draws", lambda: fab.simulate(setup["ranges"], setup["constants"], 1_000_000, 7))
    timed("export_controls.classification_matrix (66 chips x 6 rules)", export_controls.classification_matrix)
    timed("claims.ledger (33 claims)", claims.ledger)


if __name__ == "__main__":
    main()
