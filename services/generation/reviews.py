"""Review before release: the rules of the review queue, appeals, reports and takedowns. No I/O.

A finished video is held for review (JOB_STATE_IN_REVIEW) when the owner's trust level asks for it
(``review_required``, set by the edge), when text or video moderation answered DECISION_REVIEW, or
when the owner's appeal of a moderation BLOCK was upheld (the BLOCK was waived for the re-run, so a
person sees the result). A reviewer approves (SUCCEEDED, the video is released) or rejects (BLOCKED
with one REVIEWER reason carrying the note). The owner may appeal a BLOCKED job once per blocking
decision; another reviewer than the one who blocked it decides. Reports of a released video send it
back to review when ``threshold`` distinct reporters since its release reported it (config
``DRISHYA_REPORT_THRESHOLD``, default 3), or at once for a category in :data:`GRAVE_CATEGORIES`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import grpc

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.moderation.v1 import moderation_pb2
from services.mesh.errors import DrishyaError, FailedPrecondition, FieldViolation, InvalidArgument

MAX_NOTE_CHARS = 2000
"""Longest note, appeal reason, report note or takedown reason, in characters (the contract's 1..2000)."""
MAX_RELEASE_IDS = 100
"""Most job ids one GetReleaseStates call may name (the contract's 1..100)."""

GRAVE_CATEGORIES: frozenset[int] = frozenset({gen_pb2.REPORT_CATEGORY_CHILD_SAFETY})
"""Report categories that send a video back to review on the first report."""

DECIDED_STATES = frozenset({gen_pb2.REVIEW_STATE_APPROVED, gen_pb2.REVIEW_STATE_REJECTED})


class AlreadyExists(DrishyaError):
    """The resource exists already (ALREADY_EXISTS, 409): a second appeal of one decision."""

    code = grpc.StatusCode.ALREADY_EXISTS
    reason = "ALREADY_EXISTS"


@dataclass(frozen=True)
class Hold:
    """Why a finished video waits for review: the review's kind, its English reason and findings."""

    kind: gen_pb2.ReviewKind
    reason: str
    findings: tuple[moderation_pb2.ModerationReason, ...] = ()


def check_text(value: str, field: str, *, required: bool = True) -> str:
    """``value`` stripped; raises InvalidArgument (reason ``<FIELD>_REQUIRED`` or ``<FIELD>_TOO_LONG``,
    with a FieldViolation) when it is blank while ``required`` or longer than 2000 characters."""
    text = value.strip()
    if required and not text:
        raise InvalidArgument(
            f"{field} is required (1 to {MAX_NOTE_CHARS} characters)",
            reason=f"{field.upper()}_REQUIRED",
            violations=[FieldViolation(field, f"must have 1 to {MAX_NOTE_CHARS} characters")],
        )
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidArgument(
            f"{field} has {len(text)} characters; at most {MAX_NOTE_CHARS} are allowed",
            reason=f"{field.upper()}_TOO_LONG",
            metadata={"length": str(len(text)), "max": str(MAX_NOTE_CHARS)},
            violations=[FieldViolation(field, f"must have at most {MAX_NOTE_CHARS} characters")],
        )
    return text


def parse_id(value: str, field: str) -> uuid.UUID:
    """A UUID; raises InvalidArgument ``INVALID_<FIELD>`` otherwise."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidArgument(
            f"{field} {value!r} is not a UUID",
            reason=f"INVALID_{field.upper()}",
            violations=[FieldViolation(field, "must be a UUID")],
        ) from None


def parse_release_ids(values: Sequence[str]) -> list[uuid.UUID]:
    """1 to 100 job ids as UUIDs (duplicates kept once); raises InvalidArgument INVALID_JOB_IDS."""
    if not 1 <= len(values) <= MAX_RELEASE_IDS:
        raise InvalidArgument(
            f"job_ids names {len(values)} jobs; 1 to {MAX_RELEASE_IDS} are allowed",
            reason="INVALID_JOB_IDS",
            violations=[FieldViolation("job_ids", f"between 1 and {MAX_RELEASE_IDS} ids")],
        )
    out: dict[uuid.UUID, None] = {}
    for i, v in enumerate(values):
        try:
            out[uuid.UUID(v)] = None
        except ValueError:
            raise InvalidArgument(
                f"job_ids[{i}] {v!r} is not a UUID",
                reason="INVALID_JOB_IDS",
                violations=[FieldViolation(f"job_ids[{i}]", "must be a UUID")],
            ) from None
    return list(out)


def check_category(category: int) -> None:
    """Raises InvalidArgument INVALID_CATEGORY unless ``category`` is a known ReportCategory other than UNSPECIFIED."""
    if category == gen_pb2.REPORT_CATEGORY_UNSPECIFIED or category not in gen_pb2.ReportCategory.values():
        raise InvalidArgument(
            f"report category {category} is not one of the known categories",
            reason="INVALID_CATEGORY",
            violations=[FieldViolation("category", "a REPORT_CATEGORY_* other than UNSPECIFIED")],
        )


def hold_for_review(
    review_required: bool, moderation_review: Sequence[moderation_pb2.ModerationReason], appeal_upheld: bool
) -> Hold | None:
    """Whether a finished video waits for review, and as what; None releases it at once.

    Moderation's REVIEW (``moderation_review``: the reasons of the checks that answered REVIEW, a
    waived BLOCK among them) or an upheld appeal makes a MODERATION review; otherwise the owner's
    trust level (``review_required``) makes a TRUST review.
    """
    findings = tuple(moderation_review)
    if findings or appeal_upheld:
        summary = "; ".join(r.message for r in findings if r.message)
        if appeal_upheld:
            reason = "the owner's appeal was upheld; the video made again is checked before release"
            if summary:
                reason += f" (moderation: {summary})"
        else:
            reason = f"moderation asked for a person to check the video: {summary or 'no details given'}"
        return Hold(gen_pb2.REVIEW_KIND_MODERATION, reason, findings)
    if review_required:
        return Hold(gen_pb2.REVIEW_KIND_TRUST, "the owner's trust level asks for review of every video (or a sample)")
    return None


def review_reasons(
    decision: int, reasons: Sequence[moderation_pb2.ModerationReason]
) -> list[moderation_pb2.ModerationReason]:
    """The reasons of one moderation answer that ask for review: all of them when the decision is
    REVIEW (those marked ALLOW left out), none otherwise."""
    if decision != moderation_pb2.DECISION_REVIEW:
        return []
    return [r for r in reasons if r.decision != moderation_pb2.DECISION_ALLOW]


def check_decidable(state: int, owner_id: str, reviewer_id: str, excluded_reviewer: str, review_id: str) -> None:
    """Raises FailedPrecondition when ``reviewer_id`` may not decide the review: REVIEW_NOT_PENDING
    (decided already), SELF_REVIEW (the reviewer owns the job) or EXCLUDED_REVIEWER (an appeal of the
    reviewer's own decision)."""
    meta = {"review_id": review_id}
    if state != gen_pb2.REVIEW_STATE_PENDING:
        raise FailedPrecondition(
            f"review {review_id} was already decided ({gen_pb2.ReviewState.Name(state)})",
            reason="REVIEW_NOT_PENDING",
            metadata={**meta, "state": gen_pb2.ReviewState.Name(state)},
        )
    if owner_id == reviewer_id:
        raise FailedPrecondition(
            "a reviewer cannot decide the review of their own job", reason="SELF_REVIEW", metadata=meta
        )
    if excluded_reviewer and excluded_reviewer == reviewer_id:
        raise FailedPrecondition(
            "the appeal is against this reviewer's own decision; another reviewer must decide it",
            reason="EXCLUDED_REVIEWER",
            metadata=meta,
        )


def appeal_target(approve: bool, has_video: bool) -> gen_pb2.JobState:
    """The job's state after an appeal decision: rejected, it stays BLOCKED; upheld, a job whose video
    exists (published, not taken down) is released (SUCCEEDED), any other is QUEUED to be made again
    with moderation's BLOCK waived (its result is then reviewed)."""
    if not approve:
        return gen_pb2.JOB_STATE_BLOCKED
    return gen_pb2.JOB_STATE_SUCCEEDED if has_video else gen_pb2.JOB_STATE_QUEUED


def report_sends_to_review(distinct_reports: int, threshold: int, category: int) -> bool:
    """Whether a report of a released video sends it back to review: ``distinct_reports`` (since
    release, this one included) reached ``threshold``, or ``category`` is grave."""
    return category in GRAVE_CATEGORIES or distinct_reports >= threshold


def report_reason(counts: Mapping[int, int]) -> str:
    """The English reason of a REPORT review: the categories reported and how often, most first,
    e.g. ``"reported by 3 viewers: hate 2, spam 1"``."""
    total = sum(counts.values())
    parts = [
        f"{gen_pb2.ReportCategory.Name(c).removeprefix('REPORT_CATEGORY_').lower().replace('_', ' ')} {n}"
        for c, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return f"reported by {total} viewer{'s' if total != 1 else ''}: {', '.join(parts)}"


def reviewer_reason(note: str) -> moderation_pb2.ModerationReason:
    """The block reason of a rejection: category REVIEWER, decision BLOCK, the reviewer's note."""
    return moderation_pb2.ModerationReason(
        category=moderation_pb2.REASON_CATEGORY_REVIEWER, decision=moderation_pb2.DECISION_BLOCK, message=note
    )


def takedown_reason(reason: str) -> moderation_pb2.ModerationReason:
    """The block reason of a takedown: category TAKEDOWN, decision BLOCK, the operator's reason."""
    return moderation_pb2.ModerationReason(
        category=moderation_pb2.REASON_CATEGORY_TAKEDOWN, decision=moderation_pb2.DECISION_BLOCK, message=reason
    )


def decision_message(kind: int, approve: bool, target: int, note: str) -> str:
    """The English message of the event a decision appends to the job (the owner reads it)."""
    if kind == gen_pb2.REVIEW_KIND_APPEAL:
        if not approve:
            return f"appeal rejected; the decision stands: {note}"
        if target == gen_pb2.JOB_STATE_SUCCEEDED:
            return f"appeal upheld; video released: {note}"
        return f"appeal upheld; the video is made again and checked before release: {note}"
    return f"video released by a reviewer: {note}" if approve else f"video rejected by a reviewer: {note}"
