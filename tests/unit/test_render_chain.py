"""The provider chain: retries with backoff that honour Retry-After, fallback per call with reasons,
breakers, safety refusals passed on, deadlines, health checks per provider."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from services.mesh.errors import InvalidArgument, Unavailable
from services.render.providers import CircuitBreaker, ProviderChain
from services.render.types import ProviderError, ProviderRejected, SafetyRefusal


class Link:
    """A provider whose calls raise the queued errors, then succeed."""

    def __init__(self, name: str, errors: list[BaseException] | None = None, hang: bool = False) -> None:
        self.name = name
        self.errors = list(errors or [])
        self.calls = 0
        self.hang = hang

    async def work(self) -> str:
        self.calls += 1
        if self.hang:
            await asyncio.Event().wait()
        if self.errors:
            raise self.errors.pop(0)
        return f"made by {self.name}"


def chain(*links: Link, **kw: Any) -> tuple[ProviderChain, list[float]]:
    delays: list[float] = []

    async def sleep(s: float) -> None:
        delays.append(s)

    c = ProviderChain(links, sleep=sleep, rng=random.Random(7), **kw)  # type: ignore[arg-type]
    return c, delays


def op(link_of: dict[str, Link]) -> Callable[[Any], Awaitable[str]]:
    async def run(p: Any) -> str:
        return await link_of[p.name].work()

    return run


def links(*ls: Link) -> dict[str, Link]:
    return {link.name: link for link in ls}


async def test_transient_failure_is_retried_no_sooner_than_retry_after() -> None:
    a = Link("comfyui", [ProviderError("429", provider="comfyui", retry_after_s=7.0)])
    c, delays = chain(a, Link("storyboard"), backoff_s=0.5)
    out = await c.run_traced("comfyui", op(links(a)))
    assert (out.value, out.provider, out.fallbacks) == ("made by comfyui", "comfyui", ())
    assert delays == [7.0]


async def test_backoff_is_full_jitter_under_a_doubling_ceiling() -> None:
    a = Link("comfyui", [ProviderError("500", provider="comfyui") for _ in range(3)])
    c, delays = chain(a, Link("storyboard"), retries=3, backoff_s=1.0)
    c.breakers["comfyui"] = CircuitBreaker(failure_threshold=10)
    await c.run("comfyui", op(links(a)))
    assert len(delays) == 3
    assert all(0.0 <= d <= 1.0 * 2**k for k, d in enumerate(delays))
    assert len(set(delays)) == 3  # drawn, not fixed


async def test_fallback_per_call_says_why() -> None:
    a = Link("comfyui", [ProviderRejected("node KSampler failed", provider="comfyui", reason="WORKFLOW_FAILED")])
    b = Link("storyboard")
    c, delays = chain(a, b)
    out = await c.run_traced("comfyui", op(links(a, b)))
    assert out.provider == "storyboard"
    assert out.fallbacks == ("comfyui: WORKFLOW_FAILED: node KSampler failed",)
    assert a.calls == 1 and delays == []  # a rejection is not retried


async def test_exhausted_retries_fall_back_and_open_the_breaker() -> None:
    a = Link("gemini", [ProviderError("500", provider="gemini") for _ in range(10)])
    b = Link("storyboard")
    c, _ = chain(a, b, retries=2)
    out = await c.run_traced("gemini", op(links(a, b)))
    assert out.provider == "storyboard" and out.fallbacks[0].startswith("gemini: PROVIDER_FAILED")
    assert a.calls == 3 and c.states()["gemini"] == "open"
    again = await c.run_traced("gemini", op(links(a, b)))
    assert again.fallbacks == ("gemini: circuit open",) and a.calls == 3
    checks = c.health_checks()
    with pytest.raises(Unavailable):
        await checks["render.gemini"]()
    await checks["render.storyboard"]()


async def test_a_rejection_that_opens_the_breaker_opens_it_at_once() -> None:
    class DailyQuota(ProviderRejected):
        opens_breaker = True

    a = Link("gemini", [DailyQuota("GenerateRequestsPerDay", provider="gemini", reason="PROVIDER_QUOTA_EXHAUSTED")])
    b = Link("storyboard")
    c, delays = chain(a, b)
    out = await c.run_traced("gemini", op(links(a, b)))
    assert out.provider == "storyboard" and a.calls == 1 and delays == []
    assert c.states()["gemini"] == "open"  # after one call, not after the failure threshold
    plain = Link("comfyui", [ProviderRejected("bad workflow", provider="comfyui")])
    c2, _ = chain(plain, Link("storyboard"))
    await c2.run_traced("comfyui", op(links(plain, Link("storyboard"))))
    assert c2.states()["comfyui"] == "closed"  # an ordinary rejection counts one failure


async def test_safety_refusal_is_passed_on_without_retry_or_fallback() -> None:
    a = Link("gemini", [SafetyRefusal("refused", provider="gemini", provider_reason="SAFETY")])
    b = Link("storyboard")
    c, delays = chain(a, b)
    with pytest.raises(SafetyRefusal):
        await c.run("gemini", op(links(a, b)))
    assert (a.calls, b.calls, delays) == (1, 0, [])


async def test_other_domain_errors_are_passed_on() -> None:
    a = Link("storyboard", [InvalidArgument("bad shot list", reason="INVALID_SHOT_LIST")])
    c, _ = chain(a)
    with pytest.raises(InvalidArgument):
        await c.run("", op(links(a)))


async def test_every_call_has_a_deadline() -> None:
    a = Link("comfyui", hang=True)
    b = Link("storyboard")
    c, _ = chain(a, b, retries=0, call_timeout_s=0.05)
    out = await c.run_traced("comfyui", op(links(a, b)))
    assert out.provider == "storyboard" and out.fallbacks[0].startswith("comfyui: TimeoutError")


async def test_selection_starts_at_the_chosen_link_and_keeps_the_storyboard_last() -> None:
    c, _ = chain(Link("comfyui"), Link("gemini"), Link("storyboard"))
    assert [p.name for p in c.select("gemini")] == ["gemini", "storyboard"]
    assert [p.name for p in c.select("")] == ["storyboard"]
    assert [p.name for p in c.select("COMFYUI")] == ["comfyui", "gemini", "storyboard"]
    assert [p.name for p in c.select("runway")] == ["storyboard"]


async def test_a_provider_not_configured_falls_back_to_the_storyboard_and_says_so() -> None:
    b = Link("storyboard")
    c, _ = chain(b)
    out = await c.run_traced("gemini", op(links(b)))
    assert out.provider == "storyboard" and out.fallbacks == (
        "gemini: PROVIDER_NOT_CONFIGURED: not configured in this deployment",
    )


async def test_all_failing_is_providers_unavailable_with_the_reasons() -> None:
    a = Link("storyboard", [OSError("disk full") for _ in range(5)])
    c, _ = chain(a, retries=1)
    with pytest.raises(Unavailable) as err:
        await c.run("", op(links(a)))
    assert err.value.reason == "PROVIDERS_UNAVAILABLE"
    assert "storyboard: OSError: disk full" in err.value.metadata["fallbacks"]
