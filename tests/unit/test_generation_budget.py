"""Cost estimates and the monthly budget check of CreateJob; price tables from configuration."""

from __future__ import annotations

import pytest

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.generation import jobs
from services.generation.config import GenerationConfig
from services.mesh.config import ConfigError
from services.mesh.errors import ResourceExhausted
from services.render.config import RenderConfig, parse_prices
from services.render.providers import ProviderChain
from services.render.types import Price

VEO = Price(image_usd=0.04, video_second_usd=0.5)


def test_estimate_counts_shots_and_seconds_from_sentences() -> None:
    one = jobs.estimate_cost_usd("A girl dances in the rain.", VEO)
    assert one == pytest.approx(3 * 0.04 + 6.0 * 0.5)  # at least 3 shots over 6 s
    four = jobs.estimate_cost_usd("One. Two is here. Three is there. Four at last.", VEO)
    assert four == pytest.approx(4 * 0.04 + 12.0 * 0.5)
    assert jobs.estimate_cost_usd("A girl dances.", Price()) == 0.0


def test_within_budget_renders_and_no_budget_means_none() -> None:
    assert jobs.check_budget("k", 10.0, 5.0, 4.0, gen_pb2.BUDGET_POLICY_REFUSE)
    assert jobs.check_budget("k", 0.0, 500.0, 40.0, gen_pb2.BUDGET_POLICY_REFUSE)


def test_over_budget_refuses_with_quota_failure_or_falls_back() -> None:
    with pytest.raises(ResourceExhausted) as err:
        jobs.check_budget("key-1", 10.0, 8.0, 3.0, gen_pb2.BUDGET_POLICY_UNSPECIFIED)
    e = err.value
    assert e.reason == "BUDGET_EXCEEDED" and e.quota_subject == "budget:key-1"
    assert e.metadata == {"budget_usd": "10.00", "spent_usd": "8.00", "estimate_usd": "3.00"}
    assert e.retry_after_s is not None and 0 < e.retry_after_s <= 31 * 86400
    assert jobs.check_budget("key-1", 10.0, 8.0, 3.0, gen_pb2.BUDGET_POLICY_FALLBACK) is False


def test_budgets_and_prices_from_the_environment() -> None:
    config = GenerationConfig.from_env(
        {
            "DRISHYA_MONTHLY_BUDGET_USD": "20",
            "DRISHYA_KEY_BUDGETS_USD": '{"big": 500, "none": 0}',
            "DRISHYA_PROVIDER_PRICES": '{"comfyui": {"image_usd": 0.002, "video_second_usd": 0.01}}',
        }
    )
    assert (config.budget_of("small"), config.budget_of("big"), config.budget_of("none")) == (20.0, 500.0, None)
    assert config.render.prices["comfyui"] == Price(0.002, 0.01)
    assert config.render.prices["gemini"] == Price(0.039, 0.40)  # the default table stays
    for bad in ('{"gemini": {"image_usd": -1}}', "[1, 2]", "not json"):
        with pytest.raises(ConfigError):
            parse_prices(bad)
    with pytest.raises(ConfigError):
        GenerationConfig.from_env({"DRISHYA_KEY_BUDGETS_USD": '{"k": "lots"}'})
    with pytest.raises(ConfigError):
        RenderConfig.from_env({"DRISHYA_COMFYUI_KEYFRAMES": "dalle"})


def test_shot_cost_by_link() -> None:
    chain = ProviderChain([], prices={"gemini": VEO})
    assert chain.shot_cost("gemini", 2.0) == pytest.approx(0.04 + 1.0)
    assert chain.shot_cost("storyboard", 2.0) == 0.0


def test_chain_links_keyframes_and_prices_from_configuration() -> None:
    from services.render.config import build_chain
    from services.render.generative import GenerativeProvider
    from services.render.providers import StoryboardProvider

    config = RenderConfig.from_env(
        {
            "DRISHYA_COMFYUI_URL": "http://gpu-box:8188/",
            "DRISHYA_COMFYUI_KEYFRAMES": "gemini",
            "DRISHYA_GEMINI_API_KEY": "k",
            "DRISHYA_GEMINI_KEYFRAMES": "storyboard",
            "DRISHYA_PROVIDER_PRICES": '{"comfyui": {"video_second_usd": 0.01}}',
        }
    )
    storyboard = StoryboardProvider.__new__(StoryboardProvider)  # no render processes: only the wiring is checked
    chain = build_chain(config, storyboard)
    assert chain.names == ["comfyui", "gemini", "storyboard"]
    comfy, gemini = chain.providers[0], chain.providers[1]
    assert isinstance(comfy, GenerativeProvider) and isinstance(gemini, GenerativeProvider)
    assert comfy.image is not None and comfy.image.name == "gemini" and comfy.clip.name == "comfyui"
    assert gemini.image is None  # Veo animates the storyboard's keyframes
    assert chain.prices["comfyui"] == Price(image_usd=0.039, video_second_usd=0.01)  # Gemini's images
    assert chain.prices["gemini"] == Price(image_usd=0.0, video_second_usd=0.40)
    with pytest.raises(ConfigError):
        build_chain(
            RenderConfig.from_env({"DRISHYA_COMFYUI_URL": "http://x", "DRISHYA_COMFYUI_KEYFRAMES": "gemini"}),
            storyboard,
        )
