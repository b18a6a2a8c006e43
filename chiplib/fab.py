"""From wafers to accelerators: dies per wafer, yield models, and the production funnel with uncertainty.

Units: die area in mm² (yield formulas convert to cm²), defect density D0 in defects per cm²,
wafer diameter and edge exclusion in mm, wafer starts in wafers per year.

Yield models (fraction of dies without a killer defect, for die area A and defect density D0):

- Poisson: ``exp(-A D0)``: defects independent and uniform; the most pessimistic for large dies.
- Murphy: ``((1 - exp(-A D0)) / (A D0))**2``.
- negative binomial: ``(1 + A D0 / alpha)**(-alpha)``: clustered defects; small ``alpha`` = strong
  clustering (more dies escape), ``alpha`` -> infinity tends to Poisson.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

YIELD_MODELS = ("poisson", "murphy", "negative_binomial")


class FabModelError(ValueError):
    """A manufacturing-model input is out of range or unknown."""


def dies_per_wafer(die_area_mm2, wafer_diameter_mm: float = 300.0, edge_exclusion_mm: float = 0.0):
    """Gross dies per wafer by the standard formula ``pi r^2 / A - pi d / sqrt(2 A)`` (rounded down).

    ``d`` is the usable diameter (wafer diameter minus twice the edge exclusion). Works on scalars
    and numpy arrays. 100 mm² on 300 mm: 640 dies; 665.6 mm² (Ascend 910B die): 80.
    """
    area = np.asarray(die_area_mm2, dtype=float)
    if np.any(area <= 0):
        raise FabModelError(f"die area must be > 0 mm², got {die_area_mm2!r}")
    usable = wafer_diameter_mm - 2 * edge_exclusion_mm
    if usable <= 0:
        raise FabModelError("edge exclusion leaves no usable wafer")
    gross = math.pi * (usable / 2) ** 2 / area - math.pi * usable / np.sqrt(2 * area)
    result = np.floor(np.maximum(gross, 0))
    return float(result) if result.ndim == 0 else result


def die_yield(die_area_mm2, defect_density_cm2, model: str = "murphy", alpha: float = 3.0):
    """Fraction of good dies under ``model`` (one of :data:`YIELD_MODELS`); scalars or arrays."""
    if model not in YIELD_MODELS:
        raise FabModelError(f"unknown yield model {model!r}; valid models: {', '.join(YIELD_MODELS)}")
    area_cm2 = np.asarray(die_area_mm2, dtype=float) / 100.0
    d0 = np.asarray(defect_density_cm2, dtype=float)
    if np.any(d0 < 0) or np.any(area_cm2 <= 0):
        raise FabModelError("die area must be > 0 and defect density >= 0")
    ad = area_cm2 * d0
    if model == "poisson":
        result = np.exp(-ad)
    elif model == "murphy":
        with np.errstate(invalid="ignore", divide="ignore"):
            result = np.where(ad > 0, ((1 - np.exp(-ad)) / np.where(ad > 0, ad, 1)) ** 2, 1.0)
    else:
        if alpha <= 0:
            raise FabModelError(f"alpha must be > 0, got {alpha}")
        result = (1 + ad / alpha) ** (-alpha)
    return float(result) if np.ndim(result) == 0 else result


@dataclass(frozen=True)
class Funnel:
    """One pass through the funnel: wafers -> gross dies -> good dies -> packages (accelerators)."""

    wafers: float
    gross_dies: float
    good_dies: float
    packages: float


def funnel(wafers: float, die_area_mm2: float, defect_density_cm2: float, *, dies_per_package: int = 1,
           packaging_yield: float = 1.0, model: str = "murphy", alpha: float = 3.0,
           edge_exclusion_mm: float = 0.0) -> Funnel:
    """Accelerators from ``wafers`` of one logic die (all figures per the same period)."""
    if wafers < 0:
        raise FabModelError(f"wafers must be >= 0, got {wafers}")
    if not 0 < packaging_yield <= 1:
        raise FabModelError(f"packaging_yield must be in (0, 1], got {packaging_yield}")
    if dies_per_package < 1:
        raise FabModelError(f"dies_per_package must be >= 1, got {dies_per_package}")
    gross = wafers * dies_per_wafer(die_area_mm2, edge_exclusion_mm=edge_exclusion_mm)
    good = gross * die_yield(die_area_mm2, defect_density_cm2, model, alpha)
    return Funnel(wafers, gross, good, math.floor(good / dies_per_package * packaging_yield))


def monte_carlo(samples: int, seed: int, *, wafers: tuple[float, float], ai_share: tuple[float, float],
                defect_density: tuple[float, float], die_area_mm2: float, dies_per_package: int,
                packaging_yield: tuple[float, float], die_stock: tuple[float, float] = (0.0, 0.0),
                hbm_stacks: tuple[float, float] | None = None, stacks_per_package: float = 8.0,
                model: str = "murphy", alpha: float = 3.0) -> dict[str, np.ndarray]:
    """Vectorised draws of a year's accelerator output; each range is sampled uniformly (low, high).

    ``wafers``: advanced-node wafer starts per year; ``ai_share``: fraction going to this accelerator;
    ``die_stock``: good dies already in hand (e.g. made abroad before controls); ``hbm_stacks``: stacks
    available, or None to ignore memory. Returns arrays: logic_limited, hbm_limited, output and
    hbm_binds (True where memory, not logic dies, caps output).
    """
    if samples < 1:
        raise FabModelError(f"samples must be >= 1, got {samples}")
    rng = np.random.default_rng(seed)

    def draw(bounds: tuple[float, float]) -> np.ndarray:
        low, high = bounds
        if low > high:
            raise FabModelError(f"range low {low} is above high {high}")
        return rng.uniform(low, high, samples)

    wafer_draw, share, d0, pack = draw(wafers), draw(ai_share), draw(defect_density), draw(packaging_yield)
    stock = draw(die_stock)
    good = wafer_draw * share * dies_per_wafer(die_area_mm2) * die_yield(die_area_mm2, d0, model, alpha) + stock
    logic_limited = np.floor(good / dies_per_package * pack)
    if hbm_stacks is None:
        hbm_limited = np.full(samples, np.inf)
    else:
        hbm_limited = np.floor(draw(hbm_stacks) / stacks_per_package)
    output = np.minimum(logic_limited, hbm_limited)
    return {"logic_limited": logic_limited, "hbm_limited": hbm_limited, "output": output,
            "hbm_binds": hbm_limited < logic_limited}


def percentiles(values: np.ndarray, points: tuple[int, ...] = (5, 50, 95)) -> dict[str, float]:
    """``{"p5": ..., "p50": ..., "p95": ...}`` of a sample."""
    return {f"p{p}": float(np.percentile(values, p)) for p in points}
