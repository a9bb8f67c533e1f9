"""End to end: a Telugu scene over HTTP, its SSE progress, the decoded MP4 and every HLS segment."""

from __future__ import annotations

import asyncio
import io
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import av
import numpy as np
import pytest
import pytest_asyncio
import sqlalchemy as sa
from google.protobuf import json_format

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.prompt.v1 import prompt_pb2
from services.cli.local import LocalMesh
from services.generation import jobs
from services.mesh.db import create_engine
from services.render import storyboard
from services.render.storyboard.draw import ShotPainter
from services.render.storyboard.timeline import spans
from tests.e2e.conftest import Run, submit_and_follow

pytestmark = pytest.mark.e2e

SCENE = Path(__file__).resolve().parents[2].joinpath("samples", "telugu_rain_dance.txt").read_text().strip()


@pytest_asyncio.fixture(scope="module")
async def run(http, mesh: LocalMesh) -> AsyncIterator[Run]:  # type: ignore[no-untyped-def]
    yield await submit_and_follow(http, SCENE, key=f"e2e-{uuid.uuid4()}")


@pytest_asyncio.fixture(scope="module")
async def shot_list(run: Run, infra) -> prompt_pb2.ShotList:  # type: ignore[no-untyped-def]
    engine = create_engine(infra.database_url, pool_size=1)
    async with engine.connect() as conn:
        payload = (
            await conn.execute(
                sa.text("SELECT payload FROM generation.stage_outputs WHERE job_id = :id AND stage = :s"),
                {"id": uuid.UUID(run.job_id), "s": gen_pb2.STAGE_BUILD_PROMPT},
            )
        ).scalar_one()
    await engine.dispose()
    return prompt_pb2.ShotList.FromString(bytes(payload))


async def test_job_succeeds_with_ordered_stages_and_increasing_sequences(run: Run) -> None:
    assert run.created.status_code == 201
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    assert run.events[-1]["state"] == "JOB_STATE_SUCCEEDED"
    assert all(b > a for a, b in zip(run.sse_ids, run.sse_ids[1:], strict=False))
    assert run.sse_ids == [int(e["sequence"]) for e in run.events]
    assert run.sse_ids[0] == 1
    started = [e["stage"] for e in run.events if e["type"] == "JOB_EVENT_TYPE_STAGE_STARTED"]
    completed = [e["stage"] for e in run.events if e["type"] == "JOB_EVENT_TYPE_STAGE_COMPLETED"]
    expected = [gen_pb2.Stage.Name(s) for s in jobs.STAGES]
    assert started == expected
    assert completed == expected
    shots = [e for e in run.events if e["type"] == "JOB_EVENT_TYPE_SHOT_RENDERED"]
    assert len(shots) == run.job["shot_count"] >= 3
    progress = [float(e.get("progress", 0.0)) for e in run.events]
    assert progress == sorted(progress)
    assert run.job["language_code"] == "te"


async def test_mp4_decodes_as_h264_720p_with_aac_and_planned_length(run: Run, http, shot_list) -> None:  # type: ignore[no-untyped-def]
    result = run.job["result"]
    media = await http.get(result["mp4_url"])
    assert media.status_code == 200
    assert media.headers["content-type"] == "video/mp4"
    planned_s = shot_list.total_duration_ms / 1000
    assert run.job["planned_duration_ms"] == shot_list.total_duration_ms
    assert sum(s.duration_ms for s in shot_list.shots) == shot_list.total_duration_ms
    with av.open(io.BytesIO(media.content)) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0]
        assert video.codec_context.name == "h264"
        assert (video.codec_context.width, video.codec_context.height) == (1280, 720)
        assert audio.codec_context.name == "aac"
        frames = sum(1 for _ in container.decode(video=0))
    duration_s = frames / 24
    assert abs(duration_s - planned_s) <= 0.10 * planned_s, (duration_s, planned_s)


async def test_subtitles_are_burnt_in_over_the_background(run: Run, http, shot_list, mesh: LocalMesh) -> None:  # type: ignore[no-untyped-def]
    path = mesh.media_root / run.job["result"]["mp4_key"]
    top, bottom = storyboard.SUBTITLE_BAND
    checked = 0
    with av.open(str(path)) as container:
        frames = {i: f.to_ndarray(format="rgb24") for i, f in enumerate(container.decode(video=0))}
    for i, shot in enumerate(shot_list.shots):
        if not shot.subtitle.strip():
            continue
        t_s = shot.duration_ms / 2000  # mid-shot: no crossfade
        frame_index = round((shot.start_ms / 1000 + t_s) * 24)
        decoded = frames[frame_index].astype(np.int16)
        bare = np.asarray(storyboard.draw_frame(shot_list, i, t_s, subtitles=False), dtype=np.int16)
        band_diff = np.abs(decoded[top:bottom] - bare[top:bottom]).mean()
        rest_diff = np.abs(decoded[:top] - bare[:top]).mean()
        assert band_diff > 8.0, (i, band_diff)
        assert rest_diff < band_diff / 2, (i, rest_diff, band_diff)
        checked += 1
    assert checked >= 3


