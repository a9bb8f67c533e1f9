"""Builds the delivery server: database engine and migrations, publisher, gRPC service."""

from __future__ import annotations

import asyncio

from drishya.delivery.v1 import delivery_service_pb2 as svc_pb2
from drishya.delivery.v1 import delivery_service_pb2_grpc as svc_grpc
from services.delivery.adapters.store import DeliveryStore
from services.delivery.config import DeliveryConfig
from services.delivery.publishing import Publisher, sweep_stale
from services.delivery.servicer import DeliveryServicer
from services.mesh.db import create_engine, ping
from services.mesh.media_store import store_of
from services.mesh.server import MeshServer, build_server

SERVICE_NAME = svc_pb2.DESCRIPTOR.services_by_name["DeliveryService"].full_name


async def create_server(config: DeliveryConfig, *, database_url: str) -> MeshServer:
    """Migrate the ``delivery`` schema, sweep leftover temporary directories and start the gRPC server.

    The engine is disposed when the server stops. Health reports SERVING while the database answers.

    Raises whatever the database raises when it cannot be reached at start-up,
    :class:`~services.mesh.media_store.MediaStoreConfigError` when the media store cannot be used
    (naming the setting), and ``RuntimeError`` when the port cannot be bound.
    """
    engine = create_engine(database_url)
    try:
        store = DeliveryStore(engine)
        await store.migrate()
        media = store_of(config.media, config.media_root)
        await asyncio.to_thread(media.check)
        if media.local_root is not None:
            media.local_root.mkdir(parents=True, exist_ok=True)
            sweep_stale(media.local_root)
        publisher = Publisher(
            store,
            media.local_root or config.media_root,
            max_concurrent=config.max_concurrent_publishes,
            preset=config.x264_preset,
            media=media,
        )
        servicer = DeliveryServicer(publisher)

        async def db_ready() -> None:
            await ping(engine)

        server = await build_server(
            "delivery",
            port=config.port,
            host=config.host,
            register=lambda s: svc_grpc.add_DeliveryServiceServicer_to_server(servicer, s),  # type: ignore[no-untyped-call]
            service_names=[SERVICE_NAME],
            checks=[db_ready],
        )
    except BaseException:
        await engine.dispose()
        raise
    server.on_stop.append(engine.dispose)
    return server
