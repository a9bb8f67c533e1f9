from drishya.delivery.v1 import delivery_pb2 as _delivery_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PublishRequest(_message.Message):
    __slots__ = ("job_id", "source_path")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_PATH_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    source_path: str
    def __init__(self, job_id: _Optional[str] = ..., source_path: _Optional[str] = ...) -> None: ...

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
