"""gRPC server factory: health, reflection, tracing, error mapping, graceful shutdown.

Every Drishya server is a ``grpc.aio`` server built by :func:`build_server`, which adds

* the standard ``grpc.health.v1.Health`` service, reporting SERVING for the overall server and
  each named service only once every readiness check passes (re-checked every second),
  and, under the dependency's own name (e.g. ``nats``), the state of each optional dependency:
  one whose loss degrades the service without stopping it,
* server reflection,
* the OpenTelemetry server interceptor (spans recorded once :func:`services.mesh.telemetry.setup_tracing`
  ran; health and reflection calls are not traced),
* :class:`services.mesh.metrics.ServerInterceptor` (request counts and durations, the caller's log context),
* :class:`services.mesh.errors.ErrorInterceptor`, mapping domain errors to ``google.rpc.Status``.

:func:`serve_until_signal` runs servers until SIGTERM or SIGINT, then stops them with a grace period.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from opentelemetry.instrumentation.grpc import aio_server_interceptor

from services.mesh import metrics, telemetry
from services.mesh.errors import ErrorInterceptor

log = logging.getLogger(__name__)

#: A readiness check: returns when a dependency answers, raises otherwise.
ReadinessCheck = Callable[[], Awaitable[object]]


@dataclass
class MeshServer:
    """A started server.

    Attributes:
        name: short service name, e.g. ``"language"``.
        server: the ``grpc.aio.Server``.
        port: the bound port (the real one when 0 was asked for).
        health: the health servicer; its status follows the readiness checks.
        on_stop: coroutines run after the server stops (close pools, engines...).
    """

    name: str
    server: grpc.aio.Server
    port: int
    health: Any  # grpc_health.v1.health.aio.HealthServicer (untyped)
    service_names: Sequence[str]
    checks: Sequence[ReadinessCheck]
    dependencies: Mapping[str, ReadinessCheck] = field(default_factory=dict)
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _watch: asyncio.Task[None] | None = None

    async def _set(self, status: health_pb2.HealthCheckResponse.ServingStatus.ValueType) -> None:
        for svc in ("", *self.service_names):
            await self.health.set(svc, status)

    async def _follow_readiness(self, interval_s: float) -> None:
        serving: bool | None = None
        deps: dict[str, bool] = {}
        while True:
            for dep, dep_check in self.dependencies.items():
                dep_ok = await _passes(dep_check)
                if deps.get(dep) != dep_ok:
                    if dep in deps:
                        log.warning("%s: dependency %s is %s", self.name, dep, "back" if dep_ok else "down")
                    deps[dep] = dep_ok
                    up, down = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING
                    await self.health.set(dep, up if dep_ok else down)
            try:
                for check in self.checks:
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation
                    # that arrives as the check completes (CPython gh-86296), and stop() would hang.
                    async with asyncio.timeout(5.0):
                        await check()
                ok = True
            except Exception as exc:  # a dependency is down: report NOT_SERVING, keep checking
                if serving is None:
                    log.info("%s not ready yet: %s", self.name, exc)
                elif serving:
                    log.warning("%s no longer ready: %s", self.name, exc)
                ok = False
            if ok != serving:
                serving = ok
                status = health_pb2.HealthCheckResponse.SERVING if ok else health_pb2.HealthCheckResponse.NOT_SERVING
                await self._set(status)
            await asyncio.sleep(interval_s if ok and all(deps.values()) else 0.2)

    async def stop(self, grace_s: float = 5.0) -> None:
        """Report NOT_SERVING, stop accepting calls, let in-flight calls finish for ``grace_s``."""
        if self._watch is not None:
            self._watch.cancel()
            await asyncio.wait([self._watch], timeout=5.0)
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace_s)
        for fn in self.on_stop:
            await fn()


async def _passes(check: ReadinessCheck, timeout_s: float = 5.0) -> bool:
    try:
        async with asyncio.timeout(timeout_s):
            await check()
    except Exception:
        return False
    return True


async def build_server(
    name: str,
    *,
    port: int,
    register: Callable[[grpc.aio.Server], None],
    service_names: Sequence[str],
    checks: Sequence[ReadinessCheck] = (),
    dependencies: Mapping[str, ReadinessCheck] | None = None,
    host: str | None = None,
    readiness_interval_s: float = 1.0,
) -> MeshServer:
    """Build and start a gRPC server.

    Args:
        name: short service name; errors get domain ``"<name>.drishya"``.
        port: port to bind; 0 picks a free one.
        register: adds the service's servicer(s) to the server.
        service_names: full names of the services registered, e.g. ``"drishya.language.v1.LanguageService"``.
        checks: readiness checks; health says SERVING only while all pass.
        dependencies: optional dependencies by name; each is reported under its name alone.
        host: interface to bind; ``DRISHYA_BIND_HOST`` or 127.0.0.1 when None (``0.0.0.0`` in containers).
    Returns:
        The started :class:`MeshServer`.
    Raises:
        RuntimeError: the port could not be bound.
    """
    host = host or os.environ.get("DRISHYA_BIND_HOST", "127.0.0.1")
    server = grpc.aio.server(
        interceptors=[
            aio_server_interceptor(filter_=telemetry.grpc_filter()),  # type: ignore[no-untyped-call]
            metrics.ServerInterceptor(),
            ErrorInterceptor(f"{name}.drishya"),
        ],
        options=[("grpc.max_receive_message_length", 16 * 1024 * 1024)],
    )
    register(server)
    health_servicer = health.aio.HealthServicer()  # type: ignore[attr-defined]
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        [*service_names, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME],
        server,
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise RuntimeError(f"{name}: could not bind {host}:{port}")
    await server.start()
    metrics.watch_event_loop()
    ms = MeshServer(name, server, bound, health_servicer, list(service_names), list(checks), dict(dependencies or {}))
    for svc in ("", *service_names):
        await health_servicer.set(svc, health_pb2.HealthCheckResponse.NOT_SERVING)
    ms._watch = asyncio.create_task(ms._follow_readiness(readiness_interval_s), name=f"{name}-readiness")
    log.info("%s listening on %s:%d", name, host, bound)
    return ms


async def serve_until_signal(servers: Sequence[MeshServer], grace_s: float = 5.0) -> None:
    """Wait for SIGTERM or SIGINT, then stop ``servers`` in reverse order with ``grace_s`` each."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        for s in reversed(servers):
            await s.stop(grace_s)
