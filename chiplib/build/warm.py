"""Warm kernels: each build worker keeps one Jupyter kernel that has already imported pandas, Altair and
chiplib, loaded the validated data and started vl-convert's JavaScript engine, so a run pays only its own work.

Papermill still executes and parameterizes every notebook: :class:`WarmEngine` is a papermill engine that
hands nbclient the worker's running kernel instead of starting one. Before each run the kernel is reset
(:data:`RESET`: the user namespace, ``Out`` history, execution count, working directory, pandas options,
Altair's theme, the run's read record), so no state passes from one report to the next; after the run it
reports the data files the run read (:mod:`chiplib.data.tracking`). Kernel output (warnings, logs) goes to
a log file, never to the console.
"""

from __future__ import annotations

import json
import multiprocessing.util
import threading
from pathlib import Path
from typing import Any

from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE = "chiplib-warm"

#: Run once when a kernel starts: the heavy imports, the data (validated once) and the chart engine.
WARM_UP = """
import chiplib.build.kernel_side as _chiplib_kernel_side
_chiplib_kernel_side.warm_up()
del _chiplib_kernel_side
"""

#: Run before every report, so that nothing of the previous run is visible to the next.
RESET = """
get_ipython().run_line_magic("reset", "-f")
import chiplib.build.kernel_side as _chiplib_kernel_side
_chiplib_kernel_side.reset({cwd!r}, {env!r})
del _chiplib_kernel_side
get_ipython().execution_count = 1
"""

#: Run after every report: the data files it read, as one JSON line on stdout.
READS = """
import chiplib.build.kernel_side as _chiplib_kernel_side
_chiplib_kernel_side.print_reads()
del _chiplib_kernel_side
"""


class KernelCodeError(RuntimeError):
    """Code the build itself sent to a warm kernel failed (a set-up or reset step)."""


class WarmKernel:
    """One running kernel, warmed up, reused for run after run in this process (and thread), whatever build
    and data directory each run belongs to: :meth:`reset` gives the kernel the run's environment, and
    :meth:`drain` copies what the kernel printed to the run's log."""

    def __init__(self, start_timeout: int = 60):
        import os
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # the kernel's own output file, copied piece by piece to the log of the build each run belongs to
        handle, name = tempfile.mkstemp(prefix="chiplib-kernel-", suffix=".log")
        self._output_path = Path(name)
        self._output = os.fdopen(handle, "a", encoding="utf-8")
        self._copied = 0
        self.km = AsyncKernelManager(kernel_name="python3")
        # no history database: runs restart their execution count at 1, which its unique keys would refuse
        run_sync(self.km.start_kernel)(stdout=self._output, stderr=self._output, env=dict(os.environ),
                                       extra_arguments=["--HistoryManager.enabled=False"])
        self.kc = self.km.client()
        self.kc.start_channels()
        run_sync(self.kc.wait_for_ready)(timeout=start_timeout)
        self.kc.allow_stdin = False
        self.runs = 0
        self.execute(WARM_UP, timeout=600)

    def execute(self, code: str, timeout: int = 120) -> str:
        """Run build code in the kernel; its stdout, or KernelCodeError with the kernel's traceback."""
        from jupyter_core.utils import run_sync

        out: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream" and msg["content"].get("name") == "stdout":
                out.append(msg["content"]["text"])

        reply = run_sync(self.kc.execute_interactive)(code, silent=False, store_history=False, output_hook=hook,
                                                     timeout=timeout, allow_stdin=False)
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelCodeError(f"{content.get('ename')}: {content.get('evalue')}")
        return "".join(out)

    def reset(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        """Clear what the last run left and give the next one ``cwd`` and the environment variables ``env``
        (the build's :data:`RUN_VARIABLES`; those not given are removed)."""
        self.execute(RESET.format(cwd=str(cwd), env=dict(env or {})))

    def reads(self) -> list[str]:
        """The data files (relative to the data directory) the last run read."""
        lines = [line for line in self.execute(READS).splitlines() if line.strip()]
        return json.loads(lines[-1]) if lines else []

    def drain(self, log: Path) -> None:
        """Append to ``log`` what the kernel has printed (warnings, its own messages) since the last drain."""
        try:
            with self._output_path.open("rb") as stream:
                stream.seek(self._copied)
                new = stream.read()
        except OSError:
            return
        self._copied += len(new)
        if new:
            with open(log, "ab") as target:
                target.write(new)

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        return bool(run_sync(self.km.is_alive)())

    def shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        try:
            self.kc.stop_channels()
            run_sync(self.km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001 (best effort at exit: the process is ending anyway)
            pass
        self._output.close()
        self._output_path.unlink(missing_ok=True)


_local = threading.local()


def kernel() -> WarmKernel:
    """This thread's warm kernel, started (and registered for shutdown at exit) on first use, and replaced when
    it has died."""
    current: WarmKernel | None = getattr(_local, "kernel", None)
    if current is not None and not current.alive():
        current.shutdown()
        current = None
    if current is None:
        current = WarmKernel()
        _local.kernel = current
        # worker processes leave through os._exit, which skips atexit; multiprocessing's finalizers still run
        multiprocessing.util.Finalize(current, current.shutdown, exitpriority=10)
    return current


def discard() -> None:
    """Stop this thread's warm kernel (after a run that may have left it in a bad state)."""
    current: WarmKernel | None = getattr(_local, "kernel", None)
    if current is not None:
        current.shutdown()
        _local.kernel = None


class WarmEngine(NBClientEngine):
    """Papermill's nbclient engine, executing in an already-running kernel (``warm=WarmKernel``)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs: Any):
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.log import logger

        warm: WarmKernel = kwargs.pop("warm")
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log=logger, log_output=log_output, stdout_file=stdout_file,
                             stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=warm.km, **final)
        client.kc = warm.kc  # reuse the open channels; nbclient leaves a kernel it does not own running
        return client.execute()


papermill_engines.register(ENGINE, WarmEngine)
