"""Render providers behind one interface, with retries, a circuit breaker each, and fallback.

The chain tries providers in order. A provider whose breaker is open is skipped; one that fails
with a transient error is retried (exponential backoff) before the chain falls back to the next.
The local storyboard provider (CPU, always available) renders in a separate process so the
service's event loop keeps answering while a shot is drawn and encoded.

Circuit breaker: the closed / open / half-open state machine of M. Nygard, *Release It!* (2007),
ch. 5: ``failure_threshold`` consecutive failures open it; after ``reset_timeout_s`` one trial
call is let through (half-open); its success closes the breaker, its failure opens it again.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from drishya.prompt.v1 import prompt_pb2
from services.mesh.errors import Unavailable
from services.mesh.pdeathsig import die_with_parent
from services.render import storyboard

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


class RenderProvider(Protocol):
    """Renders shots of a shot list and assembles them into one video."""

    name: str

    async def render_shot(
        self,
        shot_list: prompt_pb2.ShotList,
        index: int,
        out_dir: Path,
        *,
        narration: bool,
        subtitles: bool,
    ) -> storyboard.ShotRender: ...

    async def assemble(
        self,
        shot_list: prompt_pb2.ShotList,
        renders: Sequence[storyboard.ShotRender],
        out_path: Path,
    ) -> storyboard.AssemblyReport: ...


class StoryboardProvider:
    """The local storyboard renderer (``services.render.storyboard``), run in worker processes."""

    name = "storyboard"

    def __init__(self, processes: int = 1) -> None:
        self._pool: Executor = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent
        )

    async def render_shot(
        self,
        shot_list: prompt_pb2.ShotList,
        index: int,
        out_dir: Path,
        *,
        narration: bool,
        subtitles: bool,
    ) -> storyboard.ShotRender:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool,
            _render_shot,
            shot_list.SerializeToString(),
            index,
            str(out_dir),
            narration,
            subtitles,
        )

    async def assemble(
        self,
        shot_list: prompt_pb2.ShotList,
        renders: Sequence[storyboard.ShotRender],
        out_path: Path,
    ) -> storyboard.AssemblyReport:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._pool,
            _assemble,
            shot_list.SerializeToString(),
            list(renders),
            str(out_path),
        )

    def close(self) -> None:
        """Stop the worker processes."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _render_shot(shot_list: bytes, index: int, out_dir: str, narration: bool, subtitles: bool) -> storyboard.ShotRender:
    sl = prompt_pb2.ShotList.FromString(shot_list)
    return storyboard.render_shot(sl, index, Path(out_dir), narration=narration, subtitles=subtitles)


def _assemble(shot_list: bytes, renders: list[storyboard.ShotRender], out_path: str) -> storyboard.AssemblyReport:
    return storyboard.assemble(prompt_pb2.ShotList.FromString(shot_list), renders, Path(out_path))


def is_transient(exc: BaseException) -> bool:
    """Whether another try of the same provider may succeed (I/O trouble, a dead worker process)."""
    from concurrent.futures.process import BrokenProcessPool

    return isinstance(exc, OSError | BrokenProcessPool | Unavailable)


@dataclass
class ProviderChain:
    """Providers in order of preference, each with its breaker, retried then fallen back from."""

    providers: Sequence[RenderProvider]
    retries: int = 2
    backoff_s: float = 0.5
    breakers: dict[str, CircuitBreaker] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in self.providers:
            self.breakers.setdefault(p.name, CircuitBreaker())

    def select(self, preferred: str) -> list[RenderProvider]:
        """Providers to try: ``preferred`` first (when named), then the rest."""
        return sorted(self.providers, key=lambda p: p.name != preferred) if preferred else list(self.providers)

    async def run(self, preferred: str, op: Callable[[RenderProvider], Awaitable[T]]) -> T:
        """Run ``op`` on the first provider that succeeds.

        Raises:
            DrishyaError: a provider's non-transient error, passed on as is (no retry, no fallback).
            Unavailable: PROVIDERS_UNAVAILABLE, every provider failed or has an open breaker.
        """
        last: BaseException | None = None
        for provider in self.select(preferred):
            breaker = self.breakers[provider.name]
            if not breaker.allow():
                continue
            for attempt in range(self.retries + 1):
                try:
                    out = await op(provider)
                except Exception as exc:
                    if not is_transient(exc):
                        raise
                    breaker.record_failure()
                    last = exc
                    log.warning("provider %s failed (attempt %d): %s", provider.name, attempt + 1, exc)
                    if attempt < self.retries and breaker.allow():
                        await asyncio.sleep(self.backoff_s * 2**attempt)
                        continue
                    break
                breaker.record_success()
                return out
        raise Unavailable(
            f"no render provider succeeded: {last}",
            reason="PROVIDERS_UNAVAILABLE",
            metadata={"providers": ",".join(p.name for p in self.providers)},
            retry_after_s=30.0,
        )
