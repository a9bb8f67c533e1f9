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
    __slots__ = ("path", "expected_duration_ms")
    PATH_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    path: str
    expected_duration_ms: int
    def __init__(self, path: _Optional[str] = ..., expected_duration_ms: _Optional[int] = ...) -> None: ...

class CheckVideoResponse(_message.Message):
    __slots__ = ("decision", "reasons")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    decision: _moderation_pb2.Decision
    reasons: _containers.RepeatedCompositeFieldContainer[_moderation_pb2.ModerationReason]
    def __init__(self, decision: _Optional[_Union[_moderation_pb2.Decision, str]] = ..., reasons: _Optional[_Iterable[_Union[_moderation_pb2.ModerationReason, _Mapping]]] = ...) -> None: ...
