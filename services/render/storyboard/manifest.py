"""The render manifest of a shot: what it shows, drawn how, where on screen and when.

Computed from the shot's plan (:func:`draw.plan_of`: the scene, the placed cast and the camera
path), without drawing: each figure's world box is projected through the camera at the shot's
middle frame onto the 1280x720 frame and clipped to it; a figure wholly outside the frame is not
in the shot. The setting, the weather and the time of day cover the whole frame. The concepts
of the analysis that are not drawn are listed with a reason, and so is a placed thing outside
the shot's frame (a job reports it when no shot of the job shows it).
"""

from __future__ import annotations

from dataclasses import dataclass

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2

from . import assets, compose
from .constants import FPS, HEIGHT, WIDTH
from .draw import plan_of, screen_box, world_box
from .scene import Figure, Scene
from .timeline import validate

TIME_KINDS: dict[int, str] = {
    analysis_pb2.TIME_OF_DAY_DAWN: "dawn",
    analysis_pb2.TIME_OF_DAY_MORNING: "morning",
    analysis_pb2.TIME_OF_DAY_NOON: "noon",
    analysis_pb2.TIME_OF_DAY_AFTERNOON: "afternoon",
    analysis_pb2.TIME_OF_DAY_EVENING: "evening",
    analysis_pb2.TIME_OF_DAY_NIGHT: "night",
}
OFF_FRAME = "placed in the scene, outside the frame of every shot"
"""The reason for a placed thing that is in no shot's frame (a job lists it when no shot shows it)."""
WEATHER_KINDS: dict[int, str] = {
    analysis_pb2.WEATHER_CLEAR: "clear",
    analysis_pb2.WEATHER_CLOUDY: "cloudy",
    analysis_pb2.WEATHER_RAIN: "rain",
    analysis_pb2.WEATHER_STORM: "storm",
    analysis_pb2.WEATHER_SNOW: "snow",
    analysis_pb2.WEATHER_FOG: "fog",
    analysis_pb2.WEATHER_WIND: "wind",
}


@dataclass(frozen=True)
class DrawnElement:
    """One thing a shot shows.

    Attributes:
        concept_id: the vocabulary concept (for weather and time, the kind, e.g. ``"rain"``).
        label: English label.
        drawing: ``"icon:<name>"``, ``"figure:<role>"``, ``"setting:<id>"``, ``"sky:<concept>"``,
            ``"weather:<kind>"`` or ``"time:<kind>"``.
        box: ``(x, y, width, height)`` in pixels of the 1280x720 frame at the shot's middle.
        start_ms, end_ms: when it is on screen, in milliseconds from the start of the video.
        entity_id: the analysis entity (``"#2"``... for further copies); empty for scenery.
    """

    concept_id: str
    label: str
    drawing: str
    box: tuple[int, int, int, int]
    start_ms: int
    end_ms: int
    entity_id: str = ""

    @property
    def is_thing(self) -> bool:
        """True for a drawn figure or icon (not the setting, weather or time)."""
        return self.drawing.startswith(("icon:", "figure:"))


@dataclass(frozen=True)
class ShotManifest:
    """The elements of one shot and the scene's undrawn concepts."""

    index: int
    elements: tuple[DrawnElement, ...]
    undrawn: tuple[compose.Undrawn, ...]


def _drawing(fig: Figure) -> str:
    if fig.species == "icon":
        return f"icon:{fig.icon}"
    if fig.human:
        return f"figure:{fig.role}"
    return f"figure:{fig.species}"


def manifest_of(shot_list: prompt_pb2.ShotList, index: int) -> ShotManifest:
    """The render manifest of shot ``index`` of ``shot_list``.

    Raises:
        InvalidShotList: the shot list breaks its contract.
        RenderError: ``ICON_SET_MISSING`` when the cast has icons and the icon set is not installed.
    """
    validate(shot_list)
    plan = plan_of(shot_list, index)
    shot = shot_list.shots[index]
    start, end = shot.start_ms, shot.start_ms + shot.duration_ms
    mid = (plan.span.frames / 2) / FPS
    view = plan.path.at(mid / plan.length_s)
    elements: list[DrawnElement] = []
    off_frame: dict[str, compose.Undrawn] = {}
    for fig in plan.cast:
        box = screen_box(world_box(fig, mid, plan.length_s), view.cx, view.cy, view.zoom)
        if box is None:
            key = fig.concept_id or fig.name
            off_frame.setdefault(key, compose.Undrawn(key, fig.name, OFF_FRAME))
            continue
        concept = fig.concept_id or fig.name
        elements.append(DrawnElement(concept, fig.name, _drawing(fig), box, start, end, fig.entity_id))
    elements += _scenery(plan.scene, shot_list, start, end)
    _, undrawn = compose.elements_of(shot_list, plan.scene.setting)
    undrawn += _places_not_drawn(plan.scene, shot_list)
    shown = {e.concept_id for e in elements}
    undrawn += [u for c, u in off_frame.items() if c not in shown]
    return ShotManifest(index, tuple(elements), tuple(undrawn))


