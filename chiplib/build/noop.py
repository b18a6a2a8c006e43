"""The no-op check: a build whose every input is unchanged since the last complete, successful build has
nothing to do, and says so without importing pandas, loading the data or starting a worker.

The fingerprint covers chiplib's code and templates, the key library versions, every file of the data
directory (the data was validated by that build, so it is not validated again), the plan and every
notebook, and the reports folder; it is recorded only after a build of the whole plan with no failure.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from chiplib.build.digests import code_hash, data_hash, files_digest

RECORD = Path(".cache") / "build.json"


def fingerprint(plan: Path, directory: Path, out: Path) -> str:
    """Hash of everything a full build reads: code, libraries, data, plan, notebooks, output folder."""
    notebooks = sorted(plan.parent.glob("*.ipynb")) + [plan]
    parts = [code_hash(), str(directory), data_hash(directory), files_digest(notebooks, plan.parent),
             str(out.resolve())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def up_to_date(plan: Path, directory: Path, out: Path) -> int | None:
    """The number of reports when nothing changed since the last complete build (and every report it wrote
    is still there), else None."""
    try:
        record = json.loads((out / RECORD).read_text(encoding="utf-8"))
        written = [out / name for name in record["reports"]] + [out / "index.html", out / "figures.csv"]
        if record["fingerprint"] == fingerprint(plan, directory, out) and all(p.is_file() for p in written):
            return len(record["reports"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def remember(plan: Path, directory: Path, out: Path, reports: list[str], fingerprint_before: str) -> None:
    """Record a complete, successful build, unless an input changed while it ran (then the next build checks
    every report again)."""
    from chiplib.core.files import write_atomic

    if fingerprint(plan, directory, out) == fingerprint_before:
        write_atomic(out / RECORD, json.dumps({"fingerprint": fingerprint_before, "reports": sorted(reports)},
                                              indent=1))


def forget(out: Path) -> None:
    """Drop the record (a partial or failing build)."""
    (out / RECORD).unlink(missing_ok=True)
