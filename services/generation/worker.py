"""Workers: claim queued jobs, run their pipeline under a lease, and settle the outcome.

Each worker loops: claim a job (``FOR UPDATE SKIP LOCKED``), run :class:`Pipeline` while a
heartbeat extends the lease every third of its length, then record SUCCEEDED (or IN_REVIEW when the
video waits for review: :meth:`ReviewStore.finish`), BLOCKED, or the
failure: another attempt after an exponential backoff when the error is transient and attempts
remain, DEAD_LETTER when they do not, FAILED when the error is not transient. A cancelled job's
lease is lost at the next heartbeat or event, and the worker drops it.

No error of PostgreSQL, NATS or the network ends a worker loop: a database error in the middle of
a job interrupts the job without settling it (its progress is stored; the lease is released as
soon as the database answers, or lapses), and the loop backs off with full jitter
(:class:`services.mesh.backoff.Backoff`) and goes on. A worker that stops cleanly releases its
lease at once, so another worker resumes the job without waiting for the lease to lapse.

Events are committed in PostgreSQL with the change they describe (the outbox); the pipeline never
waits on NATS. :class:`OutboxRelay` publishes them to NATS from a queue, in order, and sweeps the
outbox for what it could not publish (NATS down, or a process that died in between).

Each attempt is a span ``job attempt`` continuing the trace of the request that created the job
(its ``traceparent`` is stored with the job), with the stages and provider calls beneath it; the
events it publishes carry that trace in their NATS headers. Log lines written while a job runs
carry its ``job_id`` (``services.mesh.logs``); ``drishya_job_attempts_total{outcome}`` counts how
attempts end (:mod:`services.generation.metrics`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

import grpc
import sqlalchemy.exc
from google.rpc import status_pb2
from grpc_status import rpc_status
from opentelemetry.trace import SpanKind, Status, StatusCode

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation import jobs
from services.generation import metrics as gen_metrics
from services.generation.adapters.review_store import ReviewStore
from services.generation.adapters.store import Claim, JobStore, LeaseLost
from services.generation.config import GenerationConfig
from services.generation.pipeline import JobEnded, Pipeline
from services.mesh import logs, telemetry
from services.mesh.backoff import Backoff
from services.mesh.errors import DrishyaError, internal_status_proto, to_status_proto

log = logging.getLogger(__name__)
DOMAIN = "generation.drishya"
#: Longest wait, in seconds, of :meth:`Workers.stop` for a loop to end before it is left behind.
STOP_WAIT_S = 10.0
_tracer = telemetry.tracer(__name__)
#: ``drishya_job_attempts_total`` outcome of each state a failed attempt leaves its job in.
_FAILURE_OUTCOMES: dict[int, str] = {gen_pb2.JOB_STATE_QUEUED: "retried", gen_pb2.JOB_STATE_DEAD_LETTER: "dead_letter"}


def status_of(exc: BaseException) -> tuple[grpc.StatusCode, status_pb2.Status]:
    """The gRPC code and full ``google.rpc.Status`` of a stage failure."""
    if isinstance(exc, grpc.aio.AioRpcError):
        try:
            st = rpc_status.from_call(exc)  # type: ignore[arg-type]
        except ValueError:  # details that disagree with the code: keep the code
            st = None
        if st is None:
            st = status_pb2.Status(code=exc.code().value[0], message=exc.details() or "")
        return exc.code(), st
    if isinstance(exc, DrishyaError):
        return exc.code, to_status_proto(exc, DOMAIN)
    return grpc.StatusCode.INTERNAL, internal_status_proto(exc, DOMAIN)


def is_infrastructure_error(exc: BaseException) -> bool:
    """Whether ``exc`` says the database (or the connection to it) failed, not the job.

    Such an error interrupts a job without counting against it: the job resumes from its stored
    progress when the database answers again.
    """
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        return exc.connection_invalidated or isinstance(
            exc, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError
        )
    return isinstance(exc, sqlalchemy.exc.TimeoutError | ConnectionError | TimeoutError)


class EventSink(Protocol):
    """Where committed events go to be published (the outbox relay)."""

    def offer(self, events: Iterable[gen_pb2.JobEvent]) -> None:
        """Hand over committed events; never blocks and never raises."""


class Publisher(Protocol):
    """The event bus as the relay sees it."""

    @property
    def connected(self) -> bool:
        """Whether the bus is connected now."""

    async def publish(self, event: gen_pb2.JobEvent) -> None:
        """Publish one event; raises when it is not acknowledged."""


class Outbox(Protocol):
    """The outbox as the relay sees it."""

    async def unpublished(self, older_than_s: float, limit: int = 500) -> list[gen_pb2.JobEvent]:
        """Events not yet marked published, oldest first."""

    async def mark_published(self, events: list[gen_pb2.JobEvent]) -> None:
        """Record that ``events`` reached the bus."""


class OutboxRelay:
    """Publishes committed events to NATS in the background, so nothing else waits on NATS.

    Events offered by the workers and the servicer are published in the order offered and then
    marked published in PostgreSQL. When NATS is down the queue is dropped (the rows stay in the
    outbox) and a sweep every ``sweep_s`` seconds republishes, oldest first, whatever is still
    unpublished ``sweep_after_s`` seconds after its commit. JetStream de-duplicates by
    ``Nats-Msg-Id``, so an event published twice is stored once.

    Args:
        outbox: the job store.
        bus: the event bus.
        max_queue: events held in memory before further ones are left to the sweep.
    """

    def __init__(
        self,
        outbox: Outbox,
        bus: Publisher,
        *,
        sweep_s: float = 1.0,
        sweep_after_s: float = 2.0,
        max_queue: int = 10_000,
        backoff: Backoff | None = None,
    ) -> None:
        self.outbox = outbox
        self.bus = bus
        self.sweep_s = sweep_s
        self.sweep_after_s = sweep_after_s
        self.queue: asyncio.Queue[tuple[gen_pb2.JobEvent, str]] = asyncio.Queue(max_queue)
        self.backoff = backoff or Backoff(base_s=0.5, cap_s=5.0)
        self.published = 0

    def offer(self, events: Iterable[gen_pb2.JobEvent]) -> None:
        """Queue committed events for publication, each with the trace it was committed in; when the
        queue is full the sweep takes them."""
        parent = telemetry.traceparent()
        for e in events:
            with contextlib.suppress(asyncio.QueueFull):
                self.queue.put_nowait((e, parent))

    async def publish_batch(self, events: list[gen_pb2.JobEvent], parents: list[str] | None = None) -> bool:
        """Publish ``events`` in order and mark them; False (nothing raised) when NATS or PostgreSQL failed.

        ``parents``: the W3C traceparent each event was committed under (a ``publish`` span each, whose
        context the bus puts in the message headers); None or blank ones publish untraced.
        """
        if not events:
            return True
        if not self.bus.connected:
            return False
        done: list[gen_pb2.JobEvent] = []
        try:
            for i, e in enumerate(events):
                parent = parents[i] if parents else ""
                if parent:
                    with _tracer.start_as_current_span(
                        "publish drishya.jobs events",
                        context=telemetry.context_of(parent),
                        kind=SpanKind.PRODUCER,
                        attributes={"drishya.job_id": e.job_id, "drishya.sequence": e.sequence},
                    ):
                        await self.bus.publish(e)
                else:
                    await self.bus.publish(e)
                done.append(e)
        except Exception as exc:
            log.warning("event publication deferred to the outbox sweep: %s", exc)
        try:
            await self.outbox.mark_published(done)
        except Exception as exc:  # the sweep will publish them again; JetStream drops the duplicates
            log.warning("marking %d events published failed: %s", len(done), exc)
            return False
        self.published += len(done)
        return len(done) == len(events)

    async def sweep_once(self) -> bool:
        """Publish what the outbox still holds; False when NATS or PostgreSQL failed."""
        try:
            pending = await self.outbox.unpublished(older_than_s=self.sweep_after_s)
        except Exception as exc:
            log.warning("outbox sweep: %s", exc)
            return False
        return await self.publish_batch(pending)

    async def run(self) -> None:
        """Publish queued events as they come and sweep the outbox every ``sweep_s``; runs until cancelled."""
        while True:
            batch: list[tuple[gen_pb2.JobEvent, str]] = []
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.sweep_s):
                    batch.append(await self.queue.get())
            while not self.queue.empty():
                batch.append(self.queue.get_nowait())
            if batch:
                ok = await self.publish_batch([e for e, _ in batch], [p for _, p in batch])
            else:
                ok = await self.sweep_once()
            if ok:
                self.backoff.reset()
                continue
            while not self.queue.empty():  # NATS is down: the outbox holds them all
                self.queue.get_nowait()
            await asyncio.sleep(self.backoff.next_delay())


class Workers:
    """``config.workers`` concurrent workers plus the outbox relay.

    Args:
        store: the job store.
        relay: publishes committed events (see :class:`OutboxRelay`).
        pipeline: runs a claimed job's stages.
        config: attempts, lease and backoff settings.
    """

    def __init__(self, store: JobStore, relay: OutboxRelay, pipeline: Pipeline, config: GenerationConfig) -> None:
        self.store = store
        self.relay = relay
        self.pipeline = pipeline
        self.config = config
        self.wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._held: dict[str, uuid.UUID] = {}
        self._id = f"{self.config.node_name or socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def start(self) -> None:
        """Start the worker loops and the relay as tasks on the running loop."""
        for n in range(self.config.workers):
            self._tasks.append(asyncio.create_task(self._loop(f"{self._id}-{n}"), name=f"worker-{n}"))
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))

    async def stop(self) -> None:
        """Cancel the loops and release the leases they held, so another worker resumes those jobs at once."""
        for t in self._tasks:
            t.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(self._tasks, timeout=STOP_WAIT_S)
            for t in pending:
                log.error("%s did not stop within %.0f s", t.get_name(), STOP_WAIT_S)
        self._tasks.clear()
        for worker_id, job_id in list(self._held.items()):
            try:
                async with asyncio.timeout(2.0):
                    await self.store.release(job_id, worker_id)
                log.info("released the lease on job %s", job_id)
            except Exception as exc:  # the lease lapses instead
                log.warning("could not release the lease on job %s: %s", job_id, exc)
        self._held.clear()

    def publish(self, events: Iterable[gen_pb2.JobEvent]) -> None:
        """Hand committed events to the relay; never waits on NATS."""
        self.relay.offer(events)

    async def _idle(self, seconds: float) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that arrives
        # as the awaited event fires (CPython gh-86296), and stop() would then wait forever.
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.wake.wait()

    async def _loop(self, worker_id: str) -> None:
        backoff = Backoff(base_s=0.5, cap_s=min(5.0, self.config.lease_s / 2))
        while True:
            try:
                claimed = await self.store.claim(worker_id, self.config.lease_s)
            except Exception as exc:
                delay = backoff.next_delay()
                log.warning("claim failed (retrying in %.1f s): %s", delay, exc)
                await asyncio.sleep(delay)
                continue
            backoff.reset()
            if claimed is None:
                await self._idle(1.0)
                continue
            claim, event = claimed
            self.publish([event])
            self._held[worker_id] = claim.job_id  # stop() releases it should the loop be cancelled
            try:
                await self._run(worker_id, claim)
            except Exception as exc:  # the database failed while the job was settled: it resumes later
                delay = backoff.next_delay()
                log.warning("job %s interrupted (retrying in %.1f s): %s", claim.job_id, delay, exc)
                await asyncio.sleep(delay)
                await self._release_quietly(worker_id, claim.job_id)
            self._held.pop(worker_id, None)
            await self._clean_if_ended(claim.job_id)

    async def _release_quietly(self, worker_id: str, job_id: uuid.UUID) -> None:
        try:
            await self.store.release(job_id, worker_id)
        except Exception as exc:  # still down: the lease lapses on its own
            log.info("lease of job %s left to lapse: %s", job_id, exc)

    async def _clean_if_ended(self, job_id: uuid.UUID) -> None:
        try:
            state, _ = await self.store.state_of(job_id)
        except Exception as exc:
            log.info("state of job %s unknown, work files kept: %s", job_id, exc)
            return
        if state in jobs.TERMINAL:
            await asyncio.to_thread(self.pipeline.discard_work, job_id)

    async def _run(self, worker_id: str, claim: Claim) -> None:
        """One attempt at ``claim`` in a ``job attempt`` span continuing the job's stored trace, with
        its ``job_id`` bound for the logs; counts the attempt's outcome."""
        attributes: dict[str, str | int] = {"drishya.job_id": str(claim.job_id), "drishya.attempt": claim.attempts}
        with (
            logs.bind(job_id=str(claim.job_id)),
            _tracer.start_as_current_span(
                "job attempt",
                context=telemetry.context_of(claim.traceparent),
                kind=SpanKind.CONSUMER,
                attributes=attributes,
            ) as span,
        ):
            try:
                outcome = await self._attempt(worker_id, claim)
            except asyncio.CancelledError:
                gen_metrics.JOB_ATTEMPTS.labels("stopped").inc()
                raise
            except Exception as exc:
                gen_metrics.JOB_ATTEMPTS.labels("interrupted").inc()
                span.set_status(Status(StatusCode.ERROR, type(exc).__name__))
                raise
            span.set_attribute("drishya.outcome", outcome)
            gen_metrics.JOB_ATTEMPTS.labels(outcome).inc()

    async def _attempt(self, worker_id: str, claim: Claim) -> str:
        """Run the pipeline under a heartbeat and settle the outcome; returns the outcome's label."""

        async def emit(type_: gen_pb2.JobEventType, message: str, **changes: Any) -> gen_pb2.JobEvent:
            event = await self.store.emit(claim.job_id, worker_id, type_, message, **changes)
            self.publish([event])
            return event

        task = asyncio.create_task(self.pipeline.run(claim, emit))
        beat = asyncio.create_task(self._heartbeat(worker_id, claim, task))
        try:
            finished = await task
            # SUCCEEDED, or IN_REVIEW with its pending review in the event's transaction
            event = await ReviewStore(self.store).finish(
                claim.job_id, worker_id, finished.result, finished.review_reasons
            )
            self.publish([event])
            return "in_review" if event.state == gen_pb2.JOB_STATE_IN_REVIEW else "succeeded"
        except (JobEnded, LeaseLost, asyncio.CancelledError) as exc:
            me = asyncio.current_task()
            if isinstance(exc, asyncio.CancelledError) and me is not None and me.cancelling():
                raise  # the worker itself is stopping; stop() releases the lease
            log.info("job %s stopped: %s", claim.job_id, type(exc).__name__)
            return "blocked" if isinstance(exc, JobEnded) else "stopped"
        except Exception as exc:
            if is_infrastructure_error(exc):
                raise  # not the job's fault: the loop backs off and the job resumes
            state = await self._settle_failure(worker_id, claim, exc, emit)
            return _FAILURE_OUTCOMES.get(state, "failed")
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _settle_failure(self, worker_id: str, claim: Claim, exc: BaseException, emit: Any) -> int:
        """Record a failed attempt: QUEUED again after a backoff, DEAD_LETTER or FAILED; returns that state."""
        code, st = status_of(exc)
        state = jobs.next_state_after_failure(code, claim.attempts, self.config.max_attempts)
        log.warning("job %s attempt %d failed (%s): %s", claim.job_id, claim.attempts, code.name, st.message)
        changes: dict[str, Any] = {"state": state, "error": st}
        if state == gen_pb2.JOB_STATE_QUEUED:
            delay = jobs.retry_delay_s(claim.attempts, self.config.retry_backoff_s)
            changes["not_before_s"] = delay
            message = f"attempt {claim.attempts} failed ({code.name}); retrying in {delay:.0f} s"
        elif state == gen_pb2.JOB_STATE_DEAD_LETTER:
            message = f"failed on all {claim.attempts} attempts ({code.name}): {st.message}"
        else:
            message = f"failed ({code.name}): {st.message}"
        with contextlib.suppress(LeaseLost):
            await emit(gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED, message, **changes)
        return state

    async def _heartbeat(self, worker_id: str, claim: Claim, task: asyncio.Task[Any]) -> None:
        while not task.done():
            await asyncio.sleep(self.config.lease_s / 3)
            try:
                await self.store.heartbeat(claim.job_id, worker_id, self.config.lease_s)
            except LeaseLost:
                task.cancel()
                return
            except Exception as exc:
                log.warning("heartbeat of %s failed: %s", claim.job_id, exc)
