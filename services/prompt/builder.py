"""BuildPrompt: validation, shot planning, prompt formatting and scoring."""

from __future__ import annotations

from services.mesh.errors import FieldViolation, InvalidArgument
from services.prompt.model import Shot, ShotList
from services.prompt.planner import MIN_TOTAL_MS, plan_shots, total_duration_ms
from services.prompt.providers import format_negative, format_prompt, resolve_provider
from services.prompt.quality import evaluate
from services.prompt.structure import shot_elements
from services.prompt.templates import negative_terms, prompt_parts
from services.scene.model import SceneAnalysis
from services.scene.text import squash


def build_shot_list(analysis: SceneAnalysis, provider: str = "") -> ShotList:
    """Plan, format, validate and score the shot list of a scene.

    Args:
        analysis: the scene analysis; needs at least one beat.
        provider: provider to format prompts for; ``"storyboard"`` when blank.
    Returns:
        A :class:`ShotList` of 3 to 6 shots whose durations sum to ``total_duration_ms``
        (``estimated_duration_ms``, at least 6000), whose narrations joined give back the beats'
        source texts, with a quality score and warnings (see :mod:`services.prompt.quality`).
    Raises:
        InvalidArgument: ``UNKNOWN_PROVIDER`` (violation on ``provider``), ``NO_BEATS`` (violation
            on ``analysis.beats``).
    """
    key = resolve_provider(provider)
    if not analysis.beats:
        raise InvalidArgument(
            "the analysis has no beats",
            reason="NO_BEATS",
            violations=[FieldViolation("analysis.beats", "at least one beat is required")],
        )
    total = total_duration_ms(analysis)
    planned = plan_shots(analysis)
    negative = format_negative(key, negative_terms(analysis))
    shots: list[Shot] = []
    start = 0
    for index, p in enumerate(planned):
        characters, props = shot_elements(p, analysis)
        shots.append(
            Shot(
                index=index,
                visual_prompt=format_prompt(key, prompt_parts(p, analysis)),
                negative_prompt=negative,
                camera=p.camera,
                start_ms=start,
                duration_ms=p.duration_ms,
                narration=p.narration,
                subtitle=p.narration,
                entity_ids=p.entity_ids,
                beat_index=p.beat_indices[0],
                setting=analysis.setting,
                characters=characters,
                props=props,
                action=p.action,
            )
        )
        start += p.duration_ms
    source = analysis.source_text or " ".join(b.source_text for b in analysis.beats)
    report = evaluate(shots, total, source)
    notes: list[str] = []
    if analysis.estimated_duration_ms < MIN_TOTAL_MS:
        notes.append(f"estimated duration {analysis.estimated_duration_ms} ms raised to {total} ms")
    if squash(" ".join(b.source_text for b in analysis.beats)) != squash(source):
        notes.append("the beats' source texts do not cover the analysis source text")
    return ShotList(
        shots=tuple(shots),
        total_duration_ms=total,
        language_code=analysis.language_code,
        setting=analysis.setting,
        mood=analysis.mood,
        entities=analysis.entities,
        quality_score=report.score,
        warnings=(*notes, *report.warnings),
        provider=key,
    )
