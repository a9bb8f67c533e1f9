"""Run the story service alone: ``python -m services.story``."""

from __future__ import annotations

import asyncio
import os
import sys

from services.mesh import telemetry
from services.mesh.config import ConfigError
from services.mesh.server import serve_until_signal
from services.story.config import StoryConfig
from services.story.server import create_server


async def main() -> None:
    """Serve until SIGTERM; needs DATABASE_URL and NATS_URL."""
    config = StoryConfig.from_env(os.environ)
    server = await create_server(config, database_url=os.environ["DATABASE_URL"], nats_url=os.environ["NATS_URL"])
    await serve_until_signal([server])


if __name__ == "__main__":
    telemetry.setup_process("story")
    try:
        asyncio.run(main())
    except ConfigError as exc:  # a bad setting (a media store that cannot be used...): one line, no traceback
        sys.exit(f"drishya story: {exc}")
