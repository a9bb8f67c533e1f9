"""The database an admin command (``drishya keys ...``) works on, without disturbing a running mesh.

In order of preference:

1. ``DATABASE_URL`` when it is set: that server, which the command never starts or stops.
2. The PostgreSQL already running on ``<data dir>/postgres`` (started by ``drishya up``'s
   supervisor, by a local mesh or by another command): found through its ``postmaster.pid``
   (line 1 the pid, line 4 the port, line 5 the Unix socket directory, as PostgreSQL writes it),
   used as it is and left running.
3. Only when no server runs there: the embedded PostgreSQL is started for the command and stopped
   after it.

When the data directory's supervisor holds ``<data dir>/run/supervisor.lock`` but its PostgreSQL is
not running (it is starting or being restarted), the command fails as UNREACHABLE rather than
start a second server on the same data directory.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import subprocess
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

from services.cli.outcomes import CliError, Exit


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def running_database_url(pgdata: Path) -> str | None:
    """The SQLAlchemy URL of the PostgreSQL serving ``pgdata``, or None when none runs there.

    Reads ``pgdata/postmaster.pid``: the server must be alive under the recorded pid and report
    ``ready``; the URL connects as ``postgres`` over its Unix socket
    (``postgresql+psycopg://postgres:@/postgres?host=<socket dir>&port=<port>``), or over TCP on
    127.0.0.1 when it has no socket directory.
    """
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 5:
        return None
    try:
        pid, port = int(lines[0]), int(lines[3])
    except ValueError:
        return None
    if pid <= 1 or not _alive(pid):
        return None
    if len(lines) >= 8 and lines[7].strip() and lines[7].strip() != "ready":
        return None
    socket_dir = lines[4].strip()
    if socket_dir:
        return f"postgresql+psycopg://postgres:@/postgres?host={socket_dir}&port={port}"
    return f"postgresql+psycopg://postgres:@127.0.0.1:{port}/postgres"


def supervisor_running(data_dir: Path) -> bool:
    """Whether a ``drishya up`` (or ``drishya worker``) supervisor holds ``data_dir``'s lock."""
    lock = data_dir / "run" / "supervisor.lock"
    if not lock.exists():
        return False
    with lock.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f, fcntl.LOCK_UN)
    return False


@contextlib.asynccontextmanager
async def admin_database(data_dir: Path, env: Mapping[str, str] | None = None) -> AsyncIterator[str]:
    """Yield a database URL for an admin command (see the module docstring for which).

    Raises:
        CliError: UNREACHABLE when the supervisor of ``data_dir`` runs but its PostgreSQL does not
            answer, or the embedded one cannot start.
    """
    e = os.environ if env is None else env
    given = e.get("DATABASE_URL", "").strip()
    if given:
        yield given
        return
    data_dir = data_dir.resolve()
    running = running_database_url(data_dir / "postgres")
    if running is not None:
        yield running
        return
    if supervisor_running(data_dir):
        raise CliError(
            f"the mesh running on {data_dir} has no PostgreSQL serving yet; try again in a moment",
            Exit.UNREACHABLE,
        )
    from services.mesh.infra import EmbeddedInfra, InfraError

    infra = EmbeddedInfra(data_dir, env={k: v for k, v in e.items() if k != "DATABASE_URL"})
    try:
        urls = await asyncio.to_thread(lambda: infra.start(redis=False, nats=False))
    except (InfraError, OSError, subprocess.SubprocessError) as exc:
        raise CliError(f"cannot start the embedded PostgreSQL in {data_dir}: {exc}", Exit.UNREACHABLE) from None
    try:
        yield urls.database_url
    finally:
        await asyncio.to_thread(infra.stop)
