"""Where the collection's files are: the repository, its data directory, plan and reports folder.
Imports nothing heavy, so the command line can find its files in milliseconds."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
PLAN = NOTEBOOKS / "reports.yaml"
REPORTS = REPO / "reports"


def data_dir() -> Path:
    """The data directory in use: ``$CHIPLIB_DATA`` if set, else ``data/`` next to the package."""
    override = os.environ.get("CHIPLIB_DATA")
    if override:
        return Path(override).resolve()
    return REPO / "data"


def cache_dir() -> Path:
    """Where chiplib remembers work it need not repeat (which data digests passed validation, pint's parsed
    definitions and the conversion factors it worked out, the charts' JavaScript bundle): ``$CHIPLIB_CACHE`` if
    set, else ``.cache/`` in the repository (ignored by git)."""
    override = os.environ.get("CHIPLIB_CACHE")
    return Path(override).resolve() if override else REPO / ".cache"
