"""Playback of a whole story: one HLS master playlist over the scenes' existing renditions, and chapters.

Nothing is re-encoded: for each rendition (by resolution) that every scene has, a media playlist
lists the scenes' own segments in story order, with ``#EXT-X-DISCONTINUITY`` before each scene
after the first (RFC 8216 §4.3.2.3: the encoding parameters and timestamps may change there), and
the master playlist lists those media playlists. A reorder only writes new playlists. The chapters
are a WebVTT file (W3C WebVTT, "chapters" kind) with one cue per scene, timed by the sums of the
scenes' segment durations.
"""

from __future__ import annotations

import math
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.delivery import hls


@dataclass(frozen=True)
class ScenePlaylists:
    """One rendered scene: its master playlist's key, its text, and the playlists' contents.

    Attributes:
        master_key: key of the scene's master playlist, e.g. ``jobs/<id>/hls/master.m3u8``.
        master: the master playlist's text.
        media: each variant's media playlist text, by the URI the master gives it.
        title: the chapter title.
    """

    master_key: str
    master: str
    media: Mapping[str, str]
    title: str


@dataclass(frozen=True)
class StoryPlayback:
    """The files of a story's playback, by name relative to their directory, and the chapter times (s)."""

    files: dict[str, str]
    chapters: list[tuple[float, float, str]]


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def chapter_title(text: str, limit: int = 60) -> str:
    """A chapter title from a scene's text: its first ``limit`` characters cut at the last word
    boundary, with "…" when cut (whitespace collapsed). Chapters are numbered by their cues, so the
    title carries no number."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    cut = words[: limit + 1].rsplit(" ", 1)[0] if " " in words[: limit + 1] else words[:limit]
    return cut.rstrip(" ,;:-–—") + "…"


def chapters_vtt(chapters: Sequence[tuple[float, float, str]]) -> str:
    """A WebVTT chapters file: one numbered cue per ``(start_s, end_s, title)``."""
    cues = [f"{i}\n{_vtt_time(a)} --> {_vtt_time(b)}\n{t}" for i, (a, b, t) in enumerate(chapters, start=1)]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def build(scenes: Sequence[ScenePlaylists], out_dir_key: str) -> StoryPlayback:
    """The story's ``master.m3u8``, ``v<n>.m3u8`` media playlists and ``chapters.vtt``.

    ``out_dir_key`` is the key of the directory the files will be written to; segment URIs are made
    relative to it. Renditions are matched by RESOLUTION; those missing from any scene are left out.

    Raises:
        ValueError: no scene, or no rendition common to all scenes, or a playlist does not parse.
    """
    if not scenes:
        raise ValueError("a story without scenes has no playback")
    variants = [{v["RESOLUTION"]: v for v in hls.parse_master_playlist(s.master)} for s in scenes]
    common = [r for r in variants[0] if all(r in v for v in variants[1:])]
    if not common:
        raise ValueError("the scenes share no rendition")
    files: dict[str, str] = {}
    chapters: list[tuple[float, float, str]] = []
    out_variants: list[hls.Variant] = []
    for n, resolution in enumerate(common):
        lines: list[str] = []
        t = 0.0
        longest = 0.0
        for i, (scene, by_res) in enumerate(zip(scenes, variants, strict=True)):
            uri = by_res[resolution]["URI"]
            segments = hls.parse_media_playlist(scene.media[uri])
            base = posixpath.dirname(posixpath.join(posixpath.dirname(scene.master_key), uri))
            if i:
                lines.append("#EXT-X-DISCONTINUITY")
            start = t
            for seg in segments:
                lines += [
                    f"#EXTINF:{seg.duration_s:.6f},",
                    posixpath.relpath(posixpath.join(base, seg.uri), out_dir_key),
                ]
                t += seg.duration_s
                longest = max(longest, seg.duration_s)
            if n == 0:
                chapters.append((start, t, scene.title))
        head = [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{math.ceil(longest)}",
            "#EXT-X-MEDIA-SEQUENCE:0",
            "#EXT-X-PLAYLIST-TYPE:VOD",
        ]
        files[f"v{n}.m3u8"] = "\n".join([*head, *lines, "#EXT-X-ENDLIST"]) + "\n"
        first = variants[0][resolution]
        width, height = (int(x) for x in resolution.split("x"))
        out_variants.append(
            hls.Variant(
                uri=f"v{n}.m3u8",
                bandwidth_bps=max(int(v[resolution]["BANDWIDTH"]) for v in variants),
                average_bandwidth_bps=max(int(v[resolution].get("AVERAGE-BANDWIDTH", "0")) for v in variants),
                width=width,
                height=height,
                frame_rate=float(first.get("FRAME-RATE", "24")),
                codecs=tuple(first.get("CODECS", "").split(",")),
            )
        )
    files["master.m3u8"] = hls.master_playlist(out_variants)
    files["chapters.vtt"] = chapters_vtt(chapters)
    return StoryPlayback(files, chapters)
