"""Frame arithmetic of a shot list: where each shot sits on the 24 fps timeline.

Shot ``i`` covers the frames ``[round(S_i * FPS / 1000), round(E_i * FPS / 1000))`` where ``S_i`` is
the sum of the durations before it and ``E_i = S_i + duration_ms``; rounding boundaries (not
lengths) keeps the assembled frame count equal to ``round(total_duration_ms * FPS / 1000)``.
A shot that is not the last and does not end in a hard cut renders ``TAIL_FRAMES`` extra frames
(``FADE_MS`` of overlap) which the assembler blends with the head of the next shot.
"""

from __future__ import annotations

from dataclasses import dataclass

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2
from services.mesh.errors import FieldViolation

from .constants import FADE_MS, FPS, MAX_SHOTS, MIN_SHOT_MS
from .errors import InvalidShotList

TAIL_FRAMES = (FADE_MS * FPS + 500) // 1000


def ms_to_frame(ms: int) -> int:
    """The frame index at ``ms`` milliseconds, rounded half up (integer arithmetic)."""
    return (ms * FPS + 500) // 1000


@dataclass(frozen=True)
class ShotSpan:
    """Where shot ``index`` sits: ``start_frame`` on the timeline, ``frames`` it owns, ``tail`` overlap."""

    index: int
    start_ms: int
    duration_ms: int
    start_frame: int
    frames: int
    tail: int
    transition: int

    @property
    def rendered_frames(self) -> int:
        """Frames render_shot writes: the shot's own frames plus the overlap tail."""
        return self.frames + self.tail


def spans(shot_list: prompt_pb2.ShotList) -> list[ShotSpan]:
    """The span of every shot, in order (call :func:`validate` first)."""
    out: list[ShotSpan] = []
    start = 0
    n = len(shot_list.shots)
    for i, shot in enumerate(shot_list.shots):
        end = start + shot.duration_ms
        transition = shot.camera.transition
        tail = 0 if i == n - 1 or transition == analysis_pb2.TRANSITION_CUT else TAIL_FRAMES
        f0, f1 = ms_to_frame(start), ms_to_frame(end)
        out.append(ShotSpan(i, start, shot.duration_ms, f0, f1 - f0, tail, transition))
        start = end
    return out


def validate(shot_list: prompt_pb2.ShotList) -> None:
    """Check the parts of the ShotList contract rendering relies on.

    Raises:
        InvalidShotList: no shots or more than ``MAX_SHOTS``; a shot shorter than ``MIN_SHOT_MS``;
            ``index`` out of order; ``start_ms`` or ``total_duration_ms`` off the running sum of
            durations by more than one frame (42 ms).
    """
    violations: list[FieldViolation] = []
    if not shot_list.shots:
        violations.append(FieldViolation("shots", "at least one shot is required"))
    if len(shot_list.shots) > MAX_SHOTS:
        violations.append(FieldViolation("shots", f"at most {MAX_SHOTS} shots are rendered"))
    tolerance = 1000 // FPS
    start = 0
    for i, shot in enumerate(shot_list.shots):
        if shot.duration_ms < MIN_SHOT_MS:
            violations.append(FieldViolation(f"shots[{i}].duration_ms", f"must be at least {MIN_SHOT_MS} ms"))
        if shot.index != i:
            violations.append(FieldViolation(f"shots[{i}].index", f"must be {i}"))
        if abs(shot.start_ms - start) > tolerance:
            violations.append(FieldViolation(f"shots[{i}].start_ms", f"must be the sum of earlier durations ({start})"))
        start += shot.duration_ms
    if shot_list.shots and abs(shot_list.total_duration_ms - start) > tolerance:
        violations.append(FieldViolation("total_duration_ms", f"must be the sum of shot durations ({start})"))
    if violations:
        raise InvalidShotList("the shot list cannot be rendered", violations=violations)
