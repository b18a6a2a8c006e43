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


# ----------------------------------------------------------------------------- independence (ledger v2)

_ORIGINS = ("origin_id,name,kind,url\nacme,Acme,vendor,https://example.com/\n"
            "analyst-co,Analyst Co,analyst firm,https://example.org/\nrival,Rival Research,analyst firm,https://example.net/\n"
            "paper,The Paper,press,https://example.info/\n")
_EXTRA_SOURCES = ("relay-blog,Blog rewrite of the teardown,Blog,https://example.net/x,2024-06,2026-11-22,news,analyst-co,\n"
                  "rival-note,Rival note,Rival,https://example.net/r,2025-01,2026-11-22,analysis,rival,\n"
                  "paper-story,Story,The Paper,https://example.info/s,2025-02,2026-11-22,news,paper,\n")
_EXTRA_SPECS = "acme-x1,fp16_dense,0.9,PFLOPS,relay-blog,estimate,false,Relays the analyst\n"
_ESTIMATES = ("subject,period,metric,value,low,high,unit,source_id,basis,note\n"
              "x-output,2025,units,100000,,,,analyst-note,estimate,\n"
              "x-output,2025,units,100000,,,,relay-blog,estimate,A relay of the analyst's figure\n"
              "x-output,2025,units,300000,,,,rival-note,estimate,\n"
              "x-output,2025,units,900000,,,,vendor-sheet,target,A plan is not an outcome\n")
_CLAIMS = """\
claim_id,claim,claimant,origin,source_id,date,test,subject,subject_b,metric,claimed,low,high,unit,tolerance,note
own,The X1 Lite delivers 148 TFLOPS,Acme,acme,vendor-sheet,2024,chip_metric,acme-x1-lite,,fp16_dense,148,,,TFLOPS,0.05,
echo,The X1 delivers 900 TFLOPS,Analyst Co,analyst-co,analyst-note,2024,chip_metric,acme-x1,,fp16_dense,900,,,TFLOPS,0.05,
check,The X1 has 3.35 TB/s,Analyst Co,analyst-co,analyst-note,2024,chip_metric,acme-x1,,memory_bandwidth,3350,,,GB/s,0.05,
split,X made 100k in 2025,The Paper,paper,paper-story,2025,estimates,x-output,,2025,100000,,,units,0.1,
bound,X made at most 350k in 2025,The Paper,paper,paper-story,2025,estimates,x-output,,2025,,,350000,units,0.1,
launch,The X1 launched in March 2024,The Paper,paper,paper-story,2025,event,2024-03,,launched,1,,,events,0,
"""


def _ledger(tmp_path):
    from tests.conftest import TABLES, write_tables

    directory = write_tables(tmp_path / "d", origins_csv=_ORIGINS, sources_csv=TABLES["sources.csv"] + _EXTRA_SOURCES,
                             chip_specs_csv=TABLES["chip_specs.csv"] + _EXTRA_SPECS, fab_estimates_csv=_ESTIMATES,
                             claims_csv=_CLAIMS)
    return claims.ledger(data.load(directory)).set_index("claim_id")


def test_a_claimant_never_supports_itself(tmp_path):
    table = _ledger(tmp_path)
    # Only Acme publishes the X1 Lite's FP16: its own figure cannot verify its claim.
    assert table.at["own", "verdict"] == "unverified" and table.at["own", "evidence_origins"] == ("acme",)
    # The analyst's 900 appears twice (its note and a blog relaying it): neither counts; Acme's 1,000 is 11 % off.
    assert table.at["echo", "verdict"] == "partly" and table.at["echo", "computed"] == 1000
    assert table.at["echo", "evidence_origins"] == ("acme",) and "relay-blog" not in table.at["echo", "evidence_sources"]
    # The vendor's own bandwidth, independent of the analyst, supports the analyst's figure.
    assert table.at["check", "verdict"] == "supported" and table.at["check", "evidence_origins"] == ("acme",)


def test_independent_origins_on_both_sides_make_a_claim_contested(tmp_path):
    """100k against estimates of 100k (analyst, and a blog relaying it) and 300k (rival): one origin agrees, one
    does not, and the relay does not make the analyst's figure the median. The vendor's 900k plan is a target,
    never an outcome, so it is left out."""
    table = _ledger(tmp_path)
    assert table.at["split", "verdict"] == "contested" and table.at["split", "computed"] == 200000
    assert table.at["split", "evidence_origins"] == ("analyst-co", "rival")
    assert table.at["bound", "verdict"] == "supported"          # a one-sided bound: 200k is at most 350k
    assert claims.verdict(None, None, 350000, 805000, 0.1) == "contradicted"


def test_events_count_only_when_someone_else_recorded_them(tmp_path):
    table = _ledger(tmp_path)
    assert table.at["launch", "verdict"] == "supported" and table.at["launch", "evidence_origins"] == ("acme",)
    counts = claims.verdict_counts(table.reset_index())
    assert counts == {"supported": 3, "partly": 1, "contradicted": 0, "contested": 1, "unverified": 1, "not testable": 0}


def test_a_rule_known_only_from_the_claimant_cannot_verify_it(tmp_path):
    """A rule encoded from a company's own filing (the April 2025 letters) cannot test that company's claim; a
    government's statement of its own rule can be tested against others' chip figures, and its rule text is the
    frame, not evidence."""
    from tests.conftest import TABLES, write_tables

    rules = ("rules:\n  - rule_id: r1\n    name: R1\n    effective: 2024-01-01\n    sources: [vendor-sheet]\n"
             "    summary: s\n    tests:\n      - {result: controlled, controlled: true, reason: big,"
             " when: [tpp, '>=', 100]}\n")
    base = ("claim_id,claim,claimant,origin,source_id,date,test,subject,subject_b,metric,claimed,low,high,unit,"
            "tolerance,note\n")
    claim = "k,X1 is controlled,{who},{origin},analyst-note,2024,classification,acme-x1,,r1,controlled,,,text,0,\n"
    origins = TABLES["origins.csv"] + "gov,A Government,government,https://example.gov/\n"
    sources = TABLES["sources.csv"] + "gov-rule,The rule,Gov,https://example.gov/r,2024,2026-11-22,government,gov,\n"
    metrics = (data.data_dir() / "metrics.csv").read_text(encoding="utf-8")  # every metric the classifier reads
    company = write_tables(tmp_path / "a", metrics_csv=metrics, claims_csv=base + claim.format(who="Acme", origin="acme"))
    (company / "export_rules.yaml").write_text(rules, encoding="utf-8")
    assert claims.ledger(data.load(company)).at[0, "verdict"] == "unverified"
    government = write_tables(tmp_path / "b", metrics_csv=metrics, origins_csv=origins, sources_csv=sources,
                              claims_csv=base + claim.format(who="A Government", origin="gov"))
    (government / "export_rules.yaml").write_text(rules.replace("[vendor-sheet]", "[gov-rule]"), encoding="utf-8")
    row = claims.ledger(data.load(government)).iloc[0]
    assert row["verdict"] == "supported" and "gov" not in row["evidence_origins"] and "gov-rule" in row["sources"]
