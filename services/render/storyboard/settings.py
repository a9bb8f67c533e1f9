"""The places a scene can happen in: one procedural painting per setting, and how a scene picks one.

A :class:`SettingSpec` says what the painting holds in world units (see ``pen``): where its water
lies (boats float there), where its road or track lies (vehicles stand there) and where people
stand. :func:`choose_setting` reads a shot list in this order:

1. the concepts of its location entities, through the asset table (a concept drawn as a setting);
2. the words of ``setting.location`` against each setting's keywords (whole words, plurals): the
   first phrase of the location that names a place wins ("temple by the river" is a temple), and
   within it the head word, the last one ("city hospital" is a hospital);
3. other entities that imply a place (a boat → a river bank, a ballot box → a polling station);
4. an open meadow outdoors, a room at home indoors.

Then: a thing that floats (an asset placed on ``"water"``) needs water, so a setting without a
water band becomes a river bank (a city becomes a bridge over its river). Scenes the analysis flags
as indoors go to the interior of the place where it has one (a school → its classroom, a hut in a
village → a home); open-air places (a stadium, a square, a road) stay outdoors, since "in the
stadium" does not mean under a roof.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2

from . import (
    places_civic,
    places_faith,
    places_hall,
    places_indoor,
    places_outdoor,
    places_public,
    places_town,
    places_venues,
    places_water,
)
from .pen import GROUND_Y, RGB, Pen
from .places_common import LAKE_BAND, SEA_BAND, WIDE_RIVER_BAND

if TYPE_CHECKING:
    from .scene import Scene
    from .scenery import Region


@dataclass(frozen=True)
class SettingSpec:
    """One place a scene can be drawn in.

    Attributes:
        id: the setting's id (``"polling_station"``).
        indoor: painted as a room (no sky but through its window, lamp light at night).
        ground: the base colour of the ground or floor (RGB, before light).
        water: world y band ``(top, bottom)`` of a water surface where boats float, or None.
        road: world y band of a road or track where vehicles stand, or None.
        floor_y: world y where people stand.
        description: what the painting shows, in a few words (for manifests and prompts).
        keywords: English words and phrases that name the place in a location.
    """

    id: str
    indoor: bool
    ground: RGB
    water: tuple[float, float] | None
    road: tuple[float, float] | None
    floor_y: float
    description: str
    keywords: tuple[str, ...]


def _spec(
    id_: str,
    ground: RGB,
    description: str,
    keywords: tuple[str, ...],
    *,
    indoor: bool = False,
    water: tuple[float, float] | None = None,
    road: tuple[float, float] | None = None,
) -> SettingSpec:
    return SettingSpec(id_, indoor, ground, water, road, float(GROUND_Y), description, keywords)


_GRASS: RGB = (92, 142, 62)
_PAVING: RGB = (150, 146, 140)
_FLOOR: RGB = (142, 98, 62)

SETTINGS: dict[str, SettingSpec] = {
    s.id: s
    for s in (
        _spec("road", (110, 130, 70), "an asphalt road with lane markings into the distance, roadside trees",
              ("road", "roads", "highway", "expressway", "motorway", "country road", "village road",
               "roadside", "crossroads", "junction", "petrol station", "traffic"), road=(780.0, 880.0)),
        _spec("street", (118, 112, 106), "a street between shop fronts on both sides",
              ("street", "lane", "alley", "gali", "city", "town", "neighbourhood", "neighborhood", "colony",
               "locality", "downtown", "sidewalk", "pavement", "footpath", "city street"), road=(800.0, 880.0)),
        _spec("city_square", _PAVING, "a paved plaza with big screens on the facades around it and a fountain",
              ("city square", "town square", "square", "plaza", "piazza", "chowk", "city centre", "city center",
               "times square")),
        _spec("village", (98, 138, 64), "thatched huts, a well, haystacks and trees",
              ("village", "hamlet", "gaon", "countryside", "rural", "hut", "village square", "cottage")),
        _spec("farm_field", (116, 128, 62), "crop rows to the horizon behind a raised field bund",
              ("farm", "field", "farm field", "paddy", "paddy field", "rice field", "crop field", "crops",
               "farmland", "wheat field", "sugarcane field", "mustard field", "plantation", "tea garden",
               "tea estate", "orchard", "khet")),
        _spec("river_bank", (112, 132, 70), "a river with its far bank, ghat steps on the near bank",
              ("river", "river bank", "riverbank", "riverside", "ghat", "stream", "canal", "backwater",
               "creek", "waterfall", "delta", "ganga", "ganges", "yamuna", "godavari", "kaveri", "narmada",
               "brahmaputra"), water=WIDE_RIVER_BAND),
        _spec("beach", (222, 200, 150), "the sea to the horizon, a sandy shore and palms",
              ("beach", "sea", "seashore", "seaside", "ocean", "shore", "coast", "harbour", "harbor", "port",
               "fishing village", "bay", "sea shore"), water=SEA_BAND),
        _spec("lake", (96, 140, 70), "still water with reeds, a far shore and its reflection",
              ("lake", "lakeside", "lake shore", "pond", "reservoir", "lagoon", "marsh", "wetland"),
              water=LAKE_BAND),
        _spec("forest", (52, 98, 46), "a dense forest of trees, big trunks in front",
              ("forest", "jungle", "wood", "woods", "grove", "rainforest", "wilderness")),
        _spec("mountain", (104, 116, 82), "snow-capped peaks, a nearer ridge and pines",
              ("mountain", "hill", "valley", "cliff", "peak", "summit", "himalaya", "hill station", "slope",
               "mountainside", "hillside")),
        _spec("desert", (222, 186, 128), "sand dunes of the Thar with a few shrubs",
              ("desert", "dune", "sand dune", "thar", "oasis", "rann")),
        _spec("market", (150, 120, 90), "striped market stalls with fruit, bunting and low buildings",
              ("market", "bazaar", "bazar", "marketplace", "mandi", "haat", "fair", "mela", "stall",
               "vegetable market", "flower market")),
        _spec("temple", (165, 145, 112), "a South Indian temple: gopuram, mandapa and shrine tower",
              ("temple", "mandir", "shrine", "gopuram", "pagoda", "monastery", "gurudwara", "temple courtyard")),
        _spec("mosque", (196, 182, 150), "a mosque with a great dome and two minarets",
              ("mosque", "masjid", "dargah", "minaret", "idgah")),
        _spec("church", (112, 140, 76), "a church: a nave, a spire with a cross, stained glass",
              ("church", "cathedral", "chapel", "basilica")),
        _spec("school", (168, 134, 96), "a school building with a flag, a clock and a gate",
              ("school", "college", "university", "campus", "school ground", "schoolyard", "school gate")),
        _spec("classroom", _FLOOR, "a classroom: blackboard, desks, a teacher's table",
              ("classroom", "class room", "lecture hall", "tuition", "tuition class"), indoor=True),
        _spec("home", _FLOOR, "a room with a window and a framed picture",
              ("home", "house", "room", "living room", "bedroom", "drawing room", "hall", "palace", "apartment",
               "bungalow", "haveli", "verandah", "veranda"), indoor=True),
        _spec("kitchen", (150, 130, 110), "a kitchen: counter, stove, shelves with pots",
              ("kitchen", "rasoi", "pantry", "canteen"), indoor=True),
        _spec("office", (120, 118, 126), "an office: desks with monitors, window blinds",
              ("office", "workplace", "cubicle", "boardroom", "meeting room", "conference room", "police station",
               "headquarters", "company"), indoor=True),
        _spec("hospital", (150, 150, 146), "a hospital building with a red cross and an ambulance bay",
              ("hospital", "clinic", "ward", "dispensary", "health centre", "health center", "icu",
               "emergency room", "operation theatre", "nursing home"), road=(790.0, 870.0)),
        _spec("railway_station", (150, 140, 126), "a platform, tracks with sleepers, a roof on pillars, a name board",
              ("railway station", "train station", "station", "railway platform", "platform", "railway",
               "railway line", "railway track", "metro station", "train"), road=(700.0, 790.0)),
        _spec("bus_stop", (140, 136, 128), "a bus shelter with a bench and a sign beside a road",
              ("bus stop", "bus station", "bus stand", "bus shelter", "bus depot"), road=(700.0, 785.0)),
        _spec("stadium", (70, 140, 60), "stands full of crowd, floodlights, pitch lines on grass",
              ("stadium", "ground", "sports ground", "cricket ground", "rugby ground", "football ground",
               "football field", "hockey field", "pitch", "arena", "cricket", "rugby", "football", "hockey",
               "match", "tournament", "basketball court")),
        _spec("playground", (176, 150, 104), "swings, a slide and a seesaw",
              ("playground", "play area", "play ground", "jungle gym", "amusement park")),
        _spec("wedding_hall", (150, 84, 60), "a decorated mandap with marigold garlands and rows of chairs",
              ("wedding hall", "marriage hall", "banquet hall", "wedding", "marriage", "mandap", "mandapam",
               "kalyana mandapam", "wedding venue", "reception", "shaadi", "pandal"), indoor=True),
        _spec("shop", (140, 120, 100), "a shop front with an awning, shelves and a counter",
              ("shop", "store", "kirana", "grocery", "boutique", "showroom", "supermarket", "pharmacy", "bakery",
               "tea stall", "tea shop", "sweet shop")),
        _spec("park", (96, 150, 70), "paths across lawns, benches, lamp posts and trees",
              ("park", "public garden", "city park", "promenade", "botanical garden")),
        _spec("garden", (84, 136, 60), "flower beds, trimmed hedges and an arch",
              ("garden", "flower garden", "flower bed", "lawn", "backyard", "rose garden", "courtyard")),
        _spec("bridge", (112, 128, 72), "a river under an arched bridge",
              ("bridge", "footbridge", "overbridge", "river bridge"), water=WIDE_RIVER_BAND),
        _spec("polling_station", (160, 150, 130), "a public building with a banner, queue barriers, voting booths",
              ("polling station", "polling booth", "voting booth", "booth", "polling centre", "polling center",
               "polling", "election", "vote", "voting", "ballot", "voting centre")),
        _spec("newsroom", (70, 74, 86), "a wall of screens and desks with monitors",
              ("newsroom", "news room", "tv studio", "television studio", "studio", "news channel", "news desk",
               "control room", "press room", "broadcast"), indoor=True),
        _spec("stage", (120, 80, 50), "a stage with curtains, spotlights and a podium with a microphone",
              ("stage", "theatre", "theater", "auditorium", "concert", "podium", "dais", "amphitheatre",
               "concert hall", "town hall"), indoor=True),
        _spec("meadow", _GRASS, "open grass with a few trees and far hills",
              ("meadow", "grassland", "open field", "open ground", "pasture", "prairie", "plain", "savanna",
               "grass", "maidan")),
    )
}  # fmt: skip
"""Every setting by id; ``meadow`` outdoors and ``home`` indoors are the defaults."""

IMPLIED_BY: dict[str, str] = {
    **dict.fromkeys(("boat", "fishing_boat", "canoe", "raft", "ferry", "paddle", "houseboat", "motorboat",
                     "sailboat", "boatman", "ferryman"), "river_bank"),
    **dict.fromkeys(("ship", "steamship", "cargo_ship", "cruise_ship", "yacht", "fishing_net", "cast_a_net",
                     "anchor", "lighthouse", "surfboard", "surf", "surfer", "build_a_sandcastle", "crab"), "beach"),
    **dict.fromkeys(("duck", "swan", "lotus", "duck_pond"), "lake"),
    **dict.fromkeys(("tractor", "tractor_trolley", "plough", "plough_field", "scarecrow", "sickle", "harvest",
                     "harvester", "sow_seeds", "crop", "wheat_crop", "sugarcane_crop"), "farm_field"),
    **dict.fromkeys(("ballot_box", "ballot", "ballot_paper", "vote", "voting_machine", "evm"), "polling_station"),
    **dict.fromkeys(("train", "local_train", "goods_train", "locomotive", "railway_platform",
                     "ticket_collector", "station_master"), "railway_station"),
    **dict.fromkeys(("bus_stop_sign", "bus_conductor"), "bus_stop"),
    **dict.fromkeys(("car", "truck", "lorry", "auto_rickshaw", "motorcycle", "scooter", "bus", "taxi",
                     "traffic_light", "zebra_crossing"), "road"),
    **dict.fromkeys(("blackboard", "chalk", "school_bag"), "classroom"),
    **dict.fromkeys(("stove", "pressure_cooker", "frying_pan", "rolling_pin", "tawa"), "kitchen"),
    **dict.fromkeys(("computer", "laptop", "photocopier"), "office"),
    **dict.fromkeys(("microphone", "stage_light"), "stage"),
    **dict.fromkeys(("stethoscope", "wheelchair", "ambulance", "stretcher"), "hospital"),
    **dict.fromkeys(("swing", "slide", "seesaw", "sandbox"), "playground"),
    **dict.fromkeys(("camel", "camel_cart", "camel_caravan", "cactus", "dune"), "desert"),
    **dict.fromkeys(("cricket_bat", "cricket_ball", "football", "goalkeeper", "batsman", "play_cricket",
                     "play_football", "score_a_goal"), "stadium"),
    **dict.fromkeys(("bride", "groom", "wedding"), "wedding_hall"),
    **dict.fromkeys(("news_anchor", "television_camera"), "newsroom"),
}  # fmt: skip
"""Concepts of things (not places) that imply where a scene happens, when nothing else says."""

WATER_CONCEPTS = frozenset(
    ("boat", "fishing_boat", "canoe", "raft", "ferry", "houseboat", "motorboat", "sailboat", "ship", "steamship",
     "cargo_ship", "cruise_ship", "yacht", "duck", "swan", "warship", "paper_boat", "toy_boat")
)  # fmt: skip
"""Things that float, used when the asset table cannot be read."""

CITY = frozenset(("street", "city_square", "market", "bus_stop", "railway_station", "hospital", "school",
                  "polling_station", "stadium", "shop", "mosque", "church"))  # fmt: skip
"""Outdoor settings in a town: a boat there needs the town's river, seen under a bridge."""

