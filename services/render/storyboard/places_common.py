"""Pieces shared by the setting painters: sky colours, the sun, water, trees, lights and lettering.

World units as in ``pen`` (y down, horizon at ``HORIZON_Y``, people's feet at ``GROUND_Y``). Colours
of scenery go through ``scene.shade`` (the light of the time of day and the weather); things that
shine (lamps, screens, lit windows) keep their own colour so they glow at night.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from drishya.analysis.v1 import analysis_pb2

from .pen import HORIZON_Y, RGB, WORLD_W, Affine, Color, Pen

if TYPE_CHECKING:
    from .scene import Scene

F32 = npt.NDArray[np.float32]

RIVER_BAND = (742.0, 818.0)
"""World y band of a river across the frame (the animated ripples of ``draw`` run inside it)."""
WIDE_RIVER_BAND = (712.0, 836.0)
"""World y band of the river of a river bank or under a bridge: wider, the ripples still inside it."""
SEA_BAND = (648.0, 770.0)
"""World y band of the sea, from the horizon to the shoreline (``draw`` animates waves in it)."""
LAKE_BAND = (652.0, 860.0)
"""World y band of a lake, from its far shore to its near shore."""

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
    analysis_pb2.TIME_OF_DAY_DAWN: (0.16, HORIZON_Y - 124, 56, (255, 205, 150), 0.45),
    analysis_pb2.TIME_OF_DAY_MORNING: (0.25, 270, 44, (255, 246, 215), 0.3),
    analysis_pb2.TIME_OF_DAY_NOON: (0.55, 110, 42, (255, 255, 238), 0.35),
    analysis_pb2.TIME_OF_DAY_AFTERNOON: (0.75, 250, 45, (255, 236, 190), 0.32),
    analysis_pb2.TIME_OF_DAY_EVENING: (0.84, HORIZON_Y - 130, 66, (255, 172, 70), 0.55),
    analysis_pb2.TIME_OF_DAY_NIGHT: (0.74, 175, 36, (235, 238, 250), 0.18),
}
"""(x as a fraction of the world width, y, radius, colour, glow strength); the moon at night.

At dawn the sun sits low in the east (left), in the evening low in the west (right): just above the
far hills and tree lines, which would hide it any lower."""

WINDOW = (WORLD_W * 0.3, 300.0, WORLD_W * 0.3 + 320.0, 560.0)
"""The window of every indoor setting (x0, y0, x1, y1): weather is drawn only inside it."""
ROOM_FLOOR_Y = 720.0
"""World y of the line where a room's back wall meets its floor."""

LAMP: RGB = (255, 214, 130)
"""The colour of a lit lamp or window at night."""


def scaled(pen: Pen, x: float, y: float, s: float) -> Pen:
    """A pen drawing on ``pen``'s image ``s`` times larger about world point ``(x, y)``."""
    m = pen.m
    cx, cy = x - s * x, y - s * y
    return Pen(
        pen.image, Affine(m.a * s, m.b * s, m.a * cx + m.b * cy + m.c, m.d * s, m.e * s, m.d * cx + m.e * cy + m.f)
    )


def sun_of(scene: Scene) -> tuple[float, float, float, RGB, float]:
    """The sun (or the moon at night) of ``scene``: x, y, radius, colour, glow strength."""
    fx, y, r, colour, strength = SUN.get(scene.time_of_day, SUN[analysis_pb2.TIME_OF_DAY_MORNING])
    return fx * WORLD_W, y, r, colour, strength


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


