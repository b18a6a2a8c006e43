"""A versioned, reproducible release: ``dist/chiplib-data-<version>.tar.gz`` and its SHA-256 manifest.

The archive holds the data (every table, the YAML files, ``datapackage.json``, the data dictionary, the change
log and the data licence), the built reports with ``figures.csv`` and the index, ``CITATION.cff`` and the code
licence. Names are sorted, owners and permissions fixed, and every timestamp is the data version's date, so
building it twice from the same files gives byte-identical archives (``make release``; a test compares them).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import tarfile
from pathlib import Path

from chiplib import data
from chiplib.core.files import write_atomic

REPO = Path(__file__).resolve().parents[2]
#: Data files that go into the release, beside the tables and YAML files.
DATA_EXTRAS = ("datapackage.json", "README.md", "CHANGELOG.md", "LICENSE")
#: Repository files that go into the release.
ROOT_FILES = ("CITATION.cff", "LICENSE")


class ReleaseError(RuntimeError):
    """The release cannot be made (no built reports, an unversioned data directory)."""


def data_files() -> set[str]:
    """The files of the data directory the collection defines: every table, every YAML file and
    :data:`DATA_EXTRAS` (anything else in the folder, a scratch copy say, is not released)."""
    from chiplib.data import configs, schema

    yaml_files = set(configs.SCHEMAS) - {configs.PLAN_FILE}
    return {spec.file for spec in schema.TABLES.values()} | yaml_files | set(DATA_EXTRAS)


def members(data_dir: Path, reports: Path) -> list[tuple[str, Path]]:
    """Every file of the release as (name in the archive, path), sorted by name."""
    known = data_files()
    files = [(f"data/{p.name}", p) for p in sorted(data_dir.iterdir()) if p.is_file() and p.name in known]
    built = sorted(reports.glob("*.html")) + [reports / "figures.csv"]
    if not (reports / "figures.csv").exists() or not (reports / "index.html").exists():
        raise ReleaseError(f"no built reports in {reports}: run `make reports` first")
    files += [(f"reports/{p.name}", p) for p in built]
    files += [(name, REPO / name) for name in ROOT_FILES if (REPO / name).exists()]
    return sorted(files)


def archive(files: list[tuple[str, Path]], prefix: str, when: int) -> bytes:
    """A gzipped tar of ``files`` under ``prefix/``, every entry dated ``when`` (seconds since 1970)."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in files:
            content = path.read_bytes()
            info = tarfile.TarInfo(f"{prefix}/{name}")
            info.size, info.mtime, info.mode = len(content), when, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(content))
    packed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=packed, mtime=when) as stream:
        stream.write(raw.getvalue())
    return packed.getvalue()


def release(out: Path = REPO / "dist", reports: Path = REPO / "reports", data_dir: Path | None = None) -> Path:
    """Write the archive and ``<archive>.sha256`` (every member's digest, then the archive's) into ``out``;
    returns the archive's path."""
    directory = Path(data_dir) if data_dir else data.data_dir()
    data.load(directory)  # a release never ships data that does not validate
    number, as_of = data.version(directory)
    if number == "unversioned" or not as_of:
        raise ReleaseError(f"{directory} has no version: add a heading to its CHANGELOG.md")
    when = int(dt.datetime.fromisoformat(f"{as_of}T00:00:00+00:00").timestamp())
    prefix = f"chiplib-data-{number}"
    files = members(directory, reports)
    packed = archive(files, prefix, when)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{prefix}.tar.gz"
    write_atomic(target, packed)
    lines = [f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {prefix}/{name}" for name, path in files]
    lines.append(f"{hashlib.sha256(packed).hexdigest()}  {target.name}")
    write_atomic(out / f"{target.name}.sha256", "\n".join(lines) + "\n")
    return target
