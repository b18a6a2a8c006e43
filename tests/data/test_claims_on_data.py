"""Claims on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import pytest

from chiplib.models import claims


def test_ledger_on_the_dataset():
    table = claims.ledger().set_index("claim_id")
    assert len(table) >= 25
    assert table.at["c01", "verdict"] == "supported" and table.at["c01", "computed"] == pytest.approx(4493 / 4992)
    assert table.at["c22", "computed"] == pytest.approx(384 * 800 / (72 * 2500))
    assert table.at["c31", "verdict"] == "partly"                      # 800 / 989.4 = 0.81 against "rivals"
    assert table.at["c09", "verdict"] == "not testable" and "stated goal" in table.at["c09", "reasoning"]
    assert set(claims.verdict_counts(claims.ledger())) == set(claims.VERDICTS)
