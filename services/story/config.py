"""Configuration of the story service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.mesh import config as mc


@dataclass(frozen=True)
class StoryConfig:
    """Settings of the story service.

    Attributes:
        port: gRPC port (``DRISHYA_STORY_PORT``, default 50057; 0 picks a free one).
        watch_poll_s: how often a WatchStory stream reads the record when no NATS wake-up came,
            in seconds (``DRISHYA_STORY_WATCH_POLL_S``, default 1.0).
    """

    port: int
    watch_poll_s: float = 1.0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> StoryConfig:
        """Build from ``env``; raises :class:`services.mesh.config.ConfigError` on bad values."""
        return cls(
            port=mc.port(env, "story"),
            watch_poll_s=mc.env_float(env, "DRISHYA_STORY_WATCH_POLL_S", 1.0, lo=0.05, hi=60.0),
        )
