"""Shot planning: count, durations and the user's words shared out among shots."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.analysis.analyzer import analyze_scene
from services.prompt.builder import build_shot_list
from services.prompt.planner import (
    PlannedShot,
    allocate_durations,
    at_phrase_boundaries,
    plan_shots,
    shot_count,
    shots_per_beat,
)
from services.scene.model import Camera, SceneAnalysis, SceneRequest, ShotSize
from services.scene.text import normalize_space, squash

TELUGU = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు."
SENTENCES_EN = [
    "The sun rises over the village.",
    "A farmer walks to the field with his ox.",
    "Children run to school.",
    "A woman draws water from the well.",
    "A dog sleeps under a tree.",
    "The market opens and vendors call out.",
    "A boy flies a kite on the rooftop.",
    "The temple bells ring at noon.",
]
SENTENCES_HI = [
    "गाँव पर सूरज उगता है।",
    "एक किसान अपने बैल के साथ खेत जाता है।",
    "बच्चे स्कूल की ओर दौड़ते हैं।",
    "एक औरत कुएँ से पानी भरती है।",
    "एक कुत्ता पेड़ के नीचे सोता है।",
    "बाज़ार खुलता है और दुकानदार आवाज़ लगाते हैं।",
    "एक लड़का छत पर पतंग उड़ाता है।",
    "दोपहर को मंदिर की घंटियाँ बजती हैं।",
]


def _scene(n: int, lang: str = "hi") -> SceneAnalysis:
    english = " ".join(SENTENCES_EN[:n])
    source = " ".join(SENTENCES_HI[:n]) if lang == "hi" else english
    return analyze_scene(SceneRequest(english, source, lang))


@pytest.mark.parametrize(("sentences", "lang"), [(1, "hi"), (2, "hi"), (3, "hi"), (8, "hi"), (1, "en"), (8, "en")])
def test_shot_count_is_3_to_6_and_durations_sum_exactly(sentences: int, lang: str) -> None:
    a = _scene(sentences, lang)
    sl = build_shot_list(a)
    assert 3 <= len(sl.shots) <= 6
    assert sl.total_duration_ms == a.estimated_duration_ms >= 6000
    assert sum(s.duration_ms for s in sl.shots) == sl.total_duration_ms
    assert all(s.duration_ms >= 1500 for s in sl.shots)
    start = 0
    for i, s in enumerate(sl.shots):
        assert s.index == i and s.start_ms == start
        start += s.duration_ms
    assert normalize_space(" ".join(s.narration for s in sl.shots)) == normalize_space(a.source_text)
    assert all(s.subtitle == s.narration for s in sl.shots)
    assert sl.language_code == lang


def test_single_sentence_shots_frame_what_their_words_name() -> None:
    a = _scene(2, lang="en")  # the sun rises over the village; a farmer walks to the field with his ox
    shots = plan_shots(a)
    assert shots[0].camera.shot_size in (ShotSize.WIDE, ShotSize.EXTREME_WIDE)  # the place is introduced
    farmer = [s for s in shots if "farmer" in s.narration]
    assert farmer and all(s.camera.focus_entity_id == "character-farmer" for s in farmer)
    assert all(s.camera.shot_size is not ShotSize.CLOSE_UP for s in shots)  # no feeling, no close-up
    assert squash("".join(s.narration for s in shots)) == squash(a.source_text)
    assert all(s.narration for s in shots)
    for s in shots:  # the thing a shot frames is one its words name, else its beat's subject
        focus = a.entity(s.camera.focus_entity_id)
        assert focus is not None
        assert focus.name in s.narration.lower() or focus.id in s.entity_ids


def test_eight_sentences_are_merged_into_six_shots() -> None:
    a = _scene(8)
    assert len(a.beats) >= 8
    shots = plan_shots(a)
    assert len(shots) == 6
    covered = [i for s in shots for i in s.beat_indices]
    assert covered == list(range(len(a.beats)))  # every beat once, in order


def test_telugu_sample_one_shot_per_beat() -> None:
    a = analyze_scene(SceneRequest("evening rain. girl dance temple. children happy watch.", TELUGU, "te"))
    sl = build_shot_list(a)
    assert [s.narration for s in sl.shots] == [b.source_text for b in a.beats]
    assert [s.beat_index for s in sl.shots] == [0, 1, 2]
    assert sl.quality_score == 1.0 and sl.warnings == ()
    assert sl.setting == a.setting and sl.mood == a.mood and sl.entities == a.entities


def test_short_estimate_is_raised_to_6000_with_a_warning() -> None:
    a = _scene(1)
    short = replace(a, estimated_duration_ms=3000)
    sl = build_shot_list(short)
    assert sl.total_duration_ms == 6000
    assert sum(s.duration_ms for s in sl.shots) == 6000
    assert any("raised" in w for w in sl.warnings)


def test_one_word_scene_still_has_three_shots_and_keeps_the_word() -> None:
    a = analyze_scene(SceneRequest("rain", "వర్షం", "te"))
    sl = build_shot_list(a)
    assert len(sl.shots) == 3
    assert [s.narration for s in sl.shots] == ["వర్షం", "", ""]


def test_shot_count_rules() -> None:
    assert shot_count(1, 6000) == 3
    assert shot_count(5, 6000) == 4  # 6 s holds at most four 1.5 s shots
    assert shot_count(5, 20000) == 5
    assert shot_count(12, 60000) == 6


def test_shots_per_beat_favours_long_beats() -> None:
    assert shots_per_beat([2000], 3) == [3]
    assert shots_per_beat([2000, 5000], 3) == [1, 2]
    assert shots_per_beat([3000, 3000], 3) == [2, 1]


@pytest.mark.parametrize(
    ("weights", "total"),
    [([1, 1, 1], 6000), ([100, 1, 1], 6000), ([0, 0, 5], 9000), ([3, 2, 7, 1, 1, 1], 12345)],
)
def test_allocate_durations_exact_sum_and_floor(weights: list[float], total: int) -> None:
    out = allocate_durations(weights, total)
    assert sum(out) == total
    assert all(d >= 1500 for d in out)


def test_allocate_durations_is_proportional_above_the_floor() -> None:
    assert allocate_durations([1, 3], 8000) == [2000, 6000]
    with pytest.raises(ValueError):
        allocate_durations([1, 1, 1, 1, 1], 6000)


def _shot(beat: int, narration: str) -> PlannedShot:
    return PlannedShot((beat,), "beat", Camera(), (), "", "", narration)


def test_a_cut_between_beats_inside_a_phrase_moves_to_a_phrase_boundary() -> None:
    # the analysis cut "... and his | dog runs behind." between its two clauses
    shots = [
        _shot(0, "रात को एक बूढ़ा आदमी जंगल के रास्ते पर धीरे-धीरे चल रहा है और उसका"),
        _shot(1, "कुत्ता पीछे दौड़ता है।"),
        _shot(2, "चाँद चमक रहा है।"),
    ]
    moved = at_phrase_boundaries(shots)
    assert [s.narration for s in moved] == [
        "रात को एक बूढ़ा आदमी जंगल के रास्ते पर धीरे-धीरे चल रहा है",
        "और उसका कुत्ता पीछे दौड़ता है।",
        "चाँद चमक रहा है।",  # a cut at a sentence end stays
    ]
    assert [s.beat_indices for s in moved] == [(0,), (1,), (2,)]


def test_cuts_inside_one_beat_are_left_to_the_splitter() -> None:
    shots = [_shot(0, "a boy and"), _shot(0, "a girl run"), _shot(1, "to the river.")]
    assert [s.narration for s in at_phrase_boundaries(shots)] == ["a boy and", "a girl run", "to the river."]


@pytest.mark.parametrize(
    ("english", "source", "lang"),
    [
        (
            "In the evening a lamp burns on the ghat and a boat floats on the river.",
            "সন্ধ্যায় ঘাটে প্রদীপ জ্বলছে আর একটি নৌকা নদীতে ভাসছে।",
            "bn",
        ),
        (
            "At night an old man walks slowly along the forest path with a lantern in hand and his dog runs behind.",
            "रात को एक बूढ़ा आदमी हाथ में लालटेन लेकर जंगल के रास्ते पर धीरे-धीरे चल रहा है और उसका कुत्ता पीछे दौड़ता है।",
            "hi",
        ),
    ],
    ids=["bn", "hi"],
)
def test_shot_narrations_end_at_phrase_boundaries(english: str, source: str, lang: str) -> None:
    sl = build_shot_list(analyze_scene(SceneRequest(english, source, lang)))
    said = [s.narration for s in sl.shots if s.narration]
    assert " ".join(said) == source
    assert all(s.subtitle == s.narration for s in sl.shots)
    ends = [n.split()[-1] for n in said[:-1]]
    starts = [n.split()[0] for n in said[1:]]
    assert not set(ends) & {"আর", "একটি", "और", "उसका", "एक", "बूढ़ा", "लालटेन", "के"}, said
    assert not set(starts) & {"लेकर", "में", "पर", "है", "रहा"}, said
