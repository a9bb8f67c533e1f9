"""Several machines, simulated: two worker groups that share only PostgreSQL, NATS, Redis and S3.

The mesh's services run in this process with no workers of their own (``DRISHYA_WORKERS=0``); two
``drishya worker`` groups run as separate process trees, each with its own data directory and media
root and no folder in common, against the same database, NATS, Redis and moto's S3 server. Twenty
short jobs are spread over both groups and all succeed; then one group is killed (SIGKILL to its
whole process tree) in the middle of a job, and the other group resumes that job from the
checkpoints in the bucket and finishes every job.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.cli.local import LocalMesh
from services.mesh import config as mc
from services.mesh.db import create_engine
from services.mesh.infra import InfraUrls
from tests.conftest import S3Server
from tests.e2e.conftest import client_of, follow
from tests.e2e.test_s3_media import hls_segments_decode, s3_mesh_env

pytestmark = pytest.mark.e2e

TEXTS = [
    "A boat floats on the river at dusk.",
    "Two children fly a kite in the park.",
    "An old farmer walks through the green field.",
    "Rain falls on the temple at night.",
    "A girl reads a book under a tree.",
]
LEASE_S = 3


class WorkerGroup:
    """``drishya worker -n 1`` in a session of its own: one machine's workers."""

    def __init__(self, name: str, root: Path, env: dict[str, str]) -> None:
        self.name = name
        self.data = root / name
        self.data.mkdir(parents=True)
        self.env = {
            **env,
            "DRISHYA_DATA_DIR": str(self.data),
            "DRISHYA_MEDIA_ROOT": str(self.data / "media"),  # its own; with S3 nothing is published there
            "DRISHYA_NODE_NAME": name,
            "DRISHYA_RENDER_PROCESSES": "1",
            "DRISHYA_LEASE_S": str(LEASE_S),
            "DRISHYA_RETRY_BACKOFF_S": "0.5",
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        drishya = Path(sys.executable).with_name("drishya")
        self.proc = subprocess.Popen(
            [str(drishya), "worker", "-n", "1"],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.data / "group.log").open("wb"),
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole process tree (supervisor, worker, render processes), as a machine dying."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture(scope="module")
def bucket(s3_server: S3Server) -> str:
    return s3_server.bucket("machines")


@pytest_asyncio.fixture(scope="module")
async def services(
    infra: InfraUrls,
    make_database: Callable[[str], str],
    s3_server: S3Server,
    bucket: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LocalMesh]:
    env = s3_mesh_env(
        infra,
        make_database("machines"),
        s3_server,
        bucket,
        DRISHYA_WORKERS="0",  # the generation service runs no workers: the groups do
        DRISHYA_MAX_QUEUED_PER_OWNER="100",
        DRISHYA_LEASE_S=str(LEASE_S),
    )
    mesh = LocalMesh(tmp_path_factory.mktemp("machines-services"), ephemeral=True, env=env)
    await mesh.start()
    await mesh.wait_serving()
    yield mesh
    await mesh.stop()


@pytest.fixture(scope="module")
def groups(services: LocalMesh, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, WorkerGroup]]:
    env = {k: v for k, v in services._env.items() if not k.startswith("DRISHYA_") or k in _SHARED}
    env.update({var: services._env[var] for var in mc.ADDRESS_VARS.values() if var in services._env})
    root = tmp_path_factory.mktemp("machines")
    made = {name: WorkerGroup(name, root, env) for name in ("group-a", "group-b")}
    for g in made.values():
        g.start()
    yield made
    for g in made.values():
        g.stop()


_SHARED = {"DRISHYA_MEDIA_URL", "DRISHYA_API_KEY"}


