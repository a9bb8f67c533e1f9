"""Open-country settings: meadow, village, farm field, forest, mountain and desert.

Each painter draws over the sky and the ground gradient in world units (see ``pen``), lit through
``scene.shade``; people stand at ``GROUND_Y`` around x ≈ 900, so landmarks stand behind them or to
their right, where a wide shot and a landmark shot both see them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from drishya.analysis.v1 import analysis_pb2

from .pen import GROUND_Y, HORIZON_Y, WORLD_W, Pen, Point
from .places_common import far_hills, mix, river, sky_rgb, tree, tree_line

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter


def backdrop(scene: Scene, pen: Pen, rng: np.random.Generator, trees: int, clear: float = -1.0) -> None:
    """Far hills (mountains when the location names them) and a line of trees on the horizon."""
    far_hills(scene, pen, rng, mountains="mountain" in scene.features)
    tree_line(scene, pen, rng, trees, ((clear - 170, clear + 170),) if clear > 0 else ())


def near_river(scene: Scene, pen: Pen) -> None:
    """The river the location names beside a dry-land setting ("temple by the river")."""
    if "river" in scene.features:
        river(scene, pen)


def grass_tufts(scene: Scene, pen: Pen, rng: np.random.Generator, n: int, y0: float, y1: float) -> None:
    """Tufts of grass scattered between rows ``y0`` and ``y1``, larger nearer."""
    for _ in range(n):
        x, y = rng.uniform(0, WORLD_W), rng.uniform(y0, y1)
        s = 0.3 + 0.7 * (y - HORIZON_Y) / (GROUND_Y - HORIZON_Y)
        c = scene.shade((60, int(rng.uniform(110, 150)), 50))
        for dx in (-7.0, 0.0, 7.0):
            pen.poly([(x + dx * s - 3 * s, y), (x + dx * s * 2.2, y - 26 * s), (x + dx * s + 3 * s, y)], c)


def meadow(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Open grass to low hills, a few trees on the horizon, wild flowers in the grass."""
    backdrop(scene, pen, rng, 9)
    near_river(scene, pen)
    grass_tufts(scene, pen, rng, 70, HORIZON_Y + 40, 1120)
    for _ in range(40):
        x, y = rng.uniform(0, WORLD_W), rng.uniform(HORIZON_Y + 60, 1100)
        colour = ((240, 220, 80), (250, 250, 245), (220, 120, 180))[int(rng.integers(3))]
        pen.circle(x, y, 2 + 4 * (y - HORIZON_Y) / 460, scene.shade(colour))


def hut(scene: Scene, pen: Pen, x: float, y: float, size: float = 1.0) -> None:
    """A mud hut with a thatched roof standing at ``(x, y)``."""
    s = size
    pen.rect(x - 70 * s, y - 70 * s, x + 70 * s, y, scene.shade((186, 138, 92)))
    pen.rect(x - 16 * s, y - 48 * s, x + 16 * s, y, scene.shade((70, 46, 30)))
    pen.poly([(x - 92 * s, y - 66 * s), (x, y - 140 * s), (x + 92 * s, y - 66 * s)], scene.shade((150, 112, 58)))


