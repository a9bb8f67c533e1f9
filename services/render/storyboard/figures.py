"""Stylised figures drawn per frame in world units: people with posed limbs, costumes and props;
animals; props.

A person is a two-segment-limb skeleton (thigh/shin, upper arm/forearm) with angles measured from
straight down (positive toward +x, the way figures face when they move); a pose family
(:data:`POSE_FAMILIES`) gives the angles as functions of time, or a hand's target in the body's
frame that a two-bone inverse kinematics turns into angles (stirring a pot, holding a book, hands to
the face). The dance is a loop of the half-seated stance (aramandi) with alternating raised arms and
stepping feet, at about one cycle per second.

Who a person is shows in costume and props (:func:`look_of`): a farmer's turban, dhoti and hoe, a
doctor's white coat and stethoscope, a bride's red sari and veil. Age shows in proportions and
gait: a child has a larger head for its height (the caller already makes it shorter), an old
person grey hair, a stoop, a walking stick and a slower step, and a baby sits. Proportions are in
fractions of the figure's height ``h``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from .pen import RGB, Pen, Point, polar
from .scene import COLOUR_WORDS, SKIN_TONES, Figure, Scene

THIGH, SHIN = 0.245, 0.235
TORSO = 0.31
UPPER_ARM, FOREARM = 0.165, 0.155
HEAD_R = 0.074
SHOULDER = 0.1
LIMB_W = 0.048
NECK = 0.02
WAIST = 0.068

BABY_SCALE = 0.6
"""A baby is drawn at this fraction of its figure height (a seated baby is about a quarter of an adult)."""

POSE_FAMILIES: tuple[str, ...] = (
    "stand", "walk", "run", "dance", "sit", "wave", "pray", "cook", "read", "play", "carry", "drive",
    "ride", "swim", "cry", "laugh",
)  # fmt: skip
"""The poses :func:`pose_at` draws; anything else is drawn standing."""

POSE_WORDS: dict[str, tuple[str, ...]] = {
    "dance": ("dance", "perform", "twirl", "spin", "sway"),
    "run": ("run", "chase", "race", "rush", "hurry", "jog", "flee", "sprint", "escape"),
    "walk": ("walk", "stroll", "wander", "go", "come", "march", "travel", "return", "leave", "arrive", "enter"),
    "sit": ("sit", "rest", "eat", "drink", "relax", "sew"),
    "wave": ("wave", "greet", "call", "shout", "cheer", "welcome"),
    "pray": ("pray", "worship", "bow", "meditate", "namaste", "offer"),
    "cook": ("cook", "stir", "fry", "boil", "bake", "roast", "knead", "chop", "prepare", "mix"),
    "read": ("read", "study", "learn", "write", "teach"),
    "play": ("play", "kick", "throw", "catch", "hit", "bat", "bowl", "score", "pitch"),
    "carry": ("carry", "lift", "hold", "bring", "fetch", "load", "haul", "bear"),
    "drive": ("drive", "steer"),
    "ride": ("ride", "cycle", "pedal", "bike"),
    "swim": ("swim", "dive", "float"),
    "cry": ("cry", "weep", "sob", "mourn", "grieve", "wail"),
    "laugh": ("laugh", "smile", "giggle", "grin", "chuckle"),
    "fly": ("fly", "soar", "glide"),
}
"""Pose family → the English action lemmas drawn with it (as the analysis gives them: "stir",
"weep"). ``fly`` is for birds; a person asked to fly stands."""

_FAMILY_OF = {lemma: family for family, lemmas in POSE_WORDS.items() for lemma in lemmas}


def pose_family(lemma: str) -> str:
    """The pose family of an English action lemma (``"stir"`` → ``"cook"``); ``"stand"`` when unknown."""
    return _FAMILY_OF.get(lemma.strip().lower(), "stand")


def deg(d: float) -> float:
    return math.radians(d)


@dataclass(frozen=True)
class Pose:
    """Segment angles in radians from straight down (positive toward +x), plus body offsets.

    ``lean`` tilts the torso about the hip and ``head_tilt`` the head about the neck, positive
    toward +x. ``l_hand``/``r_hand``, when set, are hand targets in the body's frame (x to the body's
    right, y down the torso from the neck, in figure heights) that override the arm angles.
    ``free_l``/``free_r`` mark hands at rest that a role's prop (a hoe, a walking stick) may take.
    """

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
    """Sitting on the ground (cross-legged), hip at ``hip_h``."""
    chair: bool = False
    """Sitting on a seat (a vehicle, a chair): thighs toward the camera, shins down."""
    thigh_k: float = 1.0
    """Drawn thigh length as a fraction of the real one (foreshortened toward the camera)."""
    hip_h: float | None = None
    """Hip height above the feet in figure heights; None: where the legs put it."""
    l_hand: Point | None = None
    r_hand: Point | None = None
    free_l: bool = False
    free_r: bool = False
    nod: float = 0.0
    """Head bowed (1) or thrown back (-1): moves the face down or up."""
    bob: float = 0.0
    """Torso length change in figure heights (bouncing shoulders)."""
    over_face: bool = False
    """The hands are in front of the face (drawn after the head)."""


_STAND = Pose(
    l_upper=-deg(11), l_fore=-deg(6), r_upper=deg(11), r_fore=deg(6), l_thigh=-deg(5), l_shin=-deg(4), r_thigh=deg(5),
    r_shin=deg(4),
)  # fmt: skip
"""Standing at rest; the other poses change it."""
CHAIR_THIGH, CHAIR_SHIN, CHAIR_THIGH_K = deg(24), deg(4), 0.3
"""Seated on a seat, seen from the front: thighs foreshortened toward the camera, shins down."""
VEHICLE_HIP = 0.07
"""In a vehicle ``fig.y`` is the seat: the hip is this fraction of the height above it, as when
sitting on the ground, so ``head_top("sit", ...)`` frames a driver's head too."""


def _on_seat(pose: Pose) -> Pose:
    return replace(
        pose,
        l_thigh=-CHAIR_THIGH,
        l_shin=-CHAIR_SHIN,
        r_thigh=CHAIR_THIGH,
        r_shin=CHAIR_SHIN,
        thigh_k=CHAIR_THIGH_K,
        chair=True,
        seated=False,
        hip_h=None,
        hip_dx=0.0,
    )


def pose_at(action: str, t: float, phase: float, *, age: str = "adult") -> Pose:
    """The pose of pose family ``action`` at ``t`` seconds; ``phase`` (radians) desynchronises figures.

    ``age="old"`` stoops the figure forward, bends its knees a little and slows its gait.
    """
    old = age == "old"
    pose = _pose(action, t, phase, old)
    if old and not (pose.seated or pose.chair or action == "swim"):
        pose = replace(pose, lean=pose.lean + deg(17), head_tilt=pose.head_tilt - deg(9), thigh_k=pose.thigh_k * 0.93)
    return pose


def _pose(action: str, t: float, phase: float, old: bool) -> Pose:
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
            lean=-deg(6) * s,
            head_tilt=-deg(9) * c,
            flare=0.05 * abs(s),
        )
    if action in ("walk", "run"):
        run = action == "run"
        rate = (1.0 if run else 0.6) if old else (1.5 if run else 0.9)
        p = math.tau * rate * t + phase
        s = math.sin(p)
        amp = (24 if run else 13) if old else (38 if run else 22)
        knee = (30 if run else 16) if old else (55 if run else 28)
        bend = 70 if run and not old else 15
        lt, rt = deg(amp) * s, -deg(amp) * s
        return Pose(
            l_upper=-deg(amp * 0.8) * s,
            l_fore=-deg(amp * 0.8) * s + deg(bend),
            r_upper=deg(amp * 0.8) * s,
            r_fore=deg(amp * 0.8) * s + deg(bend),
            l_thigh=lt,
            l_shin=lt - deg(knee) * max(0.0, -s),
            r_thigh=rt,
            r_shin=rt - deg(knee) * max(0.0, s),
            lean=deg(10 if run else 3),
            free_l=True,
            free_r=True,
        )
    if action == "sit":
        breathe = math.sin(math.tau * 0.25 * t + phase)
        return Pose(
            l_upper=-deg(12),
            l_fore=deg(55),
            r_upper=deg(12),
            r_fore=-deg(55),
            l_thigh=-deg(80),
            l_shin=deg(84),
            r_thigh=deg(80),
            r_shin=-deg(84),
            head_tilt=deg(3) * breathe,
            seated=True,
            hip_h=0.07,
            free_l=True,
            free_r=True,
        )
    if action == "wave":
        w = math.sin(math.tau * 1.6 * t + phase)
        return replace(
            _STAND,
            l_upper=-deg(10),
            l_fore=-deg(8),
            r_upper=deg(140),
            r_fore=deg(168 + 22 * w),
            head_tilt=deg(4) * w,
            free_l=True,
        )
    if action == "pray":
        return replace(
            _STAND,
            l_upper=-deg(18),
            l_fore=deg(128),
            r_upper=deg(18),
            r_fore=-deg(128),
            head_tilt=deg(6),
            nod=0.4,
        )
    if action == "cook":  # stirring a pot on a stove at the right, the other hand on the hip
        p = math.tau * 1.1 * t + phase
        return replace(
            _STAND,
            lean=deg(4),
            head_tilt=deg(8),
            nod=0.6,
            l_hand=(-0.13, 0.27),
            r_hand=(0.2 + 0.035 * math.cos(p), 0.21 + 0.015 * math.sin(p)),
        )
    if action == "read":  # an open book before the chest, head bowed over it
        breathe = math.sin(math.tau * 0.3 * t + phase)
        return replace(
            _STAND,
            lean=deg(2),
            nod=1.0,
            l_hand=(-0.1, 0.235 + 0.004 * breathe),
            r_hand=(0.1, 0.235 + 0.004 * breathe),
        )
    if action == "play":  # a ball rolls in and is kicked away toward +x, about once a second
        k = _kick(t, phase)
        swing = math.sin(math.pi * min(1.0, max(0.0, (k - 0.25) / 0.4)))  # 0 → 1 (contact) → 0
        wind = max(0.0, min(1.0, (k - 0.05) / 0.25)) * (1.0 if k < 0.4 else 0.0)
        thigh = deg(-18 * wind + 78 * swing)
        return Pose(
            l_upper=-deg(35 + 45 * swing),
            l_fore=-deg(55 + 50 * swing),
            r_upper=-deg(20 * swing) + deg(12),
            r_fore=-deg(10 * swing) + deg(40),
            l_thigh=-deg(8),
            l_shin=-deg(4),
            r_thigh=thigh,
            r_shin=thigh - deg(70 * wind) * (1 - swing),
            lean=-deg(10) * swing,
            head_tilt=deg(6) * swing,
        )
    if action == "carry":  # both hands up, steadying a load on the head
        sway = math.sin(math.tau * 0.5 * t + phase)
        return replace(
            _STAND,
            hip_dx=0.006 * sway,
            l_hand=(-0.125, -0.2),
            r_hand=(0.125, -0.2),
        )
    if action in ("drive", "ride"):
        bump = math.sin(math.tau * 2.0 * t + phase)
        if action == "drive":  # hands on a steering wheel before the chest, steering a little
            steer = 0.02 * math.sin(math.tau * 0.35 * t + phase)
            hands = ((-0.1, 0.16 + steer), (0.1, 0.16 - steer))
        else:  # hands on a handlebar
            hands = ((-0.17, 0.13), (0.17, 0.13))
        return replace(
            _on_seat(_STAND),
            lean=deg(5 if action == "ride" else 0),
            bob=0.004 * bump,
            l_hand=hands[0],
            r_hand=hands[1],
        )
    if action == "swim":  # front crawl: horizontal body toward +x, arms circling, legs fluttering
        p = math.tau * 0.8 * t + phase
        kick = deg(7) * math.sin(4 * p)
        return Pose(
            l_upper=deg(90) + p,
            l_fore=deg(100) + p,
            r_upper=deg(270) + p,
            r_fore=deg(280) + p,
            l_thigh=-deg(90) + kick,
            l_shin=-deg(96) + kick,
            r_thigh=-deg(90) - kick,
            r_shin=-deg(84) - kick,
            hip_dx=-0.24,
            hip_h=0.1,
            lean=deg(90),
            head_tilt=-deg(20),
        )
    if action == "cry":  # head bowed, hands to the face, shoulders shaking
        sob = math.sin(math.tau * 3.2 * t + phase)
        return replace(
            _STAND,
            lean=deg(3),
            nod=1.0,
            bob=0.006 * sob,
            l_hand=(-0.04, -0.085),
            r_hand=(0.04, -0.085),
            over_face=True,
        )
    if action == "laugh":  # head thrown back, hands on the belly, shoulders bouncing
        bounce = abs(math.sin(math.tau * 2.5 * t + phase))
        return replace(
            _STAND,
            lean=-deg(4),
            nod=-1.0,
            bob=0.012 * bounce,
            head_tilt=deg(3) * math.sin(math.tau * 1.25 * t + phase),
            l_hand=(-0.075, 0.23),
            r_hand=(0.075, 0.23),
        )
    breathe = math.sin(math.tau * 0.3 * t + phase)
    return replace(
        _STAND,
        l_upper=-deg(11 + 2 * breathe),
        r_upper=deg(11 + 2 * breathe),
        head_tilt=deg(2) * breathe,
        free_l=True,
        free_r=True,
    )


