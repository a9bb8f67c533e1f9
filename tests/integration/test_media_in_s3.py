"""Delivery and story playback with media in S3 (moto's server): the real delivery service fetches
its source from the bucket, packages HLS and uploads it (the master playlist last); publishing again
leaves no file of the earlier publication; the story service writes its playlists into the bucket,
and FFmpeg plays the story's master playlist from a copy of the bucket's keys."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import av
import grpc
import pytest
import pytest_asyncio

from drishya.delivery.v1 import delivery_service_pb2 as dl_svc
from drishya.delivery.v1 import delivery_service_pb2_grpc as dl_grpc
from drishya.story.v1 import story_pb2 as pb
from services.delivery.config import DeliveryConfig
from services.delivery.server import create_server as delivery_server
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import details_of
from services.mesh.media_store import MediaSettings, MediaStore
from services.story import analyze
from services.story.adapters.store import StoryStore
from tests.conftest import S3Server
from tests.integration.test_delivery_server import _write_source
from tests.integration.test_story_playback import FakeRenderer


@pytest.fixture(scope="module")
def settings(s3_server: S3Server) -> MediaSettings:
    env = s3_server.env(s3_server.bucket("delivery"), "media")
    return MediaSettings.from_env(env, Path("/nonexistent"))


@pytest.fixture(scope="module")
def store(settings: MediaSettings) -> MediaStore:
    return settings.open()


@pytest_asyncio.fixture(scope="module")
async def delivery(
    settings: MediaSettings, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[dl_grpc.DeliveryServiceStub]:
    local = tmp_path_factory.mktemp("unused-media-root")
    config = DeliveryConfig(port=0, media_root=local, media=settings)
    server = await delivery_server(config, database_url=make_database("dls3"))
    try:
        async with channel(f"127.0.0.1:{server.port}") as ch:
            yield dl_grpc.DeliveryServiceStub(ch)  # type: ignore[no-untyped-call]
    finally:
        await server.stop(0.5)
    assert not any(local.iterdir())  # nothing was written on the local disk


async def _publish(
    delivery: dl_grpc.DeliveryServiceStub, store: MediaStore, tmp: Path, job_id: str, seconds: int
) -> dl_svc.PublishResponse:
    src = _write_source(tmp / f"{job_id}-{seconds}.mp4", seconds=seconds)
    store.put_file(f"work/{job_id}/video.mp4", src)
    request = dl_svc.PublishRequest(job_id=job_id, source_path=f"work/{job_id}/video.mp4")
    response: dl_svc.PublishResponse = await delivery.Publish(request, timeout=300)
    return response


async def test_publish_fetches_packages_and_uploads_then_replaces_whole(
    delivery: dl_grpc.DeliveryServiceStub, store: MediaStore, tmp_path: Path
) -> None:
    job_id = str(uuid.uuid4())
    first = (await _publish(delivery, store, tmp_path, job_id, seconds=6)).delivery
    keys = store.list_keys(f"jobs/{job_id}")
    assert {first.mp4_key, first.hls_master_key, first.poster_key} <= set(keys)
    assert first.mp4_size_bytes == store.size(first.mp4_key)
    segments = [k for k in keys if k.endswith(".ts")]
    assert len(segments) == 2 * 3  # two renditions of three 2 s segments
    second = (await _publish(delivery, store, tmp_path, job_id, seconds=2)).delivery
    after = store.list_keys(f"jobs/{job_id}")
    assert len([k for k in after if k.endswith(".ts")]) == 2  # the earlier publication's extra segments are gone
    assert second.duration_ms < first.duration_ms
    master = store.read_bytes(second.hls_master_key).decode()
    for line in (line for line in master.splitlines() if line and not line.startswith("#")):
        assert store.exists(f"jobs/{job_id}/hls/{line}")


async def test_a_missing_source_and_a_path_outside_are_refused(delivery: dl_grpc.DeliveryServiceStub) -> None:
    job_id = str(uuid.uuid4())
    with pytest.raises(grpc.aio.AioRpcError) as missing:
        await delivery.Publish(dl_svc.PublishRequest(job_id=job_id, source_path=f"work/{job_id}/none.mp4"), timeout=30)
    assert missing.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert details_of(missing.value).reason == "SOURCE_MISSING"
    with pytest.raises(grpc.aio.AioRpcError) as outside:
        await delivery.Publish(dl_svc.PublishRequest(job_id=job_id, source_path="/etc/passwd"), timeout=30)
    assert outside.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert details_of(outside.value).reason == "PATH_OUTSIDE_MEDIA_ROOT"


async def test_story_playback_is_written_to_the_bucket_and_plays_from_it(
    delivery: dl_grpc.DeliveryServiceStub,
    store: MediaStore,
    make_database: Callable[[str], str],
    tmp_path: Path,
) -> None:
    published = {}
    for _ in range(2):
        job_id = str(uuid.uuid4())
        published[job_id] = (await _publish(delivery, store, tmp_path, job_id, seconds=2)).delivery.hls_master_key
    engine = create_engine(make_database("storys3"))
    stories = StoryStore(engine)
    try:
        await stories.migrate()
        owner = "key-s3"
        change = await stories.create(
            owner, "two", "en", [pb.Scene(text=f"Scene {i}.", language_code="en") for i in (1, 2)]
        )
        renders = [(s.scene_id, j, "k") for s, j in zip(change.story.scenes, published, strict=True)]
        await stories.save_renders(owner_id=owner, story_id=change.story.story_id, renders=renders)
        out_key, chapters = await analyze.playback(
            stories,
            FakeRenderer(published),  # type: ignore[arg-type]
            store,
            change.story.story_id,
            owner,
        )
    finally:
        await engine.dispose()
    assert len(chapters) == 2
    assert store.read_bytes(f"{out_key}/chapters.vtt").startswith(b"WEBVTT\n")
    assert store.read_bytes(f"{out_key}/v0.m3u8").count(b"#EXT-X-DISCONTINUITY") == 1
    copy = tmp_path / "copy"  # the bucket's layout on disk: the playlists' relative URIs must resolve in it
    for key in [*store.list_keys(out_key), *(k for j in published for k in store.list_keys(f"jobs/{j}"))]:
        store.get_file(key, copy / key)
    with av.open(str(copy / out_key / "master.m3u8"), mode="r") as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert 2 * 2 * 24 - 2 <= frames <= 2 * 2 * 24
