"""What keeps a build from losing or mixing up reports: one build at a time, leftovers of killed builds
(staging folders, the half-written files of :func:`chiplib.core.files.write_atomic`) swept away, and every
process a build started stopped when it is interrupted.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chiplib.core.files import PARTIAL_SUFFIX

LOCK_NAME = ".build.lock"
STAGING_PREFIX = "chiplib-build-"


class BuildBusy(RuntimeError):
    """Another live build holds the reports folder's lock."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@contextmanager
def build_lock(out: Path) -> Iterator[str | None]:
    """Hold ``out/.build.lock`` (holding our PID) for the duration; yields a note when a stale lock was
    taken over. Raises BuildBusy naming the holder when a live build has it."""
    path = out / LOCK_NAME
    note = None
    for _ in range(2):
        try:
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                holder = int(path.read_text().strip() or 0)
            except (OSError, ValueError):
                holder = 0
            if holder and holder != os.getpid() and _alive(holder):
                raise BuildBusy(f"another build (PID {holder}) is writing to {out}; wait for it to finish, "
                                f"or remove {path} if that process is not a chiplib build") from None
            path.unlink(missing_ok=True)
            note = f"removed a stale lock left by PID {holder or 'unknown'} (no longer running)"
            continue
        with os.fdopen(handle, "w") as stream:
            stream.write(f"{os.getpid()}\n")
        break
    else:
        raise BuildBusy(f"cannot take the lock {path}")
    try:
        yield note
    finally:
        path.unlink(missing_ok=True)


def sweep_leftovers(out: Path) -> int:
    """Remove staging folders and half-written files that a killed build left in ``out``; the number removed.
    Call only while holding the lock (no live build is using them)."""
    removed = 0
    for path in out.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
        removed += 1
    for path in [*out.glob(f".*{PARTIAL_SUFFIX}"), *out.glob(f".cache/.*{PARTIAL_SUFFIX}")]:
        path.unlink(missing_ok=True)
        removed += 1
    return removed


def ignore_interrupts() -> None:
    """Worker-process initializer: Ctrl-C is for the build process, which stops the workers itself; and a worker
    whose build process is killed outright (SIGKILL, no chance to clean up) ends too (:func:`exit_with_parent`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def exit_with_parent(interval: float = 0.5) -> None:
    """End this process (at once, exit code 1) when the process that started it is gone: a daemon thread
    watches the parent's id, which changes when the parent dies and this process is adopted. Build workers and
    their warm kernels call it, so a killed build leaves no orphans behind (each kernel follows its worker)."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="chiplib-exit-with-parent", daemon=True).start()


def stop_descendants(timeout: float = 2.0) -> int:
    """Stop every process this one started, without letting a worker start another kernel meanwhile:
    workers are frozen first, then their kernels (and anything else below them) are asked to end and
    killed if they do not, then the workers are killed; the number of processes stopped."""
    import psutil

    def quietly(action, process) -> None:
        try:
            action(process)
        except psutil.Error:
            pass

    me = psutil.Process()
    workers = me.children(recursive=False)
    for worker in workers:
        quietly(psutil.Process.suspend, worker)
    below = [p for p in me.children(recursive=True) if p not in workers]
    for process in below:
        quietly(psutil.Process.terminate, process)
    _, alive = psutil.wait_procs(below, timeout=timeout)
    for process in alive:
        quietly(psutil.Process.kill, process)
    for worker in workers:
        quietly(psutil.Process.kill, worker)
    psutil.wait_procs(workers, timeout=timeout)
    return len(below) + len(workers)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C (KeyboardInterrupt) while the block runs, so both clean up the same way."""
    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
