"""The virtual camera of a shot: framing from shot size, height from angle, a path from movement.

A view is a window of the world (centre ``cx, cy``, width ``vw`` in world units, 16:9) and a roll.
Framing follows the usual definitions: an extreme wide shot shows the whole place; a wide shot the
subject full figure; a medium shot from the waist up; a close-up the head and shoulders; an extreme
close-up the face. Low angles put the horizon low in frame, high angles and overhead put it high;
a Dutch angle rolls the frame by ``DUTCH_DEG``. Movements run over the whole rendered shot
(including the crossfade tail) with smoothstep easing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from drishya.analysis.v1 import analysis_pb2

from .constants import HEIGHT, WIDTH
from .pen import GROUND_Y, HORIZON_Y, WORLD_H, WORLD_W

ASPECT = HEIGHT / WIDTH
DUTCH_DEG = 7.0


@dataclass(frozen=True)
class View:
    """A camera window: centre in world units, width in world units, roll in radians."""

    cx: float
    cy: float
    vw: float
    roll: float = 0.0

    @property
    def vh(self) -> float:
        return self.vw * ASPECT

    @property
    def zoom(self) -> float:
        """Screen pixels per world unit."""
        return WIDTH / self.vw

    def half_extent(self) -> tuple[float, float]:
        """Half width and half height of the rolled view's axis-aligned bounding box."""
        c, s = abs(math.cos(self.roll)), abs(math.sin(self.roll))
        return (self.vw / 2 * c + self.vh / 2 * s, self.vw / 2 * s + self.vh / 2 * c)

    def clamped(self) -> View:
        """The view shrunk and moved just enough to stay inside the world."""
        view = self
        hx, hy = view.half_extent()
        shrink = min(1.0, WORLD_W / 2 / hx, WORLD_H / 2 / hy)
        if shrink < 1.0:
            view = View(view.cx, view.cy, view.vw * shrink * 0.999, view.roll)
            hx, hy = view.half_extent()
        return View(min(max(view.cx, hx), WORLD_W - hx), min(max(view.cy, hy), WORLD_H - hy), view.vw, view.roll)


def smoothstep(p: float) -> float:
    p = min(1.0, max(0.0, p))
    return p * p * (3 - 2 * p)


@dataclass(frozen=True)
class CameraPath:
    """Start and end views of a shot; ``at(p)`` interpolates them for progress ``p`` in [0, 1]."""

    start: View
    end: View

    def at(self, p: float) -> View:
        e = smoothstep(p)
        # interpolate the width geometrically so a dolly feels like constant speed
        vw = self.start.vw * (self.end.vw / self.start.vw) ** e
        return View(
            self.start.cx + (self.end.cx - self.start.cx) * e,
            self.start.cy + (self.end.cy - self.start.cy) * e,
            vw,
            self.start.roll,
        ).clamped()

    @property
    def static(self) -> bool:
        return self.start == self.end


@dataclass(frozen=True)
class Subject:
    """What the camera frames: standing at ``(x, y)`` (world units), ``height`` tall.

    A person is framed by body parts (waist up, head and shoulders, face) measured down from
    ``top``, the world y of the top of the head in the current pose (None: standing upright);
    anything else (an animal) by its visual extent, centred.
    """

    x: float
    y: float
    height: float
    person: bool = True
    top: float | None = None


