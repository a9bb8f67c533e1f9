"""Public buildings: a school, a hospital with its ambulance bay, and a polling station on voting day."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .pen import HORIZON_Y, RGB, WORLD_W, Pen
from .places_common import LAMP, depth_rows, glow, lamps_lit, lettering, tree
from .places_outdoor import backdrop, grass_tufts

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

SAFFRON: RGB = (240, 140, 40)
INDIA_GREEN: RGB = (30, 130, 60)


def _windows(scene: Scene, pen: Pen, rng: np.random.Generator, x0: float, x1: float, y: float, h: float,
             n: int, glass: RGB) -> None:  # fmt: skip
    """A row of ``n`` windows between ``x0`` and ``x1``, top at ``y``; some lit after dark."""
    step = (x1 - x0) / n
    lit = lamps_lit(scene)
    for k in range(n):
        wx = x0 + k * step + step * 0.2
        colour = LAMP if lit and rng.random() < 0.6 else scene.shade(glass)
        pen.rect(wx, y, wx + step * 0.6, y + h, colour)
        pen.rect(wx - 4, y + h, wx + step * 0.6 + 4, y + h + 6, scene.shade((120, 110, 100)))


def _flag(scene: Scene, pen: Pen, x: float, base: float, height: float) -> None:
    """A flagpole with the tricolour flying from its top."""
    pen.rect(x - 5, base - height, x + 5, base, scene.shade((200, 200, 204)))
    pen.rect(x - 26, base - 14, x + 26, base, scene.shade((170, 160, 150)))
    top, w, h = base - height + 8, 150.0, 96.0
    for k, colour in enumerate((SAFFRON, (250, 250, 250), INDIA_GREEN)):
        y0 = top + k * h / 3
        pts = [(x + 5 + w * t, y0 + 8 * math.sin(t * 5)) for t in np.linspace(0, 1, 8)]
        pen.poly(pts + [(px, py + h / 3 + 1) for px, py in reversed(pts)], scene.shade(colour))
    pen.circle(x + 5 + w / 2, top + h / 2 + 8 * math.sin(2.5), 12, scene.shade((20, 40, 140)))


def school(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A two-storey school: rows of windows, a pediment with a clock over the door, a name board,
    the tricolour on a flagpole, a boundary wall with an open gate and a dusty playground."""
    backdrop(scene, pen, rng, 12)
    base, x0, x1 = HORIZON_Y + 100.0, 1000.0, 1880.0
    cx = (x0 + x1) / 2
    wall, trim = scene.shade((236, 204, 126)), scene.shade((176, 72, 52))
    pen.rect(x0, base - 300, x1, base, wall)
    for y in (base - 300, base - 156, base - 10):
        pen.rect(x0 - 10, y, x1 + 10, y + 12, trim)
    for y in (base - 270, base - 126):
        _windows(scene, pen, rng, x0 + 20, cx - 110, y, 76, 4, (70, 110, 90))
        _windows(scene, pen, rng, cx + 110, x1 - 20, y, 76, 4, (70, 110, 90))
    # the central block with pediment, clock and name board
    pen.rect(cx - 110, base - 360, cx + 110, base, wall)
    pen.poly([(cx - 130, base - 360), (cx, base - 440), (cx + 130, base - 360)], trim)
    pen.poly([(cx - 100, base - 366), (cx, base - 426), (cx + 100, base - 366)], wall)
    pen.circle(cx, base - 390, 30, scene.shade((60, 50, 40)))
    pen.circle(cx, base - 390, 25, scene.shade((250, 248, 240)))
    pen.line([(cx, base - 390), (cx, base - 410)], scene.shade((20, 20, 20)), 4)
    pen.line([(cx, base - 390), (cx + 14, base - 384)], scene.shade((20, 20, 20)), 4)
    pen.rect(cx - 100, base - 330, cx + 100, base - 276, scene.shade((30, 70, 150)))
    lettering(pen, cx - 84, base - 316, cx + 84, base - 292, scene.shade((250, 250, 250)), 11)
    pen.rect(cx - 50, base - 150, cx + 50, base, scene.shade((110, 70, 44)))
    for k in (-1, 1):
        pen.rect(cx + k * 80 - 10, base - 250, cx + k * 80 + 10, base, scene.shade((246, 240, 220)))
    _flag(scene, pen, 700.0, 820.0, 470.0)
    # the boundary wall and the gate
    bw, gate = scene.shade((220, 214, 200)), scene.shade((60, 70, 80))
    for a, b in ((-10.0, 1180.0), (1500.0, WORLD_W + 10.0)):
        pen.rect(a, base + 30, b, base + 84, bw)
        pen.rect(a, base + 24, b, base + 34, trim)
    for gx in (1180.0, 1500.0):
        pen.rect(gx - 16, base - 10, gx + 16, base + 84, bw)
    for k in range(8):
        gx = 1200 + k * 16
        pen.rect(gx, base + 10, gx + 4, base + 84, gate)
    pen.rect(1196, base + 20, 1320, base + 26, gate)
    for tx in (160.0, 420.0):
        tree(scene, pen, rng, tx, base + 40, 1.5)
    grass_tufts(scene, pen, rng, 10, base + 120, 1120)


