"""nbval in warm kernels: a pytest plugin (``-p chiplib.build.nbval_kernel``, set in pyproject.toml) that runs
notebook after notebook in one kernel per pytest process, reset between notebooks exactly as the build resets its
warm kernels (:data:`chiplib.build.warm.RESET`), instead of starting a kernel for each notebook; and, under
pytest-xdist's ``--dist loadgroup``, keeps the cells of one notebook on one worker.

Starting a kernel and importing pandas, Altair and chiplib, loading the data and starting the chart engine cost
about 2 CPU-seconds, which each notebook would pay again. The reset leaves no state of one notebook to the next
(tests/integration/test_warm.py compares runs in one warm kernel with cold runs). A kernel nbval stops while it is
still busy (a cell that timed out) is stopped for good; the next notebook gets a new one. When warming up or the
reset fails (data that does not validate, say), the notebook runs in a plain kernel, as nbval's own, and shows its
own error.
"""

from __future__ import annotations

import os
import time
from queue import Empty

import nbval.plugin
import pytest
from nbval.kernel import RunningKernel

from chiplib.build.kernel_side import RUN_VARIABLES


class WarmRunningKernel(RunningKernel):
    """nbval's kernel, kept when nbval stops it and reused, reset, for the next notebook of the same kernel name."""

    #: (kernel name, kernel manager, client) of the kernel the last notebook left behind.
    spare: tuple | None = None
    #: Seconds a kernel nbval stops has to answer before it counts as busy (and is stopped for good).
    idle_timeout: float = 5.0

    def __init__(self, kernel_name: str, cwd: str | None = None, startup_timeout: int = 60):
        # papermill, which warm imports, only once a notebook runs
        from chiplib.build.warm import RESET, WARM_UP, KernelCodeError

        spare, WarmRunningKernel.spare = WarmRunningKernel.spare, None
        self.kernel_name = kernel_name
        self.cold = False
        reused = spare is not None and spare[0] == kernel_name and spare[1].is_alive()
        if reused:
            _, self.km, self.kc = spare
        else:
            if spare is not None:
                _shutdown(spare)
            super().__init__(kernel_name, cwd=cwd, startup_timeout=startup_timeout)
        env = {name: os.environ[name] for name in RUN_VARIABLES if name in os.environ}
        try:
            if not reused:
                self.run(WARM_UP, timeout=600)
            self.run(RESET.format(cwd=cwd or os.getcwd(), env=env))
        except (KernelCodeError, Empty):  # e.g. data that fails validation: let the notebook show its own error
            super().stop()
            super().__init__(kernel_name, cwd=cwd, startup_timeout=startup_timeout)
            self.cold = True  # nbval's own kernel: used for this notebook only

    def run(self, code: str, timeout: float = 120) -> None:
        """Run build code (not a notebook cell) and wait until the kernel is idle again; KernelCodeError when it
        fails, queue.Empty when the kernel does not answer within ``timeout`` seconds."""
        from chiplib.build.warm import KernelCodeError

        msg_id = self.kc.execute(code, silent=False, store_history=False, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        while True:
            reply = self.get_message("shell", timeout=max(0.0, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        self.await_idle(msg_id, timeout=max(0.0, deadline - time.monotonic()))
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelCodeError(f"{content.get('ename')}: {content.get('evalue')}")

    def stop(self) -> None:
        """Keep the kernel for the next notebook when it is idle; otherwise stop it as nbval would."""
        from chiplib.build.warm import KernelCodeError

        try:
            if self.cold:
                raise Empty
            self.run("None", timeout=self.idle_timeout)
        except (Empty, KernelCodeError):
            super().stop()
            return
        previous, WarmRunningKernel.spare = WarmRunningKernel.spare, (self.kernel_name, self.km, self.kc)
        if previous is not None:
            _shutdown(previous)
        del self.km  # as after nbval's own stop: this notebook's handle no longer counts as alive


def _shutdown(spare: tuple) -> None:
    _, km, kc = spare
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def pytest_configure(config: pytest.Config) -> None:
    """nbval starts its kernels through this class from now on. ``-p no:chiplib.build.nbval_kernel`` keeps nbval's
    own, a new kernel for each notebook (run it without ``-n``: the plugin is also what keeps a notebook's cells on
    one pytest-xdist worker)."""
    nbval.plugin.RunningKernel = WarmRunningKernel


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The cells of a notebook run in order in its kernel: one group for pytest-xdist's ``--dist loadgroup``."""
    if config.pluginmanager.hasplugin("xdist"):
        for item in items:
            if item.path.suffix == ".ipynb":
                item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.name}"))


def pytest_sessionfinish(session, exitstatus) -> None:
    """Stop the kernel the last notebook left."""
    spare, WarmRunningKernel.spare = WarmRunningKernel.spare, None
    if spare is not None:
        _shutdown(spare)

