from drishya.language.v1 import language_pb2 as _language_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EntityKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ENTITY_KIND_UNSPECIFIED: _ClassVar[EntityKind]
    ENTITY_KIND_CHARACTER: _ClassVar[EntityKind]
    ENTITY_KIND_ANIMAL: _ClassVar[EntityKind]
    ENTITY_KIND_OBJECT: _ClassVar[EntityKind]
    ENTITY_KIND_LOCATION: _ClassVar[EntityKind]

class TimeOfDay(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TIME_OF_DAY_UNSPECIFIED: _ClassVar[TimeOfDay]
    TIME_OF_DAY_DAWN: _ClassVar[TimeOfDay]
    TIME_OF_DAY_MORNING: _ClassVar[TimeOfDay]
    TIME_OF_DAY_NOON: _ClassVar[TimeOfDay]
    TIME_OF_DAY_AFTERNOON: _ClassVar[TimeOfDay]
    TIME_OF_DAY_EVENING: _ClassVar[TimeOfDay]
    TIME_OF_DAY_NIGHT: _ClassVar[TimeOfDay]

class Weather(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEATHER_UNSPECIFIED: _ClassVar[Weather]
    WEATHER_CLEAR: _ClassVar[Weather]
    WEATHER_CLOUDY: _ClassVar[Weather]
    WEATHER_RAIN: _ClassVar[Weather]
    WEATHER_STORM: _ClassVar[Weather]
    WEATHER_SNOW: _ClassVar[Weather]
    WEATHER_FOG: _ClassVar[Weather]
    WEATHER_WIND: _ClassVar[Weather]

class Pace(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PACE_UNSPECIFIED: _ClassVar[Pace]
    PACE_SLOW: _ClassVar[Pace]
    PACE_MEDIUM: _ClassVar[Pace]
    PACE_FAST: _ClassVar[Pace]

class ShotSize(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SHOT_SIZE_UNSPECIFIED: _ClassVar[ShotSize]
    SHOT_SIZE_EXTREME_WIDE: _ClassVar[ShotSize]
    SHOT_SIZE_WIDE: _ClassVar[ShotSize]
    SHOT_SIZE_MEDIUM: _ClassVar[ShotSize]
    SHOT_SIZE_CLOSE_UP: _ClassVar[ShotSize]
    SHOT_SIZE_EXTREME_CLOSE_UP: _ClassVar[ShotSize]

class CameraMovement(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAMERA_MOVEMENT_UNSPECIFIED: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_STATIC: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_PAN_LEFT: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_PAN_RIGHT: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_TILT_UP: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_TILT_DOWN: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_DOLLY_IN: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_DOLLY_OUT: _ClassVar[CameraMovement]
    CAMERA_MOVEMENT_TRACKING: _ClassVar[CameraMovement]

class CameraAngle(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CAMERA_ANGLE_UNSPECIFIED: _ClassVar[CameraAngle]
    CAMERA_ANGLE_EYE_LEVEL: _ClassVar[CameraAngle]
    CAMERA_ANGLE_HIGH: _ClassVar[CameraAngle]
    CAMERA_ANGLE_LOW: _ClassVar[CameraAngle]
    CAMERA_ANGLE_OVERHEAD: _ClassVar[CameraAngle]
    CAMERA_ANGLE_DUTCH: _ClassVar[CameraAngle]

class Transition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSITION_UNSPECIFIED: _ClassVar[Transition]
    TRANSITION_CUT: _ClassVar[Transition]
    TRANSITION_CROSSFADE: _ClassVar[Transition]
    TRANSITION_FADE_TO_BLACK: _ClassVar[Transition]

class DepthOfField(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DEPTH_OF_FIELD_UNSPECIFIED: _ClassVar[DepthOfField]
    DEPTH_OF_FIELD_SHALLOW: _ClassVar[DepthOfField]
    DEPTH_OF_FIELD_DEEP: _ClassVar[DepthOfField]
ENTITY_KIND_UNSPECIFIED: EntityKind
ENTITY_KIND_CHARACTER: EntityKind
ENTITY_KIND_ANIMAL: EntityKind
ENTITY_KIND_OBJECT: EntityKind
ENTITY_KIND_LOCATION: EntityKind
TIME_OF_DAY_UNSPECIFIED: TimeOfDay
TIME_OF_DAY_DAWN: TimeOfDay
TIME_OF_DAY_MORNING: TimeOfDay
TIME_OF_DAY_NOON: TimeOfDay
TIME_OF_DAY_AFTERNOON: TimeOfDay
TIME_OF_DAY_EVENING: TimeOfDay
TIME_OF_DAY_NIGHT: TimeOfDay
WEATHER_UNSPECIFIED: Weather
WEATHER_CLEAR: Weather
WEATHER_CLOUDY: Weather
WEATHER_RAIN: Weather
WEATHER_STORM: Weather
WEATHER_SNOW: Weather
WEATHER_FOG: Weather
WEATHER_WIND: Weather
PACE_UNSPECIFIED: Pace
PACE_SLOW: Pace
PACE_MEDIUM: Pace
PACE_FAST: Pace
SHOT_SIZE_UNSPECIFIED: ShotSize
SHOT_SIZE_EXTREME_WIDE: ShotSize
SHOT_SIZE_WIDE: ShotSize
SHOT_SIZE_MEDIUM: ShotSize
SHOT_SIZE_CLOSE_UP: ShotSize
SHOT_SIZE_EXTREME_CLOSE_UP: ShotSize
CAMERA_MOVEMENT_UNSPECIFIED: CameraMovement
CAMERA_MOVEMENT_STATIC: CameraMovement
CAMERA_MOVEMENT_PAN_LEFT: CameraMovement
CAMERA_MOVEMENT_PAN_RIGHT: CameraMovement
CAMERA_MOVEMENT_TILT_UP: CameraMovement
CAMERA_MOVEMENT_TILT_DOWN: CameraMovement
CAMERA_MOVEMENT_DOLLY_IN: CameraMovement
CAMERA_MOVEMENT_DOLLY_OUT: CameraMovement
CAMERA_MOVEMENT_TRACKING: CameraMovement
CAMERA_ANGLE_UNSPECIFIED: CameraAngle
CAMERA_ANGLE_EYE_LEVEL: CameraAngle
CAMERA_ANGLE_HIGH: CameraAngle
CAMERA_ANGLE_LOW: CameraAngle
CAMERA_ANGLE_OVERHEAD: CameraAngle
CAMERA_ANGLE_DUTCH: CameraAngle
TRANSITION_UNSPECIFIED: Transition
TRANSITION_CUT: Transition
TRANSITION_CROSSFADE: Transition
TRANSITION_FADE_TO_BLACK: Transition
DEPTH_OF_FIELD_UNSPECIFIED: DepthOfField
DEPTH_OF_FIELD_SHALLOW: DepthOfField
DEPTH_OF_FIELD_DEEP: DepthOfField

class Entity(_message.Message):
    __slots__ = ("id", "kind", "name", "attributes", "source_name", "concept_id", "category")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_NAME_FIELD_NUMBER: _ClassVar[int]
    CONCEPT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: EntityKind
    name: str
    attributes: _containers.RepeatedScalarFieldContainer[str]
    source_name: str
    concept_id: str
    category: _language_pb2.ConceptCategory
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[EntityKind, str]] = ..., name: _Optional[str] = ..., attributes: _Optional[_Iterable[str]] = ..., source_name: _Optional[str] = ..., concept_id: _Optional[str] = ..., category: _Optional[_Union[_language_pb2.ConceptCategory, str]] = ...) -> None: ...

class Setting(_message.Message):
    __slots__ = ("location", "time_of_day", "weather", "indoor")
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    WEATHER_FIELD_NUMBER: _ClassVar[int]
    INDOOR_FIELD_NUMBER: _ClassVar[int]
    location: str
    time_of_day: TimeOfDay
    weather: Weather
    indoor: bool
    def __init__(self, location: _Optional[str] = ..., time_of_day: _Optional[_Union[TimeOfDay, str]] = ..., weather: _Optional[_Union[Weather, str]] = ..., indoor: _Optional[bool] = ...) -> None: ...

class Mood(_message.Message):
    __slots__ = ("tone", "style", "lighting", "palette", "intensity", "pace", "sentiment")
    TONE_FIELD_NUMBER: _ClassVar[int]
    STYLE_FIELD_NUMBER: _ClassVar[int]
    LIGHTING_FIELD_NUMBER: _ClassVar[int]
    PALETTE_FIELD_NUMBER: _ClassVar[int]
    INTENSITY_FIELD_NUMBER: _ClassVar[int]
    PACE_FIELD_NUMBER: _ClassVar[int]
    SENTIMENT_FIELD_NUMBER: _ClassVar[int]
    tone: str
    style: str
    lighting: str
    palette: _containers.RepeatedScalarFieldContainer[str]
    intensity: float
    pace: Pace
    sentiment: float
    def __init__(self, tone: _Optional[str] = ..., style: _Optional[str] = ..., lighting: _Optional[str] = ..., palette: _Optional[_Iterable[str]] = ..., intensity: _Optional[float] = ..., pace: _Optional[_Union[Pace, str]] = ..., sentiment: _Optional[float] = ...) -> None: ...

class Camera(_message.Message):
    __slots__ = ("shot_size", "movement", "angle", "transition", "focus_entity_id", "depth_of_field")
    SHOT_SIZE_FIELD_NUMBER: _ClassVar[int]
    MOVEMENT_FIELD_NUMBER: _ClassVar[int]
    ANGLE_FIELD_NUMBER: _ClassVar[int]
    TRANSITION_FIELD_NUMBER: _ClassVar[int]
    FOCUS_ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    DEPTH_OF_FIELD_FIELD_NUMBER: _ClassVar[int]
    shot_size: ShotSize
    movement: CameraMovement
    angle: CameraAngle
    transition: Transition
    focus_entity_id: str
    depth_of_field: DepthOfField
    def __init__(self, shot_size: _Optional[_Union[ShotSize, str]] = ..., movement: _Optional[_Union[CameraMovement, str]] = ..., angle: _Optional[_Union[CameraAngle, str]] = ..., transition: _Optional[_Union[Transition, str]] = ..., focus_entity_id: _Optional[str] = ..., depth_of_field: _Optional[_Union[DepthOfField, str]] = ...) -> None: ...

class Beat(_message.Message):
    __slots__ = ("index", "text", "source_text", "action", "entity_ids", "duration_ms", "camera")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ENTITY_IDS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIELD_NUMBER: _ClassVar[int]
    index: int
    text: str
    source_text: str
    action: str
    entity_ids: _containers.RepeatedScalarFieldContainer[str]
    duration_ms: int
    camera: Camera
    def __init__(self, index: _Optional[int] = ..., text: _Optional[str] = ..., source_text: _Optional[str] = ..., action: _Optional[str] = ..., entity_ids: _Optional[_Iterable[str]] = ..., duration_ms: _Optional[int] = ..., camera: _Optional[_Union[Camera, _Mapping]] = ...) -> None: ...

class SceneAnalysis(_message.Message):
    __slots__ = ("language_code", "source_text", "english_text", "entities", "setting", "mood", "camera", "beats", "estimated_duration_ms")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    ENGLISH_TEXT_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    SETTING_FIELD_NUMBER: _ClassVar[int]
    MOOD_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIELD_NUMBER: _ClassVar[int]
    BEATS_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    source_text: str
    english_text: str
    entities: _containers.RepeatedCompositeFieldContainer[Entity]
    setting: Setting
    mood: Mood
    camera: Camera
    beats: _containers.RepeatedCompositeFieldContainer[Beat]
    estimated_duration_ms: int
    def __init__(self, language_code: _Optional[str] = ..., source_text: _Optional[str] = ..., english_text: _Optional[str] = ..., entities: _Optional[_Iterable[_Union[Entity, _Mapping]]] = ..., setting: _Optional[_Union[Setting, _Mapping]] = ..., mood: _Optional[_Union[Mood, _Mapping]] = ..., camera: _Optional[_Union[Camera, _Mapping]] = ..., beats: _Optional[_Iterable[_Union[Beat, _Mapping]]] = ..., estimated_duration_ms: _Optional[int] = ...) -> None: ...
