"""The supervised mesh as a subprocess, faults to inject, and what to measure while it recovers.

Used by the chaos tests and by ``benchmarks/recovery.py``. :class:`SupervisedMesh` runs the real
``drishya up`` (``python -m services.cli.main up``) on free ports in a data directory of its
own, with a short lease (5 s), one worker process and a 3 s first restart delay, so that each
outage lasts long enough for the health probes to see it. :class:`HealthLog` polls the
gateway's ``/healthz`` every 0.1 s and keeps each change; :func:`follow_job` watches a job over
gRPC ``WatchJob``, reconnecting from its last sequence whenever the stream breaks.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as svc_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as svc_grpc
from services.generation import jobs
from services.mesh import config as mc
from services.mesh.channels import channel
from services.mesh.infra import free_port

SCENE = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది."
OWNER = "chaos-owner"


@dataclass
class SupervisedMesh:
    """``drishya up`` in a subprocess; :meth:`start` waits until it says it is up."""

    data_dir: Path
    ports: dict[str, int] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    """More settings for every child (e.g. ``DRISHYA_MEDIA_URL`` and ``AWS_*`` for object storage)."""

    def __post_init__(self) -> None:
        if not self.ports:
            self.ports = {name: free_port() for name in (*mc.DEFAULT_PORTS, "nats")}

    @property
    def env(self) -> dict[str, str]:
        """The supervisor's environment: ports, data directory, a short lease, one worker."""
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "NATS_URL")}
        env.update({mc.DEFAULT_PORTS[name][0]: str(p) for name, p in self.ports.items() if name in mc.DEFAULT_PORTS})
        env.update(
            {
                "DRISHYA_NATS_PORT": str(self.ports["nats"]),
                "DRISHYA_DATA_DIR": str(self.data_dir),
                "DRISHYA_LEASE_S": "5",
                "DRISHYA_RETRY_BACKOFF_S": "0.5",
                "DRISHYA_WORKER_PROCESSES": "1",
                "DRISHYA_RESTART_BASE_S": "3",
                "DRISHYA_API_KEY": "",
                **self.extra_env,
            }
        )
        return env

    @property
    def gateway_url(self) -> str:
        """The gateway's base URL."""
        return f"http://127.0.0.1:{self.ports['gateway']}"

    @property
    def generation_addr(self) -> str:
        """The generation service's gRPC address."""
        return f"127.0.0.1:{self.ports['generation']}"

    def log_text(self) -> str:
        """What the supervisor has written so far."""
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    async def start(self, timeout_s: float = 240.0) -> None:
        """Start the supervisor; raises ``RuntimeError`` with its log when it is not up in time."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = self.data_dir / f"supervisor-{int(time.time() * 1000)}.log"
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.cli.main", "up"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout_s
        while "Drishya is up" not in self.log_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill_supervisor()
                raise RuntimeError(f"drishya up did not start:\n{self.log_text()[-4000:]}")
            await asyncio.sleep(0.2)

    def pid_of(self, child: str) -> int:
        """The pid of a supervised child, from its pid file."""
        return int((self.data_dir / "run" / f"{child}.pid").read_text().split()[0])

    def kill(self, child: str) -> int:
        """``kill -9`` a supervised child; returns its pid."""
        pid = self.pid_of(child)
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_supervisor(self) -> None:
        """``kill -9`` the supervisor itself."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    async def stop(self, timeout_s: float = 60.0) -> int | None:
        """SIGTERM the supervisor and wait for it; returns its exit status."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while self.proc.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            self.kill_supervisor()
        return self.proc.returncode


@dataclass
class HealthLog:
    """Changes of the gateway's ``/healthz`` state (ok, degraded, down, unreachable) over time."""

    url: str
    changes: list[tuple[float, str, str]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    @property
    def state(self) -> str:
        """The last state seen."""
        return self.changes[-1][1] if self.changes else "unknown"

    async def _poll(self) -> None:
        async with httpx.AsyncClient(timeout=2.0) as client:
            while True:
                try:
                    r = await client.get(f"{self.url}/healthz")
                    body = r.json()
                    state, detail = str(body.get("status")), ",".join(body.get("degraded", []))
                    if r.status_code == 503:
                        state, detail = "down", str(body.get("checks", {}))
                except (httpx.HTTPError, ValueError):
                    state, detail = "unreachable", ""
                if state != self.state:
                    self.changes.append((time.monotonic(), state, detail))
                await asyncio.sleep(0.1)

    def start(self) -> None:
        """Start polling on the running loop."""
        self._task = asyncio.create_task(self._poll())

    async def stop(self) -> None:
        """Stop polling."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def seen(self, state: str, since: float) -> bool:
        """Whether the state was ``state`` at some moment after ``since``."""
        return any(s == state for t, s, _ in self.changes if t >= since) or (self.state == state and bool(self.changes))

    def back_ok_after(self, since: float) -> float | None:
        """Seconds from ``since`` until health was ok again after its last bad state, or None."""
        bad = [t for t, s, _ in self.changes if t >= since and s != "ok"]
        if not bad:
            return 0.0 if self.state == "ok" else None
        oks = [t for t, s, _ in self.changes if t > bad[-1] and s == "ok"]
        return oks[0] - since if oks else None

    async def wait_for(self, state: str, timeout_s: float = 120.0) -> None:
        """Wait until the current state is ``state``; raises ``TimeoutError``."""
        async with asyncio.timeout(timeout_s):
            while self.state != state:
                await asyncio.sleep(0.05)


async def create_job(addr: str, text: str = SCENE) -> str:
    """Create a job over gRPC (retrying while the mesh is restarting); returns its id."""
    async with asyncio.timeout(120):
        while True:
            try:
                async with channel(addr) as ch:
                    resp = await svc_grpc.GenerationServiceStub(ch).CreateJob(
                        # enterprise: 50 active jobs, so the chaos runs are limited by faults, not by a plan
                        svc_pb2.CreateJobRequest(
                            owner_id=OWNER, request_id=str(uuid.uuid4()), text=text, plan="enterprise"
                        ),
                        timeout=30,
                    )
                return str(resp.job.job_id)
            except grpc.aio.AioRpcError:
                await asyncio.sleep(0.5)


@dataclass
class Followed:
    """Every event a watcher received, and when the job ended."""

    events: list[gen_pb2.JobEvent] = field(default_factory=list)
    reconnects: int = 0
    ended_at: float | None = None

    @property
    def sequences(self) -> list[int]:
        """The sequence numbers in the order received."""
        return [e.sequence for e in self.events]


async def follow_job(
    addr: str, job_id: str, into: Followed, on_event: Callable[[gen_pb2.JobEvent], None] | None = None
) -> Followed:
    """Watch ``job_id`` until a terminal event, resuming after the last sequence when the stream breaks."""
    while True:
        after = into.events[-1].sequence if into.events else 0
        try:
            async with channel(addr) as ch:
                stream = svc_grpc.GenerationServiceStub(ch).WatchJob(
                    svc_pb2.WatchJobRequest(owner_id=OWNER, job_id=job_id, after_sequence=after), timeout=600
                )
                async for resp in stream:
                    into.events.append(resp.event)
                    if on_event is not None:
                        on_event(resp.event)
                    if resp.event.state in jobs.TERMINAL and resp.event.type == gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED:
                        into.ended_at = time.monotonic()
                        return into
        except grpc.aio.AioRpcError:
            into.reconnects += 1
            await asyncio.sleep(0.5)


@dataclass
class Recovery:
    """One fault's outcome: what the health probe saw, when the job made progress again, when it finished."""

    fault: str
    health_back_s: float | None
    resumed_s: float | None
    job_done_s: float | None
    states: list[str]
    final_state: int
    sequences: list[int]
    messages: list[str]
    reconnects: int

    def line(self) -> str:
        """A row of the recovery table."""

        def f(v: float | None) -> str:
            return "-" if v is None else f"{v:.1f}"

        times = f"{f(self.health_back_s):>16} {f(self.resumed_s):>16} {f(self.job_done_s):>17}"
        return f"{self.fault:<28} {times}   {' > '.join(self.states) or 'ok'}"


HEADER = f"{'fault':<28} {'health back (s)':>16} {'job resumed (s)':>16} {'job finished (s)':>17}   health seen"


async def run_fault(
    mesh: SupervisedMesh,
    fault: str,
    inject: Callable[[], object],
    *,
    after: Callable[[], object] | None = None,
) -> Recovery:
    """Create a job, inject the fault at its first rendered shot, follow it to its end.

    ``inject`` runs when the first SHOT_RENDERED event arrives; ``after`` (optional, may be a
    coroutine function) right after it, e.g. to start the supervisor again. Times are from the
    fault. Waits at the end until health is ok again.
    """
    health = HealthLog(mesh.gateway_url)
    health.start()
    try:
        await health.wait_for("ok")
        job_id = await create_job(mesh.generation_addr)
        followed = Followed()
        fault_at: list[float] = []
        mid_render = asyncio.Event()
        resumed_at: list[float] = []

        def on_event(e: gen_pb2.JobEvent) -> None:
            if e.type == gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED and not mid_render.is_set():
                mid_render.set()
            elif fault_at and not resumed_at and e.type != gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED:
                resumed_at.append(time.monotonic())  # the first progress after the fault

        watcher = asyncio.create_task(follow_job(mesh.generation_addr, job_id, followed, on_event))
        async with asyncio.timeout(300):
            await asyncio.wait([watcher, asyncio.create_task(mid_render.wait())], return_when=asyncio.FIRST_COMPLETED)
        assert mid_render.is_set(), "the job ended before its first shot was rendered"
        fault_at.append(time.monotonic())
        inject()
        if after is not None:
            out = after()
            if asyncio.iscoroutine(out):
                await out
        async with asyncio.timeout(300):
            await watcher
        await health.wait_for("ok")
        t0 = fault_at[0]
        return Recovery(
            fault=fault,
            health_back_s=health.back_ok_after(t0),
            resumed_s=resumed_at[0] - t0 if resumed_at else None,
            job_done_s=None if followed.ended_at is None else followed.ended_at - t0,
            states=[s + (f"({d})" if d and s == "degraded" else "") for t, s, d in health.changes if t >= t0],
            final_state=followed.events[-1].state,
            sequences=followed.sequences,
            messages=[e.message for e in followed.events],
            reconnects=followed.reconnects,
        )
    finally:
        await health.stop()