def _red_cross(pen: Pen, x: float, y: float, r: float, red: RGB) -> None:
    pen.rect(x - r, y - r * 0.33, x + r, y + r * 0.33, red)
    pen.rect(x - r * 0.33, y - r, x + r * 0.33, y + r, red)


def _ambulance(scene: Scene, pen: Pen, x: float, base: float, s: float) -> None:
    """An ambulance van, ``s`` times 1 m ≈ 176 units, its nose to the left, standing at ``base``."""
    white, red, dark = scene.shade((244, 244, 240)), scene.shade((210, 40, 40)), scene.shade((40, 44, 50))
    w, h = 860 * s, 420 * s
    pen.rect(x - w / 2 + 150 * s, base - h, x + w / 2, base - 60 * s, white)
    pen.poly([(x - w / 2, base - 60 * s), (x - w / 2, base - h * 0.5), (x - w / 2 + 70 * s, base - h * 0.72),
              (x - w / 2 + 150 * s, base - h * 0.72), (x - w / 2 + 150 * s, base - 60 * s)], white)  # fmt: skip
    pen.poly([(x - w / 2 + 16 * s, base - h * 0.52), (x - w / 2 + 76 * s, base - h * 0.68),
              (x - w / 2 + 140 * s, base - h * 0.68), (x - w / 2 + 140 * s, base - h * 0.52)], dark)  # fmt: skip
    pen.rect(x - w / 2, base - 150 * s, x + w / 2, base - 120 * s, red)
    _red_cross(pen, x + 120 * s, base - h * 0.62, 60 * s, red)
    pen.rect(x - w / 2 + 160 * s, base - h - 30 * s, x - w / 2 + 240 * s, base - h, scene.shade((40, 90, 220)))
    if lamps_lit(scene):
        glow(pen, x - w / 2 + 200 * s, base - h - 16 * s, 12 * s, (90, 140, 255))
    for wx in (x - w / 2 + 150 * s, x + w / 2 - 140 * s):
        pen.circle(wx, base - 50 * s, 52 * s, dark)
        pen.circle(wx, base - 50 * s, 22 * s, scene.shade((170, 170, 170)))


