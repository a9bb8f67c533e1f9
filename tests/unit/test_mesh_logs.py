"""Log lines: one JSON object each, with the service, the trace and the job; text on a terminal."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace import TracerProvider

from services.mesh import logs
from services.mesh.config import ConfigError


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def root_handlers() -> Iterator[None]:
    """Give the root logger's handlers and level back after the test (pytest's own capture)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        root.addHandler(h)
    root.setLevel(level)
    logs._configured = False


def test_a_json_line_has_the_trace_the_job_and_the_request(root_handlers: None) -> None:
    out = io.StringIO()
    logs.setup_logging("generation", {"DRISHYA_LOG_FORMAT": "json"}, stream=out)
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span, logs.bind(job_id="job-1", request_id="req-9"):
        logging.getLogger("services.generation.worker").warning("stage %s took %.1f s", "render", 2.5)
    logging.getLogger("plain").info("outside")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    ctx = span.get_span_context()
    assert first["message"] == "stage render took 2.5 s"
    assert first["level"] == "WARNING" and first["service"] == "generation"
    assert first["logger"] == "services.generation.worker"
    assert first["trace_id"] == f"{ctx.trace_id:032x}" and first["span_id"] == f"{ctx.span_id:016x}"
    assert first["job_id"] == "job-1" and first["request_id"] == "req-9"
    assert dt.datetime.fromisoformat(first["time"]).tzinfo is not None
    # Nothing bound, no span: the fields are left out rather than empty.
    assert second["message"] == "outside"
    assert not {"trace_id", "span_id", "job_id", "request_id"} & second.keys()


def test_exceptions_keep_their_traceback(root_handlers: None) -> None:
    out = io.StringIO()
    logs.setup_logging("delivery", {"DRISHYA_LOG_FORMAT": "json"}, stream=out)
    try:
        raise ValueError("bad segment")
    except ValueError:
        logging.getLogger("x").exception("publish failed")
    line = json.loads(out.getvalue())
    assert line["message"] == "publish failed" and "ValueError: bad segment" in line["exc_info"]


async def test_bound_ids_follow_tasks_and_end_with_the_block() -> None:
    seen: list[str] = []

    async def child() -> None:
        seen.append(logs.job_id_var.get())

    with logs.bind(job_id="j-1", request_id=""):
        await asyncio.create_task(child())
        assert logs.request_id_var.get() == ""
    await asyncio.create_task(child())
    assert seen == ["j-1", ""]
    with pytest.raises(KeyError), logs.bind(user="u"):
        pass


def test_format_follows_the_terminal_unless_told(root_handlers: None) -> None:
    assert logs.log_format({}, _Tty()) == "text"
    assert logs.log_format({}, io.StringIO()) == "json"
    assert logs.log_format({"DRISHYA_LOG_FORMAT": "JSON"}, _Tty()) == "json"
    with pytest.raises(ConfigError):
        logs.log_format({"DRISHYA_LOG_FORMAT": "xml"}, _Tty())
    with pytest.raises(ConfigError):
        logs.setup_logging("x", {"DRISHYA_LOG_LEVEL": "LOUD"}, stream=io.StringIO())
    out = _Tty()
    logs.setup_logging("gateway", {}, stream=out)
    logging.getLogger("services.gateway").info("listening")
    assert out.getvalue().rstrip().endswith("INFO services.gateway: listening")
