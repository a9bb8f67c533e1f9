"""The analysis gRPC server."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import grpc

from drishya.analysis.v1 import analysis_service_pb2_grpc as pb_grpc
from services.analysis import nlp
from services.analysis.config import AnalysisConfig
from services.analysis.servicer import AnalysisServicer
from services.mesh.server import MeshServer, build_server

#: Full proto name of the service.
SERVICE_NAME = "drishya.analysis.v1.AnalysisService"


async def create_server(config: AnalysisConfig) -> MeshServer:
    """Build and start the analysis server on ``config.port`` (0 picks a free port).

    The spaCy model starts loading in a worker thread at once; health reports SERVING for
    ``drishya.analysis.v1.AnalysisService`` only when it has loaded, so the first call is fast.
    A model that fails to load keeps the server NOT_SERVING (the readiness check re-raises).
    """
    loading = asyncio.create_task(asyncio.to_thread(nlp.load, config.spacy_model), name="analysis-spacy-load")

    async def model_loaded() -> None:
        if not loading.done():
            raise RuntimeError(f"spaCy model {config.spacy_model} is still loading")
        loading.result()

    def register(server: grpc.aio.Server) -> None:
        add: Callable[[AnalysisServicer, grpc.aio.Server], None] = pb_grpc.add_AnalysisServiceServicer_to_server
        add(AnalysisServicer(config.spacy_model), server)

    server = await build_server(
        "analysis", port=config.port, register=register, service_names=[SERVICE_NAME], checks=[model_loaded]
    )

    async def settle_loading() -> None:
        if not loading.done():
            loading.cancel()
        await asyncio.gather(loading, return_exceptions=True)

    server.on_stop.append(settle_loading)
    return server
