"""Conversion of the shot list domain model to ``drishya.prompt.v1``."""

from __future__ import annotations

from typing import cast

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2 as pb
from services.prompt.model import Shot, ShotCharacter, ShotList, ShotProp
from services.scene.convert import (
    camera_to_proto,
    category_to_proto,
    entity_to_proto,
    mood_to_proto,
    setting_to_proto,
)


def shot_to_proto(s: Shot) -> pb.Shot:
    """Domain :class:`Shot` to ``drishya.prompt.v1.Shot``."""
    return pb.Shot(
        index=s.index,
        visual_prompt=s.visual_prompt,
        negative_prompt=s.negative_prompt,
        camera=camera_to_proto(s.camera),
        start_ms=s.start_ms,
        duration_ms=s.duration_ms,
        narration=s.narration,
        subtitle=s.subtitle,
        entity_ids=list(s.entity_ids),
        beat_index=s.beat_index,
        setting=setting_to_proto(s.setting),
        characters=[character_to_proto(c) for c in s.characters],
        props=[prop_to_proto(p) for p in s.props],
        action=s.action,
    )


def character_to_proto(c: ShotCharacter) -> pb.ShotCharacter:
    """Domain :class:`ShotCharacter` to ``drishya.prompt.v1.ShotCharacter``."""
    return pb.ShotCharacter(
        entity_id=c.entity_id,
        kind=cast(analysis_pb2.EntityKind, analysis_pb2.EntityKind.Value(f"ENTITY_KIND_{c.kind.name}")),
        name=c.name,
        action=c.action,
        attributes=list(c.attributes),
        concept_id=c.concept_id,
    )


def prop_to_proto(p: ShotProp) -> pb.ShotProp:
    """Domain :class:`ShotProp` to ``drishya.prompt.v1.ShotProp``."""
    return pb.ShotProp(
        entity_id=p.entity_id,
        concept_id=p.concept_id,
        category=category_to_proto(p.category),
        name=p.name,
        attributes=list(p.attributes),
    )


def shot_list_to_proto(sl: ShotList) -> pb.ShotList:
    """Domain :class:`ShotList` to ``drishya.prompt.v1.ShotList``."""
    return pb.ShotList(
        shots=[shot_to_proto(s) for s in sl.shots],
        total_duration_ms=sl.total_duration_ms,
        language_code=sl.language_code,
        setting=setting_to_proto(sl.setting),
        mood=mood_to_proto(sl.mood),
        entities=[entity_to_proto(e) for e in sl.entities],
        quality_score=sl.quality_score,
        warnings=list(sl.warnings),
        provider=sl.provider,
    )
