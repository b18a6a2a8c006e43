"""Each kind of bad input is reported with file, line (as seen in the CSV), column and reason."""

from __future__ import annotations

import pytest
from conftest import TABLES, write_tables

from chiplib import data
from chiplib.data.validate import DataIssue, DataValidationError, check

SPECS = TABLES["chip_specs.csv"]
SOURCES = TABLES["sources.csv"]
CHIPS = TABLES["chips.csv"]


def issues_for(tmp_path, **replacements) -> list[DataIssue]:
    return check(write_tables(tmp_path / "data", **replacements)).issues


def only(issues: list[DataIssue]) -> DataIssue:
    assert len(issues) == 1, "\n".join(map(str, issues))
    return issues[0]


def test_fixture_tables_are_clean(tables):
    assert check(tables).issues == []


@pytest.mark.parametrize(
    ("table", "old", "new", "expected"),
    [
        pytest.param("chip_specs_csv", "acme-x1,die_area,814,mm²,analyst-note",
                     "acme-x1,die_area,814,mm²,nobody-said", ("chip_specs.csv", 6, "source_id", "unknown source_id"),
                     id="unknown source id"),
        pytest.param("chip_specs_csv", "acme-x1-lite,fp16_dense", "acme-x9,fp16_dense",
                     ("chip_specs.csv", 9, "chip_id", "unknown chip_id 'acme-x9'"), id="unknown chip id"),
        pytest.param("chips_csv", "shipping,2024,acme-x1,", "shipping,2024,acme-x0,",
                     ("chips.csv", 3, "variant_of", "unknown chip_id 'acme-x0'"), id="unknown variant_of"),
        pytest.param("chip_specs_csv", "acme-x1,die_area", "acme-x1,die_size",
                     ("chip_specs.csv", 6, "metric", "unknown metric 'die_size'"), id="unknown metric"),
        pytest.param("chip_specs_csv", "3.35,TB/s", "3.35,TB",
                     ("chip_specs.csv", 4, "unit", "'TB' cannot be converted to 'GB/s'"), id="unit not convertible"),
        pytest.param("chip_specs_csv", "3.35,TB/s", "3.35,flurbs/s",
                     ("chip_specs.csv", 4, "unit", "unknown unit 'flurbs/s'"), id="unknown unit"),
        pytest.param("chip_specs_csv", "3.35,TB/s", "3.35,",
                     ("chip_specs.csv", 4, "unit", "a unit is required"), id="missing unit"),
        pytest.param("chip_specs_csv", "148,TFLOPS", "about 148,TFLOPS",
                     ("chip_specs.csv", 9, "value", "'about 148' is not a number"), id="non-numeric value"),
        pytest.param("chip_specs_csv", "148,TFLOPS", "-148,TFLOPS",
                     ("chip_specs.csv", 9, "value", "must be a finite number >= 0"), id="negative value"),
        pytest.param("chip_specs_csv", "acme-x1,announced,2023-03,", "acme-x1,announced,March 2023,",
                     ("chip_specs.csv", 8, "value", "'March 2023' is not a date"), id="malformed date value"),
        pytest.param("chip_specs_csv", "HBM3,,vendor-sheet", "HBM3,GB,vendor-sheet",
                     ("chip_specs.csv", 7, "unit", "text metric memory_type takes no unit"), id="unit on text metric"),
        pytest.param("chip_specs_csv", "estimate,true,\nacme-x1,memory_type", "guessed,true,\nacme-x1,memory_type",
                     ("chip_specs.csv", 6, "basis", "'guessed' is not one of: reported, measured, estimate, target, derived"),
                     id="unknown basis"),
        pytest.param("sources_csv", "2024-03-01,2026-11-22", "2024-02-30,2026-11-22",
                     ("sources.csv", 2, "published", "'2024-02-30' is not a date"), id="impossible date"),
        pytest.param("sources_csv", "2024-05,2026-11-22", "2024-05,22/11/2026",
                     ("sources.csv", 3, "accessed", "'22/11/2026' is not a date (YYYY-MM-DD)"), id="malformed date"),
        pytest.param("sources_csv", "https://example.org/note", "ftp://example.org/note",
                     ("sources.csv", 3, "url", "'ftp://example.org/note' is not an http(s) URL"), id="non-http url"),
        pytest.param("sources_csv", "https://example.org/note", "example.org/note",
                     ("sources.csv", 3, "url", "is not an http(s) URL"), id="url without scheme"),
        pytest.param("sources_csv", "Analyst,https", ",https",
                     ("sources.csv", 3, "publisher", "value is required but the cell is empty"), id="empty required cell"),
        pytest.param("chips_csv", "Acme,X1,US,shipping", "Acme,X1,USA,shipping",
                     ("chips.csv", 2, "country", "two-letter ISO country code"), id="bad country"),
        pytest.param("chips_csv", "US,shipping,2023", "US,sampling,2023",
                     ("chips.csv", 2, "status", "'sampling' is not one of: shipping"), id="unknown status"),
        pytest.param("chips_csv", "US,shipping,2023", "US,shipping,23",
                     ("chips.csv", 2, "year", "'23' is not a four-digit year"), id="bad year"),
        pytest.param("chips_csv", ",datacenter,", ",gaming,",
                     ("chips.csv", 2, "market", "'gaming' is not one of: datacenter, consumer"), id="unknown market"),
    ],
)
def test_each_bad_input_is_located(tmp_path, table, old, new, expected):
    text = {"chip_specs_csv": SPECS, "sources_csv": SOURCES, "chips_csv": CHIPS}[table]
    assert old in text, "the test's anchor text must exist in the fixture"
    issue = only(issues_for(tmp_path, **{table: text.replace(old, new, 1)}))
    file, line, column, reason = expected
    assert (issue.file, issue.line, issue.column) == (file, line, column)
    assert reason in issue.reason


