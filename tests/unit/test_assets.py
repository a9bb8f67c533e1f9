"""The storyboard's asset table and the Noto Emoji icons it draws with."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from services.render.storyboard import assets
from services.render.storyboard.assets import (
    DRAWINGS,
    MATCHES,
    PLACEMENTS,
    ROLES,
    SETTINGS,
    TIME_KINDS,
    WEATHER_KINDS,
    asset_for,
    asset_table,
    icon_available,
    icon_image,
    icon_set_path,
    icon_svg,
)
from services.render.storyboard.errors import RenderError
from services.scene.concepts import VISUAL_CATEGORIES, default_vocabulary

VISUAL = VISUAL_CATEGORIES
SCENERY = {"setting", "sky", "weather", "time"}


def test_table_keys_are_visual_concepts_and_cover_95_percent() -> None:
    vocabulary = default_vocabulary()
    table = asset_table()
    for cid in table:
        concept = vocabulary.get(cid)
        assert concept is not None, cid
        assert concept.category in VISUAL, cid
    visual = [c for c in vocabulary if c.category in VISUAL]
    assert len(table) / len(visual) >= 0.95
    for category in VISUAL:
        members = [c for c in visual if c.category == category]
        assert sum(c.id in table for c in members) / len(members) >= 0.8, category


def test_every_entry_uses_the_allowed_names() -> None:
    for cid, a in asset_table().items():
        assert a.concept_id == cid
        assert a.drawing in DRAWINGS and a.placement in PLACEMENTS and a.match in MATCHES, cid
        assert (a.role is not None) == (a.drawing == "figure"), cid
        assert a.role is None or a.role in ROLES, cid
        assert (a.setting is not None) == (a.drawing == "setting"), cid
        assert a.setting is None or a.setting in SETTINGS, cid
        assert (a.icon is not None) == (a.drawing == "icon"), cid
        if a.drawing == "weather":
            assert a.kind in WEATHER_KINDS, cid
        elif a.drawing == "time":
            assert a.kind in TIME_KINDS, cid
        elif a.drawing == "sky":
            assert a.kind is None or a.kind in TIME_KINDS, cid
        else:
            assert a.kind is None, cid
        assert (a.placement == "scenery") == (a.drawing in SCENERY), cid
        assert (a.height_m is None) == (a.drawing in SCENERY), cid
        assert a.height_m is None or a.height_m > 0, cid
        assert 0.0 < a.score <= 1.0 and (a.match == "encoder" or a.score == 1.0), cid


def test_icons_are_things_alone() -> None:
    for cid, a in asset_table().items():
        if a.icon is not None:
            assert "skin-tone" not in a.icon and not a.icon.startswith(("flag-", "keycap")), cid


def test_examples() -> None:
    tractor = asset_for("tractor")
    assert tractor is not None and (tractor.drawing, tractor.icon, tractor.placement) == ("icon", "tractor", "ground")
    assert tractor.height_m == pytest.approx(2.8)
    boat = asset_for("boat")
    assert boat is not None and boat.placement == "water"
    kite = asset_for("kite")
    assert kite is not None and kite.placement == "sky"
    farmer = asset_for("farmer")
    assert farmer is not None and (farmer.drawing, farmer.role) == ("figure", "farmer")
    crowd = asset_for("crowd")
    assert crowd is not None and crowd.role == "crowd"
    river = asset_for("river")
    assert river is not None and (river.drawing, river.setting) == ("setting", "river_bank")
    monsoon = asset_for("monsoon")
    assert monsoon is not None and (monsoon.drawing, monsoon.kind, monsoon.season) == ("weather", "rain", True)
    dusk = asset_for("sunset")
    assert dusk is not None and (dusk.drawing, dusk.kind) == ("time", "dusk")
    assert asset_for("dance") is None  # an action: not visual
    assert asset_for("no such concept") is None


def test_every_icon_concept_renders_to_a_real_drawing() -> None:
    assert icon_available(), "the icon set is missing: run `make .tools/node_modules/@iconify-json/noto/icons.json`"
    by_icon: dict[str, list[str]] = defaultdict(list)
    for cid, a in asset_table().items():
        if a.icon is not None:
            by_icon[a.icon].append(cid)
    assert len(by_icon) > 300
    for name, concepts in by_icon.items():
        image = icon_image(name, 64)
        assert image.mode == "RGBA" and image.height <= 64, concepts
        pixels = np.asarray(image)
        opaque = pixels[:, :, 3] > 32
        assert opaque.mean() > 0.15, concepts  # trimmed to the drawing, which fills a good share
        colours = {tuple(p) for p in pixels[opaque][:, :3][:: max(1, int(opaque.sum()) // 400)]}
        assert len(colours) > 1, concepts


def test_icon_image_is_trimmed_cached_and_a_copy() -> None:
    image = icon_image("tractor", 200)
    alpha = np.asarray(image)[:, :, 3]
    assert alpha[0].any() and alpha[-1].any() and alpha[:, 0].any() and alpha[:, -1].any()
    assert 150 < image.height <= 200
    filled = icon_image("tractor", 200, fill=True)
    assert abs(filled.height - 200) <= 1
    image.paste((0, 0, 0, 0), (0, 0, image.width, image.height))
    again = icon_image("tractor", 200)
    assert np.asarray(again)[:, :, 3].any()
    with pytest.raises(ValueError):
        icon_image("tractor", 0)


def test_icon_svg_resolves_aliases_and_rejects_unknown_names() -> None:
    assert icon_svg("bear-face") == icon_svg("bear")
    assert icon_svg("tractor").startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 128 128">')
    with pytest.raises(RenderError) as err:
        icon_svg("no-such-icon")
    assert err.value.reason == "ICON_UNKNOWN"


def test_icon_set_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    square = '<path fill="#c00" d="M2 2h8v4H2z"/><path fill="#0c0" d="M2 6h8v4H2z"/>'
    icon_set = {
        "prefix": "noto",
        "width": 12,
        "height": 12,
        "icons": {"box": {"body": square}, "wide": {"body": square, "width": 24}},
        "aliases": {"crate": {"parent": "box"}, "old-crate": {"parent": "crate"}},
    }
    path = tmp_path / "icons.json"
    path.write_text(json.dumps(icon_set))
    monkeypatch.setenv(assets.ICON_SET_ENV, str(path))
    assert icon_set_path() == path and icon_available()
    assert icon_svg("old-crate") == icon_svg("box")
    assert 'viewBox="0 0 24 12"' in icon_svg("wide")
    image = icon_image("old-crate", 48)  # the 8 x 8 drawing of a 12-unit view box, trimmed
    assert image.size == (32, 32)
    top, bottom = np.asarray(image)[4, 16], np.asarray(image)[28, 16]
    assert tuple(top) == (204, 0, 0, 255) and tuple(bottom) == (0, 204, 0, 255)

    monkeypatch.setenv(assets.ICON_SET_ENV, str(tmp_path / "missing.json"))
    assert not icon_available()
    with pytest.raises(RenderError) as err:
        icon_set_path()
    assert err.value.reason == "ICON_SET_MISSING"

    broken = tmp_path / "broken.json"
    broken.write_text("{")
    monkeypatch.setenv(assets.ICON_SET_ENV, str(broken))
    with pytest.raises(RenderError) as err:
        icon_svg("box")
    assert err.value.reason == "ICON_SET_MISSING"
