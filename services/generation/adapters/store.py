"""PostgreSQL adapter of the generation service: jobs, stage outputs, shot checkpoints, event outbox.

Schema ``generation``. Every change of a job's state, stage or progress is written together with
its :class:`JobEvent` in one transaction (a transactional outbox): the event's sequence number is
the job's ``last_event_sequence`` plus one, so sequences are gap-free per job, and an event whose
NATS publication was interrupted by a crash is still in ``job_events`` to be published again.
Workers claim jobs with ``SELECT ... FOR UPDATE SKIP LOCKED`` and hold them by a lease.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from google.protobuf import json_format, timestamp_pb2
from google.rpc import status_pb2
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.moderation.v1 import moderation_service_pb2 as ms_pb2
from services.generation import jobs, plans
from services.generation.metrics import QueueStats
from services.mesh import paging
from services.mesh.db import migrate
from services.mesh.errors import FailedPrecondition, FieldViolation, NotFound, ResourceExhausted

MIGRATIONS = [
    """
    CREATE TABLE generation.jobs (
      job_id uuid PRIMARY KEY,
      owner_id text NOT NULL,
      request_id text,
      text text NOT NULL,
      options bytea NOT NULL,
      state smallint NOT NULL,
      stage smallint NOT NULL DEFAULT 0,
      progress real NOT NULL DEFAULT 0,
      language_code text NOT NULL DEFAULT '',
      detection bytea,
      shot_count integer NOT NULL DEFAULT 0,
      planned_duration_ms integer NOT NULL DEFAULT 0,
      priority smallint NOT NULL DEFAULT 5,
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL DEFAULT now(),
      lease_owner text,
      lease_expires_at timestamptz,
      result bytea,
      error bytea,
      block_reasons bytea,
      last_event_sequence bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (owner_id, request_id)
    );
    CREATE INDEX jobs_claimable ON generation.jobs (priority DESC, created_at) WHERE state IN (1, 2);
    CREATE INDEX jobs_by_owner ON generation.jobs (owner_id, created_at DESC, job_id DESC);
    CREATE TABLE generation.stage_outputs (
      job_id uuid NOT NULL REFERENCES generation.jobs ON DELETE CASCADE,
      stage smallint NOT NULL,
      payload bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, stage)
    );
    CREATE TABLE generation.shot_renders (
      job_id uuid NOT NULL REFERENCES generation.jobs ON DELETE CASCADE,
      shot_index integer NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, shot_index)
    );
    CREATE TABLE generation.job_events (
      job_id uuid NOT NULL REFERENCES generation.jobs ON DELETE CASCADE,
      sequence bigint NOT NULL,
      payload bytea NOT NULL,
      published boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, sequence)
    );
    CREATE INDEX job_events_unpublished ON generation.job_events (created_at) WHERE NOT published
    """,
    # The W3C traceparent of the request that created the job: the worker continues its trace.
    # Dead-lettered jobs are counted on every metrics scrape (services.generation.metrics).
    """
    ALTER TABLE generation.jobs ADD COLUMN traceparent text;
    CREATE INDEX jobs_dead_letter ON generation.jobs (updated_at) WHERE state = 7
    """,
    # The worker that claimed the job last (``<node>-<pid>-<random>``), kept after the job ends, so
    # operators (and the multi-machine tests) can see where each job ran.
    """
    ALTER TABLE generation.jobs ADD COLUMN worker_id text
    """,
    # Review before release (JOB_STATE_IN_REVIEW = 8): the review queue, appeals (one per
    # blocking decision: the sequence of the event that blocked the job), reports of released
    # videos (one per reporter) and operators' takedowns.
    """
    ALTER TABLE generation.jobs ADD COLUMN review_required boolean NOT NULL DEFAULT false;
    ALTER TABLE generation.jobs ADD COLUMN plan text NOT NULL DEFAULT 'free';
    ALTER TABLE generation.jobs ADD COLUMN blocked_at_sequence bigint;
    ALTER TABLE generation.jobs ADD COLUMN taken_down_at timestamptz;
    ALTER TABLE generation.jobs ADD COLUMN released_at timestamptz;
    CREATE TABLE generation.reviews (
      review_id uuid PRIMARY KEY,
      job_id uuid NOT NULL REFERENCES generation.jobs ON DELETE CASCADE,
      kind smallint NOT NULL,
      state smallint NOT NULL DEFAULT 1,
      reason text NOT NULL,
      findings bytea,
      appeal_of_sequence bigint,
      excluded_reviewer text,
      decided_by text,
      note text,
      created_at timestamptz NOT NULL DEFAULT now(),
      decided_at timestamptz
    );
    CREATE INDEX reviews_pending ON generation.reviews (created_at, review_id) WHERE state = 1;
    CREATE INDEX reviews_by_job ON generation.reviews (job_id, created_at DESC);
    CREATE UNIQUE INDEX reviews_one_pending_per_job ON generation.reviews (job_id) WHERE state = 1;
    CREATE UNIQUE INDEX reviews_one_appeal_per_decision ON generation.reviews (job_id, appeal_of_sequence)
      WHERE kind = 3;
    CREATE TABLE generation.reports (
      job_id uuid NOT NULL REFERENCES generation.jobs ON DELETE CASCADE,
      reporter_id text NOT NULL,
      category smallint NOT NULL,
      note text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, reporter_id)
    )
    """,
    # Retention (services.generation.retention): when a job's media were deleted, or trimmed to
    # the 720p rendition, by the sweeper.
    """
    ALTER TABLE generation.jobs ADD COLUMN media_deleted_at timestamptz;
    ALTER TABLE generation.jobs ADD COLUMN media_trimmed_at timestamptz;
    CREATE INDEX jobs_by_update ON generation.jobs (updated_at, job_id)
    """,
]

_JOB_COLUMNS = (
    "job_id, owner_id, text, options, state, stage, progress, language_code, shot_count, planned_duration_ms, "
    "attempts, "
    "result, error, block_reasons, last_event_sequence, created_at, updated_at, taken_down_at"
)


#: Advisory-lock namespaces (first key of the two-key form) of admission control.
_ADMIT_LOCK = 0x44520001
_QUEUE_LOCK = 0x44520002
#: Retry-After of a QUEUE_FULL refusal, in seconds: about one storyboard job's wall time.
QUEUE_FULL_RETRY_AFTER_S = 30.0


CLAIM_SQL = (
    "WITH heads AS ("
    " SELECT h.job_id, h.created_at,"
    " least(9, p.p + floor(extract(epoch FROM now() - h.created_at)::float8 / :step)) AS effective"
    " FROM generate_series(0, 9) AS p(p) CROSS JOIN LATERAL ("
    "  SELECT job_id, created_at FROM generation.jobs"
    "  WHERE priority = p.p"
    "  AND ((state = 1 AND not_before <= now()) OR (state = 2 AND lease_expires_at < now()))"
    "  ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED) h)"
    " SELECT job_id, text, options, language_code, detection, attempts, traceparent FROM generation.jobs"
    " WHERE job_id = (SELECT job_id FROM heads ORDER BY effective DESC, created_at LIMIT 1)"
)
"""The claim: the claimable job with the highest effective priority ``least(9, priority +
floor(seconds since created / :step))``, ties oldest first.

