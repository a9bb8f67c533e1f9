"""The gateway's HTTP server: uvicorn around :func:`services.gateway.app.create_app`."""

from __future__ import annotations

import logging
import re

import uvicorn

from services.gateway.app import create_app
from services.gateway.config import GatewayConfig

#: Seconds uvicorn waits for open responses at shutdown before cancelling them. SSE streams never
#: end by themselves while a job runs; clients reconnect with ``Last-Event-ID`` and lose nothing.
GRACEFUL_SHUTDOWN_S = 5


_TOKEN_RE = re.compile(r"(?<=[?&]access_token=)[^&\s]*")


def redact(path: str) -> str:
    """``path`` with the value of any ``access_token`` query parameter replaced by ``***``."""
    return _TOKEN_RE.sub("***", path)


class RedactAccessTokens(logging.Filter):
    """Keeps ``?access_token=`` secrets (events route, for EventSource) out of uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def create_server(config: GatewayConfig, *, database_url: str, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for the gateway on ``config.host:config.port`` (not started).

    Run it with ``await server.serve()`` (``server.started`` turns True once it listens; uvicorn
    handles SIGINT/SIGTERM while serving) and stop it with ``server.should_exit = True``.
    ``X-Forwarded-*`` headers are trusted from ``FORWARDED_ALLOW_IPS`` (default 127.0.0.1).
    Access-log lines have ``access_token`` values redacted.
    """
    app = create_app(config, database_url=database_url)
    access_log = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactAccessTokens) for f in access_log.filters):
        access_log.addFilter(RedactAccessTokens())
    return uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            proxy_headers=True,
            log_level=log_level,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        )
    )
