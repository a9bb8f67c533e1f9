"""Post-generation video checks: decodability, duration, blank video, frozen picture,
photosensitive flashing, loudness.

:func:`check_video` decodes every frame of a rendered video with PyAV at a reduced size
(160x90 RGB) and derives per-frame series (relative luminance, luma, difference from the previous
frame) and the audio track's loudness, from which the findings follow:

* **Technical** (category TECHNICAL): a missing or undecodable file, or one without a video
  stream or frames, is BLOCK; a duration more than 10 % away from the expected one is REVIEW;
  a mostly blank video (mean luma below 8 of 255 on more than 90 % of the frames) is REVIEW.
* **Frozen picture** (TECHNICAL, REVIEW): the picture holds, every frame differing from the one
  before by less than ``FREEZE_DIFFERENCE`` (mean absolute luma difference on 0..255), for more
  than ``FREEZE_S`` seconds. The threshold is FFmpeg ``freezedetect``'s default noise tolerance,
  -60 dB of full scale (0.001 x 255, https://ffmpeg.org/ffmpeg-filters.html#freezedetect); it sits
  above the coding noise of the 720p rendition (measured up to 0.15 at its keyframes on a still
  picture), so the measure made before encoding and the one made on the decoded file agree. The
  storyboard draws static shots as near-still pictures (measured differences up to 0.006 for a
  standing figure in a wide shot, 0.125 in a close-up, exactly 0 without one): under any threshold
  above coding noise such a shot is a held picture for its whole length, so ``FREEZE_S`` is longer
  than the storyboard's shots for ordinary scenes (the planner made shots of 2.0 to 9.3 s from
  scenes of 95 to 550 characters); a still shot longer than that is a finding. A frame whose
  difference is unknown (negative: measured without its previous frame) never counts as frozen
  and ends a frozen run.
* **Loudness** (TECHNICAL, REVIEW), only for a track that carries narration (a video without
  narration is silent by design): integrated loudness (ITU-R BS.1770-4) outside ``LOUDNESS_MIN``
  to ``LOUDNESS_MAX`` LUFS, that is from EBU R 128's broadcast target of -23 LUFS to the -14 LUFS
  that YouTube and Spotify normalise streams to, each widened by EBU R 128's 1 LU tolerance (AES
  TD1004's -16 to -20 LUFS for streaming lies inside); a true peak above ``TRUE_PEAK_MAX`` = -1
  dBTP (EBU R 128 and AES TD1004 maximum). EBU R 128: https://tech.ebu.ch/publications/r128.
* **Photosensitivity** (category PHOTOSENSITIVITY): more than three general flashes in any
  one-second period is BLOCK. This follows WCAG 2.x success criterion 2.3.1 "Three Flashes or
  Below Threshold" (https://www.w3.org/WAI/WCAG22/Understanding/three-flashes-or-below-threshold)
  and ITU-R BT.1702 "Guidance for the reduction of photosensitive epileptic seizures caused by
  television": a *general flash* is a pair of opposing changes in relative luminance of at least
  10 % of the maximum relative luminance (0.1 on a 0..1 scale) where the relative luminance of
  the darker image is below 0.80. Relative luminance is the WCAG definition on linearized sRGB,
  ``L = 0.2126 R + 0.7152 G + 0.0722 B``.

Approximations, stated plainly: the WCAG area criterion (a flash counts only when it covers at
least about a quarter of a 10° visual field, 341x256 px at 1024x768) is approximated by
measuring the mean luminance of the whole frame and of each of its four quadrants, and failing
when any of these five regions flashes too often; this over-counts small full-contrast flashes
(conservative) and misses pattern inversions finer than a quadrant that keep every quadrant's
mean constant. The separate red-flash threshold (saturated red transitions) is not evaluated.
Opposing changes are found with a zig-zag filter of amplitude 0.1 on the luminance series,
so slow fades and small noise do not count as flashes.

Decoding is CPU work (measured on 2 cores: about 4-5 ms per 720p frame, so 1-1.5 s per 10 s of
720p24 video); callers run :func:`check_video` in a worker thread.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt

from services.mesh.errors import FieldViolation, InvalidArgument
from services.moderation.findings import Category, Decision, Finding, Verdict
from services.render.metrics import SILENCE_FLOOR_DB, DecodedLoudness, FrameMeter, Loudness

log = logging.getLogger(__name__)

#: Minimum change in relative luminance (0..1) of one half of a general flash (WCAG 2.3.1).
FLASH_DELTA = 0.10
#: The darker image of a flash transition must be below this relative luminance (WCAG 2.3.1).
FLASH_DARK_MAX = 0.80
#: More than this many flashes in any one-second period fails (WCAG 2.3.1, ITU-R BT.1702).
MAX_FLASHES_PER_SECOND = 3
#: A frame is blank when its mean luma (BT.709 weights on 8-bit gamma-encoded RGB) is below this.
BLANK_LUMA = 8.0
#: A video is mostly blank when more than this fraction of its frames is blank.
BLANK_FRACTION = 0.90
#: Largest accepted relative difference between actual and expected duration.
DURATION_TOLERANCE = 0.10
#: A frame differing from the previous one by less than this mean absolute luma difference
#: (0..255) shows the same picture: FFmpeg freezedetect's default noise, -60 dB of full scale.
FREEZE_DIFFERENCE = 0.001 * 255
#: A picture held for longer than this, in seconds, is a finding.
FREEZE_S = 10.0
#: Quietest accepted integrated loudness of a narrated track, LUFS (EBU R 128: -23 LUFS, 1 LU tolerance).
LOUDNESS_MIN = -24.0
#: Loudest accepted integrated loudness, LUFS (streaming normalisation at -14 LUFS, 1 LU tolerance).
LOUDNESS_MAX = -13.0
#: Highest accepted true peak, dBTP (EBU R 128, AES TD1004).
TRUE_PEAK_MAX = -1.0

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FrameStats:
    """Per-frame measurements of a decoded video.

    Attributes:
        times_s: presentation time of each frame, in seconds.
        luminance: mean relative luminance (0..1) per frame, shape ``(frames, 5)``: whole
            frame, then the top-left, top-right, bottom-left and bottom-right quadrants.
        luma: mean 8-bit luma (0..255) per frame.
        duration_s: duration of the video stream, in seconds.
        difference: mean absolute luma difference (0..255) of each frame from the previous one,
            negative where unknown; empty when not measured (no frozen-picture check).
        loudness: the audio track's loudness; None when not measured or there is no audio track.
        has_narration: the audio track carries narration (the loudness checks apply).
    """

    times_s: FloatArray
    luminance: FloatArray
    luma: FloatArray
    duration_s: float
    difference: FloatArray = field(default_factory=lambda: np.zeros(0))
    loudness: Loudness | None = None
    has_narration: bool = False


@dataclass(frozen=True)
class FrozenRun:
    """The longest held picture: its start (the time of the frame that is held, s) and duration (s)."""

    start_s: float
    duration_s: float


@dataclass(frozen=True)
class FlashReport:
    """Worst one-second window of a luminance series: flash count and the window's start time (s)."""

    max_flashes: int
    at_s: float


