"""Rooms: home, kitchen, classroom and office.

A room fills the world: a back wall down to ``ROOM_FLOOR_Y``, a floor in front of it, and the
window at ``WINDOW`` through which the sky shows the time of day (the moon and stars at night, a
low sun at dawn and in the evening) and ``draw`` shows the weather. At night rooms are lit by warm
lamps (``scene.shade`` uses lamp light indoors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from drishya.analysis.v1 import analysis_pb2

from .pen import RGB, WORLD_W, Pen
from .places_common import ROOM_FLOOR_Y, WINDOW, depth_rows, lettering, mix, sky_panel, sun_of

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

WOOD: RGB = (142, 98, 62)


def room(scene: Scene, pen: Pen, wall: RGB, floor: RGB, *, boards: bool = True) -> None:
    """The shell of a room: back wall, skirting, a floor of boards (or plain), lit by the scene."""
    pen.rect(-10, -10, WORLD_W + 10, ROOM_FLOOR_Y, scene.shade(wall))
    pen.rect(-10, ROOM_FLOOR_Y - 20, WORLD_W + 10, ROOM_FLOOR_Y + 2, scene.shade(mix(wall, (60, 40, 30), 0.5)))
    pen.rect(-10, ROOM_FLOOR_Y + 2, WORLD_W + 10, 1200, scene.shade(floor))
    line = scene.shade(mix(floor, (0, 0, 0), 0.2))
    if boards:
        for i in range(16):
            yy = ROOM_FLOOR_Y + 2 + i * i * 2.2
            pen.line([(-10, yy), (WORLD_W + 10, yy)], line, 2)


def window(scene: Scene, pen: Pen, frame: RGB = (96, 64, 40), *, blinds: bool = False) -> None:
    """The room's window at ``WINDOW``: the sky of the hour with its sun or moon, in a frame."""
    x0, y0, x1, y1 = WINDOW
    sky_panel(scene, pen, x0, y0, x1, y1)
    sx, _, _, colour, _ = sun_of(scene)
    if scene.night:
        rng = np.random.default_rng(7)
        for _ in range(18):
            pen.circle(rng.uniform(x0, x1), rng.uniform(y0, y0 + (y1 - y0) * 0.7), 1.6, (230, 230, 240))
        if not scene.overcast:
            pen.circle(x1 - 70, y0 + 70, 26, (236, 238, 246))
    elif not scene.overcast and scene.time_of_day in (analysis_pb2.TIME_OF_DAY_DAWN, analysis_pb2.TIME_OF_DAY_EVENING):
        cx = x0 + 70 if sx < WORLD_W / 2 else x1 - 70
        pen.circle(cx, y1 - 50, 46, (*colour, 110))
        pen.circle(cx, y1 - 50, 30, mix(colour, (255, 255, 240), 0.5))
    if blinds:
        slat = scene.shade((226, 222, 210))
        for y in np.arange(y0, y1, 22.0):
            pen.rect(x0, y, x1, y + 12, slat)
        pen.line([(x0 + 40, y0), (x0 + 40, y1)], scene.shade((150, 150, 150)), 2)
    fc = scene.shade(frame)
    pen.rect(x0 - 14, y0 - 14, x1 + 14, y0, fc)
    pen.rect(x0 - 14, y1, x1 + 14, y1 + 18, fc)
    pen.rect(x0 - 14, y0, x0, y1, fc)
    pen.rect(x1, y0, x1 + 14, y1, fc)
    if not blinds:
        pen.rect((x0 + x1) / 2 - 5, y0, (x0 + x1) / 2 + 5, y1, fc)


