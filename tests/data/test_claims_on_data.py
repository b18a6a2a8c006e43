"""Claims on today's data: verdicts pinned to the repository's figures, each resting on independent evidence."""
from __future__ import annotations

import pytest

from chiplib import data
from chiplib.models import claims


@pytest.fixture(scope="module")
def table():
    return claims.ledger().set_index("claim_id")


def test_no_claim_is_supported_by_its_own_origin(table):
    supported = table[table["verdict"] == "supported"]
    assert len(table) >= 50 and len(supported) >= 20
    for claim_id, row in supported.iterrows():
        assert row["evidence_origins"] and row["origin"] not in row["evidence_origins"], claim_id
        assert row["source_id"] not in row["evidence_sources"], claim_id


def test_circular_claims_are_unverified(table):
    """Goldman's MLU590 TPP, Huawei's keynote figures, SemiAnalysis's own powers and stack counts, and the April
    2025 letter known only from NVIDIA cannot verify themselves."""
    assert table.at["c01", "computed"] == pytest.approx(4493 / 4992)
    for claim_id in ("c01", "c02", "c03", "c04", "c05", "c18", "c25", "c26", "c27", "c28", "c29", "c30"):
        assert table.at[claim_id, "verdict"] == "unverified", claim_id
    assert table.at["c30", "computed"] == 13_000_000 / 8                # the 13 M all-vendor total only


def test_independent_checks(table):
    assert table.at["c22", "computed"] == pytest.approx(384 * 800 / (72 * 2500))
    assert table.at["c22", "verdict"] == "supported" and "semianalysis" not in table.at["c22", "evidence_origins"]
    assert table.at["c31", "verdict"] == "supported"                  # Heim's 0.8: 800 / 989.4 = 0.81
    assert table.at["c12", "verdict"] == "supported" and table.at["c12", "computed"] == pytest.approx(2368)
    assert table.at["c09", "verdict"] == "contradicted" and "stated goal" in table.at["c09", "note"]


def test_generations_are_flagships_by_first_shipment(table):
    """A100 2020, H100 2022, B200 2024, B300 2025: steps 2, 2, 1, a median of 2 years. So 'a new generation
    every year' is contradicted, and China's 3-year FP16 lag is 1.5 generations ('a generation behind' holds)."""
    assert table.at["c32", "computed"] == 2.0 and table.at["c32", "verdict"] == "contradicted"
    assert table.at["c10", "computed"] == pytest.approx(1.5) and table.at["c10", "verdict"] == "supported"


def test_bounds_and_outcomes(table):
    """c06 is a one-sided bound (at most 200k) on capacity, judged by the production model's range of what SMIC's
    2025 dies could make (its median: 7,000 wafers/month x 12 x 80 dies x 35 % / 2 x 0.75 = 882,000); c08 is an
    outcome, which the July 2024 forecast (SemiAnalysis, the claim's own origin) and TrendForce's in-year order
    estimate cannot test."""
    assert table.at["c06", "claimed"] == "-200000" and table.at["c06", "verdict"] == "contradicted"
    assert table.at["c06", "computed"] == pytest.approx(7000 * 12 * 80 * 0.35 / 2 * 0.75, rel=0.001)
    assert table.at["c08", "verdict"] == "unverified" and "forecast" in table.at["c08", "reasoning"]
    counts = claims.verdict_counts(table.reset_index())
    assert set(counts) == set(claims.VERDICTS) and sum(counts.values()) == len(table)


def test_claimant_origins_exist():
    ds = data.load()
    assert set(ds.tables["claims"]["origin"]) <= set(ds.origins.index)
