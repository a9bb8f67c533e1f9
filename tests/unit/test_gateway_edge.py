"""The edge's pure rules: signed media URLs and playlists, JSON bounds, text characters,
rate-limit headers, the SSE fan-out log, page tokens."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.gateway import signing
from services.gateway.app import _json_depth
from services.gateway.hub import Hub
from services.gateway.ratelimit import Decision
from services.generation import jobs
from services.generation.adapters.store import _parse_page_token
from services.mesh.errors import InvalidArgument

SECRET = b"s" * 32
EXP = 2_000_000_000


def test_signatures_cover_key_and_expiry() -> None:
    sig = signing.sign(SECRET, "jobs/a/video.mp4", EXP)
    assert signing.verify(SECRET, "jobs/a/video.mp4", str(EXP), sig, now=EXP - 1) is None
    assert signing.verify(SECRET, "jobs/b/video.mp4", str(EXP), sig, now=EXP - 1) == "MEDIA_SIGNATURE_INVALID"
    assert signing.verify(SECRET, "jobs/a/video.mp4", str(EXP + 1), sig, now=EXP - 1) == "MEDIA_SIGNATURE_INVALID"
    assert signing.verify(b"t" * 32, "jobs/a/video.mp4", str(EXP), sig, now=EXP - 1) == "MEDIA_SIGNATURE_INVALID"
    assert signing.verify(SECRET, "jobs/a/video.mp4", str(EXP), sig, now=EXP) == "MEDIA_URL_EXPIRED"
    assert signing.verify(SECRET, "jobs/a/video.mp4", None, sig) == "MEDIA_SIGNATURE_REQUIRED"
    assert signing.verify(SECRET, "jobs/a/video.mp4", str(EXP), None) == "MEDIA_SIGNATURE_REQUIRED"
    assert signing.verify(SECRET, "jobs/a/video.mp4", "-5", sig) == "MEDIA_SIGNATURE_INVALID"


def test_playlists_are_signed_line_by_line() -> None:
    master = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n720p/index.m3u8\n#EXT-X-MAP:URI="init.mp4"\nhttps://cdn.example/x.ts\n'
    out = signing.sign_playlist(SECRET, "jobs/a/hls/master.m3u8", master, EXP)
    lines = out.splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#EXT-X-STREAM-INF")
    assert lines[2] == f"720p/index.m3u8?exp={EXP}&sig={signing.sign(SECRET, 'jobs/a/hls/720p/index.m3u8', EXP)}"
    assert f'URI="init.mp4?exp={EXP}&sig={signing.sign(SECRET, "jobs/a/hls/init.mp4", EXP)}"' in lines[3]
    assert lines[4] == "https://cdn.example/x.ts", "absolute URIs are left alone"
    escaping = signing.sign_playlist(SECRET, "jobs/a/master.m3u8", "#EXTM3U\n../../etc/passwd\n", EXP)
    assert escaping.splitlines()[1] == "../../etc/passwd", "a URI leaving the media root is not signed"


def test_secret_file_is_made_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "d" / "media-signing.key"
    first = signing.load_or_create_secret(path)
    assert len(first) == 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert signing.load_or_create_secret(path) == first
    path.write_text("abcd")
    with pytest.raises(ValueError):
        signing.load_or_create_secret(path)


def test_json_depth_ignores_brackets_in_strings() -> None:
    assert _json_depth('{"a": [1, {"b": "[[[[{{{{"}]}') == 3
    assert _json_depth("[" * 40 + "]" * 40) == 40
    assert _json_depth('"\\"[[["') == 0


@pytest.mark.parametrize("bad", ["a\x00b scene text", "rain\x1b[31m falls", "rain falls\x7f here", "x\x85 rain falls"])
def test_control_characters_are_refused(bad: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        jobs.validate_create(bad, "", gen_pb2.JobOptions())
    assert info.value.reason == "TEXT_HAS_CONTROL_CHARACTERS"
    assert info.value.metadata["offset"] == str(jobs.control_characters(bad)[0])


def test_tabs_newlines_and_joiners_are_text() -> None:
    text = "వర్షం\tపడుతోంది\r\nక్ష్\u200d ఒక అమ్మాయి"
    assert jobs.control_characters(text) == []
    assert jobs.validate_create(text, "", gen_pb2.JobOptions()) == text.strip()


def test_rate_limit_headers_follow_draft_06() -> None:
    ok = Decision(True, 10, 7, 5.2, 20.0)
    assert ok.headers() == {
        "RateLimit-Limit": "10",
        "RateLimit-Remaining": "7",
        "RateLimit-Reset": "6",
        "RateLimit-Policy": "10;w=20",
    }
    refused = Decision(False, 10, 0, 1.5, 20.0).headers()
    assert refused["Retry-After"] == "2" and refused["RateLimit-Remaining"] == "0"
    assert Decision(True, 10, 10, 0, 20.0, enforced=False).headers() == {}


@pytest.mark.parametrize(
    "token",
    [
        "bm90IGpzb24",  # "not json"
        "WzEsMl0=",  # [1,2]
        "eyJ0IjogMSwgImoiOiAyfQ==",  # {"t": 1, "j": 2}
        "eyJ0IjogIjIwMjUtMDEtMDFUMDA6MDA6MDArMDA6MDAiLCAiaiI6IDV9",  # "j": 5
        "eyJ0IjogIjIwMjUtMDEtMDEiLCAiaiI6ICIwMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDAifQ==",  # naive time
        "%%%",
    ],
)
def test_bad_page_tokens_raise_value_error(token: str) -> None:
    with pytest.raises(ValueError):
        _parse_page_token(token)


class _Stream:
    """An upstream WatchJob call stand-in: yields queued responses until closed."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.cancelled = False

    def __aiter__(self) -> _Stream:
        return self

    async def __anext__(self) -> Any:
        item = await self.queue.get()
        if item is None:
            raise StopAsyncIteration
        return item

    def cancel(self) -> None:
        self.cancelled = True


