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
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.gateway.trust import Role, TrustLevel, TrustRules, history_for_level, level_after
from services.mesh import audit
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
    # Governance: a key's role, trust level (services.gateway.trust), plan, and the history the
    # trust level moves with. ``trust_set_at``: when an operator last set the level.
    """
    ALTER TABLE gateway.api_keys
      ADD COLUMN role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'reviewer', 'operator')),
      ADD COLUMN trust_level text NOT NULL DEFAULT 'new'
        CHECK (trust_level IN ('new', 'trusted', 'restricted', 'suspended')),
      ADD COLUMN plan text NOT NULL DEFAULT 'free',
      ADD COLUMN approvals integer NOT NULL DEFAULT 0,
      ADD COLUMN violations integer NOT NULL DEFAULT 0,
      ADD COLUMN trust_set_at timestamptz
    """,
    # Feedback on finished videos (services.gateway.feedback): one rating per key and job, updated
    # in place; language and provider copied from the job so the summary needs no other service.
    """
    CREATE TABLE gateway.feedback (
      job_id uuid NOT NULL,
      owner_id text NOT NULL,
      rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
      tags text[] NOT NULL DEFAULT '{}',
      comment text NOT NULL DEFAULT '',
      language_code text NOT NULL DEFAULT '',
      provider text NOT NULL DEFAULT '',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (job_id, owner_id)
    );
    CREATE INDEX feedback_by_time ON gateway.feedback (updated_at)
    """,
]


@dataclass(frozen=True)
class Principal:
    """An authenticated key: its id (the owner id of its jobs), role, trust level and plan."""

    key_id: str
    role: Role = Role.USER
    trust_level: TrustLevel = TrustLevel.NEW
    plan: str = "free"

    def has(self, role: Role) -> bool:
        """Whether the key may act as ``role`` (an operator may also review)."""
        order = (Role.USER, Role.REVIEWER, Role.OPERATOR)
        return order.index(self.role) >= order.index(role)


@dataclass(frozen=True)
class KeyRecord:
    """A key as the command line lists it."""

    key_id: str
    name: str
    role: str
    trust_level: str
    plan: str
    approvals: int
    violations: int
    created_at: str
    revoked_at: str | None


def hash_secret(secret: str) -> str:
    """SHA-256 of the UTF-8 secret, as 64 lowercase hex characters."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


async def migrate_gateway(engine: AsyncEngine) -> None:
    """Create or upgrade the ``gateway`` schema and the audit trail (idempotent, safe with several replicas)."""
    await migrate(engine, SCHEMA, MIGRATIONS)
    await audit.migrate_audit(engine)


async def create_api_key(
    engine: AsyncEngine,
    name: str,
    *,
    role: Role = Role.USER,
    plan: str = "free",
    actor: str = "operator:cli",
    request_id: str = "",
) -> tuple[str, str]:
    """Make a new key called ``name`` (trust level ``new``); returns ``(key_id, secret)``. The
    secret is shown only once. The creation is recorded in the audit trail as ``actor``'s.

    Raises:
        ValueError: ``name`` or ``plan`` is blank.
    """
    if not name.strip():
        raise ValueError("an API key needs a name")
    if not plan.strip():
        raise ValueError("an API key needs a plan")
    while True:
        key_id = secrets.token_hex(8)
        secret = f"dk_{key_id}_{secrets.token_urlsafe(32)}"
        async with engine.begin() as conn:
            row = await conn.execute(
                sa.text(
                    "INSERT INTO gateway.api_keys (key_id, key_hash, name, role, plan) VALUES (:id, :h, :n, :r, :p) "
                    "ON CONFLICT DO NOTHING RETURNING key_id"
                ),
                {"id": key_id, "h": hash_secret(secret), "n": name.strip(), "r": Role(role).value, "p": plan.strip()},
            )
            if row.first() is not None:
                await audit.append(
                    conn,
                    actor=actor,
                    action="key.created",
                    target=f"key:{key_id}",
                    request_id=request_id,
                    details={"name": name.strip(), "role": Role(role).value, "plan": plan.strip()},
                )
                return key_id, secret


async def ensure_api_key(engine: AsyncEngine, secret: str, name: str, *, role: Role = Role.OPERATOR) -> str:
    """Register ``secret`` under ``name`` unless its hash is already known; returns its key id.

    The key id is random on first registration and then found by the secret's hash, so jobs made
    with a ``DRISHYA_API_KEY`` keep their owner across restarts. A key that was revoked stays revoked.
    The operator's own key (``DRISHYA_API_KEY``) is registered with the ``operator`` role and the
    ``enterprise`` plan; an existing key keeps its role.

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
                    "INSERT INTO gateway.api_keys (key_id, key_hash, name, role, trust_level, plan) "
                    "VALUES (:id, :h, :n, :r, :t, :p) ON CONFLICT DO NOTHING"
                ),
                {
                    "id": secrets.token_hex(8),
                    "h": key_hash,
                    "n": name.strip() or "default",
                    "r": Role(role).value,
                    "t": (TrustLevel.TRUSTED if role is Role.OPERATOR else TrustLevel.NEW).value,
                    "p": "enterprise" if role is Role.OPERATOR else "free",
                },
            )
            row = (
                await conn.execute(sa.text("SELECT key_id FROM gateway.api_keys WHERE key_hash = :h"), {"h": key_hash})
            ).first()
        if row is not None:  # else the random id collided with another key's: draw again
            return str(row[0])


