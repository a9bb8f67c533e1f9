"""Settings by the water: river bank, beach, lake and bridge.

The water lies in the setting's band (``SettingSpec.water``), where boats float and ``draw``
animates ripples (river, lake) or waves (sea); people stand on the near shore at ``GROUND_Y``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .pen import GROUND_Y, HORIZON_Y, WORLD_W, Pen
from .places_common import LAKE_BAND, SEA_BAND, WIDE_RIVER_BAND, far_hills, glitter, mix, river, sky_rgb, tree
from .places_outdoor import backdrop, grass_tufts
from .places_town import skyline

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter


def _reeds(scene: Scene, pen: Pen, rng: np.random.Generator, x0: float, x1: float, base: float, n: int) -> None:
    """A clump of reeds and bulrushes between ``x0`` and ``x1`` rooted at ``base``."""
    stem, head = scene.shade((70, 120, 56)), scene.shade((110, 74, 44))
    for _ in range(n):
        x = rng.uniform(x0, x1)
        h = rng.uniform(90, 190)
        lean = rng.uniform(-18, 18)
        pen.line([(x, base), (x + lean, base - h)], stem, 4)
        if rng.random() < 0.4:
            pen.ellipse(x + lean, base - h + 14, 5, 16, head)


def river_bank(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A broad river with trees on its far bank, ghat steps and a small pavilion on the near bank."""
    backdrop(scene, pen, rng, 16)
    top, bottom = WIDE_RIVER_BAND
    river(scene, pen, top, bottom)
    stone, edge = scene.shade((176, 160, 132)), scene.shade((130, 116, 94))
    x0 = WORLD_W * 0.56
    for k in range(6):  # steps down into the water, wider as they come near
        y = bottom + 8 + k * 14
        pen.rect(x0 - k * 10, y, WORLD_W + 10, y + 14, stone if k % 2 else edge)
    cx, cy = WORLD_W * 0.8, bottom + 12.0
    pen.rect(cx - 90, cy - 16, cx + 90, cy, edge)
    for px in (cx - 80, cx + 64):
        pen.rect(px, cy - 150, px + 16, cy - 16, stone)
    pen.rect(cx - 100, cy - 166, cx + 100, cy - 150, edge)
    pen.ellipse(cx, cy - 166, 86, 44, stone)
    pen.rect(cx - 100, cy - 168, cx + 100, cy - 160, edge)
    pen.poly([(cx - 4, cy - 206), (cx, cy - 232), (cx + 4, cy - 206)], scene.shade((210, 170, 70)))
    _reeds(scene, pen, rng, 0, 260, bottom + 20, 18)
    grass_tufts(scene, pen, rng, 20, bottom + 30, 1120)


