"""The gateway over real HTTP (uvicorn on a free port) against a fake generation service and real PostgreSQL.

The fake is a real ``grpc.aio`` server built with ``services.mesh.server.build_server`` (so its
errors travel as rich ``google.rpc.Status``), keeping jobs in memory and replaying a canned
sequence of five events on WatchJob.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
import pytest_asyncio
from google.protobuf import timestamp_pb2
from grpc_health.v1 import health_pb2
from sqlalchemy.ext.asyncio import AsyncEngine

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as gs_grpc
from services.gateway import signing
from services.gateway.app import GENERATION_SERVICE, create_app
from services.gateway.config import GatewayConfig
from services.gateway.keys import create_api_key, migrate_gateway, revoke_api_key
from services.gateway.server import create_server
from services.mesh.db import create_engine
from services.mesh.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
)
from services.mesh.infra import InfraUrls, free_port
from services.mesh.server import MeshServer, build_server

RATE_LIMITED_TEXT = "please rate limit this scene"
MEDIA_SECRET = b"media-signing-secret-for-tests-0"


def _now() -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.GetCurrentTime()
    return ts


@dataclass
class FakeGeneration(gs_grpc.GenerationServiceServicer):  # type: ignore[misc]
    """In-memory GenerationService: owner checks, idempotency, a canned event sequence."""

    jobs: dict[str, tuple[str, gen_pb2.Job]] = field(default_factory=dict)
    by_request: dict[tuple[str, str], str] = field(default_factory=dict)
    created: list[gs_pb2.CreateJobRequest] = field(default_factory=list)
    watch_requests: list[gs_pb2.WatchJobRequest] = field(default_factory=list)
    watch_time_remaining: list[float | None] = field(default_factory=list)
    #: jobs whose WatchJob waits this long (s) before its first event
    slow: dict[str, float] = field(default_factory=dict)
    #: jobs whose WatchJob stays open after the canned events, until cancelled
    live: set[str] = field(default_factory=set)
    watch_cancelled: dict[str, asyncio.Event] = field(default_factory=dict)
    #: jobs that disappear when WatchJob is called (to fail the stream after GetJob succeeded)
    vanish: set[str] = field(default_factory=set)

    def _owned(self, owner_id: str, job_id: str) -> gen_pb2.Job:
        try:
            uuid.UUID(job_id)
        except ValueError:
            raise InvalidArgument(
                f"job id {job_id!r} is not a UUID",
                reason="INVALID_JOB_ID",
                violations=[FieldViolation("job_id", "must be a UUID")],
            ) from None
        entry = self.jobs.get(job_id)
        if entry is None or entry[0] != owner_id:
            raise NotFound(f"job {job_id} not found", reason="JOB_NOT_FOUND", metadata={"job_id": job_id})
        return entry[1]

    def add_job(self, owner_id: str, text: str = "a quiet village street at dusk", **fields: Any) -> gen_pb2.Job:
        fields.setdefault("state", gen_pb2.JOB_STATE_QUEUED)
        job = gen_pb2.Job(
            job_id=str(uuid.uuid4()), text=text, attempts=0, create_time=_now(), update_time=_now(), **fields
        )
        self.jobs[job.job_id] = (owner_id, job)
        return job

    def events(self, job_id: str) -> list[gen_pb2.JobEvent]:
        result = gen_pb2.JobResult(
            mp4_key=f"jobs/{job_id}/video.mp4",
            hls_master_key=f"jobs/{job_id}/hls/master.m3u8",
            poster_key=f"jobs/{job_id}/poster.jpg",
            duration_ms=6000,
        )
        specs = [
            (gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED, gen_pb2.JOB_STATE_RUNNING, gen_pb2.STAGE_UNSPECIFIED, 0.0),
            (gen_pb2.JOB_EVENT_TYPE_STAGE_STARTED, gen_pb2.JOB_STATE_RUNNING, gen_pb2.STAGE_MODERATE_TEXT, 0.02),
            (gen_pb2.JOB_EVENT_TYPE_STAGE_COMPLETED, gen_pb2.JOB_STATE_RUNNING, gen_pb2.STAGE_MODERATE_TEXT, 0.05),
            (gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED, gen_pb2.JOB_STATE_RUNNING, gen_pb2.STAGE_RENDER, 0.6),
            (gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED, gen_pb2.JOB_STATE_SUCCEEDED, gen_pb2.STAGE_PUBLISH, 1.0),
        ]
        out = []
        for seq, (etype, state, stage, progress) in enumerate(specs, start=1):
            ev = gen_pb2.JobEvent(
                job_id=job_id,
                sequence=seq,
                time=_now(),
                type=etype,
                state=state,
                stage=stage,
                progress=progress,
                message=f"event {seq}",
                shot_count=2,
            )
            if etype == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED:
                ev.shot_index = 1
            if state == gen_pb2.JOB_STATE_SUCCEEDED:
                ev.result.CopyFrom(result)
            out.append(ev)
        return out

    async def CreateJob(self, request: gs_pb2.CreateJobRequest, context: Any) -> gs_pb2.CreateJobResponse:
        self.created.append(request)
        n = len(request.text)
        if n < 10:
            raise InvalidArgument(
                f"text has {n} characters; at least 10 are needed",
                reason="TEXT_TOO_SHORT",
                metadata={"min": "10"},
                violations=[FieldViolation("text", "at least 10 characters")],
            )
        if n > 2000:
            raise InvalidArgument(f"text has {n} characters", reason="TEXT_TOO_LONG")
        if request.text == RATE_LIMITED_TEXT:
            raise ResourceExhausted("too many jobs", reason="TOO_MANY_ACTIVE_JOBS", retry_after_s=6.2)
        if request.request_id:
            existing = self.by_request.get((request.owner_id, request.request_id))
            if existing is not None:
                job = self.jobs[existing][1]
                if job.text != request.text:
                    raise FailedPrecondition(
                        "request id reused with a different text",
                        reason="IDEMPOTENCY_KEY_REUSED",
                        metadata={"job_id": existing},
                    )
                return gs_pb2.CreateJobResponse(job=job, deduplicated=True)
        job = self.add_job(request.owner_id, request.text, options=request.options)
        if request.request_id:
            self.by_request[(request.owner_id, request.request_id)] = job.job_id
        return gs_pb2.CreateJobResponse(job=job, deduplicated=False)

    async def GetJob(self, request: gs_pb2.GetJobRequest, context: Any) -> gs_pb2.GetJobResponse:
        return gs_pb2.GetJobResponse(job=self._owned(request.owner_id, request.job_id))

    async def GetReleaseStates(
        self, request: gs_pb2.GetReleaseStatesRequest, context: Any
    ) -> gs_pb2.GetReleaseStatesResponse:
        released = {
            j.job_id for _, j in self.jobs.values() if j.state == gen_pb2.JOB_STATE_SUCCEEDED and not j.taken_down
        }
        return gs_pb2.GetReleaseStatesResponse(released_job_ids=[i for i in request.job_ids if i in released])

    async def ListJobs(self, request: gs_pb2.ListJobsRequest, context: Any) -> gs_pb2.ListJobsResponse:
        size = request.page_size or 20
        if not 1 <= size <= 100:
            raise InvalidArgument("page_size must be 1..100", reason="INVALID_PAGE_SIZE")
        mine = [j for owner, j in reversed(list(self.jobs.values())) if owner == request.owner_id]
        start = int(request.page_token or 0)
        page = mine[start : start + size]
        nxt = str(start + size) if start + size < len(mine) else ""
        return gs_pb2.ListJobsResponse(jobs=page, next_page_token=nxt)

    async def CancelJob(self, request: gs_pb2.CancelJobRequest, context: Any) -> gs_pb2.CancelJobResponse:
        job = self._owned(request.owner_id, request.job_id)
        if job.state not in (gen_pb2.JOB_STATE_QUEUED, gen_pb2.JOB_STATE_RUNNING):
            raise FailedPrecondition("the job has ended", reason="JOB_NOT_CANCELLABLE")
        job.state = gen_pb2.JOB_STATE_CANCELLED
        return gs_pb2.CancelJobResponse(job=job)

    async def RetryJob(self, request: gs_pb2.RetryJobRequest, context: Any) -> gs_pb2.RetryJobResponse:
        job = self._owned(request.owner_id, request.job_id)
        if job.state not in (gen_pb2.JOB_STATE_FAILED, gen_pb2.JOB_STATE_DEAD_LETTER):
            raise FailedPrecondition("only failed jobs can be retried", reason="JOB_NOT_RETRYABLE")
        job.state = gen_pb2.JOB_STATE_QUEUED
        job.ClearField("error")
        return gs_pb2.RetryJobResponse(job=job)

    async def WatchJob(self, request: gs_pb2.WatchJobRequest, context: Any) -> AsyncIterator[gs_pb2.WatchJobResponse]:
        if request.job_id in self.vanish:
            self.jobs.pop(request.job_id, None)
        self._owned(request.owner_id, request.job_id)
        self.watch_requests.append(request)
        self.watch_time_remaining.append(context.time_remaining())
        try:
            if request.job_id in self.slow:
                await asyncio.sleep(self.slow[request.job_id])
            for ev in self.events(request.job_id):
                if ev.sequence > request.after_sequence:
                    yield gs_pb2.WatchJobResponse(event=ev)
                    await asyncio.sleep(0.01)
            if request.job_id in self.live:
                await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.watch_cancelled.setdefault(request.job_id, asyncio.Event()).set()
            raise


@dataclass
class Env:
    base: str
    fake: FakeGeneration
    gen_server: MeshServer
    key_id: str
    secret: str
    engine: AsyncEngine
    media_root: Path

    def client(self, secret: str | None = "") -> httpx.AsyncClient:
        token = self.secret if secret == "" else secret
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base, headers=headers, timeout=10.0)


@pytest_asyncio.fixture(scope="module")
async def env(infra: InfraUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    fake = FakeGeneration()
    gen_server = await build_server(
        "generation",
        port=0,
        register=lambda s: gs_grpc.add_GenerationServiceServicer_to_server(fake, s),
        service_names=[GENERATION_SERVICE],
    )
    media_root = tmp_path_factory.mktemp("gateway-media")
    config = GatewayConfig(
        port=free_port(),
        generation_addr=f"127.0.0.1:{gen_server.port}",
        media_root=media_root,
        sse_keepalive_s=0.3,
        unary_deadline_s=5.0,
        media_secret=MEDIA_SECRET,
        auth_cache_s=0.0,  # revocation is checked on the very next request below
    )
    server = create_server(config, database_url=infra.database_url, log_level="warning")
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started or task.done():
            break
        await asyncio.sleep(0.05)
    assert server.started, "uvicorn did not start"
    engine = create_engine(infra.database_url)
    await migrate_gateway(engine)
    key_id, secret = await create_api_key(engine, "gateway tests")
    try:
        yield Env(f"http://127.0.0.1:{config.port}", fake, gen_server, key_id, secret, engine, media_root)
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
        await gen_server.stop(0.5)
        await engine.dispose()


def _problem(resp: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["status"] == status
    assert body["reason"] == reason, body
    assert body["type"] == "about:blank" and body["title"] and isinstance(body["violations"], list)
    return body


async def _sse(resp: httpx.Response) -> AsyncIterator[dict[str, str]]:
    """Parse a text/event-stream into dicts of fields; comments come as {"comment": ...}."""
    fields: dict[str, str] = {}
    async for line in resp.aiter_lines():
        if line == "":
            if fields:
                yield fields
            fields = {}
        elif line.startswith(":"):
            yield {"comment": line[1:].strip()}
        else:
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


async def _collect(env: Env, path: str, headers: dict[str, str] | None = None) -> list[dict[str, str]]:
    async with env.client() as c, c.stream("GET", path, headers=headers) as resp:
        assert resp.status_code == 200
        return [f async for f in _sse(resp) if "event" in f]


# --- jobs ----------------------------------------------------------------------------------------


async def test_create_job_then_idempotent_replay(env: Env) -> None:
    body = {"text": "ek ladki baarish mein naach rahi hai", "options": {"language_code": "hi", "priority": 7}}
    key = f"req-{uuid.uuid4()}"
    async with env.client() as c:
        first = await c.post("/v1/jobs", json=body, headers={"Idempotency-Key": key})
        assert first.status_code == 201, first.text
        job = first.json()
        assert first.headers["location"] == f"/v1/jobs/{job['job_id']}"
        assert "idempotent-replayed" not in first.headers
        assert job["state"] == "JOB_STATE_QUEUED" and job["text"] == body["text"]
        assert job["options"]["language_code"] == "hi" and job["options"]["priority"] == 7
        assert job["last_event_sequence"] == 0 and "result" not in job
        sent = env.fake.created[-1]
        assert sent.owner_id == env.key_id and sent.request_id == key and sent.options.priority == 7

        again = await c.post("/v1/jobs", json=body, headers={"Idempotency-Key": key})
        assert again.status_code == 200
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["job_id"] == job["job_id"]

        fresh = await c.post("/v1/jobs", json=body)
        assert fresh.status_code == 201 and fresh.json()["job_id"] != job["job_id"]
        assert env.fake.created[-1].request_id == ""

        reused = await c.post("/v1/jobs", json={"text": "a different scene entirely"}, headers={"Idempotency-Key": key})
        problem = _problem(reused, 409, "IDEMPOTENCY_KEY_REUSED")
        assert problem["metadata"]["job_id"] == job["job_id"]


async def test_missing_wrong_and_revoked_keys_are_401(env: Env) -> None:
    body = {"text": "a boat on a calm river"}
    async with env.client(secret=None) as c:
        resp = await c.post("/v1/jobs", json=body)
        _problem(resp, 401, "UNAUTHENTICATED")
        assert resp.headers["www-authenticate"].startswith("Bearer")
        _problem(await c.get("/v1/jobs", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401, "UNAUTHENTICATED")
    async with env.client(secret="dk_0000000000000000_not-a-real-secret-at-all") as c:
        resp = await c.get("/v1/jobs")
        _problem(resp, 401, "INVALID_API_KEY")
        assert resp.headers["www-authenticate"].startswith("Bearer")
    key_id, secret = await create_api_key(env.engine, "soon revoked")
    async with env.client(secret=secret) as c:
        assert (await c.get("/v1/jobs")).status_code == 200
        assert await revoke_api_key(env.engine, key_id)
        _problem(await c.get("/v1/jobs"), 401, "INVALID_API_KEY")


async def test_bad_bodies_are_400(env: Env) -> None:
    n_calls = len(env.fake.created)
    async with env.client() as c:
        ctype = {"Content-Type": "application/json"}
        bad_json = await c.post("/v1/jobs", content=b'{"text": "unterminated', headers=ctype)
        assert "not valid JSON" in _problem(bad_json, 400, "INVALID_JSON")["detail"]
        bad_utf8 = await c.post("/v1/jobs", content=b'{"text": "caf\xe9 \xff scene"}', headers=ctype)
        assert "UTF-8" in _problem(bad_utf8, 400, "INVALID_JSON")["detail"]
        _problem(await c.post("/v1/jobs", content=b"", headers=ctype), 400, "INVALID_JSON")
        surrogate = await c.post("/v1/jobs", content=b'{"text": "a lone \\ud800 surrogate"}', headers=ctype)
        _problem(surrogate, 400, "INVALID_JSON")

        unknown = await c.post("/v1/jobs", json={"text": "a boat on a river", "options": {"colour": "red"}})
        body = _problem(unknown, 400, "INVALID_ARGUMENT")
        assert body["violations"] == [{"field": "options.colour", "description": "unknown field"}]

        wrong = await c.post("/v1/jobs", json={"text": "a boat on a river", "options": {"priority": 12}})
        assert [v["field"] for v in _problem(wrong, 400, "INVALID_ARGUMENT")["violations"]] == ["options.priority"]
        typed = await c.post("/v1/jobs", json={"text": "a boat on a river", "options": {"disable_narration": "yes"}})
        assert [v["field"] for v in _problem(typed, 400, "INVALID_ARGUMENT")["violations"]] == [
            "options.disable_narration"
        ]
        missing = await c.post("/v1/jobs", json={"options": {}})
        assert [v["field"] for v in _problem(missing, 400, "INVALID_ARGUMENT")["violations"]] == ["text"]
        _problem(await c.post("/v1/jobs", json=["text"]), 400, "INVALID_ARGUMENT")

        long_key = await c.post("/v1/jobs", json={"text": "a boat on a river"}, headers={"Idempotency-Key": "k" * 256})
        assert [v["field"] for v in _problem(long_key, 400, "INVALID_ARGUMENT")["violations"]] == ["Idempotency-Key"]

        huge = await c.post("/v1/jobs", json={"text": "x" * 2001})
        assert _problem(huge, 400, "TEXT_TOO_LONG")["domain"] == "gateway.drishya"

        too_big = await c.post("/v1/jobs", content=b'{"text": "' + b"x" * 300_000 + b'"}', headers=ctype)
        _problem(too_big, 413, "PAYLOAD_TOO_LARGE")

        form = await c.post("/v1/jobs", data={"text": "a boat on a river"})
        _problem(form, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert len(env.fake.created) == n_calls, "invalid requests must not reach the generation service"


async def test_generation_errors_pass_through(env: Env) -> None:
    async with env.client() as c:
        short = _problem(await c.post("/v1/jobs", json={"text": "rain"}), 400, "TEXT_TOO_SHORT")
        assert short["domain"] == "gateway.drishya", "the schema's text rules are the edge's to enforce"
        assert short["violations"] == [{"field": "text", "description": "at least 10 characters"}]
        assert short["metadata"] == {"min": "10"}

        limited = await c.post("/v1/jobs", json={"text": RATE_LIMITED_TEXT})
        _problem(limited, 429, "TOO_MANY_ACTIVE_JOBS")
        assert limited.headers["retry-after"] == "7"  # RetryInfo 6.2 s, rounded up


async def test_other_owner_and_unknown_jobs_are_404(env: Env) -> None:
    theirs = env.fake.add_job("someone-else")
    async with env.client() as c:
        for path in (f"/v1/jobs/{theirs.job_id}", f"/v1/jobs/{uuid.uuid4()}"):
            body = _problem(await c.get(path), 404, "JOB_NOT_FOUND")
            assert body["domain"] == "generation.drishya"
        _problem(await c.post(f"/v1/jobs/{theirs.job_id}:cancel"), 404, "JOB_NOT_FOUND")
        _problem(await c.get(f"/v1/jobs/{theirs.job_id}/events"), 404, "JOB_NOT_FOUND")
        _problem(await c.get("/v1/jobs/not-a-uuid"), 404, "NOT_FOUND")  # job ids are UUIDs by route
        _problem(await c.get("/v1/nothing-here"), 404, "NOT_FOUND")
        _problem(await c.delete("/v1/jobs"), 405, "METHOD_NOT_ALLOWED")


async def test_get_list_cancel_retry(env: Env) -> None:
    key_id, secret = await create_api_key(env.engine, "lister")
    jobs = [env.fake.add_job(key_id, f"scene number {i} in the hills") for i in range(3)]
    async with env.client(secret=secret) as c:
        got = await c.get(f"/v1/jobs/{jobs[0].job_id}")
        assert got.status_code == 200 and got.json()["text"] == "scene number 0 in the hills"

        page1 = (await c.get("/v1/jobs", params={"page_size": 2})).json()
        assert [j["job_id"] for j in page1["jobs"]] == [jobs[2].job_id, jobs[1].job_id]
        page2 = (await c.get("/v1/jobs", params={"page_size": 2, "page_token": page1["next_page_token"]})).json()
        assert [j["job_id"] for j in page2["jobs"]] == [jobs[0].job_id] and page2["next_page_token"] == ""
        bad = _problem(await c.get("/v1/jobs", params={"page_size": 0}), 400, "INVALID_ARGUMENT")
        assert bad["violations"][0]["field"] == "page_size"

        cancelled = await c.post(f"/v1/jobs/{jobs[1].job_id}:cancel")
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "JOB_STATE_CANCELLED"
        _problem(await c.post(f"/v1/jobs/{jobs[1].job_id}:cancel"), 409, "JOB_NOT_CANCELLABLE")
        _problem(await c.post(f"/v1/jobs/{jobs[1].job_id}:retry"), 409, "JOB_NOT_RETRYABLE")

        jobs[2].state = gen_pb2.JOB_STATE_FAILED
        jobs[2].error.code = grpc.StatusCode.INTERNAL.value[0]
        jobs[2].error.message = "renderer crashed"
        failed = (await c.get(f"/v1/jobs/{jobs[2].job_id}")).json()
        assert failed["error"]["message"] == "renderer crashed"
        retried = await c.post(f"/v1/jobs/{jobs[2].job_id}:retry")
        assert retried.status_code == 200 and retried.json()["state"] == "JOB_STATE_QUEUED"


# --- events (SSE) --------------------------------------------------------------------------------


async def test_event_stream_replays_in_order(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    async with env.client() as c, c.stream("GET", f"/v1/jobs/{job.job_id}/events") as resp:
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("text/event-stream")
        assert resp.headers["cache-control"] == "no-cache" and resp.headers["x-accel-buffering"] == "no"
        events = [f async for f in _sse(resp) if "event" in f]
    ids = [int(e["id"]) for e in events]
    assert ids == [1, 2, 3, 4, 5]
    assert all(a < b for a, b in itertools.pairwise(ids))
    assert [e["event"] for e in events] == [
        "state_changed",
        "stage_started",
        "stage_completed",
        "shot_rendered",
        "state_changed",
    ]
    data = [json.loads(e["data"]) for e in events]
    assert [d["sequence"] for d in data] == ids
    assert data[3]["shot_index"] == 1 and data[1]["stage"] == "STAGE_MODERATE_TEXT"
    assert data[-1]["state"] == "JOB_STATE_SUCCEEDED"
    assert data[-1]["result"]["mp4_url"].startswith(f"{env.base}/v1/media/jobs/{job.job_id}/video.mp4?exp=")
    assert env.fake.watch_requests[-1].owner_id == env.key_id
    assert env.fake.watch_time_remaining[-1] is None, "WatchJob must not carry a deadline"


async def test_event_stream_resumes_after_last_event_id(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    path = f"/v1/jobs/{job.job_id}/events"
    resumed = await _collect(env, path, headers={"Last-Event-ID": "2"})
    assert [int(e["id"]) for e in resumed] == [3, 4, 5]
    assert env.fake.watch_requests[-1].after_sequence == 0, "the shared feed reads the whole job once"
    assert [int(e["id"]) for e in await _collect(env, path + "?after=3")] == [4, 5]
    both = await _collect(env, path + "?after=1", headers={"Last-Event-ID": "4"})
    assert [int(e["id"]) for e in both] == [5]
    async with env.client() as c:
        bad = await c.get(path, headers={"Last-Event-ID": "two"})
        assert _problem(bad, 400, "INVALID_ARGUMENT")["violations"][0]["field"] == "Last-Event-ID"


async def test_event_stream_needs_the_header_key(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    path = f"/v1/jobs/{job.job_id}/events"
    async with env.client(secret=None) as c:
        _problem(await c.get(path), 401, "UNAUTHENTICATED")
        # keys never travel in URLs: a query token is not a credential
        _problem(await c.get(path, params={"access_token": env.secret}), 401, "UNAUTHENTICATED")
        _problem(await c.get(f"/v1/jobs/{job.job_id}", params={"access_token": env.secret}), 401, "UNAUTHENTICATED")
    async with env.client() as c, c.stream("GET", path, params={"after": "4"}) as resp:
        assert resp.status_code == 200
        assert [int(f["id"]) async for f in _sse(resp) if "id" in f] == [5]


async def test_event_stream_sends_keepalive_during_silence(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    env.fake.slow[job.job_id] = 1.0  # the gateway's keep-alive interval is 0.3 s in these tests
    async with env.client() as c, c.stream("GET", f"/v1/jobs/{job.job_id}/events") as resp:
        frames = [f async for f in _sse(resp)]
    first_event = next(i for i, f in enumerate(frames) if "event" in f)
    assert {"comment": "keep-alive"} in frames[:first_event]
    assert [int(f["id"]) for f in frames if "id" in f] == [1, 2, 3, 4, 5]


async def test_client_disconnect_cancels_watch(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    env.fake.live.add(job.job_id)
    cancelled = env.fake.watch_cancelled.setdefault(job.job_id, asyncio.Event())
    async with env.client() as c, c.stream("GET", f"/v1/jobs/{job.job_id}/events") as resp:
        async for f in _sse(resp):
            if f.get("id") == "5":
                break
    await asyncio.wait_for(cancelled.wait(), 5.0)
    assert cancelled.is_set()


async def test_finished_job_seen_to_the_end_is_204(env: Env) -> None:
    job = env.fake.add_job(env.key_id, state=gen_pb2.JOB_STATE_SUCCEEDED, last_event_sequence=5)
    async with env.client() as c:
        resp = await c.get(f"/v1/jobs/{job.job_id}/events", headers={"Last-Event-ID": "5"})
        assert resp.status_code == 204 and resp.content == b""
    assert len(await _collect(env, f"/v1/jobs/{job.job_id}/events")) == 5


async def test_stream_error_becomes_problem_event(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    env.fake.vanish.add(job.job_id)  # GetJob succeeds, then WatchJob finds no such job
    async with env.client() as c, c.stream("GET", f"/v1/jobs/{job.job_id}/events") as resp:
        assert resp.status_code == 200
        frames = [f async for f in _sse(resp) if "event" in f]
    assert [f["event"] for f in frames] == ["problem"]
    problem = json.loads(frames[0]["data"])
    assert problem["reason"] == "JOB_NOT_FOUND" and problem["status"] == 404


# --- media, health, docs -------------------------------------------------------------------------


async def test_media_urls_and_serving(env: Env) -> None:
    job = env.fake.add_job(env.key_id)
    job_dir = env.media_root / "jobs" / job.job_id
    (job_dir / "hls").mkdir(parents=True)
    video = bytes(range(256)) * 8
    (job_dir / "video.mp4").write_bytes(video)
    (job_dir / "hls" / "720p").mkdir()
    (job_dir / "hls" / "master.m3u8").write_text("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000\n720p/index.m3u8\n")
    (job_dir / "hls" / "720p" / "index.m3u8").write_text("#EXTM3U\n#EXTINF:2.0,\nseg_000.ts\n#EXT-X-ENDLIST\n")
    (job_dir / "hls" / "720p" / "seg_000.ts").write_bytes(b"\x47" * 188)
    (job_dir / "poster.jpg").write_bytes(b"\xff\xd8\xff\xd9")
    (env.media_root / "secret.txt").write_text("not media")
    (env.media_root.parent / "outside.txt").write_text("not media either")
    job.state = gen_pb2.JOB_STATE_SUCCEEDED
    job.result.CopyFrom(
        gen_pb2.JobResult(
            mp4_key=f"jobs/{job.job_id}/video.mp4",
            hls_master_key=f"jobs/{job.job_id}/hls/master.m3u8",
            poster_key=f"jobs/{job.job_id}/poster.jpg",
            duration_ms=4000,
        )
    )
    async with env.client() as c:
        result = (await c.get(f"/v1/jobs/{job.job_id}")).json()["result"]
        assert result["mp4_url"].startswith(f"{env.base}/v1/media/jobs/{job.job_id}/video.mp4?exp=")
        assert result["hls_master_url"].startswith(f"{env.base}/v1/media/jobs/{job.job_id}/hls/master.m3u8?exp=")
        assert result["poster_url"].startswith(f"{env.base}/v1/media/jobs/{job.job_id}/poster.jpg?exp=")
        assert result["duration_ms"] == 4000

    async with env.client(secret=None) as c:  # a signed URL is the grant; no key needed
        full = await c.get(result["mp4_url"])
        assert full.status_code == 200 and full.content == video
        assert full.headers["cache-control"].startswith("private")
        unsigned = result["mp4_url"].split("?")[0]
        _problem(await c.get(unsigned), 403, "MEDIA_SIGNATURE_REQUIRED")
        _problem(await c.get(result["mp4_url"][:-2] + "AA"), 403, "MEDIA_SIGNATURE_INVALID")
        _problem(await c.get(result["mp4_url"].replace("video.mp4", "poster.jpg")), 403, "MEDIA_SIGNATURE_INVALID")
        query = result["mp4_url"].split("?")[1]
        _problem(await c.get(f"/v1/media/secret.txt?{query}"), 403, "MEDIA_SIGNATURE_INVALID")
        # HLS: the playlists come back with every URI signed, so the whole ladder plays
        master = await c.get(result["hls_master_url"])
        assert master.status_code == 200 and master.headers["content-type"].startswith("application/vnd.apple.mpegurl")
        rendition_uri = master.text.splitlines()[2]
        assert rendition_uri.startswith("720p/index.m3u8?exp=")
        rendition = await c.get(httpx.URL(result["hls_master_url"]).join(rendition_uri))
        assert rendition.status_code == 200
        seg_uri = rendition.text.splitlines()[2]
        seg = await c.get(httpx.URL(str(rendition.url)).join(seg_uri))
        assert seg.status_code == 200 and seg.content == b"\x47" * 188
        _problem(
            await c.get(httpx.URL(str(rendition.url)).join(seg_uri.split("?")[0])), 403, "MEDIA_SIGNATURE_REQUIRED"
        )
        # Range errors are problems too
        bad_range = await c.get(result["mp4_url"], headers={"Range": "bytes=9-2"})
        assert _problem(bad_range, 400, "INVALID_RANGE")
        far = await c.get(result["mp4_url"], headers={"Range": "bytes=99999-"})
        _problem(far, 416, "RANGE_NOT_SATISFIABLE")
        assert far.headers["content-range"] == f"bytes */{len(video)}"
        part = await c.get(result["mp4_url"], headers={"Range": "bytes=0-9"})
        assert part.status_code == 206 and part.content == video[:10]
        assert full.headers["content-type"] == "video/mp4" and full.headers["accept-ranges"] == "bytes"
        part = await c.get(result["mp4_url"], headers={"Range": "bytes=10-19"})
        assert part.status_code == 206 and part.content == video[10:20]
        assert part.headers["content-range"] == f"bytes 10-19/{len(video)}"
        head = await c.head(result["mp4_url"])
        assert head.status_code == 200 and head.headers["content-length"] == str(len(video))

        assert seg.headers["content-type"] == "video/mp2t"
        assert (await c.get(result["poster_url"])).headers["content-type"] == "image/jpeg"

        exp = int(time.time()) + 60
        for bad in (
            "jobs/../secret.txt",
            f"jobs/{job.job_id}/../../secret.txt",
            "jobs/../../outside.txt",
            "secret.txt",
            "/etc/passwd",
            f"jobs/{job.job_id}/missing.mp4",
        ):
            # even a correctly signed key cannot leave the published media
            raw = "/v1/media/" + bad.replace("..", "%2e%2e") + f"?exp={exp}&sig={signing.sign(MEDIA_SECRET, bad, exp)}"
            _problem(await c.get(raw), 404, "MEDIA_NOT_FOUND")
            _problem(await c.get(raw.split("?")[0]), 403, "MEDIA_SIGNATURE_REQUIRED")
        expired = signing.signed_path(MEDIA_SECRET, f"jobs/{job.job_id}/video.mp4", int(time.time()) - 1)
        _problem(await c.get(expired), 403, "MEDIA_URL_EXPIRED")


async def test_healthz_follows_generation_health(env: Env) -> None:
    async with env.client(secret=None) as c:
        for _ in range(60):
            resp = await c.get("/healthz")
            if resp.status_code == 200:
                break
            await asyncio.sleep(0.05)
        assert resp.status_code == 200
        assert resp.json() == {"status": "ok", "checks": {"generation": "SERVING", "database": "ok"}}
        await env.gen_server.health.set(GENERATION_SERVICE, health_pb2.HealthCheckResponse.NOT_SERVING)
        try:
            down = await c.get("/healthz")
            assert down.status_code == 503
            assert down.json() == {"status": "down", "checks": {"generation": "NOT_SERVING", "database": "ok"}}
        finally:
            await env.gen_server.health.set(GENERATION_SERVICE, health_pb2.HealthCheckResponse.SERVING)
        # NATS down: jobs still run (events wait in the outbox), so 200, saying which dependency.
        await env.gen_server.health.set("nats", health_pb2.HealthCheckResponse.NOT_SERVING)
        await env.gen_server.health.set("redis", health_pb2.HealthCheckResponse.SERVING)
        try:
            degraded = await c.get("/healthz")
            assert degraded.status_code == 200
            assert degraded.json()["status"] == "degraded"
            assert degraded.json()["degraded"] == ["nats"]
        finally:
            await env.gen_server.health.set("nats", health_pb2.HealthCheckResponse.SERVING)
        assert (await c.get("/healthz")).json()["status"] == "ok"
        assert (await c.get("/livez")).json() == {"status": "ok"}


async def test_openapi_and_web_page(env: Env) -> None:
    async with env.client(secret=None) as c:
        spec = (await c.get("/openapi.json")).json()
        assert spec["info"]["title"] == "Drishya API" and spec["info"]["description"]
        paths = spec["paths"]
        for path, method in [
            ("/v1/jobs", "post"),
            ("/v1/jobs", "get"),
            ("/v1/jobs/{job_id}", "get"),
            ("/v1/jobs/{job_id}:cancel", "post"),
            ("/v1/jobs/{job_id}:retry", "post"),
            ("/v1/jobs/{job_id}/events", "get"),
            ("/v1/media/{key}", "get"),
            ("/healthz", "get"),
        ]:
            assert method in paths[path], (path, method)
            assert paths[path][method]["summary"]
        assert "422" not in paths["/v1/jobs"]["post"]["responses"]
        assert "CreateJobRequest" in spec["components"]["schemas"]
        assert "access_token" not in json.dumps(spec)
        events_params = {p["name"]: p["schema"] for p in paths["/v1/jobs/{job_id}/events"]["get"]["parameters"]}
        assert events_params["Last-Event-ID"]["type"] == "integer" and events_params["job_id"]["format"] == "uuid"

        page = await c.get("/")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "/v1/jobs" in page.text and "<video" in page.text and "getReader()" in page.text
        assert "sessionStorage" in page.text and "localStorage" not in page.text
        assert "access_token" not in page.text and "new EventSource" not in page.text


async def test_generation_down_is_503(infra: InfraUrls, tmp_path: Path) -> None:
    """Without uvicorn: the lifespan is run by hand and the app is driven through ASGITransport."""
    config = GatewayConfig(
        port=0,
        generation_addr=f"127.0.0.1:{free_port()}",
        media_root=tmp_path,
        unary_deadline_s=3.0,
        api_key="local-dev-key-0123456789",
    )
    app = create_app(config, database_url=infra.database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": "Bearer local-dev-key-0123456789"}
        async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers=headers) as c:
            resp = await c.get(f"/v1/jobs/{uuid.uuid4()}")
            body = _problem(resp, 503, "UNAVAILABLE")
            assert resp.headers["retry-after"] == "1"
            assert body["domain"] == "gateway.drishya"
            health = await c.get("/healthz")
            assert health.status_code == 503 and health.json()["checks"]["generation"] == "UNAVAILABLE"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as c:
        _problem(await c.get("/v1/jobs"), 503, "NOT_READY")


async def test_priority_as_schema_integer_and_the_default(env: Env) -> None:
    async with env.client() as c:
        nine = await c.post("/v1/jobs", json={"text": "a boat on a quiet river", "options": {"priority": 9.0}})
        assert nine.status_code == 201 and env.fake.created[-1].options.priority == 9
        plain = await c.post("/v1/jobs", json={"text": "a boat on a quiet river again"})
        assert plain.status_code == 201 and not env.fake.created[-1].options.HasField("priority"), (
            "no priority asked: the generation service gives the plan's"
        )
        _problem(
            await c.post("/v1/jobs", json={"text": "a boat on a river", "options": {"priority": 9.5}}),
            400,
            "INVALID_ARGUMENT",
        )


async def test_an_internal_error_shows_only_the_request_id(
    infra: InfraUrls, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(
        GatewayConfig(port=0, generation_addr="127.0.0.1:9", media_root=tmp_path), database_url=infra.database_url
    )

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("SELECT owner_id, text FROM generation.jobs WHERE owner_id = 'k1'")

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as c:
        resp = await c.get("/boom", headers={"X-Request-Id": "req-42"})
    body = _problem(resp, 500, "INTERNAL")
    assert resp.headers["x-request-id"] == "req-42" and body["metadata"] == {"request_id": "req-42"}
    assert "SELECT" not in resp.text and "k1" not in resp.text and "RuntimeError" not in resp.text
    logged = [r for r in caplog.records if "req-42" in r.getMessage()]
    assert logged and logged[0].exc_info is not None and "SELECT owner_id" in str(logged[0].exc_info[1])
