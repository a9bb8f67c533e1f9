"""Protobuf messages → JSON for HTTP clients.

Jobs and events are rendered with ``google.protobuf.json_format.MessageToDict`` using the proto
field names (``job_id``, ``last_event_sequence``), every scalar field printed even at its default
value, enums as their names (``JOB_STATE_RUNNING``) and 64-bit integers as JSON numbers. A result
gains absolute, signed media URLs beside its object keys: ``mp4_url``, ``hls_master_url``,
``poster_url`` (see :mod:`services.gateway.signing`), only while the job is released (SUCCEEDED
and not taken down): a video in review or taken down has no URLs. A job's or event's ``review``
is shown without the reviewers' key ids.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import Message
from google.rpc import error_details_pb2  # noqa: F401  (registers ErrorInfo & co. for Any in Job.error)

from drishya.generation.v1 import generation_pb2 as gen_pb2

MEDIA_PREFIX = "/v1/media/"

#: Maps a media key to the absolute URL a client may fetch it by.
MediaUrl = Callable[[str], str]


def to_dict(message: Message) -> dict[str, Any]:
    """A message as a JSON-ready dict (proto field names, defaults printed, int64 as numbers)."""
    out: dict[str, Any] = json_format.MessageToDict(
        message,
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
        unquote_int64_if_possible=True,
    )
    return out


def _with_media_urls(result: dict[str, Any], media_url: MediaUrl) -> None:
    for key_field, url_field in (
        ("mp4_key", "mp4_url"),
        ("hls_master_key", "hls_master_url"),
        ("poster_key", "poster_url"),
    ):
        key = result.get(key_field)
        if key:
            result[url_field] = media_url(str(key))


#: Fields of a Review its job's owner does not see.
_PRIVATE_REVIEW_FIELDS = ("decided_by", "excluded_reviewer", "owner_id", "result")


def _owner_review(out: dict[str, Any]) -> None:
    review = out.get("review")
    if isinstance(review, dict):
        for name in _PRIVATE_REVIEW_FIELDS:
            review.pop(name, None)


def released(job: gen_pb2.Job) -> bool:
    """Whether the job's media may be served to its owner and anyone holding a signed URL."""
    return job.state == gen_pb2.JOB_STATE_SUCCEEDED and not job.taken_down


def job_json(job: gen_pb2.Job, media_url: MediaUrl) -> dict[str, Any]:
    """The JSON form of a job; ``result`` (when present) carries the URLs ``media_url`` gives
    while the job is :func:`released`."""
    out = to_dict(job)
    if job.HasField("result") and released(job):
        _with_media_urls(out["result"], media_url)
    _owner_review(out)
    return out


def event_json(event: gen_pb2.JobEvent, media_url: MediaUrl) -> dict[str, Any]:
    """The JSON form of a job event, with media URLs on the result of the event that releases the video."""
    out = to_dict(event)
    if event.HasField("result") and event.state == gen_pb2.JOB_STATE_SUCCEEDED:
        _with_media_urls(out["result"], media_url)
    _owner_review(out)
    return out
