"""Feedback routes of the gateway: the real app (its lifespan run, driven through ASGI) on a fresh
PostgreSQL database, against an in-memory generation service served by a real gRPC server on an
ephemeral port.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from google.protobuf import timestamp_pb2
from sqlalchemy.ext.asyncio import AsyncEngine

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as gs_grpc
from services.gateway.app import GENERATION_SERVICE, create_app
from services.gateway.config import GatewayConfig
from services.gateway.feedback import Group, main_provider, summarize
from services.gateway.keys import create_api_key, migrate_gateway
from services.gateway.trust import Role
from services.mesh.db import create_engine
from services.mesh.errors import NotFound
from services.mesh.server import MeshServer, build_server


@dataclass
class FakeGeneration(gs_grpc.GenerationServiceServicer):
    """GetJob over jobs kept in memory, with owner checks as the generation service makes them."""

    jobs: dict[str, tuple[str, gen_pb2.Job]] = field(default_factory=dict)

    def add_job(self, owner_id: str, state: int, language: str = "hi", providers: tuple[str, ...] = ()) -> str:
        ts = timestamp_pb2.Timestamp()
        ts.GetCurrentTime()
        job = gen_pb2.Job(
            job_id=str(uuid.uuid4()),
            state=state,  # type: ignore[arg-type]
            text="a quiet village street at dusk",
            language_code=language,
            create_time=ts,
            update_time=ts,
            shots=[gen_pb2.ShotOutcome(index=i, provider=p) for i, p in enumerate(providers)],
        )
        self.jobs[job.job_id] = (owner_id, job)
        return job.job_id

    async def GetJob(self, request: gs_pb2.GetJobRequest, context: Any) -> gs_pb2.GetJobResponse:
        entry = self.jobs.get(request.job_id)
        if entry is None or entry[0] != request.owner_id:
            raise NotFound(f"job {request.job_id} not found", reason="JOB_NOT_FOUND")
        return gs_pb2.GetJobResponse(job=entry[1])


@dataclass
class Env:
    app_client: httpx.AsyncClient
    fake: FakeGeneration
    engine: AsyncEngine
    user: tuple[str, str]
    other: tuple[str, str]
    operator: tuple[str, str]

    def auth(self, who: tuple[str, str]) -> dict[str, str]:
        return {"Authorization": f"Bearer {who[1]}"}


@pytest_asyncio.fixture(scope="module")
async def env(make_database: Any, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    fake = FakeGeneration()
    gen_server: MeshServer = await build_server(
        "generation",
        port=0,
        register=lambda s: gs_grpc.add_GenerationServiceServicer_to_server(fake, s),  # type: ignore[no-untyped-call]
        service_names=[GENERATION_SERVICE],
    )
    url = make_database("feedback")
    config = GatewayConfig(
        port=0,
        generation_addr=f"127.0.0.1:{gen_server.port}",
        media_root=tmp_path_factory.mktemp("feedback-media"),
        unary_deadline_s=5.0,
    )
    app = create_app(config, database_url=url)
    engine = create_engine(url)
    try:
        async with app.router.lifespan_context(app):
            await migrate_gateway(engine)
            user = await create_api_key(engine, "viewer")
            other = await create_api_key(engine, "someone else")
            operator = await create_api_key(engine, "ops", role=Role.OPERATOR)
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw", timeout=10.0) as c:
                yield Env(c, fake, engine, user, other, operator)
    finally:
        await engine.dispose()
        await gen_server.stop(0.5)


def _problem(resp: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["reason"] == reason, body
    return body


async def _rate(env: Env, job_id: str, body: Any, who: tuple[str, str] | None = None) -> httpx.Response:
    return await env.app_client.post(f"/v1/jobs/{job_id}/feedback", json=body, headers=env.auth(who or env.user))


async def test_rating_is_stored_then_updated_in_place(env: Env) -> None:
    job = env.fake.add_job(env.user[0], gen_pb2.JOB_STATE_SUCCEEDED, "ta", ("comfyui", "storyboard", "comfyui"))
    first = await _rate(env, job, {"rating": 2, "tags": ["too_slow", "picture_mismatch"], "comment": "slow"})
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"/v1/jobs/{job}/feedback"
    body = first.json()
    assert body["rating"] == 2 and body["tags"] == ["picture_mismatch", "too_slow"]  # canonical order
    assert body["language_code"] == "ta" and body["provider"] == "comfyui" and body["comment"] == "slow"

    second = await _rate(env, job, {"rating": 5})
    assert second.status_code == 200, second.text
    again = second.json()
    assert again["rating"] == 5 and again["tags"] == [] and again["comment"] == ""
    assert again["create_time"] == body["create_time"] and again["update_time"] >= body["update_time"]
    async with env.engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.text("SELECT rating, owner_id FROM gateway.feedback WHERE job_id = :j"), {"j": uuid.UUID(job)}
            )
        ).all()
    assert [(r.rating, r.owner_id) for r in rows] == [(5, env.user[0])]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": "5"}, "rating"),
        ({"rating": 3, "tags": ["ugly"]}, "tags.0"),
        ({"rating": 3, "tags": ["other", "other"]}, "tags"),
        ({"rating": 3, "comment": "x" * 2001}, "comment"),
        ({"rating": 3, "comment": "bell\x07"}, "comment"),
        ({"rating": 3, "stars": 4}, "stars"),
        ({}, "rating"),
        ([3], "body"),
    ],
)
async def test_bad_bodies_are_400_with_violations(env: Env, body: Any, field: str) -> None:
    job = env.fake.add_job(env.user[0], gen_pb2.JOB_STATE_SUCCEEDED)
    problem = _problem(await _rate(env, job, body), 400, "INVALID_ARGUMENT")
    assert field in [v["field"] for v in problem["violations"]], problem["violations"]


async def test_not_json_is_400(env: Env) -> None:
    job = env.fake.add_job(env.user[0], gen_pb2.JOB_STATE_SUCCEEDED)
    resp = await env.app_client.post(
        f"/v1/jobs/{job}/feedback",
        content=b"{rating: 3",
        headers={**env.auth(env.user), "content-type": "application/json"},
    )
    _problem(resp, 400, "INVALID_JSON")


async def test_another_keys_job_and_unknown_jobs_are_404(env: Env) -> None:
    theirs = env.fake.add_job(env.other[0], gen_pb2.JOB_STATE_SUCCEEDED)
    _problem(await _rate(env, theirs, {"rating": 4}), 404, "JOB_NOT_FOUND")
    _problem(await _rate(env, str(uuid.uuid4()), {"rating": 4}), 404, "JOB_NOT_FOUND")
    assert (await _rate(env, theirs, {"rating": 4}, env.other)).status_code == 201


@pytest.mark.parametrize(
    "state",
    [gen_pb2.JOB_STATE_RUNNING, gen_pb2.JOB_STATE_BLOCKED, gen_pb2.JOB_STATE_IN_REVIEW, gen_pb2.JOB_STATE_FAILED],
)
async def test_unfinished_job_is_409(env: Env, state: int) -> None:
    job = env.fake.add_job(env.user[0], state)
    problem = _problem(await _rate(env, job, {"rating": 4}), 409, "JOB_NOT_FINISHED")
    assert problem["metadata"]["state"] == gen_pb2.JobState.Name(state)


async def test_missing_key_is_401(env: Env) -> None:
    job = env.fake.add_job(env.user[0], gen_pb2.JOB_STATE_SUCCEEDED)
    _problem(await env.app_client.post(f"/v1/jobs/{job}/feedback", json={"rating": 3}), 401, "UNAUTHENTICATED")


async def test_summary_figures(env: Env) -> None:
    """Rows of its own, told apart from the other tests' rows by the time window."""
    async with env.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM gateway.feedback"))
    start = datetime.now(UTC) - timedelta(seconds=1)
    done = gen_pb2.JOB_STATE_SUCCEEDED
    rows = [
        (env.user, "hi", ("storyboard", "storyboard"), {"rating": 5}),
        (env.user, "hi", ("comfyui",), {"rating": 2, "tags": ["picture_mismatch", "voice_unclear"]}),
        (env.other, "ta", ("storyboard",), {"rating": 3, "tags": ["picture_mismatch"]}),
        (env.other, "hi", ("gemini", "gemini", "storyboard"), {"rating": 1, "tags": ["too_slow"]}),
    ]
    for who, lang, providers, body in rows:
        job = env.fake.add_job(who[0], done, lang, providers)
        assert (await _rate(env, job, body, who)).status_code == 201

    resp = await env.app_client.get(
        "/v1/feedback:summary", params={"since": start.isoformat()}, headers=env.auth(env.operator)
    )
    assert resp.status_code == 200, resp.text
    s = resp.json()
    assert s["overall"]["count"] == 4 and s["overall"]["mean_rating"] == 2.75
    assert s["overall"]["ratings"] == {"1": 1, "2": 1, "3": 1, "4": 0, "5": 1}
    assert s["overall"]["tags"] == {
        "picture_mismatch": 2,
        "subtitles_wrong": 0,
        "voice_unclear": 1,
        "too_slow": 1,
        "other": 0,
    }
    assert list(s["by_language"]) == ["hi", "ta"]
    assert s["by_language"]["hi"]["count"] == 3 and s["by_language"]["hi"]["mean_rating"] == round(8 / 3, 3)
    assert s["by_language"]["ta"]["mean_rating"] == 3.0
    assert {k: v["count"] for k, v in s["by_provider"].items()} == {"comfyui": 1, "gemini": 1, "storyboard": 2}
    assert s["by_provider"]["storyboard"]["mean_rating"] == 4.0
    pm = s["by_tag"]["picture_mismatch"]
    assert pm["count"] == 2 and pm["mean_rating"] == 2.5 and pm["tags"]["voice_unclear"] == 1
    assert s["by_tag"]["other"] == {
        "count": 0,
        "mean_rating": None,
        "ratings": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        "tags": dict.fromkeys(("picture_mismatch", "subtitles_wrong", "voice_unclear", "too_slow", "other"), 0),
    }

    later = (datetime.now(UTC) + timedelta(hours=1)).replace(tzinfo=None).isoformat()  # naive: read as UTC
    empty = await env.app_client.get("/v1/feedback:summary", params={"since": later}, headers=env.auth(env.operator))
    assert empty.status_code == 200 and empty.json()["overall"] == {
        "count": 0,
        "mean_rating": None,
        "ratings": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        "tags": dict.fromkeys(("picture_mismatch", "subtitles_wrong", "voice_unclear", "too_slow", "other"), 0),
    }
    until = await env.app_client.get(
        "/v1/feedback:summary", params={"until": start.isoformat()}, headers=env.auth(env.operator)
    )
    assert until.status_code == 200 and until.json()["overall"]["count"] == 0


