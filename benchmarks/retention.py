"""The retention sweeper's time for 100,000 jobs with an injected clock (not a test).

    .venv/bin/python benchmarks/retention.py [--jobs 100000] [--runs 3] [--with-media 200] [--batch 500]

Starts an embedded PostgreSQL (:class:`services.mesh.infra.EmbeddedInfra`, no Redis or NATS) and,
for each run, a fresh database holding ``--jobs`` job rows inserted by one ``INSERT ... SELECT
generate_series``: row ``i`` is FAILED (i mod 10 in 0..1), CANCELLED (2), BLOCKED (3), DEAD_LETTER
(4), SUCCEEDED (5..8) or IN_REVIEW (9), last updated ``(i * 7919) mod 365`` days and ``i mod 24``
hours before the injected clock; every hundredth BLOCKED row has a pending appeal. So about 49 % of
the rows lose their media, 20 % are trimmed to 720p and the rest are left alone. ``--with-media``
failed and as many old SUCCEEDED jobs get a published layout (MP4, poster, thumbnail, HLS master,
720p and 360p renditions) in a local media directory, plus as many orphaned directories; the
other rows have no files (deleting absent media still costs a store call each, counted).

Prints each run's wall time for one ``sweep(now=...)`` (the three passes, one audit event per job
acted on) with its counts, then the median of the runs. A second sweep right after each run is
timed too: with nothing left to do it only scans. Figures depend on the machine and on what
else runs on it; compare medians from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import psycopg  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.generation.adapters.retention_sweeper import RetentionSweeper  # noqa: E402
from services.generation.adapters.store import JobStore  # noqa: E402
from services.generation.retention import RetentionPolicy  # noqa: E402
from services.mesh.audit import migrate_audit  # noqa: E402
from services.mesh.db import create_engine  # noqa: E402
from services.mesh.infra import EmbeddedInfra  # noqa: E402
from services.mesh.media_store import LocalMediaStore  # noqa: E402

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
MASTER = (
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=2800000,AVERAGE-BANDWIDTH=2500000,RESOLUTION=1280x720,FRAME-RATE=24.000,CODECS="avc1.64001f,mp4a.40.2"\n'
    "720p/index.m3u8\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,FRAME-RATE=24.000,CODECS="avc1.64001e,mp4a.40.2"\n'
    "360p/index.m3u8\n"
)
LAYOUT = {
    "video.mp4": b"\0" * 4096,
    "poster.jpg": b"\0" * 1024,
    "thumbs/thumb_000.jpg": b"\0" * 512,
    "hls/master.m3u8": MASTER.encode(),
    "hls/720p/index.m3u8": b"#EXTM3U\n",
    "hls/720p/seg_000.ts": b"\0" * 4096,
    "hls/360p/index.m3u8": b"#EXTM3U\n",
    "hls/360p/seg_000.ts": b"\0" * 2048,
}

INSERT = """
INSERT INTO generation.jobs (job_id, owner_id, text, options, state, created_at, updated_at)
SELECT md5('bench' || i)::uuid, 'owner-' || (i % 1000), 'text', '',
       CASE WHEN i % 10 IN (0, 1) THEN 6 WHEN i % 10 = 2 THEN 5 WHEN i % 10 = 3 THEN 4 WHEN i % 10 = 4 THEN 7
            WHEN i % 10 = 9 THEN 8 ELSE 3 END,
       CAST(:now AS timestamptz) - make_interval(days => (i * 7919) % 365 + 1, hours => i % 24),
       CAST(:now AS timestamptz) - make_interval(days => (i * 7919) % 365, hours => i % 24)
FROM generate_series(1, :n) AS i
"""
APPEALS = """
INSERT INTO generation.reviews (review_id, job_id, kind, reason)
SELECT md5('appeal' || i)::uuid, md5('bench' || i)::uuid, 3, 'appeal'
FROM generate_series(1, :n) AS i WHERE i % 1000 = 3
"""


def fresh_database(admin_url: str, name: str) -> str:
    url = make_url(admin_url)
    with psycopg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


async def one_run(admin_url: str, args: argparse.Namespace, run: int) -> tuple[float, float]:
    engine = create_engine(fresh_database(admin_url, f"retention_bench_{run}_{uuid.uuid4().hex[:6]}"))
    media = LocalMediaStore(Path(tempfile.mkdtemp(prefix="drishya-retention-media-")))
    try:
        await JobStore(engine).migrate()
        await migrate_audit(engine)
        t0 = time.perf_counter()
        async with engine.begin() as conn:
            await conn.execute(sa.text(INSERT), {"now": NOW, "n": args.jobs})
            await conn.execute(sa.text(APPEALS), {"n": args.jobs})
            await conn.execute(sa.text("ANALYZE generation.jobs"))
            failed = (
                await conn.execute(
                    sa.text(
                        "SELECT job_id FROM generation.jobs WHERE state = 6 AND updated_at < :c "
                        "ORDER BY job_id LIMIT :k"
                    ),
                    {"c": NOW - dt.timedelta(days=8), "k": args.with_media},
                )
            ).scalars()
            old = (
                await conn.execute(
                    sa.text(
                        "SELECT job_id FROM generation.jobs WHERE state = 3 AND updated_at < :c "
                        "ORDER BY job_id LIMIT :k"
                    ),
                    {"c": NOW - dt.timedelta(days=181), "k": args.with_media},
                )
            ).scalars()
            published = [*failed, *old]
        orphans = [uuid.uuid4() for _ in range(args.with_media)]
        for job_id in [*published, *orphans]:
            for name, data in LAYOUT.items():
                media.put_bytes(f"jobs/{job_id}/{name}", data)
        stamp = (NOW - dt.timedelta(days=30)).timestamp()
        for job_id in orphans:
            for p in (media.root / "jobs" / str(job_id)).rglob("*"):
                os.utime(p, (stamp, stamp))
        print(f"run {run + 1}: {args.jobs} rows inserted and media laid out in {time.perf_counter() - t0:.1f} s")

        sweeper = RetentionSweeper(engine, media, RetentionPolicy(batch_size=args.batch))
        t0 = time.perf_counter()
        counts = await sweeper.sweep(now=NOW)
        took = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = await sweeper.sweep(now=NOW)
        idle = time.perf_counter() - t0
        await sweeper.resign()
        print(f"  sweep {took:.2f} s: {counts.as_dict()}")
        print(f"  second sweep (nothing left) {idle:.2f} s: scanned {again.scanned}")
        return took, idle
    finally:
        await engine.dispose()


async def main_async(args: argparse.Namespace) -> None:
    data = Path(tempfile.mkdtemp(prefix="drishya-retention-bench-"))
    infra = EmbeddedInfra(data, env={k: v for k, v in os.environ.items() if not k.endswith("_URL")})
    urls = await asyncio.to_thread(infra.start, redis=False, nats=False)
    try:
        results = [await one_run(urls.database_url, args, run) for run in range(args.runs)]
    finally:
        await asyncio.to_thread(infra.stop)
    sweeps = [r[0] for r in results]
    idles = [r[1] for r in results]
    print(
        f"median of {args.runs}: sweep of {args.jobs} jobs {statistics.median(sweeps):.2f} s "
        f"({args.jobs / statistics.median(sweeps):,.0f} jobs/s); "
        f"second sweep {statistics.median(idles):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--with-media", type=int, default=200, help="failed, old and orphaned jobs with files")
    parser.add_argument("--batch", type=int, default=500)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
