"""The static background of a shot: sky, light, the place and its landmarks.

Painted once per shot into a canvas covering only the part of the world the camera sees during
the shot, at the resolution the closest framing needs (see ``draw.ShotPainter``). The sky, the sun
or moon and stars and the clouds are painted here; the place itself by its setting's painter
(``settings.paint_setting``). Random details (cloud shapes, stars, tree and building placement)
are seeded by the scene, not the shot, so every shot of a scene shows the same place.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from drishya.analysis.v1 import analysis_pb2

from .pen import HORIZON_Y, RGB, WORLD_W, Affine, Pen
from .places_common import ROOM_FLOOR_Y, SKY_STOPS, SUN, WINDOW, sky_colour, sun_of
from .scene import Scene
from .settings import SETTINGS, paint_setting

F32 = npt.NDArray[np.float32]

INDOOR_HORIZON_Y = ROOM_FLOOR_Y
"""World y of the line where a room's back wall meets its floor."""


@dataclass(frozen=True)
class Region:
    """The world rectangle a canvas covers and its resolution in pixels per world unit."""

    x0: float
    y0: float
    x1: float
    y1: float
    scale: float

    @property
    def size(self) -> tuple[int, int]:
        return (
            max(1, math.ceil((self.x1 - self.x0) * self.scale)),
            max(1, math.ceil((self.y1 - self.y0) * self.scale)),
        )

    @property
    def affine(self) -> Affine:
        return Affine.scale_offset(self.scale, self.x0, self.y0)


def ground_colour(scene: Scene) -> RGB:
    """The base ground colour of the place (before light); snow covers the ground outdoors."""
    if scene.weather == analysis_pb2.WEATHER_SNOW and not scene.indoor:
        return (232, 236, 244)
    spec = SETTINGS.get(scene.setting)
    if spec is None:
        return (142, 98, 62) if scene.indoor else (92, 142, 62)
    return spec.ground


def paint_background(scene: Scene, region: Region, *, blur: float = 0.0) -> Image.Image:
    """Paint the static layer of ``region`` (RGB, ``region.size``); ``blur`` in world units softens it."""
    w, h = region.size
    rng = np.random.default_rng(scene.seed)
    rows = region.y0 + (np.arange(h, dtype=np.float32) + 0.5) / region.scale
    horizon = INDOOR_HORIZON_Y if scene.indoor else float(HORIZON_Y)
    sky = sky_colour(scene, rows / horizon)
    ground_base = np.array(scene.shade(ground_colour(scene), 0.8 if scene.wet else 1.0), np.float32)
    haze = sky_colour(scene, np.array([1.0], np.float32))[0]
    depth = np.clip((rows - horizon) / (region.y1 - horizon + 1e-3), 0, 1)[:, None] if region.y1 > horizon else None
    colours = sky
    if depth is not None:
        near = ground_base * 0.82
        far = ground_base * 0.7 + haze * 0.3
        ground = far * (1 - depth) + near * depth
        colours = np.where((rows >= horizon)[:, None], ground, sky)
    # one colour per row: the canvas is filled in 8 bits, and only the sun's patch is mixed in floats
    colours = np.clip(colours, 0, 255).astype(np.float32)
    arr = np.empty((h, w, 3), np.uint8)
    arr[:] = colours.astype(np.uint8)[:, None, :]
    if not scene.indoor:
        _sun_glow(scene, region, colours, arr)
    image = Image.fromarray(arr, "RGB")
    pen = Pen(image, region.affine)
    if not scene.indoor:
        _sky_details(scene, pen, rng, region)
    paint_setting(scene, pen, rng, region)
    if scene.weather == analysis_pb2.WEATHER_FOG and not scene.indoor:
        out = np.asarray(image, dtype=np.float32)
        fog = np.array(scene.shade((205, 208, 212)), np.float32)
        amount = np.clip(0.62 - 0.4 * np.clip((rows - horizon) / 400.0, 0, 1), 0.2, 0.62)[:, None, None]
        image = Image.fromarray((out * (1 - amount) + fog * amount).astype(np.uint8), "RGB")
    image = image.filter(grade_lut(scene))
    if blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(blur * region.scale))
    return image


@functools.lru_cache(maxsize=16)
def grade_lut(scene: Scene) -> ImageFilter.Color3DLUT:
    """The mood grade of ``scene`` as a 33-point 3D LUT (Pillow applies it in C, trilinearly)."""
    size = 33
    axis = np.linspace(0.0, 255.0, size, dtype=np.float32)
    # Color3DLUT tables run with red fastest, then green, then blue
    b, g, r = np.meshgrid(axis, axis, axis, indexing="ij")
    grid = np.stack([r, g, b], axis=-1).reshape(-1, 3)
    table = scene.grade(grid) / 255.0
    return ImageFilter.Color3DLUT(size, table.reshape(-1).tolist())


