"""AnalyzeScene validation, proto conversion and the story bible."""

from __future__ import annotations

import grpc
import pytest

from services.analysis.analyzer import analyze_scene
from services.analysis.bible import StoryBible
from services.mesh.errors import InvalidArgument
from services.scene.convert import analysis_from_proto, analysis_to_proto
from services.scene.model import Entity, EntityKind, SceneRequest


@pytest.mark.parametrize(
    ("request_", "reason", "fields"),
    [
        (SceneRequest("rain", "  ", "te"), "EMPTY_TEXT", ["source_text"]),
        (SceneRequest("r" * 4001, "x", "te"), "TEXT_TOO_LONG", ["english_text"]),
        (SceneRequest("rain", "x" * 2001, "te"), "TEXT_TOO_LONG", ["source_text"]),
        (SceneRequest("rain", "x", "fr"), "UNSUPPORTED_LANGUAGE", ["language_code"]),
        (SceneRequest("rain", "x", ""), "UNSUPPORTED_LANGUAGE", ["language_code"]),
    ],
)
def test_invalid_requests(request_: SceneRequest, reason: str, fields: list[str]) -> None:
    with pytest.raises(InvalidArgument) as err:
        analyze_scene(request_)
    assert err.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert err.value.reason == reason
    assert [v.field for v in err.value.violations] == fields


def test_language_code_with_region_is_accepted() -> None:
    assert analyze_scene(SceneRequest("rain", "वर्षा", "hi-IN")).language_code == "hi"


def test_proto_round_trip_keeps_everything() -> None:
    a = analyze_scene(SceneRequest("evening rain. girl dance temple.", "సాయంత్రం వర్షం. అమ్మాయి నాట్యం.", "te"))
    back = analysis_from_proto(analysis_to_proto(a))
    assert back.beats == a.beats
    assert back.entities == a.entities
    assert back.setting == a.setting
    assert back.camera == a.camera
    assert back.mood.palette == a.mood.palette and back.mood.pace is a.mood.pace
    assert back.mood.intensity == pytest.approx(a.mood.intensity, abs=1e-4)


def test_story_bible_merges_scenes_by_stable_id() -> None:
    s1 = analyze_scene(SceneRequest("A young girl dances at the temple.", "x", "hi"))
    s2 = analyze_scene(SceneRequest("The girl in a red sari sits by the river. A dog sleeps.", "y", "hi"))
    s2_girl = s2.entity("character-girl")
    assert s2_girl is not None and s2_girl.attributes == ("red sari",)  # clothing is an attribute
    bible = StoryBible()
    assert bible.merge(s1) == ["character-girl", "location-temple"]
    new = bible.merge(s2)
    assert "character-girl" not in new and "animal-dog" in new and "location-river" in new
    girl = bible.get("character-girl")
    assert girl is not None and girl.attributes == ("young", "red sari")
    assert bible.scenes == 2 and len(bible) == 4  # girl, temple, river, dog
    assert bible.entities()[0].kind is EntityKind.CHARACTER
    applied = bible.apply(s2)
    applied_girl = applied.entity("character-girl")
    assert applied_girl is not None and applied_girl.attributes == ("young", "red sari")


def test_story_bible_accumulates_attributes_in_order() -> None:
    bible = StoryBible()
    bible.merge_entities([Entity("character-boy", EntityKind.CHARACTER, "boy", ("tall",))])
    bible.merge_entities([Entity("character-boy", EntityKind.CHARACTER, "boy", ("shy", "tall"), "boy")])
    boy = bible.get("character-boy")
    assert boy is not None and boy.attributes == ("tall", "shy") and boy.source_name == "boy"
    assert "character-boy" in bible and "character-girl" not in bible


@pytest.mark.parametrize(
    "request_",
    [
        SceneRequest("", "సరే!", "te"),
        SceneRequest("rain", "వర్షం. సరే!", "te", ("rain", " ")),
    ],
)
def test_text_not_understood_is_not_an_error(request_: SceneRequest) -> None:
    analysis = analyze_scene(request_)
    assert "".join(b.source_text for b in analysis.beats).replace(" ", "") == request_.source_text.replace(" ", "")
