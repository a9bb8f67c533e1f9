"""The supervisor with real child processes: restarts, stale pid files, children dying with it; NATS access."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import nats
import pytest

from services.cli.supervisor import ChildSpec, RestartPolicy, Supervisor, SupervisorError, clean_stale
from services.mesh.infra import InfraUrls


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


async def test_a_child_that_dies_is_restarted_with_backoff_and_stopped_in_order(tmp_path: Path) -> None:
    flaky = ChildSpec("flaky", [sys.executable, "-c", "import sys; sys.exit(3)"], dict(os.environ))
    steady = ChildSpec("steady", [sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ))
    sup = Supervisor(tmp_path / "run", [[steady], [flaky]], RestartPolicy(base_s=0.01, cap_s=0.04))
    sup.lock()
    try:
        await sup.start()
        restarted: list[str] = []
        for _ in range(500):
            restarted += sup.poll()
            if sup.restarts_of("flaky") >= 3:
                break
            await asyncio.sleep(0.01)
        assert sup.restarts_of("flaky") >= 3 and set(restarted) == {"flaky"}
        assert sup.restarts_of("steady") == 0
        steady_pid = sup.pid_of("steady")
        assert steady_pid is not None and (tmp_path / "run" / "steady.pid").read_text().startswith(str(steady_pid))
        with pytest.raises(SupervisorError):  # one supervisor per data directory
            Supervisor(tmp_path / "run", []).lock()
    finally:
        await sup.stop()
    assert not _alive(steady_pid)
    assert not (tmp_path / "run" / "steady.pid").exists()


def test_stale_pid_files_and_postgres_locks_are_cleaned(tmp_path: Path) -> None:
    run, pgdata = tmp_path / "run", tmp_path / "postgres"
    run.mkdir()
    pgdata.mkdir()
    orphan = subprocess.Popen(["sleep", "600"])
    try:
        for _ in range(200):  # the pid file names the program: wait until the child runs it
            if Path(f"/proc/{orphan.pid}/cmdline").read_bytes().startswith(b"sleep"):
                break
            time.sleep(0.01)
        (run / "nats.pid").write_text(f"{orphan.pid}\nsleep\n")
        (run / "redis.pid").write_text("999999999\nredis-server\n")  # long gone
        (pgdata / "postmaster.pid").write_text(f"999999999\n{pgdata}\n")
        (pgdata / ".s.PGSQL.5432.lock").write_text("999999999\n")
        (pgdata / ".handle_pids.json").write_text("[123]")
        done = clean_stale(run, pgdata)
        assert orphan.wait(10) == -signal.SIGKILL
        assert any("killed stale nats" in d for d in done)
        assert list(run.glob("*.pid")) == []
        assert not (pgdata / "postmaster.pid").exists()
        assert not (pgdata / ".s.PGSQL.5432.lock").exists()
        assert not (pgdata / ".handle_pids.json").exists()
    finally:
        orphan.kill()
        orphan.wait()


def test_children_die_with_a_supervisor_killed_by_sigkill(tmp_path: Path) -> None:
    run = tmp_path / "run"
    script = textwrap.dedent(
        f"""
        import asyncio, os, sys
        from pathlib import Path
        from services.cli.supervisor import ChildSpec, Supervisor
        async def main():
            child = ChildSpec("sleeper", ["sleep", "600"], dict(os.environ))
            sup = Supervisor(Path({str(run)!r}), [[child]])
            await sup.start()
            print(sup.pid_of("sleeper"), flush=True)
            await asyncio.sleep(600)
        asyncio.run(main())
        """
    )
    sup = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert sup.stdout is not None
        child_pid = int(sup.stdout.readline())
        assert _alive(child_pid)
        sup.kill()
        sup.wait()
        deadline = time.monotonic() + 10
        while _alive(child_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(child_pid)  # PR_SET_PDEATHSIG: the kernel killed it with its parent
    finally:
        sup.kill()


async def test_nats_refuses_a_client_without_credentials(infra: InfraUrls) -> None:
    if "@" not in infra.nats_url:
        pytest.skip("NATS_URL points at an external server without credentials in the URL")
    bare = "nats://" + infra.nats_url.split("@", 1)[1]
    with pytest.raises(Exception, match="Authorization Violation"):
        await nats.connect(bare, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=2)
    nc = await nats.connect(infra.nats_url, allow_reconnect=False, connect_timeout=2)
    try:
        assert nc.is_connected
    finally:
        await nc.close()
