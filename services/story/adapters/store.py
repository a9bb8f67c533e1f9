"""PostgreSQL adapter of the story service: stories, scenes, bibles and the event outbox.

Schema ``story``. Every change runs in one transaction that locks the story row
(``SELECT ... FOR UPDATE``), checks the version the caller read, applies the change, adds one to
the story's version and records a :class:`StoryEvent` whose sequence is the new version (a
transactional outbox, as the generation service does for jobs). Concurrent changes of one story
therefore serialise on its row: of twenty writers that read version ``v``, the first to lock it
commits ``v + 1`` and every other sees ``v + 1`` and fails with VERSION_MISMATCH; no update is lost.

Forks copy the shared scenes' rows at fork time (copy on fork) with ``origin_scene_id`` pointing
at the parent's scene. Scene rows are a few kilobytes of text at most, so copying them costs less
than the reference counting shared rows would need, and a fork's rows are then its own: editing or
deleting them can never touch the parent. Rendered videos are what is worth sharing, and they are
keyed by the scene's content hash, not by its row.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from google.protobuf import json_format, timestamp_pb2
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.story.v1 import story_pb2 as pb
from services.generation import plans
from services.mesh import audit, paging
from services.mesh.db import migrate
from services.mesh.errors import FailedPrecondition, FieldViolation, InvalidArgument, NotFound
from services.story import stories

MIGRATIONS = [
    """
    CREATE TABLE story.stories (
        story_id uuid PRIMARY KEY,
        owner_id text NOT NULL,
        title text NOT NULL,
        language_code text NOT NULL DEFAULT '',
        version bigint NOT NULL DEFAULT 1,
        bible jsonb NOT NULL DEFAULT '{}'::jsonb,
        bible_version bigint NOT NULL DEFAULT 1,
        parent_story_id uuid,
        fork_scene_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX stories_owner ON story.stories (owner_id, updated_at DESC, story_id DESC);
    CREATE TABLE story.scenes (
        scene_id uuid PRIMARY KEY,
        story_id uuid NOT NULL REFERENCES story.stories (story_id) ON DELETE CASCADE,
        position integer NOT NULL,
        text text NOT NULL,
        language_code text NOT NULL DEFAULT '',
        version bigint NOT NULL DEFAULT 1,
        origin_scene_id uuid,
        content_hash text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX scenes_story ON story.scenes (story_id, position);
    CREATE TABLE story.events (
        story_id uuid NOT NULL,
        owner_id text NOT NULL,
        sequence bigint NOT NULL,
        payload bytea NOT NULL,
        published boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (story_id, sequence)
    );
    CREATE INDEX events_unpublished ON story.events (created_at) WHERE NOT published
    """,
    """
    CREATE TABLE story.analyses (
        content_hash text PRIMARY KEY,
        english_text text NOT NULL,
        analysis bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE story.scenes ADD COLUMN character_ids jsonb NOT NULL DEFAULT '[]'::jsonb;
    ALTER TABLE story.scenes ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]'::jsonb;
    ALTER TABLE story.scenes ADD COLUMN analyzed_hash text NOT NULL DEFAULT '';
    ALTER TABLE story.scenes ADD COLUMN job_id text NOT NULL DEFAULT '';
    ALTER TABLE story.scenes ADD COLUMN render_key text NOT NULL DEFAULT ''
    """,
    # Retention: stories inactive for DRISHYA_RETENTION_ARCHIVE_DAYS are archived (read-only);
    # the partial index serves the archive pass's scan of active stories by age.
    """
    ALTER TABLE story.stories ADD COLUMN archived_at timestamptz;
    CREATE INDEX stories_active_by_update ON story.stories (updated_at, story_id) WHERE archived_at IS NULL
    """,
]

#: The audit trail's actor of archiving.
ARCHIVE_ACTOR = "system:retention"

#: Advisory-lock namespace (first key of the two-key form) of the active-stories quota.
_STORY_QUOTA_LOCK = 0x44520003
#: The owner's stories counted by the active-stories quota (archived stories are not active).
_ACTIVE_STORIES_SQL = "SELECT count(*) FROM story.stories WHERE owner_id = :o AND archived_at IS NULL"

_STORY_COLUMNS = (
    "story_id, owner_id, title, language_code, version, parent_story_id, fork_scene_id, created_at, updated_at, "
    "archived_at"
)
_SCENE_COLUMNS = (
    "scene_id, position, text, language_code, version, origin_scene_id, content_hash, updated_at, "
    "character_ids, warnings, analyzed_hash, job_id, render_key"
)


def _ts(value: dt.datetime) -> timestamp_pb2.Timestamp:
    ts = timestamp_pb2.Timestamp()
    ts.FromDatetime(value)
    return ts


def parse_id(value: str, field: str) -> uuid.UUID:
    """``value`` as a UUID; raises :class:`InvalidArgument` INVALID_ID when it is not one."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InvalidArgument(
            f"{field} is not a valid id", reason="INVALID_ID", violations=[FieldViolation(field, "a UUID")]
        ) from None


def _scene(row: Any) -> pb.Scene:
    return pb.Scene(
        scene_id=str(row.scene_id),
        position=row.position,
        text=row.text,
        language_code=row.language_code,
        version=row.version,
        origin_scene_id=str(row.origin_scene_id) if row.origin_scene_id else "",
        content_hash=row.content_hash,
        update_time=_ts(row.updated_at),
        character_ids=row.character_ids,
        warnings=[json_format.ParseDict(w, pb.ContinuityWarning()) for w in row.warnings],
        analyzed=row.analyzed_hash == row.content_hash,
        job_id=row.job_id,
        render_key=row.render_key,
    )


def _story(row: Any, scenes: Sequence[Any]) -> pb.Story:
    return pb.Story(
        story_id=str(row.story_id),
        owner_id=row.owner_id,
        title=row.title,
        language_code=row.language_code,
        version=row.version,
        scenes=[_scene(s) for s in scenes],
        parent_story_id=str(row.parent_story_id) if row.parent_story_id else "",
        fork_scene_id=str(row.fork_scene_id) if row.fork_scene_id else "",
        create_time=_ts(row.created_at),
        update_time=_ts(row.updated_at),
        archive_time=_ts(row.archived_at) if row.archived_at else None,
    )


def _not_found(story_id: uuid.UUID | str) -> NotFound:
    return NotFound(f"story {story_id} not found", reason="STORY_NOT_FOUND", metadata={"story_id": str(story_id)})


@dataclass(frozen=True)
class Change:
    """What a change returns: the story after it and the event it recorded (not yet published)."""

    story: pb.Story
    event: pb.StoryEvent


class StoryStore:
    """Stories in PostgreSQL; all methods are coroutines and raise the mesh's typed errors."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def migrate(self) -> None:
        """Create or upgrade the ``story`` schema."""
        await migrate(self.engine, "story", MIGRATIONS)

    # -- reads ---------------------------------------------------------------------------------

    async def get(self, story_id: str, owner_id: str) -> pb.Story:
        """The owner's story with its scenes in order; raises :class:`NotFound` for anyone else."""
        sid = parse_id(story_id, "story_id")
        async with self.engine.connect() as conn:
            return await self._load(conn, sid, owner_id)

    async def list_stories(self, owner_id: str, page_size: int, page_token: str) -> tuple[list[pb.StorySummary], str]:
        """A page of the owner's stories, most recently changed first, and the next token ('' at the end)."""
        size, cursor = paging.page_request(page_size, page_token)
        where, params = "owner_id = :o", {"o": owner_id, "n": size + 1}
        if cursor is not None:
            params["t"], params["s"] = cursor
            where += " AND (updated_at, story_id) < (:t, :s)"
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT story_id, title, version, updated_at, archived_at, "
                        "(SELECT count(*) FROM story.scenes c WHERE c.story_id = s.story_id) AS n "
                        f"FROM story.stories s WHERE {where} ORDER BY updated_at DESC, story_id DESC LIMIT :n"
                    ),
                    params,
                )
            ).all()
        out = [
            pb.StorySummary(
                story_id=str(r.story_id),
                title=r.title,
                version=r.version,
                scene_count=r.n,
                update_time=_ts(r.updated_at),
                archive_time=_ts(r.archived_at) if r.archived_at else None,
            )
            for r in rows[:size]
        ]
        token = paging.encode_cursor(rows[size - 1].updated_at, rows[size - 1].story_id) if len(rows) > size else ""
        return out, token

    async def bible(self, story_id: str, owner_id: str) -> pb.StoryBible:
        """The owner's story bible; raises :class:`NotFound` for anyone else."""
        sid = parse_id(story_id, "story_id")
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.text("SELECT 1 FROM story.stories WHERE story_id = :id AND owner_id = :o"),
                    {"id": sid, "o": owner_id},
                )
            ).first()
            if row is None:
                raise _not_found(sid)
            return await self._bible(conn, sid)

    async def events(self, story_id: str, owner_id: str, after: int) -> list[pb.StoryEvent]:
        """Recorded events of the owner's story with sequence above ``after``, in order.

        Raises :class:`NotFound` when the caller never owned a story of that id. Events outlive
        their story, so a watcher of a deleted story still gets its DELETED event.
        """
        sid = parse_id(story_id, "story_id")
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT payload FROM story.events WHERE story_id = :id AND owner_id = :o "
                        "AND sequence > :a ORDER BY sequence"
                    ),
                    {"id": sid, "o": owner_id, "a": after},
                )
            ).all()
        if not rows:  # nothing after ``after``: is the story the caller's at all?
            async with self.engine.connect() as conn:
                known = (
                    await conn.execute(
                        sa.text("SELECT 1 FROM story.events WHERE story_id = :id AND owner_id = :o LIMIT 1"),
                        {"id": sid, "o": owner_id},
                    )
                ).first()
            if known is None:
                raise _not_found(sid)
        return [pb.StoryEvent.FromString(bytes(r.payload)) for r in rows]

    # -- changes -------------------------------------------------------------------------------

    async def create(
        self,
        owner_id: str,
        title: str,
        language_code: str,
        scenes: Sequence[pb.Scene],
        max_stories: int | None = None,
    ) -> Change:
        """A new story at version 1 holding ``scenes`` (their text and language) in order.

        Raises ResourceExhausted QUOTA_EXCEEDED (quota ``active_stories``) when the owner already
        has ``max_stories`` stories (None: no quota); nothing is written then.
        """
        sid = uuid.uuid4()
        async with self.engine.begin() as conn:
            await self._within_quota(conn, owner_id, max_stories)
            await conn.execute(
                sa.text(
                    "INSERT INTO story.stories (story_id, owner_id, title, language_code) VALUES (:id, :o, :t, :l)"
                ),
                {"id": sid, "o": owner_id, "t": title, "l": language_code},
            )
            await self._insert_scenes(conn, sid, [(uuid.uuid4(), s, None) for s in scenes])
            return await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_CREATED, bump=False)

    async def update(
        self, story_id: str, owner_id: str, version: int, title: str | None, language: str | None
    ) -> Change:
        """Change the title and/or language of the story read at ``version``."""
        sid = parse_id(story_id, "story_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, version)
            await conn.execute(
                sa.text(
                    "UPDATE story.stories SET title = coalesce(:t, title), language_code = coalesce(:l, language_code) "
                    "WHERE story_id = :id"
                ),
                {"id": sid, "t": title, "l": language},
            )
            return await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_UPDATED)

    async def delete(self, story_id: str, owner_id: str, version: int) -> pb.StoryEvent:
        """Delete the story read at ``version`` (archived or not) and its scenes; its forks keep their own rows."""
        sid = parse_id(story_id, "story_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, version, archived_ok=True)
            event = await self._record(conn, sid, owner_id, version + 1, pb.STORY_EVENT_TYPE_DELETED)
            await conn.execute(sa.text("DELETE FROM story.stories WHERE story_id = :id"), {"id": sid})
            return event

    async def add_scene(
        self, story_id: str, owner_id: str, version: int, scene: pb.Scene, position: int | None
    ) -> tuple[Change, str]:
        """Insert ``scene`` at ``position`` (appended when None) in the story read at ``version``.

        Returns the change and the new scene's id.
        """
        sid = parse_id(story_id, "story_id")
        new_id = uuid.uuid4()
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, version)
            order = await self._order(conn, sid)
            stories.check_room(len(order))
            new_order = stories.insert_at(order, str(new_id), position)
            await self._insert_scenes(conn, sid, [(new_id, scene, None)], first_position=len(order))
            await self._write_order(conn, sid, new_order)
            change = await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_SCENE_ADDED, scene_id=str(new_id))
            return change, str(new_id)

    async def update_scene(
        self, story_id: str, owner_id: str, scene_id: str, version: int, text: str | None, language: str | None
    ) -> Change:
        """Change the text and/or language of the scene read at scene ``version``."""
        sid = parse_id(story_id, "story_id")
        cid = parse_id(scene_id, "scene_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, None)
            row = (
                await conn.execute(
                    sa.text(
                        "SELECT version, text, language_code FROM story.scenes WHERE scene_id = :c AND story_id = :s"
                    ),
                    {"c": cid, "s": sid},
                )
            ).first()
            if row is None:
                raise NotFound(f"scene {scene_id} not found", reason="SCENE_NOT_FOUND", metadata={"scene_id": scene_id})
            stories.check_version("scene", row.version, version)
            new_text = row.text if text is None else text
            new_lang = row.language_code if language is None else language
            await conn.execute(
                sa.text(
                    "UPDATE story.scenes SET text = :t, language_code = :l, content_hash = :h, "
                    "version = version + 1, updated_at = now() WHERE scene_id = :c"
                ),
                {"c": cid, "t": new_text, "l": new_lang, "h": stories.content_hash(new_text, new_lang)},
            )
            return await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_SCENE_UPDATED, scene_id=scene_id)

    async def reorder(self, story_id: str, owner_id: str, version: int, scene_ids: Sequence[str]) -> Change:
        """Put the scenes of the story read at ``version`` in the order ``scene_ids``."""
        sid = parse_id(story_id, "story_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, version)
            order = stories.validate_reorder(await self._order(conn, sid), scene_ids)
            await self._write_order(conn, sid, order)
            return await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_SCENES_REORDERED)

    async def delete_scene(self, story_id: str, owner_id: str, scene_id: str, version: int) -> Change:
        """Remove a scene from the story read at ``version``."""
        sid = parse_id(story_id, "story_id")
        parse_id(scene_id, "scene_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, version)
            order = await self._order(conn, sid)
            if scene_id not in order:
                raise NotFound(f"scene {scene_id} not found", reason="SCENE_NOT_FOUND", metadata={"scene_id": scene_id})
            await conn.execute(sa.text("DELETE FROM story.scenes WHERE scene_id = :c"), {"c": uuid.UUID(scene_id)})
            await self._write_order(conn, sid, [s for s in order if s != scene_id])
            return await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_SCENE_DELETED, scene_id=scene_id)

    async def fork(
        self, story_id: str, owner_id: str, scene_id: str, title: str, max_stories: int | None = None
    ) -> Change:
        """A new story (version 1) holding copies of the scenes up to and including ``scene_id``, and the bible.

        The fork counts against the ``active_stories`` quota like a create (see :meth:`create`).
        """
        sid = parse_id(story_id, "story_id")
        parse_id(scene_id, "scene_id")
        fid = uuid.uuid4()
        async with self.engine.begin() as conn:
            await self._within_quota(conn, owner_id, max_stories)
            parent = (
                await conn.execute(
                    sa.text(
                        "SELECT title, language_code, bible FROM story.stories "
                        "WHERE story_id = :id AND owner_id = :o FOR SHARE"
                    ),
                    {"id": sid, "o": owner_id},
                )
            ).first()
            if parent is None:
                raise _not_found(sid)
            shared = stories.fork_prefix(await self._order(conn, sid), scene_id)
            bible = dict(parent.bible)
            bible["storyId"] = str(fid)
            await conn.execute(
                sa.text(
                    "INSERT INTO story.stories (story_id, owner_id, title, language_code, bible, parent_story_id, "
                    "fork_scene_id) VALUES (:id, :o, :t, :l, CAST(:b AS jsonb), :p, :f)"
                ),
                {
                    "id": fid,
                    "o": owner_id,
                    "t": stories.validate_title(title or f"{parent.title} (fork)"[: stories.MAX_TITLE]),
                    "l": parent.language_code,
                    "b": json.dumps(bible),
                    "p": sid,
                    "f": uuid.UUID(scene_id),
                },
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO story.scenes (scene_id, story_id, position, text, language_code, origin_scene_id, "
                    "content_hash) SELECT gen_random_uuid(), :f, position, text, language_code, scene_id, content_hash "
                    "FROM story.scenes WHERE story_id = :s AND scene_id = ANY(:ids)"
                ),
                {"f": fid, "s": sid, "ids": [uuid.UUID(x) for x in shared]},
            )
            return await self._commit(conn, fid, owner_id, pb.STORY_EVENT_TYPE_FORKED, bump=False)

    async def update_bible(self, owner_id: str, bible: pb.StoryBible) -> tuple[pb.StoryBible, pb.StoryEvent]:
        """Replace the bible of the story read at bible ``bible.version``; returns the stored bible."""
        sid = parse_id(bible.story_id, "bible.story_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, None)
            current = await self._bible(conn, sid)
            stories.check_version("bible", current.version, bible.version)
            change, stored = await self._write_bible(conn, sid, owner_id, bible, current.version)
            return stored, change.event

    # -- analysis ----------------------------------------------------------------------------------

    async def analyses(self, hashes: Sequence[str]) -> dict[str, tuple[str, an_pb.SceneAnalysis]]:
        """Stored ``(english_text, analysis)`` by scene content hash, for those of ``hashes`` known."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT content_hash, english_text, analysis FROM story.analyses WHERE content_hash = ANY(:h)"),
                {"h": list(hashes)},
            )
            return {r.content_hash: (r.english_text, an_pb.SceneAnalysis.FromString(bytes(r.analysis))) for r in rows}

    async def save_analysis(self, content_hash: str, english_text: str, analysis: an_pb.SceneAnalysis) -> None:
        """Keep the analysis of a scene text under its content hash (scenes with equal text share it)."""
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO story.analyses (content_hash, english_text, analysis) VALUES (:h, :e, :a) "
                    "ON CONFLICT (content_hash) DO NOTHING"
                ),
                {"h": content_hash, "e": english_text, "a": analysis.SerializeToString()},
            )

    async def save_resolution(
        self,
        story_id: str,
        owner_id: str,
        version: int,
        bible: pb.StoryBible,
        scenes: Sequence[tuple[pb.Scene, Sequence[str], Sequence[pb.ContinuityWarning]]],
    ) -> tuple[pb.Story, pb.StoryBible]:
        """Store each scene's character ids and warnings and, when it changed, the bible.

        ``version`` is the story version the resolution was computed from; a story changed since
        raises :class:`~services.story.stories.VersionMismatch` and stores nothing. A changed bible
        adds one to the bible's and the story's versions and records BIBLE_UPDATED.
        """
        sid = parse_id(story_id, "story_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, version)
            await conn.execute(
                sa.text(
                    "UPDATE story.scenes SET character_ids = CAST(:c AS jsonb), warnings = CAST(:w AS jsonb), "
                    "analyzed_hash = :h WHERE scene_id = :id AND story_id = :s"
                ),
                [
                    {
                        "id": uuid.UUID(scene.scene_id),
                        "s": sid,
                        "h": scene.content_hash,
                        "c": json.dumps(list(ids)),
                        "w": json.dumps([json_format.MessageToDict(w) for w in warnings]),
                    }
                    for scene, ids, warnings in scenes
                ],
            )
            current = await self._bible(conn, sid)
            if current == bible:
                return await self._load(conn, sid, owner_id), current
            change, stored = await self._write_bible(conn, sid, owner_id, bible, current.version)
            return change.story, stored

    async def save_renders(self, story_id: str, owner_id: str, renders: Sequence[tuple[str, str, str]]) -> Change:
        """Record ``(scene_id, job_id, render_key)`` for scenes still in the story; records RENDER_REQUESTED.

        Rendering does not change the story's text, order or bible, so no version is checked; the
        event takes the next sequence number and the story's version moves with it.
        """
        sid = parse_id(story_id, "story_id")
        async with self.engine.begin() as conn:
            await self._lock(conn, sid, owner_id, None)
            if renders:
                await conn.execute(
                    sa.text(
                        "UPDATE story.scenes SET job_id = :j, render_key = :k WHERE scene_id = :c AND story_id = :s"
                    ),
                    [{"c": uuid.UUID(c), "s": sid, "j": j, "k": k} for c, j, k in renders],
                )
            return await self._commit(
                conn, sid, owner_id, pb.STORY_EVENT_TYPE_RENDER_REQUESTED, job_ids=[j for _, j, _ in renders]
            )

    # -- outbox ----------------------------------------------------------------------------------

    async def archive_inactive(self, now: dt.datetime, inactive: dt.timedelta, batch_size: int = 500) -> int:
        """Archive every active story not changed since ``now - inactive``; returns how many.

        Runs ``batch_size`` stories per transaction (``FOR UPDATE SKIP LOCKED``, oldest first over
        the ``stories_active_by_update`` index), stamping ``archived_at = now`` and appending one
        audit event ``retention.story_archived`` per story in the same transaction. Archiving leaves
        ``version`` and ``updated_at`` as they were. Several replicas may run it at once: a story
        is archived, and recorded, exactly once (``archived_at IS NULL`` is re-checked under the lock).
        """
        cutoff = now - inactive
        total = 0
        while True:
            async with self.engine.begin() as conn:
                rows = (
                    await conn.execute(
                        sa.text(
                            "WITH picked AS (SELECT story_id FROM story.stories WHERE archived_at IS NULL "
                            "AND updated_at < :cutoff ORDER BY updated_at, story_id LIMIT :n FOR UPDATE SKIP LOCKED) "
                            "UPDATE story.stories s SET archived_at = :now FROM picked "
                            "WHERE s.story_id = picked.story_id "
                            "RETURNING s.story_id, s.owner_id, s.updated_at, s.version"
                        ),
                        {"cutoff": cutoff, "n": batch_size, "now": now},
                    )
                ).all()
                for r in rows:
                    await audit.append(
                        conn,
                        actor=ARCHIVE_ACTOR,
                        action="retention.story_archived",
                        target=f"story:{r.story_id}",
                        request_id=f"retention:{now.astimezone(dt.UTC).isoformat()}",
                        reason=f"no change for {inactive.total_seconds() / 86400:g} days",
                        details={"owner_id": r.owner_id, "last_change": r.updated_at.isoformat(), "version": r.version},
                    )
            total += len(rows)
            if len(rows) < batch_size:
                return total

    async def unpublished(self, limit: int = 500) -> list[pb.StoryEvent]:
        """Events not yet confirmed published to NATS, oldest first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT payload FROM story.events WHERE NOT published ORDER BY created_at, sequence LIMIT :n"),
                {"n": limit},
            )
            return [pb.StoryEvent.FromString(bytes(r.payload)) for r in rows]

    async def mark_published(self, events: Sequence[pb.StoryEvent]) -> None:
        """Record that ``events`` reached NATS."""
        if not events:
            return
        async with self.engine.begin() as conn:
            await conn.execute(
                sa.text("UPDATE story.events SET published = true WHERE story_id = :id AND sequence = :s"),
                [{"id": uuid.UUID(e.story_id), "s": e.sequence} for e in events],
            )

    # -- internals -------------------------------------------------------------------------------

    async def _within_quota(self, conn: AsyncConnection, owner_id: str, max_stories: int | None) -> None:
        """Refuse a new story past the owner's quota, inside the creating transaction.

        ``pg_advisory_xact_lock(ns, hashtext(owner))`` serialises one owner's creates and forks
        until the transaction ends, so concurrent creates cannot pass the quota together. The count
        is of the owner's stories not archived (the ``stories_owner`` index). Raises ResourceExhausted
        QUOTA_EXCEEDED (:func:`services.generation.plans.quota_exceeded`).
        """
        if max_stories is None:
            return
        await conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, hashtext(:o))"), {"ns": _STORY_QUOTA_LOCK, "o": owner_id}
        )
        have = (await conn.execute(sa.text(_ACTIVE_STORIES_SQL), {"o": owner_id})).scalar_one()
        if have >= max_stories:
            raise plans.quota_exceeded(plans.ACTIVE_STORIES, owner_id, int(have), max_stories)

    async def _load(self, conn: AsyncConnection, sid: uuid.UUID, owner_id: str) -> pb.Story:
        row = (
            await conn.execute(
                sa.text(f"SELECT {_STORY_COLUMNS} FROM story.stories WHERE story_id = :id AND owner_id = :o"),
                {"id": sid, "o": owner_id},
            )
        ).first()
        if row is None:
            raise _not_found(sid)
        scenes = (
            await conn.execute(
                sa.text(f"SELECT {_SCENE_COLUMNS} FROM story.scenes WHERE story_id = :id ORDER BY position"),
                {"id": sid},
            )
        ).all()
        return _story(row, scenes)

    async def _lock(
        self, conn: AsyncConnection, sid: uuid.UUID, owner_id: str, version: int | None, *, archived_ok: bool = False
    ) -> int:
        """Lock the owner's story row until the transaction ends; check ``version`` when given.

        Raises FailedPrecondition STORY_ARCHIVED when the story is archived (read-only), unless
        ``archived_ok`` (deleting it is allowed).
        """
        row = (
            await conn.execute(
                sa.text(
                    "SELECT version, archived_at FROM story.stories WHERE story_id = :id AND owner_id = :o FOR UPDATE"
                ),
                {"id": sid, "o": owner_id},
            )
        ).first()
        if row is None:
            raise _not_found(sid)
        if row.archived_at is not None and not archived_ok:
            raise FailedPrecondition(
                f"story {sid} is archived (unchanged for a long time) and read-only: fork it to continue",
                reason="STORY_ARCHIVED",
                metadata={"story_id": str(sid), "archived_at": row.archived_at.isoformat()},
            )
        if version is not None:
            stories.check_version("story", int(row.version), version)
        return int(row.version)

    async def _bible(self, conn: AsyncConnection, sid: uuid.UUID) -> pb.StoryBible:
        row = (
            await conn.execute(
                sa.text("SELECT bible, bible_version FROM story.stories WHERE story_id = :id"), {"id": sid}
            )
        ).one()
        return _bible(sid, row.bible, row.bible_version)

    async def _write_bible(
        self, conn: AsyncConnection, sid: uuid.UUID, owner_id: str, bible: pb.StoryBible, current: int
    ) -> tuple[Change, pb.StoryBible]:
        """Store ``bible`` as version ``current + 1`` and commit the story change BIBLE_UPDATED."""
        stored = pb.StoryBible()
        stored.CopyFrom(bible)
        stored.story_id, stored.version = str(sid), current + 1
        await conn.execute(
            sa.text("UPDATE story.stories SET bible = CAST(:b AS jsonb), bible_version = :v WHERE story_id = :id"),
            {"id": sid, "b": json.dumps(json_format.MessageToDict(stored)), "v": stored.version},
        )
        return await self._commit(conn, sid, owner_id, pb.STORY_EVENT_TYPE_BIBLE_UPDATED), stored

    async def _order(self, conn: AsyncConnection, sid: uuid.UUID) -> list[str]:
        rows = await conn.execute(
            sa.text("SELECT scene_id FROM story.scenes WHERE story_id = :id ORDER BY position"), {"id": sid}
        )
        return [str(r.scene_id) for r in rows]

    async def _write_order(self, conn: AsyncConnection, sid: uuid.UUID, order: Sequence[str]) -> None:
        """Set every scene's position to its index in ``order``, in one statement."""
        if order:
            await conn.execute(
                sa.text(
                    "UPDATE story.scenes c SET position = o.i - 1 "
                    "FROM unnest(CAST(:ids AS uuid[])) WITH ORDINALITY AS o(id, i) "
                    "WHERE c.scene_id = o.id AND c.story_id = :s AND c.position <> o.i - 1"
                ),
                {"ids": [uuid.UUID(x) for x in order], "s": sid},
            )

    async def _insert_scenes(
        self,
        conn: AsyncConnection,
        sid: uuid.UUID,
        scenes: Sequence[tuple[uuid.UUID, pb.Scene, uuid.UUID | None]],
        first_position: int = 0,
    ) -> None:
        if not scenes:
            return
        await conn.execute(
            sa.text(
                "INSERT INTO story.scenes (scene_id, story_id, position, text, language_code, origin_scene_id, "
                "content_hash) VALUES (:c, :s, :p, :t, :l, :o, :h)"
            ),
            [
                {
                    "c": cid,
                    "s": sid,
                    "p": first_position + i,
                    "t": s.text,
                    "l": s.language_code,
                    "o": origin,
                    "h": stories.content_hash(s.text, s.language_code),
                }
                for i, (cid, s, origin) in enumerate(scenes)
            ],
        )

    async def _commit(
        self,
        conn: AsyncConnection,
        sid: uuid.UUID,
        owner_id: str,
        type_: pb.StoryEventType,
        *,
        scene_id: str = "",
        bump: bool = True,
        job_ids: Sequence[str] = (),
    ) -> Change:
        """Add one to the story's version (unless ``bump`` is false), record the event, load the story."""
        if bump:
            await conn.execute(
                sa.text("UPDATE story.stories SET version = version + 1, updated_at = now() WHERE story_id = :id"),
                {"id": sid},
            )
        story = await self._load(conn, sid, owner_id)
        event = await self._record(
            conn,
            sid,
            owner_id,
            story.version,
            type_,
            scene_id=scene_id,
            scene_ids=[s.scene_id for s in story.scenes],
            job_ids=job_ids,
        )
        return Change(story, event)

    async def _record(
        self,
        conn: AsyncConnection,
        sid: uuid.UUID,
        owner_id: str,
        sequence: int,
        type_: pb.StoryEventType,
        *,
        scene_id: str = "",
        scene_ids: Sequence[str] = (),
        job_ids: Sequence[str] = (),
    ) -> pb.StoryEvent:
        event = pb.StoryEvent(
            story_id=str(sid),
            sequence=sequence,
            type=type_,
            story_version=sequence,
            scene_id=scene_id,
            scene_ids=scene_ids,
            job_ids=job_ids,
        )
        event.time.GetCurrentTime()
        await conn.execute(
            sa.text("INSERT INTO story.events (story_id, owner_id, sequence, payload) VALUES (:id, :o, :s, :p)"),
            {"id": sid, "o": owner_id, "s": sequence, "p": event.SerializeToString()},
        )
        return event


def _bible(sid: uuid.UUID, data: Any, version: int) -> pb.StoryBible:
    bible = pb.StoryBible()
    if data:
        json_format.ParseDict(data, bible, ignore_unknown_fields=True)
    bible.story_id = str(sid)
    bible.version = version
    return bible
