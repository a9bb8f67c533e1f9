from drishya.moderation.v1 import moderation_pb2 as _moderation_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CheckTextRequest(_message.Message):
    __slots__ = ("text", "language_code")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    text: str
    language_code: str
    def __init__(self, text: _Optional[str] = ..., language_code: _Optional[str] = ...) -> None: ...

class CheckTextResponse(_message.Message):
    __slots__ = ("decision", "reasons")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    decision: _moderation_pb2.Decision
    reasons: _containers.RepeatedCompositeFieldContainer[_moderation_pb2.ModerationReason]
    def __init__(self, decision: _Optional[_Union[_moderation_pb2.Decision, str]] = ..., reasons: _Optional[_Iterable[_Union[_moderation_pb2.ModerationReason, _Mapping]]] = ...) -> None: ...

class CheckVideoRequest(_message.Message):
    __slots__ = ("path", "expected_duration_ms", "metrics")
    PATH_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    METRICS_FIELD_NUMBER: _ClassVar[int]
    path: str
    expected_duration_ms: int
    metrics: VideoMetrics
    def __init__(self, path: _Optional[str] = ..., expected_duration_ms: _Optional[int] = ..., metrics: _Optional[_Union[VideoMetrics, _Mapping]] = ...) -> None: ...

class VideoMetrics(_message.Message):
    __slots__ = ("frame_times_s", "luminance", "luma", "duration_s", "frame_difference", "integrated_loudness_lufs", "true_peak_dbtp", "has_narration")
    FRAME_TIMES_S_FIELD_NUMBER: _ClassVar[int]
    LUMINANCE_FIELD_NUMBER: _ClassVar[int]
    LUMA_FIELD_NUMBER: _ClassVar[int]
    DURATION_S_FIELD_NUMBER: _ClassVar[int]
    FRAME_DIFFERENCE_FIELD_NUMBER: _ClassVar[int]
    INTEGRATED_LOUDNESS_LUFS_FIELD_NUMBER: _ClassVar[int]
    TRUE_PEAK_DBTP_FIELD_NUMBER: _ClassVar[int]
    HAS_NARRATION_FIELD_NUMBER: _ClassVar[int]
    frame_times_s: _containers.RepeatedScalarFieldContainer[float]
    luminance: _containers.RepeatedScalarFieldContainer[float]
    luma: _containers.RepeatedScalarFieldContainer[float]
    duration_s: float
    frame_difference: _containers.RepeatedScalarFieldContainer[float]
    integrated_loudness_lufs: float
    true_peak_dbtp: float
    has_narration: bool
    def __init__(self, frame_times_s: _Optional[_Iterable[float]] = ..., luminance: _Optional[_Iterable[float]] = ..., luma: _Optional[_Iterable[float]] = ..., duration_s: _Optional[float] = ..., frame_difference: _Optional[_Iterable[float]] = ..., integrated_loudness_lufs: _Optional[float] = ..., true_peak_dbtp: _Optional[float] = ..., has_narration: _Optional[bool] = ...) -> None: ...

class CheckVideoResponse(_message.Message):
    __slots__ = ("decision", "reasons")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    decision: _moderation_pb2.Decision
    reasons: _containers.RepeatedCompositeFieldContainer[_moderation_pb2.ModerationReason]
    def __init__(self, decision: _Optional[_Union[_moderation_pb2.Decision, str]] = ..., reasons: _Optional[_Iterable[_Union[_moderation_pb2.ModerationReason, _Mapping]]] = ...) -> None: ...
