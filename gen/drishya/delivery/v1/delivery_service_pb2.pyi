from drishya.delivery.v1 import delivery_pb2 as _delivery_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PublishRequest(_message.Message):
    __slots__ = ("job_id", "source_path", "rendition_sources")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PATH_FIELD_NUMBER: _ClassVar[int]
    RENDITION_SOURCES_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    source_path: str
    rendition_sources: _containers.RepeatedCompositeFieldContainer[RenditionSource]
    def __init__(self, job_id: _Optional[str] = ..., source_path: _Optional[str] = ..., rendition_sources: _Optional[_Iterable[_Union[RenditionSource, _Mapping]]] = ...) -> None: ...

class RenditionSource(_message.Message):
    __slots__ = ("name", "path")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    name: str
    path: str
    def __init__(self, name: _Optional[str] = ..., path: _Optional[str] = ...) -> None: ...

class PublishResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _delivery_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_delivery_pb2.Delivery, _Mapping]] = ...) -> None: ...

class GetDeliveryRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetDeliveryResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: _delivery_pb2.Delivery
    def __init__(self, delivery: _Optional[_Union[_delivery_pb2.Delivery, _Mapping]] = ...) -> None: ...
