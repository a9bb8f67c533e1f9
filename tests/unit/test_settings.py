"""Settings: every place paints in any light and weather, each looks unlike the others, and a shot
list picks its place from its location entities, its location words, its things, then defaults."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pytest

from drishya.analysis.v1 import analysis_pb2 as a
from drishya.prompt.v1 import prompt_pb2
from services.render.storyboard import scenery
from services.render.storyboard.scene import Scene, scene_of
from services.render.storyboard.settings import SETTINGS, choose_setting, features_of, keyword_setting

IDS = (
    "road", "street", "city_square", "village", "farm_field", "river_bank", "beach", "lake", "forest", "mountain",
    "desert", "market", "temple", "mosque", "church", "school", "classroom", "home", "kitchen", "office",
    "hospital", "railway_station", "bus_stop", "stadium", "playground", "wedding_hall", "shop", "park", "garden",
    "bridge", "polling_station", "newsroom", "stage", "meadow",
)  # fmt: skip
SMALL = scenery.Region(0, 0, 2048, 1152, 0.125)
"""The whole world at 256 x 144 pixels: enough to tell places apart, quick to paint."""


def make_scene(setting: str, time_of_day: int = a.TIME_OF_DAY_NOON, weather: int = a.WEATHER_CLEAR) -> Scene:
    spec = SETTINGS[setting]
    return Scene(
        time_of_day=time_of_day,
        weather=weather,
        indoor=spec.indoor,
        setting=setting,
        features=features_of(setting),
        palette=(),
        intensity=0.0,
        tone="",
        sentiment=0.0,
        seed=1,
    )


def painted(scene: Scene) -> np.ndarray:
    return np.asarray(scenery.paint_background(scene, SMALL), dtype=np.float32)


def test_every_setting_is_specified_with_bands_where_things_stand() -> None:
    assert set(IDS) <= set(SETTINGS)
    for spec in SETTINGS.values():
        for band in (spec.water, spec.road):
            if band is not None:
                assert 640 <= band[0] < band[1] <= 1000, spec.id
        if spec.water is not None and spec.id != "beach":
            assert spec.water[1] < spec.floor_y, spec.id  # people stand on the near shore
    indoor = {s for s, spec in SETTINGS.items() if spec.indoor}
    assert {"classroom", "home", "kitchen", "office", "newsroom"} <= indoor
    assert not indoor & {"polling_station", "city_square", "stadium", "railway_station", "street"}


@pytest.mark.parametrize("setting", IDS)
def test_every_setting_paints_at_night_and_noon_in_rain_and_fog(setting: str) -> None:
    for time_of_day, weather in itertools.product(
        (a.TIME_OF_DAY_NIGHT, a.TIME_OF_DAY_NOON), (a.WEATHER_CLEAR, a.WEATHER_RAIN, a.WEATHER_FOG)
    ):
        pixels = painted(make_scene(setting, time_of_day, weather))
        assert pixels.shape == (144, 256, 3)
        assert pixels.std() > 4, (setting, time_of_day, weather)  # a picture, not a flat fill
    noon, night = painted(make_scene(setting)), painted(make_scene(setting, a.TIME_OF_DAY_NIGHT))
    assert noon.mean() > night.mean() + 15  # the hour shows, indoors through the window and the lamps


def test_every_pair_of_settings_differs_substantially() -> None:
    """Mean absolute difference (0-255) of every pair above 8 at noon and 3.4 at night.

    Every outdoor setting shares the same sky, sun and clouds (the top 56 % of the frame), so a
    frame-wide mean of 8 asks for about 18 levels of difference on average over the land: a third
    of it repainted in colours some 55 levels apart, which reads as another place at a glance (a
    hut, a well and haystacks against open grass is the closest pair). The night light scales
    colours by about 0.42 (its luma in ``TIME_LIGHT``), so the night threshold is 8 x 0.42.
    """
    for time_of_day, threshold in ((a.TIME_OF_DAY_NOON, 8.0), (a.TIME_OF_DAY_NIGHT, 3.4)):
        images = {s: painted(make_scene(s, time_of_day)) for s in IDS}
        for x, y in itertools.combinations(IDS, 2):
            mad = float(np.abs(images[x] - images[y]).mean())
            assert mad > threshold, (x, y, time_of_day, mad)


LOCATIONS = {
    "polling booth": "polling_station",
    "city square": "city_square",
    "railway platform": "railway_station",
    "rugby ground": "stadium",
    "a crowded bus stop near the market": "bus_stop",
    "temple by the river": "temple",
    "bank of the river": "river_bank",
    "village road": "road",
    "the city hospital": "hospital",
    "school classroom": "classroom",
    "her kitchen": "kitchen",
    "thar desert": "desert",
    "paddy fields": "farm_field",
    "wedding hall": "wedding_hall",
    "TV studio": "newsroom",
    "the stage of the town hall": "stage",
    "lakeside": "lake",
    "open field": "meadow",
    "old bridge over the river": "bridge",
    "children's playground": "playground",
    "a mosque in the old city": "mosque",
    "sweet shop": "shop",
    "top of the mountain": "mountain",
}


@pytest.mark.parametrize(("location", "setting"), LOCATIONS.items())
def test_location_words_pick_the_setting(location: str, setting: str) -> None:
    assert keyword_setting(location) == setting


def shot_list(location: str = "", *entities: tuple[int, str], indoor: bool = False) -> prompt_pb2.ShotList:
    sl = prompt_pb2.ShotList()
    sl.setting.CopyFrom(a.Setting(location=location, time_of_day=a.TIME_OF_DAY_NOON, indoor=indoor))
    for k, (kind, concept) in enumerate(entities):
        sl.entities.add(id=f"e{k}", kind=kind, name=concept.replace("_", " "), concept_id=concept)
    return sl


LOC, OBJ = a.ENTITY_KIND_LOCATION, a.ENTITY_KIND_OBJECT


@dataclass(frozen=True)
class FakeAsset:
    drawing: str
    setting: str | None
    placement: str


def test_a_location_entity_whose_concept_maps_to_a_setting_wins_over_keywords() -> None:
    table = {"railway_platform": FakeAsset("setting", "railway_station", "scenery")}
    sl = shot_list("market", (LOC, "railway_platform"))
    assert choose_setting(sl, table.get) == "railway_station"
    assert scene_of(sl).setting == "railway_station"  # through the packaged asset table
    assert choose_setting(shot_list("market", (LOC, "unknown_place")), table.get) == "market"


def test_things_imply_a_place_when_nothing_names_one() -> None:
    assert scene_of(shot_list("", (OBJ, "tractor"))).setting == "farm_field"
    assert scene_of(shot_list("", (OBJ, "ballot_box"))).setting == "polling_station"
    assert scene_of(shot_list("", (OBJ, "train"))).setting == "railway_station"
    assert scene_of(shot_list("a quiet spot")).setting == "meadow"
    assert scene_of(shot_list("", indoor=True)).setting == "home"


def test_a_boat_needs_water() -> None:
    assert scene_of(shot_list("village", (LOC, "village"), (OBJ, "boat"))).setting == "river_bank"
    assert scene_of(shot_list("a busy street", (OBJ, "boat"))).setting == "bridge"
    assert scene_of(shot_list("lake", (OBJ, "boat"))).setting == "lake"
    fake = {"boat": FakeAsset("icon", None, "water")}
    assert choose_setting(shot_list("farm", (OBJ, "boat")), fake.get) == "river_bank"


def test_indoor_stays_consistent_with_the_setting() -> None:
    for location, indoor in (("school", True), ("market", True), ("kitchen", False), ("", True), ("hut", True)):
        scene = scene_of(shot_list(location, indoor=indoor))
        assert scene.indoor == SETTINGS[scene.setting].indoor, location
    assert scene_of(shot_list("school", indoor=True)).setting == "classroom"
    assert scene_of(shot_list("hut", indoor=True)).setting == "home"
    assert scene_of(shot_list("stadium", indoor=True)).setting == "stadium"  # "in the stadium" is open air


def test_features_say_what_is_painted_and_the_scene_hashes() -> None:
    assert scene_of(shot_list("temple by the river")).features == frozenset({"temple", "river"})
    assert "beach" in scene_of(shot_list("beach")).features
    assert "river" in scene_of(shot_list("lake")).features
    assert "river" not in scene_of(shot_list("city square")).features
    assert "indoor" in scene_of(shot_list("office")).features
    assert hash(scene_of(shot_list("polling station"))) == hash(scene_of(shot_list("polling station")))