def village(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Thatched huts among trees, haystacks, a well and a dirt path."""
    backdrop(scene, pen, rng, 11)
    for x, y, s in ((0.3, 34, 0.6), (0.56, 30, 0.55), (0.1, 110, 1.5), (0.24, 70, 1.1), (0.74, 64, 1.05),
                    (0.9, 120, 1.6)):  # fmt: skip
        hut(scene, pen, WORLD_W * x, HORIZON_Y + y, s)
    straw, dark = scene.shade((214, 176, 96)), scene.shade((170, 132, 64))
    for x, y, s in ((0.36, 80, 1.2), (0.43, 66, 0.8), (0.63, 58, 1.0)):
        cx, base = WORLD_W * x, HORIZON_Y + y
        pen.poly([(cx - 60 * s, base), (cx - 48 * s, base - 60 * s), (cx, base - 118 * s),
                  (cx + 48 * s, base - 60 * s), (cx + 60 * s, base)], straw)  # fmt: skip
        pen.poly([(cx, base - 118 * s), (cx + 48 * s, base - 60 * s), (cx + 60 * s, base), (cx + 10, base)], dark)
    path = scene.shade((176, 146, 104))
    pen.poly([(WORLD_W * 0.2, HORIZON_Y + 62), (WORLD_W * 0.24, HORIZON_Y + 62), (1100, 1160), (620, 1160)], path)
    # the well: a stone ring under a wooden frame with a pulley
    wx, wy = WORLD_W * 0.7, 820.0
    stone, wood = scene.shade((150, 140, 126)), scene.shade((100, 70, 44))
    pen.rect(wx - 70, wy - 60, wx + 70, wy, stone)
    pen.ellipse(wx, wy - 60, 70, 14, scene.shade((118, 108, 96)))
    pen.ellipse(wx, wy - 60, 56, 9, scene.shade((36, 40, 48)))
    for px in (wx - 62, wx + 62):
        pen.rect(px - 5, wy - 170, px + 5, wy - 60, wood)
    pen.rect(wx - 70, wy - 176, wx + 70, wy - 166, wood)
    pen.circle(wx, wy - 160, 10, scene.shade((60, 60, 60)))
    pen.line([(wx, wy - 150), (wx, wy - 90)], scene.shade((200, 180, 140)), 2)
    near_river(scene, pen)
    grass_tufts(scene, pen, rng, 30, HORIZON_Y + 80, 1120)


def farm_field(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Crop rows running to the horizon, a raised bund with a path across, a pump house, a scarecrow."""
    backdrop(scene, pen, rng, 6)
    vx, vy = WORLD_W * 0.52, float(HORIZON_Y)
    crop, soil = scene.shade((86, 150, 58)), scene.shade((120, 92, 58))
    top = HORIZON_Y + 4.0
    step = 110.0
    for k, xb in enumerate(np.arange(-4000.0, WORLD_W + 4000.0, step)):
        x0a = vx + (xb - vx) * (top - vy) / (1160 - vy)
        x1a = vx + (xb + step - vx) * (top - vy) / (1160 - vy)
        colour = crop if k % 2 == 0 else soil
        pen.poly([(x0a, top), (x1a, top), (xb + step, 1160), (xb, 1160)], colour)
    # the pump house and a few palms far off
    px, py = WORLD_W * 0.8, HORIZON_Y + 22.0
    pen.rect(px - 46, py - 52, px + 46, py, scene.shade((226, 222, 210)))
    pen.poly([(px - 56, py - 50), (px, py - 78), (px + 56, py - 50)], scene.shade((150, 80, 60)))
    pen.rect(px - 10, py - 34, px + 10, py, scene.shade((60, 50, 44)))
    for x in (WORLD_W * 0.12, WORLD_W * 0.9):
        tree(scene, pen, rng, x, HORIZON_Y + 16.0, 1.1)
    # scarecrow
    sx, sy = WORLD_W * 0.26, 790.0
    stick, cloth = scene.shade((110, 80, 50)), scene.shade((170, 60, 50))
    pen.rect(sx - 4, sy - 150, sx + 4, sy, stick)
    pen.rect(sx - 60, sy - 120, sx + 60, sy - 112, stick)
    pen.poly([(sx - 34, sy - 118), (sx + 34, sy - 118), (sx + 26, sy - 60), (sx - 26, sy - 60)], cloth)
    pen.circle(sx, sy - 134, 16, scene.shade((220, 196, 140)))
    pen.poly([(sx - 30, sy - 142), (sx, sy - 168), (sx + 30, sy - 142)], scene.shade((200, 160, 70)))
    near_river(scene, pen)
    # the bund: a raised earthen ridge with grass on it, where people walk
    bund_top, bund_low = 868.0, 934.0
    pen.poly([(-10, bund_top + 6), (WORLD_W + 10, bund_top - 6), (WORLD_W + 10, bund_low), (-10, bund_low)],
             scene.shade((150, 118, 78)))  # fmt: skip
    pen.poly([(-10, bund_top + 6), (WORLD_W + 10, bund_top - 6), (WORLD_W + 10, bund_top + 8), (-10, bund_top + 20)],
             scene.shade((110, 140, 64)))  # fmt: skip
    pen.rect(-10, bund_low, WORLD_W + 10, bund_low + 10, scene.shade((100, 78, 50)))


def forest(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A dense wood: a wall of trees, tall trunks in the middle ground, big trees and ferns in front."""
    backdrop(scene, pen, rng, 46)
    shadow = scene.shade((30, 62, 32))
    for x in np.arange(-40.0, WORLD_W + 60.0, 70.0):
        pen.circle(float(x) + rng.uniform(-20, 20), HORIZON_Y - rng.uniform(60, 140), rng.uniform(60, 90), shadow)
    for x in rng.uniform(0, WORLD_W, 14):
        if 700 < x < 1150:
            continue
        base = HORIZON_Y + rng.uniform(60, 150)
        w = 10 + (base - HORIZON_Y) * 0.12
        pen.rect(float(x) - w / 2, 180, float(x) + w / 2, base, scene.shade((74, 52, 36)))
        for _ in range(3):
            g = rng.uniform(0.7, 1.0)
            pen.circle(float(x) + rng.uniform(-60, 60), rng.uniform(160, 330), rng.uniform(60, 110),
                       scene.shade((int(44 * g), int(100 * g), int(42 * g))))  # fmt: skip
    near_river(scene, pen)
    for x in (WORLD_W * 0.06, WORLD_W * 0.95):
        tree(scene, pen, rng, x, GROUND_Y + 60, 2.4)
    fern = scene.shade((40, 110, 46))
    for _ in range(26):
        x, y = rng.uniform(0, WORLD_W), rng.uniform(HORIZON_Y + 100, 1100)
        s = 0.4 + (y - HORIZON_Y) / 460
        for a in (-1.0, -0.5, 0.0, 0.5, 1.0):
            pen.line([(x, y), (x + 50 * s * math.sin(a), y - 46 * s * math.cos(a))], fern, 6 * s)


def _pine(scene: Scene, pen: Pen, x: float, y: float, h: float) -> None:
    pen.rect(x - h * 0.03, y - h * 0.15, x + h * 0.03, y, scene.shade((80, 56, 36)))
    for k in range(3):
        w, top = h * (0.3 - 0.07 * k), y - h * (0.12 + 0.28 * k)
        pen.poly([(x - w, top), (x, top - h * 0.45), (x + w, top)], scene.shade((34, 84, 56)))


def mountain(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Snow-capped peaks behind a nearer wooded ridge, pines and rocks on the slope in front."""
    haze = sky_rgb(scene, 0.9)
    rock = mix(scene.shade((96, 102, 120)), haze, 0.35)
    lee = mix(scene.shade((70, 76, 96)), haze, 0.3)
    snow = mix(scene.shade((246, 248, 252)), haze, 0.15)
    peaks = ((180.0, 250.0, 420.0), (720.0, 150.0, 520.0), (1260.0, 230.0, 460.0), (1760.0, 120.0, 560.0),
             (2150.0, 260.0, 380.0))  # fmt: skip
    for x, top, w in peaks:
        jag: list[Point] = [(x - w, HORIZON_Y + 4.0)]
        for k in range(1, 6):
            t = k / 6
            jag.append((x - w + w * t + rng.uniform(-20, 20), HORIZON_Y - (HORIZON_Y - top) * t + rng.uniform(-14, 14)))
        pen.poly([*jag, (x, top), (x + w, HORIZON_Y + 4.0)], rock)
        pen.poly([(x, top), (x + w, HORIZON_Y + 4.0), (x + w * 0.2, HORIZON_Y + 4.0)], lee)
        cap = top + (HORIZON_Y - top) * 0.32
        teeth = [(x - w * 0.32 + w * 0.64 * k / 6, cap + (18 if k % 2 else -6)) for k in range(7)]
        pen.poly([(x, top), *reversed(teeth)], snow)
    ridge = mix(scene.shade((58, 92, 62)), haze, 0.2)
    xs = np.arange(-40.0, WORLD_W + 60.0, 20.0)
    ys = HORIZON_Y - 70 - 80 * np.cos((xs - WORLD_W * 0.5) / WORLD_W * math.tau) + 14 * np.sin(xs / 37)
    pen.poly([(-40.0, HORIZON_Y + 30.0), *zip(xs.tolist(), ys.tolist(), strict=True), (float(xs[-1]), HORIZON_Y + 30)],
             ridge)  # fmt: skip
    pines = ((80, 700, 260), (230, 690, 200), (1560, 690, 210), (1700, 710, 280), (1880, 700, 230),
             (390, 660, 120), (1420, 662, 110), (1960, 670, 140))  # fmt: skip
    for px, py, ph in pines:
        _pine(scene, pen, px, py, ph)
    trail = scene.shade((150, 130, 100))
    pen.poly([(1120, HORIZON_Y + 30), (1150, HORIZON_Y + 30), (1300, 1160), (1000, 1160)], trail)
    for _ in range(12):
        x, y = rng.uniform(0, WORLD_W), rng.uniform(HORIZON_Y + 120, 1100)
        s = (y - HORIZON_Y) / 260
        pen.ellipse(x, y, 26 * s, 14 * s, scene.shade((128, 124, 118)))
        pen.ellipse(x - 6 * s, y - 4 * s, 16 * s, 7 * s, scene.shade((160, 156, 150)))


def desert(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Dunes of the Thar in layers, lit faces and shaded lee slopes, a khejri tree and a far camel."""
    lit = scene.shade((236, 200, 140))
    shade = scene.shade((196, 150, 96))
    haze = sky_rgb(scene, 0.95)
    layers = ((HORIZON_Y - 30.0, 0.45, 260.0), (HORIZON_Y + 10.0, 0.25, 380.0), (HORIZON_Y + 90.0, 0.1, 520.0),
              (HORIZON_Y + 210.0, 0.0, 700.0))  # fmt: skip
    for base, fade, wave in layers:
        phase = rng.uniform(0, math.tau)
        xs = np.arange(-40.0, WORLD_W + 60.0, 16.0)
        crest = base - 40 * (1 + np.sin(xs / wave * math.pi + phase)) * (1.3 - fade)
        top = [(float(x), float(y)) for x, y in zip(xs, crest, strict=True)]
        pen.poly([(-40.0, 1160.0), *top, (float(xs[-1]), 1160.0)], mix(lit, haze, fade))
        # the lee side: a shadow under each crest, thinning down to the next trough
        crests = [i for i in range(1, len(top) - 1) if top[i][1] <= top[i - 1][1] and top[i][1] < top[i + 1][1]]
        for i in crests:
            j = i + 1
            while j < len(top) - 1 and top[j + 1][1] > top[j][1]:
                j += 1
            depth = 70 * (1.3 - fade)
            upper = top[i : j + 1]
            lower = [(x, y + depth * (1 - (k / max(1, j - i)) ** 0.7)) for k, (x, y) in enumerate(upper)]
            pen.poly(upper + lower[::-1], mix(shade, haze, fade))
            pen.line(top[max(0, i - 3) : i + 1], (*mix(lit, (255, 250, 235), 0.5), 200), 3)
    # ripples on the near dune
    for k in range(9):
        y = HORIZON_Y + 250.0 + k * 32
        pts = [(float(x), y + 6 * math.sin(x / 90 + k)) for x in range(-20, WORLD_W + 40, 40)]
        pen.line(pts, (*shade, 90), 3)
    # a khejri tree (a flat, spreading crown) and a camel far off
    kx, ky = WORLD_W * 0.78, HORIZON_Y + 110.0
    pen.poly([(kx - 8, ky), (kx - 4, ky - 110), (kx + 4, ky - 110), (kx + 8, ky)], scene.shade((96, 70, 46)))
    for dx, dy, r in ((-50, -120, 40), (0, -135, 46), (50, -118, 38)):
        pen.ellipse(kx + dx, ky + dy, r * 1.4, r * 0.55, scene.shade((96, 120, 60)))
    cx, cy = WORLD_W * 0.3, HORIZON_Y + 6.0
    camel = mix(scene.shade((120, 86, 56)), haze, 0.3)
    pen.ellipse(cx, cy - 40, 30, 12, camel)
    pen.circle(cx - 4, cy - 50, 12, camel)
    for lx in (cx - 20, cx - 10, cx + 14, cx + 22):
        pen.rect(lx - 2, cy - 32, lx + 2, cy, camel)
    pen.line([(cx + 26, cy - 44), (cx + 42, cy - 66), (cx + 50, cy - 64)], camel, 5)
    if scene.weather != analysis_pb2.WEATHER_SNOW:
        for _ in range(8):
            x, y = rng.uniform(0, WORLD_W), rng.uniform(HORIZON_Y + 140, 1080)
            s = (y - HORIZON_Y) / 260
            pen.ellipse(x, y, 24 * s, 10 * s, scene.shade((120, 130, 70)))


PAINTERS: dict[str, Painter] = {
    "meadow": meadow,
    "village": village,
    "farm_field": farm_field,
    "forest": forest,
    "mountain": mountain,
    "desert": desert,
}
