"""Where and when a scene happens: location, indoor flag, time of day and weather from lexicons."""

from __future__ import annotations

from collections.abc import Sequence

from services.analysis.lookup import forms, match_at
from services.analysis.nlp import Token
from services.scene.lexicon import LANDSCAPES, LOCATIONS, TIME_OF_DAY, WEATHER, WEATHER_PRIORITY
from services.scene.model import Entity, EntityKind, Setting, TimeOfDay, Weather

_INSIDE = frozenset({"inside", "indoors", "indoor", "interior", "within"})


def time_of_day(tokens: Sequence[Token]) -> TimeOfDay:
    """The first time-of-day word of the text ("evening", "sunset", "moon"), or UNSPECIFIED."""
    for k in range(len(tokens)):
        hit = match_at(tokens, k, TIME_OF_DAY)
        if hit is not None:
            return TIME_OF_DAY[hit[0]]
    return TimeOfDay.UNSPECIFIED


def weather(tokens: Sequence[Token]) -> Weather:
    """The most dramatic weather the text names (storm over rain over clouds...), or UNSPECIFIED."""
    found = {WEATHER[f] for t in tokens for f in forms(t) if f in WEATHER}
    for w in WEATHER_PRIORITY:
        if w in found:
            return w
    return Weather.UNSPECIFIED


def _is_indoor(sentences: Sequence[Sequence[Token]], location: str) -> bool:
    flag = LOCATIONS.get(location)
    if flag is not None:
        return flag
    for sent in sentences:
        if any(t.lower in _INSIDE for t in sent):
            return True
        # "in the house" / "inside the hut": the location word is the object of "in"/"inside",
        # but "in front of the house" is outdoors.
        base = sent[0].i if sent else 0
        for t in sent:
            if location not in forms(t) or t.dep != "pobj" or not 0 <= t.head - base < len(sent):
                continue
            prep = sent[t.head - base]
            k = prep.i - base
            in_front = k >= 1 and sent[k - 1].lower in ("front", "outside")
            if prep.lower in ("in", "inside", "within") and not in_front:
                return True
    return False


def detect_setting(sentences: Sequence[Sequence[Token]], entities: Sequence[Entity]) -> Setting:
    """The scene's setting.

    Args:
        sentences: the tokens of each parsed English sentence, in order.
        entities: the scene's entities; the first location is the setting's location.
    """
    tokens = [t for sent in sentences for t in sent]
    location = next((e.name for e in entities if e.kind is EntityKind.LOCATION), "")
    return Setting(
        location=location,
        time_of_day=time_of_day(tokens),
        weather=weather(tokens),
        indoor=_is_indoor(sentences, location) if location else any(t.lower in _INSIDE for t in tokens),
    )


def is_landscape(setting: Setting, entities: Sequence[Entity]) -> bool:
    """True when the establishing shot should be an extreme wide: a landscape, or nobody in the scene."""
    if setting.location in LANDSCAPES and not setting.indoor:
        return True
    return not any(e.kind in (EntityKind.CHARACTER, EntityKind.ANIMAL) for e in entities)
