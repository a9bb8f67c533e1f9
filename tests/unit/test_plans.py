"""Plans (tiers): the table and its overrides, priority with aging and its bound, rate limits,
budgets and active-job limits per plan, quota errors."""

from __future__ import annotations

import asyncio

import grpc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gateway.config import GatewayConfig
from services.gateway.ratelimit import RateLimiter
from services.generation import plans
from services.generation.config import GenerationConfig
from services.mesh.config import ConfigError
from services.story.config import StoryConfig


def test_the_default_plans_carry_the_documented_numbers() -> None:
    free, pro, ent = (plans.DEFAULT_PLANS[n] for n in ("free", "pro", "enterprise"))
    assert (free.base_priority, pro.base_priority, ent.base_priority) == (2, 5, 7)
    assert (free.per_hour, pro.per_hour, ent.per_hour) == (5.0, 60.0, 600.0)
    assert (free.active_jobs, pro.active_jobs, ent.active_jobs) == (2, 10, 50)
    assert (free.monthly_budget_usd, pro.monthly_budget_usd, ent.monthly_budget_usd) == (0.0, 50.0, 1000.0)
    assert (free.active_stories, free.rendered_scenes, pro.rendered_scenes) == (10, 50, 500)
    assert free.per_minute == pytest.approx(5 / 60)


def test_drishya_plans_changes_and_extends_the_table() -> None:
    table = plans.parse_plans('{"pro": {"per_hour": 120, "burst": 30}, "Studio": {"base_priority": 6}}')
    assert table["pro"].per_hour == 120.0 and table["pro"].burst == 30
    assert table["pro"].active_jobs == 10, "fields not named keep the default plan's"
    studio = table["studio"]
    assert studio.name == "studio" and studio.base_priority == 6
    assert studio.active_jobs == plans.DEFAULT_PLANS["free"].active_jobs, "a new plan starts from free's"
    assert plans.parse_plans("") == plans.DEFAULT_PLANS


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        "[1]",
        '{"pro": 5}',
        '{"pro": {"speed": 1}}',
        '{"pro": {"base_priority": 10}}',
        '{"pro": {"burst": 0}}',
        '{"pro": {"burst": 2.5}}',
        '{"pro": {"per_hour": "many"}}',
        '{"pro": {"active_jobs": true}}',
        '{"": {"burst": 1}}',
    ],
)
def test_a_bad_plan_table_is_a_config_error(raw: str) -> None:
    with pytest.raises(ConfigError):
        plans.parse_plans(raw)
    with pytest.raises(ConfigError):
        GenerationConfig.from_env({"DRISHYA_PLANS": raw})


def test_unknown_or_blank_plans_read_as_free() -> None:
    assert plans.plan_of(plans.DEFAULT_PLANS, "") == plans.DEFAULT_PLANS["free"]
    assert plans.plan_of(plans.DEFAULT_PLANS, "platinum").name == "free"
    assert plans.plan_of(plans.DEFAULT_PLANS, " PRO ").name == "pro"


def test_a_client_may_lower_its_priority_but_never_raise_it() -> None:
    pro = plans.DEFAULT_PLANS["pro"]
    assert plans.job_priority(pro, None) == 5
    assert plans.job_priority(pro, 1) == 1
    assert plans.job_priority(pro, 9) == 5
    assert plans.job_priority(plans.DEFAULT_PLANS["free"], 7) == 2


def test_aging_adds_one_per_step_up_to_nine() -> None:
    assert plans.effective_priority(2, 0) == 2
    assert plans.effective_priority(2, 59.9) == 2
    assert plans.effective_priority(2, 60) == 3
    assert plans.effective_priority(2, 180) == 5
    assert plans.effective_priority(2, 10_000) == 9
    assert plans.effective_priority(9, 1e9) == 9
    assert plans.aging_bound_s(2) == 420.0
    assert plans.start_bound_s(2, 0.5, drain_s=1.0) == pytest.approx(4.5)


@given(p=st.integers(0, 9), waited=st.floats(0, 1e6), step=st.floats(0.01, 3600))
def test_every_job_reaches_the_top_within_its_bound(p: int, waited: float, step: float) -> None:
    eff = plans.effective_priority(p, waited, step)
    assert p <= eff <= 9
    if waited >= plans.aging_bound_s(p, step):
        assert eff == 9


