import datetime

from drishya.moderation.v1 import moderation_pb2 as _moderation_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class JobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_STATE_UNSPECIFIED: _ClassVar[JobState]
    JOB_STATE_QUEUED: _ClassVar[JobState]
    JOB_STATE_RUNNING: _ClassVar[JobState]
    JOB_STATE_SUCCEEDED: _ClassVar[JobState]
    JOB_STATE_BLOCKED: _ClassVar[JobState]
    JOB_STATE_CANCELLED: _ClassVar[JobState]
    JOB_STATE_FAILED: _ClassVar[JobState]
    JOB_STATE_DEAD_LETTER: _ClassVar[JobState]
    JOB_STATE_IN_REVIEW: _ClassVar[JobState]

class ReviewKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_KIND_UNSPECIFIED: _ClassVar[ReviewKind]
    REVIEW_KIND_MODERATION: _ClassVar[ReviewKind]
    REVIEW_KIND_TRUST: _ClassVar[ReviewKind]
    REVIEW_KIND_APPEAL: _ClassVar[ReviewKind]
    REVIEW_KIND_REPORT: _ClassVar[ReviewKind]

class ReviewState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_STATE_UNSPECIFIED: _ClassVar[ReviewState]
    REVIEW_STATE_PENDING: _ClassVar[ReviewState]
    REVIEW_STATE_APPROVED: _ClassVar[ReviewState]
    REVIEW_STATE_REJECTED: _ClassVar[ReviewState]

