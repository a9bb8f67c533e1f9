"""Composition: every entity of the scene placed in the world by what it is and where it belongs.

The cast of a scene is the same in every shot (one place, one set of things); shots differ in what
the camera frames and in what each character does. Entities that stand for the same concept ("child"
and "children") are one element; a number in the text ("two", "3", "a group") gives copies.

Placement rules (world units; an adult is ``PERSON_H`` = 300 units for 1.7 m, so 1 m ≈ 176 units
at the people's depth):

- people stand at ``GROUND_Y`` around the centre; a person who drives or rides sits in the vehicle;
- things on the ground stand beside the people at real-world height; a thing taller than
  :data:`MAX_NEAR_H` is pushed back toward the horizon until it fits (perspective: apparent size
  falls linearly with the distance of its base from the horizon), so a house stands behind the
  people at the size a house has there;
- boats float on the setting's water band, vehicles stand on its road where it has one;
- birds, kites, aeroplanes sit in the sky, spread over it;
- furniture stands on a room's floor, pictures and screens hang on its wall;
- small things (under :data:`MIN_THING_H`) are held by the first person, or stand in the
  foreground when nobody is there; worn things (a stethoscope, a garland) sit on the first
  person's chest.

Pure geometry from the shot list and the asset table; no drawing and no I/O beyond the packaged
table.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2
from services.scene.concepts import Category, default_vocabulary
from services.scene.numbers import NUMBER_WORDS as SOURCE_NUMBER_WORDS

from . import assets
from .errors import RenderError
from .figures import pose_family
from .pen import GROUND_Y, HORIZON_Y, PERSON_H, RGB, WORLD_W
from .scene import (
    CHILD_WORDS,
    COLOUR_WORDS,
    FEMALE_WORDS,
    MALE_WORDS,
    SKIN_TONES,
    Figure,
    Scene,
    _has_word,
    parse_hex,
)

PX_PER_M = PERSON_H / 1.7
"""World units per metre at the people's depth (an adult is 1.7 m)."""
MAX_NEAR_H = 520.0
"""Tallest apparent height (world units) of a thing at the people's depth; taller things go back."""
MIN_THING_H = 56.0
"""Smallest apparent height (world units) a thing is drawn at, so it reads in a wide shot."""
PERSON_SPACING = 150.0
BACK_ROW = 0.55
"""Depth factor of the row behind the people, for things with no room beside them."""
SKY_TOP, SKY_BOTTOM = 120.0, HORIZON_Y - 150.0
"""World y range where things in the sky are put."""
SKY_THING_H: dict[str, float] = {"bird": 46.0, "kite": 90.0}
"""Apparent height of sky things by icon name (others: 120 units, an aeroplane far away)."""
MAX_COPIES = 9

EXACT_NUMBERS: dict[str, int] = {**SOURCE_NUMBER_WORDS["en"], "single": 1, "pair": 2, "couple": 2, "both": 2}
"""English words of an exact count (one to ten, "a", "a pair"...), from :mod:`services.scene.numbers`."""
VAGUE_NUMBERS: dict[str, int] = {
    "few": 3, "several": 4, "some": 3, "many": 6, "group": 4, "crowd": 8, "flock": 6, "herd": 5,
    "hundreds": 9, "thousands": 9, "dozens": 8,
}  # fmt: skip
"""English words of a vague count the analysis leaves in attributes, and how many copies each draws."""

DRIVE_ACTIONS = ("drive", "ride", "steer", "pedal", "sail", "row", "fly")
"""Action lemmas that put a person inside (or on) the vehicle of the scene."""

SKY_PAINTED = frozenset({"sun", "moon", "star", "cloud", "sky"})
"""Concepts the painted sky shows by itself (by time of day and weather), never as separate icons."""

PROCEDURAL_PROPS: dict[str, str] = {"umbrella": "umbrella", "parasol": "umbrella"}
"""Things drawn procedurally when someone holds them: an umbrella opens over its holder in the colour
the text names (an icon cannot take the colour)."""

OLD_WORDS = ("old", "elderly", "aged", "grandmother", "grandfather", "grandma", "grandpa", "granny")


@dataclass(frozen=True)
class Element:
    """One entity of the scene as composed: its members (same concept), asset and copy count."""

    key: str
    """The first entity id of the element, e.g. ``"character-child"``."""
    entity_ids: tuple[str, ...]
    concept_id: str
    label: str
    kind: int
    """``analysis_pb2.EntityKind``."""
    asset: assets.Asset | None
    count: int
    attributes: tuple[str, ...]


