"""The retention sweeper on a real PostgreSQL, with a local media directory and with S3 (moto),
driven by an injected clock: failed and orphaned media deleted, old content trimmed to 720p,
protected jobs untouched, one audit event per job, one leader at a time, safe to interrupt."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.delivery import hls
from services.generation.adapters.retention_sweeper import RetentionSweeper
from services.generation.adapters.store import JobStore
from services.generation.retention import RetentionPolicy
from services.mesh import audit
from services.mesh.db import create_engine
from services.mesh.media_store import LocalMediaStore, MediaStore, MediaUnavailable, open_media_store
from tests.conftest import S3Server

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)

MASTER = (
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"
    "#EXT-X-STREAM-INF:BANDWIDTH=2800000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,"
    'FRAME-RATE=24.000,CODECS="avc1.64001f,mp4a.40.2"\n720p/index.m3u8\n'
    "#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,"
    'FRAME-RATE=24.000,CODECS="avc1.64001e,mp4a.40.2"\n360p/index.m3u8\n'
)
PUBLISHED = {
    "video.mp4": b"mp4",
    "poster.jpg": b"jpg",
    "thumbs/thumb_000.jpg": b"jpg",
    "hls/master.m3u8": MASTER.encode(),
    "hls/720p/index.m3u8": b"#EXTM3U\n",
    "hls/720p/seg_000.ts": b"ts",
    "hls/360p/index.m3u8": b"#EXTM3U\n",
    "hls/360p/seg_000.ts": b"ts",
    "hls/360p/seg_001.ts": b"ts",
}


@pytest_asyncio.fixture
async def engine(make_database: Callable[[str], str]) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(make_database("retention"))
    await JobStore(eng).migrate()
    await audit.migrate_audit(eng)
    yield eng
    await eng.dispose()


async def _job(
    engine: AsyncEngine,
    state: int,
    age_days: float,
    *,
    now: dt.datetime = NOW,
    pending_review: bool = False,
    taken_down: bool = False,
) -> uuid.UUID:
    """A job row in ``state`` last updated ``age_days`` before ``now``."""
    job_id = uuid.uuid4()
    at = now - dt.timedelta(days=age_days)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO generation.jobs (job_id, owner_id, text, options, state, created_at, updated_at, "
                "taken_down_at) VALUES (:id, 'owner', 'text', '', :s, :at, :at, :down)"
            ),
            {"id": job_id, "s": state, "at": at, "down": at if taken_down else None},
        )
        if pending_review:
            await conn.execute(
                sa.text(
                    "INSERT INTO generation.reviews (review_id, job_id, kind, reason) VALUES (:r, :id, 3, 'appeal')"
                ),
                {"r": uuid.uuid4(), "id": job_id},
            )
    return job_id


def _publish(media: MediaStore, job_id: uuid.UUID, *, work: bool = False) -> None:
    for name, data in PUBLISHED.items():
        media.put_bytes(f"jobs/{job_id}/{name}", data)
    if work:
        media.put_bytes(f"work/{job_id}/shots/shot_000.mp4", b"work")


async def _stamps(engine: AsyncEngine, job_id: uuid.UUID) -> tuple[Any, Any]:
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text("SELECT media_deleted_at, media_trimmed_at FROM generation.jobs WHERE job_id = :id"),
                {"id": job_id},
            )
        ).one()
    return row.media_deleted_at, row.media_trimmed_at


async def _events(engine: AsyncEngine, target: str) -> list[audit.AuditEvent]:
    events, _ = await audit.page(engine, target=target, page_size=50)
    return events


def _age_files(root: Path, prefix: str, days: float) -> None:
    """Set every file's modification time under ``root/prefix`` to ``days`` before NOW."""
    at = (NOW - dt.timedelta(days=days)).timestamp()
    for path in (root / prefix).rglob("*"):
        os.utime(path, (at, at))