def sky_rgb(scene: Scene, frac: float) -> RGB:
    """One sky colour at height ``frac`` (0 zenith, 1 horizon)."""
    r, g, b = (int(v) for v in sky_colour(scene, np.array([frac], np.float32))[0])
    return (r, g, b)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` blended toward ``b`` by ``t`` (0..1)."""
    return (int(a[0] + (b[0] - a[0]) * t), int(a[1] + (b[1] - a[1]) * t), int(a[2] + (b[2] - a[2]) * t))


def lamps_lit(scene: Scene) -> bool:
    """Lamps, windows and screens shine: at night, in the evening and under a storm."""
    return (
        scene.night
        or scene.time_of_day == analysis_pb2.TIME_OF_DAY_EVENING
        or scene.weather == analysis_pb2.WEATHER_STORM
    )


def glow(pen: Pen, x: float, y: float, r: float, colour: RGB = LAMP) -> None:
    """A light at ``(x, y)``: a bright core of radius ``r`` inside two soft halos."""
    pen.circle(x, y, r * 3.2, (*colour, 34))
    pen.circle(x, y, r * 1.9, (*colour, 70))
    pen.circle(x, y, r, colour)


def sky_panel(scene: Scene, pen: Pen, x0: float, y0: float, x1: float, y1: float, bands: int = 14) -> None:
    """The sky seen through an opening (a window): its gradient from high to the horizon."""
    sky = sky_colour(scene, np.linspace(0.35, 1.0, bands, dtype=np.float32))
    step = (y1 - y0) / bands
    for i, c in enumerate(sky):
        pen.rect(x0, y0 + i * step, x1, y0 + (i + 1) * step + 1, (int(c[0]), int(c[1]), int(c[2])))


def toward(vanish: tuple[float, float], x: float, y: float, at_y: float) -> float:
    """x at height ``at_y`` of the ground line from ``(x, y)`` to the vanishing point."""
    vx, vy = vanish
    return vx + (x - vx) * (at_y - vy) / (y - vy)


def depth_rows(near: float, far: float, n: int) -> list[float]:
    """``n + 1`` ground rows from ``near`` to ``far`` (world y) at equal steps of depth."""
    a, b = 1.0 / (near - HORIZON_Y + 1e-3), 1.0 / (far - HORIZON_Y + 1e-3)
    return [HORIZON_Y + 1.0 / (a + (b - a) * k / n) for k in range(n + 1)]


def lettering(pen: Pen, x0: float, y0: float, x1: float, y1: float, colour: Color, seed: int = 0) -> None:
    """A line of lettering seen from afar: word blocks of capitals filling the box."""
    rng = np.random.default_rng(seed)
    h = y1 - y0
    x = x0
    while x < x1 - h * 0.5:
        for _ in range(int(rng.integers(3, 7))):
            w = h * rng.uniform(0.45, 0.8)
            if x + w > x1:
                return
            pen.rect(x, y0, x + w, y1, colour)
            x += w + h * 0.18
        x += h * 0.55


def tree(scene: Scene, pen: Pen, rng: np.random.Generator, x: float, y: float, size: float) -> None:
    """A broadleaf tree standing at ``(x, y)``, ``size`` times 120 units tall."""
    trunk = scene.shade((92, 64, 40))
    pen.poly(
        [(x - 9 * size, y), (x - 5 * size, y - 70 * size), (x + 5 * size, y - 70 * size), (x + 9 * size, y)], trunk
    )
    for _ in range(5):
        g = rng.uniform(0.75, 1.1)
        leaf = scene.shade((int(50 * g), int(110 * g), int(48 * g)))
        pen.circle(x + rng.uniform(-28, 28) * size, y - rng.uniform(75, 115) * size, rng.uniform(26, 40) * size, leaf)


def tree_line(
    scene: Scene, pen: Pen, rng: np.random.Generator, count: int, keep_clear: Sequence[tuple[float, float]] = ()
) -> None:
    """``count`` small trees along the horizon, none in the x ranges of ``keep_clear``."""
    xs = np.sort(rng.uniform(0, WORLD_W, count))
    for x in xs:
        if any(a <= x <= b for a, b in keep_clear):
            continue
        tree(scene, pen, rng, float(x), HORIZON_Y + rng.uniform(4, 26), rng.uniform(0.7, 1.3))


def far_hills(scene: Scene, pen: Pen, rng: np.random.Generator, *, mountains: bool = False) -> None:
    """A hazy range along the horizon: low hills, or mountains (snow on their peaks in snow)."""
    haze = sky_rgb(scene, 0.95)
    colour = mix(scene.shade((70, 100, 80)), haze, 0.45)
    peaks, low, high = (9, 170, 330) if mountains else (14, 45, 110)
    xs = np.arange(-60.0, WORLD_W + 80.0, 16.0)
    phases = rng.uniform(0, math.tau, 3)
    freqs = np.array([1.0, 2.3, 5.1]) * peaks / WORLD_W * math.tau / 2
    wave = sum(np.sin(xs * f + p) * w for f, p, w in zip(freqs, phases, (1.0, 0.45, 0.18), strict=True))
    shape = np.abs(wave) if mountains else (wave + 1.6) / 3.2
    heights = low + (high - low) * np.clip(shape, 0, 1.2)
    pts = [(float(x), float(HORIZON_Y - hgt)) for x, hgt in zip(xs, heights, strict=True)]
    pen.poly([(-60.0, HORIZON_Y + 2.0), *pts, (float(xs[-1]), HORIZON_Y + 2.0)], colour)
    if mountains and scene.weather == analysis_pb2.WEATHER_SNOW:
        for i in range(1, len(pts) - 1):
            x, y = pts[i]
            if y < pts[i - 1][1] and y <= pts[i + 1][1] and y < HORIZON_Y - 0.8 * high:
                pen.poly([(x - 40, y + 50), (x, y), (x + 40, y + 50)], (240, 242, 248, 230))


def river(scene: Scene, pen: Pen, top: float = 742.0, bottom: float = 818.0) -> None:
    """A river across the frame between world rows ``top`` and ``bottom``, with the sun's glitter."""
    water = mix(scene.shade((40, 90, 130)), sky_rgb(scene, 0.8), 0.45)
    pen.rect(-10, top, WORLD_W + 10, bottom, water)
    bank = scene.shade((120, 100, 70))
    pen.rect(-10, top - 6, WORLD_W + 10, top, bank)
    pen.rect(-10, bottom, WORLD_W + 10, bottom + 8, bank)
    glitter(scene, pen, top + 8, 6)


def glitter(scene: Scene, pen: Pen, top: float, rows: int) -> None:
    """The sun's (or the moon's) path of light on water below ``top``."""
    sx, _, _, colour, _ = sun_of(scene)
    if scene.overcast:
        return
    for i in range(rows):
        yy = top + i * 11
        pen.rect(sx - 30 + i * 3, yy, sx + 30 - i * 3, yy + 3, (*colour, 120))


def bench(scene: Scene, pen: Pen, x: float, base: float, width: float, colour: RGB = (120, 80, 48)) -> None:
    """A slatted bench on legs, ``width`` wide, standing at ``base`` (1 m ≈ 176 units near)."""
    wood, iron = scene.shade(colour), scene.shade((50, 50, 54))
    s = width / 300
    for lx in (x - width * 0.42, x + width * 0.42):
        pen.rect(lx - 5 * s, base - 80 * s, lx + 5 * s, base, iron)
    pen.rect(x - width / 2, base - 84 * s, x + width / 2, base - 72 * s, wood)
    pen.rect(x - width / 2, base - 150 * s, x + width / 2, base - 136 * s, wood)
    pen.rect(x - width / 2, base - 126 * s, x + width / 2, base - 112 * s, wood)


def lamp_post(scene: Scene, pen: Pen, x: float, base: float, height: float) -> None:
    """A street lamp ``height`` tall; it shines when lamps are lit."""
    pole = scene.shade((60, 62, 66))
    pen.rect(x - height * 0.014, base - height, x + height * 0.014, base, pole)
    pen.rect(x - height * 0.03, base - height * 0.05, x + height * 0.03, base, pole)
    pen.poly([(x - 22 * height / 300, base - height), (x, base - height - 14 * height / 300),
              (x + 22 * height / 300, base - height)], pole)  # fmt: skip
    head = (x, base - height + 8 * height / 300)
    if lamps_lit(scene):
        glow(pen, head[0], head[1], 9 * height / 300)
    else:
        pen.circle(head[0], head[1], 8 * height / 300, scene.shade((230, 230, 220)))