async def authenticate(engine: AsyncEngine, secret: str) -> Principal | None:
    """The active key with this secret, or None when it is unknown or revoked."""
    if not secret:
        return None
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text(
                    "SELECT key_id, role, trust_level, plan FROM gateway.api_keys "
                    "WHERE key_hash = :h AND revoked_at IS NULL"
                ),
                {"h": hash_secret(secret)},
            )
        ).first()
    return None if row is None else Principal(str(row.key_id), Role(row.role), TrustLevel(row.trust_level), row.plan)


async def revoke_api_key(
    engine: AsyncEngine, key_id: str, *, actor: str = "operator:cli", request_id: str = ""
) -> bool:
    """Revoke a key; returns False when no active key has this id. Takes effect on the next request
    (after the gateway's key cache, ``DRISHYA_GATEWAY_AUTH_CACHE_S``). Recorded in the audit trail."""
    async with engine.begin() as conn:
        result = await conn.execute(
            sa.text("UPDATE gateway.api_keys SET revoked_at = now() WHERE key_id = :id AND revoked_at IS NULL"),
            {"id": key_id},
        )
        if result.rowcount:
            await audit.append(conn, actor=actor, action="key.revoked", target=f"key:{key_id}", request_id=request_id)
    return bool(result.rowcount)


