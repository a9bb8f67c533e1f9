"""Town settings: road, street, city square, market, shop front and bus stop.

Streets recede to a vanishing point on the horizon; facades are planes drawn through ``_Plane``
(a point at depth scale ``s``, 1 near and smaller far, and height fraction ``v``). Vehicles stand
in each setting's road band (``SettingSpec.road``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .pen import GROUND_Y, HORIZON_Y, RGB, WORLD_W, Pen, Point
from .places_common import LAMP, depth_rows, far_hills, lamp_post, lamps_lit, lettering, mix, scaled, sky_rgb, tree

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region
    from .settings import Painter

AWNINGS: tuple[RGB, ...] = ((200, 60, 50), (40, 120, 180), (230, 170, 40), (60, 150, 90), (150, 70, 150))


def skyline(scene: Scene, pen: Pen, rng: np.random.Generator, *, low: bool = False) -> None:
    """A row of town buildings along the horizon, windows lit in the evening and at night."""
    x = -40.0
    lit_chance = 0.55 if lamps_lit(scene) else 0.0
    haze = sky_rgb(scene, 0.95)
    lo, hi = (60.0, 200.0) if low else (120.0, 380.0)
    while x < WORLD_W + 40:
        bw, bh = rng.uniform(90, 190), rng.uniform(lo, hi)
        g = rng.uniform(0.75, 1.1)
        body = mix(scene.shade((int(150 * g), int(145 * g), int(140 * g))), haze, 0.35 if low else 0.0)
        pen.rect(x, HORIZON_Y - bh, x + bw, HORIZON_Y + 30, body)
        glass = mix(scene.shade((70, 86, 104)), haze, 0.3 if low else 0.0)
        for wy in np.arange(HORIZON_Y - bh + 18, HORIZON_Y + 5, 34):
            for wx in np.arange(x + 14, x + bw - 20, 30):
                pen.rect(wx, wy, wx + 14, wy + 18, LAMP if rng.random() < lit_chance else glass)
        x += bw + rng.uniform(4, 30)


@dataclass(frozen=True)
class _Plane:
    """A vertical facade plane receding to ``vanish``; its near edge at x ``x``, from y ``bottom``
    (the ground) up to ``top``."""

    x: float
    top: float
    bottom: float
    vanish: Point = (WORLD_W / 2, float(HORIZON_Y))

    def at(self, s: float, v: float) -> Point:
        vx, vy = self.vanish
        y = self.bottom + (self.top - self.bottom) * v
        return (vx + (self.x - vx) * s, vy + (y - vy) * s)

    def quad(self, pen: Pen, s0: float, s1: float, v0: float, v1: float, colour: tuple[int, ...]) -> None:
        pen.poly([self.at(s0, v0), self.at(s1, v0), self.at(s1, v1), self.at(s0, v1)], colour)  # type: ignore[arg-type]


def _shop_row(scene: Scene, pen: Pen, rng: np.random.Generator, plane: _Plane, n: int, far: float) -> None:
    """``n`` shop fronts along ``plane`` from near (s = 1) to ``far``: shutters or lit openings,
    striped awnings, signboards, and windows on the floors above."""
    a = (1 / far - 1) / n
    scales = [1 / (1 + k * a) for k in range(n + 1)]
    lit = lamps_lit(scene)
    for k in range(n):
        s0, s1 = scales[k], scales[k + 1]
        body = scene.shade(((214, 196, 160), (190, 150, 120), (206, 180, 110), (170, 180, 170))[k % 4])
        plane.quad(pen, s0, s1, 0.0, 1.0, body)
        plane.quad(pen, s0 + (s1 - s0) * 0.02, s1, 0.0, 0.01 + 0.005, scene.shade((90, 80, 70)))
        inset = (s1 - s0) * 0.08
        plane.quad(pen, s0 + inset, s1 - inset, 0.0, 0.3, LAMP if lit else scene.shade((58, 50, 46)))
        for j in range(4):  # goods on shelves inside the opening
            v = 0.05 + j * 0.06
            plane.quad(pen, s0 + inset * 1.5, s1 - inset * 1.5, v, v + 0.02, scene.shade(AWNINGS[(k + j) % 5]))
        awning = scene.shade(AWNINGS[int(rng.integers(len(AWNINGS)))])
        for j in range(6):
            t0, t1 = s0 + (s1 - s0) * j / 6, s0 + (s1 - s0) * (j + 1) / 6
            plane.quad(pen, t0, t1, 0.3, 0.36, awning if j % 2 else scene.shade((240, 236, 226)))
        plane.quad(pen, s0 + inset, s1 - inset, 0.38, 0.46, scene.shade((40, 60, 110) if k % 2 else (150, 30, 40)))
        for v in (0.56, 0.76):
            for j in range(3):
                t0 = s0 + (s1 - s0) * (0.15 + 0.28 * j)
                glass = LAMP if lit and rng.random() < 0.5 else scene.shade((80, 96, 112))
                plane.quad(pen, t0, t0 + (s1 - s0) * 0.14, v, v + 0.12, glass)


def street(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A street running into the distance between rows of shop fronts, the town at its end."""
    skyline(scene, pen, rng, low=True)
    vanish = (WORLD_W / 2, float(HORIZON_Y))
    asphalt, kerb, walk = scene.shade((84, 84, 88)), scene.shade((170, 166, 156)), scene.shade((150, 140, 128))
    pen.poly([vanish, (-600.0, 1160.0), (WORLD_W + 600.0, 1160.0)], walk)
    pen.poly([vanish, (0.0, 1160.0), (WORLD_W, 1160.0)], asphalt)
    for side in (0.0, WORLD_W):
        pen.line([vanish, (side, 1160.0)], kerb, 8)
    rows = depth_rows(1150, HORIZON_Y + 8, 14)
    for k in range(0, 14, 2):
        pen.poly([(WORLD_W / 2 - 2, rows[k + 1]), (WORLD_W / 2 + 2, rows[k + 1]),
                  (WORLD_W / 2 + 6, rows[k]), (WORLD_W / 2 - 6, rows[k])], scene.shade((230, 226, 210)))  # fmt: skip
    left = _Plane(-260.0, -40.0, 1080.0)
    right = _Plane(WORLD_W + 260.0, -40.0, 1080.0)
    _shop_row(scene, pen, rng, left, 5, 0.3)
    _shop_row(scene, pen, rng, right, 5, 0.3)
    wire = scene.shade((40, 40, 44))
    for k in range(3):
        pen.line([left.at(0.55 - 0.1 * k, 0.9), right.at(0.6 - 0.1 * k, 0.86)], wire, 2)
    for s in (0.9, 0.62, 0.46):
        x, y = left.at(s, 0.0)
        lamp_post(scene, pen, x + 200 * s, y - 10 * s, 420 * s)


