"""The static background of a shot: sky, light, far scenery, the place and its landmarks.

Painted once per shot into a canvas covering only the part of the world the camera sees during
the shot, at the resolution the closest framing needs (see ``draw.ShotPainter``). Random details
(cloud shapes, stars, tree and building placement) are seeded by the scene, not the shot, so every
shot of a scene shows the same place.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

from drishya.analysis.v1 import analysis_pb2

from .pen import GROUND_Y, HORIZON_Y, RGB, WORLD_W, Affine, Pen
from .scene import Scene

F32 = npt.NDArray[np.float32]

SKY_STOPS: dict[int, list[tuple[float, RGB]]] = {
    analysis_pb2.TIME_OF_DAY_DAWN: [
        (0, (62, 72, 130)), (0.55, (200, 130, 160)), (0.85, (250, 170, 150)), (1, (255, 205, 160)),
    ],
    analysis_pb2.TIME_OF_DAY_MORNING: [(0, (80, 140, 215)), (0.7, (150, 195, 235)), (1, (205, 225, 240))],
    analysis_pb2.TIME_OF_DAY_NOON: [(0, (45, 120, 225)), (0.6, (110, 172, 242)), (1, (190, 220, 248))],
    analysis_pb2.TIME_OF_DAY_AFTERNOON: [(0, (70, 130, 210)), (0.7, (150, 185, 225)), (1, (235, 215, 180))],
    analysis_pb2.TIME_OF_DAY_EVENING: [
        (0, (48, 42, 100)), (0.45, (160, 80, 110)), (0.8, (240, 130, 60)), (1, (255, 196, 92)),
    ],
    analysis_pb2.TIME_OF_DAY_NIGHT: [(0, (5, 8, 28)), (0.7, (14, 26, 62)), (1, (32, 46, 86))],
}  # fmt: skip
"""Sky colour from the zenith (0) to the horizon (1) per time of day."""

SUN: dict[int, tuple[float, float, float, RGB, float]] = {
    analysis_pb2.TIME_OF_DAY_DAWN: (0.18, HORIZON_Y - 40, 56, (255, 205, 150), 0.45),
    analysis_pb2.TIME_OF_DAY_MORNING: (0.25, 270, 44, (255, 246, 215), 0.3),
    analysis_pb2.TIME_OF_DAY_NOON: (0.55, 110, 42, (255, 255, 238), 0.35),
    analysis_pb2.TIME_OF_DAY_AFTERNOON: (0.75, 250, 45, (255, 236, 190), 0.32),
    analysis_pb2.TIME_OF_DAY_EVENING: (0.8, HORIZON_Y - 60, 66, (255, 172, 70), 0.55),
    analysis_pb2.TIME_OF_DAY_NIGHT: (0.74, 175, 36, (235, 238, 250), 0.18),
}
"""(x as a fraction of the world width, y, radius, colour, glow strength); the moon at night."""

GROUND: dict[str, RGB] = {
    "indoor": (142, 98, 62),
    "beach": (222, 200, 150),
    "city": (108, 104, 102),
    "market": (150, 120, 90),
    "temple": (165, 145, 112),
    "forest": (52, 98, 46),
    "village": (92, 142, 62),
}


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


def sky_colour(scene: Scene, frac: F32) -> F32:
    """Sky colours (``(n, 3)`` float32) at heights ``frac`` (0 zenith, 1 horizon), weather included."""
    stops = SKY_STOPS.get(scene.time_of_day, SKY_STOPS[analysis_pb2.TIME_OF_DAY_MORNING])
    xs = np.array([p for p, _ in stops], np.float32)
    cols = np.array([c for _, c in stops], np.float32)
    f = np.clip(frac, 0, 1)
    out = np.stack([np.interp(f, xs, cols[:, i]) for i in range(3)], axis=-1).astype(np.float32)
    w = scene.weather
    target: tuple[float, float, float] | None = None
    mix, dim = 0.0, 1.0
    if w == analysis_pb2.WEATHER_CLOUDY:
        mix, dim = 0.5, 0.92
    elif w == analysis_pb2.WEATHER_RAIN:
        mix, dim = 0.65, 0.72
    elif w == analysis_pb2.WEATHER_STORM:
        mix, dim = 0.75, 0.5
    elif w == analysis_pb2.WEATHER_FOG:
        mix, target = 0.7, (205.0, 207.0, 212.0)
    elif w == analysis_pb2.WEATHER_SNOW:
        mix, target = 0.6, (212.0, 218.0, 228.0)
    if scene.night:
        mix *= 0.4
        target = None if target is None else (40.0, 46.0, 64.0)
    if mix:
        if target is None:
            grey = (out @ np.array([0.299, 0.587, 0.114], np.float32))[:, None]
            out = out * (1 - mix) + grey * mix
        else:
            out = out * (1 - mix) + np.array(target, np.float32) * mix
        out = out * dim
    return out.astype(np.float32)


def ground_colour(scene: Scene) -> RGB:
    """The base ground colour of the place (before light)."""
    if scene.weather == analysis_pb2.WEATHER_SNOW and not scene.indoor:
        return (232, 236, 244)
    for feature in ("indoor", "beach", "city", "market", "temple", "forest", "village"):
        if feature in scene.features:
            return GROUND[feature]
    return GROUND["village"]


def paint_background(scene: Scene, region: Region, *, blur: float = 0.0) -> Image.Image:
    """Paint the static layer of ``region`` (RGB, ``region.size``); ``blur`` in world units softens it."""
    w, h = region.size
    rng = np.random.default_rng(scene.seed)
    rows = region.y0 + (np.arange(h, dtype=np.float32) + 0.5) / region.scale
    horizon = 720.0 if scene.indoor else float(HORIZON_Y)
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
    if scene.indoor:
        _interior(scene, pen, rng, region)
    else:
        _sky_details(scene, pen, rng, region)
        _far(scene, pen, rng)
        _place(scene, pen, rng)
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
    fx, sy, r, colour, strength = SUN.get(scene.time_of_day, SUN[analysis_pb2.TIME_OF_DAY_MORNING])
    if scene.overcast:
        strength *= 0.35
    sx = fx * WORLD_W
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
    fx, sy, r, colour, _ = SUN.get(scene.time_of_day, SUN[analysis_pb2.TIME_OF_DAY_MORNING])
    sx = fx * WORLD_W
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
        pen.circle(sx, sy, r * 1.25, (*colour, 70))
        pen.circle(sx, sy, r, colour)
    elif scene.weather == analysis_pb2.WEATHER_CLOUDY:
        pen.circle(sx, sy, r, (*colour, 90))
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


def _far(scene: Scene, pen: Pen, rng: np.random.Generator) -> None:
    haze = tuple(int(v) for v in sky_colour(scene, np.array([0.95], np.float32))[0])
    base = scene.shade((70, 100, 80))
    colour = tuple(int(b * 0.55 + h * 0.45) for b, h in zip(base, haze, strict=True))
    if "mountain" in scene.features:
        peaks, low, high = 9, 170, 330
    elif not scene.features & {"city", "beach"}:
        peaks, low, high = 14, 45, 110
    else:
        return
    xs = np.arange(-60.0, WORLD_W + 80.0, 16.0)
    phases = rng.uniform(0, math.tau, 3)
    freqs = np.array([1.0, 2.3, 5.1]) * peaks / WORLD_W * math.tau / 2
    wave = sum(np.sin(xs * f + p) * w for f, p, w in zip(freqs, phases, (1.0, 0.45, 0.18), strict=True))
    shape = np.abs(wave) if "mountain" in scene.features else (wave + 1.6) / 3.2
    heights = low + (high - low) * np.clip(shape, 0, 1.2)
    pts = [(float(x), float(HORIZON_Y - hgt)) for x, hgt in zip(xs, heights, strict=True)]
    pen.poly([(-60.0, HORIZON_Y + 2.0), *pts, (float(xs[-1]), HORIZON_Y + 2.0)], (*colour[:3], 255))  # type: ignore[arg-type]
    if "mountain" in scene.features and scene.weather == analysis_pb2.WEATHER_SNOW:
        for i in range(1, len(pts) - 1):
            x, y = pts[i]
            if y < pts[i - 1][1] and y <= pts[i + 1][1] and y < HORIZON_Y - 0.8 * high:
                pen.poly([(x - 40, y + 50), (x, y), (x + 40, y + 50)], (240, 242, 248, 230))


def _place(scene: Scene, pen: Pen, rng: np.random.Generator) -> None:
    f = scene.features
    if "beach" in f:
        _sea(scene, pen)
    if "city" in f:
        _skyline(scene, pen, rng)
    if "forest" in f:
        _tree_line(scene, pen, rng, 46)
    elif "village" in f or not f - {"mountain"}:
        _tree_line(scene, pen, rng, 9)
    if "village" in f:
        for x in (WORLD_W * 0.12, WORLD_W * 0.24, WORLD_W * 0.86):
            _hut(scene, pen, x, HORIZON_Y + 55)
    if "temple" in f:
        _temple(scene, pen, WORLD_W * 0.66, HORIZON_Y + 72)
    if "market" in f:
        _market(scene, pen, rng)
    if "river" in f:
        _river(scene, pen)
    if "beach" in f:
        for x in (WORLD_W * 0.1, WORLD_W * 0.9):
            _palm(scene, pen, x, GROUND_Y + 40)
    if "forest" in f:
        for x in (WORLD_W * 0.06, WORLD_W * 0.95):
            _tree(scene, pen, rng, x, GROUND_Y + 60, 2.4)


def _tree(scene: Scene, pen: Pen, rng: np.random.Generator, x: float, y: float, size: float) -> None:
    trunk = scene.shade((92, 64, 40))
    pen.poly(
        [(x - 9 * size, y), (x - 5 * size, y - 70 * size), (x + 5 * size, y - 70 * size), (x + 9 * size, y)], trunk
    )
    for _ in range(5):
        g = rng.uniform(0.75, 1.1)
        leaf = scene.shade((int(50 * g), int(110 * g), int(48 * g)))
        pen.circle(x + rng.uniform(-28, 28) * size, y - rng.uniform(75, 115) * size, rng.uniform(26, 40) * size, leaf)


def _tree_line(scene: Scene, pen: Pen, rng: np.random.Generator, count: int) -> None:
    xs = np.sort(rng.uniform(0, WORLD_W, count))
    for x in xs:
        if "temple" in scene.features and abs(x - WORLD_W * 0.66) < 170:
            continue
        _tree(scene, pen, rng, float(x), HORIZON_Y + rng.uniform(4, 26), rng.uniform(0.7, 1.3))


def _hut(scene: Scene, pen: Pen, x: float, y: float) -> None:
    pen.rect(x - 70, y - 70, x + 70, y, scene.shade((186, 138, 92)))
    pen.rect(x - 16, y - 48, x + 16, y, scene.shade((70, 46, 30)))
    pen.poly([(x - 92, y - 66), (x, y - 140), (x + 92, y - 66)], scene.shade((150, 112, 58)))


def _temple(scene: Scene, pen: Pen, x: float, y: float) -> None:
    """A South Indian temple: gopuram (tiered gateway tower), mandapa and a shikhara shrine."""
    backlit = 0.62 if scene.time_of_day in (analysis_pb2.TIME_OF_DAY_EVENING, analysis_pb2.TIME_OF_DAY_DAWN) else 1.0
    stone = scene.shade((196, 170, 128), backlit)
    dark = scene.shade((120, 98, 70), backlit)
    gold = scene.shade((222, 178, 70), backlit)
    # compound wall
    pen.rect(x - 560, y - 62, x + 470, y, scene.shade((176, 150, 112), backlit))
    pen.rect(x - 560, y - 66, x + 470, y - 58, dark)
    # mandapa: pillared hall with a flat roof and a low stepped parapet
    mx = x - 330
    pen.rect(mx - 130, y - 150, mx + 130, y - 132, stone)
    pen.poly([(mx - 110, y - 150), (mx - 80, y - 178), (mx + 80, y - 178), (mx + 110, y - 150)], dark)
    for i in range(6):
        px = mx - 115 + i * 46
        pen.rect(px, y - 132, px + 14, y - 20, stone)
    pen.rect(mx - 135, y - 20, mx + 135, y, dark)
    # shikhara shrine: a curvilinear tower with an amalaka disc
    sx = x + 300
    pen.rect(sx - 70, y - 90, sx + 70, y, stone)
    pts = []
    for i in range(13):
        t = i / 12
        half = 62 * (1 - t**1.6) + 10
        pts.append((sx - half, y - 90 - 200 * t))
    pts += [(2 * sx - px_, py_) for px_, py_ in reversed(pts)]
    pen.poly(pts, stone)
    for i in range(1, 6):
        yy = y - 90 - 36 * i
        half = 62 * (1 - (36 * i / 200) ** 1.6) + 10
        pen.line([(sx - half, yy), (sx + half, yy)], dark, 3)
    pen.ellipse(sx, y - 296, 26, 9, gold)
    pen.poly([(sx - 5, y - 300), (sx, y - 330), (sx + 5, y - 300)], gold)
    # gopuram: base storey with a doorway, then seven receding tiers and a barrel-vault crown
    pen.rect(x - 130, y - 104, x + 130, y, stone)
    pen.poly(
        [(x - 34, y), (x - 34, y - 64), (x, y - 88), (x + 34, y - 64), (x + 34, y)], scene.shade((48, 34, 26), backlit)
    )
    top = y - 104
    for i in range(6):
        wb = 236 - 26 * i
        wt = wb - 22
        th = 38 - 2 * i
        pen.poly([(x - wb / 2, top), (x - wt / 2, top - th), (x + wt / 2, top - th), (x + wb / 2, top)], stone)
        pen.rect(x - wb / 2 - 4, top - 5, x + wb / 2 + 4, top, dark)
        n = max(2, int(wt / 38))
        for k in range(n):
            nx = x - wt / 2 + (k + 0.5) * wt / n
            pen.rect(nx - 6, top - th + 10, nx + 6, top - 8, dark)
        top -= th
    pen.ellipse(x, top - 14, 58, 22, stone)
    pen.rect(x - 58, top - 14, x + 58, top, stone)
    for k in (-36, -12, 12, 36):
        pen.poly([(x + k - 6, top - 30), (x + k, top - 52), (x + k + 6, top - 30)], gold)
        pen.circle(x + k, top - 30, 6, gold)
    if scene.night or scene.time_of_day == analysis_pb2.TIME_OF_DAY_EVENING:
        for i in range(14):  # oil lamps along the compound wall
            lx = x - 540 + i * 72
            pen.circle(lx, y - 70, 5, (255, 200, 90, 255))
            pen.circle(lx, y - 70, 13, (255, 190, 80, 70))


def _river(scene: Scene, pen: Pen) -> None:
    top, bottom = 742.0, 818.0
    sky = sky_colour(scene, np.array([0.8], np.float32))[0]
    water = tuple(int(v) for v in (sky * 0.45 + np.array(scene.shade((40, 90, 130)), np.float32) * 0.55))
    pen.rect(-10, top, WORLD_W + 10, bottom, (*water[:3], 255))  # type: ignore[arg-type]
    bank = scene.shade((120, 100, 70))
    pen.rect(-10, top - 6, WORLD_W + 10, top, bank)
    pen.rect(-10, bottom, WORLD_W + 10, bottom + 8, bank)
    fx, _, _, colour, _ = SUN.get(scene.time_of_day, SUN[analysis_pb2.TIME_OF_DAY_MORNING])
    if not scene.overcast:
        sx = fx * WORLD_W
        for i in range(6):  # the sun's (or moon's) glitter path
            yy = top + 8 + i * 11
            pen.rect(sx - 30 + i * 3, yy, sx + 30 - i * 3, yy + 3, (*colour, 120))


def _sea(scene: Scene, pen: Pen) -> None:
    sky = sky_colour(scene, np.array([0.9], np.float32))[0]
    deep = np.array(scene.shade((24, 80, 130)), np.float32) * 0.7 + sky * 0.3
    shallow = np.array(scene.shade((60, 160, 170)), np.float32)
    for i in range(12):
        t = i / 11
        c = tuple(int(v) for v in deep * (1 - t) + shallow * t)
        pen.rect(-10, HORIZON_Y + i * 10, WORLD_W + 10, HORIZON_Y + i * 10 + 11, (*c[:3], 255))  # type: ignore[arg-type]


def _palm(scene: Scene, pen: Pen, x: float, y: float) -> None:
    trunk = scene.shade((120, 90, 55))
    pts = [(x + 40 * math.sin(t * 1.2) * t, y - 330 * t) for t in np.linspace(0, 1, 9)]
    pen.line(pts, trunk, 16)
    tx, ty = pts[-1]
    leaf = scene.shade((40, 110, 50))
    for a in range(7):
        ang = -math.pi * 0.9 + a * math.pi * 0.3
        tip = (tx + 130 * math.cos(ang), ty + 60 + 130 * math.sin(ang) * 0.5)
        mid = ((tx + tip[0]) / 2, min(ty, tip[1]) - 20)
        pen.line([(tx, ty), mid, tip], leaf, 10)


def _skyline(scene: Scene, pen: Pen, rng: np.random.Generator) -> None:
    x = -40.0
    lit_chance = 0.55 if scene.night or scene.time_of_day == analysis_pb2.TIME_OF_DAY_EVENING else 0.0
    while x < WORLD_W + 40:
        bw, bh = rng.uniform(90, 190), rng.uniform(120, 380)
        g = rng.uniform(0.75, 1.1)
        body = scene.shade((int(150 * g), int(145 * g), int(140 * g)))
        pen.rect(x, HORIZON_Y - bh, x + bw, HORIZON_Y + 30, body)
        for wy in np.arange(HORIZON_Y - bh + 18, HORIZON_Y + 5, 34):
            for wx in np.arange(x + 14, x + bw - 20, 30):
                lit = rng.random() < lit_chance
                colour = (255, 214, 120) if lit else scene.shade((70, 86, 104))
                pen.rect(wx, wy, wx + 14, wy + 18, colour)
        x += bw + rng.uniform(4, 30)


def _market(scene: Scene, pen: Pen, rng: np.random.Generator) -> None:
    stripes = [c for c in scene.palette] or [(200, 60, 50), (240, 200, 60)]
    for i, x in enumerate(np.linspace(WORLD_W * 0.08, WORLD_W * 0.92, 5)):
        y = HORIZON_Y + 130
        pole = scene.shade((90, 66, 44))
        pen.rect(x - 95, y - 150, x - 88, y, pole)
        pen.rect(x + 88, y - 150, x + 95, y, pole)
        for k in range(6):
            colour = scene.shade(stripes[(i + k) % len(stripes)] if k % 2 else (240, 236, 226))
            pen.poly(
                [
                    (x - 110 + k * 37, y - 150),
                    (x - 73 + k * 37, y - 150),
                    (x - 70 + k * 37, y - 118),
                    (x - 110 + k * 37, y - 118),
                ],
                colour,
            )
        pen.rect(x - 85, y - 62, x + 85, y - 50, scene.shade((130, 92, 58)))
        for _ in range(9):
            fruit = scene.shade(((230, 120, 40), (200, 40, 40), (240, 210, 60), (90, 160, 60))[int(rng.integers(4))])
            pen.circle(x + rng.uniform(-75, 75), y - 70, 9, fruit)


def _interior(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A room: back wall, a window onto the sky and weather, a framed picture and a wooden floor."""
    light = 1.0
    wall_base = max(scene.palette, key=lambda c: sum(c)) if scene.palette else (226, 204, 170)
    wall = scene.shade(tuple(int(0.5 * a + 0.5 * b) for a, b in zip(wall_base, (226, 204, 170), strict=True)), light)  # type: ignore[arg-type]
    pen.rect(-10, -10, WORLD_W + 10, 720, wall)
    pen.rect(-10, 700, WORLD_W + 10, 722, scene.shade((110, 80, 52), light))
    floor = scene.shade((142, 98, 62), light)
    pen.rect(-10, 722, WORLD_W + 10, 1200, floor)
    for i in range(16):
        yy = 722 + i * i * 2.2
        pen.line([(-10, yy), (WORLD_W + 10, yy)], scene.shade((112, 76, 48), light), 2)
    x0, y0, x1, y1 = window_rect()
    sky = sky_colour(scene, np.linspace(0.3, 1.0, 16, dtype=np.float32))
    for i, c in enumerate(sky):
        pen.rect(x0, y0 + i * (y1 - y0) / 16, x1, y0 + (i + 1) * (y1 - y0) / 16 + 1, tuple(int(v) for v in c))  # type: ignore[arg-type]
    frame = scene.shade((96, 64, 40), light)
    pen.rect(x0 - 14, y0 - 14, x1 + 14, y0, frame)
    pen.rect(x0 - 14, y1, x1 + 14, y1 + 18, frame)
    pen.rect(x0 - 14, y0, x0, y1, frame)
    pen.rect(x1, y0, x1 + 14, y1, frame)
    pen.rect((x0 + x1) / 2 - 5, y0, (x0 + x1) / 2 + 5, y1, frame)
    px = WORLD_W * 0.66
    pen.rect(px - 90, 300, px + 90, 430, scene.shade((150, 110, 60), light))
    pen.rect(px - 78, 312, px + 78, 418, scene.shade(scene.palette[0] if scene.palette else (90, 120, 150), light))
    pen.circle(px, 365, 28, scene.shade((240, 200, 90), light))


def window_rect() -> tuple[float, float, float, float]:
    """The room's window in world units (x0, y0, x1, y1): weather is seen only through it."""
    return (WORLD_W * 0.3, 300.0, WORLD_W * 0.3 + 320.0, 560.0)
