"""One job through the whole mesh is one trace, and its work shows in the gateway's /metrics."""

from __future__ import annotations

import httpx
import pytest
from opentelemetry.trace import SpanKind
from prometheus_client.parser import text_string_to_metric_families

from services.cli.local import LocalMesh
from tests.e2e.conftest import submit_and_follow
from tests.tracing import memory_exporter, spans_of_trace

pytestmark = pytest.mark.e2e

SCENE = "A young girl dances in the rain in front of an old temple at dusk while her friends watch."
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(http: httpx.AsyncClient) -> Samples:
    """The gateway's /metrics (this process's registry: every service of the in-process mesh)."""
    r = await http.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_one_trace_from_http_request_to_delivery(mesh: LocalMesh, http: httpx.AsyncClient) -> None:
    exporter = memory_exporter()
    before = await scrape(http)
    run = await submit_and_follow(http, SCENE)
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job

    mine = [
        s
        for s in exporter.get_finished_spans()
        if s.name == "job attempt" and (s.attributes or {}).get("drishya.job_id") == run.job_id
    ]
    assert mine and mine[0].context is not None
    spans = spans_of_trace(mine[0].context.trace_id)
    names = [s.name for s in spans]
    # The trace starts at the client's HTTP request to the gateway.
    roots = [s for s in spans if s.parent is None]
    assert [(s.name, s.kind) for s in roots] == [("POST /v1/jobs", SpanKind.SERVER)], names
    assert (roots[0].attributes or {}).get("http.status_code") == 201

    def has(suffix: str, kind: SpanKind) -> bool:
        return any(s.name.endswith(suffix) and s.kind is kind for s in spans)

    # gateway → generation.CreateJob → (the job row) → the worker's attempt → every stage → delivery.
    assert has("GenerationService/CreateJob", SpanKind.CLIENT), names
    assert has("GenerationService/CreateJob", SpanKind.SERVER), names
    attempts = [s for s in spans if s.name == "job attempt"]  # one, unless a transient failure retried it
    assert attempts and all(s.kind is SpanKind.CONSUMER for s in attempts), names
    assert all((s.attributes or {}).get("drishya.job_id") == run.job_id for s in attempts)
    assert (attempts[-1].attributes or {}).get("drishya.outcome") == "succeeded"
    stages = {s.name.removeprefix("stage ") for s in spans if s.name.startswith("stage ")}
    assert stages == {
        "moderate_text",
        "detect_language",
        "translate",
        "analyze",
        "build_prompt",
        "render",
        "assemble",
        "moderate_video",
        "publish",
    }
    assert any(s.name == "provider storyboard" for s in spans), names
    for service in ("ModerationService/CheckText", "AnalysisService/AnalyzeScene", "DeliveryService/Publish"):
        assert has(service, SpanKind.SERVER), (service, names)
    publish_stages = {s.context.span_id for s in spans if s.name == "stage publish" and s.context is not None}
    deliveries = [s for s in spans if s.name.endswith("DeliveryService/Publish") and s.kind is SpanKind.CLIENT]
    assert any(d.parent is not None and d.parent.span_id in publish_stages for d in deliveries), names
    # The job's events carry the trace over NATS.
    assert any(s.name == "publish drishya.jobs events" and s.kind is SpanKind.PRODUCER for s in spans), names
    # Database statements are spans of the trace too.
    assert any(s.kind is SpanKind.CLIENT and (s.attributes or {}).get("db.system") == "postgresql" for s in spans)

    after = await scrape(http)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("drishya_http_server_requests_total", method="POST", route="/v1/jobs", code="201") >= 1
    assert moved("drishya_job_attempts_total", outcome="succeeded") >= 1
    assert moved("drishya_job_stage_duration_seconds_count", stage="render") >= 1
    assert moved("drishya_provider_calls_total", provider="storyboard", outcome="ok") >= 1
    assert moved("drishya_render_realtime_factor_count") >= 1
    service = "drishya.generation.v1.GenerationService"
    assert moved("drishya_grpc_server_requests_total", service=service, method="CreateJob", code="OK") >= 1
    assert moved("drishya_grpc_client_requests_total", service=service, method="CreateJob", code="OK") >= 1
    assert value(after, "drishya_provider_breaker_state", provider="storyboard", state="closed") == 1
    assert value(after, "drishya_provider_breaker_state", provider="storyboard", state="open") == 0
    # Read from the job table on the scrape: the job is done, so nothing of it is queued or running.
    assert ("drishya_jobs", frozenset({("state", "queued")})) in after
    assert ("drishya_queue_depth", frozenset({("priority", "5")})) in after
    assert ("drishya_outbox_oldest_unpublished_age_seconds", frozenset()) in after
    assert value(after, "drishya_sse_watchers") == 0  # the stream above has closed
