"""The unit registry: parse a published unit and convert to a metric's canonical unit.

Built on pint, with the units this collection needs added to pint's defaults:

- ``FLOP`` and ``OP`` (one operation; FLOPS and OPS are per second, so ``TFLOPS``,
  ``PFLOPS``, ``TOPS`` parse with SI prefixes). Floating-point and integer
  operations share one dimension, so a vendor's "INT8 TFLOPS" converts.
- bytes come from pint (``GB`` = 1e9 bytes, ``GiB`` = 2**30 bytes; ``TB/s``, ``GB/s``).
- ``TPP``, Total Processing Performance as US export rules count it: 2 x MacTOPS x bit
  length, i.e. 1e12 bit-operations per second (Epoch AI's ``bit*OP/s`` column / 1e12).
- ``wafer`` (a count of wafers, its own dimension: ``wafer/month``); ``token`` and ``sample`` (what a
  model generates or processes, each its own dimension: ``token/s``, ``sample/s``).
- ``billion``, ``million`` and ``thousand`` as plain numbers (transistor counts, units shipped).

The registry is built on first use (about 0.3 s the first time, 0.05 s once pint's cache is written), not on import.
"""

from __future__ import annotations

import json
import math
import sys
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from chiplib.core.files import write_atomic

if TYPE_CHECKING:
    import pint

_DEFINITIONS = (
    "FLOP = [operation] = flop",
    "OP = FLOP = op",
    "FLOPS = FLOP / second = flops",
    "OPS = OP / second = ops",
    "TPP = 1e12 * bit * OP / second",
    "wafer = [wafer] = wafers",
    "token = [token] = tokens",
    "sample = [sample] = samples",
    "wpm = wafer / month",
    "USD = [currency] = usd",
    "thousand = 1e3",
    "million = 1e6",
    "billion = 1e9",
)


def _pint():
    """pint, imported without its optional Dask support. pint imports Dask whenever Dask is installed (as it is
    with the ``dask`` extra, for the build's distributed executor): 0.15 to 0.3 s in every process that converts a
    unit, kernels included, for quantities held in Dask arrays, which nothing here uses. While pint loads, Dask
    is shown as absent (a ``None`` entry in ``sys.modules``); Dask itself still imports as usual afterwards."""
    if "pint" in sys.modules or "dask" in sys.modules:
        import pint

        return pint
    sys.modules["dask"] = None  # type: ignore[assignment]
    try:
        import pint
    finally:
        del sys.modules["dask"]
    return pint


class UnitError(ValueError):
    """A unit that cannot be parsed or converted to the unit asked for."""


@lru_cache(maxsize=1)
def registry() -> "pint.UnitRegistry":
    """The shared pint registry with the collection's units defined (built once per process). pint keeps its parsed
    default definitions in ``<cache_dir>/pint`` (:func:`chiplib.core.locations.cache_dir`), which makes building it
    about six times faster after the first time; the definitions above are added every time. pint writes that
    cache in place, so a process may find it half-written by another: it is then removed and not used."""
    import shutil

    from chiplib.core.locations import cache_dir

    pint = _pint()

    folder = cache_dir() / "pint"
    try:
        ureg = pint.UnitRegistry(cache_folder=folder)
    except Exception:  # noqa: BLE001 (a truncated pickle raises any of several errors)
        shutil.rmtree(folder, ignore_errors=True)
        ureg = pint.UnitRegistry(cache_folder=None)
    for line in _DEFINITIONS:
        ureg.define(line)
    return ureg


def _unit_text(unit: str) -> str:
    """Map an empty unit to pint's dimensionless."""
    unit = unit.strip()
    return unit if unit else "dimensionless"


@lru_cache(maxsize=1)
def _known_factors() -> tuple[Path, dict[str, float]]:
    """The factors pint has already worked out, kept in ``<cache_dir>/units/factors-<key>.json``
    (:func:`chiplib.core.locations.cache_dir`); the key covers pint's version and the definitions above, the only
    inputs of a factor. A process whose units are all there never imports pint (0.1 to 0.3 s)."""
    import hashlib
    from importlib.metadata import version

    from chiplib.core.locations import cache_dir

    key = hashlib.sha256(json.dumps([version("pint"), _DEFINITIONS]).encode()).hexdigest()[:16]
    path = cache_dir() / "units" / f"factors-{key}.json"
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    return path, known if isinstance(known, dict) else {}


@lru_cache(maxsize=1024)
def factor(unit: str, canonical: str) -> float:
    """Multiplier that turns a value in ``unit`` into ``canonical`` (``factor("TB/s", "GB/s") == 1000``).

    Raises UnitError naming both units when ``unit`` is unknown or of another dimension. Factors worked out once
    are read from the cache folder afterwards (:func:`_known_factors`).
    """
    path, known = _known_factors()
    pair = f"{unit}\t{canonical}"
    if pair in known:
        return known[pair]
    result = _pint_factor(unit, canonical)
    known[pair] = result
    with suppress(OSError):  # a cache that cannot be written: pint works the factor out again next time
        write_atomic(path, json.dumps(known, sort_keys=True))
    return result


def _pint_factor(unit: str, canonical: str) -> float:
    pint = _pint()
    ureg = registry()
    try:
        return float(ureg.Quantity(1.0, _unit_text(unit)).to(_unit_text(canonical)).magnitude)
    except pint.UndefinedUnitError as exc:
        raise UnitError(f"unknown unit {unit!r}") from exc
    except pint.DimensionalityError as exc:
        raise UnitError(f"unit {unit!r} cannot be converted to {canonical!r}") from exc
    except Exception as exc:  # pint's parser fails on malformed text with assorted exception types
        raise UnitError(f"unit {unit!r} could not be parsed") from exc


def convert(value: float, unit: str, canonical: str) -> float:
    """Convert ``value`` from ``unit`` to ``canonical``, e.g. ``convert(3.35, "TB/s", "GB/s") == 3350.0``.

    The result is rounded to 12 significant digits so that binary noise from the
    conversion (3349.9999999999995) does not masquerade as precision.
    """
    result = value * factor(unit, canonical)
    if result == 0 or not math.isfinite(result):
        return result
    digits = 12 - int(math.floor(math.log10(abs(result)))) - 1
    return round(result, digits)