INDOOR_OF: dict[str, str] = {"school": "classroom", "village": "home", "meadow": "home"}
"""The interior of an outdoor setting, for scenes flagged indoors; other places keep their outside."""

RIVER_SIDE = frozenset(("temple", "mosque", "church", "village", "farm_field", "forest", "mountain", "meadow",
                        "park", "garden"))  # fmt: skip
"""Settings that paint a river in front when the location also names one ("temple by the river")."""
HILL_SIDE = frozenset(("temple", "village", "farm_field", "forest", "meadow", "lake", "river_bank", "garden"))
"""Settings whose far hills become mountains when the location names them."""

_SPLIT = re.compile(
    r"[,;:()]|\b(?:by|near|in|on|at|of|with|beside|behind|along|across|under|over|and|or|outside|inside|"
    r"next|opposite|from|to|towards|into|through|around|between|overlooking|facing|where|during|for)\b"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str, int], ...] = tuple(
    (re.compile(r"\b" + r"\s+".join(map(re.escape, kw.split())) + r"(?:s|es)?\b"), spec.id, len(kw))
    for spec in SETTINGS.values()
    for kw in spec.keywords
)


def keyword_setting(location: str) -> str | None:
    """The setting a free-text location names, or None.

    The location is cut into phrases at prepositions and commas; the first phrase naming a place
    decides, by its last-ending keyword (the head noun: "city hospital" → hospital), the longest
    one when two end together ("city square" over "square").
    """
    for phrase in _SPLIT.split(location.lower()):
        best: tuple[int, int, str] | None = None
        for pattern, setting, length in _PATTERNS:
            for m in pattern.finditer(phrase):
                key = (m.end(), length, setting)
                if best is None or key[:2] > best[:2]:
                    best = key
        if best is not None:
            return best[2]
    return None


