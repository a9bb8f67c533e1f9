"""The gateway's HTTP server: uvicorn around :func:`services.gateway.app.create_app`."""

from __future__ import annotations

import json
import logging
import re
import uuid

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from services.gateway.app import create_app
from services.gateway.config import GatewayConfig
from services.mesh import logs

#: Seconds uvicorn waits for open responses at shutdown before cancelling them. SSE streams never
#: end by themselves while a job runs; clients reconnect with ``Last-Event-ID`` and lose nothing.
GRACEFUL_SHUTDOWN_S = 5


_TOKEN_RE = re.compile(r"(?<=[?&]access_token=)[^&\s]*|(?<=[?&]sig=)[^&\s]*")


def redact(path: str) -> str:
    """``path`` with the values of ``access_token`` (an API key some old clients still send) and
    ``sig`` (a media URL's signature, a grant until it expires) replaced by ``***``."""
    return _TOKEN_RE.sub("***", path)


class RedactAccessTokens(logging.Filter):
    """Keeps ``?access_token=`` secrets (sent by old clients) out of uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def _refusal() -> tuple[int, bytes, list[tuple[bytes, bytes]], bytes]:
    """``(status, reason phrase, headers, body)`` of the problem+json refusal of an unparseable request."""
    status, reason, title, detail = 400, "MALFORMED_REQUEST", "Bad Request", "the request is not valid HTTP/1.1"
    problem = {"type": "about:blank", "title": title, "status": status, "detail": detail, "reason": reason}
    body = json.dumps({**problem, "domain": "gateway.drishya", "metadata": {}, "violations": []}).encode("ascii")
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"x-request-id", uuid.uuid4().hex.encode("ascii")),
        (b"connection", b"close"),
    ]
    return status, title.encode("ascii"), headers, body


class ProblemHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools (llhttp, in C) protocol whose refusals of unparseable requests are
    problem+json (400 MALFORMED_REQUEST with an ``X-Request-Id``) instead of text/plain.

    llhttp rejects a malformed request line or header before any application code runs, so this
    is the only place to shape that answer. It sets no size limit on the request head; the app
    bounds headers (431), paths (414) and path segments (400) itself (see ``RequestContext``).
    """

    def send_400_response(self, msg: str) -> None:
        status, title, headers, body = _refusal()
        head = [f"HTTP/1.1 {status} ".encode("ascii") + title + b"\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in headers]
        self.transport.write(b"".join(head) + b"\r\n" + body)
        self.transport.close()


def create_server(config: GatewayConfig, *, database_url: str, log_level: str = "info") -> uvicorn.Server:
    """A uvicorn server for the gateway on ``config.host:config.port`` (not started).

    Run it with ``await server.serve()`` (``server.started`` turns True once it listens; uvicorn
    handles SIGINT/SIGTERM while serving) and stop it with ``server.should_exit = True``.
    ``X-Forwarded-*`` headers are trusted from ``FORWARDED_ALLOW_IPS`` (default 127.0.0.1).
    Access-log lines have ``access_token`` values redacted (the API no longer accepts keys in URLs;
    a client that still sends one must not get it logged). Requests the parser cannot parse get
    problem+json answers (:class:`ProblemHttpToolsProtocol`). Once the process's logging is set up
    (:func:`services.mesh.logs.setup_logging`), uvicorn's own lines go through it (JSON or text).
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
            http=ProblemHttpToolsProtocol,
            log_level=log_level,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
            log_config=None if logs.configured() else uvicorn.config.LOGGING_CONFIG,
        )
    )
