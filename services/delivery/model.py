"""The published media of one job (domain types; keys are relative to the media root)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from services.mesh.errors import FieldViolation, InvalidArgument


@dataclass(frozen=True)
class Rendition:
    """One rung of the HLS ladder as published: size, advertised peak bandwidth, playlist key."""

    name: str
    width: int
    height: int
    bandwidth_bps: int
    playlist_key: str
    segment_count: int


@dataclass(frozen=True)
class Delivery:
    """The published media of one job; every ``*_key`` is relative to the media root."""

    job_id: uuid.UUID
    mp4_key: str
    hls_master_key: str
    poster_key: str
    thumbnail_keys: tuple[str, ...]
    renditions: tuple[Rendition, ...]
    duration_ms: int
    mp4_size_bytes: int
    publish_time: dt.datetime


def parse_job_id(raw: str) -> uuid.UUID:
    """Parse a job id (a UUID in any standard spelling).

    Raises:
        InvalidArgument: ``INVALID_JOB_ID`` when ``raw`` is not a UUID.
    """
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise InvalidArgument(
            f"job_id {raw!r} is not a UUID",
            reason="INVALID_JOB_ID",
            violations=[FieldViolation("job_id", "must be a UUID such as 123e4567-e89b-12d3-a456-426614174000")],
        ) from None


def job_prefix(job_id: uuid.UUID) -> str:
    """Key prefix of a job's media: ``jobs/<job_id>``."""
    return f"jobs/{job_id}"
