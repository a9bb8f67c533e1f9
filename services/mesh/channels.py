"""Client channels with a retry policy, and the deadline every outgoing call carries.

Retries happen only on UNAVAILABLE (gRPC's transparent retry with exponential backoff, see
https://github.com/grpc/proposal/blob/master/A6-client-retries.md); DEADLINE_EXCEEDED is not
retried by the channel because the deadline already covers all attempts.
"""

from __future__ import annotations

import json

import grpc
from opentelemetry.instrumentation.grpc import aio_client_interceptors

#: Default deadline, in seconds, for unary calls between services.
DEFAULT_DEADLINE_S = 30.0

_SERVICE_CONFIG = json.dumps(
    {
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
        ]
    }
)


def channel(target: str) -> grpc.aio.Channel:
    """An insecure ``grpc.aio`` channel to ``target`` (``host:port``) with retries on UNAVAILABLE."""
    return grpc.aio.insecure_channel(
        target,
        options=[
            ("grpc.service_config", _SERVICE_CONFIG),
            ("grpc.enable_retries", 1),
            ("grpc.max_receive_message_length", 16 * 1024 * 1024),
        ],
        interceptors=aio_client_interceptors(),  # type: ignore[no-untyped-call]
    )
