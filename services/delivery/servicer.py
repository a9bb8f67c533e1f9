"""DeliveryService servicer: proto in, proto out; the work lives in publishing and packaging."""

from __future__ import annotations

from typing import TypeAlias

import grpc

from drishya.delivery.v1 import delivery_service_pb2 as svc_pb2
from drishya.delivery.v1 import delivery_service_pb2_grpc as svc_grpc
from services.delivery.codec import to_proto
from services.delivery.publishing import Publisher

Ctx: TypeAlias = grpc.aio.ServicerContext[object, object]


class DeliveryServicer(svc_grpc.DeliveryServiceServicer):
    """Publish (CPU-heavy packaging in a worker thread) and GetDelivery."""

    def __init__(self, publisher: Publisher) -> None:
        self._publisher = publisher

    async def Publish(self, request: svc_pb2.PublishRequest, context: Ctx) -> svc_pb2.PublishResponse:
        delivery = await self._publisher.publish(
            request.job_id, request.source_path, [(r.name, r.path) for r in request.rendition_sources]
        )
        return svc_pb2.PublishResponse(delivery=to_proto(delivery))

    async def GetDelivery(self, request: svc_pb2.GetDeliveryRequest, context: Ctx) -> svc_pb2.GetDeliveryResponse:
        return svc_pb2.GetDeliveryResponse(delivery=to_proto(await self._publisher.get(request.job_id)))
