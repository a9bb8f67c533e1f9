"""Scene analysis as a pure function: lexicons, entities, beats, setting, mood, cameras."""

from __future__ import annotations

import re

import pytest

from services.analysis.analyzer import analyze_scene
from services.analysis.entities import entity_id
from services.scene.model import (
    CameraMovement,
    DepthOfField,
    EntityKind,
    Pace,
    SceneRequest,
    ShotSize,
    TimeOfDay,
    Transition,
    Weather,
)
from services.scene.text import squash

TELUGU = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు."
TELUGU_GLOSS = "evening rain. girl dance temple. children happy watch."
ENGLISH = "A young girl dances in front of an old temple while it rains in the evening. Children watch her happily."


def test_gloss_lexicon_detects_rain_evening_temple() -> None:
    a = analyze_scene(SceneRequest(TELUGU_GLOSS, TELUGU, "te"))
    assert a.setting.time_of_day is TimeOfDay.EVENING
    assert a.setting.weather is Weather.RAIN
    assert a.setting.location == "temple"
    assert a.setting.indoor is False
    ids = [e.id for e in a.entities]
    assert ids == ["character-girl", "character-child", "location-temple"]
    child = a.entity("character-child")
    assert child is not None and child.is_group and child.name == "child"
    assert child.source_name == ""  # the source is Telugu: the English word is not the user's


def test_english_entities_attributes_and_pronouns() -> None:
    a = analyze_scene(SceneRequest(ENGLISH, ENGLISH, "en"))
    girl = a.entity("character-girl")
    temple = a.entity("location-temple")
    assert girl is not None and girl.attributes == ("young",) and girl.source_name == "girl"
    assert temple is not None and "old" in temple.attributes
    # "Children watch her": "her" resolves to the girl, and creates no entity of its own.
    last = a.beats[-1]
    assert last.entity_ids == ("character-child", "character-girl")
    assert not any("her" in e.id or "she" in e.id for e in a.entities)
    assert [e.kind for e in a.entities][:2] == [EntityKind.CHARACTER, EntityKind.CHARACTER]


def test_entity_ids_are_stable_per_lemma() -> None:
    assert entity_id(EntityKind.CHARACTER, "girl") == "character-girl"
    assert entity_id(EntityKind.LOCATION, "railway station") == "location-railway-station"
    many = analyze_scene(SceneRequest("The girls play by the river.", "x y z", "hi")).entity("character-girl")
    one = analyze_scene(SceneRequest("A girl sleeps by the river.", "x", "hi")).entity("character-girl")
    assert many is not None and many.is_group and many.name == "girl"
    assert one is not None and not one.is_group


def test_characters_come_first_and_animals_are_animals() -> None:
    a = analyze_scene(SceneRequest("A dog runs across the field. A farmer follows it.", "a b. c d.", "hi"))
    kinds = [e.kind for e in a.entities]
    assert kinds[0] is EntityKind.CHARACTER
    assert "animal-dog" in [e.id for e in a.entities]
    assert kinds == sorted(
        kinds, key=[EntityKind.CHARACTER, EntityKind.ANIMAL, EntityKind.LOCATION, EntityKind.OBJECT].index
    )


def test_beats_from_multi_sentence_text_and_clauses() -> None:
    a = analyze_scene(SceneRequest(ENGLISH, ENGLISH, "en"))
    assert [b.text for b in a.beats] == [
        "A young girl dances in front of an old temple",
        "while it rains in the evening.",
        "Children watch her happily.",
    ]
    # English source: the beats' source texts are cut exactly where the English clauses are.
    assert [b.source_text for b in a.beats] == [b.text for b in a.beats]
    assert [b.action for b in a.beats] == ["dance", "rain", "watch"]
    assert [b.index for b in a.beats] == [0, 1, 2]


def test_coordinated_nouns_do_not_split_a_beat() -> None:
    a = analyze_scene(SceneRequest("The girls and boys dance near the well.", "x", "hi"))
    assert len(a.beats) == 1 and a.beats[0].action == "dance"