@dataclass(frozen=True)
class Undrawn:
    """A concept of the analysis that no shot draws, and why."""

    concept_id: str
    label: str
    reason: str


def _counts(words: Sequence[str]) -> tuple[int, int]:
    """(largest exact count, largest vague count) the English attribute ``words`` give; 0 for none.
    Digits are exact."""
    exact = vague = 0
    for text in words:
        for word in re.findall(r"\w+", text.lower()):
            if word.isdigit():
                exact = max(exact, int(word))
            elif word in EXACT_NUMBERS:
                exact = max(exact, EXACT_NUMBERS[word])
            elif word in VAGUE_NUMBERS:
                vague = max(vague, VAGUE_NUMBERS[word])
    return exact, vague


def count_of(words: Sequence[str]) -> int:
    """Copies a set of English attribute words asks for (at most :data:`MAX_COPIES`): a digit or an
    exact number word wins over a vague one ("two" and "group" give 2), else the vague word's
    count, else 1."""
    exact, vague = _counts(words)
    return max(1, min(MAX_COPIES, exact or vague or 1))


def concept_of(entity: analysis_pb2.Entity) -> str:
    """The vocabulary concept id of ``entity``: its ``concept_id`` when that is one, else the concept
    whose label or synonym is its concept id or name ("old woman" → ``old_woman``), else its name."""
    vocabulary = default_vocabulary()
    if entity.concept_id in vocabulary:
        return entity.concept_id
    for term in (entity.concept_id, entity.name):
        found = vocabulary.by_term(term.lower().strip()) if term else None
        if found is not None:
            return found.id
    if entity.concept_id:
        return entity.concept_id
    name = entity.name.lower().strip()
    return name[:-1] if name.endswith("s") and len(name) > 3 else name


def _landmark(entity: analysis_pb2.Entity, setting: str) -> assets.Asset | None:
    """The landmark drawing of a place entity whose setting is not the scene's ``setting``, or None."""
    asset = assets.asset_for(concept_of(entity))
    if asset is None or asset.drawing != "setting" or not asset.setting or asset.setting == setting:
        return None
    mark = LANDMARKS.get(asset.setting)
    if mark is None:
        return None
    return assets.Asset(concept_of(entity), "icon", mark[0], None, None, None, "ground", mark[1], "landmark", 1.0)


def _drawn_as_thing(entity: analysis_pb2.Entity) -> bool:
    """A place or nature entity the asset table draws as a thing (waves, a tree), not a setting."""
    asset = assets.asset_for(concept_of(entity))
    return asset is not None and asset.drawing == "icon"


LANDMARKS: dict[str, tuple[str, float]] = {
    "school": ("school", 12.0), "classroom": ("school", 12.0), "hospital": ("hospital", 15.0),
    "mosque": ("mosque", 20.0), "church": ("church", 18.0), "temple": ("hindu-temple", 20.0),
    "home": ("house", 6.0), "kitchen": ("house", 6.0), "village": ("hut", 4.0), "stadium": ("stadium", 25.0),
    "city_square": ("classical-building", 15.0), "polling_station": ("classical-building", 12.0),
    "office": ("office-building", 30.0), "newsroom": ("office-building", 30.0), "shop": ("convenience-store", 6.0),
    "market": ("convenience-store", 6.0), "railway_station": ("station", 8.0), "bus_stop": ("bus-stop", 3.0),
    "wedding_hall": ("wedding", 10.0), "mountain": ("snow-capped-mountain", 900.0), "forest": ("evergreen-tree", 12.0),
    "desert": ("desert", 30.0), "stage": ("circus-tent", 10.0), "park": ("deciduous-tree", 10.0),
    "garden": ("deciduous-tree", 8.0),
}  # fmt: skip
"""A second place of a scene drawn as a landmark in the one setting (Noto icon, real height in
metres): a school seen from the river bank, a mountain behind a village. Water, roads and open
ground have no landmark: a scene is drawn in one setting and such a place is listed undrawn."""