def _kick(t: float, phase: float) -> float:
    """Where the kick loop is, 0 → 1: the ball rolls in, is struck at 0.33 and flies off to +x."""
    return (0.85 * t + phase / math.tau) % 1.0


# -- proportions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    """Segment lengths in figure heights for an age; all add up to about the same standing height."""

    thigh: float
    shin: float
    torso: float
    upper: float
    fore: float
    head_r: float
    shoulder: float
    limb_w: float
    neck: float
    waist: float


def _build(head_r: float, slim: float, limb_w: float) -> Build:
    # keep the standing height of the adult: the larger head takes it from the body
    k = (THIGH + SHIN + TORSO + NECK + 2 * HEAD_R - 2 * head_r) / (THIGH + SHIN + TORSO + NECK)
    return Build(
        THIGH * k,
        SHIN * k,
        TORSO * k,
        UPPER_ARM * k,
        FOREARM * k,
        head_r,
        SHOULDER * slim,
        limb_w,
        NECK * k,
        WAIST * slim,
    )


BUILDS: dict[str, Build] = {
    "adult": Build(THIGH, SHIN, TORSO, UPPER_ARM, FOREARM, HEAD_R, SHOULDER, LIMB_W, NECK, WAIST),
    "old": Build(THIGH, SHIN, TORSO, UPPER_ARM, FOREARM, HEAD_R, SHOULDER * 0.96, LIMB_W * 0.95, NECK, WAIST),
    "child": _build(0.094, 0.9, LIMB_W * 1.02),
    "baby": _build(0.125, 0.95, LIMB_W * 1.3),
}
"""Proportions per age: a child's head is about a fifth of its height, a baby's a quarter."""


@dataclass(frozen=True)
class Skeleton:
    """Where a posed figure's hip, neck and head centre are, in world units."""

    hip: Point
    neck: Point
    head: Point
    head_r: float
    head_angle: float
    top: float
    """World y of the top of the hair."""


def skeleton(pose: Pose, b: Build, x: float, y: float, h: float) -> Skeleton:
    """The joints of ``pose`` for a figure of height ``h`` standing at world ``(x, y)``."""
    if pose.hip_h is not None:
        up = pose.hip_h
    else:
        up = max(
            b.thigh * pose.thigh_k * math.cos(pose.l_thigh) + b.shin * math.cos(pose.l_shin),
            b.thigh * pose.thigh_k * math.cos(pose.r_thigh) + b.shin * math.cos(pose.r_shin),
        )
    hip = (x + pose.hip_dx * h, y - up * h)
    torso = (b.torso + pose.bob) * h
    neck = (hip[0] + torso * math.sin(pose.lean), hip[1] - torso * math.cos(pose.lean))
    angle = pose.lean + pose.head_tilt
    reach = (b.head_r + b.neck - 0.012 * abs(pose.nod)) * h
    head = (neck[0] + reach * math.sin(angle), neck[1] - reach * math.cos(angle))
    hr = b.head_r * h
    return Skeleton(hip, neck, head, hr, angle, head[1] - hr * 1.08 - 0.16 * hr * abs(math.cos(angle)))


_BABY_ARMS = frozenset({"wave", "pray", "cry", "laugh", "read"})
_SEATED_ARMS = frozenset({"drive", "ride", "wave", "pray", "cry", "laugh", "read", "carry"})


def _acting(action: str, age: str, role: str, vehicle: bool) -> str:
    """The pose family actually drawn: a musician plays its instrument, a baby sits, a person in a
    vehicle drives unless its arms are doing something else."""
    if role == "musician" and action == "play":
        return "stand"
    if age == "baby":
        return action if action in _BABY_ARMS else "sit"
    if vehicle:
        return action if action in _SEATED_ARMS else "drive"
    return action


def _seated_pose(action: str, t: float, phase: float, age: str, role: str, vehicle: bool) -> Pose:
    """The pose a figure is drawn in: a baby sits, a person in a vehicle sits on its seat."""
    action = _acting(action, age, role, vehicle)
    if age == "baby":
        arms = pose_at(action, t, phase)
        sit = pose_at("sit", t, phase)
        return replace(
            arms,
            l_thigh=sit.l_thigh,
            l_shin=sit.l_shin,
            r_thigh=sit.r_thigh,
            r_shin=sit.r_shin,
            seated=True,
            chair=False,
            hip_h=0.07,
            thigh_k=1.0,
            lean=0.0,
            hip_dx=0.0,
            flare=0.0,
        )
    if vehicle:
        pose = pose_at(action, t, phase)
        return replace(_on_seat(pose), hip_h=VEHICLE_HIP, lean=min(pose.lean, deg(8)))
    return pose_at(action, t, phase, age=age)


def _age_of(role: str, age: str) -> str:
    if role == "baby":
        return "baby"
    if role in _CHILD_ROLES:
        return "child"
    if role in _OLD_ROLES:
        return "old"
    return age if age in ("child", "old") else "adult"


def head_top(action: str, phase: float, *, age: str = "adult", role: str = "person", vehicle: bool = False) -> float:
    """Height of the top of the head above the feet at ``t = 0``, as a fraction of the figure height.

    About 0.97 standing, lower in the dancer's half-seated stance, about 0.55 seated on the ground
    and 0.77 on a seat, 0.25 swimming, lower for a stooping old person and a sitting baby; cameras
    use it to frame medium shots and close-ups on the head where it really is. ``age``, ``role``
    and ``vehicle`` are the figure's (:class:`~.scene.Figure` ``age``, ``role``, ``bool(vehicle)``).
    """
    a = _age_of(role, age)
    pose = _seated_pose(action, 0.0, phase, a, role, vehicle)
    scale = BABY_SCALE if a == "baby" else 1.0
    sk = skeleton(pose, BUILDS[a], 0.0, 0.0, scale)
    return -sk.top


def head_top_of(fig: Figure) -> float:
    """:func:`head_top` for ``fig`` in its own action, age, role and vehicle."""
    return head_top(fig.action, fig.phase, age=fig.age, role=fig.role, vehicle=bool(fig.vehicle))


# -- costumes ------------------------------------------------------------------------------------

HAIR: RGB = (28, 22, 20)
GREY_HAIR: RGB = (214, 212, 206)
GOLD: RGB = (214, 170, 60)
WHITE: RGB = (246, 246, 242)
CREAM: RGB = (238, 230, 210)
KHAKI: RGB = (186, 158, 100)
OLIVE: RGB = (84, 98, 56)
NAVY: RGB = (38, 48, 92)
CHARCOAL: RGB = (58, 60, 68)
DENIM: RGB = (50, 84, 142)
SAFFRON: RGB = (244, 138, 36)
BRIDAL_RED: RGB = (186, 18, 32)
LIGHT_BLUE: RGB = (160, 204, 236)
TROUSERS: RGB = (60, 58, 70)
BOOTS: RGB = (34, 30, 30)
WOOD: RGB = (122, 82, 44)
STEEL: RGB = (160, 165, 172)
HI_VIS: RGB = (226, 236, 40)
FIRE_RED: RGB = (204, 34, 30)
HARD_HAT: RGB = (246, 196, 26)
MARIGOLD: tuple[RGB, RGB] = ((246, 140, 20), (250, 200, 40))
_NAMED = frozenset(COLOUR_WORDS.values())

