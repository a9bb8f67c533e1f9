"""Priority aging under a flood: does a free job start within its stated bound? (not a test)

    .venv/bin/python benchmarks/aging.py [--step 0.5] [--workers 2] [--work-ms 20] [--queued 200]
                                         [--overload 1.5] [--rows 10000]

On an embedded PostgreSQL (or ``DATABASE_URL``), with the real job store
(:meth:`services.generation.adapters.store.JobStore.claim`, its SQL, its locks and its event rows):

1. The claim query with ``--rows`` queued jobs (priorities 0..9, created over the last 30 minutes):
   its plan (EXPLAIN) and its median and p99 time over 200 runs, against a plain sort by the aged
   expression and against the order without aging.
2. The flood: ``--queued`` pro jobs (priority 5) are queued, then one free job (priority 2), then pro
   jobs keep arriving at ``--overload`` times what the workers can do, so the queue only grows.
   ``--workers`` workers claim jobs and "work" ``--work-ms`` each (a sleep, then the job is marked
   SUCCEEDED). The free job's wait (claim time minus creation) is printed with the bound of
   :func:`services.generation.plans.start_bound_s`: ``(9 - 2) * step`` to reach the top, plus the
   time to drain the jobs queued before it at the throughput measured, plus one job's work.
3. The same flood without aging (a step of 10^6 s), to show the free job starving.

Time runs on the database clock with a short aging step (``--step``, seconds) instead of the 60 s
default, so a run takes seconds; the rule scales with the step. Figures depend on the machine.
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
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drishya.generation.v1 import generation_pb2 as gen_pb2  # noqa: E402
from services.generation import plans  # noqa: E402
from services.generation.adapters.store import CLAIM_SQL, JobStore  # noqa: E402
from services.mesh.db import create_engine  # noqa: E402
from services.mesh.infra import EmbeddedInfra  # noqa: E402

CLAIM_SELECT = (
    "SELECT job_id FROM generation.jobs "
    "WHERE (state = 1 AND not_before <= now()) OR (state = 2 AND lease_expires_at < now()) "
    "ORDER BY {order} LIMIT 1 FOR UPDATE SKIP LOCKED"
)
AGED = "least(9, priority + floor(extract(epoch FROM now() - created_at) / :step)) DESC, created_at"
PLAIN = "priority DESC, created_at"
PRO = plans.DEFAULT_PLANS["pro"].base_priority
FREE = plans.DEFAULT_PLANS["free"].base_priority


async def insert_jobs(engine: AsyncEngine, n: int, priority: int | None, spread_s: float = 0.0) -> None:
    """``n`` queued jobs in one statement: ``priority`` (random 0..9 when None), created up to ``spread_s`` ago."""
    prio = "floor(random() * 10)::smallint" if priority is None else str(priority)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO generation.jobs (job_id, owner_id, text, options, state, priority, created_at) "
                f"SELECT gen_random_uuid(), 'flood-' || (g % 50), 'a pro scene', ''::bytea, 1, {prio}, "
                "now() - random() * make_interval(secs => :spread) FROM generate_series(1, :n) g"
            ),
            {"n": n, "spread": spread_s},
        )


async def clear(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM generation.jobs"))


async def claim_query(engine: AsyncEngine, rows: int, step: float) -> None:
    await clear(engine)
    await insert_jobs(engine, rows, None, spread_s=1800.0)
    async with engine.begin() as conn:
        await conn.execute(sa.text("ANALYZE generation.jobs"))
    print(f"\n== the claim query with {rows} queued jobs ==")
    for name, sql in (
        ("JobStore.claim (ten index probes)", CLAIM_SQL),
        ("sorting by the aged expression", CLAIM_SELECT.format(order=AGED)),
        ("without aging (before)", CLAIM_SELECT.format(order=PLAIN)),
    ):
        async with engine.connect() as conn:
            plan = (
                (await conn.execute(sa.text("EXPLAIN (ANALYZE, BUFFERS OFF) " + sql), {"step": step})).scalars().all()
            )
            await conn.rollback()
        times = []
        for _ in range(200):
            async with engine.connect() as conn:
                t0 = time.perf_counter()
                await conn.execute(sa.text(sql), {"step": step})
                times.append((time.perf_counter() - t0) * 1000)
                await conn.rollback()
        times.sort()
        print(f"-- {name}: median {statistics.median(times):.2f} ms, p99 {times[int(len(times) * 0.99) - 1]:.2f} ms")
        for line in plan:
            print("   ", line)
    await clear(engine)


@dataclass
class Flood:
    free_wait_s: float | None
    claimed: int
    throughput: float
    queue_at_end: int
    elapsed_s: float


async def flood(
    engine: AsyncEngine, step: float, workers: int, work_s: float, queued: int, overload: float, limit_s: float
) -> Flood:
    """One flood run; returns the free job's wait (None: not started within ``limit_s``)."""
    await clear(engine)
    store = JobStore(engine, step)
    await insert_jobs(engine, queued, PRO)
    free_job, _, _ = await store.create(
        owner_id="free-key",
        request_id="",
        text="a free scene that must not starve",
        options=gen_pb2.JobOptions(priority=plans.job_priority(plans.DEFAULT_PLANS["free"], None)),
        language_code="en",
        detection=b"",
        max_queued=10,
        plan="free",
    )
    free_id = uuid.UUID(free_job.job_id)
    created = time.monotonic()
    started: asyncio.Future[float] = asyncio.get_running_loop().create_future()
    claimed = 0
    stop = asyncio.Event()

    async def worker(i: int) -> None:
        nonlocal claimed
        while not stop.is_set():
            got = await store.claim(f"bench-{i}", 60)
            if got is None:
                await asyncio.sleep(0.005)
                continue
            claim, _ = got
            claimed += 1
            if claim.job_id == free_id and not started.done():
                started.set_result(time.monotonic() - created)
            await asyncio.sleep(work_s)
            async with engine.begin() as conn:
                await conn.execute(
                    sa.text("UPDATE generation.jobs SET state = 3, lease_owner = NULL WHERE job_id = :id"),
                    {"id": claim.job_id},
                )

    async def stream() -> None:
        rate = overload * workers / work_s  # arrivals per second, above what the workers can do
        tick = 0.05
        owed = 0.0
        while not stop.is_set():
            owed += rate * tick
            n = int(owed)
            owed -= n
            if n:
                await insert_jobs(engine, n, PRO)
            await asyncio.sleep(tick)

    t0 = time.monotonic()
    tasks = [asyncio.create_task(worker(i)) for i in range(workers)] + [asyncio.create_task(stream())]
    try:
        wait: float | None = await asyncio.wait_for(asyncio.shield(started), limit_s)
    except TimeoutError:
        wait = None
    stop.set()
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - t0
    async with engine.connect() as conn:
        left = int((await conn.execute(sa.text("SELECT count(*) FROM generation.jobs WHERE state = 1"))).scalar_one())
    return Flood(wait, claimed, claimed / elapsed, left, elapsed)