def elements_of(shot_list: prompt_pb2.ShotList, setting: str = "") -> tuple[list[Element], list[Undrawn]]:
    """The scene's drawable elements (people first) and the concepts left undrawn, with reasons.

    Locations are the setting, not elements (unless the asset table draws them as things: waves,
    a tree); with ``setting`` (the scene's setting id), a place that maps to another setting is a
    landmark element (:data:`LANDMARKS`). Entities of one concept are one element; a plural
    second entity (``"children"`` beside ``"child"``) makes a group of at least three.
    """
    groups: dict[str, list[analysis_pb2.Entity]] = {}
    landmarks: dict[str, assets.Asset] = {}
    for e in shot_list.entities:
        mark = _landmark(e, setting) if setting and e.kind == analysis_pb2.ENTITY_KIND_LOCATION else None
        if mark is not None:
            landmarks.setdefault(concept_of(e), mark)
            groups.setdefault(concept_of(e), []).append(e)
            continue
        if (e.kind == analysis_pb2.ENTITY_KIND_LOCATION and not _drawn_as_thing(e)) or concept_of(e) in SKY_PAINTED:
            continue
        groups.setdefault(concept_of(e), []).append(e)
    elements: list[Element] = []
    undrawn: list[Undrawn] = []
    for key, members in groups.items():
        first = members[0]
        concept = key
        asset = landmarks.get(concept) or assets.asset_for(concept)
        words = [w for e in members for w in e.attributes]
        count = count_of(words)  # the analysis puts the text's numbers, in any script, in attributes
        exact = _counts(words)[0] > 0
        plural = len(members) > 1 or any(w.lower() == "group" for w in words)
        if plural and count == 1 and not exact:
            count = 3
        if first.kind == analysis_pb2.ENTITY_KIND_CHARACTER and any(w.lower() == "crowd" for w in words):
            count = max(count, VAGUE_NUMBERS["crowd"])
        label = first.name or concept.replace("_", " ")
        person = first.kind == analysis_pb2.ENTITY_KIND_CHARACTER or (asset is not None and asset.drawing == "figure")
        if not person and (asset is None or asset.drawing != "icon"):
            asset = _as_thing(concept, asset)
        if not person and (asset is None or asset.drawing != "icon" or not asset.icon):
            undrawn.append(Undrawn(concept, label, _why_not(asset)))
            continue
        elements.append(
            Element(
                key=first.id,
                entity_ids=tuple(e.id for e in members),
                concept_id=concept,
                label=label,
                kind=analysis_pb2.ENTITY_KIND_CHARACTER
                if person
                else analysis_pb2.ENTITY_KIND_OBJECT
                if concept in landmarks
                else first.kind,
                asset=asset,
                count=count,
                attributes=tuple(dict.fromkeys(words)),
            )
        )
    elements.sort(key=lambda el: el.kind != analysis_pb2.ENTITY_KIND_CHARACTER)
    return elements, undrawn


def _as_thing(concept: str, asset: assets.Asset | None) -> assets.Asset | None:
    """An icon for a thing whose concept the table draws otherwise (a sand "castle" the table
    draws as a setting): the Noto icon of the concept's own name, at the height of a thing one
    can build or carry (1 m), on the ground. ``asset`` unchanged when there is no such icon."""
    name = concept.replace("_", "-")
    try:
        assets.icon_svg(name)
    except RenderError:
        return asset
    return assets.Asset(concept, "icon", name, None, None, None, "ground", 1.0, "name", 1.0)


def _why_not(asset: assets.Asset | None) -> str:
    if asset is None:
        return "no drawing in the asset table for this concept"
    if asset.drawing in ("setting", "weather", "time", "sky"):
        return f"drawn as the scene's {asset.drawing}, not as a thing"
    return f"no icon for a {asset.drawing} drawing"


@dataclass(frozen=True)
class _Look:
    role: str
    age: str
    female: bool
    male: bool


def _look(el: Element) -> _Look:
    words = f"{el.label} {el.concept_id.replace('_', ' ')} {' '.join(el.attributes)}".lower()
    role = el.asset.role if el.asset is not None and el.asset.role else "person"
    old = _has_word(words, OLD_WORDS) or role in ("old_man", "old_woman")
    child = role in ("child", "boy", "girl", "baby", "student") and not old
    child = child or (_has_word(words, CHILD_WORDS) and not _has_word(words, ("young woman", "young man")))
    female = _has_word(words, FEMALE_WORDS) or role in ("woman", "girl", "old_woman", "bride", "queen", "nurse")
    male = not female and (_has_word(words, MALE_WORDS) or role in ("man", "boy", "old_man", "groom", "king"))
    if role == "student" and not _has_word(words, ("child", "boy", "girl", "kid", "school")):
        child = False
    age = "old" if old else "child" if child else "adult"
    return _Look(role, age, female, male)


def _colour(attributes: Sequence[str], fallback: RGB) -> RGB:
    for attr in attributes:
        for word in attr.lower().split():
            if word in COLOUR_WORDS:
                return COLOUR_WORDS[word]
    return fallback