_FEMALE_ROLES = frozenset({"woman", "girl", "old_woman", "bride", "queen"})
_MALE_ROLES = frozenset({"man", "boy", "old_man", "groom", "king"})
_CHILD_ROLES = frozenset({"boy", "girl", "child"})
_OLD_ROLES = frozenset({"old_man", "old_woman"})
_SARI_ITEMS = frozenset({"pallu", "jasmine", "bangles", "anklets"})


@dataclass(frozen=True)
class Look:
    """What a person wears and carries; colours before the scene's light and grade.

    ``lower`` is the garment below the waist: trousers, shorts, tunic, skirt (langa or sari),
    frock, dhoti, lungi or robe. ``coat`` is ``"long"`` (kurta, sherwani, a firefighter's coat to
    mid-thigh) or ``"lab"`` (an open white coat over the shirt). ``hat`` names the headwear.
    """

    female: bool
    male: bool
    age: str
    top: RGB | None
    """Shirt or blouse; None: bare chest."""
    sleeve: RGB | None
    """Upper-arm colour; None: bare arms."""
    cuff: RGB | None
    """Forearm colour (long sleeves); None: bare forearms."""
    lower: str
    lower_c: RGB
    legs: RGB | None
    """Leg colour (trousers, overalls); None: bare legs below the garment."""
    feet: RGB | None
    """Shoes or boots; None: bare feet or sandals."""
    coat: str
    coat_c: RGB
    hat: str
    hat_c: RGB
    hair: RGB
    hair_style: str
    """short, braid, pigtails, bun, bald (an old man's fringe), shaved (a priest's tuft) or curl."""
    accent: RGB
    """A second colour: a bag, a cape, an apron, a jersey number."""
    items: frozenset[str]


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


@functools.lru_cache(maxsize=512)
def look_of(role: str, female: bool, male: bool, age: str, clothes: RGB) -> Look:
    """The costume of a person of ``role`` whose text colour (or palette colour) is ``clothes``.

    A colour named in the text (one of :data:`~.scene.COLOUR_WORDS`) always shows: on the uniform
    of a uniformed role, else on the main garment; a palette colour leaves uniforms as they are.
    """
    if role in _FEMALE_ROLES or (role == "dancer" and not male):
        female, male = True, False
    elif role in _MALE_ROLES:
        female, male = False, True
    age = _age_of(role, age)
    c = clothes
    named = c in _NAMED
    hair = GREY_HAIR if age == "old" else HAIR
    items: set[str] = set()
    top: RGB | None = c
    sleeve: RGB | None = c
    cuff: RGB | None = None
    legs: RGB | None
    feet: RGB | None = None
    coat, coat_c, hat, hat_c, accent = "", c, "", c, GOLD
    if female:
        sleeve, lower, lower_c, legs, hair_style = None, "skirt", c, None, "braid"
        items |= {*_SARI_ITEMS, "bindi"}
    elif male:
        lower, lower_c, legs, hair_style = "trousers", TROUSERS, TROUSERS, "short"
    else:
        lower, lower_c, legs, hair_style = "tunic", c, _darker(c), "short"
    if age == "child":
        if female:
            items -= {"pallu", "jasmine"}
            lower, hair_style = "frock", "pigtails"
            sleeve = c
        else:
            lower, lower_c, legs = "shorts", NAVY, None
    elif age == "baby":
        items.clear()
        sleeve, lower, lower_c, legs, hair_style = None, "shorts", c, None, "curl"
    elif age == "old":
        items -= {"jasmine"}
        items.add("spectacles")
        if female:
            hair_style = "bun"
        else:
            items.add("moustache")
            hair_style = "bald"
            lower, lower_c, legs, coat, coat_c = "dhoti", CREAM, None, "long", c
    elif male and role in ("man", "person", "farmer", "police_officer", "king", "groom", "driver", "teacher"):
        items.add("moustache")

    def uniform() -> None:
        nonlocal lower, hair_style
        items.difference_update(_SARI_ITEMS)
        if lower in ("skirt", "tunic", "frock"):
            lower = "trousers"
        if hair_style == "pigtails":
            hair_style = "braid"

    if role == "farmer":
        if female:
            hat, hat_c = "scarf", c
        else:
            top, sleeve, lower, lower_c, legs = c, c, "dhoti", CREAM, None
            hat, hat_c = "turban", WHITE
            items.add("turban_check")
        items.add("hoe")
    elif role == "firefighter":
        uniform()
        u = c if named else CHARCOAL
        top = sleeve = cuff = legs = lower_c = coat_c = u
        lower, coat, feet, hat, hat_c = "trousers", "long", BOOTS, "fire_helmet", FIRE_RED
        items.add("stripes")
    elif role == "police_officer":
        uniform()
        u = c if named else KHAKI
        top = sleeve = legs = lower_c = hat_c = u
        cuff, lower, feet, hat = None, "trousers", BOOTS, "peaked_cap"
        items |= {"belt", "badge", "lathi"}
    elif role == "doctor":
        uniform()
        top, sleeve, cuff, coat, coat_c = c, WHITE, WHITE, "lab", WHITE
        lower, lower_c, legs, feet = "trousers", TROUSERS, TROUSERS, BOOTS
        items.add("stethoscope")
    elif role == "nurse":
        uniform()
        u = c if named else LIGHT_BLUE
        top = sleeve = lower_c = u
        cuff, feet, hat, hat_c = None, WHITE, "nurse_cap", WHITE
        if female:
            lower, legs = "frock", None
        else:
            lower, legs = "trousers", u
    elif role == "student":
        uniform()
        shirt = c if named else WHITE
        top = sleeve = shirt
        accent = (196, 52, 44) if named else c
        cuff, feet = None, BOOTS
        if female:
            lower, lower_c, legs = "frock", NAVY, None
        elif age == "child":
            lower, lower_c, legs = "shorts", NAVY, None
        else:
            lower, lower_c, legs = "trousers", NAVY, NAVY
        items |= {"backpack", "tie"}
    elif role == "teacher":
        items |= {"spectacles", "book", "pointer"}
    elif role == "vendor":
        if not female:
            lower, lower_c, legs = "lungi", (70, 104, 150), None
            items.add("check")
        accent = (236, 222, 190)
        items |= {"apron", "basket"}
    elif role == "fisherman":
        if not female:
            uniform()
            top, sleeve, lower, lower_c, legs = WHITE, None, "lungi", c, None
            items.add("check")
        items.add("net")
    elif role == "soldier":
        uniform()
        u = c if named else OLIVE
        top = sleeve = cuff = legs = lower_c = u
        lower, feet, hat, hat_c = "trousers", BOOTS, "army_helmet", _darker(u, 0.8)
        items |= {"belt", "rifle", "camo"}
    elif role == "priest":
        uniform()
        robe = c if named else SAFFRON
        top, sleeve, lower, lower_c, legs, accent = None, None, "robe", robe, None, _darker(robe, 0.85)
        items |= {"tilak", "shawl", "aarti"}
        if female:  # a robe over a blouse, the hair kept
            top, hair_style = robe, "bun"
        else:  # bare-chested with the sacred thread, the head shaved but for a tuft
            hair_style = "shaved"
            items.add("thread")
    elif role == "player":
        uniform()
        dark = _luma(c) < 140
        top = sleeve = c
        cuff, lower, lower_c, legs, feet = None, "shorts", WHITE if dark else NAVY, None, BOOTS
        accent = WHITE if _luma(c) < 160 else (30, 30, 40)
        items |= {"number", "ball"}
    elif role == "dancer":
        items |= {"headpiece", "waistband"}
    elif role == "worker":
        uniform()
        top = sleeve = cuff = c
        lower, lower_c, legs, feet, hat, hat_c = "trousers", DENIM, DENIM, BOOTS, "hard_hat", HARD_HAT
        items |= {"overalls", "shovel"}
    elif role == "cook":
        hat, hat_c, accent = "chef_hat", WHITE, WHITE
        items |= {"apron", "ladle"}
    elif role == "driver":  # a chauffeur's white uniform and peaked cap
        uniform()
        u = c if named else WHITE
        top = sleeve = u
        cuff, lower, lower_c, legs, feet = None, "trousers", NAVY, NAVY, BOOTS
        hat, hat_c = "cap", (30, 38, 68)
    elif role == "musician":
        if not female:
            coat, coat_c, lower, lower_c, legs = "long", c, "trousers", CREAM, CREAM
        items.add("instrument")
    elif role == "bride":
        red = c if named else BRIDAL_RED
        top = lower_c = hat_c = red
        hat = "veil"
        items -= {"jasmine"}
        items |= {"necklace", "tikka", "garland", "heavy_trim"}
    elif role == "groom":
        coat_c = c if named else (236, 212, 152)
        top = sleeve = cuff = coat_c
        coat, lower, lower_c, legs, feet = "long", "trousers", WHITE, WHITE, GOLD
        hat, hat_c = "safa", (222, 66, 34)
        items |= {"garland", "buttons"}
    elif role in ("king", "queen"):
        accent = (150, 20, 40) if abs(c[0] - 150) + abs(c[1] - 20) + abs(c[2] - 40) > 120 else (40, 50, 140)
        hat, hat_c = ("crown" if role == "king" else "tiara"), GOLD
        items |= {"cape", "necklace"}
        if role == "king":
            cuff, lower, lower_c, legs, coat, coat_c = c, "robe", c, None, "long", c
            items |= {"sceptre", "buttons"}
    return Look(
        female=female,
        male=male,
        age=age,
        top=top,
        sleeve=sleeve,
        cuff=cuff,
        lower=lower,
        lower_c=lower_c,
        legs=legs,
        feet=feet,
        coat=coat,
        coat_c=coat_c,
        hat=hat,
        hat_c=hat_c,
        hair=hair,
        hair_style=hair_style,
        accent=accent,
        items=frozenset(items),
    )


