"""The generation service's metrics and spans: jobs, the queue, stages, render providers, the outbox.

Recorded as work happens (prometheus-client's default registry, served by ``services.mesh.metrics``):

* ``drishya_job_stage_duration_seconds{stage}``: wall time of each stage run by a worker (a span
  ``stage <name>`` each, in the job's trace);
* ``drishya_render_realtime_factor``: video seconds per wall second of the render stage (above 1:
  faster than real time);
* ``drishya_provider_calls_total{provider,outcome}`` and ``drishya_provider_call_duration_seconds{provider}``:
  calls to render providers (a span ``provider <name>`` each), outcome ``ok``, ``transient_error``
  (retried, then fallen back from), ``rejected``, ``refused`` (safety), ``error`` or ``cancelled``;
* ``drishya_render_cost_usd_total{provider}``: what rendered shots cost (the budgets' spending);
* ``drishya_job_attempts_total{outcome}``: attempts ended by a worker: ``succeeded``, ``in_review``
  (made and held for review), ``blocked``, ``retried``, ``dead_letter``, ``failed``, ``stopped``
  (cancelled or lease lost), ``interrupted`` (the database failed; the job resumes).

Read on each scrape (:class:`GenerationCollector`, one query of the job store, under 2 s or skipped):

* ``drishya_jobs{state}``: jobs ``queued``, ``running`` and ``dead_letter`` now;
* ``drishya_queue_depth{priority}``: queued jobs by priority (0-9);
* ``drishya_jobs_lease_expired``: running jobs whose lease has lapsed (a worker died or stalls);
* ``drishya_outbox_unpublished`` and ``drishya_outbox_oldest_unpublished_age_seconds``: events
  committed but not yet on NATS, and the age of the oldest (the relay's lag);
* ``drishya_provider_breaker_state{provider,state}``: 1 for each provider's breaker state now
  (``closed``, ``open``, ``half_open``), 0 for the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from opentelemetry.trace import Status, StatusCode
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.mesh import telemetry

log = logging.getLogger(__name__)
_tracer = telemetry.tracer(__name__)

STAGE_DURATION = Histogram(
    "drishya_job_stage_duration_seconds",
    "Wall time of one run of a job stage.",
    ["stage"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
RENDER_RTF = Histogram(
    "drishya_render_realtime_factor",
    "Video seconds rendered per wall second of the render stage.",
    buckets=(0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10),
)
PROVIDER_CALLS = Counter("drishya_provider_calls", "Calls to render providers, by outcome.", ["provider", "outcome"])
PROVIDER_DURATION = Histogram(
    "drishya_provider_call_duration_seconds",
    "Wall time of one call to a render provider.",
    ["provider"],
    buckets=(0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900),
)
RENDER_COST = Counter("drishya_render_cost_usd", "US dollars of rendered shots.", ["provider"])
JOB_ATTEMPTS = Counter("drishya_job_attempts", "Job attempts ended by a worker, by outcome.", ["outcome"])

BREAKER_STATES = ("closed", "open", "half_open")


def stage_label(stage_name: str) -> str:
    """``"STAGE_MODERATE_TEXT"`` → ``"moderate_text"``."""
    return stage_name.removeprefix("STAGE_").lower()


@dataclass
class Timing:
    """Seconds a block took (set when it ends)."""

    seconds: float = 0.0


@contextlib.contextmanager
def stage(stage_name: str, job_id: str = "") -> Iterator[Timing]:
    """A span ``stage <name>`` around one stage run, observed into ``drishya_job_stage_duration_seconds``
    (on failure too). ``stage_name`` is the enum name (``STAGE_RENDER``)."""
    label = stage_label(stage_name)
    timing = Timing()
    start = time.perf_counter()
    with _tracer.start_as_current_span(f"stage {label}", attributes={"drishya.stage": label, "drishya.job_id": job_id}):
        try:
            yield timing
        finally:
            timing.seconds = time.perf_counter() - start
            STAGE_DURATION.labels(label).observe(timing.seconds)


def observe_render(video_ms: int, seconds: float) -> None:
    """Record the render stage's real-time factor: ``video_ms`` of video made in ``seconds``."""
    if video_ms > 0 and seconds > 0:
        RENDER_RTF.observe(video_ms / 1000 / seconds)


def outcome_of(exc: BaseException | None) -> str:
    """The ``outcome`` label of a provider call that raised ``exc`` (None: it succeeded)."""
    from services.render.providers import is_transient
    from services.render.types import ProviderRejected, SafetyRefusal

    if exc is None:
        return "ok"
    if isinstance(exc, asyncio.CancelledError):
        return "cancelled"
    if isinstance(exc, SafetyRefusal):
        return "refused"
    if isinstance(exc, ProviderRejected):
        return "rejected"
    return "transient_error" if is_transient(exc) else "error"


