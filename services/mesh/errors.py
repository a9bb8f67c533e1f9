"""Typed errors and their mapping to ``google.rpc.Status``.

Domain code raises :class:`DrishyaError` subclasses carrying fields; :func:`to_status`
turns one into a ``grpc.Status`` with ``google.rpc.ErrorInfo`` (reason UPPER_SNAKE,
domain ``<service>.drishya``) plus ``BadRequest``, ``RetryInfo`` and ``QuotaFailure`` details
where they fit (https://cloud.google.com/apis/design/errors). :func:`error_interceptor` applies
the mapping to every RPC of a server, so servicers never build statuses by hand.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import grpc
from google.protobuf import duration_pb2
from google.protobuf.message import DecodeError
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldViolation:
    """One invalid request field: ``field`` is a dotted path, ``description`` says why."""

    field: str
    description: str


class DrishyaError(Exception):
    """Base of all domain errors.

    Attributes:
        code: the gRPC status code.
        reason: UPPER_SNAKE machine-readable reason, stable across releases.
        message: human-readable English message.
        metadata: string key/values for ``ErrorInfo.metadata``.
        violations: field violations, sent as ``BadRequest``.
        retry_after_s: seconds to wait before retrying, sent as ``RetryInfo``.
        quota_subject: the exhausted quota's subject, sent as ``QuotaFailure``.
    """

    code: grpc.StatusCode = grpc.StatusCode.INTERNAL
    reason: str = "INTERNAL"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        metadata: Mapping[str, str] | None = None,
        violations: list[FieldViolation] | None = None,
        retry_after_s: float | None = None,
        quota_subject: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if reason is not None:
            self.reason = reason
        self.metadata = dict(metadata or {})
        self.violations = list(violations or [])
        self.retry_after_s = retry_after_s
        self.quota_subject = quota_subject


class InvalidArgument(DrishyaError):
    """The request is malformed (gRPC INVALID_ARGUMENT, HTTP 400)."""

    code = grpc.StatusCode.INVALID_ARGUMENT
    reason = "INVALID_ARGUMENT"


class NotFound(DrishyaError):
    """The resource does not exist or is not visible to the caller (NOT_FOUND, 404)."""

    code = grpc.StatusCode.NOT_FOUND
    reason = "NOT_FOUND"


class FailedPrecondition(DrishyaError):
    """The resource is not in a state that allows the operation (FAILED_PRECONDITION, 409)."""

    code = grpc.StatusCode.FAILED_PRECONDITION
    reason = "FAILED_PRECONDITION"


class Unauthenticated(DrishyaError):
    """The caller did not prove who it is (UNAUTHENTICATED, 401)."""

    code = grpc.StatusCode.UNAUTHENTICATED
    reason = "UNAUTHENTICATED"


class ResourceExhausted(DrishyaError):
    """A quota or rate limit was hit (RESOURCE_EXHAUSTED, 429)."""

    code = grpc.StatusCode.RESOURCE_EXHAUSTED
    reason = "RESOURCE_EXHAUSTED"


class Unavailable(DrishyaError):
    """A dependency is down; the call may be retried (UNAVAILABLE, 503)."""

    code = grpc.StatusCode.UNAVAILABLE
    reason = "UNAVAILABLE"


def require_owner(owner_id: str) -> str:
    """``owner_id`` when it names a principal; raises :class:`Unauthenticated` OWNER_REQUIRED when blank."""
    if not owner_id.strip():
        raise Unauthenticated(
            "owner_id is required",
            reason="OWNER_REQUIRED",
            violations=[FieldViolation("owner_id", "must name the calling principal")],
        )
    return owner_id


@dataclass
class StatusDetails:
    """The unpacked details of a ``google.rpc.Status``, for callers and tests."""

    code: grpc.StatusCode
    message: str
    reason: str = ""
    domain: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    violations: list[FieldViolation] = field(default_factory=list)
    retry_after_s: float | None = None


def to_status_proto(err: DrishyaError, domain: str) -> status_pb2.Status:
    """Build the ``google.rpc.Status`` for ``err``; ``domain`` is e.g. ``"language.drishya"``."""
    st = status_pb2.Status(code=err.code.value[0], message=err.message)
    info = error_details_pb2.ErrorInfo(reason=err.reason, domain=domain, metadata=err.metadata)
    st.details.add().Pack(info)
    if err.violations:
        br = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in err.violations
            ]
        )
        st.details.add().Pack(br)
    if err.retry_after_s is not None:
        delay = duration_pb2.Duration()
        delay.FromNanoseconds(int(err.retry_after_s * 1e9))
        st.details.add().Pack(error_details_pb2.RetryInfo(retry_delay=delay))
    if err.quota_subject is not None:
        qf = error_details_pb2.QuotaFailure(
            violations=[error_details_pb2.QuotaFailure.Violation(subject=err.quota_subject, description=err.message)]
        )
        st.details.add().Pack(qf)
    return st


def internal_status_proto(exc: BaseException, domain: str) -> status_pb2.Status:
    """The ``google.rpc.Status`` for an unexpected exception: INTERNAL, reason ``INTERNAL``.

    The message names only the exception type: its text may hold SQL, parameters or user text,
    which belong in the server log (:class:`ErrorInterceptor` logs them), not in a reply.
    """
    return to_status_proto(DrishyaError(f"internal error ({type(exc).__name__})"), domain)


def unpack_status(st: status_pb2.Status) -> StatusDetails:
    """Unpack a ``google.rpc.Status`` into :class:`StatusDetails`."""
    out = StatusDetails(code=_code(st.code), message=st.message)
    for any_ in st.details:
        if any_.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            any_.Unpack(info)
            out.reason, out.domain, out.metadata = info.reason, info.domain, dict(info.metadata)
        elif any_.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            br = error_details_pb2.BadRequest()
            any_.Unpack(br)
            out.violations = [FieldViolation(v.field, v.description) for v in br.field_violations]
        elif any_.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
            ri = error_details_pb2.RetryInfo()
            any_.Unpack(ri)
            out.retry_after_s = ri.retry_delay.ToNanoseconds() / 1e9
    return out


def details_of(err: grpc.RpcError) -> StatusDetails:
    """Unpack the rich status of a failed call; falls back to code and details text."""
    st = rpc_status.from_call(err)  # type: ignore[arg-type]
    if st is None:
        code = err.code() if hasattr(err, "code") else grpc.StatusCode.UNKNOWN
        text = err.details() if hasattr(err, "details") else str(err)
        return StatusDetails(code=code, message=text or "")
    return unpack_status(st)


def error_from_status(st: status_pb2.Status) -> DrishyaError:
    """Rebuild a :class:`DrishyaError` from a ``google.rpc.Status`` (to pass a downstream error on)."""
    d = unpack_status(st)
    err = DrishyaError(
        d.message,
        reason=d.reason or d.code.name,
        metadata=d.metadata,
        violations=d.violations,
        retry_after_s=d.retry_after_s,
    )
    err.code = d.code
    return err


def _code(value: int) -> grpc.StatusCode:
    for c in grpc.StatusCode:
        if c.value[0] == value:
            return c
    return grpc.StatusCode.UNKNOWN


@dataclass(frozen=True)
class _Malformed:
    """Stands in for a request whose bytes did not parse (see :func:`_tolerant`)."""

    error: str


def _tolerant(deserialize: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """A request deserializer that returns :class:`_Malformed` instead of raising.

    grpcio calls the deserializer before the handler and answers UNKNOWN itself when it raises;
    returning a marker lets the handler refuse the request as INVALID_ARGUMENT instead.
    """
    if deserialize is None:
        return None
    inner = deserialize

    def parse(data: bytes) -> Any:
        try:
            return inner(data)
        except DecodeError as exc:
            return _Malformed(str(exc))

    return parse


def _check_parsed(request: Any) -> None:
    """Raise :class:`InvalidArgument` MALFORMED_REQUEST for a request that did not parse."""
    if isinstance(request, _Malformed):
        raise InvalidArgument("the request is not a valid protobuf message", reason="MALFORMED_REQUEST")


class ErrorInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[type-arg]
    """Server interceptor that maps :class:`DrishyaError` (and any other exception) to a rich status.

    Unary and server-streaming handlers are wrapped; other exceptions become INTERNAL with
    reason ``INTERNAL`` so no RPC ever ends with a bare stack trace. A request whose bytes do not
    parse is refused as INVALID_ARGUMENT, reason MALFORMED_REQUEST (grpcio would answer UNKNOWN).
    Client- and bidirectional-streaming handlers are passed through unchanged (none exist here).
    """

    def __init__(self, domain: str) -> None:
        self._domain = domain

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Any]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Any:
        handler = await continuation(handler_call_details)
        if handler is None:
            return handler
        domain = self._domain

        method = handler_call_details.method

        async def _abort(ctx: Any, exc: BaseException) -> None:
            if not isinstance(exc, DrishyaError):
                log.error("%s failed", method, exc_info=exc)
            st = to_status_proto(exc, domain) if isinstance(exc, DrishyaError) else internal_status_proto(exc, domain)
            await ctx.abort_with_status(rpc_status.to_status(st))

        deserialize = _tolerant(handler.request_deserializer)

        if handler.unary_unary is not None:
            inner_uu = handler.unary_unary

            async def unary_unary(request: Any, ctx: Any) -> Any:
                try:
                    _check_parsed(request)
                    return await inner_uu(request, ctx)
                except grpc.aio.AbortError:
                    raise
                except Exception as exc:
                    await _abort(ctx, exc)

            return grpc.unary_unary_rpc_method_handler(unary_unary, deserialize, handler.response_serializer)
        if handler.unary_stream is not None:
            inner_us = handler.unary_stream

            async def unary_stream(request: Any, ctx: Any) -> AsyncIterator[Any]:
                try:
                    _check_parsed(request)
                    async for item in inner_us(request, ctx):
                        yield item
                except grpc.aio.AbortError:
                    raise
                except Exception as exc:
                    await _abort(ctx, exc)

            return grpc.unary_stream_rpc_method_handler(unary_stream, deserialize, handler.response_serializer)
        return handler
