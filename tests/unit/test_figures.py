"""Storyboard people: roles by costume and props, age by proportions, stoop and stick, poses by action."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from PIL import Image

from drishya.analysis.v1 import analysis_pb2 as a
from services.render.storyboard.figures import (
    BUILDS,
    POSE_FAMILIES,
    POSE_WORDS,
    WOOD,
    draw_person,
    head_top,
    head_top_of,
    look_of,
    pose_at,
    pose_family,
)
from services.render.storyboard.pen import PERSON_H, Affine, Pen
from services.render.storyboard.scene import COLOUR_WORDS, ROLES, Figure, Scene

BG = (200, 210, 200)
SIZE = 420
GROUND = 380.0
"""Canvas y of the ground; one world unit is one pixel and the figure stands at x = SIZE / 2."""


def neutral_scene() -> Scene:
    """Morning light, clear sky, no palette and a calm mood: figure colours are nearly as given."""
    values: dict[str, object] = {
        "time_of_day": a.TIME_OF_DAY_MORNING,
        "weather": a.WEATHER_CLEAR,
        "indoor": False,
        "setting": "",
        "features": frozenset(),
        "palette": (),
        "intensity": 0.5,
        "tone": "calm",
        "sentiment": 0.5,
        "seed": 1,
    }
    return Scene(**{f.name: values[f.name] for f in dataclasses.fields(Scene)})  # type: ignore[arg-type]


SCENE = neutral_scene()


def person(role: str = "person", **kw: object) -> Figure:
    values: dict[str, object] = {
        "entity_id": f"character-{role}",
        "kind": a.ENTITY_KIND_CHARACTER,
        "name": role,
        "species": "person",
        "x": SIZE / 2,
        "y": GROUND,
        "height": float(PERSON_H),
        "action": "stand",
        "female": False,
        "male": False,
        "clothes": (42, 157, 143),  # a palette colour, not one named in the text
        "skin": (173, 114, 76),
        "phase": 1.3,
        "role": role,
        "age": "adult",
    }
    values.update(kw)
    return Figure(**values)  # type: ignore[arg-type]


def draw(fig: Figure, action: str = "stand", t: float = 0.0, zoom: float = 1.0) -> np.ndarray:
    image = Image.new("RGB", (SIZE, SIZE), BG)
    m = Affine.scale_offset(zoom, SIZE / 2 - SIZE / 2 / zoom, GROUND - GROUND / zoom)
    draw_person(Pen(image, m), SCENE, fig, fig.x, t, action)
    return np.asarray(image).astype(np.int16)


def inked(pixels: np.ndarray) -> np.ndarray:
    return np.asarray(np.any(pixels != np.array(BG, np.int16), axis=-1), dtype=bool)


def bbox(pixels: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(inked(pixels))
    assert len(ys), "nothing drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


@pytest.mark.parametrize("role", ROLES)
def test_every_role_draws_in_every_pose(role: str) -> None:
    for action in (*POSE_FAMILIES, "fly", "unknown"):
        for t in (0.0, 0.41):
            pixels = draw(person(role), action, t, zoom=0.55)
            x0, y0, x1, _ = bbox(pixels)
            assert inked(pixels).sum() > 800, (role, action)
            assert x0 > 0 and x1 < SIZE - 1 and y0 > 0, (role, action)  # nothing runs off the canvas


@pytest.mark.parametrize("role", [r for r in ROLES if r != "person"])
def test_each_role_looks_different_from_a_plain_person(role: str) -> None:
    plain = draw(person("person"))
    fig = draw(person(role))
    x0, y0, x1, y1 = bbox(plain)
    box = (slice(y0, y1 + 1), slice(x0, x1 + 1))
    changed = np.any(np.abs(fig[box] - plain[box]) > 24, axis=-1).mean()
    assert changed > 0.1, f"{role} differs from a plain person in only {changed:.1%} of the figure's box"


def test_roles_pull_gender_and_age() -> None:
    assert look_of("bride", False, False, "adult", (1, 2, 3)).female
    assert look_of("king", False, False, "adult", (1, 2, 3)).male
    assert look_of("girl", False, False, "adult", (1, 2, 3)).age == "child"
    assert look_of("old_woman", False, False, "adult", (1, 2, 3)).age == "old"
    assert look_of("baby", False, False, "child", (1, 2, 3)).age == "baby"
    assert (
        look_of("farmer", False, True, "old", (1, 2, 3)).hair != look_of("farmer", False, True, "adult", (1, 2, 3)).hair
    )


def test_a_colour_named_in_the_text_shows_on_a_uniform() -> None:
    yellow = SCENE.paint(COLOUR_WORDS["yellow"])
    named = draw(person("police_officer", clothes=COLOUR_WORDS["yellow"]))
    assert np.all(named == np.array(yellow, np.int16), axis=-1).sum() > 2000
    palette = draw(person("police_officer", clothes=(230, 200, 40)))  # a palette colour: khaki stays
    assert np.all(palette == np.array(SCENE.paint((230, 200, 40)), np.int16), axis=-1).sum() < 200
    for role in ("farmer", "bride", "groom", "firefighter", "soldier", "student", "nurse", "priest", "player"):
        pixels = draw(person(role, clothes=COLOUR_WORDS["blue"]))
        assert np.all(pixels == np.array(SCENE.paint(COLOUR_WORDS["blue"]), np.int16), axis=-1).sum() > 500, role


def test_old_people_stoop_are_shorter_and_lean_on_a_stick() -> None:
    for action in ("stand", "walk"):
        assert head_top(action, 1.3, age="old") < head_top(action, 1.3) - 0.01
        assert head_top(action, 1.3, role="old_woman") == head_top(action, 1.3, age="old")
    wood = np.array(SCENE.paint(WOOD), np.int16)
    for role, kw in (("old_woman", {}), ("old_man", {}), ("farmer", {"age": "old"}), ("person", {"age": "old"})):
        old = draw(person(role, **kw))
        young = draw(person("woman" if role == "old_woman" else "man" if role == "old_man" else role))
        stick = np.all(old[int(GROUND) - 60 : int(GROUND) + 1] == wood, axis=-1)
        assert stick.sum() > 40, role  # a wooden stick reaches the ground
        assert not np.all(young[int(GROUND) - 60 : int(GROUND) + 1] == wood, axis=-1).any()
        if role != "farmer":  # (the farmer's hoe rises above the head)
            assert bbox(old)[1] > bbox(young)[1]  # the top of the head is lower
    grey = np.array(SCENE.paint(look_of("old_man", False, True, "old", (1, 2, 3)).hair), np.int16)
    assert np.all(draw(person("old_man")) == grey, axis=-1).sum() > 20  # grey hair
    # and a slower, shorter step
    stride = [abs(pose_at("walk", t, 0.0).l_thigh) for t in np.linspace(0, 2, 41)]
    old_stride = [abs(pose_at("walk", t, 0.0, age="old").l_thigh) for t in np.linspace(0, 2, 41)]
    assert max(old_stride) < 0.7 * max(stride)


def test_children_have_larger_heads_and_babies_sit() -> None:
    adult, child, baby = BUILDS["adult"], BUILDS["child"], BUILDS["baby"]
    assert child.head_r > 1.2 * adult.head_r and baby.head_r > child.head_r
    for build in (child, baby):  # the same standing height: the body gives way to the head
        total = build.thigh + build.shin + build.torso + build.neck + 2 * build.head_r
        assert total == pytest.approx(adult.thigh + adult.shin + adult.torso + adult.neck + 2 * adult.head_r)
    assert head_top("stand", 0.0, role="baby") < 0.4
    assert head_top("walk", 0.0, role="baby") == head_top("stand", 0.0, role="baby")  # a baby does not walk
    _, y0, _, y1 = bbox(draw(person("baby", age="child", height=PERSON_H * 0.62)))
    assert y1 - y0 < 0.3 * PERSON_H


def test_head_top_is_where_the_head_is_for_every_pose() -> None:
    cases: list[tuple[str, dict[str, object]]] = [
        (role, {}) for role in ("person", "woman", "boy", "baby", "old_man", "king")
    ]
    cases += [("man", {"vehicle": "vehicle-car"}), ("person", {"age": "old"})]
    for role, kw in cases:
        for action in POSE_FAMILIES:
            fig = person(role, action=action, **kw)
            pixels = draw(fig, action)
            _, y0, _, y1 = bbox(pixels)
            top = GROUND - fig.height * head_top_of(fig)
            assert y0 - 1 <= top <= y1, (role, kw, action, top, y0, y1)
            # ink just under the top: the head is there, not empty space
            row = inked(pixels)[int(top) + 2]
            assert row.any(), (role, kw, action)
            assert head_top_of(fig) == head_top(action, fig.phase, age=fig.age, role=role, vehicle=bool(fig.vehicle))


def test_a_person_in_a_vehicle_is_drawn_above_the_seat_only() -> None:
    for action in ("sit", "drive", "ride", "wave", "stand"):
        fig = person("driver", vehicle="vehicle-car", y=GROUND - 100)
        pixels = draw(fig, action)
        assert not inked(pixels)[int(fig.y) + 4 :].any(), action  # no legs below the seat
        assert bbox(pixels)[1] < fig.y - 0.4 * fig.height
    assert head_top("sit", 0.2, vehicle=True) == pytest.approx(head_top("sit", 0.2), abs=0.02)


def test_pose_words_map_action_lemmas_to_families() -> None:
    expect = {
        "cook": "cook", "stir": "cook", "read": "read", "study": "read", "kick": "play", "throw": "play",
        "carry": "carry", "lift": "carry", "drive": "drive", "ride": "ride", "swim": "swim", "cry": "cry",
        "weep": "cry", "laugh": "laugh", "smile": "laugh", "dance": "dance", "walk": "walk", "run": "run",
        "sit": "sit", "wave": "wave", "pray": "pray", "crash": "stand", " Stir ": "cook",
    }  # fmt: skip
    assert {lemma: pose_family(lemma) for lemma in expect} == expect
    lemmas = [lemma for words in POSE_WORDS.values() for lemma in words]
    assert len(lemmas) == len(set(lemmas)), "a lemma in two families"
    assert set(POSE_WORDS) - {"fly"} <= set(POSE_FAMILIES)


def test_new_poses_look_like_their_action() -> None:
    def wrist_height(action: str, t: float = 0.0) -> float:
        hand = pose_at(action, t, 0.0).r_hand
        assert hand is not None
        return hand[1]  # below the neck, in figure heights

    assert wrist_height("carry") < 0 < wrist_height("read")  # hands above the shoulders / before the chest
    assert wrist_height("cry") < 0 and pose_at("cry", 0.0, 0.0).nod > 0  # hands to the bowed face
    assert pose_at("laugh", 0.0, 0.0).nod < 0  # head thrown back
    assert pose_at("cook", 0.0, 0.0).r_hand != pose_at("cook", 0.3, 0.0).r_hand  # stirring
    assert pose_at("play", 0.0, 0.0).r_thigh != pose_at("play", 0.3, 0.0).r_thigh  # kicking
    assert pose_at("drive", 0.0, 0.0).chair and pose_at("ride", 0.0, 0.0).chair
    assert head_top("drive", 0.0) < 0.85 and head_top("swim", 0.0) < 0.35  # seated; lying in the water
    swim = pose_at("swim", 0.0, 0.0)
    assert math.degrees(swim.lean) == pytest.approx(90)  # horizontal
    laugh = [draw(person("man"), "laugh", t) for t in (0.0, 0.1)]
    assert np.any(laugh[0] != laugh[1])  # shoulders bouncing


def test_two_children_and_a_couple_on_one_canvas() -> None:
    image = Image.new("RGB", (640, 300), BG)
    pen = Pen(image, Affine.scale_offset(0.5, 0.0, GROUND - 560))  # the ground at y = 280
    child = PERSON_H * 0.62
    for x, fig, action in (
        (150.0, person("girl", height=child, phase=0.2), "play"),
        (400.0, person("boy", height=child, phase=2.0), "run"),
        (800.0, person("bride"), "stand"),
        (1000.0, person("groom"), "wave"),
    ):
        draw_person(pen, SCENE, fig, x, 0.3, action)
    pixels = np.asarray(image).astype(np.int16)
    for x0 in (25, 150, 350, 450):  # each of the four has its own column of ink
        assert inked(pixels[:, x0 : x0 + 100]).sum() > 300