@contextlib.asynccontextmanager
async def provider_call(provider: str, shot_index: int) -> AsyncIterator[None]:
    """A span ``provider <name>`` around one call, counted in ``drishya_provider_calls_total`` by outcome."""
    start = time.perf_counter()
    attributes: dict[str, str | int] = {"drishya.provider": provider, "drishya.shot_index": shot_index}
    with _tracer.start_as_current_span(f"provider {provider}", attributes=attributes) as span:
        failure: BaseException | None = None
        try:
            yield
        except BaseException as exc:
            failure = exc
            raise
        finally:
            outcome = outcome_of(failure)
            span.set_attribute("drishya.outcome", outcome)
            if failure is not None and outcome != "cancelled":
                span.set_status(Status(StatusCode.ERROR, type(failure).__name__))
            PROVIDER_CALLS.labels(provider, outcome).inc()
            PROVIDER_DURATION.labels(provider).observe(time.perf_counter() - start)


def record_cost(provider: str, usd: float) -> None:
    """Count ``usd`` spent on a shot made by ``provider``."""
    if usd > 0:
        RENDER_COST.labels(provider).inc(usd)


@dataclass(frozen=True)
class QueueStats:
    """The job store's counts at one moment: see the module doc for each."""

    queued_by_priority: Mapping[int, int] = field(default_factory=dict)
    running: int = 0
    dead_letter: int = 0
    lease_expired: int = 0
    outbox_unpublished: int = 0
    outbox_oldest_s: float = 0.0


class StatsSource(Protocol):
    """The job store as the collector sees it."""

    async def queue_stats(self) -> QueueStats:
        """The counts now; raises when the database does not answer."""


class GenerationCollector(Collector):
    """Reads the job store's counts and the breakers on each scrape.

    One per process (:data:`COLLECTOR`); the generation server attaches its store, its event loop
    and its breakers' states (the last attached that is still attached wins: a server stopped in a
    process that runs several, as tests do, hands the report back to the one before). The scrape
    runs in the metrics server's thread: the query runs on the attached loop, and a scrape from that
    loop's own thread (or one that takes over ``timeout_s``) reports the breakers only.
    """

    def __init__(self, timeout_s: float = 2.0) -> None:
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._sources: list[tuple[StatsSource | None, asyncio.AbstractEventLoop, Callable[[], Mapping[str, str]]]] = []

    def attach(
        self, store: StatsSource | None, loop: asyncio.AbstractEventLoop, breakers: Callable[[], Mapping[str, str]]
    ) -> Callable[[], None]:
        """Report ``store``'s counts (queried on ``loop``; None: the breakers only, as a worker process
        does, the job counts being the server's) and ``breakers()``; returns the detach call."""
        source = (store, loop, breakers)
        with self._lock:
            self._sources.append(source)

        def detach() -> None:
            with self._lock:
                self._sources = [s for s in self._sources if s is not source]

        return detach

    def _stats(self, store: StatsSource, loop: asyncio.AbstractEventLoop) -> QueueStats | None:
        try:
            if asyncio.get_running_loop() is loop:
                return None  # would wait on itself
        except RuntimeError:
            pass
        try:
            return asyncio.run_coroutine_threadsafe(store.queue_stats(), loop).result(self.timeout_s)
        except Exception as exc:  # the database is away or the loop is gone: leave the counts out
            log.debug("job counts not collected: %s", exc)
            return None

    def collect(self) -> Iterable[Metric]:
        with self._lock:
            source = self._sources[-1] if self._sources else None
        if source is None:
            return []
        store, loop, breakers = source
        out: list[Metric] = []
        states = breakers()
        breaker = GaugeMetricFamily(
            "drishya_provider_breaker_state",
            "1 for the state each render provider's circuit breaker is in now.",
            labels=["provider", "state"],
        )
        for provider, now in sorted(states.items()):
            for s in BREAKER_STATES:
                breaker.add_metric([provider, s], 1.0 if s == now else 0.0)
        out.append(breaker)
        stats = self._stats(store, loop) if store is not None else None
        if stats is None:
            return out
        jobs = GaugeMetricFamily("drishya_jobs", "Jobs queued, running or dead-lettered now.", labels=["state"])
        jobs.add_metric(["queued"], float(sum(stats.queued_by_priority.values())))
        jobs.add_metric(["running"], float(stats.running))
        jobs.add_metric(["dead_letter"], float(stats.dead_letter))
        depth = GaugeMetricFamily("drishya_queue_depth", "Queued jobs by priority (0-9).", labels=["priority"])
        for priority in range(10):
            depth.add_metric([str(priority)], float(stats.queued_by_priority.get(priority, 0)))
        out += [
            jobs,
            depth,
            GaugeMetricFamily(
                "drishya_jobs_lease_expired", "Running jobs whose lease has lapsed.", value=stats.lease_expired
            ),
            GaugeMetricFamily(
                "drishya_outbox_unpublished",
                "Job events committed but not yet on NATS.",
                value=stats.outbox_unpublished,
            ),
            GaugeMetricFamily(
                "drishya_outbox_oldest_unpublished_age_seconds",
                "Age of the oldest job event not yet on NATS (0 when none).",
                value=stats.outbox_oldest_s,
            ),
        ]
        return out


#: The process's collector, registered in the default registry once.
COLLECTOR = GenerationCollector()
REGISTRY.register(COLLECTOR)


def attach(store: StatsSource | None, breakers: Callable[[], Mapping[str, str]]) -> Callable[[], None]:
    """:meth:`GenerationCollector.attach` on the running loop; returns the detach call."""
    return COLLECTOR.attach(store, asyncio.get_running_loop(), breakers)
