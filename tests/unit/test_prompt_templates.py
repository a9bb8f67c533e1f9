"""Visual prompt templates and provider formatting."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.analysis.analyzer import analyze_scene
from services.mesh.errors import InvalidArgument
from services.prompt.builder import build_shot_list
from services.prompt.providers import resolve_provider
from services.prompt.templates import describe, gerund, palette_words, plural
from services.scene.model import Entity, EntityKind, SceneAnalysis, SceneRequest

ENGLISH = "A young girl dances in front of an old temple while it rains in the evening. Children watch her happily."


@pytest.fixture(scope="module")
def analysis() -> SceneAnalysis:
    return analyze_scene(SceneRequest(ENGLISH, ENGLISH, "en"))


@pytest.mark.parametrize(
    ("verb", "ing"),
    [
        ("dance", "dancing"),
        ("run", "running"),
        ("watch", "watching"),
        ("lie", "lying"),
        ("see", "seeing"),
        ("sit", "sitting"),
        ("cry", "crying"),
        ("play", "playing"),
    ],
)
def test_gerund(verb: str, ing: str) -> None:
    assert gerund(verb) == ing


@pytest.mark.parametrize(
    ("noun", "many"),
    [
        ("child", "children"),
        ("girl", "girls"),
        ("woman", "women"),
        ("bus", "buses"),
        ("lady", "ladies"),
        ("people", "people"),
    ],
)
def test_plural(noun: str, many: str) -> None:
    assert plural(noun) == many


def test_describe_entities() -> None:
    assert describe(Entity("character-girl", EntityKind.CHARACTER, "girl", ("young", "red sari"))) == (
        "a young girl in a red sari"
    )
    assert describe(Entity("character-child", EntityKind.CHARACTER, "child", ("happy", "group"))) == "happy children"
    assert describe(Entity("location-temple", EntityKind.LOCATION, "temple", ("old",))) == "an old temple"
    assert describe(Entity("character-meera", EntityKind.CHARACTER, "Meera")) == "Meera"


def test_palette_words() -> None:
    assert palette_words(["#f29e4c", "#c8553d", "#2f4858"]) == "amber, terracotta and deep teal palette"
    assert palette_words(["bad"]) == ""


def test_storyboard_prompts_follow_the_template(analysis: SceneAnalysis) -> None:
    sl = build_shot_list(analysis, "")
    assert sl.provider == "storyboard"
    first, second, third = (s.visual_prompt for s in sl.shots)
    assert first.startswith("Wide establishing shot of an old temple in the evening rain, with a young girl dancing")
    assert "soft overcast evening light, wet reflections" in first
    assert first.endswith("joyful mood, cinematic")
    assert "raindrops" in second
    assert third.startswith("Close-up of children watching a young girl at an old temple")
    assert "shallow depth of field" in third
    for s in sl.shots:
        assert s.negative_prompt.startswith("blurry, low quality, distorted faces, extra limbs")
        assert "watermark" in s.negative_prompt and "logo" in s.negative_prompt


def test_sdxl_prompts_use_weighted_tokens(analysis: SceneAnalysis) -> None:
    sl = build_shot_list(analysis, "SDXL")
    assert sl.provider == "sdxl"
    assert "(young girl dancing:1.3)" in sl.shots[0].visual_prompt
    assert "(old temple:1.1)" in sl.shots[0].visual_prompt
    assert sl.shots[0].negative_prompt.startswith("(blurry:1.2)")
    storyboard = build_shot_list(analysis, "storyboard")
    assert [s.narration for s in sl.shots] == [s.narration for s in storyboard.shots]


def test_scene_without_people_asks_for_no_people() -> None:
    a = analyze_scene(SceneRequest("evening rain over the river.", "సాయంత్రం నదిపై వర్షం.", "te"))
    sl = build_shot_list(a)
    assert "people" in sl.shots[0].negative_prompt
    assert sl.shots[0].visual_prompt.startswith("Extreme wide establishing shot of a river in the evening rain")


def test_unknown_provider_and_no_beats(analysis: SceneAnalysis) -> None:
    with pytest.raises(InvalidArgument) as err:
        resolve_provider("midjourney")
    assert err.value.reason == "UNKNOWN_PROVIDER" and err.value.violations[0].field == "provider"
    with pytest.raises(InvalidArgument) as err2:
        build_shot_list(replace(analysis, beats=()))
    assert err2.value.reason == "NO_BEATS" and err2.value.violations[0].field == "analysis.beats"
