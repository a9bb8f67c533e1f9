"""Frozen-picture and loudness rules on built series, and the two meters they read (no files)."""

from __future__ import annotations

import wave
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from services.mesh.errors import InvalidArgument
from services.moderation.findings import Category, Decision
from services.moderation.video_checks import (
    FREEZE_DIFFERENCE,
    FREEZE_S,
    LOUDNESS_MIN,
    TRUE_PEAK_MAX,
    FrameStats,
    FrozenRun,
    assess,
    longest_frozen,
    stats_from_metrics,
)
from services.render.metrics import (
    SILENCE_FLOOR_DB,
    UNKNOWN_DIFFERENCE,
    FrameMeter,
    FrameMetrics,
    Loudness,
    LoudnessMeter,
)

FPS = 24
RATE = 48_000


def _held(frames: int, *, moving: int = 24) -> np.ndarray:
    """Differences of ``moving`` moving frames, then a picture held for ``frames`` frames, then
    ``moving`` moving frames; the first frame's difference is unknown."""
    diff = np.full(moving + frames + moving, 3.0)
    diff[0] = UNKNOWN_DIFFERENCE
    diff[moving + 1 : moving + frames] = 0.0  # the held picture's first frame still differs
    return diff


def _stats(diff: np.ndarray, loudness: Loudness | None = None, *, narrated: bool = True) -> FrameStats:
    n = len(diff)
    times = np.arange(n) / FPS
    return FrameStats(times, np.full((n, 5), 0.3), np.full(n, 120.0), n / FPS, diff, loudness, narrated)


def _technical(stats: FrameStats) -> list[str]:
    found = assess(stats)
    assert all((f.category, f.decision) == (Category.TECHNICAL, Decision.REVIEW) for f in found)
    return [f.message for f in found]


def test_a_picture_held_just_under_the_limit_passes_and_just_over_needs_review() -> None:
    limit = int(FREEZE_S * FPS)
    under, over = _held(limit - 1), _held(limit + 1)
    run = longest_frozen(under, np.arange(len(under)) / FPS, 1 / FPS)
    assert (run.start_s, run.duration_s) == pytest.approx((1.0, (limit - 1) / FPS))
    assert _technical(_stats(under)) == []
    (message,) = _technical(_stats(over))
    assert "frozen for 10.04 s from 1.00 s" in message


def test_differences_at_the_threshold_are_motion() -> None:
    diff = _held(int(FREEZE_S * FPS) + 24)
    diff[diff == 0.0] = FREEZE_DIFFERENCE  # not below the threshold
    assert _technical(_stats(diff)) == []
    diff[diff == FREEZE_DIFFERENCE] = FREEZE_DIFFERENCE * 0.99
    assert len(_technical(_stats(diff))) == 1


