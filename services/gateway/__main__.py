"""Run the gateway alone: ``python -m services.gateway`` (or ``python -m services.gateway create-key NAME``).

Configuration comes from the environment (:class:`services.gateway.config.GatewayConfig`), the
database from ``DATABASE_URL`` (required: ``postgresql+psycopg://...``). ``create-key NAME`` makes a
new API key and prints ``<key_id> <secret>`` once.
"""

from __future__ import annotations

import asyncio
import sys

from services.gateway.config import GatewayConfig
from services.gateway.keys import create_api_key, migrate_gateway
from services.gateway.server import create_server
from services.mesh import telemetry
from services.mesh.config import ConfigError, env_str, environ
from services.mesh.db import create_engine
from services.mesh.media_store import store_of


def _database_url() -> str:
    url = env_str(environ(), "DATABASE_URL", "")
    if not url:
        raise ConfigError("DATABASE_URL is required (postgresql+psycopg://user@host/db)")
    return url


async def _create_key(name: str) -> None:
    engine = create_engine(_database_url())
    try:
        await migrate_gateway(engine)
        key_id, secret = await create_api_key(engine, name)
    finally:
        await engine.dispose()
    print(key_id, secret)


async def main() -> None:
    """Serve HTTP until SIGTERM or SIGINT (uvicorn handles both and drains connections)."""
    config = GatewayConfig.from_env(environ())
    media = store_of(config.media, config.media_root)
    if media.local_root is None:  # a bucket that is missing, refuses or does not answer stops the start
        await asyncio.to_thread(media.check)
    await create_server(config, database_url=_database_url()).serve()


if __name__ == "__main__":
    telemetry.setup_process("gateway")
    if len(sys.argv) >= 2 and sys.argv[1] == "create-key":
        asyncio.run(_create_key(" ".join(sys.argv[2:]) or "default"))
    elif len(sys.argv) > 1:
        sys.exit("usage: python -m services.gateway [create-key NAME]")
    else:
        try:
            asyncio.run(main())
        except ConfigError as exc:  # a bad setting: one line, no traceback
            sys.exit(f"drishya gateway: {exc}")
