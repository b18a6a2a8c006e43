"""Software on today's data: results pinned to the repository's figures."""
from __future__ import annotations

import pytest

from chiplib.models import software


def test_rubric_on_the_dataset():
    """NVIDIA scores 1 on CUDA compatibility by definition; Huawei's measured activity (vllm-ascend, torch_npu)
    is the highest, so it scores 1 on activity; a layer with no sourced component scores 0."""
    table = software.criterion_scores()
    assert table.at["NVIDIA", "cuda_compatibility"] == 1.0
    assert table.at["Huawei", "activity"] == 1.0
    assert table.at["Baidu Kunlunxin", "programming_model"] == 0.0
    assert ((table >= 0) & (table <= 1)).all().all()
    with pytest.raises(KeyError, match="unknown profile 'speed'; valid profiles: balanced, developer, independence"):
        software.scores("speed")