def test_unknown_differences_end_a_frozen_run_and_never_count() -> None:
    frames = int(FREEZE_S * FPS) + 48
    diff = _held(frames)
    assert len(_technical(_stats(diff))) == 1
    split = diff.copy()
    split[24 + frames // 2] = UNKNOWN_DIFFERENCE  # a run of GOPs starts inside the held picture
    assert _technical(_stats(split)) == []
    halves = longest_frozen(split, np.arange(len(split)) / FPS, 1 / FPS)
    assert halves.duration_s == pytest.approx(frames / 2 / FPS)  # each half holds for 6 s
    unknown = np.full(frames, UNKNOWN_DIFFERENCE)  # markers written before differences were measured
    assert longest_frozen(unknown, np.arange(frames) / FPS, 1 / FPS) == FrozenRun(0.0, 0.0)
    assert _technical(_stats(unknown)) == []


def test_no_difference_series_skips_the_check() -> None:
    n = int(FREEZE_S * FPS) * 2
    stats = FrameStats(np.arange(n) / FPS, np.full((n, 5), 0.3), np.full(n, 120.0), n / FPS)
    assert stats.difference.size == 0 and assess(stats) == []


@pytest.mark.parametrize(
    ("lufs", "dbtp", "expected"),
    [
        (-17.1, -2.3, []),  # the storyboard's narration as measured
        (LOUDNESS_MIN, TRUE_PEAK_MAX, []),  # the limits themselves pass
        (-24.5, -6.0, ["too quiet: -24.5 LUFS"]),
        (-12.5, -3.0, ["too loud: -12.5 LUFS"]),
        (-16.0, -0.4, ["true peak is -0.4 dBTP"]),
        (-9.0, 0.5, ["too loud: -9.0 LUFS", "true peak is 0.5 dBTP"]),
        (SILENCE_FLOOR_DB, SILENCE_FLOOR_DB, ["has narration but its audio track is silent"]),
    ],
)
def test_loudness_rules_for_narrated_tracks(lufs: float, dbtp: float, expected: list[str]) -> None:
    messages = _technical(_stats(np.full(48, 3.0), Loudness(lufs, dbtp)))
    assert len(messages) == len(expected)
    for message, part in zip(messages, expected, strict=True):
        assert part in message


def test_a_track_without_narration_or_figures_is_not_judged() -> None:
    assert _technical(_stats(np.full(48, 3.0), Loudness(SILENCE_FLOOR_DB, SILENCE_FLOOR_DB), narrated=False)) == []
    assert _technical(_stats(np.full(48, 3.0), Loudness(-5.0, 0.0), narrated=False)) == []
    assert _technical(_stats(np.full(48, 3.0), None)) == []


def test_stats_from_metrics_carries_differences_and_loudness() -> None:
    m = FrameMetrics()
    for i in range(3):
        m.add((np.full(5, 0.2), 100.0), i / FPS, 1 / FPS, UNKNOWN_DIFFERENCE if i == 0 else 0.5)
    flat = [v for row in m.luminance for v in row]
    stats = stats_from_metrics(m.times_s, flat, m.luma, m.duration_s, m.difference, Loudness(-20.0, -3.0), True)
    assert stats.difference.tolist() == [-1.0, 0.5, 0.5]
    assert stats.loudness == Loudness(-20.0, -3.0) and stats.has_narration
    older = stats_from_metrics(m.times_s, flat, m.luma, m.duration_s)  # producers without the new fields
    assert older.difference.size == 0 and older.loudness is None
    for bad in ([0.5], [0.5, float("nan"), 0.5]):
        with pytest.raises(InvalidArgument) as err:
            stats_from_metrics(m.times_s, flat, m.luma, m.duration_s, bad)
        assert err.value.reason == "INVALID_VIDEO_METRICS"
    with pytest.raises(InvalidArgument):
        stats_from_metrics(m.times_s, flat, m.luma, m.duration_s, (), Loudness(float("inf"), 0.0), True)


def test_frame_meter_differences() -> None:
    meter = FrameMeter()
    grey = np.full((90, 160, 3), 100, np.uint8)
    first = meter.measure_rgb(grey)
    assert first.difference == UNKNOWN_DIFFERENCE and first.luma == pytest.approx(100.0)
    assert meter.measure_rgb(grey.copy()).difference == 0.0
    brighter = grey.copy()
    brighter[:45] = 110  # half the frame 10 levels brighter
    assert meter.measure_rgb(brighter).difference == pytest.approx(5.0)
    frame = av.VideoFrame.from_ndarray(np.full((720, 1280, 3), 110, np.uint8), format="rgb24")
    assert meter.measure(frame).difference == pytest.approx(5.0, abs=0.5)  # any size: scaled to 160x90


def _meter(left: np.ndarray, right: np.ndarray) -> Loudness:
    meter = LoudnessMeter(RATE)
    for start in range(0, left.size, 1024):
        chunk = np.stack([left[start : start + 1024], right[start : start + 1024]]).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(chunk), format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = RATE, start, Fraction(1, RATE)
        meter.push(frame)
    meter.push(None)
    return meter.result()


def test_loudness_meter_reads_bs1770_calibration_tones() -> None:
    t = np.arange(5 * RATE) / RATE
    tone = np.sin(2 * np.pi * 1000 * t)
    # ITU-R BS.1770-4: a 0 dB FS 1 kHz sine in one channel reads -3.01 LKFS
    one = _meter(0.1 * tone, np.zeros_like(tone))
    assert one.integrated_lufs == pytest.approx(-23.01, abs=0.1)
    both = _meter(0.1 * tone, 0.1 * tone)  # the narration bus: the same mono signal in both channels
    assert both.integrated_lufs == pytest.approx(-20.0, abs=0.1)
    assert both.true_peak_dbtp == pytest.approx(-20.0, abs=0.1)
    silent = _meter(np.zeros(RATE), np.zeros(RATE))
    assert silent == Loudness(SILENCE_FLOOR_DB, SILENCE_FLOOR_DB)


def test_true_peak_sees_peaks_between_samples() -> None:
    # a quarter-rate sine sampled 45 degrees off its crests: every sample is at 0.707 of the peak
    t = np.arange(2 * RATE)
    wave = 1.26 * np.sin(np.pi / 2 * t + np.pi / 4)
    assert np.max(np.abs(wave)) == pytest.approx(0.891, abs=0.001)  # sample peak -1.0 dBFS
    figures = _meter(wave, wave)
    assert figures.true_peak_dbtp > TRUE_PEAK_MAX + 2.5  # about +2 dBTP
    messages = _technical(_stats(np.full(48, 3.0), figures))
    assert any("true peak" in m for m in messages)


def test_the_narration_bus_is_limited_below_the_true_peak_moderation_allows(tmp_path: Path) -> None:
    from drishya.prompt.v1 import prompt_pb2
    from services.render.storyboard.encode import ShotSource, mix_narration

    # the wave above, as a narration line: samples at -1.0 dBFS, peaks between them near +2 dBTP
    t = np.arange(RATE)
    line = (1.26 * np.sin(np.pi / 2 * t + np.pi / 4) * 32767 * 0.999).clip(-32767, 32767).astype(np.int16)
    wav = tmp_path / "line.wav"
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(line.tobytes())
    shots = prompt_pb2.ShotList(shots=[prompt_pb2.Shot(start_ms=0, duration_ms=1000)], total_duration_ms=1000)
    bus = mix_narration(shots, [ShotSource(index=0, frame_count=24, audio_path=str(wav))], RATE)
    figures = _meter(bus, bus)
    assert TRUE_PEAK_MAX - 0.7 < figures.true_peak_dbtp <= TRUE_PEAK_MAX - 0.3  # about -1.5 dBTP
    assert not any("true peak" in m for m in _technical(_stats(np.full(48, 3.0), figures)))
