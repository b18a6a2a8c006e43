"""The manufacturing report: its parameters, the answer in brief, and the tables it shows."""

from __future__ import annotations

import pandas as pd

from chiplib import reports
from chiplib.core.params import Param, ParamError, check
from chiplib.models import production
from chiplib.present.figures import Brief, figure
from chiplib.present.safe import md


def _params():
    return (
        Param("scenario", str, "base", "production scenario (data/production_scenarios.yaml)", lambda: production.scenario_names()),
        Param("year", int, 2025, "year of the one-year detail (funnel): 2025 or later"),
        Param("samples", int, 20000, "Monte Carlo histories"),
        Param("seed", int, 7, "random seed (fixed for reproducible reports)"),
    )


PARAMS = _params()


def check_params(**given) -> dict:
    """Validate the manufacturing notebook's parameters (see :data:`PARAMS`)."""
    values = check(PARAMS, given, where="fab")
    if not 2025 <= values["year"] <= 2030:
        raise ParamError(f"fab: year {values['year']} is outside 2025-2030")
    if not 100 <= values["samples"] <= 1_000_000:
        raise ParamError(f"fab: samples {values['samples']} is outside 100-1,000,000")
    return values


def run(scenario: str = "base", samples: int = 20000, seed: int = 7, dataset=None) -> tuple[dict, dict]:
    """(the scenario's inputs, its simulated histories)."""
    setup = production.scenario_inputs(scenario, dataset)
    return setup, production.simulate(setup["ranges"], setup["constants"], samples, seed)


def answer(scenario: str = "base", samples: int = 20000, seed: int = 7, dataset=None, **_one_year) -> Brief:
    """The answer in brief: the median history's packages per year, the 5th-95th percentile of the peak year,
    and what binds."""
    setup, runs = run(scenario, samples, seed, dataset)
    totals = production.percentiles(runs, "packages").set_index("year")
    peak = int(totals["p50"].idxmax())
    first, last = int(totals.index[0]), int(totals.index[-1])
    binding = production.trajectory(runs)
    memory_years = sorted(set(binding.loc[binding["binding"] == "HBM", "year"]))
    caps = (f"memory (HBM), not logic dies, caps output in {_years(memory_years)}" if memory_years
            else "logic dies, not memory, cap output in every year")
    path = ", ".join(f"{totals.at[y, 'p50']:,.0f} in {y}" for y in totals.index)
    text = md("In the '{scenario}' scenario the median history makes these Ascend packages (910C-equivalents and "
              "950-class together): {path}. Output peaks in {peak} (5th-95th percentile {p5:,.0f}-{p95:,.0f}) and then follows "
              "the stocks down; {caps}.", scenario=scenario, path=path, peak=peak, p5=totals.at[peak, "p5"],
              p95=totals.at[peak, "p95"], caps=caps)
    sources = setup["sources"]
    figures = tuple(figure(f"packages_p50_{y}", f"Median {y} packages, '{scenario}' scenario", totals.at[y, "p50"],
                           "packages", sources) for y in totals.index)
    figures += (figure("packages_p5_peak", f"5th percentile in {peak}", totals.at[peak, "p5"], "packages", sources),
                figure("packages_p95_peak", f"95th percentile in {peak}", totals.at[peak, "p95"], "packages", sources),
                figure("memory_binding_years", f"Years {first}-{last} in which HBM caps the median 910C history",
                       len(memory_years), "years", sources))
    return Brief((text,), figures)


def _years(years: list[int]) -> str:
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"every year from {years[0]} to {years[-1]}"
    return ", ".join(map(str, years))


def bands(runs: dict) -> pd.DataFrame:
    """Per year and series (all packages, 910C, 950-class): p5, p50, p95, for the trajectory chart."""
    parts = []
    for series, quantity in (("all packages", "packages"), ("910C (equivalents)", "packages_910c"), ("950-class", "packages_950")):
        parts.append(production.percentiles(runs, quantity).assign(series=series))
    return pd.concat(parts, ignore_index=True)


def stocks(runs: dict) -> pd.DataFrame:
    """Per year: the median history's die bank and stockpile at the start of the year, and what binds each generation."""
    binding = production.trajectory(runs).pivot(index="year", columns="generation", values="binding")
    start = pd.DataFrame({"year": list(runs),
                          **{stock: production.percentiles(runs, stock)["p50"].to_numpy()
                             for stock in ("die_bank_start", "hbm_stockpile_start")}})
    return start.join(binding, on="year").rename(columns={"910C": "binds_910c", "950-class": "binds_950"})


#: The reconciliation columns a reader sees, in order (what each subject counts is a table of its own).
RECONCILIATION_COLUMNS = ("year", "subject", "metric", "value", "basis", "base_p5", "base_p95", "verdict", "scenarios",
                          "dies_needed", "stacks_needed", "stockpile_share", "smic_yield_percent", "source_id")


def reconciliation(samples: int = 20000, seed: int = 7, dataset=None) -> pd.DataFrame:
    """Every published volume against the model (:func:`chiplib.models.production.reconcile`), reader's columns;
    ``value`` is in the model's unit (a 910B counts as half a 910C-equivalent package)."""
    table = production.reconcile(dataset, samples, seed)
    return table.reindex(columns=list(RECONCILIATION_COLUMNS))


def what_each_counts(dataset=None) -> pd.DataFrame:
    """Per published subject: what its figures count and the model quantity they are compared with."""
    published = production.scenario_file(dataset)["published"]
    return pd.DataFrame([{"subject": subject, "counts": spec["counts"],
                          "compared_with": spec["quantity"] or "outside the model", "scale": spec.get("scale", 1)}
                         for subject, spec in published.items()])


def trajectory_marks(reconciled: pd.DataFrame) -> pd.DataFrame:
    """The published volumes in units that the trajectory chart can place: Huawei's packages of either generation."""
    return reconciled[(reconciled["metric"] == "units") & reconciled["base_p5"].notna()
                      & (reconciled["subject"] != "china-advanced-chip-output")]


def input_table(ranges: dict, basis: dict[str, str] | None = None) -> pd.DataFrame:
    """The scenario's inputs as a reader reads them: one row per input, one column per year, each cell
    ``low-high`` (one number when fixed; ``no limit`` for unlimited memory; stocks in the first year only), and
    ``basis`` (from :func:`chiplib.models.production.scenario_inputs`: published estimates, or the assumption and its reason)."""
    span = sorted(ranges["wafers_per_month"])

    def number(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:g}"

    def cell(bounds) -> str:
        if bounds is None:
            return "no limit"
        low, high = bounds
        return number(low) if low == high else f"{number(low)}-{number(high)}"

    rows = [{"input": key, **{str(year): cell(ranges[key][year]) if year in ranges[key] else "" for year in span},
             **({"basis": basis.get(key, "")} if basis is not None else {})}
            for key in production.INPUTS]
    return pd.DataFrame(rows)


def heading():
    """This report's title and question from the build plan (Markdown)."""
    return reports.heading(__name__)
