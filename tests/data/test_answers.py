"""Each report's answer in brief, computed by its report module from today's data, against hand-checked values."""

from __future__ import annotations

import pytest

from chiplib import data
from chiplib.reports import claims, clusters, export_controls, fab, hbm, landscape, overview, software


def test_landscape_answer():
    """910C 800 / H100 989.4 TFLOPS dense FP16 = 80.86 %; 910C 3.2 / H100 3.35 TB/s = 95.5 %."""
    brief = landscape.answer(reference="nvidia-h100-sxm", precision="fp16", include_roadmap=True)
    assert brief.figure("best_shipping_compute_share").value == pytest.approx(800 / 989.4 * 100)
    assert brief.figure("best_shipping_compute_chip").value == "Ascend 910C"
    assert brief.figure("best_shipping_bandwidth_share").value == pytest.approx(3200 / 3350 * 100)
    assert brief.paragraphs[0].startswith("The strongest shipping Chinese accelerator at dense FP16, Ascend 910C, reaches 81%")
    assert "epoch-ml-hardware" in brief.figure("best_shipping_compute_share").sources


def test_clusters_answer():
    """384 x 800 / (72 x 2,500) = 1.71x BF16 compute; published power 559 / 145 kW = 3.86x."""
    brief = clusters.answer()
    assert brief.figure("cm384_vs_nvl72_compute").value == pytest.approx(384 * 800 / (72 * 2500))
    assert brief.figure("cm384_vs_nvl72_power").value == pytest.approx(559 / 145)
    assert brief.figure("cm384_vs_nvl72_per_watt").value == pytest.approx((384 * 800 / 559) / (72 * 2500 / 145))


@pytest.mark.parametrize("rule, as_of, parts", [("oct2022", "2022-12-31", 0), ("oct2023", "2024-06-30", 3),
                                                 ("apr2025-h20", "2025-12-31", 4)])
def test_export_controls_answer(rule, as_of, parts):
    """A800/H800 passed the 2022 rule on interconnect; 2023 caught A800, H800 and MI308X; the April 2025
    letters add the H20."""
    brief = export_controls.answer(rule=rule, as_of=as_of)
    assert brief.figure("rule").value == rule
    assert brief.figure("china_parts_controlled").value == parts


def test_claims_and_overview_agree():
    counts = {f.figure_id: f.value for f in claims.answer().figures}
    total = len(data.load().tables["claims"])
    assert total >= 65 and sum(counts.values()) == total
    brief = overview.answer()
    assert brief.figure("claims_tested").value == total
    assert brief.figure("claims_supported").value == counts["claims_supported"]
    assert brief.figure("claims_contradicted").value == counts["claims_contradicted"]
    assert all(note.startswith("- **Contradicted (c") for note in claims.answer().notes)


def test_hbm_answer():
    """8 stacks per 910C: the 13.0 million stacks from all vendors equip 1,625,000."""
    brief = hbm.answer()
    assert (brief.figure("accelerators_low").value, brief.figure("accelerators_high").value) == (1_625_000, 1_625_000)
    assert brief.figure("hbm_latest_reached").value == "HBM2"


def test_fab_answer_is_seeded():
    one, two = fab.answer(samples=2000, seed=3), fab.answer(samples=2000, seed=3)
    assert one == two
    assert one.figure("packages_p5_peak").value <= one.figure("packages_p50_2025").value <= one.figure("packages_p95_peak").value
    assert one.figure("memory_binding_years").value == 5 and "peaks in 2025" in one.paragraphs[0]


def test_software_answer():
    brief = software.answer()
    assert 0 <= brief.figure("top_chinese_score").value <= 1
    assert brief.figure("top_chinese_stack").value not in software.YARDSTICKS
