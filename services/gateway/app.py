"""The gateway's FastAPI application: routes, authentication, error mapping, lifespan.

:func:`create_app` builds the app; its lifespan opens a ``grpc.aio`` channel to the generation
service and an async SQLAlchemy engine, applies the ``gateway`` schema migrations, registers
``DRISHYA_API_KEY`` when configured, and closes both on shutdown.

Each request is a span (OpenTelemetry's FastAPI instrumentation; the gRPC calls it makes are its
children), is counted (``drishya_http_server_requests_total``) and has its request id bound for
the logs and passed on to the services as ``x-request-id``. ``GET /metrics`` serves the process's
Prometheus metrics.
"""

from __future__ import annotations

import asyncio
import email.message
import json
import logging
import math
import re
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import grpc
from fastapi import Depends, FastAPI, Header, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from grpc_health.v1 import health_pb2, health_pb2_grpc
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse as StarletteFileResponse
from starlette.responses import MalformedRangeHeader, RangeNotSatisfiable
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as gs_grpc
from drishya.story.v1 import story_service_pb2_grpc as story_grpc
from services.gateway import docs, media, release, signing, sse, static, trust, views
from services.gateway.config import GatewayConfig
from services.gateway.hub import Hub, SingleFlight
from services.gateway.keys import KeyCache, Principal, authenticate, ensure_api_key, hash_secret, migrate_gateway
from services.gateway.models import MAX_TEXT_CHARS, CreateJobRequest, Health, Job, JobEvent, JobList, Problem
from services.gateway.page import PAGE
from services.gateway.problems import (
    ApiProblem,
    internal_problem,
    problem_from_status,
    violations_from_pydantic,
)
from services.gateway.ratelimit import RateLimiter
from services.gateway.trust import TrustLevel
from services.mesh import logs
from services.mesh import metrics as mesh_metrics
from services.mesh.channels import channel
from services.mesh.db import create_engine, ping
from services.mesh.errors import FieldViolation, StatusDetails, details_of
from services.mesh.media_store import CHUNK_BYTES, MediaNotFound, MediaStore, MediaUnavailable, store_of

log = logging.getLogger(__name__)

GENERATION_SERVICE = "drishya.generation.v1.GenerationService"
#: Dependencies whose loss degrades the mesh without stopping jobs, as the generation service's
#: health service names them.
OPTIONAL_DEPENDENCIES = ("nats", "redis")
#: JobOptions.budget_policy by its JSON name.
BUDGET_POLICIES = {"refuse": gen_pb2.BUDGET_POLICY_REFUSE, "fallback": gen_pb2.BUDGET_POLICY_FALLBACK}
API_VERSION = "1.0.0"

DESCRIPTION = """\
Drishya turns a scene written in an Indian language or English into a narrated, subtitled video.

**Authentication.** Every `/v1/jobs` route needs an API key: `Authorization: Bearer <secret>`
(keys never travel in URLs). A missing key gives 401 with reason `UNAUTHENTICATED`, an unknown or
revoked one 401 with reason `INVALID_API_KEY`.

**Errors** are RFC 9457 problem details (`application/problem+json`) with a stable UPPER_SNAKE
`reason`, the `domain` that decided, `metadata` and field `violations`. gRPC statuses of the
generation service map to HTTP: INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
NOT_FOUND 404, ALREADY_EXISTS / FAILED_PRECONDITION / ABORTED 409, RESOURCE_EXHAUSTED 429 and
UNAVAILABLE 503 (both with `Retry-After`; the global queue limit, reason `QUEUE_FULL`, answers 503),
DEADLINE_EXCEEDED 504, UNIMPLEMENTED 501, others 500. A 500 never shows internal text: every
response carries `X-Request-Id`, under which the server log keeps the details.

**Limits.** Job creation is rate-limited per key (token bucket; 429 `RATE_LIMITED` with
`Retry-After` and the `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and
`RateLimit-Policy` fields of draft-ietf-httpapi-ratelimit-headers-06). JSON bodies nest at most 32
deep, numbers have at most 40 characters, paths at most 2048 bytes (414), headers at most 16 KiB
(431).

**Progress** streams as Server-Sent Events from `GET /v1/jobs/{job_id}/events`; each event's `id`
is its sequence number, so reconnecting with `Last-Event-ID` resumes where the stream broke.

**Media** is private to the owner of the job or story: every media URL the API returns is signed
(`?exp=<unix seconds>&sig=<HMAC-SHA256>`, valid one hour). HLS playlists fetched through a signed URL
come back with every segment and rendition URI signed the same way. An unsigned, altered or
expired URL gets 403.
"""

TAGS = [
    {"name": "jobs", "description": "Create, read, list, cancel and retry jobs; follow their progress."},
    {"name": "media", "description": "Published videos, HLS playlists and segments, posters."},
    {"name": "health", "description": "Probes for orchestrators and load balancers."},
    {"name": "reviews", "description": "Review before release: the queue, decisions, appeals, reports, takedowns."},
    {"name": "audit", "description": "The audit trail of decisions and privileged actions (operators)."},
]

_PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": Problem,
        "description": "Invalid JSON (INVALID_JSON) or arguments (INVALID_ARGUMENT, TEXT_TOO_SHORT, ...).",
    },
    401: {"model": Problem, "description": "Missing (UNAUTHENTICATED) or unknown/revoked (INVALID_API_KEY) API key."},
    404: {"model": Problem, "description": "No such job for this key (JOB_NOT_FOUND)."},
    429: {"model": Problem, "description": "Too many active jobs (TOO_MANY_ACTIVE_JOBS) or requests; see Retry-After."},
    503: {"model": Problem, "description": "Unavailable or the queue is full (QUEUE_FULL); see Retry-After."},
}

bearer = HTTPBearer(
    auto_error=False, bearerFormat="dk_<key_id>_<secret>", description="An API key: `Authorization: Bearer <secret>`."
)
#: Request ids accepted from clients (``X-Request-Id``); anything else is replaced by a new one.
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REQUEST_ID_HEADER = "X-Request-Id"


