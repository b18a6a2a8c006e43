"""Loading, canonical units and the two views, on the hand-made fixture tables."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from chiplib import data
from chiplib.present.sources import sources_markdown


def test_load_is_cached_per_directory(tables):
    assert data.load(tables) is data.load(str(tables))


def test_long_view_keeps_every_estimate_in_canonical_units(tables):
    long = data.specs_long(data.load(tables))
    x1 = long[(long["chip_id"] == "acme-x1") & (long["metric"] == "fp16_dense")].set_index("source_id")
    assert x1.loc["vendor-sheet", ["value", "unit", "value_published", "unit_published", "basis", "preferred"]].tolist() \
        == [1000.0, "TFLOPS", "1", "PFLOPS", "reported", True]
    assert x1.loc["analyst-note", ["value", "basis", "preferred", "note"]].tolist() \
        == [900.0, "estimate", False, "Analyst's estimate"]
    assert x1.loc["analyst-note", "publisher"] == "Analyst"
    assert x1.loc["vendor-sheet", "url"] == "https://example.com/x.pdf"
    assert len(long) == 8


def test_same_figure_in_two_units_is_one_value(tables):
    """'3.35 TB/s' (vendor) and '3350 GB/s' (analyst) convert to the identical canonical value."""
    long = data.specs_long(data.load(tables))
    bandwidth = long[long["metric"] == "memory_bandwidth"]["value"].tolist()
    assert bandwidth == [3350.0, 3350.0]


def test_wide_view_holds_preferred_values_and_missing_stays_missing(tables):
    wide = data.specs_wide(data.load(tables))
    assert wide.loc["acme-x1", "fp16_dense"] == 1000.0
    assert wide.loc["acme-x1", "die_area"] == 814.0
    assert wide.loc["acme-x1", "memory_type"] == "HBM3"
    assert wide.loc["acme-x1", "announced"] == "2023-03"
    assert wide.loc["acme-x1-lite", "fp16_dense"] == 148.0
    assert math.isnan(wide.loc["acme-x1-lite", "memory_bandwidth"])
    assert pd.isna(wide.loc["acme-x1-lite", "memory_type"])
    assert wide.loc["acme-x1-lite", "variant_of"] == "acme-x1"
    assert wide.attrs["units"]["memory_bandwidth"] == "GB/s" and wide.attrs["units"]["memory_type"] == ""


def test_wide_view_metric_selection_and_unknown_metric(tables):
    ds = data.load(tables)
    assert list(data.specs_wide(ds, ["die_area"]).columns)[-1] == "die_area"
    with pytest.raises(KeyError, match="unknown metric.*'fp64'.*valid metrics: fp16_dense, memory_bandwidth"):
        data.specs_wide(ds, ["fp64"])


def test_wide_view_is_built_once_per_dataset_and_handed_out_as_a_copy(tables):
    """Reports ask for the wide view many times a run: it is built once per loaded dataset, every caller gets a copy
    it may change, every call records the files the view read, and an edited table gives a fresh view."""
    from chiplib.data import tracking

    ds = data.load(tables)
    tracking.start()
    first = data.specs_wide(ds)
    read_first = tracking.stop()
    first.loc["acme-x1", "fp16_dense"] = 0.0
    first.attrs["units"]["fp16_dense"] = "nonsense"
    tracking.start()
    second = data.specs_wide(ds)
    assert tracking.stop() == read_first == ["chip_specs.csv", "chips.csv", "metrics.csv", "sources.csv"]
    assert second.loc["acme-x1", "fp16_dense"] == 1000.0 and second.attrs["units"]["fp16_dense"] == "TFLOPS"
    specs = tables / "chip_specs.csv"
    specs.write_text(specs.read_text().replace("acme-x1-lite,fp16_dense,148,", "acme-x1-lite,fp16_dense,150,"))
    assert data.specs_wide(data.load(tables)).loc["acme-x1-lite", "fp16_dense"] == 150.0


def test_coverage_counts_sourced_and_contested_metrics(tables):
    """fp16 differs across sources (1000 vs 900): contested; bandwidth agrees after conversion: not."""
    table = data.coverage(data.load(tables))
    assert table.loc["acme-x1", ["metrics", "contested", "sources"]].tolist() == [5, 1, 2]
    assert table.loc["acme-x1-lite", ["metrics", "contested", "sources"]].tolist() == [1, 0, 1]


def test_sources_for_lists_rows_and_rejects_unknown_ids(tables):
    ds = data.load(tables)
    assert data.sources_for(["vendor-sheet", "analyst-note", "vendor-sheet"], ds)["publisher"].tolist() \
        == ["Analyst", "Vendor"]
    with pytest.raises(KeyError, match="nope"):
        data.sources_for(["nope"], ds)


def test_data_dir_follows_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CHIPLIB_DATA", str(tmp_path))
    assert data.data_dir() == tmp_path.resolve()
    monkeypatch.delenv("CHIPLIB_DATA")
    assert data.data_dir().name == "data" and (data.data_dir() / "chip_specs.csv").exists()


def test_sources_markdown_lists_each_source_once(tables):
    text = sources_markdown(["vendor-sheet", "analyst-note", "vendor-sheet"], data.load(tables), intro="Read:")
    assert text.splitlines() == [
        "Read:", "",
        "- **analyst-note**: Teardown of X, with estimates. Analyst, 2024-05. <https://example.org/note> (accessed 2026-11-22)",
        "- **vendor-sheet**: Accelerator X datasheet. Vendor, 2024-03-01. <https://example.com/x.pdf> (accessed 2026-11-22)",
    ]
