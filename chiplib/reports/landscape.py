"""The landscape report: its parameters and its answer in brief."""

from __future__ import annotations

import pandas as pd

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.data.schema import ROADMAP
from chiplib.models.landscape import PRECISIONS, best
from chiplib.present.safe import md

def _chip_ids() -> list[str]:
    return sorted(data.load().chips.index)


PARAMS = (
    Param("reference", str, "nvidia-h100-sxm", "chip_id of the yardstick every chip is compared with", _chip_ids),
    Param("precision", str, "fp16", "precision of the compute comparison (dense figures)", lambda: list(PRECISIONS)),
    Param("include_roadmap", bool, True, "include announced, roadmap and rumoured parts"),
)


def check_params(**given) -> dict:
    """Validate the notebook's parameters (see :data:`PARAMS`); the reference must have a compute figure."""
    values = check(PARAMS, given, where="landscape")
    metric = PRECISIONS[values["precision"]]
    wide = data.specs_wide()
    if pd.isna(wide.loc[values["reference"], metric]):
        usable = wide.index[wide[metric].notna() & (wide["country"] == "US")]
        raise ParamError(f"landscape: reference {values['reference']!r} has no {metric} figure; "
                         f"valid references at {values['precision']}: {', '.join(usable)}")
    return values


def takeaway(shares: pd.DataFrame, precision: str, reference_name: str) -> str:
    """A two-sentence summary of ``shares`` (from :func:`share_table`), written from the numbers (Markdown,
    data text escaped)."""
    compute = PRECISIONS[precision]
    chip, share = best(shares, f"{compute}_share")
    bw_chip, bw_share = best(shares, "memory_bandwidth_share")
    if chip is None:
        first = md("No shipping Chinese accelerator has a published dense {} figure.", precision.upper())
    else:
        first = md("The strongest shipping Chinese accelerator at dense {precision}, {name}, reaches {share:.0%} "
                   "of the {reference}.", precision=precision.upper(), name=shares.loc[chip, "name"], share=share,
                   reference=reference_name)
    if bw_chip is None:
        second = "No shipping Chinese accelerator has a published memory bandwidth."
    else:
        second = md("On memory bandwidth the best shipping part, {name}, reaches {share:.0%}.",
                    name=shares.loc[bw_chip, "name"], share=bw_share)
    roadmap_chip, roadmap_share = best(shares, f"{compute}_share", ROADMAP)
    third = ""
    if roadmap_chip is not None:
        third = md(" Among announced and roadmap parts, {name} is announced at {share:.0%}.",
                   name=shares.loc[roadmap_chip, "name"], share=roadmap_share)
    return f"{first} {second}{third}"
