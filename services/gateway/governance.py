"""Review before release, appeals, reports, takedowns and the audit trail, over HTTP.

Routes (every one needs an API key; problem+json on every refusal):

* ``GET /v1/reviews`` (reviewer or operator): the pending reviews, oldest first, each with a
  signed preview of the quarantined video valid for ``DRISHYA_MEDIA_URL_TTL_S``; a reviewer's
  own jobs are left out.
* ``POST /v1/reviews/{review_id}:approve`` and ``:reject`` (reviewer or operator), body
  ``{"note": "..."}``: the generation service moves the job (SUCCEEDED or BLOCKED) and the owner's
  trust history is updated (:func:`services.gateway.keys.record_outcome`).
* ``POST /v1/jobs/{job_id}:appeal`` (the owner), body ``{"reason": "..."}``: 202 with the appeal.
* ``POST /v1/jobs/{job_id}:report`` (any key holding the job's id), body ``{"category", "note"}``.
* ``POST /v1/jobs/{job_id}:takedown`` (operator), body ``{"reason": "..."}``.
* ``GET /v1/audit`` (operator): the audit trail, newest first, filtered and paged.

Every decision and privileged action is appended to the audit trail (:mod:`services.mesh.audit`)
with the caller's key id, the request id and the reason. The generation service enforces the
rules it can see (a reviewer never decides their own job, an appeal goes to another reviewer,
one appeal per decision); this module checks roles.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import time
import uuid
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

from fastapi import APIRouter, Path, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from services.gateway import release, signing, views
from services.gateway.app import (
    PrincipalDep,
    Runtime,
    RuntimeDep,
    _base_url,
    _read_json,
    bearer,
    check_key,
    request_id_of,
)
from services.gateway.keys import Principal, record_outcome
from services.gateway.models import Problem
from services.gateway.problems import ApiProblem, violations_from_pydantic
from services.gateway.trust import Role
from services.mesh import audit

log = logging.getLogger(__name__)

router = APIRouter()

REVIEW_SCOPE = signing.REVIEW_SCOPE

_REPORT_CATEGORIES = {
    "spam": gen_pb2.REPORT_CATEGORY_SPAM,
    "hate": gen_pb2.REPORT_CATEGORY_HATE,
    "violence": gen_pb2.REPORT_CATEGORY_VIOLENCE,
    "sexual": gen_pb2.REPORT_CATEGORY_SEXUAL,
    "copyright": gen_pb2.REPORT_CATEGORY_COPYRIGHT,
    "child_safety": gen_pb2.REPORT_CATEGORY_CHILD_SAFETY,
    "other": gen_pb2.REPORT_CATEGORY_OTHER,
}

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (400, "Invalid JSON or arguments (INVALID_ARGUMENT)."),
        (401, "Missing or unknown API key."),
        (403, "The key's role does not allow this (FORBIDDEN)."),
        (404, "No such job or review for this key (JOB_NOT_FOUND, REVIEW_NOT_FOUND)."),
        (
            409,
            "Not possible in the current state (REVIEW_NOT_PENDING, SELF_REVIEW, EXCLUDED_REVIEWER, "
            "APPEAL_EXISTS, NOT_APPEALABLE, NOT_RELEASED, ...).",
        ),
        (503, "A service is unavailable; see Retry-After."),
    )
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Decision(_Body):
    """A reviewer's note: why the video is released or refused (the owner reads it)."""

    note: str = Field(min_length=1, max_length=2000)


class Appeal(_Body):
    """Why the decision is wrong."""

    reason: str = Field(min_length=1, max_length=2000)


class Report(_Body):
    """What is wrong with a released video. Without an API key, ``media_url`` is the signed URL of
    one of the job's files the reporter was given (the link they watch), which shows they have it."""

    category: Literal["spam", "hate", "violence", "sexual", "copyright", "child_safety", "other"]
    note: str = Field(default="", max_length=2000)
    media_url: str | None = Field(default=None, max_length=4096)


class Takedown(_Body):
    """Why the media are removed (for a copyright notice: who claims what)."""

    reason: str = Field(min_length=1, max_length=2000)


#: Request bodies, for the OpenAPI document's components.
BODY_MODELS: tuple[type[BaseModel], ...] = (Decision, Appeal, Report, Takedown)