_GARMENT: dict[str, tuple[float, float, float]] = {
    "tunic": (0.25, 0.07, 0.1),
    "shorts": (0.3, 0.072, 0.1),
    "skirt": (0.75, 0.068, 0.15),
    "frock": (0.45, 0.068, 0.13),
    "dhoti": (0.78, 0.072, 0.105),
    "lungi": (0.95, 0.07, 0.095),
    "robe": (0.99, 0.075, 0.125),
}
"""Garment → (length as a fraction of the leg, half width at the waist, at the hem) in figure heights."""

_HAND_PROPS: dict[str, tuple[tuple[str, int], ...]] = {
    "farmer": (("hoe", 1),),
    "police_officer": (("lathi", 1),),
    "teacher": (("book", -1), ("pointer", 1)),
    "vendor": (("basket", 1),),
    "worker": (("shovel", 1),),
    "cook": (("ladle", 1),),
    "king": (("sceptre", 1),),
    "priest": (("aarti", 0),),
    "musician": (("instrument", 0),),
}
"""Role → props held in a free hand: (prop, side) with side +1 right, -1 left, 0 both hands."""


def _grip(prop: str, side: int, t: float, phase: float, flute: bool) -> tuple[Point, Point | None]:
    """Body-frame hand targets for a held prop: (the ``side`` hand, the other hand or None)."""
    if prop == "stick":
        return (side * 0.2, 0.33 + 0.01 * math.sin(math.tau * 0.6 * t + phase)), None
    if prop == "hoe":
        return (side * 0.125, 0.145), None
    if prop == "lathi":
        return (side * 0.2, 0.3), None
    if prop == "book":
        return (side * 0.1, 0.2), None
    if prop == "pointer":
        return (side * 0.21, 0.12), None
    if prop == "basket":
        return (side * 0.125, -0.2), None
    if prop == "shovel":
        return (side * 0.19, 0.25), None
    if prop == "ladle":
        return (side * 0.18, 0.3), None
    if prop == "sceptre":
        return (side * 0.2, 0.2), None
    if prop == "aarti":
        p = math.tau * 0.7 * t + phase
        cx, cy = 0.025 * math.cos(p), 0.19 + 0.025 * math.sin(p)
        return (cx - 0.07, cy), (cx + 0.07, cy)
    if flute:
        return (0.11, -0.055), (0.21, -0.052)
    tap = math.sin(math.tau * 3.0 * t + phase)
    return (-0.16, 0.225 - 0.02 * max(0.0, tap)), (0.16, 0.225 - 0.02 * max(0.0, -tap))


def _darker(c: RGB, f: float = 0.72) -> RGB:
    return (int(c[0] * f), int(c[1] * f), int(c[2] * f))


def _lighter(c: RGB, f: float = 0.35) -> RGB:
    return (int(c[0] + (255 - c[0]) * f), int(c[1] + (255 - c[1]) * f), int(c[2] + (255 - c[2]) * f))


def _reach(sh: Point, target: Point, a: float, b: float, out: Point) -> tuple[float, float]:
    """Two-bone inverse kinematics: (upper, fore) angles that put the hand at ``target`` from
    shoulder ``sh`` with segment lengths ``a`` and ``b``, the elbow bent toward direction ``out``."""
    dx, dy = target[0] - sh[0], target[1] - sh[1]
    d = min(max(math.hypot(dx, dy), abs(a - b) + 1e-6), (a + b) * 0.999)
    base = math.atan2(dx, dy)
    bend = math.acos(max(-1.0, min(1.0, (a * a + d * d - b * b) / (2 * a * d))))
    best: tuple[float, float] | None = None
    score = -math.inf
    for upper in (base + bend, base - bend):
        ex, ey = sh[0] + a * math.sin(upper), sh[1] + a * math.cos(upper)
        s = (ex - sh[0]) * out[0] + (ey - sh[1]) * out[1]
        if s > score:
            score = s
            best = (upper, math.atan2(target[0] - ex, target[1] - ey))
    assert best is not None
    return best


DIGITS: dict[str, tuple[tuple[Point, ...], ...]] = {
    "0": (((0, 0), (1, 0), (1, 2), (0, 2), (0, 0)),),
    "1": (((1, 0), (1, 2)),),
    "2": (((0, 0), (1, 0), (1, 1), (0, 1), (0, 2), (1, 2)),),
    "3": (((0, 0), (1, 0), (1, 2), (0, 2)), ((0, 1), (1, 1))),
    "4": (((0, 0), (0, 1), (1, 1)), ((1, 0), (1, 2))),
    "5": (((1, 0), (0, 0), (0, 1), (1, 1), (1, 2), (0, 2)),),
    "6": (((1, 0), (0, 0), (0, 2), (1, 2), (1, 1), (0, 1)),),
    "7": (((0, 0), (1, 0), (1, 2)),),
    "8": (((0, 0), (1, 0), (1, 2), (0, 2), (0, 0)), ((0, 1), (1, 1))),
    "9": (((1, 1), (0, 1), (0, 0), (1, 0), (1, 2), (0, 2)),),
}
"""Seven-segment strokes of each digit in a 1 x 2 box (a jersey number)."""
JERSEY_NUMBERS = (7, 10, 9, 11, 18, 23, 4, 8)


# -- drawing -------------------------------------------------------------------------------------


