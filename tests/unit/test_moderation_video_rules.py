"""Pure parts of the video checks: luminance, general-flash counting (WCAG 2.3.1), duration and blank rules."""

from __future__ import annotations

import numpy as np
import pytest

from services.mesh.errors import InvalidArgument
from services.moderation.findings import Category, Decision
from services.moderation.video_checks import (
    FrameStats,
    assess,
    flash_transitions,
    max_flashes_per_second,
    validate_expected_duration,
)
from services.render.metrics import frame_measures

FPS = 24


def _square_wave(hz: float, seconds: float, low: float = 0.0, high: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Luminance of a video alternating between ``low`` and ``high`` ``hz`` times a second."""
    times = np.arange(int(seconds * FPS)) / FPS
    phase = np.floor(times * hz * 2).astype(int) % 2
    return np.where(phase == 0, low, high).astype(float), times


def _stats(lum: np.ndarray, times: np.ndarray, luma: float = 120.0) -> FrameStats:
    five = np.repeat(lum[:, None], 5, axis=1)
    return FrameStats(times, five, np.full(len(times), luma), float(len(times)) / FPS)


def test_frame_measures_white_black_and_quadrants() -> None:
    white = np.full((90, 160, 3), 255, np.uint8)
    black = np.zeros((90, 160, 3), np.uint8)
    lum, luma = frame_measures(white)
    assert lum == pytest.approx([1.0] * 5)
    assert luma == pytest.approx(255.0)
    lum, luma = frame_measures(black)
    assert lum == pytest.approx([0.0] * 5) and luma == 0.0
    half = black.copy()
    half[:45, :80] = 255  # top-left quadrant white
    lum, _ = frame_measures(half)
    assert lum == pytest.approx([0.25, 1.0, 0.0, 0.0, 0.0])
    grey = np.full((90, 160, 3), 128, np.uint8)
    assert frame_measures(grey)[0][0] == pytest.approx(0.2158, abs=1e-3)  # sRGB 128 → 0.2158 linear


@pytest.mark.parametrize(("hz", "expected"), [(5.0, 5), (4.0, 4), (3.0, 3), (1.0, 1)])
def test_flash_count_per_second_of_square_waves(hz: float, expected: int) -> None:
    lum, times = _square_wave(hz, 3.0)
    assert max_flashes_per_second(lum, times).max_flashes == expected


def test_bright_flashes_above_the_dark_limit_do_not_count() -> None:
    lum, times = _square_wave(6.0, 2.0, low=0.85, high=1.0)  # darker image not below 0.80
    assert flash_transitions(lum) == []
    assert max_flashes_per_second(lum, times).max_flashes == 0


def test_small_changes_and_slow_fades_are_not_flashes() -> None:
    flicker, times = _square_wave(8.0, 2.0, low=0.40, high=0.47)  # 7 % changes
    assert max_flashes_per_second(flicker, times).max_flashes == 0
    fade = np.linspace(0.0, 1.0, 3 * FPS)
    fade_times = np.arange(len(fade)) / FPS
    assert len(flash_transitions(fade)) == 1  # one rise: half a flash
    assert max_flashes_per_second(fade, fade_times).max_flashes == 0


def test_noise_on_a_flashing_signal_does_not_split_transitions() -> None:
    lum, times = _square_wave(2.0, 3.0, low=0.1, high=0.9)
    rng = np.random.default_rng(7)
    noisy = lum + rng.uniform(-0.03, 0.03, len(lum))
    assert max_flashes_per_second(noisy, times).max_flashes == 2


def test_assess_blocks_photosensitive_flashing() -> None:
    lum, times = _square_wave(5.0, 2.0)
    findings = assess(_stats(lum, times))
    assert [(f.category, f.decision) for f in findings] == [(Category.PHOTOSENSITIVITY, Decision.BLOCK)]
    assert "WCAG 2.3.1" in findings[0].message


def test_assess_duration_tolerance_is_ten_percent() -> None:
    lum = np.full(2 * FPS, 0.5)
    times = np.arange(len(lum)) / FPS
    stats = _stats(lum, times)  # 2.0 s
    assert assess(stats, expected_duration_ms=2000) == []
    assert assess(stats, expected_duration_ms=2200) == []  # 9 % off
    assert assess(stats, expected_duration_ms=0) == []  # no check
    (finding,) = assess(stats, expected_duration_ms=4000)
    assert (finding.category, finding.decision) == (Category.TECHNICAL, Decision.REVIEW)
    assert "4.00 s were expected" in finding.message


def test_assess_mostly_blank_video_needs_review() -> None:
    lum = np.zeros(2 * FPS)
    times = np.arange(len(lum)) / FPS
    luma = np.zeros(len(lum))
    luma[:4] = 100.0  # about 8 % of the frames show something
    stats = FrameStats(times, np.repeat(lum[:, None], 5, axis=1), luma, 2.0)
    (finding,) = assess(stats)
    assert (finding.category, finding.decision) == (Category.TECHNICAL, Decision.REVIEW)
    luma[:10] = 100.0  # 21 % non-black: fine
    assert assess(FrameStats(times, stats.luminance, luma, 2.0)) == []


def test_negative_expected_duration_is_invalid() -> None:
    with pytest.raises(InvalidArgument) as err:
        validate_expected_duration(-1)
    assert err.value.reason == "INVALID_EXPECTED_DURATION"
    validate_expected_duration(0)
