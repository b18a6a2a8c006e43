"""Writing a file whole or not at all. Imports nothing else of chiplib."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

#: The suffix of the temporary file :func:`write_atomic` writes first (a killed process may leave one behind).
PARTIAL_SUFFIX = ".partial"


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (str as UTF-8, or bytes) to ``path`` through a temporary file in the same folder, so that
    readers see the old file or the new one, never half of one; the temporary file is removed when writing fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
