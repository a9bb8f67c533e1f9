"""Halls: a newsroom, a stage and a wedding hall (indoor, each with its window at ``WINDOW``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .pen import RGB, WORLD_W, Pen
from .places_common import LAMP, ROOM_FLOOR_Y, depth_rows, glow, lettering, mix
from .places_indoor import room, window

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

MARIGOLD: tuple[RGB, ...] = ((250, 160, 20), (250, 200, 40), (240, 120, 20))


def _news_screen(pen: Pen, x0: float, y0: float, x1: float, y1: float, k: int) -> None:
    """One screen of a video wall: a map, a chart, a face or a headline (emitting its own light)."""
    w, h = x1 - x0, y1 - y0
    bg = ((20, 50, 110), (110, 20, 30), (20, 80, 90), (30, 30, 60))[k % 4]
    pen.rect(x0, y0, x1, y1, bg)
    kind = k % 4
    if kind == 0:
        for cx, cy, r in ((0.3, 0.45, 0.22), (0.62, 0.4, 0.16), (0.72, 0.7, 0.12)):
            pen.ellipse(x0 + w * cx, y0 + h * cy, w * r, h * r, (90, 170, 110))
    elif kind == 1:
        for j in range(5):
            bh = h * (0.2 + 0.13 * ((j * 7 + k) % 5))
            pen.rect(
                x0 + w * (0.12 + 0.16 * j),
                y1 - h * 0.12 - bh,
                x0 + w * (0.22 + 0.16 * j),
                y1 - h * 0.12,
                (240, 200, 60),
            )
    elif kind == 2:
        pen.circle(x0 + w * 0.5, y0 + h * 0.38, h * 0.2, (200, 150, 110))
        pen.ellipse(x0 + w * 0.5, y1 - h * 0.05, w * 0.3, h * 0.3, (40, 50, 80))
    else:
        lettering(pen, x0 + w * 0.1, y0 + h * 0.3, x1 - w * 0.1, y0 + h * 0.42, (250, 250, 250), k)
        lettering(pen, x0 + w * 0.1, y0 + h * 0.55, x1 - w * 0.3, y0 + h * 0.64, (200, 200, 210), k + 1)
    pen.rect(x0, y1 - h * 0.1, x1, y1, (200, 30, 40))


def newsroom(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A television newsroom: a wall of screens, a lighting rig, the anchor desk and rows of desks
    with monitors."""
    room(scene, pen, (50, 58, 80), (60, 64, 76), boards=False)
    for y in depth_rows(1200, ROOM_FLOOR_Y + 2, 6):
        pen.line([(-10, y), (WORLD_W + 10, y)], scene.shade((80, 86, 100)), 2)
    window(scene, pen, (40, 40, 48))
    truss = scene.shade((120, 124, 132))
    pen.rect(-10, 40, WORLD_W + 10, 56, truss)
    for x in np.arange(80.0, WORLD_W, 220.0):
        pen.rect(x - 14, 56, x + 14, 92, scene.shade((30, 30, 34)))
        glow(pen, x, 96, 8, (255, 250, 230))
    gx0, gy0, cols, rows, cw, ch = 1010.0, 150.0, 4, 3, 230.0, 136.0
    pen.rect(gx0 - 16, gy0 - 16, gx0 + cols * cw + 6, gy0 + rows * ch + 6, (16, 16, 20))
    for r in range(rows):
        for c in range(cols):
            x0, y0 = gx0 + c * cw, gy0 + r * ch
            _news_screen(pen, x0, y0, x0 + cw - 10, y0 + ch - 10, (r + c) % 4 + 4 * r)
    pen.rect(gx0 - 16, gy0 + rows * ch + 10, gx0 + cols * cw + 6, gy0 + rows * ch + 40, (200, 30, 40))
    lettering(pen, gx0 + 20, gy0 + rows * ch + 16, gx0 + cols * cw - 20, gy0 + rows * ch + 34, (255, 255, 255), 5)
    # the anchor desk in the brand colour, and working desks with monitors
    pen.poly([(1060, 640), (1900, 640), (1940, 760), (1020, 760)], scene.shade((200, 30, 40)))
    pen.rect(1040, 628, 1920, 644, scene.shade((230, 230, 236)))
    pen.rect(1380, 680, 1560, 730, (250, 250, 250))
    for base, s, xs in ((900.0, 1.0, (160.0, 520.0)), (1060.0, 1.25, (1500.0, 1900.0, 60.0))):
        for x in xs:
            pen.rect(x - 170 * s, base - 150 * s, x + 170 * s, base - 136 * s, scene.shade((170, 174, 184)))
            for lx in (x - 160 * s, x + 150 * s):
                pen.rect(lx, base - 136 * s, lx + 10 * s, base, scene.shade((60, 60, 66)))
            for mx in (x - 70 * s, x + 70 * s):
                pen.rect(mx - 60 * s, base - 270 * s, mx + 60 * s, base - 180 * s, (24, 24, 28))
                pen.rect(mx - 54 * s, base - 264 * s, mx + 54 * s, base - 186 * s, (60, 120, 200))
                pen.rect(mx - 6 * s, base - 180 * s, mx + 6 * s, base - 150 * s, (24, 24, 28))


