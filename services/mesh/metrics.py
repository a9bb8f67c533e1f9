"""Prometheus metrics shared by every process: gRPC calls both ways, HTTP requests, event-loop lag.

Names follow https://prometheus.io/docs/practices/naming/ (``drishya_`` prefix, base units,
``_total`` counters, ``_seconds`` durations). The metrics live in prometheus-client's default
registry; :func:`serve_metrics` serves it on its own port (``DRISHYA_METRICS_PORT``: unset means no
separate server, 0 an ephemeral port) and the gateway also at ``/metrics`` on its HTTP port
(:func:`exposition`).

* ``drishya_grpc_server_requests_total{service,method,code}`` and
  ``drishya_grpc_server_request_duration_seconds{service,method}``: RPCs this process served, by
  final status code; a server-streaming RPC lasts until its stream ends.
* ``drishya_grpc_client_requests_total{service,method,code}`` and
  ``drishya_grpc_client_request_duration_seconds{service,method}``: RPCs this process made.
* ``drishya_http_server_requests_total{method,route,code}`` and
  ``drishya_http_server_request_duration_seconds{method,route}``: HTTP requests (the gateway);
  ``route`` is the route's template (``/v1/jobs/{job_id}``), never the raw path.
* ``drishya_event_loop_lag_seconds``: how late the last 0.5 s timer of the event loop fired (a
  loop blocked by CPU work or a blocking call shows here first).

:class:`ServerInterceptor` and :class:`ClientInterceptor` also carry the log context
(``services.mesh.logs``): a client sends its bound ``request_id`` and ``job_id`` as ``x-request-id``
and ``x-job-id`` metadata and the server binds them while it handles the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

import grpc
import prometheus_client
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.mesh import logs
from services.mesh.config import env_int

log = logging.getLogger(__name__)

#: Buckets of request durations, in seconds: 1 ms to 2 minutes (a Publish packages HLS for seconds).
DURATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)

GRPC_SERVER_REQUESTS = Counter(
    "drishya_grpc_server_requests", "gRPC calls served, by final status code.", ["service", "method", "code"]
)
GRPC_SERVER_DURATION = Histogram(
    "drishya_grpc_server_request_duration_seconds",
    "Wall time of served gRPC calls (a server stream: until it ends).",
    ["service", "method"],
    buckets=DURATION_BUCKETS,
)
GRPC_CLIENT_REQUESTS = Counter(
    "drishya_grpc_client_requests", "gRPC calls made, by final status code.", ["service", "method", "code"]
)
GRPC_CLIENT_DURATION = Histogram(
    "drishya_grpc_client_request_duration_seconds",
    "Wall time of gRPC calls made, deadline and retries included.",
    ["service", "method"],
    buckets=DURATION_BUCKETS,
)
HTTP_REQUESTS = Counter("drishya_http_server_requests", "HTTP requests served.", ["method", "route", "code"])
HTTP_DURATION = Histogram(
    "drishya_http_server_request_duration_seconds",
    "Wall time of HTTP requests until the response ends (an SSE stream: until it closes).",
    ["method", "route"],
    buckets=DURATION_BUCKETS,
)
EVENT_LOOP_LAG = Gauge("drishya_event_loop_lag_seconds", "How late the event loop's last 0.5 s timer fired.")

_enabled = True
_served_port: int | None = None
_watched: set[int] = set()
_tasks: set[asyncio.Task[None]] = set()


def set_enabled(enabled: bool) -> None:
    """Record request metrics (True, the default) or skip them (False: the interceptors pass through)."""
    global _enabled
    _enabled = enabled


def split_method(full: str) -> tuple[str, str]:
    """``"/pkg.Service/Method"`` → ``("pkg.Service", "Method")``."""
    service, _, method = full.lstrip("/").rpartition("/")
    return service, method


def serve_metrics(port: int, host: str = "0.0.0.0") -> int:
    """Serve the default registry at ``http://host:port/metrics`` from a daemon thread (once per
    process: later calls return the first port). Port 0 binds a free one. Returns the bound port.

    Raises:
        OSError: the port cannot be bound.
    """
    global _served_port
    if _served_port is None:
        server, _ = prometheus_client.start_http_server(port, addr=host)
        _served_port = int(server.server_port)
        log.info("metrics served on %s:%d/metrics", host, _served_port)
    return _served_port


def serve_from_env(env: Mapping[str, str]) -> int | None:
    """:func:`serve_metrics` on ``DRISHYA_METRICS_PORT`` (bound on ``DRISHYA_METRICS_HOST``, default
    all interfaces) when set; None when unset. Raises ``ConfigError`` or ``OSError``."""
    if not env.get("DRISHYA_METRICS_PORT", "").strip():
        return None
    port = env_int(env, "DRISHYA_METRICS_PORT", 0, lo=0, hi=65535)
    return serve_metrics(port, env.get("DRISHYA_METRICS_HOST", "").strip() or "0.0.0.0")


def exposition() -> tuple[bytes, str]:
    """The default registry in the Prometheus text format, and its content type. Blocking (the
    collectors may query a database): call it from a thread."""
    return prometheus_client.generate_latest(), CONTENT_TYPE_LATEST


async def _watch_loop(interval_s: float) -> None:
    loop = asyncio.get_running_loop()
    while True:
        start = loop.time()
        await asyncio.sleep(interval_s)
        EVENT_LOOP_LAG.set(max(0.0, loop.time() - start - interval_s))


def watch_event_loop(interval_s: float = 0.5) -> None:
    """Start measuring the running loop's lag into ``drishya_event_loop_lag_seconds`` (once per loop)."""
    loop = asyncio.get_running_loop()
    if id(loop) in _watched:
        return
    _watched.add(id(loop))
    task = loop.create_task(_watch_loop(interval_s), name="event-loop-lag")
    _tasks.add(task)

    def forget(t: asyncio.Task[None]) -> None:
        _tasks.discard(t)
        _watched.discard(id(loop))

    task.add_done_callback(forget)


