"""DeliveryService over a real gRPC channel with a real PostgreSQL: HLS ladder, poster, thumbnails, errors."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Callable
from fractions import Fraction
from pathlib import Path

import av
import grpc
import numpy as np
import pytest
import pytest_asyncio
import sqlalchemy as sa
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image

from drishya.delivery.v1 import delivery_service_pb2 as svc_pb2
from drishya.delivery.v1 import delivery_service_pb2_grpc as svc_grpc
from services.delivery import hls
from services.delivery.config import DeliveryConfig
from services.delivery.publishing import sweep_stale
from services.delivery.server import SERVICE_NAME, create_server
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import details_of
from services.mesh.server import MeshServer

FPS = 24
SECONDS = 4
W, H = 1280, 720


def _write_source(path: Path, seconds: int = SECONDS) -> Path:
    """A ``seconds`` long 1280x720 24 fps H.264 + AAC (440 Hz tone) MP4 with a moving gradient."""
    path.parent.mkdir(parents=True, exist_ok=True)
    x = np.arange(W, dtype=np.int64)[None, :]
    y = np.arange(H, dtype=np.int64)[:, None]
    with av.open(str(path), "w") as out:
        video = out.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = W, H, "yuv420p"
        video.options = {"preset": "ultrafast"}
        audio = out.add_stream("aac", rate=48000)
        audio.layout = "stereo"
        for i in range(seconds * FPS):
            img = np.empty((H, W, 3), np.uint8)
            img[..., 0] = ((x + 8 * i) % 256).astype(np.uint8)
            img[..., 1] = (y * 255 // H).astype(np.uint8)
            img[..., 2] = i * 255 // (seconds * FPS)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            for packet in video.encode(frame):
                out.mux(packet)
        for start in range(0, seconds * 48000, 1024):
            t = np.arange(start, start + 1024) / 48000
            tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            frame = av.AudioFrame.from_ndarray(np.stack([tone, tone]), format="fltp", layout="stereo")
            frame.sample_rate, frame.pts = 48000, start
            for packet in audio.encode(frame):
                out.mux(packet)
        for stream in (video, audio):
            for packet in stream.encode(None):
                out.mux(packet)
    return path


@pytest.fixture(scope="module")
def database_url(make_database: Callable[[str], str]) -> str:
    return make_database("delivery")


@pytest.fixture(scope="module")
def source(media_root: Path) -> Path:
    return _write_source(media_root / "work" / f"delivery-{uuid.uuid4().hex[:8]}" / "video.mp4")


@pytest_asyncio.fixture(scope="module")
async def server(media_root: Path, database_url: str) -> AsyncIterator[MeshServer]:
    s = await create_server(DeliveryConfig(port=0, media_root=media_root), database_url=database_url)
    yield s
    await s.stop(0.5)


@pytest_asyncio.fixture(scope="module")
async def stub(server: MeshServer) -> AsyncIterator[svc_grpc.DeliveryServiceStub]:
    ch = channel(f"127.0.0.1:{server.port}")
    yield svc_grpc.DeliveryServiceStub(ch)
    await ch.close()


@pytest_asyncio.fixture(scope="module")
async def published(stub: svc_grpc.DeliveryServiceStub, source: Path) -> tuple[str, svc_pb2.PublishResponse]:
    job_id = str(uuid.uuid4())
    resp = await stub.Publish(svc_pb2.PublishRequest(job_id=job_id, source_path=str(source)), timeout=120)
    return job_id, resp


async def _health(port: int) -> int:
    async with channel(f"127.0.0.1:{port}") as ch:
        resp = await health_pb2_grpc.HealthStub(ch).Check(
            health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=2
        )
        return int(resp.status)


async def test_health_reports_serving(server: MeshServer) -> None:
    for _ in range(100):
        if await _health(server.port) == health_pb2.HealthCheckResponse.SERVING:
            break
        await asyncio.sleep(0.05)
    assert await _health(server.port) == health_pb2.HealthCheckResponse.SERVING


async def test_publish_writes_mp4_ladder_poster_and_thumbnails(
    published: tuple[str, svc_pb2.PublishResponse], media_root: Path, source: Path
) -> None:
    job_id, resp = published
    d = resp.delivery
    prefix = f"jobs/{job_id}"
    assert d.job_id == job_id
    assert d.mp4_key == f"{prefix}/video.mp4"
    assert d.hls_master_key == f"{prefix}/hls/master.m3u8"
    assert d.poster_key == f"{prefix}/poster.jpg"
    assert list(d.thumbnail_keys) == [f"{prefix}/thumbs/thumb_00.jpg", f"{prefix}/thumbs/thumb_01.jpg"]
    assert abs(d.duration_ms - SECONDS * 1000) <= 100
    assert d.mp4_size_bytes == source.stat().st_size
    assert (media_root / d.mp4_key).read_bytes() == source.read_bytes()
    assert d.publish_time.seconds > 0

    assert [(r.name, r.width, r.height) for r in d.renditions] == [("720p", 1280, 720), ("360p", 640, 360)]
    master = (media_root / d.hls_master_key).read_text()
    assert master.startswith("#EXTM3U\n#EXT-X-VERSION:3\n")
    variants = hls.parse_master_playlist(master)
    assert [(v["URI"], v["RESOLUTION"]) for v in variants] == [
        ("720p/index.m3u8", "1280x720"),
        ("360p/index.m3u8", "640x360"),
    ]
    for variant, rendition in zip(variants, d.renditions, strict=True):
        assert int(variant["BANDWIDTH"]) == rendition.bandwidth_bps
        assert 0 < int(variant["AVERAGE-BANDWIDTH"]) <= rendition.bandwidth_bps
        assert variant["CODECS"].startswith("avc1.64") and variant["CODECS"].endswith(",mp4a.40.2")
    assert variants[0]["CODECS"] != variants[1]["CODECS"]  # different H.264 levels for 720p and 360p
    assert d.renditions[0].bandwidth_bps > d.renditions[1].bandwidth_bps


async def test_every_segment_decodes_with_the_rendition_size(
    published: tuple[str, svc_pb2.PublishResponse], media_root: Path
) -> None:
    _, resp = published
    for rendition in resp.delivery.renditions:
        playlist = media_root / rendition.playlist_key
        assert rendition.playlist_key.endswith(f"/hls/{rendition.name}/index.m3u8")
        text = playlist.read_text()
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in text and "#EXT-X-ENDLIST" in text
        segments = hls.parse_media_playlist(text)
        assert len(segments) == rendition.segment_count == 2
        assert [s.uri for s in segments] == ["seg_000.ts", "seg_001.ts"]
        assert all(abs(s.duration_s - 2.0) < 0.05 for s in segments)
        frames = 0
        for segment in segments:
            with av.open(str(playlist.parent / segment.uri)) as ts:
                assert ts.streams.audio, segment.uri
                first = True
                for frame in ts.decode(ts.streams.video[0]):
                    assert (frame.width, frame.height) == (rendition.width, rendition.height)
                    if first:
                        assert frame.key_frame, "each segment starts on a keyframe"
                        first = False
                    frames += 1
            with av.open(str(playlist.parent / segment.uri)) as ts:
                samples = sum(f.samples for f in ts.decode(ts.streams.audio[0]))
                assert samples > 0.8 * 48000 * segment.duration_s
        assert abs(frames - SECONDS * FPS) <= 1, (rendition.name, frames)


async def test_poster_and_thumbnails_are_jpegs(
    published: tuple[str, svc_pb2.PublishResponse], media_root: Path
) -> None:
    _, resp = published
    with Image.open(media_root / resp.delivery.poster_key) as poster:
        assert (poster.format, poster.size, poster.mode) == ("JPEG", (W, H), "RGB")
        # the poster is the frame at ~1/3 of the duration: its blue channel encodes the frame index
        blue = np.asarray(poster)[..., 2].mean()
        assert abs(blue - 255 / 3) < 12
    for key in resp.delivery.thumbnail_keys:
        with Image.open(media_root / key) as thumb:
            assert (thumb.format, thumb.size) == ("JPEG", (320, 180))


async def test_get_delivery_returns_what_publish_returned(
    stub: svc_grpc.DeliveryServiceStub, published: tuple[str, svc_pb2.PublishResponse]
) -> None:
    job_id, resp = published
    got = await stub.GetDelivery(svc_pb2.GetDeliveryRequest(job_id=job_id), timeout=5)
    assert got.delivery == resp.delivery
    upper = await stub.GetDelivery(svc_pb2.GetDeliveryRequest(job_id=job_id.upper()), timeout=5)
    assert upper.delivery == resp.delivery


async def test_publishing_again_replaces_the_delivery(
    stub: svc_grpc.DeliveryServiceStub,
    published: tuple[str, svc_pb2.PublishResponse],
    source: Path,
    media_root: Path,
    database_url: str,
) -> None:
    job_id, first = published
    old_segment = media_root / first.delivery.renditions[0].playlist_key
    marker = old_segment.parent / "stale-marker"
    marker.write_text("from the previous delivery")
    again = await stub.Publish(svc_pb2.PublishRequest(job_id=job_id, source_path=str(source)), timeout=120)
    a, b = first.delivery, again.delivery
    assert (a.mp4_key, a.hls_master_key, a.poster_key, list(a.thumbnail_keys)) == (
        b.mp4_key,
        b.hls_master_key,
        b.poster_key,
        list(b.thumbnail_keys),
    )
    assert b.publish_time.ToNanoseconds() > a.publish_time.ToNanoseconds()
    assert not marker.exists(), "the job directory is replaced as a whole"
    got = await stub.GetDelivery(svc_pb2.GetDeliveryRequest(job_id=job_id), timeout=5)
    assert got.delivery == b
    leftovers = [p.name for p in (media_root / "jobs").iterdir() if p.name.startswith(".")]
    assert leftovers == []
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            count = (
                await conn.execute(
                    sa.text("SELECT count(*) FROM delivery.deliveries WHERE job_id = :j"), {"j": uuid.UUID(job_id)}
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    assert count == 1


async def test_event_loop_keeps_serving_while_packaging(
    stub: svc_grpc.DeliveryServiceStub, server: MeshServer, source: Path
) -> None:
    job_id = str(uuid.uuid4())
    publish = asyncio.ensure_future(
        stub.Publish(svc_pb2.PublishRequest(job_id=job_id, source_path=str(source)), timeout=120)
    )
    answered_during = 0
    while not publish.done():
        started = time.monotonic()
        assert await _health(server.port) == health_pb2.HealthCheckResponse.SERVING
        assert time.monotonic() - started < 1.0
        if not publish.done():
            answered_during += 1
        await asyncio.sleep(0.05)
    resp = await publish
    assert resp.delivery.job_id == job_id
    assert answered_during >= 2


async def _error(call: object) -> tuple[grpc.StatusCode, str, str, list[str]]:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call  # type: ignore[misc]
    d = details_of(err.value)
    return d.code, d.reason, d.domain, [v.field for v in d.violations]


async def test_publish_errors(
    stub: svc_grpc.DeliveryServiceStub, source: Path, media_root: Path, tmp_path: Path
) -> None:
    ok_job = str(uuid.uuid4())

    def publish(job_id: str, path: str) -> object:
        return stub.Publish(svc_pb2.PublishRequest(job_id=job_id, source_path=path), timeout=30)

    inv = grpc.StatusCode.INVALID_ARGUMENT
    assert await _error(publish("not-a-uuid", str(source))) == (inv, "INVALID_JOB_ID", "delivery.drishya", ["job_id"])
    outside = tmp_path / "outside.mp4"
    outside.write_bytes(source.read_bytes())
    for path in (str(outside), str(media_root / ".." / outside.name), "/etc/hostname"):
        assert await _error(publish(ok_job, path)) == (
            inv,
            "PATH_OUTSIDE_MEDIA_ROOT",
            "delivery.drishya",
            ["source_path"],
        )
    missing = str(media_root / "work" / "nope" / "video.mp4")
    code, reason, _, _ = await _error(publish(ok_job, missing))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "SOURCE_MISSING")
    garbage = media_root / "work" / f"garbage-{uuid.uuid4().hex[:6]}.mp4"
    garbage.write_text("not a video at all\n" * 50)
    code, reason, _, _ = await _error(publish(ok_job, str(garbage)))
    assert (code, reason) == (grpc.StatusCode.FAILED_PRECONDITION, "SOURCE_UNREADABLE")
    assert not (media_root / "jobs" / ok_job).exists()
    assert [p.name for p in (media_root / "jobs").iterdir() if p.name.startswith(f".{ok_job}")] == []
    code, reason, _, _ = await _error(stub.GetDelivery(svc_pb2.GetDeliveryRequest(job_id=ok_job), timeout=5))
    assert (code, reason) == (grpc.StatusCode.NOT_FOUND, "DELIVERY_NOT_FOUND")


async def test_get_delivery_errors(stub: svc_grpc.DeliveryServiceStub) -> None:
    code, reason, domain, _ = await _error(
        stub.GetDelivery(svc_pb2.GetDeliveryRequest(job_id=str(uuid.uuid4())), timeout=5)
    )
    assert (code, reason, domain) == (grpc.StatusCode.NOT_FOUND, "DELIVERY_NOT_FOUND", "delivery.drishya")
    assert await _error(stub.GetDelivery(svc_pb2.GetDeliveryRequest(job_id="42"), timeout=5)) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "INVALID_JOB_ID",
        "delivery.drishya",
        ["job_id"],
    )


def test_sweep_removes_only_old_leftover_directories(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs"
    old_tmp, old_swap, fresh, published = (
        jobs / f".{uuid.uuid4()}.abc.tmp",
        jobs / f".{uuid.uuid4()}.1234abcd.old",
        jobs / f".{uuid.uuid4()}.def.tmp",
        jobs / str(uuid.uuid4()),
    )
    for d in (old_tmp, old_swap, fresh, published):
        d.mkdir(parents=True)
        (d / "seg_000.ts").write_bytes(b"x")
    an_hour_ago = time.time() - 2 * 3600
    for d in (old_tmp, old_swap, published):
        os.utime(d, (an_hour_ago, an_hour_ago))
    assert sweep_stale(tmp_path) == 2
    assert sorted(p.name for p in jobs.iterdir()) == sorted([fresh.name, published.name])
