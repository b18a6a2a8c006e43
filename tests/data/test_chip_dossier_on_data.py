"""The chip dossier on today's data: values read by hand from data/chip_specs.csv, sources.csv, events.csv,
claims.csv and measurements.csv, and every chip's dossier built without error (module functions, no kernel)."""
from __future__ import annotations

import pytest

from chiplib import data
from chiplib.core.params import ParamError
from chiplib.models import claims as claims_model
from chiplib.models.dossier import KEY_METRICS
from chiplib.reports import chip as report


@pytest.fixture(scope="module")
def ds():
    return data.load()


@pytest.fixture(scope="module")
def c910(ds):
    return report.dossier("huawei-ascend-910c", ds)


@pytest.fixture(scope="module")
def a910(ds):
    return report.dossier("huawei-ascend-910", ds)


def _rows(dossier, metric):
    rows = dossier.estimates
    return rows[rows["metric"] == metric]


def test_910c_lists_every_dense_fp16_estimate_with_its_source_and_origin(c910):
    """chip_specs.csv lines 460-464; origins from sources.csv."""
    rows = _rows(c910, "fp16_dense")
    got = sorted(zip(rows["source_id"], rows["value"], rows["origin"], rows["basis"], rows["preferred"]))
    assert got == [
        ("epoch-ml-hardware", 800.0, "epoch-ai", "reported", True),
        ("reportify-ascend-roadmap-summary-2025", 800.0, "huawei", "reported", False),
        ("techpowerup-ascend-920c-2025", 780.0, "digitimes", "estimate", False),
        ("techpowerup-cloudmatrix-384-2025", 780.0, "semianalysis", "estimate", False),
        ("theregister-cloudmatrix-910c-2025", 752.0, "huawei", "reported", False),
    ]
    assert rows["source_id"].iloc[0] == "epoch-ml-hardware"  # the preferred row first
    # as published: Epoch prints FLOP/s, the others TFLOPS
    shown = report.figures_table(c910)
    epoch = shown[(shown["metric"] == "fp16_dense") & (shown["source_id"] == "epoch-ml-hardware")].iloc[0]
    assert (epoch["as published"], epoch["value"], epoch["unit"], epoch["preferred"]) == \
        ("800000000000000 FLOP/s", "800", "TFLOPS", "yes")


def test_910c_fp16_spread_counts_independent_origins(c910):
    spread = c910.spread.set_index("metric")
    fp16 = spread.loc["fp16_dense"]
    # 752 (The Register) to 800 (Epoch, Huawei's roadmap summary); five rows, four origins (two pages relay Huawei)
    assert (fp16["low"], fp16["high"], fp16["preferred"], fp16["estimates"], fp16["origins"]) == (752, 800, 800, 5, 4)
    assert fp16["contested"] and fp16["disagreement"] == "between origins"
    # three sources agree on 128 GB: not contested
    assert not spread.loc["memory_capacity", "contested"] and spread.loc["memory_capacity", "origins"] == 3
    # scale-up: 784 GB/s (Huawei's slide, preferred) against 400 GB/s (DigiTimes)
    assert (spread.loc["scaleup_bandwidth", "low"], spread.loc["scaleup_bandwidth", "high"]) == (400, 784)


def test_ascend_910_die_area_estimates(a910):
    """chip_specs.csv lines 408-410: the die-shot measurement (preferred), Epoch's total silicon, a blog figure."""
    rows = _rows(a910, "die_area")
    got = sorted(zip(rows["source_id"], rows["value"], rows["origin"], rows["basis"], rows["preferred"]))
    assert got == [
        ("bytefeed-ascend-910-910b-dieshots", 456.25, "kurnalsalts", "measured", True),
        ("epoch-ml-hardware", 1228.0, "epoch-ai", "reported", False),
        ("vengineer-davinci-2019", 182.4, "huawei", "estimate", False),
    ]
    area = a910.spread.set_index("metric").loc["die_area"]
    assert (area["low"], area["high"], area["origins"], area["contested"]) == (182.4, 1228.0, 3, True)


def test_a_disagreement_within_one_origin_is_not_independent(a910):
    """Ascend 910 TDP: 310 W (pureai, reported) and 350 W (Linley, target), both relaying Huawei."""
    tdp = a910.spread.set_index("metric").loc["tdp"]
    assert tdp["contested"] and tdp["origins"] == 1 and tdp["disagreement"] == "within one origin"


def test_unpublished_key_figures(c910, a910):
    """The 910C has dense FP16 but no FP8, INT8 or FP4 row and no die area; the 910 lacks FP8 and FP4."""
    assert list(c910.unpublished["metric"]) == ["fp8_dense", "int8_dense", "fp4_dense", "die_area"]
    assert list(a910.unpublished["metric"]) == ["fp8_dense", "fp4_dense"]
    assert set(c910.unpublished["metric"]) <= set(KEY_METRICS)


