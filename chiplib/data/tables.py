"""Load the collection's tables, validated once per process: :func:`load` reads and checks every
table in ``data/`` (cached per directory) and raises :class:`~chiplib.data.validate.DataValidationError`
listing every problem; :meth:`Dataset.config` gives the YAML files, read and checked the same way.

The data directory is ``data/`` beside the package (an editable install), or the
directory named by the ``CHIPLIB_DATA`` environment variable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from chiplib.core import units
from chiplib.core.locations import data_dir
from chiplib.data import configs, tracking
from chiplib.data.validate import LINE, DataValidationError, check


@dataclass(frozen=True)
class Dataset:
    """The validated tables. Quantity values in ``specs`` are converted to their metric's unit."""

    directory: Path
    origins: pd.DataFrame  # index origin_id: name, kind, url
    sources: pd.DataFrame  # index source_id; ``origin`` names the party whose statement the page carries
    chips: pd.DataFrame
    metrics: pd.DataFrame
    specs: pd.DataFrame
    events: pd.DataFrame
    tables: dict[str, pd.DataFrame]  # every table as validated text (theme modules type what they use)

    def __getattribute__(self, name: str) -> Any:
        files = _FILES.get(name)
        if files:
            tracking.note(*files)
        return object.__getattribute__(self, name)

    def unit(self, metric: str) -> str:
        """Canonical unit of ``metric`` ('' for text and date metrics)."""
        return str(self.metrics.at[metric, "unit"] or "")

    def config(self, name: str) -> Any:
        """A YAML file of the data directory (``export_rules.yaml`` ...), read safely and cached until it changes."""
        tracking.note(name)
        return configs.load(self.directory / name)


#: The files each of :class:`Dataset`'s frames is built from (what a run that reads the frame depends on).
_FILES = {"origins": ("origins.csv",), "sources": ("sources.csv",), "chips": ("chips.csv",),
          "metrics": ("metrics.csv",), "specs": ("chip_specs.csv", "metrics.csv", "sources.csv"),
          "events": ("events.csv",)}


class Tables(dict):
    """Every table by name (``chip_specs`` ...), noting each one handed out as a read of ``<name>.csv``."""

    def __getitem__(self, name: str) -> pd.DataFrame:
        tracking.note(f"{name}.csv")
        return super().__getitem__(name)

    def get(self, name: str, default: Any = None) -> Any:
        tracking.note(f"{name}.csv")
        return super().get(name, default)

    def values(self):
        tracking.note(*(f"{name}.csv" for name in self))
        return super().values()

    def items(self):
        tracking.note(*(f"{name}.csv" for name in self))
        return super().items()


def _typed_specs(raw_specs: pd.DataFrame, metrics: pd.DataFrame, sources: pd.DataFrame,
                 subject: str = "chip_id") -> pd.DataFrame:
    """Add ``value`` in canonical units (float; NaN for text/date metrics), keep the published text,
    and name each row's ``origin`` (from its source)."""
    specs = raw_specs.rename(columns={"value": "value_published", "unit": "unit_published"})
    kinds = specs["metric"].map(metrics["kind"])
    canonical = specs["metric"].map(metrics["unit"])
    values = []
    for text, unit, kind, target in zip(specs["value_published"], specs["unit_published"], kinds, canonical):
        if kind == "quantity":
            values.append(units.convert(float(text.replace(",", "")), unit or "", target))
        else:
            values.append(float("nan"))
    specs["value"] = pd.Series(values, index=specs.index, dtype="float64")
    specs["text"] = specs["value_published"].where(kinds != "quantity")
    specs["unit"] = canonical.fillna("")
    specs["kind"] = kinds
    specs["preferred"] = specs["preferred"] == "true"
    specs["note"] = specs["note"].fillna("")
    specs["origin"] = specs["source_id"].map(sources["origin"])
    columns = [subject, "metric", "kind", "value", "unit", "text", "value_published", "unit_published",
               "source_id", "origin", "basis", "preferred", "note", LINE]
    return specs[columns].reset_index(drop=True)


def stamp(directory: Path) -> tuple:
    """(name, modification time, size) of every file in ``directory``: a changed file means a fresh load."""
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir() if p.is_file()))
    except OSError:
        return ()


@lru_cache(maxsize=8)
def _load(directory: Path, stamp: tuple = ()) -> Dataset:
    raw = check(directory)
    if raw.issues:
        raise DataValidationError(raw.issues)
    frames = raw.frames
    metrics = frames["metrics"].drop(columns=LINE).set_index("metric")
    chips = frames["chips"].drop(columns=LINE).set_index("chip_id")
    chips["year"] = pd.to_numeric(chips["year"]).astype("Int64")
    origins = frames["origins"].drop(columns=LINE).set_index("origin_id")
    sources = frames["sources"].drop(columns=LINE).set_index("source_id")
    events = frames["events"].drop(columns=LINE).sort_values(["date", "title"], kind="stable").reset_index(drop=True)
    tables = Tables({name: frame.drop(columns=LINE) for name, frame in frames.items()})
    specs = _typed_specs(frames["chip_specs"], metrics, sources)
    return Dataset(directory, origins, sources, chips, metrics, specs, events, tables)


def as_of(dataset: Dataset | None = None) -> str:
    """The data's as-of date (ISO): the newest access date in ``sources.csv``.

    Reports that speak of "now" use this date, never the clock, so the same data gives the same report.
    """
    ds = dataset or load()
    return str(ds.sources["accessed"].max())


#: The data change log; its newest ``## <version> (<date>)`` heading is the data version.
CHANGELOG = "CHANGELOG.md"


def version(directory: Path | str | None = None) -> tuple[str, str]:
    """The data version and its as-of date, read without validating the tables (fast enough for
    ``chiplib --version``): the newest heading of ``CHANGELOG.md``, and the newest access date in
    ``sources.csv`` (as :func:`as_of`). ``("unversioned", "")`` parts when a file is missing."""
    import csv
    import re

    folder = Path(directory) if directory is not None else data_dir()
    tracking.note(CHANGELOG, "sources.csv")
    number = "unversioned"
    log = folder / CHANGELOG
    if log.exists():
        found = re.search(r"^## (\S+)", log.read_text(encoding="utf-8"), flags=re.MULTILINE)
        number = found.group(1) if found else number
    newest = ""
    sources = folder / "sources.csv"
    if sources.exists():
        with sources.open(encoding="utf-8", newline="") as stream:
            newest = max((row.get("accessed") or "" for row in csv.DictReader(stream)), default="")
    return number, newest


def facts(table: str, dataset: Dataset | None = None) -> pd.DataFrame:
    """A long facts table (``system_specs``, ``hbm_specs`` ...) typed like the chip specs view:
    ``value`` in the metric's canonical unit, published value and unit kept, ``preferred`` boolean."""
    ds = dataset or load()
    raw = ds.tables[table].copy()
    raw[LINE] = 0
    return _typed_specs(raw, ds.metrics, ds.sources, subject=raw.columns[0])


def load(directory: Path | str | None = None) -> Dataset:
    """Load and validate the tables in ``directory`` (default :func:`data_dir`); cached per directory until one
    of its files changes.

    Raises DataValidationError listing every problem (file, line, column, reason).
    Callers must not modify the returned frames; the views below return copies.
    """
    folder = Path(directory).resolve() if directory is not None else data_dir()
    return _load(folder, stamp(folder))
