"""Drawing in world units through an affine map onto a Pillow image.

The storyboard world is ``WORLD_W`` x ``WORLD_H`` units (y down). A :class:`Pen` maps world points
to pixels with a 2x3 affine matrix, so the same drawing code paints the static background canvas
(scale and offset) and the per-frame animated layers in screen space (the camera's zoom, pan and
roll), which keeps figures sharp at any zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

WORLD_W = 2048
WORLD_H = 1152
HORIZON_Y = 640
"""World y of the horizon (the wall/floor line indoors) at eye level."""
GROUND_Y = 900
"""World y where figures stand."""
PERSON_H = 300
"""Height of an adult figure in world units."""

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Color = RGB | RGBA
Point = tuple[float, float]


@dataclass(frozen=True)
class Affine:
    """``(x, y) -> (a*x + b*y + c, d*x + e*y + f)``; ``k`` is its uniform scale (px per unit)."""

    a: float
    b: float
    c: float
    d: float
    e: float
    f: float

    @property
    def k(self) -> float:
        return math.hypot(self.a, self.d)

    def apply(self, x: float, y: float) -> Point:
        return (self.a * x + self.b * y + self.c, self.d * x + self.e * y + self.f)

    @staticmethod
    def scale_offset(s: float, ox: float, oy: float) -> Affine:
        """World → canvas pixels for a canvas whose pixel (0, 0) is world ``(ox, oy)`` at ``s`` px/unit."""
        return Affine(s, 0.0, -s * ox, 0.0, s, -s * oy)

    @staticmethod
    def camera(cx: float, cy: float, zoom: float, roll: float, width: int, height: int) -> Affine:
        """World → screen: ``zoom * Rot(roll) * (w - (cx, cy)) + (width/2, height/2)``, roll in radians."""
        co, si = math.cos(roll) * zoom, math.sin(roll) * zoom
        return Affine(co, -si, width / 2 - co * cx + si * cy, si, co, height / 2 - si * cx - co * cy)


class Pen:
    """Draws world-space shapes onto ``image`` (RGB) through ``m``, blending RGBA colours."""

    def __init__(self, image: Image.Image, m: Affine) -> None:
        self.image = image
        self.m = m
        self.draw = ImageDraw.Draw(image, "RGBA")

    def px(self, units: float) -> float:
        """A length in world units, in pixels."""
        return units * self.m.k

    def poly(self, pts: Sequence[Point], fill: Color) -> None:
        self.draw.polygon([self.m.apply(x, y) for x, y in pts], fill=fill)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Color) -> None:
        self.poly([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], fill)

    def circle(self, x: float, y: float, r: float, fill: Color) -> None:
        px, py = self.m.apply(x, y)
        rr = max(0.5, r * self.m.k)
        self.draw.ellipse((px - rr, py - rr, px + rr, py + rr), fill=fill)

    def ellipse(self, x: float, y: float, rx: float, ry: float, fill: Color, rot: float = 0.0) -> None:
        """An ellipse of radii ``rx``, ``ry`` rotated by ``rot`` radians, as a 24-gon."""
        co, si = math.cos(rot), math.sin(rot)
        pts = []
        for i in range(24):
            t = i * math.tau / 24
            ex, ey = rx * math.cos(t), ry * math.sin(t)
            pts.append((x + ex * co - ey * si, y + ex * si + ey * co))
        self.poly(pts, fill)

    def line(self, pts: Sequence[Point], fill: Color, width: float) -> None:
        w = max(1, round(width * self.m.k))
        self.draw.line([self.m.apply(x, y) for x, y in pts], fill=fill, width=w, joint="curve")

    def limb(self, p0: Point, p1: Point, width: float, fill: Color) -> None:
        """A thick segment with round ends (arms, legs, trunks)."""
        self.line([p0, p1], fill, width)
        self.circle(p0[0], p0[1], width / 2, fill)
        self.circle(p1[0], p1[1], width / 2, fill)


def polar(origin: Point, length: float, angle: float) -> Point:
    """The point ``length`` from ``origin`` at ``angle`` radians from straight down (positive → +x)."""
    return (origin[0] + length * math.sin(angle), origin[1] + length * math.cos(angle))
