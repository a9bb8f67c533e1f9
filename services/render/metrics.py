"""Per-frame picture measurements for the post-generation video checks, made on raw frames.

The renderer measures every frame as it encodes it (so the moderation service need not decode the
file again) and the moderation service measures decoded frames the same way when it is given only
a file. Both use :func:`frame_measures` on a frame reduced to ``ANALYSIS_WIDTH`` x
``ANALYSIS_HEIGHT``. Relative luminance is the WCAG 2.x definition on linearized sRGB,
``L = 0.2126 R + 0.7152 G + 0.0722 B`` (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance);
luma is the same BT.709 weighting of the gamma-encoded 8-bit values.

Frozen pictures: each frame's *difference* is the mean absolute difference (0..255) between its
analysis-size luma plane and the previous frame's (:class:`FrameMeter`), the measure FFmpeg's
``freezedetect`` filter thresholds (https://ffmpeg.org/ffmpeg-filters.html#freezedetect). A frame
with no previous frame in the same pass (the first of a video, or of a run of GOPs encoded on its
own) has the difference :data:`UNKNOWN_DIFFERENCE`.

Loudness: :class:`LoudnessMeter` runs FFmpeg's ``ebur128`` filter (``peak=true``) through PyAV's
filter graph: integrated loudness per ITU-R BS.1770-4 (K-weighting, 400 ms blocks, absolute gate
at -70 LUFS, relative gate at -10 LU) and true peak (4x oversampled), as EBU R 128 and EBU Tech
3341/3342 specify (https://ffmpeg.org/ffmpeg-filters.html#ebur128).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
import av.filter
import numpy as np
import numpy.typing as npt
from av.video.reformatter import VideoReformatter

#: Analysis size of each frame, in pixels.
ANALYSIS_WIDTH, ANALYSIS_HEIGHT = 160, 90

_SRGB_TO_LINEAR = np.where(
    (np.arange(256) / 255.0) <= 0.04045,
    (np.arange(256) / 255.0) / 12.92,
    (((np.arange(256) / 255.0) + 0.055) / 1.055) ** 2.4,
)
_LUMA_WEIGHTS = np.array([0.2126, 0.7152, 0.0722])

FloatArray = npt.NDArray[np.float64]

LOUDNESS_RATE = 48_000
"""Sample rate the decode path measures loudness at (the narration bus's rate)."""
UNKNOWN_DIFFERENCE = -1.0
"""The difference of a frame measured without its previous frame (no real difference is negative)."""
SILENCE_FLOOR_DB = -70.0
"""Floor of the loudness figures: ITU-R BS.1770-4's absolute gate (-70 LUFS); a silent track
measures -70 LUFS and -70 dBTP instead of minus infinity (JSON and protobuf stay finite)."""


def frame_measures(rgb: npt.NDArray[np.uint8]) -> tuple[FloatArray, float]:
    """Relative luminance of the whole frame and its four quadrants, and mean 8-bit luma.

    Args:
        rgb: an ``(height, width, 3)`` uint8 sRGB image.
    Returns:
        ``(luminance[5], luma)``: whole frame, then the top-left, top-right, bottom-left and
        bottom-right quadrants (0..1); mean luma (0..255).
    """
    return _measures(rgb, luma_plane(rgb))


def luma_plane(rgb: npt.NDArray[np.uint8]) -> FloatArray:
    """8-bit luma (BT.709 weights on the gamma-encoded values, 0..255) of each pixel, ``(height, width)``."""
    return np.asarray(rgb.astype(np.float64) @ _LUMA_WEIGHTS, dtype=np.float64)


def _measures(rgb: npt.NDArray[np.uint8], luma: FloatArray) -> tuple[FloatArray, float]:
    linear = _SRGB_TO_LINEAR[rgb] @ _LUMA_WEIGHTS
    h2, w2 = linear.shape[0] // 2, linear.shape[1] // 2
    regions = (linear, linear[:h2, :w2], linear[:h2, w2:], linear[h2:, :w2], linear[h2:, w2:])
    luminance = np.array([float(r.mean()) for r in regions])
    return luminance, float(luma.mean())


def _analysis_rgb(frame: av.VideoFrame, scaler: VideoReformatter) -> npt.NDArray[np.uint8]:
    small = scaler.reformat(frame, width=ANALYSIS_WIDTH, height=ANALYSIS_HEIGHT, format="rgb24")
    return np.asarray(small.to_ndarray(), dtype=np.uint8)


def measure_frame(frame: av.VideoFrame, scaler: VideoReformatter | None = None) -> tuple[FloatArray, float]:
    """:func:`frame_measures` of ``frame`` (any size and pixel format) reduced to the analysis size.

    Pass the same ``scaler`` for every frame of a stream: libswscale then keeps one context
    instead of setting one up per frame.
    """
    return frame_measures(_analysis_rgb(frame, scaler or VideoReformatter()))


@dataclass(frozen=True)
class FrameMeasure:
    """One frame's measurements: ``luminance`` (five relative luminances, see :func:`frame_measures`),
    ``luma`` (mean, 0..255) and ``difference`` (mean absolute luma difference from the previous
    frame, 0..255, or :data:`UNKNOWN_DIFFERENCE`)."""

    luminance: FloatArray
    luma: float
    difference: float


class FrameMeter:
    """Measures the consecutive frames of one stream at the analysis size, each against the last.

    The first frame it measures has no previous frame: its difference is :data:`UNKNOWN_DIFFERENCE`.
    One libswscale context serves every frame.
    """

    def __init__(self) -> None:
        self._scaler = VideoReformatter()
        self._previous: FloatArray | None = None

    def measure(self, frame: av.VideoFrame) -> FrameMeasure:
        """Measure ``frame`` (any size and pixel format), the frame after the last one measured."""
        return self.measure_rgb(_analysis_rgb(frame, self._scaler))

    def measure_rgb(self, rgb: npt.NDArray[np.uint8]) -> FrameMeasure:
        """Measure an analysis-size ``(ANALYSIS_HEIGHT, ANALYSIS_WIDTH, 3)`` uint8 sRGB frame."""
        luma = luma_plane(rgb)
        previous, self._previous = self._previous, luma
        difference = UNKNOWN_DIFFERENCE if previous is None else float(np.abs(luma - previous).mean())
        luminance, mean = _measures(rgb, luma)
        return FrameMeasure(luminance, mean, difference)


@dataclass(frozen=True)
class Loudness:
    """Loudness of an audio track: integrated loudness in LUFS (ITU-R BS.1770-4) and true peak in
    dBTP (the largest of the channels'), both floored at :data:`SILENCE_FLOOR_DB`."""

    integrated_lufs: float
    true_peak_dbtp: float


class LoudnessMeter:
    """FFmpeg's ``ebur128`` filter (``metadata=1:peak=true``) fed frame by frame.

    The filter attaches its running figures to the frames it passes on (every 100 ms); the last
    ones, once the input has ended, are the track's integrated loudness (``lavfi.r128.I``, LUFS)
    and true peak (``lavfi.r128.true_peak``, linear full scale, converted here to dBTP).

    A mono track is measured as dual mono (the filter's ``dualmono``: +3 dB, EBU Tech 3341), as it
    sounds from both speakers of a player, so it measures as the same signal duplicated into stereo.

    Raises (from the methods):
        av.FFmpegError: the filter graph rejects a frame.
    """

    def __init__(self, rate: int, layout: str = "stereo", sample_format: str = "fltp") -> None:
        self._graph = av.filter.Graph()
        self._source = self._graph.add_abuffer(
            format=sample_format, sample_rate=rate, layout=layout, time_base=Fraction(1, rate)
        )
        mono = av.AudioLayout(layout).nb_channels == 1
        meter = self._graph.add("ebur128", "metadata=1:peak=true" + (":dualmono=true" if mono else ""))
        self._sink = self._graph.add("abuffersink")
        self._source.link_to(meter)
        meter.link_to(self._sink)
        self._graph.configure()
        self._last: dict[str, str] = {}

    def push(self, frame: av.AudioFrame | None) -> None:
        """Measure ``frame`` (in the format given at construction); None ends the input."""
        self._source.push(frame)
        while True:
            try:
                out = self._sink.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            if out.metadata:
                self._last = dict(out.metadata)

    def result(self) -> Loudness:
        """The figures once the input has ended (:meth:`push` of None); silence gives the floor."""
        lufs = float(self._last.get("lavfi.r128.I", SILENCE_FLOOR_DB))
        peak = float(self._last.get("lavfi.r128.true_peak", 0.0))
        dbtp = 20 * math.log10(peak) if peak > 0 else SILENCE_FLOOR_DB
        floor = SILENCE_FLOOR_DB
        return Loudness(max(lufs, floor) if math.isfinite(lufs) else floor, max(dbtp, floor))


def measure_loudness(path: Path) -> Loudness | None:
    """Decode the first audio stream of ``path`` and measure it (:class:`DecodedLoudness`); None
    when the file has no audio stream.

    Raises:
        av.FFmpegError, OSError: the file cannot be opened or decoded.
    """
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        meter = DecodedLoudness()
        for frame in container.decode(container.streams.audio[0]):
            meter.push(frame)
        return meter.result()


class DecodedLoudness:
    """:class:`LoudnessMeter` for decoded audio frames of any format: each is resampled with
    libswresample to ``LOUDNESS_RATE`` float planar in its own channel layout (the narration bus's
    format, so a decoded track measures as its bus did, within the codec's noise).

    Raises (from the methods):
        av.FFmpegError: a frame cannot be resampled or measured.
    """

    def __init__(self) -> None:
        self._resampler: av.AudioResampler | None = None
        self._meter: LoudnessMeter | None = None

    def push(self, frame: av.AudioFrame) -> None:
        """Measure the next decoded frame."""
        if self._resampler is None or self._meter is None:
            layout = frame.layout.name
            self._resampler = av.AudioResampler(format="fltp", layout=layout, rate=LOUDNESS_RATE)
            self._meter = LoudnessMeter(LOUDNESS_RATE, layout)
        for out in self._resampler.resample(frame):
            self._meter.push(out)

    def result(self) -> Loudness:
        """The figures of every frame pushed; the floor when there was none."""
        if self._resampler is None or self._meter is None:
            return Loudness(SILENCE_FLOOR_DB, SILENCE_FLOOR_DB)
        for out in self._resampler.resample(None):
            self._meter.push(out)
        self._meter.push(None)
        return self._meter.result()


@dataclass
class FrameMetrics:
    """Measurements of a video's frames, collected as they pass (plain lists, JSON-safe), and of
    its audio track.

    ``times_s``: presentation time of each frame (s); ``luminance``: five relative luminances per
    frame (see :func:`frame_measures`); ``luma``: mean 8-bit luma per frame; ``difference``: mean
    absolute luma difference from the previous frame (0..255, :data:`UNKNOWN_DIFFERENCE` where the
    previous frame was not measured with it); ``duration_s``: the stream's duration (last frame's
    time plus one frame interval). ``loudness``: the audio track's figures, None when not measured;
    ``has_narration``: whether the track carries narration (a video without narration is silent
    by design).
    """

    times_s: list[float] = field(default_factory=list)
    luminance: list[list[float]] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)
    duration_s: float = 0.0
    difference: list[float] = field(default_factory=list)
    loudness: Loudness | None = None
    has_narration: bool = False

    def add(
        self, measures: tuple[FloatArray, float], time_s: float, frame_s: float, difference: float = UNKNOWN_DIFFERENCE
    ) -> None:
        """Record one frame's :func:`measure_frame` result and its ``difference`` from the previous
        frame, shown at ``time_s`` for ``frame_s`` seconds."""
        lum, luma = measures
        self.times_s.append(time_s)
        self.luminance.append([float(v) for v in lum])
        self.luma.append(luma)
        self.difference.append(float(difference))
        self.duration_s = time_s + frame_s - self.times_s[0]
