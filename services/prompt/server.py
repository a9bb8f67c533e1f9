"""The prompt gRPC server."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from drishya.prompt.v1 import prompt_service_pb2_grpc as pb_grpc
from services.mesh.server import MeshServer, build_server
from services.prompt.config import PromptConfig
from services.prompt.servicer import PromptServicer

#: Full proto name of the service.
SERVICE_NAME = "drishya.prompt.v1.PromptService"


async def create_server(config: PromptConfig) -> MeshServer:
    """Build and start the prompt server on ``config.port`` (0 picks a free port).

    The service has no dependencies, so it reports SERVING as soon as it starts.
    """

    def register(server: grpc.aio.Server) -> None:
        add: Callable[[PromptServicer, grpc.aio.Server], None] = pb_grpc.add_PromptServiceServicer_to_server
        add(PromptServicer(), server)

    return await build_server("prompt", port=config.port, register=register, service_names=[SERVICE_NAME])