def road(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """An asphalt road with lane markings into the distance, trees and poles along its sides."""
    far_hills(scene, pen, rng)
    vanish = (1100.0, HORIZON_Y + 2.0)
    left_b, right_b, mid_b = -400.0, 2250.0, 900.0
    asphalt = scene.shade((78, 80, 84))
    pen.poly([vanish, (left_b - 160, 1160.0), (right_b + 160, 1160.0)], scene.shade((150, 132, 100)))
    pen.poly([vanish, (left_b, 1160.0), (right_b, 1160.0)], asphalt)
    white, yellow = scene.shade((236, 236, 230)), scene.shade((236, 196, 60))
    for edge in (left_b + 90, right_b - 90):
        pen.poly([vanish, (edge - 10, 1160.0), (edge + 10, 1160.0)], white)
    pen.poly([vanish, (left_b, 1160.0), (left_b + 40, 1160.0)], asphalt)
    rows = depth_rows(1160, HORIZON_Y + 6, 18)
    for k in range(0, 18, 2):
        y0, y1 = rows[k], rows[k + 1]
        x0, x1 = (vanish[0] + (mid_b - vanish[0]) * (y - vanish[1]) / (1160 - vanish[1]) for y in (y0, y1))
        w0, w1 = 12 * (y0 - HORIZON_Y) / 520, 12 * (y1 - HORIZON_Y) / 520
        pen.poly([(x1 - w1, y1), (x1 + w1, y1), (x0 + w0, y0), (x0 - w0, y0)], yellow)

    def edge_x(side: float, y: float) -> float:
        return vanish[0] + (side - vanish[0]) * (y - vanish[1]) / (1160 - vanish[1])

    for y in reversed(depth_rows(1040, HORIZON_Y + 40, 8)):
        s = (y - HORIZON_Y) / (GROUND_Y - HORIZON_Y)
        tree(scene, pen, rng, edge_x(left_b, y) - 200 * s, y, 2.4 * s)
        tree(scene, pen, rng, edge_x(right_b, y) + 320 * s, y, 2.4 * s)
    pole = scene.shade((90, 70, 50))
    tops: list[Point] = []
    for y in reversed(depth_rows(1000, HORIZON_Y + 36, 6)):
        s = (y - HORIZON_Y) / (GROUND_Y - HORIZON_Y)
        x = edge_x(right_b, y) + 110 * s
        pen.rect(x - 5 * s, y - 520 * s, x + 5 * s, y, pole)
        pen.rect(x - 40 * s, y - 500 * s, x + 40 * s, y - 490 * s, pole)
        tops.append((x, y - 496 * s))
    pen.line(tops, scene.shade((40, 40, 40)), 2)
    mx, my = 330.0, 930.0
    pen.rect(mx - 34, my - 90, mx + 34, my, scene.shade((236, 236, 230)))
    pen.ellipse(mx, my - 90, 34, 30, scene.shade((236, 196, 60)))
    lettering(pen, mx - 24, my - 60, mx + 24, my - 48, scene.shade((40, 40, 40)), 3)


def _screen(scene: Scene, pen: Pen, x0: float, y0: float, x1: float, y1: float, hue: int) -> None:
    """A big LED screen on a facade, showing a bright picture; it glows at night."""
    pen.rect(x0 - 10, y0 - 10, x1 + 10, y1 + 10, scene.shade((30, 30, 34)))
    bright = 1.0 if lamps_lit(scene) else 0.9
    bg = ((30, 90, 200), (200, 40, 90), (20, 150, 130))[hue % 3]
    fg = ((250, 200, 60), (250, 250, 250), (250, 120, 40))[hue % 3]
    c0 = tuple(int(v * bright) for v in bg)
    pen.rect(x0, y0, x1, y1, (c0[0], c0[1], c0[2]))
    w, h = x1 - x0, y1 - y0
    pen.circle(x0 + w * 0.3, y0 + h * 0.45, h * 0.28, fg)
    pen.rect(x0 + w * 0.55, y0 + h * 0.25, x1 - w * 0.08, y0 + h * 0.38, (250, 250, 250))
    pen.rect(x0 + w * 0.55, y0 + h * 0.48, x1 - w * 0.2, y0 + h * 0.58, (230, 230, 230))
    pen.rect(x0, y1 - h * 0.16, x1, y1, (220, 30, 40))
    if lamps_lit(scene):
        pen.rect(x0 - 40, y0 - 40, x1 + 40, y1 + 40, (*bg, 40))


def city_square(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """A paved plaza ringed by buildings with big screens on their facades, a fountain in it."""
    base = 700.0
    lit = lamps_lit(scene)
    x = -60.0
    k = 0
    while x < WORLD_W + 40:
        bw = rng.uniform(240, 380)
        top = rng.uniform(200, 400)
        body = scene.shade(((214, 200, 176), (176, 110, 90), (160, 164, 170), (200, 180, 140))[k % 4])
        pen.rect(x, top, x + bw, base, body)
        pen.rect(x, top, x + bw, top + 14, scene.shade((110, 100, 90)))
        for wy in np.arange(top + 40, base - 50, 48):
            for wx in np.arange(x + 24, x + bw - 30, 42):
                pen.rect(wx, wy, wx + 20, wy + 28, LAMP if lit and rng.random() < 0.5 else scene.shade((80, 96, 112)))
        pen.rect(x + bw * 0.35, base - 60, x + bw * 0.65, base, scene.shade((60, 50, 46)))
        if k in (1, 4):
            _screen(scene, pen, x + 30, top + 50, x + bw - 30, top + 50 + (bw - 60) * 0.56, k)
        x += bw
        k += 1
    plaza, joint = scene.shade((176, 170, 160)), scene.shade((140, 134, 126))
    pen.rect(-10, base, WORLD_W + 10, 1160, plaza)
    vanish = (WORLD_W / 2, float(HORIZON_Y))
    for xb in np.arange(-3000.0, WORLD_W + 3000.0, 200.0):
        pen.line([(vanish[0] + (xb - vanish[0]) * (base - vanish[1]) / (1160 - vanish[1]), base), (xb, 1160)], joint, 2)
    for y in depth_rows(1160, base, 12):
        pen.line([(-10, y), (WORLD_W + 10, y)], joint, 2)
    # the fountain: a round basin, a pedestal with a bowl, jets falling back
    fx, fy = WORLD_W * 0.7, 820.0
    stone, water = scene.shade((196, 190, 178)), mix(scene.shade((70, 140, 190)), sky_rgb(scene, 0.6), 0.3)
    pen.ellipse(fx, fy - 30, 240, 46, stone)
    pen.rect(fx - 240, fy - 30, fx + 240, fy, stone)
    pen.ellipse(fx, fy, 240, 46, stone)
    pen.ellipse(fx, fy - 34, 220, 36, water)
    pen.rect(fx - 18, fy - 170, fx + 18, fy - 34, stone)
    pen.ellipse(fx, fy - 170, 90, 18, stone)
    spray = (*mix(water, (255, 255, 255), 0.6), 170)
    for dx in (-1.0, -0.5, 0.5, 1.0):
        pts = [(fx + dx * 200 * t, fy - 230 + 220 * t * t - 60 * t) for t in np.linspace(0, 1, 10)]
        pen.line(pts, spray, 6)
    pen.line([(fx, fy - 170), (fx, fy - 260)], spray, 10)
    for lx in (WORLD_W * 0.08, WORLD_W * 0.36, WORLD_W * 0.94):
        lamp_post(scene, pen, lx, 900.0, 330.0)


def _stall(scene: Scene, pen: Pen, rng: np.random.Generator, x: float, y: float, stripe: RGB, s: float = 1.0) -> None:
    """A market stall at ``(x, y)``, ``s`` times its size at the horizon's near side: poles, a striped
    awning, a table heaped with fruit."""
    if s != 1.0:
        pen = scaled(pen, x, y, s)
    pole = scene.shade((90, 66, 44))
    pen.rect(x - 95, y - 150, x - 88, y, pole)
    pen.rect(x + 88, y - 150, x + 95, y, pole)
    for k in range(6):
        colour = scene.shade(stripe if k % 2 else (240, 236, 226))
        pen.poly([(x - 110 + k * 37, y - 150), (x - 73 + k * 37, y - 150), (x - 70 + k * 37, y - 118),
                  (x - 110 + k * 37, y - 118)], colour)  # fmt: skip
    pen.rect(x - 85, y - 62, x + 85, y - 50, scene.shade((130, 92, 58)))
    pen.rect(x - 80, y - 50, x + 80, y, scene.shade((110, 80, 50)))
    for _ in range(11):
        fruit = scene.shade(((230, 120, 40), (200, 40, 40), (240, 210, 60), (90, 160, 60))[int(rng.integers(4))])
        pen.circle(x + rng.uniform(-75, 75), y - 70 - rng.uniform(0, 10), 9, fruit)


def market(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Striped stalls heaped with fruit in front of low shop houses, bunting strung overhead."""
    skyline(scene, pen, rng, low=True)
    x = -20.0
    while x < WORLD_W:
        bw = rng.uniform(160, 260)
        pen.rect(x, HORIZON_Y - rng.uniform(80, 150), x + bw, HORIZON_Y + 40,
                 scene.shade(((220, 180, 120), (200, 140, 120), (180, 190, 170))[int(rng.integers(3))]))  # fmt: skip
        pen.rect(x + 20, HORIZON_Y - 20, x + bw - 20, HORIZON_Y + 40, scene.shade((70, 56, 46)))
        x += bw + 6
    stripes = list(scene.palette) or [(200, 60, 50), (240, 200, 60), (40, 120, 180)]
    for i, sx in enumerate(np.linspace(WORLD_W * 0.1, WORLD_W * 0.9, 5)):
        _stall(scene, pen, rng, float(sx), HORIZON_Y + 110.0, stripes[(i + 1) % len(stripes)])
    for i, sx in enumerate((180.0, 560.0, 1420.0, 1820.0)):
        _stall(scene, pen, rng, sx, 860.0, stripes[i % len(stripes)], 1.9)
    for k in range(2):
        y0 = 250.0 + 70 * k
        pts = [(float(px), y0 + 60 * np.sin(np.pi * px / WORLD_W)) for px in np.linspace(-20, WORLD_W + 20, 40)]
        pen.line(pts, scene.shade((60, 50, 40)), 2)
        for j, (px, py) in enumerate(pts[:-1]):
            flag = scene.shade(AWNINGS[(j + k) % len(AWNINGS)])
            pen.poly([(px, py), (px + 40, py + 3), (px + 20, py + 36)], flag)
    for _ in range(8):
        bx, by = rng.uniform(0, WORLD_W), rng.uniform(860, 1000)
        if 700 < bx < 1100:
            continue
        pen.ellipse(bx, by, 44, 16, scene.shade((160, 120, 70)))
        for _ in range(5):
            pen.circle(bx + rng.uniform(-30, 30), by - 10, 9, scene.shade((220, 80 + int(rng.integers(120)), 40)))


PAINTERS: dict[str, Painter] = {"road": road, "street": street, "city_square": city_square, "market": market}
