"""Crowded venues: a railway station platform and a stadium under floodlights."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .pen import HORIZON_Y, RGB, WORLD_W, Pen
from .places_common import LAMP, bench, depth_rows, glow, lamps_lit, lettering
from .places_outdoor import backdrop

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

SHIRTS: tuple[RGB, ...] = (
    (220, 50, 50), (250, 250, 250), (40, 90, 200), (240, 200, 50), (30, 140, 80), (240, 130, 40), (60, 60, 70),
)  # fmt: skip


def railway_station(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A station seen from its platform: the platform edge with its yellow line, a track of rails on
    sleepers, the far platform with its shed, overhead wires, the roof on pillars and the yellow
    station name board."""
    backdrop(scene, pen, rng, 8)
    top, bottom = 700.0, 790.0
    lit = lamps_lit(scene)
    # the far platform and its building
    pen.rect(-10, HORIZON_Y - 6, WORLD_W + 10, top - 8, scene.shade((176, 170, 160)))
    pen.rect(-10, top - 14, WORLD_W + 10, top - 4, scene.shade((236, 200, 60)))
    shed = scene.shade((196, 110, 80))
    pen.rect(200, HORIZON_Y - 170, 1500, HORIZON_Y - 6, shed)
    for wx in np.arange(240.0, 1460.0, 90.0):
        pen.rect(wx, HORIZON_Y - 140, wx + 40, HORIZON_Y - 80, LAMP if lit else scene.shade((80, 70, 64)))
    pen.rect(180, HORIZON_Y - 190, 1520, HORIZON_Y - 168, scene.shade((120, 70, 54)))
    # overhead wires on masts
    mast = scene.shade((90, 96, 100))
    for mx in np.arange(100.0, WORLD_W, 520.0):
        pen.rect(mx - 6, 420, mx + 6, top - 8, mast)
        pen.rect(mx - 6, 430, mx + 180, 440, mast)
    for y in (446.0, 470.0):
        pen.line([(0, y), (WORLD_W, y)], scene.shade((40, 40, 44)), 2)
    # the track: ballast, sleepers, two rails
    pen.rect(-10, top - 4, WORLD_W + 10, bottom, scene.shade((120, 110, 100)))
    sleeper, rail = scene.shade((92, 66, 46)), scene.shade((190, 190, 196))
    for x in np.arange(-20.0, WORLD_W + 20, 46.0):
        pen.poly([(x, 716), (x + 22, 716), (x + 30, 782), (x + 4, 782)], sleeper)
    pen.rect(-10, 724, WORLD_W + 10, 730, rail)
    pen.rect(-10, 766, WORLD_W + 10, 774, rail)
    # the near platform: edge stones, the yellow safety line, paving
    pen.rect(-10, bottom, WORLD_W + 10, bottom + 16, scene.shade((206, 200, 190)))
    pen.rect(-10, bottom + 30, WORLD_W + 10, bottom + 44, scene.shade((240, 200, 40)))
    pen.rect(-10, bottom + 44, WORLD_W + 10, 1160, scene.shade((160, 152, 140)))
    for y in depth_rows(1160, bottom + 44, 6):
        pen.line([(-10, y), (WORLD_W + 10, y)], scene.shade((140, 132, 120)), 2)
    # the roof over the near platform on a row of pillars, a clock under it
    pillar, roof = scene.shade((70, 90, 110)), scene.shade((150, 150, 156))
    for px in (150.0, 600.0, 1400.0, 1850.0):
        pen.rect(px - 14, 150, px + 14, 880, pillar)
        pen.poly([(px - 14, 200), (px - 90, 150), (px + 90, 150), (px + 14, 200)], pillar)
    pen.rect(-10, 60, WORLD_W + 10, 150, roof)
    for x in np.arange(-10.0, WORLD_W + 10, 60.0):
        pen.poly([(x, 150), (x + 60, 150), (x + 30, 170)], roof)
    pen.rect(-10, 140, WORLD_W + 10, 150, scene.shade((110, 110, 116)))
    pen.rect(1016, 150, 1024, 230, pillar)
    pen.circle(1020, 262, 36, pillar)
    pen.circle(1020, 262, 30, scene.shade((250, 250, 246)))
    pen.line([(1020, 262), (1020, 240)], (20, 20, 20), 3)
    pen.line([(1020, 262), (1036, 268)], (20, 20, 20), 3)
    if lit:
        for lx in (380.0, 1000.0, 1620.0):
            glow(pen, lx, 168, 10)
    # the station name board: yellow, black letters in three lines, on two legs
    bx0, bx1, by0, by1 = 1460.0, 1800.0, 480.0, 620.0
    for lx in (bx0 + 30, bx1 - 30):
        pen.rect(lx - 6, by1, lx + 6, 880, scene.shade((40, 40, 40)))
    pen.rect(bx0 - 8, by0 - 8, bx1 + 8, by1 + 8, scene.shade((30, 30, 30)))
    pen.rect(bx0, by0, bx1, by1, scene.shade((250, 210, 40)))
    for k, (a, b) in enumerate(((by0 + 18, by0 + 46), (by0 + 62, by0 + 86), (by0 + 100, by0 + 122))):
        lettering(pen, bx0 + 40 + 20 * k, a, bx1 - 40 - 20 * k, b, scene.shade((20, 20, 20)), 29 + k)
    bench(scene, pen, 380, 880, 260, (90, 110, 140))


