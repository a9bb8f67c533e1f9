"""English visual-prompt templates: shot size + subject + action + location + time and weather +
camera + lighting + palette + mood + style.

:func:`prompt_parts` returns the pieces of one shot's prompt as a :class:`PromptParts`; the
provider formatters in :mod:`services.prompt.providers` join them, e.g. for the storyboard:
"Wide establishing shot of an old temple in the evening rain, with a young girl dancing, slow dolly
in, soft overcast evening light, wet reflections, amber, terracotta and slate palette, joyful
mood, cinematic".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from services.prompt.planner import PlannedShot
from services.scene.lexicon import CLOTHING, IRREGULAR_PLURALS, LOCATIONS, TIME_WORD
from services.scene.model import (
    CameraAngle,
    CameraMovement,
    DepthOfField,
    Entity,
    EntityKind,
    SceneAnalysis,
    Setting,
    ShotSize,
    TimeOfDay,
    Weather,
)

#: Words every provider is told to avoid (common negative-prompt practice for diffusion models).
NEGATIVE_TERMS: tuple[str, ...] = (
    "blurry",
    "low quality",
    "distorted faces",
    "extra limbs",
    "deformed hands",
    "text",
    "watermark",
    "logo",
    "signature",
    "cropped",
    "oversaturated",
    "jpeg artifacts",
)
#: Added when no one is in the scene, so the provider does not invent people.
NEGATIVE_NO_PEOPLE: tuple[str, ...] = ("people", "crowd")

_SIZE = {
    ShotSize.EXTREME_WIDE: "Extreme wide shot",
    ShotSize.WIDE: "Wide shot",
    ShotSize.MEDIUM: "Medium shot",
    ShotSize.CLOSE_UP: "Close-up",
    ShotSize.EXTREME_CLOSE_UP: "Extreme close-up",
    ShotSize.UNSPECIFIED: "Shot",
}
_MOVE = {
    CameraMovement.STATIC: "static camera",
    CameraMovement.PAN_LEFT: "camera pans left",
    CameraMovement.PAN_RIGHT: "camera pans right",
    CameraMovement.TILT_UP: "camera tilts up",
    CameraMovement.TILT_DOWN: "camera tilts down",
    CameraMovement.DOLLY_IN: "slow dolly in",
    CameraMovement.DOLLY_OUT: "slow dolly out",
    CameraMovement.TRACKING: "tracking camera",
}
_ANGLE = {
    CameraAngle.HIGH: "high angle",
    CameraAngle.LOW: "low angle",
    CameraAngle.OVERHEAD: "overhead view",
    CameraAngle.DUTCH: "dutch angle",
}
_TIME = {
    TimeOfDay.DAWN: "at dawn",
    TimeOfDay.MORNING: "in the morning",
    TimeOfDay.NOON: "at midday",
    TimeOfDay.AFTERNOON: "in the afternoon",
    TimeOfDay.EVENING: "in the evening",
    TimeOfDay.NIGHT: "at night",
}
_WEATHER = {
    Weather.CLEAR: "under a clear sky",
    Weather.CLOUDY: "under a cloudy sky",
    Weather.RAIN: "in the rain",
    Weather.STORM: "during a thunderstorm",
    Weather.SNOW: "in the snow",
    Weather.FOG: "in thick fog",
    Weather.WIND: "in strong wind",
}
_WEATHER_DETAIL = {
    Weather.RAIN: "raindrops splashing",
    Weather.STORM: "lightning in dark clouds",
    Weather.SNOW: "snowflakes falling",
    Weather.FOG: "mist drifting",
    Weather.WIND: "leaves blown by the wind",
    Weather.CLOUDY: "clouds drifting",
}
_PREPOSITION = {
    **dict.fromkeys(("river", "lake", "sea", "ocean", "pond", "shore", "well", "road"), "by"),
    **dict.fromkeys(
        (
            "forest",
            "jungle",
            "field",
            "farm",
            "garden",
            "park",
            "village",
            "town",
            "city",
            "market",
            "bazaar",
            "desert",
            "valley",
            "street",
            "lane",
            "courtyard",
        ),
        "in",
    ),
    **dict.fromkeys(("mountain", "hill", "rooftop", "terrace", "bridge", "beach", "stage"), "on"),
}
#: Named colours for palette descriptions (nearest by RGB distance).
_COLOUR_NAMES: dict[str, tuple[int, int, int]] = {
    "amber": (242, 158, 76),
    "terracotta": (200, 85, 61),
    "teal": (47, 110, 120),
    "deep teal": (47, 72, 88),
    "slate": (95, 122, 138),
    "marigold": (246, 195, 67),
    "gold": (224, 201, 127),
    "sage": (158, 197, 171),
    "rose": (217, 119, 155),
    "crimson": (139, 30, 63),
    "indigo": (75, 63, 114),
    "vermilion": (228, 87, 46),
    "navy": (27, 38, 59),
    "steel blue": (65, 90, 119),
    "sky blue": (135, 181, 217),
    "leaf green": (92, 158, 74),
    "olive": (138, 154, 91),
    "cream": (242, 226, 182),
    "blush pink": (244, 166, 160),
    "grey": (138, 147, 155),
    "silver": (201, 204, 209),
    "white": (245, 248, 250),
    "ochre": (191, 145, 98),
}
_DOUBLE_FINAL = frozenset(
    {
        "run",
        "sit",
        "swim",
        "spin",
        "clap",
        "hug",
        "stop",
        "plan",
        "drop",
        "shop",
        "hop",
        "grab",
        "nod",
        "rub",
        "skip",
        "slip",
        "trip",
        "chat",
        "wrap",
        "begin",
        "forget",
        "get",
        "hit",
        "cut",
        "dig",
        "jog",
        "beg",
        "wag",
    }
)
#: Actions whose other participants are their object: "children watching a young girl".
_TRANSITIVE = {
    "watch": "",
    "see": "",
    "look": "at",
    "gaze": "at",
    "stare": "at",
    "chase": "",
    "follow": "",
    "hug": "",
    "embrace": "",
    "kiss": "",
    "meet": "",
    "call": "",
    "greet": "",
    "help": "",
    "carry": "",
    "hold": "",
    "feed": "",
    "teach": "",
    "listen": "to",
    "wave": "at",
}
#: Actions that take a thing as their object: "a mother lighting a lamp", "a boy flying a kite".
_TAKES_OBJECT = frozenset(
    {
        "cook",
        "light",
        "carry",
        "hold",
        "eat",
        "drink",
        "sell",
        "buy",
        "read",
        "write",
        "open",
        "paint",
        "draw",
        "throw",
        "build",
        "wash",
        "pick",
        "give",
        "take",
        "play",
        "fly",
        "ride",
        "drive",
        "row",
        "beat",
        "ring",
    }
)
_GERUND_IRREGULAR = {
    "lie": "lying",
    "die": "dying",
    "tie": "tying",
    "be": "being",
    "see": "seeing",
    "flee": "fleeing",
    "agree": "agreeing",
}


def gerund(verb: str) -> str:
    """The -ing form of an English verb lemma ("dance" -> "dancing", "run" -> "running")."""
    v = verb.strip().lower()
    if not v:
        return ""
    if v in _GERUND_IRREGULAR:
        return _GERUND_IRREGULAR[v]
    if v in _DOUBLE_FINAL:
        return v + v[-1] + "ing"
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        return v[:-1] + "ing"
    return v + "ing"


_PLURAL_OF = {singular: plural for plural, singular in IRREGULAR_PLURALS.items()}


def plural(noun: str) -> str:
    """The plural of an English noun lemma ("child" -> "children", "girl" -> "girls")."""
    n = noun.strip()
    low = n.lower()
    if low in _PLURAL_OF:
        return _PLURAL_OF[low]
    if low in ("people", "police", "crowd", "family"):
        return n
    if re.search(r"[^aeiou]y$", low):
        return n[:-1] + "ies"
    if low.endswith(("s", "sh", "ch", "x", "z")):
        return n + "es"
    return n + "s"


#: Mass nouns take no article ("cooking rice", "playing cricket").
_MASS = frozenset({"rice", "water", "food", "cricket", "fire", "paddy", "music", "tea", "milk", "grass", "sand"})


def _article(phrase: str) -> str:
    if phrase.split()[-1].lower() in _MASS:
        return phrase
    return ("an " if phrase[:1].lower() in "aeiou" else "a ") + phrase


def describe(entity: Entity) -> str:
    """A noun phrase for an entity: "a young girl in a red sari", "happy children", "Ravi", "an old temple"."""
    attrs = [a for a in entity.attributes if a != "group"]
    worn = [a for a in attrs if a.split()[-1] in CLOTHING]
    adjectives = [a for a in attrs if a not in worn and " " not in a]
    wearing = f" in {' and '.join(_article(w) for w in worn)}" if worn else ""
    if entity.kind is EntityKind.CHARACTER and entity.name[:1].isupper():
        return entity.name + wearing  # a named person
    if entity.is_group:
        return " ".join([*adjectives, plural(entity.name)]) + wearing
    return _article(" ".join([*adjectives, entity.name])) + wearing


def time_and_weather(setting: Setting) -> str:
    """ "in the evening rain", "at night in thick fog", "in the morning", or "" when neither is known."""
    t, w = setting.time_of_day, setting.weather
    if w is Weather.RAIN and t is not TimeOfDay.UNSPECIFIED:
        return f"in the {TIME_WORD[t]} rain"
    parts = [p for p in (_TIME.get(t, ""), _WEATHER.get(w, "")) if p]
    return " ".join(parts)


def palette_words(palette: Sequence[str], limit: int = 3) -> str:
    """Names of the palette's first colours, e.g. "amber, terracotta and slate palette"; "" if none."""
    names: list[str] = []
    for hex_ in palette:
        m = re.fullmatch(r"#([0-9a-fA-F]{6})", hex_.strip())
        if not m:
            continue
        rgb = tuple(int(m.group(1)[i : i + 2], 16) for i in (0, 2, 4))
        name = min(_COLOUR_NAMES, key=lambda k: sum((a - b) ** 2 for a, b in zip(_COLOUR_NAMES[k], rgb, strict=True)))
        if name not in names:
            names.append(name)
        if len(names) == limit:
            break
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"{listed} palette"


