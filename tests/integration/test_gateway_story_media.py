"""What a signed story playlist grants: its own files and its scenes' HLS segments, nothing else.

Story playlists (written by the story service under ``stories/<story_id>/playback/<digest>/``) list
the scenes' segments as ``../../../../jobs/<job_id>/hls/<rung>/seg_NNN.ts``; the gateway serves
them from the media root and signs each such URI when it serves the playlist. A job's playlist
still grants only that job's files. The HTTP path is tested end to end in
tests/e2e/test_story_playback_http.py.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from services.gateway import media, signing

SECRET = secrets.token_bytes(32)
EXP = 2_000_000_000
STORY = "stories/6c1f7f0e-0d5e-4a8e-9d7c-2f1e0b9a1c11/playback/0123456789abcdef"
JOB = "jobs/9b0c3a9e-5b7e-4a55-8d0e-1f0a6e2b7c33"


def _signed_keys(playlist_key: str, text: str) -> dict[str, str]:
    """Each URI of the signed playlist → the media key its signature is valid for ('' if unsigned)."""
    out = {}
    for line in signing.sign_playlist(SECRET, playlist_key, text, EXP).splitlines():
        if not line or line.startswith("#"):
            continue
        parts = urlsplit(line)
        query = parse_qs(parts.query)
        if "sig" not in query:
            out[parts.path] = ""
            continue
        base = playlist_key.rsplit("/", 1)[0].split("/")
        for p in parts.path.split("/"):
            if p == "..":
                base.pop()
            else:
                base.append(p)
        key = "/".join(base)
        assert signing.verify(SECRET, key, query["exp"][0], query["sig"][0], now=0) is None
        out[parts.path] = key
    return out


def test_a_story_media_playlist_signs_its_scenes_segments() -> None:
    text = (
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
        f"#EXTINF:2.0,\n../../../../{JOB}/hls/720p/seg_000.ts\n"
        "#EXT-X-DISCONTINUITY\n"
        f"#EXTINF:2.0,\n../../../../{JOB}/hls/720p/seg_001.ts\n#EXT-X-ENDLIST\n"
    )
    keys = _signed_keys(f"{STORY}/v0.m3u8", text)
    assert sorted(keys.values()) == [f"{JOB}/hls/720p/seg_000.ts", f"{JOB}/hls/720p/seg_001.ts"]


def test_a_story_master_signs_its_own_variants() -> None:
    keys = _signed_keys(f"{STORY}/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv0.m3u8\n")
    assert keys == {"v0.m3u8": f"{STORY}/v0.m3u8"}


@pytest.mark.parametrize(
    "uri",
    [
        f"../../../../{JOB}/video.mp4",  # a job's other files
        f"../../../../{JOB}/hls/master.m3u8",  # a job's playlists
        f"../../../../{JOB}/poster.jpg",
        "../../../../jobs/x.ts",  # not inside a job
        "../../../../../etc/passwd.ts",  # above the root
        "../../../../stories/other-story/playback/d/v0.m3u8",  # another story
        "../../../../other/a/hls/b.ts",
        "https://elsewhere.example/seg.ts",
        "/v1/media/jobs/a/hls/720p/seg_000.ts",
    ],
)
def test_a_story_playlist_grants_nothing_else(uri: str) -> None:
    keys = _signed_keys(f"{STORY}/v0.m3u8", f"#EXTM3U\n#EXTINF:2.0,\n{uri}\n")
    assert list(keys.values()) == [""], keys


def test_a_job_playlist_still_grants_only_its_job() -> None:
    other = "../../../0d7b2b1a-0c55-4f6e-9e3d-5a2b1c0d9e88/hls/720p/seg_000.ts"
    text = f"#EXTM3U\n#EXTINF:2.0,\nseg_000.ts\n#EXTINF:2.0,\n{other}\n"
    keys = _signed_keys(f"{JOB}/hls/720p/index.m3u8", text)
    assert keys == {"seg_000.ts": f"{JOB}/hls/720p/seg_000.ts", other: ""}


def test_story_keys_resolve_under_the_media_root(tmp_path: Path) -> None:
    (tmp_path / STORY).mkdir(parents=True)
    (tmp_path / STORY / "master.m3u8").write_text("#EXTM3U\n")
    assert media.resolve_media(tmp_path, f"{STORY}/master.m3u8") == (tmp_path / STORY / "master.m3u8").resolve()
    assert media.resolve_media(tmp_path, f"{STORY}/absent.m3u8") is None
    assert media.resolve_media(tmp_path, "stories/../jobs/x") is None
    assert media.resolve_media(tmp_path, "elsewhere/x.m3u8") is None
    assert media.content_type(Path("chapters.vtt")) == "text/vtt"
