"""Per-frame picture measurements for the post-generation video checks, made on raw frames.

The renderer measures every frame as it encodes it (so the moderation service need not decode the
file again) and the moderation service measures decoded frames the same way when it is given only
a file. Both use :func:`frame_measures` on a frame reduced to ``ANALYSIS_WIDTH`` x
``ANALYSIS_HEIGHT``. Relative luminance is the WCAG 2.x definition on linearized sRGB,
``L = 0.2126 R + 0.7152 G + 0.0722 B`` (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance);
luma is the same BT.709 weighting of the gamma-encoded 8-bit values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import av
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


def frame_measures(rgb: npt.NDArray[np.uint8]) -> tuple[FloatArray, float]:
    """Relative luminance of the whole frame and its four quadrants, and mean 8-bit luma.

    Args:
        rgb: an ``(height, width, 3)`` uint8 sRGB image.
    Returns:
        ``(luminance[5], luma)``: whole frame, then the top-left, top-right, bottom-left and
        bottom-right quadrants (0..1); mean luma (0..255).
    """
    linear = _SRGB_TO_LINEAR[rgb] @ _LUMA_WEIGHTS
    h2, w2 = linear.shape[0] // 2, linear.shape[1] // 2
    regions = (linear, linear[:h2, :w2], linear[:h2, w2:], linear[h2:, :w2], linear[h2:, w2:])
    luminance = np.array([float(r.mean()) for r in regions])
    luma = float((rgb.astype(np.float64) @ _LUMA_WEIGHTS).mean())
    return luminance, luma


def measure_frame(frame: av.VideoFrame, scaler: VideoReformatter | None = None) -> tuple[FloatArray, float]:
    """:func:`frame_measures` of ``frame`` (any size and pixel format) reduced to the analysis size.

    Pass the same ``scaler`` for every frame of a stream: libswscale then keeps one context
    instead of setting one up per frame.
    """
    small = (scaler or VideoReformatter()).reformat(frame, width=ANALYSIS_WIDTH, height=ANALYSIS_HEIGHT, format="rgb24")
    return frame_measures(np.asarray(small.to_ndarray(), dtype=np.uint8))


@dataclass
class FrameMetrics:
    """Measurements of a video's frames, collected as they pass (plain lists, JSON-safe).

    ``times_s``: presentation time of each frame (s); ``luminance``: five relative luminances per
    frame (see :func:`frame_measures`); ``luma``: mean 8-bit luma per frame; ``duration_s``: the
    stream's duration (last frame's time plus one frame interval).
    """

    times_s: list[float] = field(default_factory=list)
    luminance: list[list[float]] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)
    duration_s: float = 0.0

    def add(self, measures: tuple[FloatArray, float], time_s: float, frame_s: float) -> None:
        """Record one frame's :func:`measure_frame` result, shown at ``time_s`` for ``frame_s`` seconds."""
        lum, luma = measures
        self.times_s.append(time_s)
        self.luminance.append([float(v) for v in lum])
        self.luma.append(luma)
        self.duration_s = time_s + frame_s - self.times_s[0]
