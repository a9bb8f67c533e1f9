"""Shot planning: beats to 3-6 shots with durations and the user's words shared out among them.

* Shot count: one shot per beat, clamped to [3, 6] and to what the total duration allows at
  1.5 s per shot (so a 6 s scene has at most 4 shots).
* Fewer beats than shots: the longest beats are covered by several shots (at most 3 each).
* Framing: every shot frames what its own words name, at the size that needs
  (:mod:`services.prompt.framing`): a wide shot where a place is introduced, a close-up only for a
  feeling on a face, medium on a named thing; never a fixed wide-medium-close pattern.
* More beats than shots: consecutive beats are merged into shots of about equal duration.
* Durations: each shot's share of its beats' estimated time, scaled to the scene's total
  (``estimated_duration_ms``, at least 6000 ms), with a 1500 ms floor per shot (water-filling),
  rounded to whole milliseconds by largest remainder so they sum exactly to the total.
* Narration: each beat's ``source_text`` goes to its shots in order; a beat covered by several
  shots is split at phrase boundaries (:func:`services.scene.cues.split_cues`: after punctuation,
  before a conjunction or after a verb, never after an article, numeral, conjunction, possessive
  or attributive adjective). Where two shots show different beats, the cut between their
  narrations (the analysis's, which may fall inside a sentence) is moved to the best phrase
  boundary near it (:func:`services.scene.cues.shift_cut`), so a word or two may go to the
  neighbouring shot. Joined in order, the narrations give back the beats' source texts (never
  translated, never invented). Each shot's subtitle is its narration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from services.prompt.framing import frame_piece
from services.scene.cues import shift_cut, split_cues
from services.scene.lexicon import MOTION_ACTIONS
from services.scene.model import (
    Beat,
    Camera,
    CameraMovement,
    DepthOfField,
    EntityKind,
    SceneAnalysis,
    ShotSize,
    Transition,
)
from services.scene.text import partition_by_weights

MIN_SHOTS = 3
MAX_SHOTS = 6
#: Shortest shot in milliseconds.
MIN_SHOT_MS = 1500
#: Shortest scene in milliseconds.
MIN_TOTAL_MS = 6000
#: Most shots one beat is covered by (establishing, subject, detail).
MAX_SHOTS_PER_BEAT = 3

_WIDE = (ShotSize.EXTREME_WIDE, ShotSize.WIDE, ShotSize.UNSPECIFIED)


@dataclass(frozen=True)
class PlannedShot:
    """A shot before prompt formatting.

    Attributes:
        beat_indices: the beats shown, in order (several when beats were merged).
        role: ``"beat"`` (the beat's own camera), ``"establishing"``, ``"subject"`` or ``"detail"``.
        camera: camera plan.
        entity_ids: entities in frame.
        lead_ids: the entities the action is about (the first beat's, when beats were merged);
            the others are shown alongside.
        action: English action lemma or ``""``.
        text: the English text of the beats shown.
        narration: the user's words spoken over the shot.
        duration_ms: duration in milliseconds.
    """

    beat_indices: tuple[int, ...]
    role: str
    camera: Camera
    entity_ids: tuple[str, ...]
    action: str
    text: str
    narration: str
    duration_ms: int = 0
    lead_ids: tuple[str, ...] = ()


def total_duration_ms(analysis: SceneAnalysis) -> int:
    """The shot list's length: ``estimated_duration_ms`` (or the beats' sum when it is 0), >= 6000."""
    estimate = analysis.estimated_duration_ms or sum(max(0, b.duration_ms) for b in analysis.beats)
    return max(MIN_TOTAL_MS, estimate)


def shot_count(beats: int, total_ms: int) -> int:
    """Number of shots for ``beats`` beats over ``total_ms``: ``beats`` clamped to [3, 6] and to total/1500."""
    most = max(MIN_SHOTS, min(MAX_SHOTS, total_ms // MIN_SHOT_MS))
    return max(MIN_SHOTS, min(most, beats))


def shots_per_beat(durations: Sequence[int], shots: int) -> list[int]:
    """How many shots cover each beat when there are fewer beats than ``shots``.

    Every beat gets one; each extra shot goes to the beat with the longest time per shot so far
    (the earliest on ties), at most :data:`MAX_SHOTS_PER_BEAT` per beat.
    """
    counts = [1] * len(durations)
    extra = shots - len(durations)
    while extra > 0:
        open_ = [i for i, c in enumerate(counts) if c < MAX_SHOTS_PER_BEAT]
        if not open_:
            break
        best = max(open_, key=lambda i: (max(1, durations[i]) / counts[i], -i))
        counts[best] += 1
        extra -= 1
    return counts


def allocate_durations(weights: Sequence[float], total_ms: int, minimum_ms: int = MIN_SHOT_MS) -> list[int]:
    """Share ``total_ms`` among shots in proportion to ``weights``, each at least ``minimum_ms``.

    Water-filling: shots whose share falls below the floor are pinned to it and the rest is shared
    again among the others; then largest-remainder rounding makes the integers sum to ``total_ms``.

    Raises:
        ValueError: ``total_ms`` cannot give every shot ``minimum_ms``.
    """
    n = len(weights)
    if n == 0:
        return []
    if total_ms < n * minimum_ms:
        raise ValueError(f"{total_ms} ms cannot hold {n} shots of {minimum_ms} ms")
    ws = [max(0.0, float(w)) for w in weights]
    if sum(ws) <= 0:
        ws = [1.0] * n
    pinned: set[int] = set()
    shares = [0.0] * n
    while True:
        free = [i for i in range(n) if i not in pinned]
        budget = total_ms - minimum_ms * len(pinned)
        wsum = sum(ws[i] for i in free)
        for i in free:
            shares[i] = budget * ws[i] / wsum if wsum > 0 else budget / len(free)
        low = [i for i in free if shares[i] < minimum_ms]
        if not low:
            break
        for i in low:
            pinned.add(i)
            shares[i] = float(minimum_ms)
    floors = [int(s) for s in shares]
    rest = total_ms - sum(floors)
    order = sorted(range(n), key=lambda i: (-(shares[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return floors


def _characters(analysis: SceneAnalysis, ids: Sequence[str]) -> list[str]:
    kinds = (EntityKind.CHARACTER, EntityKind.ANIMAL)
    return [i for i in ids if (e := analysis.entity(i)) is not None and e.kind in kinds]


def _location_id(analysis: SceneAnalysis) -> str:
    return next((e.id for e in analysis.entities if e.kind is EntityKind.LOCATION), "")


def _with_location(ids: Sequence[str], location_id: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*ids, location_id] if location_id else ids))


def _coverage(analysis: SceneAnalysis, beat: Beat, roles: Sequence[str]) -> list[tuple[str, Camera, tuple[str, ...]]]:
    """Cameras and entities for a beat covered by several shots, one per role."""
    loc = _location_id(analysis)
    people = _characters(analysis, beat.entity_ids)
    subject = people[0] if people else ""
    out: list[tuple[str, Camera, tuple[str, ...]]] = []
    for role in roles:
        if role == "establishing":
            wide = beat.camera.shot_size if beat.camera.shot_size in _WIDE[:2] else ShotSize.WIDE
            moving = beat.camera.movement if beat.camera.shot_size in _WIDE[:2] else CameraMovement.DOLLY_IN
            cam = Camera(
                shot_size=wide,
                movement=moving,
                angle=beat.camera.angle,
                transition=Transition.CUT,
                focus_entity_id=loc or subject,
                depth_of_field=DepthOfField.DEEP,
            )
            out.append((role, cam, _with_location(beat.entity_ids, loc)))
        elif role == "subject":
            moving = CameraMovement.TRACKING if beat.action in MOTION_ACTIONS else CameraMovement.STATIC
            cam = Camera(
                shot_size=ShotSize.MEDIUM,
                movement=moving,
                angle=beat.camera.angle,
                transition=Transition.CUT,
                focus_entity_id=subject or loc,
                depth_of_field=DepthOfField.DEEP,
            )
            ids = tuple(people) or tuple(beat.entity_ids)
            out.append((role, cam, _with_location(ids, loc) if not people else ids))
        else:  # detail
            cam = Camera(
                shot_size=ShotSize.CLOSE_UP,
                movement=CameraMovement.DOLLY_IN,
                angle=beat.camera.angle,
                transition=Transition.CUT,
                focus_entity_id=subject or loc,
                depth_of_field=DepthOfField.SHALLOW,
            )
            out.append((role, cam, (subject,) if subject else _with_location((), loc)))
    # The beat's own transition leads out of its last shot.
    role, cam, ids = out[-1]
    out[-1] = (role, replace(cam, transition=beat.camera.transition), ids)
    return out


def _roles(beat: Beat, k: int) -> list[str]:
    if k == 1:
        return ["beat"]
    if k == 2:
        return ["establishing", "subject"] if beat.camera.shot_size in _WIDE else ["subject", "detail"]
    return ["establishing", "subject", "detail"]


def plan_shots(analysis: SceneAnalysis) -> list[PlannedShot]:
    """Plan the shots of ``analysis`` (which has at least one beat).

    Returns:
        3 to 6 shots; their durations sum to :func:`total_duration_ms`, each is >= 1500 ms, and their
        narrations joined with spaces equal the beats' source texts joined with spaces.
    Raises:
        ValueError: ``analysis`` has no beats.
    """
    beats = list(analysis.beats)
    if not beats:
        raise ValueError("the analysis has no beats")
    total = total_duration_ms(analysis)
    n = shot_count(len(beats), total)
    loc = _location_id(analysis)
    drafts: list[PlannedShot] = []
    weights: list[float] = []
    if len(beats) > n:
        sizes = partition_by_weights([max(1, b.duration_ms) for b in beats], [1.0] * n)
        pos = 0
        for size in sizes:
            group = beats[pos : pos + size]
            pos += size
            ids = tuple(dict.fromkeys(i for b in group for i in b.entity_ids))
            first = group[0]
            lead = next((b for b in group if b.entity_ids), first)
            last_transition = group[-1].camera.transition
            cam = replace(first.camera, transition=last_transition)
            drafts.append(
                PlannedShot(
                    beat_indices=tuple(b.index for b in group),
                    role="beat",
                    camera=cam,
                    entity_ids=ids if ids else _with_location((), loc),
                    action=lead.action,
                    lead_ids=tuple(lead.entity_ids),
                    text=" ".join(b.text for b in group),
                    narration=" ".join(b.source_text for b in group if b.source_text),
                )
            )
            weights.append(float(sum(max(1, b.duration_ms) for b in group)))
    else:
        counts = shots_per_beat([b.duration_ms for b in beats], n)
        for beat, k in zip(beats, counts, strict=True):
            roles = _roles(beat, k)
            pieces = split_cues(beat.source_text, [1.0] * k) if k > 1 else [beat.source_text]
            if k == 1:
                covered = [("beat", beat.camera, tuple(beat.entity_ids) or _with_location((), loc))]
            else:
                covered = _coverage(analysis, beat, roles)
            for (role, cam, ids), words in zip(covered, pieces, strict=True):
                drafts.append(
                    PlannedShot(
                        beat_indices=(beat.index,),
                        role=role,
                        camera=cam,
                        entity_ids=ids,
                        action=beat.action,
                        text=beat.text,
                        narration=words.strip(),
                    )
                )
                weights.append(max(1, beat.duration_ms) / k)
    durations = allocate_durations(weights, total)
    drafts = framed(analysis, at_phrase_boundaries(drafts))
    return [replace(d, duration_ms=ms) for d, ms in zip(drafts, durations, strict=True)]


def framed(analysis: SceneAnalysis, shots: Sequence[PlannedShot]) -> list[PlannedShot]:
    """``shots`` each framing what its own narration names (:func:`services.prompt.framing.frame_piece`).

    The size and focus come from the words; movement and transition stay the shot's. The role
    follows the framing: a wide shot of a place is ``"establishing"``, a close-up ``"detail"``, the
    rest ``"subject"`` (a single-shot beat keeps ``"beat"``).
    """
    by_index = {b.index: b for b in analysis.beats}
    landscape = bool(analysis.beats) and analysis.beats[0].camera.shot_size is ShotSize.EXTREME_WIDE
    places = {e.id for e in analysis.entities if e.kind is EntityKind.LOCATION}
    out: list[PlannedShot] = []
    previous: Camera | None = None
    for shot in shots:
        beat = by_index.get(shot.beat_indices[0])
        if beat is None or not shot.narration:
            out.append(shot)
            continue
        camera, ids = frame_piece(analysis, beat, shot.narration, previous=previous, landscape=landscape)
        camera = replace(camera, movement=shot.camera.movement, transition=shot.camera.transition)
        role = shot.role
        if role != "beat":
            wide = camera.shot_size in _WIDE[:2] and camera.focus_entity_id in places
            role = "establishing" if wide else "detail" if camera.shot_size is ShotSize.CLOSE_UP else "subject"
        out.append(replace(shot, camera=camera, entity_ids=ids or shot.entity_ids, role=role))
        previous = camera
    return out


def at_phrase_boundaries(shots: Sequence[PlannedShot]) -> list[PlannedShot]:
    """``shots`` with each cut between two beats' narrations moved to a phrase boundary.

    Walks the shots in order; between a shot with words and the next shot with words that starts
    another beat, the cut is re-placed by :func:`services.scene.cues.shift_cut` (a cut at a
    sentence end stays). Cuts between shots of one beat were placed by ``split_cues`` and stay.
    Only ``narration`` changes; the narrations, joined with spaces, keep the same words in order.
    """
    out = list(shots)
    prev = -1
    for i, shot in enumerate(out):
        if not shot.narration:
            continue
        if prev >= 0 and out[prev].beat_indices[-1] != shot.beat_indices[0]:
            left, right = shift_cut(out[prev].narration + " ", shot.narration)
            out[prev] = replace(out[prev], narration=left.strip())
            out[i] = replace(shot, narration=right.strip())
            if not right.strip():
                continue  # every word went to the shot before; it stays the one to compare with
        prev = i
    return out
