"""Run the prompt server alone: ``python -m services.prompt``."""

from __future__ import annotations

import asyncio

from services.mesh import telemetry
from services.mesh.config import environ
from services.mesh.server import serve_until_signal
from services.prompt.config import PromptConfig
from services.prompt.server import create_server


async def main() -> None:
    """Read the configuration from the environment and serve until SIGTERM or SIGINT."""
    telemetry.setup_process("prompt")
    server = await create_server(PromptConfig.from_env(environ()))
    await serve_until_signal([server])


if __name__ == "__main__":
    asyncio.run(main())