def implied_setting(concept_ids: Iterable[str]) -> str | None:
    """The setting the first of ``concept_ids`` that implies a place implies, or None."""
    for concept in concept_ids:
        setting = IMPLIED_BY.get(concept)
        if setting is not None:
            return setting
    return None


class PlaceAsset(Protocol):
    """What selection reads of an asset table entry (``assets.Asset``)."""

    @property
    def drawing(self) -> str: ...

    @property
    def setting(self) -> str | None: ...

    @property
    def placement(self) -> str: ...


AssetLookup = Callable[[str], PlaceAsset | None]


def choose_setting(shot_list: prompt_pb2.ShotList, asset_for: AssetLookup | None = None) -> str:
    """The id of the setting ``shot_list`` happens in (see the module docstring for the order).

    Args:
        shot_list: the scene's shot list (its ``setting`` and ``entities`` are read).
        asset_for: the asset table lookup; None when the table cannot be read (a concept's own
            words then name its place, and a small list says what floats).
    """
    location_kind = analysis_pb2.ENTITY_KIND_LOCATION
    places = [e for e in shot_list.entities if e.kind == location_kind]
    others = [e.concept_id for e in shot_list.entities if e.kind != location_kind and e.concept_id]
    chosen: str | None = None
    for e in places:
        asset = asset_for(e.concept_id) if asset_for is not None and e.concept_id else None
        if asset is not None and asset.drawing == "setting" and asset.setting in SETTINGS:
            chosen = asset.setting
        elif e.concept_id:
            chosen = keyword_setting(e.concept_id.replace("_", " "))
        if chosen is not None:
            break
    if chosen is None:
        chosen = keyword_setting(shot_list.setting.location)
    for e in places:
        chosen = chosen or keyword_setting(e.name)
    chosen = chosen or implied_setting(others) or ("home" if shot_list.setting.indoor else "meadow")
    if shot_list.setting.indoor and not SETTINGS[chosen].indoor:
        chosen = INDOOR_OF.get(chosen, chosen)
    spec = SETTINGS[chosen]
    if not spec.indoor and spec.water is None and any(_floats(c, asset_for) for c in others):
        chosen = "bridge" if chosen in CITY else "river_bank"
    return chosen


