"""The retention sweeper (I/O): applies :mod:`services.generation.retention` to the job rows and the media store.

One sweeper leads at a time across all machines: leadership is the PostgreSQL session advisory
lock ``(LOCK_NAMESPACE, LOCK_KEY)``, taken with ``pg_try_advisory_lock`` on a dedicated connection
(autocommit, so it never sits idle in a transaction) and held while that connection lives. Before
every batch the leader checks on that connection that it still holds the lock; a failed check (the
connection dropped, the server restarted, an operator ran ``pg_terminate_backend``) ends the sweep
at once, and another process's sweeper takes the lock on its next attempt.

A sweep (:meth:`RetentionSweeper.sweep`, given the clock ``now``) makes three passes:

1. failed media: rows in FAILED, DEAD_LETTER, CANCELLED or BLOCKED with ``updated_at`` before the
   cutoff and no ``media_deleted_at``; their ``jobs/<id>/`` and ``work/<id>/`` prefixes are deleted;
2. trim: SUCCEEDED rows before the trim cutoff and no ``media_trimmed_at``; the renditions other than
   720p are deleted and the master playlist rewritten (new master first, then the files, so a player
   is never sent to a removed rendition);
3. orphans: directories ``jobs/<uuid>/`` whose job row does not exist, newest object older than the
   cutoff.

Passes 1 and 2 read rows ``batch_size`` at a time in keyset order over ``(updated_at, job_id)``
(index ``jobs_by_update``) without locking; for the jobs the policy picks, one transaction per
batch locks those rows (``FOR UPDATE SKIP LOCKED``: a row another transaction holds waits for the
next sweep), decides again on the fresh row (a review or takedown that arrived meanwhile wins),
deletes the media, stamps ``media_deleted_at`` / ``media_trimmed_at`` and appends one audit event
per job, then commits. Row locks are therefore held for one batch's media deletions (milliseconds
on a local volume; about two S3 requests per job on object storage). A crash mid-batch rolls the
stamps and audit events back; the files already deleted stay deleted, and the next sweep finds
the rows unstamped and finishes them (deleting is idempotent), so sweeping is safe to interrupt.

Errors: :class:`services.mesh.media_store.MediaUnavailable` when the store stops answering
mid-sweep (the batch rolls back; the next sweep retries), SQLAlchemy errors from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.generation import retention
from services.generation.retention import Action, JobFacts, RetentionPolicy, SweepCounts
from services.mesh import audit
from services.mesh.media_store import LocalMediaStore, MediaStore, S3MediaStore

log = logging.getLogger(__name__)

#: The advisory lock of the sweeper's leadership: ``pg_try_advisory_lock(LOCK_NAMESPACE, LOCK_KEY)``
#: (``0x4452`` is "DR", as the job store's own lock namespaces).
LOCK_NAMESPACE = 0x44520010
LOCK_KEY = 1
#: The audit trail's actor of every retention action.
ACTOR = "system:retention"
#: Job ids checked against the table at once in the orphan pass.
ORPHAN_BATCH = 1000

_STATE_NAMES = {3: "SUCCEEDED", 4: "BLOCKED", 5: "CANCELLED", 6: "FAILED", 7: "DEAD_LETTER", 8: "IN_REVIEW"}

_AUDIT_ACTIONS = {Action.DELETE_MEDIA: "retention.media_deleted", Action.TRIM: "retention.renditions_trimmed"}

_FACTS = (
    "j.job_id, j.state, j.updated_at, j.taken_down_at IS NOT NULL AS taken_down, "
    "j.media_deleted_at IS NOT NULL AS media_deleted, j.media_trimmed_at IS NOT NULL AS media_trimmed, "
    "EXISTS (SELECT 1 FROM generation.reviews r WHERE r.job_id = j.job_id AND r.state = 1) AS pending_review"
)
#: Pass 1 and 2 candidates; the policy (:func:`retention.decide`) has the last word on each.
_PASSES: dict[Action, str] = {
    Action.DELETE_MEDIA: "j.state IN (4, 5, 6, 7) AND j.media_deleted_at IS NULL",
    Action.TRIM: "j.state = 3 AND j.media_trimmed_at IS NULL AND j.media_deleted_at IS NULL",
}


def _facts(row: Any) -> JobFacts:
    return JobFacts(
        job_id=row.job_id,
        state=int(row.state),
        updated_at=row.updated_at,
        pending_review=bool(row.pending_review),
        taken_down=bool(row.taken_down),
        media_deleted=bool(row.media_deleted),
        media_trimmed=bool(row.media_trimmed),
    )


# -- media listing with times (local directory or S3) ---------------------------------------------


def job_directories(media: MediaStore) -> list[str]:
    """The names of the directories directly under ``jobs/`` (blocking).

    Local: the sub-directories of ``<root>/jobs``; S3: the common prefixes of ``<prefix>/jobs/``
    (delimiter ``/``); any other store: the first segment of every key under ``jobs``.
    """
    if isinstance(media, LocalMediaStore):
        base = media.root / "jobs"
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    if isinstance(media, S3MediaStore):
        top = media._name("jobs") + "/"
        names: list[str] = []
        try:
            pages = media._client.get_paginator("list_objects_v2").paginate(
                Bucket=media.bucket, Prefix=top, Delimiter="/"
            )
            for page in pages:
                names.extend(p["Prefix"][len(top) :].rstrip("/") for p in page.get("CommonPrefixes", []))
        except Exception as exc:
            raise media._unavailable("list", "jobs", exc) from exc
        return sorted(names)
    return sorted({k.split("/")[1] for k in media.list_keys("jobs") if k.count("/") >= 2})


def newest_write(media: MediaStore, prefix: str) -> dt.datetime | None:
    """When the newest object under ``prefix`` was written (UTC), None when there is none (blocking)."""
    if isinstance(media, LocalMediaStore):
        base = media.root / prefix
        times = [p.stat().st_mtime for p in base.rglob("*") if p.is_file()] if base.is_dir() else []
        return dt.datetime.fromtimestamp(max(times), dt.UTC) if times else None
    if isinstance(media, S3MediaStore):
        under = media._name(prefix) + "/"
        newest: dt.datetime | None = None
        try:
            for page in media._client.get_paginator("list_objects_v2").paginate(Bucket=media.bucket, Prefix=under):
                for obj in page.get("Contents", []):
                    at = obj["LastModified"]
                    newest = at if newest is None or at > newest else newest
        except Exception as exc:
            raise media._unavailable("list", prefix, exc) from exc
        return newest
    return None  # a store that cannot tell times: never an orphan


def _delete_job_media(media: MediaStore, job_id: uuid.UUID) -> int:
    """Delete ``jobs/<id>/`` and ``work/<id>/``; returns how many files went (blocking)."""
    prefixes: tuple[str, ...] = retention.job_prefixes(job_id)
    if isinstance(media, LocalMediaStore):  # skip the resolve-and-check of absent directories (most of them)
        prefixes = tuple(p for p in prefixes if (media.root / p).is_dir())
    return sum(media.delete_prefix(p) for p in prefixes)


def _trim(media: MediaStore, job_id: uuid.UUID, keep: str) -> retention.TrimPlan:
    """Trim ``jobs/<id>/`` to the ``keep`` rendition: new master first, then the files (blocking)."""
    if isinstance(media, LocalMediaStore) and not (media.root / "jobs" / str(job_id)).is_dir():
        return retention.plan_trim(job_id, None, [], keep)
    keys = media.list_keys(f"jobs/{job_id}")
    master_key = f"jobs/{job_id}/hls/master.m3u8"
    master = media.read_bytes(master_key).decode("utf-8") if master_key in keys else None
    plan = retention.plan_trim(job_id, master, keys, keep)
    if plan.master is not None:
        media.put_bytes(master_key, plan.master.encode("utf-8"), content_type="application/vnd.apple.mpegurl")
    if plan.delete_keys:
        if isinstance(media, S3MediaStore):
            media.delete_keys(plan.delete_keys)
        else:
            for key in plan.delete_keys:
                media.delete(key)
        if isinstance(media, LocalMediaStore):  # leave no empty rendition directories behind
            for name in plan.removed_renditions:
                with contextlib.suppress(OSError):
                    _remove_empty_tree(media.root / "jobs" / str(job_id) / "hls" / name)
    return plan


def _media_work(
    media: MediaStore, action: Action, jobs: Sequence[JobFacts], keep: str
) -> list[tuple[int, dict[str, Any]]]:
    """Delete or trim the media of ``jobs`` (one thread hop for a whole batch); per job, the files
    removed and the audit details (blocking)."""
    out: list[tuple[int, dict[str, Any]]] = []
    for job in jobs:
        if action is Action.DELETE_MEDIA:
            files = _delete_job_media(media, job.job_id)
            details: dict[str, Any] = {
                "state": _STATE_NAMES.get(job.state, str(job.state)),
                "prefixes": [f"{p}/" for p in retention.job_prefixes(job.job_id)],
                "files": files,
            }
        else:
            plan = _trim(media, job.job_id, keep)
            files = len(plan.delete_keys)
            details = {
                "kept": plan.kept,
                "removed_renditions": list(plan.removed_renditions),
                "files": files,
                "master_rewritten": plan.master is not None,
            }
        out.append((files, details))
    return out


async def _append_all(conn: AsyncConnection, action: str, request_id: str, events: Sequence[dict[str, Any]]) -> None:
    """Append one audit event per entry of ``events`` (``target``, ``reason``, ``details``) with actor
    :data:`ACTOR` in one round trip: the bulk form of :func:`services.mesh.audit.append`, same table
    and columns, inside the caller's transaction."""
    if not events:
        return
    await conn.execute(
        sa.text(
            "INSERT INTO audit.events (actor, action, target, request_id, reason, details) "
            "VALUES (:actor, :action, :target, :rid, :reason, CAST(:details AS jsonb))"
        ),
        [
            {
                "actor": ACTOR,
                "action": action,
                "target": e["target"],
                "rid": request_id,
                "reason": e["reason"][: audit.MAX_REASON],
                "details": json.dumps(e["details"], ensure_ascii=False, sort_keys=True),
            }
            for e in events
        ],
    )