async def test_a_sweep_on_a_local_store_deletes_trims_and_protects(engine: AsyncEngine, tmp_path: Path) -> None:
    media = LocalMediaStore(tmp_path)
    failed = await _job(engine, 6, 8)
    cancelled = await _job(engine, 5, 30)
    young = await _job(engine, 7, 6)
    appealed = await _job(engine, 4, 30, pending_review=True)
    in_review = await _job(engine, 8, 300)
    taken_down = await _job(engine, 3, 300, taken_down=True)
    old = await _job(engine, 3, 181)
    recent = await _job(engine, 3, 179)
    running = await _job(engine, 2, 300)
    orphan, fresh_orphan = uuid.uuid4(), uuid.uuid4()
    for job_id in (
        failed,
        cancelled,
        young,
        appealed,
        in_review,
        taken_down,
        old,
        recent,
        running,
        orphan,
        fresh_orphan,
    ):
        _publish(media, job_id, work=True)
    _age_files(tmp_path, f"jobs/{orphan}", 8)
    (tmp_path / "jobs" / f".{uuid.uuid4()}.x.tmp").mkdir()  # delivery's staging: not an orphan

    sweeper = RetentionSweeper(engine, media, RetentionPolicy(batch_size=2))  # several batches per pass
    counts = await sweeper.sweep(now=NOW)

    assert counts.led
    assert (counts.media_deleted, counts.trimmed, counts.orphans_deleted) == (2, 1, 1)
    assert counts.skipped_protected == 2  # the appealed block and the taken-down video (IN_REVIEW is not read)
    assert counts.files_deleted == 3 * (len(PUBLISHED) + 1) + 3  # two failed and the orphan (+ work), 3 of 360p
    for gone in (failed, cancelled, orphan):
        assert media.list_keys(f"jobs/{gone}") == [] and media.list_keys(f"work/{gone}") == []
    for kept in (young, appealed, in_review, taken_down, recent, running, fresh_orphan):
        assert len(media.list_keys(f"jobs/{kept}")) == len(PUBLISHED)
    left = media.list_keys(f"jobs/{old}")
    assert sorted(k.split("/", 2)[2] for k in left) == sorted(n for n in PUBLISHED if "/360p/" not in n)
    assert not (tmp_path / "jobs" / str(old) / "hls" / "360p").exists()
    master = media.read_bytes(f"jobs/{old}/hls/master.m3u8").decode()
    assert [v["URI"] for v in hls.parse_master_playlist(master)] == ["720p/index.m3u8"]

    assert (await _stamps(engine, failed))[0] == NOW
    assert (await _stamps(engine, old))[1] == NOW
    assert await _stamps(engine, appealed) == (None, None)
    deleted = await _events(engine, f"job:{failed}")
    assert [(e.actor, e.action) for e in deleted] == [("system:retention", "retention.media_deleted")]
    assert deleted[0].details["state"] == "FAILED" and deleted[0].details["files"] == len(PUBLISHED) + 1
    trimmed = await _events(engine, f"job:{old}")
    assert [e.action for e in trimmed] == ["retention.renditions_trimmed"]
    assert trimmed[0].details["removed_renditions"] == ["360p"] and trimmed[0].details["kept"] == "720p"
    assert (await _events(engine, f"job:{orphan}"))[0].details["orphan"] is True
    for untouched in (young, appealed, in_review, taken_down, recent):
        assert await _events(engine, f"job:{untouched}") == []

    again = await sweeper.sweep(now=NOW + dt.timedelta(hours=1))  # idempotent
    assert (again.media_deleted, again.trimmed, again.orphans_deleted, again.files_deleted) == (0, 0, 0, 0)
    assert len(await _events(engine, f"job:{failed}")) == 1
    await sweeper.resign()


async def test_a_sweep_on_s3_deletes_and_trims(engine: AsyncEngine, s3_server: S3Server) -> None:
    env = s3_server.env(s3_server.bucket(), "tenant/media")
    media = open_media_store(env["DRISHYA_MEDIA_URL"], env)
    now = NOW + dt.timedelta(days=10)  # objects written now are 10 days old then: the orphan is stale
    failed = await _job(engine, 7, 8, now=now)
    old = await _job(engine, 3, 200, now=now)
    young = await _job(engine, 6, 2, now=now)
    orphan = uuid.uuid4()
    for job_id in (failed, old, young, orphan):
        await asyncio.to_thread(_publish, media, job_id, work=True)

    sweeper = RetentionSweeper(engine, media, RetentionPolicy())
    counts = await sweeper.sweep(now=now)

    assert (counts.media_deleted, counts.trimmed, counts.orphans_deleted) == (1, 1, 1)
    assert media.list_keys(f"jobs/{failed}") == [] and media.list_keys(f"work/{failed}") == []
    assert media.list_keys(f"jobs/{orphan}") == []
    assert len(media.list_keys(f"jobs/{young}")) == len(PUBLISHED)
    assert not any("/360p/" in k for k in media.list_keys(f"jobs/{old}"))
    assert media.exists(f"jobs/{old}/video.mp4") and media.exists(f"jobs/{old}/hls/720p/seg_000.ts")
    master = media.read_bytes(f"jobs/{old}/hls/master.m3u8").decode()
    assert [v["URI"] for v in hls.parse_master_playlist(master)] == ["720p/index.m3u8"]
    assert [e.action for e in await _events(engine, f"job:{orphan}")] == ["retention.media_deleted"]
    await sweeper.resign()