def test_duplicate_row_names_the_first_occurrence(tmp_path):
    specs = SPECS + "acme-x1,die_area,815,mm^2,analyst-note,estimate,false,\n"
    issue = only(issues_for(tmp_path, chip_specs_csv=specs))
    assert (issue.file, issue.line, issue.column) == ("chip_specs.csv", 10, "source_id")
    assert "first given on line 6" in issue.reason


def test_duplicate_source_id(tmp_path):
    sources = SOURCES + "vendor-sheet,Other,Other,https://example.net,,2026-11-22,news,acme,\n"
    issue = only(issues_for(tmp_path, sources_csv=sources))
    assert (issue.line, issue.column) == (4, "source_id") and "first given on line 2" in issue.reason


def test_zero_preferred_rows(tmp_path):
    specs = SPECS.replace("acme-x1,fp16_dense,1,PFLOPS,vendor-sheet,reported,true",
                          "acme-x1,fp16_dense,1,PFLOPS,vendor-sheet,reported,false")
    issue = only(issues_for(tmp_path, chip_specs_csv=specs))
    assert (issue.file, issue.line, issue.column) == ("chip_specs.csv", 2, "preferred")
    assert "no preferred row for (acme-x1, fp16_dense)" in issue.reason and "lines 2, 3" in issue.reason


def test_two_preferred_rows(tmp_path):
    specs = SPECS.replace("3350,GB/s,analyst-note,reported,false", "3350,GB/s,analyst-note,reported,true")
    issue = only(issues_for(tmp_path, chip_specs_csv=specs))
    assert (issue.line, issue.column) == (5, "preferred") and "line 4 is already preferred" in issue.reason


def test_missing_required_column(tmp_path):
    sources = "\n".join(",".join(line.split(",")[:-1]) for line in SOURCES.splitlines()) + "\n"
    issues = issues_for(tmp_path, sources_csv=sources)
    assert DataIssue("sources.csv", 1, "licence", "required column is missing") in issues


def test_unknown_column(tmp_path):
    chips = CHIPS.replace("notes\n", "notes,price\n", 1).replace("Cut-down X1\n", "Cut-down X1,100\n")
    chips = chips.replace("acme-x1,Acme,X1,US,shipping,2023,,datacenter,true,\n",
                          "acme-x1,Acme,X1,US,shipping,2023,,datacenter,true,,\n")
    issue = only(issues_for(tmp_path, chips_csv=chips))
    assert (issue.file, issue.line, issue.column) == ("chips.csv", 1, "price") and "unknown column" in issue.reason


def test_malformed_row_with_extra_field(tmp_path):
    specs = SPECS.replace("acme-x1-lite,fp16_dense,148,TFLOPS", "acme-x1-lite,fp16_dense,1,48,TFLOPS")
    issue = only(issues_for(tmp_path, chip_specs_csv=specs))
    assert (issue.file, issue.line) == ("chip_specs.csv", 9)
    assert "malformed row: 9 fields where the header has 8" in issue.reason


