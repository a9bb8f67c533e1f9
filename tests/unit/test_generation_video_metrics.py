"""The assemble stage's stored measurements become the VideoMetrics moderation judges, old and new."""

from __future__ import annotations

import numpy as np

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation.pipeline import _assembled, _metrics_dict, _struct, _video_metrics
from services.render.metrics import UNKNOWN_DIFFERENCE, FrameMetrics, Loudness


def _stored(metrics: dict[str, object]) -> dict[str, object]:
    """Round trip through the stored protobuf Struct, as a resumed job reads it."""
    return _assembled({gen_pb2.STAGE_ASSEMBLE: _struct({"path": "video.mp4", "metrics": metrics})})


def test_differences_and_loudness_reach_moderation() -> None:
    m = FrameMetrics(loudness=Loudness(-17.25, -2.5), has_narration=True)
    for i, diff in enumerate([UNKNOWN_DIFFERENCE, 0.0, 1.5]):
        m.add((np.full(5, 0.25), 100.0), i / 24, 1 / 24, diff)
    vm = _video_metrics(_stored(_metrics_dict(m))["metrics"])  # type: ignore[arg-type]
    assert list(vm.frame_difference) == [-1.0, 0.0, 1.5]
    assert vm.HasField("integrated_loudness_lufs") and vm.integrated_loudness_lufs == -17.25
    assert vm.true_peak_dbtp == -2.5 and vm.has_narration
    assert list(vm.luminance) == [0.25] * 15 and len(vm.frame_times_s) == 3


def test_an_older_stored_output_still_gives_metrics() -> None:
    old = {"times_s": [0.0, 1 / 24], "luminance": [[0.1] * 5] * 2, "luma": [50.0, 50.0], "duration_s": 2 / 24}
    vm = _video_metrics(_stored(old)["metrics"])  # type: ignore[arg-type]
    assert list(vm.luma) == [50.0, 50.0] and len(vm.frame_difference) == 0
    assert not vm.HasField("integrated_loudness_lufs") and not vm.has_narration
    silent = FrameMetrics()  # measured, no narration track loudness
    silent.add((np.full(5, 0.1), 50.0), 0.0, 1 / 24)
    vm = _video_metrics(_stored(_metrics_dict(silent))["metrics"])  # type: ignore[arg-type]
    assert not vm.HasField("true_peak_dbtp") and list(vm.frame_difference) == [-1.0]
