"""Backoff with jitter, the supervisor's restart policy, the outbox relay and the worker loop's survival."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.cli.supervisor import RestartPolicy
from services.generation.adapters.store import Claim
from services.generation.config import GenerationConfig
from services.generation.worker import OutboxRelay, Workers, is_infrastructure_error
from services.mesh.backoff import Backoff


def test_backoff_draws_full_jitter_under_a_doubling_capped_ceiling() -> None:
    b = Backoff(base_s=0.5, cap_s=4.0, floor_s=0.01, rng=random.Random(7))
    assert [b.ceiling(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    delays = [b.next_delay() for _ in range(200)]
    assert all(0.01 <= d <= 4.0 for d in delays)
    assert b.failures == 200
    assert len({round(d, 6) for d in delays}) > 150  # jitter: not lockstep
    b.reset()
    assert b.failures == 0 and b.next_delay() <= 0.5


def test_restart_policy_doubles_for_early_exits_and_forgives_a_stable_run() -> None:
    p = RestartPolicy(base_s=0.5, cap_s=10.0, stable_after_s=10.0)
    failures, delays = 0, []
    for _ in range(7):
        failures = p.failures_after(failures, uptime_s=1.0)
        delays.append(p.delay(failures))
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert p.failures_after(failures, uptime_s=60.0) == 1


def _event(n: int, job: str = "00000000-0000-0000-0000-000000000001") -> gen_pb2.JobEvent:
    return gen_pb2.JobEvent(job_id=job, sequence=n)


class FakeBus:
    """The event bus at its boundary: up or down, keeping what it acknowledged."""

    def __init__(self) -> None:
        self.up = False
        self.stored: list[int] = []

    @property
    def connected(self) -> bool:
        return self.up

    async def publish(self, event: gen_pb2.JobEvent) -> None:
        if not self.up:
            raise ConnectionError("nats down")
        self.stored.append(event.sequence)


class FakeOutbox:
    """The outbox at its boundary: committed events and the published flag."""

    def __init__(self, events: Iterable[gen_pb2.JobEvent]) -> None:
        self.rows = {e.sequence: (e, False) for e in events}

    async def unpublished(self, older_than_s: float, limit: int = 500) -> list[gen_pb2.JobEvent]:
        return [e for e, done in sorted(self.rows.values(), key=lambda r: r[0].sequence) if not done][:limit]

    async def mark_published(self, events: list[gen_pb2.JobEvent]) -> None:
        for e in events:
            self.rows[e.sequence] = (e, True)


async def test_relay_never_blocks_the_caller_and_publishes_everything_once_nats_is_back() -> None:
    events = [_event(n) for n in range(1, 6)]
    bus, outbox = FakeBus(), FakeOutbox(events)
    relay = OutboxRelay(outbox, bus, sweep_s=0.01, sweep_after_s=0.0, backoff=Backoff(base_s=0.01, cap_s=0.02))
    task = asyncio.create_task(relay.run())
    try:
        relay.offer(events)  # returns at once although NATS is down
        for _ in range(20):
            await asyncio.sleep(0.01)
        assert bus.stored == [] and len(await outbox.unpublished(0)) == 5
        bus.up = True
        for _ in range(500):
            if not await outbox.unpublished(0):
                break
            await asyncio.sleep(0.01)
        assert bus.stored == [1, 2, 3, 4, 5]
        assert await outbox.unpublished(0) == []
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_database_connection_errors_are_infrastructure_not_job_failures() -> None:
    lost = sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    assert is_infrastructure_error(lost)
    assert is_infrastructure_error(ConnectionRefusedError())
    bad_sql = sqlalchemy.exc.ProgrammingError("SELEC", {}, Exception("syntax error"))
    assert not is_infrastructure_error(bad_sql)
    assert not is_infrastructure_error(ValueError("a bug"))


class FlakyStore:
    """A job store whose database is down for the first ``down`` claims, then has no work."""

    def __init__(self, down: int) -> None:
        self.down = down
        self.claims = 0
        self.released: list[uuid.UUID] = []

    async def claim(self, worker_id: str, lease_s: int) -> Any:
        self.claims += 1
        if self.claims <= self.down:
            raise sqlalchemy.exc.OperationalError("SELECT", {}, Exception("connection refused"))
        return None


def _workers(store: Any) -> Workers:
    config = GenerationConfig(
        port=0,
        media_root=Path("/nonexistent"),
        language_addr="",
        analysis_addr="",
        prompt_addr="",
        moderation_addr="",
        delivery_addr="",
        workers=1,
        lease_s=3,
    )
    relay = OutboxRelay(FakeOutbox([]), FakeBus())
    return Workers(store, relay, pipeline=None, config=config)  # type: ignore[arg-type]


async def test_a_worker_loop_outlives_database_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    import services.generation.worker as worker_module

    store = FlakyStore(down=3)
    workers = _workers(store)
    monkeypatch.setattr(workers, "_idle", lambda seconds: asyncio.sleep(0))
    monkeypatch.setattr(worker_module, "Backoff", lambda **kw: Backoff(base_s=0.001, cap_s=0.002, floor_s=0.0))
    try:
        workers.start()
        for _ in range(1000):
            if store.claims > 5:
                break
            await asyncio.sleep(0.001)
        assert store.claims > 5  # it kept claiming after three database errors
        assert all(not t.done() for t in workers._tasks)
    finally:
        await workers.stop()


@pytest.mark.parametrize("rounds", [20])
async def test_stop_ends_the_loop_even_when_a_wake_up_and_the_stop_coincide(rounds: int) -> None:
    # On Python 3.11, asyncio.wait_for swallows a cancellation that arrives in the loop iteration
    # in which the awaited event fires (CPython gh-86296); stop() then waited forever.
    for _ in range(rounds):
        workers = _workers(FlakyStore(down=0))
        workers.start()
        tasks = list(workers._tasks)
        await asyncio.sleep(0.01)  # the loop now waits for work
        workers.wake.set()
        await asyncio.sleep(0)  # the event's waiter completes; the loop has not resumed yet
        async with asyncio.timeout(30):  # a hang fails the test instead of stalling the suite
            await workers.stop()
        assert all(t.done() for t in tasks)  # ended, not left behind by stop()'s own time limit


class HeldJobStore(FlakyStore):
    """A job store that hands out one job, then none, and records releases."""

    def __init__(self) -> None:
        super().__init__(down=0)
        self.job_id = uuid.uuid4()

    async def claim(self, worker_id: str, lease_s: int) -> Any:
        self.claims += 1
        if self.claims > 1:
            return None
        claim = Claim(self.job_id, "text", gen_pb2.JobOptions(), "te", b"", 1)
        return claim, _event(1, str(self.job_id))

    async def heartbeat(self, job_id: uuid.UUID, worker_id: str, lease_s: int) -> None:
        return None

    async def release(self, job_id: uuid.UUID, worker_id: str) -> None:
        self.released.append(job_id)


class EndlessPipeline:
    """A pipeline whose job never ends on its own."""

    def __init__(self) -> None:
        self.running = asyncio.Event()

    async def run(self, claim: Claim, emit: Any) -> gen_pb2.JobResult:
        self.running.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


async def test_a_worker_that_stops_cleanly_releases_the_lease_of_its_job_at_once() -> None:
    store, pipeline = HeldJobStore(), EndlessPipeline()
    workers = _workers(store)
    workers.pipeline = pipeline  # type: ignore[assignment]
    workers.start()
    async with asyncio.timeout(30):
        await pipeline.running.wait()
        await workers.stop()
    assert store.released == [store.job_id]
