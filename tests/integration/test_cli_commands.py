"""``drishya keys`` against a data directory whose PostgreSQL is already running, or not.

An admin command uses the running server and leaves it running; it starts (and then stops) the
embedded one only when none runs. Each command runs as its own process, as a user would run it.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from services.cli.admin_db import running_database_url, supervisor_running
from services.cli.outcomes import Exit
from services.cli.processes import postgres_child
from services.cli.supervisor import RestartPolicy, Supervisor
from services.gateway import keys
from services.mesh.db import create_engine
from services.mesh.infra import EmbeddedInfra

DRISHYA = str(Path(sys.executable).parent / "drishya")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DRISHYA_DATA_DIR")}
    return {**env, "DRISHYA_API_KEY": ""}


async def _drishya(data_dir: Path, *args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        DRISHYA,
        "--data-dir",
        str(data_dir),
        *args,
        env=_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, out.decode(), err.decode()


def _serves(pgdata: Path) -> bool:
    """Whether the PostgreSQL of ``pgdata`` answers a query now."""
    url = running_database_url(pgdata)
    if url is None:
        return False
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, connect_timeout=5) as conn:
        return conn.execute("SELECT 1").fetchone() == (1,)


async def _authenticates(pgdata: Path, secret: str) -> bool:
    url = running_database_url(pgdata)
    assert url is not None
    engine = create_engine(url, pool_size=1)
    try:
        return await keys.authenticate(engine, secret) is not None
    finally:
        await engine.dispose()


async def test_keys_commands_leave_the_supervised_postgres_of_drishya_up_running(tmp_path: Path) -> None:
    data = tmp_path.resolve()
    pgdata = data / "postgres"
    pg, _ = await asyncio.to_thread(postgres_child, pgdata, dict(os.environ))
    sup = Supervisor(data / "run", [[pg]], RestartPolicy())
    sup.lock()  # as `drishya up` does
    try:
        await sup.start()
        pid = sup.pid_of("postgres")
        assert pid is not None and _serves(pgdata) and supervisor_running(data)

        code, out, err = await _drishya(data, "keys", "create", "--name", "alice")
        assert code == Exit.OK, err
        secret = out.strip()
        assert secret.startswith("dk_")
        assert sup.pid_of("postgres") == pid and sup.restarts_of("postgres") == 0
        assert _serves(pgdata), "keys create stopped the mesh's PostgreSQL"
        assert await _authenticates(pgdata, secret)

        code, out, err = await _drishya(data, "keys", "list", "--json")
        assert code == Exit.OK, err
        listed = json.loads(out)["keys"]
        key_id = next(k["key_id"] for k in listed if k["name"] == "alice")
        assert all("secret" not in k and "key_hash" not in k for k in listed)
        code, out, err = await _drishya(data, "keys", "list")
        assert code == Exit.OK and key_id in out and "alice" in out and "dk_" not in out

        code, out, err = await _drishya(data, "keys", "revoke", key_id)
        assert code == Exit.OK, err
        assert not await _authenticates(pgdata, secret)
        code, _, err = await _drishya(data, "keys", "revoke", key_id)
        assert code == Exit.NOT_FOUND and key_id in err
        code, out, _ = await _drishya(data, "keys", "list", "--json")
        assert key_id not in out
        code, out, _ = await _drishya(data, "keys", "list", "--all", "--json")
        assert next(k for k in json.loads(out)["keys"] if k["key_id"] == key_id)["revoked_at"]

        assert sup.pid_of("postgres") == pid and _serves(pgdata)
    finally:
        await sup.stop()
    assert running_database_url(pgdata) is None


async def test_keys_create_leaves_an_embedded_postgres_it_did_not_start_running(tmp_path: Path) -> None:
    data = tmp_path.resolve()
    infra = EmbeddedInfra(data, env=_env())
    await asyncio.to_thread(lambda: infra.start(redis=False, nats=False))
    try:
        assert _serves(data / "postgres")
        code, out, err = await _drishya(data, "keys", "create", "--name", "bob", "--json")
        assert code == Exit.OK, err
        created = json.loads(out)
        assert created["name"] == "bob" and created["secret"].startswith("dk_")
        assert _serves(data / "postgres"), "keys create stopped a PostgreSQL it did not start"
        assert await _authenticates(data / "postgres", created["secret"])
    finally:
        await asyncio.to_thread(infra.stop)


async def test_keys_create_starts_and_stops_the_embedded_postgres_when_none_runs(tmp_path: Path) -> None:
    data = tmp_path.resolve()
    code, out, err = await _drishya(data, "keys", "create", "--name", "carol")
    assert code == Exit.OK, err
    assert out.strip().startswith("dk_")
    assert running_database_url(data / "postgres") is None  # stopped again: it started it
    code, out, err = await _drishya(data, "keys", "list", "--json")
    assert code == Exit.OK, err
    assert [k["name"] for k in json.loads(out)["keys"]] == ["carol"]


async def test_keys_refuse_to_start_a_second_postgres_under_a_running_supervisor(tmp_path: Path) -> None:
    data = tmp_path.resolve()
    (data / "run").mkdir()
    with (data / "run" / "supervisor.lock").open("a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        code, _, err = await _drishya(data, "keys", "create")
    assert code == Exit.UNREACHABLE
    assert "no PostgreSQL serving" in err and "Traceback" not in err
    assert not (data / "postgres").exists()


def test_an_unreachable_database_url_is_one_line_and_exit_6(tmp_path: Path) -> None:
    env = {**_env(), "DATABASE_URL": "postgresql+psycopg://postgres:@127.0.0.1:9/postgres?connect_timeout=2"}
    proc = subprocess.run(
        [DRISHYA, "--data-dir", str(tmp_path), "keys", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == Exit.UNREACHABLE
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


async def test_roles_levels_and_plans_are_set_and_the_audit_trail_shows_who_did_it(tmp_path: Path) -> None:
    data = tmp_path.resolve()
    infra = EmbeddedInfra(data, env=_env())
    await asyncio.to_thread(lambda: infra.start(redis=False, nats=False))
    try:
        code, out, err = await _drishya(data, "keys", "create", "--name", "dana", "--role", "reviewer", "--json")
        assert code == Exit.OK, err
        key_id = json.loads(out)["key_id"]
        for args in (
            ("trust", key_id, "restricted", "--reason", "spam"),
            ("plan", key_id, "pro"),
            ("role", key_id, "user"),
        ):
            code, _, err = await _drishya(data, "keys", *args)
            assert code == Exit.OK, err
        code, _, err = await _drishya(data, "keys", "trust", key_id, "royal")
        assert code == Exit.USAGE and "invalid choice" in err
        code, _, err = await _drishya(data, "keys", "plan", "0000000000000000", "pro")
        assert code == Exit.NOT_FOUND and "0000000000000000" in err
        code, out, err = await _drishya(data, "keys", "list", "--json")
        listed = next(k for k in json.loads(out)["keys"] if k["key_id"] == key_id)
        assert (listed["role"], listed["trust_level"], listed["plan"]) == ("user", "restricted", "pro")

        code, out, err = await _drishya(data, "audit", "--target", f"key:{key_id}", "--json")
        assert code == Exit.OK, err
        events = json.loads(out)["events"]
        assert [e["action"] for e in reversed(events)] == [
            "key.created",
            "key.trust_set",
            "key.plan_set",
            "key.role_set",
        ]
        assert all(e["actor"].startswith("operator:") for e in events)
        assert next(e for e in events if e["action"] == "key.trust_set")["reason"] == "spam"
        code, _, err = await _drishya(data, "audit", "--since", "yesterday")
        assert code == Exit.REFUSED and "ISO 8601" in err
    finally:
        await asyncio.to_thread(infra.stop)