@dataclass
class Runtime:
    """What the routes use, created in the lifespan."""

    config: GatewayConfig
    engine: AsyncEngine
    jobs: gs_grpc.GenerationServiceStub
    health: health_pb2_grpc.HealthStub
    limiter: RateLimiter
    hub: Hub
    keys: KeyCache
    auth_flight: SingleFlight
    stories: story_grpc.StoryServiceStub | None = None
    media_store: MediaStore | None = None
    releases: release.ReleaseCache = field(default_factory=release.ReleaseCache)


def _release_fetch(rt: Runtime) -> Callable[[str], Awaitable[bool]]:
    async def fetch(job_id: str) -> bool:
        resp = await rt.jobs.GetReleaseStates(
            gs_pb2.GetReleaseStatesRequest(job_ids=[job_id]), timeout=rt.config.unary_deadline_s
        )
        return job_id in resp.released_job_ids

    return fetch


def _runtime(request: Request) -> Runtime:
    rt: Runtime | None = getattr(request.app.state, "runtime", None)
    if rt is None:
        raise ApiProblem(503, "NOT_READY", "the gateway is starting or stopping", headers={"Retry-After": "1"})
    return rt


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


async def check_key(rt: Runtime, secret: str | None) -> Principal:
    """The active key with ``secret`` (cached for ``auth_cache_s``); raises a 401 problem for none,
    an unknown or revoked key, 503 when keys cannot be checked."""
    if not secret:
        raise ApiProblem(
            401,
            "UNAUTHENTICATED",
            "an API key is required: Authorization: Bearer <secret>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    cached = rt.keys.get(secret)
    if cached is not None:
        return cached
    try:  # a burst of requests with one new key makes one lookup
        principal = await rt.auth_flight.run(hash_secret(secret), lambda: authenticate(rt.engine, secret))
    except (SQLAlchemyError, OSError) as exc:
        log.warning("API key lookup failed: %s", exc)
        raise ApiProblem(
            503, "AUTH_UNAVAILABLE", "API keys cannot be checked right now", headers={"Retry-After": "1"}
        ) from None
    if principal is None:
        raise ApiProblem(
            401,
            "INVALID_API_KEY",
            "the API key is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    rt.keys.put(secret, principal)
    return principal


async def require_principal(
    rt: RuntimeDep, creds: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]
) -> Principal:
    """The caller's ``Authorization: Bearer`` API key; raises a 401 problem otherwise."""
    return await check_key(rt, creds.credentials if creds else None)


PrincipalDep = Annotated[Principal, Depends(require_principal)]


async def require_key(principal: PrincipalDep) -> str:
    """The key id of the caller's API key (the owner id of its jobs)."""
    return principal.key_id


KeyDep = Annotated[str, Depends(require_key)]
JobId = Annotated[uuid.UUID, Path(description="The job's UUID.")]


def _base_url(rt: Runtime, request: Request) -> str:
    return rt.config.public_base_url or str(request.base_url).rstrip("/")


def _media_urls(rt: Runtime, request: Request) -> views.MediaUrl:
    """Key → absolute signed URL valid for ``media_url_ttl_s`` from now."""
    base = _base_url(rt, request)
    exp = int(time.time()) + rt.config.media_url_ttl_s
    return lambda key: base + signing.signed_path(rt.config.media_secret, key, exp)


def request_id_of(request: Request) -> str:
    """The request id the middleware gave this request."""
    return str(request.scope.get("state", {}).get("request_id", ""))


class _JsonLimit(ValueError):
    """A JSON body broke one of the gateway's bounds."""


def _json_depth(text: str) -> int:
    """Deepest nesting of arrays/objects in JSON ``text`` (brackets inside strings do not count)."""
    depth = best = 0
    for ch in re.findall(r"[\[\]{}]", re.sub(r'"(?:[^"\\]|\\.)*"', "", text)):
        depth = depth + 1 if ch in "[{" else depth - 1
        best = max(best, depth)
    return best


async def _read_json(request: Request, limit: int, max_depth: int, max_number_chars: int) -> Any:
    """The request body parsed as UTF-8 JSON.

    Raises:
        ApiProblem: 400 INVALID_JSON, JSON_TOO_DEEP (arrays/objects nested over ``max_depth``),
            JSON_NUMBER_TOO_LARGE (a number literal over ``max_number_chars`` characters, or not
            finite); 413 PAYLOAD_TOO_LARGE (over ``limit`` bytes); 415 UNSUPPORTED_MEDIA_TYPE.
    """
    ctype = request.headers.get("content-type")
    if ctype:
        msg = email.message.Message()
        msg["content-type"] = ctype
        sub = msg.get_content_subtype()
        if msg.get_content_maintype() != "application" or not (sub == "json" or sub.endswith("+json")):
            raise ApiProblem(415, "UNSUPPORTED_MEDIA_TYPE", f"send application/json, not {msg.get_content_type()}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiProblem(
                413, "PAYLOAD_TOO_LARGE", f"the body exceeds {limit} bytes", metadata={"limit": str(limit)}
            )
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise ApiProblem(400, "INVALID_JSON", f"the body is not valid UTF-8 (byte {exc.start})") from None
    if _json_depth(text) > max_depth:
        raise ApiProblem(
            400, "JSON_TOO_DEEP", f"the body nests deeper than {max_depth} levels", metadata={"limit": str(max_depth)}
        )

    def number(literal: str, parse: Callable[[str], Any]) -> Any:
        if len(literal) > max_number_chars:
            raise _JsonLimit(f"a number has {len(literal)} characters; at most {max_number_chars} are accepted")
        value = parse(literal)
        if isinstance(value, float) and not math.isfinite(value):
            raise _JsonLimit("a number is out of range")
        return value

    def constant(name: str) -> Any:
        raise _JsonLimit(f"{name} is not JSON")

    try:
        value = json.loads(
            text,
            parse_int=lambda s: number(s, int),
            parse_float=lambda s: number(s, float),
            parse_constant=constant,
        )
    except json.JSONDecodeError as exc:
        raise ApiProblem(
            400, "INVALID_JSON", f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except _JsonLimit as exc:
        raise ApiProblem(400, "JSON_NUMBER_TOO_LARGE", str(exc), metadata={"limit": str(max_number_chars)}) from None
    except RecursionError:
        raise ApiProblem(400, "JSON_TOO_DEEP", f"the body nests deeper than {max_depth} levels") from None
    try:  # "\ud800" escapes decode to lone surrogates, which are not Unicode text
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiProblem(400, "INVALID_JSON", "the body contains an unpaired UTF-16 surrogate escape") from None
    return value


def _job_response(
    job: gen_pb2.Job, urls: views.MediaUrl, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(views.job_json(job, urls), status_code=status, headers=headers)


async def _event_stream(
    rt: Runtime, owner: str, job_id: str, after: int, base_url: str, request_id: str
) -> AsyncIterator[str]:
    """SSE text of the job's events after ``after`` from the job's shared feed; keep-alive comments
    while it is silent. An upstream error becomes one ``event: problem`` and ends the stream.
    Leaving (end, error, client gone) detaches from the feed; the last watcher out cancels WatchJob.
    """
    feed = rt.hub.attach(owner, job_id, _watch_call(rt, owner, job_id), _event_formatter(rt, base_url))
    cfg = rt.config
    ends = time.monotonic() + cfg.sse_max_stream_s
    try:
        yield sse.format_retry(cfg.sse_retry_ms)
        async for item in feed.follow(after, min(cfg.sse_keepalive_s, cfg.sse_max_stream_s)):
            if time.monotonic() >= ends:
                return  # the client reconnects with Last-Event-ID and loses nothing
            if item is None:
                yield sse.KEEPALIVE
            elif isinstance(item, StatusDetails):
                problem = problem_from_status(item, request_id)
                if problem.status == 500:
                    log.error("request %s: event stream of job %s failed: %s", request_id, job_id, item.code.name)
                yield sse.format_event(problem.body(), event="problem")
            else:
                yield item
    finally:
        await rt.hub.detach(owner, job_id, feed)


def _watch_call(rt: Runtime, owner: str, job_id: str) -> Callable[[], Any]:
    return lambda: rt.jobs.WatchJob(gs_pb2.WatchJobRequest(owner_id=owner, job_id=job_id, after_sequence=0))


def _event_formatter(rt: Runtime, base_url: str) -> Callable[[gen_pb2.JobEvent], str]:
    """Formats events once for every watcher of a feed; media URLs are signed when formatted."""

    def fmt(ev: gen_pb2.JobEvent) -> str:
        exp = int(time.time()) + rt.config.media_url_ttl_s
        urls: views.MediaUrl = lambda key: base_url + signing.signed_path(rt.config.media_secret, key, exp)  # noqa: E731
        return sse.format_event(views.event_json(ev, urls), event=sse.event_name(ev.type), event_id=ev.sequence)

    return fmt


def _allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Methods of every route whose path matches ``scope`` (for ``Allow`` on a 405)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**scope, "method": "\x00"})
        route_methods = getattr(route, "methods", None)
        if match != Match.NONE and route_methods:
            methods |= set(route_methods)
    return sorted(methods)


def _install_handlers(app: FastAPI) -> None:
    async def on_problem(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        return exc.response()

    async def on_rpc_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, grpc.RpcError)
        rid = request_id_of(request)
        details = details_of(exc)
        problem = problem_from_status(details, rid)
        if problem.status == 500:
            log.error("request %s: generation answered %s: %s", rid, details.code.name, details.message)
        return problem.response()

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        violations = violations_from_pydantic(exc.errors())
        return ApiProblem(400, "INVALID_ARGUMENT", "the request has invalid fields", violations=violations).response()

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        reason = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request.scope))
        return ApiProblem(exc.status_code, reason, detail, headers=headers).response()

    app.add_exception_handler(ApiProblem, on_problem)
    app.add_exception_handler(grpc.RpcError, on_rpc_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)


