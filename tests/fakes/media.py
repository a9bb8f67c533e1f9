"""Media of a known colour, in the formats providers return, for the fakes and the normalisation tests."""

from __future__ import annotations

import io
from fractions import Fraction
from typing import cast

import av
import numpy as np
from av.video.stream import VideoStream
from PIL import Image

RGB = tuple[int, int, int]


def png(colour: RGB, size: tuple[int, int] = (768, 512)) -> bytes:
    """One PNG of ``size`` (width, height) filled with ``colour``."""
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, format="PNG")
    return buf.getvalue()


def animated(
    colour: RGB | list[RGB], frames: int, fps: int, fmt: str = "WEBP", size: tuple[int, int] = (512, 288)
) -> bytes:
    """An animated WebP or GIF of ``frames`` frames at ``fps``, of ``colour`` (or ``colour[k]`` for
    frame ``k``; libwebp merges identical consecutive frames into one longer frame)."""
    images = [Image.new("RGB", size, colour[k] if isinstance(colour, list) else colour) for k in range(frames)]
    buf = io.BytesIO()
    extra = {"lossless": True} if fmt == "WEBP" else {}
    images[0].save(
        buf, format=fmt, save_all=True, append_images=images[1:], duration=round(1000 / fps), loop=0, **extra
    )
    return buf.getvalue()


def video(
    colour: RGB | list[RGB], frames: int, fps: int, size: tuple[int, int] = (640, 360), fmt: str = "mp4"
) -> bytes:
    """An H.264 MP4 (or VP9 WebM with ``fmt="webm"``) of ``frames`` frames at ``fps``, of ``colour``
    (or of ``colour[k]`` for frame ``k``)."""
    buf = io.BytesIO()
    codec = "libx264" if fmt == "mp4" else "libvpx-vp9"
    with av.open(buf, "w", format=fmt) as container:
        stream = cast(VideoStream, container.add_stream(codec, rate=fps))
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        rgb = np.zeros((size[1], size[0], 3), np.uint8)
        for k in range(frames):
            rgb[:] = colour[k] if isinstance(colour, list) else colour
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts, frame.time_base = k, Fraction(1, fps)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buf.getvalue()


def close_to(pixel: object, colour: RGB, tolerance: int = 24) -> bool:
    """Whether an RGB ``pixel`` is within ``tolerance`` of ``colour`` on every channel."""
    values = [int(v) for v in pixel]  # type: ignore[attr-defined]
    return all(abs(a - b) <= tolerance for a, b in zip(values, colour, strict=True))
