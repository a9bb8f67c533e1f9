"""End to end with media in object storage: the whole mesh over HTTP with DRISHYA_MEDIA_URL=s3://...

The mesh runs on its own database (its workers must not take the other end-to-end tests' jobs) and
stores every work file and published file in a bucket of moto's S3 server; nothing is published on
the local disk. The gateway streams media from the bucket (with Range) or redirects to presigned URLs.
"""

from __future__ import annotations

import asyncio
import io
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import av
import httpx
import pytest
import pytest_asyncio

from services.cli.local import LocalMesh
from services.mesh.infra import InfraUrls
from tests.conftest import S3Server
from tests.e2e.conftest import Run, client_of, submit_and_follow

pytestmark = pytest.mark.e2e

SCENE = Path(__file__).resolve().parents[2].joinpath("samples", "telugu_rain_dance.txt").read_text().strip()


async def hls_segments_decode(http: httpx.AsyncClient, master_url: str) -> int:
    """Fetch the master playlist, each rendition's playlist and every segment through the signed
    URIs; assert each segment decodes (PyAV, MPEG-TS) to at least one frame. Returns the segments."""
    master = (await http.get(master_url)).text
    assert master.startswith("#EXTM3U"), master
    renditions = [line for line in master.splitlines() if line and not line.startswith("#")]
    assert len(renditions) == 2
    base, count = master_url.rsplit("/", 1)[0], 0
    for uri in renditions:
        playlist_url = f"{base}/{uri}"
        playlist = (await http.get(playlist_url)).text
        assert "#EXT-X-ENDLIST" in playlist
        segments = [line for line in playlist.splitlines() if line and not line.startswith("#")]
        assert segments
        for seg in segments:
            got = await http.get(f"{playlist_url.rsplit('/', 1)[0]}/{seg}", follow_redirects=True)
            assert got.status_code == 200, got.text
            with av.open(io.BytesIO(got.content), mode="r", format="mpegts") as ts:
                assert sum(1 for _ in ts.decode(video=0)) > 0
            count += 1
    return count


def s3_mesh_env(infra: InfraUrls, database_url: str, s3: S3Server, bucket: str, **extra: str) -> dict[str, str]:
    """The environment of a mesh whose media is in ``bucket`` and whose jobs are in ``database_url``."""
    return {
        **os.environ,
        **s3.env(bucket, "drishya"),
        "DATABASE_URL": database_url,
        "REDIS_URL": infra.redis_url,
        "NATS_URL": infra.nats_url,
        "DRISHYA_API_KEY": "",
        "DRISHYA_RATE_LIMIT_BURST": "1000",
        "DRISHYA_RATE_LIMIT_PER_MINUTE": "100000",
        **extra,
    }


@pytest.fixture(scope="module")
def bucket(s3_server: S3Server) -> str:
    return s3_server.bucket("e2e")


@pytest_asyncio.fixture(scope="module")
async def s3_mesh(
    infra: InfraUrls,
    make_database: Callable[[str], str],
    s3_server: S3Server,
    bucket: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LocalMesh]:
    env = s3_mesh_env(infra, make_database("e2e_s3"), s3_server, bucket)
    mesh = LocalMesh(tmp_path_factory.mktemp("s3mesh"), ephemeral=True, env=env)
    await mesh.start()
    await mesh.wait_serving()
    yield mesh
    await mesh.stop()


@pytest_asyncio.fixture(scope="module")
async def s3_run(s3_mesh: LocalMesh) -> AsyncIterator[tuple[Run, httpx.AsyncClient]]:
    async with client_of(s3_mesh) as http:
        yield await submit_and_follow(http, SCENE, key=f"s3-{uuid.uuid4()}"), http


async def test_the_job_succeeds_with_every_file_in_the_bucket(
    s3_run: tuple[Run, httpx.AsyncClient], s3_mesh: LocalMesh, s3_server: S3Server, bucket: str
) -> None:
    run, _ = s3_run
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    listed = s3_server.client().list_objects_v2(Bucket=bucket, Prefix="drishya/")  # type: ignore[attr-defined]
    keys = {o["Key"] for o in listed.get("Contents", [])}
    prefix = f"drishya/jobs/{run.job_id}/"
    assert {f"{prefix}video.mp4", f"{prefix}poster.jpg", f"{prefix}hls/master.m3u8"} <= keys
    assert any(k.startswith(f"{prefix}hls/360p/") and k.endswith(".ts") for k in keys)
    # the worker removes the work files once the job's end is recorded, just after its last event
    work = f"drishya/work/{run.job_id}/"
    for _ in range(100):
        left = s3_server.client().list_objects_v2(Bucket=bucket, Prefix=work)  # type: ignore[attr-defined]
        if not left.get("Contents"):
            break
        await asyncio.sleep(0.1)
    assert not left.get("Contents"), [o["Key"] for o in left["Contents"]]
    assert not (s3_mesh.media_root / "jobs").exists()  # nothing published on the local disk
    shots = [e for e in run.events if e["type"] == "JOB_EVENT_TYPE_SHOT_RENDERED"]
    assert len(shots) == run.job["shot_count"] >= 3


