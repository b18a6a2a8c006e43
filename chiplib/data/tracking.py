"""Which data files a run reads: the build's per-report dependencies, recorded by the data layer itself.

:class:`~chiplib.data.tables.Dataset` notes each table it hands out (and the files that table was built
from), :meth:`~chiplib.data.tables.Dataset.config` each YAML file, and :func:`~chiplib.data.tables.version`
the change log. Recording is off until :func:`start` is called (the build does so before each run), so
interactive use pays nothing.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_reads: set[str] | None = None


def start() -> None:
    """Begin a fresh record (file names relative to the data directory)."""
    global _reads
    _reads = set()


def note(*names: str) -> None:
    """Record that the files ``names`` (relative to the data directory) were read."""
    if _reads is not None:
        _reads.update(names)


def recorded() -> list[str]:
    """The files read since :func:`start`, sorted (empty when recording is off)."""
    return sorted(_reads or ())


def stop() -> list[str]:
    """End the record and return it."""
    global _reads
    names, _reads = recorded(), None
    return names


def collect(function: Callable[[], T]) -> tuple[T, frozenset[str]]:
    """Call ``function``: its value and the files it read (which any record in progress keeps too)."""
    global _reads
    outer, _reads = _reads, set()
    try:
        value = function()
    finally:
        files = frozenset(_reads)
        _reads = None if outer is None else outer | files
    return value, files


def remembered(function: Callable[..., T]) -> Callable[..., T]:
    """Cache ``function``'s results by its (hashable) arguments for the life of the process; a cached
    answer notes again the files the first call read, so a warm kernel's later runs record them too."""
    cache: dict[tuple, tuple[T, frozenset[str]]] = {}

    @functools.wraps(function)
    def wrapper(*args: Any) -> T:
        return _recall(cache, args, lambda: function(*args))

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
    return wrapper


def per_dataset(function: Callable[..., T]) -> Callable[..., T]:
    """Cache ``function(dataset, *args)`` per dataset (by identity, while it lives) and (hashable) ``args``, for
    views and derivations many reports ask of the same loaded data; like :func:`remembered`, a cached answer
    notes again the files the first call read. Datasets are frozen and never changed in place, so an answer
    stays right for as long as its dataset lives."""
    caches: dict[int, tuple[weakref.ref, dict[tuple, tuple[T, frozenset[str]]]]] = {}

    @functools.wraps(function)
    def wrapper(dataset: Any, *args: Any) -> T:
        key = id(dataset)
        ref, cache = caches.get(key, (None, None))
        if ref is None or ref() is not dataset:
            cache = {}
            caches[key] = (weakref.ref(dataset, lambda _: caches.pop(key, None)), cache)
        return _recall(cache, args, lambda: function(dataset, *args))

    wrapper.cache_clear = caches.clear  # type: ignore[attr-defined]
    return wrapper


def _recall(cache: dict[tuple, tuple[T, frozenset[str]]], args: tuple, compute: Callable[[], T]) -> T:
    """``cache[args]``'s value, its files noted again as read; else ``compute()``, stored with the files it read."""
    if args not in cache:
        cache[args] = collect(compute)
        return cache[args][0]
    value, files = cache[args]
    note(*files)
    return value
