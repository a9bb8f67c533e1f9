from drishya.analysis.v1 import analysis_pb2 as _analysis_pb2
from drishya.prompt.v1 import prompt_pb2 as _prompt_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BuildPromptRequest(_message.Message):
    __slots__ = ("analysis", "provider")
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    analysis: _analysis_pb2.SceneAnalysis
    provider: str
    def __init__(self, analysis: _Optional[_Union[_analysis_pb2.SceneAnalysis, _Mapping]] = ..., provider: _Optional[str] = ...) -> None: ...

class BuildPromptResponse(_message.Message):
    __slots__ = ("shot_list",)
    SHOT_LIST_FIELD_NUMBER: _ClassVar[int]
    shot_list: _prompt_pb2.ShotList
    def __init__(self, shot_list: _Optional[_Union[_prompt_pb2.ShotList, _Mapping]] = ...) -> None: ...
