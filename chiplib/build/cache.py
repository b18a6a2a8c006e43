"""Cache keys: what a report depends on, hashed, and the stored results of earlier runs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from chiplib import data
from chiplib.build.plan import Job, Result

#: Libraries whose versions change what a report looks like: part of every cache key.
KEY_LIBRARIES = ("altair", "vl-convert-python", "nbconvert", "nbformat", "papermill", "pandas", "numpy", "jinja2",
                 "mistune", "chiplib")


def _files_digest(paths: Iterable[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def input_files() -> list[Path]:
    """chiplib's own files that shape a report: its code and templates (every file in the package)."""
    package = Path(__file__).resolve().parents[1]
    return sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def shared_inputs_hash(data_dir: Path | None = None) -> str:
    """Hash of what every report depends on: every file in the data directory in use (and its path),
    chiplib's code and templates, and the versions of :data:`KEY_LIBRARIES`."""
    from importlib.metadata import PackageNotFoundError, version


    directory = Path(data_dir).resolve() if data_dir else data.data_dir()
    package = Path(__file__).resolve().parents[1]
    data_files = [p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    code_files = input_files()

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    versions = ",".join(f"{name}={installed(name)}" for name in KEY_LIBRARIES)
    parts = [str(directory), _files_digest(data_files, directory), _files_digest(code_files, package), versions]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def job_hash(job: Job, shared: str) -> str:
    payload = json.dumps({"params": job.params, "shared": shared, "title": job.title, "question": job.question,
                          "plan": job.plan_entry}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode() + job.notebook.read_bytes()).hexdigest()


def _cache_path(out: Path, job: Job) -> Path:
    return out / ".cache" / f"{job.report}--{job.variant}.json"


def _stored(path: Path) -> dict | None:
    """A cache record, or None when it is missing or unreadable (then the variant simply rebuilds)."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, dict) and "figures" in stored else None


def cached_result(job: Job, inputs_hash: str, out: Path) -> Result | None:
    """The stored result of an earlier identical run whose report still exists, else None."""
    stored = _stored(_cache_path(out, job))
    if stored is None or not (out / job.html_name).exists() or stored.get("inputs_hash") != inputs_hash:
        return None
    return Result(job, stored["figures"], stored.get("seconds", 0.0), cached=True, inputs_hash=inputs_hash)