def flash_transitions(
    luminance: Sequence[float] | FloatArray, *, delta: float = FLASH_DELTA, dark_max: float = FLASH_DARK_MAX
) -> list[int]:
    """Frame indices at which a qualifying luminance transition (half a general flash) ends.

    A zig-zag filter finds the turning points of the series that reverse by at least ``delta``;
    each swing between consecutive turning points is one transition, and it qualifies when the
    darker of its two ends is below ``dark_max`` (WCAG 2.3.1 general flash definition).
    """
    values = [float(v) for v in luminance]
    if len(values) < 2:
        return []
    pivots: list[int] = []
    hi = lo = 0
    trend = 0
    ext = 0
    for i in range(1, len(values)):
        v = values[i]
        if trend == 0:
            if v > values[hi]:
                hi = i
            if v < values[lo]:
                lo = i
            if values[hi] - values[lo] >= delta:
                first, ext = (lo, hi) if hi > lo else (hi, lo)
                pivots.append(first)
                trend = 1 if hi > lo else -1
        elif trend == 1:
            if v >= values[ext]:
                ext = i
            elif values[ext] - v >= delta:
                pivots.append(ext)
                trend, ext = -1, i
        else:
            if v <= values[ext]:
                ext = i
            elif v - values[ext] >= delta:
                pivots.append(ext)
                trend, ext = 1, i
    if trend != 0 and abs(values[ext] - values[pivots[-1]]) >= delta:
        pivots.append(ext)
    return [b for a, b in itertools.pairwise(pivots) if min(values[a], values[b]) < dark_max]


