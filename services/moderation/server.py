"""Builds the moderation server: the indexed text lists and the gRPC service (no external dependencies)."""

from __future__ import annotations

import asyncio

from drishya.moderation.v1 import moderation_service_pb2 as svc_pb2
from drishya.moderation.v1 import moderation_service_pb2_grpc as svc_grpc
from services.mesh.media_store import store_of
from services.mesh.server import MeshServer, build_server
from services.moderation import text_rules
from services.moderation.config import ModerationConfig
from services.moderation.servicer import ModerationServicer

SERVICE_NAME = svc_pb2.DESCRIPTOR.services_by_name["ModerationService"].full_name


async def create_server(config: ModerationConfig) -> MeshServer:
    """Load the lists (failing fast on bad data) and start the gRPC server on ``config.port``.

    Raises:
        ValueError: a list file is malformed.
        MediaStoreConfigError: the media store cannot be used (the message names the setting).
        RuntimeError: the port cannot be bound.
    """
    rules = text_rules.default_rules()
    media = store_of(config.media, config.media_root)
    await asyncio.to_thread(media.check)  # a local root is made; a bucket must answer
    servicer = ModerationServicer(rules, media.local_root or config.media_root, config.video_workers, media)
    return await build_server(
        "moderation",
        port=config.port,
        host=config.host,
        register=lambda s: svc_grpc.add_ModerationServiceServicer_to_server(servicer, s),  # type: ignore[no-untyped-call]
        service_names=[SERVICE_NAME],
    )
