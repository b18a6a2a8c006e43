"""The fault battery: bad input and hostile-but-fair use, each answered with a message and nothing lost.

Each test names the battery case it covers (see the README's "Faults and what the build does").
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from conftest import TABLES, write_tables

from chiplib import build, data
from chiplib.build import safety as buildsafety
from chiplib.cli import main
from chiplib.data.validate import check

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data"


def _data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def _issues(directory: Path) -> list[str]:
    return [str(issue) for issue in check(directory).issues]


PARAMETERS = {"landscape": 'reference = "nvidia-h100-sxm"\nprecision = "fp16"\ninclude_roadmap = True',
              "claims": 'show = "all"'}


def _notebook(path: Path, *cells: str) -> Path:
    """A stand-in for a report's notebook (named as the report: landscape.ipynb or claims.ipynb), with that
    report's parameters cell followed by ``cells``."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Fault test"))
    nb.cells.append(nbformat.v4.new_code_cell(PARAMETERS[path.stem], metadata={"tags": ["parameters"]}))
    nb.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _plan(directory: Path, reports: list[tuple[str, dict, int]]) -> Path:
    """A plan of (report name, variants, stage); each report runs ``<name>.ipynb`` in ``directory``."""
    lines = ["reports:"]
    for name, variants, stage in reports:
        body = ", ".join(f"{v}: {{{', '.join(f'{k}: {x}' for k, x in p.items())}}}" for v, p in variants.items())
        lines += [f"  - name: {name}", f"    title: {name} title", f"    question: {name}?", f"    stage: {stage}",
                  f"    variants: {{{body}}}"]
    plan = directory / "reports.yaml"
    plan.write_text("\n".join(lines) + "\n")
    return plan


