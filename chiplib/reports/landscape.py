"""The landscape report: its parameters and its answer in brief."""

from __future__ import annotations

import pandas as pd

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.data.schema import ROADMAP
from chiplib.models import landscape
from chiplib.models.landscape import PRECISIONS, best
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

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


def answer(reference: str, precision: str, include_roadmap: bool, dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: the takeaway, the best shipping Chinese chip's share of the reference's dense
    compute (and which chip), its best memory-bandwidth share, and how many shipping chips reach half."""
    ds = dataset or data.load()
    compute = PRECISIONS[precision]
    reference_name = ds.chips.loc[reference, "name"]
    shares = landscape.share_table(reference, precision, include_roadmap, ds)
    chip, share = best(shares, f"{compute}_share")
    bw_chip, bw_share = best(shares, "memory_bandwidth_share")
    shipping = shares[shares["status"].isin(landscape.SHIPPED)]
    return Brief((takeaway(shares, precision, reference_name),), (
        figure("best_shipping_compute_share",
               f"Best shipping Chinese chip, dense {precision.upper()}, share of {reference_name}", share * 100, "%",
               data.preferred_sources([chip, reference], [compute], ds)),
        figure("best_shipping_compute_chip", "Which chip that is", shares.loc[chip, "name"] if chip else "none",
               sources=data.preferred_sources([chip], [compute], ds)),
        figure("best_shipping_bandwidth_share", f"Best shipping Chinese chip, memory bandwidth, share of {reference_name}",
               bw_share * 100, "%", data.preferred_sources([bw_chip, reference], ["memory_bandwidth"], ds)),
        figure("shipping_chips_at_half_compute",
               f"Shipping Chinese chips at 50 % or more of the reference's {precision.upper()}",
               int((shipping[f"{compute}_share"] >= landscape.HALF).sum()), "chips",
               data.preferred_sources([*shipping.index, reference], [compute], ds)),
    ))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
