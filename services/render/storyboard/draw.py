"""Procedural storyboard frames: the static background once per shot, then per frame the camera
crop, animated scenery, figures, weather and the subtitle.

Per shot, :class:`ShotPainter` paints the background (sky, sun or moon, clouds, place, landmarks,
mood grade) into a canvas covering only the world the camera will see, at the resolution its
closest framing needs, pre-rolled for a Dutch angle. Each frame is then an axis-aligned
``Image.resize`` of a box of that canvas (about 5 ms at 1280x720 on one core; a static camera
reuses it), the animated layers drawn in screen space through the camera's affine map (so figures
stay sharp at any zoom), screen-space rain/snow/wind particles, a gentle lightning flash, and the
pre-rendered subtitle band.

A camera that only translates (a pan, tilt or tracking move at one zoom) has a box of one size
in every frame: the canvas is scaled once so that box is the frame size (:class:`_Glide`), and
each frame is two integer crops mixed by the sub-pixel part of its offset along the moving axis
(``Image.blend``: linear interpolation, what a 1:1 bilinear resample computes), about 2 ms.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2
from services.mesh.errors import FieldViolation

from . import assets, compose
from . import camera as cam
from .constants import FPS, HEIGHT, SUBTITLE_BAND, WIDTH
from .errors import InvalidShotList, RenderError
from .figures import draw_animal, draw_person, draw_prop, head_top_of
from .pen import HORIZON_Y, WORLD_H, WORLD_W, Affine, Pen
from .scene import Figure, Scene, scene_of
from .scenery import Region, paint_background, window_rect
from .subtitles import subtitle_overlay
from .timeline import ShotSpan, spans, validate

MAX_CANVAS_SCALE = 2.0
"""Background canvas resolution cap (px per world unit); closer framings upscale (a soft background)."""
FLASH_PEAK = 0.2
"""Lightning brightens the frame by at most 20% toward white."""
FLASH_S = 0.16
FLASH_MIN_GAP_S = 2.5
"""At most one lightning flash per 2.5 s, far below the three flashes per second of WCAG 2.3.1."""
MIN_THING_VIEW = 520.0
"""Narrowest view (world units) framing a thing, so it is seen in its place, not alone."""
WALK_SPEED = 0.3
RUN_SPEED = 0.8
"""Walking and running speeds in figure heights per second."""

PROPS = ("umbrella", "lamp", "boat", "flower", "object")


class ShotPainter:
    """Draws the frames of one shot; ``frame(t_s)`` is deterministic for a given shot list and index.

    Raises:
        InvalidShotList: the shot list breaks its contract or ``index`` is out of range.
        RenderError: ``FONT_MISSING`` when subtitles are on and no shaped font is available.
    """

    def __init__(self, shot_list: prompt_pb2.ShotList, index: int, *, subtitles: bool = True) -> None:
        validate(shot_list)
        if not 0 <= index < len(shot_list.shots):
            raise InvalidShotList(
                f"no shot {index}", violations=[FieldViolation("index", f"must be in [0, {len(shot_list.shots)})")]
            )
        shot = shot_list.shots[index]
        self.index = index
        plan = plan_of(shot_list, index)
        self.span = plan.span
        self.scene = plan.scene
        self.cast = plan.cast
        self.action = plan.action
        self.path = plan.path
        self.tracking = plan.tracking
        self.follow = plan.follow
        self.length_s = plan.length_s
        self._sprites: dict[tuple[str, int], Image.Image] = {}
        n = self.span.rendered_frames
        views = [self.view_at(k / FPS) for k in range(n)]
        x0 = min(v.cx - v.half_extent()[0] for v in views) - 4
        x1 = max(v.cx + v.half_extent()[0] for v in views) + 4
        y0 = min(v.cy - v.half_extent()[1] for v in views) - 4
        y1 = max(v.cy + v.half_extent()[1] for v in views) + 4
        scale = min(MAX_CANVAS_SCALE, max(v.zoom for v in views))
        self.region = Region(max(0.0, x0), max(0.0, y0), min(float(WORLD_W), x1), min(float(WORLD_H), y1), scale)
        shallow = shot.camera.depth_of_field == analysis_pb2.DEPTH_OF_FIELD_SHALLOW or (
            shot.camera.depth_of_field == analysis_pb2.DEPTH_OF_FIELD_UNSPECIFIED
            and shot.camera.shot_size in (analysis_pb2.SHOT_SIZE_CLOSE_UP, analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP)
        )
        blur = 6.0 / views[0].zoom if shallow else 0.0
        canvas = paint_background(self.scene, self.region, blur=blur)
        self.roll = self.path.start.roll
        self._canvas_centre = (canvas.width / 2, canvas.height / 2)
        if self.roll:
            canvas = _rolled(canvas, self.roll)
        self._rolled_centre = (canvas.width / 2, canvas.height / 2)
        self.canvas = canvas
        self._cached: tuple[tuple[float, float, float, float], Image.Image] | None = None
        self._glide = _Glide.of(canvas, [self._box(v) for v in views])
        band = subtitle_overlay(shot.subtitle, shot_list.language_code) if subtitles and shot.subtitle.strip() else None
        inked = band.getchannel("A").getbbox() if band is not None else None
        # only the inked part of the band is pasted (about a fifth of it): the rest is transparent
        self.overlay = band.crop(inked) if band is not None and inked else None
        self._overlay_at = (inked[0], SUBTITLE_BAND[0] + inked[1]) if inked else (0, SUBTITLE_BAND[0])
        rng = np.random.default_rng([index, 0xD125])
        self._particles = rng.random((420, 5))
        self._flashes = self._lightning(rng)

    # -- camera ------------------------------------------------------------------------------

    def view_at(self, t_s: float) -> cam.View:
        """The camera view at ``t_s`` seconds into the shot (movement spans the rendered length)."""
        return self.path.at(t_s / self.length_s)

    def _box(self, view: cam.View) -> tuple[float, float, float, float]:
        s = self.region.scale
        px, py = (view.cx - self.region.x0) * s, (view.cy - self.region.y0) * s
        if self.roll:
            cx, cy = self._canvas_centre
            rx, ry = self._rolled_centre
            co, si = math.cos(self.roll), math.sin(self.roll)
            dx, dy = px - cx, py - cy
            px, py = co * dx - si * dy + rx, si * dx + co * dy + ry
        hw, hh = WIDTH * s / view.zoom / 2, HEIGHT * s / view.zoom / 2
        return (px - hw, py - hh, px + hw, py + hh)

    # -- frames ------------------------------------------------------------------------------

    def frame(self, t_s: float) -> Image.Image:
        """The RGB ``WIDTH`` x ``HEIGHT`` frame at ``t_s`` seconds into the shot."""
        view = self.view_at(t_s)
        box = self._box(view)
        cached = self._cached  # one tuple read: safe if another thread swaps it meanwhile
        if cached is not None and cached[0] == box:
            image = cached[1].copy()
        elif self._glide is not None:
            image = self._glide.frame(box)
        else:
            # area sampling (BOX) where the canvas is reduced or kept at scale: at 1:1 it is the
            # bilinear mix of the two nearest pixels, and 25% cheaper; bilinear where it is enlarged
            wide = box[2] - box[0] >= WIDTH
            box = _inside(box, self.canvas.size)
            image = self.canvas.resize(
                (WIDTH, HEIGHT), Image.Resampling.BOX if wide else Image.Resampling.BILINEAR, box=box
            )
            if self._box(self.view_at(t_s + 1 / FPS)) == box:  # a still camera: keep it for the next frame
                self._cached = (box, image.copy())
        pen = Pen(image, Affine.camera(view.cx, view.cy, view.zoom, view.roll, WIDTH, HEIGHT))
        self._water(pen, t_s)
        self._figures(pen, t_s, view)
        self._weather(image, pen, t_s)
        if self.overlay is not None and t_s * FPS < self.span.frames - 0.5:
            image.paste(self.overlay, self._overlay_at, self.overlay)
        return image

    def _figures(self, pen: Pen, t: float, view: cam.View) -> None:
        offset = 0.0
        if self.action in ("walk", "run"):
            if self.follow:
                offset = view.cx - self.path.start.cx
            else:
                people = [f for f in self.cast if f.human]
                h = people[0].height if people else 300.0
                speed = (WALK_SPEED if self.action == "walk" else RUN_SPEED) * h
                offset = speed * (t - self.length_s / 2)
        holder = next((f for f in self.cast if f.human), None)
        for fig in self.cast:
            x = fig.x + figure_offset(fig, t, self.length_s, offset)
            if fig.species == "icon":
                self._icon(pen, fig, x, t)
            elif fig.human:
                draw_person(pen, self.scene, fig, x, t, fig.action)
            elif fig.species in PROPS:
                hx = x if fig.species != "umbrella" or holder is None else holder.x + offset
                draw_prop(pen, self.scene, fig, hx, t, holder)
            else:
                draw_animal(pen, self.scene, fig, x, t, fig.action)

    def _icon(self, pen: Pen, fig: Figure, x: float, t: float) -> None:
        """Paste ``fig``'s icon standing at world ``(x, fig.y)``, ``fig.height`` tall, lit like the scene."""
        y = fig.y + icon_bob(fig, t)
        px, py = pen.m.apply(x, y)
        h = max(2, round(pen.px(fig.height)))
        if h > 4 * HEIGHT:
            return
        sprite = self._sprite(fig.icon, h)
        if sprite is None:
            return
        left, top = round(px - sprite.width / 2), round(py - sprite.height)
        if left >= WIDTH or top >= HEIGHT or left + sprite.width <= 0 or top + sprite.height <= 0:
            return
        pen.image.paste(sprite, (left, top), sprite)

    def _sprite(self, icon: str, height_px: int) -> Image.Image | None:
        key = (icon, height_px)
        sprite = self._sprites.get(key)
        if sprite is None:
            try:
                base = assets.icon_image(icon, _bucket(height_px), fill=True)
            except RenderError:
                return None
            width = max(1, round(base.width * height_px / base.height))
            sprite = lit(base.resize((width, height_px), Image.Resampling.LANCZOS), self.scene)
            if len(self._sprites) > 64:
                self._sprites.clear()
            self._sprites[key] = sprite
        return sprite

    def _water(self, pen: Pen, t: float) -> None:
        f = self.scene.features
        if "river" in f and not self.scene.indoor:
            rng = np.random.default_rng(self.scene.seed ^ 0x51)
            light = (235, 240, 250, 80) if not self.scene.night else (150, 165, 200, 70)
            for x0, y, length in zip(
                rng.uniform(0, WORLD_W, 40), rng.uniform(748, 812, 40), rng.uniform(24, 60, 40), strict=True
            ):
                x = (x0 + 28 * t) % (WORLD_W + 80) - 40
                pen.line([(x, y), (x + length, y)], light, 2.5)
            if self.scene.wet:
                for k in range(14):
                    period = 0.7
                    age = ((t + k * 0.37) % period) / period
                    cx = (k * 977 + self.scene.seed % 500) % WORLD_W
                    cy = 750 + (k * 53) % 60
                    px, py = pen.m.apply(cx, cy)
                    r = pen.px(4 + 20 * age)
                    alpha = int(150 * (1 - age))
                    pen.draw.ellipse(
                        (px - r, py - r * 0.35, px + r, py + r * 0.35), outline=(230, 236, 250, alpha), width=1
                    )
        if "beach" in f and not self.scene.indoor:
            for k in range(3):
                base = HORIZON_Y + 40 + k * 38
                y = base + 5 * math.sin(math.tau * 0.22 * t + k)
                pts = [(x, y + 3 * math.sin(x / 60 + t * 1.5 + k)) for x in range(-20, WORLD_W + 40, 60)]
                pen.line(pts, (245, 250, 250, 110 + 40 * k), 4)

    def _weather(self, image: Image.Image, pen: Pen, t: float) -> None:
        w = self.scene.weather
        clip = (0.0, 0.0, float(WIDTH), float(HEIGHT))
        if self.scene.indoor:
            wx0, wy0, wx1, wy1 = window_rect()
            corners = [pen.m.apply(x, y) for x, y in ((wx0, wy0), (wx1, wy0), (wx0, wy1), (wx1, wy1))]
            clip = (
                min(c[0] for c in corners),
                min(c[1] for c in corners),
                max(c[0] for c in corners),
                max(c[1] for c in corners),
            )
        draw = ImageDraw.Draw(image, "RGBA")
        p = self._particles
        if w in (analysis_pb2.WEATHER_RAIN, analysis_pb2.WEATHER_STORM):
            storm = w == analysis_pb2.WEATHER_STORM
            n = 380 if storm else 260
            slant = 0.32 if storm else 0.16
            length = 22 + 18 * p[:n, 3]
            speed = (1100 if storm else 900) + 500 * p[:n, 2]
            span_y = HEIGHT + 60
            y = (p[:n, 1] * span_y + speed * t) % span_y - 40
            x = (p[:n, 0] * (WIDTH + 200) + slant * speed * t) % (WIDTH + 200) - 150
            colour = (205, 215, 232, 130) if not self.scene.night else (160, 175, 205, 120)
            for xi, yi, li in zip(x, y, length, strict=True):
                if clip[0] <= xi <= clip[2] and clip[1] <= yi <= clip[3]:
                    draw.line([(xi, yi), (xi + slant * li, yi + li)], fill=colour, width=2)
            if storm:
                self._flash(image, pen, t)
        elif w == analysis_pb2.WEATHER_SNOW:
            n = 200
            speed = 45 + 70 * p[:n, 2]
            r = 1.5 + 3.5 * p[:n, 3]
            y = (p[:n, 1] * (HEIGHT + 20) + speed * t) % (HEIGHT + 20) - 10
            x = (p[:n, 0] * WIDTH + 18 * np.sin(t * (0.8 + p[:n, 4]) + p[:n, 4] * 6)) % WIDTH
            for xi, yi, ri in zip(x, y, r, strict=True):
                if clip[0] <= xi <= clip[2] and clip[1] <= yi <= clip[3]:
                    draw.ellipse((xi - ri, yi - ri, xi + ri, yi + ri), fill=(250, 250, 255, 215))
        elif w == analysis_pb2.WEATHER_WIND:
            n = 40
            speed = 500 + 400 * p[:n, 2]
            x = (p[:n, 0] * (WIDTH + 300) + speed * t) % (WIDTH + 300) - 150
            y = p[:n, 1] * HEIGHT * 0.9 + 14 * np.sin(t * 3 + p[:n, 4] * 6)
            for k, (xi, yi) in enumerate(zip(x, y, strict=True)):
                if not (clip[0] <= xi <= clip[2] and clip[1] <= yi <= clip[3]):
                    continue
                if k % 3 == 0:
                    a = t * 6 + k
                    draw.ellipse((xi - 5, yi - 2.5 + 2 * math.sin(a), xi + 5, yi + 2.5), fill=(150, 120, 50, 200))
                else:
                    draw.line([(xi, yi), (xi + 60 + 40 * p[k, 3], yi)], fill=(240, 240, 245, 60), width=2)

    def _lightning(self, rng: np.random.Generator) -> list[tuple[float, float]]:
        """Flash start times (s) and bolt x (world units) for a storm, at least FLASH_MIN_GAP_S apart."""
        flashes: list[tuple[float, float]] = []
        if self.scene.weather != analysis_pb2.WEATHER_STORM:
            return flashes
        t = float(rng.uniform(0.4, 1.1))
        while t < self.length_s:
            flashes.append((t, float(rng.uniform(0.15, 0.85) * WORLD_W)))
            t += float(rng.uniform(FLASH_MIN_GAP_S, FLASH_MIN_GAP_S + 1.5))
        return flashes

    def _flash(self, image: Image.Image, pen: Pen, t: float) -> None:
        for start, bx in self._flashes:
            dt = t - start
            if 0 <= dt < FLASH_S:
                if dt < 0.09:
                    rng = np.random.default_rng(int(start * 1000))
                    pts = [(bx, 60.0)]
                    for k in range(1, 9):
                        pts.append((bx + float(rng.uniform(-40, 40)) + k * 6, 60.0 + k * (HORIZON_Y - 160) / 8))
                    pen.line(pts, (240, 242, 255, 230), 5)
                amount = FLASH_PEAK * (1 - dt / FLASH_S)
                image.paste(Image.blend(image, Image.new("RGB", image.size, (235, 238, 255)), amount))