def draw_person(pen: Pen, scene: Scene, fig: Figure, x: float, t: float, action: str) -> None:
    """Draw ``fig`` standing at world ``(x, fig.y)`` posed for pose family ``action`` at ``t`` seconds.

    Costume and props follow ``fig.role`` and ``fig.age`` (:func:`look_of`). A person in a vehicle
    (``fig.vehicle``) sits on a seat at ``fig.y`` with hands forward on a wheel or handlebar, and only
    the body above the hip is drawn: the vehicle is drawn in front of it. A baby sits. A crowd is
    five people.
    """
    if fig.role == "crowd":
        for member in _crowd(fig):
            draw_person(pen, scene, member, x + member.x - fig.x, t, action)
        return
    look = look_of(fig.role, fig.female, fig.male, fig.age, fig.clothes)
    b = BUILDS[look.age]
    h = fig.height * (BABY_SCALE if look.age == "baby" else 1.0)
    in_vehicle = bool(fig.vehicle)
    pose = _seated_pose(action, t, fig.phase, look.age, fig.role, in_vehicle)
    action = _acting(action, look.age, fig.role, in_vehicle)
    sk = skeleton(pose, b, x, fig.y, h)
    hip, neck, head, hr, ha = sk.hip, sk.neck, sk.head, sk.head_r, sk.head_angle
    ux, uy = math.sin(pose.lean), -math.cos(pose.lean)
    rx, ry = -uy, ux
    items = look.items

    def at(bx: float, by: float) -> Point:
        """A point in the body's frame: ``bx`` to its right, ``by`` down the torso from the neck."""
        return (neck[0] + (bx * rx - by * ux) * h, neck[1] + (bx * ry - by * uy) * h)

    paint = scene.paint
    skin = paint(fig.skin)
    trim = paint(GOLD)
    top_c = paint(look.top) if look.top is not None else skin
    swim = action == "swim" and not in_vehicle and look.age != "baby"
    standing = not (pose.seated or pose.chair or swim)

    # which hand holds what: a walking stick first, then the role's props, in hands the pose leaves free
    free = {-1: pose.free_l, 1: pose.free_r}
    targets: dict[int, Point | None] = {-1: pose.l_hand, 1: pose.r_hand}
    held: list[tuple[str, int]] = []
    if look.age == "old" and standing:
        side = 1 if free[1] else (-1 if free[-1] else 0)
        if side:
            held.append(("stick", side))
            free[side] = False
    flute = "instrument" in items and int(fig.phase * 10) % 3 == 1  # else a drum
    for prop, want in _HAND_PROPS.get(fig.role, ()):
        if prop in ("lathi", "shovel", "ladle") and not standing:
            continue
        if want == 0:
            if free[-1] and free[1]:
                held.append((prop, 0))
                free[-1] = free[1] = False
            continue
        side = want if free[want] else (-want if free[-want] else 0)
        if side:
            held.append((prop, side))
            free[side] = False
    for prop, side in held:
        first, second = _grip(prop, side or 1, t, fig.phase, flute)
        if side:
            targets[side] = first
        else:
            targets[-1], targets[1] = first, second

    # behind the body
    leg_len = b.thigh * pose.thigh_k + b.shin
    ax = math.sin(pose.l_thigh) + math.sin(pose.r_thigh)
    ay = math.cos(pose.l_thigh) + math.cos(pose.r_thigh)
    n = math.hypot(ax, ay)
    ax, ay = (ax / n, ay / n) if n > 1e-6 else (0.0, 1.0)

    def down(frac: float, side: float) -> Point:
        """A point ``frac`` of the leg down from the hip along the legs, ``side`` heights to the right."""
        return (hip[0] + (ax * frac * leg_len + ay * side) * h, hip[1] + (ay * frac * leg_len - ax * side) * h)

    if "cape" in items and not swim:
        cape = paint(look.accent)
        low = 0.5 if in_vehicle else 0.96
        pen.poly([at(-0.14, 0.0), at(0.14, 0.0), down(low, 0.27), down(low, -0.27)], cape)
        pen.line([down(low, 0.27), down(low, -0.27)], paint(WHITE), 0.028 * h)

    def hp(dx: float, dy: float) -> Point:
        """A point in the head's frame, in head radii."""
        co, si = math.cos(ha), math.sin(ha)
        return (head[0] + (dx * co - dy * si) * hr, head[1] + (dx * si + dy * co) * hr)

    hair = paint(look.hair)
    if look.hat == "veil":
        veil = paint(look.hat_c)
        pen.poly(
            [
                hp(-1.3, -0.3),
                hp(-1.05, -1.05),
                hp(0, -1.38),
                hp(1.05, -1.05),
                hp(1.3, -0.3),
                at(0.24, 0.32),
                at(-0.24, 0.32),
            ],
            (*veil, 215),
        )
    elif look.hair_style == "braid" and look.hat not in ("scarf",):
        sway = math.sin(pose.lean * 3 + t * 2)
        braid_end = polar(head, 0.36 * h, 0.25 * sway + pose.lean)
        pen.limb(head, braid_end, 0.035 * h, hair)
        pen.circle(braid_end[0], braid_end[1], 0.022 * h, paint((236, 150, 60)))
    if "backpack" in items:
        bag = paint(look.accent)
        pen.poly([at(-0.13, -0.03), at(0.13, -0.03), at(0.135, 0.25), at(-0.135, 0.25)], bag)
    if "rifle" in items:
        pen.limb(at(-0.17, 0.36), at(-0.12, 0.29), 0.045 * h, paint(WOOD))
        pen.line([at(-0.17, 0.36), at(0.2, -0.17)], paint((45, 42, 38)), 0.022 * h)

    # legs and what is worn below the waist (hidden in a vehicle)
    lw = b.limb_w * h
    feet: list[Point] = []
    if not in_vehicle:
        leg_c = paint(look.legs) if look.legs is not None else skin
        foot_c = paint(look.feet) if look.feet is not None else paint(_darker(fig.skin, 0.8))
        hi_vis = paint(HI_VIS)
        for side, thigh_a, shin_a in ((-1, pose.l_thigh, pose.l_shin), (1, pose.r_thigh, pose.r_shin)):
            hip_j = (hip[0] + side * 0.04 * h * rx, hip[1] + side * 0.04 * h * ry)
            knee = polar(hip_j, b.thigh * pose.thigh_k * h, thigh_a)
            foot = polar(knee, b.shin * h, shin_a)
            feet.append(foot)
            pen.limb(hip_j, knee, lw * 1.1, leg_c)
            pen.limb(knee, foot, lw, leg_c)
            _oval(pen, foot[0] + side * 0.02 * h, foot[1], 0.04 * h, 0.018 * h, foot_c)
            if "anklets" in items:
                pen.circle(foot[0], foot[1] - 0.02 * h, 0.012 * h, trim)
            if "stripes" in items:
                pen.limb(polar(knee, 0.55 * b.shin * h, shin_a), polar(knee, 0.66 * b.shin * h, shin_a), lw, hi_vis)
    waist_l = (hip[0] - b.waist * h * rx + 0.03 * h * ux, hip[1] - b.waist * h * ry + 0.03 * h * uy)
    waist_r = (hip[0] + b.waist * h * rx + 0.03 * h * ux, hip[1] + b.waist * h * ry + 0.03 * h * uy)
    lower_c = paint(look.lower_c)
    if not in_vehicle:
        if pose.seated and look.lower in ("skirt", "frock", "dhoti", "lungi", "robe", "tunic"):
            lap = [waist_l, waist_r, (hip[0] + 0.3 * h, fig.y + 0.005 * h), (hip[0] - 0.3 * h, fig.y + 0.005 * h)]
            pen.poly(lap, lower_c)
            if look.lower == "skirt":
                pen.line(lap[2:], trim, (0.04 if "heavy_trim" in items else 0.022) * h)
        elif look.lower in _GARMENT:
            frac, w0, w1 = _GARMENT[look.lower]
            if look.lower in ("skirt", "frock"):
                w1 += pose.flare
            hem_l, hem_r = down(frac, -w1), down(frac, w1)
            pen.poly([waist_l, waist_r, hem_r, hem_l], lower_c)
            fold = paint(_darker(look.lower_c, 0.8))
            if look.lower == "skirt":
                if pen.px(h) > 90:
                    for k in (-2, -1, 0, 1, 2):
                        pen.line([down(0.0, k * 0.02), down(frac, k * w1 / 2.6)], fold, 0.008 * h)
                pen.line(
                    [down(frac - 0.03, -w1), down(frac - 0.03, w1)],
                    trim,
                    (0.05 if "heavy_trim" in items else 0.025) * h,
                )
            elif look.lower in ("dhoti", "shorts"):
                pen.line([down(0.05, 0.0), down(frac, 0.0)], fold, 0.01 * h)
            if "check" in items:
                for f in (0.4, 0.7):
                    w = w0 + (w1 - w0) * f
                    pen.line([down(frac * f, -w), down(frac * f, w)], fold, 0.012 * h)
        if look.coat:
            coat_c = paint(look.coat_c)
            pen.poly([waist_l, waist_r, down(0.42, 0.105), down(0.42, -0.105)], coat_c)
            if look.coat == "lab":
                pen.line([down(0.0, 0.0), down(0.42, 0.0)], paint((190, 192, 196)), 0.008 * h)
            if "stripes" in items:
                pen.line([down(0.36, -0.1), down(0.36, 0.1)], paint(HI_VIS), 0.03 * h)
            if "buttons" in items:
                pen.line([down(0.4, -0.1), down(0.4, 0.1)], trim, 0.015 * h)
        if "apron" in items and not pose.seated:
            apron = paint(look.accent)
            pen.poly(
                [at(-0.06, 0.085), at(0.06, 0.085), waist_r, down(0.45, 0.085), down(0.45, -0.085), waist_l], apron
            )

    # the torso and what is worn on it
    l_sh, r_sh = at(-b.shoulder, 0.02), at(b.shoulder, 0.02)
    torso_c = paint(look.coat_c) if look.coat == "lab" else top_c
    pen.poly([l_sh, r_sh, waist_r, waist_l], torso_c)
    tw = b.waist

    def band(by0: float, by1: float, colour: tuple[int, int, int]) -> None:
        w0 = b.shoulder + (tw - b.shoulder) * by0 / b.torso
        w1 = b.shoulder + (tw - b.shoulder) * by1 / b.torso
        pen.poly([at(-w0, by0), at(w0, by0), at(w1, by1), at(-w1, by1)], colour)

    if look.coat == "lab":
        pen.poly([at(-0.045, 0.01), at(0.045, 0.01), at(0.0, 0.21)], top_c)
        pen.line([at(-0.045, 0.01), at(0.0, 0.21), at(0.045, 0.01)], paint((200, 202, 206)), 0.008 * h)
        pen.line([at(0.0, 0.21), at(0.0, b.torso)], paint((200, 202, 206)), 0.008 * h)
    if "apron" in items and not in_vehicle and not pose.seated:
        pen.poly(
            [at(-0.06, 0.085), at(0.06, 0.085), at(tw, b.torso - 0.03), at(-tw, b.torso - 0.03)], paint(look.accent)
        )
        pen.line([at(-0.05, 0.085), at(-0.035, 0.0)], paint(look.accent), 0.01 * h)
        pen.line([at(0.05, 0.085), at(0.035, 0.0)], paint(look.accent), 0.01 * h)
    if "pallu" in items and look.lower == "skirt":
        pallu = paint(_darker(look.top or fig.clothes, 0.85))
        pen.poly([l_sh, at(-b.shoulder + 0.05, 0.02), waist_r, at(tw - 0.06, b.torso - 0.03)], pallu)
        pen.line([l_sh, waist_r], trim, (0.03 if "heavy_trim" in items else 0.012) * h)
    if "shawl" in items:
        pen.poly(
            [r_sh, at(b.shoulder - 0.07, 0.01), at(-tw, b.torso - 0.1), at(-tw, b.torso - 0.02)], paint(look.accent)
        )
    if "thread" in items:
        pen.line([at(-b.shoulder + 0.015, 0.015), at(0.02, 0.17), at(tw, b.torso - 0.02)], paint(WHITE), 0.009 * h)
    if "stripes" in items:
        band(0.16, 0.19, paint(HI_VIS))
        band(0.19, 0.2, paint((220, 224, 228)))
    if "camo" in items:
        camo = paint(_darker(look.top or OLIVE, 0.72))
        for bx, by in ((-0.045, 0.11), (0.05, 0.2), (-0.02, 0.26)):
            c = at(bx, by)
            pen.circle(c[0], c[1], 0.024 * h, camo)
    if "overalls" in items:
        denim = paint(DENIM)
        pen.poly(
            [at(-0.055, 0.11), at(0.055, 0.11), at(tw - 0.002, b.torso - 0.02), at(-tw + 0.002, b.torso - 0.02)], denim
        )
        pen.line([at(-0.05, 0.115), at(-0.075, 0.01)], denim, 0.016 * h)
        pen.line([at(0.05, 0.115), at(0.075, 0.01)], denim, 0.016 * h)
    if "belt" in items:
        band(b.torso - 0.06, b.torso - 0.03, paint((58, 40, 26)))
        c = at(0.0, b.torso - 0.045)
        pen.circle(c[0], c[1], 0.016 * h, trim)
    if "waistband" in items:
        band(b.torso - 0.06, b.torso - 0.03, trim)
    if "badge" in items:
        c = at(-0.05, 0.09)
        pen.circle(c[0], c[1], 0.014 * h, trim)
    if "tie" in items:
        pen.poly(
            [at(-0.012, 0.025), at(0.012, 0.025), at(0.02, 0.16), at(0.0, 0.19), at(-0.02, 0.16)], paint((150, 28, 40))
        )
    if "backpack" in items:
        strap = paint(_darker(look.accent, 0.6))
        pen.line([at(-0.075, 0.015), at(-0.065, 0.21)], strap, 0.014 * h)
        pen.line([at(0.075, 0.015), at(0.065, 0.21)], strap, 0.014 * h)
    if "number" in items:
        _number(pen, paint(look.accent), at, JERSEY_NUMBERS[int(fig.phase * 10) % len(JERSEY_NUMBERS)], h)
    if "buttons" in items:
        for k in range(4):
            c = at(0.0, 0.06 + 0.06 * k)
            pen.circle(c[0], c[1], 0.01 * h, trim)
    if "necklace" in items:
        pen.line([at(-0.05, 0.005), at(-0.03, 0.06), at(0.0, 0.08), at(0.03, 0.06), at(0.05, 0.005)], trim, 0.012 * h)
        c = at(0.0, 0.09)
        pen.circle(c[0], c[1], 0.016 * h, paint((200, 30, 50)))
    if "garland" in items:
        for k in range(9):
            a = math.pi * k / 8
            c = at(-0.07 * math.cos(a), 0.02 + 0.21 * math.sin(a))
            pen.circle(c[0], c[1], 0.021 * h, paint(MARIGOLD[k % 2]))
    if "stethoscope" in items:
        tube = paint((40, 40, 46))
        pen.line([at(-0.045, -0.005), at(-0.06, 0.09), at(-0.03, 0.16)], tube, 0.01 * h)
        pen.line([at(0.045, -0.005), at(0.055, 0.1), at(0.05, 0.15)], tube, 0.01 * h)
        c = at(0.05, 0.16)
        pen.circle(c[0], c[1], 0.018 * h, paint(STEEL))

    # arms: posed, or solved to reach a target (a prop, the face, a steering wheel)
    sleeve_c = paint(look.sleeve) if look.sleeve is not None else skin
    cuff_c = paint(look.cuff) if look.cuff is not None else skin
    arms: list[tuple[int, Point, Point, Point, float]] = []
    for side, sh, upper_a, fore_a in ((-1, l_sh, pose.l_upper, pose.l_fore), (1, r_sh, pose.r_upper, pose.r_fore)):
        target = targets[side]
        if target is not None:
            out = (0.5 * side * rx - ux, 0.5 * side * ry - uy)  # elbows down and a little out
            upper_a, fore_a = _reach(sh, at(*target), b.upper * h, b.fore * h, out)
        elbow = polar(sh, b.upper * h, upper_a)
        arms.append((side, sh, elbow, polar(elbow, b.fore * h, fore_a), fore_a))
    hands = {side: hand for side, _, _, hand, _ in arms}

    def draw_arms() -> None:
        for _side, sh, elbow, hand, fore_a in arms:
            pen.limb(sh, elbow, lw, sleeve_c)
            pen.limb(elbow, hand, lw * 0.9, cuff_c)
            if "stripes" in items:
                pen.limb(
                    polar(elbow, 0.6 * b.fore * h, fore_a), polar(elbow, 0.74 * b.fore * h, fore_a), lw, paint(HI_VIS)
                )
            if "bangles" in items:
                c = polar(elbow, b.fore * h * 0.8, fore_a)
                pen.circle(c[0], c[1], 0.014 * h, trim)

    def draw_hands() -> None:
        for _side, _sh, _elbow, hand, _fore in arms:
            pen.circle(hand[0], hand[1], 0.026 * h * b.limb_w / LIMB_W, skin)

    late = pose.over_face or (flute and any(p == "instrument" for p, _ in held))
    if action == "cook" and not in_vehicle and look.age != "baby":
        _stove(pen, scene, at(0.33, 0.29), fig.y, h, t)
    if not late:
        draw_arms()
    if "net" in items and not swim:
        _net(pen, scene, at, h)
    for prop, side in held:
        if prop == "instrument" and flute:
            continue
        _held(pen, scene, prop, side, hands, at, fig.y, h, t)
    if action == "cook" and not in_vehicle and look.age != "baby":
        c = at(0.33, 0.27)
        pen.line([hands[1], (c[0] + 0.02 * h * math.cos(t * 7), c[1])], paint(STEEL), 0.013 * h)
    elif action == "read":
        cover = paint((44, 92, 160))
        pen.poly([at(-0.12, 0.19), at(0.0, 0.17), at(0.12, 0.19), at(0.12, 0.3), at(0.0, 0.285), at(-0.12, 0.3)], cover)
        pen.line([at(-0.115, 0.187), at(0.0, 0.167), at(0.115, 0.187)], paint(WHITE), 0.014 * h)
    elif action == "drive" and (in_vehicle or pose.chair):
        c = at(0.0, 0.165)
        _ring(pen, c, 0.105 * h, 0.05 * h, paint((36, 36, 42)), 0.016 * h)
    elif action == "ride":
        bar = paint((36, 36, 42))
        pen.line([at(0.0, 0.32), at(0.0, 0.135)], bar, 0.02 * h)
        pen.line([at(-0.22, 0.13), at(0.22, 0.13)], bar, 0.016 * h)
    if not late:
        draw_hands()
    if action == "play" and look.age != "baby" and not in_vehicle and fig.role != "musician":
        _ball(pen, scene, x, fig.y, h, _kick(t, fig.phase))
    elif "ball" in items and standing and action in ("stand", "wave"):
        _ball(pen, scene, x, fig.y, h, 0.0)

    # neck and head
    nt = (neck[0] + 0.03 * h * ux, neck[1] + 0.03 * h * uy)
    pen.limb(neck, nt, 0.05 * h * b.head_r / HEAD_R, skin)
    style = look.hair_style
    covered = look.hat in ("fire_helmet", "army_helmet", "hard_hat", "chef_hat", "turban", "safa", "scarf")
    if style == "pigtails":
        ribbon = paint((200, 40, 60))
        for side in (-1, 1):
            root, end = hp(side * 0.85, -0.3), hp(side * 1.35, 0.9)
            pen.limb(root, end, 0.3 * hr, hair)
            pen.circle(root[0], root[1], 0.22 * hr, ribbon)
    if style == "bun":
        c = hp(0.0, -1.05)
        pen.circle(c[0], c[1], 0.42 * hr, hair)
    if style not in ("shaved",):
        c = hp(0.0, -0.16)
        pen.circle(c[0], c[1], hr * 1.08, hair)
    if "jasmine" in items and look.hat == "":
        for k in range(3):
            pen.circle(
                head[0] + hr * (0.9 + 0.08 * k), head[1] - hr * (0.55 - 0.3 * k), 0.014 * h, paint((250, 250, 245))
            )
    pen.circle(head[0], head[1] + 0.006 * h, hr, skin)
    if style in ("short", "curl") and not covered:
        c = hp(0.0, -0.6 + 0.12 * pose.nod)
        if style == "curl":
            pen.circle(c[0], c[1] - 0.25 * hr, 0.22 * hr, hair)
        else:
            pen.ellipse(c[0], c[1], hr * 1.02, hr * 0.5, hair, ha)
    elif style == "bald":
        for side in (-1, 1):
            c = hp(side * 0.88, -0.2)
            pen.circle(c[0], c[1], 0.3 * hr, hair)
    elif style == "shaved":
        c = hp(0.45, -0.9)
        pen.limb(c, hp(0.75, -0.55), 0.22 * hr, hair)
    if pen.px(hr) >= 9:  # face details once the head is large enough to read
        expression = action if action in ("cry", "laugh") else ("down" if action in ("read", "cook") else "")
        _face(pen, scene, hp, hr, look, expression, pose.nod)
    if look.hat:
        _hat(pen, scene, look, hp, hr, ha)
    if late:
        draw_arms()
        if flute:
            _flute(pen, scene, at, h)
        draw_hands()

    # on the head
    if "basket" in items:
        _basket(pen, scene, head[0], sk.top, h)
    elif action == "carry":
        load = paint((176, 138, 86))
        pen.ellipse(head[0], sk.top - 0.035 * h, 0.14 * h, 0.05 * h, load, pose.lean)
        pen.line(
            [(head[0] - 0.02 * h, sk.top - 0.08 * h), (head[0], sk.top - 0.035 * h)], paint((120, 90, 50)), 0.012 * h
        )
    if swim:
        water = (60, 130, 190, 150)
        pen.rect(x - 0.85 * h, hip[1] + 0.005 * h, x + 0.55 * h, fig.y + 0.02 * h, water)
        for k in range(3):
            wx = x - 0.7 * h + ((k * 0.45 + 0.3 * t) % 1.25) * h
            pen.line([(wx, hip[1] + 0.005 * h), (wx + 0.14 * h, hip[1] + 0.005 * h)], (240, 248, 255, 190), 0.012 * h)


