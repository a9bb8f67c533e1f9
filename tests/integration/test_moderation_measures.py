"""Frozen-picture and loudness figures measured in the render pass against those of the decoded
file, on real storyboard renders and on a deliberately frozen, too loud provider-style clip."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from drishya.analysis.v1 import analysis_pb2 as a
from services.moderation.findings import Category, Decision
from services.moderation.video_checks import (
    FREEZE_DIFFERENCE,
    FREEZE_S,
    FrameStats,
    assess,
    longest_frozen,
    measure,
    stats_from_metrics,
)
from services.render.metrics import UNKNOWN_DIFFERENCE, FrameMetrics
from services.render.storyboard import (
    GOP_FRAMES,
    HEIGHT,
    NARRATION_FILE,
    WIDTH,
    encode_gops,
    encode_narration,
    finished_gops,
    mux,
    plan_runs,
    render,
    save_frames,
)
from services.render.storyboard.constants import FPS
from services.render.storyboard.encode import narration_loudness, write_wav
from services.render.storyboard.timeline import spans
from tests.unit.test_storyboard_draw import make_shot_list

CODING_NOISE = 0.25
"""Largest difference between a frame's difference measured before encoding (360p) and after
decoding (720p, CRF 20): measured up to 0.15 on still storyboard shots."""


def _pass_stats(metrics: FrameMetrics) -> FrameStats:
    """The figures as the pipeline sends them to moderation."""
    flat = [v for row in metrics.luminance for v in row]
    m = metrics
    return stats_from_metrics(m.times_s, flat, m.luma, m.duration_s, m.difference, m.loudness, m.has_narration)


def test_a_static_storyboard_render_gives_the_same_figures_in_the_pass_and_decoded(tmp_path: Path) -> None:
    # the storyboard's plainest shots: static camera, a standing figure, no weather; two runs of GOPs
    sl = make_shot_list(
        weather=a.WEATHER_CLEAR, action="stand", shots=2, duration_ms=3000, transitions=(a.TRANSITION_CUT,)
    )
    report = render(sl, tmp_path / "work", tmp_path / "video.mp4", parts=2)
    assert report.metrics is not None
    runs = plan_runs(range(3), 2)
    assert runs == [[0, 1], [2]]
    ours, decoded = _pass_stats(report.metrics), measure(Path(report.path))
    assert len(ours.difference) == len(decoded.difference) == 144

    # unknown only at frame 0 in both: the second run measured its first frame against the frame
    # before it, drawn for that alone
    assert np.flatnonzero(ours.difference < 0).tolist() == [0]
    assert np.flatnonzero(decoded.difference < 0).tolist() == [0]
    known = ours.difference >= 0
    assert np.max(np.abs(ours.difference[known] - decoded.difference[known])) < CODING_NOISE
    assert ((ours.difference[known] < FREEZE_DIFFERENCE) == (decoded.difference[known] < FREEZE_DIFFERENCE)).all()
    # the shots are near-still pictures held for their length, ended by the cut; the second shot
    # (frames 72-143) straddles the two runs (which meet at frame 96) and is still one held picture
    for stats in (ours, decoded):
        assert longest_frozen(stats.difference, stats.times_s, 1 / FPS).duration_s == pytest.approx(3.0, abs=1 / FPS)
        second = longest_frozen(stats.difference[72:], stats.times_s[72:], 1 / FPS)
        assert second.duration_s == pytest.approx(3.0, abs=1 / FPS)

    # loudness of the bus as it was encoded, and of the AAC track decoded from the MP4
    assert ours.loudness is not None and decoded.loudness is not None
    assert ours.has_narration and decoded.has_narration
    assert ours.loudness.integrated_lufs == pytest.approx(decoded.loudness.integrated_lufs, abs=0.3)
    assert ours.loudness.true_peak_dbtp == pytest.approx(decoded.loudness.true_peak_dbtp, abs=0.5)
    assert (tmp_path / "work" / "narration.json").exists()

    # the storyboard's normal output is not flagged by either path
    assert assess(ours, sl.total_duration_ms) == []
    assert assess(decoded, sl.total_duration_ms) == []

    # checkpoints written before these figures existed still resume: differences unknown, the
    # narration track's loudness measured from the file
    work = tmp_path / "work"
    for marker in work.glob("gop_*.json"):
        data = json.loads(marker.read_text())
        del data["difference"]
        marker.write_text(json.dumps(data))
    (work / "narration.json").unlink()
    old = finished_gops(sl, work)
    assert sorted(old) == [0, 1, 2] and {d for g in old.values() for d in g.difference} == {UNKNOWN_DIFFERENCE}
    figures = narration_loudness(work / NARRATION_FILE)
    assert figures["has_narration"]
    assert figures["loudness"].integrated_lufs == pytest.approx(ours.loudness.integrated_lufs, abs=0.3)


def test_a_frozen_and_too_loud_provider_clip_is_flagged_by_both_paths(tmp_path: Path) -> None:
    seconds = FREEZE_S + 1
    sl = make_shot_list(shots=1, duration_ms=int(seconds * 1000), weather=a.WEATHER_CLEAR)
    count = spans(sl)[0].rendered_frames
    still = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    still[:, :, 0] = np.linspace(40, 220, WIDTH, dtype=np.uint8)  # one picture, every frame
    work = tmp_path / "work"
    source = save_frames(sl, 0, work, [still] * count)
    t = np.arange(int(seconds * 22050)) / 22050
    write_wav(work / "loud.wav", (32000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16), 22050)
    source = dataclasses.replace(source, audio_path=str(work / "loud.wav"), narration_ms=int(seconds * 1000))
    gops = {g.index: g for g in encode_gops(sl, {0: source}, list(range(-(-count // GOP_FRAMES))), work)}
    encode_narration(sl, [source], work / NARRATION_FILE)
    report = mux(sl, [source], gops, tmp_path / "video.mp4")
    assert report.metrics is not None

    for stats in (_pass_stats(report.metrics), measure(Path(report.path))):
        frozen = longest_frozen(stats.difference, stats.times_s, 1 / FPS)
        assert frozen.duration_s == pytest.approx(seconds, abs=1 / FPS)
        findings = assess(stats, sl.total_duration_ms)
        assert all((f.category, f.decision) == (Category.TECHNICAL, Decision.REVIEW) for f in findings)
        messages = [f.message for f in findings]
        assert any("frozen for" in m for m in messages), messages
        assert any("too loud" in m for m in messages), messages
        assert stats.loudness is not None and stats.loudness.integrated_lufs > -5.0