def _sun_glow(scene: Scene, region: Region, colours: F32, arr: npt.NDArray[np.uint8]) -> None:
    """Mix the sun's glow into ``arr`` (the canvas, rows of ``colours``) where it reaches, in place."""
    sx, sy, r, colour, strength = sun_of(scene)
    if scene.overcast:
        strength *= 0.35
    reach = r * 6
    xa = int(max(0, (sx - reach - region.x0) * region.scale))
    xb = int(min(arr.shape[1], (sx + reach - region.x0) * region.scale))
    ya = int(max(0, (sy - reach - region.y0) * region.scale))
    yb = int(min(arr.shape[0], (min(sy + reach, HORIZON_Y) - region.y0) * region.scale))
    if xa >= xb or ya >= yb:
        return
    xs = region.x0 + (np.arange(xa, xb, dtype=np.float32) + 0.5) / region.scale
    ys = region.y0 + (np.arange(ya, yb, dtype=np.float32) + 0.5) / region.scale
    d2 = ((xs[None, :] - sx) ** 2 + (ys[:, None] - sy) ** 2) / (r * 2.2) ** 2
    glow = (np.exp(-d2) * strength)[..., None]
    patch = colours[ya:yb, None, :]
    mixed = patch + (np.array(colour, np.float32) - patch) * glow
    arr[ya:yb, xa:xb] = np.clip(mixed, 0, 255).astype(np.uint8)


def _sky_details(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    sx, sy, r, colour, _ = sun_of(scene)
    if scene.night:
        for _ in range(260):
            x, y = rng.uniform(0, WORLD_W), rng.uniform(0, HORIZON_Y - 40)
            b = int(rng.uniform(120, 255) * (0.35 if scene.overcast else 1.0))
            pen.circle(x, y, rng.uniform(0.9, 2.2), (b, b, min(255, b + 20), 255))
        pen.circle(sx, sy, r, (236, 238, 246) if not scene.overcast else (120, 124, 140))
        if not scene.overcast:
            for _ in range(5):  # craters
                pen.circle(
                    sx + rng.uniform(-0.5, 0.5) * r,
                    sy + rng.uniform(-0.5, 0.5) * r,
                    rng.uniform(0.1, 0.22) * r,
                    (205, 208, 222, 160),
                )
    elif not scene.overcast:
        _disc_above_horizon(pen, sx, sy, r * 1.25, (*colour, 70))
        _disc_above_horizon(pen, sx, sy, r, (*colour, 255))
    elif scene.weather == analysis_pb2.WEATHER_CLOUDY:
        _disc_above_horizon(pen, sx, sy, r, (*colour, 90))
    cloud_counts: dict[int, int] = {
        analysis_pb2.WEATHER_CLOUDY: 10,
        analysis_pb2.WEATHER_RAIN: 13,
        analysis_pb2.WEATHER_STORM: 15,
        analysis_pb2.WEATHER_SNOW: 9,
        analysis_pb2.WEATHER_WIND: 6,
        analysis_pb2.WEATHER_FOG: 0,
    }
    clouds = cloud_counts.get(scene.weather, 0 if scene.night else 4)
    if not clouds:
        return
    if scene.weather == analysis_pb2.WEATHER_STORM:
        tint: RGB = (78, 82, 98)
    elif scene.wet:
        tint = (140, 145, 156)
    elif scene.night:
        tint = (58, 64, 86)
    elif scene.time_of_day in (analysis_pb2.TIME_OF_DAY_EVENING, analysis_pb2.TIME_OF_DAY_DAWN):
        tint = (250, 178, 150)
    else:
        tint = (246, 246, 250)
    mask = Image.new("L", pen.image.size, 0)
    mpen = ImageDraw.Draw(mask)
    for _ in range(clouds):
        cx, cy = rng.uniform(-100, WORLD_W + 100), rng.uniform(60, HORIZON_Y - 170)
        width = rng.uniform(180, 420) * (1.3 if scene.overcast else 1.0)
        for _ in range(7):
            ex = cx + rng.uniform(-0.5, 0.5) * width
            ey = cy + rng.uniform(-0.12, 0.12) * width
            er = rng.uniform(0.12, 0.26) * width
            px, py = pen.m.apply(ex, ey)
            rr = er * pen.m.k
            mpen.ellipse((px - rr * 1.4, py - rr * 0.8, px + rr * 1.4, py + rr * 0.8), fill=215)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, 14 * region.scale)))
    pen.image.paste(Image.new("RGB", pen.image.size, tint), (0, 0), mask)


def _disc_above_horizon(pen: Pen, x: float, y: float, r: float, colour: tuple[int, int, int, int]) -> None:
    """A disc centred above the horizon, cut flat where it meets the horizon (a setting sun)."""
    pts = [(x + r * math.cos(t), min(HORIZON_Y, y + r * math.sin(t))) for t in np.linspace(0, math.tau, 48)]
    pen.poly(pts, colour)


def window_rect() -> tuple[float, float, float, float]:
    """The window of every indoor setting in world units (x0, y0, x1, y1): weather is seen only
    through it (``draw`` clips rain and snow to it), so every indoor painter puts a window here."""
    return WINDOW


__all__ = ["SKY_STOPS", "SUN", "Region", "ground_colour", "paint_background", "sky_colour", "window_rect"]
