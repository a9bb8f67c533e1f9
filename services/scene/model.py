"""Domain model of a scene analysis: plain frozen dataclasses mirroring ``drishya.analysis.v1``.

The enums carry the same member names as the proto enums without their prefix
(``TimeOfDay.EVENING`` is ``TIME_OF_DAY_EVENING``); :mod:`services.scene.convert` maps between
the two by name. Nothing here does I/O.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class EntityKind(enum.Enum):
    """What an entity is; its value is the prefix of the entity's id."""

    CHARACTER = "character"
    ANIMAL = "animal"
    OBJECT = "object"
    LOCATION = "location"


class ConceptCategory(enum.Enum):
    """What a vocabulary concept names (``drishya.language.v1.ConceptCategory`` without its prefix)."""

    UNSPECIFIED = 0
    PERSON = 1
    ANIMAL = 2
    OBJECT = 3
    VEHICLE = 4
    PLACE = 5
    NATURE = 6
    WEATHER = 7
    TIME_OF_DAY = 8
    ACTION = 9
    EMOTION = 10


class TimeOfDay(enum.Enum):
    """When a scene happens; ``UNSPECIFIED`` when the text does not say."""

    UNSPECIFIED = 0
    DAWN = 1
    MORNING = 2
    NOON = 3
    AFTERNOON = 4
    EVENING = 5
    NIGHT = 6


class Weather(enum.Enum):
    """The weather of a scene; ``UNSPECIFIED`` when the text does not say."""

    UNSPECIFIED = 0
    CLEAR = 1
    CLOUDY = 2
    RAIN = 3
    STORM = 4
    SNOW = 5
    FOG = 6
    WIND = 7


class Pace(enum.Enum):
    """How fast a scene moves."""

    UNSPECIFIED = 0
    SLOW = 1
    MEDIUM = 2
    FAST = 3


class ShotSize(enum.Enum):
    """How much of the subject the frame shows, widest first."""

    UNSPECIFIED = 0
    EXTREME_WIDE = 1
    WIDE = 2
    MEDIUM = 3
    CLOSE_UP = 4
    EXTREME_CLOSE_UP = 5


class CameraMovement(enum.Enum):
    """How the camera moves during a shot."""

    UNSPECIFIED = 0
    STATIC = 1
    PAN_LEFT = 2
    PAN_RIGHT = 3
    TILT_UP = 4
    TILT_DOWN = 5
    DOLLY_IN = 6
    DOLLY_OUT = 7
    TRACKING = 8


class CameraAngle(enum.Enum):
    """Vertical angle of the camera on the subject."""

    UNSPECIFIED = 0
    EYE_LEVEL = 1
    HIGH = 2
    LOW = 3
    OVERHEAD = 4
    DUTCH = 5


class Transition(enum.Enum):
    """How a shot joins the next one."""

    UNSPECIFIED = 0
    CUT = 1
    CROSSFADE = 2
    FADE_TO_BLACK = 3


class DepthOfField(enum.Enum):
    """How much of the frame is in focus."""

    UNSPECIFIED = 0
    SHALLOW = 1
    DEEP = 2


@dataclass(frozen=True)
class Entity:
    """A character, animal, object or location.

    Attributes:
        id: stable id ``"<kind>-<lemma>"``, e.g. ``"character-girl"``; the same lemma gives the same
            id in every scene of a story.
        kind: what it is.
        name: English lemma, e.g. ``"girl"`` (``"child"`` for "children", with attribute ``"group"``).
        attributes: English attributes in order of first mention, e.g. ``("young", "group")``.
        source_name: how it is written in the source text, when known (English sources and names).
        concept_id: the vocabulary concept it stands for (its lemma when it came from the English text).
        category: the concept's category (from the entity kind when not given by a concept).
    """

    id: str
    kind: EntityKind
    name: str
    attributes: tuple[str, ...] = ()
    source_name: str = ""
    concept_id: str = ""
    category: ConceptCategory = ConceptCategory.UNSPECIFIED

    @property
    def is_group(self) -> bool:
        """True when the text speaks of several of them ("children")."""
        return "group" in self.attributes


