"""Signed media URLs: HMAC-SHA256 over the media key and an expiry, with a server secret.

A signed URL is ``/v1/media/<key>?exp=<unix seconds>&sig=<base64url HMAC-SHA256>`` where the HMAC
(RFC 2104, FIPS 198-1) covers ``"drishya-media-v1\\n" + key + "\\n" + exp``. The gateway hands such
URLs only to the owner of a job or story; anyone holding one may fetch that one file until ``exp``.

HLS: a playlist fetched with a valid signature is rewritten on the fly so that every URI in it
(segments, rendition playlists, ``URI="..."`` attributes such as ``EXT-X-MAP``) carries its own
signature with the same expiry, so a player given the signed master playlist can fetch the whole
ladder and nothing else (:func:`sign_playlist`). What a playlist may grant (:func:`grants`): a job's
playlists only files of that job (``jobs/<job_id>/``); a story's playlists the story's own files
(``stories/<story_id>/``) and the HLS segments of the scenes' jobs they list
(``jobs/<job_id>/hls/.../*.ts``, never a job's playlists, video or poster). The story service writes
a story's playlists only from jobs it has checked belong to the story's owner, and the gateway signs
a story's playlist only for that owner, so the grant reaches the owner's media alone.

A URL may carry a scope (``&scope=review``): the HMAC then covers ``"<scope>:" + key`` instead of the
key, so a scoped signature never verifies as an ordinary one or the other way round. The review
scope reaches quarantined media (a reviewer's preview, :mod:`services.gateway.governance`); the
gateway serves a job's media under an ordinary signature only while the job is released.

The secret comes from ``DRISHYA_MEDIA_SIGNING_SECRET`` or, when unset, from
``<data dir>/media-signing.key``, created with mode 0600 on first use (:func:`load_or_create_secret`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

_CONTEXT = b"drishya-media-v1\n"
#: Scope of a signed URL that reaches quarantined media (a reviewer's preview).
REVIEW_SCOPE = "review"
#: Default lifetime of a signed URL, in seconds (one hour).
DEFAULT_TTL_S = 3600
_URI_ATTR = re.compile(r'URI="([^"]*)"')


def sign(secret: bytes, key: str, exp: int, scope: str = "") -> str:
    """The signature of ``key`` valid until ``exp`` (Unix seconds) in ``scope`` ("" for ordinary
    URLs): unpadded base64url of 32 bytes."""
    if scope:
        key = f"{scope}:{key}"
    mac = hmac.new(secret, _CONTEXT + key.encode("utf-8") + b"\n" + str(exp).encode("ascii"), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode("ascii")


def verify(
    secret: bytes, key: str, exp: str | None, sig: str | None, now: float | None = None, scope: str = ""
) -> str | None:
    """Why a signature is refused (``MEDIA_SIGNATURE_REQUIRED``, ``MEDIA_URL_EXPIRED``,
    ``MEDIA_SIGNATURE_INVALID``), or None when ``sig`` signs ``key`` until ``exp`` and ``exp`` is
    in the future. Comparison is constant-time."""
    if not exp or not sig:
        return "MEDIA_SIGNATURE_REQUIRED"
    if not exp.isascii() or not exp.isdigit() or len(exp) > 12:
        return "MEDIA_SIGNATURE_INVALID"
    if not hmac.compare_digest(sign(secret, key, int(exp), scope), sig):
        return "MEDIA_SIGNATURE_INVALID"
    if int(exp) <= (time.time() if now is None else now):
        return "MEDIA_URL_EXPIRED"
    return None


def signed_path(secret: bytes, key: str, exp: int, prefix: str = "/v1/media/", scope: str = "") -> str:
    """``<prefix><percent-encoded key>?exp=<exp>&sig=<signature>``, then ``&scope=<scope>`` when scoped."""
    tail = f"&scope={scope}" if scope else ""
    return f"{prefix}{quote(key, safe='/')}?exp={exp}&sig={sign(secret, key, exp, scope)}{tail}"


#: Suffixes of the HLS media segments a story's playlists may grant in the scenes' jobs.
_SEGMENT_SUFFIXES = (".ts", ".m4s")


def grants(playlist_key: str, key: str) -> bool:
    """Whether the playlist at ``playlist_key`` may hand out a signature for ``key``.

    Both are normalised media keys (no ``.`` or ``..``). True when ``key`` lies in the playlist's
    own top directory (``jobs/<job_id>/`` or ``stories/<story_id>/``), or when the playlist is a
    story's and ``key`` is a media segment of a job's HLS ladder (``jobs/<job_id>/hls/...`` ending in
    ``.ts`` or ``.m4s``).
    """
    own = PurePosixPath(playlist_key).parts[:2]
    parts = PurePosixPath(key).parts
    if len(own) == 2 and len(parts) > 2 and parts[:2] == own:
        return True
    return (
        own[:1] == ("stories",)
        and len(parts) >= 4
        and parts[0] == "jobs"
        and parts[2] == "hls"
        and key.lower().endswith(_SEGMENT_SUFFIXES)
    )


def _sign_uri(secret: bytes, playlist_key: str, uri: str, exp: int) -> str:
    """``uri`` with ``exp``/``sig`` for the media key it names, when it is relative to the playlist
    and the playlist :func:`grants` that key; any other URI is left as it is (and so unsigned)."""
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc or uri.startswith("/") or not parts.path:
        return uri  # absolute URIs are not ours to sign
    base = PurePosixPath(playlist_key).parent
    segments: list[str] = []
    for p in (base / unquote(parts.path)).parts:
        if p == "..":
            if not segments:
                return uri
            segments.pop()
        elif p != ".":
            segments.append(p)
    key = "/".join(segments)
    if not grants(playlist_key, key):
        return uri
    return f"{parts.path}?exp={exp}&sig={sign(secret, key, exp)}"


def sign_playlist(secret: bytes, playlist_key: str, text: str, exp: int) -> str:
    """An HLS playlist (RFC 8216) with every relative URI signed until ``exp``.

    URI lines (lines not starting with ``#``) and ``URI="..."`` attributes of tags are rewritten;
    absolute URIs and comments are left as they are.
    """
    out: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            out.append(line)
        elif stripped.startswith("#"):
            out.append(_URI_ATTR.sub(lambda m: f'URI="{_sign_uri(secret, playlist_key, m.group(1), exp)}"', line))
        else:
            out.append(_sign_uri(secret, playlist_key, stripped, exp))
    return "\n".join(out) + "\n"


def load_or_create_secret(path: Path) -> bytes:
    """The secret stored at ``path`` (hex), creating it (32 random bytes, mode 0600) when absent.

    Raises:
        OSError: the file cannot be read or created.
        ValueError: the file does not hold at least 32 hex-encoded bytes.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raw = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(raw)
        if len(secret) < 32:
            raise ValueError(f"{path} holds {len(secret)} bytes; at least 32 are needed") from None
        return secret
    secret = secrets.token_bytes(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(secret.hex() + "\n")
    return secret
