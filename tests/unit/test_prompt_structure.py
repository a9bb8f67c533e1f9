"""Structured shot fields: setting, characters with actions, props with concept categories."""

from __future__ import annotations

from drishya.analysis.v1 import analysis_pb2
from drishya.language.v1 import language_pb2
from services.analysis.analyzer import analyze_scene
from services.prompt.builder import build_shot_list
from services.prompt.convert import shot_list_to_proto
from services.scene.model import Concept, ConceptCategory, EntityKind, Name, SceneRequest, Segment

C = ConceptCategory


def test_shots_carry_setting_characters_actions_and_props() -> None:
    text = "మీనా వర్షంలో గొడుగుతో నాట్యం చేస్తోంది. పడవ నదిలో ఉంది."
    segments = (
        Segment(
            "మీనా వర్షంలో గొడుగుతో నాట్యం చేస్తోంది.",
            "",
            (
                Concept("rain", "rain", C.WEATHER, 0.9),
                Concept("umbrella", "umbrella", C.OBJECT, 0.8),
                Concept("dance", "dance", C.ACTION, 0.8),
            ),
            (Name("మీనా", "Meena", 0.8),),
        ),
        Segment(
            "పడవ నదిలో ఉంది.", "", (Concept("boat", "boat", C.VEHICLE, 0.7), Concept("river", "river", C.NATURE, 0.7))
        ),
    )
    analysis = analyze_scene(SceneRequest("", text, "te", segments=segments))
    sl = build_shot_list(analysis, "storyboard")
    first = sl.shots[0]
    assert first.setting == analysis.setting and first.setting.location == "river"
    assert [(c.entity_id, c.kind, c.name, c.action) for c in first.characters] == [
        ("character-meena", EntityKind.CHARACTER, "Meena", "dance")
    ]
    assert [(p.entity_id, p.concept_id, p.category) for p in first.props] == [("object-umbrella", "umbrella", C.OBJECT)]
    assert first.action == "dance"
    boat = [p for s in sl.shots for p in s.props if p.concept_id == "boat"]
    assert boat and boat[0].category is C.VEHICLE

    pb = shot_list_to_proto(sl).shots[0]
    assert pb.setting.weather == analysis_pb2.WEATHER_RAIN
    assert pb.characters[0].kind == analysis_pb2.ENTITY_KIND_CHARACTER and pb.characters[0].action == "dance"
    assert pb.props[0].category == language_pb2.CONCEPT_CATEGORY_OBJECT
    assert pb.action == "dance"


def test_merged_beats_give_the_action_to_the_leading_beat_only() -> None:
    english = "A girl dances. A dog sleeps. " * 6
    analysis = analyze_scene(SceneRequest(english, english, "en"))
    sl = build_shot_list(analysis, "storyboard")
    merged = [s for s in sl.shots if len(s.characters) > 1]
    assert merged
    for shot in merged:
        assert [(c.entity_id, c.action) for c in shot.characters] == [("character-girl", "dance"), ("animal-dog", "")]
