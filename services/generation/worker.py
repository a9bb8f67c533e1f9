"""Workers: claim queued jobs, run their pipeline under a lease, and settle the outcome.

Each worker loops: claim a job (``FOR UPDATE SKIP LOCKED``), run :class:`Pipeline` while a
heartbeat extends the lease every third of its length, then record SUCCEEDED, BLOCKED, or the
failure: another attempt after an exponential backoff when the error is transient and attempts
remain, DEAD_LETTER when they do not, FAILED when the error is not transient. A cancelled job's
lease is lost at the next heartbeat or event, and the worker drops it.

An outbox relay publishes to NATS any event whose publication a crash interrupted.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from typing import Any

import grpc
from google.rpc import status_pb2
from grpc_status import rpc_status

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation import jobs
from services.generation.adapters.events import EventBus
from services.generation.adapters.store import Claim, JobStore, LeaseLost
from services.generation.config import GenerationConfig
from services.generation.pipeline import JobEnded, Pipeline
from services.mesh.errors import DrishyaError, internal_status_proto, to_status_proto

log = logging.getLogger(__name__)
DOMAIN = "generation.drishya"


def status_of(exc: BaseException) -> tuple[grpc.StatusCode, status_pb2.Status]:
    """The gRPC code and full ``google.rpc.Status`` of a stage failure."""
    if isinstance(exc, grpc.aio.AioRpcError):
        st = rpc_status.from_call(exc)  # type: ignore[arg-type]
        if st is None:
            st = status_pb2.Status(code=exc.code().value[0], message=exc.details() or "")
        return exc.code(), st
    if isinstance(exc, DrishyaError):
        return exc.code, to_status_proto(exc, DOMAIN)
    return grpc.StatusCode.INTERNAL, internal_status_proto(exc, DOMAIN)


class Workers:
    """``config.workers`` concurrent workers plus the outbox relay.

    Args:
        store: the job store.
        bus: the event bus.
        pipeline: runs a claimed job's stages.
        config: attempts, lease and backoff settings.
    """

    def __init__(self, store: JobStore, bus: EventBus, pipeline: Pipeline, config: GenerationConfig) -> None:
        self.store = store
        self.bus = bus
        self.pipeline = pipeline
        self.config = config
        self.wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    def start(self) -> None:
        """Start the worker loops and the relay as tasks on the running loop."""
        for n in range(self.config.workers):
            self._tasks.append(asyncio.create_task(self._loop(f"{self._id}-{n}"), name=f"worker-{n}"))
        self._tasks.append(asyncio.create_task(self._relay(), name="outbox-relay"))

    async def stop(self) -> None:
        """Cancel the loops; a job in flight keeps its stored progress and is resumed after its lease."""
        for t in self._tasks:
            t.cancel()
        for t in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await t
        self._tasks.clear()

    async def publish(self, events: list[gen_pb2.JobEvent]) -> None:
        """Publish recorded events to NATS and mark them; the relay retries what fails here."""
        try:
            for e in events:
                await self.bus.publish(e)
            await self.store.mark_published(events)
        except Exception as exc:  # NATS down: the outbox keeps them
            log.warning("event publication deferred: %s", exc)

    async def _loop(self, worker_id: str) -> None:
        while True:
            try:
                claimed = await self.store.claim(worker_id, self.config.lease_s)
            except Exception as exc:
                log.warning("claim failed: %s", exc)
                claimed = None
            if claimed is None:
                self.wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)
                continue
            claim, event = claimed
            await self.publish([event])
            await self._run(worker_id, claim)

    async def _run(self, worker_id: str, claim: Claim) -> None:
        async def emit(type_: gen_pb2.JobEventType, message: str, **changes: Any) -> gen_pb2.JobEvent:
            event = await self.store.emit(claim.job_id, worker_id, type_, message, **changes)
            await self.publish([event])
            return event

        task = asyncio.create_task(self.pipeline.run(claim, emit))
        beat = asyncio.create_task(self._heartbeat(worker_id, claim, task))
        try:
            result = await task
            await emit(
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "video ready",
                state=gen_pb2.JOB_STATE_SUCCEEDED,
                progress=1.0,
                result=result,
            )
        except (JobEnded, LeaseLost, asyncio.CancelledError) as exc:
            me = asyncio.current_task()
            if isinstance(exc, asyncio.CancelledError) and me is not None and me.cancelling():
                raise  # the worker itself is stopping; the lease lapses and another worker resumes
            log.info("job %s stopped: %s", claim.job_id, type(exc).__name__)
        except Exception as exc:
            await self._settle_failure(worker_id, claim, exc, emit)
        finally:
            beat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beat

    async def _settle_failure(self, worker_id: str, claim: Claim, exc: BaseException, emit: Any) -> None:
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

    async def _relay(self) -> None:
        while True:
            await asyncio.sleep(1.0)
            try:
                pending = await self.store.unpublished(older_than_s=2.0)
                if pending:
                    await self.publish(pending)
            except Exception as exc:
                log.warning("outbox relay: %s", exc)
