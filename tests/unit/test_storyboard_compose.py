"""Composition and the render manifest: things placed where they belong, counted, and on screen."""

from __future__ import annotations

import numpy as np
import pytest

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2
from services.prompt.convert import shot_list_to_proto
from services.render.storyboard import manifest_of
from services.render.storyboard.compose import MAX_NEAR_H, cast_of, count_of, elements_of
from services.render.storyboard.draw import ShotPainter
from services.render.storyboard.pen import GROUND_Y, HORIZON_Y
from services.render.storyboard.scene import scene_of
from services.render.storyboard.settings import SETTINGS
from services.render.storyboard.timeline import spans
from services.scene.numbers import count_before
from tests.robust_texts import shot_list_for


def _shot_list(text: str, language: str = "en") -> prompt_pb2.ShotList:
    return shot_list_to_proto(shot_list_for(text, language))


@pytest.mark.parametrize(
    ("words", "count"),
    [
        ((), 1),
        (("two", "group"), 2),
        (("group",), 4),
        (("12",), 9),
        (("a",), 1),
        (("crowd",), 8),
        (("three", "old"), 3),
    ],
)
def test_count_of_prefers_exact_numbers_over_vague_ones(words: tuple[str, ...], count: int) -> None:
    assert count_of(words) == count


@pytest.mark.parametrize(
    ("text", "noun", "language", "count"),
    [
        ("ಮೂರು ಹಸುಗಳು ರಸ್ತೆಯಲ್ಲಿ ನಿಂತಿವೆ.", "ಹಸುಗಳು", "kn", 3),
        ("দুটি শিশু নদীর ধারে খেলছে।", "শিশু", "bn", 2),
        ("৩টি নৌকা নদীতে ভাসছে।", "নৌকা", "bn", 3),
        ("२०० किसान सड़क पर हैं।", "किसान", "hi", 200),
        ("ఇద్దరు పిల్లలు ఆడుకుంటున్నారు.", "పిల్లలు", "te", 2),
        ("Two cows stand on the road.", "cows", "en", 2),
        ("ಮೂರು ಹಸುಗಳು ಹಳ್ಳಿಯ ರಸ್ತೆಯಲ್ಲಿ ನಿಂತಿವೆ.", "ರಸ್ತೆಯಲ್ಲಿ", "kn", None),
        ("The cows stand on the road.", "cows", "en", None),
        ("ਪੰਜ ਮੁੰਡੇ ਖੇਡ ਰਹੇ ਹਨ।", "ਮੁੰਡੇ", "pa", 5),
    ],
)
def test_count_before_reads_numbers_in_every_script(text: str, noun: str, language: str, count: int | None) -> None:
    assert count_before(text, noun, language) == count


def test_a_driver_sits_in_the_vehicle_drawn_after_it() -> None:
    sl = _shot_list("A farmer is driving a tractor in the fields.")
    cast = cast_of(sl, 0, scene_of(sl))
    tractor = next(f for f in cast if f.icon == "tractor")
    farmer = next(f for f in cast if f.human)
    assert farmer.vehicle == tractor.entity_id
    assert tractor.y - tractor.height < farmer.y < tractor.y  # seated inside, above the wheels
    assert cast.index(farmer) > cast.index(tractor)  # drawn in front, so it is seen


def test_boats_float_on_the_water_and_birds_fly_in_the_sky() -> None:
    sl = _shot_list("A boat floats on the river. Birds fly in the sky.")
    scene = scene_of(sl)
    cast = cast_of(sl, 0, scene)
    boat = next(f for f in cast if f.placement == "water")
    assert not [f for f in cast if f.placement == "sky"]  # the first shot's words name no birds
    last = cast_of(sl, len(sl.shots) - 1, scene)  # "Birds fly in the sky."
    birds = [f for f in last if f.placement == "sky"]
    assert any(f.placement == "water" for f in last)  # the boat stays where it floats

    water = SETTINGS[scene.setting].water
    assert water is not None, f"a river scene has water ({scene.setting})"
    assert water[0] <= boat.y <= water[1]
    assert len(birds) >= 3  # "birds": a flock
    assert all(b.y < HORIZON_Y for b in birds)


