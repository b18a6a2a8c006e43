"""The repository's own data/: it validates, and hand-checked figures read back exactly."""

from __future__ import annotations

import pytest

from chiplib import data
from chiplib.validate import check


@pytest.fixture(scope="module")
def dataset():
    return data.load()


def test_repository_data_validates():
    assert [str(i) for i in check(data.data_dir()).issues] == []


def test_every_source_is_cited(dataset):
    """A source row nobody cites is dead weight or a missing citation."""
    unused = set(dataset.sources.index) - set(dataset.specs["source_id"])
    assert not unused, f"sources never cited in chip_specs.csv: {sorted(unused)}"


def test_no_chip_metric_has_two_preferred_rows(dataset):
    counts = dataset.specs[dataset.specs["preferred"]].groupby(["chip_id", "metric"]).size()
    assert counts.max() == 1


@pytest.mark.parametrize(
    ("chip", "metric", "expected"),
    [
        ("nvidia-h100-sxm", "memory_bandwidth", 3350.0),   # NVIDIA: 3.35 TB/s
        ("nvidia-h100-sxm", "fp16_dense", 989.4),          # 1,978.9 sparse / 2
        ("nvidia-h100-sxm", "tdp", 700.0),
        ("huawei-ascend-910c", "memory_bandwidth", 3200.0),
        ("huawei-ascend-910c", "fp16_dense", 780.0),       # BF16, SemiAnalysis/TechPowerUp
    ],
)
def test_hand_checked_preferred_values(dataset, chip, metric, expected):
    assert data.specs_wide(dataset).loc[chip, metric] == expected
