"""Framing by content: each shot frames what its own words name, at the size that thing needs."""

from __future__ import annotations

from services.prompt.framing import frame_piece, named_in
from services.scene.model import (
    Beat,
    Camera,
    Entity,
    EntityKind,
    Mood,
    Pace,
    SceneAnalysis,
    Setting,
    ShotSize,
)

BOAT = Entity("object-boat", EntityKind.OBJECT, "boat", source_name="పడవ", concept_id="boat")
RIVER = Entity("location-river", EntityKind.LOCATION, "river", source_name="నదిలో", concept_id="river")
BIRDS = Entity("animal-bird", EntityKind.ANIMAL, "bird", ("group",), source_name="పక్షులు", concept_id="bird")
GIRL = Entity("character-girl", EntityKind.CHARACTER, "girl", source_name="అమ్మాయి", concept_id="girl")


def _analysis(*entities: Entity, language: str = "te") -> SceneAnalysis:
    return SceneAnalysis(
        language_code=language,
        source_text="",
        english_text="",
        entities=entities,
        setting=Setting(),
        mood=Mood("calm", "cinematic", "soft light", ("#334455",), 0.3, Pace.MEDIUM, 0.0),
        camera=Camera(),
        beats=(),
        estimated_duration_ms=6000,
    )


def test_named_in_matches_inflected_source_words_in_order() -> None:
    found = named_in("నదిలో ఒక పడవ తేలుతోంది", [BOAT, RIVER, GIRL], "te")
    assert [e.id for e in found] == ["location-river", "object-boat"]
    assert named_in("ఆకాశంలో పక్షులు", [BOAT, RIVER], "te") == []
    english = Entity("object-tractor", EntityKind.OBJECT, "tractor", concept_id="tractor")
    assert named_in("drives a tractor", [english], "en") == [english]
    assert named_in("drives a tractor", [english], "hi") == []  # English names count for English text only


def test_a_piece_naming_a_thing_frames_that_thing_at_medium() -> None:
    analysis = _analysis(BOAT, RIVER, BIRDS)
    beat = Beat(0, "A boat floats on the river.", "ఒక పడవ నదిలో తేలుతోంది.", "float", ("object-boat", "location-river"))
    camera, ids = frame_piece(analysis, beat, "ఒక పడవ", previous=None, landscape=True)
    assert camera.focus_entity_id == "object-boat"
    assert camera.shot_size is ShotSize.MEDIUM
    assert ids[0] == "object-boat"


def test_a_piece_naming_only_the_place_is_the_establishing_wide() -> None:
    analysis = _analysis(BOAT, RIVER)
    beat = Beat(0, "On the river a boat floats.", "నదిలో ఒక పడవ తేలుతోంది.", "float", ("object-boat", "location-river"))
    camera, _ = frame_piece(analysis, beat, "నదిలో", previous=None, landscape=True)
    assert camera.focus_entity_id == "location-river"
    assert camera.shot_size is ShotSize.EXTREME_WIDE
    later, _ = frame_piece(analysis, beat, "నదిలో", previous=camera, landscape=True)
    assert later.focus_entity_id == "object-boat"  # once established, the place is not framed again:
    assert later.shot_size is ShotSize.WIDE  # the beat's subject is seen in it


def test_a_piece_naming_nothing_frames_the_beat_subject_without_repeating_the_framing() -> None:
    analysis = _analysis(BIRDS)
    beat = Beat(1, "Birds fly in the sky.", "ఆకాశంలో పక్షులు ఎగురుతున్నాయి.", "fly", ("animal-bird",))
    first, _ = frame_piece(analysis, beat, "ఆకాశంలో పక్షులు", previous=None, landscape=False)
    assert first.focus_entity_id == "animal-bird"
    second, _ = frame_piece(analysis, beat, "ఎగురుతున్నాయి.", previous=first, landscape=False)
    assert second.focus_entity_id == "animal-bird"
    assert second.shot_size != first.shot_size


def test_close_ups_only_for_a_feeling_on_a_person() -> None:
    analysis = _analysis(GIRL)
    feeling = Beat(
        0, "The girl is sad.", "అమ్మాయి బాధగా ఉంది.", "", ("character-girl",),
        camera=Camera(shot_size=ShotSize.CLOSE_UP, focus_entity_id="character-girl"),
    )  # fmt: skip
    camera, _ = frame_piece(analysis, feeling, "అమ్మాయి బాధగా ఉంది.", previous=None, landscape=False)
    assert camera.shot_size is ShotSize.CLOSE_UP
    dancing = Beat(0, "The girl dances.", "అమ్మాయి నాట్యం చేస్తోంది.", "dance", ("character-girl",))
    camera, _ = frame_piece(analysis, dancing, "అమ్మాయి నాట్యం", previous=None, landscape=False)
    assert camera.shot_size is ShotSize.WIDE
    sitting = Beat(0, "The girl reads.", "అమ్మాయి చదువుతోంది.", "read", ("character-girl",))
    camera, _ = frame_piece(analysis, sitting, "అమ్మాయి చదువుతోంది.", previous=None, landscape=False)
    assert camera.shot_size is ShotSize.MEDIUM


def test_camera_words_the_user_wrote_win() -> None:
    analysis = _analysis(BOAT, language="en")
    beat = Beat(
        0, "A close-up of the boat.", "A close-up of the boat.", "", ("object-boat",),
        camera=Camera(shot_size=ShotSize.CLOSE_UP),
    )  # fmt: skip
    camera, _ = frame_piece(analysis, beat, "A close-up of the boat.", previous=None, landscape=False)
    assert camera.shot_size is ShotSize.CLOSE_UP
    assert camera.focus_entity_id == "object-boat"
