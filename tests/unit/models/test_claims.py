"""The claims ledger: verdicts follow from the numbers, and change when the data does."""

from __future__ import annotations

import math
import shutil

import pytest

from chiplib import data
from chiplib.data import schema
from chiplib.models import claims
from chiplib.reports import overview


@pytest.mark.parametrize(
    ("claimed", "low", "high", "computed", "tolerance", "expected"),
    [
        (100, None, None, 104, 0.05, "supported"),
        (100, None, None, 112, 0.05, "partly"),
        (100, None, None, 130, 0.05, "contradicted"),
        (100, None, None, math.nan, 0.05, "not testable"),
        (None, 10, 20, 15, 0.05, "supported"),
        (None, 10, 20, 21, 0.05, "supported"),       # 5 % above the range's top
        (None, 10, 20, 25, 0.05, "contradicted"),
        ("3A090.a", None, None, "3A090.a", 0, "supported"),
        ("3A090.a", None, None, "3A090.b", 0, "contradicted"),
    ],
)
def test_verdict_rules(claimed, low, high, computed, tolerance, expected):
    assert claims.verdict(claimed, low, high, computed, tolerance) == expected


def test_tests_whitelist_matches_the_schema():
    assert tuple(claims.TESTS) == schema.CLAIM_TESTS


def test_a_claim_flips_when_its_data_changes(tmp_path):
    """Change the 910C's preferred BF16 figure from 800 to 780 TFLOPS: the '300 PFLOPS' claim still
    holds (299.5), but the CloudMatrix/NVL72 ratio claim of 1.7 holds too; drop it to 600 and both fail."""
    directory = tmp_path / "data"
    shutil.copytree(data.data_dir(), directory)
    specs = (directory / "chip_specs.csv").read_text(encoding="utf-8")
    specs = specs.replace("huawei-ascend-910c,fp16_dense,800000000000000,FLOP/s",
                          "huawei-ascend-910c,fp16_dense,600000000000000,FLOP/s")
    (directory / "chip_specs.csv").write_text(specs, encoding="utf-8")
    before = claims.ledger().set_index("claim_id")
    after = claims.ledger(data.load(directory)).set_index("claim_id")
    assert before.at["c21", "verdict"] == "supported" and after.at["c21", "verdict"] == "contradicted"
    assert after.at["c21", "computed"] == pytest.approx(384 * 600)


def test_figure_changes_between_builds():
    import pandas as pd

    old = pd.DataFrame([["r", "v", "a", "A", "1.0", "%", ""], ["r", "v", "b", "B", "2", "", ""],
                        ["r", "v", "c", "C", "x", "", ""]], columns=overview.COLUMNS)
    new = pd.DataFrame([["r", "v", "a", "A", "1.0000000000001", "%", ""], ["r", "v", "b", "B", "3", "", ""],
                        ["r", "v", "d", "D", "y", "", ""]], columns=overview.COLUMNS)
    moved = overview.changes(new, old).set_index("figure_id")
    assert list(moved.index) == ["b", "c", "d"]
    assert (moved.at["b", "old"], moved.at["b", "new"], moved.at["b", "change"]) == ("2", "3", "moved")
    assert moved.at["c", "change"] == "removed" and moved.at["d", "change"] == "added"
