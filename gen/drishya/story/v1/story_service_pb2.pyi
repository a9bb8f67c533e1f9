from drishya.story.v1 import story_pb2 as _story_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NewScene(_message.Message):
    __slots__ = ("text", "language_code")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    text: str
    language_code: str
    def __init__(self, text: _Optional[str] = ..., language_code: _Optional[str] = ...) -> None: ...

class CreateStoryRequest(_message.Message):
    __slots__ = ("owner_id", "title", "language_code", "scenes", "plan")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SCENES_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    title: str
    language_code: str
    scenes: _containers.RepeatedCompositeFieldContainer[NewScene]
    plan: str
    def __init__(self, owner_id: _Optional[str] = ..., title: _Optional[str] = ..., language_code: _Optional[str] = ..., scenes: _Optional[_Iterable[_Union[NewScene, _Mapping]]] = ..., plan: _Optional[str] = ...) -> None: ...

class CreateStoryResponse(_message.Message):
    __slots__ = ("story",)
    STORY_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ...) -> None: ...

class GetStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ...) -> None: ...

class GetStoryResponse(_message.Message):
    __slots__ = ("story",)
    STORY_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ...) -> None: ...

class ListStoriesRequest(_message.Message):
    __slots__ = ("owner_id", "page_size", "page_token")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    page_size: int
    page_token: str
    def __init__(self, owner_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStoriesResponse(_message.Message):
    __slots__ = ("stories", "next_page_token")
    STORIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    stories: _containers.RepeatedCompositeFieldContainer[_story_pb2.StorySummary]
    next_page_token: str
    def __init__(self, stories: _Optional[_Iterable[_Union[_story_pb2.StorySummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpdateStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "version", "title", "language_code")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    version: int
    title: str
    language_code: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., version: _Optional[int] = ..., title: _Optional[str] = ..., language_code: _Optional[str] = ...) -> None: ...

class UpdateStoryResponse(_message.Message):
    __slots__ = ("story",)
    STORY_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ...) -> None: ...

class DeleteStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "version")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    version: int
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class DeleteStoryResponse(_message.Message):
    __slots__ = ("story_id",)
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    story_id: str
    def __init__(self, story_id: _Optional[str] = ...) -> None: ...

class AddSceneRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "version", "scene", "position")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    version: int
    scene: NewScene
    position: int
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., version: _Optional[int] = ..., scene: _Optional[_Union[NewScene, _Mapping]] = ..., position: _Optional[int] = ...) -> None: ...

class AddSceneResponse(_message.Message):
    __slots__ = ("story", "scene")
    STORY_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    scene: _story_pb2.Scene
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ..., scene: _Optional[_Union[_story_pb2.Scene, _Mapping]] = ...) -> None: ...

class UpdateSceneRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "scene_id", "version", "text", "language_code")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    scene_id: str
    version: int
    text: str
    language_code: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., scene_id: _Optional[str] = ..., version: _Optional[int] = ..., text: _Optional[str] = ..., language_code: _Optional[str] = ...) -> None: ...

class UpdateSceneResponse(_message.Message):
    __slots__ = ("story", "scene")
    STORY_FIELD_NUMBER: _ClassVar[int]
    SCENE_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    scene: _story_pb2.Scene
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ..., scene: _Optional[_Union[_story_pb2.Scene, _Mapping]] = ...) -> None: ...

class ReorderScenesRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "version", "scene_ids")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SCENE_IDS_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    version: int
    scene_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., version: _Optional[int] = ..., scene_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReorderScenesResponse(_message.Message):
    __slots__ = ("story",)
    STORY_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ...) -> None: ...

class DeleteSceneRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "scene_id", "version")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    scene_id: str
    version: int
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., scene_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class DeleteSceneResponse(_message.Message):
    __slots__ = ("story",)
    STORY_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ...) -> None: ...

class ForkStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "scene_id", "title", "plan")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    scene_id: str
    title: str
    plan: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., scene_id: _Optional[str] = ..., title: _Optional[str] = ..., plan: _Optional[str] = ...) -> None: ...

class ForkStoryResponse(_message.Message):
    __slots__ = ("story",)
    STORY_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ...) -> None: ...

