"""The gateway's FastAPI application: routes, authentication, error mapping, lifespan.

:func:`create_app` builds the app; its lifespan opens a ``grpc.aio`` channel to the generation
service and an async SQLAlchemy engine, applies the ``gateway`` schema migrations, registers
``DRISHYA_API_KEY`` when configured, and closes both on shutdown.
"""

from __future__ import annotations

import asyncio
import email.message
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import grpc
from fastapi import Depends, FastAPI, Header, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBearer
from grpc_health.v1 import health_pb2, health_pb2_grpc
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException as StarletteHTTPException

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as gs_grpc
from services.gateway import media, sse, views
from services.gateway.config import GatewayConfig
from services.gateway.keys import authenticate, ensure_api_key, migrate_gateway
from services.gateway.models import CreateJobRequest, Health, Job, JobEvent, JobList, Problem
from services.gateway.page import PAGE
from services.gateway.problems import ApiProblem, problem_from_status, violations_from_pydantic
from services.mesh.channels import channel
from services.mesh.db import create_engine, ping
from services.mesh.errors import FieldViolation, details_of

log = logging.getLogger(__name__)

GENERATION_SERVICE = "drishya.generation.v1.GenerationService"
#: Dependencies whose loss degrades the mesh without stopping jobs, as the generation service's
#: health service names them.
OPTIONAL_DEPENDENCIES = ("nats", "redis")
API_VERSION = "1.0.0"

DESCRIPTION = """\
Drishya turns a scene written in an Indian language or English into a narrated, subtitled video.

**Authentication.** Every `/v1/jobs` route needs an API key: `Authorization: Bearer <secret>`.
A missing key gives 401 with reason `UNAUTHENTICATED`, an unknown or revoked one 401 with reason
`INVALID_API_KEY`. Because browsers' `EventSource` cannot set headers, the events route alone also
accepts the key as `?access_token=<secret>` (prefer the header where you can: query strings end up
in logs).

**Errors** are RFC 9457 problem details (`application/problem+json`) with a stable UPPER_SNAKE
`reason`, the `domain` that decided, `metadata` and field `violations`. gRPC statuses of the
generation service map to HTTP: INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403,
NOT_FOUND 404, ALREADY_EXISTS / FAILED_PRECONDITION / ABORTED 409, RESOURCE_EXHAUSTED 429 and
UNAVAILABLE 503 (both with `Retry-After`), DEADLINE_EXCEEDED 504, UNIMPLEMENTED 501, others 500.

**Progress** streams as Server-Sent Events from `GET /v1/jobs/{job_id}/events`; each event's `id`
is its sequence number, so reconnecting with `Last-Event-ID` resumes where the stream broke.

**Media** (`/v1/media/...`) needs no key in v1: keys contain the job's random UUID.
"""

TAGS = [
    {"name": "jobs", "description": "Create, read, list, cancel and retry jobs; follow their progress."},
    {"name": "media", "description": "Published videos, HLS playlists and segments, posters."},
    {"name": "health", "description": "Probes for orchestrators and load balancers."},
]

_PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "model": Problem,
        "description": "Invalid JSON (INVALID_JSON) or arguments (INVALID_ARGUMENT, TEXT_TOO_SHORT, ...).",
    },
    401: {"model": Problem, "description": "Missing (UNAUTHENTICATED) or unknown/revoked (INVALID_API_KEY) API key."},
    404: {"model": Problem, "description": "No such job for this key (JOB_NOT_FOUND)."},
    429: {"model": Problem, "description": "Rate limit or quota hit; see Retry-After."},
    503: {"model": Problem, "description": "The generation service is unavailable; see Retry-After."},
}

_bearer = HTTPBearer(
    auto_error=False, bearerFormat="dk_<key_id>_<secret>", description="An API key: `Authorization: Bearer <secret>`."
)
_access_token = APIKeyQuery(
    name="access_token",
    auto_error=False,
    description="The API key in the query string; accepted by the events route only (for EventSource).",
)


@dataclass
class Runtime:
    """What the routes use, created in the lifespan."""

    config: GatewayConfig
    engine: AsyncEngine
    jobs: gs_grpc.GenerationServiceStub
    health: health_pb2_grpc.HealthStub