class ReportCategory(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REPORT_CATEGORY_UNSPECIFIED: _ClassVar[ReportCategory]
    REPORT_CATEGORY_SPAM: _ClassVar[ReportCategory]
    REPORT_CATEGORY_HATE: _ClassVar[ReportCategory]
    REPORT_CATEGORY_VIOLENCE: _ClassVar[ReportCategory]
    REPORT_CATEGORY_SEXUAL: _ClassVar[ReportCategory]
    REPORT_CATEGORY_COPYRIGHT: _ClassVar[ReportCategory]
    REPORT_CATEGORY_CHILD_SAFETY: _ClassVar[ReportCategory]
    REPORT_CATEGORY_OTHER: _ClassVar[ReportCategory]

class Stage(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STAGE_UNSPECIFIED: _ClassVar[Stage]
    STAGE_MODERATE_TEXT: _ClassVar[Stage]
    STAGE_DETECT_LANGUAGE: _ClassVar[Stage]
    STAGE_TRANSLATE: _ClassVar[Stage]
    STAGE_ANALYZE: _ClassVar[Stage]
    STAGE_BUILD_PROMPT: _ClassVar[Stage]
    STAGE_RENDER: _ClassVar[Stage]
    STAGE_ASSEMBLE: _ClassVar[Stage]
    STAGE_MODERATE_VIDEO: _ClassVar[Stage]
    STAGE_PUBLISH: _ClassVar[Stage]

class JobEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOB_EVENT_TYPE_UNSPECIFIED: _ClassVar[JobEventType]
    JOB_EVENT_TYPE_STATE_CHANGED: _ClassVar[JobEventType]
    JOB_EVENT_TYPE_STAGE_STARTED: _ClassVar[JobEventType]
    JOB_EVENT_TYPE_STAGE_COMPLETED: _ClassVar[JobEventType]
    JOB_EVENT_TYPE_SHOT_RENDERED: _ClassVar[JobEventType]
    JOB_EVENT_TYPE_SHOT_PROGRESS: _ClassVar[JobEventType]

class BudgetPolicy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BUDGET_POLICY_UNSPECIFIED: _ClassVar[BudgetPolicy]
    BUDGET_POLICY_REFUSE: _ClassVar[BudgetPolicy]
    BUDGET_POLICY_FALLBACK: _ClassVar[BudgetPolicy]
JOB_STATE_UNSPECIFIED: JobState
JOB_STATE_QUEUED: JobState
JOB_STATE_RUNNING: JobState
JOB_STATE_SUCCEEDED: JobState
JOB_STATE_BLOCKED: JobState
JOB_STATE_CANCELLED: JobState
JOB_STATE_FAILED: JobState
JOB_STATE_DEAD_LETTER: JobState
JOB_STATE_IN_REVIEW: JobState
REVIEW_KIND_UNSPECIFIED: ReviewKind
REVIEW_KIND_MODERATION: ReviewKind
REVIEW_KIND_TRUST: ReviewKind
REVIEW_KIND_APPEAL: ReviewKind
REVIEW_KIND_REPORT: ReviewKind
REVIEW_STATE_UNSPECIFIED: ReviewState
REVIEW_STATE_PENDING: ReviewState
REVIEW_STATE_APPROVED: ReviewState
REVIEW_STATE_REJECTED: ReviewState
REPORT_CATEGORY_UNSPECIFIED: ReportCategory
REPORT_CATEGORY_SPAM: ReportCategory
REPORT_CATEGORY_HATE: ReportCategory
REPORT_CATEGORY_VIOLENCE: ReportCategory
REPORT_CATEGORY_SEXUAL: ReportCategory
REPORT_CATEGORY_COPYRIGHT: ReportCategory
REPORT_CATEGORY_CHILD_SAFETY: ReportCategory
REPORT_CATEGORY_OTHER: ReportCategory
STAGE_UNSPECIFIED: Stage
STAGE_MODERATE_TEXT: Stage
STAGE_DETECT_LANGUAGE: Stage
STAGE_TRANSLATE: Stage
STAGE_ANALYZE: Stage
STAGE_BUILD_PROMPT: Stage
STAGE_RENDER: Stage
STAGE_ASSEMBLE: Stage
STAGE_MODERATE_VIDEO: Stage
STAGE_PUBLISH: Stage
JOB_EVENT_TYPE_UNSPECIFIED: JobEventType
JOB_EVENT_TYPE_STATE_CHANGED: JobEventType
JOB_EVENT_TYPE_STAGE_STARTED: JobEventType
JOB_EVENT_TYPE_STAGE_COMPLETED: JobEventType
JOB_EVENT_TYPE_SHOT_RENDERED: JobEventType
JOB_EVENT_TYPE_SHOT_PROGRESS: JobEventType
BUDGET_POLICY_UNSPECIFIED: BudgetPolicy
BUDGET_POLICY_REFUSE: BudgetPolicy
BUDGET_POLICY_FALLBACK: BudgetPolicy

class JobOptions(_message.Message):
    __slots__ = ("language_code", "disable_narration", "disable_subtitles", "priority", "provider", "budget_policy", "over_budget", "cast")
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    DISABLE_NARRATION_FIELD_NUMBER: _ClassVar[int]
    DISABLE_SUBTITLES_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    BUDGET_POLICY_FIELD_NUMBER: _ClassVar[int]
    OVER_BUDGET_FIELD_NUMBER: _ClassVar[int]
    CAST_FIELD_NUMBER: _ClassVar[int]
    language_code: str
    disable_narration: bool
    disable_subtitles: bool
    priority: int
    provider: str
    budget_policy: BudgetPolicy
    over_budget: bool
    cast: _containers.RepeatedCompositeFieldContainer[CastEntry]
    def __init__(self, language_code: _Optional[str] = ..., disable_narration: _Optional[bool] = ..., disable_subtitles: _Optional[bool] = ..., priority: _Optional[int] = ..., provider: _Optional[str] = ..., budget_policy: _Optional[_Union[BudgetPolicy, str]] = ..., over_budget: _Optional[bool] = ..., cast: _Optional[_Iterable[_Union[CastEntry, _Mapping]]] = ...) -> None: ...

class ShotOutcome(_message.Message):
    __slots__ = ("index", "provider", "fallback_reason", "cost_usd", "elements")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_REASON_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    ELEMENTS_FIELD_NUMBER: _ClassVar[int]
    index: int
    provider: str
    fallback_reason: str
    cost_usd: float
    elements: _containers.RepeatedCompositeFieldContainer[RenderElement]
    def __init__(self, index: _Optional[int] = ..., provider: _Optional[str] = ..., fallback_reason: _Optional[str] = ..., cost_usd: _Optional[float] = ..., elements: _Optional[_Iterable[_Union[RenderElement, _Mapping]]] = ...) -> None: ...

class RenderElement(_message.Message):
    __slots__ = ("concept_id", "label", "drawing", "box", "start_ms", "end_ms")
    CONCEPT_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    DRAWING_FIELD_NUMBER: _ClassVar[int]
    BOX_FIELD_NUMBER: _ClassVar[int]
    START_MS_FIELD_NUMBER: _ClassVar[int]
    END_MS_FIELD_NUMBER: _ClassVar[int]
    concept_id: str
    label: str
    drawing: str
    box: PixelBox
    start_ms: int
    end_ms: int
    def __init__(self, concept_id: _Optional[str] = ..., label: _Optional[str] = ..., drawing: _Optional[str] = ..., box: _Optional[_Union[PixelBox, _Mapping]] = ..., start_ms: _Optional[int] = ..., end_ms: _Optional[int] = ...) -> None: ...

class PixelBox(_message.Message):
    __slots__ = ("x", "y", "width", "height")
    X_FIELD_NUMBER: _ClassVar[int]
    Y_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    x: int
    y: int
    width: int
    height: int
    def __init__(self, x: _Optional[int] = ..., y: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ...) -> None: ...

class UndrawnConcept(_message.Message):
    __slots__ = ("concept_id", "label", "reason")
    CONCEPT_ID_FIELD_NUMBER: _ClassVar[int]
    LABEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    concept_id: str
    label: str
    reason: str
    def __init__(self, concept_id: _Optional[str] = ..., label: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class CastEntry(_message.Message):
    __slots__ = ("scene_entity_id", "entity_id", "name", "attributes")
    SCENE_ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    scene_entity_id: str
    entity_id: str
    name: str
    attributes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, scene_entity_id: _Optional[str] = ..., entity_id: _Optional[str] = ..., name: _Optional[str] = ..., attributes: _Optional[_Iterable[str]] = ...) -> None: ...

class JobResult(_message.Message):
    __slots__ = ("mp4_key", "hls_master_key", "poster_key", "duration_ms")
    MP4_KEY_FIELD_NUMBER: _ClassVar[int]
    HLS_MASTER_KEY_FIELD_NUMBER: _ClassVar[int]
    POSTER_KEY_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    mp4_key: str
    hls_master_key: str
    poster_key: str
    duration_ms: int
    def __init__(self, mp4_key: _Optional[str] = ..., hls_master_key: _Optional[str] = ..., poster_key: _Optional[str] = ..., duration_ms: _Optional[int] = ...) -> None: ...

class Job(_message.Message):
    __slots__ = ("job_id", "state", "stage", "progress", "text", "options", "language_code", "shot_count", "result", "error", "block_reasons", "attempts", "last_event_sequence", "create_time", "update_time", "planned_duration_ms", "shots", "cost_usd", "undrawn_concepts", "review", "taken_down")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    SHOT_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    BLOCK_REASONS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_EVENT_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    PLANNED_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    SHOTS_FIELD_NUMBER: _ClassVar[int]
    COST_USD_FIELD_NUMBER: _ClassVar[int]
    UNDRAWN_CONCEPTS_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    TAKEN_DOWN_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    state: JobState
    stage: Stage
    progress: float
    text: str
    options: JobOptions
    language_code: str
    shot_count: int
    result: JobResult
    error: _status_pb2.Status
    block_reasons: _containers.RepeatedCompositeFieldContainer[_moderation_pb2.ModerationReason]
    attempts: int
    last_event_sequence: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    planned_duration_ms: int
    shots: _containers.RepeatedCompositeFieldContainer[ShotOutcome]
    cost_usd: float
    undrawn_concepts: _containers.RepeatedCompositeFieldContainer[UndrawnConcept]
    review: Review
    taken_down: bool
    def __init__(self, job_id: _Optional[str] = ..., state: _Optional[_Union[JobState, str]] = ..., stage: _Optional[_Union[Stage, str]] = ..., progress: _Optional[float] = ..., text: _Optional[str] = ..., options: _Optional[_Union[JobOptions, _Mapping]] = ..., language_code: _Optional[str] = ..., shot_count: _Optional[int] = ..., result: _Optional[_Union[JobResult, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., block_reasons: _Optional[_Iterable[_Union[_moderation_pb2.ModerationReason, _Mapping]]] = ..., attempts: _Optional[int] = ..., last_event_sequence: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., planned_duration_ms: _Optional[int] = ..., shots: _Optional[_Iterable[_Union[ShotOutcome, _Mapping]]] = ..., cost_usd: _Optional[float] = ..., undrawn_concepts: _Optional[_Iterable[_Union[UndrawnConcept, _Mapping]]] = ..., review: _Optional[_Union[Review, _Mapping]] = ..., taken_down: _Optional[bool] = ...) -> None: ...

class Review(_message.Message):
    __slots__ = ("review_id", "job_id", "owner_id", "kind", "state", "reason", "findings", "decided_by", "note", "create_time", "decide_time", "excluded_reviewer", "language_code", "result")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    DECIDED_BY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DECIDE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_REVIEWER_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    job_id: str
    owner_id: str
    kind: ReviewKind
    state: ReviewState
    reason: str
    findings: _containers.RepeatedCompositeFieldContainer[_moderation_pb2.ModerationReason]
    decided_by: str
    note: str
    create_time: _timestamp_pb2.Timestamp
    decide_time: _timestamp_pb2.Timestamp
    excluded_reviewer: str
    language_code: str
    result: JobResult
    def __init__(self, review_id: _Optional[str] = ..., job_id: _Optional[str] = ..., owner_id: _Optional[str] = ..., kind: _Optional[_Union[ReviewKind, str]] = ..., state: _Optional[_Union[ReviewState, str]] = ..., reason: _Optional[str] = ..., findings: _Optional[_Iterable[_Union[_moderation_pb2.ModerationReason, _Mapping]]] = ..., decided_by: _Optional[str] = ..., note: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., decide_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., excluded_reviewer: _Optional[str] = ..., language_code: _Optional[str] = ..., result: _Optional[_Union[JobResult, _Mapping]] = ...) -> None: ...

class JobEvent(_message.Message):
    __slots__ = ("job_id", "sequence", "time", "type", "state", "stage", "progress", "message", "shot_index", "shot_count", "result", "error", "provider", "fallback_reason", "shot_progress", "review")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STAGE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SHOT_INDEX_FIELD_NUMBER: _ClassVar[int]
    SHOT_COUNT_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_REASON_FIELD_NUMBER: _ClassVar[int]
    SHOT_PROGRESS_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    sequence: int
    time: _timestamp_pb2.Timestamp
    type: JobEventType
    state: JobState
    stage: Stage
    progress: float
    message: str
    shot_index: int
    shot_count: int
    result: JobResult
    error: _status_pb2.Status
    provider: str
    fallback_reason: str
    shot_progress: float
    review: Review
    def __init__(self, job_id: _Optional[str] = ..., sequence: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., type: _Optional[_Union[JobEventType, str]] = ..., state: _Optional[_Union[JobState, str]] = ..., stage: _Optional[_Union[Stage, str]] = ..., progress: _Optional[float] = ..., message: _Optional[str] = ..., shot_index: _Optional[int] = ..., shot_count: _Optional[int] = ..., result: _Optional[_Union[JobResult, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ..., provider: _Optional[str] = ..., fallback_reason: _Optional[str] = ..., shot_progress: _Optional[float] = ..., review: _Optional[_Union[Review, _Mapping]] = ...) -> None: ...
