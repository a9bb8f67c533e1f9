"""Conversion between the domain model (:mod:`services.scene.model`) and ``drishya.analysis.v1``.

Enums map by member name (``TimeOfDay.EVENING`` <-> ``TIME_OF_DAY_EVENING``); an enum value this
code does not know (a newer contract) reads as UNSPECIFIED, and an entity of UNSPECIFIED kind reads
as an object. Used by the analysis servicer (domain -> proto) and by the prompt service, which
receives a ``SceneAnalysis`` message (proto -> domain).
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar, cast

from drishya.analysis.v1 import analysis_pb2 as pb
from drishya.language.v1 import language_pb2
from services.scene.model import (
    Beat,
    Camera,
    CameraAngle,
    CameraMovement,
    Concept,
    ConceptCategory,
    DepthOfField,
    Entity,
    EntityKind,
    Mood,
    Name,
    Pace,
    SceneAnalysis,
    Segment,
    Setting,
    ShotSize,
    TimeOfDay,
    Transition,
    Weather,
)

_E = TypeVar("_E", bound=enum.Enum)


def _to_pb(member: enum.Enum, wrapper: Any, prefix: str) -> Any:
    return wrapper.Value(f"{prefix}_{member.name}")


def _from_pb(value: int, wrapper: Any, prefix: str, cls: type[_E], default: _E) -> _E:
    try:
        name: str = wrapper.Name(value)
    except ValueError:
        return default
    return cls.__members__.get(name.removeprefix(prefix + "_"), default)


def camera_to_proto(c: Camera) -> pb.Camera:
    """Domain :class:`Camera` to ``drishya.analysis.v1.Camera``."""
    return pb.Camera(
        shot_size=_to_pb(c.shot_size, pb.ShotSize, "SHOT_SIZE"),
        movement=_to_pb(c.movement, pb.CameraMovement, "CAMERA_MOVEMENT"),
        angle=_to_pb(c.angle, pb.CameraAngle, "CAMERA_ANGLE"),
        transition=_to_pb(c.transition, pb.Transition, "TRANSITION"),
        focus_entity_id=c.focus_entity_id,
        depth_of_field=_to_pb(c.depth_of_field, pb.DepthOfField, "DEPTH_OF_FIELD"),
    )


def camera_from_proto(c: pb.Camera) -> Camera:
    """``drishya.analysis.v1.Camera`` to the domain :class:`Camera`."""
    return Camera(
        shot_size=_from_pb(c.shot_size, pb.ShotSize, "SHOT_SIZE", ShotSize, ShotSize.UNSPECIFIED),
        movement=_from_pb(c.movement, pb.CameraMovement, "CAMERA_MOVEMENT", CameraMovement, CameraMovement.UNSPECIFIED),
        angle=_from_pb(c.angle, pb.CameraAngle, "CAMERA_ANGLE", CameraAngle, CameraAngle.UNSPECIFIED),
        transition=_from_pb(c.transition, pb.Transition, "TRANSITION", Transition, Transition.UNSPECIFIED),
        focus_entity_id=c.focus_entity_id,
        depth_of_field=_from_pb(
            c.depth_of_field, pb.DepthOfField, "DEPTH_OF_FIELD", DepthOfField, DepthOfField.UNSPECIFIED
        ),
    )


def entity_to_proto(e: Entity) -> pb.Entity:
    """Domain :class:`Entity` to ``drishya.analysis.v1.Entity``."""
    return pb.Entity(
        id=e.id,
        kind=_to_pb(e.kind, pb.EntityKind, "ENTITY_KIND"),
        name=e.name,
        attributes=list(e.attributes),
        source_name=e.source_name,
        concept_id=e.concept_id,
        category=category_to_proto(e.category),
    )


def entity_from_proto(e: pb.Entity) -> Entity:
    """``drishya.analysis.v1.Entity`` to the domain :class:`Entity` (UNSPECIFIED kind reads as OBJECT)."""
    kind = _from_pb(e.kind, pb.EntityKind, "ENTITY_KIND", EntityKind, EntityKind.OBJECT)
    return Entity(e.id, kind, e.name, tuple(e.attributes), e.source_name, e.concept_id, category_from_proto(e.category))


def category_to_proto(c: ConceptCategory) -> language_pb2.ConceptCategory:
    """Domain :class:`ConceptCategory` to ``drishya.language.v1.ConceptCategory``."""
    return cast(language_pb2.ConceptCategory, language_pb2.ConceptCategory.Value(f"CONCEPT_CATEGORY_{c.name}"))


def category_from_proto(value: int) -> ConceptCategory:
    """``drishya.language.v1.ConceptCategory`` to the domain :class:`ConceptCategory`."""
    return _from_pb(
        value, language_pb2.ConceptCategory, "CONCEPT_CATEGORY", ConceptCategory, ConceptCategory.UNSPECIFIED
    )


def segment_from_proto(s: language_pb2.TranslationSegment) -> Segment:
    """``drishya.language.v1.TranslationSegment`` to the domain :class:`Segment` (concepts and names kept)."""
    return Segment(
        source_text=s.source_text,
        text=s.text,
        concepts=tuple(
            Concept(
                concept_id=c.concept_id,
                label=c.label,
                category=category_from_proto(c.category),
                confidence=round(c.confidence, 4),
                method=language_pb2.TranslationMethod.Name(c.method).removeprefix("TRANSLATION_METHOD_")
                if c.method in language_pb2.TranslationMethod.values()
                else "",
                source_text=c.source_text,
            )
            for c in s.concepts
        ),
        names=tuple(Name(n.source_text, n.latin, round(n.confidence, 4)) for n in s.names),
    )


def setting_to_proto(s: Setting) -> pb.Setting:
    """Domain :class:`Setting` to ``drishya.analysis.v1.Setting``."""
    return pb.Setting(
        location=s.location,
        time_of_day=_to_pb(s.time_of_day, pb.TimeOfDay, "TIME_OF_DAY"),
        weather=_to_pb(s.weather, pb.Weather, "WEATHER"),
        indoor=s.indoor,
    )


def setting_from_proto(s: pb.Setting) -> Setting:
    """``drishya.analysis.v1.Setting`` to the domain :class:`Setting`."""
    return Setting(
        location=s.location,
        time_of_day=_from_pb(s.time_of_day, pb.TimeOfDay, "TIME_OF_DAY", TimeOfDay, TimeOfDay.UNSPECIFIED),
        weather=_from_pb(s.weather, pb.Weather, "WEATHER", Weather, Weather.UNSPECIFIED),
        indoor=s.indoor,
    )


def mood_to_proto(m: Mood) -> pb.Mood:
    """Domain :class:`Mood` to ``drishya.analysis.v1.Mood``."""
    return pb.Mood(
        tone=m.tone,
        style=m.style,
        lighting=m.lighting,
        palette=list(m.palette),
        intensity=m.intensity,
        pace=_to_pb(m.pace, pb.Pace, "PACE"),
        sentiment=m.sentiment,
    )


def mood_from_proto(m: pb.Mood) -> Mood:
    """``drishya.analysis.v1.Mood`` to the domain :class:`Mood` (floats rounded to 4 decimals)."""
    return Mood(
        tone=m.tone,
        style=m.style,
        lighting=m.lighting,
        palette=tuple(m.palette),
        intensity=round(m.intensity, 4),
        pace=_from_pb(m.pace, pb.Pace, "PACE", Pace, Pace.UNSPECIFIED),
        sentiment=round(m.sentiment, 4),
    )


def beat_to_proto(b: Beat) -> pb.Beat:
    """Domain :class:`Beat` to ``drishya.analysis.v1.Beat``."""
    return pb.Beat(
        index=b.index,
        text=b.text,
        source_text=b.source_text,
        action=b.action,
        entity_ids=list(b.entity_ids),
        duration_ms=b.duration_ms,
        camera=camera_to_proto(b.camera),
    )


def beat_from_proto(b: pb.Beat) -> Beat:
    """``drishya.analysis.v1.Beat`` to the domain :class:`Beat`."""
    return Beat(
        index=b.index,
        text=b.text,
        source_text=b.source_text,
        action=b.action,
        entity_ids=tuple(b.entity_ids),
        duration_ms=b.duration_ms,
        camera=camera_from_proto(b.camera),
    )


def analysis_to_proto(a: SceneAnalysis) -> pb.SceneAnalysis:
    """Domain :class:`SceneAnalysis` to ``drishya.analysis.v1.SceneAnalysis``."""
    return pb.SceneAnalysis(
        language_code=a.language_code,
        source_text=a.source_text,
        english_text=a.english_text,
        entities=[entity_to_proto(e) for e in a.entities],
        setting=setting_to_proto(a.setting),
        mood=mood_to_proto(a.mood),
        camera=camera_to_proto(a.camera),
        beats=[beat_to_proto(b) for b in a.beats],
        estimated_duration_ms=a.estimated_duration_ms,
    )


def analysis_from_proto(a: pb.SceneAnalysis) -> SceneAnalysis:
    """``drishya.analysis.v1.SceneAnalysis`` to the domain :class:`SceneAnalysis`."""
    return SceneAnalysis(
        language_code=a.language_code,
        source_text=a.source_text,
        english_text=a.english_text,
        entities=tuple(entity_from_proto(e) for e in a.entities),
        setting=setting_from_proto(a.setting),
        mood=mood_from_proto(a.mood),
        camera=camera_from_proto(a.camera),
        beats=tuple(beat_from_proto(b) for b in a.beats),
        estimated_duration_ms=a.estimated_duration_ms,
    )
