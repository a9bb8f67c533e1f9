"""Load on the edge: submissions per second until backpressure, and SSE fan-out (not a test).

    .venv/bin/python benchmarks/load.py [--watchers 1000] [--events 20] [--keys 60] [--skip-recovery]

Starts embedded PostgreSQL, Redis and NATS, the language service, a generation service with no
workers (so the queue only fills) and the gateway as its own process (``python -m
services.gateway``, so its memory is measured alone), then:

1. **Submissions until backpressure.** ``--keys`` keys submit at once, each until refused; the
   global queue limit (1,000) ends the run with 503 QUEUE_FULL. Prints accepted submissions per
   second, the refusals by reason, and any other 5xx (there must be none).
2. **Rate limit.** One key fires 40 submissions at once against a gateway limit of 10 per burst:
   prints how many were accepted and that the rest got 429 RATE_LIMITED with Retry-After.
3. **SSE fan-out.** ``--watchers`` clients connect at once to one job's event stream; then a
   stand-in worker (the real JobStore and EventBus, no rendering) takes the job through
   ``--events`` progress events to SUCCEEDED, 50 ms apart. Prints connect errors, how many watchers
   saw every event in order, first-event latency p50/p99 (from connect to the first event),
   final-event spread p50/p99 (from the final event's publication to its arrival), and the
   gateway's resident memory before and at its peak.
4. **Recovery.** Runs ``benchmarks/recovery.py``'s ``main()`` when that file exists.

Figures depend on the machine and what else runs on it (two shared cores here).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import httpx  # noqa: E402
import sqlalchemy as sa  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drishya.generation.v1 import generation_pb2 as gen_pb2  # noqa: E402
from services.gateway.keys import create_api_key, migrate_gateway  # noqa: E402
from services.generation.adapters.events import EventBus  # noqa: E402
from services.generation.adapters.store import JobStore  # noqa: E402
from services.generation.config import GenerationConfig  # noqa: E402
from services.generation.server import create_server as generation_server  # noqa: E402
from services.language.config import LanguageConfig  # noqa: E402
from services.language.server import create_server as language_server  # noqa: E402
from services.mesh.db import create_engine  # noqa: E402
from services.mesh.infra import EmbeddedInfra, InfraUrls, free_port  # noqa: E402

SCENE = "a girl dances in the rain in front of an old temple at dusk"


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Gateway:
    """The gateway in its own process."""

    def __init__(self, urls: InfraUrls, generation_addr: str, data_dir: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "services.gateway"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": urls.database_url,
                "REDIS_URL": urls.redis_url,
                "DRISHYA_GENERATION_ADDR": generation_addr,
                "DRISHYA_GATEWAY_PORT": str(self.port),
                "DRISHYA_DATA_DIR": str(data_dir),
                "DRISHYA_API_KEY": "",
                **env,
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def ready(self) -> None:
        async with httpx.AsyncClient() as c:
            for _ in range(300):
                try:
                    if (await c.get(self.url + "/healthz")).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError("the gateway did not become ready")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def submissions(gw: Gateway, keys: list[str]) -> None:
    """Phase 1: every key submits until refused; the global limit ends it."""
    counts: dict[str, int] = {}
    accepted_at: list[float] = []
    t0 = time.perf_counter()
    limits = httpx.Limits(max_connections=len(keys) + 8)
    async with httpx.AsyncClient(base_url=gw.url, timeout=60, limits=limits) as c:

        async def one(key: str) -> None:
            while True:
                r = await c.post("/v1/jobs", json={"text": SCENE}, headers={"Authorization": f"Bearer {key}"})
                label = str(r.status_code) if r.status_code < 300 else f"{r.status_code} {r.json().get('reason')}"
                counts[label] = counts.get(label, 0) + 1
                if r.status_code != 201:
                    return
                accepted_at.append(time.perf_counter())

        await asyncio.gather(*(one(k) for k in keys))
    elapsed = (max(accepted_at) if accepted_at else time.perf_counter()) - t0
    other_5xx = sum(n for label, n in counts.items() if label.startswith("5") and "QUEUE_FULL" not in label)
    print("\n1. submissions until backpressure")
    print(
        f"   {len(keys)} keys at once: {len(accepted_at)} accepted in {elapsed:.2f} s = "
        f"{len(accepted_at) / elapsed:.0f} submissions/s"
    )
    print(f"   answers: {dict(sorted(counts.items()))}; other 5xx: {other_5xx}")


async def rate_limit(gw: Gateway, key: str) -> None:
    """Phase 2: 40 submissions of one key at once against a burst of 10."""
    async with httpx.AsyncClient(base_url=gw.url, timeout=60, headers={"Authorization": f"Bearer {key}"}) as c:
        answers = await asyncio.gather(*(c.post("/v1/jobs", json={"text": SCENE}) for _ in range(40)))
    codes = [r.status_code for r in answers]
    limited = [r for r in answers if r.status_code == 429]
    print("\n2. rate limit (burst 10, 30/min)")
    print(
        f"   40 at once: {codes.count(201)} accepted, {len(limited)} got 429; Retry-After "
        f"{sorted({r.headers.get('retry-after') for r in limited})}, RateLimit-Policy "
        f"{sorted({r.headers.get('ratelimit-policy') for r in limited})}"
    )


@dataclass
class Watcher:
    start: float = 0.0
    error: str = ""
    times: dict[int, float] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)


async def watch(port: int, path: str, key: str, w: Watcher) -> None:
    """A minimal SSE client over one HTTP/1.1 connection (chunked framing skipped line by line)."""
    w.start = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        status = await reader.readline()
        if b" 200 " not in status:
            w.error = status.decode(errors="replace").strip()
            writer.close()
            return
        while True:
            line = await reader.readline()
            if not line or line == b"0\r\n":
                break
            if line.startswith(b"id: "):
                seq = int(line[4:])
                w.times.setdefault(seq, time.perf_counter())
                w.order.append(seq)
        writer.close()
    except (OSError, ValueError) as exc:
        w.error = type(exc).__name__


async def fanout(gw: Gateway, urls: InfraUrls, key: str, n_watchers: int, n_events: int) -> None:
    """Phase 3: ``n_watchers`` watchers of one job, then the job runs to its end."""
    async with httpx.AsyncClient(base_url=gw.url, timeout=60, headers={"Authorization": f"Bearer {key}"}) as c:
        job_id = (await c.post("/v1/jobs", json={"text": SCENE})).json()["job_id"]
    engine = create_engine(urls.database_url)
    store, bus = JobStore(engine), await EventBus.connect(urls.nats_url)
    base_rss = rss_mb(gw.proc.pid)
    peak = [base_rss]
    sampling = True

    async def sample() -> None:
        while sampling:
            peak[0] = max(peak[0], rss_mb(gw.proc.pid))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    watchers = [Watcher() for _ in range(n_watchers)]
    tasks = [asyncio.create_task(watch(gw.port, f"/v1/jobs/{job_id}/events", key, w)) for w in watchers]
    deadline = time.perf_counter() + 60
    while time.perf_counter() < deadline and not all(w.times or w.error for w in watchers):
        await asyncio.sleep(0.05)
    connected_rss = rss_mb(gw.proc.pid)

    async def emit(**changes: object) -> None:
        event = await store.emit(uuid_of(job_id), "bench-worker", **changes)  # type: ignore[arg-type]
        await bus.publish(event)

    claimed = await store.claim("bench-worker", 120)
    assert claimed is not None and str(claimed[0].job_id) == job_id, "the benchmark job is the only one queued"
    await bus.publish(claimed[1])
    for i in range(n_events):
        await asyncio.sleep(0.05)
        await emit(
            type_=gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED,
            message=f"shot {i + 1}",
            stage=gen_pb2.STAGE_RENDER,
            progress=round(0.1 + 0.8 * i / n_events, 3),
            shot_index=i,
        )
    await asyncio.sleep(0.05)
    result = gen_pb2.JobResult(
        mp4_key=f"jobs/{job_id}/video.mp4",
        hls_master_key=f"jobs/{job_id}/hls/master.m3u8",
        poster_key=f"jobs/{job_id}/poster.jpg",
        duration_ms=6000,
    )
    final_pub = time.perf_counter()
    await emit(
        type_=gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED,
        message="job succeeded",
        state=gen_pb2.JOB_STATE_SUCCEEDED,
        progress=1.0,
        result=result,
    )
    await asyncio.wait(tasks, timeout=60)
    sampling = False
    await sampler
    final_seq = n_events + 3
    expected = list(range(1, final_seq + 1))
    errors = [w.error for w in watchers if w.error]
    complete = sum(1 for w in watchers if w.order == expected)
    first = [min(w.times.values()) - w.start for w in watchers if w.times]
    final = [w.times[final_seq] - final_pub for w in watchers if final_seq in w.times]
    print(f"\n3. SSE fan-out: {n_watchers} watchers of one job, {final_seq} events")
    print(f"   connect errors: {len(errors)} {sorted(set(errors))[:3]}; every event in order: {complete}/{n_watchers}")
    print(
        f"   first event after connect: p50 {pct(first, 0.5) * 1000:.0f} ms, p99 {pct(first, 0.99) * 1000:.0f} ms, "
        f"max {max(first, default=float('nan')) * 1000:.0f} ms"
    )
    print(
        f"   final event after publication: p50 {pct(final, 0.5) * 1000:.0f} ms, "
        f"p99 {pct(final, 0.99) * 1000:.0f} ms (spread p99-p0 "
        f"{(pct(final, 0.99) - min(final, default=0.0)) * 1000:.0f} ms)"
    )
    print(
        f"   gateway RSS: {base_rss:.0f} MiB before, {connected_rss:.0f} MiB with all connected, "
        f"peak {peak[0]:.0f} MiB (growth {peak[0] - base_rss:.0f} MiB)"
    )
    await bus.close()
    await engine.dispose()


def uuid_of(job_id: str) -> object:
    import uuid

    return uuid.UUID(job_id)


async def clear_jobs(urls: InfraUrls) -> None:
    engine = create_engine(urls.database_url)
    async with engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM generation.jobs"))
    await engine.dispose()


async def main_async(args: argparse.Namespace) -> None:
    data = Path(tempfile.mkdtemp(prefix="drishya-load-"))
    infra = EmbeddedInfra(data, env={k: v for k, v in os.environ.items() if not k.endswith("_URL")})
    urls = await asyncio.to_thread(infra.start)
    servers = []
    gateways: list[Gateway] = []
    try:
        lang = await language_server(LanguageConfig(port=0), redis_url=urls.redis_url)
        servers.append(lang)
        gen = await generation_server(
            GenerationConfig(
                port=0,
                media_root=data / "media",
                language_addr=f"127.0.0.1:{lang.port}",
                analysis_addr="127.0.0.1:9",
                prompt_addr="127.0.0.1:9",
                moderation_addr="127.0.0.1:9",
                delivery_addr="127.0.0.1:9",
                workers=0,
                max_queued_per_owner=20,  # the figures' setting before plans; free keys get 2
            ),
            database_url=urls.database_url,
            nats_url=urls.nats_url,
        )
        servers.append(gen)
        engine = create_engine(urls.database_url)
        await migrate_gateway(engine)
        keys = [(await create_api_key(engine, f"load-{i}"))[1] for i in range(args.keys + 2)]
        await engine.dispose()
        addr = f"127.0.0.1:{gen.port}"
        fast = Gateway(urls, addr, data, DRISHYA_RATE_LIMIT_BURST="100000", DRISHYA_RATE_LIMIT_PER_MINUTE="1000000")
        limited = Gateway(urls, addr, data, DRISHYA_RATE_LIMIT_BURST="10", DRISHYA_RATE_LIMIT_PER_MINUTE="30")
        gateways += [fast, limited]
        await fast.ready()
        await limited.ready()
        await submissions(fast, keys[: args.keys])
        await clear_jobs(urls)
        await rate_limit(limited, keys[-2])
        await clear_jobs(urls)
        await fanout(fast, urls, keys[-1], args.watchers, args.events)
    finally:
        for g in gateways:
            g.stop()
        for s in reversed(servers):
            await s.stop(1.0)
        await asyncio.to_thread(infra.stop)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--watchers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--keys", type=int, default=60)
    parser.add_argument("--skip-recovery", action="store_true")
    args = parser.parse_args()
    asyncio.run(main_async(args))
    recovery = Path(__file__).with_name("recovery.py")
    if recovery.exists() and not args.skip_recovery:
        spec = importlib.util.spec_from_file_location("recovery", recovery)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print("\n4. recovery (benchmarks/recovery.py)")
        module.main()
    elif not recovery.exists():
        print("\n4. recovery: benchmarks/recovery.py is not in this tree")


if __name__ == "__main__":
    main()