@functools.lru_cache(maxsize=64)
def _crowd(fig: Figure) -> tuple[Figure, ...]:
    """Five people in two rows for a crowd: the back row a little smaller and higher (farther)."""
    spots = ((-0.34, -0.05, 0.9), (0.0, -0.06, 0.92), (0.34, -0.05, 0.9), (-0.17, 0.0, 1.0), (0.17, 0.0, 1.0))
    roles = ("man", "woman", "man", "woman", "person")
    colours: tuple[RGB, ...] = ((46, 120, 180), (230, 180, 40), (170, 50, 120), fig.clothes, (60, 140, 80))
    out = []
    for k, ((dx, dy, s), role) in enumerate(zip(spots, roles, strict=True)):
        out.append(
            replace(
                fig,
                role=role,
                x=fig.x + dx * fig.height,
                y=fig.y + dy * fig.height,
                height=fig.height * s,
                clothes=colours[k] if k != 4 else _lighter(fig.clothes, 0.25),
                skin=SKIN_TONES[(k + int(fig.phase * 7)) % len(SKIN_TONES)],
                phase=fig.phase + 1.7 * k,
                female=role == "woman",
                male=role == "man",
                vehicle="",
            )
        )
    return tuple(out)


def _oval(pen: Pen, x: float, y: float, rx: float, ry: float, colour: RGB | tuple[int, int, int, int]) -> None:
    """An ellipse upright on the screen (a foot, an eye): one Pillow call instead of a rotated 24-gon."""
    px, py = pen.m.apply(x, y)
    kx, ky = max(0.5, pen.px(rx)), max(0.5, pen.px(ry))
    pen.draw.ellipse((px - kx, py - ky, px + kx, py + ky), fill=colour)


def _ring(pen: Pen, c: Point, rx: float, ry: float, colour: RGB, width: float) -> None:
    px, py = pen.m.apply(c[0], c[1])
    kx, ky = pen.px(rx), pen.px(ry)
    pen.draw.ellipse((px - kx, py - ky, px + kx, py + ky), outline=colour, width=max(1, round(pen.px(width))))


def _number(pen: Pen, colour: RGB, at: Callable[[float, float], Point], number: int, h: float) -> None:
    text = str(number)
    w = 0.028
    x0 = -(len(text) * w + (len(text) - 1) * 0.014) / 2
    for i, ch in enumerate(text):
        for stroke in DIGITS[ch]:
            pen.line([at(x0 + i * (w + 0.014) + sx * w, 0.08 + sy * 0.035) for sx, sy in stroke], colour, 0.011 * h)