def _doc(status: int, body: type[BaseModel] | None = None) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if body is not None:
        ref = {"$ref": f"#/components/schemas/{body.__name__}"}
        extra["requestBody"] = {"required": True, "content": {"application/json": {"schema": ref}}}
    return {"responses": {status: {"description": "OK"}, **_PROBLEMS}, "openapi_extra": extra}


async def _body(request: Request, rt: Runtime, model: type[_Body]) -> Any:
    raw = await _read_json(request, rt.config.max_body_bytes, rt.config.max_json_depth, rt.config.max_number_chars)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        violations = violations_from_pydantic([dict(e) for e in exc.errors()])
        raise ApiProblem(400, "INVALID_ARGUMENT", "the request has invalid fields", violations=violations) from None


def _require(principal: Principal, role: Role) -> None:
    if not principal.has(role):
        raise ApiProblem(403, "FORBIDDEN", f"this needs a key with the {role.value} role")


def _preview_urls(rt: Runtime, request: Request) -> views.MediaUrl:
    """Key → absolute URL signed for the review scope (reaches quarantined media)."""
    base = _base_url(rt, request)
    exp = int(time.time()) + rt.config.media_url_ttl_s
    secret = rt.config.media_secret
    return lambda key: base + signing.signed_path(secret, key, exp, scope=REVIEW_SCOPE)


def review_json(review: gen_pb2.Review, preview: views.MediaUrl | None = None) -> dict[str, Any]:
    """A review as JSON; with ``preview``, a ``preview`` object of signed URLs of the video (MP4
    and poster; the HLS ladder is for released videos), else without the job's media keys."""
    out = views.to_dict(review)
    result = out.pop("result", None)
    if preview is not None and review.HasField("result") and review.result.mp4_key:
        out["preview"] = {
            "mp4_url": preview(review.result.mp4_key),
            "poster_url": preview(review.result.poster_key) if review.result.poster_key else None,
            "duration_ms": int((result or {}).get("duration_ms", 0)),
        }
    else:
        out["preview"] = None
    return out


def owner_review_json(review: gen_pb2.Review) -> dict[str, Any]:
    """A review as its job's owner sees it: no reviewer identities."""
    out = review_json(review)
    for hidden in ("decided_by", "excluded_reviewer", "preview"):
        out.pop(hidden, None)
    return out


async def _audit(rt: Runtime, request: Request, principal: Principal, action: str, target: str, **kw: Any) -> None:
    async with rt.engine.begin() as conn:
        await audit.append(
            conn, actor=principal.key_id, action=action, target=target, request_id=request_id_of(request), **kw
        )


@router.get("/v1/reviews", tags=["reviews"], summary="The review queue", **_doc(200))
async def list_reviews(
    request: Request,
    rt: RuntimeDep,
    principal: PrincipalDep,
    page_size: Annotated[int | None, Query(ge=1, le=100, description="1 to 100; 20 when absent.")] = None,
    page_token: Annotated[str | None, Query(max_length=512, description="From the previous page.")] = None,
) -> JSONResponse:
    """Pending reviews, oldest first, each with its reason, moderation's findings and a signed
    preview of the quarantined video. Needs the reviewer or operator role."""
    _require(principal, Role.REVIEWER)
    resp = await rt.jobs.ListReviews(
        gs_pb2.ListReviewsRequest(reviewer_id=principal.key_id, page_size=page_size or 0, page_token=page_token or ""),
        timeout=rt.config.unary_deadline_s,
    )
    preview = _preview_urls(rt, request)
    return JSONResponse(
        {"reviews": [review_json(r, preview) for r in resp.reviews], "next_page_token": resp.next_page_token}
    )


