import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class StoryEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STORY_EVENT_TYPE_UNSPECIFIED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_CREATED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_FORKED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_UPDATED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_SCENE_ADDED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_SCENE_UPDATED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_SCENES_REORDERED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_SCENE_DELETED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_BIBLE_UPDATED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_DELETED: _ClassVar[StoryEventType]
    STORY_EVENT_TYPE_RENDER_REQUESTED: _ClassVar[StoryEventType]

class Gender(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    GENDER_UNSPECIFIED: _ClassVar[Gender]
    GENDER_FEMALE: _ClassVar[Gender]
    GENDER_MALE: _ClassVar[Gender]
    GENDER_OTHER: _ClassVar[Gender]

class AgeBand(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AGE_BAND_UNSPECIFIED: _ClassVar[AgeBand]
    AGE_BAND_CHILD: _ClassVar[AgeBand]
    AGE_BAND_TEEN: _ClassVar[AgeBand]
    AGE_BAND_ADULT: _ClassVar[AgeBand]
    AGE_BAND_ELDER: _ClassVar[AgeBand]
STORY_EVENT_TYPE_UNSPECIFIED: StoryEventType
STORY_EVENT_TYPE_CREATED: StoryEventType
STORY_EVENT_TYPE_FORKED: StoryEventType
STORY_EVENT_TYPE_UPDATED: StoryEventType
STORY_EVENT_TYPE_SCENE_ADDED: StoryEventType
STORY_EVENT_TYPE_SCENE_UPDATED: StoryEventType
STORY_EVENT_TYPE_SCENES_REORDERED: StoryEventType
STORY_EVENT_TYPE_SCENE_DELETED: StoryEventType
STORY_EVENT_TYPE_BIBLE_UPDATED: StoryEventType
STORY_EVENT_TYPE_DELETED: StoryEventType
STORY_EVENT_TYPE_RENDER_REQUESTED: StoryEventType
GENDER_UNSPECIFIED: Gender
GENDER_FEMALE: Gender
GENDER_MALE: Gender
GENDER_OTHER: Gender
AGE_BAND_UNSPECIFIED: AgeBand
AGE_BAND_CHILD: AgeBand
AGE_BAND_TEEN: AgeBand
AGE_BAND_ADULT: AgeBand
AGE_BAND_ELDER: AgeBand

class Scene(_message.Message):
    __slots__ = ("scene_id", "position", "text", "language_code", "version", "origin_scene_id", "content_hash", "update_time", "character_ids", "warnings", "analyzed", "job_id", "render_key")
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    ORIGIN_SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_HASH_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CHARACTER_IDS_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    ANALYZED_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    RENDER_KEY_FIELD_NUMBER: _ClassVar[int]
    scene_id: str
    position: int
    text: str
    language_code: str
    version: int
    origin_scene_id: str
    content_hash: str
    update_time: _timestamp_pb2.Timestamp
    character_ids: _containers.RepeatedScalarFieldContainer[str]
    warnings: _containers.RepeatedCompositeFieldContainer[ContinuityWarning]
    analyzed: bool
    job_id: str
    render_key: str
    def __init__(self, scene_id: _Optional[str] = ..., position: _Optional[int] = ..., text: _Optional[str] = ..., language_code: _Optional[str] = ..., version: _Optional[int] = ..., origin_scene_id: _Optional[str] = ..., content_hash: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., character_ids: _Optional[_Iterable[str]] = ..., warnings: _Optional[_Iterable[_Union[ContinuityWarning, _Mapping]]] = ..., analyzed: _Optional[bool] = ..., job_id: _Optional[str] = ..., render_key: _Optional[str] = ...) -> None: ...

class ContinuityWarning(_message.Message):
    __slots__ = ("entity_id", "attribute", "bible_value", "scene_value", "message")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTE_FIELD_NUMBER: _ClassVar[int]
    BIBLE_VALUE_FIELD_NUMBER: _ClassVar[int]
    SCENE_VALUE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    attribute: str
    bible_value: str
    scene_value: str
    message: str
    def __init__(self, entity_id: _Optional[str] = ..., attribute: _Optional[str] = ..., bible_value: _Optional[str] = ..., scene_value: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class CastMember(_message.Message):
    __slots__ = ("entity_id", "name")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    name: str
    def __init__(self, entity_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class Strip(_message.Message):
    __slots__ = ("scene_number", "scene_id", "int_ext", "set", "time_of_day", "synopsis", "synopsis_english", "cast", "props", "screen_time_s", "page_eighths")
    SCENE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    INT_EXT_FIELD_NUMBER: _ClassVar[int]
    SET_FIELD_NUMBER: _ClassVar[int]
    TIME_OF_DAY_FIELD_NUMBER: _ClassVar[int]
    SYNOPSIS_FIELD_NUMBER: _ClassVar[int]
    SYNOPSIS_ENGLISH_FIELD_NUMBER: _ClassVar[int]
    CAST_FIELD_NUMBER: _ClassVar[int]
    PROPS_FIELD_NUMBER: _ClassVar[int]
    SCREEN_TIME_S_FIELD_NUMBER: _ClassVar[int]
    PAGE_EIGHTHS_FIELD_NUMBER: _ClassVar[int]
    scene_number: int
    scene_id: str
    int_ext: str
    set: str
    time_of_day: str
    synopsis: str
    synopsis_english: str
    cast: _containers.RepeatedCompositeFieldContainer[CastMember]
    props: _containers.RepeatedScalarFieldContainer[str]
    screen_time_s: float
    page_eighths: int
    def __init__(self, scene_number: _Optional[int] = ..., scene_id: _Optional[str] = ..., int_ext: _Optional[str] = ..., set: _Optional[str] = ..., time_of_day: _Optional[str] = ..., synopsis: _Optional[str] = ..., synopsis_english: _Optional[str] = ..., cast: _Optional[_Iterable[_Union[CastMember, _Mapping]]] = ..., props: _Optional[_Iterable[str]] = ..., screen_time_s: _Optional[float] = ..., page_eighths: _Optional[int] = ...) -> None: ...

class Story(_message.Message):
    __slots__ = ("story_id", "owner_id", "title", "language_code", "version", "scenes", "parent_story_id", "fork_scene_id", "create_time", "update_time", "archive_time")
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCENES_FIELD_NUMBER: _ClassVar[int]
    PARENT_STORY_ID_FIELD_NUMBER: _ClassVar[int]
    FORK_SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    story_id: str
    owner_id: str
    title: str
    language_code: str
    version: int
    scenes: _containers.RepeatedCompositeFieldContainer[Scene]
    parent_story_id: str
    fork_scene_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    archive_time: _timestamp_pb2.Timestamp
    def __init__(self, story_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., title: _Optional[str] = ..., language_code: _Optional[str] = ..., version: _Optional[int] = ..., scenes: _Optional[_Iterable[_Union[Scene, _Mapping]]] = ..., parent_story_id: _Optional[str] = ..., fork_scene_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., archive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StorySummary(_message.Message):
    __slots__ = ("story_id", "title", "version", "scene_count", "update_time", "archive_time")
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCENE_COUNT_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_TIME_FIELD_NUMBER: _ClassVar[int]
    story_id: str
    title: str
    version: int
    scene_count: int
    update_time: _timestamp_pb2.Timestamp
    archive_time: _timestamp_pb2.Timestamp
    def __init__(self, story_id: _Optional[str] = ..., title: _Optional[str] = ..., version: _Optional[int] = ..., scene_count: _Optional[int] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., archive_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Name(_message.Message):
    __slots__ = ("script", "text")
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    script: str
    text: str
    def __init__(self, script: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Character(_message.Message):
    __slots__ = ("entity_id", "name", "aliases", "role", "gender", "age_band", "clothing", "colors", "skin_tone", "hair", "voice")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ALIASES_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    GENDER_FIELD_NUMBER: _ClassVar[int]
    AGE_BAND_FIELD_NUMBER: _ClassVar[int]
    CLOTHING_FIELD_NUMBER: _ClassVar[int]
    COLORS_FIELD_NUMBER: _ClassVar[int]
    SKIN_TONE_FIELD_NUMBER: _ClassVar[int]
    HAIR_FIELD_NUMBER: _ClassVar[int]
    VOICE_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    name: str
    aliases: _containers.RepeatedCompositeFieldContainer[Name]
    role: str
    gender: Gender
    age_band: AgeBand
    clothing: str
    colors: _containers.RepeatedScalarFieldContainer[str]
    skin_tone: str
    hair: str
    voice: str
    def __init__(self, entity_id: _Optional[str] = ..., name: _Optional[str] = ..., aliases: _Optional[_Iterable[_Union[Name, _Mapping]]] = ..., role: _Optional[str] = ..., gender: _Optional[_Union[Gender, str]] = ..., age_band: _Optional[_Union[AgeBand, str]] = ..., clothing: _Optional[str] = ..., colors: _Optional[_Iterable[str]] = ..., skin_tone: _Optional[str] = ..., hair: _Optional[str] = ..., voice: _Optional[str] = ...) -> None: ...

class Location(_message.Message):
    __slots__ = ("entity_id", "name", "interior", "description")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    INTERIOR_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    name: str
    interior: bool
    description: str
    def __init__(self, entity_id: _Optional[str] = ..., name: _Optional[str] = ..., interior: _Optional[bool] = ..., description: _Optional[str] = ...) -> None: ...

class Prop(_message.Message):
    __slots__ = ("entity_id", "name", "description")
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    entity_id: str
    name: str
    description: str
    def __init__(self, entity_id: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class StoryBible(_message.Message):
    __slots__ = ("story_id", "version", "characters", "locations", "props")
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CHARACTERS_FIELD_NUMBER: _ClassVar[int]
    LOCATIONS_FIELD_NUMBER: _ClassVar[int]
    PROPS_FIELD_NUMBER: _ClassVar[int]
    story_id: str
    version: int
    characters: _containers.RepeatedCompositeFieldContainer[Character]
    locations: _containers.RepeatedCompositeFieldContainer[Location]
    props: _containers.RepeatedCompositeFieldContainer[Prop]
    def __init__(self, story_id: _Optional[str] = ..., version: _Optional[int] = ..., characters: _Optional[_Iterable[_Union[Character, _Mapping]]] = ..., locations: _Optional[_Iterable[_Union[Location, _Mapping]]] = ..., props: _Optional[_Iterable[_Union[Prop, _Mapping]]] = ...) -> None: ...

class StoryEvent(_message.Message):
    __slots__ = ("story_id", "sequence", "time", "type", "story_version", "scene_id", "scene_ids", "job_ids")
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STORY_VERSION_FIELD_NUMBER: _ClassVar[int]
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_IDS_FIELD_NUMBER: _ClassVar[int]
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    story_id: str
    sequence: int
    time: _timestamp_pb2.Timestamp
    type: StoryEventType
    story_version: int
    scene_id: str
    scene_ids: _containers.RepeatedScalarFieldContainer[str]
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, story_id: _Optional[str] = ..., sequence: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., type: _Optional[_Union[StoryEventType, str]] = ..., story_version: _Optional[int] = ..., scene_id: _Optional[str] = ..., scene_ids: _Optional[_Iterable[str]] = ..., job_ids: _Optional[_Iterable[str]] = ...) -> None: ...
