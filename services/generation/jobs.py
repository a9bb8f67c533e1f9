"""The job's domain rules: validation, the state machine, stage order and progress. No I/O.

A job moves QUEUED → RUNNING → SUCCEEDED, or ends BLOCKED (moderation), CANCELLED (owner),
FAILED (a non-retryable error) or DEAD_LETTER (retryable errors on every allowed attempt).
A failed attempt with attempts left goes back to QUEUED. FAILED and DEAD_LETTER jobs can be
retried by id; they resume at their first unfinished stage. A finished video may instead end
IN_REVIEW, held until a reviewer releases it (SUCCEEDED) or rejects it (BLOCKED): the rules are in
:mod:`services.generation.reviews`.
"""

from __future__ import annotations

import datetime as dt
import uuid

import grpc

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation.cast import validate_cast
from services.mesh.errors import FailedPrecondition, FieldViolation, InvalidArgument, ResourceExhausted
from services.render.types import Price
from services.scene.text import split_sentences

JobState = gen_pb2.JobState
Stage = gen_pb2.Stage

MIN_TEXT_CHARS = 10
MAX_TEXT_CHARS = 2000
MAX_REQUEST_ID_CHARS = 255
DEFAULT_PRIORITY = 5
PROVIDERS = ("storyboard", "comfyui", "gemini")
"""Render providers a job may ask for; one this deployment has not configured falls back to the storyboard."""
LANGUAGES = ("en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa")

#: Stages in the order a worker runs them.
STAGES: tuple[gen_pb2.Stage, ...] = (
    gen_pb2.STAGE_MODERATE_TEXT,
    gen_pb2.STAGE_DETECT_LANGUAGE,
    gen_pb2.STAGE_TRANSLATE,
    gen_pb2.STAGE_ANALYZE,
    gen_pb2.STAGE_BUILD_PROMPT,
    gen_pb2.STAGE_RENDER,
    gen_pb2.STAGE_ASSEMBLE,
    gen_pb2.STAGE_MODERATE_VIDEO,
    gen_pb2.STAGE_PUBLISH,
)

#: Stages whose output lives in the job's work folder, removed when the job ends: a retried job
#: runs them again.
FILE_STAGES: tuple[gen_pb2.Stage, ...] = (
    gen_pb2.STAGE_RENDER,
    gen_pb2.STAGE_ASSEMBLE,
    gen_pb2.STAGE_MODERATE_VIDEO,
    gen_pb2.STAGE_PUBLISH,
)

#: Share of the overall progress each stage is worth: the median stage wall times of
#: ``benchmarks/e2e.py`` on the sample scene (render 2.9 s, assemble 3.0 s, video moderation
#: 0.6 s, publish 1.7 s, the text stages together under 0.1 s), rounded, so the bar moves evenly.
STAGE_WEIGHTS: dict[gen_pb2.Stage, float] = {
    gen_pb2.STAGE_MODERATE_TEXT: 0.01,
    gen_pb2.STAGE_DETECT_LANGUAGE: 0.01,
    gen_pb2.STAGE_TRANSLATE: 0.01,
    gen_pb2.STAGE_ANALYZE: 0.01,
    gen_pb2.STAGE_BUILD_PROMPT: 0.01,
    gen_pb2.STAGE_RENDER: 0.33,
    gen_pb2.STAGE_ASSEMBLE: 0.35,
    gen_pb2.STAGE_MODERATE_VIDEO: 0.07,
    gen_pb2.STAGE_PUBLISH: 0.20,
}

TERMINAL: frozenset[gen_pb2.JobState] = frozenset(
    {
        gen_pb2.JOB_STATE_SUCCEEDED,
        gen_pb2.JOB_STATE_BLOCKED,
        gen_pb2.JOB_STATE_CANCELLED,
        gen_pb2.JOB_STATE_FAILED,
        gen_pb2.JOB_STATE_DEAD_LETTER,
        gen_pb2.JOB_STATE_IN_REVIEW,
    }
)
"""States a worker leaves a job in: watching ends there (a review's later decision appends events,
published like any other). IN_REVIEW is neither cancellable nor retryable."""
CANCELLABLE = frozenset({gen_pb2.JOB_STATE_QUEUED, gen_pb2.JOB_STATE_RUNNING})
RETRYABLE_STATES = frozenset({gen_pb2.JOB_STATE_FAILED, gen_pb2.JOB_STATE_DEAD_LETTER})

#: gRPC codes after which another attempt may succeed; every other code fails the job for good.
TRANSIENT_CODES = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        grpc.StatusCode.ABORTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNKNOWN,
    }
)


