"""gRPC clients of the services the pipeline calls, each call with a deadline."""

from __future__ import annotations

from dataclasses import dataclass

import grpc

from drishya.analysis.v1 import analysis_service_pb2_grpc as analysis_grpc
from drishya.delivery.v1 import delivery_service_pb2_grpc as delivery_grpc
from drishya.language.v1 import language_service_pb2_grpc as language_grpc
from drishya.moderation.v1 import moderation_service_pb2_grpc as moderation_grpc
from drishya.prompt.v1 import prompt_service_pb2_grpc as prompt_grpc
from services.generation.config import GenerationConfig
from services.mesh.channels import channel


@dataclass
class Clients:
    """Stubs of the language, analysis, prompt, moderation and delivery services."""

    language: language_grpc.LanguageServiceStub
    analysis: analysis_grpc.AnalysisServiceStub
    prompt: prompt_grpc.PromptServiceStub
    moderation: moderation_grpc.ModerationServiceStub
    delivery: delivery_grpc.DeliveryServiceStub
    deadline_s: float
    channels: list[grpc.aio.Channel]

    @classmethod
    def connect(cls, config: GenerationConfig) -> Clients:
        """Open one channel per service (connections are made lazily, on first call)."""
        chans = [
            channel(a)
            for a in (
                config.language_addr,
                config.analysis_addr,
                config.prompt_addr,
                config.moderation_addr,
                config.delivery_addr,
            )
        ]
        return cls(
            language=language_grpc.LanguageServiceStub(chans[0]),  # type: ignore[no-untyped-call]
            analysis=analysis_grpc.AnalysisServiceStub(chans[1]),  # type: ignore[no-untyped-call]
            prompt=prompt_grpc.PromptServiceStub(chans[2]),  # type: ignore[no-untyped-call]
            moderation=moderation_grpc.ModerationServiceStub(chans[3]),  # type: ignore[no-untyped-call]
            delivery=delivery_grpc.DeliveryServiceStub(chans[4]),  # type: ignore[no-untyped-call]
            deadline_s=config.rpc_deadline_s,
            channels=chans,
        )

    async def close(self) -> None:
        """Close every channel."""
        for c in self.channels:
            await c.close(None)
