"""The same commit gives the same reports on any day: every notebook's checked outputs, compared by nbval
with the stored ones at today's date in every test run, are identical a year later too (libfaketime
reaching the kernels). The static half of this check (no code reads the clock) is tests/unit/test_clock.py."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FAKETIME = shutil.which("faketime")


@pytest.mark.slow
@pytest.mark.skipif(FAKETIME is None, reason="libfaketime is not installed (Debian package 'faketime'); .ci/run installs it")
@pytest.mark.parametrize("when", ["2027-12-01 18:00:00"])
def test_notebook_outputs_do_not_depend_on_the_date(when):
    """nbval compares every checked output with the stored one: both fake dates must give the same."""
    probe = subprocess.run([FAKETIME, "-f", f"@{when}", sys.executable, "-c",
                            "import datetime; print(datetime.date.today())"], capture_output=True, text=True, timeout=60)
    assert probe.stdout.strip() == when[:10], "libfaketime must reach Python"
    run = subprocess.run([FAKETIME, "-f", f"@{when}", sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--nbval-lax", "--nbval-current-env", str(REPO / "notebooks")],
                         capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert run.returncode == 0, run.stdout[-3000:]
