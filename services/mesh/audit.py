"""The audit trail: an append-only PostgreSQL table of decisions and privileged actions.

Schema ``audit``, table ``audit.events``: one row per action with its actor (an API key id,
``operator:<name>`` for the command line, or ``system:<component>``), action (a dotted name such
as ``review.approved``), target (``job:<id>``, ``key:<id>``, ``story:<id>``), time, request id,
reason and a small JSON object of details. Any service appends with :func:`append`, inside its
own transaction when it passes its connection, so an action and its record commit together.

Append-only is enforced by the database, not by convention: triggers refuse every UPDATE,
DELETE and TRUNCATE of ``audit.events`` (for every role, superusers included), and the table's
UPDATE, DELETE and TRUNCATE privileges are revoked from PUBLIC. Reading is :func:`page`,
newest first, with keyset page tokens.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.mesh.db import migrate

SCHEMA = "audit"

#: Migration scripts of the ``audit`` schema (script ``i`` is version ``i + 1``).
MIGRATIONS: list[str | list[str]] = [
    [
        """
        CREATE TABLE audit.events (
          event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          at timestamptz NOT NULL DEFAULT now(),
          actor text NOT NULL,
          action text NOT NULL,
          target text NOT NULL,
          request_id text NOT NULL DEFAULT '',
          reason text NOT NULL DEFAULT '',
          details jsonb NOT NULL DEFAULT '{}'
        )
        """,
        "CREATE INDEX events_by_actor ON audit.events (actor, event_id DESC)",
        "CREATE INDEX events_by_action ON audit.events (action, event_id DESC)",
        "CREATE INDEX events_by_target ON audit.events (target, event_id DESC)",
        """
        CREATE FUNCTION audit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'audit.events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """,
        """
        CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON audit.events
          FOR EACH ROW EXECUTE FUNCTION audit.refuse_change()
        """,
        """
        CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON audit.events
          FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change()
        """,
        "REVOKE UPDATE, DELETE, TRUNCATE ON audit.events FROM PUBLIC",
    ],
]

#: Longest reason kept, in characters; a longer one is cut with an ellipsis.
MAX_REASON = 2000


@dataclass(frozen=True)
class AuditEvent:
    """One row of the audit trail."""

    event_id: int
    at: dt.datetime
    actor: str
    action: str
    target: str
    request_id: str = ""
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The event as a JSON object (``time`` in ISO 8601), as ``GET /v1/audit`` and ``drishya audit`` show it."""
        return {
            "event_id": self.event_id,
            "time": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "target": self.target,
            "request_id": self.request_id,
            "reason": self.reason,
            "details": self.details,
        }


async def migrate_audit(engine: AsyncEngine) -> None:
    """Create or upgrade the ``audit`` schema (idempotent, safe with several replicas)."""
    await migrate(engine, SCHEMA, MIGRATIONS)


async def append(
    conn: AsyncConnection,
    *,
    actor: str,
    action: str,
    target: str,
    request_id: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> int:
    """Append one event inside the caller's transaction; returns its id.

    Raises:
        ValueError: ``actor``, ``action`` or ``target`` is blank.
    """
    if not actor.strip() or not action.strip() or not target.strip():
        raise ValueError("an audit event needs an actor, an action and a target")
    if len(reason) > MAX_REASON:
        reason = reason[: MAX_REASON - 1] + "…"
    row = await conn.execute(
        sa.text(
            "INSERT INTO audit.events (actor, action, target, request_id, reason, details) "
            "VALUES (:actor, :action, :target, :rid, :reason, CAST(:details AS jsonb)) RETURNING event_id"
        ),
        {
            "actor": actor,
            "action": action,
            "target": target,
            "rid": request_id,
            "reason": reason,
            "details": json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
        },
    )
    return int(row.scalar_one())


def _token(event_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"e": event_id}).encode()).decode()


def _after(token: str) -> int:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise ValueError("not a page token of the audit trail") from exc
    if not isinstance(value, dict) or not isinstance(value.get("e"), int) or value["e"] < 1:
        raise ValueError("not a page token of the audit trail")
    return int(value["e"])


async def page(
    engine: AsyncEngine,
    *,
    actor: str = "",
    action: str = "",
    target: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    page_size: int = 50,
    page_token: str = "",
) -> tuple[list[AuditEvent], str]:
    """A page of events, newest first, filtered by exact actor, action (a trailing ``*`` matches
    a prefix, e.g. ``review.*``), target and a time range ``[since, until)``; returns the events and
    the next page's token ("" on the last page).

    Raises:
        ValueError: a malformed ``page_token`` or a ``page_size`` outside 1..500.
    """
    if not 1 <= page_size <= 500:
        raise ValueError("page_size must be from 1 to 500")
    where = ["true"]
    params: dict[str, Any] = {"n": page_size + 1}
    if page_token:
        where.append("event_id < :after")
        params["after"] = _after(page_token)
    if actor:
        where.append("actor = :actor")
        params["actor"] = actor
    if action.endswith("*"):
        where.append("starts_with(action, :action)")
        params["action"] = action[:-1]
    elif action:
        where.append("action = :action")
        params["action"] = action
    if target:
        where.append("target = :target")
        params["target"] = target
    if since is not None:
        where.append("at >= :since")
        params["since"] = since
    if until is not None:
        where.append("at < :until")
        params["until"] = until
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT event_id, at, actor, action, target, request_id, reason, details FROM audit.events "
                    f"WHERE {' AND '.join(where)} ORDER BY event_id DESC LIMIT :n"
                ),
                params,
            )
        ).all()
    events = [
        AuditEvent(r.event_id, r.at, r.actor, r.action, r.target, r.request_id, r.reason, dict(r.details))
        for r in rows[:page_size]
    ]
    return events, (_token(events[-1].event_id) if len(rows) > page_size else "")