@dataclass(frozen=True)
class PromptParts:
    """The pieces of one shot's visual prompt, in English.

    Attributes:
        shot: shot size phrase ("Wide establishing shot").
        subject: who or what is in frame ("a young girl"), or "".
        action: the subject's action as a gerund ("dancing", "looking at"), or "".
        object: the action's object when the action is transitive ("a young girl"), or "".
        company: others in frame the action is not about ("a mother and a lamp"), or "".
        location: location phrase with its preposition ("at an old temple"), or "".
        location_np: the location's noun phrase alone ("an old temple"), or "".
        when: time of day and weather ("in the evening rain"), or "".
        camera: camera movement, angle and focus phrases.
        lighting: lighting description.
        palette: palette phrase, or "".
        tone: "<tone> mood", or "".
        style: visual style ("cinematic").
        establishing: the shot shows the place first.
    """

    shot: str
    subject: str
    action: str
    object: str
    company: str
    location: str
    location_np: str
    when: str
    camera: tuple[str, ...]
    lighting: str
    palette: str
    tone: str
    style: str
    establishing: bool

    def doing(self) -> str:
        """Subject, action, object and company: "children watching a young girl", "a dog running, with a boy"."""
        core = " ".join(x for x in (self.subject, self.action, self.object) if x)
        return f"{core}, with {self.company}" if core and self.company else core

    def sentence(self) -> str:
        """The descriptive head of the prompt, e.g. "Medium shot of a young girl dancing at an old temple"."""
        when = f" {self.when}" if self.when else ""
        if self.establishing and self.location_np:
            head = f"{self.shot} of {self.location_np}{when}"
            if self.subject:
                head += f", with {self.doing()}"
            return head
        if self.subject:
            doing = self.doing()
            where = f" {self.location}" if self.location else ""
            return f"{self.shot} of {doing}{where}{when}"
        if self.location_np:
            return f"{self.shot} of {self.location_np}{when}"
        return f"{self.shot} of the scene{when}"


