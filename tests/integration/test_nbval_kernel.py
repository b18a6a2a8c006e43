"""nbval's notebooks run one after another in one kernel, reset between them (chiplib.build.nbval_kernel)."""

from __future__ import annotations

from pathlib import Path

from nbval.kernel import CURRENT_ENV_KERNEL_NAME

from chiplib.build import nbval_kernel
from chiplib.build.nbval_kernel import WarmRunningKernel

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _printed(kernel: WarmRunningKernel, code: str) -> str:
    out: list[str] = []

    def hook(msg: dict) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    kernel.kc.execute_interactive(code, output_hook=hook, timeout=60, store_history=False)
    return "".join(out).strip()


def test_the_next_notebook_gets_the_same_kernel_reset_and_a_busy_kernel_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(WarmRunningKernel, "idle_timeout", 1.0)
    first = WarmRunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(NOTEBOOKS))
    pid = _printed(first, "import os\nleak = 1\nprint(os.getpid(), os.getcwd())")
    assert pid.endswith(str(NOTEBOOKS))
    first.stop()  # nbval's teardown: the idle kernel is kept
    assert not first.is_alive() and WarmRunningKernel.spare is not None

    second = WarmRunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(tmp_path))
    assert WarmRunningKernel.spare is None
    assert _printed(second, "import os\nprint(os.getpid(), os.getcwd(), 'leak' in globals())") \
        == f"{pid.split()[0]} {tmp_path} False", "same process, the new notebook's folder, nothing of the last one"

    km = second.km
    second.kc.execute("import time\ntime.sleep(60)")  # a cell still running when nbval stops the kernel
    second.stop()
    assert WarmRunningKernel.spare is None and not km.is_alive(), "a busy kernel is stopped, not kept"
    nbval_kernel.pytest_sessionfinish(None, 0)
    assert WarmRunningKernel.spare is None


def test_a_kernel_that_cannot_warm_up_runs_the_notebook_plain(tmp_path, monkeypatch):
    """Data that does not load fails the warm-up; the notebook still gets a kernel (nbval's own, used once), so its
    own cells show the error."""
    monkeypatch.setattr(WarmRunningKernel, "spare", None)  # a kernel left by a notebook is set aside, not reused
    monkeypatch.setenv("CHIPLIB_DATA", str(tmp_path))  # no tables at all
    kernel = WarmRunningKernel(CURRENT_ENV_KERNEL_NAME, cwd=str(NOTEBOOKS))
    assert kernel.cold and _printed(kernel, "print(6 * 7)") == "42"
    km = kernel.km
    kernel.stop()
    assert WarmRunningKernel.spare is None and not km.is_alive(), "a plain kernel is not kept"