async def test_the_mp4_streams_whole_and_by_range(s3_run: tuple[Run, httpx.AsyncClient]) -> None:
    run, http = s3_run
    url = run.job["result"]["mp4_url"]
    whole = await http.get(url)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "video/mp4"
    assert whole.headers["accept-ranges"] == "bytes"
    with av.open(io.BytesIO(whole.content), mode="r") as container:
        video = container.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 1280, 720)
        assert container.streams.audio[0].codec_context.name == "aac"
    size = len(whole.content)
    part = await http.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{size}"
    assert part.content == whole.content[100:1100]
    tail = await http.get(url, headers={"Range": "bytes=-10"})
    assert (tail.status_code, tail.content) == (206, whole.content[-10:])
    beyond = await http.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status_code == 416
    assert beyond.json()["reason"] == "RANGE_NOT_SATISFIABLE"
    head = await http.head(url)
    assert (head.status_code, head.headers["content-length"], head.content) == (200, str(size), b"")


async def test_every_hls_segment_decodes(s3_run: tuple[Run, httpx.AsyncClient]) -> None:
    run, http = s3_run
    assert await hls_segments_decode(http, run.job["result"]["hls_master_url"]) >= 4


async def test_unsigned_and_missing_media_are_refused(s3_run: tuple[Run, httpx.AsyncClient]) -> None:
    run, http = s3_run
    mp4_url = run.job["result"]["mp4_url"]
    unsigned = await http.get(mp4_url.split("?", 1)[0])
    assert unsigned.status_code == 403
    assert unsigned.json()["reason"] == "MEDIA_SIGNATURE_REQUIRED"
    poster = await http.get(run.job["result"]["poster_url"])
    assert (poster.status_code, poster.headers["content-type"], poster.content[:2]) == (200, "image/jpeg", b"\xff\xd8")


async def test_redirect_mode_sends_players_to_presigned_urls(
    s3_run: tuple[Run, httpx.AsyncClient],
    infra: InfraUrls,
    s3_mesh: LocalMesh,
    s3_server: S3Server,
    bucket: str,
) -> None:
    """A second gateway over the same database and bucket, with DRISHYA_MEDIA_SERVE=redirect."""
    from services.gateway.config import GatewayConfig
    from services.gateway.server import create_server as gateway_server
    from services.mesh.infra import free_port

    run, http = s3_run
    assert s3_mesh.urls is not None
    port = free_port()
    env = {
        **s3_mesh_env(infra, s3_mesh.urls.database_url, s3_server, bucket, DRISHYA_MEDIA_SERVE="redirect"),
        "DRISHYA_GATEWAY_PORT": str(port),
        "DRISHYA_GENERATION_ADDR": s3_mesh._env["DRISHYA_GENERATION_ADDR"],
        "DRISHYA_STORY_ADDR": s3_mesh._env["DRISHYA_STORY_ADDR"],
        "DRISHYA_DATA_DIR": str(s3_mesh.data_dir),
    }
    server = gateway_server(GatewayConfig.from_env(env), database_url=s3_mesh.urls.database_url, log_level="warning")
    import asyncio
    import contextlib

    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign, assignment]
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            assert not task.done()
            await asyncio.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, headers=dict(http.headers), timeout=30) as other:
            job = (await other.get(f"/v1/jobs/{run.job_id}")).json()
            mp4_url = job["result"]["mp4_url"]
            assert mp4_url.startswith(base)
            moved = await other.get(mp4_url)
            assert moved.status_code == 307
            location = moved.headers["location"]
            assert location.startswith(s3_server.endpoint) and "X-Amz-Signature=" in location
            direct = await other.get(location)
            assert direct.status_code == 200
            assert direct.content == (await http.get(run.job["result"]["mp4_url"])).content
            assert await hls_segments_decode(other, job["result"]["hls_master_url"]) >= 4  # playlists still signed here
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


async def test_a_store_outage_is_a_503_with_retry_after(
    s3_run: tuple[Run, httpx.AsyncClient], s3_server: S3Server
) -> None:
    run, http = s3_run
    s3_server.stop()
    try:
        down = await http.get(run.job["result"]["poster_url"])
    finally:
        s3_server.start()
    assert down.status_code == 503
    assert (down.json()["reason"], down.headers["retry-after"]) == ("MEDIA_STORE_UNAVAILABLE", "1")
    assert (await http.get(run.job["result"]["poster_url"])).status_code == 200