def _held(
    pen: Pen,
    scene: Scene,
    prop: str,
    side: int,
    hands: dict[int, Point],
    at: Callable[[float, float], Point],
    ground: float,
    h: float,
    t: float,
) -> None:
    """A prop in the ``side`` hand (both for side 0), drawn before the hand closes over it."""
    paint = scene.paint
    hand = hands[side or 1]
    hx, hy = hand
    if prop == "stick":
        wood = paint(WOOD)
        top = (hx, hy - 0.03 * h)
        pen.line([top, (hx + side * 0.03 * h, ground)], wood, 0.017 * h)
        pen.line([top, (hx + side * 0.03 * h, top[1] - 0.025 * h), (hx + side * 0.06 * h, top[1])], wood, 0.017 * h)
    elif prop == "hoe":  # over the shoulder, the blade at the top end hanging down behind
        start, end = at(side * 0.07, 0.33), at(side * 0.26, -0.24)
        pen.line([start, end], paint(WOOD), 0.02 * h)
        dx, dy = end[0] - start[0], end[1] - start[1]
        n = math.hypot(dx, dy)
        dx, dy = dx / n, dy / n
        nx, ny = (-dy, dx) if dx > 0 else (dy, -dx)  # across the handle, pointing down
        ex, ey = end[0] - dx * 0.01 * h, end[1] - dy * 0.01 * h
        blade = [
            (ex - dx * 0.018 * h, ey - dy * 0.018 * h),
            (ex + dx * 0.018 * h, ey + dy * 0.018 * h),
            (ex + (dx * 0.035 + nx * 0.1) * h, ey + (dy * 0.035 + ny * 0.1) * h),
            (ex + (-dx * 0.035 + nx * 0.1) * h, ey + (-dy * 0.035 + ny * 0.1) * h),
        ]
        pen.poly(blade, paint(STEEL))
    elif prop == "lathi":
        pen.line(
            [(hx + side * 0.004 * h, hy - 0.24 * h), (hx + side * 0.03 * h, ground)], paint((96, 62, 30)), 0.016 * h
        )
    elif prop == "book":
        cx, cy = hx - side * 0.04 * h, hy - 0.01 * h
        pen.rect(cx - 0.045 * h, cy - 0.065 * h, cx + 0.045 * h, cy + 0.065 * h, paint((140, 36, 40)))
        pen.line(
            [(cx + side * 0.045 * h, cy - 0.06 * h), (cx + side * 0.045 * h, cy + 0.06 * h)], paint(WHITE), 0.01 * h
        )
    elif prop == "pointer":
        pen.line(
            [(hx - side * 0.02 * h, hy + 0.015 * h), (hx + side * 0.22 * h, hy - 0.17 * h)],
            paint((186, 140, 80)),
            0.011 * h,
        )
    elif prop == "shovel":
        steel = paint(STEEL)
        bx = hx + side * 0.035 * h
        pen.line([(hx - side * 0.01 * h, hy - 0.08 * h), (bx, ground - 0.1 * h)], paint(WOOD), 0.018 * h)
        pen.line(
            [(hx - side * 0.035 * h, hy - 0.08 * h), (hx + side * 0.015 * h, hy - 0.08 * h)], paint(WOOD), 0.016 * h
        )
        pen.poly(
            [
                (bx - 0.04 * h, ground - 0.11 * h),
                (bx + 0.04 * h, ground - 0.11 * h),
                (bx + 0.035 * h, ground - 0.01 * h),
                (bx, ground + 0.005 * h),
                (bx - 0.035 * h, ground - 0.01 * h),
            ],
            steel,
        )
    elif prop == "ladle":
        steel = paint(STEEL)
        end = (hx + side * 0.02 * h, hy + 0.12 * h)
        pen.line([(hx, hy - 0.03 * h), end], steel, 0.012 * h)
        pen.circle(end[0], end[1], 0.025 * h, steel)
    elif prop == "sceptre":
        gold = paint(GOLD)
        pen.line([(hx, hy + 0.1 * h), (hx, hy - 0.27 * h)], gold, 0.016 * h)
        pen.circle(hx, hy - 0.29 * h, 0.03 * h, gold)
        pen.circle(hx, hy - 0.29 * h, 0.013 * h, paint((200, 30, 50)))
    elif prop == "aarti":
        cx, cy = (hands[-1][0] + hands[1][0]) / 2, (hands[-1][1] + hands[1][1]) / 2
        _oval(pen, cx, cy, 0.095 * h, 0.028 * h, paint(GOLD))
        pen.circle(cx - 0.05 * h, cy - 0.01 * h, 0.014 * h, paint((220, 40, 40)))
        pen.circle(cx + 0.05 * h, cy - 0.01 * h, 0.014 * h, paint(MARIGOLD[0]))
        flick = 1 + 0.15 * math.sin(t * 21)
        _oval(pen, cx, cy - 0.05 * h, 0.016 * h * flick, 0.034 * h * flick, (255, 160, 40))
        _oval(pen, cx, cy - 0.045 * h, 0.007 * h, 0.018 * h, (255, 240, 170))
    elif prop == "instrument":  # a barrel drum (dholak) across the belly
        body = paint((150, 80, 40))
        pen.poly(
            [at(-0.15, 0.215), at(0.0, 0.2), at(0.15, 0.215), at(0.15, 0.325), at(0.0, 0.34), at(-0.15, 0.325)], body
        )
        pen.line([at(-0.12 + 0.04 * k, 0.215 if k % 2 else 0.325) for k in range(7)], paint((226, 196, 130)), 0.008 * h)
        skin = paint((232, 216, 180))
        for s in (-1, 1):
            c = at(s * 0.15, 0.27)
            _oval(pen, c[0], c[1], 0.022 * h, 0.056 * h, skin)


def _flute(pen: Pen, scene: Scene, at: Callable[[float, float], Point], h: float) -> None:
    a, b = at(-0.06, -0.062), at(0.36, -0.045)
    pen.line([a, b], scene.paint((206, 164, 84)), 0.017 * h)
    dark = scene.paint((70, 40, 20))
    for f in (0.55, 0.62, 0.69, 0.76):
        pen.circle(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, 0.004 * h, dark)


def _net(pen: Pen, scene: Scene, at: Callable[[float, float], Point], h: float) -> None:
    """A fishing net over the left shoulder, hanging down the side."""
    a, b, c, d = at(-0.03, -0.005), at(-0.14, -0.01), at(-0.3, 0.46), at(-0.07, 0.49)
    pen.poly([a, b, c, d], (*scene.paint((206, 190, 150)), 170))
    strand = scene.paint((112, 94, 64))

    def lerp(p: Point, q: Point, f: float) -> Point:
        return (p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f)

    for f in (0.25, 0.5, 0.75):
        pen.line([lerp(a, d, f), lerp(b, c, f)], strand, 0.007 * h)
        pen.line([lerp(a, b, f), lerp(d, c, f)], strand, 0.007 * h)
    floats = scene.paint((226, 90, 40))
    for f in (0.15, 0.5, 0.85):
        p = lerp(d, c, f)
        pen.circle(p[0], p[1], 0.016 * h, floats)


def _stove(pen: Pen, scene: Scene, pot: Point, ground: float, h: float, t: float) -> None:
    """A clay stove with a flame and a pot (kadai) on it, the pot's rim at ``pot``."""
    px, py = pot
    base = py + 0.07 * h
    pen.poly(
        [(px - 0.09 * h, base), (px + 0.09 * h, base), (px + 0.11 * h, ground), (px - 0.11 * h, ground)],
        scene.paint((160, 88, 54)),
    )
    pen.rect(px - 0.04 * h, ground - 0.09 * h, px + 0.04 * h, ground - 0.01 * h, scene.paint((46, 30, 24)))
    flick = 1 + 0.2 * math.sin(t * 19)
    _oval(pen, px, ground - 0.04 * h, 0.025 * h, 0.04 * h * flick, (255, 150, 40))
    arc = [(px + 0.11 * h * math.cos(a), py + 0.075 * h * math.sin(a)) for a in (0.0, 0.5, 1.0, 1.57, 2.14, 2.64, 3.14)]
    pen.poly(arc, scene.paint((62, 62, 68)))
    _oval(pen, px, py, 0.105 * h, 0.022 * h, scene.paint((196, 120, 44)))
    steam = (245, 245, 245, 120)
    for k in (-1, 1):
        rise = (t * 0.6 + 0.5 * (k + 1)) % 1.0
        y0 = py - 0.03 * h - rise * 0.12 * h
        pen.line([(px + k * 0.03 * h, y0), (px + k * 0.03 * h + 0.015 * h, y0 - 0.04 * h)], steam, 0.012 * h)


def _basket(pen: Pen, scene: Scene, cx: float, top: float, h: float) -> None:
    """A vendor's basket of fruit and vegetables balanced on the head (its bottom at ``top``)."""
    y0 = top - 0.075 * h
    cane = scene.paint((176, 128, 70))
    for k, (fx, colour) in enumerate(
        (
            (-0.085, (230, 120, 30)),
            (-0.03, (70, 150, 60)),
            (0.03, (206, 40, 40)),
            (0.085, (240, 200, 50)),
            (0.0, (230, 120, 30)),
        )
    ):
        pen.circle(cx + fx * h, y0 - (0.03 if k == 4 else 0.012) * h, 0.032 * h, scene.paint(colour))
    pen.poly(
        [(cx - 0.14 * h, y0), (cx + 0.14 * h, y0), (cx + 0.09 * h, top + 0.005 * h), (cx - 0.09 * h, top + 0.005 * h)],
        cane,
    )
    weave = scene.paint((130, 90, 44))
    pen.line([(cx - 0.12 * h, y0 + 0.028 * h), (cx + 0.12 * h, y0 + 0.028 * h)], weave, 0.009 * h)
    pen.line([(cx - 0.105 * h, y0 + 0.055 * h), (cx + 0.105 * h, y0 + 0.055 * h)], weave, 0.009 * h)


def _ball(pen: Pen, scene: Scene, x: float, ground: float, h: float, k: float) -> None:
    """A football: resting at the right foot (``k = 0``), or rolling in and kicked away (the kick loop)."""
    r = 0.036 * h
    contact = x + 0.2 * h
    if k == 0.0:
        bx, by = x + 0.16 * h, ground - r
    elif k < 0.33:
        bx, by = contact + (0.33 - k) * 1.6 * h, ground - r
    else:
        s = 1 - (1 - (k - 0.33) / 0.67) ** 2  # fast off the foot, slowing down
        bx, by = contact + s * 1.6 * h, ground - r - 1.2 * h * s * (1 - s)
    pen.circle(bx, by, r, scene.paint(WHITE))
    dark = scene.paint((30, 30, 34))
    pen.circle(bx, by, r * 0.35, dark)
    pen.circle(bx - r * 0.7, by - r * 0.4, r * 0.22, dark)
    pen.circle(bx + r * 0.7, by - r * 0.4, r * 0.22, dark)