async def _workers_of(database_url: str, job_ids: list[str]) -> dict[str, tuple[str, int, int]]:
    """job id → (worker id, state, attempts) from the job records."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text("SELECT job_id, worker_id, state, attempts FROM generation.jobs WHERE job_id = ANY(:ids)"),
                    {"ids": [uuid.UUID(j) for j in job_ids]},
                )
            ).all()
    finally:
        await engine.dispose()
    return {str(r.job_id): (r.worker_id or "", r.state, r.attempts) for r in rows}


async def _submit(http: httpx.AsyncClient, n: int, tag: str) -> list[httpx.Response]:
    made = []
    for i in range(n):
        created = await http.post(
            "/v1/jobs", json={"text": TEXTS[i % len(TEXTS)]}, headers={"Idempotency-Key": f"{tag}-{i}-{uuid.uuid4()}"}
        )
        assert created.status_code == 201, created.text
        made.append(created)
    return made


async def test_twenty_jobs_spread_over_two_machines_then_one_dies_mid_job(
    services: LocalMesh, groups: dict[str, WorkerGroup]
) -> None:
    assert services.urls is not None
    database_url = services.urls.database_url
    async with client_of(services) as http:
        created = await _submit(http, 20, "spread")
        runs = await asyncio.gather(*(follow(http, c) for c in created))
        assert [r.job["state"] for r in runs] == ["JOB_STATE_SUCCEEDED"] * 20, [r.job for r in runs]
        where = await _workers_of(database_url, [r.job_id for r in runs])
        by_group = {name: [j for j, (w, _, _) in where.items() if w.startswith(f"{name}-")] for name in groups}
        assert all(by_group.values()), by_group  # both machines took jobs
        assert sum(len(v) for v in by_group.values()) == 20
        for name in groups:  # media of each machine's jobs is served, its HLS decodes
            run = next(r for r in runs if r.job_id == by_group[name][0])
            mp4 = await http.get(run.job["result"]["mp4_url"])
            assert mp4.status_code == 200 and mp4.content[4:8] == b"ftyp"
            assert await hls_segments_decode(http, run.job["result"]["hls_master_url"]) >= 2
        for g in groups.values():  # no machine published anything on its own disk
            assert not (g.data / "media" / "jobs").exists()

        # One machine dies in the middle of a job: its job is resumed by the other from the bucket.
        created = await _submit(http, 4, "kill")
        ids = [c.json()["job_id"] for c in created]
        victim = await _running_on(database_url, ids, "group-a", deadline_s=120)
        groups["group-a"].kill()
        # what the dead machine had checkpointed (its SHOT_RENDERED event may not have gone out)
        before = await _checkpointed(database_url, victim)
        runs = await asyncio.gather(*(follow(http, c) for c in created))
        assert [r.job["state"] for r in runs] == ["JOB_STATE_SUCCEEDED"] * 4, [r.job for r in runs]
        where = await _workers_of(database_url, ids)
        assert where[victim][0].startswith("group-b-") and where[victim][2] == 2, where[victim]
        resumed = next(r for r in runs if r.job_id == victim)
        messages = [e["message"] for e in resumed.events]
        assert "attempt 2 started" in messages
        again = messages.index("attempt 2 started")
        after = {e.get("shot_index", 0) for e in resumed.events[again:] if e["type"] == "JOB_EVENT_TYPE_SHOT_RENDERED"}
        assert before, "the job was killed before any shot was checkpointed"
        assert not before & after  # checkpointed shots were not rendered again
        assert await hls_segments_decode(http, resumed.job["result"]["hls_master_url"]) >= 2


async def _checkpointed(database_url: str, job_id: str) -> set[int]:
    """The shots of ``job_id`` checkpointed as rendered."""
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT shot_index FROM generation.shot_renders "
                    "WHERE job_id = :id AND (payload->>'rendered')::boolean"
                ),
                {"id": uuid.UUID(job_id)},
            )
            return {int(r.shot_index) for r in rows}
    finally:
        await engine.dispose()


async def _running_on(database_url: str, ids: list[str], group: str, deadline_s: float) -> str:
    """Wait for a job of ``ids`` that ``group`` is rendering with at least one shot checkpointed as
    rendered; returns its id."""
    engine = create_engine(database_url, pool_size=1)
    end = time.monotonic() + deadline_s
    try:
        while time.monotonic() < end:
            async with engine.connect() as conn:
                row = (
                    await conn.execute(
                        sa.text(
                            "SELECT j.job_id FROM generation.jobs j JOIN generation.shot_renders s USING (job_id) "
                            "WHERE j.job_id = ANY(:ids) AND j.state = :running AND j.worker_id LIKE :w "
                            "AND (s.payload->>'rendered')::boolean LIMIT 1"
                        ),
                        {"ids": [uuid.UUID(j) for j in ids], "running": gen_pb2.JOB_STATE_RUNNING, "w": f"{group}-%"},
                    )
                ).first()
            if row is not None:
                return str(row.job_id)
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()
    raise AssertionError(f"{group} rendered none of {ids} within {deadline_s} s")