def _scenery(scene: Scene, shot_list: prompt_pb2.ShotList, start: int, end: int) -> list[DrawnElement]:
    full = (0, 0, WIDTH, HEIGHT)
    setting = str(getattr(scene, "setting", "") or ("home" if scene.indoor else "meadow"))
    out: list[DrawnElement] = []
    places = [e for e in shot_list.entities if e.kind == analysis_pb2.ENTITY_KIND_LOCATION]
    named = [e for e in places if _setting_of(compose.concept_of(e)) == setting]
    if named:
        for concept, e in {compose.concept_of(e): e for e in named}.items():
            out.append(DrawnElement(concept, e.name, f"setting:{setting}", full, start, end, e.id))
    else:
        out.append(DrawnElement(setting, setting.replace("_", " "), f"setting:{setting}", full, start, end))
    for e in shot_list.entities:
        concept = compose.concept_of(e)
        if _sky_thing(concept) and _in_sky(concept, scene):
            out.append(DrawnElement(concept, e.name, f"sky:{concept}", full, start, end, e.id))
    weather = WEATHER_KINDS.get(scene.weather)
    if weather is not None and weather != "clear":
        out.append(DrawnElement(weather, weather, f"weather:{weather}", full, start, end))
    time = TIME_KINDS.get(scene.time_of_day)
    if time is not None:
        out.append(DrawnElement(time, time, f"time:{time}", full, start, end))
    return out


def _sky_thing(concept: str) -> bool:
    asset = assets.asset_for(concept)
    return concept in compose.SKY_PAINTED or (asset is not None and asset.drawing == "sky")


def _in_sky(concept: str, scene: Scene) -> bool:
    """Whether the painted sky shows ``concept``: the sun by day unless overcast, the moon and
    stars at night, clouds and the sky itself always (the background draws them; see scenery)."""
    if scene.indoor:
        return concept in ("sky", "sun", "moon") and not scene.overcast
    if concept in ("sun", "sunlight", "sunshine"):
        return not scene.night and not scene.overcast
    if concept in ("moon", "moonlight", "star", "stars"):
        return scene.night
    return concept in ("sky", "cloud", "horizon") or not scene.night


def _setting_of(concept_id: str) -> str:
    asset = assets.asset_for(concept_id) if concept_id else None
    return asset.setting if asset is not None and asset.setting else ""


def _places_not_drawn(scene: Scene, shot_list: prompt_pb2.ShotList) -> list[compose.Undrawn]:
    setting = str(getattr(scene, "setting", ""))
    out: dict[str, compose.Undrawn] = {}
    for e in shot_list.entities:
        concept = compose.concept_of(e)
        if _sky_thing(concept):
            if not _in_sky(concept, scene):
                out.setdefault(concept, compose.Undrawn(concept, e.name, "the sky at this time and weather hides it"))
            continue
        if e.kind != analysis_pb2.ENTITY_KIND_LOCATION:
            continue
        asset = assets.asset_for(concept)
        if asset is not None and asset.drawing != "setting":
            continue  # drawn as a thing, or as the sky, weather or time
        mapped = _setting_of(concept)
        if mapped == setting or mapped in compose.LANDMARKS:
            continue  # the setting itself, or drawn as a landmark in it
        reason = (
            f"a second place: the scene is drawn in one setting ({setting})"
            if mapped
            else "no setting in the asset table for this place"
        )
        out.setdefault(concept, compose.Undrawn(concept, e.name, reason))
    return list(out.values())


__all__ = ["DrawnElement", "ShotManifest", "manifest_of"]