class RequestContext:
    """ASGI middleware: a request id on every response, path bounds, and the last word on errors.

    * ``X-Request-Id``: the client's (when it is 1 to 64 of ``[A-Za-z0-9._-]``) or a new UUID; set
      on every response and in ``scope["state"]["request_id"]``.
    * Headers over ``max_header_bytes`` in all get 431 REQUEST_HEADER_FIELDS_TOO_LARGE, a request
      path over ``max_path_bytes`` 414 URI_TOO_LONG, and a path segment over 255 bytes 400
      PATH_SEGMENT_TOO_LONG, before routing (the HTTP parser, httptools, bounds none of them).
    * Any exception that escapes the app is logged with its traceback under the request id and
      answered with a 500 problem that shows only that id (no SQL, parameters, owner ids or text).
    """

    def __init__(self, app: ASGIApp, max_path_bytes: int, max_header_bytes: int) -> None:
        self.app = app
        self.max_path_bytes = max_path_bytes
        self.max_header_bytes = max_header_bytes

    def _out_of_bounds(self, scope: Scope) -> ApiProblem | None:
        """The problem for a request whose headers, path or a path segment are too large, or None."""
        head = sum(len(k) + len(v) + 4 for k, v in scope.get("headers", []))
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        path = raw_path.split(b"?", 1)[0]
        if head > self.max_header_bytes:
            status, reason, what, limit = 431, "REQUEST_HEADER_FIELDS_TOO_LARGE", "the headers", self.max_header_bytes
        elif len(path) > self.max_path_bytes:
            status, reason, what, limit = 414, "URI_TOO_LONG", "the path", self.max_path_bytes
        elif any(len(seg) > 255 for seg in scope["path"].encode("utf-8", "surrogateescape").split(b"/")):
            status, reason, what, limit = 400, "PATH_SEGMENT_TOO_LONG", "a path segment", 255
        else:
            return None
        return ApiProblem(status, reason, f"{what} exceed(s) {limit} bytes", metadata={"limit": str(limit)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope.get("headers", []):
            if name == b"x-request-id":
                given = value.decode("latin-1")
        rid = given if _REQUEST_ID_RE.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode("ascii")))
                message = {**message, "headers": headers}
            await send(message)

        refusal = self._out_of_bounds(scope)
        if refusal is not None:
            await refusal.response()(scope, receive, send_with_id)
            return
        try:
            with logs.bind(request_id=rid):
                await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("request %s: %s %s failed", rid, scope.get("method"), scope.get("path", "")[:200])
            if not started:
                await internal_problem(rid).response()(scope, receive, send_with_id)