class _Glide:
    """Frames of a camera that only translates: ``canvas`` pre-scaled once so every box is
    ``WIDTH`` x ``HEIGHT`` pixels, and each frame two integer crops of it mixed along the one axis
    that moves. An axis that does not move is snapped to the nearest pixel (a constant offset of
    under half a pixel, invisible).
    """

    def __init__(self, canvas: Image.Image, factor: float, moves_x: bool) -> None:
        if factor != 1.0:
            size = (max(WIDTH, round(canvas.width * factor)), max(HEIGHT, round(canvas.height * factor)))
            canvas = canvas.resize(size, Image.Resampling.BICUBIC if factor > 1 else Image.Resampling.BOX)
        self.canvas, self.factor, self.moves_x = canvas, factor, moves_x

    @classmethod
    def of(cls, canvas: Image.Image, boxes: list[tuple[float, float, float, float]]) -> _Glide | None:
        """The glide for a shot's ``boxes`` (canvas pixels, one per frame), or None when the box
        changes size (a zoom), moves along both axes, or never moves (a still frame is cached)."""
        widths = {round(b[2] - b[0], 6) for b in boxes}
        heights = {round(b[3] - b[1], 6) for b in boxes}
        if len(widths) != 1 or len(heights) != 1:
            return None
        moves_x = len({round(b[0], 6) for b in boxes}) > 1
        moves_y = len({round(b[1], 6) for b in boxes}) > 1
        if moves_x == moves_y:
            return None
        return cls(canvas, WIDTH / widths.pop(), moves_x)

    def frame(self, box: tuple[float, float, float, float]) -> Image.Image:
        """The ``WIDTH`` x ``HEIGHT`` frame whose top-left corner is ``box``'s (canvas pixels)."""
        x, y = box[0] * self.factor, box[1] * self.factor
        x0, y0 = (math.floor(x), round(y)) if self.moves_x else (round(x), math.floor(y))
        x0 = min(max(0, x0), self.canvas.width - WIDTH)
        y0 = min(max(0, y0), self.canvas.height - HEIGHT)
        frac, (x1, y1) = ((x - x0), (x0 + 1, y0)) if self.moves_x else ((y - y0), (x0, y0 + 1))
        if frac < 1 / 512 or x1 + WIDTH > self.canvas.width or y1 + HEIGHT > self.canvas.height:
            return self.canvas.crop((x0, y0, x0 + WIDTH, y0 + HEIGHT))
        b = self.canvas.crop((x1, y1, x1 + WIDTH, y1 + HEIGHT))  # the next pixel along the moving axis
        if frac > 1 - 1 / 512:
            return b
        return Image.blend(self.canvas.crop((x0, y0, x0 + WIDTH, y0 + HEIGHT)), b, frac)


