"""Configuration of the story service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.generation.plans import DEFAULT_PLANS, Plan, plans_from_env
from services.mesh import config as mc
from services.mesh.media_store import MediaSettings


@dataclass(frozen=True)
class StoryConfig:
    """Settings of the story service.

    Attributes:
        port: gRPC port (``DRISHYA_STORY_PORT``, default 50057; 0 picks a free one).
        language_addr, analysis_addr, generation_addr: ``host:port`` of the services AnalyzeStory
            and RenderStory call (``DRISHYA_LANGUAGE_ADDR``, ``DRISHYA_ANALYSIS_ADDR``,
            ``DRISHYA_GENERATION_ADDR``).
        watch_poll_s: how often a WatchStory stream reads the record when no NATS wake-up came,
            in seconds (``DRISHYA_STORY_WATCH_POLL_S``, default 1.0).
        rpc_deadline_s: deadline of each call to another service (``DRISHYA_RPC_DEADLINE_S``, 60).
        analysis_concurrency: scenes analysed at once by AnalyzeStory
            (``DRISHYA_STORY_ANALYSIS_CONCURRENCY``, default 4).
        media_root: the shared media volume (``DRISHYA_MEDIA_ROOT``, default ``<data dir>/media``);
            story playlists go under ``<media_root>/stories/<story_id>/``.
        media: the media store (``DRISHYA_MEDIA_URL`` and ``AWS_*``); None is the local ``media_root``.
        archive_days: retention: a story unchanged for this many days is archived, read-only
            (``DRISHYA_RETENTION_ARCHIVE_DAYS``, default 90: a season of inactivity).
        archive_interval_s: how often the archive pass runs (``DRISHYA_RETENTION_INTERVAL_S``, 3600,
            the generation sweeper's interval; every replica runs it, safely: see
            :meth:`services.story.adapters.store.StoryStore.archive_inactive`).
        plans: the plan table (``DRISHYA_PLANS``, :mod:`services.generation.plans`): each plan's
            ``active_stories`` quota.
    """

    port: int
    language_addr: str = "127.0.0.1:50051"
    analysis_addr: str = "127.0.0.1:50052"
    generation_addr: str = "127.0.0.1:50054"
    watch_poll_s: float = 1.0
    rpc_deadline_s: float = 60.0
    analysis_concurrency: int = 4
    media_root: Path = Path(".drishya/media")
    media: MediaSettings | None = None
    plans: dict[str, Plan] = field(default_factory=lambda: dict(DEFAULT_PLANS))
    archive_days: float = 90.0
    archive_interval_s: float = 3600.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StoryConfig:
        """Build from ``env``; raises :class:`services.mesh.config.ConfigError` on bad values."""
        media_root = Path(mc.env_str(env, "DRISHYA_MEDIA_ROOT", str(mc.data_dir(env) / "media"))).resolve()
        return cls(
            port=mc.port(env, "story"),
            language_addr=mc.address(env, "language"),
            analysis_addr=mc.address(env, "analysis"),
            generation_addr=mc.address(env, "generation"),
            rpc_deadline_s=mc.env_float(env, "DRISHYA_RPC_DEADLINE_S", 60.0, lo=0.1, hi=3600.0),
            analysis_concurrency=mc.env_int(env, "DRISHYA_STORY_ANALYSIS_CONCURRENCY", 4, lo=1, hi=64),
            media_root=media_root,
            watch_poll_s=mc.env_float(env, "DRISHYA_STORY_WATCH_POLL_S", 1.0, lo=0.05, hi=60.0),
            media=MediaSettings.from_env(
                env, Path(mc.env_str(env, "DRISHYA_MEDIA_ROOT", str(mc.data_dir(env) / "media")))
            ),
            plans=plans_from_env(env),
            archive_days=mc.env_float(env, "DRISHYA_RETENTION_ARCHIVE_DAYS", 90.0, lo=0.001, hi=36500.0),
            archive_interval_s=mc.env_float(env, "DRISHYA_RETENTION_INTERVAL_S", 3600.0, lo=1.0, hi=7 * 86400.0),
        )
