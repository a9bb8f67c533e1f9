"""Recovery time of each fault of the supervised mesh, and rendering while NATS does not answer (not a test).

    .venv/bin/python benchmarks/recovery.py

Runs the real ``drishya up`` supervisor as a subprocess (free ports, a temporary data directory,
lease 5 s, one worker process, first restart after 3 s; see tests/chaos/harness.py), then:

1. jobs with no fault and jobs while nats-server is frozen (SIGSTOP: it neither answers nor
   closes connections, the worst kind of outage), alternated three times: median durations by the
   server's clock and as a watcher saw them, and their ratio (the pipeline must not wait on NATS);
2. for each fault, a job killed at its first rendered shot: kill -9 of the worker, PostgreSQL,
   NATS, Redis, and of the supervisor (then started again). The table gives, from the kill,
   the time until ``/healthz`` was ok again after its last bad state (0: it never went bad),
   until the job made progress again, and until it finished, and the health states seen.

Figures depend on the machine and what else runs on it; the restart delay (3 s here, 0.5 s by
default) is part of each infrastructure fault's time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
sys.path.insert(0, str(ROOT))

from drishya.generation.v1 import generation_pb2 as gen_pb2  # noqa: E402
from tests.chaos.harness import (  # noqa: E402
    HEADER,
    Followed,
    HealthLog,
    Recovery,
    SupervisedMesh,
    create_job,
    follow_job,
    run_fault,
)


async def job_times(mesh: SupervisedMesh) -> tuple[float, float]:
    """One job: (seconds from its first to its last event by the server's clock, seconds until a
    watcher received the last event)."""
    t0 = time.monotonic()
    job_id = await create_job(mesh.generation_addr)
    followed = await follow_job(mesh.generation_addr, job_id, Followed())
    assert followed.ended_at is not None and followed.events[-1].state == gen_pb2.JOB_STATE_SUCCEEDED
    first, last = followed.events[0].time.ToDatetime(), followed.events[-1].time.ToDatetime()
    return (last - first).total_seconds(), followed.ended_at - t0


async def frozen_nats_times(mesh: SupervisedMesh) -> tuple[float, float]:
    """Like :func:`job_times` with nats-server stopped (SIGSTOP) throughout; health waits for ok after."""
    pid = mesh.pid_of("nats")
    os.kill(pid, signal.SIGSTOP)
    try:
        return await job_times(mesh)
    finally:
        os.kill(pid, signal.SIGCONT)
        health = HealthLog(mesh.gateway_url)
        health.start()
        await health.wait_for("ok")
        await health.stop()


async def run() -> list[Recovery]:
    """Start the mesh, measure, stop it; prints as it goes."""
    mesh = SupervisedMesh(Path(tempfile.mkdtemp(prefix="drishya-recovery-")))
    await mesh.start()
    rows: list[Recovery] = []
    try:
        await job_times(mesh)  # warm-up: models loaded, first encode done
        normal: list[tuple[float, float]] = []
        frozen: list[tuple[float, float]] = []
        for _ in range(RUNS):  # alternated, so load from elsewhere falls on both
            normal.append(await job_times(mesh))
            frozen.append(await frozen_nats_times(mesh))
        for i, what in ((0, "job, first to last event (server clock)"), (1, "job, submit to last event at a watcher")):
            up, down = statistics.median(r[i] for r in normal), statistics.median(r[i] for r in frozen)
            print(f"{what}: NATS up {up:.2f} s, NATS frozen {down:.2f} s, ratio {down / up:.2f} (medians of {RUNS})")
        faults = [
            ("kill -9 worker", "worker-0"),
            ("kill -9 PostgreSQL", "postgres"),
            ("kill -9 NATS", "nats"),
            ("kill -9 Redis", "redis"),
        ]
        print(HEADER)
        for label, child in faults:
            rows.append(await run_fault(mesh, label, lambda c=child: mesh.kill(c)))  # type: ignore[misc]
            print(rows[-1].line(), flush=True)
        rows.append(await run_fault(mesh, "kill -9 supervisor, restart", mesh.kill_supervisor, after=mesh.start))
        print(rows[-1].line(), flush=True)
    finally:
        await mesh.stop()
        shutil.rmtree(mesh.data_dir, ignore_errors=True)
    return rows


def main() -> None:
    """Print the recovery table (see the module docstring)."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]
    rows = asyncio.run(run())
    bad = [r.fault for r in rows if r.sequences != list(range(1, len(r.sequences) + 1))]
    print("event sequences: " + ("no gap, no duplicate" if not bad else f"BROKEN for {bad}"))


if __name__ == "__main__":
    main()
