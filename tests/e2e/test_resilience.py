"""A worker that dies mid-render loses nothing; a job that keeps failing goes to the dead-letter queue.

Each test runs its own generation server on a fresh database (so no other worker takes its jobs),
against the session mesh's other services, real PostgreSQL and real NATS JetStream.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

import grpc
import pytest

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as svc_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as svc_grpc
from services.cli.local import LocalMesh
from services.generation.config import GenerationConfig
from services.generation.server import create_server
from services.mesh.channels import channel
from services.mesh.infra import InfraUrls, free_port
from services.mesh.server import MeshServer

pytestmark = pytest.mark.e2e
SCENE = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది."
OWNER = "resilience-owner"


def _config(mesh: LocalMesh) -> GenerationConfig:
    addr = {s.name: f"127.0.0.1:{s.port}" for s in mesh.servers}
    return GenerationConfig(
        port=0,
        media_root=mesh.media_root,
        language_addr=addr["language"],
        analysis_addr=addr["analysis"],
        prompt_addr=addr["prompt"],
        moderation_addr=addr["moderation"],
        delivery_addr=addr["delivery"],
        lease_s=3,
        retry_backoff_s=0.0,
        rpc_deadline_s=30.0,
    )


async def _watch(
    server: MeshServer, job_id: str, after: int = 0, until: Callable[[gen_pb2.JobEvent], bool] | None = None
) -> list[gen_pb2.JobEvent]:
    events: list[gen_pb2.JobEvent] = []
    async with channel(f"127.0.0.1:{server.port}") as ch:
        stream = svc_grpc.GenerationServiceStub(ch).WatchJob(
            svc_pb2.WatchJobRequest(owner_id=OWNER, job_id=job_id, after_sequence=after), timeout=300
        )
        async for resp in stream:
            events.append(resp.event)
            if until is not None and until(resp.event):
                stream.cancel()
                break
    return events


async def _create(server: MeshServer) -> str:
    async with channel(f"127.0.0.1:{server.port}") as ch:
        resp = await svc_grpc.GenerationServiceStub(ch).CreateJob(
            svc_pb2.CreateJobRequest(owner_id=OWNER, request_id=str(uuid.uuid4()), text=SCENE), timeout=30
        )
    return resp.job.job_id


async def test_a_worker_that_dies_mid_render_is_resumed_at_the_first_unfinished_shot(
    mesh: LocalMesh,
    infra: InfraUrls,
    make_database: Callable[[str], str],
) -> None:
    db = make_database("resume")
    first = await create_server(_config(mesh), database_url=db, nats_url=infra.nats_url)
    job_id = await _create(first)
    before = await _watch(first, job_id, until=lambda e: e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED)
    await first.stop(0)  # stopped mid-render: the lease is released at once, the stored progress stays

    second = await create_server(_config(mesh), database_url=db, nats_url=infra.nats_url)
    try:
        after = await _watch(second, job_id, after=before[-1].sequence)
    finally:
        await second.stop(1)
    events = before + after
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert after[-1].state == gen_pb2.JOB_STATE_SUCCEEDED, after[-1]
    resumed = next(i for i, e in enumerate(after) if e.message == "attempt 2 started")
    restarted = {e.stage for e in after[resumed:] if e.type == gen_pb2.JOB_EVENT_TYPE_STAGE_STARTED}
    assert restarted == {
        gen_pb2.STAGE_RENDER,
        gen_pb2.STAGE_ASSEMBLE,
        gen_pb2.STAGE_MODERATE_VIDEO,
        gen_pb2.STAGE_PUBLISH,
    }
    shots_before = {e.shot_index for e in before if e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED}
    shots_after = [e.shot_index for e in after if e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED]
    assert shots_before == {0}
    assert 0 not in shots_after  # the checkpointed shot was not rendered again
    assert shots_before | set(shots_after) == set(range(after[-1].shot_count))


async def test_shots_drawn_in_parallel_resume_without_redrawing_a_finished_shot(
    mesh: LocalMesh,
    infra: InfraUrls,
    make_database: Callable[[str], str],
) -> None:
    """Two render processes draw two shots at once; stopped at the first finished shot, the job
    resumes with only the unfinished ones, and the shots' progress never goes back."""
    db = make_database("parallel")
    config = replace(_config(mesh), render_processes=2)
    first = await create_server(config, database_url=db, nats_url=infra.nats_url)
    job_id = await _create(first)
    before = await _watch(first, job_id, until=lambda e: e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED)
    await first.stop(0)
    second = await create_server(config, database_url=db, nats_url=infra.nats_url)
    try:
        after = await _watch(second, job_id, after=before[-1].sequence)
    finally:
        await second.stop(1)
    assert after[-1].state == gen_pb2.JOB_STATE_SUCCEEDED, after[-1]
    done_before = {e.shot_index for e in before if e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED}
    resumed = next(i for i, e in enumerate(after) if e.message == "attempt 2 started")
    redone = [e.shot_index for e in after[resumed:] if e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED]
    assert len(done_before) == 1 and not done_before & set(redone)
    assert done_before | set(redone) == set(range(after[-1].shot_count))
    shot_events = (gen_pb2.JOB_EVENT_TYPE_SHOT_PROGRESS, gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED)
    progress = [e.progress for e in after[resumed:] if e.type in shot_events]
    assert progress == sorted(progress) and progress[-1] == max(e.progress for e in after if e.type in shot_events)


async def test_a_job_failing_on_every_attempt_is_dead_lettered_with_its_status_and_can_be_retried(
    mesh: LocalMesh,
    infra: InfraUrls,
    make_database: Callable[[str], str],
) -> None:
    nobody = f"127.0.0.1:{free_port()}"  # moderation is down: nothing listens here
    config = replace(_config(mesh), moderation_addr=nobody, max_attempts=2, rpc_deadline_s=1.0)
    server = await create_server(config, database_url=make_database("deadletter"), nats_url=infra.nats_url)
    try:
        job_id = await _create(server)
        events = await _watch(server, job_id)
        assert events[-1].state == gen_pb2.JOB_STATE_DEAD_LETTER
        assert events[-1].error.code in (
            grpc.StatusCode.UNAVAILABLE.value[0],
            grpc.StatusCode.DEADLINE_EXCEEDED.value[0],
        )
        attempts = [
            e.message
            for e in events
            if e.state == gen_pb2.JOB_STATE_RUNNING and e.type == gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED
        ]
        assert attempts == ["attempt 1 started", "attempt 2 started"]
        tail = await _watch(server, job_id, after=events[-3].sequence)
        assert [e.sequence for e in tail] == [events[-2].sequence, events[-1].sequence]
        async with channel(f"127.0.0.1:{server.port}") as ch:
            stub = svc_grpc.GenerationServiceStub(ch)
            job = (await stub.GetJob(svc_pb2.GetJobRequest(owner_id=OWNER, job_id=job_id), timeout=10)).job
            assert (job.state, job.attempts) == (gen_pb2.JOB_STATE_DEAD_LETTER, 2)
            assert job.error.code == events[-1].error.code
            retried = (await stub.RetryJob(svc_pb2.RetryJobRequest(owner_id=OWNER, job_id=job_id), timeout=10)).job
            assert retried.state == gen_pb2.JOB_STATE_QUEUED
            cancelled = (await stub.CancelJob(svc_pb2.CancelJobRequest(owner_id=OWNER, job_id=job_id), timeout=10)).job
            assert cancelled.state == gen_pb2.JOB_STATE_CANCELLED
    finally:
        await server.stop(1)
