"""Review-queue listing latency with 10,000 pending reviews (not a test).

    .venv/bin/python benchmarks/review_queue.py [--reviews 10000] [--calls 300]

Starts an embedded PostgreSQL (no Redis or NATS), migrates the generation schema into a fresh
database and inserts ``--reviews`` jobs IN_REVIEW, each with one pending review (one INSERT ...
SELECT generate_series each; owners spread over 50 keys, so a reviewer's own jobs are a few of
them), then times ``ReviewStore.list_pending`` (the query behind ``ListReviews`` and
``GET /v1/reviews``, page size 20): the first page, a page 4,000 rows deep (reached through page
tokens), and the first page for a reviewer who owns 2 % of the queue. Prints p50 and p99 in
milliseconds per case. Figures depend on the machine; compare medians from one run.
"""

from __future__ import annotations

import argparse
import asyncio
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

from drishya.generation.v1 import generation_pb2 as gen_pb2  # noqa: E402
from services.generation.adapters.review_store import ReviewStore  # noqa: E402
from services.generation.adapters.store import JobStore  # noqa: E402
from services.mesh.db import create_engine  # noqa: E402
from services.mesh.infra import EmbeddedInfra  # noqa: E402

INSERT_JOBS = """
INSERT INTO generation.jobs (job_id, owner_id, text, options, state, review_required, created_at, updated_at)
SELECT md5('job' || i)::uuid, 'owner-' || (i % 50), 'A scene of the benchmark.', '\\x'::bytea, 8, true,
       now() - make_interval(secs => :n - i), now() - make_interval(secs => :n - i)
FROM generate_series(1, :n) AS i
"""
INSERT_REVIEWS = """
INSERT INTO generation.reviews (review_id, job_id, kind, state, reason, created_at)
SELECT md5('review' || i)::uuid, md5('job' || i)::uuid, 2, 1, 'every video of a new key is reviewed',
       now() - make_interval(secs => :n - i)
FROM generate_series(1, :n) AS i
"""


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by the nearest-rank method."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


async def timed(calls: int, fn) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


async def main_async(args: argparse.Namespace) -> None:
    data = Path(tempfile.mkdtemp(prefix="drishya-review-bench-"))
    infra = EmbeddedInfra(data, env={k: v for k, v in os.environ.items() if not k.endswith("_URL")})
    urls = await asyncio.to_thread(infra.start, redis=False, nats=False)
    try:
        url = make_url(urls.database_url)
        name = f"review_bench_{uuid.uuid4().hex[:6]}"
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{name}"')
        engine = create_engine(url.set(database=name).render_as_string(hide_password=False))
        try:
            store = JobStore(engine)
            await store.migrate()
            async with engine.begin() as conn:
                await conn.execute(sa.text(INSERT_JOBS), {"n": args.reviews})
                await conn.execute(sa.text(INSERT_REVIEWS), {"n": args.reviews})
                await conn.execute(sa.text("ANALYZE generation.jobs"))
                await conn.execute(sa.text("ANALYZE generation.reviews"))
            reviews = ReviewStore(store)
            first, _ = await reviews.list_pending("reviewer", 20, "")
            assert len(first) == 20 and first[0].kind == gen_pb2.REVIEW_KIND_TRUST
            token = ""
            for _ in range(4000 // 20):
                _, token = await reviews.list_pending("reviewer", 20, token)
            cases = {
                "first page": lambda: reviews.list_pending("reviewer", 20, ""),
                "page 4,000 rows deep": lambda: reviews.list_pending("reviewer", 20, token),
                "first page, reviewer owning 2 %": lambda: reviews.list_pending("owner-7", 20, ""),
            }
            print(f"{args.reviews} pending reviews, page size 20, {args.calls} calls per case")
            for label, fn in cases.items():
                await timed(10, fn)  # warm the pool and the plan cache
                ms = await timed(args.calls, fn)
                print(f"  {label:<34} p50 {statistics.median(ms):6.2f} ms   p99 {percentile(ms, 0.99):6.2f} ms")
        finally:
            await engine.dispose()
    finally:
        await asyncio.to_thread(infra.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=300)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
