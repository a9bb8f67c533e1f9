"""Gateway pieces without I/O: error mapping, SSE framing, proto → JSON, media keys, config, request models."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import grpc
import pytest
from pydantic import ValidationError

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.gateway import media, signing, sse, views
from services.gateway.config import GatewayConfig
from services.gateway.keys import hash_secret
from services.gateway.models import CreateJobRequest
from services.gateway.problems import ApiProblem, problem_from_status, retry_after_header, violations_from_pydantic
from services.gateway.server import RedactAccessTokens, redact
from services.mesh.config import ConfigError
from services.mesh.errors import FieldViolation, StatusDetails

# --- problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (grpc.StatusCode.INVALID_ARGUMENT, 400),
        (grpc.StatusCode.UNAUTHENTICATED, 401),
        (grpc.StatusCode.PERMISSION_DENIED, 403),
        (grpc.StatusCode.NOT_FOUND, 404),
        (grpc.StatusCode.ALREADY_EXISTS, 409),
        (grpc.StatusCode.FAILED_PRECONDITION, 409),
        (grpc.StatusCode.ABORTED, 409),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, 429),
        (grpc.StatusCode.UNAVAILABLE, 503),
        (grpc.StatusCode.DEADLINE_EXCEEDED, 504),
        (grpc.StatusCode.UNIMPLEMENTED, 501),
        (grpc.StatusCode.INTERNAL, 500),
        (grpc.StatusCode.UNKNOWN, 500),
        (grpc.StatusCode.DATA_LOSS, 500),
    ],
)
def test_grpc_codes_map_to_http(code: grpc.StatusCode, status: int) -> None:
    problem = problem_from_status(StatusDetails(code=code, message="SELECT secret FROM t"), "rid1")
    assert problem.status == status
    body = problem.body()
    assert body["status"] == status and body["type"] == "about:blank"
    if status == 500:  # internal text is never shown; the request id is
        assert problem.reason == "INTERNAL" and "SELECT" not in body["detail"] and "rid1" in body["detail"]
    elif code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED):
        assert problem.reason == code.name and "SELECT" not in body["detail"]  # transport text is replaced
    else:
        assert problem.reason == code.name and body["detail"] == "SELECT secret FROM t"  # the code name stands in


def test_problem_keeps_error_info_and_violations() -> None:
    details = StatusDetails(
        code=grpc.StatusCode.INVALID_ARGUMENT,
        message="text has 3 characters",
        reason="TEXT_TOO_SHORT",
        domain="generation.drishya",
        metadata={"min": "10"},
        violations=[FieldViolation("text", "at least 10 characters")],
    )
    body = problem_from_status(details).body()
    assert body == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "text has 3 characters",
        "reason": "TEXT_TOO_SHORT",
        "domain": "generation.drishya",
        "metadata": {"min": "10"},
        "violations": [{"field": "text", "description": "at least 10 characters"}],
    }


def test_retry_after_for_429_and_503_only() -> None:
    limited = problem_from_status(StatusDetails(grpc.StatusCode.RESOURCE_EXHAUSTED, "", retry_after_s=2.01))
    assert limited.headers == {"Retry-After": "3"}
    down = problem_from_status(StatusDetails(grpc.StatusCode.UNAVAILABLE, ""))
    assert down.headers == {"Retry-After": "1"}
    assert problem_from_status(StatusDetails(grpc.StatusCode.NOT_FOUND, "", retry_after_s=5)).headers == {}
    assert problem_from_status(StatusDetails(grpc.StatusCode.UNAUTHENTICATED, "")).headers == {
        "WWW-Authenticate": "Bearer"
    }
    assert [retry_after_header(s) for s in (None, 0, 0.2, 1.0, 59.5)] == ["1", "1", "1", "1", "60"]


def test_problem_response_is_problem_json() -> None:
    resp = ApiProblem(429, "TOO_MANY_REQUESTS", "slow down", headers={"X-A": "b"}).response()
    assert resp.status_code == 429 and resp.media_type == "application/problem+json"
    assert resp.headers["x-a"] == "b"
    assert json.loads(bytes(resp.body))["title"] == "Too Many Requests"


def test_pydantic_errors_become_violations() -> None:
    with pytest.raises(ValidationError) as info:
        CreateJobRequest.model_validate({"options": {"colour": "red", "priority": 10, "disable_subtitles": "no"}})
    got = {v.field: v.description for v in violations_from_pydantic([dict(e) for e in info.value.errors()])}
    assert set(got) == {"text", "options.colour", "options.priority", "options.disable_subtitles"}
    assert got["options.colour"] == "unknown field"
    fastapi_style = [{"loc": ("header", "Idempotency-Key"), "msg": "too long", "type": "string_too_long"}]
    assert violations_from_pydantic(fastapi_style) == [FieldViolation("Idempotency-Key", "too long")]


def test_request_model_accepts_minimal_and_full_bodies() -> None:
    assert CreateJobRequest.model_validate({"text": "a boat on a river"}).options.priority is None
    full = CreateJobRequest.model_validate(
        {
            "text": "a boat on a river",
            "options": {
                "language_code": "te",
                "disable_narration": True,
                "disable_subtitles": False,
                "priority": 0,
                "provider": "storyboard",
            },
        }
    )
    assert full.options.language_code == "te" and full.options.priority == 0
    with pytest.raises(ValidationError):
        CreateJobRequest.model_validate({"text": "a boat", "extra": 1})
    with pytest.raises(ValidationError):
        CreateJobRequest.model_validate({"text": 42})


# --- SSE ----------------------------------------------------------------------------------------


def test_event_names_are_lower_snake_suffixes() -> None:
    assert sse.event_name(gen_pb2.JOB_EVENT_TYPE_STAGE_STARTED) == "stage_started"
    assert sse.event_name(gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED) == "state_changed"
    assert sse.event_name(gen_pb2.JOB_EVENT_TYPE_SHOT_RENDERED) == "shot_rendered"
    assert sse.event_name(gen_pb2.JOB_EVENT_TYPE_UNSPECIFIED) == "unspecified"
    assert sse.event_name(999) == "unspecified"


def test_format_event_is_one_data_line() -> None:
    text = sse.format_event({"message": "line one\nline two", "hi": "बारिश"}, event="stage_started", event_id=7)
    assert text.endswith("\n\n")
    lines = text.rstrip("\n").split("\n")
    assert lines[:2] == ["id: 7", "event: stage_started"]
    assert len(lines) == 3 and lines[2].startswith("data: ")
    assert json.loads(lines[2].removeprefix("data: ")) == {"message": "line one\nline two", "hi": "बारिश"}
    assert sse.format_event({}, event="problem").startswith("event: problem\n")
    assert sse.KEEPALIVE == ": keep-alive\n\n" and sse.format_retry(3000) == "retry: 3000\n\n"


# --- views --------------------------------------------------------------------------------------


def test_job_json_adds_media_urls() -> None:
    job = gen_pb2.Job(job_id="j1", state=gen_pb2.JOB_STATE_SUCCEEDED, last_event_sequence=12, progress=1.0)
    job.result.mp4_key = "jobs/j1/video.mp4"
    job.result.hls_master_key = "jobs/j1/hls/master.m3u8"
    job.result.poster_key = "jobs/j1/poster file.jpg"
    secret = b"k" * 32
    out = views.job_json(job, lambda key: "https://api.example.com" + signing.signed_path(secret, key, 2000000000))
    assert out["state"] == "JOB_STATE_SUCCEEDED" and out["last_event_sequence"] == 12
    sig = signing.sign(secret, "jobs/j1/video.mp4", 2000000000)
    assert out["result"]["mp4_url"] == f"https://api.example.com/v1/media/jobs/j1/video.mp4?exp=2000000000&sig={sig}"
    assert out["result"]["hls_master_url"].startswith("https://api.example.com/v1/media/jobs/j1/hls/master.m3u8?exp=")
    assert out["result"]["poster_url"].startswith("https://api.example.com/v1/media/jobs/j1/poster%20file.jpg?exp=")
    assert out["text"] == "" and out["shot_count"] == 0, "defaults are printed"


def test_job_json_without_result_has_no_urls() -> None:
    out = views.job_json(gen_pb2.Job(job_id="j2", state=gen_pb2.JOB_STATE_QUEUED), lambda k: "http://h/" + k)
    assert "result" not in out and "error" not in out
    ev = gen_pb2.JobEvent(job_id="j2", sequence=3, type=gen_pb2.JOB_EVENT_TYPE_STAGE_STARTED)
    assert views.event_json(ev, lambda k: "http://h/" + k)["sequence"] == 3


# --- media --------------------------------------------------------------------------------------


def test_media_content_types() -> None:
    assert media.content_type(Path("a/v.mp4")) == "video/mp4"
    assert media.content_type(Path("a/master.M3U8")) == "application/vnd.apple.mpegurl"
    assert media.content_type(Path("a/seg_001.ts")) == "video/mp2t"
    assert media.content_type(Path("a/poster.jpg")) == "image/jpeg"
    assert media.content_type(Path("a/blob.bin")) == "application/octet-stream"


@pytest.mark.parametrize(
    "key",
    [
        "",
        "/etc/passwd",
        "jobs",
        "jobs/../x",
        "jobs/a/../../x",
        "other/x.mp4",
        "jobs\\a.mp4",
        "jobs/a\x00.mp4",
        "jobs/./a.mp4",
        "../jobs/a.mp4",
    ],
)
def test_unacceptable_media_keys(key: str) -> None:
    assert media.resolve_media(Path("/nonexistent-media-root"), key) is None


# --- config & keys ------------------------------------------------------------------------------


def test_config_defaults_and_overrides() -> None:
    cfg = GatewayConfig.from_env({"DRISHYA_DATA_DIR": "/data"})
    assert cfg.port == 8080 and cfg.generation_addr == "127.0.0.1:50054"
    assert cfg.media_root == Path("/data/media") and cfg.api_key is None and cfg.sse_keepalive_s == 15.0
    cfg = GatewayConfig.from_env(
        {
            "DRISHYA_GATEWAY_PORT": "0",
            "DRISHYA_GENERATION_ADDR": "gen:1",
            "DRISHYA_MEDIA_ROOT": "/m",
            "DRISHYA_API_KEY": "secret-1",
            "DRISHYA_GATEWAY_PUBLIC_URL": "https://x.example/",
            "DRISHYA_GATEWAY_CORS_ORIGINS": "https://a.example, https://b.example",
        }
    )
    assert (cfg.port, cfg.generation_addr, cfg.media_root, cfg.api_key) == (0, "gen:1", Path("/m"), "secret-1")
    assert cfg.public_base_url == "https://x.example"
    assert cfg.cors_origins == ("https://a.example", "https://b.example")
    for bad in (
        {"DRISHYA_GATEWAY_PORT": "http"},
        {"DRISHYA_GATEWAY_PORT": "70000"},
        {"DRISHYA_API_KEY": "two words"},
        {"DRISHYA_GATEWAY_PUBLIC_URL": "x.example"},
        {"DRISHYA_GATEWAY_SSE_KEEPALIVE_S": "0"},
    ):
        with pytest.raises(ConfigError):
            GatewayConfig.from_env(bad)


def test_key_hashes() -> None:
    assert len(hash_secret("x")) == 64 and hash_secret("x") != hash_secret("y")


def test_access_tokens_are_redacted_from_access_logs() -> None:
    assert redact("/v1/jobs/j/events?access_token=dk_a_b&after=3") == "/v1/jobs/j/events?access_token=***&after=3"
    assert redact("/v1/jobs/j/events?after=3&access_token=s3cret") == "/v1/jobs/j/events?after=3&access_token=***"
    assert redact("/v1/jobs?page_size=2") == "/v1/jobs?page_size=2"
    assert redact("/v1/media/jobs/j/video.mp4?exp=9&sig=abc-_") == "/v1/media/jobs/j/video.mp4?exp=9&sig=***"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/v1/jobs/j/events?access_token=dk_x_y", "1.1", 200),
        None,
    )
    assert RedactAccessTokens().filter(record)
    assert "dk_x_y" not in record.getMessage() and "access_token=***" in record.getMessage()
