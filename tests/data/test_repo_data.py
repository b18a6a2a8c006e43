"""The repository's own data/: it validates, and hand-checked figures read back exactly."""

from __future__ import annotations

import pytest

from chiplib import data
from chiplib.data.validate import check


@pytest.fixture(scope="module")
def dataset():
    return data.load()


def test_repository_data_validates():
    assert [str(i) for i in check(data.data_dir()).issues] == []


def test_every_source_is_cited(dataset):
    """A source nobody cites (chip_specs, events, export rules, or [source-id] in chip notes) is dead weight."""
    in_notes = set(dataset.chips["notes"].dropna().str.findall(r"\[([a-z0-9.-]+)\]").sum())
    assert in_notes <= set(dataset.sources.index), f"unknown source ids in chips.csv notes: {in_notes - set(dataset.sources.index)}"
    from chiplib.models import export_controls

    in_rules = {source for rule in export_controls.rules(dataset) for source in rule.sources}
    in_tables = {source for frame in dataset.tables.values() for column in frame.columns
                 if column.endswith("source_id") for source in frame[column].dropna()}
    unused = set(dataset.sources.index) - in_tables - in_notes - in_rules
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
        ("nvidia-a100-sxm", "tpp_published", 4992.0),      # Epoch: 4.992e15 bit*OP/s
        ("nvidia-h20", "tpp_published", 2368.0),           # 148 TFLOPS x 16 bits
        ("nvidia-rtx-4090", "tpp_published", 5285.0),      # over the 4,800 line
        ("nvidia-rtx-4090d", "tpp_published", 4707.0),     # the cut-down part, under it
        ("huawei-ascend-910c", "memory_bandwidth", 3200.0),
        ("huawei-ascend-910c", "fp16_dense", 800.0),       # Epoch/TrendForce; 780 and 752 kept as other rows
        ("huawei-ascend-950dt", "memory_capacity", 144.0),  # HiZQ 2.0
        ("huawei-ascend-950pr", "fp8_dense", 1000.0),      # 1 PFLOPS FP8
        ("metax-c500", "memory_capacity", 64),             # the vendor's 64 GB (not FlagPerf's template 64 GiB)
    ],
)
def test_hand_checked_preferred_values(dataset, chip, metric, expected):
    assert data.specs_wide(dataset).loc[chip, metric] == expected


def test_contested_910c_keeps_every_published_figure(dataset):
    """910C FP16/BF16 is published as 752, 780 and 800 TFLOPS: all three survive as rows."""
    rows = data.specs_long(dataset).query("chip_id == 'huawei-ascend-910c' and metric == 'fp16_dense'")
    assert sorted(set(rows["value"])) == [752.0, 780.0, 800.0]
    assert rows["preferred"].sum() == 1


def test_dataset_scope(dataset):
    """At least 25 Chinese chips and 15 yardsticks (US parts)."""
    countries = dataset.chips["country"].value_counts()
    assert countries["CN"] >= 25 and countries["US"] >= 15
