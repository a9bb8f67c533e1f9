"""Normalisation of provider output to a shot: 1280x720 RGB frames at 24 fps, exactly N of them.

Whatever a provider returns (MP4, WebM, animated WebP or GIF, one still image, or a sequence of
PNG/JPEG files; any size, frame rate or length) is decoded: images (still or animated, with each
frame's display time) by Pillow, which reads animated WebP (FFmpeg 8.1 in PyAV decodes only its first
frame); video containers by PyAV (FFmpeg's demuxers and decoders). Each frame is scaled to fit
inside 1280x720 keeping its aspect ratio (libswscale bicubic) and centred on black (letterbox or
pillarbox, no distortion). Then it is put on the shot's time line in one of two ways:

* :class:`Media` (a clip with real timestamps, e.g. Veo's MP4): resampled to 24 fps by picking,
  for output frame ``k``, the last source frame whose presentation time is at or before ``k / 24`` s.
  A clip shorter than the shot is extended by holding its last frame; a longer one is trimmed.
* :class:`RatedMedia` (a clip generated at a model's own frame count and rate, e.g. ComfyUI's
  Stable Video Diffusion: 25 frames meant at 6 fps, or several such clips joined into one as an
  image sequence, still meant at that rate): the stored frame times are not used. The
  frames are counted (a frame stored with a duration of ``m`` nominal frames, as an encoder that
  merges identical neighbours writes it, counts ``m`` times; the nominal duration is
  ``int(1000 / fps)`` ms, as ComfyUI's ``SaveAnimatedWEBP`` in ``comfy_extras/nodes_images.py``
  writes it) and spread evenly over the shot's N frames, first on first and last on last, each
  output frame a blend of its two nearest source frames weighted by distance (linear
  interpolation in time, in 1/256 steps).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageSequence, UnidentifiedImageError

from .types import FPS, HEIGHT, WIDTH, Media, ProviderRejected

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class RatedMedia(Media):
    """A clip generated at a model's own rate: its frames are meant ``1 / fps`` seconds apart,
    whatever times the file stores; normalisation spreads them over the whole shot.

    ``fps`` is the workflow's frame rate (frames per second, > 0).
    """

    fps: float = 0.0


def _stored(data: bytes) -> Iterator[tuple[float | None, av.VideoFrame]]:
    """Every video frame in ``data`` in presentation order, with its stored time in seconds
    (images: the sum of the earlier frames' durations; containers: its timestamp)."""
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        image = None
    if image is not None:
        t = 0.0
        with image:
            for still in ImageSequence.Iterator(image):
                rgb = np.asarray(still.convert("RGB"), dtype=np.uint8)  # loads the frame: then info has its duration
                yield t, av.VideoFrame.from_ndarray(rgb, format="rgb24")
                t += float(still.info.get("duration") or 1000 / FPS) / 1000
        return
    with av.open(io.BytesIO(data), mode="r") as container:
        stream = container.streams.video[0]
        base = stream.time_base or Fraction(1, FPS)
        rate = stream.average_rate or stream.guessed_rate or Fraction(FPS)
        for k, frame in enumerate(container.decode(stream)):
            t = float(frame.pts * base) if frame.pts is not None else k / float(rate)
            yield t, frame


def _decoded(data: bytes) -> Iterator[tuple[float, av.VideoFrame]]:
    """(time in seconds, frame) of every video frame in ``data``, in presentation order."""
    for t, frame in _stored(data):
        yield (t if t is not None else 0.0), frame


def _counted(data: bytes, fps: float) -> Iterator[tuple[int, av.VideoFrame]]:
    """(how many frames it stands for, frame) of every stored frame of ``data``, for a clip meant
    at ``fps``: an image frame whose duration holds ``m`` nominal frames of ``int(1000 / fps)`` ms
    (ComfyUI's ``SaveAnimatedWEBP`` rounding) stands for ``m`` of them (at least one); a container's
    frame for one."""
    nominal_ms = max(1, int(1000.0 / fps))
    try:
        image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        image = None
    if image is None:
        for _, frame in _stored(data):
            yield 1, frame
        return
    with image:
        for still in ImageSequence.Iterator(image):
            rgb = np.asarray(still.convert("RGB"), dtype=np.uint8)  # loads the frame: then info has its duration
            duration = float(still.info.get("duration") or nominal_ms)
            yield max(1, round(duration / nominal_ms)), av.VideoFrame.from_ndarray(rgb, format="rgb24")


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
    """``frames`` RGB frames (each ``(720, 1280, 3)`` uint8) at 24 fps made from ``media``: resampled
    by timestamp for a :class:`Media`, retimed over the whole shot for a :class:`RatedMedia` (see
    the module's description).

    Raises:
        ValueError: ``frames`` is not positive.
        ProviderRejected: ``OUTPUT_UNDECODABLE`` when the media has no decodable video frame.
    """
    if frames < 1:
        raise ValueError("frames must be positive")
    try:
        if isinstance(media, RatedMedia) and media.fps > 0:
            return _retime(_source_frames(media), frames)
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


def _source_frames(media: RatedMedia) -> list[Frame]:
    """The clip's frames in order, fitted to 1280x720, a merged frame repeated as often as it counts."""
    return _rated(media, media.fps, _fit)


def _native(frame: av.VideoFrame) -> Frame:
    """``frame`` as RGB ``(H, W, 3)`` uint8 at its own size."""
    return np.ascontiguousarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8)