def hospital(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A white hospital block with bands of windows and a red cross on its roof; on the right the
    emergency entrance: a canopy on pillars over an ambulance bay with an ambulance in it."""
    backdrop(scene, pen, rng, 10)
    base, x0, x1 = HORIZON_Y + 70.0, 840.0, 1960.0
    white, band = scene.shade((240, 242, 240)), scene.shade((90, 140, 180))
    pen.rect(x0, base - 420, x1, base, white)
    pen.rect(x0 + 300, base - 470, x1 - 260, base - 420, white)
    for k in range(5):
        y = base - 400 + k * 76
        _windows(scene, pen, rng, x0 + 20, x1 - 20, y, 44, 16, (90, 140, 180))
    pen.rect(x0, base - 16, x1, base, band)
    cx = (x0 + x1) / 2 - 100
    pen.rect(cx - 70, base - 610, cx + 70, base - 470, white)
    pen.rect(cx - 70, base - 610, cx + 70, base - 600, scene.shade((200, 200, 200)))
    red = (230, 40, 40) if lamps_lit(scene) else scene.shade((214, 36, 40))
    _red_cross(pen, cx, base - 540, 54, red)
    if lamps_lit(scene):
        pen.circle(cx, base - 540, 110, (230, 40, 40, 40))
    pen.rect(x0 + 120, base - 120, x0 + 300, base, (*scene.shade((150, 200, 220)), 230))
    # the emergency canopy, its sign and the bay markings
    bay0, bay1, roof = 1380.0, 2000.0, 420.0
    pillar = scene.shade((200, 200, 204))
    for px in (bay0, bay1 - 20):
        pen.rect(px, roof, px + 22, 820, pillar)
    pen.rect(bay0 - 40, roof - 30, bay1 + 40, roof + 10, scene.shade((220, 224, 228)))
    pen.rect(bay0 + 80, roof - 80, bay1 - 80, roof - 30, scene.shade((200, 30, 40)))
    lettering(pen, bay0 + 110, roof - 66, bay1 - 110, roof - 44, (255, 255, 255), 13)
    yellow = scene.shade((240, 200, 40))
    pen.poly([(bay0 - 20, 860), (bay1 + 20, 860), (bay1, 800), (bay0, 800)], scene.shade((120, 120, 124)))
    for k in range(9):
        hx = bay0 + k * 70
        pen.line([(hx, 858), (hx + 50, 802)], yellow, 5)
    _ambulance(scene, pen, 1700.0, 830.0, 0.62)
    tree(scene, pen, rng, 300.0, base + 40, 1.6)
    tree(scene, pen, rng, 560.0, base + 20, 1.2)
    grass_tufts(scene, pen, rng, 10, base + 160, 1120)


def _booth(scene: Scene, pen: Pen, x: float, top: float, w: float, h: float) -> None:
    """A voting compartment: a three-sided screen standing on a table, its side panels angled."""
    card, edge = scene.shade((236, 232, 222)), scene.shade((170, 166, 156))
    pen.rect(x - w / 2, top, x + w / 2, top + h, card)
    pen.poly([(x - w / 2, top), (x - w / 2 - w * 0.3, top + h * 0.12), (x - w / 2 - w * 0.3, top + h),
              (x - w / 2, top + h)], edge)  # fmt: skip
    pen.poly([(x + w / 2, top), (x + w / 2 + w * 0.3, top + h * 0.12), (x + w / 2 + w * 0.3, top + h),
              (x + w / 2, top + h)], edge)  # fmt: skip
    pen.rect(x - w / 2, top + h * 0.55, x + w / 2, top + h, scene.shade((206, 200, 188)))
    pen.rect(x - w / 2 - w * 0.3, top - h * 0.16, x + w / 2 + w * 0.3, top + h * 0.04, scene.shade((40, 80, 160)))
    lettering(pen, x - w * 0.6, top - h * 0.1, x + w * 0.6, top - h * 0.02, scene.shade((250, 250, 250)), int(x))


def _ballot_box(scene: Scene, pen: Pen, x: float, base: float, w: float) -> None:
    """A steel ballot box with its slot and a paper seal."""
    steel, dark = scene.shade((150, 156, 164)), scene.shade((90, 94, 100))
    pen.rect(x - w / 2, base - w * 0.8, x + w / 2, base, steel)
    pen.poly([(x - w / 2, base - w * 0.8), (x - w * 0.35, base - w * 0.95), (x + w * 0.65, base - w * 0.95),
              (x + w / 2, base - w * 0.8)], scene.shade((180, 186, 194)))  # fmt: skip
    pen.rect(x - w * 0.2, base - w * 0.9, x + w * 0.3, base - w * 0.85, dark)
    pen.rect(x - w * 0.1, base - w * 0.6, x + w * 0.1, base - w * 0.3, scene.shade((240, 230, 200)))
    pen.circle(x, base - w * 0.45, w * 0.07, scene.shade((180, 30, 30)))


def polling_station(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Voting day at a public building: a banner across its front, queue barriers leading to the
    door, voting compartments on a table and a ballot box on another."""
    backdrop(scene, pen, rng, 10)
    base, x0, x1 = HORIZON_Y + 80.0, 700.0, 1960.0
    wall, trim = scene.shade((214, 214, 196)), scene.shade((120, 130, 150))
    pen.rect(x0, base - 250, x1, base, wall)
    pen.rect(x0 - 20, base - 270, x1 + 20, base - 244, trim)
    for k in range(9):  # a veranda of pillars
        px = x0 + 30 + k * (x1 - x0 - 60) / 8
        pen.rect(px - 12, base - 244, px + 12, base, scene.shade((236, 236, 226)))
    _windows(scene, pen, rng, x0 + 60, x1 - 60, base - 200, 70, 10, (70, 90, 110))
    door = (1060.0, base - 170, 1180.0, base)
    pen.rect(*door, scene.shade((80, 60, 44)))
    # the banner, white with saffron and green borders, tied to the pillars
    bx0, bx1, by = 880.0, 1780.0, base - 350
    for px in (bx0, bx1):
        pen.line([(px, by), (px + (40 if px == bx0 else -40), base - 270)], scene.shade((60, 60, 60)), 3)
    pen.rect(bx0, by, bx1, by + 80, scene.shade((250, 250, 246)))
    pen.rect(bx0, by, bx1, by + 12, scene.shade(SAFFRON))
    pen.rect(bx0, by + 68, bx1, by + 80, scene.shade(INDIA_GREEN))
    lettering(pen, bx0 + 60, by + 24, bx1 - 60, by + 56, scene.shade((20, 40, 120)), 17)
    # queue barriers: posts with ropes in two lines from the near left to the door
    post, rope = scene.shade((60, 60, 66)), scene.shade((240, 190, 40))
    for lane, offset in ((0, -70.0), (1, 70.0)):
        tops = []
        for k in range(7):
            t = k / 6
            y = 1000 - (1000 - base - 10) * t
            s = (y - HORIZON_Y) / 260
            x = 120 + (door[0] - 120) * t + offset * s * (1 if lane else -1) + 80 * s * lane
            pen.rect(x - 5 * s, y - 110 * s, x + 5 * s, y, post)
            pen.ellipse(x, y, 16 * s, 5 * s, post)
            tops.append((x, y - 104 * s))
        pen.line(tops, rope, 5)
    # voting compartments on a long table, the ballot box on its own table
    cloth = scene.shade((250, 250, 250))
    tx0, tx1, ty = 1400.0, 1900.0, 790.0
    pen.rect(tx0, ty, tx1, ty + 20, cloth)
    for lx in (tx0 + 20, tx1 - 30):
        pen.rect(lx, ty + 20, lx + 10, 880, scene.shade((110, 80, 50)))
    pen.rect(tx0, ty + 20, tx1, ty + 60, (*scene.shade((250, 250, 250)), 200))
    for bx in (tx0 + 130, tx1 - 130):
        _booth(scene, pen, bx, ty - 190, 150, 190)
    kx, ky = 1230.0, 830.0
    pen.rect(kx - 90, ky, kx + 90, ky + 16, cloth)
    for lx in (kx - 80, kx + 70):
        pen.rect(lx, ky + 16, lx + 10, 900, scene.shade((110, 80, 50)))
    _ballot_box(scene, pen, kx, ky, 150)
    sign = depth_rows(900, base, 2)[1]
    pen.rect(560, sign - 170, 568, sign, post)
    pen.rect(470, sign - 240, 660, sign - 160, scene.shade((250, 250, 246)))
    lettering(pen, 490, sign - 222, 640, sign - 200, scene.shade((20, 40, 120)), 19)
    lettering(pen, 490, sign - 190, 620, sign - 176, scene.shade((20, 40, 120)), 23)
    grass_tufts(scene, pen, rng, 8, base + 160, 1120)


PAINTERS: dict[str, Painter] = {"school": school, "hospital": hospital, "polling_station": polling_station}
