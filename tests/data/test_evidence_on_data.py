"""Origins and evidence grades on the repository's data: checks that would have caught the defects of their kind."""

from __future__ import annotations

import pytest

from chiplib import data
from chiplib.data.schema import ANNOUNCED

#: Grades that stand for the product as it is (a vendor's statement about a shipping part, or a measurement).
FIRM = ("reported", "measured")


@pytest.fixture(scope="module")
def ds():
    return data.load()


def test_every_origin_is_used_and_every_source_has_one(ds):
    assert ds.sources["origin"].notna().all()
    assert set(ds.sources["origin"]) == set(ds.origins.index)


def test_a_preferred_figure_is_not_an_estimate_when_a_firm_row_gives_the_same_value(ds):
    """Preferring an analyst's copy of a number that the vendor (or a measurement) states hides the better evidence."""
    specs = ds.specs
    wrong = []
    for (chip, metric), group in specs.groupby(["chip_id", "metric"]):
        chosen = group[group["preferred"]].iloc[0]
        if chosen["basis"] in FIRM:
            continue
        same = (group["value"] - chosen["value"]).abs() <= 1e-9 * abs(chosen["value"]) \
            if chosen["kind"] == "quantity" else group["text"] == chosen["text"]
        if (same & group["basis"].isin(FIRM)).any():
            wrong.append((chip, metric, chosen["source_id"]))
    assert not wrong


def test_figures_for_parts_not_yet_shipping_are_never_reported_as_fact(ds):
    """Vendor figures for announced, roadmap or rumoured parts are targets (or, for leaks, estimates)."""
    status = ds.specs["chip_id"].map(ds.chips["status"])
    rows = ds.specs[status.isin([*ANNOUNCED, "rumoured"]) & (ds.specs["kind"] == "quantity")]
    assert set(rows["basis"]) <= {"target", "estimate", "measured"}, rows[rows["basis"] == "reported"][["chip_id", "metric"]]
    systems = data.facts("system_specs", ds)
    system_status = systems["system_id"].map(ds.tables["systems"].set_index("system_id")["status"])
    assert set(systems.loc[system_status.isin(ANNOUNCED), "basis"]) <= {"target", "estimate"}


def test_rubin_compute_is_dense_as_nvidias_own_ratios_imply(ds):
    """NVIDIA puts Vera Rubin NVL144 at 3.3x and Rubin Ultra NVL576 at 14x a GB300 NVL72. Against the dense
    GB300 figures FP4 and FP8 give that one ratio per system; against sparse ones they give two different ratios.
    The Rubin figures must therefore be filed as dense."""
    systems = data.facts("system_specs", ds)
    value = systems[systems["preferred"]].set_index(["system_id", "metric"])["value"]
    for system, stated in (("nvidia-vera-rubin-nvl144", 3.3), ("nvidia-rubin-ultra-nvl576", 14)):
        assert (system, "fp4_sparse") not in value and (system, "fp8_sparse") not in value
        fp4 = value[(system, "fp4_dense")] / value[("nvidia-gb300-nvl72", "fp4_dense")]
        fp8 = value[(system, "fp8_dense")] / value[("nvidia-gb300-nvl72", "fp8_dense")]
        assert fp4 == pytest.approx(stated, rel=0.03) and fp8 == pytest.approx(stated, rel=0.03)


def test_capacity_models_ignore_plans(ds):
    """A plan (Nikkei's 100k 7/5nm wafers a month within two years) never enters a capacity range."""
    rows = data.capacity_rows(ds.tables["fab_estimates"])
    assert "target" not in set(rows["basis"])
    assert not ((rows["subject"] == "china-advanced-capacity") & (rows["value"] == "100000")).any()
