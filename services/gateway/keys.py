"""API keys: PostgreSQL schema ``gateway``, table ``api_keys``.

A secret looks like ``dk_<key_id>_<43 url-safe characters>`` (32 random bytes from :mod:`secrets`).
Only its SHA-256 (hex) is stored, so a database leak does not leak usable keys; a lookup by hash
needs no constant-time comparison because the attacker never sees the stored hashes. The
``key_id`` is public: it is the ``owner_id`` of every job made with the key, so it is random
(:func:`secrets.token_hex`), never derived from the secret: an operator-chosen secret such as
``DRISHYA_API_KEY`` gets a random id on first registration and keeps it, found again by its hash.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections import OrderedDict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.mesh.db import migrate

SCHEMA = "gateway"

#: Migration scripts of the ``gateway`` schema, in order (script ``i`` is version ``i + 1``).
MIGRATIONS: list[str] = [
    """
    CREATE TABLE gateway.api_keys (
        key_id text PRIMARY KEY,
        key_hash text NOT NULL UNIQUE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
    )
    """,
]


def hash_secret(secret: str) -> str:
    """SHA-256 of the UTF-8 secret, as 64 lowercase hex characters."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def migrate_gateway(engine: AsyncEngine) -> None:
    """Create or upgrade the ``gateway`` schema (idempotent, safe with several replicas)."""
    await migrate(engine, SCHEMA, MIGRATIONS)


async def create_api_key(engine: AsyncEngine, name: str) -> tuple[str, str]:
    """Make a new key called ``name``; returns ``(key_id, secret)``. The secret is shown only once.

    Raises:
        ValueError: ``name`` is blank.
    """
    if not name.strip():
        raise ValueError("an API key needs a name")
    while True:
        key_id = secrets.token_hex(8)
        secret = f"dk_{key_id}_{secrets.token_urlsafe(32)}"
        async with engine.begin() as conn:
            row = await conn.execute(
                sa.text(
                    "INSERT INTO gateway.api_keys (key_id, key_hash, name) VALUES (:id, :h, :n) "
                    "ON CONFLICT DO NOTHING RETURNING key_id"
                ),
                {"id": key_id, "h": hash_secret(secret), "n": name.strip()},
            )
            if row.first() is not None:
                return key_id, secret


async def ensure_api_key(engine: AsyncEngine, secret: str, name: str) -> str:
    """Register ``secret`` under ``name`` unless its hash is already known; returns its key id.

    The key id is random on first registration and then found by the secret's hash, so jobs made
    with a ``DRISHYA_API_KEY`` keep their owner across restarts. A key that was revoked stays revoked.

    Raises:
        ValueError: ``secret`` is empty or contains whitespace.
    """
    if not secret or any(c.isspace() for c in secret):
        raise ValueError("an API key secret must be non-empty and contain no whitespace")
    key_hash = hash_secret(secret)
    while True:
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO gateway.api_keys (key_id, key_hash, name) VALUES (:id, :h, :n) ON CONFLICT DO NOTHING"
                ),
                {"id": secrets.token_hex(8), "h": key_hash, "n": name.strip() or "default"},
            )
            row = (
                await conn.execute(sa.text("SELECT key_id FROM gateway.api_keys WHERE key_hash = :h"), {"h": key_hash})
            ).first()
        if row is not None:  # else the random id collided with another key's: draw again
            return str(row[0])


async def authenticate(engine: AsyncEngine, secret: str) -> str | None:
    """The key id of an active key with this secret, or None when it is unknown or revoked."""
    if not secret:
        return None
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text("SELECT key_id FROM gateway.api_keys WHERE key_hash = :h AND revoked_at IS NULL"),
                {"h": hash_secret(secret)},
            )
        ).first()
    return None if row is None else str(row[0])


async def revoke_api_key(engine: AsyncEngine, key_id: str) -> bool:
    """Revoke a key; returns False when no active key has this id. Takes effect on the next request."""
    async with engine.begin() as conn:
        result = await conn.execute(
            sa.text("UPDATE gateway.api_keys SET revoked_at = now() WHERE key_id = :id AND revoked_at IS NULL"),
            {"id": key_id},
        )
    return bool(result.rowcount)


class KeyCache:
    """Recently authenticated keys, so a burst of requests with one key costs one database lookup.

    Entries are keyed by the secret's SHA-256 (the secret itself is not kept), hold the key id
    for ``ttl_s`` seconds, and at most ``size`` of them are kept (least recently used dropped
    first). A revoked key therefore stops working within ``ttl_s``; ``ttl_s = 0`` disables the cache.
    """

    def __init__(self, ttl_s: float, size: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._entries: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def get(self, secret: str) -> str | None:
        """The cached key id of ``secret``, or None when absent or expired."""
        if self.ttl_s <= 0:
            return None
        h = hash_secret(secret)
        entry = self._entries.get(h)
        if entry is None or entry[1] <= time.monotonic():
            self._entries.pop(h, None)
            return None
        self._entries.move_to_end(h)
        return entry[0]

    def put(self, secret: str, key_id: str) -> None:
        """Remember that ``secret`` is the active key ``key_id``."""
        if self.ttl_s <= 0:
            return
        h = hash_secret(secret)
        self._entries[h] = (key_id, time.monotonic() + self.ttl_s)
        self._entries.move_to_end(h)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
