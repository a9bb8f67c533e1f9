"""HTTP routes of stories: JSON ↔ the story service's gRPC contract, with ETag / If-Match.

A story's ``ETag`` is its version (``"7"``), a scene's its scene version and a bible's its bible
version. Every change needs ``If-Match`` with the ETag the client read: missing gives 428
PRECONDITION_REQUIRED, and a stale one 409 with reason VERSION_MISMATCH and the current version
in ``metadata.current_version`` (the story service answers ABORTED and changes nothing; 409 rather
than RFC 9110's 412 so that clients treat it like any other conflict the API reports). A story is
visible only to the key that made it: another key gets 404. Errors are the gateway's problem
details; authentication, body limits and gRPC error mapping are the gateway's (services/gateway/app.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

import grpc
from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from google.protobuf import json_format
from google.protobuf.message import Message
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drishya.story.v1 import story_pb2 as pb
from drishya.story.v1 import story_service_pb2 as svc
from drishya.story.v1 import story_service_pb2_grpc as story_grpc
from services.gateway import signing, sse, trust
from services.gateway.app import KeyDep, PrincipalDep, Runtime, RuntimeDep, _base_url, _read_json, request_id_of
from services.gateway.models import TEXT_PATTERN, LanguageCode, Problem
from services.gateway.problems import ApiProblem, problem_from_status, violations_from_pydantic
from services.gateway.story_page import STORY_PAGE
from services.mesh.errors import details_of

router = APIRouter(tags=["stories"])
StoryId = Annotated[uuid.UUID, Path(description="The story's UUID.")]
SceneId = Annotated[uuid.UUID, Path(description="The scene's UUID.")]
#: ``If-Match``, documented through :func:`_doc` as required (the route answers 428 without it).
IfMatch = Annotated[str | None, Header(alias="If-Match", include_in_schema=False)]
_IF_MATCH_PARAM = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "description": 'The ETag read, e.g. "3"; a stale one gives 409 VERSION_MISMATCH, none 428.',
    "schema": {"type": "string", "pattern": '^(W/)?"[0-9]{1,18}"$'},
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


#: A title: no control characters other than tab, CR and LF (white space only is refused as 400).
TITLE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


class NewScene(_Body):
    """A scene to add: 10 to 2000 characters once surrounding white space is removed."""

    text: str = Field(max_length=2000, pattern=TEXT_PATTERN)
    language_code: LanguageCode | None = None


class CreateStory(_Body):
    """A new story."""

    title: str = Field(min_length=1, max_length=200, pattern=TITLE_PATTERN)
    language_code: LanguageCode | None = None
    scenes: list[NewScene] = Field(default_factory=list, max_length=500)


class PatchStory(_Body):
    """A change of title or language."""

    title: str | None = Field(default=None, min_length=1, max_length=200, pattern=TITLE_PATTERN)
    language_code: LanguageCode | None = None


class AddScene(NewScene):
    """A scene to insert; appended when position is absent."""

    position: int | None = Field(default=None, ge=0, le=500, description="0 to 500 (past the end appends).")


class PatchScene(_Body):
    """A change of a scene's text or language."""

    text: str | None = Field(default=None, max_length=2000, pattern=TEXT_PATTERN)
    language_code: LanguageCode | None = None


class Reorder(_Body):
    """Every scene id of the story once, in the new order."""

    scene_ids: list[uuid.UUID] = Field(max_length=500)


class Fork(_Body):
    """Where to fork: the last scene shared."""

    scene_id: uuid.UUID
    title: str | None = Field(default=None, max_length=200, pattern=TITLE_PATTERN)