def _default_ctrl_c() -> None:
    """In the child, before it runs the build: Ctrl-C as a terminal gives it. A process started with SIGINT ignored
    (pytest-xdist's workers ignore it, as does a shell's background job) never sees Ctrl-C, by design."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


RECORD = 'from chiplib.present import figures\nfigures.record("answer", "The answer", 42, "", ["epoch-ml-hardware"])'


# ----------------------------------------------------------------------------- 3. stale reports

def test_every_yaml_file_and_template_is_a_cache_input(tmp_path):
    """Battery 3: a run's key (the build's own job_key and run_hash) changes when a YAML file the run read is
    edited, and only then; the manufacturing report's model reads its scenario files through the data layer;
    the data directory in use and the templates are part of the key."""
    from chiplib.build.cache import code_hash, job_key, run_hash
    from chiplib.data import tracking
    from chiplib.reports import fab as fab_report

    copy = _data_copy(tmp_path)
    job = build.plan_jobs(build.load_plan(), only=["fab/base"])[0]
    key = job_key(job, code_hash(), copy)
    tracking.start()
    fab_report.answer(dataset=data.load(copy))
    reads = tracking.stop()
    assert {"production_scenarios.yaml", "hbm_scenarios.yaml", "fab_estimates.csv", "hbm_supply.csv"} <= set(reads)
    names = ("export_rules.yaml", "fab_scenarios.yaml", "hbm_scenarios.yaml", "production_scenarios.yaml", "software_rubric.yaml")
    for name in names:
        path = copy / name
        before_read, before_unread = run_hash(key, [*reads, name], copy), run_hash(key, [r for r in reads if r != name], copy)
        original = path.read_text()
        path.write_text(original + "\n# edited\n")
        assert run_hash(key, [*reads, name], copy) != before_read, name
        assert run_hash(key, [r for r in reads if r != name], copy) == before_unread, name
        path.write_text(original)
    assert job_key(job, code_hash(), DATA) != key, "the data directory in use is part of the key"
    hashed = {p.relative_to(REPO / "chiplib").as_posix() for p in build.input_files()}
    assert {"build/templates/index.html.j2", "build/templates/report/index.html.j2",
            "build/templates/report/conf.json", "build/pipeline.py", "present/safe.py", "models/production.py"} <= hashed


def test_a_rules_edit_rebuilds_and_data_dir_reaches_the_kernels(tmp_path, capsys):
    """Battery 3: `--data-dir X build` builds from X; a threshold edit in X's rules file rebuilds the report that
    read the rules, and only that one; an edit to a table no report read rebuilds nothing."""
    copy = _data_copy(tmp_path)
    notebooks = tmp_path / "notebooks"
    _notebook(notebooks / "landscape.ipynb", 'from chiplib import data\nfrom chiplib.present import figures\n'
              'figures.record("chips", "Chips", len(data.load().chips), "", ["epoch-ml-hardware"])\n'
              'figures.record("dir", "Data", data.data_dir().name, "", ["epoch-ml-hardware"])\n'
              'if include_roadmap:\n    rules = data.load().config("export_rules.yaml")')
    plan = _plan(notebooks, [("landscape", {"a": {}, "b": {"include_roadmap": "false"}}, 1)])
    out = tmp_path / "reports"
    chips, specs = copy / "chips.csv", copy / "chip_specs.csv"
    kept, last = chips.read_text().rstrip("\n").rsplit("\n", 1)
    chips.write_text(kept + "\n")  # one chip fewer than data/, and its figures with it
    gone = last.split(",", 1)[0] + ","
    specs.write_text("".join(line for line in specs.read_text().splitlines(True) if not line.startswith(gone)))
    args = ["--data-dir", str(copy), "build", "--plan", str(plan), "--out", str(out), "--quiet"]
    assert main(args) == 0
    figures = (out / "figures.csv").read_text()
    fewer = len(data.load().chips) - 1
    assert "landscape,a,dir,Data,data," in figures and f"landscape,a,chips,Chips,{fewer}.0," in figures
    capsys.readouterr()
    records = {v: json.loads((out / ".cache" / f"landscape--{v}.json").read_text())["reads"] for v in "ab"}
    assert records == {"a": ["chips.csv", "export_rules.yaml"], "b": ["chips.csv"]}, "reads recorded by the data layer"
    rules = copy / "export_rules.yaml"
    rules.write_text(rules.read_text().replace('[tpp, ">=", 4800]]}', '[tpp, ">=", 4000]]}', 1))
    assert main(args) == 0
    assert "1 built, 1 unchanged" in capsys.readouterr().out
    assert json.loads((out / ".cache" / "landscape--a.json").read_text())["seconds"] > 0
    events = copy / "events.csv"  # read by neither variant
    events.write_text(events.read_text().replace("Huawei", "Huawei Technologies", 1))
    assert main(args) == 0
    assert "0 built, 2 unchanged" in capsys.readouterr().out
    chips.write_text(chips.read_text().replace("Ampere GA100.", "Ampere GA100 die.", 1))  # a row of a table both read
    assert main(args) == 0
    assert "2 built, 0 unchanged" in capsys.readouterr().out


# ----------------------------------------------------------------------------- 4. silent misreadings

def test_duplicate_variant_names_are_refused(tmp_path):
    """Battery 4: a variant named twice no longer replaces a good report with another's content."""
    _notebook(tmp_path / "landscape.ipynb", RECORD)
    plan = tmp_path / "reports.yaml"
    plan.write_text("reports:\n  - name: landscape\n    title: t\n"
                    "    question: q\n    variants:\n      a: {}\n      a: {precision: fp8}\n")
    with pytest.raises(build.PlanError, match=r"reports.yaml:7: duplicate key 'a' \(first given on line 6\)"):
        build.load_plan(plan)
    plan.write_text(plan.read_text().replace("      a: {precision: fp8}\n", "      B/x: {}\n"))
    with pytest.raises(build.PlanError, match="name 'B/x' must be lowercase letters and digits"):
        build.load_plan(plan)


