"""Time the shared models: one million Monte Carlo draws of the one-year production funnel and of the
five-year production histories, and the other hot paths (the claims ledger timed cold, from a fresh load).

Run with `.venv/bin/python benchmarks/bench_models.py` (also part of `make bench`). Not a test.
"""

from __future__ import annotations

import time

from chiplib import data
from chiplib.data import independence
from chiplib.models import claims, export_controls, fab, production


def timed(label: str, func, repeat: int = 3) -> None:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    print(f"{label:52s} {best:7.3f} s (best of {repeat})")


def main() -> None:
    ds = data.load()
    setup = fab.scenario_ranges("base", 2025)
    timed("fab.simulate, 1,000,000 draws (one year)", lambda: fab.simulate(setup["ranges"], setup["constants"], 1_000_000, 7))
    history = production.scenario_inputs("base")
    years = len(history["years"])
    timed(f"production.simulate, 1,000,000 histories ({years} years)",
          lambda: production.simulate(history["ranges"], history["constants"], 1_000_000, 7))
    timed("production.reconcile (3 scenarios x 20,000 histories)", production.reconcile)
    chips, rules = len(ds.chips), len(export_controls.rules())
    timed(f"export_controls.classification_matrix ({chips} chips x {rules} rules)", export_controls.classification_matrix)
    count = len(ds.tables["claims"])

    def cold_ledger() -> None:
        claims._ledger_of.cache_clear()
        independence._DERIVED.clear()
        claims.ledger()

    timed(f"claims.ledger ({count} claims, cold)", cold_ledger)


if __name__ == "__main__":
    main()
