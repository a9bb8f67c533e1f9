"""How the storyboard draws each visual concept, and the Noto Emoji icons it draws things with.

The asset table (``services/render/assets/asset_map.json``, built and reviewed with
``scripts/build_asset_map.py``) gives every drawable concept of the vocabulary
(:mod:`services.scene.concepts`) one :class:`Asset`: an icon, a procedural figure with a role, a
procedural setting, the sky with a weather or time-of-day kind, or the sky alone; where it sits in
a frame (``placement``) and its real-world height. Concepts with no faithful drawing are not in the
table (:func:`asset_for` returns None for them).

Icons come from Noto Emoji (Apache-2.0, Google) as the Iconify JSON of the npm package
``@iconify-json/noto`` that ``make`` installs into ``.tools`` (see
``services/render/assets/ATTRIBUTION.md``), and are rasterised with resvg (PyPI ``resvg-py``).
Rendering a 200 px icon takes about 9 ms on one core (mean over the table's 474 icons, median
8 ms; 2.3 ms at 64 px), measured with resvg-py 0.5.0; :func:`icon_image` keeps the last 512
renders, and a cached one costs 0.1 ms (the copy).

Errors (:class:`~services.render.storyboard.errors.RenderError`, gRPC INTERNAL) by ``reason``:
``ICON_SET_MISSING`` (no icon set at ``DRISHYA_ICON_SET`` or in the repository's ``.tools``, or
it is not Iconify JSON), ``ICON_UNKNOWN`` (no icon of that name), ``ICON_RENDER_FAILED`` (resvg
could not render the icon, or it rendered empty), ``ASSET_TABLE_INVALID`` (the packaged table
breaks its contract).
"""

from __future__ import annotations

import functools
import io
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from PIL import Image

from .errors import RenderError

#: How a concept is drawn.
DRAWINGS = frozenset({"icon", "figure", "setting", "sky", "weather", "time"})
#: Where a thing sits in a frame: boats on ``water``; birds, kites, the sun in the ``sky``; cups and
#: phones ``held`` (or on a table); clothes ``worn``; furniture ``indoor``; pictures and clocks on a
#: ``wall``; vehicles, animals, trees, buildings on the ``ground``; settings and skies are ``scenery``.
PLACEMENTS = frozenset({"ground", "sky", "water", "indoor", "wall", "held", "worn", "scenery"})
#: Roles of procedural figures; ``crowd`` is a group of people.
ROLES = frozenset(
    {
        "person", "man", "woman", "boy", "girl", "child", "baby", "old_man", "old_woman", "farmer",
        "firefighter", "police_officer", "doctor", "nurse", "student", "teacher", "vendor", "fisherman",
        "soldier", "priest", "player", "dancer", "worker", "cook", "driver", "musician", "bride", "groom",
        "king", "queen", "crowd",
    }
)  # fmt: skip
#: Procedural settings.
SETTINGS = frozenset(
    {
        "road", "street", "city_square", "village", "farm_field", "river_bank", "beach", "lake", "forest",
        "mountain", "desert", "market", "temple", "mosque", "church", "school", "classroom", "home",
        "kitchen", "office", "hospital", "railway_station", "bus_stop", "stadium", "playground",
        "wedding_hall", "shop", "park", "garden", "bridge", "polling_station", "newsroom", "stage", "meadow",
    }
)  # fmt: skip
WEATHER_KINDS = frozenset({"clear", "cloudy", "rain", "drizzle", "fog", "snow", "storm", "wind", "heat"})
TIME_KINDS = frozenset({"dawn", "morning", "noon", "afternoon", "evening", "dusk", "night"})
MATCHES = frozenset({"name", "keyword", "encoder", "manual"})

ICON_SET_ENV = "DRISHYA_ICON_SET"
_REPO_ICON_SET = Path(".tools/node_modules/@iconify-json/noto/icons.json")
_TABLE = "asset_map.json"