def _hat(pen: Pen, scene: Scene, look: Look, hp: Callable[[float, float], Point], hr: float, ha: float) -> None:
    """The headwear of ``look`` on a head of radius ``hr`` whose frame is ``hp`` (in head radii)."""
    paint = scene.paint
    c = paint(look.hat_c)
    hat = look.hat

    def arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, k: int = 8) -> list[Point]:
        return [
            hp(cx + rx * math.sin(a), cy - ry * math.cos(a)) for a in (a0 + (a1 - a0) * i / k for i in range(k + 1))
        ]

    if hat in ("turban", "safa"):
        tall = 0.85 if hat == "safa" else 0.68
        ctr = hp(0.0, -0.5 - 0.1 * (hat == "safa"))
        pen.ellipse(ctr[0], ctr[1], hr * 1.16, hr * tall, c, ha)
        fold = paint(_darker(look.hat_c, 0.8))
        pen.line(arc(0.0, -0.25, 1.1, 0.55, -1.3, 1.3, 6), fold, 0.1 * hr)
        if hat == "safa":
            gold = paint(GOLD)
            pen.line(arc(0.0, -0.3, 1.12, 0.62, -1.35, 1.35, 6), gold, 0.14 * hr)
            plume = hp(0.3, -1.55)
            pen.ellipse(plume[0], plume[1], 0.16 * hr, 0.45 * hr, paint(WHITE), ha + 0.4)
            jewel = hp(0.22, -0.95)
            pen.circle(jewel[0], jewel[1], 0.18 * hr, paint((200, 30, 50)))
        elif "turban_check" in look.items:
            pen.line(arc(0.0, -0.45, 1.14, 0.62, -1.2, 1.2, 6), paint((196, 52, 44)), 0.08 * hr)
            knot = hp(1.0, -0.7)
            pen.circle(knot[0], knot[1], 0.3 * hr, c)
    elif hat in ("fire_helmet", "hard_hat", "army_helmet"):
        if hat != "army_helmet":
            brim = hp(0.0, -0.42)
            wide = 1.55 if hat == "fire_helmet" else 1.32
            pen.ellipse(brim[0], brim[1], hr * wide, hr * 0.24, paint(_darker(look.hat_c, 0.82)), ha)
        dome = arc(
            0.0, -0.45 if hat != "army_helmet" else -0.25, 1.08 if hat != "army_helmet" else 1.2, 0.98, -1.5708, 1.5708
        )
        pen.poly(dome, c)
        if hat == "fire_helmet":
            badge = hp(0.0, -0.85)
            pen.circle(badge[0], badge[1], 0.24 * hr, paint(GOLD))
        elif hat == "hard_hat":
            pen.line([hp(0.0, -1.42), hp(0.0, -0.48)], paint(_darker(look.hat_c, 0.85)), 0.2 * hr)
        else:
            pen.line([hp(-1.2, -0.25), hp(1.2, -0.25)], paint(_darker(look.hat_c, 0.75)), 0.12 * hr)
    elif hat in ("peaked_cap", "cap"):
        pen.poly([hp(-0.98, -0.45), hp(0.98, -0.45), hp(1.22, -1.02), hp(-1.22, -1.02)], c)
        band_c = paint((60, 40, 28) if hat == "peaked_cap" else (20, 20, 26))
        pen.poly([hp(-0.98, -0.45), hp(0.98, -0.45), hp(1.03, -0.66), hp(-1.03, -0.66)], band_c)
        pen.poly([hp(-0.95, -0.47), hp(0.95, -0.47), hp(0.6, -0.2), hp(-0.6, -0.2)], paint((22, 22, 26)))
        badge = hp(0.0, -0.8)
        pen.circle(badge[0], badge[1], 0.15 * hr, paint(GOLD if hat == "peaked_cap" else (230, 230, 230)))
    elif hat == "nurse_cap":
        pen.poly([hp(-0.95, -0.62), hp(0.95, -0.62), hp(0.72, -1.38), hp(-0.72, -1.38)], c)
        red = paint((210, 30, 40))
        pen.line([hp(-0.26, -1.0), hp(0.26, -1.0)], red, 0.16 * hr)
        pen.line([hp(0.0, -0.76), hp(0.0, -1.24)], red, 0.16 * hr)
    elif hat == "chef_hat":
        pen.poly([hp(-0.95, -0.45), hp(0.95, -0.45), hp(0.95, -0.95), hp(-0.95, -0.95)], c)
        for dx, dy, r in ((0.0, -1.55, 0.72), (-0.6, -1.3, 0.52), (0.6, -1.3, 0.52)):
            p = hp(dx, dy)
            pen.circle(p[0], p[1], r * hr, c)
        pen.line([hp(-0.95, -0.92), hp(0.95, -0.92)], paint((206, 206, 212)), 0.06 * hr)
    elif hat in ("crown", "tiara"):
        w, base, tip = (0.95, -0.55, -1.55) if hat == "crown" else (0.72, -0.7, -1.25)
        spikes = 5 if hat == "crown" else 3
        pts = [hp(-w, base)]
        for i in range(spikes):
            xa = -w + 2 * w * i / (spikes - 1)
            pts.append(hp(xa, tip - (0.12 if i == spikes // 2 else 0.0)))
            if i < spikes - 1:
                pts.append(hp(xa + w / (spikes - 1), (base + tip) / 2 - 0.05))
        pts.append(hp(w, base))
        pen.poly(pts, c)
        jewel = hp(0.0, base - 0.2)
        pen.circle(jewel[0], jewel[1], 0.15 * hr, paint((200, 30, 50)))
        if hat == "crown":
            for s in (-1, 1):
                j = hp(s * 0.5, base - 0.18)
                pen.circle(j[0], j[1], 0.1 * hr, paint((40, 80, 200)))
    elif hat in ("veil", "scarf"):
        outer = arc(0.0, -0.02, 1.24, 1.26, -1.75, 1.75)
        inner = arc(0.0, 0.02, 1.0, 0.9, 1.6, -1.6)
        pen.poly(outer + inner, c if hat == "scarf" else (*c, 235))
        pen.line(inner, paint(GOLD), (0.12 if hat == "veil" else 0.06) * hr)


def _face(
    pen: Pen, scene: Scene, hp: Callable[[float, float], Point], r: float, look: Look, expression: str, nod: float
) -> None:
    """Eyes, brows, mouth and marks in the head's frame; ``nod`` moves them down (bowed) or up."""

    def at(dx: float, dy: float) -> Point:
        return hp(dx, dy + 0.22 * nod)

    dark = scene.paint((30, 22, 20))
    closed = expression in ("cry", "laugh")
    for side in (-1, 1):
        ex, ey = at(side * 0.36, 0.0)
        if closed:
            bend = -0.1 if expression == "laugh" else 0.08
            pen.line([at(side * 0.52, 0.02), at(side * 0.36, bend), at(side * 0.2, 0.02)], dark, 0.07 * r)
        else:
            _oval(pen, ex, ey, 0.13 * r, 0.09 * r, (245, 245, 240))
            pen.circle(ex, ey + (0.04 * r if expression == "down" else 0.0), 0.07 * r, dark)
        inner = -0.34 if expression == "cry" else -0.27
        pen.line([at(side * 0.18, inner), at(side * 0.5, -0.22)], dark, 0.05 * r)
    if expression == "laugh":
        m = at(0.0, 0.46)
        _oval(pen, m[0], m[1], 0.27 * r, 0.17 * r, scene.paint((120, 30, 36)))
        pen.line([at(-0.2, 0.4), at(0.2, 0.4)], (250, 250, 250), 0.06 * r)
    elif expression == "cry":
        pen.line([at(-0.22, 0.52), at(0.0, 0.44), at(0.22, 0.52)], scene.paint((150, 50, 50)), 0.07 * r)
        tear = (150, 200, 245)
        for side in (-1, 1):
            p = at(side * 0.4, 0.24)
            pen.circle(p[0], p[1], 0.07 * r, tear)
    else:
        if scene.sentiment >= 0.05:
            mouth = [at(-0.25, 0.38), at(0.0, 0.5), at(0.25, 0.38)]
        elif scene.sentiment <= -0.3:
            mouth = [at(-0.22, 0.5), at(0.0, 0.42), at(0.22, 0.5)]
        else:
            mouth = [at(-0.2, 0.44), at(0.2, 0.44)]
        pen.line(mouth, scene.paint((150, 50, 50)), 0.07 * r)
    items = look.items
    if "moustache" in items:
        pen.line([at(-0.28, 0.33), at(0.0, 0.27), at(0.28, 0.33)], scene.paint(look.hair), 0.11 * r)
    if "spectacles" in items:
        rim = scene.paint((40, 36, 34))
        for side in (-1, 1):
            _ring(pen, at(side * 0.36, 0.0), 0.21 * r, 0.17 * r, rim, 0.05 * r)
        pen.line([at(-0.15, -0.02), at(0.15, -0.02)], rim, 0.05 * r)
    if "tilak" in items:
        for k in range(3):
            pen.line([at(-0.35, -0.62 + 0.1 * k), at(0.35, -0.62 + 0.1 * k)], scene.paint(WHITE), 0.05 * r)
        p = at(0.0, -0.52)
        pen.circle(p[0], p[1], 0.07 * r, scene.paint((210, 30, 40)))
    elif look.female and "bindi" in items:
        p = at(0.0, -0.32)
        pen.circle(p[0], p[1], 0.06 * r, scene.paint((200, 30, 40)))
    if "tikka" in items or "headpiece" in items:
        p = at(0.0, -0.72)
        pen.line([at(0.0, -1.0), p], scene.paint(GOLD), 0.05 * r)
        pen.circle(p[0], p[1], 0.11 * r, scene.paint(GOLD))


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
