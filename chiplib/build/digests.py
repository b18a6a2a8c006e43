"""Content digests of the build's inputs (code, templates, library versions, data files), with no heavy
imports, so that ``chiplib build`` can tell it has nothing to do in a fraction of a second."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

#: Libraries whose versions change what a report looks like: part of every cache key.
KEY_LIBRARIES = ("altair", "vl-convert-python", "nbconvert", "nbformat", "papermill", "pandas", "numpy", "jinja2",
                 "mistune", "chiplib")

PACKAGE = Path(__file__).resolve().parents[1]


def files_digest(paths: Iterable[Path], root: Path) -> str:
    """SHA-256 over each file's path relative to ``root`` and its bytes (a missing file hashes as absent)."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"absent")
    return digest.hexdigest()


def input_files() -> list[Path]:
    """chiplib's own files that shape a report: its code and templates (every file in the package)."""
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def data_files(directory: Path) -> list[Path]:
    """Every file of the data directory."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


@lru_cache(maxsize=1)
def library_versions() -> str:
    """``name=version`` of each of :data:`KEY_LIBRARIES` (installed versions do not change within a process)."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    return ",".join(f"{name}={installed(name)}" for name in KEY_LIBRARIES)


def code_hash() -> str:
    """Hash of what every report depends on whatever it reads: chiplib's code and templates and the key
    library versions."""
    return hashlib.sha256(f"{files_digest(input_files(), PACKAGE)}\n{library_versions()}".encode()).hexdigest()


def data_hash(directory: Path) -> str:
    """Hash of every file in the data directory (the index page names it)."""
    return files_digest(data_files(directory), directory)