def _remove_empty_tree(path: Path) -> None:
    for sub in sorted((p for p in path.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        sub.rmdir()
    path.rmdir()


# -- the sweeper ---------------------------------------------------------------------------------


class RetentionSweeper:
    """Applies a :class:`RetentionPolicy`; one leader at a time across machines (see the module docstring).

    Args:
        engine: the generation service's database (schemas ``generation`` and ``audit`` migrated).
        media: the media store the jobs were published to.
        policy: the numbers.
        clock: the time :meth:`run` passes to :meth:`sweep` (tests call :meth:`sweep` directly).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        media: MediaStore,
        policy: RetentionPolicy,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.engine = engine
        self.media = media
        self.policy = policy
        self.clock = clock
        self._lock_conn: AsyncConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    # -- leadership

    @property
    def leading(self) -> bool:
        """Whether this sweeper believes it holds the lock (checked for real by :meth:`still_leading`)."""
        return self._lock_conn is not None

    async def lead(self) -> bool:
        """Try to take the leadership (never waits); returns whether this sweeper now leads."""
        if self._lock_conn is not None:
            return await self.still_leading()
        conn = await self.engine.connect()
        try:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            got = (
                await conn.execute(
                    sa.text("SELECT pg_try_advisory_lock(:ns, :k)"), {"ns": LOCK_NAMESPACE, "k": LOCK_KEY}
                )
            ).scalar_one()
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._lock_conn = conn
        log.info("retention sweeper: leading")
        return True

    async def still_leading(self) -> bool:
        """Whether the lock is still held on the dedicated connection; on any failure the leadership
        is dropped (the connection closed) and False returned."""
        conn = self._lock_conn
        if conn is None:
            return False
        try:
            held = (
                await conn.execute(
                    sa.text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
                        "AND pid = pg_backend_pid() AND classid = CAST(:ns AS oid) AND objid = CAST(:k AS oid) "
                        "AND objsubid = 2)"
                    ),
                    {"ns": LOCK_NAMESPACE, "k": LOCK_KEY},
                )
            ).scalar_one()
        except Exception as exc:
            log.warning("retention sweeper: lost the leadership (%s)", exc)
            held = False
        if not held:
            await self._drop()
        return bool(held)

    async def resign(self) -> None:
        """Give the leadership up (unlock and close the dedicated connection)."""
        conn = self._lock_conn
        if conn is None:
            return
        with contextlib.suppress(Exception):
            await conn.execute(sa.text("SELECT pg_advisory_unlock(:ns, :k)"), {"ns": LOCK_NAMESPACE, "k": LOCK_KEY})
        await self._drop()

    async def _drop(self) -> None:
        conn, self._lock_conn = self._lock_conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.invalidate()
            with contextlib.suppress(Exception):
                await conn.close()

    # -- one sweep

    async def sweep(self, now: dt.datetime) -> SweepCounts:
        """One sweep at the time ``now``; returns what it did.

        Takes the leadership first when it does not hold it; a sweeper that cannot lead returns
        ``SweepCounts(led=False)`` having done nothing, and one that loses the lock mid-way stops
        before its next batch and returns the counts so far with ``led`` False.
        """
        counts = SweepCounts()
        if not await self.lead():
            counts.led = False
            return counts
        sweep_id = f"retention:{now.astimezone(dt.UTC).isoformat()}"
        for action in (Action.DELETE_MEDIA, Action.TRIM):
            if not await self._job_pass(action, now, sweep_id, counts):
                counts.led = False
                return counts
        if not await self._orphan_pass(now, sweep_id, counts):
            counts.led = False
        log.info("retention sweep at %s: %s", now.isoformat(), counts.as_dict())
        return counts

    async def _job_pass(self, action: Action, now: dt.datetime, sweep_id: str, counts: SweepCounts) -> bool:
        """Pass 1 (DELETE_MEDIA) or 2 (TRIM); False when the leadership was lost."""
        cutoff = self.policy.failed_cutoff(now) if action is Action.DELETE_MEDIA else self.policy.trim_cutoff(now)
        after: tuple[dt.datetime, uuid.UUID] | None = None
        while True:
            if not await self.still_leading():
                return False
            keyset = "AND (j.updated_at, j.job_id) > (:t, :id) " if after else ""
            async with self.engine.connect() as conn:
                rows = (
                    await conn.execute(
                        sa.text(
                            f"SELECT {_FACTS} FROM generation.jobs j WHERE j.updated_at < :cutoff "
                            f"AND {_PASSES[action]} {keyset}ORDER BY j.updated_at, j.job_id LIMIT :n"
                        ),
                        {
                            "cutoff": cutoff,
                            "n": self.policy.batch_size,
                            **({"t": after[0], "id": after[1]} if after else {}),
                        },
                    )
                ).all()
            if not rows:
                return True
            after = (rows[-1].updated_at, rows[-1].job_id)
            counts.scanned += len(rows)
            chosen: list[uuid.UUID] = []
            for row in rows:
                facts = _facts(row)
                if retention.decide(facts, now, self.policy) is action:
                    chosen.append(facts.job_id)
                elif retention.is_protected(facts) and self._would_act(facts, now):
                    counts.skipped_protected += 1
            if chosen:
                await self._act(action, chosen, now, sweep_id, counts)
            if len(rows) < self.policy.batch_size:
                return True

    def _would_act(self, facts: JobFacts, now: dt.datetime) -> bool:
        unprotected = dataclasses.replace(facts, pending_review=False, taken_down=False)
        return retention.decide(unprotected, now, self.policy) is not Action.NONE

    async def _act(
        self, action: Action, job_ids: Sequence[uuid.UUID], now: dt.datetime, sweep_id: str, counts: SweepCounts
    ) -> None:
        """Lock, re-decide, act on, stamp and audit ``job_ids`` in one transaction."""
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        f"SELECT {_FACTS} FROM generation.jobs j WHERE j.job_id = ANY(:ids) "
                        "ORDER BY j.job_id FOR UPDATE OF j SKIP LOCKED"
                    ),
                    {"ids": list(job_ids)},
                )
            ).all()
            todo = [f for f in map(_facts, rows) if retention.decide(f, now, self.policy) is action]
            # (a row that changed since it was read, by a review, a takedown or a retry, is left alone)
            results = await asyncio.to_thread(_media_work, self.media, action, todo, self.policy.keep_rendition)
            events: list[dict[str, Any]] = []
            for facts, (files, details) in zip(todo, results, strict=True):
                if action is Action.DELETE_MEDIA:
                    reason = f"media of a {details['state']} job unchanged for {self.policy.failed_days:g} days"
                    counts.media_deleted += 1
                else:
                    kept = details["kept"] or "as is"
                    reason = f"content older than {self.policy.trim_days:g} days keeps only {kept}"
                    counts.trimmed += 1
                counts.files_deleted += files
                events.append({"target": f"job:{facts.job_id}", "reason": reason, "details": details})
            await _append_all(conn, _AUDIT_ACTIONS[action], sweep_id, events)
            done = [f.job_id for f in todo]
            if done:
                column = "media_deleted_at" if action is Action.DELETE_MEDIA else "media_trimmed_at"
                await conn.execute(
                    sa.text(f"UPDATE generation.jobs SET {column} = :now WHERE job_id = ANY(:ids)"),
                    {"now": now, "ids": done},
                )

    async def _orphan_pass(self, now: dt.datetime, sweep_id: str, counts: SweepCounts) -> bool:
        """Pass 3; False when the leadership was lost."""
        ids = retention.orphan_ids(await asyncio.to_thread(job_directories, self.media))
        for i in range(0, len(ids), ORPHAN_BATCH):
            if not await self.still_leading():
                return False
            batch = ids[i : i + ORPHAN_BATCH]
            async with self.engine.begin() as conn:
                known = {
                    r.job_id
                    for r in await conn.execute(
                        sa.text("SELECT job_id FROM generation.jobs WHERE job_id = ANY(:ids)"), {"ids": batch}
                    )
                }
                for job_id in batch:
                    if job_id in known:
                        continue
                    prefix = f"jobs/{job_id}"
                    newest = await asyncio.to_thread(newest_write, self.media, prefix)
                    if not retention.is_stale_orphan(newest, now, self.policy):
                        continue
                    files = await asyncio.to_thread(_delete_job_media, self.media, job_id)
                    counts.orphans_deleted += 1
                    counts.files_deleted += files
                    await audit.append(
                        conn,
                        actor=ACTOR,
                        action="retention.media_deleted",
                        target=f"job:{job_id}",
                        request_id=sweep_id,
                        reason=f"orphaned media (no job row) unchanged for {self.policy.failed_days:g} days",
                        details={
                            "orphan": True,
                            "prefixes": [f"{p}/" for p in retention.job_prefixes(job_id)],
                            "files": files,
                            "newest_write": newest.isoformat() if newest else "",
                        },
                    )
        return True

    # -- the background loop

    def start(self) -> None:
        """Run :meth:`run` as a task on the running loop."""
        self._stopping.clear()
        self._task = asyncio.create_task(self.run(), name="retention-sweeper")

    async def run(self) -> None:
        """Every ``policy.interval_s``: take (or keep) the leadership and sweep at ``clock()``; errors
        are logged and the next interval tries again."""
        while not self._stopping.is_set():
            try:
                await self.sweep(self.clock())
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("retention sweep failed; retrying in %.0f s", self.policy.interval_s)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.policy.interval_s):
                    await self._stopping.wait()

    async def stop(self) -> None:
        """Stop the loop (a sweep in progress is cancelled: its batch rolls back) and resign."""
        self._stopping.set()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
        await self.resign()