@dataclass(frozen=True)
class Setting:
    """Where and when: ``location`` is an English lemma ("temple") or ``""``."""

    location: str = ""
    time_of_day: TimeOfDay = TimeOfDay.UNSPECIFIED
    weather: Weather = Weather.UNSPECIFIED
    indoor: bool = False


@dataclass(frozen=True)
class Mood:
    """Emotional and visual tone.

    Attributes:
        tone: one word, e.g. ``"joyful"``.
        style: visual style, e.g. ``"cinematic"``.
        lighting: English lighting description.
        palette: 3 to 5 ``"#rrggbb"`` colours.
        intensity: emotional intensity in [0, 1].
        pace: how fast the scene moves.
        sentiment: VADER compound sentiment in [-1, 1].
    """

    tone: str
    style: str
    lighting: str
    palette: tuple[str, ...]
    intensity: float
    pace: Pace
    sentiment: float


@dataclass(frozen=True)
class Camera:
    """Camera plan for a beat or a shot; ``focus_entity_id`` is ``""`` when nothing in particular."""

    shot_size: ShotSize = ShotSize.MEDIUM
    movement: CameraMovement = CameraMovement.STATIC
    angle: CameraAngle = CameraAngle.EYE_LEVEL
    transition: Transition = Transition.CROSSFADE
    focus_entity_id: str = ""
    depth_of_field: DepthOfField = DepthOfField.DEEP


@dataclass(frozen=True)
class Beat:
    """One unit of action (a sentence or clause).

    Attributes:
        index: zero-based position in the scene.
        text: English text of the beat.
        source_text: the user's words for this beat, in the source language.
        action: main action as an English verb lemma (``"dance"``) or ``""``.
        entity_ids: ids of the entities taking part.
        duration_ms: estimated narration length in milliseconds.
        camera: suggested camera.
    """

    index: int
    text: str
    source_text: str
    action: str = ""
    entity_ids: tuple[str, ...] = ()
    duration_ms: int = 0
    camera: Camera = field(default_factory=Camera)


@dataclass(frozen=True)
class SceneAnalysis:
    """The structured understanding of one scene; ``estimated_duration_ms`` is the sum of beat durations."""

    language_code: str
    source_text: str
    english_text: str
    entities: tuple[Entity, ...]
    setting: Setting
    mood: Mood
    camera: Camera
    beats: tuple[Beat, ...]
    estimated_duration_ms: int

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with ``entity_id``, or ``None``."""
        for e in self.entities:
            if e.id == entity_id:
                return e
        return None


@dataclass(frozen=True)
class Concept:
    """An English visual concept recognised in a source sentence.

    Attributes:
        concept_id: stable id in the vocabulary, e.g. ``"police_officer"``.
        label: English label, e.g. ``"police officer"``.
        category: what it names.
        confidence: in [0, 1].
        method: how it was recognised (``"GLOSSARY"``, ``"ENCODER"``...), for the record.
        source_text: the words of the source sentence it was recognised in (empty when unknown).
    """

    concept_id: str
    label: str
    category: ConceptCategory
    confidence: float = 0.0
    method: str = ""
    source_text: str = ""


@dataclass(frozen=True)
class Name:
    """A proper name as written (``source_text``) and in Latin letters (``latin``)."""

    source_text: str
    latin: str
    confidence: float = 0.0


@dataclass(frozen=True)
class Segment:
    """One source sentence with its English text (may be ``""`` when nothing was understood),
    its concepts and its names."""

    source_text: str
    text: str
    concepts: tuple[Concept, ...] = ()
    names: tuple[Name, ...] = ()


@dataclass(frozen=True)
class SceneRequest:
    """Input of :func:`services.analysis.analyzer.analyze_scene`.

    Attributes:
        english_text: English translation or glossary gloss, 0 to 4000 characters (empty when no
            word was understood).
        source_text: the scene as the user wrote it, 1 to 2000 characters.
        language_code: ISO 639-1 code of ``source_text``.
        english_segments: optional English text per source sentence.
        segments: optional translation segments, one per source sentence, with concepts and names;
            when given they define the units (and ``english_segments`` is ignored).
    """

    english_text: str
    source_text: str
    language_code: str
    english_segments: tuple[str, ...] = ()
    segments: tuple[Segment, ...] = ()