Within one priority the oldest job has the highest effective priority and wins ties, so the best
job is among the oldest claimable job of each priority 0..9: ten probes of the ``jobs_claimable``
index ``(priority DESC, created_at)``, whatever the queue's length (with 10,000 queued jobs: 0.2 ms
of execution, about 1 ms a round trip, against 11 ms for sorting them all by the expression, and
0.5 ms for the order without aging: ``benchmarks/aging.py``). Each probe
locks its row (``FOR UPDATE SKIP LOCKED``) until the claim commits, so concurrent workers take the
next oldest of a priority instead; the nine heads not chosen are free again a few milliseconds later.
"""


class LeaseLost(Exception):
    """The worker no longer holds the job: it was cancelled, or its lease expired and another took it."""


@dataclass(frozen=True)
class Claim:
    """A job a worker holds: id, text, options and its stored detection."""

    job_id: uuid.UUID
    text: str
    options: gen_pb2.JobOptions
    language_code: str
    detection: bytes
    attempts: int
    traceparent: str = ""
    """The W3C traceparent stored when the job was created (blank for jobs created untraced)."""


def _ts(value: dt.datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value)
    return ts


#: Kept under this name for callers of the generation store; the format is services.mesh.paging's.
_parse_page_token = paging.decode_cursor


def _job(row: Any) -> gen_pb2.Job:
    job = gen_pb2.Job(
        job_id=str(row.job_id),
        state=row.state,
        stage=row.stage,
        progress=row.progress,
        text=row.text,
        language_code=row.language_code,
        shot_count=row.shot_count,
        planned_duration_ms=row.planned_duration_ms,
        attempts=row.attempts,
        last_event_sequence=row.last_event_sequence,
        create_time=_ts(row.created_at),
        update_time=_ts(row.updated_at),
    )
    job.options.ParseFromString(row.options)
    if row.result:
        job.result.ParseFromString(row.result)
    if row.error:
        job.error.ParseFromString(row.error)
    if row.block_reasons:
        job.block_reasons.extend(ms_pb2.CheckTextResponse.FromString(row.block_reasons).reasons)
    job.taken_down = row.taken_down_at is not None
    return job


#: Columns of a review with its job's owner, language and media (``r``: reviews, ``j``: jobs).
REVIEW_COLUMNS = (
    "r.review_id, r.job_id, j.owner_id, r.kind, r.state, r.reason, r.findings, r.decided_by, r.note, "
    "r.created_at, r.decided_at, r.excluded_reviewer, j.language_code, j.result"
)


def review_of(row: Any) -> gen_pb2.Review:
    """A :class:`gen_pb2.Review` from a row of :data:`REVIEW_COLUMNS`."""
    review = gen_pb2.Review(
        review_id=str(row.review_id),
        job_id=str(row.job_id),
        owner_id=row.owner_id,
        kind=row.kind,
        state=row.state,
        reason=row.reason,
        decided_by=row.decided_by or "",
        note=row.note or "",
        create_time=_ts(row.created_at),
        excluded_reviewer=row.excluded_reviewer or "",
        language_code=row.language_code,
    )
    if row.findings:
        review.findings.extend(ms_pb2.CheckTextResponse.FromString(row.findings).reasons)
    if row.decided_at is not None:
        review.decide_time.CopyFrom(_ts(row.decided_at))
    if row.result:
        review.result.ParseFromString(row.result)
    return review


async def attach_reviews(conn: AsyncConnection, found: Sequence[gen_pb2.Job]) -> None:
    """Fill ``Job.review`` of each job with its latest review (one query on ``reviews_by_job``)."""
    if not found:
        return
    rows = await conn.execute(
        sa.text(
            f"SELECT DISTINCT ON (r.job_id) {REVIEW_COLUMNS} FROM generation.reviews r "
            "JOIN generation.jobs j ON j.job_id = r.job_id WHERE r.job_id = ANY(:ids) "
            "ORDER BY r.job_id, r.created_at DESC, r.review_id DESC"
        ),
        {"ids": [uuid.UUID(j.job_id) for j in found]},
    )
    latest = {str(r.job_id): review_of(r) for r in rows}
    for job in found:
        if job.job_id in latest:
            job.review.CopyFrom(latest[job.job_id])


class JobStore:
    """Jobs in PostgreSQL; all methods are coroutines and raise the mesh's typed errors."""

    def __init__(self, engine: AsyncEngine, aging_step_s: float = plans.AGING_STEP_S) -> None:
        self.engine = engine
        self.aging_step_s = aging_step_s
        """Seconds of waiting that raise a queued job's claim priority by one (:mod:`services.generation.plans`)."""

    async def migrate(self) -> None:
        """Create or upgrade the ``generation`` schema."""
        await migrate(self.engine, "generation", MIGRATIONS)

    # -- requests from callers -------------------------------------------------------------

    async def create(
        self,
        *,
        owner_id: str,
        request_id: str,
        text: str,
        options: gen_pb2.JobOptions,
        language_code: str,
        detection: bytes,
        max_queued: int,
        max_queued_total: int | None = None,
        traceparent: str = "",
        review_required: bool = False,
        plan: str = "",
        max_rendered: int | None = None,
    ) -> tuple[gen_pb2.Job, bool, list[gen_pb2.JobEvent]]:
        """Insert a QUEUED job with its first event, or return the job a request id already made.

        Admission is atomic: the transaction takes a per-owner advisory lock before counting the
        owner's active jobs, so concurrent creates of one owner are serialised and the limit holds
        under any concurrency; the global count is taken under a shared lock of its own (see
        :meth:`_admit`).

        ``traceparent`` (W3C) is stored with the job for the worker to continue the trace.
        ``review_required`` (the edge's word from the owner's trust level) holds the finished video
        for review; ``plan`` is stored as given ("free" when blank).

        Returns ``(job, deduplicated, events_to_publish)``.
        Raises:
            FailedPrecondition: IDEMPOTENCY_KEY_REUSED, the request id was used for another text.
            ResourceExhausted: QUOTA_EXCEEDED (quota ``rendered_scenes``), the owner keeps
                ``max_rendered`` videos and active jobs (None: no quota);
                TOO_MANY_ACTIVE_JOBS, the owner has ``max_queued`` unfinished jobs;
                QUEUE_FULL, ``max_queued_total`` jobs of all owners are queued (None: no global limit).
        """
        async with self.engine.begin() as conn:
            if request_id:
                await conn.execute(
                    sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"{owner_id}\n{request_id}"}
                )
                row = (
                    await conn.execute(
                        sa.text(f"SELECT {_JOB_COLUMNS} FROM generation.jobs WHERE owner_id = :o AND request_id = :r"),
                        {"o": owner_id, "r": request_id},
                    )
                ).first()
                if row is not None:
                    if row.text != text or bytes(row.options) != options.SerializeToString(deterministic=True):
                        raise FailedPrecondition(
                            "this request id was already used for a different request",
                            reason="IDEMPOTENCY_KEY_REUSED",
                            metadata={"job_id": str(row.job_id)},
                            violations=[FieldViolation("request_id", "reused with a different body")],
                        )
                    return _job(row), True, []
            await self._admit(conn, owner_id, max_queued, max_queued_total, max_rendered)
            job_id = uuid.uuid4()
            await conn.execute(
                sa.text(
                    "INSERT INTO generation.jobs (job_id, owner_id, request_id, text, options, state, priority, "
                    "language_code, detection, traceparent, review_required, plan) "
                    "VALUES (:id, :o, :r, :t, :opt, :s, :p, :l, :d, :tp, :rr, :plan)"
                ),
                {
                    "id": job_id,
                    "o": owner_id,
                    "r": request_id or None,
                    "t": text,
                    "opt": options.SerializeToString(deterministic=True),
                    "s": gen_pb2.JOB_STATE_QUEUED,
                    "p": options.priority if options.HasField("priority") else jobs.DEFAULT_PRIORITY,
                    "l": language_code,
                    "d": detection,
                    "tp": traceparent or None,
                    "rr": review_required,
                    "plan": plan.strip() or "free",
                },
            )
            event = await self._emit(
                conn,
                job_id,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "job queued",
                state=gen_pb2.JOB_STATE_QUEUED,
                stage=gen_pb2.STAGE_UNSPECIFIED,
                progress=0.0,
            )
            job = await self._get(conn, job_id)
            return job, False, [event]

    async def _admit(
        self,
        conn: AsyncConnection,
        owner_id: str,
        max_queued: int,
        max_queued_total: int | None,
        max_rendered: int | None = None,
    ) -> None:
        """Admission control inside the create transaction; the locks are held until it commits.

        ``max_rendered`` (the plan's ``rendered_scenes`` quota; None: none) bounds the owner's kept
        videos (SUCCEEDED or IN_REVIEW jobs whose media are not deleted) plus the active jobs that
        may still become one, so the quota holds however many creates race; both counts come from
        one pass over the owner's rows, under the owner's lock.

        ``pg_advisory_xact_lock(ns, hashtext(owner))`` serialises one owner's creates (different
        owners rarely share a hash, and a shared hash only serialises them). The global queue limit
        takes one exclusive advisory lock for every create while the total is counted; the count is
        a single index-only scan of ``jobs_claimable``, so the lock is held for well under a
        millisecond per create.
        """
        await conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, hashtext(:o))"), {"ns": _ADMIT_LOCK, "o": owner_id}
        )
        counts = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FILTER (WHERE state IN (1, 2)) AS active, "
                    "count(*) FILTER (WHERE state IN (3, 8) AND media_deleted_at IS NULL) AS kept "
                    "FROM generation.jobs WHERE owner_id = :o"
                ),
                {"o": owner_id},
            )
        ).one()
        active = int(counts.active)
        if max_rendered is not None and active + int(counts.kept) >= max_rendered:
            raise plans.quota_exceeded(plans.RENDERED_SCENES, owner_id, active + int(counts.kept), max_rendered)
        if active >= max_queued:
            raise ResourceExhausted(
                f"{active} jobs are already queued or running for this key; wait for some to finish",
                reason="TOO_MANY_ACTIVE_JOBS",
                metadata={"active": str(active), "limit": str(max_queued)},
                retry_after_s=10.0,
                quota_subject=f"owner:{owner_id}",
            )
        if max_queued_total is None:
            return
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(:ns, 0)"), {"ns": _QUEUE_LOCK})
        queued = (await conn.execute(sa.text("SELECT count(*) FROM generation.jobs WHERE state = 1"))).scalar_one()
        if queued >= max_queued_total:
            raise ResourceExhausted(
                f"the queue is full ({queued} jobs waiting); try again later",
                reason="QUEUE_FULL",
                metadata={"queued": str(queued), "limit": str(max_queued_total)},
                retry_after_s=QUEUE_FULL_RETRY_AFTER_S,
                quota_subject="queue:global",
            )

    async def get(self, job_id: str, owner_id: str) -> gen_pb2.Job:
        """The job, if ``owner_id`` owns it. Raises NotFound JOB_NOT_FOUND / InvalidArgument INVALID_JOB_ID."""
        jid = jobs.parse_job_id(job_id)
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text(f"SELECT {_JOB_COLUMNS} FROM generation.jobs WHERE job_id = :id AND owner_id = :o"),
                    {"id": jid, "o": owner_id},
                )
            ).first()
            if row is None:
                raise NotFound(f"job {job_id} not found", reason="JOB_NOT_FOUND", metadata={"job_id": job_id})
            shots = (
                await conn.execute(
                    sa.text(
                        "SELECT shot_index, payload FROM generation.shot_renders WHERE job_id = :id ORDER BY shot_index"
                    ),
                    {"id": jid},
                )
            ).all()
            job = _job(row)
            await attach_reviews(conn, [job])
        undrawn: dict[str, dict[str, Any]] = {}
        for shot in shots:
            payload = dict(shot.payload)
            outcome = job.shots.add(
                index=shot.shot_index,
                provider=str(payload.get("provider") or "storyboard"),
                fallback_reason=str(payload.get("fallback_reason") or ""),
                cost_usd=float(payload.get("cost_usd") or 0.0),
            )
            for element in payload.get("elements") or ():
                json_format.ParseDict(element, outcome.elements.add(), ignore_unknown_fields=True)
            for item in payload.get("undrawn") or ():
                undrawn.setdefault(str(item.get("concept_id")), item)
        job.cost_usd = sum(s.cost_usd for s in job.shots)
        job.undrawn_concepts.extend(_undrawn(job, undrawn))
        return job

    async def month_spend(self, owner_id: str) -> float:
        """US dollars the owner's rendered shots cost since the start of this calendar month (UTC)."""
        async with self.engine.connect() as conn:
            spent = (
                await conn.execute(
                    sa.text(
                        "SELECT coalesce(sum((s.payload->>'cost_usd')::float8), 0) FROM generation.shot_renders s "
                        "JOIN generation.jobs j ON j.job_id = s.job_id WHERE j.owner_id = :o "
                        "AND s.created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
                    ),
                    {"o": owner_id},
                )
            ).scalar_one()
        return float(spent)

    async def list_jobs(self, owner_id: str, page_size: int, page_token: str) -> tuple[list[gen_pb2.Job], str]:
        """A page of the owner's jobs, newest first, and the next page token ('' on the last page)."""
        size, cursor = paging.page_request(page_size, page_token)
        where, params = "owner_id = :o", {"o": owner_id, "n": size + 1}
        if cursor is not None:
            params["c"], params["j"] = cursor
            where += " AND (created_at, job_id) < (:c, :j)"
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        f"SELECT {_JOB_COLUMNS} FROM generation.jobs WHERE {where} "
                        "ORDER BY created_at DESC, job_id DESC LIMIT :n"
                    ),
                    params,
                )
            ).all()
            page = [_job(r) for r in rows[:size]]
            await attach_reviews(conn, page)
        token = ""
        if len(rows) > size:
            token = paging.encode_cursor(rows[size - 1].created_at, rows[size - 1].job_id)
        return page, token

    async def cancel(self, job_id: str, owner_id: str) -> tuple[gen_pb2.Job, list[gen_pb2.JobEvent], bool]:
        """Cancel a queued or running job: (the job, its event, whether a worker held a live lease on
        it; that worker stops at its next event and clears the job's work files itself).

        Raises NotFound or FailedPrecondition JOB_NOT_CANCELLABLE.
        """
        jid = jobs.parse_job_id(job_id)
        async with self.engine.begin() as conn:
            state = await self._lock_owned(conn, jid, owner_id)
            jobs.check_cancellable(state)
            held = (
                await conn.execute(
                    sa.text(
                        "SELECT lease_owner FROM generation.jobs WHERE job_id = :id AND state = :running "
                        "AND lease_expires_at > now()"
                    ),
                    {"id": jid, "running": gen_pb2.JOB_STATE_RUNNING},
                )
            ).scalar_one_or_none()
            event = await self._emit(
                conn,
                jid,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "job cancelled",
                state=gen_pb2.JOB_STATE_CANCELLED,
                clear_lease=True,
            )
            return await self._get(conn, jid), [event], held is not None

    async def retry(self, job_id: str, owner_id: str) -> tuple[gen_pb2.Job, list[gen_pb2.JobEvent]]:
        """Queue a FAILED or DEAD_LETTER job again with a fresh attempt budget."""
        jid = jobs.parse_job_id(job_id)
        async with self.engine.begin() as conn:
            state = await self._lock_owned(conn, jid, owner_id)
            jobs.check_retryable(state)
            await conn.execute(
                sa.text("UPDATE generation.jobs SET attempts = 0, error = NULL, not_before = now() WHERE job_id = :id"),
                {"id": jid},
            )
            # The work files went when the job ended: the stages that made them run again.
            await conn.execute(
                sa.text("DELETE FROM generation.stage_outputs WHERE job_id = :id AND stage = ANY(:stages)"),
                {"id": jid, "stages": list(jobs.FILE_STAGES)},
            )
            await conn.execute(sa.text("DELETE FROM generation.shot_renders WHERE job_id = :id"), {"id": jid})
            event = await self._emit(
                conn,
                jid,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                "job queued again",
                state=gen_pb2.JOB_STATE_QUEUED,
                clear_lease=True,
            )
            return await self._get(conn, jid), [event]

    # -- the worker's side ----------------------------------------------------------------------

    async def claim(self, worker_id: str, lease_s: int) -> tuple[Claim, gen_pb2.JobEvent] | None:
        """Claim the best claimable job (queued and due, or running with an expired lease), or None.

        Best: the highest effective priority ``least(9, priority + floor(seconds since created /
        aging_step_s))`` (:func:`services.generation.plans.effective_priority`), ties oldest first,
        so a low-priority job overtakes every newer one after ``(9 - priority) * aging_step_s``.
        See :data:`CLAIM_SQL` for how the query finds it in ten index probes.

        Uses ``FOR UPDATE SKIP LOCKED`` so concurrent workers never claim the same job. The claim
        counts an attempt and emits a RUNNING state change.
        """
        async with self.engine.begin() as conn:
            row = (await conn.execute(sa.text(CLAIM_SQL), {"step": self.aging_step_s})).first()
            if row is None:
                return None
            attempts = row.attempts + 1
            await conn.execute(
                sa.text(
                    "UPDATE generation.jobs SET attempts = :a, lease_owner = :w, worker_id = :w, "
                    "lease_expires_at = now() + make_interval(secs => :l) WHERE job_id = :id"
                ),
                {"a": attempts, "w": worker_id, "l": lease_s, "id": row.job_id},
            )
            event = await self._emit(
                conn,
                row.job_id,
                gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
                f"attempt {attempts} started",
                state=gen_pb2.JOB_STATE_RUNNING,
            )
            options = gen_pb2.JobOptions()
            options.ParseFromString(row.options)
            detection = bytes(row.detection or b"")
            claim = Claim(row.job_id, row.text, options, row.language_code, detection, attempts, row.traceparent or "")
            return claim, event

    async def heartbeat(self, job_id: uuid.UUID, worker_id: str, lease_s: int) -> None:
        """Extend the lease; raises :class:`LeaseLost` when the job was cancelled or taken."""
        async with self.engine.begin() as conn:
            res = await conn.execute(
                sa.text(
                    "UPDATE generation.jobs SET lease_expires_at = now() + make_interval(secs => :l) "
                    "WHERE job_id = :id AND lease_owner = :w AND state = 2"
                ),
                {"l": lease_s, "id": job_id, "w": worker_id},
            )
            if res.rowcount != 1:
                raise LeaseLost(str(job_id))

    async def release(self, job_id: uuid.UUID, worker_id: str) -> None:
        """Give up the lease on a job the worker holds, so any worker may resume it now (no-op otherwise)."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "UPDATE generation.jobs SET lease_expires_at = now() - interval '1 second' "
                    "WHERE job_id = :id AND lease_owner = :w AND state = 2"
                ),
                {"id": job_id, "w": worker_id},
            )

    async def emit(
        self,
        job_id: uuid.UUID,
        worker_id: str,
        type_: gen_pb2.JobEventType,
        message: str,
        **changes: Any,
    ) -> gen_pb2.JobEvent:
        """Apply ``changes`` to a job the worker holds and record the event; raises :class:`LeaseLost`."""
        async with self.engine.begin() as conn:
            held = (
                await conn.execute(
                    sa.text(
                        "SELECT 1 FROM generation.jobs WHERE job_id = :id AND lease_owner = :w AND state = 2 FOR UPDATE"
                    ),
                    {"id": job_id, "w": worker_id},
                )
            ).first()
            if held is None:
                raise LeaseLost(str(job_id))
            return await self._emit(conn, job_id, type_, message, **changes)

    async def save_output(self, job_id: uuid.UUID, stage: gen_pb2.Stage, payload: bytes) -> None:
        """Store a stage's output (protobuf bytes), replacing an earlier one."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO generation.stage_outputs (job_id, stage, payload) VALUES (:id, :s, :p) "
                    "ON CONFLICT (job_id, stage) DO UPDATE SET payload = excluded.payload, created_at = now()"
                ),
                {"id": job_id, "s": stage, "p": payload},
            )

    async def outputs(self, job_id: uuid.UUID) -> dict[int, bytes]:
        """Stored stage outputs by stage number."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT stage, payload FROM generation.stage_outputs WHERE job_id = :id"), {"id": job_id}
            )
            return {r.stage: bytes(r.payload) for r in rows}

    async def save_shot(self, job_id: uuid.UUID, index: int, payload: dict[str, Any]) -> None:
        """Checkpoint one rendered shot."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO generation.shot_renders (job_id, shot_index, payload) VALUES (:id, :i, :p) "
                    "ON CONFLICT (job_id, shot_index) DO UPDATE SET payload = excluded.payload, created_at = now()"
                ),
                {"id": job_id, "i": index, "p": json.dumps(payload)},
            )

    async def shots(self, job_id: uuid.UUID) -> dict[int, dict[str, Any]]:
        """Checkpointed shots by index."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT shot_index, payload FROM generation.shot_renders WHERE job_id = :id"), {"id": job_id}
            )
            return {r.shot_index: dict(r.payload) for r in rows}

    async def state_of(self, job_id: uuid.UUID) -> tuple[int, int]:
        """``(state, last_event_sequence)`` of a job."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text("SELECT state, last_event_sequence FROM generation.jobs WHERE job_id = :id"), {"id": job_id}
                )
            ).one()
            return int(row.state), int(row.last_event_sequence)

    async def queue_stats(self) -> QueueStats:
        """Counts for the metrics (:mod:`services.generation.metrics`), in one round trip: queued
        jobs by priority, running ones and those of them whose lease lapsed (the ``jobs_claimable``
        partial index), dead-lettered ones (``jobs_dead_letter``), and the outbox's unpublished
        events with the age of the oldest (``job_events_unpublished``)."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT "
                        "(SELECT coalesce(json_object_agg(priority, n), '{}') FROM (SELECT priority, count(*) AS n "
                        " FROM generation.jobs WHERE state = 1 GROUP BY priority) q) AS queued, "
                        "(SELECT count(*) FROM generation.jobs WHERE state = 2) AS running, "
                        "(SELECT count(*) FROM generation.jobs WHERE state = 2 AND lease_expires_at < now()) "
                        " AS expired, "
                        "(SELECT count(*) FROM generation.jobs WHERE state = 7) AS dead_letter, "
                        "(SELECT count(*) FROM generation.job_events WHERE NOT published) AS outbox, "
                        "(SELECT coalesce(extract(epoch FROM now() - min(created_at)), 0) "
                        " FROM generation.job_events WHERE NOT published) AS outbox_age"
                    )
                )
            ).one()
        return QueueStats(
            queued_by_priority={int(k): int(v) for k, v in dict(row.queued).items()},
            running=int(row.running),
            dead_letter=int(row.dead_letter),
            lease_expired=int(row.expired),
            outbox_unpublished=int(row.outbox),
            outbox_oldest_s=float(row.outbox_age),
        )

    async def unpublished(self, older_than_s: float, limit: int = 500) -> list[gen_pb2.JobEvent]:
        """Events not yet confirmed published to NATS, oldest first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT payload FROM generation.job_events WHERE NOT published "
                    "AND created_at < now() - make_interval(secs => :s) ORDER BY created_at, sequence LIMIT :n"
                ),
                {"s": older_than_s, "n": limit},
            )
            return [gen_pb2.JobEvent.FromString(bytes(r.payload)) for r in rows]

    async def mark_published(self, events: Sequence[gen_pb2.JobEvent]) -> None:
        """Record that ``events`` reached NATS."""
        if not events:
            return
        async with self.engine.begin() as conn:
            for e in events:
                await conn.execute(
                    sa.text("UPDATE generation.job_events SET published = true WHERE job_id = :id AND sequence = :s"),
                    {"id": uuid.UUID(e.job_id), "s": e.sequence},
                )

    async def events(self, job_id: uuid.UUID, after: int) -> list[gen_pb2.JobEvent]:
        """Recorded events of a job with sequence above ``after``, in order."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT payload FROM generation.job_events WHERE job_id = :id AND sequence > :a ORDER BY sequence"
                ),
                {"id": job_id, "a": after},
            )
            return [gen_pb2.JobEvent.FromString(bytes(r.payload)) for r in rows]

    # -- internals -----------------------------------------------------------------------------

    async def _get(self, conn: AsyncConnection, job_id: uuid.UUID) -> gen_pb2.Job:
        row = (
            await conn.execute(
                sa.text(f"SELECT {_JOB_COLUMNS} FROM generation.jobs WHERE job_id = :id"), {"id": job_id}
            )
        ).one()
        job = _job(row)
        await attach_reviews(conn, [job])
        return job

    async def _lock_owned(self, conn: AsyncConnection, job_id: uuid.UUID, owner_id: str) -> int:
        row = (
            await conn.execute(
                sa.text("SELECT state FROM generation.jobs WHERE job_id = :id AND owner_id = :o FOR UPDATE"),
                {"id": job_id, "o": owner_id},
            )
        ).first()
        if row is None:
            raise NotFound(f"job {job_id} not found", reason="JOB_NOT_FOUND", metadata={"job_id": str(job_id)})
        return int(row.state)

    async def _emit(
        self,
        conn: AsyncConnection,
        job_id: uuid.UUID,
        type_: gen_pb2.JobEventType,
        message: str,
        *,
        state: int | None = None,
        stage: int | None = None,
        progress: float | None = None,
        shot_index: int = 0,
        shot_count: int | None = None,
        provider: str = "",
        fallback_reason: str = "",
        shot_progress: float = 0.0,
        language_code: str | None = None,
        planned_duration_ms: int | None = None,
        result: gen_pb2.JobResult | None = None,
        error: status_pb2.Status | None = None,
        block_reasons: bytes | None = None,
        clear_lease: bool = False,
        not_before_s: float | None = None,
        review: gen_pb2.Review | None = None,
    ) -> gen_pb2.JobEvent:
        sets = ["last_event_sequence = last_event_sequence + 1", "updated_at = now()"]
        if state == gen_pb2.JOB_STATE_SUCCEEDED:  # released: reports count from here
            sets.append("released_at = now()")
        elif state == gen_pb2.JOB_STATE_BLOCKED:  # the decision an appeal answers
            sets.append("blocked_at_sequence = last_event_sequence + 1")
        params: dict[str, Any] = {"id": job_id}
        for col, val in (
            ("state", state),
            ("stage", stage),
            ("progress", progress),
            ("shot_count", shot_count),
            ("language_code", language_code),
            ("block_reasons", block_reasons),
            ("planned_duration_ms", planned_duration_ms),
        ):
            if val is not None:
                sets.append(f"{col} = :{col}")
                params[col] = val
        if result is not None:
            sets.append("result = :result")
            params["result"] = result.SerializeToString()
        if error is not None:
            sets.append("error = :error")
            params["error"] = error.SerializeToString()
        if clear_lease or (state is not None and state != gen_pb2.JOB_STATE_RUNNING):
            sets.append("lease_owner = NULL, lease_expires_at = NULL")
        if not_before_s is not None:
            sets.append("not_before = now() + make_interval(secs => :nb)")
            params["nb"] = not_before_s
        row = (
            await conn.execute(
                sa.text(
                    f"UPDATE generation.jobs SET {', '.join(sets)} WHERE job_id = :id "
                    "RETURNING last_event_sequence, state, stage, progress, shot_count, updated_at"
                ),
                params,
            )
        ).one()
        event = gen_pb2.JobEvent(
            job_id=str(job_id),
            sequence=row.last_event_sequence,
            time=_ts(row.updated_at),
            type=type_,
            state=row.state,
            stage=row.stage,
            progress=row.progress,
            message=message,
            shot_index=shot_index,
            shot_count=row.shot_count,
            provider=provider,
            fallback_reason=fallback_reason,
            shot_progress=shot_progress,
        )
        if result is not None:  # events go on the bus: no media keys there, GetJob has them
            event.result.duration_ms = result.duration_ms
        if error is not None:
            event.error.CopyFrom(error)
        if review is not None:
            event.review.CopyFrom(review)
            event.review.ClearField("result")  # no media keys on the bus
        await conn.execute(
            sa.text("INSERT INTO generation.job_events (job_id, sequence, payload) VALUES (:id, :s, :p)"),
            {"id": job_id, "s": event.sequence, "p": event.SerializeToString()},
        )
        return event


def _undrawn(job: gen_pb2.Job, listed: dict[str, dict[str, Any]]) -> list[gen_pb2.UndrawnConcept]:
    """The scene's undrawn concepts: those the shots' manifests list (with the things a shot placed
    outside its frame) that no rendered shot shows."""
    shown = {e.concept_id for s in job.shots for e in s.elements}
    out = [
        gen_pb2.UndrawnConcept(concept_id=c, label=str(item.get("label") or c), reason=str(item.get("reason") or ""))
        for c, item in listed.items()
        if c not in shown
    ]
    return out
