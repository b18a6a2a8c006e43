"""Small, hand-made copies of the data tables for tests (never the repository's data/)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SLOW_PLACES = (REPO / "tests" / "integration", REPO / "notebooks")


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Everything under tests/integration and every notebook (nbval) is ``slow``: `make test-fast` skips them.

    For `make test`, which spreads the tests over the cores (pytest-xdist, ``--dist loadgroup``), tests that share
    something expensive are grouped so that one worker runs them all and pays for it once (:func:`_shared_by`);
    the shared session build goes first, as the longest group."""
    for item in items:
        if any(Path(str(item.path)).is_relative_to(place) for place in SLOW_PLACES):
            item.add_marker(pytest.mark.slow)
        group = _shared_by(item)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=lambda item: _shared_by(item) != "built")  # stable: otherwise in collection order


def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    """Under ``--dist loadgroup``, stop before any test runs if pytest-xdist did not apply the groups: it marks
    each grouped test's node id with ``@group``, which pytest 9.2 silently defeats (pytest-dev/pytest-xdist#1386);
    the cells of one notebook would then run in different kernels and fail for the wrong reason."""
    if node.config.getoption("dist") == "loadgroup" and not any("@" in nodeid for nodeid in ids):
        pytest.exit("pytest-xdist did not group the tests that share a build, a server or a notebook's kernel "
                    "(pytest-dev/pytest-xdist#1386): install the pytest version pyproject.toml pins "
                    "(pip install -e '.[dev]')", returncode=4)


def _shared_by(item: pytest.Item) -> str | None:
    """What ``item`` shares with other tests: tests using a session fixture of this suite share it (the ``built``
    reports); tests using a module-scoped fixture share their module's (a poisoned build, a server). The cells of
    a notebook, which share its kernel, are grouped by chiplib's nbval plugin (chiplib/build/nbval_kernel.py)."""
    info = getattr(item, "_fixtureinfo", None)
    definitions = [info.name2fixturedefs[name][-1] for name in item.fixturenames if name in info.name2fixturedefs] \
        if info else []
    for definition in definitions:
        if definition.scope == "session" and Path(definition.func.__code__.co_filename).is_relative_to(REPO / "tests"):
            return definition.argname
    for definition in definitions:
        if definition.scope == "module":
            return f"module-{item.path.name}"
    return None

#: The date the shared build's kernels see (a year after the stored notebooks were run), when libfaketime is here.
FAKE_DATE = "2027-12-01 18:00:00"


def fake_clock_env(when: str = FAKE_DATE) -> dict[str, str]:
    """The variables the ``faketime`` wrapper sets for a process to see ``when`` as now (LD_PRELOAD of
    libfaketime, FAKETIME); empty when libfaketime is not installed (Debian package ``faketime``)."""
    wrapper = shutil.which("faketime")
    if wrapper is None:
        return {}
    for _ in range(3):  # the wrapper refuses to start when a killed one left a semaphore named after its own PID
        run = subprocess.run([wrapper, "-f", f"@{when}", "env"], capture_output=True, text=True, timeout=30)
        pairs = dict(line.split("=", 1) for line in run.stdout.splitlines() if "=" in line)
        for name in pairs.get("FAKETIME_SHARED", "").split():  # the wrapper's own semaphore and segment: not needed
            for leftover in (Path("/dev/shm") / f"sem.{name.lstrip('/')}", Path("/dev/shm") / name.lstrip("/")):
                leftover.unlink(missing_ok=True)
        if run.returncode == 0 and "LD_PRELOAD" in pairs:
            return {name: value for name, value in pairs.items() if name in ("LD_PRELOAD", "FAKETIME")}
    raise RuntimeError(f"the faketime wrapper did not start: {run.stderr.strip()}")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[int, Path]:
    """(exit code, reports folder) of one cold build of every variant in notebooks/reports.yaml, shared by
    every test that reads built reports. Its kernels run a year ahead (:data:`FAKE_DATE`, through libfaketime
    when installed): tests/integration/test_fake_dates.py compares its headline figures with the stored
    notebooks', which nbval checks against today's run."""
    from chiplib import build

    out = tmp_path_factory.mktemp("reports")
    # A run of the whole suite under the faketime wrapper already gives every process (kernels included) a date
    # other than the stored notebooks'; a second fake clock for the kernels alone would disagree with it.
    fake = {} if "faketime" in os.environ.get("LD_PRELOAD", "") else fake_clock_env()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in fake.items():  # read by the kernels the build starts (exec'd processes), not by this one
            patch.setenv(name, value)
        code = build.build(out=out, progress=False)
    return code, out


TABLES = {
    "origins.csv": """\
origin_id,name,kind,url
acme,Acme,vendor,https://example.com/
analyst-co,Analyst Co,analyst firm,https://example.org/
""",
    "sources.csv": """\
source_id,title,publisher,url,published,accessed,kind,origin,licence
vendor-sheet,Accelerator X datasheet,Vendor,https://example.com/x.pdf,2024-03-01,2026-11-22,datasheet,acme,
analyst-note,"Teardown of X, with estimates",Analyst,https://example.org/note,2024-05,2026-11-22,analysis,analyst-co,
""",
    "chips.csv": """\
chip_id,vendor,name,country,status,year,variant_of,market,flagship,notes
acme-x1,Acme,X1,US,shipping,2023,,datacenter,true,
acme-x1-lite,Acme,X1 Lite,CN,shipping,2024,acme-x1,consumer,,Cut-down X1
""",
    "metrics.csv": """\
metric,unit,kind,description
fp16_dense,TFLOPS,quantity,Dense FP16
memory_bandwidth,GB/s,quantity,Memory bandwidth
die_area,mm^2,quantity,Logic die area
memory_type,,text,Memory technology
announced,,date,Announcement date
""",
    "chip_specs.csv": """\
chip_id,metric,value,unit,source_id,basis,preferred,note
acme-x1,fp16_dense,1,PFLOPS,vendor-sheet,reported,true,
acme-x1,fp16_dense,900,TFLOPS,analyst-note,estimate,false,Analyst's estimate
acme-x1,memory_bandwidth,3.35,TB/s,vendor-sheet,reported,true,
acme-x1,memory_bandwidth,3350,GB/s,analyst-note,reported,false,
acme-x1,die_area,814,mm²,analyst-note,estimate,true,
acme-x1,memory_type,HBM3,,vendor-sheet,reported,true,
acme-x1,announced,2023-03,,vendor-sheet,reported,true,
acme-x1-lite,fp16_dense,148,TFLOPS,vendor-sheet,reported,true,
""",
    "events.csv": """\
date,kind,title,description,source_id
2024-03,product,X1 launched,Acme put the X1 on sale.,vendor-sheet
""",
}


from chiplib.data import schema  # noqa: E402

for _spec in schema.TABLES.values():  # theme tables the fixtures leave empty: header only
    TABLES.setdefault(_spec.file, ",".join(_spec.columns) + "\n")


def write_tables(directory: Path, **replacements: str) -> Path:
    """Write the fixture tables into ``directory``; ``sources_csv="..."`` replaces sources.csv, etc."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in TABLES.items():
        key = name.replace(".", "_")
        (directory / name).write_text(replacements.get(key, text), encoding="utf-8")
    return directory


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """A directory holding a valid copy of the fixture tables."""
    return write_tables(tmp_path / "data")
