"""The superpods-and-roadmaps report: its parameters and the systems it shows."""

from __future__ import annotations

from chiplib import data
from chiplib.core.params import Param, ParamError, check
from chiplib.data.schema import SHIPPED
from chiplib.models import roadmaps
from chiplib.models import systems as system_model
from chiplib.models.systems import PRECISIONS, systems
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md
from chiplib import reports

def _system_choices() -> list[str]:
    return ["all", *systems().index]


def _params():
    return (
        Param("systems", str, "all", "'all' or comma-separated system ids"),
        Param("precision", str, "fp8", "precision of compute totals (dense)", lambda: list(PRECISIONS)),
        Param("include_announced", bool, True, "count announced and roadmap systems and chips"),
    )


PARAMS = _params()


def selected_systems(spec: str, include_announced: bool = True, dataset: data.Dataset | None = None) -> list[str]:
    """System ids from the notebook's ``systems`` parameter, filtered by status."""
    table = systems(dataset)
    ids = list(table.index) if spec == "all" else [s.strip() for s in spec.split(",") if s.strip()]
    if not include_announced:
        ids = [s for s in ids if table.at[s, "status"] in SHIPPED]
    return ids


def check_params(**given) -> dict:
    """Validate the clusters notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="clusters")
    if values["systems"] != "all":
        known = set(systems().index)
        unknown = [s.strip() for s in values["systems"].split(",") if s.strip() not in known]
        if unknown or not values["systems"].strip():
            raise ParamError(f"clusters: unknown system(s) {unknown}; valid systems: {', '.join(_system_choices())}")
    return values


#: The pair the answer compares: Huawei's superpod and NVIDIA's rack.
PAIR = ("huawei-cloudmatrix-384", "nvidia-gb200-nvl72")
PAIR_CHIPS = ("huawei-ascend-910c", "nvidia-gb200")


def answer(systems: str = "all", precision: str = "fp8", include_announced: bool = True,
           dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: CloudMatrix 384 against GB200 NVL72 in dense BF16 compute, power and compute per
    watt (recomputed from chips; published power), the years China's best dense FP16 chip trails, and the
    published system totals more than 5 % off the recomputed ones."""
    ds = dataset or data.load()
    cm, nvl = PAIR
    bf16 = system_model.system_table(selected_systems("all", dataset=ds), "fp16", ds)
    compute_ratio = system_model.ratio(bf16, "compute_pflops", cm, nvl)
    power_ratio = system_model.ratio(bf16, "system_power_kw", cm, nvl)
    per_watt_ratio = system_model.ratio(bf16, "compute_per_kw", cm, nvl)
    pub = system_model.published(ds)
    pair_sources = set(pub[pub["system_id"].isin(PAIR)]["source_id"]) | set(
        data.preferred_sources(PAIR_CHIPS, ["fp16_dense"], ds))
    values = roadmaps.roadmap_values(include_announced, ds)
    years = range(int(values["year"].min()), int(values["year"].max()) + 1)
    fp16_gap = roadmaps.gaps_by_metric(values, years).set_index("metric").loc["fp16_dense"]
    chosen = selected_systems(systems, include_announced, ds)
    system_sources = sorted(set(pub[pub["system_id"].isin(chosen)]["source_id"]))
    text = md("Recomputed from its chips, the CloudMatrix 384 has {compute:.1f}x the dense BF16 compute of a GB200 NVL72 "
              "while drawing {power:.1f}x the published power, so it delivers {per_watt:.2f}x the compute per watt. "
              "On dense 16-bit compute per chip, China's best part in {year} matches a level the US reached "
              "{gap} years earlier (US/China ratio {ratio:.1f}x).", compute=compute_ratio, power=power_ratio,
              per_watt=per_watt_ratio, year=int(fp16_gap["year"]), gap=int(fp16_gap["gap_years"]),
              ratio=fp16_gap["us_over_china"])
    return Brief((text,), (
        figure("cm384_vs_nvl72_compute", "CloudMatrix 384 / GB200 NVL72, dense BF16 compute", compute_ratio, "x", pair_sources),
        figure("cm384_vs_nvl72_power", "CloudMatrix 384 / GB200 NVL72, system power", power_ratio, "x", pair_sources),
        figure("cm384_vs_nvl72_per_watt", "CloudMatrix 384 / GB200 NVL72, compute per watt", per_watt_ratio, "x",
               pair_sources),
        figure("fp16_gap_years", "Years China's best dense FP16 chip trails the US's", fp16_gap["gap_years"], "years",
               data.preferred_sources(values["chip_id"], ["fp16_dense", "planned", "shipped"], ds)),
        figure("flagged_published_totals", "Published system totals more than 5 % off the recomputed ones",
               int(system_model.compare(ds)["flag"].sum()), "figures", system_sources),
    ))


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
