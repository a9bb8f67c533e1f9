"""One worker process: ``python -m services.generation.worker_process`` (what ``drishya worker`` runs).

Claims and runs jobs (``DRISHYA_WORKERS`` at a time, default 1) against ``DATABASE_URL``,
``NATS_URL`` and the services' addresses, with no gRPC server of its own. SIGTERM or SIGINT
stops it cleanly: the job in hand keeps its stored progress and its lease is released at once,
so another worker resumes it without waiting for the lease to lapse.

Its render processes (``DRISHYA_RENDER_PROCESSES``) start and warm up with it, for the job that
brought it up, and stop after ``DRISHYA_RENDER_IDLE_S`` seconds (60) without a render; a job
claimed after that starts them again while the stages before rendering run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

from services.generation import metrics as gen_metrics
from services.generation.adapters.clients import Clients
from services.generation.adapters.events import EventBus
from services.generation.adapters.store import JobStore
from services.generation.config import GenerationConfig
from services.generation.pipeline import Pipeline
from services.generation.worker import OutboxRelay, Workers
from services.mesh import metrics, telemetry
from services.mesh.backoff import Backoff
from services.mesh.config import ConfigError, env_str
from services.mesh.db import create_engine
from services.mesh.media_store import store_of
from services.render.config import build_chain
from services.render.providers import StoryboardProvider

log = logging.getLogger("drishya.worker")


async def _connect_bus(url: str, stop: asyncio.Event) -> EventBus | None:
    backoff = Backoff(base_s=0.5, cap_s=5.0)
    while not stop.is_set():
        try:
            return await EventBus.connect(url)
        except Exception as exc:  # NATS restarting: try again
            delay = backoff.next_delay()
            log.warning("NATS not reachable (retrying in %.1f s): %s", delay, type(exc).__name__)
            await asyncio.sleep(delay)
    return None


async def main() -> None:
    """Run workers until SIGTERM/SIGINT; raises ConfigError when DATABASE_URL or NATS_URL is unset."""
    env = os.environ
    database_url, nats_url = env_str(env, "DATABASE_URL", ""), env_str(env, "NATS_URL", "")
    if not database_url or not nats_url:
        raise ConfigError("DATABASE_URL and NATS_URL are required")
    config = GenerationConfig.from_env(env)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    bus = await _connect_bus(nats_url, stop)
    if bus is None:
        return
    engine = create_engine(database_url, pool_size=2)
    store = JobStore(engine, config.aging_step_s)
    clients = Clients.connect(config)
    storyboard = StoryboardProvider(config.render_processes, idle_timeout_s=config.render_idle_s)
    chain = build_chain(config.render, storyboard)
    media = store_of(config.media, config.media_root)
    await asyncio.to_thread(media.check)  # a bucket that is missing, refuses or does not answer stops the start
    pipeline = Pipeline(
        store, clients, chain, config.media_root, config.render_processes, media=media, scratch_root=config.scratch_dir
    )
    workers = Workers(store, OutboxRelay(store, bus), pipeline, config)
    workers.start()
    storyboard.start()  # warm for the job that brought this worker up; stopped after render_idle_s without one
    metrics.watch_event_loop()
    detach_metrics = gen_metrics.attach(None, chain.states)  # this process's breakers (job counts: the server's)
    log.info("%d worker(s) running (pid %d)", config.workers, os.getpid())
    try:
        await stop.wait()
    finally:
        detach_metrics()
        await workers.stop()
        storyboard.close()
        await clients.close()
        await bus.close()
        await engine.dispose()


if __name__ == "__main__":
    telemetry.setup_process("worker")
    try:
        asyncio.run(main())
    except ConfigError as exc:  # a bad setting (a media store that cannot be used...): one line, no traceback
        sys.exit(f"drishya worker: {exc}")
