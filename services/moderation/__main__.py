"""Run the moderation service alone: ``python -m services.moderation``."""

from __future__ import annotations

import asyncio
import logging
import os

from services.mesh.server import serve_until_signal
from services.moderation.config import ModerationConfig
from services.moderation.server import create_server


async def main() -> None:
    """Serve until SIGTERM; needs no database or broker."""
    config = ModerationConfig.from_env(os.environ)
    server = await create_server(config)
    await serve_until_signal([server])


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
