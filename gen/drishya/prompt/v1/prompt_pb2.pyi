from drishya.analysis.v1 import analysis_pb2 as _analysis_pb2
from drishya.language.v1 import language_pb2 as _language_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Shot(_message.Message):
    __slots__ = ("index", "visual_prompt", "negative_prompt", "camera", "start_ms", "duration_ms", "narration", "subtitle", "entity_ids", "beat_index", "setting", "characters", "props", "action")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    VISUAL_PROMPT_FIELD_NUMBER: _ClassVar[int]
    NEGATIVE_PROMPT_FIELD_NUMBER: _ClassVar[int]
    CAMERA_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    NARRATION_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_IDS_FIELD_NUMBER: _ClassVar[int]
    BEAT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SETTING_FIELD_NUMBER: _ClassVar[int]
    CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    PROPS_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    index: int
    visual_prompt: str
    negative_prompt: str
    camera: _analysis_pb2.Camera
    start_ms: int
    duration_ms: int
    narration: str
    subtitle: str
    entity_ids: _containers.RepeatedScalarFieldContainer[str]
    beat_index: int
    setting: _analysis_pb2.Setting
    characters: _containers.RepeatedCompositeFieldContainer[ShotCharacter]
    props: _containers.RepeatedCompositeFieldContainer[ShotProp]
    action: str
    def __init__(self, index: _Optional[int] = ..., visual_prompt: _Optional[str] = ..., negative_prompt: _Optional[str] = ..., camera: _Optional[_Union[_analysis_pb2.Camera, _Mapping]] = ..., start_ms: _Optional[int] = ..., duration_ms: _Optional[int] = ..., narration: _Optional[str] = ..., subtitle: _Optional[str] = ..., entity_ids: _Optional[_Iterable[str]] = ..., beat_index: _Optional[int] = ..., setting: _Optional[_Union[_analysis_pb2.Setting, _Mapping]] = ..., characters: _Optional[_Iterable[_Union[ShotCharacter, _Mapping]]] = ..., props: _Optional[_Iterable[_Union[ShotProp, _Mapping]]] = ..., action: _Optional[str] = ...) -> None: ...

class ShotCharacter(_message.Message):
    __slots__ = ("entity_id", "kind", "name", "action", "attributes", "concept_id")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    CONCEPT_ID_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    kind: _analysis_pb2.EntityKind
    name: str
    action: str
    attributes: _containers.RepeatedScalarFieldContainer[str]
    concept_id: str
    def __init__(self, entity_id: _Optional[str] = ..., kind: _Optional[_Union[_analysis_pb2.EntityKind, str]] = ..., name: _Optional[str] = ..., action: _Optional[str] = ..., attributes: _Optional[_Iterable[str]] = ..., concept_id: _Optional[str] = ...) -> None: ...

class ShotProp(_message.Message):
    __slots__ = ("entity_id", "concept_id", "category", "name", "attributes")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    CONCEPT_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    concept_id: str
    category: _language_pb2.ConceptCategory
    name: str
    attributes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, entity_id: _Optional[str] = ..., concept_id: _Optional[str] = ..., category: _Optional[_Union[_language_pb2.ConceptCategory, str]] = ..., name: _Optional[str] = ..., attributes: _Optional[_Iterable[str]] = ...) -> None: ...

class ShotList(_message.Message):
    __slots__ = ("shots", "total_duration_ms", "language_code", "setting", "mood", "entities", "quality_score", "warnings", "provider")
    SHOTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SETTING_FIELD_NUMBER: _ClassVar[int]
    MOOD_FIELD_NUMBER: _ClassVar[int]
    ENTITIES_FIELD_NUMBER: _ClassVar[int]
    QUALITY_SCORE_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    shots: _containers.RepeatedCompositeFieldContainer[Shot]
    total_duration_ms: int
    language_code: str
    setting: _analysis_pb2.Setting
    mood: _analysis_pb2.Mood
    entities: _containers.RepeatedCompositeFieldContainer[_analysis_pb2.Entity]
    quality_score: float
    warnings: _containers.RepeatedScalarFieldContainer[str]
    provider: str
    def __init__(self, shots: _Optional[_Iterable[_Union[Shot, _Mapping]]] = ..., total_duration_ms: _Optional[int] = ..., language_code: _Optional[str] = ..., setting: _Optional[_Union[_analysis_pb2.Setting, _Mapping]] = ..., mood: _Optional[_Union[_analysis_pb2.Mood, _Mapping]] = ..., entities: _Optional[_Iterable[_Union[_analysis_pb2.Entity, _Mapping]]] = ..., quality_score: _Optional[float] = ..., warnings: _Optional[_Iterable[str]] = ..., provider: _Optional[str] = ...) -> None: ...
