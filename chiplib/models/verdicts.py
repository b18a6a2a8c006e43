"""Verdicts: how far a computed value, or a model's range, is from what a claim asserts (see
:mod:`chiplib.models.claims` for the whole ledger and the verdicts it adds: contested, unverified)."""

from __future__ import annotations

import math


def verdict(claimed: float | str | None, low: float | None, high: float | None, computed: float | str,
            tolerance: float) -> str:
    """Verdict from the claimed value (or range; one empty end makes a one-sided bound) and the computed one.
    Only the value-based verdicts: the ledger adds ``contested`` and ``unverified`` (see module docstring)."""
    if isinstance(computed, str):
        return "supported" if computed == claimed else "contradicted"
    if computed is None or math.isnan(computed):
        return "not testable"
    low = -math.inf if low is None or math.isnan(low) else low
    high = math.inf if high is None or math.isnan(high) else high
    if math.isfinite(low) or math.isfinite(high):
        if low <= computed <= high:
            return "supported"
        nearest = low if computed < low else high
        error = abs(computed - nearest) / abs(nearest)
    else:
        error = abs(computed - float(claimed)) / abs(float(claimed))
    if error <= tolerance:
        return "supported"
    return "partly" if error <= 3 * tolerance else "contradicted"


def range_verdict(low: float | None, high: float | None, claimed: float | None, spread: tuple[float, float],
                  tolerance: float) -> str:
    """Verdict of a claimed value or bound against a model's range: a value inside it, or a bound the whole range
    keeps, is ``supported``; a bound the range straddles is ``partly``; no overlap is ``contradicted`` unless the
    gap is within the tolerance (then ``partly``)."""
    low = claimed if claimed is not None and not math.isnan(claimed) else (-math.inf if low is None or math.isnan(low) else low)
    high = claimed if claimed is not None and not math.isnan(claimed) else (math.inf if high is None or math.isnan(high) else high)
    bottom, top = spread
    if low <= bottom and top <= high or bottom <= low == high <= top:
        return "supported"
    if high < bottom or low > top:
        edge, gap = (high, bottom - high) if high < bottom else (low, low - top)
        return "partly" if gap <= tolerance * abs(edge) else "contradicted"
    return "partly"