def _install_openapi(app: FastAPI) -> None:
    """OpenAPI with the strictly-parsed request body, problem content types, and no 422s."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=TAGS
        )
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        from services.gateway.feedback import FeedbackBody
        from services.gateway.governance import BODY_MODELS as GOVERNANCE_BODIES
        from services.gateway.stories import BODY_MODELS

        models: tuple[type[BaseModel], ...] = (
            CreateJobRequest,
            JobEvent,
            *BODY_MODELS,
            *GOVERNANCE_BODIES,
            FeedbackBody,
        )
        for model in models:
            sub_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in sub_schema.pop("$defs", {}).items():
                comps.setdefault(name, sub)
            comps[model.__name__] = sub_schema
        for name in ("HTTPValidationError", "ValidationError"):
            comps.pop(name, None)
        for item in schema.get("paths", {}).values():
            for op in item.values():
                for param in op.get("parameters", []):
                    _drop_null(param)
                responses = op.get("responses", {})
                responses.pop("422", None)
                for code, resp in responses.items():
                    content = resp.get("content", {})
                    if code.isdigit() and int(code) >= 400 and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _drop_null(param: dict[str, Any]) -> None:
    """An optional parameter is absent, never ``null``: keep only the non-null member of ``anyOf``."""
    sub = param.get("schema", {})
    members = [m for m in sub.get("anyOf", []) if m.get("type") != "null"]
    if "anyOf" in sub and len(members) == 1:
        rest = {k: v for k, v in sub.items() if k != "anyOf"}
        param["schema"] = {**members[0], **rest}


def create_app(config: GatewayConfig, *, database_url: str) -> FastAPI:
    """Build the gateway app.

    Args:
        config: the gateway's configuration.
        database_url: SQLAlchemy URL of the PostgreSQL holding the ``gateway`` schema (API keys).
    Returns:
        A FastAPI app whose lifespan connects to the generation service, the database and (for the
        rate limit) Redis. Routes answer 503 NOT_READY outside the lifespan.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(database_url)
        ch = channel(config.generation_addr)
        story_ch = channel(config.story_addr)
        limiter = RateLimiter(
            config.redis_url,
            plans=config.plans,
            burst=config.rate_limit_burst,
            per_minute=config.rate_limit_per_minute,
        )
        if config.redis_url is None:
            log.warning("REDIS_URL is not set: the per-key rate limit is off")
        hub = Hub()
        mesh_metrics.watch_event_loop()
        try:
            await migrate_gateway(engine)
            if config.api_key:
                key_id = await ensure_api_key(engine, config.api_key, config.api_key_name)
                log.info("API key %s from DRISHYA_API_KEY is registered", key_id)
            app.state.runtime = Runtime(
                config,
                engine,
                gs_grpc.GenerationServiceStub(ch),  # type: ignore[no-untyped-call]
                health_pb2_grpc.HealthStub(ch),
                limiter,
                hub,
                KeyCache(config.auth_cache_s),
                SingleFlight(),
                story_grpc.StoryServiceStub(story_ch),  # type: ignore[no-untyped-call]
                await _open_media(config),
            )
            yield
        finally:
            app.state.runtime = None
            await hub.close()
            await limiter.close()
            await ch.close(None)
            await story_ch.close(None)
            await engine.dispose()

    app = FastAPI(
        title="Drishya API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=TAGS,
        docs_url=None,  # FastAPI's pages load Swagger UI and ReDoc from a CDN; docs.install_docs serves them
        redoc_url=None,
    )
    app.state.runtime = None
    docs.install_docs(app)
    static.install_static(app)
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "Idempotency-Key",
                "Last-Event-ID",
                "Range",
                "X-Request-Id",
            ],
            expose_headers=[
                "Location",
                "Idempotent-Replayed",
                "Retry-After",
                "Content-Range",
                "Accept-Ranges",
                "X-Request-Id",
                "RateLimit-Limit",
                "RateLimit-Remaining",
                "RateLimit-Reset",
                "RateLimit-Policy",
            ],
        )
    app.add_middleware(RequestContext, max_path_bytes=config.max_path_bytes, max_header_bytes=config.max_header_bytes)
    app.add_middleware(mesh_metrics.HttpMetrics)
    # Spans for requests, not for each chunk sent or received (an SSE stream sends thousands).
    FastAPIInstrumentor.instrument_app(
        app, excluded_urls="/metrics$,/livez$,/healthz$,/static/", exclude_spans=["receive", "send"]
    )
    _install_handlers(app)
    _install_openapi(app)
    deadline = config.unary_deadline_s

    @app.post(
        "/v1/jobs",
        tags=["jobs"],
        summary="Create a job",
        status_code=201,
        responses={
            201: {"model": Job, "description": "Created; `Location` names the job."},
            200: {
                "model": Job,
                "description": "A repeat of an earlier request with the same Idempotency-Key; "
                "the first job is returned and `Idempotent-Replayed: true` is set.",
            },
            402: {
                "model": Problem,
                "description": "The job's estimated cost would pass the key's monthly provider budget"
                " (BUDGET_EXCEEDED, with budget_usd, spent_usd and estimate_usd); see budget_policy.",
            },
            409: {"model": Problem, "description": "Idempotency-Key reused with a different body."},
            413: {"model": Problem, "description": "The body is too large."},
            415: {"model": Problem, "description": "The body is not JSON."},
            **_PROBLEM_RESPONSES,
            429: {
                "model": Problem,
                "description": "Too many requests for this key's plan (RATE_LIMITED), too many active jobs "
                "(TOO_MANY_ACTIVE_JOBS) or the plan's rendered-scenes quota is used up (QUOTA_EXCEEDED, "
                "quota rendered_scenes); see Retry-After and the RateLimit-* fields.",
            },
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreateJobRequest"}}},
            }
        },
    )
    async def create_job(
        request: Request,
        rt: RuntimeDep,
        principal: PrincipalDep,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                max_length=255,
                description="Optional client request id (≤ 255 characters): a repeat returns the first job.",
            ),
        ] = None,
    ) -> JSONResponse:
        """Queue a scene for rendering. Text rules (10 to 2000 characters, no control characters other
        than tab and newlines) give reasons TEXT_TOO_SHORT, TEXT_TOO_LONG and
        TEXT_HAS_CONTROL_CHARACTERS; the language is detected from the text (UNSUPPORTED_LANGUAGE);
        unknown fields are rejected. Well-formed submissions are rate-limited per key (a token is
        taken after the body is validated, so refused bodies do not use up the key's budget)."""
        raw = await _read_json(request, rt.config.max_body_bytes, rt.config.max_json_depth, rt.config.max_number_chars)
        if isinstance(raw, dict) and isinstance(raw.get("text"), str):
            _check_text(raw["text"])
        try:
            body = CreateJobRequest.model_validate(raw)
        except ValidationError as exc:
            violations = violations_from_pydantic([dict(e) for e in exc.errors()])
            fields = {v.field for v in violations}
            reason = _FIELD_REASONS.get(fields.pop(), "INVALID_ARGUMENT") if len(fields) == 1 else "INVALID_ARGUMENT"
            raise ApiProblem(400, reason, "the request has invalid fields", violations=violations) from None
        key_id = principal.key_id
        if principal.trust_level is TrustLevel.SUSPENDED:
            raise ApiProblem(
                403,
                "KEY_SUSPENDED",
                "this key is suspended after repeated violations and cannot create jobs; an operator can lift it",
            )
        decision = await rt.limiter.take(
            key_id, principal.plan, trust.rate_factor(principal.trust_level, rt.config.trust)
        )
        limit_headers = decision.headers()
        if not decision.allowed:
            raise ApiProblem(
                429,
                "RATE_LIMITED",
                f"this key's plan may create {decision.limit} jobs at once and "
                f"{decision.per_minute:g} per minute; try again in {limit_headers['Retry-After']} s",
                metadata={
                    "limit": str(decision.limit),
                    "per_minute": f"{decision.per_minute:g}",
                    "plan": principal.plan,
                },
                headers=limit_headers,
            )
        o = body.options
        req = gs_pb2.CreateJobRequest(
            owner_id=key_id,
            request_id=idempotency_key or "",
            text=body.text,
            options=gen_pb2.JobOptions(
                language_code=o.language_code or "",
                disable_narration=bool(o.disable_narration),
                disable_subtitles=bool(o.disable_subtitles),
                priority=o.priority,  # unset: the plan's priority; set, it may only lower it
                provider=o.provider or "",
                budget_policy=BUDGET_POLICIES[o.budget_policy or "refuse"],
            ),
            review_required=trust.review_required(
                principal.role, principal.trust_level, rt.config.trust, secrets.SystemRandom().random()
            ),
            plan=principal.plan,
        )
        resp = await rt.jobs.CreateJob(req, timeout=deadline)
        headers = {"Location": f"/v1/jobs/{resp.job.job_id}", **limit_headers}
        if resp.deduplicated:
            headers["Idempotent-Replayed"] = "true"
        return _job_response(resp.job, _media_urls(rt, request), 200 if resp.deduplicated else 201, headers)

    @app.get("/v1/jobs", tags=["jobs"], summary="List jobs", responses={200: {"model": JobList}, **_PROBLEM_RESPONSES})
    async def list_jobs(
        request: Request,
        rt: RuntimeDep,
        key_id: KeyDep,
        page_size: Annotated[int | None, Query(ge=1, le=100, description="1 to 100; 20 when absent.")] = None,
        page_token: Annotated[
            str | None, Query(max_length=1024, description="next_page_token of the previous page.")
        ] = None,
    ) -> JSONResponse:
        """The caller's jobs, newest first, one page at a time. A page_token that is not one this
        route returned gets 400 INVALID_PAGE_TOKEN."""
        resp = await rt.jobs.ListJobs(
            gs_pb2.ListJobsRequest(owner_id=key_id, page_size=page_size or 0, page_token=page_token or ""),
            timeout=deadline,
        )
        urls = _media_urls(rt, request)
        return JSONResponse(
            {"jobs": [views.job_json(j, urls) for j in resp.jobs], "next_page_token": resp.next_page_token}
        )

    @app.get(
        "/v1/jobs/{job_id:uuid}",
        tags=["jobs"],
        summary="Get a job",
        responses={200: {"model": Job}, **_PROBLEM_RESPONSES},
    )
    async def get_job(request: Request, rt: RuntimeDep, key_id: KeyDep, job_id: JobId) -> JSONResponse:
        """One of the caller's jobs; another key's job is reported as not found."""
        resp = await rt.jobs.GetJob(gs_pb2.GetJobRequest(owner_id=key_id, job_id=str(job_id)), timeout=deadline)
        return _job_response(resp.job, _media_urls(rt, request))

    @app.post(
        "/v1/jobs/{job_id:uuid}:cancel",
        tags=["jobs"],
        summary="Cancel a job",
        responses={
            200: {"model": Job},
            409: {"model": Problem, "description": "The job has already ended (JOB_NOT_CANCELLABLE)."},
            **_PROBLEM_RESPONSES,
        },
    )
    async def cancel_job(request: Request, rt: RuntimeDep, key_id: KeyDep, job_id: JobId) -> JSONResponse:
        """Cancel a queued or running job."""
        resp = await rt.jobs.CancelJob(gs_pb2.CancelJobRequest(owner_id=key_id, job_id=str(job_id)), timeout=deadline)
        return _job_response(resp.job, _media_urls(rt, request))

    @app.post(
        "/v1/jobs/{job_id:uuid}:retry",
        tags=["jobs"],
        summary="Retry a job",
        responses={
            200: {"model": Job},
            409: {"model": Problem, "description": "The job is not FAILED or DEAD_LETTER (JOB_NOT_RETRYABLE)."},
            **_PROBLEM_RESPONSES,
        },
    )
    async def retry_job(request: Request, rt: RuntimeDep, key_id: KeyDep, job_id: JobId) -> JSONResponse:
        """Queue a FAILED or DEAD_LETTER job again; it resumes at its first unfinished stage."""
        resp = await rt.jobs.RetryJob(gs_pb2.RetryJobRequest(owner_id=key_id, job_id=str(job_id)), timeout=deadline)
        return _job_response(resp.job, _media_urls(rt, request))

    @app.get(
        "/v1/jobs/{job_id:uuid}/events",
        tags=["jobs"],
        summary="Follow a job's progress (Server-Sent Events)",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "A `text/event-stream`: per event `id: <sequence>`, `event: <type>` (state_changed, "
                "stage_started, stage_completed, shot_progress, shot_rendered) and `data: <JobEvent JSON>`; "
                "`: keep-alive` comments during silence; `event: problem` with a problem body if the stream "
                "fails. It ends when the job ends, or after DRISHYA_GATEWAY_SSE_MAX_S (reconnect with Last-Event-ID).",
                "content": {"text/event-stream": {"schema": _SSE_EVENT_SCHEMA}},
            },
            204: {
                "description": "The job has ended and the client has seen every event: nothing to stream "
                "(EventSource stops reconnecting)."
            },
            **_PROBLEM_RESPONSES,
        },
    )
    async def job_events(
        request: Request,
        rt: RuntimeDep,
        key_id: KeyDep,
        job_id: JobId,
        last_event_id: Annotated[
            int | None,
            Header(
                alias="Last-Event-ID",
                ge=0,
                le=MAX_SEQUENCE,
                description="Resume after this event sequence (sent by EventSource on reconnect).",
            ),
        ] = None,
        after: Annotated[
            int | None,
            Query(
                ge=0, le=MAX_SEQUENCE, description="Resume after this sequence; Last-Event-ID wins when both are sent."
            ),
        ] = None,
    ) -> Response:
        """Replay the job's events after a sequence number, then follow it live until it ends.

        The job is looked up first, so an unknown id or another key's job is a plain 404 problem,
        not a broken stream. All watchers of a job share one upstream WatchJob stream; closing the
        last connection cancels it.
        """
        after_seq = last_event_id if last_event_id is not None else (after or 0)
        jid = str(job_id)
        if rt.hub.live(key_id, jid) is None:
            request_ = gs_pb2.GetJobRequest(owner_id=key_id, job_id=jid)
            job = (await rt.hub.lookup(key_id, jid, lambda: rt.jobs.GetJob(request_, timeout=deadline))).job
            if job.state in sse.TERMINAL_STATES and after_seq >= job.last_event_sequence:
                return Response(status_code=204)
        base = _base_url(rt, request)
        return StreamingResponse(
            _event_stream(rt, key_id, jid, after_seq, base, request_id_of(request)),
            media_type=sse.MEDIA_TYPE,
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.head("/v1/media/{key:path}", include_in_schema=False)
    @app.get(
        "/v1/media/{key:path}",
        tags=["media"],
        summary="Download published media (signed URL)",
        response_class=FileResponse,
        responses={
            200: {"description": "The file (video/mp4, application/vnd.apple.mpegurl, video/mp2t, image/jpeg)."},
            206: {"description": "Part of the file, for a `Range` request."},
            400: {"model": Problem, "description": "A malformed Range header (INVALID_RANGE) or media key."},
            403: {
                "model": Problem,
                "description": "Unsigned (MEDIA_SIGNATURE_REQUIRED), altered (MEDIA_SIGNATURE_INVALID) or "
                "expired (MEDIA_URL_EXPIRED) URL.",
            },
            404: {"model": Problem, "description": "No such media (MEDIA_NOT_FOUND)."},
            416: {"model": Problem, "description": "The Range lies outside the file (RANGE_NOT_SATISFIABLE)."},
            307: {"description": "With DRISHYA_MEDIA_SERVE=redirect: a presigned URL of the object store."},
            503: {"model": Problem, "description": "The object store is not answering (MEDIA_STORE_UNAVAILABLE)."},
        },
    )
    async def get_media(
        request: Request,
        key: str,
        rt: RuntimeDep,
        exp: Annotated[str | None, Query(max_length=12, description="Expiry of the grant, Unix seconds.")] = None,
        sig: Annotated[
            str | None, Query(max_length=64, description="HMAC-SHA256 of key and expiry, base64url.")
        ] = None,
        scope: Annotated[
            Literal["review"] | None, Query(description="A reviewer's grant, which reaches quarantined media.")
        ] = None,
    ) -> Response:
        """A published file by its key (``jobs/<job_id>/...``, or a story's playback files
        ``stories/<story_id>/playback/<digest>/...``), with Range support for seeking, through a URL
        the API signed. HLS playlists come back with every URI in them signed until the same expiry,
        so players fetch the whole ladder through the one grant (a story's master playlist reaches
        the segments of its scenes' jobs)."""
        refusal = signing.verify(rt.config.media_secret, key, exp, sig, scope=scope or "")
        if refusal is not None:
            raise ApiProblem(403, refusal, _MEDIA_REFUSALS[refusal])
        job_id = release.job_of(key)
        if scope is None and job_id is not None and not await rt.releases.released(job_id, _release_fetch(rt)):
            raise ApiProblem(
                403, "MEDIA_NOT_RELEASED", "this video is held for review or was taken down, and is not served"
            )
        if rt.media_store is not None and rt.media_store.local_root is None:
            return await _object_media(request, rt, rt.media_store, key, int(exp or 0))
        root = rt.media_store.local_root if rt.media_store is not None else None
        path = media.resolve_media(root or rt.config.media_root, key)
        if path is None:
            raise ApiProblem(404, "MEDIA_NOT_FOUND", "no such media")
        headers = {"Cache-Control": "private, max-age=300"}
        if path.suffix.lower() == ".m3u8":
            text = await asyncio.to_thread(path.read_text, "utf-8")
            signed = signing.sign_playlist(rt.config.media_secret, key, text, int(exp or 0))
            return Response(signed, media_type=media.content_type(path), headers=headers)
        size = (await asyncio.to_thread(path.stat)).st_size
        _check_range(request, size)
        return FileResponse(path, media_type=media.content_type(path), headers=headers)

    @app.get(
        "/healthz",
        tags=["health"],
        summary="Readiness",
        responses={
            200: {"model": Health, "description": "Jobs run: all is well, or an optional dependency is down."},
            503: {"model": Health, "description": "PostgreSQL or the generation service is down."},
        },
    )
    async def healthz(rt: RuntimeDep) -> JSONResponse:
        """Readiness, from the generation service's grpc.health.v1 statuses and a database ping.

        * 503 ``{"status": "down", "checks": {...}}``: the generation service is not SERVING (it
          is not while PostgreSQL is unreachable) or the gateway's database does not answer;
          jobs cannot be created or run.
        * 200 ``{"status": "degraded", "degraded": ["nats"], "checks": {...}}``: an optional
          dependency the generation service reports (``nats``, ``redis``) is down; jobs still run
          and events are still served, from PostgreSQL.
        * 200 ``{"status": "ok", "checks": {...}}`` otherwise.
        """
        timeout = rt.config.health_deadline_s

        async def status_of(service: str) -> str | None:
            try:
                resp = await rt.health.Check(health_pb2.HealthCheckRequest(service=service), timeout=timeout)
            except grpc.RpcError as exc:
                if exc.code() == grpc.StatusCode.NOT_FOUND:
                    return None  # not a dependency this generation service reports
                return str(exc.code().name)
            return str(health_pb2.HealthCheckResponse.ServingStatus.Name(resp.status))

        async def database() -> str:
            try:
                async with asyncio.timeout(timeout):
                    await ping(rt.engine)
            except Exception as exc:
                return f"unavailable: {type(exc).__name__}"
            return "ok"

        gen_status, db_status, *deps = await asyncio.gather(
            status_of(GENERATION_SERVICE), database(), *(status_of(d) for d in OPTIONAL_DEPENDENCIES)
        )
        optional = {name: st for name, st in zip(OPTIONAL_DEPENDENCIES, deps, strict=True) if st is not None}
        checks = {"generation": gen_status or "NOT_FOUND", "database": db_status, **optional}
        if gen_status != "SERVING" or db_status != "ok":
            return JSONResponse({"status": "down", "checks": checks}, status_code=503)
        degraded = [name for name, st in optional.items() if st != "SERVING"]
        if degraded:
            return JSONResponse({"status": "degraded", "degraded": degraded, "checks": checks})
        return JSONResponse({"status": "ok", "checks": checks})

    @app.get("/metrics", include_in_schema=False)
    async def metrics_page() -> Response:
        """The process's metrics in the Prometheus text format (read in a thread: collectors may query)."""
        body, content_type = await asyncio.to_thread(mesh_metrics.exposition)
        return Response(body, media_type=content_type)

    @app.get("/livez", tags=["health"], summary="Liveness", responses={200: {"model": Health}})
    async def livez() -> JSONResponse:
        """200 ``{"status": "ok"}`` while the process serves HTTP, whatever its dependencies say."""
        return JSONResponse({"status": "ok"})

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def index() -> HTMLResponse:
        """The web page: paste a key, write a scene, watch the video being made."""
        return HTMLResponse(PAGE)

    @app.get("/jobs/{job_id:uuid}", include_in_schema=False, response_class=HTMLResponse)
    async def job_page(job_id: JobId) -> HTMLResponse:
        """The web page showing one job (its address after submitting, so a reload keeps it); the
        page reads the job with the key the browser holds, so this route needs none."""
        return HTMLResponse(PAGE)

    @app.get("/reviews", include_in_schema=False, response_class=HTMLResponse)
    async def review_page() -> HTMLResponse:
        """The reviewers' page: the queue, the quarantined preview, approve or reject with a note;
        like the job page it calls the API with the key the browser holds, so this route needs none."""
        from services.gateway.review_page import REVIEW_PAGE

        return HTMLResponse(REVIEW_PAGE)

    from services.gateway.feedback import router as feedback_router
    from services.gateway.governance import router as governance_router
    from services.gateway.stories import router as story_router

    app.include_router(story_router)
    app.include_router(governance_router)
    app.include_router(feedback_router)
    return app


#: One Server-Sent Event as a client's parser sees it: ``data`` holds a JobEvent (or, for
#: ``event: problem``, a Problem) as JSON.
_SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9]+$", "description": "The event's sequence number."},
        "event": {
            "type": "string",
            "enum": [
                "state_changed",
                "stage_started",
                "stage_completed",
                "shot_progress",
                "shot_rendered",
                "unspecified",
                "problem",
            ],
        },
        "data": {
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": {
                "oneOf": [{"$ref": "#/components/schemas/JobEvent"}, {"$ref": "#/components/schemas/Problem"}]
            },
        },
        "retry": {"type": "integer", "minimum": 0},
    },
}

