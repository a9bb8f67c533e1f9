"""A health probe for containers: ``python -m services.mesh.healthcheck ADDR [--service NAME] [--live]``.

Asks the standard ``grpc.health.v1.Health/Check`` of the server at ``ADDR`` (``host:port``) about
``NAME`` (default ``""``, the whole server) and exits

* 0 when the answer is SERVING (with ``--live``: when the server answers at all, SERVING or
  NOT_SERVING, i.e. its event loop is alive even if a dependency is down),
* 1 otherwise: NOT_SERVING, an unknown service name (NOT_FOUND), no answer within ``--timeout``
  seconds (default 3), or a refused connection,
* 2 on bad arguments (argparse).

It prints one line, ``<ADDR> <service or "(server)"> <status>``, for the container's health log.
Used by deploy/compose.yaml health checks and by the Kubernetes liveness probes (deploy/k8s).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

_SERVING = health_pb2.HealthCheckResponse.SERVING
_NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def check(address: str, service: str = "", timeout_s: float = 3.0) -> str:
    """The status name the server at ``address`` reports for ``service``.

    Returns ``"SERVING"``, ``"NOT_SERVING"``, ``"UNKNOWN"`` or ``"SERVICE_UNKNOWN"`` when the
    server answers, else the gRPC status code's name (``"NOT_FOUND"`` for a name the server does not
    know, ``"UNAVAILABLE"``, ``"DEADLINE_EXCEEDED"``...). Never raises for an RPC failure.
    """
    with grpc.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        try:
            reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout_s)
        except grpc.RpcError as exc:
            code = exc.code()
            return str(code.name)
    return str(health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status))


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default ``sys.argv[1:]``), probe, print one line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m services.mesh.healthcheck", description=__doc__.split("\n")[0])
    parser.add_argument("address", help="host:port of the gRPC server")
    parser.add_argument("--service", default="", help='service name to ask about (default "": the server)')
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the answer (3)")
    parser.add_argument("--live", action="store_true", help="succeed on any answer (SERVING or NOT_SERVING)")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    status = check(args.address, args.service, args.timeout)
    print(f"{args.address} {args.service or '(server)'} {status}")
    accepted = {"SERVING", "NOT_SERVING"} if args.live else {"SERVING"}
    return 0 if status in accepted else 1


if __name__ == "__main__":
    sys.exit(main())
