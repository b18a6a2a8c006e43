"""Cache keys: what a report depends on, hashed, and the stored results of earlier runs.

A run's key covers exactly what it used: its notebook, parameters and plan entry, chiplib's code and
templates, the versions of :data:`KEY_LIBRARIES`, the data directory's path, and the data files the run
read (recorded by the data layer during the run, :mod:`chiplib.data.tracking`). Editing one table therefore
rebuilds only the reports that read it; the first build of a variant, with nothing recorded, always runs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from chiplib.build.digests import KEY_LIBRARIES, code_hash, data_hash, files_digest, input_files
from chiplib.build.plan import Job, Result

__all__ = ["KEY_LIBRARIES", "cached_result", "code_hash", "data_hash", "files_digest", "input_files", "job_key",
           "run_hash"]

def job_key(job: Job, code: str, directory: Path, extra: str = "") -> str:
    """The part of a run's key known before it runs: notebook, parameters, plan entry, code, data directory
    path and ``extra`` (a later stage's view of the earlier stages' figures)."""
    payload = json.dumps({"params": job.params, "title": job.title, "question": job.question,
                          "plan": job.plan_entry, "code": code, "data_dir": str(directory), "extra": extra},
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode() + job.notebook.read_bytes()).hexdigest()


def run_hash(key: str, reads: Iterable[str], directory: Path) -> str:
    """A run's full inputs hash: its :func:`job_key` and the data files it read, by content."""
    digest = files_digest([directory / name for name in set(reads)], directory)
    return hashlib.sha256(f"{key}\n{digest}".encode()).hexdigest()


def _cache_path(out: Path, job: Job) -> Path:
    return out / ".cache" / f"{job.report}--{job.variant}.json"


def _stored(path: Path) -> dict | None:
    """A cache record, or None when it is missing or unreadable (then the variant simply rebuilds)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) and "figures" in stored else None


def cached_result(job: Job, key: str, directory: Path, out: Path) -> Result | None:
    """The stored result of an earlier run with the same :func:`job_key` whose recorded reads are unchanged
    and whose report still exists, else None."""
    stored = _stored(_cache_path(out, job))
    if stored is None or not (out / job.html_name).exists() or not isinstance(stored.get("reads"), list):
        return None
    inputs_hash = run_hash(key, stored["reads"], directory)
    if stored.get("inputs_hash") != inputs_hash:
        return None
    return Result(job, stored["figures"], stored.get("seconds", 0.0), cached=True, inputs_hash=inputs_hash,
                  reads=stored["reads"])
