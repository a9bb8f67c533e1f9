"""NATS JetStream adapter: publish story events and wake watchers.

Stream ``DRISHYA_STORIES`` holds subjects ``drishya.stories.<story_id>.events`` (file storage,
7 days; see services/mesh/jetstream.py). Each event is published with
``Nats-Msg-Id: <story_id>:<sequence>``, so the outbox relay may publish an event twice without a
duplicate in the stream (de-duplication window: 2 minutes).
Watchers read events from PostgreSQL (the record) and use a plain subscription to the subject only
as a wake-up, so an outage of NATS delays a watcher by at most its poll interval and loses nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from nats.aio.client import Client
from nats.js import JetStreamContext

from drishya.story.v1 import story_pb2 as pb
from services.mesh import jetstream
from services.story.adapters.store import StoryStore

log = logging.getLogger(__name__)
STREAM = "DRISHYA_STORIES"
SUBJECTS = "drishya.stories.*.events"
#: How long a publication waits for JetStream's acknowledgement, in seconds.
PUBLISH_TIMEOUT_S = 2.0


def subject(story_id: str) -> str:
    """The subject of a story's events."""
    return f"drishya.stories.{story_id}.events"


class StoryBus:
    """Publishes :class:`StoryEvent` messages to JetStream; subscribes to wake watchers."""

    def __init__(self, nc: Client, js: JetStreamContext) -> None:
        self._nc = nc
        self._js = js

    @classmethod
    async def connect(cls, url: str) -> StoryBus:
        """Connect to ``url`` and make sure the stream exists; raises on an unreachable server."""
        nc, js = await jetstream.connect_stream(url, "drishya-story", STREAM, SUBJECTS)
        return cls(nc, js)

    async def ping(self) -> None:
        """Readiness of the optional dependency: connected, and JetStream answers about the stream."""
        await jetstream.ping_stream(self._nc, STREAM)

    async def publish(self, event: pb.StoryEvent) -> None:
        """Publish one event; raises when JetStream does not acknowledge it."""
        await self._js.publish(
            subject(event.story_id),
            event.SerializeToString(),
            timeout=PUBLISH_TIMEOUT_S,
            headers={"Nats-Msg-Id": f"{event.story_id}:{event.sequence}"},
        )

    async def wakeups(self, story_id: str, poll_s: float = 1.0) -> AsyncIterator[None]:
        """Yields whenever an event of the story is published, and at least every ``poll_s`` seconds."""
        sub = None
        with contextlib.suppress(Exception):
            sub = await self._nc.subscribe(subject(story_id))
        try:
            while True:
                if sub is None:
                    await asyncio.sleep(poll_s)
                else:
                    with contextlib.suppress(Exception):
                        await sub.next_msg(timeout=poll_s)
                yield None
        finally:
            if sub is not None:
                with contextlib.suppress(Exception):
                    await sub.unsubscribe()

    async def close(self) -> None:
        """Drain and close the connection."""
        if not self._nc.is_closed:
            await self._nc.drain()


class OutboxRelay:
    """Publishes recorded events to NATS: at once after each change, and every ``interval_s`` for stragglers.

    An event is marked published only after JetStream acknowledged it, so an event recorded while
    NATS was away is published once it is back (at least once; the stream de-duplicates).
    """

    def __init__(self, store: StoryStore, bus: StoryBus, interval_s: float = 1.0) -> None:
        self.store, self.bus, self.interval_s = store, bus, interval_s
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def kick(self) -> None:
        """Ask the relay to publish now."""
        self._wake.set()

    def start(self) -> None:
        """Run the relay as a background task."""
        self._task = asyncio.create_task(self._run(), name="story-outbox-relay")

    async def stop(self) -> None:
        """Stop the relay; unpublished events stay recorded for the next start."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=5.0)

    async def relay_once(self) -> int:
        """Publish every unpublished event; returns how many were published."""
        events = await self.store.unpublished()
        done: list[pb.StoryEvent] = []
        try:
            for e in events:
                await self.bus.publish(e)
                done.append(e)
        finally:
            await self.store.mark_published(done)
        return len(done)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval_s):
                    await self._wake.wait()
            self._wake.clear()
            try:
                await self.relay_once()
            except Exception as exc:  # NATS or PostgreSQL away: the events wait in the outbox
                log.info("story outbox relay: %s", type(exc).__name__)
