"""The trust rules: who is reviewed and how a key's level moves with its history."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gateway.trust import (
    Role,
    TrustLevel,
    TrustRules,
    history_for_level,
    level_after,
    rate_factor,
    review_rate,
    review_required,
)
from services.mesh.config import ConfigError

RULES = TrustRules()


def test_review_rates_by_level_and_role() -> None:
    assert review_rate(Role.USER, TrustLevel.NEW, RULES) == 1.0
    assert review_rate(Role.USER, TrustLevel.TRUSTED, RULES) == 0.05
    assert review_rate(Role.USER, TrustLevel.RESTRICTED, RULES) == 1.0
    assert review_rate(Role.REVIEWER, TrustLevel.NEW, RULES) == 1.0
    assert review_rate(Role.OPERATOR, TrustLevel.NEW, RULES) == 0.0
    assert review_required(Role.USER, TrustLevel.TRUSTED, RULES, 0.049)
    assert not review_required(Role.USER, TrustLevel.TRUSTED, RULES, 0.05)
    assert not review_required(Role.OPERATOR, TrustLevel.RESTRICTED, RULES, 0.0)
    assert rate_factor(TrustLevel.RESTRICTED, RULES) == 0.5 and rate_factor(TrustLevel.NEW, RULES) == 1.0


def _replay(outcomes: str, start: TrustLevel = TrustLevel.NEW) -> TrustLevel:
    """Apply 'a' (approval) and 'v' (violation) in order, as keys.record_outcome does."""
    level, approvals, violations = start, 0, 0
    for o in outcomes:
        if o == "a":
            approvals += 1
        else:
            violations, approvals = violations + 1, 0
        level = level_after(level, approvals, violations, RULES)
    return level


def test_a_new_key_is_trusted_after_five_approvals() -> None:
    assert _replay("aaaa") is TrustLevel.NEW
    assert _replay("aaaaa") is TrustLevel.TRUSTED


def test_violations_restrict_then_suspend_and_approvals_recover() -> None:
    assert _replay("aaaaav") is TrustLevel.RESTRICTED
    assert _replay("v" + "a" * 9) is TrustLevel.RESTRICTED
    assert _replay("v" + "a" * 10) is TrustLevel.TRUSTED
    assert _replay("v" + "a" * 10 + "v") is TrustLevel.RESTRICTED
    assert _replay("vvv") is TrustLevel.SUSPENDED
    assert _replay("vvv" + "a" * 50) is TrustLevel.SUSPENDED, "only an operator lifts a suspension"


def test_an_appeal_that_takes_the_violation_back_restores_trust() -> None:
    assert level_after(TrustLevel.RESTRICTED, 0, 0, RULES) is TrustLevel.NEW
    assert level_after(TrustLevel.RESTRICTED, 5, 0, RULES) is TrustLevel.TRUSTED
    assert level_after(TrustLevel.TRUSTED, 0, 0, RULES) is TrustLevel.TRUSTED


def test_operator_levels_set_the_history_the_rules_continue_from() -> None:
    assert history_for_level(TrustLevel.TRUSTED, 7, 2, RULES) == (0, 0)
    a, v = history_for_level(TrustLevel.RESTRICTED, 7, 0, RULES)
    assert level_after(TrustLevel.RESTRICTED, a, v, RULES) is TrustLevel.RESTRICTED
    a, v = history_for_level(TrustLevel.SUSPENDED, 0, 0, RULES)
    assert level_after(TrustLevel.SUSPENDED, a, v, RULES) is TrustLevel.SUSPENDED


@given(st.lists(st.sampled_from("av"), max_size=40))
def test_levels_never_go_down_without_a_violation(outcomes: list[str]) -> None:
    order = [TrustLevel.SUSPENDED, TrustLevel.RESTRICTED, TrustLevel.NEW, TrustLevel.TRUSTED]
    level, approvals, violations = TrustLevel.NEW, 0, 0
    for o in outcomes:
        before = level
        if o == "a":
            approvals += 1
        else:
            violations, approvals = violations + 1, 0
        level = level_after(level, approvals, violations, RULES)
        if o == "a":
            assert order.index(level) >= order.index(before)
        assert (level is TrustLevel.SUSPENDED) == (violations >= RULES.suspend_after)


def test_rules_from_the_environment_are_checked() -> None:
    rules = TrustRules.from_env({"DRISHYA_REVIEW_RATE_TRUSTED": "0.2", "DRISHYA_TRUST_SUSPEND_AFTER": "5"})
    assert rules.review_rate_trusted == 0.2 and rules.suspend_after == 5
    with pytest.raises(ConfigError):
        TrustRules.from_env({"DRISHYA_REVIEW_RATE_NEW": "1.5"})
    with pytest.raises(ConfigError):
        TrustRules.from_env({"DRISHYA_TRUST_RESTRICT_AFTER": "4", "DRISHYA_TRUST_SUSPEND_AFTER": "2"})
