"""SSE fan-out: one upstream ``WatchJob`` stream per job, shared by every watcher of that job.

A :class:`JobFeed` opens one ``WatchJob`` call (from sequence 0) and appends each event, already
formatted as SSE text, to a log shared by its watchers. Each watcher keeps only its own cursor into
that log: it replays from the sequence it asked for (``Last-Event-ID``) and then waits for the next
append. A slow watcher therefore only falls behind on its own cursor; it never blocks the feed or
the other watchers, and the per-watcher state is one integer (the log, a few hundred events per
job at most, is held once). When the last watcher leaves, the upstream call is cancelled.

:class:`Hub` keys feeds by ``(owner_id, job_id)``: a feed exists only after the owner's
``GetJob`` succeeded, so a live feed is itself proof of ownership and later watchers of the same
owner skip that call.

``drishya_sse_watchers`` (a gauge) counts the watchers connected now and ``drishya_sse_feeds``
the upstream ``WatchJob`` streams open for them.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import Any, TypeVar

import grpc
from prometheus_client import Gauge

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.mesh.errors import StatusDetails, details_of

log = logging.getLogger(__name__)
SSE_WATCHERS = Gauge("drishya_sse_watchers", "SSE watchers of job events connected now.")
SSE_FEEDS = Gauge("drishya_sse_feeds", "Upstream WatchJob streams open for SSE watchers now.")

T = TypeVar("T")

#: Opens the upstream stream: ``WatchJob(owner, job, after_sequence=0)``; an async iterator of responses.
OpenCall = Callable[[], Any]
#: Formats one event as SSE text.
Format = Callable[[gen_pb2.JobEvent], str]


class SingleFlight:
    """Concurrent calls with the same key share one execution and its result (or error).

    Nothing is cached: once the call has ended, the next caller starts a new one.
    """

    def __init__(self) -> None:
        self._pending: dict[Hashable, asyncio.Future[Any]] = {}

    async def run(self, key: Hashable, call: Callable[[], Awaitable[T]]) -> T:
        """``await call()``, or the result of the same key's call already in flight."""
        pending = self._pending.get(key)
        if pending is None:
            pending = asyncio.ensure_future(call())
            self._pending[key] = pending
            pending.add_done_callback(lambda _: self._pending.pop(key, None))
        result: T = await asyncio.shield(pending)
        return result


class JobFeed:
    """The shared, ordered event log of one job and the task filling it from ``WatchJob``."""

    def __init__(self, open_call: OpenCall, fmt: Format) -> None:
        self._open = open_call
        self._fmt = fmt
        self.sequences: list[int] = []
        self.texts: list[str] = []
        self.done = False
        self.error: StatusDetails | None = None
        self.watchers = 0
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start reading upstream (once)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sse-feed")

    def _notify(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def _run(self) -> None:
        call = self._open()
        try:
            async for msg in call:
                ev = msg.event
                if self.sequences and ev.sequence <= self.sequences[-1]:
                    continue
                self.sequences.append(ev.sequence)
                self.texts.append(self._fmt(ev))
                self._notify()
        except grpc.RpcError as exc:
            self.error = details_of(exc)
        except asyncio.CancelledError:
            call.cancel()
            raise
        finally:
            self.done = True
            self._notify()

    async def follow(self, after: int, keepalive_s: float) -> AsyncIterator[str | StatusDetails | None]:
        """SSE texts of the events after sequence ``after``, in order, then live ones until the job ends.

        Yields None after ``keepalive_s`` of silence (the caller sends a keep-alive comment) and the
        upstream error last when the upstream stream failed.
        """
        idx = 0
        while True:
            idx = max(idx, bisect.bisect_right(self.sequences, after))
            while idx < len(self.texts):
                yield self.texts[idx]
                idx += 1
            if self.done:
                if self.error is not None:
                    yield self.error
                return
            changed = self._changed
            try:
                await asyncio.wait_for(changed.wait(), keepalive_s)
            except TimeoutError:
                yield None

    async def stop(self) -> None:
        """Cancel the upstream call."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


class Hub:
    """Feeds by ``(owner_id, job_id)``; creates, shares and retires them."""

    def __init__(self) -> None:
        self._feeds: dict[tuple[str, str], JobFeed] = {}
        self._lookups = SingleFlight()

    async def lookup(self, owner_id: str, job_id: str, get: Callable[[], Awaitable[T]]) -> T:
        """``await get()`` (the ownership check), shared by every caller asking about the same job
        at the same time: a thousand watchers connecting at once make one ``GetJob`` call."""
        return await self._lookups.run((owner_id, job_id), get)

    def live(self, owner_id: str, job_id: str) -> JobFeed | None:
        """The running feed of this owner's job, or None (none yet, or its upstream has ended)."""
        feed = self._feeds.get((owner_id, job_id))
        return feed if feed is not None and not feed.done else None

    def attach(self, owner_id: str, job_id: str, open_call: OpenCall, fmt: Format) -> JobFeed:
        """The live feed of the job, or a new one started with ``open_call``; counts one watcher."""
        feed = self.live(owner_id, job_id)
        if feed is None:
            feed = JobFeed(open_call, fmt)
            self._feeds[(owner_id, job_id)] = feed
            feed.start()
            SSE_FEEDS.inc()
        feed.watchers += 1
        SSE_WATCHERS.inc()
        return feed

    async def detach(self, owner_id: str, job_id: str, feed: JobFeed) -> None:
        """One watcher left; the last one out stops the feed and forgets it."""
        feed.watchers -= 1
        SSE_WATCHERS.dec()
        if feed.watchers > 0:
            return
        if self._feeds.get((owner_id, job_id)) is feed:
            del self._feeds[(owner_id, job_id)]
        SSE_FEEDS.dec()
        await feed.stop()

    def __len__(self) -> int:
        return len(self._feeds)

    async def close(self) -> None:
        """Stop every feed."""
        feeds, self._feeds = list(self._feeds.values()), {}
        for feed in feeds:
            await feed.stop()
