"""Resolving paths on the shared media volume, refusing anything outside the media root."""

from __future__ import annotations

from pathlib import Path

from services.mesh.errors import FieldViolation, InvalidArgument


def resolve_media_path(raw: str, media_root: Path, *, field: str) -> Path:
    """Resolve ``raw`` (absolute, or relative to ``media_root``) to a path inside ``media_root``.

    Symbolic links and ``..`` are resolved before the check, so neither can escape the root.

    Raises:
        InvalidArgument: ``EMPTY_PATH`` when ``raw`` is blank; ``PATH_OUTSIDE_MEDIA_ROOT`` when the
            resolved path is not strictly inside ``media_root``.
    """
    if not raw.strip():
        raise InvalidArgument(
            f"{field} is required", reason="EMPTY_PATH", violations=[FieldViolation(field, "must not be empty")]
        )
    root = media_root.resolve()
    candidate = Path(raw)
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise InvalidArgument(
            f"{field} {raw!r} is outside the media root",
            reason="PATH_OUTSIDE_MEDIA_ROOT",
            metadata={"path": raw},
            violations=[FieldViolation(field, "must name a file inside the media root")],
        )
    return resolved
