"""PostgreSQL adapter of review before release: the queue, decisions, appeals, reports, takedowns.

Tables ``generation.reviews`` and ``generation.reports`` (migration 4 of
:mod:`services.generation.adapters.store`). Every change of a job is written with its event in one
transaction through :meth:`JobStore._emit` (the outbox), so the job's sequence continues without
gaps and the event reaches NATS like any other. Locks are taken jobs first, then reviews, in every
method, so two transactions never wait on each other in a cycle; a decision locks the job and
re-reads the review under the lock, so of two reviewers deciding at once one wins and the other
finds the review decided (FAILED_PRECONDITION REVIEW_NOT_PENDING).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.moderation.v1 import moderation_pb2
from drishya.moderation.v1 import moderation_service_pb2 as ms_pb2
from services.generation import jobs, reviews
from services.generation.adapters.store import REVIEW_COLUMNS, JobStore, LeaseLost, review_of
from services.mesh import paging
from services.mesh.errors import FailedPrecondition, NotFound

_PENDING = gen_pb2.REVIEW_STATE_PENDING


@dataclass(frozen=True)
class ReportOutcome:
    """What one report did: distinct reports since release, whether the video is in review, whether
    this report was counted, and the events to publish."""

    report_count: int
    in_review: bool
    counted: bool
    events: list[gen_pb2.JobEvent]


def _findings(reasons: Sequence[moderation_pb2.ModerationReason]) -> bytes | None:
    if not reasons:
        return None
    return ms_pb2.CheckTextResponse(reasons=list(reasons)).SerializeToString()


def _job_not_found(job_id: uuid.UUID) -> NotFound:
    return NotFound(f"job {job_id} not found", reason="JOB_NOT_FOUND", metadata={"job_id": str(job_id)})


class ReviewStore:
    """Review-before-release changes of jobs; coroutines raising the mesh's typed errors."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    @property
    def engine(self) -> AsyncEngine:
        """The job store's engine."""
        return self.store.engine

    # -- the worker's end of a job ---------------------------------------------------------------

    async def finish(
        self,
        job_id: uuid.UUID,
        worker_id: str,
        result: gen_pb2.JobResult,
        moderation_review: Sequence[moderation_pb2.ModerationReason] = (),
    ) -> gen_pb2.JobEvent:
        """End a job the worker holds: SUCCEEDED (released) or IN_REVIEW with one pending review
        inserted in the same transaction as the event (rule: :func:`reviews.hold_for_review`).

        Raises :class:`LeaseLost` when the worker no longer holds the job.
        """
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT review_required, EXISTS (SELECT 1 FROM generation.reviews r WHERE r.job_id = j.job_id "
                        "AND r.kind = :appeal AND r.state = :approved) AS appeal_upheld FROM generation.jobs j "
                        "WHERE job_id = :id AND lease_owner = :w AND state = :running FOR UPDATE"
                    ),
                    {
                        "id": job_id,
                        "w": worker_id,
                        "running": gen_pb2.JOB_STATE_RUNNING,
                        "appeal": gen_pb2.REVIEW_KIND_APPEAL,
                        "approved": gen_pb2.REVIEW_STATE_APPROVED,
                    },
                )
            ).first()
            if row is None:
                raise LeaseLost(str(job_id))
            hold = reviews.hold_for_review(bool(row.review_required), moderation_review, bool(row.appeal_upheld))
            if hold is None:
                return await self.store._emit(
                    conn,
                    job_id,
                    gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                    "video ready",
                    state=gen_pb2.JOB_STATE_SUCCEEDED,
                    progress=1.0,
                    result=result,
                )
            review_id = await self._insert_review(conn, job_id, hold.kind, hold.reason, _findings(hold.findings))
            return await self.store._emit(
                conn,
                job_id,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "video made; held for review before release",
                state=gen_pb2.JOB_STATE_IN_REVIEW,
                progress=1.0,
                result=result,
                review=await self._review(conn, review_id),
            )

    async def appeal_upheld(self, job_id: uuid.UUID) -> bool:
        """Whether an appeal of the job was upheld: moderation's BLOCK is then waived for its re-run
        (the pipeline turns it into REVIEW, so a person checks the video made again)."""
        async with self.engine.connect() as conn:
            found = (
                await conn.execute(
                    sa.text("SELECT 1 FROM generation.reviews WHERE job_id = :id AND kind = :k AND state = :s LIMIT 1"),
                    {"id": job_id, "k": gen_pb2.REVIEW_KIND_APPEAL, "s": gen_pb2.REVIEW_STATE_APPROVED},
                )
            ).first()
        return found is not None

    # -- reviewers -------------------------------------------------------------------------------

    async def list_pending(self, reviewer_id: str, page_size: int, page_token: str) -> tuple[list[gen_pb2.Review], str]:
        """Pending reviews oldest first (``created_at, review_id``), keyset-paged on ``reviews_pending``,
        without the reviewer's own jobs and appeals against the reviewer's own decisions.

        Raises InvalidArgument INVALID_PAGE_SIZE (1..100, 20 when 0) / INVALID_PAGE_TOKEN.
        """
        size, cursor = paging.page_request(page_size, page_token)
        where = "r.state = 1 AND j.owner_id <> :me AND coalesce(r.excluded_reviewer, '') <> :me"
        params: dict[str, Any] = {"me": reviewer_id, "n": size + 1}
        if cursor is not None:
            params["c"], params["k"] = cursor
            where += " AND (r.created_at, r.review_id) > (:c, :k)"
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        f"SELECT {REVIEW_COLUMNS} FROM generation.reviews r "
                        f"JOIN generation.jobs j ON j.job_id = r.job_id WHERE {where} "
                        "ORDER BY r.created_at, r.review_id LIMIT :n"
                    ),
                    params,
                )
            ).all()
        token = ""
        if len(rows) > size:
            token = paging.encode_cursor(rows[size - 1].created_at, rows[size - 1].review_id)
        return [review_of(r) for r in rows[:size]], token

    async def decide(
        self, review_id: str, reviewer_id: str, approve: bool, note: str
    ) -> tuple[gen_pb2.Review, gen_pb2.Job, list[gen_pb2.JobEvent], bool]:
        """Approve or reject a pending review and move its job; returns (review, job, events, whether
        the job was queued again).

        MODERATION/TRUST/REPORT: approve -> SUCCEEDED, reject -> BLOCKED with one REVIEWER reason.
        APPEAL: see :func:`reviews.appeal_target`; a job queued again has its made files' stage outputs
        and shot checkpoints cleared (they went when the job ended) and a fresh attempt budget.

        Raises InvalidArgument (INVALID_REVIEW_ID, NOTE_REQUIRED, NOTE_TOO_LONG), NotFound
        REVIEW_NOT_FOUND, FailedPrecondition REVIEW_NOT_PENDING / SELF_REVIEW / EXCLUDED_REVIEWER /
        JOB_NOT_IN_REVIEW.
        """
        rid = reviews.parse_id(review_id, "review_id")
        note = reviews.check_text(note, "note")
        async with self.engine.begin() as conn:
            job_id = (
                await conn.execute(sa.text("SELECT job_id FROM generation.reviews WHERE review_id = :id"), {"id": rid})
            ).scalar_one_or_none()
            if job_id is None:
                raise NotFound(
                    f"review {review_id} not found", reason="REVIEW_NOT_FOUND", metadata={"review_id": review_id}
                )
            job = (
                await conn.execute(
                    sa.text(
                        "SELECT owner_id, state, result, taken_down_at, media_deleted_at FROM generation.jobs "
                        "WHERE job_id = :id FOR UPDATE"
                    ),
                    {"id": job_id},
                )
            ).one()
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT kind, state, coalesce(excluded_reviewer, '') AS excluded FROM generation.reviews "
                        "WHERE review_id = :id FOR UPDATE"
                    ),
                    {"id": rid},
                )
            ).one()
            reviews.check_decidable(row.state, job.owner_id, reviewer_id, row.excluded, review_id)
            state = gen_pb2.REVIEW_STATE_APPROVED if approve else gen_pb2.REVIEW_STATE_REJECTED
            await conn.execute(
                sa.text(
                    "UPDATE generation.reviews SET state = :s, decided_by = :by, note = :n, decided_at = now() "
                    "WHERE review_id = :id"
                ),
                {"s": state, "by": reviewer_id, "n": note, "id": rid},
            )
            review = await self._review(conn, rid)
            requeued = False
            if row.kind == gen_pb2.REVIEW_KIND_APPEAL:
                # the retention sweeper may have deleted a blocked job's media since
                has_video = bool(job.result) and job.taken_down_at is None and job.media_deleted_at is None
                target = reviews.appeal_target(approve, has_video)
                message = reviews.decision_message(row.kind, approve, target, note)
                if target == gen_pb2.JOB_STATE_QUEUED:
                    await self._reset_for_rerun(conn, job_id)
                    event = await self.store._emit(
                        conn,
                        job_id,
                        gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                        message,
                        state=target,
                        progress=0.0,
                        clear_lease=True,
                        review=review,
                    )
                    requeued = True
                elif target == gen_pb2.JOB_STATE_SUCCEEDED:
                    await conn.execute(
                        sa.text("UPDATE generation.jobs SET block_reasons = NULL WHERE job_id = :id"), {"id": job_id}
                    )
                    event = await self.store._emit(
                        conn, job_id, gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED, message, state=target, review=review
                    )
                else:  # rejected: the job stays BLOCKED on the same decision
                    event = await self.store._emit(
                        conn, job_id, gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED, message, review=review
                    )
            else:
                if job.state != gen_pb2.JOB_STATE_IN_REVIEW:
                    raise FailedPrecondition(
                        f"job {job_id} is not in review",
                        reason="JOB_NOT_IN_REVIEW",
                        metadata={"job_id": str(job_id), "state": gen_pb2.JobState.Name(job.state)},
                    )
                message = reviews.decision_message(row.kind, approve, 0, note)
                if approve:
                    event = await self.store._emit(
                        conn,
                        job_id,
                        gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                        message,
                        state=gen_pb2.JOB_STATE_SUCCEEDED,
                        review=review,
                    )
                else:
                    event = await self.store._emit(
                        conn,
                        job_id,
                        gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                        message,
                        state=gen_pb2.JOB_STATE_BLOCKED,
                        block_reasons=_findings([reviews.reviewer_reason(note)]),
                        review=review,
                    )
            return review, await self.store._get(conn, job_id), [event], requeued

    # -- owners ----------------------------------------------------------------------------------

    async def appeal(self, owner_id: str, job_id: str, reason: str) -> tuple[gen_pb2.Review, list[gen_pb2.JobEvent]]:
        """Queue the owner's appeal of a BLOCKED job, once per blocking decision.

        The appeal's ``excluded_reviewer`` is whoever made the blocking decision: the reviewer of the
        rejected review, or the operator of a takedown, decided in the transaction of the blocking
        event (empty when moderation blocked the job).

        Raises InvalidArgument (INVALID_JOB_ID, REASON_REQUIRED, REASON_TOO_LONG), NotFound
        JOB_NOT_FOUND (also for another owner's job), FailedPrecondition JOB_NOT_BLOCKED,
        AlreadyExists APPEAL_EXISTS.
        """
        jid = jobs.parse_job_id(job_id)
        reason = reviews.check_text(reason, "reason")
        async with self.engine.begin() as conn:
            job = (
                await conn.execute(
                    sa.text(
                        "SELECT state, coalesce(blocked_at_sequence, last_event_sequence) AS decision, block_reasons "
                        "FROM generation.jobs WHERE job_id = :id AND owner_id = :o FOR UPDATE"
                    ),
                    {"id": jid, "o": owner_id},
                )
            ).first()
            if job is None:
                raise _job_not_found(jid)
            if job.state != gen_pb2.JOB_STATE_BLOCKED:
                raise FailedPrecondition(
                    f"only a BLOCKED job can be appealed; this one is {gen_pb2.JobState.Name(job.state)}",
                    reason="JOB_NOT_BLOCKED",
                    metadata={"job_id": job_id, "state": gen_pb2.JobState.Name(job.state)},
                )
            exists = (
                await conn.execute(
                    sa.text(
                        "SELECT 1 FROM generation.reviews WHERE job_id = :id AND kind = :k AND appeal_of_sequence = :s"
                    ),
                    {"id": jid, "k": gen_pb2.REVIEW_KIND_APPEAL, "s": job.decision},
                )
            ).first()
            if exists is not None:
                raise self._appeal_exists(job_id)
            excluded = (
                await conn.execute(
                    sa.text(
                        "SELECT r.decided_by FROM generation.reviews r JOIN generation.job_events e "
                        "ON e.job_id = r.job_id AND e.sequence = :s WHERE r.job_id = :id AND r.state = :rejected "
                        "AND r.kind <> :appeal AND r.decided_at = e.created_at ORDER BY r.decided_at DESC LIMIT 1"
                    ),
                    {
                        "id": jid,
                        "s": job.decision,
                        "rejected": gen_pb2.REVIEW_STATE_REJECTED,
                        "appeal": gen_pb2.REVIEW_KIND_APPEAL,
                    },
                )
            ).scalar_one_or_none()
            try:
                async with conn.begin_nested():
                    review_id = await self._insert_review(
                        conn,
                        jid,
                        gen_pb2.REVIEW_KIND_APPEAL,
                        reason,
                        bytes(job.block_reasons) if job.block_reasons else None,
                        appeal_of_sequence=job.decision,
                        excluded_reviewer=excluded or None,
                    )
            except sqlalchemy.exc.IntegrityError:  # a concurrent appeal of the same decision won
                raise self._appeal_exists(job_id) from None
            review = await self._review(conn, review_id)
            event = await self.store._emit(
                conn,
                jid,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "appeal received; a reviewer will decide it",
                review=review,
            )
            return review, [event]

    # -- viewers and operators -------------------------------------------------------------------

    async def report(self, job_id: str, reporter_id: str, category: int, note: str, threshold: int) -> ReportOutcome:
        """Record a report of a released video (one per reporter since its release) and send it back
        to review when :func:`reviews.report_sends_to_review` says so.

        Raises InvalidArgument (INVALID_JOB_ID, INVALID_CATEGORY, NOTE_TOO_LONG), NotFound
        JOB_NOT_FOUND (no such job, or its video was never released or was taken down),
        FailedPrecondition SELF_REPORT.
        """
        jid = jobs.parse_job_id(job_id)
        reviews.check_category(category)
        note = reviews.check_text(note, "note", required=False)
        async with self.engine.begin() as conn:
            job = (
                await conn.execute(
                    sa.text(
                        "SELECT owner_id, state, released_at FROM generation.jobs WHERE job_id = :id "
                        "AND released_at IS NOT NULL AND taken_down_at IS NULL "
                        "AND state IN (:succeeded, :in_review) FOR UPDATE"
                    ),
                    {"id": jid, "succeeded": gen_pb2.JOB_STATE_SUCCEEDED, "in_review": gen_pb2.JOB_STATE_IN_REVIEW},
                )
            ).first()
            if job is None:
                raise _job_not_found(jid)
            if job.owner_id == reporter_id:
                raise FailedPrecondition(
                    "the owner of a video cannot report it", reason="SELF_REPORT", metadata={"job_id": job_id}
                )
            counted = (
                await conn.execute(
                    sa.text(
                        "INSERT INTO generation.reports AS p (job_id, reporter_id, category, note) "
                        "VALUES (:id, :who, :c, :n) ON CONFLICT (job_id, reporter_id) DO UPDATE "
                        "SET category = excluded.category, note = excluded.note, created_at = now() "
                        "WHERE p.created_at < :released RETURNING 1"
                    ),
                    {"id": jid, "who": reporter_id, "c": category, "n": note, "released": job.released_at},
                )
            ).first() is not None
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT category, count(*) AS n FROM generation.reports WHERE job_id = :id "
                        "AND created_at >= :released GROUP BY category"
                    ),
                    {"id": jid, "released": job.released_at},
                )
            ).all()
            counts = {int(r.category): int(r.n) for r in rows}
            total = sum(counts.values())
            if job.state == gen_pb2.JOB_STATE_IN_REVIEW:
                return ReportOutcome(total, True, counted, [])
            if not (counted and reviews.report_sends_to_review(total, threshold, category)):
                return ReportOutcome(total, False, counted, [])
            review_id = await self._insert_review(conn, jid, gen_pb2.REVIEW_KIND_REPORT, reviews.report_reason(counts))
            event = await self.store._emit(
                conn,
                jid,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "video reported; held for review",
                state=gen_pb2.JOB_STATE_IN_REVIEW,
                review=await self._review(conn, review_id),
            )
            return ReportOutcome(total, True, counted, [event])

    async def takedown(self, job_id: str, operator_id: str, reason: str) -> tuple[gen_pb2.Job, list[gen_pb2.JobEvent]]:
        """Record an operator's takedown: the job ends BLOCKED with one TAKEDOWN reason and
        ``taken_down_at``; its pending review (or a new one) is closed REJECTED by the operator. The
        caller deletes the media after the commit.

        Raises InvalidArgument (INVALID_JOB_ID, REASON_REQUIRED, REASON_TOO_LONG), NotFound
        JOB_NOT_FOUND, FailedPrecondition JOB_HAS_NO_MEDIA (not SUCCEEDED or IN_REVIEW with a result).
        """
        jid = jobs.parse_job_id(job_id)
        reason = reviews.check_text(reason, "reason")
        async with self.engine.begin() as conn:
            job = (
                await conn.execute(
                    sa.text("SELECT state, result FROM generation.jobs WHERE job_id = :id FOR UPDATE"), {"id": jid}
                )
            ).first()
            if job is None:
                raise _job_not_found(jid)
            if job.state not in (gen_pb2.JOB_STATE_SUCCEEDED, gen_pb2.JOB_STATE_IN_REVIEW) or not job.result:
                raise FailedPrecondition(
                    f"only a job with media can be taken down; this one is {gen_pb2.JobState.Name(job.state)}",
                    reason="JOB_HAS_NO_MEDIA",
                    metadata={"job_id": job_id, "state": gen_pb2.JobState.Name(job.state)},
                )
            review_id = (
                await conn.execute(
                    sa.text(
                        "UPDATE generation.reviews SET state = :rejected, decided_by = :by, note = :n, "
                        "decided_at = now() WHERE job_id = :id AND state = 1 RETURNING review_id"
                    ),
                    {"rejected": gen_pb2.REVIEW_STATE_REJECTED, "by": operator_id, "n": reason, "id": jid},
                )
            ).scalar_one_or_none()
            if review_id is None:
                review_id = await self._insert_review(
                    conn,
                    jid,
                    gen_pb2.REVIEW_KIND_REPORT,
                    "taken down by an operator",
                    state=gen_pb2.REVIEW_STATE_REJECTED,
                    decided_by=operator_id,
                    note=reason,
                )
            await conn.execute(
                sa.text("UPDATE generation.jobs SET taken_down_at = now() WHERE job_id = :id"), {"id": jid}
            )
            event = await self.store._emit(
                conn,
                jid,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                f"video taken down by an operator: {reason}",
                state=gen_pb2.JOB_STATE_BLOCKED,
                block_reasons=_findings([reviews.takedown_reason(reason)]),
                review=await self._review(conn, review_id),
            )
            return await self.store._get(conn, jid), [event]

    async def released(self, job_ids: Sequence[str]) -> list[str]:
        """The ids among ``job_ids`` whose media may be served: SUCCEEDED and not taken down (one
        query on the primary key). Raises InvalidArgument INVALID_JOB_IDS (1..100 UUIDs)."""
        ids = reviews.parse_release_ids(job_ids)
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT job_id FROM generation.jobs WHERE job_id = ANY(:ids) AND state = :s "
                    "AND taken_down_at IS NULL"
                ),
                {"ids": ids, "s": gen_pb2.JOB_STATE_SUCCEEDED},
            )
            found = {r.job_id for r in rows}
        return [str(i) for i in ids if i in found]

    # -- internals -------------------------------------------------------------------------------

    @staticmethod
    def _appeal_exists(job_id: str) -> reviews.AlreadyExists:
        return reviews.AlreadyExists(
            "this decision was already appealed; a job may be appealed once per decision",
            reason="APPEAL_EXISTS",
            metadata={"job_id": job_id},
        )

    async def _insert_review(
        self,
        conn: AsyncConnection,
        job_id: uuid.UUID,
        kind: int,
        reason: str,
        findings: bytes | None = None,
        *,
        state: int = _PENDING,
        appeal_of_sequence: int | None = None,
        excluded_reviewer: str | None = None,
        decided_by: str | None = None,
        note: str | None = None,
    ) -> uuid.UUID:
        review_id = uuid.uuid4()
        await conn.execute(
            sa.text(
                "INSERT INTO generation.reviews (review_id, job_id, kind, state, reason, findings, appeal_of_sequence, "
                "excluded_reviewer, decided_by, note, decided_at) VALUES (:rid, :id, :k, :s, :r, :f, :a, :x, :by, :n, "
                "CASE WHEN :s = 1 THEN NULL ELSE now() END)"
            ),
            {
                "rid": review_id,
                "id": job_id,
                "k": kind,
                "s": state,
                "r": reason,
                "f": findings,
                "a": appeal_of_sequence,
                "x": excluded_reviewer,
                "by": decided_by,
                "n": note,
            },
        )
        return review_id

    async def _review(self, conn: AsyncConnection, review_id: uuid.UUID) -> gen_pb2.Review:
        row = (
            await conn.execute(
                sa.text(
                    f"SELECT {REVIEW_COLUMNS} FROM generation.reviews r JOIN generation.jobs j "
                    "ON j.job_id = r.job_id WHERE r.review_id = :id"
                ),
                {"id": review_id},
            )
        ).one()
        return review_of(row)

    async def _reset_for_rerun(self, conn: AsyncConnection, job_id: uuid.UUID) -> None:
        """Prepare an upheld appeal's job to be made again: fresh attempts, no result or block, and the
        outputs of the stages whose files went when the job ended cleared (as RetryJob does)."""
        await conn.execute(
            sa.text(
                "UPDATE generation.jobs SET attempts = 0, error = NULL, result = NULL, block_reasons = NULL, "
                "taken_down_at = NULL, media_deleted_at = NULL, not_before = now() WHERE job_id = :id"
            ),
            {"id": job_id},
        )
        await conn.execute(
            sa.text("DELETE FROM generation.stage_outputs WHERE job_id = :id AND stage = ANY(:stages)"),
            {"id": job_id, "stages": list(jobs.FILE_STAGES)},
        )
        await conn.execute(sa.text("DELETE FROM generation.shot_renders WHERE job_id = :id"), {"id": job_id})