def _inside(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[float, float, float, float]:
    """``box`` (x0, y0, x1, y1, canvas pixels) moved inside a canvas of ``size`` where rounding put it
    a fraction of a pixel outside (a view as tall as the world), and cut to the canvas if larger."""
    x0, y0, x1, y1 = box
    dx = -x0 if x0 < 0 else min(0.0, size[0] - x1)
    dy = -y0 if y0 < 0 else min(0.0, size[1] - y1)
    x0, x1, y0, y1 = x0 + dx, x1 + dx, y0 + dy, y1 + dy
    return (max(0.0, x0), max(0.0, y0), min(float(size[0]), x1), min(float(size[1]), y1))


def _rolled(canvas: Image.Image, roll: float) -> Image.Image:
    """``canvas`` rotated by ``roll`` radians (clockwise on screen for positive roll), expanded."""
    co, si = math.cos(roll), math.sin(roll)
    w, h = canvas.size
    nw = math.ceil(w * abs(co) + h * abs(si))
    nh = math.ceil(w * abs(si) + h * abs(co))
    cx, cy, rx, ry = w / 2, h / 2, nw / 2, nh / 2
    data = (co, si, cx - co * rx - si * ry, -si, co, cy + si * rx - co * ry)
    return canvas.transform((nw, nh), Image.Transform.AFFINE, data, resample=Image.Resampling.BILINEAR)


def _bucket(height_px: int) -> int:
    """The raster height an icon is rendered at for a sprite ``height_px`` tall: the next multiple of
    64 px (at most 1024), so a dolly's changing sizes reuse one rendering."""
    return min(1024, max(64, -(-height_px // 64) * 64))


def lit(sprite: Image.Image, scene: Scene) -> Image.Image:
    """``sprite`` (RGBA) lit like the scenery: the time of day's light, weather and mood grade."""
    white = scene.paint((255, 255, 255))
    black = scene.paint((0, 0, 0))
    r, g, b, a = sprite.split()
    bands = [
        band.point(lambda v, lo=lo, hi=hi: lo + v * (hi - lo) // 255)
        for band, lo, hi in zip((r, g, b), black, white, strict=True)
    ]
    return Image.merge("RGBA", (*bands, a))


def icon_bob(fig: Figure, t: float) -> float:
    """Vertical motion (world units) of an icon at ``t``: boats bob, birds and kites float."""
    if fig.placement == "water":
        return 0.02 * fig.height * math.sin(math.tau * 0.4 * t + fig.phase)
    if fig.placement == "sky":
        return 0.12 * fig.height * math.sin(math.tau * 0.5 * t + fig.phase)
    return 0.0


def figure_offset(fig: Figure, t: float, length_s: float, walk_offset: float) -> float:
    """Horizontal displacement (world units) of ``fig`` at ``t``: people walk or run by
    ``walk_offset``; a driven vehicle and its driver move left (the icons face left) at 0.6 of the
    vehicle's height per second; things in the sky drift; held things go with their holder; other
    things stay put."""
    if fig.vehicle or (fig.species == "icon" and fig.action == "sit"):
        return -0.6 * fig.height * (t - length_s / 2)
    if fig.species == "icon":
        if fig.placement in ("held", "worn"):
            return walk_offset  # in the hand or on the chest of a person who walks
        return 0.08 * fig.height * (t - length_s / 2) if fig.placement == "sky" else 0.0
    if fig.species == "bird":
        return 0.0
    return walk_offset


@dataclass(frozen=True)
class ShotPlan:
    """What a shot shows before anything is drawn: the scene, the placed cast and the camera."""

    scene: Scene
    cast: list[Figure]
    path: cam.CameraPath
    span: ShotSpan
    length_s: float
    action: str
    follow: bool
    tracking: bool
    subject: Figure | None


def world_box(fig: Figure, t: float, length_s: float) -> tuple[float, float, float, float]:
    """``fig``'s box in world units (x0, y0, x1, y1) at ``t`` seconds into the shot."""
    x = fig.x + figure_offset(fig, t, length_s, 0.0)
    if fig.species == "icon":
        image = assets.icon_image(fig.icon, 64, fill=True)
        width = fig.height * image.width / image.height
        bottom = fig.y + icon_bob(fig, t)
        return (x - width / 2, bottom - fig.height, x + width / 2, bottom)
    if fig.species == "umbrella":  # opened over its holder (fig.height is the holder's)
        return (x - 0.3 * fig.height, fig.y - 1.55 * fig.height, x + 0.45 * fig.height, fig.y - 0.55 * fig.height)
    if fig.human:
        top = fig.y - fig.height * head_top_of(fig)
        return (x - 0.22 * fig.height, top, x + 0.22 * fig.height, fig.y)
    return (x - 0.5 * fig.height, fig.y - fig.height, x + 0.5 * fig.height, fig.y)


def screen_box(
    world: tuple[float, float, float, float], cx: float, cy: float, zoom: float
) -> tuple[int, int, int, int] | None:
    """A world box's part inside the 1280x720 frame of a view centred at (``cx``, ``cy``) with
    ``zoom`` pixels per world unit: (x, y, width, height) in pixels, or None when outside."""
    x0 = (world[0] - cx) * zoom + WIDTH / 2
    x1 = (world[2] - cx) * zoom + WIDTH / 2
    y0 = (world[1] - cy) * zoom + HEIGHT / 2
    y1 = (world[3] - cy) * zoom + HEIGHT / 2
    cx0, cy0 = max(0, round(x0)), max(0, round(y0))
    cx1, cy1 = min(WIDTH, round(x1)), min(HEIGHT, round(y1))
    if cx1 - cx0 < 2 or cy1 - cy0 < 2:
        return None  # wholly outside the frame
    return (cx0, cy0, cx1 - cx0, cy1 - cy0)


def plan_of(shot_list: prompt_pb2.ShotList, index: int) -> ShotPlan:
    """The plan of shot ``index``: scene, cast (:func:`compose.cast_of`) and camera path framing
    the shot's focus entity (a person by the head where the pose puts it; a thing by its extent).
    """
    shot = shot_list.shots[index]
    span = spans(shot_list)[index]
    scene = scene_of(shot_list)
    figures = compose.cast_of(shot_list, index, scene)
    action = next((f.action for f in figures if f.human and not f.vehicle), "stand")
    focus = compose.subject_of(figures, shot.camera.focus_entity_id)
    subject = None
    if focus is not None:
        if focus.human:
            # frame the head where the pose puts it (a seated or dancing figure is shorter)
            top = focus.y - focus.height * head_top_of(focus)
            subject = cam.Subject(focus.x, focus.y, focus.height, top=top)
        else:
            fanned = focus.species == "peacock" and (focus.action == "dance" or scene.wet)
            base = focus.entity_id.split("#")[0]
            group = [f for f in figures if f.entity_id.split("#")[0] == base]
            x0 = min(f.x - f.height * 0.7 for f in group)
            x1 = max(f.x + f.height * 0.7 for f in group)
            top = min(f.y - f.height for f in group)
            bottom = max(f.y for f in group)
            # a group (a flock, boats) is framed whole; a thing is never framed narrower than
            # MIN_THING_VIEW, so it is seen in its place (a bird in the sky, a boat on the river)
            height = max(focus.height * (1.75 if fanned else 1.15), bottom - top, (x1 - x0) * cam.ASPECT * 0.75)
            height = max(height, MIN_THING_VIEW * cam.ASPECT / 1.5)
            subject = cam.Subject((x0 + x1) / 2, bottom, height, person=False)
    path = cam.plan(shot.camera, subject)
    length_s = max(1, span.rendered_frames - 1) / FPS
    widened = _with_own_things(shot, figures, focus, subject, path, (span.frames / 2) / FPS, length_s)
    if widened is not None:
        subject, path = widened
    tracking = shot.camera.movement == analysis_pb2.CAMERA_MOVEMENT_TRACKING
    follow = tracking or shot.camera.shot_size in (
        analysis_pb2.SHOT_SIZE_MEDIUM,
        analysis_pb2.SHOT_SIZE_CLOSE_UP,
        analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP,
    )
    return ShotPlan(scene, figures, path, span, length_s, action, follow, tracking, focus)


def _with_own_things(
    shot: prompt_pb2.Shot,
    figures: list[Figure],
    focus: Figure | None,
    subject: cam.Subject | None,
    path: cam.CameraPath,
    mid_s: float,
    length_s: float,
) -> tuple[cam.Subject, cam.CameraPath] | None:
    """A wider framing when the shot's own things (the entities its beat names) would be out of
    frame at the shot's middle, or None when they are in it.

    A beat that says "the fisherman mends his net beside the boat" shows the boat: the framed
    subject becomes the box around the focus and every own thing the first framing leaves out,
    framed as a thing (by extent). Close-ups are kept (they frame a face for its emotion).
    """
    if shot.camera.shot_size in (analysis_pb2.SHOT_SIZE_CLOSE_UP, analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP):
        return None
    own = {c.entity_id for c in shot.characters} | {p.entity_id for p in shot.props} or set(shot.entity_ids)
    view = path.at(mid_s / length_s)
    out = [
        f
        for f in figures
        if f.entity_id.split("#")[0] in own
        and f is not focus
        and f.placement != "sky"
        and screen_box(world_box(f, mid_s, length_s), view.cx, view.cy, view.zoom) is None
    ]
    if not out:
        return None
    group = out + ([focus] if focus is not None else [])
    boxes = [world_box(f, mid_s, length_s) for f in group]
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    height = max(y1 - y0, (x1 - x0) * cam.ASPECT * 0.75, MIN_THING_VIEW * cam.ASPECT / 1.5)
    if subject is not None and not subject.person:
        height = max(height, subject.height)
    wider = cam.Subject((x0 + x1) / 2, y1, height, person=False)
    camera = analysis_pb2.Camera()
    camera.CopyFrom(shot.camera)
    if camera.shot_size in (analysis_pb2.SHOT_SIZE_WIDE, analysis_pb2.SHOT_SIZE_UNSPECIFIED):
        camera.shot_size = analysis_pb2.SHOT_SIZE_MEDIUM  # a wide view is not centred on a subject's extent
    return wider, cam.plan(camera, wider)


@functools.lru_cache(maxsize=8)
def painter_of(data: bytes, index: int, subtitles: bool) -> ShotPainter:
    """The painter of shot ``index`` of the serialized shot list ``data``, kept for the next call
    (a render process draws a shot over several GOPs; set-up costs 30-300 ms)."""
    shot_list = prompt_pb2.ShotList()
    shot_list.ParseFromString(data)
    return ShotPainter(shot_list, index, subtitles=subtitles)


def draw_frame(shot_list: prompt_pb2.ShotList, index: int, t_s: float, *, subtitles: bool = True) -> Image.Image:
    """The exact frame ``render_shot`` encodes at ``t_s`` seconds into shot ``index`` (RGB, 1280x720).

    With ``subtitles=False`` the subtitle band is left bare. Painters are cached per shot list.

    Raises:
        InvalidShotList: the shot list breaks its contract or ``index`` is out of range.
        RenderError: ``FONT_MISSING`` when subtitles are on and no shaped font is available.
    """
    painter = painter_of(shot_list.SerializeToString(deterministic=True), index, subtitles)
    return painter.frame(t_s)
