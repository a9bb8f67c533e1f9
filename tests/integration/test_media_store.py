"""The media store: the local directory and S3 (moto's server) pass the same tests; start-up errors."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from pathlib import Path

import grpc
import httpx
import pytest

from services.mesh.errors import InvalidArgument
from services.mesh.infra import InfraUrls
from services.mesh.media_store import (
    LocalMediaStore,
    MediaNotFound,
    MediaStore,
    MediaStoreConfigError,
    MediaUnavailable,
    S3MediaStore,
    media_url,
    open_media_store,
)
from tests.conftest import S3Server


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, s3_server: S3Server) -> MediaStore:
    if request.param == "file":
        return open_media_store(Path(tempfile.mkdtemp(prefix="drishya-store-")).as_uri(), {})
    env = s3_server.env(s3_server.bucket(), "tenant/media")
    made = open_media_store(env["DRISHYA_MEDIA_URL"], env)
    made.check()
    return made


def test_put_fetch_read_size_list_delete(store: MediaStore, tmp_path: Path) -> None:
    src = tmp_path / "video.mp4"
    src.write_bytes(bytes(range(256)) * 40)  # 10240 bytes
    store.put_file("jobs/a/video.mp4", src, content_type="video/mp4")
    store.put_bytes("jobs/a/hls/master.m3u8", b"#EXTM3U\n")
    store.put_bytes("jobs/b/poster.jpg", b"jpg")

    assert store.size("jobs/a/video.mp4") == 10240
    assert store.exists("jobs/a/hls/master.m3u8")
    assert store.size("jobs/a/none.mp4") is None
    assert not store.exists("jobs/c/x")
    assert store.read_bytes("jobs/a/video.mp4", 256, 260) == bytes([0, 1, 2, 3])
    assert store.read_bytes("jobs/a/video.mp4", 10238) == bytes([254, 255])
    assert store.read_bytes("jobs/a/hls/master.m3u8") == b"#EXTM3U\n"
    reader = store.open_range("jobs/a/video.mp4", 1, 10240)
    try:
        chunks = [reader.read(4000) for _ in range(4)]
    finally:
        reader.close()
    assert [len(c) for c in chunks] == [4000, 4000, 2239, 0]
    assert b"".join(chunks) == src.read_bytes()[1:]

    fetched = store.get_file("jobs/a/video.mp4", tmp_path / "scratch" / "copy.mp4")
    assert fetched.read_bytes() == src.read_bytes()
    assert store.list_keys("jobs/a") == ["jobs/a/hls/master.m3u8", "jobs/a/video.mp4"]
    assert store.list_keys("jobs") == ["jobs/a/hls/master.m3u8", "jobs/a/video.mp4", "jobs/b/poster.jpg"]
    assert store.list_keys("jobs/zzz") == []

    store.put_bytes("jobs/a/hls/master.m3u8", b"#EXTM3U\n#v2\n")  # replaced whole
    assert store.read_bytes("jobs/a/hls/master.m3u8") == b"#EXTM3U\n#v2\n"
    assert store.delete_prefix("jobs/a") == 2
    assert store.list_keys("jobs") == ["jobs/b/poster.jpg"]
    store.delete("jobs/b/poster.jpg")
    store.delete("jobs/b/poster.jpg")  # absent: no error
    assert store.list_keys("jobs") == []


def test_missing_keys_and_bad_keys(store: MediaStore, tmp_path: Path) -> None:
    with pytest.raises(MediaNotFound) as missing:
        store.get_file("jobs/none/video.mp4", tmp_path / "x.mp4")
    assert missing.value.code == grpc.StatusCode.NOT_FOUND
    assert missing.value.reason == "MEDIA_NOT_FOUND"
    assert not (tmp_path / "x.mp4").exists()
    with pytest.raises(MediaNotFound):
        store.read_bytes("jobs/none/video.mp4")
    for bad in ("", "/etc/passwd", "jobs/../../etc/passwd", "jobs//x", "jobs/./x", "jobs\\x", "jobs/\x00"):
        with pytest.raises(InvalidArgument) as refused:
            store.put_bytes(bad, b"x")
        assert refused.value.reason in ("EMPTY_PATH", "PATH_OUTSIDE_MEDIA_ROOT")


def test_put_tree_writes_the_last_names_last(store: MediaStore, tmp_path: Path) -> None:
    tree = tmp_path / "out"
    (tree / "hls" / "720p").mkdir(parents=True)
    (tree / "hls" / "720p" / "seg_0.ts").write_bytes(b"s0")
    (tree / "hls" / "master.m3u8").write_bytes(b"m")
    (tree / "video.mp4").write_bytes(b"v")
    keys = store.put_tree(tree, "jobs/j1", last=["hls/master.m3u8"])
    assert keys[-1] == "jobs/j1/hls/master.m3u8"
    assert sorted(keys) == store.list_keys("jobs/j1")


def test_presigned_url_only_for_s3(store: MediaStore) -> None:
    store.put_bytes("jobs/p/poster.jpg", b"JPEG")
    url = store.presigned_url("jobs/p/poster.jpg", 60)
    if isinstance(store, LocalMediaStore):
        assert url is None
        assert store.local_path("jobs/p/poster.jpg") == store.root / "jobs/p/poster.jpg"
    else:
        assert url is not None
        assert httpx.get(url).content == b"JPEG"
        assert store.local_path("jobs/p/poster.jpg") is None


def test_local_store_keeps_paths_inside_its_root(tmp_path: Path) -> None:
    root = tmp_path / "media"
    (root / "jobs").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("no")
    (root / "jobs" / "link").symlink_to(tmp_path / "secret.txt")
    local = LocalMediaStore(root)
    with pytest.raises(InvalidArgument) as outside:
        local.read_bytes("jobs/link")
    assert outside.value.reason == "PATH_OUTSIDE_MEDIA_ROOT"
    assert local.key_of(str(root / "jobs" / "a.mp4"), field="path") == "jobs/a.mp4"
    with pytest.raises(InvalidArgument):
        local.key_of(str(tmp_path / "secret.txt"), field="path")


def test_the_url_chooses_the_store(tmp_path: Path) -> None:
    assert media_url({}, tmp_path) == tmp_path.resolve().as_uri()
    assert media_url({"DRISHYA_MEDIA_URL": "s3://b/p"}, tmp_path) == "s3://b/p"
    assert isinstance(open_media_store(tmp_path.as_uri(), {}), LocalMediaStore)
    s3 = open_media_store("s3://bucket/a/b/", {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"})
    assert isinstance(s3, S3MediaStore)
    assert (s3.bucket, s3.prefix) == ("bucket", "a/b")
    for bad in ("http://x/y", "s3:///nobucket", "file://host/x", "media"):
        with pytest.raises(MediaStoreConfigError) as refused:
            open_media_store(bad, {})
        assert "DRISHYA_MEDIA_URL" in str(refused.value)


def test_start_up_check_names_a_missing_bucket(s3_server: S3Server) -> None:
    env = s3_server.env("no-such-bucket-here", "p")
    with pytest.raises(MediaStoreConfigError) as refused:
        open_media_store(env["DRISHYA_MEDIA_URL"], env).check()
    assert "no-such-bucket-here" in str(refused.value)
    assert "does not exist" in str(refused.value)
    assert "DRISHYA_MEDIA_URL" in str(refused.value)


def _dead_endpoint() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # nothing listens once the socket closes


def test_start_up_check_names_an_unreachable_endpoint(s3_server: S3Server) -> None:
    endpoint = _dead_endpoint()
    env = {**s3_server.env("b", "p"), "AWS_ENDPOINT_URL": endpoint}
    started = time.monotonic()
    with pytest.raises(MediaStoreConfigError) as refused:
        open_media_store(env["DRISHYA_MEDIA_URL"], env).check()
    assert f"AWS_ENDPOINT_URL={endpoint}" in str(refused.value)
    assert "unreachable" in str(refused.value)
    assert time.monotonic() - started < 30


def test_an_outage_mid_job_is_unavailable(s3_server: S3Server, tmp_path: Path) -> None:
    env = {**s3_server.env(s3_server.bucket(), "p"), "AWS_ENDPOINT_URL": _dead_endpoint()}
    dead = open_media_store(env["DRISHYA_MEDIA_URL"], env)
    src = tmp_path / "f"
    src.write_bytes(b"x")
    for call in (
        lambda: dead.put_file("work/j/f", src),
        lambda: dead.get_file("work/j/f", tmp_path / "g"),
        lambda: dead.list_keys("work/j"),
        lambda: dead.size("work/j/f"),
    ):
        with pytest.raises(MediaUnavailable) as down:
            call()
        assert down.value.code == grpc.StatusCode.UNAVAILABLE
        assert down.value.reason == "MEDIA_STORE_UNAVAILABLE"


def _run_module(module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    return subprocess.run(
        [sys.executable, "-m", module],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_a_service_with_a_missing_bucket_exits_with_one_clear_line(s3_server: S3Server, infra: InfraUrls) -> None:
    env = {**s3_server.env("no-such-bucket-svc", "p"), "DATABASE_URL": infra.database_url, "DRISHYA_DELIVERY_PORT": "0"}
    done = _run_module("services.delivery", env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("drishya delivery: DRISHYA_MEDIA_URL=s3://no-such-bucket-svc/p")
    assert "does not exist" in last


def test_a_worker_with_an_unreachable_store_exits_with_one_clear_line(s3_server: S3Server, infra: InfraUrls) -> None:
    endpoint = _dead_endpoint()
    env = {
        **s3_server.env("b", "p"),
        "AWS_ENDPOINT_URL": endpoint,
        "DATABASE_URL": infra.database_url,
        "NATS_URL": infra.nats_url,
        "DRISHYA_RENDER_PROCESSES": "1",
    }
    done = _run_module("services.generation.worker_process", env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("drishya worker: DRISHYA_MEDIA_URL=s3://b/p")
    assert f"AWS_ENDPOINT_URL={endpoint} is unreachable" in last


def test_start_up_check_names_refused_credentials(tmp_path: Path) -> None:
    """moto's server checks signatures against its IAM users once ``INITIAL_NO_AUTH_ACTION_COUNT``
    is 0 (its own process: the setting is global to a moto backend)."""
    import os
    import sys

    endpoint = _dead_endpoint()
    port = endpoint.rsplit(":", 1)[1]
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", port],
        env={**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "0"},
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "moto.log").open("wb"),
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(endpoint, timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline and server.poll() is None, (tmp_path / "moto.log").read_text()
                time.sleep(0.1)
        env = {"AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "not-a-key", "AWS_SECRET_ACCESS_KEY": "wrong"}
        with pytest.raises(MediaStoreConfigError) as refused:
            open_media_store("s3://some-bucket/p", env).check()
    finally:
        server.terminate()
        server.wait(10)
    assert "access denied" in str(refused.value)
    assert "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in str(refused.value)
