"""Export-control metrics and the rules engine, against published reference values."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from conftest import write_tables

from chiplib.data.validate import check
from chiplib.models import export_controls as ec
from chiplib.reports import export_controls as ec_report


@pytest.mark.parametrize(
    ("throughput", "expected"),
    [
        ({"int8_dense": 624, "fp16_dense": 312}, 4992),          # A100: BIS/Epoch 4,992
        ({"fp8_dense": 1979, "fp16_dense": 989.5}, 15832),       # H100 SXM: 15,832
        ({"fp16_dense": 148, "int8_dense": 296}, 2368),          # H20: 2,368
        ({"fp8_dense": 660.6}, 5284.8),                          # RTX 4090: about 5,285
        ({"fp4_dense": 10000, "fp8_dense": 5000}, 40000),        # GB200: FP8 and FP4 tie at 40,000
        ({"fp16_dense": None, "fp8_dense": float("nan"), "int8_dense": 256}, 2048),
    ],
)
def test_tpp_is_dense_throughput_times_bits_maximised(throughput, expected):
    assert ec.tpp_from(throughput) == pytest.approx(expected)


def test_tpp_and_density_are_missing_not_zero_without_inputs():
    assert math.isnan(ec.tpp_from({})) and math.isnan(ec.tpp_from({"fp16_dense": None}))
    assert math.isnan(ec.performance_density_from(15832, float("nan")))
    assert math.isnan(ec.performance_density_from(float("nan"), 814))
    assert ec.performance_density_from(15832, 814) == pytest.approx(19.45, abs=0.01)   # published as 19.4
    assert ec.performance_density_from(12800, 665.61, 2) == pytest.approx(9.615, abs=0.001)


def test_unknown_inputs_give_unknown_with_what_is_missing():
    rule = ec.rule("oct2023")
    outcome = ec.classify_values({"tpp": 2000.0, "pd": math.nan, "datacenter": True}, rule)
    assert (outcome.result, outcome.controlled, outcome.reason) == ("unknown", None, "needs pd to decide")
    decided = ec.classify_values({"tpp": 12800.0, "pd": math.nan, "datacenter": True}, rule)
    assert decided.result == "3A090.a"  # TPP alone settles it


def test_rule_in_force_by_date():
    assert ec.rule_in_force("2023-01-01").rule_id == "oct2022"
    assert ec.rule_in_force(dt.date(2023, 11, 17)).rule_id == "oct2023"
    assert ec.rule_in_force("2025-06-01").rule_id == "apr2025-h20"
    assert ec.rule_in_force("2026-11-22").rule_id == "jan2026-review"
    with pytest.raises(ec.RuleError, match="no rule in force on 2020-01-01"):
        ec.rule_in_force("2020-01-01")
    with pytest.raises(ec.RuleError, match="unknown rule 'oct2021'; valid rules: oct2022, oct2023"):
        ec.rule("oct2021")


def test_rules_file_problems_are_reported_by_validation(tmp_path):
    directory = write_tables(tmp_path / "data")
    (directory / "export_rules.yaml").write_text(
        "rules:\n"
        "  - rule_id: r1\n    name: R1\n    effective: 2024-01-01\n    sources: [vendor-sheet, nobody]\n"
        "    summary: s\n    tests:\n"
        "      - {result: a, controlled: true, reason: r, when: [tpp, '>=', 4800]}\n"
        "      - {result: b, controlled: true, reason: r, when: [tpp, '=>', 4800]}\n"
        "      - {result: c, controlled: true, reason: r, when: [price, '>=', 1]}\n"
        "      - {result: d, controlled: true, reason: r, when: \"tpp > 4800 or __import__('os')\"}\n"
        "  - rule_id: r0\n    name: R0\n    effective: 2023-01-01\n    sources: []\n    summary: s\n    tests: []\n")
    issues = [str(i) for i in check(directory).issues]
    assert all(i.startswith("export_rules.yaml: ") for i in issues)
    text = "\n".join(issues)
    assert "rule r1: unknown source_id 'nobody'" in text
    assert "rule r1 test 2 when: comparison must be [input, op, value]" in text
    assert "rule r1 test 3 when: comparison must be" in text and "'price'" in text
    assert "rule r1 test 4 when: a condition is [input, op, value]" in text  # strings are never executed
    assert "rules must be listed in order of effective date" in text
    assert "key 'rules.1.sources' [] should be non-empty" in text  # the schema: at least one source per rule
    assert "key 'rules.0.tests.3.when'" in text and "is not of type 'array', 'object'" in text
    assert len(issues) == 7


def test_company_letters_bind_only_the_named_vendors():
    """The April 2025 letters went to NVIDIA and AMD: an H20-class Chinese part is not caught by them."""
    rule = ec.rule("apr2025-h20")
    inputs = {"tpp": 1000.0, "pd": 1.0, "memory_bandwidth": 5000.0, "io_bandwidth": math.nan, "datacenter": True}
    assert ec.classify_values({**inputs, "vendor": "NVIDIA"}, rule).result == "licence (is-informed letter)"
    assert ec.classify_values({**inputs, "vendor": "Huawei"}, rule).result == "not controlled"


def test_threshold_lines_come_from_the_rule_data():
    assert ec.thresholds(ec.rule("oct2022")) == {"tpp": [4800.0], "pd": []}
    assert ec.thresholds(ec.rule("oct2023")) == {"tpp": [1600.0, 2400.0, 4800.0], "pd": [1.6, 3.2, 5.92]}


def test_notebook_parameters_are_checked():
    from chiplib.core.params import ParamError

    assert ec_report.check_params()["rule"] == "in-force"
    with pytest.raises(ParamError, match=r"'rule' = 'oct2021' is not valid; valid values: in-force, oct2022"):
        ec_report.check_params(rule="oct2021")
    with pytest.raises(ParamError, match=r"as_of '22/11/2026' is not a date"):
        ec_report.check_params(as_of="22/11/2026")
    with pytest.raises(ParamError, match=r"as_of 2021-01-01 is before the first rule version \(2022-10-07\)"):
        ec_report.check_params(as_of="2021-01-01")
    with pytest.raises(ParamError, match=r"'selection' = 'korean' is not valid; valid values: all, chinese, yardsticks"):
        ec_report.check_params(selection="korean")
    assert ec_report.resolve_rule("in-force", "2024-01-01").rule_id == "oct2023"