async def _decide(
    request: Request, rt: Runtime, principal: Principal, review_id: uuid.UUID, approve: bool
) -> JSONResponse:
    _require(principal, Role.REVIEWER)
    body: Decision = await _body(request, rt, Decision)
    resp = await rt.jobs.DecideReview(
        gs_pb2.DecideReviewRequest(
            review_id=str(review_id), reviewer_id=principal.key_id, approve=approve, note=body.note
        ),
        timeout=rt.config.unary_deadline_s,
    )
    review = resp.review
    rt.releases.forget(review.job_id)
    kind = gen_pb2.ReviewKind.Name(review.kind).removeprefix("REVIEW_KIND_").lower()
    await _audit(
        rt,
        request,
        principal,
        f"review.{'approved' if approve else 'rejected'}",
        f"job:{review.job_id}",
        reason=body.note,
        details={"review_id": review.review_id, "kind": kind, "owner": review.owner_id},
    )
    if review.kind == gen_pb2.REVIEW_KIND_APPEAL:
        change = {"violations": -1} if approve and _appealed_a_reviewer(review) else {}
    else:
        change = {"approvals": 1} if approve else {"violations": 1}
    if change:
        moved = await record_outcome(rt.engine, review.owner_id, rules=rt.config.trust, **change)
        if moved is not None and moved[0] is not moved[1]:
            log.info("key %s moved from %s to %s", review.owner_id, moved[0].value, moved[1].value)
    return JSONResponse({"review": review_json(review), "job": views.job_json(resp.job, lambda k: "")})


def _appealed_a_reviewer(review: gen_pb2.Review) -> bool:
    """Whether an appeal was against a person's decision (a rejection or a takedown), which counted
    as a violation and is taken back when the appeal is upheld; moderation's blocks never counted."""
    return bool(review.excluded_reviewer)


@router.post("/v1/reviews/{review_id}:approve", tags=["reviews"], summary="Release a video", **_doc(200, Decision))
async def approve_review(
    request: Request, rt: RuntimeDep, principal: PrincipalDep, review_id: Annotated[uuid.UUID, Path()]
) -> JSONResponse:
    """Approve a pending review: the video is released (the job ends SUCCEEDED); for an appeal,
    the appeal is upheld. 409 SELF_REVIEW for the job's owner, EXCLUDED_REVIEWER for the reviewer
    whose decision is appealed, REVIEW_NOT_PENDING when already decided."""
    return await _decide(request, rt, principal, review_id, True)


@router.post("/v1/reviews/{review_id}:reject", tags=["reviews"], summary="Refuse a video", **_doc(200, Decision))
async def reject_review(
    request: Request, rt: RuntimeDep, principal: PrincipalDep, review_id: Annotated[uuid.UUID, Path()]
) -> JSONResponse:
    """Reject a pending review: the job ends BLOCKED with the note as its reason; for an appeal,
    the decision stands. Counts as a violation of the owner's key (not for an appeal)."""
    return await _decide(request, rt, principal, review_id, False)


@router.post(
    "/v1/jobs/{job_id}:appeal", tags=["reviews"], summary="Appeal a block", status_code=202, **_doc(202, Appeal)
)
async def appeal_job(
    request: Request, rt: RuntimeDep, principal: PrincipalDep, job_id: Annotated[uuid.UUID, Path()]
) -> JSONResponse:
    """The owner appeals a BLOCKED job once per decision; the appeal joins the review queue for a
    reviewer other than the one who decided."""
    body: Appeal = await _body(request, rt, Appeal)
    resp = await rt.jobs.AppealJob(
        gs_pb2.AppealJobRequest(owner_id=principal.key_id, job_id=str(job_id), reason=body.reason),
        timeout=rt.config.unary_deadline_s,
    )
    await _audit(
        rt,
        request,
        principal,
        "appeal.filed",
        f"job:{job_id}",
        reason=body.reason,
        details={"review_id": resp.review.review_id},
    )
    return JSONResponse({"review": owner_review_json(resp.review)}, status_code=202)


def _link_reporter(rt: Runtime, request: Request, job_id: str, media_url: str | None) -> Principal:
    """The reporter without an API key: one holding a signed URL of the job's media. Its id is
    ``link:`` and 16 hex digits of a keyed hash of the client's address, so one viewer counts once
    and the address is not stored. Raises a 401 problem without a usable link."""
    if not media_url:
        raise ApiProblem(
            401, "UNAUTHENTICATED", "report with an API key, or give the signed media_url of the video you watch"
        )
    parts = urlsplit(media_url)
    _, found, tail = parts.path.partition(views.MEDIA_PREFIX)  # after any public base path
    key = unquote(tail) if found else ""
    query = parse_qs(parts.query)
    exp, sig = (query.get("exp") or [""])[0], (query.get("sig") or [""])[0]
    if release.job_of(key) != job_id or signing.verify(rt.config.media_secret, key, exp, sig) is not None:
        raise ApiProblem(403, "MEDIA_URL_NOT_OF_THIS_JOB", "media_url is not a valid signed URL of this job's video")
    address = request.client.host if request.client else ""
    digest = hmac.new(rt.config.media_secret, f"reporter\n{address}".encode(), hashlib.sha256).hexdigest()
    return Principal(f"link:{digest[:16]}")


