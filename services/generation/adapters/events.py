"""NATS JetStream adapter: publish job events and replay them to watchers.

Stream ``DRISHYA_JOBS`` holds subjects ``drishya.jobs.<job_id>.events`` (file storage, 7 days).
Each event is published with ``Nats-Msg-Id: <job_id>:<sequence>``, so the outbox relay may publish
an event twice without a duplicate in the stream (JetStream de-duplication window: 2 minutes), and
with the W3C ``traceparent`` of the job's trace; a watcher's receipt is a span in that trace.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import DeliverPolicy

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.mesh import jetstream

log = logging.getLogger(__name__)
STREAM = "DRISHYA_JOBS"
SUBJECTS = "drishya.jobs.*.events"
#: How long a publication waits for JetStream's acknowledgement, in seconds.
PUBLISH_TIMEOUT_S = 2.0
#: How long a watcher waits for a JetStream subscription before serving from PostgreSQL, in seconds.
SUBSCRIBE_TIMEOUT_S = 2.0


def subject(job_id: str) -> str:
    """The subject of a job's events."""
    return f"drishya.jobs.{job_id}.events"


class EventBus:
    """Publishes :class:`JobEvent` messages to JetStream and replays them by job."""

    def __init__(self, nc: Client, js: JetStreamContext) -> None:
        self._nc = nc
        self._js = js

    @classmethod
    async def connect(cls, url: str) -> EventBus:
        """Connect to ``url`` and make sure the stream exists; raises on an unreachable server."""
        nc, js = await jetstream.connect_stream(url, "drishya-generation", STREAM, SUBJECTS)
        return cls(nc, js)

    @property
    def connected(self) -> bool:
        """Whether the connection to NATS is up right now."""
        return bool(self._nc.is_connected)

    async def ping(self) -> None:
        """Readiness check: connected now, and JetStream answers about the stream within 2 s."""
        await jetstream.ping_stream(self._nc, STREAM)

    async def publish(self, event: gen_pb2.JobEvent) -> None:
        """Publish one event; raises when JetStream does not acknowledge it."""
        await self._js.publish(
            subject(event.job_id),
            event.SerializeToString(),
            timeout=PUBLISH_TIMEOUT_S,
            headers=jetstream.trace_headers({"Nats-Msg-Id": f"{event.job_id}:{event.sequence}"}),
        )

    async def watch(
        self, job_id: str, idle_s: float = 1.0, down_poll_s: float = 0.5, resubscribe_s: float = 5.0
    ) -> AsyncIterator[gen_pb2.JobEvent | None]:
        """Every event of a job from the first, then live ones; yields ``None`` after ``idle_s`` of silence.

        While NATS cannot be reached (down, restarting, or not answering) it yields ``None`` every
        ``down_poll_s`` seconds, so the caller reads the record instead, and tries to subscribe
        again every ``resubscribe_s``. The caller stops iterating when it has seen the last event.
        """
        while True:
            try:
                async with asyncio.timeout(SUBSCRIBE_TIMEOUT_S):
                    sub = await self._js.subscribe(
                        subject(job_id), ordered_consumer=True, deliver_policy=DeliverPolicy.ALL
                    )
            except Exception as exc:  # NATS is away: serve from the record for a while
                log.info("watching job %s from the record: %s", job_id, type(exc).__name__)
                for _ in range(max(1, round(resubscribe_s / down_poll_s))):
                    yield None
                    await asyncio.sleep(down_poll_s)
                continue
            reconnects = self._nc.stats["reconnects"]
            try:
                while self._nc.stats["reconnects"] == reconnects:  # after a reconnection: subscribe afresh
                    try:
                        msg = await sub.next_msg(timeout=idle_s if self.connected else down_poll_s)
                    except (TimeoutError, nats.errors.TimeoutError):
                        yield None
                        continue
                    jetstream.received(msg, "receive drishya.jobs events")
                    yield gen_pb2.JobEvent.FromString(msg.data)
            except (nats.errors.ConnectionClosedError, nats.errors.BadSubscriptionError) as exc:
                log.info("subscription to job %s lost: %s", job_id, exc)
                yield None
            finally:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()

    async def close(self) -> None:
        """Drain and close the connection."""
        if not self._nc.is_closed:
            await self._nc.drain()
