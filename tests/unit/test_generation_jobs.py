"""Job rules and the circuit breaker: pure domain code."""

from __future__ import annotations

import grpc
import pytest

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation import jobs
from services.mesh.errors import FailedPrecondition, InvalidArgument
from services.render.providers import CircuitBreaker


def test_text_length_bounds() -> None:
    with pytest.raises(InvalidArgument) as short:
        jobs.validate_create("  too short ", "", gen_pb2.JobOptions())
    assert short.value.reason == "TEXT_TOO_SHORT"
    assert short.value.violations[0].field == "text"
    with pytest.raises(InvalidArgument) as long:
        jobs.validate_create("అ" * 2001, "", gen_pb2.JobOptions())
    assert long.value.reason == "TEXT_TOO_LONG"
    assert jobs.validate_create("  " + "అ" * 2000 + "\n", "", gen_pb2.JobOptions()) == "అ" * 2000


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (gen_pb2.JobOptions(priority=10), "INVALID_PRIORITY"),
        (gen_pb2.JobOptions(provider="sora"), "UNKNOWN_PROVIDER"),
        (gen_pb2.JobOptions(language_code="fr"), "UNSUPPORTED_LANGUAGE"),
    ],
)
def test_bad_options(options: gen_pb2.JobOptions, reason: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        jobs.validate_create("a girl dances in the rain", "", options)
    assert err.value.reason == reason
    assert err.value.violations[0].field.startswith("options.")


def test_progress_is_monotonic_over_stages() -> None:
    points = [jobs.progress_at(s, f) for s in jobs.STAGES for f in (0.0, 0.5, 1.0)]
    assert points == sorted(points)
    assert points[0] == 0.0
    assert points[-1] == pytest.approx(1.0)


def test_failure_transitions() -> None:
    assert jobs.next_state_after_failure(grpc.StatusCode.UNAVAILABLE, 1, 3) == gen_pb2.JOB_STATE_QUEUED
    assert jobs.next_state_after_failure(grpc.StatusCode.UNAVAILABLE, 3, 3) == gen_pb2.JOB_STATE_DEAD_LETTER
    assert jobs.next_state_after_failure(grpc.StatusCode.INVALID_ARGUMENT, 1, 3) == gen_pb2.JOB_STATE_FAILED
    assert jobs.retry_delay_s(1, 2.0) == 2.0
    assert jobs.retry_delay_s(3, 2.0) == 8.0
    assert jobs.retry_delay_s(30, 2.0) == 300.0


def test_cancel_and_retry_preconditions() -> None:
    jobs.check_cancellable(gen_pb2.JOB_STATE_RUNNING)
    with pytest.raises(FailedPrecondition) as err:
        jobs.check_cancellable(gen_pb2.JOB_STATE_SUCCEEDED)
    assert err.value.reason == "JOB_NOT_CANCELLABLE"
    jobs.check_retryable(gen_pb2.JOB_STATE_DEAD_LETTER)
    with pytest.raises(FailedPrecondition):
        jobs.check_retryable(gen_pb2.JOB_STATE_QUEUED)


def test_circuit_breaker_opens_half_opens_and_closes() -> None:
    now = [0.0]
    cb = CircuitBreaker(failure_threshold=2, reset_timeout_s=10.0, clock=lambda: now[0])
    assert cb.state == "closed"
    cb.record_failure()
    assert cb.allow()
    cb.record_failure()
    assert cb.state == "open"
    assert not cb.allow()
    now[0] = 10.5
    assert cb.state == "half_open"
    assert cb.allow()
    cb.record_failure()  # the trial call failed: open again
    assert cb.state == "open"
    now[0] = 21.0
    cb.record_success()
    assert cb.state == "closed"
    assert cb.failures == 0