class BibleCharacter(BaseModel):
    """A character of the bible (the story service's Character message in JSON)."""

    model_config = ConfigDict(extra="forbid")

    entity_id: str = Field(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(max_length=200, pattern=TITLE_PATTERN)
    role: str | None = Field(default=None, max_length=64)
    clothing: str | None = Field(default=None, max_length=200)
    colors: list[str] = Field(default_factory=list, max_length=16)


class BibleBody(BaseModel):
    """The story bible as GET returns it; ``characters`` is documented, ``locations`` and ``props``
    follow the same shape (entity_id, name, description)."""

    model_config = ConfigDict(extra="allow")

    characters: list[BibleCharacter] = Field(default_factory=list, max_length=200)


#: Request bodies, for the OpenAPI document's components.
BODY_MODELS: tuple[type[BaseModel], ...] = (
    CreateStory,
    PatchStory,
    AddScene,
    PatchScene,
    Reorder,
    Fork,
    BibleBody,
)

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (400, "Invalid JSON or arguments (INVALID_ARGUMENT, NOT_A_PERMUTATION, INVALID_BIBLE, ...)."),
        (401, "Missing or unknown API key."),
        (404, "No such story or scene for this key (STORY_NOT_FOUND, SCENE_NOT_FOUND)."),
        (409, "A stale version (VERSION_MISMATCH, current_version in metadata) or a story not rendered yet."),
        (413, "The body is too large."),
        (415, "The body is not JSON."),
        (428, "If-Match is required (PRECONDITION_REQUIRED)."),
        (429, "Too many requests or jobs, or over a plan quota (QUOTA_EXCEEDED, quota in metadata); see Retry-After."),
        (503, "A service is unavailable; see Retry-After."),
        (504, "A service did not answer in time."),
    )
}


#: One Server-Sent Event of a story as a client's parser sees it: ``data`` is a StoryEvent (or,
#: for ``event: problem``, a Problem) as JSON; ``event`` is the event type in lower case.
_SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["data"],
    "properties": {
        "id": {"type": "string", "pattern": "^[0-9]+$", "description": "The event's sequence number."},
        "event": {"type": "string", "pattern": "^[a-z_]+$"},
        "data": {"type": "string", "contentMediaType": "application/json"},
        "retry": {"type": "integer", "minimum": 0},
    },
}


def _doc(
    status: int, body: type[BaseModel] | None = None, *, if_match: bool = False, media_type: str = ""
) -> dict[str, Any]:
    """OpenAPI extras of a route: its problem responses, its success media type when not JSON,
    its JSON body when it takes one, and the If-Match header when it needs one."""
    ok: dict[str, Any] = {"description": "OK"}
    if media_type:
        schema = _SSE_EVENT_SCHEMA if media_type == sse.MEDIA_TYPE else {"type": "string"}
        ok["content"] = {media_type: {"schema": schema}}
    extra: dict[str, Any] = {}
    if body is not None:
        ref = {"$ref": f"#/components/schemas/{body.__name__}"}
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref}}}
    if if_match:
        extra["parameters"] = [_IF_MATCH_PARAM]
    return {"responses": {status: ok, **_PROBLEMS}, "openapi_extra": extra}


def _stub(rt: Runtime) -> story_grpc.StoryServiceStub:
    if rt.stories is None:
        raise ApiProblem(503, "NOT_READY", "the story service is not connected", headers={"Retry-After": "1"})
    return rt.stories


async def _body(request: Request, rt: Runtime, model: type[_Body]) -> Any:
    raw = await _read_json(request, rt.config.max_body_bytes, rt.config.max_json_depth, rt.config.max_number_chars)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        violations = violations_from_pydantic([dict(e) for e in exc.errors()])
        raise ApiProblem(400, "INVALID_ARGUMENT", "the request has invalid fields", violations=violations) from None


def if_match(value: str | None) -> int:
    """The version in an ``If-Match`` header (``"3"``, ``W/"3"`` or ``3``).

    Raises:
        ApiProblem: 428 PRECONDITION_REQUIRED when absent, 400 INVALID_IF_MATCH when not a version.
    """
    if value is None or not value.strip():
        raise ApiProblem(428, "PRECONDITION_REQUIRED", 'send If-Match with the ETag you read, e.g. If-Match: "3"')
    tag = value.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 18:
        raise ApiProblem(
            400, "INVALID_IF_MATCH", "If-Match must be one ETag this API returned", metadata={"value": value[:40]}
        )
    return int(tag)