def home(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A room at home: back wall in the mood's lightest colour, a window, a framed picture."""
    wall_base = max(scene.palette, key=lambda c: sum(c)) if scene.palette else (226, 204, 170)
    room(scene, pen, mix(wall_base, (226, 204, 170), 0.5), WOOD)
    window(scene, pen)
    px = WORLD_W * 0.66
    pen.rect(px - 90, 300, px + 90, 430, scene.shade((150, 110, 60)))
    pen.rect(px - 78, 312, px + 78, 418, scene.shade(scene.palette[0] if scene.palette else (90, 120, 150)))
    pen.circle(px, 365, 28, scene.shade((240, 200, 90)))


def kitchen(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A kitchen: a tiled wall, a counter with cupboards, a sink under the window, a gas stove with
    a pot on it, shelves of steel and brass pots, ladles on a rail."""
    room(scene, pen, (236, 226, 200), (170, 150, 130), boards=False)
    for y in depth_rows(1200, ROOM_FLOOR_Y + 2, 8):
        pen.line([(-10, y), (WORLD_W + 10, y)], scene.shade((140, 124, 108)), 2)
    for x in np.arange(-400.0, WORLD_W + 400, 160.0):
        pen.line(
            [(WORLD_W / 2 + (x - WORLD_W / 2) * 0.4, ROOM_FLOOR_Y + 2), (x, 1200)], scene.shade((140, 124, 108)), 2
        )
    tile, grout = scene.shade((240, 244, 244)), scene.shade((200, 206, 208))
    pen.rect(-10, 420, WORLD_W + 10, 600, tile)
    for y in np.arange(420.0, 600.0, 36.0):
        pen.line([(-10, y), (WORLD_W + 10, y)], grout, 2)
    for x in np.arange(0.0, WORLD_W, 36.0):
        pen.line([(x, 420), (x, 600)], grout, 2)
    window(scene, pen, (70, 110, 120))
    # the counter and its cupboards
    top, cup = scene.shade((70, 70, 76)), scene.shade((150, 110, 80))
    pen.rect(-10, 600, WORLD_W + 10, 624, top)
    pen.rect(-10, 624, WORLD_W + 10, ROOM_FLOOR_Y, cup)
    for x in np.arange(20.0, WORLD_W, 170.0):
        pen.rect(x, 634, x + 150, ROOM_FLOOR_Y - 8, scene.shade((170, 130, 96)))
        pen.rect(x + 120, 660, x + 128, 690, scene.shade((210, 200, 180)))
    steel = scene.shade((196, 200, 206))
    x0, _, x1, _ = WINDOW
    pen.rect(x0 + 30, 596, x1 - 30, 606, steel)
    pen.rect((x0 + x1) / 2 - 4, 560, (x0 + x1) / 2 + 4, 600, steel)
    # the gas stove with a pot, flames blue after dark
    sx = 1200.0
    pen.rect(sx, 556, sx + 400, 600, scene.shade((40, 40, 44)))
    pen.rect(sx + 20, 570, sx + 380, 586, scene.shade((170, 176, 184)))
    for bx in (sx + 100, sx + 300):
        pen.ellipse(bx, 556, 64, 10, scene.shade((80, 80, 84)))
    pot = scene.shade((170, 176, 184))
    pen.rect(sx + 30, 440, sx + 170, 550, pot)
    pen.ellipse(sx + 100, 440, 70, 13, scene.shade((120, 124, 130)))
    pen.rect(sx + 88, 420, sx + 112, 432, scene.shade((40, 40, 44)))
    pen.ellipse(sx + 300, 540, 80, 14, scene.shade((40, 40, 44)))
    pen.rect(sx + 370, 534, sx + 480, 544, scene.shade((40, 40, 44)))
    if scene.night or scene.time_of_day == analysis_pb2.TIME_OF_DAY_EVENING:
        pen.ellipse(sx + 100, 552, 60, 8, (90, 140, 255))
    # shelves of pots and a rail of ladles
    shelf, brass = scene.shade((120, 84, 54)), scene.shade((210, 160, 60))
    for y in (250.0, 370.0):
        pen.rect(1100, y, 1950, y + 14, shelf)
        for k, x in enumerate(np.arange(1130.0, 1900.0, 95.0)):
            c = (brass, steel, scene.shade((170, 60, 40)))[k % 3]
            h = 40 + 20 * (k % 2)
            pen.rect(x, y - h, x + 60, y, c)
            pen.ellipse(x + 30, y - h, 30, 6, mix(c, (255, 255, 255), 0.2))
    pen.rect(140, 300, 520, 308, steel)
    for k in range(6):
        lx = 170 + k * 62
        pen.line([(lx, 304), (lx, 380)], steel, 5)
        pen.ellipse(lx, 392, 14, 10, steel)
    pen.rect(140, 460, 420, 560, scene.shade((250, 250, 250)))
    lettering(pen, 160, 480, 400, 494, scene.shade((60, 60, 60)), 41)


def _desk(scene: Scene, pen: Pen, x: float, base: float, w: float, s: float) -> None:
    """A wooden school desk with its bench, ``w`` wide at scale ``s``, standing at ``base``."""
    wood, dark = scene.shade((150, 104, 62)), scene.shade((104, 70, 42))
    pen.poly([(x - w / 2, base - 150 * s), (x + w / 2, base - 150 * s), (x + w / 2 - 10 * s, base - 170 * s),
              (x - w / 2 + 10 * s, base - 170 * s)], wood)  # fmt: skip
    pen.rect(x - w / 2, base - 150 * s, x + w / 2, base - 60 * s, dark)
    for lx in (x - w / 2 + 8 * s, x + w / 2 - 18 * s):
        pen.rect(lx, base - 60 * s, lx + 10 * s, base, dark)
    pen.rect(x - w / 2, base - 40 * s, x + w / 2, base - 28 * s, wood)


def classroom(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A classroom: a green blackboard with chalk writing, the teacher's table, a wall clock and a
    map, rows of desks on both sides of the aisle."""
    room(scene, pen, (206, 222, 196), (150, 120, 104), boards=False)
    for y in depth_rows(1200, ROOM_FLOOR_Y + 2, 7):
        pen.line([(-10, y), (WORLD_W + 10, y)], scene.shade((130, 100, 86)), 2)
    window(scene, pen)
    bx0, by0, bx1, by1 = 1040.0, 250.0, 1840.0, 560.0
    pen.rect(bx0 - 16, by0 - 16, bx1 + 16, by1 + 16, scene.shade((120, 80, 48)))
    pen.rect(bx0, by0, bx1, by1, scene.shade((40, 84, 60)))
    chalk = scene.shade((236, 240, 236))
    lettering(pen, bx0 + 50, by0 + 40, bx1 - 260, by0 + 70, chalk, 43)
    for k in range(3):
        y = by0 + 110 + k * 56
        lettering(pen, bx0 + 70, y, bx0 + 420 - 60 * k, y + 20, chalk, 44 + k)
    pen.line([(bx1 - 260, by1 - 60), (bx1 - 160, by0 + 110), (bx1 - 60, by1 - 60), (bx1 - 260, by1 - 60)], chalk, 4)
    pen.rect(bx0, by1 + 16, bx1, by1 + 26, scene.shade((100, 66, 40)))
    pen.circle(1440, 170, 40, scene.shade((60, 50, 40)))
    pen.circle(1440, 170, 34, scene.shade((250, 248, 240)))
    pen.line([(1440, 170), (1440, 146)], (30, 30, 30), 4)
    pen.line([(1440, 170), (1458, 178)], (30, 30, 30), 4)
    pen.rect(180, 300, 460, 500, scene.shade((240, 236, 220)))
    for cx, cy, r, c in (
        (260, 380, 50, (120, 170, 90)),
        (370, 420, 60, (200, 180, 100)),
        (330, 340, 30, (120, 170, 90)),
    ):
        pen.ellipse(cx, cy, r, r * 0.7, scene.shade(c))
    tx = 1500.0
    pen.rect(tx - 170, 640, tx + 170, 660, scene.shade((150, 104, 62)))
    pen.rect(tx - 160, 660, tx + 160, 740, scene.shade((120, 84, 52)))
    pen.rect(tx - 40, 610, tx + 40, 640, scene.shade((200, 60, 50)))
    for row, base in enumerate((800.0, 920.0, 1060.0)):
        s = 0.8 + 0.25 * row
        for x in (240.0 - 60 * row, 560.0 - 40 * row, 1380.0 + 40 * row, 1740.0 + 60 * row):
            _desk(scene, pen, x, base, 280 * s, s)


def office(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """An office: window blinds, strip lights, cubicle screens, desks with glowing monitors,
    chairs, a filing cabinet and a plant."""
    room(scene, pen, (214, 216, 220), (110, 116, 130), boards=False)
    pen.rect(-10, -10, WORLD_W + 10, 70, scene.shade((236, 236, 236)))
    for x in np.arange(120.0, WORLD_W, 420.0):
        pen.rect(x, 40, x + 240, 62, (250, 250, 240))
    window(scene, pen, (170, 170, 176), blinds=True)
    x0, y0, x1, y1 = WINDOW
    pen.rect(1180, y0 - 14, 1180 + x1 - x0 + 28, y1 + 18, scene.shade((170, 170, 176)))
    for y in np.arange(y0, y1, 22.0):
        pen.rect(1194, y, 1180 + x1 - x0 + 14, y + 18, scene.shade((226, 222, 210)))
    pen.rect(1720, 440, 1900, ROOM_FLOOR_Y, scene.shade((150, 156, 164)))
    for y in (470.0, 560.0, 650.0):
        pen.rect(1790, y, 1830, y + 10, scene.shade((90, 94, 100)))
    pen.rect(200, 520, 420, 640, scene.shade((96, 110, 140)))
    pen.rect(-10, 640, WORLD_W + 10, 700, scene.shade((96, 110, 140)))
    for x in np.arange(0.0, WORLD_W, 420.0):
        pen.rect(x, 630, x + 10, 700, scene.shade((70, 80, 100)))
    screen = (70, 150, 230) if scene.night else scene.shade((80, 150, 220))
    for base, s, xs in ((820.0, 1.0, (140.0, 560.0, 1380.0, 1800.0)), (1000.0, 1.3, (60.0, 1600.0))):
        for x in xs:
            pen.rect(x - 200 * s, base - 170 * s, x + 200 * s, base - 150 * s, scene.shade((200, 190, 170)))
            pen.rect(x - 190 * s, base - 150 * s, x - 176 * s, base, scene.shade((80, 80, 86)))
            pen.rect(x + 176 * s, base - 150 * s, x + 190 * s, base, scene.shade((80, 80, 86)))
            pen.rect(x - 90 * s, base - 310 * s, x + 90 * s, base - 200 * s, scene.shade((30, 30, 34)))
            pen.rect(x - 82 * s, base - 302 * s, x + 82 * s, base - 208 * s, screen)
            pen.rect(x - 10 * s, base - 200 * s, x + 10 * s, base - 170 * s, scene.shade((30, 30, 34)))
            pen.rect(x - 80 * s, base - 180 * s, x + 70 * s, base - 172 * s, scene.shade((50, 50, 56)))
            pen.rect(x + 110 * s, base - 140 * s, x + 200 * s, base - 20 * s, scene.shade((40, 44, 52)))
    pen.rect(1960, 600, 2040, ROOM_FLOOR_Y, scene.shade((170, 90, 60)))
    for k in range(6):
        pen.ellipse(2000 + (k - 2.5) * 14, 560 - k * 12, 40, 14, scene.shade((50, 120, 60)), 0.5 * (k - 2.5))


PAINTERS: dict[str, Painter] = {"home": home, "kitchen": kitchen, "classroom": classroom, "office": office}