def test_big_things_stand_back_at_their_size_and_small_ones_are_held() -> None:
    sl = _shot_list("A man with a lantern stands near a tree.")
    cast = cast_of(sl, 0, scene_of(sl))
    tree = next(f for f in cast if f.concept_id == "tree")
    assert tree.y < GROUND_Y and tree.height <= MAX_NEAR_H  # pushed back toward the horizon
    man = next(f for f in cast if f.human)
    lantern = next(f for f in cast if f.concept_id == "lantern")
    assert abs(lantern.x - man.x) < man.height and lantern.y < man.y  # in his hand, not on the ground


def test_counts_give_copies_and_people_are_not_merged_with_things() -> None:
    sl = _shot_list("Three cows and two children are on the village road.")
    elements, _ = elements_of(sl)
    counts = {e.concept_id: e.count for e in elements}
    assert counts.get("cow") == 3
    assert counts.get("child") == 2


def test_undrawn_concepts_have_reasons() -> None:
    sl = _shot_list("An ostrich runs.")
    sl.entities.add(id="object-xq", kind=analysis_pb2.ENTITY_KIND_OBJECT, name="xq", concept_id="xq_thing")
    _, undrawn = elements_of(sl)
    reasons = {u.concept_id: u.reason for u in undrawn}
    assert reasons.get("xq_thing") == "no drawing in the asset table for this concept"


def test_every_drawn_thing_of_the_manifest_is_on_screen_in_its_box() -> None:
    sl = _shot_list("A farmer is driving a tractor in the fields. A dog runs beside it.")
    for i, span in enumerate(spans(sl)):
        manifest = manifest_of(sl, i)
        things = [e for e in manifest.elements if e.is_thing]
        assert things, f"shot {i} shows something"
        assert any(e.drawing.startswith("setting:") for e in manifest.elements)
        t = (span.frames / 2) / 24
        painter = ShotPainter(sl, i, subtitles=False)
        frame = np.asarray(painter.frame(t), np.float32)
        painter.cast = []
        background = np.asarray(painter.frame(t), np.float32)
        for e in things:
            x, y, w, h = e.box
            assert x >= 0 and y >= 0 and x + w <= 1280 and y + h <= 720
            assert e.start_ms == sl.shots[i].start_ms and e.end_ms == e.start_ms + sl.shots[i].duration_ms
            diff = np.abs(frame[y : y + h, x : x + w] - background[y : y + h, x : x + w]).mean()
            assert diff > 6.0, f"shot {i}: {e.concept_id} is not visible in its box ({diff:.1f})"


