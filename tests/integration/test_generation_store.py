"""The job store on a real PostgreSQL: idempotency, paging, SKIP LOCKED claims, events, cancel, retry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable

import pytest
import pytest_asyncio

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation.adapters.store import JobStore, LeaseLost
from services.mesh.db import create_engine
from services.mesh.errors import FailedPrecondition, NotFound, ResourceExhausted

TEXT = "వర్షం పడుతుండగా ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది."


@pytest_asyncio.fixture(scope="module")
async def store(make_database: Callable[[str], str]) -> AsyncIterator[JobStore]:
    engine = create_engine(make_database("store"))
    s = JobStore(engine)
    await s.migrate()
    yield s
    await engine.dispose()


async def _create(
    store: JobStore, owner: str, request_id: str = "", text: str = TEXT, limit: int = 50
) -> tuple[gen_pb2.Job, bool]:
    job, dedup, _ = await store.create(
        owner_id=owner,
        request_id=request_id,
        text=text,
        options=gen_pb2.JobOptions(),
        language_code="te",
        detection=b"",
        max_queued=limit,
    )
    return job, dedup


async def test_create_is_idempotent_per_owner(store: JobStore) -> None:
    owner = f"o-{uuid.uuid4()}"
    first, dedup1 = await _create(store, owner, "req-1")
    again, dedup2 = await _create(store, owner, "req-1")
    other, _ = await _create(store, f"o-{uuid.uuid4()}", "req-1")
    assert (dedup1, dedup2) == (False, True)
    assert again.job_id == first.job_id
    assert other.job_id != first.job_id
    assert first.state == gen_pb2.JOB_STATE_QUEUED
    assert first.last_event_sequence == 1
    with pytest.raises(FailedPrecondition) as err:
        await _create(store, owner, "req-1", text=TEXT + " మళ్ళీ")
    assert err.value.reason == "IDEMPOTENCY_KEY_REUSED"


async def test_concurrent_creates_with_one_request_id_make_one_job(store: JobStore) -> None:
    owner = f"o-{uuid.uuid4()}"
    results = await asyncio.gather(*(_create(store, owner, "same") for _ in range(5)))
    assert len({job.job_id for job, _ in results}) == 1
    assert sum(not dedup for _, dedup in results) == 1


async def test_admission_limit(store: JobStore) -> None:
    owner = f"o-{uuid.uuid4()}"
    await _create(store, owner, limit=1)
    with pytest.raises(ResourceExhausted) as err:
        await _create(store, owner, limit=1)
    assert err.value.reason == "TOO_MANY_ACTIVE_JOBS"
    assert err.value.retry_after_s is not None


async def test_get_is_owner_scoped_and_list_pages(store: JobStore) -> None:
    owner = f"o-{uuid.uuid4()}"
    made = [(await _create(store, owner))[0].job_id for _ in range(5)]
    with pytest.raises(NotFound):
        await store.get(made[0], "someone-else")
    seen: list[str] = []
    token = ""
    while True:
        page, token = await store.list_jobs(owner, 2, token)
        seen += [j.job_id for j in page]
        if not token:
            break
    assert seen == list(reversed(made))


async def test_skip_locked_claims_never_overlap(store: JobStore) -> None:
    owner = f"o-{uuid.uuid4()}"
    made = {(await _create(store, owner))[0].job_id for _ in range(4)}
    claims = await asyncio.gather(*(store.claim(f"w{i}", 60) for i in range(8)))
    ours = [c for c in claims if c is not None and str(c[0].job_id) in made]
    assert len({str(c[0].job_id) for c in ours}) == len(ours)
    for claim, event in ours:
        assert event.state == gen_pb2.JOB_STATE_RUNNING
        assert claim.attempts == 1


async def test_events_are_gap_free_and_cancel_loses_the_lease(store: JobStore) -> None:
    owner = f"o-{uuid.uuid4()}"
    job, _ = await _create(store, owner, text=TEXT + " " + uuid.uuid4().hex, limit=1000)
    # Drain other tests' claimable jobs until ours is claimed.
    while True:
        claimed = await store.claim("w-events", 60)
        assert claimed is not None
        if str(claimed[0].job_id) == job.job_id:
            break
    jid = claimed[0].job_id
    await store.emit(jid, "w-events", gen_pb2.JOB_EVENT_TYPE_STAGE_STARTED, "x", stage=gen_pb2.STAGE_TRANSLATE)
    with pytest.raises(LeaseLost):
        await store.emit(jid, "another-worker", gen_pb2.JOB_EVENT_TYPE_STAGE_STARTED, "y")
    cancelled, _, held = await store.cancel(job.job_id, owner)
    assert held  # w-events holds a live lease: it clears the job's files when it stops
    assert cancelled.state == gen_pb2.JOB_STATE_CANCELLED
    with pytest.raises(LeaseLost):
        await store.heartbeat(jid, "w-events", 60)
    events = await store.events(jid, 0)
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[-1].state == gen_pb2.JOB_STATE_CANCELLED
    with pytest.raises(FailedPrecondition):
        await store.cancel(job.job_id, owner)
