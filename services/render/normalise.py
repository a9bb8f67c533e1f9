"""Normalisation of provider output to a shot: 1280x720 RGB frames at 24 fps, exactly N of them.

Whatever a provider returns (MP4, WebM, animated WebP or GIF, one still image, or a sequence of
PNG/JPEG files; any size, frame rate or length) is decoded: images (still or animated, with each
frame's display time) by Pillow, which reads animated WebP (FFmpeg 8.1 in PyAV decodes only its first
frame); video containers by PyAV (FFmpeg's demuxers and decoders). It is then resampled in time
to 24 fps by picking, for output frame ``k``, the last source frame
whose presentation time is at or before ``k / 24`` s, scaled to fit inside 1280x720 keeping its
aspect ratio (libswscale bicubic) and centred on black (letterbox or pillarbox, no distortion).
A clip shorter than the shot is extended by holding its last frame; a longer one is trimmed.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from fractions import Fraction

import av
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageSequence, UnidentifiedImageError

from .types import FPS, HEIGHT, WIDTH, Media, ProviderRejected

Frame = npt.NDArray[np.uint8]


def _decoded(data: bytes) -> Iterator[tuple[float, av.VideoFrame]]:
    """(time in seconds, frame) of every video frame in ``data``, in presentation order."""
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        image = None
    if image is not None:
        t = 0.0
        with image:
            for still in ImageSequence.Iterator(image):
                yield t, av.VideoFrame.from_ndarray(np.asarray(still.convert("RGB"), dtype=np.uint8), format="rgb24")
                t += float(still.info.get("duration") or 1000 / FPS) / 1000
        return
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.video[0]
        base = stream.time_base or Fraction(1, FPS)
        rate = stream.average_rate or stream.guessed_rate or Fraction(FPS)
        for k, frame in enumerate(container.decode(stream)):
            t = float(frame.pts * base) if frame.pts is not None else k / float(rate)
            yield t, frame


def _fit(frame: av.VideoFrame) -> Frame:
    """``frame`` scaled to fit 1280x720 without distortion, centred on black, as RGB (H, W, 3)."""
    scale = min(WIDTH / frame.width, HEIGHT / frame.height)
    w = max(2, min(WIDTH, round(frame.width * scale)))
    h = max(2, min(HEIGHT, round(frame.height * scale)))
    rgb = frame.reformat(width=w, height=h, format="rgb24", interpolation="BICUBIC").to_ndarray()
    if (w, h) == (WIDTH, HEIGHT):
        return np.ascontiguousarray(rgb, dtype=np.uint8)
    out = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    y, x = (HEIGHT - h) // 2, (WIDTH - w) // 2
    out[y : y + h, x : x + w] = rgb
    return out


def normalise(media: Media, frames: int, *, provider: str) -> list[Frame]:
    """``frames`` RGB frames (each ``(720, 1280, 3)`` uint8) at 24 fps made from ``media``.

    Raises:
        ProviderRejected: ``OUTPUT_UNDECODABLE`` when the media has no decodable video frame.
    """
    if frames < 1:
        raise ValueError("frames must be positive")
    try:
        if media.frames:
            stills = [_fit(next(iter(_decoded(f)))[1]) for f in media.frames]
            timed = [(k / FPS, s) for k, s in enumerate(stills)]
            return _resample(iter(timed), frames)
        return _resample(((t, _fit(f)) for t, f in _decoded(media.data)), frames)
    except (av.FFmpegError, OSError, IndexError, StopIteration, ValueError, Image.DecompressionBombError) as exc:
        raise ProviderRejected(
            f"{provider} output cannot be decoded ({media.suffix or 'frames'}): {exc}",
            provider=provider,
            reason="OUTPUT_UNDECODABLE",
        ) from exc


def _resample(timed: Iterator[tuple[float, Frame]], frames: int) -> list[Frame]:
    out: list[Frame] = []
    current: Frame | None = None
    pending: tuple[float, Frame] | None = next(timed, None)
    if pending is None:
        raise ValueError("no video frames")
    start = pending[0]
    for k in range(frames):
        t = start + k / FPS + 1e-6
        while pending is not None and pending[0] <= t:
            current = pending[1]
            pending = next(timed, None)
        assert current is not None
        out.append(current)
    return out