def _poses(shot_list: prompt_pb2.ShotList, index: int) -> dict[str, str]:
    """Entity id → English action lemma in shot ``index``: its structured characters' actions, its
    props (no action of their own), else its ``entity_ids`` with the shot's action."""
    shot = shot_list.shots[index]
    if shot.characters or shot.props:
        out = {p.entity_id: "" for p in shot.props}
        out.update({c.entity_id: c.action.strip().lower() for c in shot.characters})
        return out
    return {i: shot.action.strip().lower() for i in shot.entity_ids}


def _lemma_of(el: Element, poses: dict[str, str], shot_action: str) -> str:
    for i in el.entity_ids:
        if poses.get(i):
            return poses[i]
    return shot_action if any(i in poses for i in el.entity_ids) else ""


def thing_height(asset: assets.Asset) -> tuple[float, float]:
    """(apparent height in world units, base y) of a ground thing of ``asset`` at its depth.

    A thing taller than :data:`MAX_NEAR_H` at the people's depth goes back: at depth factor ``s``
    (1 at ``GROUND_Y``, 0 at the horizon) it looks ``s`` times as tall and stands at
    ``HORIZON_Y + s * (GROUND_Y - HORIZON_Y)``; ``s`` stops at 0.12 (a mountain is not drawn at
    the horizon's thin line), where the height is capped at :data:`MAX_NEAR_H`.
    """
    real = max(0.01, asset.height_m or 1.0) * PX_PER_M
    s = min(1.0, MAX_NEAR_H / real)
    s = max(s, 0.12)
    return max(MIN_THING_H, min(real * s, MAX_NEAR_H)), HORIZON_Y + s * (GROUND_Y - HORIZON_Y)


