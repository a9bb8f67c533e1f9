"""gRPC servicer of ``drishya.prompt.v1.PromptService``: proto <-> domain only."""

from __future__ import annotations

from typing import Any

import grpc

from drishya.prompt.v1 import prompt_service_pb2 as pb
from drishya.prompt.v1 import prompt_service_pb2_grpc as pb_grpc
from services.prompt.builder import build_shot_list
from services.prompt.convert import shot_list_to_proto
from services.scene.convert import analysis_from_proto


class PromptServicer(pb_grpc.PromptServiceServicer):
    """Implements BuildPrompt (pure CPU work of well under a millisecond per shot: run inline)."""

    async def BuildPrompt(
        self, request: pb.BuildPromptRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.BuildPromptResponse:
        """Build a shot list; raises InvalidArgument (UNKNOWN_PROVIDER, NO_BEATS)."""
        shot_list = build_shot_list(analysis_from_proto(request.analysis), request.provider)
        return pb.BuildPromptResponse(shot_list=shot_list_to_proto(shot_list))
