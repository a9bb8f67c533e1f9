"""Run an ASGI app with uvicorn on 127.0.0.1, port 0, in the running event loop."""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn


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
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.02)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task
