"""The installed ``chiplib`` command."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile

from conftest import TABLES, write_tables

import chiplib
from chiplib import data
from chiplib.cli import main


def test_validate_clean_data_exits_zero(tables, capsys):
    assert main(["--data-dir", str(tables), "validate"]) == 0
    assert "data OK: 2 origins, 2 sources, 2 chips, 5 metrics, 8 chip_specs" in capsys.readouterr().out


def test_validate_broken_copy_prints_every_problem(tmp_path, capsys):
    """A deliberately broken copy: every problem is printed with file, line, column and reason; exit 1."""
    specs = (TABLES["chip_specs.csv"]
             .replace("3.35,TB/s", "3.35,TB")
             .replace("148,TFLOPS,vendor-sheet", "lots,TFLOPS,vendor-sheet")
             .replace("mm²,analyst-note", "mm²,unknown-source"))
    sources = TABLES["sources.csv"].replace("2026-11-22,analysis", "yesterday,analysis")
    directory = write_tables(tmp_path / "broken", chip_specs_csv=specs, sources_csv=sources)
    assert main(["--data-dir", str(directory), "validate"]) == 1
    err = capsys.readouterr().err
    assert "4 problem(s)" in err
    for expected in (
        "chip_specs.csv:4: column 'unit' unit 'TB' cannot be converted to 'GB/s' (metric memory_bandwidth is in GB/s)",
        "chip_specs.csv:6: column 'source_id' unknown source_id 'unknown-source' (not in sources.csv)",
        "chip_specs.csv:9: column 'value' 'lots' is not a number (fp16_dense is a quantity)",
        "sources.csv:3: column 'accessed' 'yesterday' is not a date (YYYY-MM-DD)",
    ):
        assert expected in err


def test_chips_lists_coverage(tables, capsys):
    assert main(["--data-dir", str(tables), "chips"]) == 0
    out = capsys.readouterr().out
    assert "acme-x1-lite" in out and "2 chips; 6 chip-metric figures sourced, 1 contested" in out
    assert main(["--data-dir", str(tables), "chips", "--format", "csv", "--country", "cn"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "chip_id,vendor,name,status,metrics,contested,sources,origins", "acme-x1-lite,Acme,X1 Lite,shipping,1,0,1,1"]


def test_commands_on_broken_data_fail_cleanly(tmp_path, capsys):
    directory = write_tables(tmp_path / "d", chips_csv=TABLES["chips.csv"].replace("US,", "usa,", 1))
    assert main(["--data-dir", str(directory), "chips"]) == 1
    assert "chips.csv:2: column 'country'" in capsys.readouterr().err


def test_a_missing_data_directory_is_one_line_for_every_command(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    for command in (["chips"], ["claims"], ["export-controls"], ["build", "--out", str(tmp_path / "r")]):
        assert main(["--data-dir", str(missing), *command]) == 1, command
        err = capsys.readouterr().err
        assert err.strip() == f"error: data directory {missing} does not exist", command


def test_a_file_that_cannot_be_written_is_one_line(tmp_path, capsys):
    """An OSError from a command (here: the sweep's output folder does not exist) ends in one line, exit 1."""
    target = tmp_path / "no-such-folder" / "grid.parquet"
    code = main(["sweep", "--steps", "2", "--samples", "100", "--jobs", "1", "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_release_is_byte_identical_when_built_twice(tables, tmp_path, capsys):
    """Two releases of the same files are the same bytes (fixed names, order, owners and timestamps), and the
    manifest lists every member with its digest."""
    (tables / "CHANGELOG.md").write_text("# Changes\n\n## 2026.1.0 (2026-11-22)\n", encoding="utf-8")
    (tables / "scratch-copy.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not a table of the collection
    reports = tmp_path / "reports"
    reports.mkdir()
    for name, text in (("index.html", "<p>index</p>"), ("landscape--vs-h100.html", "<p>r</p>"),
                       ("figures.csv", "report,variant\n")):
        (reports / name).write_text(text, encoding="utf-8")
    digests = []
    for out in (tmp_path / "one", tmp_path / "two"):
        assert main(["--data-dir", str(tables), "release", "--out", str(out), "--reports", str(reports)]) == 0
        archive = out / "chiplib-data-2026.1.0.tar.gz"
        digests.append(hashlib.sha256(archive.read_bytes()).hexdigest())
    assert digests[0] == digests[1]
    manifest = (tmp_path / "one" / "chiplib-data-2026.1.0.tar.gz.sha256").read_text(encoding="utf-8").splitlines()
    assert manifest[-1] == f"{digests[0]}  chiplib-data-2026.1.0.tar.gz"
    assert any(line.endswith("  chiplib-data-2026.1.0/data/chip_specs.csv") for line in manifest)
    assert any(line.endswith("  chiplib-data-2026.1.0/reports/figures.csv") for line in manifest)
    assert not any("scratch-copy" in line for line in manifest), "only the collection's own data files are released"
    with tarfile.open(tmp_path / "one" / "chiplib-data-2026.1.0.tar.gz") as tar:
        assert {m.mtime for m in tar.getmembers()} == {1795305600}             # 2026-11-22 00:00 UTC
    assert main(["--data-dir", str(tables), "release", "--out", str(tmp_path / "x"), "--reports",
                 str(tmp_path / "none")]) == 1
    assert "run `make reports` first" in capsys.readouterr().err


def test_installed_entry_point_version_and_help():
    run = subprocess.run([sys.executable, "-m", "chiplib.cli", "--version"], capture_output=True, text=True)
    number, as_of = data.version()
    assert run.returncode == 0 and run.stdout.strip() == f"chiplib {chiplib.__version__}; data {number} (as of {as_of})"
    for args in (["--help"], ["validate", "--help"], ["chips", "--help"], ["build", "--help"], ["claims", "--help"],
                 ["release", "--help"]):
        run = subprocess.run([sys.executable, "-m", "chiplib.cli", *args], capture_output=True, text=True)
        assert run.returncode == 0 and "usage: chiplib" in run.stdout
    run = subprocess.run([sys.executable, "-m", "chiplib.cli", "frobnicate"], capture_output=True, text=True)
    assert run.returncode == 2 and "invalid choice" in run.stderr and "validate" in run.stderr


def test_claims_prints_verdicts_with_claimant_and_evidence_origins(tables, capsys):
    claims = ("claim_id,claim,claimant,origin,source_id,date,test,subject,subject_b,metric,claimed,low,high,unit,"
              "tolerance,note\n"
              "own,X1 Lite does 148 TFLOPS,Acme,acme,vendor-sheet,2024,chip_metric,acme-x1-lite,,fp16_dense,148,,,TFLOPS,"
              "0.05,\n"
              "bw,X1 has 3.35 TB/s,Analyst Co,analyst-co,analyst-note,2024,chip_metric,acme-x1,,memory_bandwidth,3350,,,"
              "GB/s,0.05,\n")
    directory = write_tables(tables.parent / "c", claims_csv=claims)
    assert main(["--data-dir", str(directory), "claims", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "claim_id,verdict,computed,claimant_origin,evidence_origins,evidence_sources"
    assert lines[1] == "own,unverified,148,acme,acme,"             # its own source is never evidence
    assert lines[2] == "bw,supported,3350,analyst-co,acme,vendor-sheet"
