"""Configuration of the moderation service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.mesh import config as mc
from services.mesh.media_store import MediaSettings


@dataclass(frozen=True)
class ModerationConfig:
    """Settings of the moderation service.

    Attributes:
        port: gRPC port (``DRISHYA_MODERATION_PORT``, default 50055; 0 picks a free one).
        media_root: the shared media volume; ``CheckVideo`` refuses paths outside it
            (``DRISHYA_MEDIA_ROOT``, default ``<DRISHYA_DATA_DIR>/media``).
        host: interface to bind (``DRISHYA_MODERATION_HOST``, else ``DRISHYA_BIND_HOST``, default ``127.0.0.1``;
            ``0.0.0.0`` in containers).
        video_workers: video checks decoding at once, each in its own thread
            (``DRISHYA_MODERATION_VIDEO_WORKERS``, default 2).
        media: the media store (``DRISHYA_MEDIA_URL`` and ``AWS_*``); None is the local ``media_root``.
    """

    port: int
    media_root: Path
    host: str = "127.0.0.1"
    video_workers: int = 2
    media: MediaSettings | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ModerationConfig:
        """Build from ``env``; raises :class:`services.mesh.config.ConfigError` on bad values."""
        media = mc.env_str(env, "DRISHYA_MEDIA_ROOT", str(mc.data_dir(env) / "media"))
        return cls(
            port=mc.port(env, "moderation"),
            media_root=Path(media).resolve(),
            host=mc.env_str(env, "DRISHYA_MODERATION_HOST", mc.env_str(env, "DRISHYA_BIND_HOST", "127.0.0.1")),
            video_workers=mc.env_int(env, "DRISHYA_MODERATION_VIDEO_WORKERS", 2, lo=1, hi=64),
            media=MediaSettings.from_env(env, Path(media)),
        )