async def test_one_sweeper_leads_at_a_time(engine: AsyncEngine, tmp_path: Path) -> None:
    media = LocalMediaStore(tmp_path)
    failed = await _job(engine, 6, 8)
    _publish(media, failed)
    a, b = (RetentionSweeper(engine, media, RetentionPolicy()) for _ in range(2))

    first, second = await asyncio.gather(a.sweep(now=NOW), b.sweep(now=NOW))

    assert sorted([first.led, second.led]) == [False, True]
    assert first.media_deleted + second.media_deleted == 1
    leader, follower = (a, b) if first.led else (b, a)
    assert (await follower.sweep(now=NOW)).led is False
    assert len(await _events(engine, f"job:{failed}")) == 1

    async with engine.connect() as conn:  # the leader's connection dies (a network cut, a restart)
        await conn.execute(
            sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                "AND classid = CAST(:ns AS oid) AND objid = 1"
            ),
            {"ns": 0x44520010},
        )
    assert await leader.still_leading() is False
    assert (await follower.sweep(now=NOW)).led is True
    assert (await leader.sweep(now=NOW)).led is False
    await follower.resign()
    assert (await leader.sweep(now=NOW)).led is True
    await leader.resign()


class _LosesLeadership(RetentionSweeper):
    """A sweeper whose lock connection is killed after its first batch of work."""

    async def _act(self, *args: Any, **kwargs: Any) -> None:
        await super()._act(*args, **kwargs)
        async with self.engine.connect() as conn:
            await conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                    "AND classid = CAST(:ns AS oid) AND objid = 1"
                ),
                {"ns": 0x44520010},
            )


async def test_a_sweeper_that_loses_the_lock_stops_before_its_next_batch(engine: AsyncEngine, tmp_path: Path) -> None:
    media = LocalMediaStore(tmp_path)
    jobs = [await _job(engine, 6, 10 + i) for i in range(6)]
    sweeper = _LosesLeadership(engine, media, RetentionPolicy(batch_size=2))

    counts = await sweeper.sweep(now=NOW)

    assert counts.led is False
    assert counts.media_deleted == 2
    stamped = [j for j in jobs if (await _stamps(engine, j))[0] is not None]
    assert len(stamped) == 2
    other = RetentionSweeper(engine, media, RetentionPolicy(batch_size=2))
    rest = await other.sweep(now=NOW)
    assert rest.led and rest.media_deleted == 4
    await other.resign()


class _FlakyStore(LocalMediaStore):
    """A local store that stops answering after ``ok`` prefix deletions."""

    def __init__(self, root: Path, ok: int) -> None:
        super().__init__(root)
        self.ok = ok

    def delete_prefix(self, prefix: str) -> int:
        if self.ok <= 0:
            raise MediaUnavailable("the store went away")
        self.ok -= 1
        return super().delete_prefix(prefix)


