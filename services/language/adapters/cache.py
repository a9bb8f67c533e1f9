"""The translation cache in Redis.

Key: ``drishya:language:translation:<sha256>`` of the provider chain fingerprint, the source and
target languages and the text; value: the serialized ``TranslateResponse`` (protobuf bytes);
time to live 7 days by default. Readiness is Redis ``PING``.
"""

from __future__ import annotations

import hashlib
import logging

import redis.asyncio as redis
from google.protobuf.message import DecodeError

from drishya.language.v1 import language_service_pb2 as svc_pb
from services.language.codec import translation_from_proto, translation_to_proto
from services.language.translate import Translation

log = logging.getLogger(__name__)

#: Default time to live of a cached translation, in seconds (7 days).
DEFAULT_TTL_S = 7 * 24 * 3600

KEY_PREFIX = "drishya:language:translation:"


def cache_key(fingerprint: str, source: str, target: str, text: str) -> str:
    """The Redis key of a translation: prefix + SHA-256 over the four parts, NUL-separated."""
    digest = hashlib.sha256("\x00".join((fingerprint, source, target, text)).encode("utf-8")).hexdigest()
    return KEY_PREFIX + digest


class TranslationCache:
    """Translations in Redis.

    Args:
        client: a ``redis.asyncio.Redis``.
        ttl_s: time to live of each entry, in seconds.
    """

    def __init__(self, client: redis.Redis, *, ttl_s: int = DEFAULT_TTL_S) -> None:
        self._redis = client
        self._ttl_s = ttl_s

    @classmethod
    def from_url(cls, url: str, *, ttl_s: int = DEFAULT_TTL_S) -> TranslationCache:
        """Connect lazily to ``url`` (``redis://host:port/0`` or ``unix:///path/redis.sock``)."""
        return cls(redis.Redis.from_url(url, socket_timeout=5.0, socket_connect_timeout=5.0), ttl_s=ttl_s)

    async def get(self, key: str) -> Translation | None:
        """The cached translation under ``key`` (marked ``cached``), or None on a miss or a corrupt entry."""
        raw = await self._redis.get(key)
        if raw is None:
            return None
        try:
            data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
            return translation_from_proto(svc_pb.TranslateResponse.FromString(data)).as_cached()
        except (DecodeError, KeyError) as exc:
            log.warning("dropping unreadable cache entry %s: %s", key, exc)
            await self._redis.delete(key)
            return None

    async def put(self, key: str, translation: Translation) -> None:
        """Store ``translation`` (as not cached) under ``key`` with the time to live."""
        msg = translation_to_proto(translation)
        msg.cached = False
        await self._redis.set(key, msg.SerializeToString(), ex=self._ttl_s)

    async def ttl(self, key: str) -> int:
        """Seconds left before ``key`` expires (-2: no such key, -1: no expiry)."""
        return int(await self._redis.ttl(key))

    async def ping(self) -> None:
        """Readiness check: Redis ``PING``; raises when Redis does not answer."""
        await self._redis.ping()

    async def close(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()
