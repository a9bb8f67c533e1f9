"""Places of worship: a South Indian temple, a mosque and a church, each behind its precinct.

The landmark stands right of centre (x ≈ 0.66 of the world width), where a shot without people
frames it and where it stands clear of the people at x ≈ 900.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from drishya.analysis.v1 import analysis_pb2

from .pen import HORIZON_Y, RGB, WORLD_W, Pen, Point
from .places_common import LAMP, glow, lamps_lit, scaled
from .places_outdoor import backdrop, grass_tufts, near_river

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

LANDMARK_X = WORLD_W * 0.66


def temple(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A South Indian temple: gopuram, mandapa and shrine tower inside a compound wall."""
    backdrop(scene, pen, rng, 9, clear=LANDMARK_X)
    base = HORIZON_Y + 100.0
    _temple(scene, scaled(pen, LANDMARK_X, base, 1.35), LANDMARK_X, base)
    near_river(scene, pen)


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


def _onion(pen: Pen, x: float, base: float, r: float, h: float, colour: RGB) -> None:
    """An onion dome of half-width ``r`` and height ``h`` on ``base``, with its finial."""
    profile = ((1.0, 0.0), (1.12, 0.14), (1.15, 0.3), (1.05, 0.48), (0.8, 0.66), (0.45, 0.82), (0.15, 0.94))
    left = [(x - r * a, base - h * b) for a, b in profile]
    right = [(x + r * a, base - h * b) for a, b in reversed(profile)]
    pen.poly([*left, (x, base - h), *right], colour)


def _crescent(pen: Pen, x: float, y: float, r: float, colour: RGB) -> None:
    """A crescent finial, horns up, centred at ``(x, y)``."""
    ts = np.linspace(0.05 * math.pi, 0.95 * math.pi, 12)
    outer = [(x + r * math.cos(t), y + r * math.sin(t)) for t in ts]
    inner = [(x + 0.8 * r * math.cos(t), y - 0.3 * r + 0.8 * r * math.sin(t)) for t in reversed(ts)]
    pen.poly(outer + inner, colour)


def _pointed_arch(x: float, base: float, w: float, h: float) -> list[Point]:
    """An equilateral pointed arch opening ``w`` wide and ``h`` tall (h > 0.87 w) standing on ``base``:
    each side an arc of radius ``w`` centred on the opposite springing point."""
    spring = base - h + 0.866 * w
    left = [(x + w / 2 + w * math.cos(t), spring - w * math.sin(t)) for t in np.linspace(math.pi, 2 * math.pi / 3, 8)]
    right = [(2 * x - px, py) for px, py in reversed(left[:-1])]
    return [(x - w / 2, base), *left, *right, (x + w / 2, base)]