def _resp(seq: int) -> Any:
    class R:
        event = gen_pb2.JobEvent(job_id="j", sequence=seq)

    return R()


async def test_hub_shares_one_upstream_and_a_stalled_watcher_blocks_nobody() -> None:
    hub, opened = Hub(), []

    def open_call() -> _Stream:
        opened.append(_Stream())
        return opened[-1]

    fmt = lambda ev: f"id: {ev.sequence}\n\n"  # noqa: E731
    feeds = [hub.attach("o", "j", open_call, fmt) for _ in range(50)]
    assert len({id(f) for f in feeds}) == 1 and feeds[0].watchers == 50
    await asyncio.sleep(0)
    assert len(opened) == 1
    stalled: Any = feeds[0].follow(0, 5.0)  # never read: must not hold anyone back
    readers = [asyncio.create_task(_collect(f.follow(0, 5.0))) for f in feeds[1:]]
    for seq in (1, 2, 3):
        await opened[0].queue.put(_resp(seq))
    await opened[0].queue.put(_resp(2))  # a repeat is dropped
    await opened[0].queue.put(None)
    results = await asyncio.gather(*readers)
    assert all(r == ["id: 1\n\n", "id: 2\n\n", "id: 3\n\n"] for r in results)
    assert [x async for x in feeds[0].follow(2, 5.0)] == ["id: 3\n\n"], "replay after a sequence"
    await stalled.aclose()
    for f in feeds:
        await hub.detach("o", "j", f)
    assert len(hub) == 0


async def _collect(it: Any) -> list[Any]:
    return [x async for x in it]


def test_key_cache_expires_and_keeps_no_secret() -> None:
    from services.gateway.keys import KeyCache, Principal

    cache = KeyCache(ttl_s=60, size=2)
    cache.put("dk_a_secret", Principal("a"))
    assert cache.get("dk_a_secret") == Principal("a") and cache.get("other") is None
    assert all("dk_a_secret" not in k for k in cache._entries), "only hashes are kept"
    cache.put("s2", Principal("b"))
    cache.put("s3", Principal("c"))
    assert cache.get("dk_a_secret") is None, "least recently used dropped beyond size"
    off = KeyCache(ttl_s=0)
    off.put("s", Principal("k"))
    assert off.get("s") is None


async def test_hub_lookup_is_single_flight() -> None:
    hub, calls = Hub(), []

    async def get() -> str:
        calls.append(1)
        await asyncio.sleep(0.01)
        return "job"

    results = await asyncio.gather(*(hub.lookup("o", "j", get) for _ in range(100)))
    assert results == ["job"] * 100 and len(calls) == 1
    assert await hub.lookup("o", "j", get) == "job" and len(calls) == 2, "nothing is cached after the call"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_web_page_script_parses(tmp_path: Path) -> None:
    """The page's script lives in a Python string: escapes must survive into valid JavaScript."""
    from services.gateway.page import PAGE

    script = PAGE.split("<script>", 1)[1].split("</script>", 1)[0]
    path = tmp_path / "page.js"
    path.write_text(script, encoding="utf-8")
    checked = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    assert 'split("\\n")' in script and "access_token" not in script
