"""The Gemini/Veo adapter against a local server that follows the Generative Language API's behaviour:
the keyframe's shape asked in ``imageConfig``, finish reasons, 429 bodies with ``RetryInfo`` and
``QuotaFailure``, Veo's allowed clip lengths, and the API key kept to the API's own origin."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import av
import pytest
import pytest_asyncio
from PIL import Image

from services.mesh.config import ConfigError
from services.render.gemini import NO_IMAGE_FINISH, SAFETY_FINISH, Gemini, QuotaExhausted, plan_clips
from services.render.generative import GenerativeProvider
from services.render.normalise import normalise
from services.render.providers import ProviderChain, StoryboardProvider
from services.render.types import Media, ProviderError, ProviderRejected, SafetyRefusal, ShotRequest
from tests.fakes import gemini as fg
from tests.fakes import media
from tests.unit.test_storyboard_draw import make_shot_list

REQ = ShotRequest(index=0, prompt="a girl dancing in the rain", negative_prompt="text", seed=42, duration_s=2.0)


@pytest_asyncio.fixture
async def host() -> AsyncIterator[fg.FakeMediaHost]:
    fake = fg.FakeMediaHost()
    await fake.start()
    yield fake
    await fake.stop()


async def quiet(fraction: float, note: str) -> None:
    pass


def veo(fake: fg.FakeGemini, timeout_s: float = 30.0) -> Gemini:
    return Gemini(fg.API_KEY, fake.url, timeout_s=timeout_s, poll_base_s=0.01, poll_cap_s=0.05)


def recorder() -> tuple[list[float], Callable[[float], Awaitable[None]]]:
    delays: list[float] = []

    async def sleep(delay: float) -> None:
        delays.append(delay)

    return delays, sleep


def colour_of(png: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(png)) as image:
        r, g, b = image.convert("RGB").getpixel((image.width // 2, image.height // 2))  # type: ignore[misc]
    return int(r), int(g), int(b)


# -- 1. the keyframe's shape ------------------------------------------------------------------------


async def test_keyframe_asks_16_9_in_image_config_and_gets_a_wide_image(gem: fg.FakeGemini) -> None:
    """The image model answers square unless ``imageConfig.aspectRatio`` is set (the prompt text
    does not change the shape)."""
    key = await veo(gem).keyframe(REQ, quiet)
    config = gem.image_requests[0]["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "16:9"} and "IMAGE" in config["responseModalities"]
    with Image.open(io.BytesIO(key.data)) as image:
        assert image.size == (1344, 768)
    frame = normalise(key, 1, provider="test")[0]
    assert media.close_to(frame[360, 40], fg.KEY_COLOUR)  # fills the frame: no pillarbox


# -- 2. finish reasons ------------------------------------------------------------------------------


@pytest.mark.parametrize("finish", sorted(SAFETY_FINISH))
async def test_safety_finish_reasons_are_refusals(gem: fg.FakeGemini, finish: str) -> None:
    gem.mode, gem.finish_reason = "finish", finish
    with pytest.raises(SafetyRefusal) as err:
        await veo(gem).keyframe(REQ, quiet)
    assert err.value.provider_reason == finish and err.value.blocked


@pytest.mark.parametrize("finish", sorted(NO_IMAGE_FINISH))
async def test_other_finish_reasons_are_rejections(gem: fg.FakeGemini, finish: str) -> None:
    gem.mode, gem.finish_reason = "finish", finish
    with pytest.raises(ProviderRejected) as err:
        await veo(gem).keyframe(REQ, quiet)
    assert err.value.reason == "OUTPUT_MISSING" and finish in err.value.message


def test_finish_reason_sets() -> None:
    assert {
        "IMAGE_SAFETY",
        "IMAGE_PROHIBITED_CONTENT",
        "PROHIBITED_CONTENT",
        "SAFETY",
        "BLOCKLIST",
        "SPII",
    } == SAFETY_FINISH
    assert {"RECITATION", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE", "OTHER"} == NO_IMAGE_FINISH


async def test_recitation_falls_back_and_image_prohibited_blocks_in_the_chain(
    gem: fg.FakeGemini, storyboard: StoryboardProvider, tmp_path: Path
) -> None:
    sl = make_shot_list(shots=1, duration_ms=1000)
    g = veo(gem)
    chain = ProviderChain([GenerativeProvider("gemini", g, g, storyboard), storyboard])
    gem.mode, gem.finish_reason = "finish", "RECITATION"
    out = await chain.run_traced("gemini", lambda p: p.render_shot(sl, 0, tmp_path / "a", subtitles=False))
    assert out.provider == "storyboard" and "RECITATION" in out.fallbacks[0]
    gem.finish_reason = "IMAGE_PROHIBITED_CONTENT"
    with pytest.raises(SafetyRefusal):
        await chain.run("gemini", lambda p: p.render_shot(sl, 0, tmp_path / "b", subtitles=False))


# -- 3. 429 bodies ----------------------------------------------------------------------------------


async def test_retry_info_in_the_body_sets_the_retry_delay(gem: fg.FakeGemini) -> None:
    gem.mode, gem.retry_delay = "http429", "45.8s"
    with pytest.raises(ProviderError) as err:
        await veo(gem, timeout_s=60.0).keyframe(REQ, quiet)
    assert err.value.provider_retry_after_s == pytest.approx(45.8)
    assert fg.PER_MINUTE in err.value.message


async def test_the_chain_retries_no_sooner_than_retry_info(
    gem: fg.FakeGemini, storyboard: StoryboardProvider, tmp_path: Path
) -> None:
    sl = make_shot_list(shots=1, duration_ms=1000)
    g = veo(gem)
    delays, sleep = recorder()
    chain = ProviderChain([GenerativeProvider("gemini", g, g, storyboard), storyboard], backoff_s=0.01, sleep=sleep)
    gem.mode, gem.retry_delay, gem.failures = "http429", "2.5s", 1
    out = await chain.run_traced("gemini", lambda p: p.render_shot(sl, 0, tmp_path, subtitles=False))
    assert out.provider == "gemini" and delays == [pytest.approx(2.5)]


async def test_a_daily_quota_falls_back_at_once_without_retries(
    gem: fg.FakeGemini, storyboard: StoryboardProvider, tmp_path: Path
) -> None:
    sl = make_shot_list(shots=1, duration_ms=1000)
    g = veo(gem)
    delays, sleep = recorder()
    chain = ProviderChain([GenerativeProvider("gemini", g, g, storyboard), storyboard], sleep=sleep)
    gem.mode, gem.quota_id, gem.retry_delay, gem.failures = "http429", fg.PER_DAY, "20s", 10
    with pytest.raises(QuotaExhausted) as err:
        await g.keyframe(REQ, quiet)
    assert isinstance(err.value, ProviderRejected) and err.value.opens_breaker
    assert err.value.reason == "PROVIDER_QUOTA_EXHAUSTED" and fg.PER_DAY in err.value.message
    assert gem.failures == 9
    out = await chain.run_traced("gemini", lambda p: p.render_shot(sl, 0, tmp_path, subtitles=False))
    assert out.provider == "storyboard" and "PROVIDER_QUOTA_EXHAUSTED" in out.fallbacks[0]
    assert gem.failures == 8 and not delays  # one call, no retry


async def test_a_retry_delay_past_the_deadline_is_quota_exhaustion(gem: fg.FakeGemini) -> None:
    gem.mode, gem.retry_delay = "http429", "3600s"
    with pytest.raises(QuotaExhausted) as err:
        await veo(gem, timeout_s=600.0).clip(REQ, media.png(fg.KEY_COLOUR), quiet)
    assert err.value.retry_after_s == 3600.0 and err.value.opens_breaker


# -- 4. Veo clip lengths ----------------------------------------------------------------------------


def test_clip_plans_use_only_allowed_lengths() -> None:
    assert plan_clips(2.0) == [4] and plan_clips(4.0) == [4] and plan_clips(4.5) == [6]
    assert plan_clips(7.9) == [8] and plan_clips(8.0) == [8]
    assert plan_clips(9.9) == [6, 4]  # fewer seconds billed than 8 + 4
    assert plan_clips(10.0) == [8, 4]  # 6 + 4 less the shared frame falls short
    assert plan_clips(13.0) == [8, 6]
    assert plan_clips(15.9) == [8, 8]  # 16 s less the frame shared by the two clips
    assert plan_clips(16.0) == [8, 6, 4]
    assert plan_clips(9.0, (5, 10)) == [10]
    for seconds in (8.5, 12.0, 17.0, 30.0, 61.3):
        plan = plan_clips(seconds)
        assert set(plan) <= {4, 6, 8} and sum(plan) - (len(plan) - 1) / 24 >= seconds - 1e-6


async def test_a_long_shot_is_several_clips_each_from_the_last_frame(gem: fg.FakeGemini) -> None:
    req = ShotRequest(**{**REQ.__dict__, "duration_s": 13.0})
    notes: list[float] = []

    async def progress(fraction: float, note: str) -> None:
        notes.append(fraction)

    clip = await veo(gem).clip(req, media.png(fg.KEY_COLOUR), progress)
    assert [b["parameters"]["durationSeconds"] for b in gem.video_requests] == [8, 6]
    first, second = (base64.b64decode(b["instances"][0]["image"]["bytesBase64Encoded"]) for b in gem.video_requests)
    assert media.close_to(colour_of(first), fg.KEY_COLOUR)
    assert media.close_to(colour_of(second), fg.LAST_COLOUR)  # the first clip's last frame
    with av.open(io.BytesIO(clip.data), mode="r") as container:
        assert len(list(container.decode(video=0))) == 8 * 24 + 6 * 24 - 1
    frames = normalise(clip, req.frames, provider="test")
    assert media.close_to(frames[8 * 24 + 24][360, 640], fg.CLIP_COLOUR)  # not a held last frame
    assert notes == sorted(notes) and 0.5 < notes[-1] <= 1.0


async def test_an_undecodable_clip_of_several_is_a_rejection(gem: fg.FakeGemini) -> None:
    gem.mode = "malformed"
    req = ShotRequest(**{**REQ.__dict__, "duration_s": 10.0})
    with pytest.raises(ProviderRejected) as err:
        await veo(gem).clip(req, media.png(fg.KEY_COLOUR), quiet)
    assert err.value.reason == "OUTPUT_UNDECODABLE" and len(gem.video_requests) == 1


def test_veo_durations_come_from_the_config(storyboard: StoryboardProvider) -> None:
    from services.render.config import RenderConfig, build_chain

    env = {"DRISHYA_GEMINI_API_KEY": "k", "DRISHYA_VEO_DURATIONS": "8, 5"}
    config = RenderConfig.from_env(env)
    assert config.gemini_veo_durations == (5, 8) and RenderConfig().gemini_veo_durations == (4, 6, 8)
    link = build_chain(config, storyboard).providers[0]
    assert isinstance(link, GenerativeProvider) and isinstance(link.clip, Gemini)
    assert link.clip.durations_s == (5, 8)
    for bad in ("0,4", "4,six", "-2"):
        with pytest.raises(ConfigError):
            RenderConfig.from_env({**env, "DRISHYA_VEO_DURATIONS": bad})


# -- 5. the API key stays with the API ------------------------------------------------------------


async def test_the_key_is_not_sent_when_the_download_redirects_to_another_host(
    gem: fg.FakeGemini, host: fg.FakeMediaHost
) -> None:
    gem.media_host = host
    clip = await veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), quiet)
    assert media.close_to(normalise(clip, 1, provider="test")[0][360, 640], fg.CLIP_COLOUR)
    assert gem.download_headers[-1].get("x-goog-api-key") == fg.API_KEY
    assert host.headers and all("x-goog-api-key" not in h for h in host.headers)


async def test_the_key_is_not_sent_to_a_file_uri_on_another_host(gem: fg.FakeGemini, host: fg.FakeMediaHost) -> None:
    gem.mode, gem.media_host = "foreign_uri", host
    clip = await veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), quiet)
    assert isinstance(clip, Media) and clip.data
    assert not gem.download_headers and len(host.headers) == 1 and "x-goog-api-key" not in host.headers[0]


async def test_the_key_goes_to_the_api_origin_on_every_call(gem: fg.FakeGemini) -> None:
    """Every call to the API itself still carries the key (the fake answers 403 without it)."""
    await veo(gem).keyframe(REQ, quiet)
    await asyncio.wait_for(veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), quiet), 30)
    assert gem.image_requests and gem.video_requests and gem.download_headers[-1]["x-goog-api-key"] == fg.API_KEY
