"""Resolving media keys to files under the media root, safely.

A key is a relative, ``/``-separated path under ``jobs/`` (a job's files, ``jobs/<job_id>/video.mp4``)
or ``stories/`` (a story's playback playlists and chapters,
``stories/<story_id>/playback/<digest>/master.m3u8``, written by the story service). Anything
else — absolute paths, ``..`` segments, backslashes, NUL, or a symlink leading out of the root — is
treated as absent, so a caller can never read outside the published media.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

#: Content types of the media the delivery service publishes (HLS types from RFC 8216 §4).
CONTENT_TYPES: dict[str, str] = {
    ".mp4": "video/mp4",
    ".m4s": "video/iso.segment",
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
}

#: Top-level directories of the media root that published media lives in.
ALLOWED_PREFIXES = frozenset({"jobs", "stories"})


def content_type(path: Path) -> str:
    """The content type for a media file, by suffix; ``application/octet-stream`` when unknown."""
    return CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")


def content_type_of(key: str) -> str:
    """The content type for a media key, by suffix; ``application/octet-stream`` when unknown."""
    return CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), "application/octet-stream")


def acceptable_key(key: str) -> bool:
    """Whether ``key`` may name published media: relative, under an allowed prefix, no ``..`` or ``.``
    segment, empty segment, backslash or NUL."""
    if not key or "\\" in key or "\x00" in key or key.startswith("/"):
        return False
    parts = key.split("/")
    return len(parts) >= 2 and parts[0] in ALLOWED_PREFIXES and not any(p in ("", "..", ".") for p in parts)


def resolve_media(root: Path, key: str) -> Path | None:
    """The regular file ``root/key``, or None when the key is not acceptable or the file is absent."""
    if not acceptable_key(key):
        return None
    parts = PurePosixPath(key).parts
    base = root.resolve()
    path = (base / Path(*parts)).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        return None
    return path
