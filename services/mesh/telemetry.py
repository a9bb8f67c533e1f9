"""Traces: one OpenTelemetry tracer provider per process, W3C trace context across gRPC, NATS and the queue.

:func:`setup_process` is the one call each process makes at start (logs, traces, metrics).
:func:`setup_tracing` installs the SDK's ``TracerProvider`` from the standard ``OTEL_*`` variables
(https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/):

* ``OTEL_SERVICE_NAME`` (else ``drishya-<service>``) and ``OTEL_RESOURCE_ATTRIBUTES`` make the resource;
* ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) switches the OTLP/gRPC
  exporter on, batched; without it spans are recorded (trace ids reach the logs) and nothing is sent;
* ``OTEL_SDK_DISABLED=true`` turns tracing off altogether.

Sampling (:class:`MeshSampler`): a span with a parent follows its parent's decision; a span without one
is recorded only when it starts work that came from outside the process (kind SERVER or CONSUMER), so
a database poll or a health probe never opens a trace of its own. Health and reflection RPCs are not
traced (:data:`GRPC_UNTRACED`). :func:`set_enabled` switches recording off and on at run time (used by
``benchmarks/e2e.py`` to measure the overhead with one mesh).

Trace context travels as W3C ``traceparent`` (https://www.w3.org/TR/trace-context/): in gRPC metadata
(the grpc instrumentation), in NATS message headers (:func:`inject`, :func:`extract`) and in the job
row, so a worker continues the trace of the request that created the job (:func:`context_of`).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.grpc import filters
from opentelemetry.propagate import extract as _extract
from opentelemetry.propagate import inject as _inject
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.sampling import Decision, Sampler, SamplingResult
from opentelemetry.trace import Link, SpanKind
from opentelemetry.util.types import Attributes

log = logging.getLogger(__name__)

#: gRPC services whose calls are never traced (probes and tooling, not work).
GRPC_UNTRACED = ("grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection")

_lock = threading.Lock()
_provider: TracerProvider | None = None
_enabled = True


def grpc_filter() -> Any:
    """The grpc instrumentation's filter that leaves :data:`GRPC_UNTRACED` services out."""
    return filters.negate(filters.any_of(*(filters.service_name(s) for s in GRPC_UNTRACED)))


class MeshSampler(Sampler):
    """Parent-based sampling whose roots are only SERVER and CONSUMER spans (see the module doc)."""

    def should_sample(
        self,
        parent_context: otel_context.Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: trace.TraceState | None = None,
    ) -> SamplingResult:
        parent = trace.get_current_span(parent_context).get_span_context()
        if not _enabled:
            sampled = False
        elif parent.is_valid:
            sampled = parent.trace_flags.sampled
        else:
            sampled = kind in (SpanKind.SERVER, SpanKind.CONSUMER)
        decision = Decision.RECORD_AND_SAMPLE if sampled else Decision.DROP
        state = parent.trace_state if parent.is_valid else trace_state
        return SamplingResult(decision, attributes if sampled else None, state)

    def get_description(self) -> str:
        return "MeshSampler{parent-based; roots: SERVER, CONSUMER}"


def set_enabled(enabled: bool) -> None:
    """Record spans (True, the default) or drop every new span (False); context still propagates."""
    global _enabled
    _enabled = enabled


def enabled() -> bool:
    """Whether new spans are recorded."""
    return _enabled


def setup_tracing(service: str, env: Mapping[str, str] | None = None) -> TracerProvider | None:
    """Install this process's tracer provider (once; later calls return the first one).

    Args:
        service: the service's short name (``"generation"``); the resource's ``service.name`` is
            ``OTEL_SERVICE_NAME`` when set, else ``drishya-<service>``.
        env: the environment (default ``os.environ``).
    Returns:
        The provider, or None when ``OTEL_SDK_DISABLED`` is true.
    """
    global _provider
    env = os.environ if env is None else env
    with _lock:
        if _provider is not None:
            return _provider
        if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
            return None
        name = env.get("OTEL_SERVICE_NAME", "").strip() or f"drishya-{service}"
        # Resource.create reads OTEL_RESOURCE_ATTRIBUTES; an explicit service.name wins over it.
        provider = TracerProvider(resource=Resource.create({"service.name": name}), sampler=MeshSampler())
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT", "")
        if endpoint.strip():
            from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            # The exporter reads the endpoint, headers, TLS and timeout from the OTEL_EXPORTER_OTLP_* variables.
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
            log.info("traces exported over OTLP to %s as %s", endpoint.strip(), name)
        trace.set_tracer_provider(provider)
        _provider = provider
        return provider


def provider() -> TracerProvider | None:
    """The provider :func:`setup_tracing` installed, or None."""
    return _provider


def shutdown() -> None:
    """Flush and stop the exporter (at process exit; a no-op without a provider)."""
    if _provider is not None:
        _provider.shutdown()


def tracer(name: str) -> trace.Tracer:
    """A tracer for instrumentation scope ``name`` (the calling module); a no-op before setup."""
    return trace.get_tracer(name)


def inject(carrier: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """``carrier`` (a new dict when None) with the current context's ``traceparent`` (and
    ``tracestate``) added; unchanged when no span is active."""
    out: MutableMapping[str, str] = {} if carrier is None else carrier
    _inject(out)
    return out


def extract(carrier: Mapping[str, str] | None) -> otel_context.Context:
    """The context whose parent is the span ``carrier``'s ``traceparent`` names (empty when none)."""
    return _extract(dict(carrier or {}))


def traceparent() -> str:
    """The current span's W3C ``traceparent`` header value, or ``""`` when no span is active."""
    return inject().get("traceparent", "")


def context_of(traceparent_value: str | None) -> otel_context.Context:
    """The context a stored ``traceparent`` names, to start child spans under (empty when blank)."""
    return extract({"traceparent": traceparent_value} if traceparent_value else None)


def instrument_engine(engine: Any) -> None:
    """Trace each statement of a SQLAlchemy engine (async or sync) as a child span of the current one.

    Statements outside a traced request make no span (see :class:`MeshSampler`).
    """
    from opentelemetry import metrics
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    sync_engine = getattr(engine, "sync_engine", engine)
    usage = metrics.get_meter(__name__).create_up_down_counter("db.client.connections.usage")
    EngineTracer(tracer("opentelemetry.instrumentation.sqlalchemy"), sync_engine, usage)  # type: ignore[no-untyped-call]


def setup_process(service: str, env: Mapping[str, str] | None = None) -> int | None:
    """The one start-up call of a process: logs (:func:`services.mesh.logs.setup_logging`), traces
    (:func:`setup_tracing`) and metrics (:func:`services.mesh.metrics.serve_metrics` on
    ``DRISHYA_METRICS_PORT`` when set).

    Returns:
        The port ``/metrics`` is served on, or None when ``DRISHYA_METRICS_PORT`` is unset.
    Raises:
        services.mesh.config.ConfigError: ``DRISHYA_LOG_FORMAT`` or ``DRISHYA_METRICS_PORT`` is invalid.
        OSError: the metrics port cannot be bound.
    """
    from services.mesh import logs, metrics

    env = os.environ if env is None else env
    logs.setup_logging(service, env)
    setup_tracing(service, env)
    return metrics.serve_from_env(env)