async def test_every_hls_rendition_segment_decodes(run: Run, http) -> None:  # type: ignore[no-untyped-def]
    master_url = run.job["result"]["hls_master_url"]
    master = (await http.get(master_url)).text
    assert master.startswith("#EXTM3U")
    renditions = [line for line in master.splitlines() if line and not line.startswith("#")]
    assert len(renditions) == 2
    assert "RESOLUTION=1280x720" in master and "RESOLUTION=640x360" in master
    base = master_url.rsplit("/", 1)[0]
    for uri in renditions:
        playlist_url = f"{base}/{uri}"
        playlist = (await http.get(playlist_url)).text
        assert "#EXT-X-ENDLIST" in playlist
        segments = [line for line in playlist.splitlines() if line and not line.startswith("#")]
        assert segments
        for seg in segments:
            body = (await http.get(f"{playlist_url.rsplit('/', 1)[0]}/{seg}")).content
            with av.open(io.BytesIO(body), format="mpegts") as ts:
                assert sum(1 for _ in ts.decode(video=0)) > 0


async def test_resubmitting_with_the_same_key_returns_the_same_job(run: Run, http) -> None:  # type: ignore[no-untyped-def]
    key = f"same-{uuid.uuid4()}"
    first = await http.post("/v1/jobs", json={"text": SCENE}, headers={"Idempotency-Key": key})
    again = await http.post("/v1/jobs", json={"text": SCENE}, headers={"Idempotency-Key": key})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["job_id"] == first.json()["job_id"]
    cancelled = await http.post(f"/v1/jobs/{first.json()['job_id']}:cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["state"] == "JOB_STATE_CANCELLED"


async def test_job_event_json_round_trips_into_the_proto(run: Run) -> None:
    parsed = [json_format.ParseDict(e, gen_pb2.JobEvent(), ignore_unknown_fields=True) for e in run.events]
    assert {p.job_id for p in parsed} == {run.job_id}
    assert all(p.type != gen_pb2.JOB_EVENT_TYPE_UNSPECIFIED for p in parsed)
    # Events travel on the bus: the last one says how long the video is, never where it is.
    assert parsed[-1].result.duration_ms == int(run.job["result"]["duration_ms"])
    assert not (parsed[-1].result.mp4_key or parsed[-1].result.hls_master_key or parsed[-1].result.poster_key)
    assert all(run.job_id not in json.dumps(e.get("result", {})) for e in run.events)


async def test_the_work_folder_is_removed_once_the_job_is_published(run: Run, mesh: LocalMesh) -> None:
    work = mesh.media_root / "work" / run.job_id
    for _ in range(200):  # the worker removes it right after recording SUCCEEDED
        if not work.exists():
            break
        await asyncio.sleep(0.05)
    assert not work.exists()
    assert any((mesh.media_root / "jobs" / run.job_id).iterdir())  # the published media stay


async def test_the_manifest_says_what_each_shot_shows_and_the_decoded_video_shows_it(  # type: ignore[no-untyped-def]
    run: Run, shot_list, mesh: LocalMesh
) -> None:
    shots = run.job["shots"]
    assert len(shots) == len(shot_list.shots)
    path = mesh.media_root / run.job["result"]["mp4_key"]
    with av.open(str(path)) as container:
        frames = {i: f.to_ndarray(format="rgb24") for i, f in enumerate(container.decode(video=0))}
    drawn: set[str] = set()
    things = 0
    for i, (outcome, shot) in enumerate(zip(shots, shot_list.shots, strict=True)):
        elements = outcome["elements"]
        assert any(e["drawing"].startswith("setting:") for e in elements), outcome
        for e in elements:
            drawn.add(e["concept_id"])
            assert e["start_ms"] == shot.start_ms and e["end_ms"] == shot.start_ms + shot.duration_ms
            if not e["drawing"].startswith(("icon:", "figure:")):
                continue
            things += 1
            box = e["box"]
            x, y, w, h = box.get("x", 0), box.get("y", 0), box["width"], box["height"]
            assert w > 0 and h > 0 and x + w <= 1280 and y + h <= 720
            # the thing is there: the decoded middle frame differs from the background alone in its box
            t_s = (spans(shot_list)[i].frames / 2) / 24
            decoded = frames[round(shot.start_ms / 1000 * 24 + t_s * 24)].astype(np.float32)
            painter = ShotPainter(shot_list, i, subtitles=False)
            painter.cast = []
            bare = np.asarray(painter.frame(t_s), np.float32)
            diff = np.abs(decoded[y : y + h, x : x + w] - bare[y : y + h, x : x + w]).mean()
            assert diff > 6.0, (i, e["concept_id"], diff)
    assert things >= len(shots) - 1  # the first shot is the evening rain over the temple, no one in it
    # the sample: a girl dances in the rain before a temple in the evening
    assert {"girl", "temple", "rain", "evening"} <= drawn, drawn
    assert all(u["reason"] for u in run.job.get("undrawn_concepts", []))