def beach(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """The sea to the horizon, foam on a wet shoreline, sand, palms and a far fishing boat."""
    _, shore = SEA_BAND
    sky = np.array(sky_rgb(scene, 0.9), np.float32)
    deep = np.array(scene.shade((24, 80, 130)), np.float32) * 0.7 + sky * 0.3
    shallow = np.array(scene.shade((60, 160, 170)), np.float32)
    n = 13
    step = (shore - HORIZON_Y) / n
    for i in range(n):
        t = i / (n - 1)
        c = deep * (1 - t) + shallow * t
        pen.rect(-10, HORIZON_Y + i * step, WORLD_W + 10, HORIZON_Y + (i + 1) * step + 1,
                 (int(c[0]), int(c[1]), int(c[2])))  # fmt: skip
    glitter(scene, pen, HORIZON_Y + 6, 9)
    wet = scene.shade((186, 164, 120))
    edge = [(float(x), shore + 6 * math.sin(x / 130)) for x in range(-20, WORLD_W + 60, 40)]
    pen.poly([*edge, (WORLD_W + 20, shore + 46), (-20, shore + 46)], wet)
    pen.line(edge, scene.shade((246, 248, 246)), 7)
    bx, by = WORLD_W * 0.66, HORIZON_Y + 14.0
    hull, sail = mix(scene.shade((70, 50, 40)), sky_rgb(scene, 1.0), 0.3), scene.shade((236, 226, 206))
    pen.poly([(bx - 40, by - 8), (bx + 40, by - 8), (bx + 28, by), (bx - 28, by)], hull)
    pen.poly([(bx, by - 8), (bx, by - 70), (bx + 34, by - 14)], sail)
    for x in (WORLD_W * 0.07, WORLD_W * 0.93):
        palm(scene, pen, x, GROUND_Y + 40)
    for _ in range(14):
        x, y = rng.uniform(0, WORLD_W), rng.uniform(shore + 60, 1100)
        pen.ellipse(x, y, 6, 4, scene.shade((246, 236, 220)))


def palm(scene: Scene, pen: Pen, x: float, y: float) -> None:
    """A coconut palm with a curving trunk standing at ``(x, y)``."""
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
    for k in range(3):
        pen.circle(tx - 8 + 8 * k, ty + 10, 7, scene.shade((90, 70, 40)))


def lake(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Still water wide to a far shore of hills and small trees mirrored in it, lily pads, reeds and
    a jetty near."""
    far_hills(scene, pen, rng, mountains="mountain" in scene.features)
    top, bottom = LAKE_BAND
    pen.rect(-10, HORIZON_Y - 2, WORLD_W + 10, top, scene.shade((84, 120, 64)))
    sky_low, sky_high = sky_rgb(scene, 1.0), sky_rgb(scene, 0.4)
    base = scene.shade((50, 96, 120))
    n = 14
    for i in range(n):  # the sky mirrored: the far water pale, the near water deep
        t = i / (n - 1)
        c = mix(mix(base, sky_low, 0.6), mix(base, sky_high, 0.25), t)
        y0 = top + (bottom - top) * i / n
        pen.rect(-10, y0, WORLD_W + 10, y0 + (bottom - top) / n + 1, c)
    shadow = (*mix(scene.shade((40, 74, 52)), base, 0.4), 140)
    xs = np.sort(rng.uniform(0, WORLD_W, 26))
    for x in xs:  # the far trees and their reflections
        s = rng.uniform(0.5, 0.8)
        pen.ellipse(float(x), top + 26 * s, 30 * s, 30 * s, shadow)
        tree(scene, pen, rng, float(x), top - 2, s)
    glitter(scene, pen, top + 30, 9)
    for k in range(5):
        y = top + 60 + k * 30
        pen.line([(rng.uniform(0, 600) + k * 200, y), (rng.uniform(900, 1400) + k * 100, y)], (*sky_high, 70), 2)
    pad = scene.shade((60, 130, 60))
    for _ in range(18):
        x, y = rng.uniform(0, WORLD_W * 0.45), rng.uniform(bottom - 80, bottom - 8)
        pen.ellipse(x, y, 22, 6, pad)
        if rng.random() < 0.3:
            pen.circle(x, y - 5, 5, scene.shade((240, 150, 180)))
    # the jetty: planks on posts out over the water
    wood, post = scene.shade((130, 96, 62)), scene.shade((84, 60, 40))
    pen.poly([(WORLD_W * 0.7, bottom + 10), (WORLD_W * 0.76, top + 110), (WORLD_W * 0.8, top + 110),
              (WORLD_W * 0.86, bottom + 10)], wood)  # fmt: skip
    for k in range(5):
        t = k / 4
        y = top + 110 + (bottom - top - 100) * t
        for side in (0.76 - 0.06 * t, 0.8 + 0.06 * t):
            pen.rect(WORLD_W * side - 4, y, WORLD_W * side + 4, y + 16 + 20 * t, post)
    pen.rect(-10, bottom, WORLD_W + 10, bottom + 6, scene.shade((110, 96, 70)))
    _reeds(scene, pen, rng, 0, 300, bottom + 8, 26)
    _reeds(scene, pen, rng, WORLD_W - 260, WORLD_W, bottom + 8, 20)
    grass_tufts(scene, pen, rng, 16, bottom + 20, 1120)


def bridge(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A river under a long arched stone bridge with lamps on its parapet, the town beyond."""
    skyline(scene, pen, rng, low=True)
    top, bottom = WIDE_RIVER_BAND
    river(scene, pen, top, bottom)
    stone, dark = scene.shade((170, 150, 124)), scene.shade((126, 108, 88))
    deck, span = 520.0, 300.0
    water_line = top + 24
    pen.rect(-10, deck, WORLD_W + 10, deck + 50, stone)
    pen.rect(-10, deck + 50, WORLD_W + 10, deck + 58, dark)
    for k in range(-1, 8):
        x = k * span + 120
        pen.rect(x - 34, deck + 50, x + 34, water_line, stone)
        pen.rect(x - 44, water_line - 30, x + 44, water_line, dark)
        # the spandrel: the wall over the arch, its soffit a half ellipse
        pts = [(x + 34 + (span - 68) / 2 * (1 - math.cos(t)), deck + 58 + 90 * (1 - math.sin(t)))
               for t in np.linspace(0, math.pi, 16)]  # fmt: skip
        pen.poly([(x + 34, deck + 58), *pts, (x + span - 34, deck + 58)], stone)
        pen.line(pts, dark, 4)
    for k in range(60):  # balusters of the parapet
        x = k * 36.0
        pen.rect(x, deck - 36, x + 12, deck, stone)
    pen.rect(-10, deck - 46, WORLD_W + 10, deck - 34, dark)
    for k in range(6):
        lx = 180 + k * 360.0
        pen.rect(lx - 4, deck - 150, lx + 4, deck - 46, scene.shade((50, 52, 58)))
        pen.circle(lx, deck - 156, 10, (255, 214, 130) if scene.night else scene.shade((220, 220, 210)))
    for _ in range(6):
        x = rng.uniform(0, WORLD_W)
        pen.ellipse(x, water_line + 8, 40, 4, (*mix(stone, (255, 255, 255), 0.2), 90))
    tree(scene, pen, rng, WORLD_W * 0.04, GROUND_Y + 30, 1.8)
    grass_tufts(scene, pen, rng, 16, bottom + 20, 1120)


PAINTERS: dict[str, Painter] = {"river_bank": river_bank, "beach": beach, "lake": lake, "bridge": bridge}
