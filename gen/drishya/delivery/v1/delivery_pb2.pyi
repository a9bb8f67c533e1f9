import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Rendition(_message.Message):
    __slots__ = ("name", "width", "height", "bandwidth_bps", "playlist_key", "segment_count")
    NAME_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    BANDWIDTH_BPS_FIELD_NUMBER: _ClassVar[int]
    PLAYLIST_KEY_FIELD_NUMBER: _ClassVar[int]
    SEGMENT_COUNT_FIELD_NUMBER: _ClassVar[int]
    name: str
    width: int
    height: int
    bandwidth_bps: int
    playlist_key: str
    segment_count: int
    def __init__(self, name: _Optional[str] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., bandwidth_bps: _Optional[int] = ..., playlist_key: _Optional[str] = ..., segment_count: _Optional[int] = ...) -> None: ...

class Delivery(_message.Message):
    __slots__ = ("job_id", "mp4_key", "hls_master_key", "poster_key", "thumbnail_keys", "renditions", "duration_ms", "mp4_size_bytes", "publish_time")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    MP4_KEY_FIELD_NUMBER: _ClassVar[int]
    HLS_MASTER_KEY_FIELD_NUMBER: _ClassVar[int]
    POSTER_KEY_FIELD_NUMBER: _ClassVar[int]
    THUMBNAIL_KEYS_FIELD_NUMBER: _ClassVar[int]
    RENDITIONS_FIELD_NUMBER: _ClassVar[int]
    DURATION_MS_FIELD_NUMBER: _ClassVar[int]
    MP4_SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    mp4_key: str
    hls_master_key: str
    poster_key: str
    thumbnail_keys: _containers.RepeatedScalarFieldContainer[str]
    renditions: _containers.RepeatedCompositeFieldContainer[Rendition]
    duration_ms: int
    mp4_size_bytes: int
    publish_time: _timestamp_pb2.Timestamp
    def __init__(self, job_id: _Optional[str] = ..., mp4_key: _Optional[str] = ..., hls_master_key: _Optional[str] = ..., poster_key: _Optional[str] = ..., thumbnail_keys: _Optional[_Iterable[str]] = ..., renditions: _Optional[_Iterable[_Union[Rendition, _Mapping]]] = ..., duration_ms: _Optional[int] = ..., mp4_size_bytes: _Optional[int] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