async def list_keys(engine: AsyncEngine, *, include_revoked: bool = False) -> list[KeyRecord]:
    """Every key (active ones unless ``include_revoked``), oldest first; never the secret or its hash."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT key_id, name, role, trust_level, plan, approvals, violations, created_at, revoked_at "
                    "FROM gateway.api_keys"
                    + ("" if include_revoked else " WHERE revoked_at IS NULL")
                    + " ORDER BY created_at, key_id"
                )
            )
        ).all()
    return [
        KeyRecord(
            r.key_id,
            r.name,
            r.role,
            r.trust_level,
            r.plan,
            r.approvals,
            r.violations,
            r.created_at.isoformat(),
            r.revoked_at.isoformat() if r.revoked_at else None,
        )
        for r in rows
    ]


async def _locked(conn: AsyncConnection, key_id: str) -> sa.Row[tuple[str, str, str, int, int]]:
    row = (
        await conn.execute(
            sa.text(
                "SELECT role, trust_level, plan, approvals, violations FROM gateway.api_keys "
                "WHERE key_id = :id AND revoked_at IS NULL FOR UPDATE"
            ),
            {"id": key_id},
        )
    ).first()
    if row is None:
        raise LookupError(f"no active key with id {key_id}")
    return row


async def set_role(
    engine: AsyncEngine, key_id: str, role: Role, *, actor: str, reason: str = "", request_id: str = ""
) -> None:
    """Give a key a role; recorded in the audit trail. Raises :class:`LookupError` for no active key."""
    async with engine.begin() as conn:
        row = await _locked(conn, key_id)
        await conn.execute(
            sa.text("UPDATE gateway.api_keys SET role = :r WHERE key_id = :id"), {"r": role.value, "id": key_id}
        )
        await audit.append(
            conn,
            actor=actor,
            action="key.role_set",
            target=f"key:{key_id}",
            request_id=request_id,
            reason=reason,
            details={"from": row.role, "to": role.value},
        )


async def set_plan(
    engine: AsyncEngine, key_id: str, plan: str, *, actor: str, reason: str = "", request_id: str = ""
) -> None:
    """Move a key to a plan; recorded in the audit trail. Raises :class:`LookupError` for no active
    key, :class:`ValueError` for a blank plan (which plans exist is the caller's check)."""
    if not plan.strip():
        raise ValueError("a plan name is required")
    async with engine.begin() as conn:
        row = await _locked(conn, key_id)
        await conn.execute(
            sa.text("UPDATE gateway.api_keys SET plan = :p WHERE key_id = :id"), {"p": plan.strip(), "id": key_id}
        )
        await audit.append(
            conn,
            actor=actor,
            action="key.plan_set",
            target=f"key:{key_id}",
            request_id=request_id,
            reason=reason,
            details={"from": row.plan, "to": plan.strip()},
        )


async def set_trust(
    engine: AsyncEngine,
    key_id: str,
    level: TrustLevel,
    rules: TrustRules,
    *,
    actor: str,
    reason: str = "",
    request_id: str = "",
) -> None:
    """An operator sets a key's trust level (:func:`services.gateway.trust.history_for_level` says
    what history it keeps); recorded in the audit trail. Raises :class:`LookupError` for no active key."""
    async with engine.begin() as conn:
        row = await _locked(conn, key_id)
        approvals, violations = history_for_level(level, row.approvals, row.violations, rules)
        await conn.execute(
            sa.text(
                "UPDATE gateway.api_keys SET trust_level = :t, approvals = :a, violations = :v, trust_set_at = now() "
                "WHERE key_id = :id"
            ),
            {"t": level.value, "a": approvals, "v": violations, "id": key_id},
        )
        await audit.append(
            conn,
            actor=actor,
            action="key.trust_set",
            target=f"key:{key_id}",
            request_id=request_id,
            reason=reason,
            details={"from": row.trust_level, "to": level.value},
        )


async def record_outcome(
    engine: AsyncEngine, key_id: str, *, approvals: int = 0, violations: int = 0, rules: TrustRules
) -> tuple[TrustLevel, TrustLevel] | None:
    """Count a reviewer's decision about the key's video (``approvals`` +1 for a release,
    ``violations`` +1 for a rejection or takedown, -1 when an appeal takes one back) and move its
    level by :func:`services.gateway.trust.level_after`; returns ``(before, after)``, or None when
    the key is no longer active. A violation restarts the count of approvals. A change of level is
    recorded in the audit trail as ``system:trust``'s."""
    async with engine.begin() as conn:
        try:
            row = await _locked(conn, key_id)
        except LookupError:
            return None
        before = TrustLevel(row.trust_level)
        new_violations = max(0, row.violations + violations)
        new_approvals = 0 if violations > 0 else row.approvals + approvals
        after = level_after(before, new_approvals, new_violations, rules)
        await conn.execute(
            sa.text("UPDATE gateway.api_keys SET trust_level = :t, approvals = :a, violations = :v WHERE key_id = :id"),
            {"t": after.value, "a": new_approvals, "v": new_violations, "id": key_id},
        )
        if after is not before:
            await audit.append(
                conn,
                actor="system:trust",
                action="key.trust_moved",
                target=f"key:{key_id}",
                details={
                    "from": before.value,
                    "to": after.value,
                    "approvals": new_approvals,
                    "violations": new_violations,
                },
            )
    return before, after


class KeyCache:
    """Recently authenticated keys, so a burst of requests with one key costs one database lookup.

    Entries are keyed by the secret's SHA-256 (the secret itself is not kept), hold the key's
    :class:`Principal` for ``ttl_s`` seconds, and at most ``size`` of them are kept (least recently used dropped
    first). A revoked key therefore stops working within ``ttl_s``; ``ttl_s = 0`` disables the cache.
    """

    def __init__(self, ttl_s: float, size: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.size = size
        self._entries: OrderedDict[str, tuple[Principal, float]] = OrderedDict()

    def get(self, secret: str) -> Principal | None:
        """The cached key of ``secret``, or None when absent or expired."""
        if self.ttl_s <= 0:
            return None
        h = hash_secret(secret)
        entry = self._entries.get(h)
        if entry is None or entry[1] <= time.monotonic():
            self._entries.pop(h, None)
            return None
        self._entries.move_to_end(h)
        return entry[0]

    def put(self, secret: str, principal: Principal) -> None:
        """Remember that ``secret`` is the active key ``principal``."""
        if self.ttl_s <= 0:
            return
        h = hash_secret(secret)
        self._entries[h] = (principal, time.monotonic() + self.ttl_s)
        self._entries.move_to_end(h)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
