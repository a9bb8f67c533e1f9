"""End to end over HTTP with generative providers: the whole mesh with ComfyUI and Gemini/Veo pointed at
local servers that follow those APIs' shapes (on their own job database, so no other worker claims
these jobs)."""

from __future__ import annotations

import asyncio
import io
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import av
import grpc
import httpx
import numpy as np
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from services.cli.local import LocalMesh
from services.mesh.infra import InfraUrls
from services.render.storyboard import FPS, SUBTITLE_BAND
from tests.e2e.conftest import TERMINAL, Run, client_of, follow, submit_and_follow
from tests.fakes import comfyui as fc
from tests.fakes import gemini as fg
from tests.fakes import media

pytestmark = pytest.mark.e2e

SCENE = Path(__file__).resolve().parents[2].joinpath("samples", "telugu_rain_dance.txt").read_text().strip()
GIRL_TWICE = "ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. అమ్మాయి వర్షంలో నవ్వుతోంది."
"""A girl dances in front of the temple. The girl laughs in the rain: one character in two shots."""


@pytest_asyncio.fixture(scope="module")
async def fakes() -> AsyncIterator[tuple[fc.FakeComfyUI, fg.FakeGemini]]:
    comfy, gem = fc.FakeComfyUI(), fg.FakeGemini()
    await comfy.start()
    await gem.start()
    yield comfy, gem
    await comfy.stop()
    await gem.stop()


@pytest_asyncio.fixture(scope="module")
async def providers_mesh(
    infra: InfraUrls,
    make_database: Callable[[str], str],
    tmp_path_factory: pytest.TempPathFactory,
    fakes: tuple[fc.FakeComfyUI, fg.FakeGemini],
) -> AsyncIterator[LocalMesh]:
    comfy, gem = fakes
    env = {
        **os.environ,
        "DATABASE_URL": make_database("providers"),
        "REDIS_URL": infra.redis_url,
        "NATS_URL": infra.nats_url,
        "DRISHYA_API_KEY": "",
        "DRISHYA_COMFYUI_URL": comfy.url,
        "DRISHYA_GEMINI_API_KEY": fg.API_KEY,
        "DRISHYA_GEMINI_BASE_URL": gem.url,
        "DRISHYA_PROVIDER_RETRIES": "1",
        "DRISHYA_PROVIDER_BACKOFF_S": "0.05",
        "DRISHYA_BREAKER_FAILURES": "1000",  # the tests here fail one provider on purpose, job after job
        "DRISHYA_LEASE_S": "3",  # a cancel reaches the running provider call within a heartbeat (1 s)
        # A two-sentence Gemini job is estimated at 3 x 0.01 + 6 s x 0.05 = 0.33 USD and spends about
        # 0.35: the budget takes two of them, the third is refused (test_budget_refusal_and_budget_fallback).
        "DRISHYA_PROVIDER_PRICES": '{"gemini": {"image_usd": 0.01, "video_second_usd": 0.05}}',
        "DRISHYA_MONTHLY_BUDGET_USD": "1.0",
        "DRISHYA_RATE_LIMIT_BURST": "1000",  # a dozen jobs in a minute from one key
    }
    mesh = LocalMesh(tmp_path_factory.mktemp("providers-mesh"), ephemeral=True, env=env)
    await mesh.start()
    try:
        await mesh.wait_serving()
        yield mesh
    finally:
        await mesh.stop()


@pytest_asyncio.fixture(scope="module")
async def client(providers_mesh: LocalMesh) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(providers_mesh) as http:
        yield http


def shot_events(run: Run) -> list[dict[str, Any]]:
    return [e for e in run.events if e["type"] == "JOB_EVENT_TYPE_SHOT_RENDERED"]