async def test_a_sweep_interrupted_mid_batch_is_finished_by_the_next(engine: AsyncEngine, tmp_path: Path) -> None:
    jobs = [await _job(engine, 7, 9 + i) for i in range(3)]
    for job_id in jobs:
        _publish(LocalMediaStore(tmp_path), job_id, work=True)
    flaky = RetentionSweeper(engine, _FlakyStore(tmp_path, ok=3), RetentionPolicy())

    with pytest.raises(MediaUnavailable):
        await flaky.sweep(now=NOW)  # one job's files went, a second's half: the batch rolls back

    for job_id in jobs:
        assert (await _stamps(engine, job_id))[0] is None
        assert await _events(engine, f"job:{job_id}") == []
    emptied = [j for j in jobs if LocalMediaStore(tmp_path).list_keys(f"jobs/{j}") == []]
    assert len(emptied) == 2  # files deleted before the failure stay deleted; their rows wait for the next sweep
    await flaky.resign()
    sweeper = RetentionSweeper(engine, LocalMediaStore(tmp_path), RetentionPolicy())
    counts = await sweeper.sweep(now=NOW)
    assert counts.media_deleted == 3
    for job_id in jobs:
        assert (await _stamps(engine, job_id))[0] == NOW
        assert len(await _events(engine, f"job:{job_id}")) == 1
        assert LocalMediaStore(tmp_path).list_keys(f"jobs/{job_id}") == []
    await sweeper.resign()


async def test_the_background_loop_sweeps_with_its_clock(engine: AsyncEngine, tmp_path: Path) -> None:
    media = LocalMediaStore(tmp_path)
    failed = await _job(engine, 6, 30)
    _publish(media, failed)
    sweeper = RetentionSweeper(engine, media, RetentionPolicy(interval_s=3600), clock=lambda: NOW)
    sweeper.start()
    try:
        for _ in range(100):
            if (await _stamps(engine, failed))[0] is not None:
                break
            await asyncio.sleep(0.05)
    finally:
        await sweeper.stop()
    assert (await _stamps(engine, failed))[0] == NOW
    assert not sweeper.leading


# -- stories ---------------------------------------------------------------------------------------


async def test_inactive_stories_are_archived_once_and_read_only(make_database: Callable[[str], str]) -> None:
    from drishya.story.v1 import story_pb2 as story_pb
    from services.mesh.errors import FailedPrecondition
    from services.story.adapters.store import StoryStore

    eng = create_engine(make_database("retention_story"))
    store = StoryStore(eng)
    await store.migrate()
    await audit.migrate_audit(eng)
    try:
        owner = "owner-1"
        scene = story_pb.Scene(text="ఒక అమ్మాయి నాట్యం చేస్తోంది.", language_code="te")
        old = [(await store.create(owner, f"old {i}", "te", [scene])).story for i in range(5)]
        fresh = (await store.create(owner, "fresh", "te", [scene])).story
        async with eng.begin() as conn:
            await conn.execute(
                sa.text("UPDATE story.stories SET updated_at = :at WHERE story_id = ANY(:ids)"),
                {"at": NOW - dt.timedelta(days=91), "ids": [uuid.UUID(s.story_id) for s in old]},
            )

        # two replicas' passes at once, two stories a transaction: each story archived exactly once
        counts = await asyncio.gather(*(store.archive_inactive(NOW, dt.timedelta(days=90), 2) for _ in range(2)))
        assert sum(counts) == 5
        assert await store.archive_inactive(NOW, dt.timedelta(days=90)) == 0
        for s in old:
            events = await _events(eng, f"story:{s.story_id}")
            assert [(e.actor, e.action) for e in events] == [("system:retention", "retention.story_archived")]
        assert await _events(eng, f"story:{fresh.story_id}") == []

        archived = await store.get(old[0].story_id, owner)
        assert archived.HasField("archive_time") and archived.archive_time.ToDatetime(dt.UTC) == NOW
        assert archived.version == old[0].version  # archiving is not a change of the story
        assert not (await store.get(fresh.story_id, owner)).HasField("archive_time")
        listed, _ = await store.list_stories(owner, 50, "")
        assert {s.story_id for s in listed if s.HasField("archive_time")} == {s.story_id for s in old}

        with pytest.raises(FailedPrecondition) as err:
            await store.update(old[0].story_id, owner, archived.version, "new title", None)
        assert err.value.reason == "STORY_ARCHIVED"
        with pytest.raises(FailedPrecondition):
            await store.add_scene(old[0].story_id, owner, archived.version, scene, None)
        forked = (await store.fork(old[0].story_id, owner, archived.scenes[0].scene_id, "")).story
        assert not forked.HasField("archive_time")
        await store.update(forked.story_id, owner, forked.version, "continued", None)  # the fork is writable
        await store.delete(old[1].story_id, owner, old[1].version)  # an archived story may be deleted
    finally:
        await eng.dispose()
