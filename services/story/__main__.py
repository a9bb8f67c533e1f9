"""Run the story service alone: ``python -m services.story``."""

from __future__ import annotations

import asyncio
import logging
import os

from services.mesh.server import serve_until_signal
from services.story.config import StoryConfig
from services.story.server import create_server


async def main() -> None:
    """Serve until SIGTERM; needs DATABASE_URL and NATS_URL."""
    config = StoryConfig.from_env(os.environ)
    server = await create_server(config, database_url=os.environ["DATABASE_URL"], nats_url=os.environ["NATS_URL"])
    await serve_until_signal([server])


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    asyncio.run(main())
