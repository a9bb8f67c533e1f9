"""Run the delivery service alone: ``python -m services.delivery``."""

from __future__ import annotations

import asyncio
import os
import sys

from services.delivery.config import DeliveryConfig
from services.delivery.server import create_server
from services.mesh import telemetry
from services.mesh.config import ConfigError
from services.mesh.server import serve_until_signal


async def main() -> None:
    """Serve until SIGTERM; needs ``DATABASE_URL`` (``postgresql+psycopg://...``)."""
    config = DeliveryConfig.from_env(os.environ)
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if not database_url:
        raise ConfigError("DATABASE_URL is required (``drishya up`` starts an embedded PostgreSQL and sets it)")
    server = await create_server(config, database_url=database_url)
    await serve_until_signal([server])


if __name__ == "__main__":
    telemetry.setup_process("delivery")
    try:
        asyncio.run(main())
    except ConfigError as exc:  # a bad setting (a media store that cannot be used...): one line, no traceback
        sys.exit(f"drishya delivery: {exc}")
