"""Playlist files on the shared media volume: read a scene's, write a story's (atomically)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from services.mesh.storage import resolve_media_path


def read_text(media_root: Path, key: str) -> str:
    """The UTF-8 text of ``key``; raises InvalidArgument for a key outside the root, OSError when unreadable."""
    return resolve_media_path(key, media_root, field="key").read_text(encoding="utf-8")


def write_text(media_root: Path, key: str, text: str) -> None:
    """Write ``text`` to ``key`` through a temporary file and a rename, so readers never see half a file."""
    path = resolve_media_path(key, media_root, field="key")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
