"""Apply every service's database migrations once: ``python -m services.cli.migrate``.

Each service also migrates its own schema when it starts (:func:`services.mesh.db.migrate`, under an
advisory lock, so replicas starting together are safe); this entrypoint runs them all ahead of a
rollout, as the Kubernetes migration Job does (deploy/k8s/base/migrate-job.yaml), so that a schema
change fails in one place before any new pod serves. Needs ``DATABASE_URL``; prints one line per
schema, ``<schema>: <n> migration(s) applied``, and exits 0, or 1 with the error on stderr when the
database refuses a script or cannot be reached.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Sequence

from services.delivery.adapters.store import MIGRATIONS as DELIVERY_MIGRATIONS
from services.gateway.keys import MIGRATIONS as GATEWAY_MIGRATIONS
from services.generation.adapters.store import MIGRATIONS as GENERATION_MIGRATIONS
from services.mesh.config import ConfigError, env_str, environ
from services.mesh.db import create_engine, migrate
from services.story.adapters.store import MIGRATIONS as STORY_MIGRATIONS

#: Each schema with its ordered migration scripts (the same lists the services apply at start-up).
SCHEMAS: dict[str, Sequence[str]] = {
    "generation": GENERATION_MIGRATIONS,
    "delivery": DELIVERY_MIGRATIONS,
    "story": STORY_MIGRATIONS,
    "gateway": GATEWAY_MIGRATIONS,
}


async def migrate_all(database_url: str) -> dict[str, int]:
    """Apply the pending scripts of every schema in :data:`SCHEMAS`; returns how many per schema.

    Raises:
        sqlalchemy.exc.SQLAlchemyError, OSError: the database is unreachable or refuses a script
            (that schema's transaction is rolled back; the schemas before it stay migrated).
    """
    engine = create_engine(database_url, pool_size=1)
    try:
        return {schema: await migrate(engine, schema, scripts) for schema, scripts in SCHEMAS.items()}
    finally:
        await engine.dispose()


def main() -> int:
    """Read ``DATABASE_URL``, migrate, print the counts; returns the exit status."""
    url = env_str(environ(), "DATABASE_URL", "")
    if not url:
        raise ConfigError("DATABASE_URL is required (postgresql+psycopg://user:password@host/db)")
    try:
        applied = asyncio.run(migrate_all(url))
    except Exception as exc:  # report and fail the Job; the next run retries the rest
        print(f"migration failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for schema, count in applied.items():
        print(f"{schema}: {count} migration(s) applied")
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sys.exit(main())
