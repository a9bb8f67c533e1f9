"""Problem details (RFC 9457) for every error the gateway returns, and the gRPC → HTTP mapping.

Body shape (content type ``application/problem+json``)::

    {"type": "about:blank", "title": "Bad Request", "status": 400, "detail": "text has 3 characters...",
     "reason": "TEXT_TOO_SHORT", "domain": "generation.drishya", "metadata": {...},
     "violations": [{"field": "text", "description": "..."}]}

``reason`` and ``domain`` come from the ``google.rpc.ErrorInfo`` of a failed call, so clients
branch on the same UPPER_SNAKE reasons whether they speak gRPC or HTTP. The status mapping follows
https://cloud.google.com/apis/design/errors#handling_errors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

import grpc
from starlette.responses import JSONResponse

from services.mesh.errors import FieldViolation, StatusDetails

PROBLEM_MEDIA_TYPE = "application/problem+json"
DOMAIN = "gateway.drishya"

#: gRPC status → HTTP status.
HTTP_STATUS: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.OUT_OF_RANGE: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.CANCELLED: 499,
    grpc.StatusCode.UNIMPLEMENTED: 501,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 504,
}


class ApiProblem(Exception):
    """An HTTP error to return as a problem body; raised by handlers and dependencies.

    Attributes:
        status: HTTP status code.
        reason: UPPER_SNAKE machine-readable reason.
        detail: human-readable English explanation of this occurrence.
        domain: who decided (``gateway.drishya`` or the upstream service's domain).
        metadata: string key/values with specifics (ids, limits).
        violations: invalid request fields.
        headers: extra response headers (``Retry-After``, ``WWW-Authenticate``).
    """

    def __init__(
        self,
        status: int,
        reason: str,
        detail: str,
        *,
        domain: str = DOMAIN,
        metadata: Mapping[str, str] | None = None,
        violations: Sequence[FieldViolation] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.domain = domain
        self.metadata = dict(metadata or {})
        self.violations = list(violations)
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        """The problem as a JSON-ready dict."""
        return {
            "type": "about:blank",
            "title": _title(self.status),
            "status": self.status,
            "detail": self.detail,
            "reason": self.reason,
            "domain": self.domain,
            "metadata": self.metadata,
            "violations": [{"field": v.field, "description": v.description} for v in self.violations],
        }

    def response(self) -> JSONResponse:
        """The problem as a ``application/problem+json`` response."""
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers, media_type=PROBLEM_MEDIA_TYPE)


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Client Closed Request" if status == 499 else "Error"


def retry_after_header(seconds: float | None) -> str:
    """``Retry-After`` value in whole seconds (rounded up, at least 1; 1 when unknown)."""
    if seconds is None or seconds <= 0:
        return "1"
    return str(max(1, math.ceil(seconds)))


#: Upstream codes whose message is never shown: it may hold internal text (SQL, stack details).
_HIDDEN_CODES = frozenset({grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN, grpc.StatusCode.DATA_LOSS})

#: What a client is told when a status carries no ErrorInfo (transport errors, grpcio's own).
_GENERIC_DETAIL: dict[grpc.StatusCode, str] = {
    grpc.StatusCode.UNAVAILABLE: "the generation service is unavailable; try again shortly",
    grpc.StatusCode.DEADLINE_EXCEEDED: "the generation service did not answer in time",
    grpc.StatusCode.CANCELLED: "the call was cancelled",
    grpc.StatusCode.RESOURCE_EXHAUSTED: "the generation service is overloaded; try again shortly",
}


def internal_problem(request_id: str) -> ApiProblem:
    """The 500 problem shown for any internal error: no internal text, only the request id under
    which the log keeps the details."""
    return ApiProblem(
        500,
        "INTERNAL",
        f"internal error; the server log has the details under request id {request_id}",
        metadata={"request_id": request_id},
    )


def problem_from_status(details: StatusDetails, request_id: str = "") -> ApiProblem:
    """Map the unpacked status of a failed gRPC call to an :class:`ApiProblem`.

    RESOURCE_EXHAUSTED answers 429 (503 for reason QUEUE_FULL, the global queue limit; 402 for
    BUDGET_EXCEEDED, the key's monthly provider budget) and
    UNAVAILABLE 503, both with ``Retry-After`` from ``RetryInfo`` (1 s when absent); unmapped codes
    become 500. INTERNAL, UNKNOWN and DATA_LOSS become :func:`internal_problem` (the caller logs the
    upstream message under ``request_id``); a status without ``ErrorInfo`` gets the code name as
    its reason, and a generic detail when it is a transport code (UNAVAILABLE, DEADLINE_EXCEEDED,
    CANCELLED, RESOURCE_EXHAUSTED), whose grpcio text names addresses.
    """
    if details.code in _HIDDEN_CODES or HTTP_STATUS.get(details.code, 500) == 500:
        return internal_problem(request_id)
    if not details.reason and details.code in _GENERIC_DETAIL:
        details = StatusDetails(
            code=details.code,
            message=_GENERIC_DETAIL[details.code],
            retry_after_s=details.retry_after_s,
        )
    status = HTTP_STATUS[details.code]
    if details.reason == "QUEUE_FULL":
        status = 503
    elif details.reason == "BUDGET_EXCEEDED":
        status = 402  # Payment Required: the key's monthly provider budget is spent
    headers: dict[str, str] = {}
    if details.code in (grpc.StatusCode.RESOURCE_EXHAUSTED, grpc.StatusCode.UNAVAILABLE):
        headers["Retry-After"] = retry_after_header(details.retry_after_s)
    if details.code == grpc.StatusCode.UNAUTHENTICATED:
        headers["WWW-Authenticate"] = "Bearer"
    return ApiProblem(
        status,
        details.reason or details.code.name,
        details.message or _title(status),
        domain=details.domain or DOMAIN,
        metadata=details.metadata,
        violations=details.violations,
        headers=headers,
    )


def violations_from_pydantic(errors: Sequence[Mapping[str, Any]]) -> list[FieldViolation]:
    """Turn pydantic/FastAPI validation errors into field violations.

    The location prefix ``body``/``query``/``path`` is dropped (``("body", "options", "foo")`` →
    ``options.foo``); a header keeps its name (``("header", "Idempotency-Key")`` → ``Idempotency-Key``).
    """
    out: list[FieldViolation] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path", "header"):
            loc = loc[1:]
        name = ".".join(loc) or "body"
        msg = str(err.get("msg", "invalid value"))
        if err.get("type") == "extra_forbidden":
            msg = "unknown field"
        out.append(FieldViolation(name, msg))
    return out