async def test_summary_is_for_operators_only(env: Env) -> None:
    for who in (env.user, env.other):
        _problem(await env.app_client.get("/v1/feedback:summary", headers=env.auth(who)), 403, "FORBIDDEN")
    _problem(await env.app_client.get("/v1/feedback:summary"), 401, "UNAUTHENTICATED")


async def test_summary_bad_query_is_400(env: Env) -> None:
    ops = env.auth(env.operator)
    bad = await env.app_client.get("/v1/feedback:summary", params={"since": "yesterday"}, headers=ops)
    assert "since" in [v["field"] for v in _problem(bad, 400, "INVALID_ARGUMENT")["violations"]]
    backwards = {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    _problem(await env.app_client.get("/v1/feedback:summary", params=backwards, headers=ops), 400, "INVALID_TIME_RANGE")


def test_main_provider_counts_shots_and_breaks_ties_by_first_shot() -> None:
    assert main_provider(["storyboard", "gemini", "gemini"]) == "gemini"
    assert main_provider(["comfyui", "storyboard", "storyboard", "comfyui"]) == "comfyui"
    assert main_provider(["", ""]) == "" and main_provider([]) == ""


def test_summarize_weights_groups_by_their_counts() -> None:
    s = summarize([Group("bn", "storyboard", ("other",), 4, 3), Group("bn", "gemini", (), 1, 1)])
    assert s["overall"]["count"] == 4 and s["overall"]["mean_rating"] == 3.25
    assert s["by_tag"]["other"]["count"] == 3 and s["by_tag"]["other"]["ratings"]["4"] == 3
    assert s["by_provider"]["gemini"]["mean_rating"] == 1.0