#: Largest event sequence accepted in Last-Event-ID or ``after`` (PostgreSQL bigint range).
MAX_SEQUENCE = 2**63 - 1

_MEDIA_REFUSALS = {
    "MEDIA_SIGNATURE_REQUIRED": "media URLs must be signed: use the URLs the jobs API returns",
    "MEDIA_SIGNATURE_INVALID": "the media URL's signature does not match",
    "MEDIA_URL_EXPIRED": "the media URL has expired: fetch the job again for fresh URLs",
}


#: The reason of a body whose only invalid field is one of these (the generation service's reasons).
_FIELD_REASONS = {"options.language_code": "UNSUPPORTED_LANGUAGE", "options.provider": "UNKNOWN_PROVIDER"}

_CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _check_text(text: str) -> None:
    """Refuse, with a reason of its own, the texts the ``text`` pattern of the schema excludes.

    Raises:
        ApiProblem: 400 TEXT_HAS_CONTROL_CHARACTERS (a C0/C1 control other than tab, CR, LF;
            metadata ``offset``), TEXT_TOO_LONG (over 2000 characters), TEXT_TOO_SHORT (under 10
            characters once stripped).
    """
    control = _CONTROL_CHARACTER.search(text)
    if control is not None:
        raise ApiProblem(
            400,
            "TEXT_HAS_CONTROL_CHARACTERS",
            f"text contains a control character at offset {control.start()}; only tab, CR and LF are allowed",
            metadata={"offset": str(control.start())},
            violations=[FieldViolation("text", "no control characters other than tab, CR and LF")],
        )
    if len(text) > MAX_TEXT_CHARS:
        raise ApiProblem(
            400,
            "TEXT_TOO_LONG",
            f"text has {len(text)} characters; at most {MAX_TEXT_CHARS} are accepted",
            metadata={"limit": str(MAX_TEXT_CHARS)},
            violations=[FieldViolation("text", f"at most {MAX_TEXT_CHARS} characters")],
        )
    if len(text.strip()) < 10:
        raise ApiProblem(
            400,
            "TEXT_TOO_SHORT",
            f"text has {len(text.strip())} characters; at least 10 are needed",
            metadata={"min": "10"},
            violations=[FieldViolation("text", "at least 10 characters")],
        )


