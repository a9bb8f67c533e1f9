"""Roles and trust levels of API keys: who is reviewed, how often, and how a level moves.

Pure rules, no I/O; the numbers are :class:`TrustRules`' defaults, each overridable by the
environment variable named beside it (:meth:`TrustRules.from_env`).

Roles: ``user`` (makes videos), ``reviewer`` (also decides reviews, never of their own jobs),
``operator`` (also sets levels, roles and plans, takes media down, reads the audit trail and the
feedback summary). An operator's own videos are never held for review: the operator is the
platform.

Trust levels, and the share of a key's finished videos held for review:

=============  =====================  =====================================================
level          videos reviewed        reached when
=============  =====================  =====================================================
new            every one (1.0)        a key is created
trusted        a sample (0.05)        5 approvals and no violation; or 10 approvals since the
                                      last violation while below the suspension threshold
restricted     every one (1.0), and   1 violation (the approvals since it are counted again
               half the rate limit    from 0)
suspended      cannot create jobs     3 violations
=============  =====================  =====================================================

A violation is a reviewer's rejection of the key's video (a video in review for moderation, trust
or reports), an upheld report, or a takedown; an appeal the reviewers uphold takes its violation
back. An approval is a reviewer's release of the key's video. Levels move only with these events,
never down without a violation. An operator may set any level (``drishya keys trust``): ``new`` and
``trusted`` clear the history; ``restricted`` and ``suspended`` set the violations to their
thresholds, so the key moves on from there by the same rules.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from services.mesh import config as mc


class Role(enum.StrEnum):
    """What a key may do."""

    USER = "user"
    REVIEWER = "reviewer"
    OPERATOR = "operator"


class TrustLevel(enum.StrEnum):
    """How far a key's output is trusted."""

    NEW = "new"
    TRUSTED = "trusted"
    RESTRICTED = "restricted"
    SUSPENDED = "suspended"


@dataclass(frozen=True)
class TrustRules:
    """The numbers of the trust system.

    Attributes:
        review_rate_new: share of a new key's videos held for review (``DRISHYA_REVIEW_RATE_NEW``, 1.0).
        review_rate_trusted: share of a trusted key's videos spot-checked (``DRISHYA_REVIEW_RATE_TRUSTED``, 0.05).
        promote_after: approvals without a violation that make a new key trusted (``DRISHYA_TRUST_PROMOTE_AFTER``, 5).
        restrict_after: violations that restrict a key (``DRISHYA_TRUST_RESTRICT_AFTER``, 1).
        suspend_after: violations that suspend a key (``DRISHYA_TRUST_SUSPEND_AFTER``, 3).
        recover_after: approvals since the last violation that make a restricted key trusted again
            (``DRISHYA_TRUST_RECOVER_AFTER``, 10).
        restricted_rate_factor: multiplier of a restricted key's rate limit (0.5).
    """

    review_rate_new: float = 1.0
    review_rate_trusted: float = 0.05
    promote_after: int = 5
    restrict_after: int = 1
    suspend_after: int = 3
    recover_after: int = 10
    restricted_rate_factor: float = 0.5

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TrustRules:
        """Read the rules; raises :class:`services.mesh.config.ConfigError` on a bad value."""
        rules = cls(
            review_rate_new=mc.env_float(env, "DRISHYA_REVIEW_RATE_NEW", 1.0, lo=0.0, hi=1.0),
            review_rate_trusted=mc.env_float(env, "DRISHYA_REVIEW_RATE_TRUSTED", 0.05, lo=0.0, hi=1.0),
            promote_after=mc.env_int(env, "DRISHYA_TRUST_PROMOTE_AFTER", 5, lo=0, hi=1_000_000),
            restrict_after=mc.env_int(env, "DRISHYA_TRUST_RESTRICT_AFTER", 1, lo=1, hi=1_000_000),
            suspend_after=mc.env_int(env, "DRISHYA_TRUST_SUSPEND_AFTER", 3, lo=1, hi=1_000_000),
            recover_after=mc.env_int(env, "DRISHYA_TRUST_RECOVER_AFTER", 10, lo=0, hi=1_000_000),
        )
        if rules.suspend_after < rules.restrict_after:
            raise mc.ConfigError("DRISHYA_TRUST_SUSPEND_AFTER must not be below DRISHYA_TRUST_RESTRICT_AFTER")
        return rules


def review_rate(role: Role, level: TrustLevel, rules: TrustRules) -> float:
    """The share of this key's finished videos held for review, in [0, 1]."""
    if role is Role.OPERATOR:
        return 0.0
    if level is TrustLevel.TRUSTED:
        return rules.review_rate_trusted
    if level is TrustLevel.NEW:
        return rules.review_rate_new
    return 1.0


def review_required(role: Role, level: TrustLevel, rules: TrustRules, draw: float) -> bool:
    """Whether this video is held for review; ``draw`` is a uniform random number in [0, 1)."""
    return draw < review_rate(role, level, rules)


def level_after(current: TrustLevel, approvals: int, violations: int, rules: TrustRules) -> TrustLevel:
    """The level a key moves to with ``approvals`` (since its last violation) and ``violations``.

    Suspension holds until an operator lifts it; without violations a trusted key stays trusted
    and any other becomes trusted after ``promote_after`` approvals.
    """
    if violations >= rules.suspend_after or current is TrustLevel.SUSPENDED:
        return TrustLevel.SUSPENDED
    if violations >= rules.restrict_after:
        return TrustLevel.TRUSTED if approvals >= rules.recover_after else TrustLevel.RESTRICTED
    if current is TrustLevel.TRUSTED or approvals >= rules.promote_after:
        return TrustLevel.TRUSTED
    return TrustLevel.NEW


def history_for_level(level: TrustLevel, approvals: int, violations: int, rules: TrustRules) -> tuple[int, int]:
    """The ``(approvals, violations)`` a key keeps when an operator sets ``level``."""
    if level in (TrustLevel.NEW, TrustLevel.TRUSTED):
        return 0, 0
    if level is TrustLevel.RESTRICTED:
        return 0, max(rules.restrict_after, min(violations, rules.suspend_after - 1))
    return approvals, max(violations, rules.suspend_after)


def rate_factor(level: TrustLevel, rules: TrustRules) -> float:
    """Multiplier of the key's plan rate limit (restricted keys get less)."""
    return rules.restricted_rate_factor if level is TrustLevel.RESTRICTED else 1.0