def _metadata_value(metadata: Any, key: str) -> str:
    for k, v in metadata or ():
        if k == key:
            return v if isinstance(v, str) else v.decode("ascii", "replace")
    return ""


class ServerInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Counts and times every unary and server-streaming call, and binds the caller's log context."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Any]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Any:
        handler = await continuation(handler_call_details)
        if handler is None or not _enabled:
            return handler
        service, method = split_method(handler_call_details.method)
        if service.startswith("grpc."):  # health probes and reflection are not traffic
            return handler
        md = handler_call_details.invocation_metadata
        bound = {"request_id": _metadata_value(md, "x-request-id"), "job_id": _metadata_value(md, "x-job-id")}

        def done(ctx: Any, start: float, code: grpc.StatusCode | None) -> None:
            code = code or ctx.code() or grpc.StatusCode.OK
            name = code.name if isinstance(code, grpc.StatusCode) else str(code)
            GRPC_SERVER_REQUESTS.labels(service, method, name).inc()
            GRPC_SERVER_DURATION.labels(service, method).observe(time.perf_counter() - start)

        if handler.unary_unary is not None:
            inner_uu = handler.unary_unary

            async def unary_unary(request: Any, ctx: Any) -> Any:
                start, code = time.perf_counter(), None
                try:
                    with logs.bind(**bound):
                        return await inner_uu(request, ctx)
                except grpc.aio.AbortError:
                    raise
                except asyncio.CancelledError:
                    code = grpc.StatusCode.CANCELLED
                    raise
                except Exception:
                    code = grpc.StatusCode.UNKNOWN
                    raise
                finally:
                    done(ctx, start, code)

            return grpc.unary_unary_rpc_method_handler(
                unary_unary, handler.request_deserializer, handler.response_serializer
            )
        if handler.unary_stream is not None:
            inner_us = handler.unary_stream

            async def unary_stream(request: Any, ctx: Any) -> AsyncIterator[Any]:
                start, code = time.perf_counter(), None
                try:
                    with logs.bind(**bound):
                        async for item in inner_us(request, ctx):
                            yield item
                except grpc.aio.AbortError:
                    raise
                except (asyncio.CancelledError, GeneratorExit):
                    code = grpc.StatusCode.CANCELLED
                    raise
                except Exception:
                    code = grpc.StatusCode.UNKNOWN
                    raise
                finally:
                    done(ctx, start, code)

            return grpc.unary_stream_rpc_method_handler(
                unary_stream, handler.request_deserializer, handler.response_serializer
            )
        return handler


class ClientInterceptor(grpc.aio.UnaryUnaryClientInterceptor, grpc.aio.UnaryStreamClientInterceptor):  # type: ignore[type-arg]
    """Counts and times every call made (by its final code), and sends the bound log context as metadata."""

    @staticmethod
    def _details(details: grpc.aio.ClientCallDetails) -> grpc.aio.ClientCallDetails:
        rid, jid = logs.request_id_var.get(), logs.job_id_var.get()
        if not rid and not jid:
            return details
        md = grpc.aio.Metadata(*tuple(details.metadata or ()))
        if rid:
            md["x-request-id"] = rid
        if jid:
            md["x-job-id"] = jid
        return details._replace(metadata=md)  # type: ignore[attr-defined, no-any-return]

    @staticmethod
    def _observe(call: Any, method: str) -> None:
        service, name = split_method(method)
        start = time.perf_counter()

        async def finish() -> None:
            try:
                code = await call.code()
            except Exception:
                code = grpc.StatusCode.UNKNOWN
            GRPC_CLIENT_REQUESTS.labels(service, name, code.name).inc()
            GRPC_CLIENT_DURATION.labels(service, name).observe(time.perf_counter() - start)

        def on_done(_: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the loop is closing: the sample is lost
                task = asyncio.get_running_loop().create_task(finish())
                _tasks.add(task)
                task.add_done_callback(_tasks.discard)

        call.add_done_callback(on_done)

    async def _intercept(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        call = await continuation(self._details(client_call_details), request)
        method = client_call_details.method
        method = method.decode() if isinstance(method, bytes) else str(method)
        if _enabled and not method.startswith("/grpc."):  # health probes are not traffic
            self._observe(call, method)
        return call

    async def intercept_unary_unary(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        return await self._intercept(continuation, client_call_details, request)

    async def intercept_unary_stream(self, continuation: Any, client_call_details: Any, request: Any) -> Any:
        return await self._intercept(continuation, client_call_details, request)


class HttpMetrics:
    """ASGI middleware counting and timing HTTP requests by method, route template and status code.

    A request no route matched is counted under route ``unmatched``; ``/metrics`` itself is not counted.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _enabled or scope.get("path") == "/metrics":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = str(getattr(route, "path", "unmatched"))
            method = str(scope.get("method", ""))
            HTTP_REQUESTS.labels(method, template, str(status)).inc()
            HTTP_DURATION.labels(method, template).observe(time.perf_counter() - start)
