"""Run the generation service alone: ``python -m services.generation``."""

from __future__ import annotations

import asyncio
import os
import sys

from services.generation.config import GenerationConfig
from services.generation.server import create_server
from services.mesh import telemetry
from services.mesh.config import ConfigError
from services.mesh.server import serve_until_signal


async def main() -> None:
    """Serve until SIGTERM; needs DATABASE_URL and NATS_URL (REDIS_URL, optional, is watched for /healthz)."""
    config = GenerationConfig.from_env(os.environ)
    server = await create_server(
        config,
        database_url=os.environ["DATABASE_URL"],
        nats_url=os.environ["NATS_URL"],
        redis_url=os.environ.get("REDIS_URL", ""),
    )
    await serve_until_signal([server])


if __name__ == "__main__":
    telemetry.setup_process("generation")
    try:
        asyncio.run(main())
    except ConfigError as exc:  # a bad setting (a media store that cannot be used...): one line, no traceback
        sys.exit(f"drishya generation: {exc}")
