"""Domain model of a shot list (mirrors ``drishya.prompt.v1``); cameras, setting, mood and entities
are the analysis service's domain types (:mod:`services.scene.model`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.scene.model import Camera, ConceptCategory, Entity, EntityKind, Mood, Setting


@dataclass(frozen=True)
class ShotCharacter:
    """A character or animal in frame and what it does (``action``: English verb lemma or ``""``)."""

    entity_id: str
    kind: EntityKind
    name: str
    action: str = ""
    attributes: tuple[str, ...] = ()
    concept_id: str = ""


@dataclass(frozen=True)
class ShotProp:
    """An object in frame with its vocabulary concept and category (OBJECT, VEHICLE...)."""

    entity_id: str
    concept_id: str
    category: ConceptCategory
    name: str
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shot:
    """One shot: what to draw, how to film it, what is said over it.

    Attributes:
        index: zero-based position in the shot list.
        visual_prompt: English prompt, formatted for the shot list's provider.
        negative_prompt: what the provider must avoid, formatted for the provider.
        camera: camera plan.
        start_ms: start time from the start of the video, in milliseconds.
        duration_ms: duration in milliseconds (>= 1500 when planned here).
        narration: the user's own words spoken over the shot (may be ``""`` when a beat has fewer
            words than shots).
        subtitle: the same words, shown on screen.
        entity_ids: ids of the entities in frame.
        beat_index: index of the (first) beat this shot shows.
        setting: where and when the shot happens (location, time of day, weather).
        characters: characters and animals in frame with their actions.
        props: objects in frame.
        action: the shot's main action (English verb lemma) or ``""``.
    """

    index: int
    visual_prompt: str
    negative_prompt: str
    camera: Camera
    start_ms: int
    duration_ms: int
    narration: str
    subtitle: str
    entity_ids: tuple[str, ...]
    beat_index: int
    setting: Setting = field(default_factory=Setting)
    characters: tuple[ShotCharacter, ...] = ()
    props: tuple[ShotProp, ...] = ()
    action: str = ""


@dataclass(frozen=True)
class ShotList:
    """The plan for rendering one scene; ``total_duration_ms`` is the sum of shot durations."""

    shots: tuple[Shot, ...]
    total_duration_ms: int
    language_code: str
    setting: Setting
    mood: Mood
    entities: tuple[Entity, ...]
    quality_score: float
    warnings: tuple[str, ...]
    provider: str