def _drape(scene: Scene, pen: Pen, x0: float, x1: float, top: float, bottom: float, colour: RGB) -> None:
    """A velvet curtain hanging in folds between ``x0`` and ``x1``."""
    pen.rect(x0, top, x1, bottom, scene.shade(colour))
    fold = scene.shade(mix(colour, (0, 0, 0), 0.35))
    n = max(2, int((x1 - x0) / 60))
    for k in range(n):
        fx = x0 + (k + 0.5) * (x1 - x0) / n
        pen.poly([(fx - 8, top), (fx + 8, top), (fx + 14, bottom), (fx - 14, bottom)], fold)


def stage(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A stage: red velvet curtains and valance, a lit set with a window, spotlights on a bar with
    their beams, a wooden floor with footlights, a podium with a microphone, the front row below."""
    room(scene, pen, (40, 30, 50), (150, 100, 60))
    set_wall = scene.shade((70, 80, 150))
    pen.rect(280, 130, 1770, ROOM_FLOOR_Y, set_wall)
    pen.rect(280, ROOM_FLOOR_Y - 30, 1770, ROOM_FLOOR_Y, scene.shade((50, 56, 110)))
    window(scene, pen, (60, 50, 60))
    red = (170, 24, 36)
    _drape(scene, pen, -10, 300, -10, 1000, red)
    _drape(scene, pen, 1750, WORLD_W + 10, -10, 1000, red)
    pen.rect(-10, -10, WORLD_W + 10, 120, scene.shade(red))
    gold = scene.shade((220, 176, 60))
    for k in range(18):
        cx = k * 120.0 + 40
        pen.ellipse(cx, 120, 64, 26, scene.shade(red))
        pen.line([(cx - 64, 122), (cx, 146), (cx + 64, 122)], gold, 6)
    # spotlights on a bar, their beams to the floor
    pen.rect(320, 150, 1730, 162, scene.shade((40, 40, 44)))
    for k, sx in enumerate((460.0, 760.0, 1290.0, 1590.0)):
        tx = 900.0 + (k - 1.5) * 140
        pen.poly([(sx - 16, 190), (sx + 16, 190), (tx + 150, 900), (tx - 150, 900)], (255, 246, 210, 40))
        pen.ellipse(tx, 900, 160, 30, (255, 246, 210, 60))
        pen.poly([(sx - 22, 160), (sx + 22, 160), (sx + 28, 196), (sx - 28, 196)], (30, 30, 34))
        pen.circle(sx, 196, 14, (255, 250, 220))
    # the stage floor's front edge, footlights, the front row of the audience in the dark
    pen.rect(-10, 990, WORLD_W + 10, 1010, scene.shade((90, 60, 36)))
    pen.rect(-10, 1010, WORLD_W + 10, 1200, (24, 18, 20))
    for x in np.arange(60.0, WORLD_W, 150.0):
        glow(pen, float(x), 992, 6, LAMP)
    for x in np.arange(40.0, WORLD_W, 110.0):
        pen.circle(float(x) + rng.uniform(-10, 10), 1130, 44, (12, 10, 12))
        pen.ellipse(float(x), 1200, 70, 60, (12, 10, 12))
    # the podium with a microphone
    px, base = 1420.0, 890.0
    wood, dark = scene.shade((120, 76, 44)), scene.shade((80, 50, 30))
    pen.poly([(px - 90, base), (px + 90, base), (px + 70, base - 250), (px - 70, base - 250)], wood)
    pen.rect(px - 100, base - 270, px + 100, base - 246, dark)
    pen.circle(px, base - 160, 36, gold)
    pen.circle(px, base - 160, 28, scene.shade((30, 60, 130)))
    mic = (30, 30, 34)
    pen.line([(px + 40, base - 270), (px + 50, base - 320), (px + 30, base - 360)], mic, 5)
    pen.ellipse(px + 26, base - 368, 10, 14, mic, 0.5)


def _garland(pen: Pen, pts: list[tuple[float, float]], r: float) -> None:
    """A string of marigolds along ``pts``, alternating orange and yellow."""
    for k, (x, y) in enumerate(pts):
        pen.circle(x, y, r, MARIGOLD[k % len(MARIGOLD)])


def wedding_hall(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A wedding hall: a mandap (four pillars under a red and gold canopy) hung with marigold
    garlands and flower strings, draped fabric and fairy lights on the walls, a red carpet and
    rows of chairs on both sides."""
    room(scene, pen, (240, 226, 200), (214, 200, 184), boards=False)
    window(scene, pen, (200, 170, 110))
    for k in range(12):  # fabric swags along the top of the wall
        x0 = k * 180.0 - 20
        pen.poly([(x0 + 180 * t, 40 + 70 * math.sin(math.pi * t)) for t in np.linspace(0, 1, 10)] +
                 [(x0 + 180, 20), (x0, 20)], scene.shade((236, 150, 170) if k % 2 else (250, 246, 240)))  # fmt: skip
    for x in np.arange(20.0, WORLD_W, 34.0):
        pen.circle(float(x), 130 + 14 * math.sin(x / 90), 4, LAMP)
    carpet = scene.shade((170, 30, 40))
    pen.poly([(900, ROOM_FLOOR_Y + 2), (1100, ROOM_FLOOR_Y + 2), (1300, 1200), (700, 1200)], carpet)
    # the mandap: back pillars, canopy, front pillars, garlands
    gold, maroon = scene.shade((220, 176, 60)), scene.shade((150, 24, 40))
    for x in (760.0, 1240.0):
        pen.rect(x - 14, 300, x + 14, 770, gold)
    pen.rect(560, 190, 1440, 262, maroon)
    pen.rect(560, 182, 1440, 196, gold)
    pen.rect(560, 256, 1440, 270, gold)
    for k in range(5):
        w = 440 - 80 * k
        pen.poly([(1000 - w, 182 - 26 * k), (1000 + w, 182 - 26 * k), (1000 + w - 40, 156 - 26 * k),
                  (1000 - w + 40, 156 - 26 * k)], gold if k % 2 == 0 else maroon)  # fmt: skip
    pen.circle(1000, 40, 18, gold)
    for x in (600.0, 1400.0):
        pen.rect(x - 24, 262, x + 24, 900, gold)
        pen.rect(x - 34, 870, x + 34, 906, maroon)
        for y in np.arange(300.0, 860.0, 60.0):
            pen.rect(x - 26, y, x + 26, y + 10, maroon)
        _garland(pen, [(x + 30 * math.sin(t * 3), 280 + 560 * t) for t in np.linspace(0, 1, 40)], 10)
    swag = [(600 + 800 * t, 276 + 150 * math.sin(math.pi * t)) for t in np.linspace(0, 1, 50)]
    _garland(pen, swag, 12)
    for x in np.arange(620.0, 1400.0, 50.0):
        _garland(pen, [(float(x), 276 + 16 * k) for k in range(6)], 7)
    # rows of chairs on both sides
    for row, (base, s) in enumerate(((860.0, 0.9), (1010.0, 1.15))):
        for x in np.arange(40.0 + 30 * row, 480.0, 150.0 * s).tolist() + np.arange(1560.0, 2040.0, 150.0 * s).tolist():
            pen.rect(x - 50 * s, base - 260 * s, x + 50 * s, base - 120 * s, maroon)
            pen.rect(x - 50 * s, base - 260 * s, x + 50 * s, base - 246 * s, gold)
            pen.rect(x - 56 * s, base - 124 * s, x + 56 * s, base - 100 * s, gold)
            for lx in (x - 48 * s, x + 40 * s):
                pen.rect(lx, base - 100 * s, lx + 8 * s, base, scene.shade((120, 90, 40)))


PAINTERS: dict[str, Painter] = {"newsroom": newsroom, "stage": stage, "wedding_hall": wedding_hall}