def test_910c_tpp_density_and_classifications(c910):
    """TPP = 800 TFLOPS x 16 bits = 12,800 (Epoch's preferred figure); no die area, so no density."""
    figures = c910.export_figures.set_index("figure")
    assert figures.loc["tpp", "value"] == 12800 and figures.loc["tpp", "basis"] == "computed"
    assert figures.loc["tpp", "how"] == "fp16_dense 800 TFLOPS x 16 bits"
    assert figures.loc["tpp", "sources"] == ("epoch-ml-hardware",)
    assert figures.loc["pd", "basis"] == "" and figures.loc["pd", "how"].startswith("unknown: no die area")
    results = dict(zip(c910.classifications["rule_id"], c910.classifications["result"]))
    assert results == {"oct2022": "3A090", "oct2023": "3A090.a", "dec2024": "3A090.a", "jan2025-diffusion": "3A090.a",
                       "apr2025-h20": "3A090.a", "jan2026-review": "3A090, case-by-case review"}
    # DigiTimes' 400 GB/s chip-to-chip figure falls under Oct 2022's 600 GB/s interconnect test
    moved = c910.movers
    assert list(zip(moved["metric"], moved["value"], moved["source_id"], moved["rule_id"], moved["result"])) == [
        ("scaleup_bandwidth", 400.0, "techpowerup-ascend-920c-2025", "oct2022", "not controlled")]


def test_ascend_910_density_and_the_die_area_that_moves_it(a910):
    """TPP = max(256 x 16, 512 x 8) = 4,096; no die count, so one die assumed: 4,096 / 456.25 = 8.98 (3A090.a.2 from
    Oct 2023); with Epoch's 1,228 mm^2 it is 3.34, inside 3A090.b's 3.2-5.92 band."""
    figures = a910.export_figures.set_index("figure")
    assert figures.loc["tpp", "value"] == 4096
    assert figures.loc["tpp", "how"] == "int8_dense 512 TOPS x 8 bits = fp16_dense 256 TFLOPS x 16 bits"
    assert figures.loc["pd", "how"] == "TPP 4,096 / (456.25 mm^2 x 1 die)"
    assert figures.loc["pd", "value"] == pytest.approx(4096 / 456.25)
    assert figures.loc["pd", "basis"] == "computed, one die assumed"
    assert "bytefeed-ascend-910-910b-dieshots" in figures.loc["pd", "sources"]
    results = dict(zip(a910.classifications["rule_id"], a910.classifications["result"]))
    assert results["oct2023"] == "3A090.a"
    moved = a910.movers
    epoch = moved[moved["source_id"] == "epoch-ml-hardware"]
    assert set(epoch["rule_id"]) == {"oct2023", "dec2024", "jan2025-diffusion", "apr2025-h20"}
    assert set(epoch["result"]) == {"3A090.b"} and epoch["pd"].iloc[0] == pytest.approx(4096 / 1228)
    assert "vengineer-davinci-2019" not in set(moved["source_id"])  # 182.4 mm^2 only raises the density


def test_measurements(c910, ds):
    """measurements.csv has 10 rows for the 910C (CloudMatrix384 paper and the sgl-kernel-npu issue); none for the
    rumoured Ascend 920, and the answer says so."""
    table = report.measured_table(c910)
    assert len(table) == 10 and set(table["source_id"]) == {"arxiv-cloudmatrix384-2025", "gh-sgl-kernel-npu-207"}
    assert "6688 token/s (tokens per second per chip)" in set(table["result"])
    none = report.dossier("huawei-ascend-920", ds)
    assert report.measured_table(none).empty
    brief = report.answer("huawei-ascend-920", ds)
    assert "holds no measurement of it" in brief.paragraphs[2]
    assert brief.figure("measurements").value == 0


def test_a_bad_chip_id_lists_every_valid_one(ds):
    with pytest.raises(ParamError) as caught:
        report.check_params(chip="huawei-ascend-911c")
    message = str(caught.value)
    assert "'huawei-ascend-911c' is not valid" in message
    assert all(chip in message for chip in ds.chips.index)
    assert report.check_params(chip="nvidia-h100-sxm") == {"chip": "nvidia-h100-sxm"}


