"""Run the analysis server alone: ``python -m services.analysis``."""

from __future__ import annotations

import asyncio

from services.analysis.config import AnalysisConfig
from services.analysis.server import create_server
from services.mesh import telemetry
from services.mesh.config import environ
from services.mesh.server import serve_until_signal


async def main() -> None:
    """Read the configuration from the environment and serve until SIGTERM or SIGINT."""
    telemetry.setup_process("analysis")
    server = await create_server(AnalysisConfig.from_env(environ()))
    await serve_until_signal([server])


if __name__ == "__main__":
    asyncio.run(main())
