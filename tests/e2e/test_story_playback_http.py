"""End to end: a two-scene story rendered by the mesh and played over HTTP through the gateway.

The story's master playlist, its variant playlists and every segment they list are fetched through
the signed URLs ``GET /v1/stories/{id}/playback`` answers, and every segment decodes with FFmpeg
(PyAV). The chapters file is served; another key, no key and unsigned URLs reach nothing.
"""

from __future__ import annotations

import asyncio
import io
import time
from dataclasses import dataclass
from typing import Any

import av
import httpx
import pytest
import pytest_asyncio

from services.cli.local import LocalMesh
from services.gateway.keys import create_api_key
from services.mesh.db import create_engine

pytestmark = pytest.mark.e2e

SCENES = [
    {"text": "A girl walks in a green garden in the morning.", "language_code": "en"},
    {"text": "వర్షంలో ఆమె ఇంటికి తిరిగి వచ్చింది.", "language_code": "te"},
]
#: Seconds to wait for every scene's job to succeed.
RENDER_TIMEOUT_S = 900.0
FAILED = ("JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTER", "JOB_STATE_BLOCKED", "JOB_STATE_CANCELLED")


@dataclass
class Played:
    """A rendered story and its playback answer."""

    story_id: str
    job_ids: list[str]
    playback: dict[str, Any]


@pytest_asyncio.fixture(scope="module")
async def played(http: httpx.AsyncClient) -> Played:
    created = await http.post("/v1/stories", json={"title": "Meena comes home", "scenes": SCENES})
    assert created.status_code == 201, created.text
    story_id = created.json()["story_id"]
    early = await http.get(f"/v1/stories/{story_id}/playback")
    assert early.status_code == 409 and early.json()["reason"] == "STORY_NOT_RENDERED", early.text
    render = await http.post(f"/v1/stories/{story_id}:render")
    assert render.status_code == 200, render.text
    job_ids = [r["job_id"] for r in render.json()["renders"]]
    assert len(job_ids) == len(SCENES)
    pending = set(job_ids)
    ends = time.monotonic() + RENDER_TIMEOUT_S
    while pending:
        assert time.monotonic() < ends, f"jobs still unfinished: {pending}"
        await asyncio.sleep(1.0)
        for job_id in list(pending):
            job = (await http.get(f"/v1/jobs/{job_id}")).json()
            assert job["state"] not in FAILED, job
            if job["state"] == "JOB_STATE_SUCCEEDED":
                pending.discard(job_id)
    resp = await http.get(f"/v1/stories/{story_id}/playback")
    assert resp.status_code == 200, resp.text
    return Played(story_id, job_ids, resp.json())


@pytest_asyncio.fixture(scope="module")
async def stranger(mesh: LocalMesh) -> str:
    assert mesh.urls is not None
    engine = create_engine(mesh.urls.database_url, pool_size=1)
    try:
        _, secret = await create_api_key(engine, "story stranger")
    finally:
        await engine.dispose()
    return secret


def _uris(text: str) -> list[str]:
    """The URI lines of an HLS playlist, in order."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


async def test_story_master_variants_and_every_segment_decode_through_the_gateway(played: Played) -> None:
    master_url = httpx.URL(played.playback["hls_url"])
    assert master_url.path.startswith(f"/v1/media/stories/{played.story_id}/")
    async with httpx.AsyncClient(timeout=60.0) as c:  # no API key: the signed URLs are the grant
        master = await c.get(master_url)
        assert master.status_code == 200, master.text
        assert master.headers["content-type"] == "application/vnd.apple.mpegurl"
        assert master.text.startswith("#EXTM3U")
        variants = _uris(master.text)
        assert len(variants) == 2 and all("sig=" in u and "exp=" in u for u in variants)
        assert "RESOLUTION=1280x720" in master.text and "RESOLUTION=640x360" in master.text
        for variant in variants:
            variant_url = master_url.join(variant)
            playlist = await c.get(variant_url)
            assert playlist.status_code == 200, playlist.text
            assert playlist.text.count("#EXT-X-DISCONTINUITY") == len(SCENES) - 1
            assert playlist.text.rstrip().endswith("#EXT-X-ENDLIST")
            segments = _uris(playlist.text)
            assert segments and all("sig=" in s for s in segments)
            seen_jobs = set()
            frames = 0
            for seg in segments:
                seg_url = variant_url.join(seg)
                assert seg_url.path.startswith("/v1/media/jobs/"), seg_url
                seen_jobs.add(seg_url.path.split("/")[4])
                body = await c.get(seg_url)
                assert body.status_code == 200, (str(seg_url), body.text[:300])
                assert body.headers["content-type"] == "video/mp2t"
                with av.open(io.BytesIO(body.content), mode="r", format="mpegts") as ts:
                    decoded = sum(1 for _ in ts.decode(video=0))
                assert decoded > 0, seg
                frames += decoded
            assert seen_jobs == set(played.job_ids)  # every scene, through the one master grant
            length_s = int(played.playback["chapters"][-1]["end_ms"]) / 1000
            assert frames >= 0.9 * 24 * length_s, (frames, length_s)


async def test_chapters_are_served_one_cue_per_scene(played: Played) -> None:
    chapters = played.playback["chapters"]
    assert len(chapters) == len(SCENES) and int(chapters[0].get("start_ms", 0)) == 0
    async with httpx.AsyncClient() as c:
        vtt = await c.get(played.playback["chapters_url"])
    assert vtt.status_code == 200 and vtt.headers["content-type"].startswith("text/vtt")
    assert vtt.text.startswith("WEBVTT") and vtt.text.count(" --> ") == len(SCENES)


async def test_other_keys_no_key_and_unsigned_urls_reach_no_story_media(
    played: Played, stranger: str, mesh: LocalMesh
) -> None:
    path = f"/v1/stories/{played.story_id}/playback"
    async with httpx.AsyncClient(base_url=mesh.gateway_url, headers={"Authorization": f"Bearer {stranger}"}) as c:
        other = await c.get(path)
        assert other.status_code == 404 and other.json()["reason"] == "STORY_NOT_FOUND", other.text
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as c:
        anon = await c.get(path)
        assert anon.status_code == 401 and anon.json()["reason"] == "UNAUTHENTICATED"
        master_url = httpx.URL(played.playback["hls_url"])
        unsigned = await c.get(master_url.copy_with(query=None))
        assert unsigned.status_code == 403 and unsigned.json()["reason"] == "MEDIA_SIGNATURE_REQUIRED"
        variant = _uris((await c.get(master_url)).text)[0]
        segment = _uris((await c.get(master_url.join(variant))).text)[0]
        bare = master_url.join(variant).join(segment.split("?")[0])
        refused = await c.get(bare)
        assert refused.status_code == 403 and refused.json()["reason"] == "MEDIA_SIGNATURE_REQUIRED"
        # The segment's signature grants that segment only, not the job's video next to it.
        seg_url = master_url.join(variant).join(segment)
        job_dir = "/".join(seg_url.path.split("/")[:5])
        video = seg_url.copy_with(path=f"{job_dir}/video.mp4")
        forged = await c.get(video)
        assert forged.status_code == 403 and forged.json()["reason"] == "MEDIA_SIGNATURE_INVALID"
