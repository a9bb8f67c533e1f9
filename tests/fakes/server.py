"""Run an ASGI app with uvicorn on 127.0.0.1, port 0, in the running event loop."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response


def timed_app(fake: Any) -> FastAPI:
    """A FastAPI app that adds the time spent on each request to ``fake.busy_s`` (seconds).

    The fakes report their own time so a benchmark can tell it from the adapter's overhead.
    """
    app = FastAPI()

    @app.middleware("http")
    async def timed(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        try:
            response: Response = await call_next(request)
            return response
        finally:
            fake.busy_s += time.perf_counter() - started

    return app


async def serve_in_loop(server: uvicorn.Server) -> tuple[asyncio.Task[None], int]:
    """Start ``server`` in the running event loop (signals stay the caller's); returns its task and port.

    Raises whatever made the server stop before it started.
    """
    server.capture_signals = contextlib.nullcontext  # type: ignore[assignment, method-assign]
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("the server stopped before it started")
        await asyncio.sleep(0.02)
    return task, server.servers[0].sockets[0].getsockname()[1]


class AppServer:
    """``app`` served by uvicorn on an ephemeral port until :meth:`stop`."""

    def __init__(self, app: Any) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", ws="websockets-sansio")
        )
        self.task: asyncio.Task[None] | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.task, self.port = await serve_in_loop(self.server)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task