def test_line_numbers_follow_multiline_cells(tmp_path):
    """A quoted note spanning two lines pushes later rows down, as a text editor shows them."""
    specs = SPECS.replace("Analyst's estimate", '"Analyst\'s\nestimate"').replace("148,TFLOPS", "x148,TFLOPS")
    issue = only(issues_for(tmp_path, chip_specs_csv=specs))
    assert (issue.line, issue.column) == (10, "value")


def test_missing_file(tmp_path):
    directory = write_tables(tmp_path / "data")
    (directory / "metrics.csv").unlink()
    issues = check(directory).issues
    assert DataIssue("metrics.csv", 0, "", f"file is missing from {directory}") in issues


def test_all_problems_are_reported_together(tmp_path):
    """Three unrelated problems in two files: all three come back, in file/line order."""
    specs = SPECS.replace("3.35,TB/s", "3.35,TB").replace("148,TFLOPS", "-1,TFLOPS")
    sources = SOURCES.replace("https://example.org/note", "example.org/note")
    issues = issues_for(tmp_path, chip_specs_csv=specs, sources_csv=sources)
    assert [(i.file, i.line, i.column) for i in issues] == [
        ("chip_specs.csv", 4, "unit"), ("chip_specs.csv", 9, "value"), ("sources.csv", 3, "url")]
    with pytest.raises(DataValidationError) as caught:
        data.load(tmp_path / "data")
    assert len(caught.value.issues) == 3
    assert "chip_specs.csv:4: column 'unit'" in str(caught.value)


SYSTEMS = "system_id,vendor,name,status,year,chip_id,chip_count,notes\nacme-pod,Acme,Pod,shipping,2024,acme-x1,64,\n"
SYSTEM_SPECS = ("system_id,metric,value,unit,source_id,basis,preferred,note\n"
                "acme-pod,fp16_dense,64,PFLOPS,vendor-sheet,reported,true,\n")
SUPPLY = ("subject,period,metric,value,low,high,unit,source_id,basis,note\n"
          "china-hbm-stockpile,2024,stacks,,10000,20000,dimensionless,analyst-note,estimate,Analyst\n")


def test_theme_tables_are_clean_in_the_fixture(tmp_path):
    assert issues_for(tmp_path, systems_csv=SYSTEMS, system_specs_csv=SYSTEM_SPECS, hbm_supply_csv=SUPPLY) == []


@pytest.mark.parametrize(
    ("table", "text", "expected"),
    [
        ("system_specs_csv", SYSTEM_SPECS.replace("acme-pod,fp16", "acme-pad,fp16"),
         ("system_specs.csv", 2, "system_id", "unknown system_id 'acme-pad'")),
        ("system_specs_csv", SYSTEM_SPECS.replace("PFLOPS", "PB"),
         ("system_specs.csv", 2, "unit", "'PB' cannot be converted to 'TFLOPS'")),
        ("systems_csv", SYSTEMS.replace(",64,", ",many,"),
         ("systems.csv", 2, "chip_count", "'many' is not a positive whole number")),
        ("systems_csv", SYSTEMS.replace("acme-x1", "acme-x7"), ("systems.csv", 2, "chip_id", "unknown chip_id 'acme-x7'")),
        ("hbm_supply_csv", SUPPLY.replace("10000,20000", "30000,20000"),
         ("hbm_supply.csv", 2, "high", "high 20000.0 is below low 30000.0")),
        ("hbm_supply_csv", SUPPLY.replace(",,10000,20000,", ",,,,"),
         ("hbm_supply.csv", 2, "value", "give a value, or a low/high range")),
        ("hbm_supply_csv", SUPPLY.replace("dimensionless", "wafer/month"),
         ("hbm_supply.csv", 2, "unit", "cannot be converted to 'dimensionless'")),
    ],
)
def test_theme_table_problems_are_located(tmp_path, table, text, expected):
    tables = {"systems_csv": SYSTEMS, "system_specs_csv": SYSTEM_SPECS, "hbm_supply_csv": SUPPLY, table: text}
    issue = only(issues_for(tmp_path, **tables))
    file, line, column, reason = expected
    assert (issue.file, issue.line, issue.column) == (file, line, column)
    assert reason in issue.reason


def test_partial_dates():
    import datetime as dt

    from chiplib.data import schema

    assert schema.parse_partial_date("2024") == dt.date(2024, 1, 1)
    assert schema.midpoint_date("2024") == dt.date(2024, 7, 1)
    assert schema.midpoint_date("2024-03") == dt.date(2024, 3, 1)
    assert schema.parse_partial_date("2024-02-30") is None
