"""Per-key submission rate limit: a token bucket in Redis, updated atomically by one Lua script.

Each API key has a bucket of ``burst`` tokens refilled at ``rate_per_s``; creating a job takes one.
The script reads the bucket, refills it by the time elapsed on the Redis clock (``TIME``, so
gateway replicas with skewed clocks agree), takes a token when there is one and writes the bucket
back, all in one atomic step (Redis runs a script without interleaving other commands), so the
limit holds across concurrent requests and gateway replicas.

The answer's headers follow draft-ietf-httpapi-ratelimit-headers-06
(https://datatracker.ietf.org/doc/html/draft-ietf-httpapi-ratelimit-headers-06): ``RateLimit-Limit``
(the burst), ``RateLimit-Remaining`` (whole tokens left), ``RateLimit-Reset`` (seconds until the
bucket is full again, or until the next token on a refusal) and ``RateLimit-Policy``
(``<burst>;w=<seconds to refill the burst>``), plus ``Retry-After`` (RFC 9110 §10.2.3) on 429.

Redis is a cache and a rate-limit store here, not a dependency: when it cannot be reached the
limiter lets the request through (fails open) and logs a warning at most once a minute.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

#: KEYS[1] bucket; ARGV burst, tokens per second, cost. Returns {allowed, tokens left, seconds to wait}.
TOKEN_BUCKET_LUA = """
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(tokens), tostring(wait)}
"""

KEY_PREFIX = "drishya:ratelimit:create:"
_WARN_EVERY_S = 60.0


@dataclass(frozen=True)
class Decision:
    """The limiter's answer for one request.

    Attributes:
        allowed: the request may proceed.
        limit: the bucket size (burst), in requests.
        remaining: whole tokens left after this request.
        reset_s: seconds until the bucket is full again (allowed) or a token is available (refused).
        window_s: seconds to refill an empty bucket (the policy's window).
        enforced: False when Redis could not be asked and the request was let through.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_s: float
    window_s: float
    enforced: bool = True

    def headers(self) -> dict[str, str]:
        """The draft-06 RateLimit fields (and ``Retry-After`` when refused); empty when not enforced."""
        if not self.enforced:
            return {}
        reset = max(0, math.ceil(self.reset_s))
        out = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(reset),
            "RateLimit-Policy": f"{self.limit};w={max(1, math.ceil(self.window_s))}",
        }
        if not self.allowed:
            out["Retry-After"] = str(max(1, reset))
        return out


class RateLimiter:
    """Token buckets per API key in Redis.

    Args:
        redis_url: ``redis://`` URL; None disables the limit (every request is allowed, no headers).
        burst: bucket size, in requests (``DRISHYA_RATE_LIMIT_BURST``).
        per_minute: refill rate, in requests per minute (``DRISHYA_RATE_LIMIT_PER_MINUTE``).
        timeout_s: socket timeout of each Redis call, in seconds; a slower Redis fails open.
    """

    def __init__(self, redis_url: str | None, *, burst: int, per_minute: float, timeout_s: float = 0.5) -> None:
        self.burst = burst
        self.rate_per_s = per_minute / 60.0
        self._redis: Any = None
        self._script: Any = None
        self._last_warning = -math.inf
        if redis_url:
            self._redis = aioredis.from_url(redis_url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
            self._script = self._redis.register_script(TOKEN_BUCKET_LUA)

    @property
    def window_s(self) -> float:
        """Seconds to refill an empty bucket."""
        return self.burst / self.rate_per_s

    async def take(self, key_id: str) -> Decision:
        """Take one token from ``key_id``'s bucket. Never raises: a Redis failure lets the request in."""
        if self._script is None:
            return Decision(True, self.burst, self.burst, 0.0, self.window_s, enforced=False)
        try:
            allowed, tokens, wait = await self._script(
                keys=[KEY_PREFIX + key_id], args=[self.burst, repr(self.rate_per_s), 1]
            )
        except (RedisError, OSError) as exc:
            now = time.monotonic()
            if now - self._last_warning >= _WARN_EVERY_S:
                self._last_warning = now
                log.warning("rate limit not enforced, Redis is unreachable: %s", type(exc).__name__)
            return Decision(True, self.burst, self.burst, 0.0, self.window_s, enforced=False)
        left = float(tokens)
        if int(allowed):
            return Decision(True, self.burst, int(left), (self.burst - left) / self.rate_per_s, self.window_s)
        return Decision(False, self.burst, 0, float(wait), self.window_s)

    async def close(self) -> None:
        """Close the Redis connections."""
        if self._redis is not None:
            await self._redis.aclose()
