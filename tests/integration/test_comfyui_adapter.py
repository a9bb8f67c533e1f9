"""The ComfyUI adapter against a server that behaves like ComfyUI where it is awkward: clips at the
video model's own length and rate, ``SaveAnimatedWEBP``'s rounded frame durations, an interrupt that
(on servers before late 2025) stops whatever runs, interrupts nobody asked for, and a server that
lacks the templates' nodes or model files."""

from __future__ import annotations

import asyncio
import io
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import numpy as np
import pytest
import pytest_asyncio
from PIL import Image

from services.mesh.config import ConfigError
from services.mesh.errors import Unavailable
from services.render import comfyui as comfy
from services.render.comfyui import ComfyUI, fill
from services.render.config import RenderConfig, build_chain
from services.render.generative import GenerativeProvider
from services.render.normalise import RatedMedia, normalise
from services.render.providers import ProviderChain, StoryboardProvider
from services.render.types import Media, ProviderError, ProviderRejected, ShotRequest
from tests.fakes import comfyui as fc
from tests.fakes import media

REQ = ShotRequest(index=0, prompt="a boat on the river at dusk", negative_prompt="text", seed=7, duration_s=2.0)
RAINBOW = [((k * 37) % 256, (k * 91) % 256, (k * 53) % 256) for k in range(96)]
"""Colours that differ a lot from one frame to the next (a frame off shows)."""


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[fc.FakeComfyUI]:
    server = fc.FakeComfyUI()
    await server.start()
    yield server
    server.mode = "ok"
    await server.stop()


