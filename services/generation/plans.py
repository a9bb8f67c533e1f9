"""Plans (tiers) of API keys and the rules that follow from them: priority with aging, rate limits,
active-job limits, monthly budgets and quotas. Pure: no I/O; the gateway imports it too.

Every key belongs to a plan (``gateway.api_keys.plan``; the edge passes it on each create). The
default table below (``free``, ``pro``, ``enterprise``) may be changed and extended by
``DRISHYA_PLANS``, a JSON object ``{"<plan>": {"<field>": <number>, ...}}``: a named default plan
keeps the fields it does not mention, a new plan starts from ``free``'s. A plan name the table does
not know (an operator's plan removed from the configuration, a blank name) is read as ``free``:
the most restrictive plan, so a mistake never grants more.

The numbers of the default table:

=====================  ======  =====  ==========  ==========================================
field                  free    pro    enterprise  why
=====================  ======  =====  ==========  ==========================================
base_priority (0..9)   2       5      7           pro keeps the old default (5,
                                                  ``jobs.DEFAULT_PRIORITY``); free below it,
                                                  enterprise above; 8 and 9 stay free for
                                                  aged jobs and operators
per_hour               5       60     600         free: issue 18 ("5 generations per hour");
                                                  pro: one a minute; enterprise: ten a minute
burst                  5       20     100         a full bucket: free may send its hour's 5
                                                  at once; paid plans a working session's
                                                  worth (20 min of pro, 10 of enterprise)
active_jobs            2       10     50          queued or running at once; free: one
                                                  rendering and one waiting
monthly_budget_usd     0       50     1000        provider spend per calendar month; free 0 =
                                                  storyboard only (a generative provider is
                                                  refused or falls back per BudgetPolicy); pro
                                                  keeps the old single default (50)
active_stories         10      1000   10000       free: issue 18; paid: "unlimited" in
                                                  practice, bounded to keep one key's list
                                                  pageable
rendered_scenes        50      500    500         kept videos (SUCCEEDED or IN_REVIEW jobs whose
                                                  media are not deleted); issue 18
=====================  ======  =====  ==========  ==========================================

Priority and aging. A job's stored priority is its plan's ``base_priority``; a client's
``JobOptions.priority`` can only lower it (``min(base, requested)``), never raise it past the plan.
Workers claim the job with the highest *effective* priority, ties oldest first:

    effective = min(9, priority + floor(seconds waited / step))

with ``step`` = ``DRISHYA_AGING_STEP_S`` (default :data:`AGING_STEP_S`, 60 s). Every job reaches 9 after
``(9 - priority) * step`` seconds, and among jobs at 9 the oldest goes first, so jobs created after
it can never overtake it then. The bound: a queued job of priority ``p`` starts within
``(9 - p) * step`` (to reach 9) plus the time the workers take to start the jobs created before it
(at most the queue it joined) plus the time for one worker to become free, whatever the flood after
it (:func:`start_bound_s`); a free job (2) at the default step: 420 s plus those two. Measured by
``benchmarks/aging.py`` (step 0.5 s, 2 workers, pro jobs arriving at 1.5x capacity): the free job
started after 3.50 s against a bound of 6.5 s, and after 5.99 s with 400 pro jobs ahead of it
(bound 9.5 s); without aging it had not started after 28 s. A retried job keeps its creation
time, so it resumes ahead of newer jobs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from services.mesh.config import ConfigError
from services.mesh.errors import ResourceExhausted

MAX_PRIORITY = 9
"""The highest priority (JobOptions.priority is 0..9)."""

AGING_STEP_S = 60.0
"""Seconds of waiting that raise a queued job's effective priority by one (``DRISHYA_AGING_STEP_S``).
60 s: a storyboard job takes about 30 s of wall time (``store.QUEUE_FULL_RETRY_AFTER_S``), so a free
job overtakes the pro jobs created after it within 3 minutes (priority 2 -> 5) and every job after
at most 7 minutes (-> 9)."""

RENDERED_SCENES = "rendered_scenes"
"""The quota of kept videos (``Plan.rendered_scenes``)."""
ACTIVE_STORIES = "active_stories"
"""The quota of stories (``Plan.active_stories``)."""

DEFAULT_PLAN = "free"
"""The plan of a blank or unknown plan name."""


@dataclass(frozen=True)
class Plan:
    """What one plan allows.

    Attributes:
        name: the plan's name (``free``, ``pro``, ``enterprise`` or an operator's own).
        base_priority: the priority of its jobs, 0..9 (clients may only lower it).
        per_hour: sustained job creations per hour (the token bucket's refill rate).
        burst: job creations at once (the token bucket's size).
        active_jobs: jobs queued or running at once (TOO_MANY_ACTIVE_JOBS beyond).
        monthly_budget_usd: provider spend per calendar month in US dollars; 0: storyboard only.
        active_stories: stories one key may keep, archived ones not counted (QUOTA_EXCEEDED
            ``active_stories`` beyond).
        rendered_scenes: finished videos one key may keep, counting the active jobs that may still
            become one (QUOTA_EXCEEDED ``rendered_scenes`` beyond).
    """

    name: str
    base_priority: int
    per_hour: float
    burst: int
    active_jobs: int
    monthly_budget_usd: float
    active_stories: int
    rendered_scenes: int

    @property
    def per_minute(self) -> float:
        """Sustained job creations per minute."""
        return self.per_hour / 60.0


DEFAULT_PLANS: dict[str, Plan] = {
    "free": Plan("free", 2, 5.0, 5, 2, 0.0, 10, 50),
    "pro": Plan("pro", 5, 60.0, 20, 10, 50.0, 1000, 500),
    "enterprise": Plan("enterprise", 7, 600.0, 100, 50, 1000.0, 10000, 500),
}

#: Bounds of each field in DRISHYA_PLANS (inclusive).
_BOUNDS: dict[str, tuple[float, float]] = {
    "base_priority": (0, MAX_PRIORITY),
    "per_hour": (0.001, 1e7),
    "burst": (1, 1_000_000),
    "active_jobs": (1, 1_000_000),
    "monthly_budget_usd": (0, 1e9),
    "active_stories": (0, 10_000_000),
    "rendered_scenes": (0, 10_000_000),
}
_INTEGER_FIELDS = {"base_priority", "burst", "active_jobs", "active_stories", "rendered_scenes"}


class PlanError(ConfigError):
    """``DRISHYA_PLANS`` is not a valid plan table (a :class:`services.mesh.config.ConfigError`)."""


def plans_from_env(env: Mapping[str, str]) -> dict[str, Plan]:
    """The plan table of ``env["DRISHYA_PLANS"]`` (:func:`parse_plans`); raises :class:`PlanError`."""
    return parse_plans(env.get("DRISHYA_PLANS", ""))


def parse_plans(raw: str) -> dict[str, Plan]:
    """The plan table: :data:`DEFAULT_PLANS` changed and extended by ``raw`` (``DRISHYA_PLANS``).

    Raises:
        PlanError: ``raw`` is not a JSON object of objects, names an unknown field, or a value is
            not a number within its bounds (``base_priority`` 0..9, counts >= 0 or >= 1).
    """
    table = dict(DEFAULT_PLANS)
    if not raw.strip():
        return table
    try:
        given = json.loads(raw)
    except ValueError as exc:
        raise PlanError(f"DRISHYA_PLANS is not JSON: {exc}") from None
    if not isinstance(given, dict):
        raise PlanError("DRISHYA_PLANS must be a JSON object of plans")
    for name, values in given.items():
        name = str(name).strip().lower()
        if not name or not isinstance(values, dict):
            raise PlanError(f"DRISHYA_PLANS: plan {name!r} must be a non-empty name with an object of fields")
        changes: dict[str, float | int] = {}
        for key, value in values.items():
            if key not in _BOUNDS:
                raise PlanError(f"DRISHYA_PLANS: plan {name!r} has an unknown field {key!r}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise PlanError(f"DRISHYA_PLANS: {name}.{key} must be a number")
            lo, hi = _BOUNDS[key]
            if not lo <= value <= hi:
                raise PlanError(f"DRISHYA_PLANS: {name}.{key} must be between {lo:g} and {hi:g}")
            if key in _INTEGER_FIELDS and value != int(value):
                raise PlanError(f"DRISHYA_PLANS: {name}.{key} must be a whole number")
            changes[key] = int(value) if key in _INTEGER_FIELDS else float(value)
        base = table.get(name, replace(DEFAULT_PLANS[DEFAULT_PLAN], name=name))
        table[name] = replace(base, **changes)  # type: ignore[arg-type]
    return table


def plan_of(table: Mapping[str, Plan], name: str) -> Plan:
    """The plan called ``name`` (case and blanks ignored); ``free`` for a blank or unknown name."""
    key = name.strip().lower()
    found = table.get(key)
    if found is not None:
        return found
    return table.get(DEFAULT_PLAN, DEFAULT_PLANS[DEFAULT_PLAN])


def plan_names(table: Mapping[str, Plan]) -> list[str]:
    """The plans' names, sorted."""
    return sorted(table)


def job_priority(plan: Plan, requested: int | None) -> int:
    """A new job's stored priority: the plan's base, or the client's lower ``requested`` (0..9).

    A client may yield to its own other jobs, never jump its plan.
    """
    if requested is None:
        return plan.base_priority
    return max(0, min(plan.base_priority, requested))


def effective_priority(priority: int, waited_s: float, step_s: float = AGING_STEP_S) -> int:
    """``min(9, priority + floor(waited_s / step_s))``: the claim order of a job that waited ``waited_s``.

    Mirrors the SQL of ``JobStore.claim`` (for tests and the documentation).
    """
    if waited_s <= 0:
        return min(MAX_PRIORITY, priority)
    return min(MAX_PRIORITY, priority + math.floor(waited_s / step_s))


def aging_bound_s(priority: int, step_s: float = AGING_STEP_S) -> float:
    """Seconds until a job of ``priority`` reaches the top priority 9: ``(9 - priority) * step_s``."""
    return max(0, MAX_PRIORITY - priority) * step_s


def start_bound_s(priority: int, step_s: float = AGING_STEP_S, drain_s: float = 0.0) -> float:
    """The latest a queued job of ``priority`` starts, however many jobs are created after it.

    ``aging_bound_s(priority, step_s)`` to reach 9, plus ``drain_s``: the time for workers to start
    the jobs created before it (at most the queue it joined; 0 on an empty queue) and then for one
    worker to become free.
    """
    return aging_bound_s(priority, step_s) + drain_s


def rate_of(plan: Plan, factor: float = 1.0) -> tuple[int, float]:
    """``(burst, per_minute)`` of the plan's creation rate limit, the rate scaled by ``factor``.

    ``factor`` is the trust rules' (a restricted key: 0.5, half the rate). The burst is scaled too,
    never below 1, so a restricted key cannot start with a full normal bucket either.
    """
    if factor <= 0:
        raise ValueError("factor must be positive")
    return max(1, math.floor(plan.burst * factor)), plan.per_minute * factor


def field_names() -> list[str]:
    """The fields DRISHYA_PLANS may set."""
    return [f.name for f in fields(Plan) if f.name != "name"]


def quota_exceeded(quota: str, owner_id: str, used: int, limit: int) -> ResourceExhausted:
    """The error of a create refused by ``quota`` (:data:`RENDERED_SCENES` or :data:`ACTIVE_STORIES`).

    RESOURCE_EXHAUSTED (HTTP 429), reason ``QUOTA_EXCEEDED``, metadata ``quota``, ``used`` and
    ``limit``, and a ``QuotaFailure`` whose subject is ``<quota>:<owner>``. The quota frees up
    only when the owner deletes something, so ``RetryInfo`` says an hour, not seconds.
    """
    what = "stories" if quota == ACTIVE_STORIES else "rendered scenes (kept videos and jobs under way)"
    return ResourceExhausted(
        f"this key's plan allows {limit} {what} and it has {used}; delete some to make room or change plan",
        reason="QUOTA_EXCEEDED",
        metadata={"quota": quota, "used": str(used), "limit": str(limit)},
        retry_after_s=3600.0,
        quota_subject=f"{quota}:{owner_id}",
    )
