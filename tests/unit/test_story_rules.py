"""Story rules without I/O: versions, order, forks, name keys, character resolution, strips."""

from __future__ import annotations

import grpc
import pytest

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.story.v1 import story_pb2 as pb
from services.mesh.errors import InvalidArgument
from services.story import breakdown, continuity, stories


def _scene(text: str, lang: str, *entities: an_pb.Entity, english: str = "") -> continuity.SceneInput:
    return continuity.SceneInput(
        scene_id=text[:8],
        language_code=lang,
        source_text=text,
        english_text=english,
        analysis=an_pb.SceneAnalysis(language_code=lang, entities=list(entities)),
    )


def _person(name: str, *attributes: str, concept: str = "", source: str = "") -> an_pb.Entity:
    return an_pb.Entity(
        id=f"character-{name}",
        kind=an_pb.ENTITY_KIND_CHARACTER,
        name=name,
        concept_id=concept,
        source_name=source,
        attributes=list(attributes),
    )


def test_version_mismatch_is_aborted_with_the_current_version() -> None:
    stories.check_version("story", 3, 3)
    with pytest.raises(stories.VersionMismatch) as err:
        stories.check_version("story", 4, 3)
    assert err.value.code == grpc.StatusCode.ABORTED
    assert err.value.metadata == {"resource": "story", "current_version": "4", "given_version": "3"}


def test_order_insert_reorder_and_fork_prefix() -> None:
    assert stories.insert_at(["a", "b"], "c", 0) == ["c", "a", "b"]
    assert stories.insert_at(["a", "b"], "c", None) == ["a", "b", "c"]
    assert stories.insert_at(["a", "b"], "c", 99) == ["a", "b", "c"]
    assert stories.validate_reorder(["a", "b", "c"], ["c", "a", "b"]) == ["c", "a", "b"]
    for bad in (["a", "a", "b"], ["a", "b"], ["a", "b", "x"]):
        with pytest.raises(InvalidArgument):
            stories.validate_reorder(["a", "b", "c"], bad)
    assert stories.fork_prefix(["a", "b", "c"], "b") == ["a", "b"]
    with pytest.raises(InvalidArgument):
        stories.fork_prefix(["a"], "z")


def test_latin_keys_equate_transliteration_variants() -> None:
    assert continuity.latin_key("Meena") == continuity.latin_key("Mina") == continuity.latin_key("Mīnā") == "mina"
    assert continuity.latin_key("Raju") != continuity.latin_key("Ravi")
    assert continuity.script_of("మీనా") == "Telu" and continuity.script_of("मीना") == "Deva"


def test_names_pronouns_and_role_nouns_resolve_across_languages() -> None:
    bible, res = continuity.resolve_story(
        pb.StoryBible(),
        [
            _scene("మీనా, రాజు.", "te", _person("Meena", source="మీనా"), _person("Raju", source="రాజు")),
            _scene("x", "en", _person("boy", concept="boy"), _person("girl", concept="girl")),
            _scene("वह हँसी।", "hi"),  # neutral pronoun: the most recent character
            _scene("ఆమె నవ్వింది.", "te"),  # feminine pronoun: the most recent woman or girl
            _scene("मीना आई।", "hi", _person("Mina", source="मीना")),
        ],
    )
    ids = {c.name: c.entity_id for c in bible.characters}
    assert ids == {"Meena": "char-1", "Raju": "char-2"}
    assert [r.character_ids for r in res] == [
        ["char-1", "char-2"],
        ["char-2", "char-1"],
        ["char-1"],
        ["char-1"],
        ["char-1"],
    ]
    meena = bible.characters[0]
    assert {a.text for a in meena.aliases} == {"మీనా", "मीना", "Mina"}
    assert (meena.gender, meena.role, bible.characters[1].role) == (pb.GENDER_FEMALE, "girl", "boy")


def test_contradictions_warn_with_entity_and_attribute_and_keep_the_bible() -> None:
    start = pb.StoryBible(
        characters=[
            pb.Character(
                entity_id="c7", name="Meena", age_band=pb.AGE_BAND_CHILD, clothing="saree", colors=["red"], voice="f2"
            )
        ]
    )
    bible, [res] = continuity.resolve_story(
        start,
        [_scene("x", "en", _person("Meena", "blue", "kurta"), _person("woman", concept="woman"))],
    )
    assert res.character_ids == ["c7"]
    assert sorted((w.entity_id, w.attribute, w.bible_value, w.scene_value) for w in res.warnings) == [
        ("c7", "age_band", "AGE_BAND_CHILD", "AGE_BAND_ADULT"),
        ("c7", "clothing", "saree", "kurta"),
        ("c7", "colors", "red", "blue"),
    ]
    assert bible.characters[0].clothing == "saree" and bible.characters[0].voice == "f2"
    assert start.characters[0].role == ""  # the input bible is not modified