async def nothing(fraction: float, note: str) -> None:
    pass


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    for _ in range(int(timeout_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition never held")


def pixel(frame: np.ndarray[Any, Any]) -> tuple[int, int, int]:
    return (int(frame[360, 640, 0]), int(frame[360, 640, 1]), int(frame[360, 640, 2]))


async def other_clients_prompt(fake: fc.FakeComfyUI) -> str:
    """Queue a keyframe prompt as another client of the same server would (its own client id)."""
    graph = fill(comfy.load_workflow(comfy.TEXT_TO_IMAGE), client(fake)._values(REQ))
    async with httpx.AsyncClient(base_url=fake.url) as http:
        resp = await http.post("/prompt", json={"prompt": graph, "client_id": "someone-else"})
    return str(resp.json()["prompt_id"])


def client(fake: fc.FakeComfyUI, **kw: Any) -> ComfyUI:
    return ComfyUI.from_paths(fake.url, timeout_s=kw.pop("timeout_s", 30.0), **kw)


# -- 1. clips at the model's own length and rate, retimed to the shot ----------------------------


async def test_clip_is_generated_at_the_models_frame_count_and_rate(fake: fc.FakeComfyUI) -> None:
    clip = await client(fake).clip(REQ, media.png(fc.KEY_COLOUR), nothing)
    svd = fake.prompts[0]["graph"]
    assert svd["3"]["inputs"]["video_frames"] == 25 and svd["3"]["inputs"]["fps"] == 6
    assert svd["7"]["inputs"]["fps"] == 6  # SaveAnimatedWEBP at the same rate
    assert isinstance(clip, RatedMedia) and clip.fps == 6.0
    await client(fake, clip_frames=14, clip_fps=7).clip(REQ, media.png(fc.KEY_COLOUR), nothing)
    svd14 = fake.prompts[1]["graph"]
    assert svd14["3"]["inputs"]["video_frames"] == 14 and svd14["7"]["inputs"]["fps"] == 7


async def test_clip_spans_the_whole_shot_first_frame_to_last(fake: fc.FakeComfyUI) -> None:
    fake.clip_colours = RAINBOW[:25]
    clip = await client(fake).clip(REQ, media.png(fc.KEY_COLOUR), nothing)
    frames = normalise(clip, 48, provider="comfyui")  # a 2 s shot at 24 fps
    assert len(frames) == 48
    # Output frame k sits at source position k * 24 / 47: the generated motion runs over the whole
    # shot (not 48 / 24 * 6 = 12 of its frames, then a still), blending the two nearest frames.
    for k in range(48):
        position = k * 24 / 47
        i, w = int(position), position - int(position)
        after = RAINBOW[min(i + 1, 24)]
        expected = tuple(round((1 - w) * x + w * y) for x, y in zip(RAINBOW[i], after, strict=True))
        assert media.close_to(pixel(frames[k]), expected, tolerance=12), k  # type: ignore[arg-type]
    assert media.close_to(pixel(frames[47]), RAINBOW[24], tolerance=6)


def test_frames_between_source_frames_are_blended() -> None:
    black_white = fc.comfy_webp([(0, 0, 0), (250, 250, 250)], fps=6)
    frames = normalise(RatedMedia(data=black_white, suffix=".webp", fps=6), 5, provider="comfyui")
    greys = [pixel(f)[0] for f in frames]
    assert greys[0] < 8 and greys[-1] > 242
    assert greys == sorted(greys) and abs(greys[2] - 125) <= 8  # halfway: half of each neighbour


# -- 2. SaveAnimatedWEBP's int(1000 / fps) durations are not times ----------------------------------


def test_saveanimatedwebp_rounded_durations_do_not_drift() -> None:
    # 96 frames at 24 fps stored 41 ms apart (int(1000 / 24)): read as times they would run 3.936 s
    # instead of 4 s and, from frame 62 on, every output frame would show the next source frame.
    data = fc.comfy_webp(RAINBOW, fps=24)
    frames = normalise(RatedMedia(data=data, suffix=".webp", fps=24), 96, provider="comfyui")
    off = [k for k in range(96) if not media.close_to(pixel(frames[k]), RAINBOW[k], tolerance=12)]
    assert off == []


def test_merged_identical_frames_count_as_many_frames_as_they_last() -> None:
    # libwebp stores 12 identical frames as one of 12 x 166 ms: it still stands for 12 frames.
    a, b = (200, 40, 40), (40, 160, 220)
    data = fc.comfy_webp([a] * 12 + [b] * 13, fps=6)
    frames = normalise(RatedMedia(data=data, suffix=".webp", fps=6), 48, provider="comfyui")
    assert media.close_to(pixel(frames[20]), a) and media.close_to(pixel(frames[24]), b)
    assert media.close_to(pixel(frames[47]), b)


def test_a_clip_with_timestamps_is_still_resampled_by_time() -> None:
    # Veo's MP4 is not retimed: 1 s at 24 fps into a 2 s shot holds its last frame.
    data = media.video([RAINBOW[k] for k in range(24)], 24, 24)
    frames = normalise(Media(data=data, suffix=".mp4"), 48, provider="gemini")
    assert media.close_to(pixel(frames[47]), RAINBOW[23], tolerance=30)


# -- 3. cancel interrupts only our own running prompt -------------------------------------------


async def test_cancel_of_a_queued_prompt_does_not_interrupt_another_clients_running_prompt(
    fake: fc.FakeComfyUI,
) -> None:
    fake.mode = "hang"
    theirs = await other_clients_prompt(fake)
    await until(lambda: theirs in fake.running)
    task = asyncio.create_task(client(fake).keyframe(REQ, nothing))
    await until(lambda: len(fake.prompts) == 2 and bool(fake.pending))
    ours = fake.prompts[1]["prompt_id"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert ours in fake.deletes and not fake.interrupts  # deleted from the queue, nothing interrupted
    assert theirs in fake.running and theirs not in fake.interrupted
    fake.mode = "ok"
    await until(lambda: theirs in fake.history)
    assert fake.history[theirs]["status"]["status_str"] == "success" and ours not in fake.history


async def test_cancel_of_our_running_prompt_interrupts_it_by_id(fake: fc.FakeComfyUI) -> None:
    fake.mode = "hang"
    task = asyncio.create_task(client(fake).keyframe(REQ, nothing))
    await until(lambda: bool(fake.running))
    ours = fake.prompts[0]["prompt_id"]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.interrupts == [{"prompt_id": ours}] and ours in fake.deletes
    await until(lambda: ours in fake.interrupted)


# -- 4. one classification of an interrupt, socket or history ------------------------------------


async def interrupted_by_someone_else(fake: fc.FakeComfyUI, c: ComfyUI) -> BaseException:
    fake.mode = "hang"
    task = asyncio.create_task(c.keyframe(REQ, nothing))
    await until(lambda: bool(fake.running))
    async with httpx.AsyncClient(base_url=fake.url) as http:
        await http.post("/interrupt")  # ComfyUI's cancel button, or another client on an old server
    with pytest.raises(BaseException) as info:
        await task
    return info.value


async def test_an_interrupt_we_did_not_send_is_transient_on_the_websocket(fake: fc.FakeComfyUI) -> None:
    err = await interrupted_by_someone_else(fake, client(fake))
    assert isinstance(err, ProviderError) and err.reason == "PROVIDER_INTERRUPTED"


async def test_an_interrupt_we_did_not_send_is_transient_in_the_history(fake: fc.FakeComfyUI) -> None:
    fake.refuse_ws = True  # no socket: the adapter learns the outcome from /history
    err = await interrupted_by_someone_else(fake, client(fake))
    assert isinstance(err, ProviderError) and err.reason == "PROVIDER_INTERRUPTED"


async def test_an_interrupt_we_sent_is_a_cancellation_on_both_paths(fake: fc.FakeComfyUI) -> None:
    c = client(fake)
    assert isinstance(c._ended("p1", "execution_interrupted", {}), ProviderError)
    c._cancelled.append("p1")
    assert isinstance(c._ended("p1", "execution_interrupted", {}), asyncio.CancelledError)
    fake.refuse_ws, fake.mode = True, "hang"
    task = asyncio.create_task(c.keyframe(REQ, nothing))
    await until(lambda: bool(fake.running))
    c._cancelled.append(fake.prompts[0]["prompt_id"])  # as another call of this client cancelling it
    async with httpx.AsyncClient(base_url=fake.url) as http:
        await http.post("/interrupt", json={"prompt_id": fake.prompts[0]["prompt_id"]})
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_an_execution_error_in_the_history_keeps_its_message(fake: fc.FakeComfyUI) -> None:
    fake.refuse_ws, fake.mode = True, "execution_error"
    with pytest.raises(ProviderRejected) as err:
        await client(fake).keyframe(REQ, nothing)
    assert err.value.reason == "WORKFLOW_FAILED" and "CUDA out of memory" in err.value.message


# -- 5. continuity: img2img fallback, IP-Adapter identity template ---------------------------------


async def test_reference_keyframes_use_the_ipadapter_template_when_configured(fake: fc.FakeComfyUI) -> None:
    ref = media.png((10, 200, 10))
    with_ref = ShotRequest(**{**REQ.__dict__, "reference": ref})
    await client(fake, identity=comfy.IPADAPTER_IDENTITY).keyframe(with_ref, nothing)
    graph = fake.prompts[0]["graph"]
    classes = {n["class_type"] for n in graph.values()}
    assert {"IPAdapterModelLoader", "IPAdapterAdvanced", "CLIPVisionLoader"} <= classes
    assert graph["22"]["inputs"]["image"] == ["10", 0] and fake.uploads[graph["10"]["inputs"]["image"]] == ref
    assert graph["3"]["inputs"]["model"] == ["22", 0] and graph["3"]["inputs"]["denoise"] == 1.0
    await client(fake).keyframe(with_ref, nothing)  # not configured: the img2img continuity template
    img2img = fake.prompts[1]["graph"]
    assert "VAEEncode" in {n["class_type"] for n in img2img.values()} and img2img["3"]["inputs"]["denoise"] == 0.7


async def test_ipadapter_nodes_missing_fall_back_to_img2img_with_the_reason_logged(
    fake: fc.FakeComfyUI, caplog: pytest.LogCaptureFixture
) -> None:
    del fake.object_info["IPAdapterAdvanced"], fake.object_info["IPAdapterModelLoader"]
    c = client(fake, identity=comfy.IPADAPTER_IDENTITY)
    with caplog.at_level(logging.ERROR, logger="services.render.comfyui"):
        await c.start()
    assert not c.unavailable and not c.identity_usable
    assert "IPAdapterAdvanced" in caplog.text and "ComfyUI_IPAdapter_plus" in caplog.text
    await c.keyframe(ShotRequest(**{**REQ.__dict__, "reference": media.png((1, 2, 3))}), nothing)
    assert "VAEEncode" in {n["class_type"] for n in fake.prompts[0]["graph"].values()}


def test_identity_configuration() -> None:
    base = {"DRISHYA_COMFYUI_URL": "http://gpu-box:8188"}
    assert RenderConfig.from_env(base).comfyui_identity == "img2img"
    config = RenderConfig.from_env({**base, "DRISHYA_COMFYUI_IDENTITY": "ipadapter"})
    assert config.comfyui_ipadapter == comfy.IPADAPTER_IDENTITY
    chain = build_chain(config, StoryboardProvider.__new__(StoryboardProvider))
    link = chain.providers[0]
    assert isinstance(link, GenerativeProvider) and isinstance(link.clip, ComfyUI)
    assert link.clip.identity is not None and link.clip.clip_frames == 25 and link.clip.clip_fps == 6
    with pytest.raises(ConfigError):
        RenderConfig.from_env({**base, "DRISHYA_COMFYUI_IDENTITY": "faceswap"})
    old_name = RenderConfig.from_env({**base, "DRISHYA_COMFYUI_REF_WORKFLOW": str(comfy.TEXT_TO_IMAGE)})
    assert old_name.comfyui_img2img == comfy.TEXT_TO_IMAGE
    rate = RenderConfig.from_env({**base, "DRISHYA_COMFYUI_CLIP_FRAMES": "14", "DRISHYA_COMFYUI_CLIP_FPS": "7"})
    assert (rate.comfyui_clip_frames, rate.comfyui_clip_fps) == (14, 7)


# -- 6. the start-up check against /object_info -----------------------------------------------------


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        (lambda info: info.pop("SVD_img2vid_Conditioning"), "node class SVD_img2vid_Conditioning is missing"),
        (
            lambda info: info["ImageOnlyCheckpointLoader"]["input"]["required"].update(
                ckpt_name=[["svd.safetensors"], {}]
            ),
            "ckpt_name 'svd_xt.safetensors' is not on the server",
        ),
        (
            lambda info: info["KSampler"]["input"]["required"].update(noise_seed=["INT", {}]),
            "required input 'noise_seed' is not given",
        ),
    ],
)
async def test_a_server_that_cannot_run_the_templates_makes_the_provider_unavailable(
    fake: fc.FakeComfyUI, caplog: pytest.LogCaptureFixture, breakage: Callable[[dict[str, Any]], Any], named: str
) -> None:
    breakage(fake.object_info)
    c = client(fake)
    with caplog.at_level(logging.ERROR, logger="services.render.comfyui"):
        await c.start()  # never raises
    assert named in c.unavailable and named in caplog.text
    with pytest.raises(ProviderRejected) as err:
        await c.clip(REQ, media.png(fc.KEY_COLOUR), nothing)
    assert err.value.reason == "WORKFLOW_UNSUPPORTED" and named in err.value.message
    assert not fake.prompts and fake.object_info_requests == 1  # the failed check stands until recheck_s


async def test_the_chain_falls_back_at_once_and_a_fixed_server_is_used_after_the_recheck(
    fake: fc.FakeComfyUI,
) -> None:
    del fake.object_info["VideoLinearCFGGuidance"]
    c = client(fake)
    chain = ProviderChain([c], sleep=lambda s: asyncio.sleep(0))  # type: ignore[list-item]
    with pytest.raises(Unavailable) as err:
        await chain.run("comfyui", lambda p: p.clip(REQ, media.png(fc.KEY_COLOUR), nothing))  # type: ignore[attr-defined]
    assert "WORKFLOW_UNSUPPORTED" in err.value.metadata["fallbacks"] and "VideoLinearCFGGuidance" in str(err.value)
    assert not fake.prompts
    fake.object_info = fc.OBJECT_INFO
    c.recheck_s = 0.0
    clip = await c.clip(REQ, media.png(fc.KEY_COLOUR), nothing)
    assert isinstance(clip, RatedMedia) and not c.unavailable


async def test_an_unreachable_server_does_not_stop_start_up_and_is_checked_before_the_first_prompt(
    fake: fc.FakeComfyUI, caplog: pytest.LogCaptureFixture
) -> None:
    down = ComfyUI.from_paths("http://127.0.0.1:9", timeout_s=5.0)
    with caplog.at_level(logging.WARNING, logger="services.render.comfyui"):
        await down.start()
    assert "not reachable" in caplog.text and not down.unavailable
    with pytest.raises(ProviderError):  # transient: the chain retries, then falls back
        await down.keyframe(REQ, nothing)
    config = RenderConfig.from_env({"DRISHYA_COMFYUI_URL": fake.url})
    chain = build_chain(config, StoryboardProvider.__new__(StoryboardProvider))
    link = chain.providers[0]
    assert isinstance(link, GenerativeProvider) and isinstance(link.clip, ComfyUI)
    assert link.clip.startup is not None  # the check started with the chain
    await link.clip.startup
    assert fake.object_info_requests == 1 and not link.clip.unavailable
    await link.clip.keyframe(REQ, nothing)
    assert fake.object_info_requests == 1  # a passed check stands


def test_the_shipped_templates_pass_the_check_and_name_what_is_missing() -> None:
    for path in (comfy.TEXT_TO_IMAGE, comfy.IMG2IMG_CONTINUITY, comfy.IPADAPTER_IDENTITY, comfy.IMAGE_TO_VIDEO):
        assert comfy.check_workflow(path.name, comfy.load_workflow(path), fc.OBJECT_INFO) == []
    problems = comfy.check_workflow("identity", comfy.load_workflow(comfy.IPADAPTER_IDENTITY), {})
    assert any(
        "IPAdapterAdvanced is missing (install the custom node pack ComfyUI_IPAdapter_plus" in p for p in problems
    )
    info = {"CLIPVisionLoader": {"input": {"required": {"clip_name": ["COMBO", {"options": ["other.safetensors"]}]}}}}
    graph = {
        "20": {"class_type": "CLIPVisionLoader", "inputs": {"clip_name": "CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"}}
    }
    assert (
        "clip_name 'CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors' is not on the server"
        in comfy.check_workflow("identity", graph, info)[0]
    )


# -- 7. a long shot is chained segments, each from the last frame of the one before ------------------


def colour_of(png_bytes: bytes) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(png_bytes)) as image:
        rgb = np.asarray(image.convert("RGB"))
    h, w = rgb.shape[:2]
    return (int(rgb[h // 2, w // 2, 0]), int(rgb[h // 2, w // 2, 1]), int(rgb[h // 2, w // 2, 2]))


def longest_frozen_run(frames: list[np.ndarray[Any, Any]]) -> int:
    """The most consecutive output frames that show (nearly) the same colour at the centre."""
    longest = run = 1
    for a, b in itertools.pairwise(frames):
        run = run + 1 if media.close_to(pixel(a), pixel(b), tolerance=2) else 1
        longest = max(longest, run)
    return longest


async def test_a_long_shot_is_chained_segments_each_from_the_last_frame(fake: fc.FakeComfyUI) -> None:
    fake.clip_colours, fake.last_colour, fake.starts_on_input = RAINBOW[1:26], fc.LAST_COLOUR, True
    req = ShotRequest(**{**REQ.__dict__, "duration_s": 10.0})  # 2.4 clips of 25 frames at 6 fps
    notes: list[tuple[float, str]] = []

    async def progress(fraction: float, note: str) -> None:
        notes.append((fraction, note))

    clip = await client(fake).clip(req, media.png(fc.KEY_COLOUR), progress)
    assert len(fake.prompts) == 3
    inputs = [fake.uploads[p["graph"]["2"]["inputs"]["image"]] for p in fake.prompts]
    assert media.close_to(colour_of(inputs[0]), fc.KEY_COLOUR)
    assert all(media.close_to(colour_of(i), fc.LAST_COLOUR) for i in inputs[1:])  # the previous segment's last
    assert [p["graph"]["5"]["inputs"]["seed"] for p in fake.prompts] == [7, 8, 9]
    # 25 frames, then 24 + 24: each later segment's first frame repeats its seed and is dropped.
    assert isinstance(clip, RatedMedia) and clip.fps == 6.0 and len(clip.frames) == 25 + 24 + 24
    assert media.close_to(colour_of(clip.frames[0]), fc.KEY_COLOUR)
    assert media.close_to(colour_of(clip.frames[24]), fc.LAST_COLOUR)
    assert media.close_to(colour_of(clip.frames[25]), RAINBOW[2], tolerance=12)  # motion goes on
    frames = normalise(clip, req.frames, provider="comfyui")
    assert len(frames) == req.frames == 240
    assert media.close_to(pixel(frames[0]), fc.KEY_COLOUR) and media.close_to(pixel(frames[-1]), fc.LAST_COLOUR)
    assert longest_frozen_run(frames) <= 2  # 73 frames over 240: no held frame, no 0.4x crawl
    fractions = [f for f, _ in notes]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any(n.startswith("segment 1/3: step") for _, n in notes)
    assert any(n.startswith("segment 3/3: step") for _, n in notes)
    assert max(f for f, n in notes if n.startswith("segment 1/3")) <= 1 / 3


async def test_a_short_shot_is_one_prompt_as_before(fake: fc.FakeComfyUI) -> None:
    fake.last_colour = fc.LAST_COLOUR
    req = ShotRequest(**{**REQ.__dict__, "duration_s": 5.0})  # 1.2 clips: within the tolerance
    clip = await client(fake).clip(req, media.png(fc.KEY_COLOUR), nothing)
    assert len(fake.prompts) == 1 and len(fake.uploads) == 1
    assert isinstance(clip, RatedMedia) and clip.suffix == ".webp" and clip.data and not clip.frames
    assert comfy.segment_count(5.0, 25, 6) == 1 and comfy.segment_count(5.3, 25, 6) == 2
    assert comfy.segment_count(10.0, 25, 6) == 3 and comfy.segment_count(10.0, 14, 7) == 5


async def test_cancel_between_segments_queues_no_further_prompt(fake: fc.FakeComfyUI) -> None:
    req = ShotRequest(**{**REQ.__dict__, "duration_s": 10.0})

    async def progress(fraction: float, note: str) -> None:
        if note == "segment 1/3 done":
            task = asyncio.current_task()
            assert task is not None
            task.cancel()  # the job is cancelled as the first segment ends

    with pytest.raises(asyncio.CancelledError):
        await client(fake).clip(req, media.png(fc.KEY_COLOUR), progress)
    await asyncio.sleep(0.1)
    assert len(fake.prompts) == 1 and len(fake.uploads) == 1 and not fake.pending
    assert fake.history[fake.prompts[0]["prompt_id"]]["status"]["status_str"] == "success"
