"""Run the language service alone: ``python -m services.language`` (needs ``REDIS_URL``)."""

from __future__ import annotations

import asyncio
import os

from services.language.config import LanguageConfig
from services.language.server import create_server
from services.mesh import telemetry
from services.mesh.config import ConfigError, env_str
from services.mesh.server import serve_until_signal


async def main() -> None:
    """Serve until SIGTERM; raises :class:`ConfigError` when ``REDIS_URL`` is unset."""
    config = LanguageConfig.from_env(os.environ)
    redis_url = env_str(os.environ, "REDIS_URL", "")
    if not redis_url:
        raise ConfigError("REDIS_URL is required (redis://host:port/0 or unix:///path/redis.sock)")
    server = await create_server(config, redis_url=redis_url)
    await serve_until_signal([server])


if __name__ == "__main__":
    telemetry.setup_process("language")
    asyncio.run(main())
