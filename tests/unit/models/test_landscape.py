"""The landscape model and the parameter checks, against hand-computed values from data/."""

from __future__ import annotations

import math

import pytest

from chiplib.core.params import Param, ParamError, check
from chiplib.models import landscape
from chiplib.reports import landscape as landscape_report


def test_unknown_figures_stay_missing_not_zero():
    shares = landscape.share_table("nvidia-h100-sxm", "fp16")
    assert math.isnan(shares.loc["baidu-kunlunxin-p800", "fp16_dense_share"])


def test_roadmap_parts_drop_out_when_excluded():
    shares = landscape.share_table("nvidia-h100-sxm", "fp8", include_roadmap=False)
    assert "huawei-ascend-970" not in shares.index and "huawei-ascend-950pr" in shares.index


def test_best_and_takeaway_follow_the_numbers():
    shares = landscape.share_table("nvidia-h100-sxm", "fp16")
    chip, share = landscape.best(shares, "fp16_dense_share")
    assert chip == "huawei-ascend-910c" and share == pytest.approx(0.8086, abs=1e-4)
    assert landscape.best(shares.iloc[0:0], "fp16_dense_share") == (None, pytest.approx(float("nan"), nan_ok=True))
    text = landscape_report.takeaway(shares, "fp16", "H100")
    assert text.startswith("The strongest shipping Chinese accelerator at dense FP16, Ascend 910C, reaches 81% of the H100.")


def test_bytes_per_flop():
    """H100: 3,350 GB/s over 989.4 TFLOPS = 0.003386 bytes per FLOP."""
    points = landscape.compute_vs_bandwidth("fp16")
    assert points.loc["nvidia-h100-sxm", "bytes_per_flop"] == pytest.approx(3350e9 / 989.4e12)


def test_check_params_lists_valid_values():
    assert landscape_report.check_params() == {"reference": "nvidia-h100-sxm", "precision": "fp16", "include_roadmap": True}
    with pytest.raises(ParamError, match=r"'precision' = 'fp12' is not valid; valid values: fp16, fp8, int8, fp4"):
        landscape_report.check_params(precision="fp12")
    with pytest.raises(ParamError, match=r"'reference' = 'nvidia-h999'.*valid values: alibaba-hanguang-800"):
        landscape_report.check_params(reference="nvidia-h999")
    with pytest.raises(ParamError, match=r"unknown parameter 'colour'; valid parameters: reference, precision"):
        landscape_report.check_params(colour="red")
    with pytest.raises(ParamError, match=r"'include_roadmap' must be bool, got str 'yes'"):
        landscape_report.check_params(include_roadmap="yes")
    with pytest.raises(ParamError, match=r"has no fp8_dense figure; valid references at fp8: nvidia-h100-sxm"):
        landscape_report.check_params(reference="nvidia-a100-sxm", precision="fp8")


def test_param_check_reports_every_problem_and_widens_int_to_float():
    params = (Param("n", int, 1, "count"), Param("x", float, 0.5, "share"))
    assert check(params, {"x": 2}) == {"n": 1, "x": 2.0}
    with pytest.raises(ParamError) as caught:
        check(params, {"n": True, "y": 1}, where="demo")
    message = str(caught.value)
    assert message.startswith("demo: ") and "unknown parameter 'y'" in message and "'n' must be int, got bool" in message