def cast_of(shot_list: prompt_pb2.ShotList, index: int, scene: Scene) -> list[Figure]:
    """The figures of shot ``index``, far first: the scene's elements placed in the world, those
    of this shot drawn.

    Everything of the scene is placed, so a thing keeps its spot in every shot; drawn are the
    shot's own entities (its structured characters and props, else its ``entity_ids``) and the
    things that are part of the place (see :func:`_present`). A person's pose is the action of
    this shot.
    """
    elements, _ = elements_of(shot_list, scene.setting)
    poses = _poses(shot_list, index)
    shot = shot_list.shots[index]
    present = {c.entity_id for c in shot.characters} | {p.entity_id for p in shot.props} or set(shot.entity_ids)
    shot_action = shot_list.shots[index].action.strip().lower()
    said = {c.entity_id: tuple(c.attributes) for c in shot.characters} | {
        p.entity_id: tuple(p.attributes) for p in shot.props
    }

    def attributes(el: Element) -> tuple[str, ...]:  # the shot's own words first ("blue saree")
        return (*(a for i in el.entity_ids for a in said.get(i, ())), *el.attributes)

    palette = [c for c in (parse_hex(p) for p in shot_list.mood.palette) if c is not None]
    water, road, floor = _bands(scene)
    people = [el for el in elements if el.kind == analysis_pb2.ENTITY_KIND_CHARACTER]
    things = [el for el in elements if el.kind != analysis_pb2.ENTITY_KIND_CHARACTER]
    figures: list[Figure] = []
    centre = WORLD_W * 0.46
    total_people = sum(min(el.count, MAX_COPIES) for el in people)
    vehicles = [el for el in things if _is_vehicle(el)]
    slot = 0
    driver_of: dict[str, str] = {}
    for i, el in enumerate(people):
        look = _look(el)
        lemma = _lemma_of(el, poses, shot_action)
        if lemma in DRIVE_ACTIONS and vehicles and vehicles[0].key not in driver_of.values():
            driver_of[el.key] = vehicles[0].key
        h_id = zlib.crc32(el.key.encode())
        fallback = palette[(i + 1) % len(palette)] if palette else COLOUR_WORDS["orange"]
        for k in range(el.count):
            dress = fallback if k == 0 or not palette else palette[(i + k) % len(palette)]
            height = PERSON_H * (0.62 if look.age == "child" else 0.95 if look.age == "old" else 1.0)
            x = centre + (slot - (total_people - 1) / 2) * PERSON_SPACING * (0.8 if total_people > 4 else 1.0)
            row_back = 0.0 if total_people <= 5 else (18.0 if slot % 2 else 0.0)
            slot += 1
            vehicle = driver_of.get(el.key, "") if k == 0 else ""
            pose = "sit" if vehicle else pose_family(lemma) if lemma else "stand"
            base_y = floor - row_back
            if pose == "swim" and water is not None:  # a swimmer is in the water, not on the bank
                base_y = water[0] + (water[1] - water[0]) * 0.6
            figures.append(
                Figure(
                    entity_id=el.key if k == 0 else f"{el.key}#{k + 1}",
                    kind=analysis_pb2.ENTITY_KIND_CHARACTER,
                    name=el.label,
                    species="person",
                    x=x,
                    y=base_y,
                    height=height * (1 - row_back / 600),
                    action=pose,
                    female=look.female if k == 0 or el.count < 3 else (k % 2 == 0),
                    male=look.male if k == 0 or el.count < 3 else (k % 2 == 1),
                    clothes=_colour(attributes(el), dress),
                    skin=SKIN_TONES[(h_id + k) % len(SKIN_TONES)],
                    phase=((h_id + 97 * k) % 628) / 100.0,
                    role=look.role,
                    age=look.age,
                    concept_id=el.concept_id,
                    vehicle=vehicle,
                )
            )
    right = centre + (total_people / 2) * PERSON_SPACING + 40.0
    left = centre - (total_people / 2) * PERSON_SPACING - 40.0
    sky_slot = 0
    holder = figures[0] if figures else None
    worn_by: dict[str, str] = {}
    for el in things:
        asset = el.asset
        assert asset is not None
        h_id = zlib.crc32(el.key.encode())
        lemma = _lemma_of(el, poses, shot_action)
        driven = el.key in driver_of.values()
        for k in range(el.count):
            eid = el.key if k == 0 else f"{el.key}#{k + 1}"
            placement = asset.placement
            if placement == "wall" and not scene.indoor:
                placement = "ground"
            if placement == "indoor" and not scene.indoor:
                placement = "ground"
            if placement == "worn" and (holder is None or k > 0):
                placement = "ground"  # nobody to wear it (or a second one): it lies where it is seen
            height, y = thing_height(asset)
            if placement == "sky":
                height = SKY_THING_H.get((asset.icon or "").split("-")[0], 120.0) * (1.0 if k == 0 else 0.85)
                x = WORLD_W * (0.18 + ((h_id % 97) / 97 * 0.5 + 0.13 * sky_slot) % 0.66)
                y = SKY_TOP + ((h_id >> 8) % 100) / 100 * (SKY_BOTTOM - SKY_TOP) * 0.7 + 30 * (k % 3)
                sky_slot += 1
            elif placement == "water" and water is not None:
                y = water[0] + (water[1] - water[0]) * (0.55 + 0.25 * (k % 2))
                s = (y - HORIZON_Y) / (GROUND_Y - HORIZON_Y)
                height = max(MIN_THING_H, min((asset.height_m or 1.0) * PX_PER_M, MAX_NEAR_H) * max(0.25, s))
                x = WORLD_W * 0.3 + k * height * 1.6
            elif driven and k == 0:
                driver = next(f for f in figures if f.vehicle == el.key)
                x, y = driver.x, (floor if road is None else road[1])
                height = min(max(MIN_THING_H, (asset.height_m or 1.0) * PX_PER_M), MAX_NEAR_H)
            elif placement == "worn":
                assert holder is not None
                x, y = holder.x, holder.y - 0.46 * holder.height  # on the chest of the first person
                height = 0.2 * holder.height
                worn_by[eid] = holder.entity_id
            elif placement == "held" and holder is not None and k == 0:
                x, y = holder.x + 0.3 * holder.height, holder.y - 0.42 * holder.height
                height = max(MIN_THING_H * 0.8, min(height, 0.3 * holder.height))
            elif placement == "wall":
                x = WORLD_W * 0.62 + k * 160.0
                y = 470.0
                height = min(height, 200.0)
            else:
                if height <= MIN_THING_H * 1.2 and placement in ("held", "ground", "indoor"):
                    y = floor + 60.0  # small things in the foreground, where they read
                if road is not None and el.kind == analysis_pb2.ENTITY_KIND_OBJECT and _is_vehicle(el):
                    y = road[0] + (road[1] - road[0]) * 0.7
                width = height * 1.1
                fits_right, fits_left = right + width < WORLD_W - 20, left - width > 20
                if asset.match == "landmark":  # a second place: behind the people, in the middle
                    x = WORLD_W * (0.3 + 0.4 * ((h_id + 37 * k) % 101) / 100)
                elif fits_right and ((slot + k) % 2 == 0 or not fits_left):
                    x = right + width / 2
                    right += width + 30.0
                elif fits_left:
                    x = left - width / 2
                    left -= width + 30.0
                else:  # no room beside the people: further back, smaller, spread across
                    height *= BACK_ROW
                    y = HORIZON_Y + BACK_ROW * (y - HORIZON_Y)
                    x = WORLD_W * (0.15 + 0.7 * ((h_id + 37 * k) % 101) / 100)
                slot += 1
            procedural = PROCEDURAL_PROPS.get(el.concept_id, "")
            if procedural and holder is not None and k == 0:
                x, y, height = holder.x, holder.y, holder.height
            figures.append(
                Figure(
                    entity_id=eid,
                    kind=el.kind,
                    name=el.label,
                    species=procedural if procedural and holder is not None and k == 0 else "icon",
                    x=x,
                    y=y,
                    height=height,
                    action=pose_family(lemma) if lemma else ("fly" if placement == "sky" else "stand"),
                    female=False,
                    male=False,
                    clothes=_colour(attributes(el), palette[0] if palette else COLOUR_WORDS["brown"]),
                    skin=(120, 120, 120),
                    phase=((h_id + 131 * k) % 628) / 100.0,
                    concept_id=el.concept_id,
                    icon=asset.icon or "",
                    placement=placement,
                )
            )
    # a driver sits in the vehicle: raise the driver to its seat
    for n, f in enumerate(figures):
        if f.vehicle:
            car = next((g for g in figures if g.entity_id == f.vehicle), None)
            if car is not None:
                seat = car.y - 0.42 * car.height
                figures[n] = replace(f, x=car.x, y=seat, height=min(f.height, max(car.height * 0.9, 150.0)))
    figures = [f for f in figures if _present(f, present, elements) or f.entity_id in worn_by]
    kept = {f.entity_id for f in figures}
    figures = [f for f in figures if worn_by.get(f.entity_id, f.entity_id) in kept]  # worn: with its wearer
    seat_of = {f.vehicle: f for f in figures if f.vehicle}
    cars = {f.entity_id: f for f in figures if f.entity_id in seat_of}

    wearers = {f.entity_id: f for f in figures}

    def depth(f: Figure) -> tuple[bool, float]:
        # far first; a driver right after the vehicle, so it is seen sitting in it; worn things on
        # their wearer
        y = cars[f.vehicle].y + 0.5 if f.vehicle in cars else f.y
        if f.entity_id in worn_by and worn_by[f.entity_id] in wearers:
            y = wearers[worn_by[f.entity_id]].y + 0.6
        return (f.placement != "sky", y)

    return sorted(figures, key=depth)