@pytest.mark.parametrize("name, old, new, expected", [
    ("export_rules.yaml", "applies_to: [NVIDIA, AMD]", "applies-to: [NVIDIA, AMD]",
     "export_rules.yaml: key 'tests.h20_letter.0' unknown key(s) 'applies-to'; valid keys: applies_to,"),
    ("fab_scenarios.yaml", "    hbm_drawdown: [0.33, 0.67]", "    hbm_drawdwn: [0.33, 0.67]",
     "fab_scenarios.yaml: key 'scenarios.base' missing key(s) 'hbm_drawdown'"),
    ("fab_scenarios.yaml", "{from: smic-ai-chip-capacity}", "{from: smic-capacity}",
     "fab_scenarios.yaml: key 'scenarios.base.wafers_per_month.from' unknown estimate subject 'smic-capacity' "
     "(not in fab_estimates.csv)"),
    ("hbm_scenarios.yaml", "chips: [huawei-ascend-910c]", "chips: [huawei-ascend-9100]",
     "hbm_scenarios.yaml: key 'scenarios.stockpile.chips.0' unknown chip_id 'huawei-ascend-9100' (not in chips.csv)"),
    ("software_rubric.yaml", "developer: {programming_model: 1,", "developer: {programing_model: 1,",
     "software_rubric.yaml: key 'profiles.developer' weights must name every criterion once "
     "(missing: ['programming_model'], unknown: ['programing_model'])"),
    ("hbm_scenarios.yaml", "  stockpile:\n", "  stockpile:\n    description: x\n",
     "hbm_scenarios.yaml:7: duplicate key 'description' (first given on line 6)"),
    ("fab_scenarios.yaml", "die_stock: [0, 0]", "die_stock: [0, 0",
     "fab_scenarios.yaml:26: expected ',' or ']', but got ':'"),
    ("production_scenarios.yaml", '  dies_per_950: "one compute die per package: Huawei publishes no die count"\n', "",
     "production_scenarios.yaml: key 'scenarios.base.dies_per_950' an assumed range needs its reason under 'assumptions'"),
    ("production_scenarios.yaml", "years: {2024: [0, 7000]}", "years: {2031: [0, 7000]}",
     "production_scenarios.yaml: key 'scenarios.base.wafers_per_month.years.2031' year outside 2024-2028"),
    ("production_scenarios.yaml", "{from: smic-5nm-yield}", "{from: smic-9nm-yield}",
     "production_scenarios.yaml: key 'scenarios.base.die_yield_950_percent.from' unknown estimate subject 'smic-9nm-yield'"),
])
def test_yaml_mistakes_are_reported_by_validate(tmp_path, name, old, new, expected):
    """Battery 4 and 5: unknown keys, dangling names, duplicate keys and syntax errors in the data's YAML files."""
    copy = _data_copy(tmp_path)
    path = copy / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    issues = _issues(copy)
    assert any(issue.startswith(expected) for issue in issues), issues
    assert all(issue.startswith(name) for issue in issues), "no follow-on errors in the files that use this one"


@pytest.mark.parametrize("row, expected", [
    ("c99,A claim,Someone,epoch-ai,epoch-ml-hardware,2025,chip_metric,huawei-ascend-999,,fp16_dense,1000,,,TFLOPS,0.05,",
     "column 'subject' unknown chip 'huawei-ascend-999' (test chip_metric)"),
    ("c99,A claim,Someone,epoch-ai,epoch-ml-hardware,2025,classification,huawei-ascend-910c,,oct2030,3A090,,,text,0,",
     "column 'metric' unknown rule 'oct2030' (test classification)"),
    ("c99,A claim,Someone,epoch-ai,epoch-ml-hardware,2025,chip_ratio,huawei-ascend-910c,,fp16_dense,lots,,,ratio,0.05,",
     "column 'claimed' 'lots' is not a number (test chip_ratio)"),
])
def test_claims_are_validated_like_every_fact_table(tmp_path, row, expected):
    """Battery 4: a bad subject used to pass validation and crash the claims code."""
    copy = _data_copy(tmp_path)
    line = len((copy / "claims.csv").read_text(encoding="utf-8").splitlines()) + 1
    with (copy / "claims.csv").open("a") as stream:
        stream.write(row + "\n")
    assert f"claims.csv:{line}: {expected}" in "\n".join(_issues(copy))


def test_header_only_core_table_is_an_error(tmp_path, capsys):
    """Battery 4: a header-only chip_specs.csv passed as "data OK"."""
    directory = write_tables(tmp_path / "d", chip_specs_csv=TABLES["chip_specs.csv"].splitlines()[0] + "\n")
    assert main(["--data-dir", str(directory), "validate"]) == 1
    assert "chip_specs.csv:1: table has a header but no rows" in capsys.readouterr().err


# ----------------------------------------------------------------------------- 5. messages, not tracebacks

def test_non_utf8_bytes_are_reported_with_file_and_line(tmp_path):
    directory = write_tables(tmp_path / "d")
    path = directory / "chips.csv"
    path.write_bytes(path.read_bytes().replace(b"Cut-down X1", b"Cut-down X1 \xff"))
    issues = _issues(directory)
    assert issues == ["chips.csv:3: not UTF-8 (byte 0xff at position 74 of the line); save the file as UTF-8"]