def prompt_parts(shot: PlannedShot, analysis: SceneAnalysis) -> PromptParts:
    """The prompt pieces of a planned shot, from the shot's camera and entities and the scene's setting and mood."""
    entities = [e for i in shot.entity_ids if (e := analysis.entity(i)) is not None]
    location = next((e for e in entities if e.kind is EntityKind.LOCATION), None)
    if location is None:
        location = next((e for e in analysis.entities if e.kind is EntityKind.LOCATION), None)
    location_np = (
        describe(location) if location else (_article(analysis.setting.location) if analysis.setting.location else "")
    )
    loc_name = location.name if location else analysis.setting.location
    if LOCATIONS.get(loc_name) is True or (analysis.setting.indoor and loc_name == analysis.setting.location):
        prep = "inside"
    else:
        prep = _PREPOSITION.get(loc_name, "at")
    lead = [e for i in (shot.lead_ids or shot.entity_ids) if (e := analysis.entity(i)) is not None]
    in_frame = [e for e in lead if e.kind is not EntityKind.LOCATION]
    alongside = [e for e in entities if e.kind is not EntityKind.LOCATION and e not in in_frame]
    size = shot.camera.shot_size
    establishing = shot.role == "establishing" or (
        shot.role == "beat" and size in (ShotSize.WIDE, ShotSize.EXTREME_WIDE) and 0 in shot.beat_indices
    )
    if establishing and not location_np:
        location_np = "a room" if analysis.setting.indoor else "an open landscape"
    shot_phrase = _SIZE[size]
    if establishing and size in (ShotSize.WIDE, ShotSize.EXTREME_WIDE):
        shot_phrase = shot_phrase.replace(" shot", " establishing shot")
    action = gerund(shot.action) if shot.action else ""
    agents = [e for e in in_frame if e.kind in (EntityKind.CHARACTER, EntityKind.ANIMAL)]
    things = [e for e in in_frame if e.kind is EntityKind.OBJECT]
    obj = ""
    if agents and shot.action in _TRANSITIVE and len(agents) > 1:
        subject = describe(agents[0])
        obj = " and ".join(describe(e) for e in [*agents[1:3], *things[:1]])
        action = f"{action} {_TRANSITIVE[shot.action]}".strip()
    elif agents:
        subject = " and ".join(describe(e) for e in agents[:3])
        if things and shot.action in _TAKES_OBJECT:
            obj = " and ".join(describe(e) for e in things[:2])
        elif things:
            obj = "near " + " and ".join(describe(e) for e in things[:2])
    else:
        subject = " and ".join(describe(e) for e in things[:2])
    company = " and ".join(describe(e) for e in alongside[:2]) if subject else ""
    if not in_frame and size in (ShotSize.CLOSE_UP, ShotSize.EXTREME_CLOSE_UP, ShotSize.MEDIUM):
        detail = _WEATHER_DETAIL.get(analysis.setting.weather, "")
        if detail:
            subject, action, obj = detail, "", ""
    camera = [_MOVE.get(shot.camera.movement, "")]
    camera.append(_ANGLE.get(shot.camera.angle, ""))
    if shot.camera.depth_of_field is DepthOfField.SHALLOW:
        camera.append("shallow depth of field")
    elif size in (ShotSize.EXTREME_WIDE, ShotSize.WIDE):
        camera.append("deep focus")
    mood = analysis.mood
    return PromptParts(
        shot=shot_phrase,
        subject=subject,
        action=action if subject else "",
        object=obj if subject else "",
        company=company,
        location=f"{prep} {location_np}" if location_np else "",
        location_np=location_np,
        when=time_and_weather(analysis.setting),
        camera=tuple(c for c in camera if c),
        lighting=mood.lighting,
        palette=palette_words(mood.palette),
        tone=f"{mood.tone} mood" if mood.tone else "",
        style=mood.style or "cinematic",
        establishing=establishing,
    )


def negative_terms(analysis: SceneAnalysis) -> tuple[str, ...]:
    """The negative-prompt terms for a scene: the standard list, plus "people" when no one is in it."""
    has_people = any(e.kind in (EntityKind.CHARACTER, EntityKind.ANIMAL) for e in analysis.entities)
    return NEGATIVE_TERMS if has_people else NEGATIVE_TERMS + NEGATIVE_NO_PEOPLE