@router.post(
    "/v1/jobs/{job_id}:report", tags=["reviews"], summary="Report a video", status_code=202, **_doc(202, Report)
)
async def report_job(
    request: Request,
    rt: RuntimeDep,
    job_id: Annotated[uuid.UUID, Path()],
    creds: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)] = None,
) -> JSONResponse:
    """Report a released video, with an API key or with the signed link to it (``media_url``).
    Reports from distinct reporters put it back in review at the threshold
    (``DRISHYA_REPORT_THRESHOLD``), a child-safety report at once."""
    body: Report = await _body(request, rt, Report)
    if creds is not None:
        principal = await check_key(rt, creds.credentials)
    else:
        principal = _link_reporter(rt, request, str(job_id), body.media_url)
    resp = await rt.jobs.ReportJob(
        gs_pb2.ReportJobRequest(
            job_id=str(job_id), reporter_id=principal.key_id, category=_REPORT_CATEGORIES[body.category], note=body.note
        ),
        timeout=rt.config.unary_deadline_s,
    )
    rt.releases.forget(str(job_id))
    if resp.counted:
        await _audit(
            rt,
            request,
            principal,
            "report.filed",
            f"job:{job_id}",
            reason=body.note,
            details={"category": body.category, "report_count": resp.report_count, "in_review": resp.in_review},
        )
    return JSONResponse(
        {"report_count": resp.report_count, "in_review": resp.in_review, "counted": resp.counted}, status_code=202
    )


@router.post("/v1/jobs/{job_id}:takedown", tags=["reviews"], summary="Take media down", **_doc(200, Takedown))
async def takedown_job(
    request: Request, rt: RuntimeDep, principal: PrincipalDep, job_id: Annotated[uuid.UUID, Path()]
) -> JSONResponse:
    """An operator removes a job's media (for example on a copyright notice) and keeps its record;
    the job ends BLOCKED and its owner may answer with an appeal (a counter-notice)."""
    _require(principal, Role.OPERATOR)
    body: Takedown = await _body(request, rt, Takedown)
    resp = await rt.jobs.TakedownJob(
        gs_pb2.TakedownJobRequest(job_id=str(job_id), operator_id=principal.key_id, reason=body.reason),
        timeout=rt.config.unary_deadline_s,
    )
    rt.releases.forget(str(job_id))
    await _audit(rt, request, principal, "job.taken_down", f"job:{job_id}", reason=body.reason)
    return JSONResponse(views.job_json(resp.job, lambda k: ""))


@router.get("/v1/audit", tags=["audit"], summary="The audit trail", **_doc(200))
async def read_audit(
    rt: RuntimeDep,
    principal: PrincipalDep,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    action: Annotated[str | None, Query(max_length=100, description="Exact, or a prefix ending in '*'.")] = None,
    target: Annotated[str | None, Query(max_length=200)] = None,
    since: Annotated[dt.datetime | None, Query(description="ISO 8601, inclusive.")] = None,
    until: Annotated[dt.datetime | None, Query(description="ISO 8601, exclusive.")] = None,
    page_size: Annotated[int | None, Query(ge=1, le=500)] = None,
    page_token: Annotated[str | None, Query(max_length=512)] = None,
) -> JSONResponse:
    """Decisions and privileged actions, newest first. Needs the operator role."""
    _require(principal, Role.OPERATOR)
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise ApiProblem(400, "INVALID_ARGUMENT", f"{name} needs a time zone (e.g. Z)")
    try:
        events, token = await audit.page(
            rt.engine,
            actor=actor or "",
            action=action or "",
            target=target or "",
            since=since,
            until=until,
            page_size=page_size or 50,
            page_token=page_token or "",
        )
    except ValueError as exc:
        raise ApiProblem(400, "INVALID_PAGE_TOKEN", str(exc)) from None
    return JSONResponse(
        {
            "events": [e.as_json() for e in events],
            "next_page_token": token,
        }
    )
