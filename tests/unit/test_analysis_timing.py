"""Durations estimated from the user's words."""

from __future__ import annotations

import pytest

from services.analysis.analyzer import analyze_scene
from services.analysis.timing import (
    MIN_BEAT_MS,
    MIN_SCENE_MS,
    beat_duration_ms,
    beat_durations_ms,
    count_aksharas,
    count_latin_words,
    scale_to_minimum,
    speech_ms,
)
from services.scene.model import SceneRequest


@pytest.mark.parametrize(
    ("text", "aksharas"),
    [
        ("సత్యం", 2),  # స + త్యం (conjunct with anusvara)
        ("नमस्ते", 3),  # न + म + स्ते
        ("సాయంత్రం", 3),
        ("കേരളം", 3),
        ("അവൻ", 2),  # chillu letter adds none
        ("hello", 0),
    ],
)
def test_count_aksharas(text: str, aksharas: int) -> None:
    assert count_aksharas(text) == aksharas


def test_speech_time_of_latin_and_indic_text() -> None:
    assert count_latin_words("ek ladki baarish mein 2 baar") == 6
    assert speech_ms("one two three four five") == 2000  # 5 words at 2.5 words/s
    assert speech_ms("नमस्ते") == round(3 / 5.5 * 1000)


def test_beat_minimum_and_scene_minimum() -> None:
    assert beat_duration_ms("hi") == MIN_BEAT_MS
    long = " ".join(["word"] * 25)
    assert beat_duration_ms(long) == 10000 + 250
    scaled = scale_to_minimum([2000, 2500])
    assert sum(scaled) == MIN_SCENE_MS and scaled[0] < scaled[1]
    assert scale_to_minimum([4000, 5000]) == [4000, 5000]
    assert sum(beat_durations_ms(["a"])) == MIN_SCENE_MS


@pytest.mark.parametrize(
    ("english", "source", "lang"),
    [
        ("evening rain.", "సాయంత్రం వర్షం.", "te"),
        ("A girl dances. Children watch. It rains. The lamp glows.", "a b. c d. e f. g h.", "hi"),
        (" ".join(["The boy runs to the field."] * 12), " ".join(["लड़का खेत की ओर दौड़ता है।"] * 12), "hi"),
    ],
)
def test_scene_duration_is_sum_of_beats_and_at_least_6000(english: str, source: str, lang: str) -> None:
    a = analyze_scene(SceneRequest(english, source, lang))
    assert a.estimated_duration_ms == sum(b.duration_ms for b in a.beats)
    assert a.estimated_duration_ms >= MIN_SCENE_MS
    assert all(b.duration_ms >= MIN_BEAT_MS for b in a.beats)


def test_longer_source_sentences_get_longer_beats() -> None:
    source = "వర్షం. ఒక అమ్మాయి గుడి ముందు చాలా సేపు ఆనందంగా నాట్యం చేస్తోంది మరియు పాటలు పాడుతోంది."
    a = analyze_scene(SceneRequest("rain. girl dance temple sing.", source, "te"))
    assert a.beats[1].duration_ms > a.beats[0].duration_ms
