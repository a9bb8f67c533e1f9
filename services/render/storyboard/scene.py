"""The scene-wide look of a ShotList (setting, light, weather, grade) and the figure record.

The setting is one of the 34 of :mod:`.settings`, chosen from the location's concept, the
location's words and what the cast implies. Colour grading follows the mood: a light colour per
time of day, weather desaturation, and a gradient map through the mood palette (shadows toward its
darkest colour, highlights toward its lightest) mixed in by the mood's intensity. Who is drawn
where is :mod:`.compose`'s; :class:`Figure` is what it places.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2

from .assets import asset_for
from .pen import RGB
from .settings import SETTINGS, choose_setting, features_of

FloatArray = npt.NDArray[np.float32]

COLOUR_WORDS: dict[str, RGB] = {
    "red": (200, 40, 45),
    "maroon": (120, 20, 35),
    "pink": (230, 110, 160),
    "orange": (240, 130, 30),
    "saffron": (245, 150, 40),
    "yellow": (240, 200, 40),
    "gold": (215, 170, 60),
    "golden": (215, 170, 60),
    "green": (50, 150, 70),
    "blue": (45, 90, 200),
    "purple": (120, 60, 160),
    "violet": (130, 70, 180),
    "white": (235, 235, 230),
    "black": (35, 35, 40),
    "brown": (120, 80, 45),
    "grey": (130, 130, 135),
    "gray": (130, 130, 135),
}

FEMALE_WORDS = (
    "girl", "woman", "lady", "mother", "grandmother", "sister", "daughter", "queen", "princess",
    "bride", "wife", "aunt", "amma", "dancer",
)  # fmt: skip
MALE_WORDS = (
    "boy", "man", "father", "grandfather", "brother", "son", "king", "prince", "groom",
    "husband", "uncle", "farmer", "priest", "old man",
)  # fmt: skip
CHILD_WORDS = ("girl", "boy", "child", "kid", "baby", "daughter", "son")

ROLES: tuple[str, ...] = (
    "person", "man", "woman", "boy", "girl", "child", "baby", "old_man", "old_woman", "farmer",
    "firefighter", "police_officer", "doctor", "nurse", "student", "teacher", "vendor", "fisherman",
    "soldier", "priest", "player", "dancer", "worker", "cook", "driver", "musician", "bride", "groom",
    "king", "queen", "crowd",
)  # fmt: skip
"""The roles a person is drawn as (``services/render/assets/asset_map.json`` maps PERSON concepts to them)."""

SKIN_TONES: tuple[RGB, ...] = ((141, 85, 54), (173, 114, 76), (198, 134, 90), (120, 74, 48))

TIME_LIGHT: dict[int, tuple[float, float, float]] = {
    analysis_pb2.TIME_OF_DAY_UNSPECIFIED: (1.0, 1.0, 1.0),
    analysis_pb2.TIME_OF_DAY_DAWN: (0.95, 0.82, 0.85),
    analysis_pb2.TIME_OF_DAY_MORNING: (1.0, 0.99, 0.95),
    analysis_pb2.TIME_OF_DAY_NOON: (1.08, 1.08, 1.06),
    analysis_pb2.TIME_OF_DAY_AFTERNOON: (1.03, 0.97, 0.88),
    analysis_pb2.TIME_OF_DAY_EVENING: (1.0, 0.74, 0.55),
    analysis_pb2.TIME_OF_DAY_NIGHT: (0.36, 0.42, 0.62),
}
"""Multiplier of scenery and figure colours per time of day (the colour of the light)."""
LAMP_LIGHT = (0.92, 0.74, 0.52)
"""A room at night is lit by warm lamps, not the moon."""


@dataclass(frozen=True)
class Scene:
    """The scene-wide look shared by every shot: place, light, weather and grade."""

    time_of_day: int
    weather: int
    indoor: bool
    """Painted as a room: always ``SETTINGS[setting].indoor``."""
    setting: str
    """The place painted: an id of ``settings.SETTINGS``."""
    features: frozenset[str]
    """What the setting paints, as words (``settings.features_of``): its id, ``"indoor"``,
    ``"river"`` for river or lake water, ``"beach"`` for the sea, ``"mountain"``."""
    palette: tuple[RGB, ...]
    intensity: float
    tone: str
    sentiment: float
    seed: int

    @property
    def night(self) -> bool:
        return self.time_of_day == analysis_pb2.TIME_OF_DAY_NIGHT

    @property
    def wet(self) -> bool:
        return self.weather in (analysis_pb2.WEATHER_RAIN, analysis_pb2.WEATHER_STORM)

    @property
    def overcast(self) -> bool:
        return self.weather in (
            analysis_pb2.WEATHER_CLOUDY,
            analysis_pb2.WEATHER_RAIN,
            analysis_pb2.WEATHER_STORM,
            analysis_pb2.WEATHER_SNOW,
            analysis_pb2.WEATHER_FOG,
        )

    def shade(self, colour: RGB, light: float = 1.0) -> RGB:
        """A scenery colour lit by the time of day and weather (before the palette grade)."""
        lr, lg, lb = TIME_LIGHT.get(self.time_of_day, (1.0, 1.0, 1.0))
        if self.indoor and self.night:
            lr, lg, lb = LAMP_LIGHT
        r, g, b = colour[0] * lr * light, colour[1] * lg * light, colour[2] * lb * light
        if self.overcast:
            y = 0.299 * r + 0.587 * g + 0.114 * b
            mix = 0.45 if self.weather == analysis_pb2.WEATHER_STORM else 0.3
            dim = 0.78 if self.weather == analysis_pb2.WEATHER_STORM else 0.9
            r, g, b = ((c * (1 - mix) + y * mix) * dim for c in (r, g, b))
        return (_clip(r), _clip(g), _clip(b))

    def grade_strength(self) -> float:
        return 0.10 + 0.12 * max(0.0, min(1.0, self.intensity))

    def grade(self, pixels: FloatArray) -> FloatArray:
        """Apply the mood grade to ``pixels`` (float32, ``(..., 3)``, 0-255); returns a new array."""
        out = pixels
        if self.palette:
            stops = np.array(sorted(self.palette, key=_luma), dtype=np.float32)
            lum = (out @ np.array([0.299, 0.587, 0.114], np.float32)) / 255.0
            pos = np.clip(lum, 0.0, 1.0) * (len(stops) - 1)
            lo = np.floor(pos).astype(np.int32)
            hi = np.minimum(lo + 1, len(stops) - 1)
            frac = (pos - lo)[..., None]
            mapped = stops[lo] * (1 - frac) + stops[hi] * frac
            a = self.grade_strength()
            out = out * (1 - a) + mapped * a
        tone = self.tone.lower()
        if tone in ("melancholic", "sad", "somber", "sombre", "lonely", "grief"):
            y = (out @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
            out = out * 0.75 + y * 0.25
        elif tone in ("joyful", "happy", "festive", "playful", "excited", "celebratory"):
            y = (out @ np.array([0.299, 0.587, 0.114], np.float32))[..., None]
            out = y + (out - y) * 1.15
        elif tone in ("tense", "ominous", "fearful", "angry", "dark"):
            out = (out - 128.0) * 1.1 + 118.0
        return np.clip(out, 0.0, 255.0).astype(np.float32)

    def paint(self, colour: RGB, light: float = 1.0) -> RGB:
        """A figure colour: shaded, then graded like the background (remembered: figures ask for
        the same few colours in every frame)."""
        return _painted(self, (colour[0], colour[1], colour[2]), light)  # a list would not hash


@functools.lru_cache(maxsize=4096)
def _painted(scene: Scene, colour: RGB, light: float) -> RGB:
    shaded = np.array([scene.shade(colour, light)], np.float32)
    r, g, b = (int(v) for v in scene.grade(shaded)[0])
    return (r, g, b)


@dataclass(frozen=True)
class Figure:
    """One entity placed in a shot: where it stands and how it looks and moves."""

    entity_id: str
    kind: int
    name: str
    species: str
    x: float
    y: float
    height: float
    action: str
    female: bool
    male: bool
    clothes: RGB
    skin: RGB
    phase: float
    role: str = "person"
    """A person's role, drawn by costume and props: one of :data:`ROLES`."""
    age: str = "adult"
    """``"child"``, ``"adult"`` or ``"old"`` (grey hair, a stoop and a walking stick)."""
    concept_id: str = ""
    """The vocabulary concept drawn, e.g. ``"tractor"``; empty when the entity has none."""
    icon: str = ""
    """The Noto Emoji icon drawn for a thing (not a person), e.g. ``"tractor"``; empty: drawn procedurally."""
    placement: str = "ground"
    """Where it sits: ground, sky, water, indoor, wall, held or worn (see ``assets.Asset``)."""
    vehicle: str = ""
    """For a person driving or riding: the entity id of the vehicle it sits in."""

    @property
    def human(self) -> bool:
        return self.kind == analysis_pb2.ENTITY_KIND_CHARACTER

    def anchor(self) -> tuple[float, float]:
        """The point a camera frames for medium and close shots (chest of a person)."""
        return (self.x, self.y - 0.62 * self.height)


