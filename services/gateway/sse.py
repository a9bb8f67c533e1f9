"""Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html).

Each job event becomes one SSE event::

    id: 3
    event: stage_started
    data: {"job_id": "...", "sequence": 3, ...}

The ``id`` is the event's sequence number, so a reconnecting ``EventSource`` sends it back as
``Last-Event-ID`` and the stream resumes after it. Silence is broken by ``: keep-alive`` comments
so proxies do not close an idle connection.
"""

from __future__ import annotations

import json
from typing import Any

from drishya.generation.v1 import generation_pb2 as gen_pb2

MEDIA_TYPE = "text/event-stream"
KEEPALIVE = ": keep-alive\n\n"

#: States after which a job publishes no more events until it is retried.
TERMINAL_STATES = frozenset(
    {
        gen_pb2.JOB_STATE_SUCCEEDED,
        gen_pb2.JOB_STATE_BLOCKED,
        gen_pb2.JOB_STATE_CANCELLED,
        gen_pb2.JOB_STATE_FAILED,
        gen_pb2.JOB_STATE_DEAD_LETTER,
        gen_pb2.JOB_STATE_IN_REVIEW,
    }
)

_EVENT_PREFIX = "JOB_EVENT_TYPE_"


def event_name(event_type: int) -> str:
    """The SSE event name of a ``JobEventType``: ``JOB_EVENT_TYPE_STAGE_STARTED`` → ``stage_started``.

    Values unknown to this build of the contract become ``unspecified``.
    """
    try:
        name = str(gen_pb2.JobEventType.Name(event_type))
    except ValueError:
        return "unspecified"
    return name.removeprefix(_EVENT_PREFIX).lower()


def format_event(data: dict[str, Any], *, event: str, event_id: int | None = None) -> str:
    """One SSE event: optional ``id:``, ``event:``, one ``data:`` line of compact JSON, blank line."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return "\n".join(lines) + "\n\n"


def format_retry(retry_ms: int) -> str:
    """The ``retry:`` field telling EventSource how long to wait before reconnecting, in ms."""
    return f"retry: {retry_ms}\n\n"