def _present(fig: Figure, present: set[str], elements: Sequence[Element]) -> bool:
    """Whether ``fig`` is in the shot: its entity is one of the shot's, or it is a thing that is
    part of the place (it stands, floats or hangs there: a tractor, a boat, a screen), which stays
    in every shot. People, animals, things in the sky and things held come only with their shot."""
    base = fig.entity_id.split("#")[0]
    element = next((el for el in elements if el.key == base), None)
    if element is None:
        return False
    if present & set(element.entity_ids):
        return True
    if fig.human or fig.vehicle or element.kind != analysis_pb2.ENTITY_KIND_OBJECT:
        return False
    return fig.placement in ("ground", "water", "wall", "indoor") and fig.species == "icon"


def _is_vehicle(el: Element) -> bool:
    concept = default_vocabulary().get(el.concept_id)
    return concept is not None and concept.category is Category.VEHICLE


def _bands(scene: Scene) -> tuple[tuple[float, float] | None, tuple[float, float] | None, float]:
    """The setting's water band, road band and floor y (world units)."""
    try:
        from .settings import SETTINGS
    except ImportError:
        return None, None, float(GROUND_Y)
    spec = SETTINGS.get(getattr(scene, "setting", ""))
    if spec is None:
        return None, None, float(GROUND_Y)
    return spec.water, spec.road, float(spec.floor_y)


def subject_of(figures: Sequence[Figure], focus_id: str) -> Figure | None:
    """The figure a shot frames: the focus entity (or its first copy), else the first person, else
    the first thing."""
    for f in figures:
        if f.entity_id == focus_id:
            return f
    people = [f for f in figures if f.human and not f.vehicle]
    if people:
        return people[0]
    return figures[0] if figures else None


__all__ = ["Element", "Undrawn", "cast_of", "count_of", "elements_of", "subject_of", "thing_height"]
