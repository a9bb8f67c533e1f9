"""The ComfyUI and Gemini/Veo adapters against local servers that follow those APIs' shapes, and the
generative chain link (keyframe, clip, normalisation, subtitle, joining the GOP encode) on top of them."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path

import av
import numpy as np
import pytest
import pytest_asyncio

from services.render.comfyui import ComfyUI
from services.render.gemini import Gemini
from services.render.generative import GenerativeProvider
from services.render.providers import ProviderChain, StoryboardProvider
from services.render.storyboard import SUBTITLE_BAND, storyboard_source
from services.render.storyboard.timeline import TAIL_FRAMES
from services.render.types import Media, ProviderError, ProviderRejected, SafetyRefusal, ShotRequest
from tests.fakes import comfyui as fc
from tests.fakes import gemini as fg
from tests.fakes import media
from tests.unit.test_storyboard_draw import make_shot_list

REQ = ShotRequest(index=0, prompt="a girl dancing in the rain", negative_prompt="text", seed=42, duration_s=2.0)


@pytest_asyncio.fixture
async def comfy() -> AsyncIterator[fc.FakeComfyUI]:
    fake = fc.FakeComfyUI()
    await fake.start()
    yield fake
    await fake.stop()


class Notes:
    def __init__(self) -> None:
        self.seen: list[tuple[float, str]] = []

    async def __call__(self, fraction: float, note: str) -> None:
        self.seen.append((fraction, note))


def client(fake: fc.FakeComfyUI, timeout_s: float = 30.0) -> ComfyUI:
    return ComfyUI.from_paths(fake.url, timeout_s=timeout_s)


def veo(fake: fg.FakeGemini, timeout_s: float = 30.0) -> Gemini:
    return Gemini(fg.API_KEY, fake.url, timeout_s=timeout_s, poll_base_s=0.01, poll_cap_s=0.05)


def first_pixel(m: Media) -> tuple[int, int, int]:
    from services.render.normalise import normalise

    f = normalise(m, 1, provider="test")[0]
    return tuple(int(v) for v in f[360, 640])  # type: ignore[return-value]


# -- ComfyUI ---------------------------------------------------------------------------------------


async def test_comfyui_keyframe_and_clip_follow_the_api(comfy: fc.FakeComfyUI) -> None:
    notes = Notes()
    c = client(comfy)
    key = await c.keyframe(REQ, notes)
    assert media.close_to(first_pixel(key), fc.KEY_COLOUR)
    graph = comfy.prompts[0]["graph"]
    assert graph["3"]["inputs"]["seed"] == 42 and graph["6"]["inputs"]["text"] == REQ.prompt
    assert graph["5"]["inputs"]["width"] == 1280 and graph["7"]["inputs"]["text"] == "text"
    assert comfy.prompts[0]["client_id"]
    fractions = [f for f, _ in notes.seen]
    assert fractions == sorted(fractions) and any("step 4/4" in n for _, n in notes.seen)
    clip = await c.clip(REQ, media.png(fc.KEY_COLOUR), notes)
    assert clip.suffix == ".webp"
    svd = comfy.prompts[1]["graph"]
    assert svd["3"]["inputs"]["video_frames"] == 25 and svd["7"]["inputs"]["fps"] == 6  # SVD-XT's own clip
    uploaded = svd["2"]["inputs"]["image"]
    assert comfy.uploads[uploaded] == media.png(fc.KEY_COLOUR)
    assert media.close_to(first_pixel(clip), fc.CLIP_COLOUR)


async def test_comfyui_reference_image_uses_the_reference_template(comfy: fc.FakeComfyUI) -> None:
    ref = media.png((10, 200, 10))
    await client(comfy).keyframe(ShotRequest(**{**REQ.__dict__, "reference": ref}), Notes())
    graph = comfy.prompts[0]["graph"]
    assert graph["10"]["class_type"] == "LoadImage" and comfy.uploads[graph["10"]["inputs"]["image"]] == ref


async def test_comfyui_429_and_500_are_retryable_with_retry_after(comfy: fc.FakeComfyUI) -> None:
    comfy.mode, comfy.retry_after = "http429", "3"
    with pytest.raises(ProviderError) as err:
        await client(comfy).keyframe(REQ, Notes())
    assert err.value.provider_retry_after_s == 3.0
    comfy.mode = "http500"
    with pytest.raises(ProviderError) as err5:
        await client(comfy).keyframe(REQ, Notes())
    assert err5.value.reason == "PROVIDER_FAILED"


async def test_comfyui_chain_retries_a_429_then_succeeds(comfy: fc.FakeComfyUI) -> None:
    comfy.mode, comfy.failures = "http429", 1
    delays: list[float] = []

    async def sleep(s: float) -> None:
        delays.append(s)

    c = client(comfy)
    chain = ProviderChain([c], sleep=sleep)  # type: ignore[list-item]
    out = await chain.run_traced("comfyui", lambda p: p.keyframe(REQ, Notes()))  # type: ignore[attr-defined]
    assert out.provider == "comfyui" and delays and delays[0] >= 1.0
    assert len(comfy.prompts) == 1


async def test_comfyui_timeout_interrupts_the_prompt(comfy: fc.FakeComfyUI) -> None:
    comfy.mode = "hang"
    with pytest.raises(ProviderError) as err:
        await client(comfy, timeout_s=0.5).keyframe(REQ, Notes())
    assert err.value.reason == "PROVIDER_TIMEOUT"
    pid = comfy.prompts[0]["prompt_id"]
    assert comfy.deletes == [pid] and comfy.interrupts == [{"prompt_id": pid}]


async def test_comfyui_dropped_websocket_falls_back_to_history(comfy: fc.FakeComfyUI) -> None:
    comfy.mode = "drop_ws"
    notes = Notes()
    key = await client(comfy).keyframe(REQ, notes)
    assert media.close_to(first_pixel(key), fc.KEY_COLOUR)
    assert any("step 2/4" in n for _, n in notes.seen) and not any("step 4/4" in n for _, n in notes.seen)


async def test_comfyui_execution_error_is_a_rejection(comfy: fc.FakeComfyUI) -> None:
    comfy.mode = "execution_error"
    with pytest.raises(ProviderRejected) as err:
        await client(comfy).keyframe(REQ, Notes())
    assert err.value.reason == "WORKFLOW_FAILED" and "CUDA out of memory" in err.value.message


async def test_comfyui_cancel_mid_render_reaches_the_server(comfy: fc.FakeComfyUI) -> None:
    comfy.mode = "hang"
    task = asyncio.create_task(client(comfy).clip(REQ, media.png(fc.KEY_COLOUR), Notes()))
    for _ in range(500):
        if comfy.running:
            break
        await asyncio.sleep(0.01)
    assert comfy.running
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pid = comfy.prompts[0]["prompt_id"]
    assert comfy.interrupts == [{"prompt_id": pid}] and comfy.deletes == [pid]


# -- Gemini / Veo ----------------------------------------------------------------------------------


async def test_gemini_keyframe_and_veo_clip(gem: fg.FakeGemini) -> None:
    g = veo(gem)
    ref = media.png((1, 2, 3))
    key = await g.keyframe(ShotRequest(**{**REQ.__dict__, "reference": ref}), Notes())
    assert media.close_to(first_pixel(key), fg.KEY_COLOUR)
    parts = gem.image_requests[0]["contents"][0]["parts"]
    assert REQ.prompt in parts[0]["text"] and parts[-1]["inlineData"]["mimeType"] == "image/png"
    notes = Notes()
    clip = await g.clip(REQ, key.data, notes)
    assert media.close_to(first_pixel(clip), fg.CLIP_COLOUR)
    body = gem.video_requests[0]
    assert body["instances"][0]["image"]["mimeType"] == "image/png"
    assert body["parameters"]["durationSeconds"] == 4 and notes.seen  # polled before done


async def test_gemini_safety_refusals(gem: fg.FakeGemini) -> None:
    gem.mode = "refuse_image"
    with pytest.raises(SafetyRefusal) as err:
        await veo(gem).keyframe(REQ, Notes())
    assert err.value.provider_reason == "SAFETY"
    gem.mode = "refuse_video"
    with pytest.raises(SafetyRefusal) as err_v:
        await veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), Notes())
    assert "violate" in err_v.value.provider_reason


async def test_gemini_429_500_and_malformed_output(gem: fg.FakeGemini) -> None:
    gem.mode = "http429"
    with pytest.raises(ProviderError) as err:
        await veo(gem).keyframe(REQ, Notes())
    assert err.value.provider_retry_after_s == 1.0
    gem.mode = "http500"
    with pytest.raises(ProviderError):
        await veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), Notes())
    gem.mode = "malformed"
    clip = await veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), Notes())
    with pytest.raises(ProviderRejected) as bad:
        first_pixel(clip)
    assert bad.value.reason == "OUTPUT_UNDECODABLE"


async def test_veo_timeout_and_cancel_stop_polling(gem: fg.FakeGemini) -> None:
    gem.mode = "hang"
    with pytest.raises(ProviderError) as err:
        await veo(gem, timeout_s=0.3).clip(REQ, media.png(fg.KEY_COLOUR), Notes())
    assert err.value.reason == "PROVIDER_TIMEOUT"
    task = asyncio.create_task(veo(gem).clip(REQ, media.png(fg.KEY_COLOUR), Notes()))
    for _ in range(500):
        if len(gem.polls) == 2 and max(gem.polls.values()) >= 2:
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    polled = dict(gem.polls)
    await asyncio.sleep(0.2)
    assert gem.polls == polled


# -- the generative chain link ---------------------------------------------------------------------


async def test_generative_shot_is_the_clip_with_subtitle_and_joins_the_one_pass(
    comfy: fc.FakeComfyUI, storyboard: StoryboardProvider, tmp_path: Path
) -> None:
    """The clip is decoded once, normalised to the shot's frames and kept raw with the subtitle
    laid over; the GOP encoder then takes its frames as they are (no decode), next to a drawn shot."""
    sl = make_shot_list(shots=2, duration_ms=1500)
    link = GenerativeProvider("comfyui", client(comfy), client(comfy), storyboard)
    notes = Notes()
    first = await link.render_shot(sl, 0, tmp_path, subtitles=True, progress=notes)
    second = await link.render_shot(sl, 1, tmp_path, subtitles=True)
    assert first.frames_path is not None and first.audio_path is None  # narration is spoken apart
    frames = np.load(first.frames_path)
    assert frames.shape == (first.frame_count, 720, 1280, 3) == (36 + TAIL_FRAMES, 720, 1280, 3)
    top = frames[0][100, 640]
    assert media.close_to(top, fc.CLIP_COLOUR)
    band = frames[0][SUBTITLE_BAND[0] : SUBTITLE_BAND[1], :, :]
    assert (abs(band.astype(int) - list(fc.CLIP_COLOUR)).max(axis=2) > 60).any()  # the subtitle is there
    assert not (abs(frames[-1][SUBTITLE_BAND[0] :].astype(int) - list(fc.CLIP_COLOUR)).max(axis=2) > 60).any()
    # the clip's shot and a drawn shot go through the same encoders; its frames come out as kept
    drawn = storyboard_source(sl, 1)
    gops = await storyboard.encode_gops(sl, {0: first, 1: drawn}, [0, 1], tmp_path / "gops", subtitles=True)
    report = await storyboard.mux(sl, [first, drawn], {g.index: g for g in gops}, tmp_path / "video.mp4")
    with av.open(report.path) as c:
        out = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(out) == 72
    assert float(np.mean(np.abs(out[5].astype(np.float32) - frames[5]))) < 3.0
    # Continuity: the girl's first keyframe is the reference of her next shot.
    assert (tmp_path / "ref_character-girl.png").read_bytes() == (tmp_path / "key_00.png").read_bytes()
    ref_prompt = comfy.prompts[2]["graph"]
    assert (
        "10" in ref_prompt
        and comfy.uploads[ref_prompt["10"]["inputs"]["image"]] == (tmp_path / "key_00.png").read_bytes()
    )
    assert second.frame_count > 0 and notes.seen[-1][0] == 1.0


async def test_storyboard_keyframes_feed_an_image_to_video_provider(
    gem: fg.FakeGemini, storyboard: StoryboardProvider, tmp_path: Path
) -> None:
    sl = make_shot_list(shots=1, duration_ms=1000)
    link = GenerativeProvider("gemini", veo(gem), None, storyboard)
    await link.render_shot(sl, 0, tmp_path, subtitles=False)
    assert not gem.image_requests and len(gem.video_requests) == 1
    sent = gem.video_requests[0]["instances"][0]["image"]["bytesBase64Encoded"]
    assert base64.b64decode(sent) == (tmp_path / "key_00.png").read_bytes()


async def test_undecodable_clip_fails_the_shot_for_the_chain(
    comfy: fc.FakeComfyUI, storyboard: StoryboardProvider, tmp_path: Path
) -> None:
    sl = make_shot_list(shots=1, duration_ms=1000)
    comfy.mode = "garbage"
    link = GenerativeProvider("comfyui", client(comfy), None, storyboard)
    chain = ProviderChain([link, storyboard])
    out = await chain.run_traced("comfyui", lambda p: p.render_shot(sl, 0, tmp_path, subtitles=False))
    assert out.provider == "storyboard" and "OUTPUT_UNDECODABLE" in out.fallbacks[0]


async def test_comfyui_prompt_is_stopped_when_the_progress_report_fails(comfy: fc.FakeComfyUI) -> None:
    # The job was cancelled while the adapter reported progress: the report raises, the prompt stops.
    comfy.mode = "hang"

    async def cancelled_job(fraction: float, note: str) -> None:
        raise RuntimeError("lease lost")

    with pytest.raises(RuntimeError):
        await client(comfy).keyframe(REQ, cancelled_job)
    pid = comfy.prompts[0]["prompt_id"]
    assert comfy.interrupts == [{"prompt_id": pid}] and comfy.deletes == [pid]


async def test_a_killed_render_process_fails_the_call_as_transient_and_the_pool_is_replaced(tmp_path: Path) -> None:
    """SIGKILL of a render process mid-encode: the call fails as UNAVAILABLE RENDER_PROCESS_DIED
    with a message of our own (not the pool's internal wording), and the next call succeeds."""
    import os
    import signal

    from services.mesh.errors import Unavailable

    provider = StoryboardProvider(1)
    try:
        sl = make_shot_list(shots=2, duration_ms=4000)
        sources = {i: storyboard_source(sl, i) for i in range(2)}
        call = asyncio.ensure_future(provider.encode_gops(sl, sources, [0, 1, 2, 3], tmp_path / "a", subtitles=True))
        await asyncio.sleep(1.0)
        for process in list(provider._pool._processes.values()):  # type: ignore[attr-defined]
            os.kill(process.pid, signal.SIGKILL)
        with pytest.raises(Unavailable) as info:
            await call
        assert info.value.reason == "RENDER_PROCESS_DIED"
        assert str(info.value) == "a render process died"
        done = await provider.encode_gops(sl, sources, [0], tmp_path / "b", subtitles=True)
        assert [g.index for g in done] == [0]
    finally:
        provider.close()