@pytest.mark.parametrize(
    "text",
    [
        "Forty tractors and two hundred farmers block the highway near the market.",
        "A crowd of people waits at the railway station as three trains arrive and a plane flies over.",
        "Five elephants, six cows and a dog walk past a big temple.",
    ],
)
def test_crowded_scenes_draw_every_frame_of_every_shot(text: str) -> None:
    sl = _shot_list(text)
    for i, span in enumerate(spans(sl)):
        painter = ShotPainter(sl, i, subtitles=False)
        for k in (0, span.frames // 2, span.rendered_frames - 1):  # the views as tall as the world too
            assert painter.frame(k / 24).size == (1280, 720)


def test_a_view_as_tall_as_the_canvas_is_cut_inside_it() -> None:
    from services.render.storyboard.draw import _inside

    # a view clamped to the top of the world lands a rounding error above the canvas
    assert _inside((10.0, -1e-12, 1790.0, 1002.0), (1800, 1010)) == (10.0, 0.0, 1790.0, 1002.0 + 1e-12)
    assert _inside((-0.5, 5.0, 99.5, 50.0), (100, 60)) == (0.0, 5.0, 100.0, 50.0)
    x0, y0, x1, y1 = _inside((-3.0, -3.0, 200.0, 200.0), (100, 100))  # larger than the canvas: cut
    assert (x0, y0) == (0.0, 0.0) and x1 <= 100 and y1 <= 100


def test_a_second_place_is_a_landmark_behind_the_people_and_a_swimmer_is_in_the_water() -> None:
    sl = _shot_list("A boy swims in the river near a big temple.")
    scene = scene_of(sl)
    assert scene.setting == "river_bank"
    cast = cast_of(sl, 0, scene)
    temple = next(f for f in cast if f.icon == "hindu-temple")
    boy = next(f for f in cast if f.human)
    assert HORIZON_Y < temple.y < boy.y and temple.height <= MAX_NEAR_H  # behind, at its distance
    water = SETTINGS[scene.setting].water
    assert water is not None and water[0] <= boy.y <= water[1] and boy.action == "swim"
    manifest = manifest_of(sl, 0)
    assert "temple" not in {u.concept_id for u in manifest.undrawn}  # drawn, as a landmark
    assert any(e.drawing == "icon:hindu-temple" for e in manifest.elements)


def test_a_mountain_far_away_is_no_taller_than_the_nearest_things() -> None:
    sl = _shot_list("Children play in the village. A mountain stands behind them.")
    cast = cast_of(sl, 0, scene_of(sl))
    mountain = next(f for f in cast if f.icon == "snow-capped-mountain")
    assert mountain.height <= MAX_NEAR_H and mountain.y < GROUND_Y


def test_worn_things_sit_on_the_wearer_and_go_where_the_wearer_goes() -> None:
    sl = _shot_list("A doctor with a stethoscope examines a child in the hospital.")
    sl.entities.add(
        id="object-stethoscope", kind=analysis_pb2.ENTITY_KIND_OBJECT, name="stethoscope", concept_id="stethoscope"
    )  # as the language service's concepts give it
    cast = cast_of(sl, 0, scene_of(sl))
    doctor = next(f for f in cast if f.role == "doctor")
    worn = next(f for f in cast if f.placement == "worn")
    assert worn.x == doctor.x and doctor.y - doctor.height < worn.y < doctor.y
    assert cast.index(worn) > cast.index(doctor)  # drawn over the coat
    _, undrawn = elements_of(sl)
    assert "stethoscope" not in {u.concept_id for u in undrawn}


def test_a_worn_thing_with_nobody_to_wear_it_lies_in_the_scene() -> None:
    sl = _shot_list("A garland of marigolds lies on the steps of the temple.")
    sl.entities.add(id="object-garland", kind=analysis_pb2.ENTITY_KIND_OBJECT, name="garland", concept_id="garland")
    assert not any(e.kind == analysis_pb2.ENTITY_KIND_CHARACTER for e in sl.entities)
    for shot in sl.shots:
        shot.props.add(entity_id="object-garland")
    garlands = [f for i in range(len(sl.shots)) for f in cast_of(sl, i, scene_of(sl)) if f.concept_id == "garland"]
    assert garlands and all(f.placement == "ground" for f in garlands)
    drawn = {e.concept_id for i in range(len(sl.shots)) for e in manifest_of(sl, i).elements}
    assert "garland" in drawn


@pytest.mark.parametrize(
    "text",
    [
        "A fisherman mends his net beside his boat while a dog sleeps near a basket of fish.",
        "The teacher holds a book; a bicycle, a box and a chair stand by the classroom door.",
        "किसान ट्रैक्टर के पास खड़ा है और एक गाय और एक बकरी खेत में हैं।",
    ],
)
def test_every_shot_but_a_close_up_shows_the_things_its_beat_names(text: str) -> None:
    sl = _shot_list(text, "hi" if not text.isascii() else "en")
    close = (analysis_pb2.SHOT_SIZE_CLOSE_UP, analysis_pb2.SHOT_SIZE_EXTREME_CLOSE_UP)
    checked = 0
    for i, shot in enumerate(sl.shots):
        if shot.camera.shot_size in close:
            continue
        own = {p.entity_id for p in shot.props} | {c.entity_id for c in shot.characters} or set(shot.entity_ids)
        placed = {f.entity_id.split("#")[0] for f in cast_of(sl, i, scene_of(sl)) if f.placement != "sky"}
        shown = {e.entity_id.split("#")[0] for e in manifest_of(sl, i).elements if e.entity_id}
        assert own & placed <= shown, f"shot {i} ({shot.camera.shot_size}) leaves {sorted((own & placed) - shown)}"
        checked += len(own & placed)
    assert checked > 0