def base_view(shot_size: int, subject: Subject | None) -> View:
    """The eye-level framing for a shot size of ``subject`` (None: the place and its landmark)."""
    if shot_size == analysis_pb2.SHOT_SIZE_EXTREME_WIDE:
        vw = 1800.0
        return View(WORLD_W / 2 + ((subject.x - WORLD_W / 2) * 0.3 if subject else 0.0), HORIZON_Y, vw)
    if subject is None:
        sizes: dict[int, float] = {
            analysis_pb2.SHOT_SIZE_MEDIUM: 900.0,
            analysis_pb2.SHOT_SIZE_CLOSE_UP: 600.0,
            analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP: 420.0,
        }
        vw = sizes.get(int(shot_size), 1300.0)
        if vw >= 1300.0:
            return View(WORLD_W / 2, GROUND_Y - 0.27 * vw * ASPECT, vw)
        # nobody in shot: frame the landmark (temple tower, skyline) right of centre
        return View(WORLD_W * 0.64, HORIZON_Y - 0.2 * vw * ASPECT, vw)
    if shot_size in (analysis_pb2.SHOT_SIZE_WIDE, analysis_pb2.SHOT_SIZE_UNSPECIFIED):
        vw = 1300.0
        return View(WORLD_W / 2 + (subject.x - WORLD_W / 2) * 0.6, subject.y - 0.3 * vw * ASPECT, vw)
    x, y, h = subject.x, subject.y, subject.height
    top = subject.top if subject.top is not None else y - 0.958 * h
    if not subject.person:
        things: dict[int, float] = {
            analysis_pb2.SHOT_SIZE_MEDIUM: 1.5,
            analysis_pb2.SHOT_SIZE_CLOSE_UP: 1.05,
            analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP: 0.6,
        }
        return View(x, y - 0.5 * h, things.get(int(shot_size), 1.5) * h / ASPECT)
    if shot_size == analysis_pb2.SHOT_SIZE_MEDIUM:
        return View(x, top + 0.26 * h, 0.75 * h / ASPECT)
    if shot_size == analysis_pb2.SHOT_SIZE_CLOSE_UP:
        return View(x, top + 0.1 * h, 0.36 * h / ASPECT)
    return View(x, top + 0.078 * h, 0.22 * h / ASPECT)


def plan(camera: analysis_pb2.Camera, subject: Subject | None) -> CameraPath:
    """The camera path of a shot from its Camera plan and the framed subject (or None)."""
    view = base_view(camera.shot_size, subject)
    close = camera.shot_size in (analysis_pb2.SHOT_SIZE_CLOSE_UP, analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP)
    shift = (0.07 if close else 0.14) * view.vh
    angle = camera.angle
    cy = view.cy
    if angle == analysis_pb2.CAMERA_ANGLE_LOW:
        cy -= shift
    elif angle == analysis_pb2.CAMERA_ANGLE_HIGH:
        cy += shift
    elif angle == analysis_pb2.CAMERA_ANGLE_OVERHEAD:
        cy += 2 * shift
    roll = math.radians(DUTCH_DEG) if angle == analysis_pb2.CAMERA_ANGLE_DUTCH else 0.0
    view = View(view.cx, cy, view.vw, roll)
    m = camera.movement
    dx, dy = 0.10 * view.vw, 0.09 * view.vh
    start, end = view, view
    if m == analysis_pb2.CAMERA_MOVEMENT_PAN_LEFT:
        start, end = _moved(view, dx, 0.0), _moved(view, -dx, 0.0)
    elif m == analysis_pb2.CAMERA_MOVEMENT_PAN_RIGHT:
        start, end = _moved(view, -dx, 0.0), _moved(view, dx, 0.0)
    elif m == analysis_pb2.CAMERA_MOVEMENT_TILT_UP:
        start, end = _moved(view, 0.0, dy), _moved(view, 0.0, -dy)
    elif m == analysis_pb2.CAMERA_MOVEMENT_TILT_DOWN:
        start, end = _moved(view, 0.0, -dy), _moved(view, 0.0, dy)
    elif m == analysis_pb2.CAMERA_MOVEMENT_DOLLY_IN:
        start, end = _zoomed(view, 1.15), _zoomed(view, 1 / 1.12)
    elif m == analysis_pb2.CAMERA_MOVEMENT_DOLLY_OUT:
        start, end = _zoomed(view, 1 / 1.12), _zoomed(view, 1.15)
    elif m == analysis_pb2.CAMERA_MOVEMENT_TRACKING:
        start, end = _moved(view, -1.5 * dx, 0.0), _moved(view, 1.5 * dx, 0.0)
    return CameraPath(start.clamped(), end.clamped())


def _moved(v: View, dx: float, dy: float) -> View:
    return View(v.cx + dx, v.cy + dy, v.vw, v.roll)


def _zoomed(v: View, factor: float) -> View:
    return View(v.cx, v.cy, v.vw * factor, v.roll)


__all__ = ["GROUND_Y", "CameraPath", "Subject", "View", "base_view", "plan"]
