"""Builds the story server: store, event bus, outbox relay and the gRPC service."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging

from drishya.story.v1 import story_service_pb2 as svc_pb2
from drishya.story.v1 import story_service_pb2_grpc as svc_grpc
from services.mesh.audit import migrate_audit
from services.mesh.db import create_engine, ping
from services.mesh.server import MeshServer, build_server
from services.story.adapters.clients import SceneAnalyst, SceneRenderer
from services.story.adapters.events import OutboxRelay, StoryBus
from services.story.adapters.store import StoryStore
from services.story.config import StoryConfig
from services.story.servicer import StoryServicer

SERVICE_NAME = svc_pb2.DESCRIPTOR.services_by_name["StoryService"].full_name

log = logging.getLogger(__name__)


async def archive_loop(store: StoryStore, config: StoryConfig) -> None:
    """Retention: archive inactive stories now and every ``config.archive_interval_s`` (errors logged)."""
    while True:
        try:
            n = await store.archive_inactive(dt.datetime.now(dt.UTC), dt.timedelta(days=config.archive_days))
            if n:
                log.info("retention: archived %d stories inactive for %g days", n, config.archive_days)
        except Exception:
            log.exception("retention: the archive pass failed; retrying in %.0f s", config.archive_interval_s)
        await asyncio.sleep(config.archive_interval_s)


async def create_server(config: StoryConfig, *, database_url: str, nats_url: str) -> MeshServer:
    """Migrate the ``story`` schema, connect NATS, start the outbox relay and the gRPC server.

    Health: SERVING while PostgreSQL answers (changes work without NATS: their events wait in the
    outbox); the health service ``nats`` reports NATS alone.

    Raises whatever the database or NATS raise when they cannot be reached at start-up, and
    :class:`~services.mesh.media_store.MediaStoreConfigError` when the media store cannot be used.
    """
    engine = create_engine(database_url)
    store = StoryStore(engine)
    await store.migrate()
    await migrate_audit(engine)  # archiving appends to the audit trail
    bus = await StoryBus.connect(nats_url)
    relay = OutboxRelay(store, bus)
    analyst = SceneAnalyst(config)
    renderer = SceneRenderer(config)
    servicer = StoryServicer(store, bus, relay, analyst, renderer, config)
    await asyncio.to_thread(servicer.media.check)  # a local root is made; a bucket must answer

    async def db_ready() -> None:
        await ping(engine)

    server = await build_server(
        "story",
        port=config.port,
        register=lambda s: svc_grpc.add_StoryServiceServicer_to_server(servicer, s),  # type: ignore[no-untyped-call]
        service_names=[SERVICE_NAME],
        checks=[db_ready],
        dependencies={"nats": bus.ping},
    )
    relay.start()
    archiver = asyncio.create_task(archive_loop(store, config), name="story-archiver")

    async def close() -> None:
        archiver.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await archiver
        await relay.stop()
        await analyst.close()
        await renderer.close()
        await bus.close()
        await engine.dispose()

    server.on_stop.append(close)
    return server