def _runtime(request: Request) -> Runtime:
    rt: Runtime | None = getattr(request.app.state, "runtime", None)
    if rt is None:
        raise ApiProblem(503, "NOT_READY", "the gateway is starting or stopping", headers={"Retry-After": "1"})
    return rt


RuntimeDep = Annotated[Runtime, Depends(_runtime)]


async def _check_key(rt: Runtime, secret: str | None) -> str:
    if not secret:
        raise ApiProblem(
            401,
            "UNAUTHENTICATED",
            "an API key is required: Authorization: Bearer <secret>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    try:
        key_id = await authenticate(rt.engine, secret)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("API key lookup failed: %s", exc)
        raise ApiProblem(
            503, "AUTH_UNAVAILABLE", "API keys cannot be checked right now", headers={"Retry-After": "1"}
        ) from None
    if key_id is None:
        raise ApiProblem(
            401,
            "INVALID_API_KEY",
            "the API key is unknown or revoked",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return key_id


async def require_key(rt: RuntimeDep, creds: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]) -> str:
    """The key id of the caller's ``Authorization: Bearer`` API key; raises a 401 problem otherwise."""
    return await _check_key(rt, creds.credentials if creds else None)


async def require_stream_key(
    rt: RuntimeDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    access_token: Annotated[str | None, Security(_access_token)],
) -> str:
    """Like :func:`require_key`, also accepting ``?access_token=`` (the header wins when both are sent)."""
    return await _check_key(rt, creds.credentials if creds else access_token)


KeyDep = Annotated[str, Depends(require_key)]
JobId = Annotated[str, Path(max_length=128, description="The job's UUID.")]


def _base_url(rt: Runtime, request: Request) -> str:
    return rt.config.public_base_url or str(request.base_url).rstrip("/")


async def _read_json(request: Request, limit: int) -> Any:
    """The request body parsed as UTF-8 JSON; raises 400 INVALID_JSON, 413 or 415 problems."""
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
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiProblem(
            400, "INVALID_JSON", f"the body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    try:  # "\ud800" escapes decode to lone surrogates, which are not Unicode text
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiProblem(400, "INVALID_JSON", "the body contains an unpaired UTF-16 surrogate escape") from None
    return value


def _job_response(
    job: gen_pb2.Job, base_url: str, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(views.job_json(job, base_url), status_code=status, headers=headers)


async def _event_stream(call: Any, base_url: str, keepalive_s: float, retry_ms: int) -> AsyncIterator[str]:
    """SSE text for each ``WatchJobResponse`` of ``call``; keep-alive comments while it is silent.

    A gRPC error mid-stream becomes one ``event: problem`` with a problem body, then the stream ends.
    Leaving (end, error, client gone) always cancels the gRPC call.
    """
    pending: asyncio.Future[Any] | None = None
    try:
        yield sse.format_retry(retry_ms)
        while True:
            if pending is None:
                pending = asyncio.ensure_future(call.read())
            done, _ = await asyncio.wait({pending}, timeout=keepalive_s)
            if not done:
                yield sse.KEEPALIVE
                continue
            try:
                msg = pending.result()
            except grpc.RpcError as exc:
                yield sse.format_event(problem_from_status(details_of(exc)).body(), event="problem")
                return
            finally:
                pending = None
            if msg is grpc.aio.EOF:  # type: ignore[attr-defined]
                return
            ev = msg.event
            yield sse.format_event(views.event_json(ev, base_url), event=sse.event_name(ev.type), event_id=ev.sequence)
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
        call.cancel()


def _install_handlers(app: FastAPI) -> None:
    async def on_problem(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiProblem)
        return exc.response()

    async def on_rpc_error(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, grpc.RpcError)
        return problem_from_status(details_of(exc)).response()

    async def on_validation(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        violations = violations_from_pydantic(exc.errors())
        return ApiProblem(400, "INVALID_ARGUMENT", "the request has invalid fields", violations=violations).response()

    async def on_http(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        reason = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, "HTTP_ERROR")
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(exc.detail)
        return ApiProblem(exc.status_code, reason, detail, headers=dict(exc.headers or {})).response()

    async def on_unexpected(_: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return ApiProblem(500, "INTERNAL", f"internal error: {type(exc).__name__}").response()

    app.add_exception_handler(ApiProblem, on_problem)
    app.add_exception_handler(grpc.RpcError, on_rpc_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)


def _install_openapi(app: FastAPI) -> None:
    """OpenAPI with the strictly-parsed request body, problem content types, and no 422s."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=TAGS
        )
        comps = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (CreateJobRequest, JobEvent):
            sub_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in sub_schema.pop("$defs", {}).items():
                comps.setdefault(name, sub)
            comps[model.__name__] = sub_schema
        for name in ("HTTPValidationError", "ValidationError"):
            comps.pop(name, None)
        for item in schema.get("paths", {}).values():
            for op in item.values():
                responses = op.get("responses", {})
                responses.pop("422", None)
                for code, resp in responses.items():
                    content = resp.get("content", {})
                    if code.isdigit() and int(code) >= 400 and "application/json" in content:
                        content["application/problem+json"] = content.pop("application/json")
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(config: GatewayConfig, *, database_url: str) -> FastAPI:
    """Build the gateway app.

    Args:
        config: the gateway's configuration.
        database_url: SQLAlchemy URL of the PostgreSQL holding the ``gateway`` schema (API keys).
    Returns:
        A FastAPI app whose lifespan connects to the generation service and the database. Routes
        answer 503 NOT_READY outside the lifespan.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(database_url)
        ch = channel(config.generation_addr)
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
            )
            yield
        finally:
            app.state.runtime = None
            await ch.close(None)
            await engine.dispose()

    app = FastAPI(
        title="Drishya API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=TAGS,
    )
    app.state.runtime = None
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID", "Range"],
            expose_headers=["Location", "Idempotent-Replayed", "Retry-After", "Content-Range", "Accept-Ranges"],
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
            409: {"model": Problem, "description": "Idempotency-Key reused with a different body."},
            413: {"model": Problem, "description": "The body is too large."},
            415: {"model": Problem, "description": "The body is not JSON."},
            **_PROBLEM_RESPONSES,
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
        key_id: KeyDep,
        idempotency_key: Annotated[
            str | None,
            Header(
                alias="Idempotency-Key",
                max_length=255,
                description="Optional client request id (≤ 255 characters): a repeat returns the first job.",
            ),
        ] = None,
    ) -> JSONResponse:
        """Queue a scene for rendering. Text length (10 to 2000 characters) is checked by the
        generation service (reasons TEXT_TOO_SHORT, TEXT_TOO_LONG); unknown fields are rejected."""
        raw = await _read_json(request, rt.config.max_body_bytes)
        try:
            body = CreateJobRequest.model_validate(raw)
        except ValidationError as exc:
            raise ApiProblem(
                400,
                "INVALID_ARGUMENT",
                "the request has invalid fields",
                violations=violations_from_pydantic([dict(e) for e in exc.errors()]),
            ) from None
        if len(body.text) > rt.config.max_text_chars:
            raise ApiProblem(
                400,
                "TEXT_TOO_LONG",
                f"text has {len(body.text)} characters; the gateway accepts at most {rt.config.max_text_chars}",
                metadata={"limit": str(rt.config.max_text_chars)},
                violations=[FieldViolation("text", f"at most {rt.config.max_text_chars} characters")],
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
                priority=o.priority or 0,
                provider=o.provider or "",
            ),
        )
        resp = await rt.jobs.CreateJob(req, timeout=deadline)
        headers = {"Location": f"/v1/jobs/{resp.job.job_id}"}
        if resp.deduplicated:
            headers["Idempotent-Replayed"] = "true"
        return _job_response(resp.job, _base_url(rt, request), 200 if resp.deduplicated else 201, headers)

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
        """The caller's jobs, newest first, one page at a time."""
        resp = await rt.jobs.ListJobs(
            gs_pb2.ListJobsRequest(owner_id=key_id, page_size=page_size or 0, page_token=page_token or ""),
            timeout=deadline,
        )
        base = _base_url(rt, request)
        return JSONResponse(
            {"jobs": [views.job_json(j, base) for j in resp.jobs], "next_page_token": resp.next_page_token}
        )

    @app.get(
        "/v1/jobs/{job_id}",
        tags=["jobs"],
        summary="Get a job",
        responses={200: {"model": Job}, **_PROBLEM_RESPONSES},
    )
    async def get_job(request: Request, rt: RuntimeDep, key_id: KeyDep, job_id: JobId) -> JSONResponse:
        """One of the caller's jobs; another key's job is reported as not found."""
        resp = await rt.jobs.GetJob(gs_pb2.GetJobRequest(owner_id=key_id, job_id=job_id), timeout=deadline)
        return _job_response(resp.job, _base_url(rt, request))

    @app.post(
        "/v1/jobs/{job_id}:cancel",
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
        resp = await rt.jobs.CancelJob(gs_pb2.CancelJobRequest(owner_id=key_id, job_id=job_id), timeout=deadline)
        return _job_response(resp.job, _base_url(rt, request))

    @app.post(
        "/v1/jobs/{job_id}:retry",
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
        resp = await rt.jobs.RetryJob(gs_pb2.RetryJobRequest(owner_id=key_id, job_id=job_id), timeout=deadline)
        return _job_response(resp.job, _base_url(rt, request))

    @app.get(
        "/v1/jobs/{job_id}/events",
        tags=["jobs"],
        summary="Follow a job's progress (Server-Sent Events)",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "A `text/event-stream`: per event `id: <sequence>`, `event: <type>` (state_changed, "
                "stage_started, stage_completed, shot_rendered) and `data: <JobEvent JSON>`; `: keep-alive` "
                "comments during silence; `event: problem` with a problem body if the stream fails. It ends "
                "when the job ends.",
                "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/JobEvent"}}},
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
        key_id: Annotated[str, Depends(require_stream_key)],
        job_id: JobId,
        last_event_id: Annotated[
            str | None,
            Header(alias="Last-Event-ID", description="Resume after this sequence (sent by EventSource on reconnect)."),
        ] = None,
        after: Annotated[
            str | None, Query(description="Resume after this sequence; Last-Event-ID wins when both are sent.")
        ] = None,
    ) -> Response:
        """Replay the job's events after a sequence number, then follow it live until it ends.

        The job is looked up first, so an unknown id or another key's job is a plain 404 problem,
        not a broken stream. Closing the connection cancels the upstream WatchJob call.
        """
        after_seq = sse.parse_after(last_event_id, after)
        job = (await rt.jobs.GetJob(gs_pb2.GetJobRequest(owner_id=key_id, job_id=job_id), timeout=deadline)).job
        if job.state in sse.TERMINAL_STATES and after_seq >= job.last_event_sequence:
            return Response(status_code=204)
        call = rt.jobs.WatchJob(gs_pb2.WatchJobRequest(owner_id=key_id, job_id=job_id, after_sequence=after_seq))
        return StreamingResponse(
            _event_stream(call, _base_url(rt, request), rt.config.sse_keepalive_s, rt.config.sse_retry_ms),
            media_type=sse.MEDIA_TYPE,
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.head("/v1/media/{key:path}", include_in_schema=False)
    @app.get(
        "/v1/media/{key:path}",
        tags=["media"],
        summary="Download published media",
        response_class=FileResponse,
        responses={
            200: {"description": "The file (video/mp4, application/vnd.apple.mpegurl, video/mp2t, image/jpeg)."},
            206: {"description": "Part of the file, for a `Range` request."},
            404: {"model": Problem, "description": "No such media (also for keys outside `jobs/` or with `..`)."},
        },
    )
    async def get_media(key: str, rt: RuntimeDep) -> FileResponse:
        """A published file by its key (``jobs/<job_id>/...``), with Range support for seeking.

        Media needs no API key in v1: every key contains its job's random UUID, which only the job's
        owner learns, so URLs can be handed to ``<video>`` elements and HLS players directly.
        """
        path = media.resolve_media(rt.config.media_root, key)
        if path is None:
            raise ApiProblem(404, "MEDIA_NOT_FOUND", f"no media with key {key!r}", metadata={"key": key[:256]})
        return FileResponse(
            path, media_type=media.content_type(path), headers={"Cache-Control": "public, max-age=3600"}
        )

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

    @app.get("/livez", tags=["health"], summary="Liveness", responses={200: {"model": Health}})
    async def livez() -> JSONResponse:
        """200 ``{"status": "ok"}`` while the process serves HTTP, whatever its dependencies say."""
        return JSONResponse({"status": "ok"})

    @app.get("/", include_in_schema=False, response_class=HTMLResponse)
    async def index() -> HTMLResponse:
        """The web page: paste a key, write a scene, watch the video being made."""
        return HTMLResponse(PAGE)

    return app
