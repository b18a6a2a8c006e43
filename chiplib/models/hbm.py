"""HBM arithmetic, the memory wall, memory-bound decode throughput, and HBM supply -> accelerators.

Units: bandwidth in GB/s (1e9 bytes/s), capacity in GB (1e9 bytes), compute in TFLOPS,
parameters in billions, pin rate in Gbit/s per pin, interface width in bits.

The decode figures are **roofline upper bounds**: generating one token needs every active
weight and the sequence's KV cache read from memory at least once, so tokens per second can
be no higher than bandwidth / bytes read. Real systems reach a fraction of it (kernel
efficiency, interconnect, scheduling); nothing here is a measurement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from chiplib import data
from chiplib.core.dates import midpoint_date, years_between
from chiplib.data import configs


class MemoryModelError(ValueError):
    """A memory-model input is out of range or unknown."""


def _positive(**values: float) -> None:
    for name, value in values.items():
        if value is None or not math.isfinite(value) or value <= 0:
            raise MemoryModelError(f"{name} must be a positive number, got {value!r}")


# ----------------------------------------------------------------------------- stacks and the memory wall

def stack_bandwidth(interface_width_bits: float, pin_rate_gbit_s: float) -> float:
    """Per-stack bandwidth in GB/s: width x pin rate / 8 (HBM3: 1024 x 6.4 / 8 = 819.2)."""
    _positive(interface_width_bits=interface_width_bits, pin_rate_gbit_s=pin_rate_gbit_s)
    return interface_width_bits * pin_rate_gbit_s / 8


def bytes_per_flop(bandwidth_gb_s: float, compute_tflops: float) -> float:
    """Bytes of memory traffic available per floating-point operation (the memory wall)."""
    _positive(bandwidth_gb_s=bandwidth_gb_s, compute_tflops=compute_tflops)
    return bandwidth_gb_s * 1e9 / (compute_tflops * 1e12)


# ----------------------------------------------------------------------------- models and decode bounds

@dataclass(frozen=True)
class Model:
    """An open model's size and attention layout (``data/models.csv``); parameters in billions."""

    model_id: str
    name: str
    architecture: str
    attention: str
    total_params: float
    active_params: float
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int
    kv_lora_rank: int | None
    rope_head_dim: int | None
    sources: tuple[str, ...]

    @property
    def kv_elements_per_token(self) -> int:
        """Cached values per token across all layers: 2 x layers x KV heads x head dim (GQA), or
        layers x (latent rank + rotary dim) for multi-head latent attention."""
        if self.attention == "mla":
            return self.layers * (int(self.kv_lora_rank or 0) + int(self.rope_head_dim or 0))
        return 2 * self.layers * self.kv_heads * (self.hidden_size // self.attention_heads)


def models(dataset: data.Dataset | None = None) -> dict[str, Model]:
    """Every model in ``data/models.csv``."""
    ds = dataset or data.load()
    result = {}
    for row in ds.tables["models"].itertuples(index=False):
        def count(value):
            return int(value) if value is not None else None
        result[row.model_id] = Model(
            row.model_id, row.name, row.architecture, row.attention, float(row.total_params),
            float(row.active_params), int(row.layers), int(row.hidden_size), int(row.attention_heads),
            int(row.kv_heads), count(row.kv_lora_rank), count(row.rope_head_dim),
            (row.params_source_id, row.config_source_id))
    return result


def model(model_id: str, dataset: data.Dataset | None = None) -> Model:
    """One model by id; MemoryModelError lists the valid ids."""
    available = models(dataset)
    if model_id not in available:
        raise MemoryModelError(f"unknown model {model_id!r}; valid models: {', '.join(available)}")
    return available[model_id]


@dataclass(frozen=True)
class DecodeBound:
    """Roofline bound for decoding on ``chips`` accelerators (see module docstring)."""

    chips: int
    batch: int
    context: int
    weights_gb: float
    kv_cache_gb: float
    memory_needed_gb: float
    memory_available_gb: float
    bytes_per_step_gb: float
    tokens_per_second: float          # all streams together
    tokens_per_second_per_stream: float

    @property
    def fits(self) -> bool:
        return self.memory_needed_gb <= self.memory_available_gb


def decode_bound(mdl: Model, bandwidth_gb_s: float, capacity_gb: float, *, chips: int = 1, batch: int = 1,
                 context: int = 4096, bytes_per_param: float = 1.0, kv_bytes: float = 2.0) -> DecodeBound:
    """Upper bound on decode throughput for ``mdl`` on ``chips`` accelerators with perfect parallelism.

    Each step reads the active weights once (shared by the batch) and each stream's KV cache of
    ``context`` tokens. ``bytes_per_param`` 1.0 = FP8 weights, 2.0 = BF16; ``kv_bytes`` per cached
    element. For a mixture-of-experts model with ``batch`` > 1 the streams touch different experts, so
    reading only the active parameters once is optimistic: the bound is still an upper bound.
    """
    _positive(bandwidth_gb_s=bandwidth_gb_s, capacity_gb=capacity_gb, bytes_per_param=bytes_per_param,
              kv_bytes=kv_bytes)
    for name, value in (("chips", chips), ("batch", batch), ("context", context)):
        if not isinstance(value, int) or value < 1:
            raise MemoryModelError(f"{name} must be a whole number >= 1, got {value!r}")
    weights = mdl.total_params * bytes_per_param                    # GB (params in billions)
    kv = batch * context * mdl.kv_elements_per_token * kv_bytes / 1e9
    step = mdl.active_params * bytes_per_param + kv                 # GB read per decode step
    steps_per_second = chips * bandwidth_gb_s / step
    return DecodeBound(chips, batch, context, weights, kv, weights + kv, chips * capacity_gb, step,
                       steps_per_second * batch, steps_per_second)


def min_chips(mdl: Model, capacity_gb: float, *, batch: int = 1, context: int = 4096,
              bytes_per_param: float = 1.0, kv_bytes: float = 2.0) -> int:
    """Fewest accelerators of ``capacity_gb`` that hold the weights and KV cache."""
    bound = decode_bound(mdl, 1.0, capacity_gb, batch=batch, context=context, bytes_per_param=bytes_per_param,
                         kv_bytes=kv_bytes)
    return max(1, math.ceil(bound.memory_needed_gb / capacity_gb))


# ----------------------------------------------------------------------------- supply

def accelerators_from_stacks(stacks: float, stacks_per_chip: float) -> float:
    """How many accelerators ``stacks`` HBM stacks can equip (whole accelerators)."""
    if stacks is None or not math.isfinite(stacks) or stacks < 0:
        raise MemoryModelError(f"stacks must be a number >= 0, got {stacks!r}")
    _positive(stacks_per_chip=stacks_per_chip)
    return float(math.floor(stacks / stacks_per_chip))


def generation_gap(milestones: pd.DataFrame, leaders: tuple[str, ...], followers: tuple[str, ...],
                   as_of: str, milestone: str = "mass_production") -> pd.DataFrame:
    """Per generation: when the first leader and the first follower reached ``milestone``, and the gap in years.

    Dates ``YYYY-MM`` count from the month's first day and year-only dates from 1 July (:mod:`chiplib.core.dates`);
    a year-only date is dropped where the same
    supplier has a more precise one for that generation. Where no follower has reached the
    generation by ``as_of``, ``gap_years`` is the time elapsed so far and ``reached`` is False
    (the real gap is at least that long).
    """
    table = milestones[milestones["milestone"] == milestone].copy()
    table["when"] = pd.to_datetime(table["date"].map(midpoint_date))
    # a year-only date reads as 1 July (core.dates): drop it where the same supplier has a more precise date
    table["precision"] = table["date"].str.len()
    best = table.groupby(["supplier", "generation"])["precision"].transform("max")
    table = table[(table["precision"] == best) | (table["precision"] > 4)]
    cutoff = pd.Timestamp(as_of)
    table = table[table["when"] <= cutoff]
    rows = []
    for generation, group in table.groupby("generation", sort=False):
        lead = group[group["supplier"].isin(leaders)]
        follow = group[group["supplier"].isin(followers)]
        if lead.empty:
            continue
        lead_row = lead.loc[lead["when"].idxmin()]
        follow_row = follow.loc[follow["when"].idxmin()] if not follow.empty else None
        end = follow_row["when"] if follow_row is not None else cutoff
        rows.append({"generation": generation, "leader": lead_row["supplier"], "leader_date": lead_row["when"],
                     "follower": None if follow_row is None else follow_row["supplier"],
                     "follower_date": None if follow_row is None else follow_row["when"],
                     "gap_years": years_between(lead_row["when"], end), "reached": follow_row is not None})
    return pd.DataFrame(rows).sort_values("leader_date", ignore_index=True) if rows else pd.DataFrame(
        columns=["generation", "leader", "leader_date", "follower", "follower_date", "gap_years", "reached"])


# ----------------------------------------------------------------------------- scenarios and notebook support

SCENARIO_FILE = configs.HBM_SCENARIOS_FILE


def scenarios(dataset: data.Dataset | None = None) -> dict[str, dict]:
    """Named supply scenarios from ``data/hbm_scenarios.yaml`` (read safely; nothing executed)."""
    raw = (dataset or data.load()).config(SCENARIO_FILE) or {}
    return dict(raw.get("scenarios", {}))


def supply_scenario(name: str, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Accelerators a scenario's HBM stacks can equip, per chip: the range across published estimates.

    One row per chip: stacks_low/high (over every estimator's value, low and high in the scenario's
    subjects; planned capacity graded ``target`` only where the scenario sets ``targets: true``), stacks per
    chip (the chip's preferred ``hbm_stacks``), accelerators_low/high, sources.
    """
    ds = dataset or data.load()
    available = scenarios(ds)
    if name not in available:
        raise MemoryModelError(f"unknown scenario {name!r}; valid scenarios: {', '.join(available)}")
    spec = available[name]
    supply = data.capacity_rows(ds.tables["hbm_supply"], targets=bool(spec.get("targets", False)))
    rows = supply[supply["subject"].isin(spec["subjects"]) & (supply["metric"] == "stacks")]
    numbers = data.estimate_values(rows)
    if numbers.empty:
        raise MemoryModelError(f"scenario {name!r}: no stack estimates for {spec['subjects']}")
    wide = data.specs_wide(ds, ["hbm_stacks"])
    result = []
    for chip in spec["chips"]:
        per_chip = wide.at[chip, "hbm_stacks"]
        result.append({"chip_id": chip, "name": ds.chips.at[chip, "name"], "stacks_low": numbers.min(),
                       "stacks_high": numbers.max(), "stacks_per_chip": per_chip,
                       "accelerators_low": accelerators_from_stacks(numbers.min(), per_chip),
                       "accelerators_high": accelerators_from_stacks(numbers.max(), per_chip),
                       "sources": tuple(sorted(set(rows["source_id"]) |
                                               set(data.preferred_sources([chip], ["hbm_stacks"], ds))))})
    return pd.DataFrame(result)


def stack_range(name: str, dataset: data.Dataset | None = None) -> tuple[tuple[float, float], tuple[str, ...]]:
    """The HBM stacks of supply scenario ``name``: (low, high) across its published estimates, and the sources."""
    table = supply_scenario(name, dataset)
    sources = tuple(sorted({s for row in table["sources"] for s in row}))
    return (float(table["stacks_low"].min()), float(table["stacks_high"].max())), sources


#: Chips the notebook's decode table compares (ids in data/chips.csv).
DECODE_CHIPS = ("huawei-ascend-910c", "huawei-ascend-950dt", "nvidia-h20", "nvidia-h100-sxm", "nvidia-b200")
LEADERS = ("SK hynix", "Samsung", "Micron")
CHINESE_SUPPLIERS = ("CXMT", "Huawei", "XMC", "Tongfu", "JCET")


def decode_table(model_id: str, context: int = 4096, batch: int = 1, dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Decode bounds for :data:`DECODE_CHIPS`: on one chip, and on the fewest chips that hold the model."""
    ds = dataset or data.load()
    mdl = model(model_id, ds)
    wide = data.specs_wide(ds, ["memory_bandwidth", "memory_capacity"])
    rows = []
    for chip in DECODE_CHIPS:
        bw, cap = wide.at[chip, "memory_bandwidth"], wide.at[chip, "memory_capacity"]
        if pd.isna(bw) or pd.isna(cap):
            continue
        need = min_chips(mdl, cap, batch=batch, context=context)
        one = decode_bound(mdl, bw, cap, batch=batch, context=context)
        fitted = decode_bound(mdl, bw, cap, chips=need, batch=batch, context=context)
        rows.append({"chip_id": chip, "name": ds.chips.at[chip, "name"], "bandwidth_gb_s": bw, "capacity_gb": cap,
                     "tokens_s_one_chip": one.tokens_per_second if one.fits else math.nan,
                     "fits_one_chip": one.fits, "min_chips": need,
                     "tokens_s_min_chips": fitted.tokens_per_second})
    return pd.DataFrame(rows).set_index("chip_id")