def test_page_eighths_follow_one_page_per_minute() -> None:
    assert [breakdown.page_eighths(s) for s in (0.5, 7.5, 11.0, 60.0, 90.0)] == [1, 1, 1, 8, 12]
    strip = breakdown.strip_for(
        2,
        pb.Scene(scene_id="s", text="రాత్రి. ఆమె నవ్వింది.", character_ids=["c1"]),
        an_pb.SceneAnalysis(
            setting=an_pb.Setting(location="kitchen", indoor=True, time_of_day=an_pb.TIME_OF_DAY_DAWN),
            estimated_duration_ms=15000,
            entities=[an_pb.Entity(kind=an_pb.ENTITY_KIND_OBJECT, name="lamp")],
        ),
        "Night. She laughed.",
        pb.StoryBible(characters=[pb.Character(entity_id="c1", name="Meena")]),
    )
    assert (strip.int_ext, strip.set, strip.time_of_day, strip.synopsis, strip.synopsis_english) == (
        "INT",
        "kitchen",
        "DAWN",
        "రాత్రి.",
        "Night.",
    )
    assert [(c.entity_id, c.name) for c in strip.cast] == [("c1", "Meena")]
    assert list(strip.props) == ["lamp"] and strip.page_eighths == 2


def test_apply_cast_renames_entities_and_adds_characters_only_referred_to() -> None:
    from drishya.generation.v1 import generation_pb2 as gen_pb2
    from services.generation.cast import apply_cast, validate_cast

    analysis = an_pb.SceneAnalysis(
        entities=[
            _person("girl", "blue", concept="girl"),
            _person("Mina", source="మీనా"),
            an_pb.Entity(id="location-garden", kind=an_pb.ENTITY_KIND_LOCATION, name="garden"),
        ],
        beats=[
            an_pb.Beat(index=0, entity_ids=["character-girl", "character-Mina"]),
            an_pb.Beat(index=1, entity_ids=["location-garden"]),
        ],
        camera=an_pb.Camera(focus_entity_id="character-girl"),
    )
    look = ["girl", "red saree"]
    cast = [
        gen_pb2.CastEntry(scene_entity_id="character-girl", entity_id="char-1", name="Mina", attributes=look),
        gen_pb2.CastEntry(scene_entity_id="character-Mina", entity_id="char-1", name="Mina", attributes=look),
    ]
    out = apply_cast(analysis, cast)
    assert [(e.id, list(e.attributes)) for e in out.entities] == [("char-1", look), ("location-garden", [])]
    assert [list(b.entity_ids) for b in out.beats] == [["char-1"], ["location-garden"]]
    assert out.camera.focus_entity_id == "char-1"
    assert analysis.entities[0].id == "character-girl"  # the input is not modified

    referred = apply_cast(analysis, [gen_pb2.CastEntry(entity_id="char-2", name="Raju", attributes=["boy"])])
    assert referred.entities[-1].id == "char-2"
    assert [list(b.entity_ids) for b in referred.beats] == [
        ["character-girl", "character-Mina"],
        ["char-2", "location-garden"],
    ]
    with pytest.raises(InvalidArgument):
        validate_cast([gen_pb2.CastEntry(entity_id="", name="x")])


def test_cast_for_carries_the_bible_look_under_each_scene_entity() -> None:
    bible = pb.StoryBible(
        characters=[
            pb.Character(entity_id="c1", name="Meena", role="girl", colors=["red"], clothing="saree"),
            pb.Character(entity_id="c2", name="Dadi", gender=pb.GENDER_FEMALE, age_band=pb.AGE_BAND_ELDER),
        ]
    )
    res = continuity.SceneResolution(character_ids=["c1", "c2"], entity_map={"character-meena": "c1"})
    cast = continuity.cast_for(bible, res)
    assert [(c.scene_entity_id, c.entity_id, c.name, list(c.attributes)) for c in cast] == [
        ("character-meena", "c1", "Meena", ["girl", "red saree"]),
        ("", "c2", "Dadi", ["woman", "old"]),
    ]


def test_control_characters_are_refused_in_titles_texts_and_bibles() -> None:
    for call in (
        lambda: stories.validate_title("Meena\x00"),
        lambda: stories.validate_scene_text("Meena walks\x07 home."),
        lambda: stories.validate_bible(
            pb.StoryBible(characters=[pb.Character(entity_id="c1", name="Meena", colors=["re\x00d"])])
        ),
    ):
        with pytest.raises(InvalidArgument):
            call()
    assert stories.validate_scene_text("  Meena walks\thome.\n") == "Meena walks\thome."


def test_chapter_titles_are_cut_between_words_and_carry_no_number() -> None:
    from services.story.playback import chapter_title, chapters_vtt

    assert chapter_title("  A girl   dances in the rain. ") == "A girl dances in the rain."
    long = "ఒక అమ్మాయి గుడి ముందు వర్షంలో నాట్యం చేస్తోంది మరియు పిల్లలు సంతోషంగా చూస్తున్నారు చాలా సేపు"
    title = chapter_title(long)
    assert title.endswith("…") and len(title) <= 61
    assert long.startswith(title[:-1]) and long[len(title) - 1] == " "  # cut where a word ends
    assert chapter_title("x" * 80) == "x" * 60 + "…"  # one long word: cut at the limit
    vtt = chapters_vtt([(0.0, 2.0, chapter_title("First scene.")), (2.0, 4.0, chapter_title("Second."))])
    assert "\n1\n00:00:00.000 --> 00:00:02.000\nFirst scene.\n" in vtt and "1. First" not in vtt
