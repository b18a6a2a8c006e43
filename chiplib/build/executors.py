"""Where runs execute: this machine's worker processes (the default), or a Dask cluster.

``chiplib build --executor dask`` starts a local Dask cluster (one single-threaded worker process per core)
or, with ``--scheduler ADDRESS``, joins a running one; each Dask worker keeps its own warm kernel. Workers on
other machines must see the repository and the reports folder at the same paths (a shared filesystem), with
chiplib installed. Dask is an optional extra: ``pip install 'chiplib[dask]'``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

KINDS = ("local", "dask")


class ExecutorError(ValueError):
    """The executor cannot be set up (an unknown kind, Dask not installed, a scheduler out of reach)."""


@contextmanager
def executor(kind: str = "local", scheduler: str | None = None, workers: int | None = None) -> Iterator[Executor | None]:
    """A ``concurrent.futures`` executor for ``kind`` (None for ``local``: the build starts its own
    processes), closed (with any cluster it started) on exit."""
    if kind not in KINDS:
        raise ExecutorError(f"unknown executor {kind!r}; valid executors: {', '.join(KINDS)}")
    if kind == "local":
        if scheduler:
            raise ExecutorError("--scheduler needs --executor dask")
        yield None
        return
    try:
        import logging

        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError("--executor dask needs Dask: pip install 'chiplib[dask]' (or the dev extra)") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except OSError as exc:
        raise ExecutorError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
