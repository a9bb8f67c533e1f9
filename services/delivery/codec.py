"""Conversions between the delivery domain types and ``drishya.delivery.v1`` messages."""

from __future__ import annotations

import datetime as dt
import uuid

from google.protobuf import timestamp_pb2

from drishya.delivery.v1 import delivery_pb2 as pb2
from services.delivery.model import Delivery, Rendition


def to_proto(d: Delivery) -> pb2.Delivery:
    """The ``Delivery`` message of ``d``."""
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(d.publish_time.astimezone(dt.UTC))
    return pb2.Delivery(
        job_id=str(d.job_id),
        mp4_key=d.mp4_key,
        hls_master_key=d.hls_master_key,
        poster_key=d.poster_key,
        thumbnail_keys=list(d.thumbnail_keys),
        renditions=[
            pb2.Rendition(
                name=r.name,
                width=r.width,
                height=r.height,
                bandwidth_bps=r.bandwidth_bps,
                playlist_key=r.playlist_key,
                segment_count=r.segment_count,
            )
            for r in d.renditions
        ],
        duration_ms=d.duration_ms,
        mp4_size_bytes=d.mp4_size_bytes,
        publish_time=ts,
    )


def from_proto(m: pb2.Delivery) -> Delivery:
    """The domain ``Delivery`` of message ``m``."""
    return Delivery(
        job_id=uuid.UUID(m.job_id),
        mp4_key=m.mp4_key,
        hls_master_key=m.hls_master_key,
        poster_key=m.poster_key,
        thumbnail_keys=tuple(m.thumbnail_keys),
        renditions=tuple(
            Rendition(r.name, r.width, r.height, r.bandwidth_bps, r.playlist_key, r.segment_count) for r in m.renditions
        ),
        duration_ms=m.duration_ms,
        mp4_size_bytes=m.mp4_size_bytes,
        publish_time=m.publish_time.ToDatetime(tzinfo=dt.UTC),
    )
