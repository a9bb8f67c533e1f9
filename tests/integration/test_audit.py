"""The audit trail in real PostgreSQL: append-only for every role, filtered and paged newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from services.gateway import keys
from services.gateway.trust import Role, TrustLevel, TrustRules
from services.mesh import audit
from services.mesh.db import create_engine


@pytest_asyncio.fixture(scope="module")
async def engine(make_database) -> AsyncIterator[AsyncEngine]:  # type: ignore[no-untyped-def]
    eng = create_engine(make_database("audit"))
    await keys.migrate_gateway(eng)  # also the audit schema
    try:
        yield eng
    finally:
        await eng.dispose()


async def test_rows_cannot_be_changed_deleted_or_truncated(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        event_id = await audit.append(conn, actor="k1", action="test.done", target="job:x", reason="because")
    for statement in (
        "UPDATE audit.events SET reason = 'rewritten' WHERE event_id = :id",
        "DELETE FROM audit.events WHERE event_id = :id",
        "TRUNCATE audit.events",
    ):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(sa.text(statement), {"id": event_id})
    async with engine.connect() as conn:
        row = (
            await conn.execute(sa.text("SELECT reason FROM audit.events WHERE event_id = :id"), {"id": event_id})
        ).one()
    assert row.reason == "because"


async def test_append_refuses_blank_fields_and_cuts_long_reasons(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        with pytest.raises(ValueError):
            await audit.append(conn, actor=" ", action="a", target="t")
        event_id = await audit.append(conn, actor="k", action="long.reason", target="t", reason="x" * 5000)
    events, _ = await audit.page(engine, action="long.reason")
    assert events[0].event_id == event_id and len(events[0].reason) == audit.MAX_REASON


async def test_pages_are_newest_first_and_filters_combine(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        ids = [
            await audit.append(
                conn, actor=f"actor-{i % 2}", action=f"page.{'odd' if i % 2 else 'even'}", target=f"job:{i}"
            )
            for i in range(7)
        ]
    seen: list[int] = []
    token = ""
    while True:
        events, token = await audit.page(engine, action="page.*", page_size=3, page_token=token)
        seen += [e.event_id for e in events]
        if not token:
            break
    assert seen == sorted(ids, reverse=True)
    odd, _ = await audit.page(engine, action="page.odd", actor="actor-1")
    assert [e.target for e in odd] == ["job:5", "job:3", "job:1"]
    future, _ = await audit.page(engine, action="page.*", since=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert future == []
    with pytest.raises(ValueError):
        await audit.page(engine, page_token="not-a-token")


async def test_key_actions_are_recorded_with_their_actor(engine: AsyncEngine) -> None:
    key_id, _ = await keys.create_api_key(engine, "audited", role=Role.REVIEWER, actor="operator:alice")
    rules = TrustRules()
    await keys.set_trust(engine, key_id, TrustLevel.RESTRICTED, rules, actor="operator:bob", reason="spam")
    await keys.set_plan(engine, key_id, "pro", actor="operator:bob")
    moved = await keys.record_outcome(engine, key_id, violations=1, rules=rules)
    assert moved == (TrustLevel.RESTRICTED, TrustLevel.RESTRICTED)
    await keys.record_outcome(engine, key_id, violations=1, rules=rules)
    await keys.record_outcome(engine, key_id, violations=1, rules=rules)
    assert await keys.revoke_api_key(engine, key_id, actor="operator:carol")
    events, _ = await audit.page(engine, target=f"key:{key_id}")
    actions = [(e.actor, e.action) for e in reversed(events)]
    assert actions == [
        ("operator:alice", "key.created"),
        ("operator:bob", "key.trust_set"),
        ("operator:bob", "key.plan_set"),
        ("system:trust", "key.trust_moved"),
        ("operator:carol", "key.revoked"),
    ]
    moved_event = next(e for e in events if e.action == "key.trust_moved")
    assert moved_event.details["to"] == "suspended"
    assert next(e for e in events if e.action == "key.trust_set").reason == "spam"
    assert await keys.record_outcome(engine, key_id, approvals=1, rules=rules) is None, "a revoked key is left alone"
