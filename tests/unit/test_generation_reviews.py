"""The pure rules of review before release (services.generation.reviews)."""

from __future__ import annotations

import uuid

import grpc
import pytest

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.moderation.v1 import moderation_pb2
from services.generation import jobs, reviews
from services.mesh.errors import FailedPrecondition, InvalidArgument

FLAG = moderation_pb2.ModerationReason(
    category=moderation_pb2.REASON_CATEGORY_PHOTOSENSITIVITY, decision=moderation_pb2.DECISION_REVIEW, message="flash"
)


def test_what_holds_a_finished_video() -> None:
    assert reviews.hold_for_review(False, [], False) is None
    trust = reviews.hold_for_review(True, [], False)
    assert trust is not None and trust.kind == gen_pb2.REVIEW_KIND_TRUST
    flagged = reviews.hold_for_review(True, [FLAG], False)
    assert flagged is not None and flagged.kind == gen_pb2.REVIEW_KIND_MODERATION and flagged.findings == (FLAG,)
    assert "flash" in flagged.reason
    appealed = reviews.hold_for_review(False, [], True)
    assert appealed is not None and appealed.kind == gen_pb2.REVIEW_KIND_MODERATION
    assert "appeal" in appealed.reason


def test_only_a_review_decision_yields_review_reasons() -> None:
    allow = moderation_pb2.ModerationReason(decision=moderation_pb2.DECISION_ALLOW, message="fine")
    assert reviews.review_reasons(moderation_pb2.DECISION_REVIEW, [FLAG, allow]) == [FLAG]
    assert reviews.review_reasons(moderation_pb2.DECISION_ALLOW, [FLAG]) == []
    assert reviews.review_reasons(moderation_pb2.DECISION_BLOCK, [FLAG]) == []


def test_who_may_decide() -> None:
    reviews.check_decidable(gen_pb2.REVIEW_STATE_PENDING, "owner", "reviewer", "", "r")
    cases = [
        ((gen_pb2.REVIEW_STATE_APPROVED, "owner", "reviewer", ""), "REVIEW_NOT_PENDING"),
        ((gen_pb2.REVIEW_STATE_PENDING, "owner", "owner", ""), "SELF_REVIEW"),
        ((gen_pb2.REVIEW_STATE_PENDING, "owner", "first", "first"), "EXCLUDED_REVIEWER"),
    ]
    for (state, owner, reviewer, excluded), reason in cases:
        with pytest.raises(FailedPrecondition) as err:
            reviews.check_decidable(state, owner, reviewer, excluded, "r")
        assert err.value.reason == reason


def test_appeal_targets() -> None:
    assert reviews.appeal_target(False, True) == gen_pb2.JOB_STATE_BLOCKED
    assert reviews.appeal_target(True, True) == gen_pb2.JOB_STATE_SUCCEEDED
    assert reviews.appeal_target(True, False) == gen_pb2.JOB_STATE_QUEUED


def test_reports_reach_review_by_threshold_or_gravity() -> None:
    assert not reviews.report_sends_to_review(2, 3, gen_pb2.REPORT_CATEGORY_SPAM)
    assert reviews.report_sends_to_review(3, 3, gen_pb2.REPORT_CATEGORY_SPAM)
    assert reviews.report_sends_to_review(1, 3, gen_pb2.REPORT_CATEGORY_CHILD_SAFETY)
    counts = {gen_pb2.REPORT_CATEGORY_SPAM: 1, gen_pb2.REPORT_CATEGORY_CHILD_SAFETY: 2}
    assert reviews.report_reason(counts) == "reported by 3 viewers: child safety 2, spam 1"
    assert reviews.report_reason({gen_pb2.REPORT_CATEGORY_OTHER: 1}) == "reported by 1 viewer: other 1"


def test_text_fields_are_bounded() -> None:
    assert reviews.check_text("  fine  ", "note") == "fine"
    assert reviews.check_text("", "note", required=False) == ""
    for value, reason in (("   ", "NOTE_REQUIRED"), ("x" * 2001, "NOTE_TOO_LONG")):
        with pytest.raises(InvalidArgument) as err:
            reviews.check_text(value, "note")
        assert err.value.reason == reason and err.value.violations[0].field == "note"
    assert len(reviews.check_text("x" * 2000, "note")) == 2000


def test_release_ids_and_categories_are_checked() -> None:
    one = str(uuid.uuid4())
    assert reviews.parse_release_ids([one, one]) == [uuid.UUID(one)]
    for ids in ([], ["nope"], [str(uuid.uuid4()) for _ in range(101)]):
        with pytest.raises(InvalidArgument) as err:
            reviews.parse_release_ids(ids)
        assert err.value.reason == "INVALID_JOB_IDS"
    for bad in (gen_pb2.REPORT_CATEGORY_UNSPECIFIED, 99):
        with pytest.raises(InvalidArgument):
            reviews.check_category(bad)
    reviews.check_category(gen_pb2.REPORT_CATEGORY_COPYRIGHT)


def test_in_review_ends_watching_but_is_neither_cancellable_nor_retryable() -> None:
    assert gen_pb2.JOB_STATE_IN_REVIEW in jobs.TERMINAL
    with pytest.raises(FailedPrecondition):
        jobs.check_cancellable(gen_pb2.JOB_STATE_IN_REVIEW)
    with pytest.raises(FailedPrecondition):
        jobs.check_retryable(gen_pb2.JOB_STATE_IN_REVIEW)
    assert reviews.AlreadyExists("x").code == grpc.StatusCode.ALREADY_EXISTS
