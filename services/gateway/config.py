"""Gateway configuration, read once from the environment into a frozen dataclass."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.gateway.signing import DEFAULT_TTL_S, load_or_create_secret
from services.gateway.trust import TrustRules
from services.generation.plans import DEFAULT_PLANS, Plan, plans_from_env
from services.mesh import config as mc
from services.mesh.media_store import MediaSettings


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the gateway needs to start.

    Attributes:
        port: HTTP listening port (``DRISHYA_GATEWAY_PORT``, default 8080; 0 picks a free one).
        generation_addr: ``host:port`` of the generation service (``DRISHYA_GENERATION_ADDR``).
        story_addr: ``host:port`` of the story service (``DRISHYA_STORY_ADDR``, default port 50057).
        media_root: directory holding published media; media keys are relative to it
            (``DRISHYA_MEDIA_ROOT``, default ``$DRISHYA_DATA_DIR/media``).
        host: interface to bind (``DRISHYA_GATEWAY_HOST``, else ``DRISHYA_BIND_HOST``, default ``127.0.0.1``;
            ``0.0.0.0`` in containers).
        api_key: an API key secret registered at start-up when set (``DRISHYA_API_KEY``), so local
            runs and the CLI have a key without an admin step.
        api_key_name: the name recorded for ``api_key`` (``DRISHYA_API_KEY_NAME``, default ``default``).
        unary_deadline_s: deadline of every unary gRPC call, in seconds (``DRISHYA_GATEWAY_DEADLINE_S``, 10).
        health_deadline_s: deadline of the health probe calls, in seconds (2).
        sse_keepalive_s: seconds of silence after which an SSE ``: keep-alive`` comment is sent
            (``DRISHYA_GATEWAY_SSE_KEEPALIVE_S``, 15).
        sse_retry_ms: reconnection delay advertised to EventSource clients, in milliseconds (3000).
        sse_max_stream_s: longest life of one SSE response, in seconds, after which the client
            reconnects with ``Last-Event-ID`` (``DRISHYA_GATEWAY_SSE_MAX_S``, 600); bounds how long a
            connection pins one gateway replica.
        max_body_bytes: largest accepted JSON request body, in bytes (262144).
        public_base_url: absolute base URL for media links (``DRISHYA_GATEWAY_PUBLIC_URL``); empty
            means "the base URL of the request".
        cors_origins: origins allowed by CORS (``DRISHYA_GATEWAY_CORS_ORIGINS``, comma-separated;
            empty disables CORS).
        redis_url: Redis holding the rate-limit buckets (``REDIS_URL``); None disables the limit.
        rate_limit_burst: job creations one key may make at once, in place of every plan's ``burst``
            (``DRISHYA_RATE_LIMIT_BURST``; unset, None: each plan's own).
        rate_limit_per_minute: sustained job creations per key per minute, in place of every plan's
            ``per_hour`` (``DRISHYA_RATE_LIMIT_PER_MINUTE``; unset, None: each plan's own).
        plans: the plan table (``DRISHYA_PLANS``, :mod:`services.generation.plans`): each key's
            plan sets its rate limit.
        media_secret: HMAC key of signed media URLs (``DRISHYA_MEDIA_SIGNING_SECRET``, at least 32
            characters; else ``$DRISHYA_DATA_DIR/media-signing.key``, made with mode 0600). Built
            directly, the config gets a random one.
        media_url_ttl_s: lifetime of a signed media URL, in seconds (``DRISHYA_MEDIA_URL_TTL_S``, 3600).
        max_json_depth: deepest nesting of arrays and objects accepted in a JSON body (32).
        max_number_chars: longest JSON number literal accepted, in characters (40).
        max_path_bytes: longest request path accepted, in bytes; longer gets 414 (2048).
        auth_cache_s: seconds an authenticated key is remembered, so a revoked key works at most
            this long after revocation (``DRISHYA_GATEWAY_AUTH_CACHE_S``, 5; 0 disables).
        max_header_bytes: largest total size of the request headers, in bytes; larger gets 431 (16384).
        media: the media store (``DRISHYA_MEDIA_URL`` and ``AWS_*``); None is the local ``media_root``.
        media_serve: how media in object storage reaches players (``DRISHYA_MEDIA_SERVE``): ``stream``
            (the gateway streams it, with Range support; the default) or ``redirect`` (307 to a
            presigned URL of the store, valid until the signed URL's expiry). Playlists are always
            served by the gateway (their URIs are signed); a local directory is always streamed.
        trust: the trust system's numbers (:class:`services.gateway.trust.TrustRules`, ``DRISHYA_REVIEW_RATE_*``
            and ``DRISHYA_TRUST_*``).
    """

    port: int
    generation_addr: str
    media_root: Path
    host: str = "127.0.0.1"
    api_key: str | None = None
    api_key_name: str = "default"
    unary_deadline_s: float = 10.0
    health_deadline_s: float = 2.0
    sse_keepalive_s: float = 15.0
    sse_retry_ms: int = 3000
    sse_max_stream_s: float = 600.0
    max_body_bytes: int = 256 * 1024
    public_base_url: str = ""
    cors_origins: tuple[str, ...] = ()
    redis_url: str | None = None
    rate_limit_burst: int | None = None
    rate_limit_per_minute: float | None = None
    plans: dict[str, Plan] = field(default_factory=lambda: dict(DEFAULT_PLANS))
    media_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    media_url_ttl_s: int = DEFAULT_TTL_S
    max_json_depth: int = 32
    max_number_chars: int = 40
    max_path_bytes: int = 2048
    max_header_bytes: int = 16384
    story_addr: str = "127.0.0.1:50057"
    auth_cache_s: float = 5.0
    media: MediaSettings | None = None
    media_serve: str = "stream"
    trust: TrustRules = field(default_factory=TrustRules)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GatewayConfig:
        """Read the configuration; raises :class:`services.mesh.config.ConfigError` on a bad value."""
        media_default = str(mc.data_dir(env) / "media")
        api_key = mc.env_str(env, "DRISHYA_API_KEY", "") or None
        if api_key is not None and any(c.isspace() for c in api_key):
            raise mc.ConfigError("DRISHYA_API_KEY must not contain whitespace")
        public = mc.env_str(env, "DRISHYA_GATEWAY_PUBLIC_URL", "").rstrip("/")
        if public and not public.startswith(("http://", "https://")):
            raise mc.ConfigError(f"DRISHYA_GATEWAY_PUBLIC_URL={public!r} is not an http(s) URL")
        given = mc.env_str(env, "DRISHYA_MEDIA_SIGNING_SECRET", "")
        if given and len(given) < 32:
            raise mc.ConfigError("DRISHYA_MEDIA_SIGNING_SECRET must have at least 32 characters")
        try:
            secret = given.encode("utf-8") if given else load_or_create_secret(mc.data_dir(env) / "media-signing.key")
        except (OSError, ValueError) as exc:
            raise mc.ConfigError(f"media signing secret: {exc}") from None
        serve = mc.env_str(env, "DRISHYA_MEDIA_SERVE", "stream").lower()
        if serve not in ("stream", "redirect"):
            raise mc.ConfigError(f"DRISHYA_MEDIA_SERVE={serve!r} is not one of stream, redirect")
        media_root = Path(mc.env_str(env, "DRISHYA_MEDIA_ROOT", media_default)).resolve()
        origins = tuple(o.strip() for o in mc.env_str(env, "DRISHYA_GATEWAY_CORS_ORIGINS", "").split(",") if o.strip())
        return cls(
            port=mc.port(env, "gateway"),
            generation_addr=mc.address(env, "generation"),
            story_addr=mc.address(env, "story"),
            media_root=media_root,
            host=mc.env_str(env, "DRISHYA_GATEWAY_HOST", mc.env_str(env, "DRISHYA_BIND_HOST", "127.0.0.1")),
            api_key=api_key,
            api_key_name=mc.env_str(env, "DRISHYA_API_KEY_NAME", "default"),
            unary_deadline_s=mc.env_float(env, "DRISHYA_GATEWAY_DEADLINE_S", 10.0, lo=0.1, hi=600.0),
            sse_keepalive_s=mc.env_float(env, "DRISHYA_GATEWAY_SSE_KEEPALIVE_S", 15.0, lo=0.05, hi=3600.0),
            sse_max_stream_s=mc.env_float(env, "DRISHYA_GATEWAY_SSE_MAX_S", 600.0, lo=1.0, hi=86400.0),
            public_base_url=public,
            cors_origins=origins,
            redis_url=mc.env_str(env, "REDIS_URL", "") or None,
            rate_limit_burst=(
                mc.env_int(env, "DRISHYA_RATE_LIMIT_BURST", 1, lo=1, hi=1_000_000)
                if env.get("DRISHYA_RATE_LIMIT_BURST", "").strip()
                else None
            ),
            rate_limit_per_minute=(
                mc.env_float(env, "DRISHYA_RATE_LIMIT_PER_MINUTE", 1.0, lo=0.001, hi=1e7)
                if env.get("DRISHYA_RATE_LIMIT_PER_MINUTE", "").strip()
                else None
            ),
            plans=plans_from_env(env),
            media_secret=secret,
            auth_cache_s=mc.env_float(env, "DRISHYA_GATEWAY_AUTH_CACHE_S", 5.0, lo=0.0, hi=3600.0),
            media_url_ttl_s=mc.env_int(env, "DRISHYA_MEDIA_URL_TTL_S", DEFAULT_TTL_S, lo=10, hi=7 * 86400),
            media=MediaSettings.from_env(env, media_root),
            media_serve=serve,
            trust=TrustRules.from_env(env),
        )
