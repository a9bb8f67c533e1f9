"""Framing by content: each shot frames what its own words name, at the size that thing needs.

A beat spread over several shots gives each shot a piece of the user's words. The thing a piece
names (an entity whose source words, or English name for English text, occur in the piece) is
what the shot frames; a piece that names nothing frames the beat's subject. The shot size then
follows what is framed, not a fixed wide-medium-close pattern:

* a place, named and nothing else: a wide shot (extreme wide for a landscape) - an establishing
  shot only where a place is introduced; the scene's first shot naming a thing and its place is
  wide on the thing;
* a person in a whole-body action (walk, run, dance, play, swim, ride...) or a group: wide, so the
  action is seen;
* a person in a beat that names a feeling: a close-up on the face (the only close-up);
* a person otherwise, an animal, an object or a vehicle: medium, the thing filling the frame in
  its place (the renderer never frames a thing narrower than its surroundings need);
* words that name only the place, once it is established: the beat's subject, wide, in it;
* a shot that would repeat the previous shot's framing of the same subject steps to the other
  size (wide <-> medium), so consecutive shots are not the same picture.

Camera words the user wrote ("close-up", "aerial") still win: the beat's camera keeps them.
Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace

from services.scene.lexicon import CAMERA_SIZES, MOTION_ACTIONS
from services.scene.model import Beat, Camera, DepthOfField, Entity, EntityKind, SceneAnalysis, ShotSize

WIDE_SIZES = (ShotSize.EXTREME_WIDE, ShotSize.WIDE)
CLOSE_SIZES = (ShotSize.CLOSE_UP, ShotSize.EXTREME_CLOSE_UP)
WHOLE_BODY = frozenset({*MOTION_ACTIONS, "dance", "play", "jump", "climb", "fight", "build", "kick", "throw"})
"""Actions seen whole: their shots are wide."""
GROUP_WORDS = ("group", "crowd", "two", "three", "four", "five", "many", "several")


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def _stem(word: str) -> str:
    """A surface form without the last 30% of its letters (at most 3): Indic case endings and
    English plurals vary ("నదిలో" / "నది", "fields" / "field")."""
    cut = min(3, len(word) * 3 // 10)
    return word[: len(word) - cut] if cut else word


def named_in(piece: str, entities: Sequence[Entity], language: str) -> list[Entity]:
    """The entities ``piece`` (the user's words) names, in order of appearance.

    An entity is named when its source words occur in the piece (each word by its stem, so an
    inflected form matches), or, for English text, its English name does.
    """
    text = _norm(piece)
    words = re.findall(r"\w+", text)
    found: list[tuple[int, Entity]] = []
    for e in entities:
        forms = [e.source_name] if e.source_name else []
        if language == "en":
            forms.append(e.name)
        best = -1
        for form in forms:
            parts = re.findall(r"\w+", _norm(form))
            if not parts:
                continue
            stems = [_stem(p) for p in parts]
            for i in range(len(words) - len(parts) + 1):
                if all(words[i + k].startswith(stems[k]) for k in range(len(parts))):
                    best = i if best < 0 else min(best, i)
                    break
        if best >= 0:
            found.append((best, e))
    found.sort(key=lambda pair: pair[0])
    return [e for _, e in found]


def _size_for(subject: Entity, beat: Beat, emotional: bool, landscape: bool) -> ShotSize:
    if subject.kind is EntityKind.LOCATION:
        return ShotSize.EXTREME_WIDE if landscape else ShotSize.WIDE
    if subject.kind is EntityKind.CHARACTER:
        if emotional:
            return ShotSize.CLOSE_UP
        if beat.action in WHOLE_BODY or any(a in GROUP_WORDS for a in subject.attributes):
            return ShotSize.WIDE
    return ShotSize.MEDIUM


def frame_piece(
    analysis: SceneAnalysis,
    beat: Beat,
    piece: str,
    *,
    previous: Camera | None,
    landscape: bool,
) -> tuple[Camera, tuple[str, ...]]:
    """The camera of a shot showing ``piece`` of ``beat``, and the entities in its frame.

    Args:
        analysis: the scene (its entities and language).
        beat: the beat the piece belongs to; its camera supplies angle, movement, transition and any
            size the user's words asked for.
        piece: the user's words spoken over the shot.
        previous: the camera of the shot before, or None for the first shot.
        landscape: the scene's place is a landscape (river, field...).
    Returns:
        The camera (size and focus from what the piece names) and the entity ids in frame (the
        beat's, with the named ones first).
    """
    by_id = {e.id: e for e in analysis.entities}
    in_beat = [by_id[i] for i in beat.entity_ids if i in by_id]
    named = named_in(piece, analysis.entities, analysis.language_code)
    things = [e for e in named if e.kind is not EntityKind.LOCATION]
    places = [e for e in named if e.kind is EntityKind.LOCATION]
    emotional = beat.camera.shot_size in CLOSE_SIZES and bool(beat.camera.focus_entity_id)
    lead = [e for e in in_beat if e.kind is not EntityKind.LOCATION]
    subject: Entity | None
    if things:
        subject = things[0]
    elif places and (previous is None or not lead):
        subject = places[0]
    else:
        subject = lead[0] if lead else (places[0] if places else None)
    if subject is None:
        return beat.camera, tuple(beat.entity_ids)
    size = _size_for(subject, beat, emotional and subject.kind is EntityKind.CHARACTER, landscape)
    if places and not things and subject.kind is not EntityKind.LOCATION:
        size = ShotSize.WIDE  # the words name the place: the subject is seen in it
    if previous is None and places and subject.kind is not EntityKind.LOCATION and size is ShotSize.MEDIUM:
        size = ShotSize.WIDE  # the first shot introduces the place too: the thing seen in it
    if previous is not None and previous.focus_entity_id == subject.id and previous.shot_size == size:
        size = ShotSize.MEDIUM if size in WIDE_SIZES else ShotSize.WIDE
    if _asked_for(beat):
        size = beat.camera.shot_size
    dof = DepthOfField.SHALLOW if size in CLOSE_SIZES else DepthOfField.DEEP
    camera = replace(beat.camera, shot_size=size, focus_entity_id=subject.id, depth_of_field=dof)
    ids = tuple(dict.fromkeys([*(e.id for e in named), *beat.entity_ids]))
    return camera, ids


def _asked_for(beat: Beat) -> bool:
    """True when the beat's English words ask for a shot size ("close-up", "aerial shot"...)."""
    text = beat.text.lower()
    return any(re.search(r"\b" + re.escape(p) + r"\b", text) for p in CAMERA_SIZES)


__all__ = ["frame_piece", "named_in"]
