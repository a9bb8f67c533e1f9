"""Metrics, traces and logs of real gRPC servers on ephemeral ports, scraped and read as an operator would."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import httpx
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from drishya.analysis.v1 import analysis_service_pb2 as an_svc
from drishya.analysis.v1 import analysis_service_pb2_grpc as an_grpc
from drishya.prompt.v1 import prompt_service_pb2 as pr_svc
from drishya.prompt.v1 import prompt_service_pb2_grpc as pr_grpc
from services.analysis.config import AnalysisConfig
from services.analysis.server import SERVICE_NAME as ANALYSIS_SERVICE
from services.analysis.server import create_server as create_analysis_server
from services.mesh import logs, metrics, telemetry
from services.mesh.channels import channel
from services.mesh.server import MeshServer
from services.prompt.config import PromptConfig
from services.prompt.server import SERVICE_NAME as PROMPT_SERVICE
from services.prompt.server import create_server as create_prompt_server
from tests.integration.test_analysis_service import ENGLISH, wait_serving
from tests.tracing import memory_exporter, spans_of_trace

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(port: int) -> Samples:
    """Every sample at ``http://127.0.0.1:port/metrics``, parsed by prometheus-client's parser."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample ``name{labels}`` (0 when absent: a counter not yet incremented)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def servers() -> AsyncIterator[tuple[MeshServer, MeshServer, int]]:
    """The analysis and prompt servers, and the port of this process's metrics server."""
    analysis = await create_analysis_server(AnalysisConfig(port=0))
    prompt = await create_prompt_server(PromptConfig(port=0))
    try:
        yield analysis, prompt, metrics.serve_metrics(0, "127.0.0.1")
    finally:
        await prompt.stop(0.5)
        await analysis.stop(0.5)


async def test_calls_are_counted_by_code_on_both_sides(servers: tuple[MeshServer, MeshServer, int]) -> None:
    analysis, prompt, port = servers
    before = scrape(port)
    async with channel(f"127.0.0.1:{analysis.port}") as a_ch, channel(f"127.0.0.1:{prompt.port}") as p_ch:
        assert await wait_serving(a_ch, ANALYSIS_SERVICE) == health_pb2.HealthCheckResponse.SERVING
        assert await wait_serving(p_ch, PROMPT_SERVICE) == health_pb2.HealthCheckResponse.SERVING
        a_stub = an_grpc.AnalysisServiceStub(a_ch)  # type: ignore[no-untyped-call]
        p_stub = pr_grpc.PromptServiceStub(p_ch)  # type: ignore[no-untyped-call]
        await a_stub.AnalyzeScene(
            an_svc.AnalyzeSceneRequest(english_text=ENGLISH, source_text=ENGLISH, language_code="en"), timeout=30
        )
        for _ in range(2):
            with pytest.raises(grpc.aio.AioRpcError) as err:
                await p_stub.BuildPrompt(pr_svc.BuildPromptRequest(), timeout=10)
            assert err.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    after = scrape(port)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    analyze = {"service": ANALYSIS_SERVICE, "method": "AnalyzeScene"}
    build = {"service": PROMPT_SERVICE, "method": "BuildPrompt"}
    assert moved("drishya_grpc_server_requests_total", **analyze, code="OK") == 1
    assert moved("drishya_grpc_server_requests_total", **build, code="INVALID_ARGUMENT") == 2
    assert moved("drishya_grpc_client_requests_total", **analyze, code="OK") == 1
    assert moved("drishya_grpc_client_requests_total", **build, code="INVALID_ARGUMENT") == 2
    assert moved("drishya_grpc_server_request_duration_seconds_count", **analyze) == 1
    assert moved("drishya_grpc_client_request_duration_seconds_count", **build) == 2
    assert moved("drishya_grpc_server_request_duration_seconds_sum", **analyze) > 0
    # Health probes are not traffic.
    health = {"service": "grpc.health.v1.Health", "method": "Check", "code": "OK"}
    assert value(after, "drishya_grpc_server_requests_total", **health) == 0
    assert ("drishya_event_loop_lag_seconds", frozenset()) in after


async def test_one_trace_runs_through_client_and_server(servers: tuple[MeshServer, MeshServer, int]) -> None:
    analysis, _, _ = servers
    exporter = memory_exporter()
    tracer = telemetry.tracer(__name__)
    async with channel(f"127.0.0.1:{analysis.port}") as ch:
        stub = an_grpc.AnalysisServiceStub(ch)  # type: ignore[no-untyped-call]
        with tracer.start_as_current_span("request", kind=SpanKind.SERVER) as root:
            await stub.AnalyzeScene(
                an_svc.AnalyzeSceneRequest(english_text=ENGLISH, source_text=ENGLISH, language_code="en"), timeout=30
            )
        untraced_before = len(exporter.get_finished_spans())
        await stub.AnalyzeScene(
            an_svc.AnalyzeSceneRequest(english_text=ENGLISH, source_text=ENGLISH, language_code="en"), timeout=30
        )
    trace_id = root.get_span_context().trace_id
    spans = spans_of_trace(trace_id)
    kinds = {(s.kind, s.name) for s in spans}
    method = f"{ANALYSIS_SERVICE}/AnalyzeScene"
    assert (SpanKind.CLIENT, f"/{method}") in kinds or (SpanKind.CLIENT, method) in kinds, kinds
    server = [s for s in spans if s.kind is SpanKind.SERVER and s.name.endswith("AnalyzeScene")]
    assert len(server) == 1 and server[0].parent is not None
    # A call made outside any span opens no client trace of its own; the server side is a root span.
    new = exporter.get_finished_spans()[untraced_before:]
    assert not [s for s in new if s.kind is SpanKind.CLIENT and s.name.endswith("AnalyzeScene") and s.parent is None]


