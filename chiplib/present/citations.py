"""The run's source log: every chart, table and headline figure a report shows adds the sources it
rests on, and the report's Sources section prints the log, so a report never cites less than it shows.

One notebook run is one kernel, so the log lives for the kernel; :func:`reset` starts it again.
"""

from __future__ import annotations

from collections.abc import Iterable

_LOG: set[str] = set()


def cite(source_ids: Iterable[str]) -> None:
    """Add source ids (from ``data/sources.csv``) to the log; empty values are skipped."""
    _LOG.update(str(source) for source in source_ids if source and str(source) != "nan")


def cited() -> list[str]:
    """Every source id cited so far in this run, sorted."""
    return sorted(_LOG)


def reset() -> None:
    """Empty the log (the start of a run)."""
    _LOG.clear()