class GetStoryBibleRequest(_message.Message):
    __slots__ = ("owner_id", "story_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ...) -> None: ...

class GetStoryBibleResponse(_message.Message):
    __slots__ = ("bible",)
    BIBLE_FIELD_NUMBER: _ClassVar[int]
    bible: _story_pb2.StoryBible
    def __init__(self, bible: _Optional[_Union[_story_pb2.StoryBible, _Mapping]] = ...) -> None: ...

class UpdateStoryBibleRequest(_message.Message):
    __slots__ = ("owner_id", "bible")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    BIBLE_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    bible: _story_pb2.StoryBible
    def __init__(self, owner_id: _Optional[str] = ..., bible: _Optional[_Union[_story_pb2.StoryBible, _Mapping]] = ...) -> None: ...

class UpdateStoryBibleResponse(_message.Message):
    __slots__ = ("bible",)
    BIBLE_FIELD_NUMBER: _ClassVar[int]
    bible: _story_pb2.StoryBible
    def __init__(self, bible: _Optional[_Union[_story_pb2.StoryBible, _Mapping]] = ...) -> None: ...

class WatchStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "after_sequence")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    after_sequence: int
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class WatchStoryResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _story_pb2.StoryEvent
    def __init__(self, event: _Optional[_Union[_story_pb2.StoryEvent, _Mapping]] = ...) -> None: ...

class AnalyzeStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ...) -> None: ...

class AnalyzeStoryResponse(_message.Message):
    __slots__ = ("story", "bible")
    STORY_FIELD_NUMBER: _ClassVar[int]
    BIBLE_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    bible: _story_pb2.StoryBible
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ..., bible: _Optional[_Union[_story_pb2.StoryBible, _Mapping]] = ...) -> None: ...

class ExportBreakdownRequest(_message.Message):
    __slots__ = ("owner_id", "story_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ...) -> None: ...

class ExportBreakdownResponse(_message.Message):
    __slots__ = ("story_version", "strips", "csv")
    STORY_VERSION_FIELD_NUMBER: _ClassVar[int]
    STRIPS_FIELD_NUMBER: _ClassVar[int]
    CSV_FIELD_NUMBER: _ClassVar[int]
    story_version: int
    strips: _containers.RepeatedCompositeFieldContainer[_story_pb2.Strip]
    csv: bytes
    def __init__(self, story_version: _Optional[int] = ..., strips: _Optional[_Iterable[_Union[_story_pb2.Strip, _Mapping]]] = ..., csv: _Optional[bytes] = ...) -> None: ...

class RenderStoryRequest(_message.Message):
    __slots__ = ("owner_id", "story_id", "plan", "review_rate")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    REVIEW_RATE_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    plan: str
    review_rate: float
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ..., plan: _Optional[str] = ..., review_rate: _Optional[float] = ...) -> None: ...

class SceneRender(_message.Message):
    __slots__ = ("scene_id", "job_id", "reused")
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REUSED_FIELD_NUMBER: _ClassVar[int]
    scene_id: str
    job_id: str
    reused: bool
    def __init__(self, scene_id: _Optional[str] = ..., job_id: _Optional[str] = ..., reused: _Optional[bool] = ...) -> None: ...

class RenderStoryResponse(_message.Message):
    __slots__ = ("story", "renders")
    STORY_FIELD_NUMBER: _ClassVar[int]
    RENDERS_FIELD_NUMBER: _ClassVar[int]
    story: _story_pb2.Story
    renders: _containers.RepeatedCompositeFieldContainer[SceneRender]
    def __init__(self, story: _Optional[_Union[_story_pb2.Story, _Mapping]] = ..., renders: _Optional[_Iterable[_Union[SceneRender, _Mapping]]] = ...) -> None: ...

class GetPlaybackRequest(_message.Message):
    __slots__ = ("owner_id", "story_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    STORY_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    story_id: str
    def __init__(self, owner_id: _Optional[str] = ..., story_id: _Optional[str] = ...) -> None: ...

class Chapter(_message.Message):
    __slots__ = ("scene_id", "start_ms", "end_ms", "title")
    SCENE_ID_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    scene_id: str
    start_ms: int
    end_ms: int
    title: str
    def __init__(self, scene_id: _Optional[str] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ..., title: _Optional[str] = ...) -> None: ...

class GetPlaybackResponse(_message.Message):
    __slots__ = ("hls_master_key", "chapters_key", "chapters")
    HLS_MASTER_KEY_FIELD_NUMBER: _ClassVar[int]
    CHAPTERS_KEY_FIELD_NUMBER: _ClassVar[int]
    CHAPTERS_FIELD_NUMBER: _ClassVar[int]
    hls_master_key: str
    chapters_key: str
    chapters: _containers.RepeatedCompositeFieldContainer[Chapter]
    def __init__(self, hls_master_key: _Optional[str] = ..., chapters_key: _Optional[str] = ..., chapters: _Optional[_Iterable[_Union[Chapter, _Mapping]]] = ...) -> None: ...
