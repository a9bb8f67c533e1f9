"""Logging: JSON lines for machines, plain text for terminals, with the trace and the job in each line.

``DRISHYA_LOG_FORMAT=json`` writes one JSON object per line (python-json-logger) with ``time``
(ISO 8601, UTC), ``level``, ``service``, ``logger``, ``message``, and, where known, ``trace_id`` and
``span_id`` (of the current OpenTelemetry span, lower-case hex as in W3C ``traceparent``), ``job_id``
and ``request_id`` (bound with :func:`bind` by the worker handling a job and by the gateway and the
servicers handling a request); ``exc_info`` holds a traceback. ``DRISHYA_LOG_FORMAT=text`` writes
``time level logger: message``; the default is text when stderr is a terminal, else JSON.
``DRISHYA_LOG_LEVEL`` (default ``INFO``) sets the root level.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import sys
from collections.abc import Iterator, Mapping
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from services.mesh.config import ConfigError, env_str

#: The job being worked on (the worker, and a servicer called for it: ``x-job-id`` metadata).
job_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("drishya_job_id", default="")
#: The request being handled (the gateway's ``X-Request-Id``, passed on as ``x-request-id`` metadata).
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("drishya_request_id", default="")

_VARS = {"job_id": job_id_var, "request_id": request_id_var}
_configured = False


@contextlib.contextmanager
def bind(**fields: str) -> Iterator[None]:
    """Set ``job_id`` and/or ``request_id`` for the log lines written inside the block (this task
    and the tasks it starts). Empty values leave the field as it was.

    Raises:
        KeyError: a field other than ``job_id`` or ``request_id``.
    """
    tokens = [(_VARS[k], _VARS[k].set(v)) for k, v in fields.items() if v]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Adds ``service``, ``trace_id``, ``span_id``, ``job_id`` and ``request_id`` to every record
    (empty strings when unknown)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = f"{ctx.trace_id:032x}" if ctx.is_valid else ""
        record.span_id = f"{ctx.span_id:016x}" if ctx.is_valid else ""
        record.job_id = job_id_var.get()
        record.request_id = request_id_var.get()
        return True


class _Json(JsonFormatter):
    """python-json-logger's formatter with the empty context fields left out."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        for key in ("trace_id", "span_id", "job_id", "request_id"):
            if not log_data.get(key):
                log_data.pop(key, None)
        return log_data


def json_formatter() -> logging.Formatter:
    """The JSON formatter: ``time``, ``level``, ``service``, ``logger``, ``message`` and the context fields."""
    return _Json(
        "{asctime}{levelname}{service}{name}{message}{trace_id}{span_id}{job_id}{request_id}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        timestamp=False,
    )


def text_formatter() -> logging.Formatter:
    """The terminal formatter: ``time level logger: message`` (and ``[job ...]`` when bound)."""
    return logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


def log_format(env: Mapping[str, str], stream: Any = None) -> str:
    """``DRISHYA_LOG_FORMAT`` (``json`` or ``text``), by default text on a terminal, else JSON.

    Raises:
        ConfigError: another value.
    """
    stream = sys.stderr if stream is None else stream
    default = "text" if getattr(stream, "isatty", lambda: False)() else "json"
    value = env_str(env, "DRISHYA_LOG_FORMAT", default).lower()
    if value not in ("json", "text"):
        raise ConfigError(f"DRISHYA_LOG_FORMAT={value!r} is neither json nor text")
    return value


def setup_logging(service: str, env: Mapping[str, str], stream: Any = None) -> logging.Handler:
    """Replace the root logger's handlers by one writing to ``stream`` (stderr) in the configured format.

    Returns the handler. Raises :class:`ConfigError` on a bad ``DRISHYA_LOG_FORMAT`` or ``DRISHYA_LOG_LEVEL``.
    """
    global _configured
    stream = sys.stderr if stream is None else stream
    fmt = log_format(env, stream)
    level = env_str(env, "DRISHYA_LOG_LEVEL", "INFO").upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError(f"DRISHYA_LOG_LEVEL={level!r} is not a logging level")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter() if fmt == "json" else text_formatter())
    handler.addFilter(ContextFilter(service))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    _configured = True
    return handler


def configured() -> bool:
    """Whether :func:`setup_logging` has run in this process (uvicorn then leaves logging alone)."""
    return _configured