def max_flashes_per_second(
    luminance: Sequence[float] | FloatArray, times_s: Sequence[float] | FloatArray
) -> FlashReport:
    """The largest number of general flashes (pairs of opposing transitions) in any 1-second window."""
    ends = [float(times_s[i]) for i in flash_transitions(luminance)]
    best, at = 0, 0.0
    left = 0
    for right, t in enumerate(ends):
        while t - ends[left] >= 1.0:
            left += 1
        count = right - left + 1
        if count > best:
            best, at = count, ends[left]
    return FlashReport(best // 2, at)


def longest_frozen(
    difference: Sequence[float] | FloatArray, times_s: Sequence[float] | FloatArray, frame_s: float
) -> FrozenRun:
    """The longest run of frames that each differ from the previous one by less than
    ``FREEZE_DIFFERENCE``; it shows the picture of the frame before the run (its start), until the
    last frame of the run ends (``frame_s`` after it is shown). Unknown (negative) differences end
    a run and never count as frozen. ``FrozenRun(0, 0)`` when no frame is frozen.
    """
    best = FrozenRun(0.0, 0.0)
    first: int | None = None
    for i, d in enumerate([*difference, -1.0]):
        if 0.0 <= d < FREEZE_DIFFERENCE:
            first = i if first is None else first
            continue
        if first is not None:
            start = float(times_s[first - 1] if first > 0 else times_s[first])
            length = float(times_s[i - 1]) + frame_s - start
            if length > best.duration_s:
                best = FrozenRun(start, length)
            first = None
    return best


def measure(path: Path) -> FrameStats:
    """Decode every frame of the first video stream of ``path`` and measure it as the renderer
    does (:class:`~services.render.metrics.FrameMeter`), and the first audio stream's loudness
    (:class:`~services.render.metrics.DecodedLoudness`); the track counts as narrated when it is
    louder than the -70 LUFS gate (a file does not say whether silence was meant).

    Raises:
        av.FFmpegError, OSError: the file cannot be opened or decoded.
        ValueError: the file has no video stream or no decodable frame.
    """
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise ValueError("the file has no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        sound = container.streams.audio[0] if container.streams.audio else None
        meter, loudness = FrameMeter(), DecodedLoudness()
        times: list[float] = []
        lum: list[FloatArray] = []
        luma: list[float] = []
        diff: list[float] = []
        for frame in container.decode(*([stream] if sound is None else [stream, sound])):
            if isinstance(frame, av.AudioFrame):
                loudness.push(frame)
                continue
            m = meter.measure(frame)
            lum.append(m.luminance)
            luma.append(m.luma)
            diff.append(m.difference)
            times.append(float(frame.time) if frame.time is not None else len(times) / _rate(stream))
        if not times:
            raise ValueError("the video stream has no decodable frames")
        step = 1.0 / _rate(stream)
        duration = times[-1] - times[0] + step
        figures = loudness.result() if sound is not None else None
    spoken = figures is not None and figures.integrated_lufs > SILENCE_FLOOR_DB
    return FrameStats(np.array(times), np.array(lum), np.array(luma), duration, np.array(diff), figures, spoken)


def _rate(stream: av.video.stream.VideoStream) -> float:
    rate = stream.average_rate or stream.base_rate or 24
    return float(rate) if float(rate) > 0 else 24.0


def validate_expected_duration(expected_duration_ms: int) -> None:
    """Raises ``InvalidArgument`` (``INVALID_EXPECTED_DURATION``) when the expectation is negative."""
    if expected_duration_ms < 0:
        raise InvalidArgument(
            f"expected_duration_ms={expected_duration_ms} is negative",
            reason="INVALID_EXPECTED_DURATION",
            violations=[FieldViolation("expected_duration_ms", "must be 0 (no check) or positive")],
        )


def assess(stats: FrameStats, expected_duration_ms: int = 0) -> list[Finding]:
    """Findings from measured frames and audio (pure): duration, blank video, frozen picture,
    photosensitive flashing, loudness."""
    findings: list[Finding] = []
    if expected_duration_ms > 0:
        expected_s = expected_duration_ms / 1000.0
        off = abs(stats.duration_s - expected_s) / expected_s
        if off > DURATION_TOLERANCE:
            findings.append(
                Finding(
                    Category.TECHNICAL,
                    Decision.REVIEW,
                    f"The video lasts {stats.duration_s:.2f} s but {expected_s:.2f} s were expected "
                    f"({off:.0%} off; more than {DURATION_TOLERANCE:.0%} needs review).",
                )
            )
    blank = float(np.mean(stats.luma < BLANK_LUMA))
    if blank > BLANK_FRACTION:
        findings.append(
            Finding(
                Category.TECHNICAL,
                Decision.REVIEW,
                f"The video is mostly blank: {blank:.0%} of its frames are black (mean luma below {BLANK_LUMA:g}).",
            )
        )
    findings += frozen_findings(stats) + loudness_findings(stats)
    worst = FlashReport(0, 0.0)
    for region in range(stats.luminance.shape[1]):
        report = max_flashes_per_second(stats.luminance[:, region], stats.times_s)
        if report.max_flashes > worst.max_flashes:
            worst = report
    if worst.max_flashes > MAX_FLASHES_PER_SECOND:
        findings.append(
            Finding(
                Category.PHOTOSENSITIVITY,
                Decision.BLOCK,
                f"The video flashes {worst.max_flashes} times within one second from {worst.at_s:.2f} s; "
                f"more than {MAX_FLASHES_PER_SECOND} general flashes per second can trigger photosensitive "
                "seizures (WCAG 2.3.1, ITU-R BT.1702).",
            )
        )
    return findings


def frozen_findings(stats: FrameStats) -> list[Finding]:
    """A REVIEW (TECHNICAL) finding when the picture holds for more than ``FREEZE_S`` seconds."""
    if len(stats.difference) != len(stats.times_s) or not len(stats.times_s):
        return []
    frame_s = float(np.median(np.diff(stats.times_s))) if len(stats.times_s) > 1 else stats.duration_s
    run = longest_frozen(stats.difference, stats.times_s, frame_s)
    if run.duration_s <= FREEZE_S:
        return []
    return [
        Finding(
            Category.TECHNICAL,
            Decision.REVIEW,
            f"The picture is frozen for {run.duration_s:.2f} s from {run.start_s:.2f} s (frames differ by less "
            f"than {FREEZE_DIFFERENCE:.3f} of 255 in mean luma; more than {FREEZE_S:g} s needs review).",
        )
    ]


def loudness_findings(stats: FrameStats) -> list[Finding]:
    """REVIEW (TECHNICAL) findings for a narrated track whose integrated loudness is outside
    ``LOUDNESS_MIN`` to ``LOUDNESS_MAX`` LUFS or whose true peak is above ``TRUE_PEAK_MAX`` dBTP
    (EBU R 128; streaming normalisation; AES TD1004). Nothing for a track without narration."""
    figures = stats.loudness
    if figures is None or not stats.has_narration:
        return []
    found: list[Finding] = []
    lufs = figures.integrated_lufs
    if lufs <= SILENCE_FLOOR_DB:
        found.append(
            Finding(Category.TECHNICAL, Decision.REVIEW, "The video has narration but its audio track is silent.")
        )
    elif not LOUDNESS_MIN <= lufs <= LOUDNESS_MAX:
        side = "quiet" if lufs < LOUDNESS_MIN else "loud"
        found.append(
            Finding(
                Category.TECHNICAL,
                Decision.REVIEW,
                f"The narration is too {side}: {lufs:.1f} LUFS integrated (ITU-R BS.1770-4); expected "
                f"{LOUDNESS_MIN:g} to {LOUDNESS_MAX:g} LUFS (EBU R 128's -23 LUFS to streaming's -14 LUFS, "
                "1 LU tolerance).",
            )
        )
    if figures.true_peak_dbtp > TRUE_PEAK_MAX:
        found.append(
            Finding(
                Category.TECHNICAL,
                Decision.REVIEW,
                f"The audio's true peak is {figures.true_peak_dbtp:.1f} dBTP, above the {TRUE_PEAK_MAX:g} dBTP "
                "maximum (EBU R 128, AES TD1004): it may clip after lossy coding.",
            )
        )
    return found


def check_video(path: Path, expected_duration_ms: int = 0) -> Verdict:
    """Check a rendered video file (already resolved inside the media root).

    Args:
        path: the video file.
        expected_duration_ms: expected duration in milliseconds; 0 skips the duration check.
    Returns:
        The verdict. An unreadable file is a finding (BLOCK, TECHNICAL), not an error.
    Raises:
        InvalidArgument: ``INVALID_EXPECTED_DURATION`` for a negative expectation.
    """
    validate_expected_duration(expected_duration_ms)
    if not path.is_file():
        return Verdict.of(
            [Finding(Category.TECHNICAL, Decision.BLOCK, f"The video file {path.name!r} does not exist.")]
        )
    try:
        stats = measure(path)
    except ValueError as exc:
        return Verdict.of([Finding(Category.TECHNICAL, Decision.BLOCK, f"The video cannot be used: {exc}.")])
    except (av.FFmpegError, OSError) as exc:
        log.info("undecodable video %s: %s", path, exc)
        return Verdict.of(
            [Finding(Category.TECHNICAL, Decision.BLOCK, f"The video file cannot be decoded: {type(exc).__name__}.")]
        )
    if not math.isfinite(stats.duration_s):
        return Verdict.of([Finding(Category.TECHNICAL, Decision.BLOCK, "The video has no usable timestamps.")])
    return Verdict.of(assess(stats, expected_duration_ms))


def stats_from_metrics(
    times_s: Sequence[float],
    luminance: Sequence[float],
    luma: Sequence[float],
    duration_s: float,
    difference: Sequence[float] = (),
    loudness: Loudness | None = None,
    has_narration: bool = False,
) -> FrameStats:
    """:class:`FrameStats` from measurements made while the video was encoded (no decoding).

    ``luminance`` is flat, five values per frame (whole frame, then the quadrants), as
    ``drishya.moderation.v1.VideoMetrics`` carries it; ``difference`` is empty (not measured) or
    one value per frame, negative where unknown.

    Raises:
        InvalidArgument: ``INVALID_VIDEO_METRICS`` when there are no frames, the series lengths
            disagree, or a value is not finite.
    """
    n = len(times_s)
    figures = (loudness.integrated_lufs, loudness.true_peak_dbtp) if loudness is not None else ()
    values = [*times_s, *luminance, *luma, *difference, *figures, duration_s]
    problem = None
    if n == 0:
        problem = "metrics hold no frames"
    elif len(luminance) != 5 * n or len(luma) != n:
        problem = f"{n} frame times need {5 * n} luminance and {n} luma values, got {len(luminance)} and {len(luma)}"
    elif len(difference) not in (0, n):
        problem = f"{n} frame times need {n} frame differences or none, got {len(difference)}"
    elif not all(math.isfinite(v) for v in values) or duration_s <= 0:
        problem = "metrics hold a value that is not finite, or a duration that is not positive"
    if problem is not None:
        raise InvalidArgument(
            problem,
            reason="INVALID_VIDEO_METRICS",
            violations=[FieldViolation("metrics", problem)],
        )
    return FrameStats(
        np.array(times_s, np.float64),
        np.array(luminance, np.float64).reshape(n, 5),
        np.array(luma, np.float64),
        float(duration_s),
        np.array(difference, np.float64),
        loudness,
        has_narration,
    )


def check_metrics(stats: FrameStats, expected_duration_ms: int = 0) -> Verdict:
    """The verdict on a video measured as it was encoded (pure; the same rules as :func:`check_video`).

    Raises:
        InvalidArgument: ``INVALID_EXPECTED_DURATION`` for a negative expectation.
    """
    validate_expected_duration(expected_duration_ms)
    return Verdict.of(assess(stats, expected_duration_ms))
