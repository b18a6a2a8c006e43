"""The software-ecosystems report: its parameters and the vendors it shows."""

from __future__ import annotations

import pandas as pd

from chiplib import data, reports
from chiplib.core.params import Param, ParamError, check
from chiplib.models import software
from chiplib.models.software import rubric
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md


def _params():
    return (
        Param("profile", str, "balanced", "weight profile (data/software_rubric.yaml)", lambda: list(rubric()["profiles"])),
        Param("vendors", str, "all", "'all' or comma-separated vendor names from data/stack_matrix.csv"),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the software notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="software")
    if values["vendors"] != "all":
        known = set(data.load().tables["stack_matrix"]["vendor"])
        unknown = [v.strip() for v in values["vendors"].split(",") if v.strip() not in known]
        if unknown:
            raise ParamError(f"software: unknown vendor(s) {unknown}; valid vendors: all, {', '.join(sorted(known))}")
    return values


def selected_vendors(spec: str, dataset: data.Dataset | None = None) -> list[str]:
    ds = dataset or data.load()
    every = sorted(set(ds.tables["stack_matrix"]["vendor"]))
    return every if spec == "all" else [v.strip() for v in spec.split(",") if v.strip()]


#: Vendors that are not Chinese in the software comparison.
YARDSTICKS = ("NVIDIA", "AMD")


def answer(profile: str = "balanced", vendors: str = "all", dataset: data.Dataset | None = None) -> Brief:
    """The answer in brief: the most complete Chinese stack under the weights against NVIDIA, the Chinese
    vendor with the best median rank across random weightings, and the models run on Chinese accelerators."""
    ds = dataset or data.load()
    chosen = selected_vendors(vendors, ds)
    matrix = ds.tables["stack_matrix"]
    matrix = matrix[matrix["vendor"].isin(chosen)]
    table = software.scores(profile, ds).loc[lambda t: t.index.isin(chosen)]
    ranks = software.sensitivity(table)
    chinese = [v for v in table.index if v not in YARDSTICKS]
    top = table.loc[chinese, "total"].idxmax() if chinese else None
    robust = ranks.loc[chinese].sort_values("median_rank").index[0] if chinese else None
    lines = [md("Under the '{profile}' weights, the most complete Chinese stack is {top} ({score:.2f} against NVIDIA's "
                "{nvidia:.2f} on a 0-1 scale).", profile=profile, top=top, score=table.at[top, "total"],
                nvidia=table.at["NVIDIA", "total"]) if top and "NVIDIA" in table.index else ""]
    if robust:
        lines.append(md("Across 2,000 random weightings, {robust} has the best median rank among Chinese vendors "
                        "(ranks {best}-{worst}).", robust=robust, best=ranks.at[robust, "best_rank"],
                        worst=ranks.at[robust, "worst_rank"]))
    sources = sorted(set(matrix["source_id"]))
    figures = []
    if top:
        figures += [figure("top_chinese_stack", "Most complete Chinese software stack", top, "", sources),
                    figure("top_chinese_score", "Its rubric score (0-1)", table.at[top, "total"], "", sources)]
    if "NVIDIA" in table.index:
        figures += [figure("nvidia_score", "NVIDIA's rubric score (0-1)", table.at["NVIDIA", "total"], "", sources),
                    figure("nvidia_first_share", "Share of random weightings that rank NVIDIA first",
                           ranks.at["NVIDIA", "share_first"] * 100, "%", sources)]
    runs = deployments(ds)
    if not runs.empty:
        firm = runs[runs["basis"].isin(["reported", "measured"])]
        trained = sorted(set(firm.loc[firm["role"] == "pre-training", "model"]))
        lines.append(md("The data records {n} models run on Chinese accelerators by {orgs} organisations; {k} were "
                        "pre-trained on them by their makers' own account ({names}).", n=runs["model"].nunique(),
                        orgs=runs["organisation"].nunique(), k=len(trained), names=", ".join(trained) or "none"))
        figures += [figure("models_on_chinese_chips", "Models trained or served on Chinese accelerators",
                           runs["model"].nunique(), "models", runs["source_id"]),
                    figure("models_pretrained_on_chinese_chips", "Models pre-trained on them (own account)",
                           len(trained), "models", firm.loc[firm["role"] == "pre-training", "source_id"])]
    return Brief((" ".join(line for line in lines if line),), tuple(figures))


def deployments(dataset: data.Dataset | None = None) -> pd.DataFrame:
    """Models trained or served on Chinese accelerators (``deployments.csv``), newest first, with chip names."""
    ds = dataset or data.load()
    runs = ds.tables["deployments"].copy()
    runs["chip"] = runs["chip_id"].map(ds.chips["name"])
    return runs.sort_values(["date", "model"], ascending=[False, True], na_position="last", kind="stable")


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