def _rated(media: Media, fps: float, convert: Callable[[av.VideoFrame], Frame]) -> list[Frame]:
    """The frames of a clip generated at ``fps`` in order, each through ``convert``; a merged frame
    repeated (the same array) as often as it counts (see :func:`_counted`).

    Raises:
        ValueError: no video frame.
        av.FFmpegError, OSError: undecodable data.
    """
    out: list[Frame] = []
    if media.frames:
        for f in media.frames:
            out.append(convert(next(iter(_decoded(f)))[1]))
    elif fps > 0:
        for count, frame in _counted(media.data, fps):
            out.extend([convert(frame)] * count)
    else:
        out.extend(convert(frame) for _, frame in _decoded(media.data))
    if not out:
        raise ValueError("no video frames")
    return out


def clip_frames(media: Media, fps: float, *, provider: str) -> list[Frame]:
    """The frames of a clip generated at ``fps`` (frames per second, > 0) at their own size, in
    order: each RGB ``(H, W, 3)`` uint8; a frame stored merged with its identical neighbours (an
    image frame lasting ``m`` nominal frames of ``int(1000 / fps)`` ms) repeated ``m`` times, as
    the same array. An image sequence (``media.frames``) gives one frame per file; a video
    container one per decoded frame. Used to join clips made one after another.

    Raises:
        ProviderRejected: ``OUTPUT_UNDECODABLE`` when the media has no decodable video frame.
    """
    try:
        return _rated(media, fps, _native)
    except (av.FFmpegError, OSError, IndexError, StopIteration, ValueError, Image.DecompressionBombError) as exc:
        raise ProviderRejected(
            f"{provider} output cannot be decoded ({media.suffix or 'frames'}): {exc}",
            provider=provider,
            reason="OUTPUT_UNDECODABLE",
        ) from exc


def _retime(source: list[Frame], frames: int) -> list[Frame]:
    """``frames`` frames spanning ``source`` evenly: output ``k`` sits at source position
    ``k * (n - 1) / (frames - 1)`` and blends the two source frames around it by distance."""
    n = len(source)
    if n == 1 or frames == 1:
        return [source[0]] * frames
    out: list[Frame] = []
    for k in range(frames):
        position = k * (n - 1) / (frames - 1)
        i = min(int(position), n - 1)
        weight = round((position - i) * 256)
        if weight == 0 or i == n - 1:
            out.append(source[i])
        elif weight == 256:
            out.append(source[i + 1])
        elif source[i] is source[i + 1]:  # one merged frame: nothing to blend
            out.append(source[i])
        else:
            a, b = source[i].astype(np.uint16), source[i + 1].astype(np.uint16)
            out.append(((a * (256 - weight) + b * weight + 128) >> 8).astype(np.uint8))
    return out


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
