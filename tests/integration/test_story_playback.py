"""A story's playback over real HLS renditions (made by the real delivery service): one master
playlist playing three scenes in order with discontinuities, three chapters, decoded end to end
with FFmpeg (PyAV); a reorder writes new playlists over the same segments.

The scenes' jobs are stood in for by a fake of the generation client that answers GetJob with
SUCCEEDED and the delivery's keys: rendering three scenes is the e2e tests' business.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import av
import pytest
import pytest_asyncio

from drishya.delivery.v1 import delivery_service_pb2 as dl_svc
from drishya.delivery.v1 import delivery_service_pb2_grpc as dl_grpc
from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.story.v1 import story_pb2 as pb
from services.delivery.config import DeliveryConfig
from services.delivery.server import create_server as delivery_server
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import FailedPrecondition
from services.story import analyze
from services.story.adapters.store import StoryStore
from tests.integration.test_delivery_server import _write_source

SCENES = 3


class FakeRenderer:
    """Answers GetJob as the generation service would for jobs that succeeded."""

    def __init__(self, masters: dict[str, str]) -> None:
        self.masters = masters

    async def get_job(self, owner_id: str, job_id: str) -> gen_pb2.Job:
        key = self.masters.get(job_id)
        state = gen_pb2.JOB_STATE_SUCCEEDED if key else gen_pb2.JOB_STATE_RUNNING
        return gen_pb2.Job(job_id=job_id, state=state, result=gen_pb2.JobResult(hls_master_key=key or ""))


@pytest_asyncio.fixture(scope="module")
async def published(media_root: Path, make_database: Callable[[str], str]) -> AsyncIterator[dict[str, str]]:
    """Three published 2-second scenes: job id → HLS master key."""
    db = make_database("storyplay")
    server = await delivery_server(DeliveryConfig(port=0, media_root=media_root), database_url=db)
    out: dict[str, str] = {}
    try:
        async with channel(f"127.0.0.1:{server.port}") as ch:
            stub = dl_grpc.DeliveryServiceStub(ch)
            for _ in range(SCENES):
                job_id = str(uuid.uuid4())
                src = _write_source(media_root / "work" / f"story-{job_id[:8]}" / "video.mp4", seconds=2)
                resp = await stub.Publish(dl_svc.PublishRequest(job_id=job_id, source_path=str(src)), timeout=300)
                out[job_id] = resp.delivery.hls_master_key
    finally:
        await server.stop(0.5)
    yield out


@pytest_asyncio.fixture(scope="module")
async def store(make_database: Callable[[str], str]) -> AsyncIterator[StoryStore]:
    engine = create_engine(make_database("storyplaydb"))
    s = StoryStore(engine)
    await s.migrate()
    yield s
    await engine.dispose()


def _decode(master: Path) -> int:
    """Video frames decoded from the first variant, read through the master playlist.

    Each scene's timestamps start again at zero after its discontinuity, so frames are counted
    rather than timed.
    """
    with av.open(str(master)) as container:
        return sum(1 for _ in container.decode(video=0))


async def test_story_hls_decodes_end_to_end_with_three_chapters(
    published: dict[str, str], store: StoryStore, media_root: Path
) -> None:
    owner = "key-play"
    jobs = list(published)
    change = await store.create(
        owner, "three", "te", [pb.Scene(text=f"Scene number {i}.", language_code="en") for i in range(3)]
    )
    scenes = change.story.scenes
    fake = FakeRenderer({})
    with pytest.raises(FailedPrecondition) as err:
        await analyze.playback(store, fake, media_root, change.story.story_id, owner)  # type: ignore[arg-type]
    assert err.value.reason == "STORY_NOT_RENDERED" and err.value.metadata["pending"] == "3"

    await store.save_renders(
        owner_id=owner,
        story_id=change.story.story_id,
        renders=[(s.scene_id, j, "k") for s, j in zip(scenes, jobs, strict=True)],
    )
    fake.masters = published
    out_key, chapters = await analyze.playback(store, fake, media_root, change.story.story_id, owner)  # type: ignore[arg-type]
    assert [c.scene_id for c in chapters] == [s.scene_id for s in scenes]
    assert chapters[0].start_ms == 0
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(chapters))
    assert all(1900 <= c.end_ms - c.start_ms <= 2100 for c in chapters)
    vtt = (media_root / out_key / "chapters.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n") and vtt.count(" --> ") == 3
    media = (media_root / out_key / "v0.m3u8").read_text(encoding="ascii")
    assert media.count("#EXT-X-DISCONTINUITY") == 2 and media.rstrip().endswith("#EXT-X-ENDLIST")
    frames = _decode(media_root / out_key / "master.m3u8")
    assert 3 * 2 * 24 - 3 <= frames <= 3 * 2 * 24  # every scene's frames, through the discontinuities

    # Reorder: new playlists, same segments, nothing re-encoded.
    segments = sorted(p.stat().st_mtime_ns for p in media_root.glob("jobs/*/hls/*/seg_*.ts"))
    story = await store.get(change.story.story_id, owner)
    order = [s.scene_id for s in story.scenes]
    await store.reorder(story.story_id, owner, story.version, [order[2], order[0], order[1]])
    new_key, new_chapters = await analyze.playback(store, fake, media_root, story.story_id, owner)  # type: ignore[arg-type]
    assert new_key != out_key
    assert [c.scene_id for c in new_chapters] == [order[2], order[0], order[1]]
    assert sorted(p.stat().st_mtime_ns for p in media_root.glob("jobs/*/hls/*/seg_*.ts")) == segments
    first_segment = next(
        line for line in (media_root / new_key / "v0.m3u8").read_text().splitlines() if line.endswith(".ts")
    )
    assert published[jobs[2]].split("/")[1] in first_segment
    frames2 = _decode(media_root / new_key / "master.m3u8")
    assert frames2 == frames
