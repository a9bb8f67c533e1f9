"""HLS text and codec helpers (pure): media playlist parsing, bandwidth, CODECS strings, master playlist.

References: RFC 8216 "HTTP Live Streaming" (``EXT-X-STREAM-INF`` attributes: BANDWIDTH is the
peak segment bit rate, AVERAGE-BANDWIDTH the average, both in bits per second including
container overhead, section 4.3.4.2); RFC 6381 section 3.3 for ``avc1.PPCCLL`` codec strings
(profile_idc, constraint flags and level_idc of the H.264 sequence parameter set, in hex);
ISO/IEC 14496-15 section 5.3.3 for the ``avcC`` decoder configuration record (MP4 extradata) and
its length-prefixed NAL units; ITU-T H.264 table 7-1 for NAL unit types (5: IDR slice, 7: SPS).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

#: RFC 6381 codec string of AAC-LC (MPEG-4 audio object type 2), what FFmpeg's ``aac`` encoder makes.
AAC_LC_CODEC = "mp4a.40.2"
#: H.264 NAL unit type of a slice of an IDR picture (ITU-T H.264 table 7-1).
NAL_IDR_SLICE = 5


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


def avc1_codec_from_extradata(extradata: bytes) -> str:
    """RFC 6381 ``avc1.PPCCLL`` string from an H.264 stream's extradata (codec private data).

    MP4 stores an ``avcC`` record (version 1, then profile_idc, constraint flags, level_idc);
    MPEG-TS and raw streams store Annex B parameter sets, read with :func:`avc1_codec`.

    Raises:
        ValueError: neither form, or no sequence parameter set.
    """
    if len(extradata) >= 4 and extradata[0] == 1:
        return f"avc1.{extradata[1]:02x}{extradata[2]:02x}{extradata[3]:02x}"
    return avc1_codec(extradata)


def nal_length_size(extradata: bytes) -> int | None:
    """Bytes of each NAL unit's length prefix for ``avcC`` extradata (1, 2 or 4), or None for Annex B.

    Raises:
        ValueError: ``avcC`` extradata shorter than its fixed 5-byte header.
    """
    if extradata[:1] != b"\x01":
        return None
    if len(extradata) < 5:
        raise ValueError("avcC record shorter than 5 bytes")
    return (extradata[4] & 0x03) + 1


def nal_unit_types(data: bytes, length_size: int | None) -> list[int]:
    """The NAL unit types (0-31) in one H.264 packet, in order.

    ``length_size`` is the ``avcC`` length prefix size (MP4 packets; see :func:`nal_length_size`),
    or None for Annex B data split on ``00 00 01`` start codes (MPEG-TS packets). A truncated
    length-prefixed unit ends the scan.
    """
    types: list[int] = []
    if length_size is None:
        i = data.find(b"\x00\x00\x01")
        while i >= 0 and i + 3 < len(data):
            types.append(data[i + 3] & 0x1F)
            i = data.find(b"\x00\x00\x01", i + 3)
        return types
    pos = 0
    while pos + length_size < len(data):
        size = int.from_bytes(data[pos : pos + length_size], "big")
        if size == 0 or pos + length_size + size > len(data):
            break
        types.append(data[pos + length_size] & 0x1F)
        pos += length_size + size
    return types


def keyframes_on_grid(
    keyframe_times_s: Sequence[float], duration_s: float, segment_s: float, tolerance_s: float
) -> bool:
    """True when the keyframes sit exactly on the segment grid ``0, segment_s, 2 * segment_s, ...``.

    ``keyframe_times_s`` are presentation times relative to the stream's first frame. Every grid
    point with a frame at or after it (``k * segment_s < duration_s - tolerance_s``) must have a
    keyframe within ``tolerance_s`` (half a frame interval, say), and no keyframe may lie off the
    grid. Then the ``hls`` muxer, which cuts at the first keyframe at or after each multiple of
    ``hls_time``, cuts every segment at exactly ``segment_s`` seconds.

    Raises:
        ValueError: ``segment_s`` or ``tolerance_s`` is not positive, or ``tolerance_s >= segment_s / 2``.
    """
    if segment_s <= 0 or tolerance_s <= 0 or tolerance_s >= segment_s / 2:
        raise ValueError("need segment_s > 0 and 0 < tolerance_s < segment_s / 2")
    if not keyframe_times_s:
        return False
    found: set[int] = set()
    for t in keyframe_times_s:
        k = round(t / segment_s)
        if k < 0 or abs(t - k * segment_s) > tolerance_s:
            return False
        found.add(k)
    required = {k for k in range(math.ceil(duration_s / segment_s) + 1) if k * segment_s < duration_s - tolerance_s}
    return required <= found


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