def test_events_are_matched_by_designator(c910, ds):
    assert report.designator("Ascend 910C") == "910C"
    assert report.designator("Ascend 910") == "Ascend 910"
    assert report.designator("H100 SXM5 80GB") == "H100"
    assert report.designator("GeForce RTX 4090") == "RTX 4090"
    assert report.designator("Kunlun II (R200 card)") == "R200"
    assert report.designator("PPU (shown on CCTV, Sept 2025)") == "PPU"
    events = report.events_about(c910)
    assert list(zip(events["date"], events["source_id"])) == [("2025-05-13", "crowell-2025-05-19"),
                                                              ("2026-06-05", "dayoff-scmp-v4pro-posttrain-2026")]
    # "Ascend 910B, 910C and 910D" names neither the original Ascend 910 nor the 910B4
    assert report.events_about(report.dossier("huawei-ascend-910", ds)).empty
    b30a = report.events_about(report.dossier("nvidia-b30a", ds))
    assert list(b30a["date"]) == ["2025-08-19", "2025-11"]


def test_claims_about_the_910c_carry_the_ledgers_verdicts(c910):
    """claims.csv: c30 (subject_b), c31, c61 (subject_b), c65. c31: 800 / 989.4 = 0.81 against ~0.8: supported."""
    table = c910.claims
    assert list(table["claim_id"]) == ["c30", "c31", "c61", "c65"]
    verdicts = dict(zip(table["claim_id"], table["verdict"]))
    assert verdicts["c31"] == "supported"
    ledger = claims_model.ledger().set_index("claim_id")
    assert verdicts == {claim: ledger.at[claim, "verdict"] for claim in verdicts}


def test_contemporaries_follow_the_rule(c910, ds):
    """910C (2025, CN): flagships of 2024-2026 (B200, B300, Ascend 950PR); shipped Chinese parts of 2024-2026 from
    other vendors, one each: Moore Threads S5000, Alibaba PPU (3 key figures, against the Zhenwu 810E's 2)."""
    table = c910.contemporaries
    assert dict(zip(table.index, table["why"])) == {
        "huawei-ascend-910c": "this chip", "moorethreads-mtt-s5000": "same-country peer",
        "nvidia-b200": "flagship, same or adjacent year", "alibaba-ppu": "same-country peer",
        "huawei-ascend-950pr": "flagship, same or adjacent year", "nvidia-b300": "flagship, same or adjacent year"}
    # H100 (2022): no US flagship in 2021-2023 besides itself, so the nearest (A100 2020, B200 2024, a tie);
    # H800 and H20 are its own variants and left out
    h100 = report.dossier("nvidia-h100-sxm", ds).contemporaries
    assert dict(zip(h100.index, h100["why"])) == {
        "nvidia-h100-sxm": "this chip", "nvidia-a100-sxm": "nearest US flagship",
        "huawei-ascend-910b": "flagship, same or adjacent year", "amd-mi300x": "same-country peer",
        "nvidia-h200-sxm": "same-country peer", "nvidia-b200": "nearest US flagship"}
    # the 910B4 has no year: its variant family instead
    b4 = report.dossier("huawei-ascend-910b4", ds).contemporaries
    assert set(b4.index) == {"huawei-ascend-910b4", "huawei-ascend-910b", "huawei-ascend-910b1", "huawei-ascend-910b2",
                             "huawei-ascend-910b3"}


def test_the_answer_in_brief_for_the_910c(c910):
    brief = report.answer("huawei-ascend-910c")
    values = {f.figure_id: f.value for f in brief.figures}
    assert values["published_figures"] == 25  # chip_specs.csv lines 460-484
    assert values["independent_origins"] == 5  # epoch-ai, huawei, digitimes, semianalysis, tomshardware
    assert values["contested_metrics"] == 4  # fp16_dense, scaleup_bandwidth, die_count, process_node
    assert values["unpublished_key_figures"] == 4 and values["tpp"] == 12800
    assert values["classification_in_force"] == "3A090, case-by-case review"
    assert values["measurements"] == 10 and values["claims"] == 4
    assert "fp16\\_dense (between origins)" in brief.paragraphs[0]


def test_every_chip_builds_its_dossier(ds):
    """Every chip id in chips.csv: each section's table, without error, and counts that agree with
    ``chiplib.data.coverage`` (what ``chiplib chips`` prints)."""
    coverage = data.coverage(ds)
    assert len(ds.chips) == 71
    for chip in ds.chips.index:
        dossier = report.dossier(chip, ds)
        for section in (report.identity, report.figures_table, report.spread_table, report.chart_points,
                        report.export_table, report.rules_table, report.export_sources, report.movers_table,
                        report.measured_table, report.contemporaries_table, report.contemporaries_sources,
                        report.events_about, report.claims_table, report.claims_sources):
            section(dossier)
        assert len(dossier.spread) == coverage.at[chip, "metrics"], chip
        assert int(dossier.spread["contested"].sum()) == coverage.at[chip, "contested"], chip
        assert dossier.estimates["origin"].nunique() == coverage.at[chip, "origins"], chip
        assert len(dossier.classifications) == len(dossier.rules)
        assert dossier.contemporaries.index[0] == chip
        assert report.brief(dossier).figure("published_figures").value == len(dossier.estimates)
