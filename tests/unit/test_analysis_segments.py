"""Analysis reads the language service's segments: concepts by category, names, sentences not understood."""

from __future__ import annotations

from services.analysis.analyzer import analyze_scene
from services.analysis.segments import borrow_entities, locate_segments, segment_entities
from services.scene.model import (
    Concept,
    ConceptCategory,
    EntityKind,
    Name,
    SceneRequest,
    Segment,
    TimeOfDay,
    Weather,
)

C = ConceptCategory
SOURCE = "సరే! మీనా రాత్రి వర్షంలో గొడుగుతో బస్సు దగ్గర నడుస్తోంది. ఆమె సంతోషంగా ఉంది. 2024"
SEGMENTS = (
    Segment("సరే!", ""),
    Segment(
        "మీనా రాత్రి వర్షంలో గొడుగుతో బస్సు దగ్గర నడుస్తోంది.",
        "",
        (
            Concept("night", "night", C.TIME_OF_DAY, 0.9),
            Concept("rain", "rain", C.WEATHER, 0.9),
            Concept("umbrella", "umbrella", C.OBJECT, 0.8),
            Concept("bus", "bus", C.VEHICLE, 0.7),
            Concept("market", "market", C.PLACE, 0.6),
            Concept("walk", "walk", C.ACTION, 0.8),
            Concept("girl", "girl", C.PERSON, 0.7),
            Concept("dog", "dog", C.ANIMAL, 0.6),
        ),
        (Name("మీనా", "Meena", 0.8),),
    ),
    Segment("ఆమె సంతోషంగా ఉంది.", "", (Concept("joy", "happy", C.EMOTION, 0.7),)),
    Segment("2024", ""),
)


def test_categories_become_entities_setting_mood_and_action() -> None:
    a = analyze_scene(SceneRequest("", SOURCE, "te", segments=SEGMENTS))
    kinds = {e.id: (e.kind, e.concept_id, e.category) for e in a.entities}
    assert kinds["character-girl"] == (EntityKind.CHARACTER, "girl", C.PERSON)
    assert kinds["animal-dog"] == (EntityKind.ANIMAL, "dog", C.ANIMAL)
    assert kinds["object-umbrella"] == (EntityKind.OBJECT, "umbrella", C.OBJECT)
    assert kinds["object-bus"] == (EntityKind.OBJECT, "bus", C.VEHICLE)
    assert kinds["location-market"] == (EntityKind.LOCATION, "market", C.PLACE)
    meena = a.entity("character-meena")
    assert meena is not None and (meena.name, meena.source_name) == ("Meena", "మీనా")
    assert a.setting.location == "market"
    assert (a.setting.time_of_day, a.setting.weather) == (TimeOfDay.NIGHT, Weather.RAIN)
    assert a.mood.tone != "calm"  # "happy" moved the mood
    assert [b.source_text for b in a.beats] == ["సరే!", SEGMENTS[1].source_text, "ఆమె సంతోషంగా ఉంది.", "2024"]
    assert a.beats[1].action == "walk"
    # beats with nothing understood show their neighbours' entities
    assert a.beats[0].entity_ids == a.beats[1].entity_ids
    assert a.beats[3].entity_ids == a.beats[1].entity_ids


def test_without_concepts_every_sentence_still_has_a_beat() -> None:
    a = analyze_scene(SceneRequest("", "అయ్యో! సరే.", "te", segments=(Segment("అయ్యో!", ""), Segment("సరే.", ""))))
    assert [b.source_text for b in a.beats] == ["అయ్యో!", "సరే."]
    assert a.entities == ()
    assert all(b.entity_ids == () for b in a.beats)


def test_glossary_english_path_keeps_working_and_entities_carry_concepts() -> None:
    a = analyze_scene(SceneRequest("A girl dances in the rain.", "A girl dances in the rain.", "en"))
    girl = a.entity("character-girl")
    assert girl is not None and (girl.concept_id, girl.category) == ("girl", C.PERSON)
    assert a.beats[0].action == "dance"


def test_segment_entities_are_unique_and_skip_non_entity_categories() -> None:
    seg = Segment(
        "x",
        "",
        (Concept("girl", "Girl", C.PERSON), Concept("girl", "girl", C.PERSON), Concept("rain", "rain", C.WEATHER)),
        (Name("రవి", "Ravi"), Name("", "")),
    )
    assert [e.id for e in segment_entities(seg)] == ["character-girl", "character-ravi"]


def test_segment_entities_keep_their_source_words_and_the_number_before_them() -> None:
    seg = Segment(
        "ಮೂರು ಹಸುಗಳು ಹಳ್ಳಿಯ ರಸ್ತೆಯಲ್ಲಿ ನಿಂತಿವೆ.",
        "",
        (
            Concept("cow", "cow", C.ANIMAL, 0.9, source_text="ಹಸುಗಳು"),
            Concept("village", "village", C.PLACE, 0.9, source_text="ಹಳ್ಳಿಯ"),
            Concept("road", "road", C.PLACE, 0.9, source_text="ರಸ್ತೆಯಲ್ಲಿ"),
        ),
    )
    cow, village, road = segment_entities(seg, "kn")
    assert cow.source_name == "ಹಸುಗಳು" and cow.attributes == ("three", "group")
    assert village.attributes == () and road.attributes == ()  # places are not counted
    one = Segment("একটি নৌকা ভাসছে।", "", (Concept("boat", "boat", C.OBJECT, 0.9, source_text="নৌকা"),))
    assert segment_entities(one, "bn")[0].attributes == ()


def test_a_name_that_is_a_place_is_a_location_not_a_person() -> None:
    seg = Segment("मीना कोलकाता गई।", "", (), (Name("मीना", "Mina"), Name("कोलकाता", "Kolkata")))
    mina, kolkata = segment_entities(seg, "hi")
    assert (mina.kind, mina.name) == (EntityKind.CHARACTER, "Mina")
    assert (kolkata.kind, kolkata.concept_id, kolkata.source_name) == (EntityKind.LOCATION, "city", "कोलकाता")


def test_locate_segments_partitions_the_source() -> None:
    text = "  సరే!  😀 ఒక అబ్బాయి.\n"
    pieces = locate_segments(text, (Segment("సరే!", ""), Segment("ఒక అబ్బాయి.", "")))
    assert pieces == ["  సరే!  😀 ", "ఒక అబ్బాయి.\n"]
    assert locate_segments(text, (Segment("missing", ""),)) is None


def test_borrow_entities_prefers_the_previous_neighbour() -> None:
    assert borrow_entities([[], ["a"], [], [], ["b"], []]) == [("a",), ("a",), ("a",), ("b",), ("b",), ("b",)]
    assert borrow_entities([[], []]) == [(), ()]
