"""Run the moderation service alone: ``python -m services.moderation``."""

from __future__ import annotations

import asyncio
import os
import sys

from services.mesh import telemetry
from services.mesh.config import ConfigError
from services.mesh.server import serve_until_signal
from services.moderation.config import ModerationConfig
from services.moderation.server import create_server


async def main() -> None:
    """Serve until SIGTERM; needs no database or broker."""
    config = ModerationConfig.from_env(os.environ)
    server = await create_server(config)
    await serve_until_signal([server])


if __name__ == "__main__":
    telemetry.setup_process("moderation")
    try:
        asyncio.run(main())
    except ConfigError as exc:  # a bad setting (a media store that cannot be used...): one line, no traceback
        sys.exit(f"drishya moderation: {exc}")
