"""gRPC servicer of ``drishya.language.v1.LanguageService``: proto in, domain call, proto out."""

from __future__ import annotations

from typing import Any

import grpc

from drishya.language.v1 import language_service_pb2 as svc_pb
from drishya.language.v1 import language_service_pb2_grpc as svc_grpc
from services.language.codec import detection_to_proto, translation_to_proto
from services.language.service import LanguageService


class LanguageServicer(svc_grpc.LanguageServiceServicer):
    """Thin adapter over :class:`LanguageService`; domain errors are mapped by the server's interceptor."""

    def __init__(self, service: LanguageService) -> None:
        self._service = service

    async def DetectLanguage(
        self, request: svc_pb.DetectLanguageRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> svc_pb.DetectLanguageResponse:
        """Identify the language and script of ``request.text``."""
        return svc_pb.DetectLanguageResponse(detection=detection_to_proto(self._service.detect(request.text)))

    async def Translate(
        self, request: svc_pb.TranslateRequest, context: grpc.aio.ServicerContext[Any, Any]
    ) -> svc_pb.TranslateResponse:
        """Translate ``request.text`` through the provider chain (cached)."""
        translation = await self._service.translate(
            request.text, request.source_language_code, request.target_language_code
        )
        return translation_to_proto(translation)
