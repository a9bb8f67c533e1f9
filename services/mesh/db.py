"""PostgreSQL access: one async SQLAlchemy engine per service, one schema per service, migrations.

Migrations are an ordered list of SQL scripts per schema; :func:`migrate` applies the ones not yet
recorded in ``<schema>.schema_migrations`` inside one transaction under an advisory lock, so
several replicas starting at once apply each script exactly once.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from services.mesh import telemetry


def create_engine(database_url: str, *, pool_size: int = 5) -> AsyncEngine:
    """An async engine for ``database_url`` (``postgresql+psycopg://...``), with pre-ping; each
    statement run inside a traced call is a span (:func:`services.mesh.telemetry.instrument_engine`)."""
    engine = create_async_engine(database_url, pool_size=pool_size, max_overflow=5, pool_pre_ping=True)
    telemetry.instrument_engine(engine)
    return engine


async def ping(engine: AsyncEngine) -> None:
    """Readiness check: ``SELECT 1``; raises when the database does not answer."""
    async with engine.connect() as conn:
        await conn.execute(sa.text("SELECT 1"))


async def migrate(engine: AsyncEngine, schema: str, scripts: Sequence[str | Sequence[str]]) -> int:
    """Apply the scripts of ``schema`` not yet applied; returns how many were applied.

    A script is a string of statements separated by ``;``, or a list of statements run as they
    are (for a body that holds ``;``, such as a PL/pgSQL function). Script ``i`` is version ``i + 1``.
    """
    applied = 0
    async with engine.begin() as conn:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:s))"), {"s": schema})
        await conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        await conn.execute(
            sa.text(
                f'CREATE TABLE IF NOT EXISTS "{schema}".schema_migrations '
                "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        )
        done = {r[0] for r in await conn.execute(sa.text(f'SELECT version FROM "{schema}".schema_migrations'))}
        for version, script in enumerate(scripts, start=1):
            if version in done:
                continue
            statements = script.split(";") if isinstance(script, str) else script
            for stmt in (s.strip() for s in statements):
                if stmt:
                    await conn.execute(sa.text(stmt))
            await conn.execute(
                sa.text(f'INSERT INTO "{schema}".schema_migrations (version) VALUES (:v)'), {"v": version}
            )
            applied += 1
    return applied
