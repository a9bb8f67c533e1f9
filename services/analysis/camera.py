"""Camera plan of each beat, from film grammar conventions.

The rules follow the usual coverage pattern of narrative film (an establishing shot, then
closer coverage; see e.g. Mascelli, "The Five C's of Cinematography", 1965, on establishing,
medium and close shots):

* the first beat establishes the place: a wide shot (extreme wide for landscapes or when no one
  is in the scene), locked-off for a slow scene, otherwise a slow dolly in; deep focus;
* a beat naming a feeling is a close-up on its first character with shallow depth of field;
* an action beat is a medium shot, tracking when the subject moves (run, dance, walk...);
* camera words in the beat's text ("close-up", "aerial", "pan", "low angle") override the rules;
* transitions crossfade, cut in a fast scene, and the last beat fades to black.
"""

from __future__ import annotations

from typing import TypeVar

from services.analysis.lookup import phrase_in
from services.scene.lexicon import CAMERA_ANGLES, CAMERA_MOVES, CAMERA_SIZES, MOTION_ACTIONS
from services.scene.model import Camera, CameraAngle, CameraMovement, DepthOfField, Pace, ShotSize, Transition

_T = TypeVar("_T")


def _requested(text: str, table: dict[str, _T]) -> _T | None:
    # Longest phrase first, so "extreme close-up" wins over "close-up".
    for phrase in sorted(table, key=len, reverse=True):
        if phrase_in(text, phrase):
            return table[phrase]
    return None


def beat_camera(
    *,
    index: int,
    count: int,
    text: str,
    action: str,
    emotional: bool,
    character_id: str,
    location_id: str,
    landscape: bool,
    pace: Pace,
) -> Camera:
    """The camera plan of beat ``index`` of ``count``.

    Args:
        text: the beat's English text (searched for camera words).
        action: the beat's action lemma or ``""``.
        emotional: the beat names a feeling.
        character_id: id of the beat's first character or animal, or ``""``.
        location_id: id of the scene's location, or ``""``.
        landscape: the location is a landscape (river, field...), or nobody is in the scene.
        pace: the scene's pace.
    """
    if index == 0:
        size = ShotSize.EXTREME_WIDE if landscape else ShotSize.WIDE
        movement = CameraMovement.STATIC if pace is Pace.SLOW else CameraMovement.DOLLY_IN
        dof = DepthOfField.DEEP
        focus = location_id or character_id
    elif emotional and character_id:
        size, movement, dof, focus = ShotSize.CLOSE_UP, CameraMovement.STATIC, DepthOfField.SHALLOW, character_id
    elif action in MOTION_ACTIONS:
        size, movement, dof = ShotSize.MEDIUM, CameraMovement.TRACKING, DepthOfField.DEEP
        focus = character_id or location_id
    else:
        size, movement, dof = ShotSize.MEDIUM, CameraMovement.STATIC, DepthOfField.DEEP
        focus = character_id or location_id
    angle = CameraAngle.EYE_LEVEL
    size = _requested(text, CAMERA_SIZES) or size
    movement = _requested(text, CAMERA_MOVES) or movement
    angle = _requested(text, CAMERA_ANGLES) or angle
    if size in (ShotSize.CLOSE_UP, ShotSize.EXTREME_CLOSE_UP):
        dof = DepthOfField.SHALLOW
    if index == count - 1:
        transition = Transition.FADE_TO_BLACK
    elif pace is Pace.FAST:
        transition = Transition.CUT
    else:
        transition = Transition.CROSSFADE
    return Camera(
        shot_size=size,
        movement=movement,
        angle=angle,
        transition=transition,
        focus_entity_id=focus,
        depth_of_field=dof,
    )