def test_a_byte_order_mark_is_named_once(tmp_path):
    directory = write_tables(tmp_path / "d")
    path = directory / "chips.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert _issues(directory) == ["chips.csv:1: file starts with a UTF-8 byte-order mark (BOM); "
                                  "save it as UTF-8 without BOM"]


@pytest.mark.parametrize("args, message", [
    (["build", "--jobs", "-1"], "argument --jobs: must be 1 or more, got -1"),
    (["build", "--jobs", "0"], "argument --jobs: must be 1 or more, got 0"),
    (["build", "--cell-timeout", "soon"], "argument --cell-timeout: expected a whole number, got 'soon'"),
    (["export-controls", "--date", "2025-99-99"], "argument --date: expected a date as YYYY-MM-DD, got '2025-99-99'"),
])
def test_bad_options_end_in_one_line_and_exit_2(args, message):
    run = subprocess.run([sys.executable, "-m", "chiplib.cli", *args], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr


def test_unknown_country_lists_the_valid_ones(capsys):
    assert main(["chips", "--country", "ZZ"]) == 2
    assert capsys.readouterr().err.strip() == "error: no chips from ZZ; valid countries: CN, US"


def test_an_unwritable_reports_folder_is_one_line(tmp_path, capsys):
    _notebook(tmp_path / "nb" / "landscape.ipynb", RECORD)
    plan = _plan(tmp_path / "nb", [("landscape", {"a": {}}, 1)])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["build", "--plan", str(plan), "--out", str(blocker / "reports"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: cannot write the reports: ") and "Not a directory" in err
    assert len(err.strip().splitlines()) == 1


def test_a_full_disk_keeps_the_last_good_reports_and_leaves_no_partial_file(tmp_path, capsys, monkeypatch):
    _notebook(tmp_path / "nb" / "landscape.ipynb", RECORD)
    plan = _plan(tmp_path / "nb", [("landscape", {"a": {}}, 1)])
    out = tmp_path / "reports"
    assert build.build(plan=plan, out=out, progress=False) == 0
    good = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    real_replace = os.replace

    def disk_full(src, dst, *a, **k):
        if str(dst).endswith("index.html"):
            raise OSError(errno.ENOSPC, "No space left on device", str(dst))
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(buildsafety.os, "replace", disk_full)
    assert main(["build", "--plan", str(plan), "--out", str(out), "--quiet", "--force"]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}.keys() == good.keys()
    assert (out / "index.html").read_bytes() == good["index.html"]
    assert not list(out.rglob("*.partial")) and not list(out.glob("chiplib-build-*"))


# ----------------------------------------------------------------------------- 6. interruption, concurrency, hangs

def test_a_second_build_is_refused_while_one_runs_and_a_stale_lock_is_taken_over(tmp_path, capsys):
    _notebook(tmp_path / "nb" / "landscape.ipynb", RECORD)
    plan = _plan(tmp_path / "nb", [("landscape", {"a": {}}, 1)])
    out = tmp_path / "reports"
    out.mkdir()
    holder = subprocess.Popen(["sleep", "60"])
    try:
        (out / ".build.lock").write_text(f"{holder.pid}\n")
        assert main(["build", "--plan", str(plan), "--out", str(out), "--quiet"]) == 1
        assert f"another build (PID {holder.pid}) is writing to {out}" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert main(["build", "--plan", str(plan), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert f"removed a stale lock left by PID {holder.pid}" in printed and "1 built" in printed
    assert not (out / ".build.lock").exists()


def test_leftovers_of_a_killed_build_are_swept(tmp_path):
    _notebook(tmp_path / "nb" / "landscape.ipynb", RECORD)
    plan = _plan(tmp_path / "nb", [("landscape", {"a": {}}, 1)])
    out = tmp_path / "reports"
    (out / "chiplib-build-dead").mkdir(parents=True)
    (out / "chiplib-build-dead" / "x.ipynb").write_text("{}")
    (out / ".index.html.abc.partial").write_text("half")
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert not list(out.glob("chiplib-build-*")) and not list(out.glob("*.partial"))


def test_a_hanging_cell_fails_the_run_at_the_time_limit(tmp_path, capsys):
    _notebook(tmp_path / "nb" / "landscape.ipynb", "import time\ntime.sleep(600)")
    plan = _plan(tmp_path / "nb", [("landscape", {"a": {}}, 1)])
    start = time.monotonic()
    assert main(["build", "--plan", str(plan), "--out", str(tmp_path / "r"), "--quiet", "--cell-timeout", "3"]) == 1
    assert time.monotonic() - start < 60
    assert "FAILED landscape/a: a cell ran longer than the 3 s limit (--cell-timeout) and was stopped" in capsys.readouterr().out


def test_ctrl_c_stops_workers_and_kernels_keeps_reports_and_exits_130(tmp_path):
    notebooks = tmp_path / "nb"
    _notebook(notebooks / "claims.ipynb", RECORD)
    _notebook(notebooks / "landscape.ipynb", "import time\ntime.sleep(600)")
    out = tmp_path / "reports"
    plan = _plan(notebooks, [("claims", {"a": {}}, 1)])
    assert build.build(plan=plan, out=out, progress=False) == 0
    good = (out / "claims--a.html").read_bytes()
    plan = _plan(notebooks, [("claims", {"a": {}}, 1),
                             ("landscape", {"a": {}, "b": {"precision": "fp8"}, "c": {"include_roadmap": "false"}}, 1)])
    log = tmp_path / "stderr.txt"
    with log.open("w") as stderr:  # a file, not a pipe: a stray process holding a pipe cannot hang the test
        run = subprocess.Popen([sys.executable, "-m", "chiplib.cli", "build", "--plan", str(plan), "--out", str(out),
                                "--quiet", "--force", "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=stderr,
                               preexec_fn=_default_ctrl_c)
    parent = psutil.Process(run.pid)
    deadline = time.monotonic() + 90
    kernels: list[psutil.Process] = []
    while time.monotonic() < deadline and len(kernels) < 2:  # wait until two kernels run
        time.sleep(0.5)
        kernels = [p for p in parent.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    assert len(kernels) >= 2, "the build should have started its kernels"
    time.sleep(2)
    descendants = parent.children(recursive=True)
    started = time.monotonic()
    run.send_signal(signal.SIGINT)
    assert run.wait(timeout=60) == 130, log.read_text()
    err = log.read_text()
    assert time.monotonic() - started < 30, "Ctrl-C must not wait for the remaining runs"
    assert "interrupted:" in err and "Traceback" not in err
    time.sleep(1)
    assert not [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not list(out.glob("chiplib-build-*")) and not (out / ".build.lock").exists()
    assert (out / "claims--a.html").exists() and not (out / "landscape--a.html").exists()
    assert len(good) > 0

    # Battery 6b: a build killed outright (SIGKILL: no clean-up runs) leaves no worker or kernel behind
    with log.open("w") as stderr:
        run = subprocess.Popen([sys.executable, "-m", "chiplib.cli", "build", "--plan", str(plan), "--out", str(out),
                                "--quiet", "--force", "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=stderr,
                               preexec_fn=_default_ctrl_c)
    parent = psutil.Process(run.pid)
    deadline, kernels = time.monotonic() + 90, []
    while time.monotonic() < deadline and len(kernels) < 2:
        time.sleep(0.5)
        kernels = [p for p in parent.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
    assert len(kernels) >= 2, "the build should have started its kernels"
    descendants = parent.children(recursive=True)
    run.kill()
    run.wait(timeout=10)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]:
        time.sleep(0.5)
    left = [p for p in descendants if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    for process in left:  # do not leave them running whatever the verdict
        process.kill()
    assert not left, f"orphans of a killed build: {[' '.join(p.cmdline())[:80] for p in left]}"
    assert (out / "claims--a.html").read_bytes() == good, "the last good report is kept (same inputs, same bytes)"


CTRL_C_ON_ANOTHER_THREAD = """
import signal, sys, threading, time
from pathlib import Path
import psutil
from chiplib import build

def press_ctrl_c():  # once a kernel runs the notebook, the system hands SIGINT to this thread, not the main one
    while not [p for p in psutil.Process().children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]:
        time.sleep(0.2)
    time.sleep(2)
    signal.pthread_kill(threading.get_ident(), signal.SIGINT)

threading.Thread(target=press_ctrl_c, daemon=True).start()
try:
    build.build(plan=Path(sys.argv[1]), out=Path(sys.argv[2]), progress=False, jobs=1)
except KeyboardInterrupt as exc:
    print(type(exc).__name__)
"""


@pytest.mark.skipif("faketime" in os.environ.get("LD_PRELOAD", ""),
                    reason="under libfaketime a timed lock wait never times out (its sem_clockwait), so nothing can "
                           "wake the build's main thread but a finished run; run this test without faketime")
def test_ctrl_c_is_seen_whichever_thread_the_system_hands_it_to(tmp_path):
    """Battery 6: the system may deliver SIGINT to any thread of the build process (the worker pool has its own);
    the build still stops at once, instead of waiting for a run to end."""
    _notebook(tmp_path / "nb" / "landscape.ipynb", "import time\ntime.sleep(600)")
    plan = _plan(tmp_path / "nb", [("landscape", {"a": {}}, 1)])
    start = time.monotonic()
    run = subprocess.run([sys.executable, "-c", CTRL_C_ON_ANOTHER_THREAD, str(plan), str(tmp_path / "reports")],
                         capture_output=True, text=True, timeout=90, preexec_fn=_default_ctrl_c)
    assert run.stdout.strip() == "BuildInterrupted", run.stderr
    assert time.monotonic() - start < 45


# ----------------------------------------------------------------------------- 7. tidy outputs

def test_no_op_build_runs_nothing_even_with_a_second_stage(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    _notebook(notebooks / "landscape.ipynb", RECORD)
    _notebook(notebooks / "claims.ipynb", RECORD)
    plan = _plan(notebooks, [("landscape", {"a": {}}, 1), ("claims", {"a": {}}, 2)])
    out = tmp_path / "reports"
    assert build.build(plan=plan, out=out, progress=False) == 0
    capsys.readouterr()
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert "nothing changed: 2 reports up to date" in capsys.readouterr().out, "the first no-op after a cold build"
    (out / ".cache" / "build.json").unlink()  # without the no-op record, every run's own key says the same
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert "0 built, 2 unchanged (cached), 0 failed" in capsys.readouterr().out
    # a changed stage-1 figure, then two builds: the second must run nothing
    _notebook(notebooks / "landscape.ipynb", RECORD.replace("42", "43"))
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert "landscape,a,answer,The answer,42.0" in (out / "figures.previous.csv").read_text()
    capsys.readouterr()
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert "nothing changed: 2 reports up to date" in capsys.readouterr().out
    (out / ".cache" / "build.json").unlink()
    assert build.build(plan=plan, out=out, progress=False) == 0
    assert "0 built, 2 unchanged (cached), 0 failed" in capsys.readouterr().out
    assert "landscape,a,answer,The answer,42.0" in (out / "figures.previous.csv").read_text()


def test_failed_notebooks_and_orphans_are_cleared(tmp_path, capsys):
    notebooks = tmp_path / "nb"
    _notebook(notebooks / "landscape.ipynb", 'if precision == "fp8":\n    raise ValueError("no fp8")\n' + RECORD)
    out = tmp_path / "reports"
    good = _plan(notebooks, [("landscape", {"a": {}, "gone": {"include_roadmap": "false"}}, 1)])
    assert build.build(plan=good, out=out, progress=False) == 0
    bad = _plan(notebooks, [("landscape", {"a": {"precision": "fp8"}, "gone": {"include_roadmap": "false"}}, 1)])
    assert build.build(plan=bad, out=out, progress=False) == 1
    assert (out / "_failed" / "landscape--a.ipynb").exists()
    # the fix: back to the parameters whose report is still cached
    fixed = _plan(notebooks, [("landscape", {"a": {}}, 1)])
    capsys.readouterr()
    assert build.build(plan=fixed, out=out, progress=False) == 0
    printed = capsys.readouterr().out
    assert "0 built, 1 unchanged" in printed
    assert not (out / "_failed" / "landscape--a.ipynb").exists(), "a variant that succeeds has no failed notebook"
    assert not (out / "landscape--gone.html").exists() and not (out / ".cache" / "landscape--gone.json").exists()
    assert "removed 2 file(s) of variants no longer in the plan: .cache/landscape--gone.json, landscape--gone.html" in printed
    assert "landscape--gone" not in (out / "index.html").read_text()
