"""Warm kernels and other executors give exactly the reports a cold run gives.

A warm kernel runs report after report; these tests run two variants in one warm kernel in both orders and
compare every output with a cold papermill run (a fresh kernel per notebook), then build the same variants on
a local Dask cluster and compare the reports with the local build.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from chiplib import build
from chiplib.build import warm
from chiplib.build.executors import executor

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
VARIANTS = [("landscape", {"reference": "nvidia-h20"}), ("measured", {"task": "training"})]


def _outputs(path: Path) -> list:
    """Every code cell's outputs, without execution counts or timing metadata."""
    nb = nbformat.read(path, as_version=4)
    return [[{key: output[key] for key in ("output_type", "name", "text", "data") if key in output}
             for output in cell.get("outputs", [])] for cell in nb.cells if cell.cell_type == "code"]


@pytest.fixture(scope="module")
def cold(tmp_path_factory) -> dict[str, list]:
    folder = tmp_path_factory.mktemp("cold")
    runs = {}
    for name, params in VARIANTS:
        out = folder / f"{name}.ipynb"
        pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=params, cwd=str(NOTEBOOKS),
                            kernel_name="python3", progress_bar=False)
        runs[name] = _outputs(out)
    return runs


def test_runs_in_one_warm_kernel_match_cold_runs_in_either_order(cold, tmp_path):
    """landscape, then measured (measured after landscape), then landscape again (landscape after measured)."""
    kernel = warm.WarmKernel()
    try:
        for name, params in [*VARIANTS, VARIANTS[0]]:
            kernel.reset(NOTEBOOKS)
            out = tmp_path / f"{name}.ipynb"
            pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=params, engine_name=warm.ENGINE,
                                warm=kernel, kernel_name="python3", progress_bar=False, request_save_on_cell_execute=False)
            assert _outputs(out) == cold[name], f"{name} differs from its cold run"
            assert "chips.csv" in kernel.reads()
            kernel.drain(tmp_path / "kernel.log")
    finally:
        kernel.shutdown()
    assert "Traceback" not in (tmp_path / "kernel.log").read_text()


def test_a_dask_cluster_builds_the_same_reports(built, tmp_path):
    """Two variants on a local Dask cluster (one worker process, whose warm kernel runs both) against the session's
    local build."""
    code, local = built
    assert code == 0
    wanted = ["landscape/vs-h20", "measured/training"]
    out = tmp_path / "dask"
    with executor("dask", workers=1) as pool:
        assert build.build(only=wanted, out=out, progress=False, executor=pool) == 0
    names = sorted(p.name for p in out.glob("*--*.html"))
    assert names == ["landscape--vs-h20.html", "measured--training.html"]
    for name in names:
        assert (local / name).read_text() == (out / name).read_text(), name


KERNEL_FACTS = """from chiplib import data
from chiplib.present import figures
import os
figures.record("kernel", "Kernel process", os.getpid(), "", ["epoch-ml-hardware"])
figures.record("data", "Data directory", data.data_dir().name, "", ["epoch-ml-hardware"])
figures.record("chips", "Chips", len(data.load().chips), "", ["epoch-ml-hardware"])
get_ipython().kernel.log.warning(f"kernel note while building from {data.data_dir().name}")
"""


def _figures(out: Path) -> dict[str, str]:
    rows = (line.split(",") for line in (out / "figures.csv").read_text().splitlines()[1:])
    return {row[2]: row[4] for row in rows}


def test_later_builds_in_one_process_reuse_the_warm_kernel_with_their_own_data(tmp_path, monkeypatch):
    """A second build in the same process (another data directory, another reports folder) runs in the kernel the
    first one warmed up, that kernel reads the second build's data, and what it prints goes to the second build's
    log; a changed environment gets a fresh kernel, and the first one is still there when the environment is back."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('show = "all"', metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(KERNEL_FACTS)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (tmp_path / "nb").mkdir()
    nbformat.write(nb, tmp_path / "nb" / "claims.ipynb")
    plan = tmp_path / "nb" / "reports.yaml"
    plan.write_text("reports:\n  - name: claims\n    title: t\n    question: q\n    variants: {a: {}}\n")
    other = tmp_path / "other-data"
    shutil.copytree(REPO / "data", other)
    chips = other / "chips.csv"
    chips.write_text(chips.read_text().rstrip("\n").rsplit("\n", 1)[0] + "\n")  # one chip fewer
    specs = other / "chip_specs.csv"
    gone = (REPO / "data" / "chips.csv").read_text().rstrip("\n").rsplit("\n", 1)[1].split(",", 1)[0] + ","
    specs.write_text("".join(line for line in specs.read_text().splitlines(True) if not line.startswith(gone)))

    assert build.build(plan=plan, out=tmp_path / "a", progress=False, jobs=1) == 0
    assert build.build(plan=plan, out=tmp_path / "b", progress=False, jobs=1, data_dir=other) == 0
    first, second = _figures(tmp_path / "a"), _figures(tmp_path / "b")
    assert second["kernel"] == first["kernel"], "the second build reuses the first one's warm kernel"
    assert (first["data"], second["data"]) == ("data", "other-data")
    assert float(first["chips"]) - float(second["chips"]) == 1
    logs = [(tmp_path / out / ".cache" / "kernels.log").read_text() for out in "ab"]
    assert "kernel note while building from data\n" in logs[0] and "from other-data" not in logs[0]
    assert "kernel note while building from other-data\n" in logs[1] and "from data\n" not in logs[1]
    monkeypatch.setenv("CHIPLIB_TEST_ENVIRONMENT", "changed")  # what a kernel inherits: a new one is started
    assert build.build(plan=plan, out=tmp_path / "c", progress=False, jobs=1) == 0
    assert _figures(tmp_path / "c")["kernel"] != first["kernel"]
    monkeypatch.delenv("CHIPLIB_TEST_ENVIRONMENT")  # back to the first environment: its kernel was kept
    assert build.build(plan=plan, out=tmp_path / "d", progress=False, jobs=1) == 0
    assert _figures(tmp_path / "d")["kernel"] == first["kernel"]
    # what pandera and a Dask nanny set in this process as they load changes no report: same kernel
    monkeypatch.setenv("SPARK_LOCAL_IP", os.environ.get("SPARK_LOCAL_IP", "") + "1")
    monkeypatch.setenv("OMP_NUM_THREADS", str(int(os.environ.get("OMP_NUM_THREADS", "1")) + 1))
    assert build.build(plan=plan, out=tmp_path / "e", progress=False, jobs=1) == 0
    assert _figures(tmp_path / "e")["kernel"] == first["kernel"]
