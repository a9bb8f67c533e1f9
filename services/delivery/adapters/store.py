"""PostgreSQL store of published deliveries (schema ``delivery``).

Table ``delivery.deliveries``: ``job_id uuid`` primary key, ``payload bytea`` (the serialized
``drishya.delivery.v1.Delivery``), ``created_at`` (first publication) and ``updated_at``.
Publishing a job again replaces its row (upsert), so Publish is idempotent.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from drishya.delivery.v1 import delivery_pb2 as pb2
from services.delivery.codec import from_proto, to_proto
from services.delivery.model import Delivery
from services.mesh.db import migrate

SCHEMA = "delivery"

#: Migration scripts of the ``delivery`` schema; script ``i`` is version ``i + 1``. Append only.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE delivery.deliveries (
        job_id uuid PRIMARY KEY,
        payload bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    )
    """,
)


class DeliveryStore:
    """Deliveries by job id, in PostgreSQL."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def migrate(self) -> int:
        """Apply pending migrations; returns how many were applied."""
        return await migrate(self._engine, SCHEMA, MIGRATIONS)

    async def upsert(self, delivery: Delivery) -> None:
        """Insert or replace the delivery of ``delivery.job_id``."""
        payload = to_proto(delivery).SerializeToString()
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO delivery.deliveries (job_id, payload) VALUES (:job_id, :payload) "
                    "ON CONFLICT (job_id) DO UPDATE SET payload = EXCLUDED.payload, updated_at = now()"
                ),
                {"job_id": delivery.job_id, "payload": payload},
            )

    async def get(self, job_id: uuid.UUID) -> Delivery | None:
        """The delivery of ``job_id``, or ``None`` when it was never published."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text("SELECT payload FROM delivery.deliveries WHERE job_id = :job_id"), {"job_id": job_id}
                )
            ).first()
        if row is None:
            return None
        return from_proto(pb2.Delivery.FromString(bytes(row[0])))
