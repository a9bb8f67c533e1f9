"""Render providers behind one interface, with retries, a circuit breaker each, and fallback per shot.

The chain tries providers in order: the job's chosen provider first, then the links configured
after it; the local storyboard provider (CPU, always available) is always the last link. A provider
whose breaker is open is skipped; one that fails with a transient error (``ProviderError``: HTTP 429
or 5xx, a timeout, a dropped connection; a dead render process) is retried with exponential backoff
and full jitter (``services.mesh.backoff``), never sooner than the provider's Retry-After; one that
rejects the work (``ProviderRejected``: a workflow error, undecodable output) is not retried; in
both cases the chain then falls back to the next link, and says why. A safety refusal
(``SafetyRefusal``) is a moderation outcome: it is passed on, never retried or fallen back from.
Every call has a deadline (``call_timeout_s``).

The storyboard draws and encodes in separate processes so the service's event loop keeps answering.

Circuit breaker: the closed / open / half-open state machine of M. Nygard, *Release It!* (2007),
ch. 5: ``failure_threshold`` consecutive failures open it; after ``reset_timeout_s`` one trial
call is let through (half-open); its success closes the breaker, its failure opens it again.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from drishya.prompt.v1 import prompt_pb2
from services.mesh.backoff import Backoff
from services.mesh.cpu import available_cpus
from services.mesh.errors import DrishyaError, Unavailable
from services.mesh.heap import keep_freed_memory
from services.mesh.pdeathsig import die_with_parent
from services.render import storyboard
from services.render.types import Price, Progress, ProviderError, ProviderRejected, SafetyRefusal, no_progress

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class CircuitBreaker:
    """Closed / open / half-open breaker; ``clock`` is injectable for tests (seconds)."""

    failure_threshold: int = 3
    reset_timeout_s: float = 30.0
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = None

    @property
    def state(self) -> str:
        """``"closed"``, ``"open"`` or ``"half_open"``."""
        if self.opened_at is None:
            return "closed"
        return "half_open" if self.clock() - self.opened_at >= self.reset_timeout_s else "open"

    def allow(self) -> bool:
        """True when a call may go through now."""
        return self.state != "open"

    def record_success(self) -> None:
        """A call succeeded: close the breaker."""
        self.failures, self.opened_at = 0, None

    def record_failure(self) -> None:
        """A call failed: count it; open (again) at the threshold or after a failed trial."""
        self.failures += 1
        if self.state == "half_open" or self.failures >= self.failure_threshold:
            self.opened_at = self.clock()

    def trip(self) -> None:
        """Open now, whatever the count: the provider cannot serve until ``reset_timeout_s`` passes."""
        self.failures = max(self.failures + 1, self.failure_threshold)
        self.opened_at = self.clock()


class RenderProvider(Protocol):
    """Makes the picture source of one shot (:class:`~services.render.storyboard.ShotSource`): the
    storyboard draws it later, GOP by GOP; a generative provider returns its normalised clip."""

    name: str

    async def render_shot(
        self,
        shot_list: prompt_pb2.ShotList,
        index: int,
        out_dir: Path,
        *,
        subtitles: bool,
        progress: Progress = no_progress,
    ) -> storyboard.ShotSource: ...


class StoryboardProvider:
    """The local storyboard renderer (``services.render.storyboard``): its shots are drawn by the
    render processes while they encode (:meth:`encode_gops`), which also mux the renditions.

    The render processes start on first use (:meth:`start`, or the first call that needs them),
    each warming itself up (:func:`_render_process_ready`), and stop when the pool has been idle
    ``idle_timeout_s`` seconds (0: never), so an idle worker holds none. A render process that
    dies breaks its pool: the pool is dropped (the next call starts another) and the call fails
    as transient (``Unavailable`` RENDER_PROCESS_DIED), so the job's next attempt resumes from its
    checkpoints.

    Args:
        processes: render processes of the pool (at least 1).
        idle_timeout_s: seconds without a call in flight after which the pool stops (0: never).
        encoder_threads: libx264 threads of each encoder when several render processes share the
            cores (0: ``available CPUs // processes``, see :meth:`encode_gops`).
    """

    name = "storyboard"

    def __init__(self, processes: int = 1, *, idle_timeout_s: float = 60.0, encoder_threads: int = 0) -> None:
        self.processes = max(1, processes)
        self.idle_timeout_s = max(0.0, idle_timeout_s)
        self.encoder_threads = encoder_threads or max(1, available_cpus() // self.processes)
        self._pool: ProcessPoolExecutor | None = None
        self._busy = 0
        self._idle_timer: asyncio.TimerHandle | None = None

    @property
    def running(self) -> bool:
        """Whether the render processes are started (or starting)."""
        return self._pool is not None

    def pids(self) -> list[int]:
        """Process ids of the render processes started so far (empty when the pool is stopped)."""
        processes = getattr(self._pool, "_processes", None) or {}  # the pool keeps no public list
        return sorted(processes)

    def start(self) -> None:
        """Start the render processes now, if they are not running, without waiting for them:
        each warms up on a shot of its own while the caller goes on (a worker calls this when it
        claims a job, so the warm-up overlaps the stages before rendering)."""
        self._pool_now()
        self._rearm()

    def _pool_now(self) -> ProcessPoolExecutor:
        """The running pool, or a new one whose processes start at once: one trivial call per
        process makes the pool start them all."""
        if self._pool is None:
            pool = ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_render_process_ready
            )
            for _ in range(self.processes):
                pool.submit(_started)
            self._pool = pool
        return self._pool

    def _rearm(self) -> None:
        """(Re)start the idle countdown on the running loop, if there is one and nothing is in flight."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if self._busy or not self.idle_timeout_s or self._pool is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._idle_timer = loop.call_later(self.idle_timeout_s, self._shrink)

    def _shrink(self) -> None:
        """The idle countdown ran out: stop the pool unless a call came in meanwhile."""
        self._idle_timer = None
        if self._busy or self._pool is None:
            return
        log.info("render processes idle for %.0f s: stopping %d", self.idle_timeout_s, len(self.pids()))
        pool, self._pool = self._pool, None
        pool.shutdown(wait=False, cancel_futures=True)  # idle processes exit on the pool's sentinel

    async def _call(self, fn: Callable[..., T], *args: object) -> T:
        from concurrent.futures.process import BrokenProcessPool

        pool = self._pool_now()
        self._busy += 1
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)
        except BrokenProcessPool as exc:
            if self._pool is pool:
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None  # the next call starts a new pool
            log.warning("a render process died: %s", exc)  # the pool's wording stays in the log
            raise Unavailable("a render process died", reason="RENDER_PROCESS_DIED") from exc
        finally:
            self._busy -= 1
            self._rearm()

    async def render_shot(
        self,
        shot_list: prompt_pb2.ShotList,
        index: int,
        out_dir: Path,
        *,
        subtitles: bool,
        progress: Progress = no_progress,
    ) -> storyboard.ShotSource:
        """The shot's source: nothing to make now, its frames are drawn as its GOPs are encoded."""
        return storyboard.storyboard_source(shot_list, index)

    async def encode_gops(
        self,
        shot_list: prompt_pb2.ShotList,
        sources: dict[int, storyboard.ShotSource],
        gops: Sequence[int],
        out_dir: Path,
        *,
        subtitles: bool,
    ) -> list[storyboard.GopRender]:
        """:func:`services.render.storyboard.encode_gops` on a render process; with several render
        processes each encoder gets ``encoder_threads`` libx264 threads (by default the available
        CPUs, :func:`services.mesh.cpu.available_cpus`, divided among the processes)."""
        data = shot_list.SerializeToString()
        threads = self.encoder_threads if self.processes > 1 else 0
        return await self._call(_encode_gops, data, sources, list(gops), str(out_dir), subtitles, threads)

    async def mux(
        self,
        shot_list: prompt_pb2.ShotList,
        sources: Sequence[storyboard.ShotSource],
        gops: dict[int, storyboard.GopRender],
        out_path: Path,
    ) -> storyboard.AssemblyReport:
        """:func:`services.render.storyboard.mux` on a render process."""
        return await self._call(_mux, shot_list.SerializeToString(), list(sources), gops, str(out_path))

    async def keyframe(self, shot_list: prompt_pb2.ShotList, index: int) -> bytes:
        """The first frame of shot ``index`` without its subtitle, as PNG bytes (a keyframe for an
        image-to-video provider when no image provider is configured)."""
        return await self._call(_keyframe, shot_list.SerializeToString(), index)

    def close(self) -> None:
        """Stop the render processes, killing any still drawing (its GOP is encoded again on resume)."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()


def _render_process_ready() -> None:
    """A render process's start: die with the worker, then warm the renderer on a shot of its own
    (:func:`services.render.storyboard.warm_up`) before the first job; a failure there is logged
    and left for the job to meet."""
    die_with_parent()
    keep_freed_memory()  # frame buffers reused from the heap, not page-faulted in for every frame
    try:
        with tempfile.TemporaryDirectory(prefix="drishya-warm-") as work:
            storyboard.warm_up(Path(work))
    except Exception:  # the warm-up only saves time; the job reports whatever is really wrong
        log.warning("render process warm-up failed", exc_info=True)


def _started() -> int:
    return os.getpid()


def _encode_gops(
    shot_list: bytes,
    sources: dict[int, storyboard.ShotSource],
    gops: list[int],
    out_dir: str,
    subtitles: bool,
    threads: int,
) -> list[storyboard.GopRender]:
    sl = prompt_pb2.ShotList.FromString(shot_list)
    return storyboard.encode_gops(sl, sources, gops, Path(out_dir), subtitles=subtitles, threads=threads)


def _keyframe(shot_list: bytes, index: int) -> bytes:
    import io

    image = storyboard.draw_frame(prompt_pb2.ShotList.FromString(shot_list), index, 0.0, subtitles=False)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _mux(
    shot_list: bytes, sources: list[storyboard.ShotSource], gops: dict[int, storyboard.GopRender], out_path: str
) -> storyboard.AssemblyReport:
    return storyboard.mux(prompt_pb2.ShotList.FromString(shot_list), sources, gops, Path(out_path))


def is_transient(exc: BaseException) -> bool:
    """Whether another try of the same provider may succeed (I/O trouble, a timeout, a dead worker
    process, a provider's 429 or 5xx)."""
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, OSError | BrokenProcessPool | Unavailable | TimeoutError)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What the chain returned: the ``value``, the ``provider`` that made it, and why each provider
    before it was passed over (``fallbacks``: ``"<provider>: <reason>"``, empty without fallback)."""

    value: T
    provider: str
    fallbacks: tuple[str, ...] = ()


@dataclass
class ProviderChain:
    """Providers in order of preference, each with its breaker, retried then fallen back from.

    ``retries``: extra tries of one provider after a transient failure; ``backoff_s``: the ceiling
    of the first retry's delay (doubling after that, capped at ``backoff_cap_s``);
    ``call_timeout_s``: the deadline of one call.
    """

    providers: Sequence[RenderProvider]
    retries: int = 2
    backoff_s: float = 0.5
    backoff_cap_s: float = 30.0
    call_timeout_s: float = 900.0
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    """How the chain waits between tries (replaced in tests to record the delays)."""
    prices: dict[str, Price] = field(default_factory=dict)
    """Each link's price (its keyframe source's per image, its clip provider's per second); free when absent."""

    def __post_init__(self) -> None:
        for p in self.providers:
            self.breakers.setdefault(p.name, CircuitBreaker())

    @property
    def encoder(self) -> StoryboardProvider:
        """The storyboard link (always last): it draws, encodes and muxes every job's GOPs, whoever
        made the shots' sources.

        Raises:
            TypeError: the last link is not a :class:`StoryboardProvider`.
        """
        last = self.providers[-1]
        if not isinstance(last, StoryboardProvider):
            raise TypeError(f"the last link must be the storyboard, not {last.name}")
        return last

    @property
    def names(self) -> list[str]:
        """The links' names, in chain order."""
        return [p.name for p in self.providers]

    def select(self, preferred: str) -> list[RenderProvider]:
        """Providers to try: ``preferred`` (or the storyboard when blank) and the links after it;
        only the last link (the storyboard) when ``preferred`` is not configured here."""
        name = preferred.strip().lower() or "storyboard"
        names = self.names
        if name not in names:
            return list(self.providers[-1:])
        return list(self.providers[names.index(name) :])

    def shot_cost(self, provider: str, seconds: float) -> float:
        """What a shot of ``seconds`` made by link ``provider`` costs, in US dollars."""
        return self.prices.get(provider, Price()).shot(seconds)

    def states(self) -> dict[str, str]:
        """Each provider's breaker state (``closed``, ``open``, ``half_open``)."""
        return {name: b.state for name, b in self.breakers.items()}

    def health_checks(self) -> dict[str, Callable[[], Awaitable[None]]]:
        """A readiness check per provider, named ``render.<provider>``, that fails while its breaker is open."""

        def check_of(name: str) -> Callable[[], Awaitable[None]]:
            async def check() -> None:
                if self.breakers[name].state == "open":
                    raise Unavailable(f"{name} circuit open", reason="CIRCUIT_OPEN", metadata={"provider": name})

            return check

        return {f"render.{name}": check_of(name) for name in self.breakers}

    async def run(self, preferred: str, op: Callable[[RenderProvider], Awaitable[T]]) -> T:
        """Run ``op`` on the first provider that succeeds; see :meth:`run_traced`."""
        return (await self.run_traced(preferred, op)).value

    async def run_traced(self, preferred: str, op: Callable[[RenderProvider], Awaitable[T]]) -> Outcome[T]:
        """Run ``op`` on the first provider that succeeds, and say which one and why others were passed.

        Raises:
            SafetyRefusal: a provider refused the content (no retry, no fallback).
            DrishyaError: a provider's other non-transient error that is not a ``ProviderRejected``,
                passed on as is (no retry, no fallback).
            Unavailable: PROVIDERS_UNAVAILABLE, every provider failed or has an open breaker.
        """
        last: BaseException | None = None
        fallbacks: list[str] = []
        name = preferred.strip().lower()
        if name and name not in self.names:
            fallbacks.append(f"{name}: PROVIDER_NOT_CONFIGURED: not configured in this deployment")
        for provider in self.select(preferred):
            breaker = self.breakers[provider.name]
            if not breaker.allow():
                fallbacks.append(f"{provider.name}: circuit open")
                continue
            backoff = Backoff(base_s=self.backoff_s, cap_s=self.backoff_cap_s, floor_s=0.0, rng=self.rng)
            for attempt in range(self.retries + 1):
                try:
                    async with asyncio.timeout(self.call_timeout_s):
                        out = await op(provider)
                except SafetyRefusal:
                    raise
                except ProviderRejected as exc:
                    breaker.trip() if exc.opens_breaker else breaker.record_failure()
                    last = exc
                    fallbacks.append(f"{provider.name}: {exc.reason}: {exc.message}")
                    break
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    breaker.record_failure()
                    last = exc
                    log.warning("provider %s failed (attempt %d): %s", provider.name, attempt + 1, exc)
                    if attempt < self.retries and breaker.allow():
                        delay = backoff.next_delay()
                        if isinstance(exc, ProviderError) and exc.provider_retry_after_s is not None:
                            delay = max(delay, exc.provider_retry_after_s)
                        await self.sleep(delay)
                        continue
                    reason = exc.reason if isinstance(exc, DrishyaError) else type(exc).__name__
                    detail = exc.message if isinstance(exc, DrishyaError) else str(exc) or "timed out"
                    fallbacks.append(f"{provider.name}: {reason}: {detail}")
                    break
                breaker.record_success()
                return Outcome(out, provider.name, tuple(fallbacks))
        raise Unavailable(
            f"no render provider succeeded: {last}",
            reason="PROVIDERS_UNAVAILABLE",
            metadata={"providers": ",".join(p.name for p in self.providers), "fallbacks": "; ".join(fallbacks)[:1000]},
            retry_after_s=30.0,
        )
