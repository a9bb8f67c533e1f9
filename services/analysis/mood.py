"""Mood of a scene: VADER sentiment, tone, style, lighting, palette, intensity and pace.

* Sentiment is VADER's compound score (Hutto & Gilbert, "VADER: A Parsimonious Rule-based Model
  for Sentiment Analysis of Social Media Text", ICWSM 2014), in [-1, 1].
* Tone is the mood-lexicon tone named most often; ties and scenes with no mood word are settled
  by sentiment (>= 0.3 joyful, <= -0.3 melancholic, otherwise calm), VADER's usual +-0.05 band
  widened because scene descriptions are mostly neutral.
* Pace is the mean pace of the action verbs (3 fast, 2 medium, 1 slow; < 1.5 slow, < 2.5 medium).
* Lighting and palette are looked up from time of day, weather and tone (hand-picked colours,
  blended towards the weather's grey for overcast conditions).
* Intensity is a heuristic in [0, 1]: a base per tone, plus a quarter of the sentiment's
  magnitude, plus small terms for pace and dramatic weather.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from services.analysis.lookup import phrase_in
from services.scene.lexicon import ACTIONS, MOOD_WORDS, STYLES, TIME_WORD
from services.scene.model import Mood, Pace, Setting, TimeOfDay, Weather

#: Tones with a positive leaning, used to break ties when the sentiment is positive.
_POSITIVE_TONES = ("joyful", "romantic", "energetic", "serene")
_NEGATIVE_TONES = ("melancholic", "tense", "mysterious")

_TONE_BASE_INTENSITY = {
    "joyful": 0.55,
    "serene": 0.3,
    "melancholic": 0.5,
    "tense": 0.75,
    "romantic": 0.45,
    "mysterious": 0.55,
    "energetic": 0.7,
    "calm": 0.35,
}

_TIME_PALETTE: dict[TimeOfDay, tuple[str, str, str]] = {
    TimeOfDay.DAWN: ("#f4a6a0", "#f7d08a", "#6c7fb0"),
    TimeOfDay.MORNING: ("#f6e7b0", "#8cc6e8", "#7fb069"),
    TimeOfDay.NOON: ("#fff4d6", "#4aa3df", "#5c9e4a"),
    TimeOfDay.AFTERNOON: ("#f2c46d", "#6fa8dc", "#8a9a5b"),
    TimeOfDay.EVENING: ("#f29e4c", "#c8553d", "#2f4858"),
    TimeOfDay.NIGHT: ("#1b263b", "#415a77", "#e0c97f"),
    TimeOfDay.UNSPECIFIED: ("#f2e2b6", "#87b5d9", "#7a9e6a"),
}
_TONE_ACCENT = {
    "joyful": "#f6c343",
    "serene": "#9ec5ab",
    "melancholic": "#5b6c8f",
    "tense": "#8b1e3f",
    "romantic": "#d9779b",
    "mysterious": "#4b3f72",
    "energetic": "#e4572e",
    "calm": "#b0a990",
}
#: Weather: (colour to blend towards, blend amount, extra colour or "").
_WEATHER_TINT: dict[Weather, tuple[str, float, str]] = {
    Weather.RAIN: ("#5f7a8a", 0.35, "#3d5a6c"),
    Weather.STORM: ("#3a4250", 0.45, "#9fb4c7"),
    Weather.CLOUDY: ("#8a939b", 0.3, "#a7adb3"),
    Weather.FOG: ("#c9ccd1", 0.45, "#d8dde2"),
    Weather.SNOW: ("#e8eef2", 0.35, "#f5f8fa"),
    Weather.WIND: ("#a3b18a", 0.1, "#a3b18a"),
    Weather.CLEAR: ("#ffffff", 0.0, ""),
    Weather.UNSPECIFIED: ("#ffffff", 0.0, ""),
}
_TIME_LIGHT = {
    TimeOfDay.DAWN: "soft pink dawn light, low sun",
    TimeOfDay.MORNING: "fresh morning light",
    TimeOfDay.NOON: "bright overhead sunlight, crisp shadows",
    TimeOfDay.AFTERNOON: "warm afternoon sunlight",
    TimeOfDay.EVENING: "warm golden-hour light, long shadows",
    TimeOfDay.NIGHT: "cool moonlight with warm lamp glow",
    TimeOfDay.UNSPECIFIED: "natural daylight",
}


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER compound sentiment of ``text`` in [-1, 1]."""
    return float(_vader().polarity_scores(text)["compound"])