async def decoded(http: httpx.AsyncClient, run: Run) -> tuple[list[np.ndarray], np.ndarray]:
    """The MP4's RGB frames and its audio samples (mono mix)."""
    body = (await http.get(run.job["result"]["mp4_url"])).content
    with av.open(io.BytesIO(body)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    with av.open(io.BytesIO(body)) as container:
        audio = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
    return frames, audio


def shot_middles(run: Run) -> list[int]:
    """Frame index of the middle of each shot (the shots' lengths from the job's planned timeline)."""
    n = run.job["shot_count"]
    total = run.job["planned_duration_ms"]
    return [int((k + 0.5) * total / n * FPS / 1000) for k in range(n)]


async def test_telugu_scene_through_comfyui(
    client: httpx.AsyncClient, fakes: tuple[fc.FakeComfyUI, fg.FakeGemini]
) -> None:
    comfy, _ = fakes
    comfy.mode = "ok"
    run = await submit_and_follow(client, SCENE, provider="comfyui")
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    assert run.job["language_code"] == "te"
    shots = shot_events(run)
    assert len(shots) == run.job["shot_count"] >= 2
    assert all(e["provider"] == "comfyui" and e["fallback_reason"] == "" for e in shots)
    assert [s["provider"] for s in run.job["shots"]] == ["comfyui"] * len(shots)
    progress = [e for e in run.events if e["type"] == "JOB_EVENT_TYPE_SHOT_PROGRESS"]
    assert progress and all(0.0 <= float(e["shot_progress"]) <= 1.0 for e in progress)
    assert "shot_progress" in run.sse_types
    frames, audio = await decoded(client, run)
    # The shots' frames are the fake's clips (by colour, above the subtitle band) ...
    for k in shot_middles(run):
        assert media.close_to(frames[k][100, 640], fc.CLIP_COLOUR, 30), (k, frames[k][100, 640])
    # ... with the Telugu subtitles laid over them and the narration under them.
    band = np.stack([frames[k][SUBTITLE_BAND[0] : SUBTITLE_BAND[1]] for k in shot_middles(run)])
    assert (np.abs(band.astype(int) - np.array(fc.CLIP_COLOUR)).max(axis=3) > 80).mean() > 0.005
    assert float(np.sqrt(np.mean(audio.astype(np.float64) ** 2))) > 0.005
    assert len(comfy.uploads) >= len(shots)  # every clip started from an uploaded keyframe


async def test_failing_comfyui_falls_back_to_the_storyboard_per_shot(
    client: httpx.AsyncClient, fakes: tuple[fc.FakeComfyUI, fg.FakeGemini]
) -> None:
    comfy, gem = fakes
    comfy.mode, gem.mode = "execution_error", "http500"  # the chain here: comfyui, gemini, storyboard
    try:
        run = await submit_and_follow(client, SCENE, provider="comfyui")
    finally:
        comfy.mode, gem.mode = "ok", "ok"
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    shots = shot_events(run)
    assert shots and all(e["provider"] == "storyboard" for e in shots), [e["message"] for e in shots]
    assert all("comfyui: WORKFLOW_FAILED" in e["fallback_reason"] for e in shots)
    assert all("gemini: PROVIDER_FAILED: gemini generateContent: HTTP 500" in e["fallback_reason"] for e in shots)
    assert all("fallback: comfyui" in e["message"] for e in shots)
    assert all("CUDA out of memory" in s["fallback_reason"] for s in run.job["shots"])
    frames, _ = await decoded(client, run)
    assert not any(media.close_to(frames[k][100, 640], fc.CLIP_COLOUR, 30) for k in shot_middles(run))


async def test_gemini_and_veo(client: httpx.AsyncClient, fakes: tuple[fc.FakeComfyUI, fg.FakeGemini]) -> None:
    _, gem = fakes
    gem.mode = "ok"
    before = len(gem.image_requests)
    run = await submit_and_follow(client, GIRL_TWICE, provider="gemini")
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    assert all(e["provider"] == "gemini" and not e["fallback_reason"] for e in shot_events(run))
    frames, _ = await decoded(client, run)
    for k in shot_middles(run):
        assert media.close_to(frames[k][100, 640], fg.CLIP_COLOUR, 30), (k, frames[k][100, 640])
    # Continuity: the girl's first keyframe is sent as a reference image with her later shots.
    assert run.job["cost_usd"] > 0
    assert run.job["cost_usd"] == pytest.approx(sum(s["cost_usd"] for s in run.job["shots"]))
    requests = gem.image_requests[before:]
    with_reference = [r for r in requests if len(r["contents"][0]["parts"]) > 1]
    assert len(requests) == run.job["shot_count"] and with_reference, [r["contents"][0]["parts"][0] for r in requests]


async def test_safety_refusal_blocks_the_job_with_the_providers_reason(
    client: httpx.AsyncClient, fakes: tuple[fc.FakeComfyUI, fg.FakeGemini]
) -> None:
    _, gem = fakes
    gem.mode = "refuse_image"
    try:
        run = await submit_and_follow(client, SCENE, provider="gemini")
    finally:
        gem.mode = "ok"
    assert run.job["state"] == "JOB_STATE_BLOCKED", run.job
    reason = run.job["block_reasons"][0]
    assert reason["category"] == "REASON_CATEGORY_PROVIDER_SAFETY" and "SAFETY" in reason["message"]
    assert not shot_events(run)


async def test_cancel_mid_render_reaches_comfyui(
    client: httpx.AsyncClient, fakes: tuple[fc.FakeComfyUI, fg.FakeGemini]
) -> None:
    comfy, _ = fakes
    comfy.mode = "hang"
    stale = set(comfy.running)
    try:
        created = await client.post("/v1/jobs", json={"text": SCENE, "options": {"provider": "comfyui"}})
        job_id = created.json()["job_id"]
        for _ in range(1200):
            if set(comfy.running) - stale:
                break
            await asyncio.sleep(0.05)
        assert set(comfy.running) - stale, "the render never reached the fake"
        started = time.monotonic()
        cancelled = await client.post(f"/v1/jobs/{job_id}:cancel")
        running = set(comfy.running) - stale  # the shots' prompts hanging when the cancel came (one per slot)
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "JOB_STATE_CANCELLED"
        for _ in range(400):
            if running <= set(comfy.deletes):
                break
            await asyncio.sleep(0.025)
        reached_s = time.monotonic() - started
    finally:
        comfy.mode = "ok"
    assert running and all({"prompt_id": p} in comfy.interrupts and p in comfy.deletes for p in running)
    job = (await client.get(f"/v1/jobs/{job_id}")).json()
    assert job["state"] == "JOB_STATE_CANCELLED" and job["state"] in TERMINAL
    print(f"cancel reached ComfyUI {reached_s:.2f} s after the cancel request")


async def test_budget_refusal_and_budget_fallback(
    client: httpx.AsyncClient, fakes: tuple[fc.FakeComfyUI, fg.FakeGemini]
) -> None:
    _, gem = fakes
    gem.mode = "ok"
    body = {"text": GIRL_TWICE, "options": {"provider": "gemini", "budget_policy": "refuse"}}
    refused = None
    for _ in range(3):  # spend until the next job's estimate passes the budget
        resp = await client.post("/v1/jobs", json=body)
        if resp.status_code != 201:
            refused = resp
            break
        assert (await follow(client, resp)).job["state"] == "JOB_STATE_SUCCEEDED"
    assert refused is not None and refused.status_code == 402, refused and refused.text
    problem = refused.json()
    assert problem["reason"] == "BUDGET_EXCEEDED" and problem["metadata"]["budget_usd"] == "1.00"
    assert float(problem["metadata"]["spent_usd"]) + float(problem["metadata"]["estimate_usd"]) > 1.0
    assert "Retry-After" in refused.headers
    before = len(gem.video_requests)
    run = await submit_and_follow(client, GIRL_TWICE, provider="gemini", budget_policy="fallback")
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    assert run.job["options"]["over_budget"] is True and run.job["cost_usd"] == 0
    shots = shot_events(run)
    assert shots and all(e["provider"] == "storyboard" for e in shots)
    assert all(e["fallback_reason"].startswith("gemini: BUDGET_EXCEEDED") for e in shots)
    assert len(gem.video_requests) == before  # the provider was never called


async def test_each_provider_has_a_health_service(providers_mesh: LocalMesh) -> None:
    port = next(s.port for s in providers_mesh.servers if s.name == "generation")
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        for name in ("render.comfyui", "render.gemini", "render.storyboard"):
            for _ in range(100):  # the readiness loop publishes dependencies shortly after start
                try:
                    resp = await stub.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)
                    break
                except grpc.aio.AioRpcError as err:
                    assert err.code() == grpc.StatusCode.NOT_FOUND
                    await asyncio.sleep(0.1)
            assert resp.status == health_pb2.HealthCheckResponse.SERVING, name
