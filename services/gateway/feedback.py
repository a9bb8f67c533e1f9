"""Feedback on finished videos: the owner's rating, tags and comment, and the operators' summary.

Routes (errors are the gateway's problem details):

* ``POST /v1/jobs/{job_id}/feedback``: the owner of a SUCCEEDED job rates it. Body
  ``{"rating": 1..5, "tags": [...], "comment": "..."}`` (tags from :data:`TAGS`, each at most
  once; the comment at most 2000 characters; unknown fields refused). One rating per key and job:
  the first answers 201, a later one replaces it and answers 200; both return the stored feedback
  (:func:`feedback_json`). The job is read from the generation service under the caller's key, so
  another key's job is 404 JOB_NOT_FOUND; a job that has not SUCCEEDED is 409 JOB_NOT_FINISHED.
  The job's language and the provider of most of its shots (:func:`main_provider`) are stored
  with the rating, so the summary needs no other service.
* ``GET /v1/feedback:summary``: operators only (403 FORBIDDEN otherwise). Counts, mean rating,
  ratings histogram and tag counts overall, per language, per provider and per tag, over the
  feedback last updated in ``[since, until)`` (ISO 8601; both optional). PostgreSQL groups the
  rows by (language, provider, tags, rating), which leaves at most a few thousand groups whatever
  the table's size (11 languages x 3 providers x 32 tag sets x 5 ratings); :func:`summarize`, a
  pure function, folds the groups into the dimensions.

Table ``gateway.feedback`` is gateway migration 3 (:data:`services.gateway.keys.MIGRATIONS`).
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from services.gateway.app import KeyDep, PrincipalDep, RuntimeDep, _read_json
from services.gateway.models import Problem
from services.gateway.problems import ApiProblem, violations_from_pydantic
from services.gateway.trust import Role

router = APIRouter(tags=["feedback"])

#: What a viewer may say was wrong, in this order everywhere (the body, storage, the summary).
TAGS: tuple[str, ...] = ("picture_mismatch", "subtitles_wrong", "voice_unclear", "too_slow", "other")
Tag = Literal["picture_mismatch", "subtitles_wrong", "voice_unclear", "too_slow", "other"]
#: Longest comment, in characters.
MAX_COMMENT_CHARS = 2000
#: A comment: no control characters other than tab, CR and LF.
COMMENT_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"

JobId = Annotated[uuid.UUID, Path(description="The job's UUID.")]


class FeedbackBody(BaseModel):
    """A rating of a finished video. Unknown fields are rejected."""

    model_config = ConfigDict(extra="forbid", strict=True)

    rating: int = Field(ge=1, le=5, description="1 (bad) to 5 (good).")
    tags: list[Tag] = Field(
        default_factory=list,
        max_length=len(TAGS),
        description="What was wrong, each tag at most once.",
        json_schema_extra={"uniqueItems": True},
    )
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS, pattern=COMMENT_PATTERN)

    @field_validator("tags")
    @classmethod
    def _no_duplicates(cls, tags: list[str]) -> list[str]:
        """Each tag once; stored in :data:`TAGS` order so equal sets compare equal."""
        if len(set(tags)) != len(tags):
            raise ValueError("each tag may be given only once")
        return sorted(tags, key=TAGS.index)


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (400, "Invalid JSON or fields (INVALID_ARGUMENT, with violations)."),
        (401, "Missing or unknown API key."),
        (403, "The key is not an operator's (FORBIDDEN)."),
        (404, "No such job for this key (JOB_NOT_FOUND)."),
        (409, "The job has not SUCCEEDED (JOB_NOT_FINISHED)."),
        (413, "The body is too large."),
        (415, "The body is not JSON."),
        (503, "A service is unavailable; see Retry-After."),
    )
}


def main_provider(providers: Iterable[str]) -> str:
    """The provider that made most of a job's shots; on a tie, the one whose first shot comes
    first; ``""`` for a job without shots."""
    counts = Counter(p for p in providers if p)
    if not counts:
        return ""
    return counts.most_common(1)[0][0]  # most_common keeps first-seen order among equal counts


@dataclass(frozen=True)
class Group:
    """Feedback rows sharing language, provider, tags and rating: ``count`` of them."""

    language_code: str
    provider: str
    tags: tuple[str, ...]
    rating: int
    count: int


def _empty() -> dict[str, Any]:
    return {"count": 0, "rating_sum": 0, "ratings": {str(r): 0 for r in range(1, 6)}, "tags": dict.fromkeys(TAGS, 0)}


def _add(bucket: dict[str, Any], g: Group) -> None:
    bucket["count"] += g.count
    bucket["rating_sum"] += g.rating * g.count
    bucket["ratings"][str(g.rating)] += g.count
    for tag in g.tags:
        if tag in bucket["tags"]:
            bucket["tags"][tag] += g.count


def _finish(bucket: dict[str, Any]) -> dict[str, Any]:
    """``{"count", "mean_rating" (null when empty, rounded to 3 places), "ratings": {"1".."5"}, "tags"}``."""
    total = bucket.pop("rating_sum")
    bucket["mean_rating"] = round(total / bucket["count"], 3) if bucket["count"] else None
    return bucket


def summarize(groups: Iterable[Group]) -> dict[str, Any]:
    """Fold feedback groups into the summary.

    Returns:
        ``{"overall": S, "by_language": {code: S}, "by_provider": {name: S}, "by_tag": {tag: S}}``
        where ``S`` is ``{"count", "mean_rating", "ratings": {"1": n, ..., "5": n}, "tags": {tag: n}}``.
        ``by_tag`` has every tag of :data:`TAGS` (its ``S`` covers the ratings that carry the tag,
        so its ``tags`` shows which tags come with it); a language or provider that was not
        recorded is keyed ``""``. Keys of ``by_language`` and ``by_provider`` are sorted.
    """
    overall = _empty()
    by_language: dict[str, dict[str, Any]] = {}
    by_provider: dict[str, dict[str, Any]] = {}
    by_tag = {tag: _empty() for tag in TAGS}
    for g in groups:
        _add(overall, g)
        _add(by_language.setdefault(g.language_code, _empty()), g)
        _add(by_provider.setdefault(g.provider, _empty()), g)
        for tag in g.tags:
            if tag in by_tag:
                _add(by_tag[tag], g)
    return {
        "overall": _finish(overall),
        "by_language": {k: _finish(by_language[k]) for k in sorted(by_language)},
        "by_provider": {k: _finish(by_provider[k]) for k in sorted(by_provider)},
        "by_tag": {k: _finish(v) for k, v in by_tag.items()},
    }


def feedback_json(row: Any) -> dict[str, Any]:
    """A stored feedback row as JSON: ``job_id``, ``rating``, ``tags``, ``comment``,
    ``language_code``, ``provider``, ``create_time``, ``update_time`` (RFC 3339, UTC)."""
    return {
        "job_id": str(row.job_id),
        "rating": int(row.rating),
        "tags": list(row.tags),
        "comment": row.comment,
        "language_code": row.language_code,
        "provider": row.provider,
        "create_time": _rfc3339(row.created_at),
        "update_time": _rfc3339(row.updated_at),
    }


def _rfc3339(t: datetime) -> str:
    return t.astimezone(UTC).isoformat().replace("+00:00", "Z")


_UPSERT = sa.text(
    """
    INSERT INTO gateway.feedback (job_id, owner_id, rating, tags, comment, language_code, provider)
    VALUES (:job_id, :owner_id, :rating, :tags, :comment, :language_code, :provider)
    ON CONFLICT (job_id, owner_id) DO UPDATE SET
      rating = EXCLUDED.rating, tags = EXCLUDED.tags, comment = EXCLUDED.comment,
      language_code = EXCLUDED.language_code, provider = EXCLUDED.provider, updated_at = now()
    RETURNING job_id, rating, tags, comment, language_code, provider, created_at, updated_at,
      (xmax = 0) AS inserted
    """
)

_GROUPS = sa.text(
    """
    SELECT language_code, provider, tags, rating, count(*) AS n FROM gateway.feedback
    WHERE (CAST(:since AS timestamptz) IS NULL OR updated_at >= :since)
      AND (CAST(:until AS timestamptz) IS NULL OR updated_at < :until)
    GROUP BY language_code, provider, tags, rating
    """
)


@router.post(
    "/v1/jobs/{job_id:uuid}/feedback",
    summary="Rate a finished video",
    status_code=201,
    responses={
        201: {"description": "The first rating of this job by this key: the stored feedback."},
        200: {"description": "A later rating, which replaced the earlier one: the stored feedback."},
        **_PROBLEMS,
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedbackBody"}}},
        }
    },
)
async def rate_job(request: Request, rt: RuntimeDep, key_id: KeyDep, job_id: JobId) -> JSONResponse:
    """Rate one of the caller's SUCCEEDED jobs (1-5), tag what was wrong and comment; rating again
    replaces the earlier rating."""
    raw = await _read_json(request, rt.config.max_body_bytes, rt.config.max_json_depth, rt.config.max_number_chars)
    try:
        body = FeedbackBody.model_validate(raw)
    except ValidationError as exc:
        violations = violations_from_pydantic([dict(e) for e in exc.errors()])
        raise ApiProblem(400, "INVALID_ARGUMENT", "the request has invalid fields", violations=violations) from None
    resp = await rt.jobs.GetJob(
        gs_pb2.GetJobRequest(owner_id=key_id, job_id=str(job_id)), timeout=rt.config.unary_deadline_s
    )
    job = resp.job
    if job.state != gen_pb2.JOB_STATE_SUCCEEDED:
        state = gen_pb2.JobState.Name(job.state)
        raise ApiProblem(
            409,
            "JOB_NOT_FINISHED",
            f"only a SUCCEEDED job can be rated; this one is {state}",
            metadata={"job_id": str(job_id), "state": state},
        )
    params = {
        "job_id": job_id,
        "owner_id": key_id,
        "rating": body.rating,
        "tags": list(body.tags),
        "comment": body.comment,
        "language_code": job.language_code or job.options.language_code,
        "provider": main_provider(s.provider for s in job.shots),
    }
    async with rt.engine.begin() as conn:
        row = (await conn.execute(_UPSERT, params)).one()
    headers = {"Location": f"/v1/jobs/{job_id}/feedback"} if row.inserted else None
    return JSONResponse(feedback_json(row), status_code=201 if row.inserted else 200, headers=headers)


def _utc(t: datetime | None) -> datetime | None:
    """A naive time is read as UTC."""
    return t.replace(tzinfo=UTC) if t is not None and t.tzinfo is None else t


@router.get(
    "/v1/feedback:summary",
    summary="Summarize feedback (operators)",
    responses={200: {"description": "The summary (see summarize)."}, **_PROBLEMS},
)
async def feedback_summary(
    rt: RuntimeDep,
    principal: PrincipalDep,
    since: Annotated[
        datetime | None, Query(description="Feedback updated at or after this time (ISO 8601; UTC when no offset).")
    ] = None,
    until: Annotated[
        datetime | None, Query(description="Feedback updated before this time (ISO 8601; UTC when no offset).")
    ] = None,
) -> JSONResponse:
    """Counts, mean rating, ratings and tag counts overall and per language, provider and tag, for
    operators. ``since`` after ``until`` gives 400 INVALID_TIME_RANGE."""
    if not principal.has(Role.OPERATOR):
        raise ApiProblem(403, "FORBIDDEN", "only an operator's key may read the feedback summary")
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and since > until:
        raise ApiProblem(400, "INVALID_TIME_RANGE", "since must not be after until")
    async with rt.engine.connect() as conn:
        rows = (await conn.execute(_GROUPS, {"since": since, "until": until})).all()
    summary = summarize(Group(r.language_code, r.provider, tuple(r.tags), int(r.rating), int(r.n)) for r in rows)
    window = {"since": _rfc3339(since) if since else None, "until": _rfc3339(until) if until else None}
    return JSONResponse({**window, **summary})