def progress_at(stage: gen_pb2.Stage, fraction: float = 0.0) -> float:
    """Overall progress in [0, 1] when ``stage`` is ``fraction`` done (earlier stages complete)."""
    done = sum(STAGE_WEIGHTS[s] for s in STAGES[: STAGES.index(stage)])
    return round(min(1.0, done + STAGE_WEIGHTS[stage] * max(0.0, min(1.0, fraction))), 4)


def validate_create(text: str, request_id: str, options: gen_pb2.JobOptions) -> str:
    """Check a CreateJob request; returns the text stripped of surrounding whitespace.

    Raises:
        InvalidArgument: reason TEXT_HAS_CONTROL_CHARACTERS (see :func:`check_text_characters`),
            TEXT_TOO_SHORT (under 10 characters), TEXT_TOO_LONG (over 2000),
            INVALID_REQUEST_ID, INVALID_PRIORITY, UNKNOWN_PROVIDER or UNSUPPORTED_LANGUAGE,
            with a ``BadRequest`` field violation.
    """
    check_text_characters(text)
    text = text.strip()
    n = len(text)
    if n < MIN_TEXT_CHARS:
        raise InvalidArgument(
            f"text has {n} characters; at least {MIN_TEXT_CHARS} are needed",
            reason="TEXT_TOO_SHORT",
            metadata={"length": str(n), "min": str(MIN_TEXT_CHARS)},
            violations=[FieldViolation("text", f"must have at least {MIN_TEXT_CHARS} characters")],
        )
    if n > MAX_TEXT_CHARS:
        raise InvalidArgument(
            f"text has {n} characters; at most {MAX_TEXT_CHARS} are allowed",
            reason="TEXT_TOO_LONG",
            metadata={"length": str(n), "max": str(MAX_TEXT_CHARS)},
            violations=[FieldViolation("text", f"must have at most {MAX_TEXT_CHARS} characters")],
        )
    if len(request_id) > MAX_REQUEST_ID_CHARS or any(ord(c) < 0x20 for c in request_id):
        raise InvalidArgument(
            "request_id must be at most 255 printable characters",
            reason="INVALID_REQUEST_ID",
            violations=[FieldViolation("request_id", "at most 255 printable characters")],
        )
    if not 0 <= options.priority <= 9:
        raise InvalidArgument(
            f"priority {options.priority} is outside 0..9",
            reason="INVALID_PRIORITY",
            violations=[FieldViolation("options.priority", "must be between 0 and 9")],
        )
    validate_cast(options.cast)
    if options.provider and options.provider not in PROVIDERS:
        raise InvalidArgument(
            f"unknown provider {options.provider!r}",
            reason="UNKNOWN_PROVIDER",
            metadata={"provider": options.provider, "supported": ",".join(PROVIDERS)},
            violations=[FieldViolation("options.provider", f"one of {', '.join(PROVIDERS)}")],
        )
    if options.language_code and options.language_code not in LANGUAGES:
        raise InvalidArgument(
            f"unsupported language {options.language_code!r}",
            reason="UNSUPPORTED_LANGUAGE",
            metadata={"language_code": options.language_code, "supported": ",".join(LANGUAGES)},
            violations=[FieldViolation("options.language_code", f"one of {', '.join(LANGUAGES)}")],
        )
    return text


#: Control characters a scene text may contain: tab, line feed, carriage return.
ALLOWED_CONTROLS = frozenset("\t\n\r")


def control_characters(text: str) -> list[int]:
    """Offsets of the characters of ``text`` in Unicode category Cc (C0 controls, DEL, C1 controls),
    other than tab, line feed and carriage return. Format characters (Cf: ZWJ, ZWNJ) are text in
    Indic scripts and are not counted."""
    return [i for i, c in enumerate(text) if (c < "\x20" or "\x7f" <= c <= "\x9f") and c not in ALLOWED_CONTROLS]


def check_text_characters(text: str, field: str = "text") -> None:
    """Refuse text with control characters (NUL and the other C0/C1 controls; tab and newlines pass).

    Raises:
        InvalidArgument: reason TEXT_HAS_CONTROL_CHARACTERS, metadata ``offset`` (first one, in
            code points) and ``count``.
    """
    found = control_characters(text)
    if found:
        raise InvalidArgument(
            f"{field} contains {len(found)} control character(s), the first at offset {found[0]}",
            reason="TEXT_HAS_CONTROL_CHARACTERS",
            metadata={"offset": str(found[0]), "count": str(len(found))},
            violations=[FieldViolation(field, "must not contain control characters other than tab and newlines")],
        )


