"""Stylised figures drawn per frame in world units: people with posed limbs, animals, props.

A person is a two-segment-limb skeleton (thigh/shin, upper arm/forearm) with angles measured from
straight down; a pose family (stand, walk, run, dance, sit, wave, pray) gives the angles as
functions of time. The dance is a loop of the half-seated stance (aramandi) with alternating
raised arms and stepping feet, at about one cycle per second. Proportions are in fractions of the
figure's height ``h``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .pen import RGB, Pen, Point, polar
from .scene import Figure, Scene

THIGH, SHIN = 0.245, 0.235
TORSO = 0.31
UPPER_ARM, FOREARM = 0.165, 0.155
HEAD_R = 0.074
SHOULDER = 0.1
LIMB_W = 0.048


def deg(d: float) -> float:
    return math.radians(d)


@dataclass(frozen=True)
class Pose:
    """Segment angles in radians from straight down (positive toward +x), plus body offsets."""

    l_upper: float
    l_fore: float
    r_upper: float
    r_fore: float
    l_thigh: float
    l_shin: float
    r_thigh: float
    r_shin: float
    hip_dx: float = 0.0
    lean: float = 0.0
    head_tilt: float = 0.0
    flare: float = 0.0
    seated: bool = False


def pose_at(action: str, t: float, phase: float) -> Pose:
    """The pose of ``action`` at ``t`` seconds; ``phase`` (radians) desynchronises figures."""
    if action == "dance":
        p = math.tau * 1.0 * t + phase
        s, c = math.sin(p), math.cos(p)
        lift_l, lift_r = max(0.0, s), max(0.0, -s)
        lu = -deg(105 + 35 * s)
        ru = deg(105 - 35 * s)
        return Pose(
            l_upper=lu,
            l_fore=max(-deg(188), lu - deg(40 + 30 * c)),
            r_upper=ru,
            r_fore=min(deg(188), ru + deg(40 - 30 * c)),
            l_thigh=-deg(34 + 22 * lift_l),
            l_shin=-deg(4 - 30 * lift_l),
            r_thigh=deg(34 + 22 * lift_r),
            r_shin=deg(4 - 30 * lift_r),
            hip_dx=0.035 * s,
            lean=deg(6) * s,
            head_tilt=deg(9) * c,
            flare=0.05 * abs(s),
        )
    if action in ("walk", "run"):
        run = action == "run"
        p = math.tau * (1.5 if run else 0.9) * t + phase
        s = math.sin(p)
        amp = 38 if run else 22
        knee = 55 if run else 28
        lt, rt = deg(amp) * s, -deg(amp) * s
        return Pose(
            l_upper=-deg(amp * 0.8) * s,
            l_fore=-deg(amp * 0.8) * s + deg(70 if run else 15),
            r_upper=deg(amp * 0.8) * s,
            r_fore=deg(amp * 0.8) * s + deg(70 if run else 15),
            l_thigh=lt,
            l_shin=lt - deg(knee) * max(0.0, -s),
            r_thigh=rt,
            r_shin=rt - deg(knee) * max(0.0, s),
            lean=deg(10 if run else 3),
        )
    if action == "sit":
        breathe = math.sin(math.tau * 0.25 * t + phase)
        return Pose(
            l_upper=-deg(12),
            l_fore=deg(55),
            r_upper=deg(12),
            r_fore=-deg(55),
            l_thigh=-deg(80),
            l_shin=deg(60),
            r_thigh=deg(80),
            r_shin=-deg(60),
            head_tilt=deg(3) * breathe,
            seated=True,
        )
    if action == "wave":
        w = math.sin(math.tau * 1.6 * t + phase)
        return Pose(
            l_upper=-deg(10),
            l_fore=-deg(8),
            r_upper=deg(140),
            r_fore=deg(168 + 22 * w),
            l_thigh=-deg(5),
            l_shin=-deg(4),
            r_thigh=deg(5),
            r_shin=deg(4),
            head_tilt=deg(4) * w,
        )
    if action == "pray":
        return Pose(
            l_upper=-deg(18),
            l_fore=deg(128),
            r_upper=deg(18),
            r_fore=-deg(128),
            l_thigh=-deg(4),
            l_shin=-deg(3),
            r_thigh=deg(4),
            r_shin=deg(3),
            head_tilt=deg(6),
        )
    breathe = math.sin(math.tau * 0.3 * t + phase)
    return Pose(
        l_upper=-deg(11 + 2 * breathe),
        l_fore=-deg(6),
        r_upper=deg(11 + 2 * breathe),
        r_fore=deg(6),
        l_thigh=-deg(5),
        l_shin=-deg(4),
        r_thigh=deg(5),
        r_shin=deg(4),
        head_tilt=deg(2) * breathe,
    )


def head_top(action: str, phase: float) -> float:
    """Height of the top of the head above the feet at ``t = 0``, as a fraction of the figure height.

    About 0.96 standing, lower in the dancer's half-seated stance, about 0.55 seated; cameras use it
    to frame medium shots and close-ups on the head where it really is.
    """
    pose = pose_at(action, 0.0, phase)
    if pose.seated:
        hip = 0.07
    else:
        hip = max(
            THIGH * math.cos(pose.l_thigh) + SHIN * math.cos(pose.l_shin),
            THIGH * math.cos(pose.r_thigh) + SHIN * math.cos(pose.r_shin),
        )
    return hip + TORSO + HEAD_R + 0.02 + HEAD_R


def _darker(c: RGB, f: float = 0.72) -> RGB:
    return (int(c[0] * f), int(c[1] * f), int(c[2] * f))


def draw_person(pen: Pen, scene: Scene, fig: Figure, x: float, t: float, action: str) -> None:
    """Draw ``fig`` standing at world ``(x, fig.y)`` posed for ``action`` at ``t`` seconds."""
    h = fig.height
    pose = pose_at(action, t, fig.phase)
    skin = scene.paint(fig.skin)
    clothes = scene.paint(fig.clothes)
    hair = scene.paint((28, 22, 20))
    trim = scene.paint((214, 170, 60))
    lower = clothes if fig.female else scene.paint((60, 58, 70) if fig.male else _darker(fig.clothes))
    if pose.seated:
        hip = (x + pose.hip_dx * h, fig.y - 0.07 * h)
    else:
        reach = max(
            THIGH * math.cos(pose.l_thigh) + SHIN * math.cos(pose.l_shin),
            THIGH * math.cos(pose.r_thigh) + SHIN * math.cos(pose.r_shin),
        )
        hip = (x + pose.hip_dx * h, fig.y - reach * h)
    neck = polar(hip, TORSO * h, math.pi + pose.lean)
    head = polar(neck, (HEAD_R + 0.02) * h, math.pi + pose.lean + pose.head_tilt)
    sway = math.sin(pose.lean * 3 + t * 2)
    if fig.female:  # braid behind the body
        braid_end = polar(head, 0.36 * h, 0.25 * sway)
        pen.limb(head, braid_end, 0.035 * h, hair)
        pen.circle(braid_end[0], braid_end[1], 0.022 * h, scene.paint((236, 150, 60)))
    lw = LIMB_W * h
    for side, thigh_a, shin_a in ((-1, pose.l_thigh, pose.l_shin), (1, pose.r_thigh, pose.r_shin)):
        hip_j = (hip[0] + side * 0.04 * h, hip[1])
        knee = polar(hip_j, THIGH * h, thigh_a)
        foot = polar(knee, SHIN * h, shin_a)
        leg_colour = skin if fig.female else lower
        pen.limb(hip_j, knee, lw * 1.1, leg_colour)
        pen.limb(knee, foot, lw, leg_colour if not fig.female else skin)
        pen.ellipse(foot[0] + side * 0.02 * h, foot[1], 0.04 * h, 0.018 * h, _darker(skin, 0.8))
        if fig.female:  # anklet
            pen.circle(foot[0], foot[1] - 0.02 * h, 0.012 * h, trim)
    shoulder_y = 0.02 * h
    l_sh = polar((neck[0] - SHOULDER * h * math.cos(pose.lean), neck[1]), shoulder_y, pose.lean)
    r_sh = polar((neck[0] + SHOULDER * h * math.cos(pose.lean), neck[1]), shoulder_y, pose.lean)
    waist_half = 0.068 * h
    waist_l = (hip[0] - waist_half, hip[1] - 0.03 * h)
    waist_r = (hip[0] + waist_half, hip[1] - 0.03 * h)
    if fig.female and not pose.seated:  # pleated skirt (langa) or sari fall
        hem_y = hip[1] + 0.36 * h
        half = (0.15 + pose.flare) * h
        pen.poly([waist_l, waist_r, (hip[0] + half, hem_y), (hip[0] - half, hem_y)], clothes)
        for k in range(-2, 3):
            pen.line(
                [(hip[0] + k * 0.02 * h, hip[1]), (hip[0] + k * half / 2.6, hem_y)], _darker(clothes, 0.82), 0.008 * h
            )
        pen.rect(hip[0] - half, hem_y - 0.025 * h, hip[0] + half, hem_y, trim)
    elif not fig.male and not pose.seated:  # tunic
        pen.poly(
            [waist_l, waist_r, (hip[0] + 0.1 * h, hip[1] + 0.12 * h), (hip[0] - 0.1 * h, hip[1] + 0.12 * h)], clothes
        )
    pen.poly([l_sh, r_sh, waist_r, waist_l], clothes)
    if fig.female:  # sari pallu across the chest
        pen.poly(
            [l_sh, (l_sh[0] + 0.05 * h, l_sh[1]), waist_r, (waist_r[0] - 0.06 * h, waist_r[1])], _darker(clothes, 0.85)
        )
        pen.line([l_sh, waist_r], trim, 0.012 * h)
    for sh, upper_a, fore_a in ((l_sh, pose.l_upper, pose.l_fore), (r_sh, pose.r_upper, pose.r_fore)):
        elbow = polar(sh, UPPER_ARM * h, upper_a)
        hand = polar(elbow, FOREARM * h, fore_a)
        pen.limb(sh, elbow, lw, clothes if not fig.female else skin)
        pen.limb(elbow, hand, lw * 0.9, skin)
        pen.circle(hand[0], hand[1], 0.026 * h, skin)
        if fig.female:
            pen.circle(*polar(elbow, FOREARM * h * 0.8, fore_a), 0.014 * h, trim)  # bangles
    pen.limb(neck, polar(neck, 0.03 * h, math.pi + pose.lean), 0.05 * h, skin)
    hr = HEAD_R * h
    pen.circle(head[0], head[1] - 0.012 * h, hr * 1.08, hair)
    if fig.female:  # jasmine flowers in the hair, peeking out behind the head
        for k in range(3):
            pen.circle(
                head[0] + hr * (0.9 + 0.08 * k),
                head[1] - hr * (0.55 - 0.3 * k),
                0.014 * h,
                scene.paint((250, 250, 245)),
            )
    pen.circle(head[0], head[1] + 0.006 * h, hr, skin)
    if not fig.female:
        pen.ellipse(head[0], head[1] - 0.045 * h, hr * 1.02, hr * 0.5, hair)
    if pen.px(hr) >= 9:  # face details once the head is large enough to read
        _face(pen, scene, head, hr, pose.head_tilt + pose.lean, fig.female)


def _face(pen: Pen, scene: Scene, head: Point, r: float, tilt: float, female: bool) -> None:
    co, si = math.cos(tilt), math.sin(tilt)

    def at(dx: float, dy: float) -> Point:
        return (head[0] + (dx * co - dy * si) * r, head[1] + (dx * si + dy * co) * r)

    dark = scene.paint((30, 22, 20))
    for side in (-1, 1):
        ex, ey = at(side * 0.36, 0.0)
        pen.ellipse(ex, ey, 0.13 * r, 0.09 * r, (245, 245, 240))
        pen.circle(ex, ey, 0.07 * r, dark)
        pen.line([at(side * 0.18, -0.27), at(side * 0.5, -0.22)], dark, 0.05 * r)
    if scene.sentiment >= 0.05:
        mouth = [at(-0.25, 0.38), at(0.0, 0.5), at(0.25, 0.38)]
    elif scene.sentiment <= -0.3:
        mouth = [at(-0.22, 0.5), at(0.0, 0.42), at(0.22, 0.5)]
    else:
        mouth = [at(-0.2, 0.44), at(0.2, 0.44)]
    pen.line(mouth, scene.paint((150, 50, 50)), 0.07 * r)
    if female:
        bx, by = at(0.0, -0.32)
        pen.circle(bx, by, 0.06 * r, scene.paint((200, 30, 40)))


def draw_animal(pen: Pen, scene: Scene, fig: Figure, x: float, t: float, action: str) -> None:
    """Draw an animal in side view facing +x, walking when ``action`` moves, else idling."""
    sp = fig.species
    if sp == "bird":
        _bird(pen, scene, fig, t)
        return
    if sp == "peacock":
        _peacock(pen, scene, fig, x, t, action)
        return
    colours = {
        "elephant": (120, 118, 122), "cow": (236, 232, 222), "dog": (150, 100, 60), "cat": (110, 110, 115),
        "horse": (120, 78, 46), "goat": (230, 226, 214),
    }  # fmt: skip
    body_c = scene.paint(colours.get(sp, (140, 120, 100)))
    dark = scene.paint(_darker(colours.get(sp, (140, 120, 100)), 0.7))
    h = fig.height
    length = h * (1.25 if sp != "elephant" else 1.15)
    leg = h * (0.5 if sp in ("elephant", "horse", "cow") else 0.42)
    walking = action in ("walk", "run")
    p = math.tau * (1.4 if walking else 0.0) * t + fig.phase
    body_y = fig.y - leg - 0.22 * h
    for k, fx in enumerate((-0.32, -0.18, 0.22, 0.34)):
        swing = deg(22) * math.sin(p + (k % 2) * math.pi) if walking else 0.0
        top = (x + fx * length, body_y + 0.1 * h)
        pen.limb(
            top, polar(top, leg + 0.12 * h, swing), h * (0.13 if sp == "elephant" else 0.07), dark if k % 2 else body_c
        )
    pen.ellipse(x, body_y, length * 0.5, 0.25 * h, body_c)
    head = (x + 0.58 * length, body_y - 0.22 * h)
    pen.limb((x + 0.38 * length, body_y - 0.05 * h), head, 0.16 * h, body_c)
    pen.circle(head[0], head[1], 0.17 * h, body_c)
    wag = math.sin(math.tau * 2.0 * t + fig.phase)
    tail_root = (x - 0.5 * length, body_y - 0.05 * h)
    tail_up = sp in ("dog", "cat")
    pen.line([tail_root, polar(tail_root, 0.35 * h, deg(-130 if tail_up else -25) + 0.25 * wag)], dark, 0.04 * h)
    if sp == "elephant":
        trunk = [head, (head[0] + 0.2 * h, head[1] + 0.2 * h), (head[0] + 0.22 * h + 0.04 * h * wag, head[1] + 0.5 * h)]
        pen.line(trunk, body_c, 0.09 * h)
        pen.ellipse(head[0] - 0.1 * h, head[1] + 0.02 * h, 0.12 * h, 0.2 * h, dark)
    if sp in ("cow", "goat"):
        pen.line(
            [(head[0] - 0.05 * h, head[1] - 0.14 * h), (head[0] - 0.12 * h, head[1] - 0.3 * h)],
            scene.paint((200, 190, 160)),
            0.03 * h,
        )
        pen.line(
            [(head[0] + 0.05 * h, head[1] - 0.14 * h), (head[0] + 0.1 * h, head[1] - 0.3 * h)],
            scene.paint((200, 190, 160)),
            0.03 * h,
        )
    if sp in ("cat", "dog"):
        pen.poly(
            [
                (head[0] - 0.12 * h, head[1] - 0.08 * h),
                (head[0] - 0.06 * h, head[1] - 0.3 * h),
                (head[0], head[1] - 0.1 * h),
            ],
            dark,
        )
    if sp == "horse":
        pen.line([(head[0] - 0.1 * h, head[1]), (x + 0.3 * length, body_y - 0.2 * h)], dark, 0.06 * h)
    pen.circle(head[0] + 0.07 * h, head[1] - 0.03 * h, 0.025 * h, (20, 20, 20))


def _bird(pen: Pen, scene: Scene, fig: Figure, t: float) -> None:
    colour = scene.paint((40, 40, 48) if not scene.night else (20, 20, 26))
    x = fig.x + 70 * t
    y = fig.y + 12 * math.sin(t * 1.3 + fig.phase)
    flap = math.sin(math.tau * 3 * t + fig.phase)
    span = 26
    pen.line([(x - span, y - 10 * flap), (x - 6, y), (x, y + 3), (x + 6, y), (x + span, y - 10 * flap)], colour, 4)


def _peacock(pen: Pen, scene: Scene, fig: Figure, x: float, t: float, action: str) -> None:
    h = fig.height
    blue = scene.paint((30, 80, 170))
    green = scene.paint((30, 120, 80))
    gold = scene.paint((220, 180, 60))
    body = (x, fig.y - 0.55 * h)
    if action == "dance" or scene.wet:  # fanned train
        shimmer = 0.06 * math.sin(math.tau * 1.2 * t)
        for k in range(15):
            a = math.pi * (0.55 + 0.9 * k / 14) + shimmer
            tip = polar(body, 1.1 * h, a)
            pen.line([body, tip], green, 0.05 * h)
            pen.circle(tip[0], tip[1], 0.07 * h, gold)
            pen.circle(tip[0], tip[1], 0.035 * h, blue)
    else:
        pen.poly([body, (x - 1.2 * h, fig.y - 0.1 * h), (x - 1.1 * h, fig.y)], green)
    pen.ellipse(body[0], body[1], 0.28 * h, 0.18 * h, blue)
    neck = (x + 0.18 * h, fig.y - 0.95 * h)
    pen.limb((x + 0.1 * h, body[1]), neck, 0.09 * h, blue)
    pen.circle(neck[0], neck[1], 0.08 * h, blue)
    for k in range(3):
        pen.circle(neck[0] - 0.04 * h + k * 0.04 * h, neck[1] - 0.16 * h, 0.02 * h, blue)
    for side in (-0.06, 0.06):
        pen.limb((x + side * h, body[1] + 0.15 * h), (x + side * h, fig.y), 0.025 * h, gold)


def draw_prop(pen: Pen, scene: Scene, fig: Figure, x: float, t: float, holder: Figure | None) -> None:
    """Props: an umbrella over the first person, a flickering oil lamp, a bobbing boat, flowers."""
    sp = fig.species
    if sp == "umbrella" and holder is not None:
        hh = holder.height
        top = (x + 0.08 * hh, fig.y - 1.2 * hh)
        canopy = scene.paint(fig.clothes)
        pen.line([top, (x + 0.1 * hh, fig.y - 0.55 * hh)], scene.paint((60, 50, 40)), 0.015 * hh)
        pts = [polar(top, 0.34 * hh, math.pi / 2 + math.pi * k / 12) for k in range(13)]
        pen.poly([*pts, top], canopy)
    elif sp == "lamp":
        flick = 1 + 0.15 * math.sin(t * 23 + fig.phase) + 0.08 * math.sin(t * 37)
        pen.ellipse(x, fig.y - 6, 18, 7, scene.paint((170, 90, 50)))
        pen.circle(x, fig.y - 20, 40 * flick, (255, 180, 80, 60))
        pen.ellipse(x, fig.y - 22, 5 * flick, 12 * flick, (255, 210, 90))
        pen.ellipse(x, fig.y - 20, 2.5, 6 * flick, (255, 250, 220))
    elif sp == "boat":
        bob = 4 * math.sin(math.tau * 0.4 * t + fig.phase)
        wood = scene.paint((110, 70, 40))
        y = fig.y + bob
        pen.poly([(x - 110, y - 22), (x + 110, y - 22), (x + 80, y + 6), (x - 80, y + 6)], wood)
        pen.line([(x, y - 22), (x + 10, y - 150)], scene.paint((80, 60, 40)), 5)
    elif sp == "flower":
        for k in range(7):
            fx = x - 60 + k * 20
            sway = 3 * math.sin(t * 2 + k)
            pen.line([(fx, fig.y), (fx + sway, fig.y - 40)], scene.paint((50, 120, 50)), 3)
            pen.circle(fx + sway, fig.y - 42, 8, scene.paint(fig.clothes))
