"""Origins: copies of one origin count once, and the data without an origin is what others published."""

from __future__ import annotations

from chiplib import data
from tests.conftest import TABLES, write_tables

#: A third page that only relays the analyst's teardown: a new source, not a new origin.
RELAY = "relay-blog,Blog rewrite of the teardown,Blog,https://example.net/x,2024-06,2026-11-22,news,analyst-co,\n"
RELAY_ROW = "acme-x1,fp16_dense,0.9,PFLOPS,relay-blog,estimate,false,Relays the analyst's estimate\n"


def _dataset(tmp_path):
    return data.load(write_tables(tmp_path / "d", sources_csv=TABLES["sources.csv"] + RELAY,
                                  chip_specs_csv=TABLES["chip_specs.csv"] + RELAY_ROW))


def test_two_copies_of_one_origin_count_once(tmp_path):
    ds = _dataset(tmp_path)
    assert data.origins_of(["analyst-note", "relay-blog"], ds) == ("analyst-co",)
    assert data.count_origins(["vendor-sheet", "analyst-note", "relay-blog"], ds) == 2
    table = data.coverage(ds)
    assert table.at["acme-x1", "sources"] == 3 and table.at["acme-x1", "origins"] == 2


def test_without_an_origin_the_others_figures_become_preferred(tmp_path):
    """Dropping the vendor leaves the analyst's 900 TFLOPS (and its relay) for the X1: the 900 becomes preferred."""
    ds = _dataset(tmp_path)
    rest = data.without_origin(ds, "acme")
    assert set(rest.specs["origin"]) == {"analyst-co"}
    wide = data.specs_wide(rest, ["fp16_dense", "memory_bandwidth"])
    assert wide.at["acme-x1", "fp16_dense"] == 900 and wide.at["acme-x1", "memory_bandwidth"] == 3350
    assert "acme-x1-lite" in wide.index and wide["fp16_dense"].isna()["acme-x1-lite"]  # only the vendor published it
    assert rest.events.empty and len(ds.events) == 1                                    # the event was the vendor's
    assert data.specs_wide(ds, ["fp16_dense"]).at["acme-x1", "fp16_dense"] == 1000       # the original is untouched


def test_targets_are_not_capacity_unless_asked(tmp_path):
    estimates = ("subject,period,metric,value,low,high,unit,source_id,basis,note\n"
                 "fab-x,2025,wafers_per_month,10000,,,wafer/month,analyst-note,estimate,\n"
                 "fab-x,2025,wafers_per_month,50000,,,wafer/month,vendor-sheet,target,A plan\n")
    ds = data.load(write_tables(tmp_path / "d", fab_estimates_csv=estimates))
    rows = ds.tables["fab_estimates"]
    assert list(data.estimate_values(data.capacity_rows(rows))) == [10000]
    assert sorted(data.estimate_values(data.capacity_rows(rows, targets=True))) == [10000, 50000]


def test_a_derivation_is_made_once_and_its_reads_are_noted_every_time(tmp_path):
    """The claims ledger and every dossier ask for the same derivations: the second call returns the same object
    and still records, for the run that asks, every file the derivation read."""
    from chiplib.data import tracking

    ds = _dataset(tmp_path)
    tracking.start()
    first = data.without_origin(ds, "acme", keep_targets=False)
    read_first = tracking.stop()
    tracking.start()
    second = data.without_origin(ds, "acme", keep_targets=False)
    read_second = tracking.stop()
    assert second is first and read_second == read_first and "sources.csv" in read_first
    assert data.without_origin(ds, "acme") is not first  # other arguments, another derivation