async def main_async(args: argparse.Namespace) -> None:
    infra = None
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        infra = EmbeddedInfra(Path(tempfile.mkdtemp(prefix="drishya-aging-")))
        url = (await asyncio.to_thread(infra.start, redis=False, nats=False)).database_url
    engine = create_engine(url)
    try:
        await JobStore(engine).migrate()
        await claim_query(engine, args.rows, args.step)
        work_s = args.work_ms / 1000
        print(
            f"\n== flood: {args.queued} pro jobs queued, then 1 free job, then pro jobs at {args.overload}x "
            f"capacity; {args.workers} workers x {args.work_ms} ms; aging step {args.step} s =="
        )
        aged = await flood(engine, args.step, args.workers, work_s, args.queued, args.overload, 60.0)
        drain = args.queued / aged.throughput if aged.throughput else 0.0
        bound = plans.start_bound_s(FREE, args.step, drain_s=drain + work_s)
        print(
            f"-- with aging: free job started after {aged.free_wait_s:.2f} s"
            if aged.free_wait_s is not None
            else "-- with aging: free job NOT started within 60 s"
        )
        print(
            f"   bound: (9 - {FREE}) x {args.step} s = {plans.aging_bound_s(FREE, args.step):.2f} s to reach 9"
            f" + {drain:.2f} s to drain the {args.queued} older jobs at the measured {aged.throughput:.0f} jobs/s"
            f" + {work_s:.3f} s for a worker = {bound:.2f} s"
        )
        print(f"   claimed {aged.claimed} jobs in {aged.elapsed_s:.1f} s; {aged.queue_at_end} still queued")
        limit = 3 * bound
        starved = await flood(engine, 1e6, args.workers, work_s, args.queued, args.overload, limit)
        print(
            f"-- without aging: free job started after {starved.free_wait_s:.2f} s"
            if starved.free_wait_s is not None
            else f"-- without aging: free job NOT started within {limit:.1f} s (3x the bound);"
            f" {starved.claimed} pro jobs claimed, {starved.queue_at_end} still queued"
        )
        await clear(engine)
    finally:
        await engine.dispose()
        if infra is not None:
            await asyncio.to_thread(infra.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", type=float, default=0.5, help="aging step in seconds")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--work-ms", type=float, default=20.0)
    parser.add_argument("--queued", type=int, default=200)
    parser.add_argument("--overload", type=float, default=1.5)
    parser.add_argument("--rows", type=int, default=10_000)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