def parse_job_id(job_id: str) -> uuid.UUID:
    """Parse a job id; raises :class:`InvalidArgument` reason INVALID_JOB_ID when it is not a UUID."""
    try:
        return uuid.UUID(job_id)
    except ValueError:
        raise InvalidArgument(
            f"job id {job_id!r} is not a UUID",
            reason="INVALID_JOB_ID",
            violations=[FieldViolation("job_id", "must be a UUID")],
        ) from None


def check_cancellable(state: int) -> None:
    """Raises :class:`FailedPrecondition` reason JOB_NOT_CANCELLABLE unless the job is queued or running."""
    if state not in CANCELLABLE:
        raise FailedPrecondition(
            f"a job in state {gen_pb2.JobState.Name(state)} cannot be cancelled",
            reason="JOB_NOT_CANCELLABLE",
            metadata={"state": gen_pb2.JobState.Name(state)},
        )


def check_retryable(state: int) -> None:
    """Raises :class:`FailedPrecondition` reason JOB_NOT_RETRYABLE unless the job is FAILED or DEAD_LETTER."""
    if state not in RETRYABLE_STATES:
        raise FailedPrecondition(
            f"a job in state {gen_pb2.JobState.Name(state)} cannot be retried",
            reason="JOB_NOT_RETRYABLE",
            metadata={"state": gen_pb2.JobState.Name(state)},
        )


def next_state_after_failure(code: grpc.StatusCode, attempts: int, max_attempts: int) -> gen_pb2.JobState:
    """State after an attempt failed with ``code``: QUEUED (try again), DEAD_LETTER or FAILED."""
    if code not in TRANSIENT_CODES:
        return gen_pb2.JOB_STATE_FAILED
    return gen_pb2.JOB_STATE_QUEUED if attempts < max_attempts else gen_pb2.JOB_STATE_DEAD_LETTER


def retry_delay_s(attempts: int, base_s: float) -> float:
    """Exponential backoff before attempt ``attempts + 1``: ``base_s * 2**(attempts - 1)``, capped at 5 min."""
    return float(min(300.0, base_s * 2 ** max(0, attempts - 1)))


ESTIMATE_SENTENCE_S = 3.0
"""Seconds of video a sentence is estimated to become, before the shot list exists (the planner's
minimum scene is 6 s and 3 to 6 shots: ``services.prompt.planner``)."""


def estimate_cost_usd(text: str, price: Price) -> float:
    """The estimated cost of ``text`` rendered at ``price``: 3 to 6 shots (one keyframe each) over
    ``max(6, 3 x sentences)`` seconds of clip. An estimate for the budget check, not a quote."""
    sentences = max(1, len([s for s in split_sentences(text) if s.strip()]))
    shots = min(6, max(3, sentences))
    seconds = max(6.0, ESTIMATE_SENTENCE_S * sentences)
    return shots * price.image_usd + seconds * price.video_second_usd


def check_budget(owner_id: str, budget_usd: float, spent_usd: float, estimate_usd: float, policy: int) -> bool:
    """Whether the job may render with its provider (True) or must fall back to the storyboard (False).

    A budget of 0 means none. Spending counts the owner's rendered shots this calendar month.

    Raises:
        ResourceExhausted: ``BUDGET_EXCEEDED`` with a ``QuotaFailure`` on ``budget:<owner>``, when
            ``spent + estimate`` passes the budget and ``policy`` is not BUDGET_POLICY_FALLBACK.
    """
    if budget_usd <= 0 or estimate_usd <= 0 or spent_usd + estimate_usd <= budget_usd:
        return True
    if policy == gen_pb2.BUDGET_POLICY_FALLBACK:
        return False
    raise ResourceExhausted(
        f"this job's estimated cost of {estimate_usd:.2f} USD would pass the key's monthly budget of"
        f" {budget_usd:.2f} USD ({spent_usd:.2f} USD spent); ask for budget_policy FALLBACK to render it"
        " with the storyboard",
        reason="BUDGET_EXCEEDED",
        metadata={
            "budget_usd": f"{budget_usd:.2f}",
            "spent_usd": f"{spent_usd:.2f}",
            "estimate_usd": f"{estimate_usd:.2f}",
        },
        quota_subject=f"budget:{owner_id}",
        retry_after_s=_seconds_to_next_month(),
    )


def _seconds_to_next_month() -> float:
    now = dt.datetime.now(dt.UTC)
    first = (now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=32)).replace(day=1)
    return (first - now).total_seconds()