@dataclass(frozen=True)
class Asset:
    """How one concept is drawn.

    Attributes:
        concept_id: the vocabulary concept, e.g. ``"tractor"``.
        drawing: one of :data:`DRAWINGS`.
        icon: Noto Emoji icon name for ``drawing == "icon"`` (e.g. ``"tractor"``), else None.
        role: figure role (:data:`ROLES`) for ``"figure"``, else None.
        setting: setting id (:data:`SETTINGS`) for ``"setting"``, else None.
        kind: weather kind (:data:`WEATHER_KINDS`) for ``"weather"``; time of day
            (:data:`TIME_KINDS`) for ``"time"`` and, where the concept names one, ``"sky"``; else None.
        placement: one of :data:`PLACEMENTS`.
        height_m: real-world height of a typical instance in metres (for a flat thing, the extent
            the icon shows; for a sky body its true size, the sun 1.39e9); set for every icon and
            figure, None for scenery (settings, sky, weather, time).
        match: how the drawing was found: ``name``, ``keyword``, ``encoder`` or ``manual``.
        score: the sentence encoder's cosine for ``encoder`` matches, else 1.0.
        season: True for a season drawn as its typical weather or time (``monsoon`` -> rain).
    """

    concept_id: str
    drawing: str
    icon: str | None
    role: str | None
    setting: str | None
    kind: str | None
    placement: str
    height_m: float | None
    match: str
    score: float
    season: bool = False


def _invalid(concept_id: str, why: str) -> RenderError:
    return RenderError(f"asset table entry {concept_id!r}: {why}", reason="ASSET_TABLE_INVALID")


def _asset(concept_id: str, raw: Mapping[str, Any]) -> Asset:
    drawing = raw.get("drawing")
    if drawing not in DRAWINGS:
        raise _invalid(concept_id, f"unknown drawing {drawing!r}")
    kind = raw.get("weather") if drawing == "weather" else raw.get("time")
    asset = Asset(
        concept_id=concept_id,
        drawing=drawing,
        icon=raw.get("icon"),
        role=raw.get("role"),
        setting=raw.get("setting"),
        kind=kind,
        placement=raw.get("placement", ""),
        height_m=None if raw.get("height_m") is None else float(raw["height_m"]),
        match=raw.get("match", ""),
        score=float(raw.get("score", 1.0)),
        season=bool(raw.get("season", False)),
    )
    required = {"icon": asset.icon, "figure": asset.role, "setting": asset.setting, "weather": kind, "time": kind}
    if drawing in required and not required[drawing]:
        raise _invalid(concept_id, f"a {drawing} drawing without its {drawing if drawing != 'figure' else 'role'}")
    if asset.role is not None and asset.role not in ROLES:
        raise _invalid(concept_id, f"unknown role {asset.role!r}")
    if asset.setting is not None and asset.setting not in SETTINGS:
        raise _invalid(concept_id, f"unknown setting {asset.setting!r}")
    if kind is not None and kind not in (WEATHER_KINDS if drawing == "weather" else TIME_KINDS):
        raise _invalid(concept_id, f"unknown {drawing} kind {kind!r}")
    if asset.placement not in PLACEMENTS:
        raise _invalid(concept_id, f"unknown placement {asset.placement!r}")
    if asset.match not in MATCHES:
        raise _invalid(concept_id, f"unknown match {asset.match!r}")
    return asset


@functools.lru_cache(maxsize=1)
def asset_table() -> Mapping[str, Asset]:
    """Every entry of the packaged table by concept id (read once; a read-only mapping).

    Raises:
        RenderError: ``ASSET_TABLE_INVALID`` when the table is not JSON or breaks its contract.
    """
    raw = resources.files("services.render.assets").joinpath(_TABLE).read_text(encoding="utf-8")
    try:
        data = json.loads(raw)
        concepts = data["concepts"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"the asset table is not valid: {exc}", reason="ASSET_TABLE_INVALID") from None
    return MappingProxyType({cid: _asset(cid, entry) for cid, entry in concepts.items()})


def asset_for(concept_id: str) -> Asset | None:
    """How ``concept_id`` is drawn, or None when the concept is unknown, not visual or has no drawing."""
    return asset_table().get(concept_id)


def _repository_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file():
            return directory
    return None


def icon_set_path() -> Path:
    """The Noto Emoji icon set (Iconify JSON): ``$DRISHYA_ICON_SET``, else the repository's ``.tools`` copy.

    The repository is the nearest directory above this module that holds ``pyproject.toml``.

    Raises:
        RenderError: ``ICON_SET_MISSING`` when neither file exists.
    """
    configured = os.environ.get(ICON_SET_ENV)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise RenderError(f"{ICON_SET_ENV}={configured} is not a file", reason="ICON_SET_MISSING")
        return path
    root = _repository_root(Path(__file__).resolve().parent)
    if root is not None and (root / _REPO_ICON_SET).is_file():
        return root / _REPO_ICON_SET
    raise RenderError(
        f"the Noto Emoji icon set is not installed: run `make {_REPO_ICON_SET}` in the repository "
        f"or set {ICON_SET_ENV} to an @iconify-json/noto icons.json",
        reason="ICON_SET_MISSING",
    )