async def test_request_and_job_ids_reach_the_server_as_metadata(servers: tuple[MeshServer, MeshServer, int]) -> None:
    """The client interceptor sends the bound ids as metadata; the server interceptor binds them while
    the handler runs (a probe service records what it sees bound)."""
    from services.mesh.server import build_server

    seen: list[tuple[str, str]] = []

    class Probe:
        async def Check(
            self, request: health_pb2.HealthCheckRequest, context: object
        ) -> health_pb2.HealthCheckResponse:
            seen.append((logs.request_id_var.get(), logs.job_id_var.get()))
            return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

    # A service name outside "grpc." so the interceptor treats it as traffic.
    handler = grpc.method_handlers_generic_handler(
        "drishya.probe.v1.ProbeService",
        {
            "Check": grpc.unary_unary_rpc_method_handler(
                Probe().Check,
                request_deserializer=health_pb2.HealthCheckRequest.FromString,
                response_serializer=health_pb2.HealthCheckResponse.SerializeToString,
            )
        },
    )
    server = await build_server(
        "probe", port=0, register=lambda s: s.add_generic_rpc_handlers([handler]), service_names=[]
    )
    try:
        async with channel(f"127.0.0.1:{server.port}") as ch:
            call = ch.unary_unary(
                "/drishya.probe.v1.ProbeService/Check",
                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                response_deserializer=health_pb2.HealthCheckResponse.FromString,
            )
            await call(health_pb2.HealthCheckRequest(), timeout=5)
            with logs.bind(request_id="req-42", job_id="job-7"):
                await call(health_pb2.HealthCheckRequest(), timeout=5)
    finally:
        await server.stop(0.5)
    assert seen == [("", ""), ("req-42", "job-7")]


def test_setup_process_serves_metrics_and_writes_json_logs() -> None:
    """One call per process: JSON logs on stderr, a tracer provider with the service's name, /metrics."""
    code = (
        "import logging, httpx\n"
        "from opentelemetry import trace\n"
        "from services.mesh import telemetry\n"
        "port = telemetry.setup_process('probe')\n"
        "assert telemetry.setup_process('probe') == port\n"
        "res = trace.get_tracer_provider().resource.attributes\n"
        "logging.getLogger('probe').warning('metrics on %d as %s', port, res['service.name'])\n"
        "body = httpx.get(f'http://127.0.0.1:{port}/metrics').text\n"
        "assert 'drishya_grpc_server_requests_total' in body or 'drishya_grpc_server_requests' in body\n"
    )
    env = {"DRISHYA_METRICS_PORT": "0", "DRISHYA_METRICS_HOST": "127.0.0.1", "DRISHYA_LOG_FORMAT": "json"}
    proc = subprocess.run(
        [sys.executable, "-c", code], env={**_base_env(), **env}, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    mine = [line for line in lines if line.get("logger") == "probe"]
    assert len(mine) == 1, proc.stderr
    assert mine[0]["level"] == "WARNING" and mine[0]["service"] == "probe"
    assert mine[0]["message"].startswith("metrics on ") and mine[0]["message"].endswith(" as drishya-probe")


def _base_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DRISHYA_"))}


async def test_channels_spread_calls_over_every_address_and_retry_past_a_dead_one() -> None:
    """round_robin: two replicas behind one target share the calls; with one stopped, calls still succeed."""
    from services.mesh.server import build_server

    hits: list[str] = []

    def probe(name: str) -> Any:
        async def check(request: health_pb2.HealthCheckRequest, context: object) -> health_pb2.HealthCheckResponse:
            hits.append(name)
            return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

        return grpc.method_handlers_generic_handler(
            "drishya.probe.v1.ProbeService",
            {
                "Check": grpc.unary_unary_rpc_method_handler(
                    check,
                    request_deserializer=health_pb2.HealthCheckRequest.FromString,
                    response_serializer=health_pb2.HealthCheckResponse.SerializeToString,
                )
            },
        )

    def register(name: str) -> Callable[[grpc.aio.Server], None]:
        return lambda server: server.add_generic_rpc_handlers([probe(name)])

    replicas = [await build_server(n, port=0, register=register(n), service_names=[]) for n in ("a", "b")]
    target = "ipv4:" + ",".join(f"127.0.0.1:{r.port}" for r in replicas)
    try:
        async with channel(target) as ch:
            call = ch.unary_unary(
                "/drishya.probe.v1.ProbeService/Check",
                request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
                response_deserializer=health_pb2.HealthCheckResponse.FromString,
            )
            await ch.channel_ready()
            for _ in range(20):
                await call(health_pb2.HealthCheckRequest(), timeout=5)
            # round_robin: both share the calls (the second subchannel may get ready a call or two late)
            assert len(hits) == 20 and min(hits.count("a"), hits.count("b")) >= 6, hits
            await replicas[0].stop(0)
            hits.clear()
            for _ in range(5):
                await call(health_pb2.HealthCheckRequest(), timeout=5)
            assert hits == ["b"] * 5
    finally:
        for r in replicas:
            await r.stop(0)
