"""Configuration of the delivery service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.mesh import config as mc
from services.mesh.media_store import MediaSettings

_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")


@dataclass(frozen=True)
class DeliveryConfig:
    """Settings of the delivery service.

    Attributes:
        port: gRPC port (``DRISHYA_DELIVERY_PORT``, default 50056; 0 picks a free one).
        media_root: the shared media volume; sources must be inside it and deliveries are written
            to ``<media_root>/jobs/<job_id>/`` (``DRISHYA_MEDIA_ROOT``, default ``<DRISHYA_DATA_DIR>/media``).
        host: interface to bind (``DRISHYA_DELIVERY_HOST``, else ``DRISHYA_BIND_HOST``, default ``127.0.0.1``;
            ``0.0.0.0`` in containers).
        max_concurrent_publishes: packaging jobs running at once, each in a worker thread
            (``DRISHYA_DELIVERY_MAX_CONCURRENT``, default 1: libx264 already uses every core).
        x264_preset: libx264 speed/quality preset (``DRISHYA_DELIVERY_X264_PRESET``, default ``veryfast``).
        media: the media store (``DRISHYA_MEDIA_URL`` and ``AWS_*``); None is the local ``media_root``.
    """

    port: int
    media_root: Path
    host: str = "127.0.0.1"
    max_concurrent_publishes: int = 1
    x264_preset: str = "veryfast"
    media: MediaSettings | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DeliveryConfig:
        """Build from ``env``; raises :class:`services.mesh.config.ConfigError` on bad values."""
        media = mc.env_str(env, "DRISHYA_MEDIA_ROOT", str(mc.data_dir(env) / "media"))
        preset = mc.env_str(env, "DRISHYA_DELIVERY_X264_PRESET", "veryfast")
        if preset not in _PRESETS:
            raise mc.ConfigError(f"DRISHYA_DELIVERY_X264_PRESET={preset!r} is not one of {', '.join(_PRESETS)}")
        return cls(
            port=mc.port(env, "delivery"),
            media_root=Path(media).resolve(),
            host=mc.env_str(env, "DRISHYA_DELIVERY_HOST", mc.env_str(env, "DRISHYA_BIND_HOST", "127.0.0.1")),
            max_concurrent_publishes=mc.env_int(env, "DRISHYA_DELIVERY_MAX_CONCURRENT", 1, lo=1, hi=64),
            x264_preset=preset,
            media=MediaSettings.from_env(env, Path(media)),
        )
