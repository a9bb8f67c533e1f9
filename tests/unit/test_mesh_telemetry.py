"""Which spans are recorded, how trace context crosses the queue, and what a scrape of the job counts reads."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.generation.metrics import GenerationCollector, QueueStats
from services.mesh import telemetry


@pytest.fixture
def recorded() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    provider = TracerProvider(sampler=telemetry.MeshSampler())
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    telemetry.set_enabled(True)


def test_roots_are_requests_and_messages_only(recorded: tuple[TracerProvider, InMemorySpanExporter]) -> None:
    provider, exporter = recorded
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT):
        pass  # a poll of the queue outside any request
    with tracer.start_as_current_span("internal"):
        pass
    with (
        tracer.start_as_current_span("GET /", kind=SpanKind.SERVER),
        tracer.start_as_current_span("SELECT", kind=SpanKind.CLIENT),
    ):
        pass
    with tracer.start_as_current_span("job attempt", kind=SpanKind.CONSUMER):
        pass
    assert sorted(s.name for s in exporter.get_finished_spans()) == ["GET /", "SELECT", "job attempt"]
    telemetry.set_enabled(False)
    with tracer.start_as_current_span("GET /", kind=SpanKind.SERVER) as span:
        assert not span.is_recording()
    assert len(exporter.get_finished_spans()) == 3


def test_a_stored_traceparent_continues_the_trace(recorded: tuple[TracerProvider, InMemorySpanExporter]) -> None:
    provider, exporter = recorded
    tracer = provider.get_tracer("t")
    assert telemetry.traceparent() == ""  # no span: nothing to store
    with tracer.start_as_current_span("CreateJob", kind=SpanKind.SERVER) as create:
        stored = telemetry.traceparent()
    ctx = create.get_span_context()
    assert stored.startswith(f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-")
    assert int(stored[-2:], 16) & 1  # sampled
    # Later, in a worker: a child span (not a CONSUMER root) of the request that created the job.
    with tracer.start_as_current_span("db", context=telemetry.context_of(stored), kind=SpanKind.CLIENT) as child:
        headers = telemetry.inject({"Nats-Msg-Id": "x:1"})
    assert child.get_span_context().trace_id == ctx.trace_id
    assert headers["traceparent"].split("-")[1] == f"{ctx.trace_id:032x}" and headers["Nats-Msg-Id"] == "x:1"
    assert {s.name for s in exporter.get_finished_spans()} == {"CreateJob", "db"}
    assert telemetry.context_of("") == telemetry.extract(None)


class _Store:
    def __init__(self) -> None:
        self.calls = 0

    async def queue_stats(self) -> QueueStats:
        self.calls += 1
        return QueueStats(
            {5: 3, 9: 1}, running=2, dead_letter=1, lease_expired=1, outbox_unpublished=4, outbox_oldest_s=7.5
        )


def test_a_scrape_reads_the_job_counts_on_the_servers_loop() -> None:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        store, registry, collector = _Store(), CollectorRegistry(), GenerationCollector()
        registry.register(collector)
        assert b"drishya_jobs" not in generate_latest(registry)  # nothing attached yet
        detach = collector.attach(store, loop, lambda: {"gemini": "open", "storyboard": "closed"})
        samples = {
            (s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(generate_latest(registry).decode())
            for s in family.samples
        }
        detach()
        assert store.calls == 1
        assert samples[("drishya_jobs", (("state", "queued"),))] == 4
        assert samples[("drishya_jobs", (("state", "running"),))] == 2
        assert samples[("drishya_jobs", (("state", "dead_letter"),))] == 1
        assert samples[("drishya_queue_depth", (("priority", "5"),))] == 3
        assert samples[("drishya_queue_depth", (("priority", "0"),))] == 0
        assert samples[("drishya_jobs_lease_expired", ())] == 1
        assert samples[("drishya_outbox_unpublished", ())] == 4
        assert samples[("drishya_outbox_oldest_unpublished_age_seconds", ())] == 7.5
        assert samples[("drishya_provider_breaker_state", (("provider", "gemini"), ("state", "open")))] == 1
        assert samples[("drishya_provider_breaker_state", (("provider", "gemini"), ("state", "closed")))] == 0
        assert b"drishya_jobs" not in generate_latest(registry)  # detached
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
