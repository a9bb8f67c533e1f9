"""Bad input gets the right status and reason and writes nothing; blocked scenes; health of all six."""

from __future__ import annotations

import uuid

import grpc
import httpx
import pytest
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc

from drishya.generation.v1 import generation_service_pb2 as gen_svc
from drishya.generation.v1 import generation_service_pb2_grpc as gen_grpc
from services.cli.local import LocalMesh
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import details_of
from tests.e2e.conftest import submit_and_follow

pytestmark = pytest.mark.e2e


async def _job_rows(infra) -> int:  # type: ignore[no-untyped-def]
    engine = create_engine(infra.database_url, pool_size=1)
    async with engine.connect() as conn:
        n = (await conn.execute(sa.text("SELECT count(*) FROM generation.jobs"))).scalar_one()
    await engine.dispose()
    return int(n)


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        ({"text": "చిన్నది"}, 400, "TEXT_TOO_SHORT"),
        ({"text": "వర్షం " * 401}, 400, "TEXT_TOO_LONG"),
        ({"text": "Девочка танцует под дождём перед старым храмом."}, 400, "UNSUPPORTED_LANGUAGE"),
        ({"text": "A girl dances in the rain.", "options": {"language_code": "fr"}}, 400, "UNSUPPORTED_LANGUAGE"),
    ],
)
async def test_bad_scenes_are_refused_and_create_no_job(http, infra, body, status, reason) -> None:  # type: ignore[no-untyped-def]
    before = await _job_rows(infra)
    r = await http.post("/v1/jobs", json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["reason"] == reason
    assert await _job_rows(infra) == before


async def test_malformed_bodies_and_keys(http, mesh: LocalMesh, infra) -> None:  # type: ignore[no-untyped-def]
    before = await _job_rows(infra)
    bad_json = await http.post(
        "/v1/jobs", content=b'{"text": "unterminated', headers={"content-type": "application/json"}
    )
    assert (bad_json.status_code, bad_json.json()["reason"]) == (400, "INVALID_JSON")
    bad_utf8 = await http.post(
        "/v1/jobs", content=b'{"text": "\xff\xfe bad bytes here"}', headers={"content-type": "application/json"}
    )
    assert (bad_utf8.status_code, bad_utf8.json()["reason"]) == (400, "INVALID_JSON")
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as anon:
        missing = await anon.post("/v1/jobs", json={"text": "A girl dances in the rain."})
        wrong = await anon.post(
            "/v1/jobs", json={"text": "A girl dances in the rain."}, headers={"Authorization": "Bearer dk_nope_nope"}
        )
    assert (missing.status_code, missing.json()["reason"]) == (401, "UNAUTHENTICATED")
    assert (wrong.status_code, wrong.json()["reason"]) == (401, "INVALID_API_KEY")
    assert await _job_rows(infra) == before


async def test_unknown_and_foreign_jobs_are_not_found(http, mesh: LocalMesh) -> None:  # type: ignore[no-untyped-def]
    unknown = await http.get(f"/v1/jobs/{uuid.uuid4()}")
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "JOB_NOT_FOUND")
    created = await http.post(
        "/v1/jobs", json={"text": "A small boy flies a kite on the beach at sunset.", "options": {"priority": 0}}
    )
    assert created.status_code == 201
    job_id = created.json()["job_id"]
    await http.post(f"/v1/jobs/{job_id}:cancel")
    from services.gateway import keys

    engine = create_engine(mesh.urls.database_url, pool_size=1)  # type: ignore[union-attr]
    _, other = await keys.create_api_key(engine, "someone-else")
    await engine.dispose()
    async with httpx.AsyncClient(base_url=mesh.gateway_url, headers={"Authorization": f"Bearer {other}"}) as c:
        foreign = await c.get(f"/v1/jobs/{job_id}")
        foreign_events = await c.get(f"/v1/jobs/{job_id}/events")
    assert (foreign.status_code, foreign.json()["reason"]) == (404, "JOB_NOT_FOUND")
    assert foreign_events.status_code == 404


async def test_grpc_errors_carry_rich_status(mesh: LocalMesh) -> None:
    gen = next(s for s in mesh.servers if s.name == "generation")
    async with channel(f"127.0.0.1:{gen.port}") as ch:
        stub = gen_grpc.GenerationServiceStub(ch)
        with pytest.raises(grpc.aio.AioRpcError) as short:
            await stub.CreateJob(gen_svc.CreateJobRequest(owner_id="o", text="short"), timeout=10)
        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GetJob(gen_svc.GetJobRequest(owner_id="o", job_id=str(uuid.uuid4())), timeout=10)
        with pytest.raises(grpc.aio.AioRpcError) as anonymous:
            await stub.GetJob(gen_svc.GetJobRequest(job_id=str(uuid.uuid4())), timeout=10)
    d = details_of(short.value)
    assert (d.code, d.reason, d.domain) == (grpc.StatusCode.INVALID_ARGUMENT, "TEXT_TOO_SHORT", "generation.drishya")
    assert d.violations[0].field == "text"
    assert (details_of(missing.value).code, details_of(missing.value).reason) == (
        grpc.StatusCode.NOT_FOUND,
        "JOB_NOT_FOUND",
    )
    assert details_of(anonymous.value).code == grpc.StatusCode.UNAUTHENTICATED


async def test_blocked_scene_ends_blocked_with_reason_and_no_video(http, mesh: LocalMesh) -> None:  # type: ignore[no-untyped-def]
    run = await submit_and_follow(http, "Spider-Man fights a monster in front of the temple in the rain.")
    assert run.job["state"] == "JOB_STATE_BLOCKED"
    reasons = run.job["block_reasons"]
    assert any(r["category"] == "REASON_CATEGORY_COPYRIGHTED_CHARACTER" for r in reasons)
    assert "result" not in run.job
    stages = {e["stage"] for e in run.events if e["type"] == "JOB_EVENT_TYPE_STAGE_STARTED"}
    assert "STAGE_RENDER" not in stages
    assert not (mesh.media_root / "jobs" / run.job_id).exists()
    assert not (mesh.media_root / "work" / run.job_id / "shots").exists()


async def test_all_seven_services_report_serving(mesh: LocalMesh) -> None:
    names = sorted(s.name for s in mesh.servers)
    assert names == ["analysis", "delivery", "generation", "language", "moderation", "prompt", "story"]
    for s in mesh.servers:
        async with channel(f"127.0.0.1:{s.port}") as ch:
            resp = await health_pb2_grpc.HealthStub(ch).Check(
                health_pb2.HealthCheckRequest(service=s.service_names[0]), timeout=5
            )
        assert resp.status == health_pb2.HealthCheckResponse.SERVING, s.name


async def test_gateway_health_and_openapi(mesh: LocalMesh) -> None:
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as c:
        assert (await c.get("/healthz")).status_code == 200
        spec = (await c.get("/openapi.json")).json()
    assert "/v1/jobs" in spec["paths"]
    assert "/v1/jobs/{job_id}/events" in spec["paths"]