def icon_available() -> bool:
    """True when :func:`icon_set_path` finds the icon set."""
    try:
        icon_set_path()
    except RenderError:
        return False
    return True


@dataclass(frozen=True)
class _IconSet:
    icons: Mapping[str, Mapping[str, Any]]
    aliases: Mapping[str, str]
    width: int
    height: int


@functools.lru_cache(maxsize=2)
def _load_icon_set(path: str) -> _IconSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        icons = data["icons"]
        aliases = {name: alias["parent"] for name, alias in data.get("aliases", {}).items() if "parent" in alias}
        return _IconSet(icons, aliases, int(data.get("width", 16)), int(data.get("height", 16)))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RenderError(f"{path} is not an Iconify icon set: {exc}", reason="ICON_SET_MISSING") from None


def _icon_set() -> _IconSet:
    return _load_icon_set(str(icon_set_path()))


def _resolve(icons: _IconSet, name: str) -> Mapping[str, Any]:
    seen = name
    for _ in range(8):  # aliases chain to a parent icon, a few links at most
        if seen in icons.icons:
            return icons.icons[seen]
        if seen not in icons.aliases:
            break
        seen = icons.aliases[seen]
    raise RenderError(f"Noto Emoji has no icon {name!r}", reason="ICON_UNKNOWN")


def icon_svg(name: str) -> str:
    """A standalone SVG document of icon ``name`` (an alias resolves to its icon).

    The view box is the icon's own (Noto: 128 x 128 units); the document has no width or height.

    Raises:
        RenderError: ``ICON_SET_MISSING`` or ``ICON_UNKNOWN``.
    """
    return _svg(_icon_set(), name)


def _svg(icons: _IconSet, name: str) -> str:
    icon = _resolve(icons, name)
    left, top = icon.get("left", 0), icon.get("top", 0)
    width, height = icon.get("width", icons.width), icon.get("height", icons.height)
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left} {top} {width} {height}">{icon["body"]}</svg>'


@functools.lru_cache(maxsize=512)
def _render(path: str, name: str, height_px: int, fill: bool) -> Image.Image:
    import resvg_py

    svg = _svg(_load_icon_set(path), name)
    try:
        image = _rasterise(resvg_py, svg, height_px)
        box = image.getchannel("A").getbbox()
        if box is not None and fill and box[3] - box[1] < height_px:
            # render taller by the icon's padding so that the drawing itself is height_px tall
            scale = height_px / (box[3] - box[1])
            image = _rasterise(resvg_py, svg, round(height_px * scale))
            box = image.getchannel("A").getbbox()
    except ValueError as exc:
        raise RenderError(f"resvg could not render icon {name!r}: {exc}", reason="ICON_RENDER_FAILED") from None
    if box is None:
        raise RenderError(f"icon {name!r} rendered empty", reason="ICON_RENDER_FAILED")
    return image.crop(box)


def _rasterise(resvg_py: Any, svg: str, height_px: int) -> Image.Image:
    png = resvg_py.svg_to_bytes(svg_string=svg, height=height_px, skip_system_fonts=True)
    with Image.open(io.BytesIO(bytes(png))) as decoded:
        return decoded.convert("RGBA")


def icon_image(name: str, height_px: int, *, fill: bool = False) -> Image.Image:
    """Icon ``name`` rasterised: an RGBA image, trimmed to its non-transparent bounding box.

    The icon's view box is rendered ``height_px`` pixels tall (width by its aspect), so the trimmed
    drawing is a little shorter (Noto icons have padding); with ``fill`` the drawing itself is
    ``height_px`` tall (within a pixel). Renders are cached (512); each call returns a copy that
    the caller may draw on.

    Raises:
        ValueError: ``height_px`` is not positive.
        RenderError: ``ICON_SET_MISSING``, ``ICON_UNKNOWN`` or ``ICON_RENDER_FAILED``.
    """
    if height_px <= 0:
        raise ValueError(f"height_px must be positive, got {height_px}")
    return _render(str(icon_set_path()), name, height_px, fill).copy()
