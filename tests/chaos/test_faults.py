"""Chaos: a job mid-render survives kill -9 of any part of the supervised mesh.

Each test starts a job on the real ``drishya up`` supervisor (a subprocess on free ports, with a
temporary data directory), kills one part with SIGKILL at the job's first rendered shot, and
asserts that the job still ends SUCCEEDED, that its event sequence has no gap and no duplicate
(the watcher reconnects from its last sequence when its stream breaks), that health went down
(or degraded) and came back where it should, and prints the recovery time.
"""

from __future__ import annotations

import shutil
import stat
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from drishya.generation.v1 import generation_pb2 as gen_pb2
from tests.chaos.harness import HEADER, Recovery, SupervisedMesh, run_fault

pytestmark = pytest.mark.chaos


def _data_dir() -> Path:
    # Not under pytest's tmp_path: pytest keeps /tmp/pytest-of-<user> at mode 0700, and as root
    # PostgreSQL runs as another user, which must be able to reach its data directory.
    return Path(tempfile.mkdtemp(prefix="drishya-chaos-"))


@pytest_asyncio.fixture(scope="module")
async def supervised() -> AsyncIterator[SupervisedMesh]:
    mesh = SupervisedMesh(_data_dir())
    await mesh.start()
    try:
        yield mesh
    finally:
        status, log = await mesh.stop(), mesh.log_text()
        shutil.rmtree(mesh.data_dir, ignore_errors=True)
        assert status == 0, log[-3000:]


def _check(r: Recovery) -> None:
    print(f"\n{HEADER}\n{r.line()}")
    assert r.final_state == gen_pb2.JOB_STATE_SUCCEEDED, r
    assert r.sequences == list(range(1, len(r.sequences) + 1)), r.sequences  # no gap, no duplicate
    assert r.health_back_s is not None, r


async def test_the_dev_key_is_in_a_private_file_and_never_in_the_log(supervised: SupervisedMesh) -> None:
    key_file = supervised.data_dir / "api-key"
    key = key_file.read_text().strip()
    assert len(key) >= 32 and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert str(key_file) in supervised.log_text()
    logs = [supervised.log_text()] + [
        p.read_text(errors="replace") for p in (supervised.data_dir / "run").glob("*.log")
    ]
    assert not any(key in text for text in logs)
    nats_password = supervised.data_dir / "nats" / "password"
    assert stat.S_IMODE(nats_password.stat().st_mode) == 0o600


async def test_kill_a_worker(supervised: SupervisedMesh) -> None:
    before = supervised.pid_of("worker-0")
    r = await run_fault(supervised, "kill -9 worker", lambda: supervised.kill("worker-0"))
    _check(r)
    assert supervised.pid_of("worker-0") != before
    assert "restarted worker-0" in supervised.log_text()
    assert "attempt 2 started" in r.messages  # another worker process resumed it once the lease lapsed


async def test_kill_postgres(supervised: SupervisedMesh) -> None:
    r = await run_fault(supervised, "kill -9 PostgreSQL", lambda: supervised.kill("postgres"))
    _check(r)
    assert "down" in r.states, r.states  # 503 while PostgreSQL is away
    assert "restarted postgres" in supervised.log_text()


async def test_kill_nats(supervised: SupervisedMesh) -> None:
    r = await run_fault(supervised, "kill -9 NATS", lambda: supervised.kill("nats"))
    _check(r)
    assert "degraded(nats)" in r.states and "down" not in r.states, r.states
    assert "restarted nats" in supervised.log_text()


async def test_kill_redis(supervised: SupervisedMesh) -> None:
    r = await run_fault(supervised, "kill -9 Redis", lambda: supervised.kill("redis"))
    _check(r)
    assert "degraded(redis)" in r.states and "down" not in r.states, r.states
    assert "restarted redis" in supervised.log_text()


async def test_kill_the_supervisor_and_start_it_again() -> None:
    mesh = SupervisedMesh(_data_dir())
    await mesh.start()
    children = {}
    try:
        children = {name: mesh.pid_of(name) for name in ("postgres", "nats", "redis", "generation", "worker-0")}

        def kill() -> None:
            mesh.kill_supervisor()

        r = await run_fault(mesh, "kill -9 supervisor, restart", kill, after=mesh.start)
        _check(r)
        assert "unreachable" in r.states, r.states
        assert all(mesh.pid_of(name) != pid for name, pid in children.items())
    finally:
        status, log = await mesh.stop(), mesh.log_text()
        shutil.rmtree(mesh.data_dir, ignore_errors=True)
        assert status == 0, log[-3000:]