def tone(lemmas: Sequence[str], compound: float) -> str:
    """The scene's one-word tone from its lemmas (and surface words) and its sentiment."""
    counts = Counter(MOOD_WORDS[w] for w in lemmas if w in MOOD_WORDS)
    if not counts:
        if compound >= 0.3:
            return "joyful"
        if compound <= -0.3:
            return "melancholic"
        return "calm"
    best = max(counts.values())
    tied = [t for t, c in counts.items() if c == best]
    if len(tied) == 1:
        return tied[0]
    order = _POSITIVE_TONES + _NEGATIVE_TONES if compound >= 0 else _NEGATIVE_TONES + _POSITIVE_TONES
    return min(tied, key=order.index)


def pace(actions: Sequence[str]) -> Pace:
    """Mean pace of the action lemmas; MEDIUM when the scene has none in the lexicon."""
    scores = [ACTIONS[a] for a in actions if a in ACTIONS]
    if not scores:
        return Pace.MEDIUM
    mean = sum(scores) / len(scores)
    if mean < 1.5:
        return Pace.SLOW
    if mean < 2.5:
        return Pace.MEDIUM
    return Pace.FAST


def style(text: str) -> str:
    """A visual style named in the text ("documentary", "watercolor"...), else ``"cinematic"``."""
    for phrase in sorted(STYLES, key=len, reverse=True):
        if phrase_in(text, phrase):
            return STYLES[phrase]
    return "cinematic"


def lighting(setting: Setting) -> str:
    """An English lighting description from time of day, weather and the indoor flag.

    For example EVENING + RAIN gives ``"soft overcast evening light, wet reflections"``.
    """
    when = TIME_WORD[setting.time_of_day]
    w = setting.weather
    if w is Weather.RAIN:
        text = f"soft overcast {when} light, wet reflections"
    elif w is Weather.STORM:
        text = f"dark stormy {when} light, flashes of lightning"
    elif w is Weather.CLOUDY:
        text = f"soft overcast {when} light"
    elif w is Weather.FOG:
        text = f"diffused {when} light through fog, low contrast"
    elif w is Weather.SNOW:
        text = f"cold diffuse {when} light reflected by snow"
    elif w is Weather.WIND:
        text = f"{_TIME_LIGHT[setting.time_of_day]}, windswept"
    else:
        text = _TIME_LIGHT[setting.time_of_day]
    if setting.indoor:
        text += ", warm interior practical lights"
    return text


def _blend(hex_a: str, hex_b: str, amount: float) -> str:
    a = [int(hex_a[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(hex_b[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(x + (y - x) * amount) for x, y in zip(a, b, strict=True)]
    return "#" + "".join(f"{max(0, min(255, c)):02x}" for c in mixed)


def palette(tone_: str, setting: Setting) -> tuple[str, ...]:
    """3 to 5 ``"#rrggbb"`` colours: the time of day's three, the tone's accent, the weather's colour.

    Overcast weather blends every colour towards its grey (rain 35 %, storm 45 %, fog 45 %...).
    """
    target, amount, extra = _WEATHER_TINT[setting.weather]
    colours = [_blend(c, target, amount) for c in _TIME_PALETTE[setting.time_of_day]]
    colours.append(_blend(_TONE_ACCENT.get(tone_, "#b0a990"), target, amount / 2))
    if extra:
        colours.append(extra)
    return tuple(dict.fromkeys(colours))[:5]


def intensity(tone_: str, compound: float, pace_: Pace, weather_: Weather) -> float:
    """Emotional intensity in [0, 1], rounded to 2 decimals (heuristic, see the module docstring)."""
    value = _TONE_BASE_INTENSITY.get(tone_, 0.4) + 0.25 * abs(compound)
    value += {Pace.FAST: 0.1, Pace.SLOW: -0.05}.get(pace_, 0.0)
    value += {Weather.STORM: 0.15, Weather.RAIN: 0.05, Weather.WIND: 0.05}.get(weather_, 0.0)
    return round(max(0.0, min(1.0, value)), 2)


def analyze_mood(english_text: str, lemmas: Sequence[str], actions: Sequence[str], setting: Setting) -> Mood:
    """The scene's :class:`Mood` from its English text, lemmas (with surface words), actions and setting."""
    compound = sentiment(english_text)
    tone_ = tone(lemmas, compound)
    pace_ = pace(actions)
    return Mood(
        tone=tone_,
        style=style(english_text),
        lighting=lighting(setting),
        palette=palette(tone_, setting),
        intensity=intensity(tone_, compound, pace_, setting.weather),
        pace=pace_,
        sentiment=round(compound, 4),
    )
