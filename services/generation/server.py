"""Builds the generation server: job store, event bus, workers and the gRPC service."""

from __future__ import annotations

import asyncio

import redis.asyncio as redis

from drishya.generation.v1 import generation_service_pb2 as svc_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as svc_grpc
from services.generation import metrics as gen_metrics
from services.generation.adapters.clients import Clients
from services.generation.adapters.events import EventBus
from services.generation.adapters.retention_sweeper import RetentionSweeper
from services.generation.adapters.store import JobStore
from services.generation.config import GenerationConfig
from services.generation.pipeline import Pipeline
from services.generation.servicer import GenerationServicer
from services.generation.worker import OutboxRelay, Workers
from services.mesh.audit import migrate_audit
from services.mesh.db import create_engine, ping
from services.mesh.media_store import store_of
from services.mesh.server import MeshServer, ReadinessCheck, build_server
from services.render.config import build_chain
from services.render.providers import StoryboardProvider

SERVICE_NAME = svc_pb2.DESCRIPTOR.services_by_name["GenerationService"].full_name


async def create_server(
    config: GenerationConfig, *, database_url: str, nats_url: str, redis_url: str = ""
) -> MeshServer:
    """Migrate the ``generation`` schema, connect NATS, start the workers and the gRPC server.

    Health: SERVING while PostgreSQL answers (jobs run without NATS: events wait in the outbox);
    the health services ``nats`` and (when ``redis_url`` is given) ``redis`` report those alone,
    so the gateway can say "degraded" rather than "down". Each render provider has its own health
    service, ``render.<provider>``: NOT_SERVING while its circuit breaker is open (this process's
    workers' breakers).

    The storyboard's render processes start (and warm up) only when this process runs workers
    of its own (``config.workers``), and stop after ``config.render_idle_s`` without a render,
    to start again when a worker claims a job: under ``drishya up`` the generation service runs
    no workers (they are processes of their own), so it holds no render process at all.

    Raises whatever the database or NATS raise when they cannot be reached at start-up.
    """
    engine = create_engine(database_url)
    store = JobStore(engine, config.aging_step_s)
    await store.migrate()
    await migrate_audit(engine)  # retention (and review) actions append to the audit trail
    bus = await EventBus.connect(nats_url)
    clients = Clients.connect(config)
    storyboard = StoryboardProvider(config.render_processes, idle_timeout_s=config.render_idle_s)
    chain = build_chain(config.render, storyboard)
    media = store_of(config.media, config.media_root)
    await asyncio.to_thread(media.check)  # a bucket that is missing, refuses or does not answer stops the start
    pipeline = Pipeline(
        store, clients, chain, config.media_root, config.render_processes, media=media, scratch_root=config.scratch_dir
    )
    workers = Workers(store, OutboxRelay(store, bus), pipeline, config)
    servicer = GenerationServicer(store, bus, clients, workers, config, chain.prices)

    async def db_ready() -> None:
        await ping(engine)

    dependencies: dict[str, ReadinessCheck] = {"nats": bus.ping, **chain.health_checks()}
    cache: redis.Redis | None = None
    if redis_url:
        cache = redis.Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
        dependencies["redis"] = cache.ping
    server = await build_server(
        "generation",
        port=config.port,
        register=lambda s: svc_grpc.add_GenerationServiceServicer_to_server(servicer, s),  # type: ignore[no-untyped-call]
        service_names=[SERVICE_NAME],
        checks=[db_ready],
        dependencies=dependencies,
    )
    workers.start()
    sweeper = RetentionSweeper(engine, media, config.retention)
    if config.retention_enabled:
        sweeper.start()  # sweeps only while it holds the leadership lock: one process across machines
    if config.workers:
        storyboard.start()  # warm for the first job; stopped after render_idle_s without one
    detach_metrics = gen_metrics.attach(store, chain.states)  # job counts and breakers on each scrape

    async def close() -> None:
        detach_metrics()
        await sweeper.stop()
        await workers.stop()
        storyboard.close()
        await clients.close()
        await bus.close()
        await engine.dispose()
        if cache is not None:
            await cache.aclose()

    server.on_stop.append(close)
    return server
