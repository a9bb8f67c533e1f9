"""Public places outdoors: park, garden, playground, a shop front and a bus stop."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .pen import GROUND_Y, HORIZON_Y, RGB, WORLD_W, Pen, Point
from .places_common import LAMP, bench, depth_rows, glow, lamp_post, lamps_lit, lettering, tree, tree_line
from .places_outdoor import backdrop, grass_tufts, near_river
from .places_town import AWNINGS, skyline

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

FLOWERS: tuple[RGB, ...] = ((220, 40, 60), (250, 200, 40), (240, 120, 170), (250, 250, 245), (170, 80, 200))


def _path(scene: Scene, pen: Pen, pts: list[Point], near_w: float) -> None:
    """A gravel path along ``pts`` (far to near), wider as it comes near."""
    left, right = [], []
    for i, (x, y) in enumerate(pts):
        w = near_w * max(0.05, (y - HORIZON_Y) / (GROUND_Y - HORIZON_Y))
        nx, ny = pts[min(i + 1, len(pts) - 1)]
        px, py = pts[max(i - 1, 0)]
        dx, dy = nx - px, ny - py
        n = math.hypot(dx, dy) or 1.0
        left.append((x - dy / n * w / 2, y + dx / n * w / 2))
        right.append((x + dy / n * w / 2, y - dx / n * w / 2))
    pen.poly(left + right[::-1], scene.shade((206, 188, 150)))


def park(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Lawns crossed by curving paths, benches and lamp posts along them, big trees, the town beyond."""
    skyline(scene, pen, rng, low=True)
    tree_line(scene, pen, rng, 24)
    pen.rect(-10, HORIZON_Y + 20, WORLD_W + 10, HORIZON_Y + 24, scene.shade((70, 110, 56)))
    curve = [
        (1250 + 380 * math.sin(t * 2.2) * (1 - t * 0.3), HORIZON_Y + 30 + 520 * t * t) for t in np.linspace(0, 1, 24)
    ]
    _path(scene, pen, curve, 260)
    _path(scene, pen, [(300.0 + 500 * t, HORIZON_Y + 60 + 200 * t) for t in np.linspace(0, 1, 8)], 160)
    near_river(scene, pen)
    for x, y, s in ((260, 700, 1.4), (560, 672, 1.0), (1660, 690, 1.3), (1900, 740, 1.8), (90, 780, 2.0)):
        tree(scene, pen, rng, x, y, s)
    bench(scene, pen, 520, 800, 190)
    bench(scene, pen, 1560, 860, 250)
    for x, y, h in ((760, 760, 230), (1380, 720, 190), (1820, 900, 330)):
        lamp_post(scene, pen, x, y, h)
    bx, by = 1720.0, 880.0
    pen.rect(bx - 22, by - 70, bx + 22, by, scene.shade((40, 110, 70)))
    grass_tufts(scene, pen, rng, 30, HORIZON_Y + 60, 1120)


def _bed(scene: Scene, pen: Pen, rng: np.random.Generator, x: float, y: float, rx: float, ry: float) -> None:
    """An oval flower bed edged with soil, dense with flowers."""
    pen.ellipse(x, y, rx + 8, ry + 5, scene.shade((110, 80, 54)))
    pen.ellipse(x, y, rx, ry, scene.shade((56, 110, 44)))
    s = ry / 40
    for _ in range(int(rx * ry / 180)):
        a, r = rng.uniform(0, math.tau), math.sqrt(rng.uniform(0, 1))
        pen.circle(x + rx * r * math.cos(a), y + ry * r * math.sin(a) - 4 * s, 6 * s,
                   scene.shade(FLOWERS[int(rng.integers(len(FLOWERS)))]))  # fmt: skip


