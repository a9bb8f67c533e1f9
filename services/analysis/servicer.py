"""gRPC servicer of ``drishya.analysis.v1.AnalysisService``: proto <-> domain only."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc

from drishya.analysis.v1 import analysis_service_pb2 as pb
from drishya.analysis.v1 import analysis_service_pb2_grpc as pb_grpc
from services.analysis.analyzer import analyze_scene
from services.scene.convert import analysis_to_proto, segment_from_proto
from services.scene.model import SceneRequest


class AnalysisServicer(pb_grpc.AnalysisServiceServicer):
    """Implements AnalyzeScene; the CPU-bound analysis runs in a worker thread.

    Args:
        spacy_model: spaCy pipeline used for parsing.
    """

    def __init__(self, spacy_model: str) -> None:
        self._model = spacy_model

    async def AnalyzeScene(
        self, request: pb.AnalyzeSceneRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> pb.AnalyzeSceneResponse:
        """Analyse a scene; raises InvalidArgument (EMPTY_TEXT, TEXT_TOO_LONG, UNSUPPORTED_LANGUAGE)."""
        scene = SceneRequest(
            english_text=request.english_text,
            source_text=request.source_text,
            language_code=request.language_code,
            english_segments=tuple(request.english_segments),
            segments=tuple(segment_from_proto(s) for s in request.segments),
        )
        analysis = await asyncio.to_thread(analyze_scene, scene, model=self._model)
        return pb.AnalyzeSceneResponse(analysis=analysis_to_proto(analysis))
