"""Per-key submission rate limit: a token bucket in Redis, updated atomically by one Lua script.

Each API key has a bucket of ``burst`` tokens refilled at ``rate_per_s``; creating a job takes one.
Both come from the key's plan on every call (:func:`services.generation.plans.rate_of`: free 5 at
once and 5 per hour, pro 20 and 60 per hour, enterprise 100 and 600 per hour), scaled by the
caller's ``factor`` (the trust rules': a restricted key gets half the rate); a deployment may set
one limit for every plan instead (``DRISHYA_RATE_LIMIT_BURST`` / ``DRISHYA_RATE_LIMIT_PER_MINUTE``).
A key whose plan changes keeps its bucket: the new burst caps the tokens at the next request.
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

import dataclasses
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from services.generation import plans as plans_

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
        per_minute: the refill rate applied, in requests per minute.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_s: float
    window_s: float
    enforced: bool = True
    per_minute: float = 0.0

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
    """Token buckets per API key in Redis, sized by each key's plan.

    Args:
        redis_url: ``redis://`` URL; None disables the limit (every request is allowed, no headers).
        plans: the plan table (default :data:`services.generation.plans.DEFAULT_PLANS`).
        burst: bucket size for every plan, in requests (``DRISHYA_RATE_LIMIT_BURST``); None: the plan's.
        per_minute: refill rate for every plan, in requests per minute
            (``DRISHYA_RATE_LIMIT_PER_MINUTE``); None: the plan's.
        timeout_s: socket timeout of each Redis call, in seconds; a slower Redis fails open.
    """

    def __init__(
        self,
        redis_url: str | None,
        *,
        plans: Mapping[str, plans_.Plan] | None = None,
        burst: int | None = None,
        per_minute: float | None = None,
        timeout_s: float = 0.5,
    ) -> None:
        self.plans = dict(plans or plans_.DEFAULT_PLANS)
        self.burst = burst
        self.per_minute = per_minute
        self._redis: Any = None
        self._script: Any = None
        self._last_warning = -math.inf
        if redis_url:
            self._redis = aioredis.from_url(redis_url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)
            self._script = self._redis.register_script(TOKEN_BUCKET_LUA)

    def limit_of(self, plan: str = "", factor: float = 1.0) -> tuple[int, float]:
        """``(burst, per_minute)`` for a key on ``plan`` (``free`` when blank or unknown) at ``factor``.

        The deployment-wide ``burst`` / ``per_minute``, when set, replace the plan's; ``factor``
        (> 0) scales both, the burst never below 1 (:func:`services.generation.plans.rate_of`).
        Raises ValueError when ``factor`` is not positive.
        """
        p = plans_.plan_of(self.plans, plan)
        if self.burst is not None:
            p = dataclasses.replace(p, burst=self.burst)
        if self.per_minute is not None:
            p = dataclasses.replace(p, per_hour=self.per_minute * 60.0)
        return plans_.rate_of(p, factor)

    async def take(self, key_id: str, plan: str = "", factor: float = 1.0) -> Decision:
        """Take one token from ``key_id``'s bucket, sized by ``plan`` at ``factor`` (:meth:`limit_of`).

        Never raises on Redis trouble: a Redis failure lets the request in.
        """
        burst, per_minute = self.limit_of(plan, factor)
        rate_per_s = per_minute / 60.0
        window_s = round(burst / rate_per_s, 6)  # 5 per hour is 3600 s, not 3600.0000000000005
        if self._script is None:
            return Decision(True, burst, burst, 0.0, window_s, enforced=False, per_minute=per_minute)
        try:
            allowed, tokens, wait = await self._script(keys=[KEY_PREFIX + key_id], args=[burst, repr(rate_per_s), 1])
        except (RedisError, OSError) as exc:
            now = time.monotonic()
            if now - self._last_warning >= _WARN_EVERY_S:
                self._last_warning = now
                log.warning("rate limit not enforced, Redis is unreachable: %s", type(exc).__name__)
            return Decision(True, burst, burst, 0.0, window_s, enforced=False, per_minute=per_minute)
        left = float(tokens)
        if int(allowed):
            return Decision(True, burst, int(left), (burst - left) / rate_per_s, window_s, per_minute=per_minute)
        return Decision(False, burst, 0, float(wait), window_s, per_minute=per_minute)

    async def close(self) -> None:
        """Close the Redis connections."""
        if self._redis is not None:
            await self._redis.aclose()
