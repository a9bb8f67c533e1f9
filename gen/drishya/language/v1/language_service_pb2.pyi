from drishya.language.v1 import language_pb2 as _language_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DetectLanguageRequest(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class DetectLanguageResponse(_message.Message):
    __slots__ = ("detection",)
    DETECTION_FIELD_NUMBER: _ClassVar[int]
    detection: _language_pb2.LanguageDetection
    def __init__(self, detection: _Optional[_Union[_language_pb2.LanguageDetection, _Mapping]] = ...) -> None: ...

class TranslateRequest(_message.Message):
    __slots__ = ("text", "source_language_code", "target_language_code")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    TARGET_LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    text: str
    source_language_code: str
    target_language_code: str
    def __init__(self, text: _Optional[str] = ..., source_language_code: _Optional[str] = ..., target_language_code: _Optional[str] = ...) -> None: ...

class TranslateResponse(_message.Message):
    __slots__ = ("text", "source_language_code", "target_language_code", "method", "confidence", "segments", "cached")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    TARGET_LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CONFIDENCE_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    CACHED_FIELD_NUMBER: _ClassVar[int]
    text: str
    source_language_code: str
    target_language_code: str
    method: _language_pb2.TranslationMethod
    confidence: float
    segments: _containers.RepeatedCompositeFieldContainer[_language_pb2.TranslationSegment]
    cached: bool
    def __init__(self, text: _Optional[str] = ..., source_language_code: _Optional[str] = ..., target_language_code: _Optional[str] = ..., method: _Optional[_Union[_language_pb2.TranslationMethod, str]] = ..., confidence: _Optional[float] = ..., segments: _Optional[_Iterable[_Union[_language_pb2.TranslationSegment, _Mapping]]] = ..., cached: _Optional[bool] = ...) -> None: ...