def _rounded(limit: tuple[int, float]) -> tuple[int, float]:
    return limit[0], round(limit[1], 6)


def test_rate_limits_follow_the_plan_and_the_trust_factor() -> None:
    assert _rounded(plans.rate_of(plans.DEFAULT_PLANS["free"])) == (5, 0.083333)
    assert _rounded(plans.rate_of(plans.DEFAULT_PLANS["pro"], 0.5)) == (10, 0.5)
    assert plans.rate_of(plans.DEFAULT_PLANS["free"], 0.1)[0] == 1, "the burst never drops below one"
    with pytest.raises(ValueError):
        plans.rate_of(plans.DEFAULT_PLANS["pro"], 0)
    limiter = RateLimiter(None)
    assert _rounded(limiter.limit_of("enterprise")) == (100, 10.0)
    assert limiter.limit_of("nonsense") == limiter.limit_of("free")
    fixed = RateLimiter(None, burst=3, per_minute=6)
    assert _rounded(fixed.limit_of("enterprise")) == (3, 6.0), "the deployment-wide setting wins"
    assert _rounded(fixed.limit_of("pro", 0.5)) == (1, 3.0)


def test_an_unenforced_decision_still_reports_the_plan() -> None:
    decision = asyncio.run(RateLimiter(None).take("k", "pro", 0.5))
    assert decision.allowed and not decision.enforced
    assert _rounded((decision.limit, decision.per_minute)) == (10, 0.5)
    assert decision.headers() == {}


def test_budgets_and_active_job_limits_per_plan() -> None:
    config = GenerationConfig.from_env({"DRISHYA_KEY_BUDGETS_USD": '{"vip": 5000, "exempt": 0}'})
    assert config.monthly_budget_usd is None and config.max_queued_per_owner is None
    assert config.budget_of("k", "free") == 0.0, "free: storyboard only"
    assert config.budget_of("k", "pro") == 50.0
    assert config.budget_of("k", "enterprise") == 1000.0
    assert config.budget_of("vip", "free") == 5000.0, "a key's own budget beats its plan's"
    assert config.budget_of("exempt", "free") is None, "0 in DRISHYA_KEY_BUDGETS_USD means none"
    assert [config.active_jobs_of(p) for p in ("free", "pro", "enterprise", "")] == [2, 10, 50, 2]
    wide = GenerationConfig.from_env({"DRISHYA_MAX_QUEUED_PER_OWNER": "100", "DRISHYA_MONTHLY_BUDGET_USD": "7"})
    assert wide.active_jobs_of("free") == 100 and wide.budget_of("k", "enterprise") == 7.0
    assert GenerationConfig.from_env({"DRISHYA_MONTHLY_BUDGET_USD": "0"}).budget_of("k", "pro") is None
    assert GenerationConfig.from_env({"DRISHYA_AGING_STEP_S": "5"}).aging_step_s == 5.0
    with pytest.raises(ConfigError):
        GenerationConfig.from_env({"DRISHYA_AGING_STEP_S": "0"})


def test_every_service_reads_the_same_plan_table() -> None:
    env = {"DRISHYA_PLANS": '{"free": {"active_stories": 3, "per_hour": 2}}'}
    assert StoryConfig.from_env(env).plans["free"].active_stories == 3
    assert GatewayConfig.from_env(env).plans["free"].per_hour == 2.0
    assert GenerationConfig.from_env(env).plans["free"].active_stories == 3
    gw = GatewayConfig.from_env({})
    assert (gw.rate_limit_burst, gw.rate_limit_per_minute) == (None, None)


def test_quota_errors_name_the_quota() -> None:
    err = plans.quota_exceeded(plans.ACTIVE_STORIES, "key-1", 10, 10)
    assert err.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert err.reason == "QUOTA_EXCEEDED"
    assert err.quota_subject == "active_stories:key-1"
    assert err.metadata == {"quota": "active_stories", "used": "10", "limit": "10"}
    assert "10 stories" in err.message
