"""Spans of this test process kept in memory: the process's tracer provider plus an in-memory exporter."""

from __future__ import annotations

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from services.mesh import telemetry

_exporter: InMemorySpanExporter | None = None


def memory_exporter() -> InMemorySpanExporter:
    """The exporter every span of this process also goes to (the provider is set up once, here or
    by whoever came first).

    Raises:
        RuntimeError: tracing is disabled (``OTEL_SDK_DISABLED=true``).
    """
    global _exporter
    if _exporter is None:
        provider = telemetry.setup_tracing("tests")
        if provider is None:
            raise RuntimeError("tracing is disabled in this process (OTEL_SDK_DISABLED)")
        _exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(_exporter))
    return _exporter


def spans_of_trace(trace_id: int) -> list[ReadableSpan]:
    """The finished spans of one trace so far."""
    return [
        s for s in memory_exporter().get_finished_spans() if s.context is not None and s.context.trace_id == trace_id
    ]
