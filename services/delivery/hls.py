"""HLS text and codec helpers (pure): media playlist parsing, bandwidth, CODECS strings, master playlist.

References: RFC 8216 "HTTP Live Streaming" (``EXT-X-STREAM-INF`` attributes: BANDWIDTH is the
peak segment bit rate, AVERAGE-BANDWIDTH the average, both in bits per second including
container overhead, section 4.3.4.2); RFC 6381 section 3.3 for ``avc1.PPCCLL`` codec strings
(profile_idc, constraint flags and level_idc of the H.264 sequence parameter set, in hex).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: RFC 6381 codec string of AAC-LC (MPEG-4 audio object type 2), what FFmpeg's ``aac`` encoder makes.
AAC_LC_CODEC = "mp4a.40.2"


@dataclass(frozen=True)
class Segment:
    """One media segment of a playlist: its URI (relative to the playlist) and duration in seconds."""

    uri: str
    duration_s: float


@dataclass(frozen=True)
class Variant:
    """One ``EXT-X-STREAM-INF`` entry of a master playlist."""

    uri: str
    bandwidth_bps: int
    average_bandwidth_bps: int
    width: int
    height: int
    frame_rate: float
    codecs: tuple[str, ...]


def parse_media_playlist(text: str) -> list[Segment]:
    """The segments of a media playlist, in order.

    Raises:
        ValueError: the text is not an HLS playlist (no ``#EXTM3U``) or a URI lacks its ``#EXTINF``.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or lines[0] != "#EXTM3U":
        raise ValueError("not an HLS playlist: missing #EXTM3U")
    segments: list[Segment] = []
    pending: float | None = None
    for line in lines[1:]:
        if line.startswith("#EXTINF:"):
            pending = float(line[len("#EXTINF:") :].split(",", 1)[0])
        elif not line.startswith("#"):
            if pending is None:
                raise ValueError(f"segment {line!r} has no #EXTINF")
            segments.append(Segment(line, pending))
            pending = None
    return segments


def bandwidths(segments: Sequence[tuple[int, float]]) -> tuple[int, int]:
    """Peak and average bit rate (bit/s, rounded up) of segments given as ``(size_bytes, duration_s)``.

    Raises:
        ValueError: no segments, or a segment with a non-positive duration.
    """
    if not segments:
        raise ValueError("no segments")
    if any(d <= 0 for _, d in segments):
        raise ValueError("segment durations must be positive")
    peak = max(size * 8 / d for size, d in segments)
    average = sum(size for size, _ in segments) * 8 / sum(d for _, d in segments)
    return math.ceil(peak), math.ceil(average)


def avc1_codec(annexb: bytes) -> str:
    """RFC 6381 ``avc1.PPCCLL`` string from H.264 Annex B data holding a sequence parameter set.

    Raises:
        ValueError: no SPS NAL unit (type 7) is found.
    """
    i = annexb.find(b"\x00\x00\x01")
    while i >= 0:
        head = i + 3
        if head + 3 < len(annexb) and annexb[head] & 0x1F == 7:
            profile, constraints, level = annexb[head + 1], annexb[head + 2], annexb[head + 3]
            return f"avc1.{profile:02x}{constraints:02x}{level:02x}"
        i = annexb.find(b"\x00\x00\x01", head)
    raise ValueError("no H.264 sequence parameter set found")


def master_playlist(variants: Sequence[Variant]) -> str:
    """A master playlist (``#EXT-X-VERSION:3``) listing ``variants`` in the order given."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for v in variants:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={v.bandwidth_bps},AVERAGE-BANDWIDTH={v.average_bandwidth_bps},"
            f'RESOLUTION={v.width}x{v.height},FRAME-RATE={v.frame_rate:.3f},CODECS="{",".join(v.codecs)}"'
        )
        lines.append(v.uri)
    return "\n".join(lines) + "\n"


def parse_master_playlist(text: str) -> list[dict[str, str]]:
    """The ``EXT-X-STREAM-INF`` attributes of a master playlist, each with its ``URI`` added."""
    out: list[dict[str, str]] = []
    pending: dict[str, str] | None = None
    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("#EXT-X-STREAM-INF:"):
            pending = _attributes(line[len("#EXT-X-STREAM-INF:") :])
        elif line and not line.startswith("#") and pending is not None:
            pending["URI"] = line
            out.append(pending)
            pending = None
    return out


def _attributes(text: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    key, value, quoted, in_value = "", "", False, False
    for ch in text + ",":
        if not in_value:
            if ch == "=":
                in_value = True
            else:
                key += ch
        elif ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            attrs[key.strip()] = value
            key, value, in_value = "", "", False
        else:
            value += ch
    return attrs