def test_gloss_beats_keep_the_users_sentences() -> None:
    a = analyze_scene(SceneRequest(TELUGU_GLOSS, TELUGU, "te"))
    assert [b.text for b in a.beats] == ["evening rain.", "girl dance temple.", "children happy watch."]
    assert [b.source_text for b in a.beats] == [
        "సాయంత్రం వర్షం పడుతోంది.",
        "ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
        "ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు.",
    ]
    assert [b.action for b in a.beats] == ["rain", "dance", "watch"]
    assert a.beats[1].entity_ids == ("character-girl", "location-temple")


def test_cameras_follow_coverage_rules() -> None:
    a = analyze_scene(SceneRequest(TELUGU_GLOSS, TELUGU, "te"))
    first, dance, watch = a.beats
    assert first.camera.shot_size in (ShotSize.WIDE, ShotSize.EXTREME_WIDE)
    assert first.camera.movement in (CameraMovement.STATIC, CameraMovement.DOLLY_IN)
    assert first.camera.focus_entity_id == "location-temple"
    assert dance.camera.shot_size is ShotSize.MEDIUM and dance.camera.movement is CameraMovement.TRACKING
    assert watch.camera.shot_size is ShotSize.CLOSE_UP and watch.camera.depth_of_field is DepthOfField.SHALLOW
    assert first.camera.transition is Transition.CROSSFADE
    assert watch.camera.transition is Transition.FADE_TO_BLACK
    assert a.camera == first.camera


def test_camera_words_override_the_rules() -> None:
    a = analyze_scene(
        SceneRequest("A boy sits by the lake. A close-up of his tears. Aerial view of the lake.", "a. b. c.", "hi")
    )
    assert a.beats[1].camera.shot_size is ShotSize.CLOSE_UP
    assert a.beats[2].camera.shot_size is ShotSize.EXTREME_WIDE
    assert a.beats[2].camera.angle.name == "OVERHEAD"


def test_mood_of_the_sample() -> None:
    a = analyze_scene(SceneRequest(TELUGU_GLOSS, TELUGU, "te"))
    m = a.mood
    assert m.tone == "joyful"
    assert m.style == "cinematic"
    assert "overcast" in m.lighting and "wet reflections" in m.lighting
    assert 3 <= len(m.palette) <= 5 and all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in m.palette)
    assert 0.0 <= m.intensity <= 1.0
    assert m.pace is Pace.MEDIUM
    assert 0.3 < m.sentiment <= 1.0


def test_fast_and_slow_scenes() -> None:
    fast = analyze_scene(SceneRequest("The thief runs. The police chase him and fight.", "a. b.", "hi"))
    slow = analyze_scene(SceneRequest("An old man sits by the river and watches the water. He sleeps.", "a. b.", "hi"))
    assert fast.mood.pace is Pace.FAST and fast.mood.tone == "tense"
    assert slow.mood.pace is Pace.SLOW
    assert slow.beats[0].camera.movement is CameraMovement.STATIC  # slow scene: locked-off establishing


def test_named_person_and_indoor_location() -> None:
    a = analyze_scene(SceneRequest("Meera cooks rice in the kitchen at night.", "x", "hi"))
    assert a.entities[0].id == "character-meera" and a.entities[0].name == "Meera"
    assert a.setting.location == "kitchen" and a.setting.indoor
    assert a.setting.time_of_day is TimeOfDay.NIGHT


@pytest.mark.parametrize(
    ("text", "weather"),
    [
        ("thunder and rain over the village", Weather.STORM),
        ("mist over the hills", Weather.FOG),
        ("a sunny morning", Weather.CLEAR),
        ("snow falls softly", Weather.SNOW),
        ("a girl reads a book", Weather.UNSPECIFIED),
    ],
)
def test_weather_priority(text: str, weather: Weather) -> None:
    assert analyze_scene(SceneRequest(text, "x", "hi")).setting.weather is weather


def test_source_concatenation_invariant_english() -> None:
    a = analyze_scene(SceneRequest(ENGLISH, ENGLISH, "en"))
    assert squash("".join(b.source_text for b in a.beats)) == squash(ENGLISH)
    assert " ".join(b.source_text for b in a.beats) == ENGLISH
