from drishya.generation.v1 import generation_pb2 as _generation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateJobRequest(_message.Message):
    __slots__ = ("owner_id", "request_id", "text", "options", "review_required", "plan")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REQUIRED_FIELD_NUMBER: _ClassVar[int]
    PLAN_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    request_id: str
    text: str
    options: _generation_pb2.JobOptions
    review_required: bool
    plan: str
    def __init__(self, owner_id: _Optional[str] = ..., request_id: _Optional[str] = ..., text: _Optional[str] = ..., options: _Optional[_Union[_generation_pb2.JobOptions, _Mapping]] = ..., review_required: _Optional[bool] = ..., plan: _Optional[str] = ...) -> None: ...

class CreateJobResponse(_message.Message):
    __slots__ = ("job", "deduplicated")
    JOB_FIELD_NUMBER: _ClassVar[int]
    DEDUPLICATED_FIELD_NUMBER: _ClassVar[int]
    job: _generation_pb2.Job
    deduplicated: bool
    def __init__(self, job: _Optional[_Union[_generation_pb2.Job, _Mapping]] = ..., deduplicated: _Optional[bool] = ...) -> None: ...

class GetJobRequest(_message.Message):
    __slots__ = ("owner_id", "job_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    job_id: str
    def __init__(self, owner_id: _Optional[str] = ..., job_id: _Optional[str] = ...) -> None: ...

class GetJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _generation_pb2.Job
    def __init__(self, job: _Optional[_Union[_generation_pb2.Job, _Mapping]] = ...) -> None: ...

class ListJobsRequest(_message.Message):
    __slots__ = ("owner_id", "page_size", "page_token")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    page_size: int
    page_token: str
    def __init__(self, owner_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_generation_pb2.Job]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[_generation_pb2.Job, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("owner_id", "job_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    job_id: str
    def __init__(self, owner_id: _Optional[str] = ..., job_id: _Optional[str] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _generation_pb2.Job
    def __init__(self, job: _Optional[_Union[_generation_pb2.Job, _Mapping]] = ...) -> None: ...

class RetryJobRequest(_message.Message):
    __slots__ = ("owner_id", "job_id")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    job_id: str
    def __init__(self, owner_id: _Optional[str] = ..., job_id: _Optional[str] = ...) -> None: ...

class RetryJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _generation_pb2.Job
    def __init__(self, job: _Optional[_Union[_generation_pb2.Job, _Mapping]] = ...) -> None: ...

class WatchJobRequest(_message.Message):
    __slots__ = ("owner_id", "job_id", "after_sequence")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQUENCE_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    job_id: str
    after_sequence: int
    def __init__(self, owner_id: _Optional[str] = ..., job_id: _Optional[str] = ..., after_sequence: _Optional[int] = ...) -> None: ...

class WatchJobResponse(_message.Message):
    __slots__ = ("event",)
    EVENT_FIELD_NUMBER: _ClassVar[int]
    event: _generation_pb2.JobEvent
    def __init__(self, event: _Optional[_Union[_generation_pb2.JobEvent, _Mapping]] = ...) -> None: ...

class ListReviewsRequest(_message.Message):
    __slots__ = ("reviewer_id", "page_size", "page_token")
    REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    reviewer_id: str
    page_size: int
    page_token: str
    def __init__(self, reviewer_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListReviewsResponse(_message.Message):
    __slots__ = ("reviews", "next_page_token")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    reviews: _containers.RepeatedCompositeFieldContainer[_generation_pb2.Review]
    next_page_token: str
    def __init__(self, reviews: _Optional[_Iterable[_Union[_generation_pb2.Review, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DecideReviewRequest(_message.Message):
    __slots__ = ("review_id", "reviewer_id", "approve", "note")
    REVIEW_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    review_id: str
    reviewer_id: str
    approve: bool
    note: str
    def __init__(self, review_id: _Optional[str] = ..., reviewer_id: _Optional[str] = ..., approve: _Optional[bool] = ..., note: _Optional[str] = ...) -> None: ...

class DecideReviewResponse(_message.Message):
    __slots__ = ("review", "job")
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    JOB_FIELD_NUMBER: _ClassVar[int]
    review: _generation_pb2.Review
    job: _generation_pb2.Job
    def __init__(self, review: _Optional[_Union[_generation_pb2.Review, _Mapping]] = ..., job: _Optional[_Union[_generation_pb2.Job, _Mapping]] = ...) -> None: ...

class AppealJobRequest(_message.Message):
    __slots__ = ("owner_id", "job_id", "reason")
    OWNER_ID_FIELD_NUMBER: _ClassVar[int]
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    owner_id: str
    job_id: str
    reason: str
    def __init__(self, owner_id: _Optional[str] = ..., job_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class AppealJobResponse(_message.Message):
    __slots__ = ("review",)
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    review: _generation_pb2.Review
    def __init__(self, review: _Optional[_Union[_generation_pb2.Review, _Mapping]] = ...) -> None: ...

class ReportJobRequest(_message.Message):
    __slots__ = ("job_id", "reporter_id", "category", "note")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REPORTER_ID_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    reporter_id: str
    category: _generation_pb2.ReportCategory
    note: str
    def __init__(self, job_id: _Optional[str] = ..., reporter_id: _Optional[str] = ..., category: _Optional[_Union[_generation_pb2.ReportCategory, str]] = ..., note: _Optional[str] = ...) -> None: ...

class ReportJobResponse(_message.Message):
    __slots__ = ("report_count", "in_review", "counted")
    REPORT_COUNT_FIELD_NUMBER: _ClassVar[int]
    IN_REVIEW_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    report_count: int
    in_review: bool
    counted: bool
    def __init__(self, report_count: _Optional[int] = ..., in_review: _Optional[bool] = ..., counted: _Optional[bool] = ...) -> None: ...

class TakedownJobRequest(_message.Message):
    __slots__ = ("job_id", "operator_id", "reason")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    operator_id: str
    reason: str
    def __init__(self, job_id: _Optional[str] = ..., operator_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class TakedownJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _generation_pb2.Job
    def __init__(self, job: _Optional[_Union[_generation_pb2.Job, _Mapping]] = ...) -> None: ...

class GetReleaseStatesRequest(_message.Message):
    __slots__ = ("job_ids",)
    JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    job_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class GetReleaseStatesResponse(_message.Message):
    __slots__ = ("released_job_ids",)
    RELEASED_JOB_IDS_FIELD_NUMBER: _ClassVar[int]
    released_job_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, released_job_ids: _Optional[_Iterable[str]] = ...) -> None: ...
