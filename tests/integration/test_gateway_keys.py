"""API keys in real PostgreSQL: creation, authentication, revocation, registration of a given secret."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway.keys import (
    MIGRATIONS,
    Principal,
    authenticate,
    create_api_key,
    ensure_api_key,
    migrate_gateway,
    revoke_api_key,
)
from services.mesh.db import create_engine, migrate
from services.mesh.infra import InfraUrls


@pytest_asyncio.fixture(scope="module")
async def engine(infra: InfraUrls) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(infra.database_url)
    await migrate_gateway(eng)
    try:
        yield eng
    finally:
        await eng.dispose()


async def test_migrations_are_idempotent(engine: AsyncEngine) -> None:
    await migrate_gateway(engine)
    assert await migrate(engine, "gateway", MIGRATIONS) == 0
    async with engine.connect() as conn:
        cols = {
            r[0]
            for r in await conn.execute(
                sa.text(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = 'gateway' AND table_name = 'api_keys'"
                )
            )
        }
    assert cols == {
        "key_id",
        "key_hash",
        "name",
        "created_at",
        "revoked_at",
        "role",
        "trust_level",
        "plan",
        "approvals",
        "violations",
        "trust_set_at",
    }


async def test_create_authenticate_revoke(engine: AsyncEngine) -> None:
    key_id, secret = await create_api_key(engine, "mobile app")
    assert re.fullmatch(r"dk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}", secret)
    assert secret.startswith(f"dk_{key_id}_")
    assert (await authenticate(engine, secret) or Principal("")).key_id == key_id
    assert await authenticate(engine, secret + "x") is None
    assert await authenticate(engine, "") is None

    async with engine.connect() as conn:
        row = (
            await conn.execute(sa.text("SELECT key_hash, name FROM gateway.api_keys WHERE key_id = :k"), {"k": key_id})
        ).one()
    assert row.key_hash == hashlib.sha256(secret.encode()).hexdigest() and row.name == "mobile app"

    assert await revoke_api_key(engine, key_id)
    assert await authenticate(engine, secret) is None
    assert not await revoke_api_key(engine, key_id)


async def test_two_keys_differ(engine: AsyncEngine) -> None:
    (id1, s1), (id2, s2) = await create_api_key(engine, "a"), await create_api_key(engine, "b")
    assert id1 != id2 and s1 != s2
    assert (await authenticate(engine, s1) or Principal("")).key_id == id1 and (
        await authenticate(engine, s2) or Principal("")
    ).key_id == id2


async def test_ensure_api_key_is_stable_and_idempotent(engine: AsyncEngine) -> None:
    secret = "local-development-secret-7f3a"
    key_id = await ensure_api_key(engine, secret, "local")
    assert await ensure_api_key(engine, secret, "local again") == key_id
    assert key_id not in hashlib.sha256(secret.encode()).hexdigest(), "the public id reveals nothing of the secret"
    assert len(key_id) == 16 and int(key_id, 16) >= 0
    assert (await authenticate(engine, secret) or Principal("")).key_id == key_id

    other = await ensure_api_key(engine, "dk_0123456789abcdef_" + "Y" * 43, "another")
    assert (
        other != key_id
        and (await authenticate(engine, "dk_0123456789abcdef_" + "Y" * 43) or Principal("")).key_id == other
    )

    assert await revoke_api_key(engine, key_id)
    assert await ensure_api_key(engine, secret, "local") == key_id
    assert await authenticate(engine, secret) is None, "a revoked key stays revoked"


async def test_bad_inputs(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError):
        await create_api_key(engine, "  ")
    with pytest.raises(ValueError):
        await ensure_api_key(engine, "", "x")
    with pytest.raises(ValueError):
        await ensure_api_key(engine, "has space", "x")
