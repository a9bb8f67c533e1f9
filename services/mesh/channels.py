"""Client channels with a retry policy, round-robin balancing, and the deadline every outgoing call carries.

Calls are spread over every address the target resolves to (the ``round_robin`` policy, so the
replicas behind one DNS name, e.g. a Kubernetes headless Service, share the load; a target of one
address behaves as before). Each call is traced (OpenTelemetry, W3C ``traceparent`` in its metadata)
and counted (:class:`services.mesh.metrics.ClientInterceptor`).

Retries happen only on UNAVAILABLE (gRPC's transparent retry with exponential backoff, see
https://github.com/grpc/proposal/blob/master/A6-client-retries.md); DEADLINE_EXCEEDED is not
retried by the channel because the deadline already covers all attempts.
"""

from __future__ import annotations

import json

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from services.mesh import metrics, telemetry

#: Default deadline, in seconds, for unary calls between services.
DEFAULT_DEADLINE_S = 30.0

_SERVICE_CONFIG = json.dumps(
    {
        "loadBalancingConfig": [{"round_robin": {}}],
        "methodConfig": [
            {
                "name": [{}],
                "retryPolicy": {
                    "maxAttempts": 4,
                    "initialBackoff": "0.1s",
                    "maxBackoff": "2s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ],
    }
)


def channel(target: str) -> grpc.aio.Channel:
    """An insecure ``grpc.aio`` channel to ``target`` (``host:port`` or ``dns:///host:port``), balancing
    round-robin over its addresses, with retries on UNAVAILABLE."""
    return grpc.aio.insecure_channel(
        target,
        options=[
            ("grpc.service_config", _SERVICE_CONFIG),
            ("grpc.enable_retries", 1),
            ("grpc.max_receive_message_length", 16 * 1024 * 1024),
        ],
        interceptors=[
            *aio_client_interceptors(filter_=telemetry.grpc_filter()),  # type: ignore[no-untyped-call]
            metrics.ClientInterceptor(),  # type: ignore[list-item]
        ],
    )