def garden(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A trimmed hedge with topiary, an arch of climbing roses, flower beds and a stone path."""
    backdrop(scene, pen, rng, 14)
    hedge, dark = scene.shade((40, 96, 44)), scene.shade((30, 76, 36))
    pen.rect(-10, 560, WORLD_W + 10, 706, hedge)
    pen.rect(-10, 690, WORLD_W + 10, 706, dark)
    for x in np.arange(60.0, WORLD_W, 240.0):
        pen.circle(float(x), 548, 36, hedge)
        pen.rect(float(x) - 8, 560, float(x) + 8, 580, dark)
    near_river(scene, pen)
    ax, ay = WORLD_W * 0.66, 760.0
    pen.rect(ax - 150, 706, ax + 150, ay, scene.shade((190, 176, 150)))
    pen.poly([(ax - 150, ay), (ax + 150, ay), (ax + 260, 1160), (ax - 260, 1160)], scene.shade((196, 184, 160)))
    for y in depth_rows(1160, ay, 8):
        pen.line([(ax - 150 - 110 * (y - ay) / 400, y), (ax + 150 + 110 * (y - ay) / 400, y)],
                 scene.shade((160, 148, 126)), 2)  # fmt: skip
    arch = [(ax + 150 * math.cos(t), ay - 240 - 110 * math.sin(t)) for t in np.linspace(0, math.pi, 20)]
    for side in (-1, 1):
        pen.rect(ax + side * 150 - 14, ay - 240, ax + side * 150 + 14, ay, scene.shade((70, 110, 50)))
    pen.line(arch, scene.shade((60, 110, 50)), 26)
    for x, y in arch[::2] + [(ax + s * 150, ay - 40 * k) for s in (-1, 1) for k in range(1, 6)]:
        pen.circle(x + rng.uniform(-8, 8), y + rng.uniform(-8, 8), 9, scene.shade((220, 60, 90)))
    for x, y, rx, ry in ((300, 800, 220, 44), (1040, 760, 120, 26), (1750, 900, 260, 56), (180, 1010, 300, 70)):
        _bed(scene, pen, rng, x, y, rx, ry)
    for x in (1120.0, 1560.0):
        pen.poly([(x - 30, 760), (x + 30, 760), (x + 22, 700), (x - 22, 700)], scene.shade((170, 90, 60)))
        pen.circle(x, 670, 42, hedge)


def playground(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Swings on an A-frame, a ladder and slide, a seesaw and a sandpit, inside a wire fence."""
    backdrop(scene, pen, rng, 22)
    post, wire = scene.shade((90, 96, 100)), (*scene.shade((150, 156, 160)), 150)
    for x in np.arange(0.0, WORLD_W + 60, 160.0):
        pen.rect(x - 4, 600, x + 4, 700, post)
    for y in np.arange(610.0, 700.0, 14.0):
        pen.line([(0, y), (WORLD_W, y)], wire, 1)
    red, yellow, blue, steel = (
        scene.shade(c) for c in ((210, 50, 40), (240, 190, 40), (40, 100, 200), (120, 126, 134))
    )
    # swings
    x0, x1, top, base = 180.0, 660.0, 430.0, 860.0
    for x in (x0, x1):
        pen.line([(x - 70, base), (x, top)], blue, 14)
        pen.line([(x + 70, base), (x, top)], blue, 14)
    pen.line([(x0, top), (x1, top)], steel, 14)
    for sx in (x0 + 130, x1 - 130):
        for dx in (-34.0, 34.0):
            pen.line([(sx + dx, top), (sx + dx, 760)], steel, 3)
        pen.rect(sx - 44, 756, sx + 44, 770, red)
    # slide: ladder up to a platform, chute down to the right
    lx, plat = 1300.0, 470.0
    for dx in (0.0, 90.0):
        pen.line([(lx + dx - 30, 880), (lx + dx, plat)], steel, 8)
    for k in range(1, 9):
        y = 880 - (880 - plat) * k / 9
        pen.line([(lx - 30 + 30 * k / 9, y), (lx + 60 + 30 * k / 9, y)], steel, 5)
    pen.rect(lx - 10, plat - 14, lx + 110, plat, yellow)
    pen.rect(lx + 100, plat, lx + 110, 880, steel)
    pen.poly([(lx + 100, plat), (lx + 130, plat - 6), (1800, 840), (1790, 876), (lx + 110, plat + 24)], red)
    pen.line([(lx + 120, plat - 40), (1800, 800)], yellow, 8)
    # seesaw
    cx, cy = 1960.0, 960.0
    pen.poly([(cx - 30, cy), (cx, cy - 60), (cx + 30, cy)], steel)
    pen.line([(cx - 200, cy - 20), (cx + 200, cy - 100)], blue, 16)
    # sandpit
    pen.rect(150, 960, 620, 1060, scene.shade((130, 90, 56)))
    pen.rect(166, 972, 604, 1048, scene.shade((230, 206, 150)))
    tree(scene, pen, rng, 40, 700, 1.6)


def bus_stop(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A road across the frame and, on the near pavement, a shelter with a bench and a stop sign."""
    skyline(scene, pen, rng, low=True)
    tree_line(scene, pen, rng, 10)
    top, bottom = 700.0, 785.0
    pen.rect(-10, HORIZON_Y + 30, WORLD_W + 10, top, scene.shade((150, 144, 134)))
    pen.rect(-10, top, WORLD_W + 10, bottom, scene.shade((80, 80, 84)))
    for x in np.arange(0.0, WORLD_W, 160.0):
        pen.rect(x, 740, x + 80, 746, scene.shade((236, 236, 230)))
    pen.rect(-10, bottom, WORLD_W + 10, bottom + 12, scene.shade((200, 196, 186)))
    pen.rect(-10, bottom + 12, WORLD_W + 10, 1160, scene.shade((160, 152, 140)))
    for x in np.arange(-40.0, WORLD_W, 120.0):
        pen.line([(x, bottom + 12), (x - 120, 1160)], scene.shade((140, 132, 122)), 2)
    # the shelter: roof on four posts, a glass back with an advert, a bench inside
    sx0, sx1, roof, base = 1230.0, 1870.0, 420.0, 900.0
    frame, glass = scene.shade((70, 76, 84)), (*scene.shade((170, 200, 210)), 110)
    pen.rect(sx0, roof + 40, sx1, base - 20, glass)
    ad = (sx1 - 200, roof + 80, sx1 - 20, base - 120)
    pen.rect(*ad, LAMP if lamps_lit(scene) else scene.shade((240, 236, 220)))
    pen.circle(ad[0] + 90, ad[1] + 110, 50, scene.shade((220, 70, 60)))
    lettering(pen, ad[0] + 20, ad[3] - 80, ad[2] - 20, ad[3] - 60, scene.shade((40, 40, 60)), 5)
    for x in (sx0, sx0 + 20, sx1 - 20, sx1):
        pen.rect(x - 7, roof, x + 7, base, frame)
    pen.poly([(sx0 - 40, roof + 20), (sx1 + 40, roof - 10), (sx1 + 40, roof + 14), (sx0 - 40, roof + 40)],
             scene.shade((190, 40, 40)))  # fmt: skip
    bench(scene, pen, sx0 + 240, base - 10, 360, (90, 96, 104))
    # the stop sign on its pole, a timetable under it
    px = 1110.0
    pen.rect(px - 6, 380, px + 6, base, frame)
    pen.circle(px, 380, 52, scene.shade((200, 40, 40)))
    pen.circle(px, 380, 38, scene.shade((245, 245, 245)))
    pen.rect(px - 24, 360, px + 24, 394, scene.shade((30, 80, 170)))
    for wx in (px - 14, px + 14):
        pen.circle(wx, 396, 6, scene.shade((30, 30, 30)))
    pen.rect(px - 34, 470, px + 34, 560, scene.shade((240, 236, 220)))
    lettering(pen, px - 26, 484, px + 26, 492, scene.shade((50, 50, 50)), 1)
    lettering(pen, px - 26, 504, px + 26, 512, scene.shade((50, 50, 50)), 2)
    if lamps_lit(scene):
        glow(pen, (sx0 + sx1) / 2, roof + 50, 14)


def shop(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A shop front: signboard, striped awning, shelves of goods behind a counter, shuttered neighbours."""
    base, lit = 880.0, lamps_lit(scene)
    wall, trim = scene.shade((214, 196, 160)), scene.shade((150, 120, 90))
    pen.rect(-10, 130, WORLD_W + 10, base, wall)
    pen.rect(-10, 130, WORLD_W + 10, 150, trim)
    for x in np.arange(80.0, WORLD_W, 260.0):  # the floor above: windows with small balconies
        pen.rect(x, 190, x + 110, 300, LAMP if lit and rng.random() < 0.5 else scene.shade((80, 96, 112)))
        pen.rect(x - 14, 296, x + 124, 308, trim)
    shutter = scene.shade((150, 156, 160))
    for x0, x1 in ((40.0, 560.0), (1920.0, 2300.0)):
        pen.rect(x0, 480, x1, base, shutter)
        for y in np.arange(490.0, base, 16.0):
            pen.line([(x0, y), (x1, y)], scene.shade((120, 124, 130)), 2)
        pen.rect(x0, 400, x1, 470, scene.shade((60, 120, 90)))
        lettering(pen, x0 + 30, 420, x1 - 30, 450, scene.shade((240, 240, 230)), int(x0))
    x0, x1 = 640.0, 1860.0
    pen.rect(x0, 320, x1, 410, scene.shade((240, 180, 40)))
    lettering(pen, x0 + 80, 342, x1 - 80, 388, scene.shade((150, 30, 30)), 7)
    interior = (150, 110, 70) if lit else (70, 54, 44)
    pen.rect(x0 + 30, 470, x1 - 30, base, scene.shade(interior) if not lit else interior)
    for y in (560.0, 650.0, 740.0):
        pen.rect(x0 + 30, y, x1 - 30, y + 10, scene.shade((120, 84, 50)))
        x = x0 + 50
        while x < x1 - 80:
            w, h = rng.uniform(26, 50), rng.uniform(36, 70)
            c = FLOWERS[int(rng.integers(len(FLOWERS)))] if rng.random() < 0.5 else AWNINGS[int(rng.integers(5))]
            pen.rect(x, y - h, x + w, y, scene.shade(c))
            x += w + rng.uniform(4, 14)
    pen.rect(x0 + 60, 760, x1 - 60, base, scene.shade((130, 90, 56)))
    pen.rect(x0 + 50, 748, x1 - 50, 764, scene.shade((170, 130, 90)))
    for x in np.arange(x0 + 100, x1 - 100, 110.0):  # glass jars on the counter
        pen.rect(x, 690, x + 60, 748, (*scene.shade((200, 220, 230)), 150))
        pen.rect(x + 4, 712, x + 56, 748, scene.shade(FLOWERS[int(x) % len(FLOWERS)]))
        pen.rect(x + 6, 682, x + 54, 692, scene.shade((200, 60, 50)))
    stripe = scene.shade(AWNINGS[0])
    for k in range(12):
        a, b = x0 - 40 + k * (x1 - x0 + 80) / 12, x0 - 40 + (k + 1) * (x1 - x0 + 80) / 12
        pen.poly([(a + 10, 416), (b + 10, 416), (b, 486), (a, 486)], stripe if k % 2 else scene.shade((244, 240, 230)))
    for k in range(12):
        cx = x0 - 40 + (k + 0.5) * (x1 - x0 + 80) / 12
        pen.circle(cx, 486, (x1 - x0 + 80) / 24, stripe if k % 2 else scene.shade((244, 240, 230)))
    if lit:
        for gx in np.linspace(x0 + 150, x1 - 150, 4):
            glow(pen, float(gx), 500, 10)
    pen.rect(-10, base, WORLD_W + 10, base + 10, scene.shade((120, 116, 110)))
    pen.rect(-10, base + 10, WORLD_W + 10, 1160, scene.shade((170, 160, 146)))
    for y in depth_rows(1160, base + 10, 5):
        pen.line([(-10, y), (WORLD_W + 10, y)], scene.shade((140, 132, 120)), 2)


PAINTERS: dict[str, Painter] = {
    "park": park,
    "garden": garden,
    "playground": playground,
    "bus_stop": bus_stop,
    "shop": shop,
}
