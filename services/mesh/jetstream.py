"""NATS JetStream helpers shared by services that keep an event stream.

:func:`connect_stream` connects and creates or updates a file-backed stream with a 2-minute
de-duplication window (publishers set ``Nats-Msg-Id``, so an outbox relay may publish twice);
:func:`ping_stream` is the readiness check of such a connection. :func:`trace_headers` puts the
current trace context (W3C ``traceparent``) in a message's headers and :func:`received` continues it
on the consuming side, so a job's trace crosses the bus.
"""

from __future__ import annotations

from collections.abc import Mapping

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError
from opentelemetry.trace import SpanKind

from services.mesh import telemetry

#: How long streams keep events, in seconds (7 days).
RETENTION_S = 7 * 24 * 3600


async def connect_stream(url: str, client_name: str, stream: str, subjects: str) -> tuple[Client, JetStreamContext]:
    """Connect to ``url`` (reconnecting forever) and make sure ``stream`` holds ``subjects``.

    Raises whatever nats-py raises when the server cannot be reached within 5 s.
    """
    nc = await nats.connect(url, name=client_name, max_reconnect_attempts=-1, connect_timeout=5)
    js = nc.jetstream(timeout=10)
    config = StreamConfig(
        name=stream, subjects=[subjects], storage=StorageType.FILE, max_age=RETENTION_S, duplicate_window=120
    )
    try:
        await js.stream_info(stream)
        await js.update_stream(config)
    except NotFoundError:
        await js.add_stream(config)
    return nc, js


async def ping_stream(nc: Client, stream: str) -> None:
    """Readiness check: connected now, and JetStream answers about ``stream`` within 2 s.

    A request rather than ``flush(timeout)``: in nats-py a flush that times out leaves its
    PONG future behind, and the late PONG then breaks the client's read loop for good.

    Raises:
        ConnectionError: not connected, or JetStream answered with an error.
    """
    if not nc.is_connected:  # reconnecting: say so now rather than after the timeout
        raise ConnectionError("not connected to NATS")
    reply = await nc.request(f"$JS.API.STREAM.INFO.{stream}", b"", timeout=2)
    if b'"error"' in reply.data:
        raise ConnectionError(f"JetStream: {reply.data[:200]!r}")


def trace_headers(headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """``headers`` plus the current span's ``traceparent`` (and ``tracestate``), for ``js.publish``."""
    out = dict(headers or {})
    telemetry.inject(out)
    return out


def received(msg: Msg, name: str) -> None:
    """Record the receipt of ``msg`` as a CONSUMER span ``name`` in the trace its headers carry (no
    span when they carry none)."""
    parent = (msg.headers or {}).get("traceparent", "")
    if parent:
        tracer = telemetry.tracer(__name__)
        with tracer.start_as_current_span(name, context=telemetry.context_of(parent), kind=SpanKind.CONSUMER) as span:
            span.set_attribute("messaging.destination.name", msg.subject)