async def _open_media(config: GatewayConfig) -> MediaStore:
    """The media store; an object store is checked (a local directory is only read here)."""
    store = store_of(config.media, config.media_root)
    if store.local_root is None:
        await asyncio.to_thread(store.check)
    return store


async def _object_media(request: Request, rt: Runtime, store: MediaStore, key: str, exp: int) -> Response:
    """Serve ``key`` from object storage: a playlist with its URIs signed; anything else streamed
    (one byte range, or the whole object) or, with ``DRISHYA_MEDIA_SERVE=redirect``, a 307 to a
    presigned URL valid until the grant's expiry (at least a minute).

    Raises:
        ApiProblem: 404 MEDIA_NOT_FOUND; 400 INVALID_RANGE; 416 RANGE_NOT_SATISFIABLE; 503
            MEDIA_STORE_UNAVAILABLE with ``Retry-After`` when the store does not answer.
    """
    if not media.acceptable_key(key):
        raise ApiProblem(404, "MEDIA_NOT_FOUND", "no such media")
    headers = {"Cache-Control": "private, max-age=300"}
    kind = media.content_type_of(key)
    try:
        if key.lower().endswith(".m3u8"):
            text = (await asyncio.to_thread(store.read_bytes, key)).decode("utf-8")
            signed = signing.sign_playlist(rt.config.media_secret, key, text, exp)
            return Response(signed, media_type=kind, headers=headers)
        if rt.config.media_serve == "redirect":
            ttl = max(60, exp - int(time.time()))
            url = await asyncio.to_thread(store.presigned_url, key, ttl)
            if url is not None:
                return Response(status_code=307, headers={**headers, "Location": url})
        size = await asyncio.to_thread(store.size, key)
        if size is None:
            raise ApiProblem(404, "MEDIA_NOT_FOUND", "no such media")
        _check_range(request, size)
        start, end, status = 0, size, 200
        http_range = request.headers.get("range")
        if http_range is not None and request.headers.get("if-range") is None:
            ranges = StarletteFileResponse._parse_range_header(http_range, size)
            if len(ranges) == 1:  # several ranges: the whole object (RFC 9110 lets a server ignore Range)
                (start, end), status = ranges[0], 206
        headers.update({"Accept-Ranges": "bytes", "Content-Length": str(end - start)})
        if status == 206:
            headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
        if request.method == "HEAD":
            return Response(status_code=status, media_type=kind, headers=headers)
        reader = await asyncio.to_thread(store.open_range, key, start, end)
    except MediaNotFound:
        raise ApiProblem(404, "MEDIA_NOT_FOUND", "no such media") from None
    except MediaUnavailable as exc:
        log.warning("media %s: %s", key, exc.message)
        raise ApiProblem(
            503, "MEDIA_STORE_UNAVAILABLE", "the media store is not answering", headers={"Retry-After": "1"}
        ) from None

    async def chunks() -> AsyncIterator[bytes]:
        try:
            while chunk := await asyncio.to_thread(reader.read, CHUNK_BYTES):
                yield chunk
        finally:
            await asyncio.to_thread(reader.close)

    return StreamingResponse(chunks(), status_code=status, media_type=kind, headers=headers)


def _check_range(request: Request, size: int) -> None:
    """Refuse a ``Range`` header the file response would refuse, as a problem.

    Starlette's own answers are text/plain; its parser (``FileResponse._parse_range_header``) is
    reused so the rules stay the same. A Range with ``If-Range`` is left to the file response,
    which may ignore it.

    Raises:
        ApiProblem: 400 INVALID_RANGE; 416 RANGE_NOT_SATISFIABLE with ``Content-Range: bytes */<size>``.
    """
    http_range = request.headers.get("range")
    if http_range is None or request.headers.get("if-range") is not None:
        return
    try:
        StarletteFileResponse._parse_range_header(http_range, size)
    except MalformedRangeHeader as exc:
        raise ApiProblem(400, "INVALID_RANGE", exc.content or "malformed Range header") from None
    except RangeNotSatisfiable:
        raise ApiProblem(
            416,
            "RANGE_NOT_SATISFIABLE",
            f"the range lies outside the file of {size} bytes",
            headers={"Content-Range": f"bytes */{size}"},
        ) from None
