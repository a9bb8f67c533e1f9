"""One worker process: ``python -m services.generation.worker_process`` (what ``drishya worker`` runs).

Claims and runs jobs (``DRISHYA_WORKERS`` at a time, default 1) against ``DATABASE_URL``,
``NATS_URL`` and the services' addresses, with no gRPC server of its own. SIGTERM or SIGINT
stops it cleanly: the job in hand keeps its stored progress and its lease is released at once,
so another worker resumes it without waiting for the lease to lapse.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from services.generation.adapters.clients import Clients
from services.generation.adapters.events import EventBus
from services.generation.adapters.store import JobStore
from services.generation.config import GenerationConfig
from services.generation.pipeline import Pipeline
from services.generation.worker import OutboxRelay, Workers
from services.mesh.backoff import Backoff
from services.mesh.config import ConfigError, env_str
from services.mesh.db import create_engine
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
    store = JobStore(engine)
    clients = Clients.connect(config)
    storyboard = StoryboardProvider(config.render_processes)
    chain = build_chain(config.render, storyboard)
    pipeline = Pipeline(store, clients, chain, config.media_root, config.render_processes)
    workers = Workers(store, OutboxRelay(store, bus), pipeline, config)
    workers.start()
    log.info("%d worker(s) running (pid %d)", config.workers, os.getpid())
    try:
        await stop.wait()
    finally:
        await workers.stop()
        storyboard.close()
        await clients.close()
        await bus.close()
        await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    asyncio.run(main())