def _json(msg: Message) -> dict[str, Any]:
    out: dict[str, Any] = json_format.MessageToDict(msg, preserving_proto_field_name=True)
    return out


def _story(story: pb.Story, status: int = 200) -> JSONResponse:
    headers = {"ETag": f'"{story.version}"'}
    if status == 201:
        headers["Location"] = f"/v1/stories/{story.story_id}"
    return JSONResponse(_json(story), status_code=status, headers=headers)


def _deadline(rt: Runtime) -> float:
    return rt.config.unary_deadline_s


@router.get("/stories", include_in_schema=False, response_class=HTMLResponse)
async def story_view() -> HTMLResponse:
    """The story view: scenes in order with their state; add, move, fork, render, play."""
    return HTMLResponse(STORY_PAGE)


@router.post("/v1/stories", status_code=201, summary="Create a story", **_doc(201, CreateStory))
async def create_story(request: Request, rt: RuntimeDep, principal: PrincipalDep) -> JSONResponse:
    """A new story (version 1), empty or with scenes; ``ETag: "1"``. Past the key's plan's story
    quota (free: 10) the answer is 429 QUOTA_EXCEEDED naming the quota (``active_stories``)."""
    body = await _body(request, rt, CreateStory)
    resp = await _stub(rt).CreateStory(
        svc.CreateStoryRequest(
            owner_id=principal.key_id,
            plan=principal.plan,
            title=body.title,
            language_code=body.language_code or "",
            scenes=[svc.NewScene(text=s.text, language_code=s.language_code or "") for s in body.scenes],
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story, 201)


@router.get("/v1/stories", summary="List stories", **_doc(200))
async def list_stories(
    rt: RuntimeDep,
    key_id: KeyDep,
    page_size: Annotated[int | None, Query(ge=1, le=100)] = None,
    page_token: Annotated[str | None, Query(max_length=1024)] = None,
) -> JSONResponse:
    """The caller's stories, most recently changed first."""
    resp = await _stub(rt).ListStories(
        svc.ListStoriesRequest(owner_id=key_id, page_size=page_size or 0, page_token=page_token or ""),
        timeout=_deadline(rt),
    )
    return JSONResponse({"stories": [_json(s) for s in resp.stories], "next_page_token": resp.next_page_token})


@router.get("/v1/stories/{story_id:uuid}", summary="Get a story", **_doc(200))
async def get_story(rt: RuntimeDep, key_id: KeyDep, story_id: StoryId) -> JSONResponse:
    """The story with its scenes in order (each with its version, character ids, continuity warnings
    and job id); ``ETag`` is the story's version."""
    resp = await _stub(rt).GetStory(svc.GetStoryRequest(owner_id=key_id, story_id=str(story_id)), timeout=_deadline(rt))
    return _story(resp.story)


@router.patch(
    "/v1/stories/{story_id:uuid}", summary="Change a story's title or language", **_doc(200, PatchStory, if_match=True)
)
async def patch_story(
    request: Request, rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, match: IfMatch = None
) -> JSONResponse:
    """Needs ``If-Match``; a stale one gives 409 VERSION_MISMATCH."""
    version = if_match(match)
    body = await _body(request, rt, PatchStory)
    resp = await _stub(rt).UpdateStory(
        svc.UpdateStoryRequest(
            owner_id=key_id,
            story_id=str(story_id),
            version=version,
            title=body.title,
            language_code=body.language_code,
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story)


@router.delete("/v1/stories/{story_id:uuid}", status_code=204, summary="Delete a story", **_doc(204, if_match=True))
async def delete_story(rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, match: IfMatch = None) -> Response:
    """Needs ``If-Match``; the story's forks are kept."""
    await _stub(rt).DeleteStory(
        svc.DeleteStoryRequest(owner_id=key_id, story_id=str(story_id), version=if_match(match)),
        timeout=_deadline(rt),
    )
    return Response(status_code=204)


@router.post(
    "/v1/stories/{story_id:uuid}/scenes", status_code=201, summary="Add a scene", **_doc(201, AddScene, if_match=True)
)
async def add_scene(
    request: Request, rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, match: IfMatch = None
) -> JSONResponse:
    """Insert a scene at ``position`` (appended when absent); ``If-Match`` is the story's ETag."""
    version = if_match(match)
    body = await _body(request, rt, AddScene)
    resp = await _stub(rt).AddScene(
        svc.AddSceneRequest(
            owner_id=key_id,
            story_id=str(story_id),
            version=version,
            scene=svc.NewScene(text=body.text, language_code=body.language_code or ""),
            position=body.position,
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story, 201)


@router.patch(
    "/v1/stories/{story_id:uuid}/scenes/{scene_id:uuid}",
    summary="Change a scene",
    **_doc(200, PatchScene, if_match=True),
)
async def patch_scene(
    request: Request, rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, scene_id: SceneId, match: IfMatch = None
) -> JSONResponse:
    """Change a scene's text or language; ``If-Match`` is the scene's version."""
    version = if_match(match)
    body = await _body(request, rt, PatchScene)
    resp = await _stub(rt).UpdateScene(
        svc.UpdateSceneRequest(
            owner_id=key_id,
            story_id=str(story_id),
            scene_id=str(scene_id),
            version=version,
            text=body.text,
            language_code=body.language_code,
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story)


@router.delete(
    "/v1/stories/{story_id:uuid}/scenes/{scene_id:uuid}", summary="Delete a scene", **_doc(200, if_match=True)
)
async def delete_scene(
    rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, scene_id: SceneId, match: IfMatch = None
) -> JSONResponse:
    """Remove a scene; ``If-Match`` is the story's ETag. Answers the story after the change."""
    resp = await _stub(rt).DeleteScene(
        svc.DeleteSceneRequest(
            owner_id=key_id, story_id=str(story_id), scene_id=str(scene_id), version=if_match(match)
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story)


@router.post("/v1/stories/{story_id:uuid}:reorder", summary="Reorder the scenes", **_doc(200, Reorder, if_match=True))
async def reorder(
    request: Request, rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, match: IfMatch = None
) -> JSONResponse:
    """``{"scene_ids": [...]}``: every scene once; ``If-Match`` is the story's ETag."""
    version = if_match(match)
    body = await _body(request, rt, Reorder)
    resp = await _stub(rt).ReorderScenes(
        svc.ReorderScenesRequest(
            owner_id=key_id, story_id=str(story_id), version=version, scene_ids=[str(s) for s in body.scene_ids]
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story)


@router.post("/v1/stories/{story_id:uuid}:fork", status_code=201, summary="Fork a story", **_doc(201, Fork))
async def fork(request: Request, rt: RuntimeDep, principal: PrincipalDep, story_id: StoryId) -> JSONResponse:
    """A new story sharing the scenes up to and including ``scene_id``, and the bible; it counts
    against the plan's story quota like a create (429 QUOTA_EXCEEDED)."""
    body = await _body(request, rt, Fork)
    resp = await _stub(rt).ForkStory(
        svc.ForkStoryRequest(
            owner_id=principal.key_id,
            story_id=str(story_id),
            scene_id=str(body.scene_id),
            title=body.title or "",
            plan=principal.plan,
        ),
        timeout=_deadline(rt),
    )
    return _story(resp.story, 201)


@router.post("/v1/stories/{story_id:uuid}:render", summary="Render the story", **_doc(200))
async def render(rt: RuntimeDep, principal: PrincipalDep, story_id: StoryId) -> JSONResponse:
    """One job per scene whose text or cast changed; the others keep theirs (``reused``). The jobs
    follow the key's plan (priority, active-job limit, budget, rendered-scenes quota)."""
    resp = await _stub(rt).RenderStory(
        svc.RenderStoryRequest(
            owner_id=principal.key_id,
            story_id=str(story_id),
            plan=principal.plan,
            review_rate=trust.review_rate(principal.role, principal.trust_level, rt.config.trust),
        ),
        timeout=_deadline(rt),
    )
    return JSONResponse(
        {"story": _json(resp.story), "renders": [_json(r) for r in resp.renders]},
        headers={"ETag": f'"{resp.story.version}"'},
    )


@router.get("/v1/stories/{story_id:uuid}/bible", summary="Get the story bible", **_doc(200))
async def get_bible(rt: RuntimeDep, key_id: KeyDep, story_id: StoryId) -> JSONResponse:
    """The bible; ``ETag`` is the bible's version."""
    resp = await _stub(rt).GetStoryBible(
        svc.GetStoryBibleRequest(owner_id=key_id, story_id=str(story_id)), timeout=_deadline(rt)
    )
    return JSONResponse(_json(resp.bible), headers={"ETag": f'"{resp.bible.version}"'})


@router.put(
    "/v1/stories/{story_id:uuid}/bible", summary="Replace the story bible", **_doc(200, BibleBody, if_match=True)
)
async def put_bible(
    request: Request, rt: RuntimeDep, key_id: KeyDep, story_id: StoryId, match: IfMatch = None
) -> JSONResponse:
    """The bible as GET returns it (characters, locations, props); ``If-Match`` is the bible's ETag."""
    version = if_match(match)
    raw = await _read_json(request, rt.config.max_body_bytes, rt.config.max_json_depth, rt.config.max_number_chars)
    bible = pb.StoryBible()
    try:
        json_format.ParseDict(raw, bible)
    except (json_format.ParseError, TypeError, ValueError) as exc:
        raise ApiProblem(400, "INVALID_ARGUMENT", f"the bible is not valid: {str(exc)[:200]}") from None
    bible.story_id, bible.version = str(story_id), version
    resp = await _stub(rt).UpdateStoryBible(
        svc.UpdateStoryBibleRequest(owner_id=key_id, bible=bible), timeout=_deadline(rt)
    )
    return JSONResponse(_json(resp.bible), headers={"ETag": f'"{resp.bible.version}"'})


async def _breakdown(rt: Runtime, key_id: str, story_id: uuid.UUID) -> svc.ExportBreakdownResponse:
    resp: svc.ExportBreakdownResponse = await _stub(rt).ExportBreakdown(
        svc.ExportBreakdownRequest(owner_id=key_id, story_id=str(story_id)), timeout=max(_deadline(rt), 120.0)
    )
    return resp


@router.get(
    "/v1/stories/{story_id:uuid}/breakdown.csv",
    summary="Production breakdown as CSV",
    **_doc(200, media_type="text/csv"),
)
async def breakdown_csv(rt: RuntimeDep, key_id: KeyDep, story_id: StoryId) -> Response:
    """One strip per scene in story order; UTF-8 with BOM, every field quoted."""
    resp = await _breakdown(rt, key_id, story_id)
    return Response(
        resp.csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="story-{story_id}-breakdown.csv"'},
    )


@router.get("/v1/stories/{story_id:uuid}/breakdown.json", summary="Production breakdown as JSON", **_doc(200))
async def breakdown_json(rt: RuntimeDep, key_id: KeyDep, story_id: StoryId) -> JSONResponse:
    """``{"story_version": n, "strips": [...]}``: one strip per scene in story order."""
    resp = await _breakdown(rt, key_id, story_id)
    return JSONResponse({"story_version": resp.story_version, "strips": [_json(s) for s in resp.strips]})


@router.get("/v1/stories/{story_id:uuid}/playback", summary="Play the whole story", **_doc(200))
async def playback(request: Request, rt: RuntimeDep, key_id: KeyDep, story_id: StoryId) -> JSONResponse:
    """Signed URLs of the story's HLS master playlist and WebVTT chapters, and the chapters.

    ``{"hls_url", "chapters_url", "chapters": [{"scene_id", "start_ms", "end_ms", "title"}]}``;
    times in milliseconds from the start of the story. The URLs are valid for the gateway's media
    URL lifetime (an hour by default) and reach only this story's playlists and its scenes' HLS
    segments: the master playlist and every playlist under it come back with each URI signed. 404
    STORY_NOT_FOUND for another key's story; 409 STORY_NOT_RENDERED until every scene's job has
    succeeded."""
    resp = await _stub(rt).GetPlayback(
        svc.GetPlaybackRequest(owner_id=key_id, story_id=str(story_id)), timeout=_deadline(rt)
    )
    own = f"stories/{story_id}/"
    if not (resp.hls_master_key.startswith(own) and resp.chapters_key.startswith(own)):
        # Never sign a key the story does not own, whatever the story service answered.
        raise ApiProblem(502, "BAD_UPSTREAM_REPLY", "the story service answered keys outside the story")
    base = _base_url(rt, request)
    exp = int(time.time()) + rt.config.media_url_ttl_s
    return JSONResponse(
        {
            "hls_url": base + signing.signed_path(rt.config.media_secret, resp.hls_master_key, exp),
            "chapters_url": base + signing.signed_path(rt.config.media_secret, resp.chapters_key, exp),
            "chapters": [_json(c) for c in resp.chapters],
        }
    )


async def _story_events(rt: Runtime, key_id: str, story_id: str, after: int, request_id: str) -> AsyncIterator[str]:
    """SSE text of WatchStory: ``id`` is the event's sequence, ``event`` its type in lower case;
    keep-alive comments while silent; an upstream error becomes one ``event: problem``."""
    cfg = rt.config
    call = _stub(rt).WatchStory(svc.WatchStoryRequest(owner_id=key_id, story_id=story_id, after_sequence=after))
    ends = time.monotonic() + cfg.sse_max_stream_s
    pending: asyncio.Future[Any] | None = None
    yield sse.format_retry(cfg.sse_retry_ms)
    try:
        while time.monotonic() < ends:  # then the client reconnects with Last-Event-ID and loses nothing
            pending = pending or asyncio.ensure_future(call.read())
            done, _ = await asyncio.wait({pending}, timeout=cfg.sse_keepalive_s)
            if not done:
                yield sse.KEEPALIVE
                continue
            item, pending = pending.result(), None
            if item is grpc.aio.EOF:  # type: ignore[attr-defined]
                return
            ev = item.event
            name = pb.StoryEventType.Name(ev.type).removeprefix("STORY_EVENT_TYPE_").lower()
            yield sse.format_event(_json(ev), event=name, event_id=ev.sequence)
    except grpc.RpcError as err:
        yield sse.format_event(problem_from_status(details_of(err), request_id).body(), event="problem")
    finally:
        if pending is not None:
            pending.cancel()
        call.cancel()


@router.get(
    "/v1/stories/{story_id:uuid}/events",
    summary="Follow a story's changes (SSE)",
    **_doc(200, media_type="text/event-stream"),
)
async def story_events(
    request: Request,
    rt: RuntimeDep,
    key_id: KeyDep,
    story_id: StoryId,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
) -> StreamingResponse:
    """Server-Sent Events of the story's changes; reconnect with ``Last-Event-ID`` to resume."""
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0
    # Check visibility first, so another key gets a 404 rather than a stream with a problem in it.
    await _stub(rt).GetStory(svc.GetStoryRequest(owner_id=key_id, story_id=str(story_id)), timeout=_deadline(rt))
    return StreamingResponse(
        _story_events(rt, key_id, str(story_id), after, request_id_of(request)),
        media_type=sse.MEDIA_TYPE,
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
