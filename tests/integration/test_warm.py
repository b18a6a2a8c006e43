"""Warm kernels and other executors give exactly the reports a cold run gives.

A warm kernel runs report after report; these tests run two variants in one warm kernel in both orders and
compare every output with a cold papermill run (a fresh kernel per notebook), then build the same variants on
a local Dask cluster and compare the reports with the local build.
"""

from __future__ import annotations

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
    """Two variants on a local Dask cluster (two worker processes) against the session's local build."""
    code, local = built
    assert code == 0
    wanted = ["landscape/vs-h20", "measured/training"]
    out = tmp_path / "dask"
    with executor("dask", workers=2) as pool:
        assert build.build(only=wanted, out=out, progress=False, executor=pool) == 0
    names = sorted(p.name for p in out.glob("*--*.html"))
    assert names == ["landscape--vs-h20.html", "measured--training.html"]
    for name in names:
        assert (local / name).read_text() == (out / name).read_text(), name
