"""Shot-list validation and quality score in [0, 1].

Each check has a weight; the weights sum to 1. A check that fails for a fraction ``f`` of the
shots (or fails outright, ``f = 1``) costs ``weight * f`` and adds a warning, so

    score = 1 - sum(weight * failed_fraction).

| check | weight | passes when |
|---|---|---|
| ``shot_count`` | 0.20 | 3 to 6 shots |
| ``durations`` | 0.20 | every shot >= 1500 ms, start times cumulative, sum == total_duration_ms >= 6000 |
| ``narration`` | 0.20 | narrations joined equal the source text (modulo whitespace); subtitles equal narrations |
| ``subject`` | 0.15 | every shot has an entity (a character, animal, object or location) in frame |
| ``camera_variety`` | 0.10 | not every shot has the same shot size |
| ``prompt_length`` | 0.10 | every visual prompt has 20 to 600 characters (fraction of shots) |
| ``negative_prompt`` | 0.05 | every shot has a negative prompt (fraction of shots) |

The weights put the invariants renderers depend on (count, timing, the user's words) first, and
taste (variety, prompt length) last. They are a design choice, not a fitted model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.prompt.model import Shot
from services.scene.text import squash

#: Check weights; they sum to 1.
WEIGHTS: dict[str, float] = {
    "shot_count": 0.20,
    "durations": 0.20,
    "narration": 0.20,
    "subject": 0.15,
    "camera_variety": 0.10,
    "prompt_length": 0.10,
    "negative_prompt": 0.05,
}
MIN_SHOTS, MAX_SHOTS = 3, 6
MIN_SHOT_MS = 1500
MIN_TOTAL_MS = 6000
#: Visual prompt length bounds in characters.
MIN_PROMPT_CHARS, MAX_PROMPT_CHARS = 20, 600


@dataclass(frozen=True)
class QualityReport:
    """Result of :func:`evaluate`: ``score`` in [0, 1], English ``warnings``, and each check's failed fraction."""

    score: float
    warnings: tuple[str, ...]
    failed: dict[str, float]


def evaluate(
    shots: Sequence[Shot],
    total_duration_ms: int,
    source_text: str,
) -> QualityReport:
    """Validate a shot list and score it.

    Args:
        shots: the shots in order.
        total_duration_ms: the shot list's declared total.
        source_text: the user's scene text the narration must cover.
    Returns:
        The :class:`QualityReport`.
    """
    failed: dict[str, float] = {}
    warnings: list[str] = []
    n = len(shots)

    if not MIN_SHOTS <= n <= MAX_SHOTS:
        failed["shot_count"] = 1.0
        warnings.append(f"the shot list has {n} shots; expected {MIN_SHOTS} to {MAX_SHOTS}")

    problems: list[str] = []
    short = [s.index for s in shots if s.duration_ms < MIN_SHOT_MS]
    if short:
        problems.append(f"shots {short} are shorter than {MIN_SHOT_MS} ms")
    total = sum(s.duration_ms for s in shots)
    if total != total_duration_ms:
        problems.append(f"shot durations sum to {total} ms, not the declared {total_duration_ms} ms")
    if total_duration_ms < MIN_TOTAL_MS:
        problems.append(f"the total {total_duration_ms} ms is below {MIN_TOTAL_MS} ms")
    start = 0
    for s in shots:
        if s.start_ms != start:
            problems.append(f"shot {s.index} starts at {s.start_ms} ms, expected {start} ms")
            break
        start += s.duration_ms
    if problems:
        failed["durations"] = 1.0
        warnings.extend(problems)

    narration = "".join(s.narration for s in shots)
    if squash(narration) != squash(source_text):
        failed["narration"] = 1.0
        warnings.append("the narration does not reproduce the source text")
    elif any(s.subtitle != s.narration for s in shots):
        failed["narration"] = 0.5
        warnings.append("some subtitles differ from their narration")

    if n:
        empty = [s.index for s in shots if not s.entity_ids]
        if empty:
            failed["subject"] = len(empty) / n
            warnings.append(f"shots {empty} have no subject or location")

        if n > 1 and len({s.camera.shot_size for s in shots}) == 1:
            failed["camera_variety"] = 1.0
            warnings.append("every shot has the same shot size")

        bad_len = [s.index for s in shots if not MIN_PROMPT_CHARS <= len(s.visual_prompt) <= MAX_PROMPT_CHARS]
        if bad_len:
            failed["prompt_length"] = len(bad_len) / n
            warnings.append(
                f"visual prompts of shots {bad_len} are outside {MIN_PROMPT_CHARS}-{MAX_PROMPT_CHARS} characters"
            )

        no_negative = [s.index for s in shots if not s.negative_prompt.strip()]
        if no_negative:
            failed["negative_prompt"] = len(no_negative) / n
            warnings.append(f"shots {no_negative} have no negative prompt")

    score = 1.0 - sum(WEIGHTS[k] * f for k, f in failed.items())
    return QualityReport(score=round(max(0.0, min(1.0, score)), 4), warnings=tuple(warnings), failed=failed)
