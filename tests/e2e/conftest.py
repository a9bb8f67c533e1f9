"""The whole mesh in-process on ephemeral ports, over the session's real PostgreSQL, Redis and NATS."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from httpx_sse import aconnect_sse

from services.cli.local import LocalMesh
from services.mesh.infra import InfraUrls

TERMINAL = {
    "JOB_STATE_SUCCEEDED",
    "JOB_STATE_BLOCKED",
    "JOB_STATE_CANCELLED",
    "JOB_STATE_FAILED",
    "JOB_STATE_DEAD_LETTER",
}


@pytest_asyncio.fixture(scope="session")
async def mesh(infra: InfraUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalMesh]:
    env = {
        **os.environ,
        "DATABASE_URL": infra.database_url,
        "REDIS_URL": infra.redis_url,
        "NATS_URL": infra.nats_url,
        "DRISHYA_API_KEY": "",
        # One key creates every job of the session, now faster than the default 30 a minute;
        # the limit itself is tested against its own gateway in tests/integration/test_edge_stack.py.
        "DRISHYA_RATE_LIMIT_PER_MINUTE": "600",
    }
    m = LocalMesh(tmp_path_factory.mktemp("mesh"), ephemeral=True, env=env)
    await m.start()
    await m.wait_serving()
    yield m
    await m.stop()


def client_of(mesh: LocalMesh) -> httpx.AsyncClient:
    """An HTTP client of ``mesh``'s gateway with its API key (long reads: SSE streams)."""
    return httpx.AsyncClient(
        base_url=mesh.gateway_url,
        timeout=httpx.Timeout(30.0, read=300.0),
        headers={"Authorization": f"Bearer {mesh.api_key}"},
    )


@pytest_asyncio.fixture(scope="session")
async def http(mesh: LocalMesh) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(mesh) as client:
        yield client


@dataclass
class Run:
    """A job submitted over HTTP and followed over SSE to its end."""

    job_id: str
    created: httpx.Response
    events: list[dict[str, Any]] = field(default_factory=list)
    sse_ids: list[int] = field(default_factory=list)
    sse_types: list[str] = field(default_factory=list)
    job: dict[str, Any] = field(default_factory=dict)


async def submit_and_follow(http: httpx.AsyncClient, text: str, key: str = "", **options: Any) -> Run:
    """POST a scene, read its event stream until a terminal state, then GET the job."""
    headers = {"Idempotency-Key": key} if key else {}
    created = await http.post("/v1/jobs", json={"text": text, "options": options}, headers=headers)
    assert created.status_code in (200, 201), created.text
    run = Run(job_id=created.json()["job_id"], created=created)
    async with aconnect_sse(http, "GET", f"/v1/jobs/{run.job_id}/events") as sse:
        assert sse.response.status_code == 200
        async for ev in sse.aiter_sse():
            if not ev.data:
                continue  # a retry: hint, not an event
            data = json.loads(ev.data)
            run.events.append(data)
            run.sse_ids.append(int(ev.id))
            run.sse_types.append(ev.event)
    run.job = (await http.get(f"/v1/jobs/{run.job_id}")).json()
    return run


def media_path(mesh: LocalMesh, key: str) -> Path:
    """Where a media key lives on the shared volume."""
    return mesh.media_root / key