def _floats(concept_id: str, asset_for: AssetLookup | None) -> bool:
    asset = asset_for(concept_id) if asset_for is not None else None
    if asset is None:
        return concept_id in WATER_CONCEPTS
    return asset.placement == "water"


def _names(location: str, *settings: str) -> bool:
    words = tuple(kw for s in settings for kw in SETTINGS[s].keywords)
    return any(re.search(r"\b" + re.escape(w) + r"(?:s|es)?\b", location.lower()) for w in words)


def features_of(setting: str, location: str = "") -> frozenset[str]:
    """What ``setting`` paints, as the feature words other drawing code reads.

    The setting's id; ``"indoor"``; ``"river"`` for a river or lake surface (the animated ripples),
    also when the location names water beside a setting that can show it ("temple by the river");
    ``"beach"`` for the sea; ``"mountain"`` when the far hills are mountains.
    """
    spec = SETTINGS[setting]
    out = {setting}
    if spec.indoor:
        out.add("indoor")
    elif setting == "beach":
        out.add("beach")
    elif spec.water is not None or (setting in RIVER_SIDE and _names(location, "river_bank", "lake")):
        out.add("river")
    if setting in HILL_SIDE and _names(location, "mountain"):
        out.add("mountain")
    return frozenset(out)


Painter = Callable[["Scene", Pen, np.random.Generator, "Region"], None]


def paint_setting(scene: Scene, pen: Pen, rng: np.random.Generator, region: Region) -> None:
    """Paint ``scene.setting`` (its place, landmarks and ground details) over the sky and ground.

    Outdoor painters draw over the base sky and ground gradient, after the sun, moon and clouds;
    indoor painters cover the whole world and show the sky only through ``scenery.window_rect``.
    An unknown id paints the default (``home`` indoors, ``meadow`` outdoors).
    """
    painter = PAINTERS.get(scene.setting) or PAINTERS["home" if scene.indoor else "meadow"]
    painter(scene, pen, rng, region)


PAINTERS: dict[str, Painter] = {
    **places_outdoor.PAINTERS,
    **places_water.PAINTERS,
    **places_town.PAINTERS,
    **places_public.PAINTERS,
    **places_faith.PAINTERS,
    **places_civic.PAINTERS,
    **places_venues.PAINTERS,
    **places_indoor.PAINTERS,
    **places_hall.PAINTERS,
}
"""The painter of each setting id."""