def mosque(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A mosque: a prayer hall under a great onion dome, smaller domes, two tall minarets, arches."""
    x, base = LANDMARK_X, HORIZON_Y + 90.0
    backdrop(scene, pen, rng, 10, clear=x)
    marble, shadow = scene.shade((238, 232, 218)), scene.shade((200, 190, 172))
    green, gold, dark = scene.shade((40, 120, 80)), scene.shade((222, 178, 70)), scene.shade((60, 52, 50))
    lit = lamps_lit(scene)
    # the courtyard wall with a row of small arches
    pen.rect(x - 640, base - 70, x + 640, base, shadow)
    for k in range(24):
        ax = x - 620 + k * 54
        if abs(ax - x) > 260:
            pen.poly(_pointed_arch(ax, base - 10, 26, 44), dark)
    # the prayer hall with its great arches
    pen.rect(x - 260, base - 260, x + 260, base, marble)
    pen.rect(x - 270, base - 276, x + 270, base - 258, green)
    for dx, w, h in ((-170, 70, 130), (0, 120, 210), (170, 70, 130)):
        pen.poly(_pointed_arch(x + dx, base, w + 24, h + 20), shadow)
        pen.poly(_pointed_arch(x + dx, base, w, h), LAMP if lit else dark)
    for k in range(-4, 5):  # merlons along the parapet
        pen.rect(x + k * 60 - 10, base - 296, x + k * 60 + 10, base - 276, marble)
    # domes on drums: the great one and two small ones
    pen.rect(x - 120, base - 320, x + 120, base - 276, marble)
    _onion(pen, x, base - 320, 118, 230, marble)
    pen.rect(x - 3, base - 600, x + 3, base - 546, gold)
    pen.circle(x, base - 556, 8, gold)
    _crescent(pen, x, base - 618, 18, gold)
    for dx in (-190, 190):
        pen.rect(x + dx - 40, base - 306, x + dx + 40, base - 276, marble)
        _onion(pen, x + dx, base - 306, 40, 90, marble)
        pen.rect(x + dx - 2, base - 416, x + dx + 2, base - 394, gold)
    # minarets with balconies and little domes
    for mx in (x - 430, x + 430):
        pen.poly([(mx - 26, base), (mx - 18, base - 520), (mx + 18, base - 520), (mx + 26, base)], marble)
        pen.poly([(mx, base), (mx + 8, base - 520), (mx + 18, base - 520), (mx + 26, base)], shadow)
        for by in (base - 240, base - 400, base - 520):
            pen.rect(mx - 36, by - 12, mx + 36, by, green)
            pen.rect(mx - 30, by, mx + 30, by + 8, shadow)
            if lit:
                glow(pen, mx, by - 6, 5)
        pen.rect(mx - 16, base - 568, mx + 16, base - 532, marble)
        _onion(pen, mx, base - 568, 20, 54, marble)
        pen.rect(mx - 2, base - 642, mx + 2, base - 620, gold)
        _crescent(pen, mx, base - 652, 9, gold)
    near_river(scene, pen)
    grass_tufts(scene, pen, rng, 14, HORIZON_Y + 120, 1100)
    if scene.weather == analysis_pb2.WEATHER_SNOW:
        pen.ellipse(x, base - 520, 60, 16, (246, 248, 252, 200))


def church(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A church: a long nave under a pitched roof, a bell tower with a tall spire and cross at its
    front, pointed windows of stained glass (lit at night), a lawn and a low fence."""
    x, base = LANDMARK_X - 120, HORIZON_Y + 96.0
    backdrop(scene, pen, rng, 12, clear=x + 200)
    wall, shadow = scene.shade((232, 228, 216)), scene.shade((196, 190, 178))
    roof, dark = scene.shade((140, 62, 52)), scene.shade((70, 56, 50))
    white = scene.shade((250, 250, 246))
    lit = lamps_lit(scene)
    glass: tuple[RGB, ...] = ((60, 90, 200), (200, 40, 50), (240, 190, 50), (60, 150, 90))
    # the nave, its side facing us, the roof a long slope and the far gable with a cross
    nx0, nx1, eaves = x + 60, x + 620, base - 190
    pen.rect(nx0, eaves, nx1, base, wall)
    pen.poly([(nx0 - 20, eaves), (nx0 + 40, eaves - 120), (nx1 + 10, eaves - 120), (nx1 + 40, eaves)], roof)
    pen.poly([(nx1, eaves), (nx1 + 40, eaves), (nx1 + 10, eaves - 120)], shadow)
    pen.rect(nx1 + 6, eaves - 170, nx1 + 14, eaves - 118, white)
    pen.rect(nx1 - 10, eaves - 156, nx1 + 30, eaves - 148, white)
    for k in range(5):
        wx = nx0 + 70 + k * 110
        pen.poly(_pointed_arch(wx, base - 40, 44, 110), shadow)
        pen.poly(_pointed_arch(wx, base - 46, 34, 98), LAMP if lit else scene.shade(glass[k % 4]))
        pen.rect(wx - 2, base - 140, wx + 2, base - 46, shadow)
    # the tower at the front: a door, a rose window, a belfry, then the spire and its cross
    tx0, tx1, ttop = x - 90, x + 90, base - 340
    pen.rect(tx0, ttop, tx1, base, wall)
    pen.rect(tx1 - 30, ttop, tx1, base, shadow)
    pen.poly(_pointed_arch(x, base, 80, 140), dark)
    pen.circle(x, base - 220, 44, shadow)
    pen.circle(x, base - 220, 36, LAMP if lit else scene.shade(glass[0]))
    for a in range(8):
        t = a * math.pi / 4
        pen.line([(x, base - 220), (x + 36 * math.cos(t), base - 220 + 36 * math.sin(t))], shadow, 3)
    pen.poly(_pointed_arch(x, ttop + 110, 60, 90), dark)
    pen.rect(tx0 - 10, ttop - 10, tx1 + 10, ttop + 8, shadow)
    for k in range(4):  # pinnacles at the corners
        px = tx0 - 4 + k * (tx1 - tx0 + 8) / 3
        pen.poly([(px - 8, ttop - 10), (px, ttop - 54), (px + 8, ttop - 10)], wall)
    pen.poly([(tx0 + 10, ttop - 10), (x, ttop - 250), (tx1 - 10, ttop - 10)], roof)
    pen.poly([(x, ttop - 250), (tx1 - 10, ttop - 10), (x + 20, ttop - 10)], scene.shade((110, 48, 42)))
    cy = ttop - 250
    pen.rect(x - 5, cy - 80, x + 5, cy, white)
    pen.rect(x - 30, cy - 62, x + 30, cy - 52, white)
    # a low fence round the lawn and a path to the door
    pen.poly([(x - 60, base), (x + 60, base), (x + 200, 1160), (x - 200, 1160)], scene.shade((200, 188, 160)))
    fence = scene.shade((240, 240, 236))
    for fx in np.arange(0.0, WORLD_W, 40.0):
        if abs(fx - x) > 90:
            pen.rect(fx, base + 24, fx + 8, base + 64, fence)
    pen.rect(0, base + 34, x - 90, base + 40, fence)
    pen.rect(x + 90, base + 34, WORLD_W, base + 40, fence)
    near_river(scene, pen)
    grass_tufts(scene, pen, rng, 20, base + 80, 1120)


PAINTERS: dict[str, Painter] = {"temple": temple, "mosque": mosque, "church": church}