def _clip(v: float) -> int:
    return int(max(0.0, min(255.0, v)))


def _luma(c: RGB) -> float:
    return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]


def parse_hex(colour: str) -> RGB | None:
    """``"#rrggbb"`` → ``(r, g, b)``; None when malformed."""
    m = re.fullmatch(r"#?([0-9a-fA-F]{6})", colour.strip())
    if not m:
        return None
    v = int(m.group(1), 16)
    return ((v >> 16) & 255, (v >> 8) & 255, v & 255)


def _has_word(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(re.search(r"\b" + re.escape(w) + r"(?:s|es)?\b", lowered) for w in words)


def scene_of(shot_list: prompt_pb2.ShotList) -> Scene:
    """The scene-wide look of ``shot_list``; its place is chosen by ``settings.choose_setting``."""
    setting = shot_list.setting
    location = setting.location.lower()
    place = choose_setting(shot_list, asset_for)
    palette = tuple(c for c in (parse_hex(p) for p in shot_list.mood.palette) if c is not None)
    seed = zlib.crc32(f"{location}|{setting.time_of_day}|{setting.weather}".encode())
    return Scene(
        time_of_day=setting.time_of_day,
        weather=setting.weather,
        indoor=SETTINGS[place].indoor,
        setting=place,
        features=features_of(place, location),
        palette=palette,
        intensity=shot_list.mood.intensity,
        tone=shot_list.mood.tone,
        sentiment=shot_list.mood.sentiment,
        seed=seed,
    )
