"""The containers' commands and environment, run as plain processes: every gRPC service starts from
deploy/compose.yaml's settings and answers grpc.health.v1 SERVING on a wildcard-bound socket.

No Docker engine is needed: each service's ``command`` runs here with the compose environment
translated to this machine (the session's PostgreSQL/Redis/NATS, free ports, local directories,
``file://`` media instead of MinIO) and ``DRISHYA_BIND_HOST=0.0.0.0`` kept as compose sets it. The
probe is the one the containers' health checks run (``python -m services.mesh.healthcheck``),
aimed at 127.0.0.2: a socket bound to 127.0.0.1 alone would refuse it, one bound to 0.0.0.0 answers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
import sqlalchemy as sa
import yaml

from services.cli.migrate import SCHEMAS
from services.mesh import config as mc
from services.mesh.healthcheck import check
from services.mesh.infra import InfraUrls, free_port
from services.mesh.pdeathsig import guarded_argv

ROOT = Path(__file__).resolve().parents[2]
GRPC_SERVICES = ("language", "analysis", "prompt", "moderation", "delivery", "generation", "story")
WILDCARD_PROBE_HOST = "127.0.0.2"
START_TIMEOUT_S = 180.0


def _compose_env(service: str) -> dict[str, str]:
    doc = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    env = doc["services"][service]["environment"]
    return {k: str(v) for k, v in env.items()}


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (/proc/net/tcp and tcp6; ``::`` is
    the IPv6 wildcard, which gRPC binds for ``0.0.0.0`` where the host has IPv6, dual-stack)."""
    found = set()
    for table in ("tcp", "tcp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            hex_ip, hex_port = fields[1].split(":")
            if fields[3] != "0A" or int(hex_port, 16) != port:  # 0A: LISTEN
                continue
            raw = bytes.fromhex(hex_ip)
            if table == "tcp":
                found.add(".".join(str(b) for b in reversed(raw)))
            else:
                found.add("::" if not any(raw) else hex_ip)
    return found


def _translate(
    compose_env: dict[str, str], ports: dict[str, int], infra: InfraUrls, database_url: str, data: Path
) -> dict[str, str]:
    """The compose environment with container names, volumes and the object store made local."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRISHYA_", "AWS_", "OTEL_"))}
    for key, value in compose_env.items():
        if "${" in value or key.startswith("AWS_"):
            continue  # credentials of MinIO and the like: no MinIO here
        env[key] = value
    env["DATABASE_URL"], env["REDIS_URL"], env["NATS_URL"] = database_url, infra.redis_url, infra.nats_url
    for name, port in ports.items():
        container_addr = compose_env[mc.ADDRESS_VARS[name]]
        assert container_addr == f"{name}:{mc.DEFAULT_PORTS[name][1]}"
        env[mc.ADDRESS_VARS[name]] = f"127.0.0.1:{port}"
        env[mc.DEFAULT_PORTS[name][0]] = str(port)
    env["DRISHYA_DATA_DIR"] = str(data)
    env["DRISHYA_MEDIA_ROOT"] = str(data / "media")
    env["DRISHYA_MEDIA_URL"] = (data / "media").as_uri()
    env["DRISHYA_METRICS_PORT"] = str(free_port())
    env["DRISHYA_NLLB_MODEL"] = "off"
    return env


@pytest.fixture(scope="module")
def mesh(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, int]]:
    """Every gRPC service started from its compose command; yields each one's port."""
    data = tmp_path_factory.mktemp("deploy-data")
    (data / "media").mkdir()
    database_url = make_database("deploy")
    ports = {name: free_port() for name in GRPC_SERVICES}
    procs: dict[str, subprocess.Popen[bytes]] = {}
    logs: list[IO[bytes]] = []
    try:
        for name in GRPC_SERVICES:
            compose_env = _compose_env(name)
            assert compose_env["DRISHYA_BIND_HOST"] == "0.0.0.0"
            command = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())["services"][name]["command"]
            assert command[0] == "python"
            log = (data / f"{name}.log").open("wb")
            logs.append(log)
            env = _translate(compose_env, ports, infra, database_url, data)
            procs[name] = subprocess.Popen(
                guarded_argv([sys.executable, *command[1:]], env),
                env=env,
                cwd=data,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        yield ports
    finally:
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for handle in logs:
            handle.close()
        for name, p in procs.items():
            log_text = (data / f"{name}.log").read_text(errors="replace")
            if p.returncode not in (0, -15):
                print(f"--- {name} exited {p.returncode}:\n{log_text[-3000:]}")


def _wait_serving(address: str, service: str, proc_name: str) -> str:
    deadline = time.monotonic() + START_TIMEOUT_S
    status = "UNAVAILABLE"
    while time.monotonic() < deadline:
        status = check(address, service, timeout_s=2.0)
        if status == "SERVING":
            return status
        time.sleep(0.5)
    return f"{proc_name}: {status} after {START_TIMEOUT_S:.0f} s"


@pytest.mark.parametrize("name", GRPC_SERVICES)
def test_each_service_serves_health_on_a_wildcard_socket(mesh: dict[str, int], name: str) -> None:
    import importlib

    port = mesh[name]
    service_name = importlib.import_module(f"services.{name}.server").SERVICE_NAME
    address = f"{WILDCARD_PROBE_HOST}:{port}"
    assert _wait_serving(address, service_name, name) == "SERVING"
    listening = _listening_addresses(port)
    assert listening & {"0.0.0.0", "::"}, listening
    assert "127.0.0.1" not in listening
    probe = subprocess.run(
        [sys.executable, "-m", "services.mesh.healthcheck", address, "--service", service_name],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode == 0, probe.stdout + probe.stderr
    assert probe.stdout.strip() == f"{address} {service_name} SERVING"
    unknown = subprocess.run(
        [sys.executable, "-m", "services.mesh.healthcheck", address, "--service", "no.such.Service"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (unknown.returncode, unknown.stdout.split()[-1]) == (1, "NOT_FOUND")


def test_liveness_probe_fails_on_a_closed_port() -> None:
    port = free_port()
    probe = subprocess.run(
        [sys.executable, "-m", "services.mesh.healthcheck", f"127.0.0.1:{port}", "--live", "--timeout", "1"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode == 1
    assert probe.stdout.split()[-1] in {"UNAVAILABLE", "DEADLINE_EXCEEDED"}


def test_migrate_entrypoint_applies_every_schema_once(make_database: Callable[[str], str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRISHYA_")}
    env["DATABASE_URL"] = make_database("migrate")
    first = subprocess.run(
        [sys.executable, "-m", "services.cli.migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    counts = dict(re.findall(r"^(\w+): (\d+) migration", first.stdout, re.M))
    assert set(counts) == set(SCHEMAS)
    assert all(int(counts[s]) == len(SCHEMAS[s]) > 0 for s in SCHEMAS)
    again = subprocess.run(
        [sys.executable, "-m", "services.cli.migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr
    assert set(re.findall(r"^\w+: (\d+) migration", again.stdout, re.M)) == {"0"}
    # The KEDA trigger's query (deploy/k8s/base/worker.yaml) runs against the migrated schema.
    worker = yaml.safe_load_all((ROOT / "deploy" / "k8s" / "base" / "worker.yaml").read_text())
    (so,) = (d for d in worker if d["kind"] == "ScaledObject")
    query = so["spec"]["triggers"][0]["metadata"]["query"]
    engine = sa.create_engine(env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            assert conn.execute(sa.text(query)).scalar_one() == 0
    finally:
        engine.dispose()


def test_migrate_entrypoint_fails_without_a_database() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRISHYA_")}
    env["DATABASE_URL"] = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"
    run = subprocess.run(
        [sys.executable, "-m", "services.cli.migrate"], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 1
    assert run.stderr.startswith("migration failed: OperationalError")
