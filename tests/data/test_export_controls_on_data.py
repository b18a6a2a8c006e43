"""Export controls on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import math

import pytest

from chiplib.cli import main
from chiplib.models import export_controls as ec


@pytest.mark.parametrize(
    ("chip", "expected", "tolerance"),
    [("nvidia-a100-sxm", 4992, 0), ("nvidia-h100-sxm", 15832, 1), ("nvidia-h20", 2368, 0),
     ("nvidia-rtx-4090", 5285, 2), ("nvidia-rtx-4090d", 4707, 0), ("huawei-ascend-910c", 12800, 0)],
)
def test_tpp_of_dataset_chips_matches_published_values(chip, expected, tolerance):
    assert ec.tpp(chip) == pytest.approx(expected, abs=tolerance)


def test_density_of_dataset_chips():
    assert ec.performance_density("nvidia-h100-sxm") == pytest.approx(15831.2 / 814)
    assert ec.performance_density("nvidia-h20") == 2.9                 # published (no H20 die area in the data)
    assert math.isnan(ec.performance_density("huawei-ascend-910c"))   # no 910C die area published


@pytest.mark.parametrize(
    ("chip", "rule", "result", "reason"),
    [
        ("nvidia-a100-sxm", "oct2022", "3A090", "TPP >= 4800 and bidirectional I/O >= 600 GB/s"),
        ("nvidia-a800-sxm", "oct2022", "not controlled", "bidirectional I/O < 600 GB/s"),   # passed on interconnect
        ("nvidia-h800-sxm", "oct2022", "not controlled", "bidirectional I/O < 600 GB/s"),
        ("nvidia-a800-sxm", "oct2023", "3A090.a", "TPP >= 4800 (3A090.a.1)"),               # caught in 2023
        ("nvidia-h800-sxm", "oct2023", "3A090.a", "TPP >= 4800 (3A090.a.1)"),
        ("nvidia-h20", "oct2022", "not controlled", "TPP < 4800"),
        ("nvidia-h20", "oct2023", "not controlled", "below every 3A090.a and 3A090.b threshold"),
        ("nvidia-h20", "apr2025-h20", "licence (is-informed letter)", "memory bandwidth >= 4000"),
        ("nvidia-l20", "oct2023", "not controlled", "below every 3A090.a and 3A090.b threshold"),
        ("nvidia-rtx-4090", "oct2023", "3A090.a (consumer, NAC/ACA)", "consumer part with TPP >= 4800"),
        ("nvidia-rtx-4090d", "oct2023", "not controlled", "consumer part with TPP < 4800 (Note 2 to 3A090)"),
        ("huawei-ascend-910", "oct2023", "3A090.a", "(3A090.a.2)"),     # TPP 4,096, PD 4,096 / 456.25 = 8.98
        ("nvidia-h200-sxm", "jan2026-review", "3A090, case-by-case review", "TPP < 21000"),
        ("nvidia-b200", "jan2026-review", "3A090, presumption of denial", "TPP >= 21000"),
    ],
)
def test_known_classifications(chip, rule, result, reason):
    outcome = ec.classify(chip, rule)
    assert outcome.result == result
    assert reason in outcome.reason


def test_a_contested_die_area_moves_the_ascend_910_across_a_line():
    """910 die: 456.25 mm^2 (die shots, preferred) gives PD 9.0; the 182.4 mm^2 press figure gives 22.5.

    Both exceed 5.92 with TPP 4,096 >= 1,600, so 3A090.a.2 either way; Epoch's 1,228 mm^2 (package)
    gives PD 3.3: 3A090.b.2. The sensitivity table must show that move."""
    table = ec.sensitivity("oct2023", ["huawei-ascend-910"])
    rows = table.set_index("value")
    assert ec.classify("huawei-ascend-910", "oct2023").result == "3A090.a"
    assert rows.loc[1228.0, "result"] == "3A090.b" and bool(rows.loc[1228.0, "moves"])
    assert rows.loc[182.4, "result"] == "3A090.a" and not bool(rows.loc[182.4, "moves"])


def test_cli_export_controls(capsys):
    assert main(["export-controls", "--rule", "oct2022", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "chip_id,tpp,tpp_basis,performance_density,pd_basis,result,reason"
    assert any(line.startswith("nvidia-a800-sxm,4988.8,computed,") and "not controlled" in line for line in lines)
    assert main(["export-controls", "--rule", "nope"]) == 2
    assert "valid rules: oct2022" in capsys.readouterr().err


def test_january_2026_conditions_and_tariff_bands():
    """The 2026 rule lists eleven licence conditions (the 50 % cap relative to US shipments among them); the
    H200 (TPP 15,832, 4,800 GB/s) falls in Section 232 band A; the never-enacted 100 % plan matches nothing."""
    from chiplib.models import export_controls as ec

    conditions = ec.rule("jan2026-review").conditions
    assert [c.id for c in conditions] == [f"C{i}" for i in range(1, 12)]
    assert "50 %" in next(c.text for c in conditions if c.id == "C6")
    bands = ec.tariff_bands("2026-11-22")
    hits = bands[bands["in_band"]]
    assert list(zip(hits["tariff_id"], hits["chip_id"])) == [("us-232-2026-a", "nvidia-h200-sxm")]
    assert not bands.loc[bands["tariff_id"] == "us-chip-100pct-2025-plan", "in_band"].any()
    assert not ec.tariff_bands("2025-12-31")["in_band"].any()                    # not yet in force
