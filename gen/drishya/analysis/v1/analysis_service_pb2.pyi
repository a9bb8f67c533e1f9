from drishya.analysis.v1 import analysis_pb2 as _analysis_pb2
from drishya.language.v1 import language_pb2 as _language_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AnalyzeSceneRequest(_message.Message):
    __slots__ = ("english_text", "source_text", "language_code", "english_segments", "segments")
    ENGLISH_TEXT_FIELD_NUMBER: _ClassVar[int]
    SOURCE_TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    ENGLISH_SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    SEGMENTS_FIELD_NUMBER: _ClassVar[int]
    english_text: str
    source_text: str
    language_code: str
    english_segments: _containers.RepeatedScalarFieldContainer[str]
    segments: _containers.RepeatedCompositeFieldContainer[_language_pb2.TranslationSegment]
    def __init__(self, english_text: _Optional[str] = ..., source_text: _Optional[str] = ..., language_code: _Optional[str] = ..., english_segments: _Optional[_Iterable[str]] = ..., segments: _Optional[_Iterable[_Union[_language_pb2.TranslationSegment, _Mapping]]] = ...) -> None: ...

class AnalyzeSceneResponse(_message.Message):
    __slots__ = ("analysis",)
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    analysis: _analysis_pb2.SceneAnalysis
    def __init__(self, analysis: _Optional[_Union[_analysis_pb2.SceneAnalysis, _Mapping]] = ...) -> None: ...