def stadium(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A stadium: tiers of stands packed with a crowd under a roof, advertising boards, floodlight
    towers and a striped pitch with its lines (lit by the floodlights at night)."""
    stand0, stand1 = 300.0, 596.0
    concrete = scene.shade((150, 150, 156))
    pen.rect(-10, stand0 - 10, WORLD_W + 10, stand1 + 4, concrete)
    rows = np.linspace(stand0, stand1, 13)
    for k, y in enumerate(rows[:-1]):
        pen.rect(-10, y + 16, WORLD_W + 10, rows[k + 1], scene.shade((120, 120, 128)))
        step = 12.0 + 0.6 * k
        xs = np.arange(-10.0, WORLD_W + 10.0, step) + rng.uniform(-3, 3)
        shirts = rng.integers(len(SHIRTS), size=len(xs))
        for x, c in zip(xs, shirts, strict=True):
            if int(x) % 340 < 24:
                continue  # an aisle
            r = 4.6 + 0.22 * k
            pen.circle(float(x), y + 14, r * 1.1, scene.shade(SHIRTS[int(c)]))
            pen.circle(float(x), y + 6, r * 0.7, scene.shade((150, 100, 70)))
    roof = scene.shade((70, 74, 84))
    pen.poly([(-10, stand0 - 10), (WORLD_W + 10, stand0 - 10), (WORLD_W + 10, 210), (-10, 210)], roof)
    for x in np.arange(60.0, WORLD_W, 300.0):
        pen.line([(x, stand0 - 10), (x + 40, 210)], scene.shade((200, 200, 206)), 5)
    # advertising boards along the touchline
    for k, x in enumerate(np.arange(-10.0, WORLD_W + 10, 256.0)):
        board = ((30, 80, 170), (220, 40, 40), (250, 200, 40), (30, 140, 80))[k % 4]
        pen.rect(x, stand1, x + 252, HORIZON_Y + 4, scene.shade(board) if not lamps_lit(scene) else board)
        lettering(pen, x + 30, stand1 + 12, x + 220, HORIZON_Y - 10, scene.shade((250, 250, 250)), k)
    # the pitch: mown stripes, lines, the centre circle
    light = 1.9 if scene.night else 1.0
    grass = (scene.shade((70, 150, 60), light), scene.shade((86, 170, 72), light))
    edges = depth_rows(1160, HORIZON_Y + 4, 10)
    for k in range(10):
        pen.rect(-10, edges[k + 1], WORLD_W + 10, edges[k], grass[k % 2])
    chalk = scene.shade((250, 250, 250), light)
    pen.rect(-10, HORIZON_Y + 16, WORLD_W + 10, HORIZON_Y + 22, chalk)
    pen.poly([(WORLD_W / 2 - 3, HORIZON_Y + 16), (WORLD_W / 2 + 3, HORIZON_Y + 16), (WORLD_W / 2 + 9, 1160),
              (WORLD_W / 2 - 9, 1160)], chalk)  # fmt: skip
    pen.ellipse(WORLD_W / 2, 760, 300, 64, chalk)
    pen.ellipse(WORLD_W / 2, 760, 292, 58, grass[1])
    pen.rect(WORLD_W / 2 - 3, 700, WORLD_W / 2 + 3, 820, chalk)
    pen.circle(WORLD_W / 2, 760, 7, chalk)
    # floodlight towers
    steel = scene.shade((110, 114, 122))
    for tx in (330.0, 1720.0):
        pen.poly([(tx - 20, HORIZON_Y), (tx - 6, 120), (tx + 6, 120), (tx + 20, HORIZON_Y)], steel)
        pen.rect(tx - 90, 60, tx + 90, 130, steel)
        for gx in np.arange(tx - 78, tx + 78, 30.0):
            for gy in (70.0, 100.0):
                if lamps_lit(scene):
                    pen.rect(gx, gy, gx + 24, gy + 22, (255, 255, 235))
                else:
                    pen.rect(gx, gy, gx + 24, gy + 22, scene.shade((220, 224, 230)))
        if lamps_lit(scene):
            glow(pen, tx, 95, 24, (255, 255, 230))


PAINTERS: dict[str, Painter] = {"railway_station": railway_station, "stadium": stadium}
