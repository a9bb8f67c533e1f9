"""Playlist files in the media store: read a scene's, write a story's (readers see old or new, whole)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from services.mesh.media_store import LocalMediaStore, MediaStore

#: Content types of the files written here (HLS playlists, RFC 8216; WebVTT chapters).
_CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".vtt": "text/vtt"}


def _store(media: Path | MediaStore) -> MediaStore:
    return media if isinstance(media, MediaStore) else LocalMediaStore(media)


def read_text(media: Path | MediaStore, key: str) -> str:
    """The UTF-8 text of ``key`` in ``media`` (a store, or a local media root); blocking.

    Raises:
        InvalidArgument: a key outside the root.
        MediaNotFound: no such key.
        MediaUnavailable: the object store did not answer.
    """
    return _store(media).read_bytes(key).decode("utf-8")


def write_text(media: Path | MediaStore, key: str, text: str) -> None:
    """Write ``text`` to ``key`` (a local file through a temporary file and a rename; an object in one
    PUT), so readers never see half a file; blocking. Raises as :func:`read_text`."""
    kind = _CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), "text/plain; charset=utf-8")
    _store(media).put_bytes(key, text.encode("utf-8"), content_type=kind)
