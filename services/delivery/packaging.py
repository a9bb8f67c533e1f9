"""Packaging a rendered MP4 for playback: HLS ladder, master playlist, poster, thumbnails (file work).

:func:`package` demuxes the source once for the ladder. The top rung is **copied** when the source already fits it
(see :func:`copy_blocker`: H.264 ``yuv420p`` at exactly the rung's frame size, IDR keyframes
exactly every :data:`SEGMENT_S` seconds and nothing else, AAC-LC or no audio): its video and audio
packets go unchanged into the ``hls`` muxer, which converts the MP4's length-prefixed H.264 to
Annex B (FFmpeg's automatic ``h264_mp4toannexb`` bitstream filter, which also repeats SPS/PPS on
every IDR) and wraps AAC in ADTS, and cuts each segment on a keyframe. The storyboard's assembled
MP4 is made this way (libx264 ``keyint=48:min-keyint=48:scenecut=0`` at 24 fps). A lower rung is
copied the same way from a file encoded in the same pass (``rung_sources``: the storyboard's 360p
MP4). Every other rung, and the top rung of any other source, is encoded from the decoded frames:
H.264 (libx264, closed GOPs of exactly :data:`SEGMENT_S` seconds, no scene-cut keyframes, so the
muxer cuts each segment on a keyframe) and AAC-LC audio. Segments are MPEG-TS
``hls/<name>/seg_%03d.ts`` listed by a VOD media playlist ``hls/<name>/index.m3u8``. The master
playlist ``hls/master.m3u8`` is then written from the actual segments: BANDWIDTH is the peak
segment bit rate and AVERAGE-BANDWIDTH the mean (RFC 8216 section 4.3.4.2); CODECS comes from the
source's ``avcC`` extradata for a copied rung and from the sequence parameter set libx264 wrote
for an encoded one (RFC 6381).

The poster is the frame at one third of the duration (JPEG, quality 85, source size); thumbnails
are 320x180 JPEGs at the middle of equal intervals of about 2 s, at most 10 (:func:`still_targets`);
each is the first frame at or after its time, or the last frame. When a rung is encoded they are
picked as its single decode pass goes by. When every rung is copied nothing else needs decoding,
so only the stills' frames are (:func:`decode_stills`): each from the last keyframe at or before
it, found by the packets' keyframe flags, up to it in decoding order; the poster from the source,
the thumbnails from the smallest copied rung's file that is at least 320x180 (the 360p MP4).

A copied rung keeps the source's bit rate (the storyboard encodes at CRF 20, not at the rung's
2.5 Mbit/s target); the master playlist advertises what was measured either way.

Cost on 2 cores with the ``veryfast`` preset: encoding both rungs of a 720p24 source takes about
0.35-0.5 s per second of video (measured: a 4 s source in about 1.4 s, a 20 s source in 8-9 s).
Copying the 720p rung takes milliseconds, so a copyable source costs only the decode, the 360p
encode and the stills: about 0.15-0.2 s per second of video (measured: a 20 s source in about
3.1 s against 7.2-7.5 s re-encoded). With the 360p rung copied too, only the stills' frames are
decoded (111 of 187 for the 7.79 s sample pair, at most a GOP per still): about 0.01-0.02 s per
second of video (``benchmarks/publish.py``, median of 5: the sample pair in 0.12 s against
0.33 s when every frame was decoded, a 20 s pair in 0.20 s against 0.68 s). It is CPU-bound:
callers run it in a worker thread and give Publish a deadline of a few minutes.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.video.frame import PictureType
from PIL import Image, ImageOps

from services.delivery import hls

log = logging.getLogger(__name__)

#: Target media segment duration, in seconds (``hls_time``); keyframes are placed exactly this far apart.
SEGMENT_S = 2
#: Poster position, as a fraction of the duration.
POSTER_AT = 1 / 3
#: Thumbnail size in pixels, their spacing in seconds and their largest number.
THUMB_SIZE = (320, 180)
THUMB_INTERVAL_S = 2.0
MAX_THUMBS = 10
JPEG_QUALITY = 85


@dataclass(frozen=True)
class Rung:
    """One rung of the HLS ladder: name, frame height, video and audio bit rates (bit/s)."""

    name: str
    height: int
    video_bps: int
    audio_bps: int


#: The ladder, highest first: 720p at 2.5 Mbit/s and 360p at 800 kbit/s (video), AAC-LC audio.
LADDER: tuple[Rung, ...] = (
    Rung("720p", 720, 2_500_000, 128_000),
    Rung("360p", 360, 800_000, 96_000),
)


@dataclass(frozen=True)
class PackagedRendition:
    """A rendition as written: frame size, measured bit rates, segment count and playlist path."""

    name: str
    width: int
    height: int
    bandwidth_bps: int
    average_bandwidth_bps: int
    segment_count: int
    playlist: str  # relative to the package directory, e.g. "hls/720p/index.m3u8"
    codecs: tuple[str, ...]
    copied: bool = False  # True when the source's packets were copied instead of re-encoded


@dataclass(frozen=True)
class Packaged:
    """What :func:`package` wrote (paths relative to the package directory) and measured."""

    duration_ms: int
    width: int
    height: int
    frame_rate: float
    renditions: tuple[PackagedRendition, ...]
    master_playlist: str
    poster: str
    thumbnails: tuple[str, ...]
    #: Video frames decoded: every frame when a rung is encoded, only the stills' ranges when all are copied.
    decoded_frames: int = 0


class SourceUnreadable(Exception):
    """The source cannot be opened or decoded, or has no video stream."""


def plan_ladder(width: int, height: int, ladder: Sequence[Rung] = LADDER) -> list[tuple[Rung, int, int]]:
    """The rungs to encode for a ``width`` x ``height`` source, each with its even frame size.

    A rung's height names the short side (a portrait 1080x1920 source gets 720x1280 for "720p").
    Rungs larger than the source's short side are skipped (no upscaling), except that the lowest
    rung is always kept; the long side keeps the source's aspect ratio, rounded to an even number.
    """
    short, long_ = min(width, height), max(width, height)
    kept = [r for r in ladder if r.height <= short] or [min(ladder, key=lambda r: r.height)]
    plan: list[tuple[Rung, int, int]] = []
    for r in kept:
        scaled = max(2, round(r.height * long_ / short / 2) * 2)
        plan.append((r, scaled, r.height) if width >= height else (r, r.height, scaled))
    return plan


def thumbnail_times(duration_s: float) -> list[float]:
    """Thumbnail positions (s): the middles of ``n`` equal intervals, ``n = clamp(round(d / 2 s), 1, 10)``."""
    n = min(MAX_THUMBS, max(1, round(duration_s / THUMB_INTERVAL_S)))
    step = duration_s / n
    return [(k + 0.5) * step for k in range(n)]


def probe(source: Path) -> float:
    """Check that ``source`` opens and its first video frame decodes; returns the duration in seconds.

    Raises:
        SourceUnreadable: it does not.
    """
    try:
        with av.open(str(source)) as container:
            if not container.streams.video:
                raise SourceUnreadable("the source has no video stream")
            stream = container.streams.video[0]
            for _ in container.decode(stream):
                return _duration_s(container, stream)
    except (av.FFmpegError, OSError) as exc:
        raise SourceUnreadable(f"the source cannot be decoded: {type(exc).__name__}: {exc}") from exc
    raise SourceUnreadable("the source's video stream has no decodable frame")


def _duration_s(container: Any, stream: Any) -> float:
    if container.duration:
        return float(container.duration) / 1_000_000
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    if stream.frames and stream.average_rate:
        return float(stream.frames / stream.average_rate)
    return 0.0


class _Output:
    """One rendition being encoded: an ``hls`` muxer with an H.264 stream and an AAC stream."""

    def __init__(
        self,
        directory: Path,
        rung: Rung,
        width: int,
        height: int,
        fps: Fraction,
        audio: tuple[int, str] | None,
        preset: str,
    ) -> None:
        self.rung, self.width, self.height = rung, width, height
        self.container: Any = _hls_container(directory)
        gop = max(1, round(float(fps) * SEGMENT_S))
        self.video: Any = self.container.add_stream("libx264", rate=fps)
        self.video.width, self.video.height, self.video.pix_fmt = width, height, "yuv420p"
        self.video.bit_rate = rung.video_bps
        self.video.gop_size = gop
        self.video.thread_type = "AUTO"
        self.video.options = {
            "preset": preset,
            "profile": "high",
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:open-gop=0",
            "maxrate": str(rung.video_bps * 11 // 10),
            "bufsize": str(rung.video_bps * 2),
        }
        self.audio: Any = None
        if audio is not None:
            rate, layout = audio
            self.audio = self.container.add_stream("aac", rate=rate)
            self.audio.layout = layout
            self.audio.bit_rate = rung.audio_bps

    def encode_video(self, frame: av.VideoFrame) -> None:
        scaled = frame.reformat(width=self.width, height=self.height, format="yuv420p")
        # A decoded frame keeps its source picture type, and libx264 turns every I into a forced
        # keyframe; clear it so keyframes follow this rung's own 2 s grid, not the source's.
        scaled.pict_type = PictureType.NONE
        for packet in self.video.encode(scaled):
            self.container.mux(packet)

    def encode_audio(self, frame: av.AudioFrame) -> None:
        if self.audio is None:
            return
        for packet in self.audio.encode(frame):
            self.container.mux(packet)

    def close(self) -> None:
        for packet in self.video.encode(None):
            self.container.mux(packet)
        if self.audio is not None:
            for packet in self.audio.encode(None):
                self.container.mux(packet)
        self.container.close()


def copy_blocker(source: Path, width: int, height: int, *, segment_s: float = SEGMENT_S) -> str | None:
    """Why ``source`` cannot be copied into a ``width`` x ``height`` rung, or None when it can.

    Reads stream parameters and demuxes the video packets (no decoding). Copyable means: H.264
    in ``yuv420p`` at exactly ``width`` x ``height`` with ``avcC`` or Annex B extradata naming its
    profile and level; keyframes exactly on the ``segment_s`` grid (:func:`hls.keyframes_on_grid`,
    half a frame of tolerance), each holding an IDR slice so that every segment decodes on its own
    (the master playlist declares ``EXT-X-INDEPENDENT-SEGMENTS``); and no audio, or AAC-LC (the
    CODECS string says ``mp4a.40.2``).

    Raises:
        SourceUnreadable: the source cannot be opened or demuxed, or has no video stream.
    """
    try:
        with av.open(str(source)) as container:
            if not container.streams.video:
                raise SourceUnreadable("the source has no video stream")
            vin = container.streams.video[0]
            cc = vin.codec_context
            if cc.name != "h264":
                return f"video codec is {cc.name}, not h264"
            if (cc.width, cc.height) != (width, height):
                return f"video is {cc.width}x{cc.height}, not {width}x{height}"
            if cc.format is None or cc.format.name != "yuv420p":
                return f"pixel format is {cc.format.name if cc.format else 'unknown'}, not yuv420p"
            extradata = bytes(cc.extradata or b"")
            try:
                hls.avc1_codec_from_extradata(extradata)
                length_size = hls.nal_length_size(extradata)
            except ValueError as exc:
                return f"extradata does not give the H.264 profile and level: {exc}"
            if container.streams.audio:
                acc = container.streams.audio[0].codec_context
                if acc.name != "aac" or acc.profile != "LC":
                    return f"audio is {acc.name} {acc.profile or ''}, not AAC-LC".replace("  ", " ")
            rate = vin.average_rate or vin.base_rate
            if not rate or not vin.time_base:
                return "the video stream has no frame rate or time base"
            frame_s = 1 / float(rate)
            keyframes: list[float] = []
            start: float | None = None
            end = 0.0
            for packet in container.demux(vin):
                if packet.pts is None or not packet.size:
                    continue
                t = float(packet.pts * vin.time_base)
                start = t if start is None else min(start, t)
                end = max(end, t + (float(packet.duration * vin.time_base) if packet.duration else frame_s))
                if packet.is_keyframe:
                    if hls.NAL_IDR_SLICE not in hls.nal_unit_types(bytes(packet), length_size):
                        return f"the keyframe at {t:.3f} s is not an IDR picture"
                    keyframes.append(t)
    except (av.FFmpegError, OSError) as exc:
        raise SourceUnreadable(f"the source cannot be demuxed: {type(exc).__name__}: {exc}") from exc
    if start is None:
        return "the video stream has no packets"
    times = [t - start for t in keyframes]
    if not hls.keyframes_on_grid(times, end - start, segment_s, frame_s / 2):
        shown = ", ".join(f"{t:.3f}" for t in times[:8]) + (", ..." if len(times) > 8 else "")
        return f"keyframes ({shown} s) are not exactly every {segment_s:g} s"
    return None


class _Copy:
    """The top rung made by stream copy: the source's packets into an ``hls`` muxer, unchanged.

    Output streams are created from the source's streams (``add_stream_from_template``: codec
    parameters and extradata, no encoder). :meth:`mux` points each packet at its output stream;
    PyAV then rescales its timestamps from the source stream's time base to the output's (90 kHz
    in MPEG-TS) as it writes.
    """

    def __init__(self, directory: Path, rung: Rung, width: int, height: int, vin: Any, ain: Any) -> None:
        self.rung, self.width, self.height = rung, width, height
        self.container: Any = _hls_container(directory)
        self.streams: dict[Any, Any] = {vin: self.container.add_stream_from_template(vin)}
        if ain is not None:
            self.streams[ain] = self.container.add_stream_from_template(ain)
        self.codec = hls.avc1_codec_from_extradata(bytes(vin.codec_context.extradata))

    def mux(self, packet: av.Packet[Any]) -> None:
        """Write one source packet (after any decoding of it: its stream and timestamps change)."""
        out = self.streams.get(packet.stream)
        if out is None or packet.dts is None or not packet.size:
            return  # another stream, or the demuxer's end-of-stream flush packet
        packet.stream = out
        self.container.mux(packet)

    def close(self) -> None:
        self.container.close()


def _copy_file(source: Path, directory: Path, rung: Rung, width: int, height: int) -> str:
    """Segment ``source`` (checked by :func:`copy_blocker`) into ``directory`` by stream copy, no
    decoding; returns its ``avc1`` codec string.

    Raises:
        SourceUnreadable: the file cannot be demuxed.
    """
    try:
        with av.open(str(source)) as src:
            vin = src.streams.video[0]
            ain = src.streams.audio[0] if src.streams.audio else None
            copy = _Copy(directory, rung, width, height, vin, ain)
            try:
                for packet in src.demux(*([vin] if ain is None else [vin, ain])):
                    copy.mux(packet)
            finally:
                copy.close()
    except (av.FFmpegError, OSError) as exc:
        raise SourceUnreadable(f"the {rung.name} rendition cannot be demuxed: {type(exc).__name__}: {exc}") from exc
    return copy.codec


def _hls_container(directory: Path) -> Any:
    """An ``hls`` muxer writing a VOD playlist ``index.m3u8`` and ``seg_%03d.ts`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    return av.open(
        str(directory / "index.m3u8"),
        "w",
        format="hls",
        options={
            "hls_time": str(SEGMENT_S),
            "hls_playlist_type": "vod",
            "hls_list_size": "0",
            "hls_segment_type": "mpegts",
            "hls_segment_filename": str(directory / "seg_%03d.ts"),
        },
    )


def _image(frame: av.VideoFrame) -> Image.Image:
    return Image.fromarray(np.asarray(frame.to_ndarray(format="rgb24"), dtype=np.uint8), "RGB")


def still_targets(duration_s: float) -> list[tuple[float, str]]:
    """The stills of a ``duration_s`` source as ``(time in s, name)``, by time: ``"poster"`` at
    :data:`POSTER_AT` of the duration and ``"thumb_NN"`` at :func:`thumbnail_times`.

    Each still is the first frame whose time is at or after its target, or the last frame.
    """
    thumbs = [(t, f"thumb_{i:02d}") for i, t in enumerate(thumbnail_times(duration_s))]
    return sorted([(duration_s * POSTER_AT, "poster"), *thumbs])


class _Stills:
    """Picks the stills (:func:`still_targets`) from frames offered in display order while the source is decoded."""

    def __init__(self, targets: Sequence[tuple[float, str]]) -> None:
        self.targets = list(targets)
        self.images: dict[str, Image.Image] = {}
        self.last: av.VideoFrame | None = None

    def offer(self, frame: av.VideoFrame, time_s: float) -> None:
        self.last = frame
        while self.targets and self.targets[0][0] <= time_s:
            _, name = self.targets.pop(0)
            self.images[name] = _image(frame)

    def finish(self) -> None:
        while self.targets and self.last is not None:
            _, name = self.targets.pop(0)
            self.images[name] = _image(self.last)


def plan_still_decodes(
    packets: Sequence[tuple[int, bool]], time_base: Fraction, targets: Sequence[tuple[float, str]]
) -> dict[int, dict[int, list[str]]]:
    """Which packets to decode for each still, without decoding anything.

    ``packets`` are a stream's video packets in decoding order as ``(pts, is_keyframe)`` (pts in
    ``time_base`` units); ``targets`` are ``(time in s, name)``. A still's frame is the first in
    display order whose time (pts x ``time_base``) is at or after its target, or the last frame
    (the rule the full decode applies). Decoding starts at the last keyframe at or before that
    frame's packet in decoding order (the first packet when there is none) and ends with that
    packet; that range holds every reference the frame needs when GOPs are closed (IDR keyframes,
    which :func:`copy_blocker` checks).

    Returns: keyframe position -> {position of a still's packet -> names of the stills it makes},
    positions being indexes into ``packets``. Empty when ``packets`` is.
    """
    if not packets:
        return {}
    order = sorted(range(len(packets)), key=lambda i: packets[i][0])
    times = [float(packets[i][0] * time_base) for i in order]
    plan: dict[int, dict[int, list[str]]] = {}
    for target, name in targets:
        chosen = order[min(bisect.bisect_left(times, target), len(order) - 1)]
        start = next((i for i in range(chosen, -1, -1) if packets[i][1]), 0)
        plan.setdefault(start, {}).setdefault(chosen, []).append(name)
    return plan


def decode_stills(source: Path, targets: Sequence[tuple[float, str]]) -> tuple[dict[str, Image.Image], int]:
    """The stills of ``source`` decoding only the packets :func:`plan_still_decodes` names.

    Demuxes the video stream twice (packet flags and timestamps, then the payloads), decoding the
    packets of each planned range in order and draining the decoder at the range's end (its
    buffers are then flushed). Returns the images by name (RGB at the source's frame size) and
    the number of video packets decoded: at most ``len(targets)`` GOPs' worth.

    Raises:
        SourceUnreadable: the file cannot be demuxed or decoded, has no video packet, or a
            planned frame does not come out of the decoder.
    """
    try:
        with av.open(str(source)) as container:
            vin = container.streams.video[0]
            coded = [(p.pts, p.is_keyframe) for p in container.demux(vin) if p.size and p.pts is not None]
            time_base = vin.time_base
        if not coded or time_base is None:
            raise SourceUnreadable(f"{source.name} has no timed video packet")
        plan = plan_still_decodes(coded, time_base, targets)
        # first position of a range -> (its last position, still names by the pts of their frames)
        ranges = {
            start: (max(wanted), {coded[i][0]: names for i, names in wanted.items()}) for start, wanted in plan.items()
        }
        images: dict[str, Image.Image] = {}
        decoded = 0
        with av.open(str(source)) as container:
            vin = container.streams.video[0]
            packets = (p for p in container.demux(vin) if p.size and p.pts is not None)
            end, wanted = -1, dict[int, list[str]]()
            for position, packet in enumerate(packets):
                if position in ranges:
                    end, wanted = ranges[position]
                if position > end:
                    continue
                frames = list(packet.decode())
                decoded += 1
                if position == end:
                    frames += vin.codec_context.decode(None)
                    vin.codec_context.flush_buffers()
                for frame in frames:
                    if frame.pts is not None:
                        for name in wanted.pop(frame.pts, []):
                            images[name] = _image(frame)
                if position == end and wanted:
                    missing = ", ".join(f"{float(pts * time_base):.3f}" for pts in wanted)
                    raise SourceUnreadable(f"the frames at {missing} s of {source.name} did not decode")
    except (av.FFmpegError, OSError) as exc:
        raise SourceUnreadable(f"{source.name} cannot be decoded: {type(exc).__name__}: {exc}") from exc
    return images, decoded


def package(
    source: Path,
    out_dir: Path,
    *,
    ladder: Sequence[Rung] = LADDER,
    preset: str = "veryfast",
    allow_copy: bool = True,
    rung_sources: Mapping[str, Path] | None = None,
) -> Packaged:
    """Package ``source`` into ``out_dir`` (which must exist): HLS ladder, master playlist, poster, thumbnails.

    Writes ``hls/master.m3u8``, ``hls/<rung>/index.m3u8`` + ``hls/<rung>/seg_%03d.ts``,
    ``poster.jpg`` and ``thumbs/thumb_%02d.jpg`` under ``out_dir``. The top rung is copied from
    the source when :func:`copy_blocker` finds nothing against it and ``allow_copy`` is true
    (``PackagedRendition.copied`` says which). A lower rung named in ``rung_sources`` (rung name to
    an MP4 encoded in the same pass as the source) is copied from that file when
    :func:`copy_blocker` finds nothing against it. Every other rung is encoded. When a rung is
    encoded every frame is decoded once and the stills are picked on the way; when every rung is
    copied only the stills' keyframe-to-frame ranges are decoded (:func:`decode_stills`, one thread
    per file decoded from; ``Packaged.decoded_frames`` counts the frames decoded either way). Runs
    for about 0.35-0.5 times the source's duration on 2 cores, 0.15-0.2 times when only the top
    rung is copied, or 0.01-0.02 times when every rung is (see the module docstring).

    Raises:
        SourceUnreadable: the source cannot be opened or decoded, or has no video stream.
    """
    duration_s = probe(source)
    try:
        with av.open(str(source)) as src:
            vin = src.streams.video[0]
            vin.thread_type = "AUTO"
            ain = src.streams.audio[0] if src.streams.audio else None
            fps = Fraction(vin.average_rate or vin.base_rate or 24).limit_denominator(1001)
            width, height = vin.codec_context.width, vin.codec_context.height
            audio = None
            if ain is not None:
                audio = (
                    ain.codec_context.sample_rate or 48000,
                    "mono" if ain.codec_context.layout.nb_channels == 1 else "stereo",
                )
            plan = plan_ladder(width, height, ladder)
            top, top_w, top_h = plan[0]
            blocker = copy_blocker(source, top_w, top_h) if allow_copy else "copying is turned off"
            log.info("%s rung of %s: %s", top.name, source.name, blocker or "copied from the source")
            copy = _Copy(out_dir / "hls" / top.name, top, top_w, top_h, vin, ain) if blocker is None else None
            codecs = {top.name: copy.codec} if copy is not None else {}
            for r, w, h in plan[1:]:
                rung_source = (rung_sources or {}).get(r.name)
                if rung_source is not None and allow_copy:
                    why = copy_blocker(rung_source, w, h)
                    log.info("%s rung of %s: %s", r.name, source.name, why or f"copied from {rung_source.name}")
                    if why is None:
                        codecs[r.name] = _copy_file(rung_source, out_dir / "hls" / r.name, r, w, h)
            encoded = [(r, w, h) for r, w, h in plan if r.name not in codecs]
            outputs = [_Output(out_dir / "hls" / r.name, r, w, h, fps, audio, preset) for r, w, h in encoded]
            targets = still_targets(duration_s if duration_s > 0 else 1.0)
            # Encoding a rung decodes every frame anyway, and the stills are picked as they pass;
            # when every rung is copied, only the stills' frames are decoded, after the copy.
            stills = _Stills(targets) if outputs else None
            decoded = 0
            last_video_s = 0.0
            streams = [vin] if ain is None else [vin, ain]
            try:
                for packet in src.demux(*streams):
                    if stills is None and copy is not None:
                        if packet.stream is vin and packet.pts is not None and packet.time_base is not None:
                            last_video_s = max(last_video_s, float(packet.pts * packet.time_base) + 1 / float(fps))
                        copy.mux(packet)
                        continue
                    frames = packet.decode()
                    if copy is not None:
                        copy.mux(packet)  # after decoding: muxing re-points and rescales the packet
                    for frame in frames:
                        if isinstance(frame, av.VideoFrame):
                            decoded += 1
                            t = float(frame.time) if frame.time is not None else last_video_s
                            last_video_s = t + 1 / float(fps)
                            for out in outputs:
                                out.encode_video(frame)
                            if stills is not None:
                                stills.offer(frame, t)
                        elif isinstance(frame, av.AudioFrame):
                            for out in outputs:
                                out.encode_audio(frame)
            finally:
                for out in outputs:
                    out.close()
                if copy is not None:
                    copy.close()
    except (av.FFmpegError, OSError) as exc:
        raise SourceUnreadable(f"the source cannot be decoded: {type(exc).__name__}: {exc}") from exc
    if stills is not None:
        stills.finish()
        images = stills.images
    else:
        thumbs_from = _thumbnail_source(source, plan, codecs, rung_sources or {})
        images = {}
        groups = _by_file(targets, source, thumbs_from)
        with ThreadPoolExecutor(len(groups), thread_name_prefix="stills") as pool:  # decoding releases the GIL
            for picked, count in pool.map(lambda group: decode_stills(*group), groups.items()):
                images.update(picked)
                decoded += count
        log.info("stills of %s: %d frames decoded, thumbnails from %s", source.name, decoded, thumbs_from.name)
    if duration_s <= 0:
        duration_s = last_video_s
    has_audio = audio is not None
    renditions = tuple(_measure(out_dir, r.name, w, h, has_audio, codecs.get(r.name)) for r, w, h in plan)
    master = hls.master_playlist(
        [
            hls.Variant(
                uri=f"{r.name}/index.m3u8",
                bandwidth_bps=r.bandwidth_bps,
                average_bandwidth_bps=r.average_bandwidth_bps,
                width=r.width,
                height=r.height,
                frame_rate=float(fps),
                codecs=r.codecs,
            )
            for r in renditions
        ]
    )
    (out_dir / "hls" / "master.m3u8").write_text(master, encoding="ascii")
    thumbs_dir = out_dir / "thumbs"
    thumbs_dir.mkdir(exist_ok=True)
    images["poster"].convert("RGB").save(out_dir / "poster.jpg", "JPEG", quality=JPEG_QUALITY)
    thumbs: list[str] = []
    for name in sorted(k for k in images if k.startswith("thumb_")):
        thumb = ImageOps.pad(images[name].convert("RGB"), THUMB_SIZE, Image.Resampling.LANCZOS)
        thumb.save(thumbs_dir / f"{name}.jpg", "JPEG", quality=JPEG_QUALITY)
        thumbs.append(f"thumbs/{name}.jpg")
    return Packaged(
        duration_ms=round(duration_s * 1000),
        width=width,
        height=height,
        frame_rate=float(fps),
        renditions=renditions,
        master_playlist="hls/master.m3u8",
        poster="poster.jpg",
        thumbnails=tuple(thumbs),
        decoded_frames=decoded,
    )


def _thumbnail_source(
    source: Path, plan: Sequence[tuple[Rung, int, int]], copied: Mapping[str, str], rung_sources: Mapping[str, Path]
) -> Path:
    """The file to take thumbnails from: the smallest copied lower rung's source that is at least
    :data:`THUMB_SIZE`, else ``source`` (fewer pixels to decode for the same frames)."""
    fits = [
        (w * h, rung_sources[r.name])
        for r, w, h in plan[1:]
        if r.name in copied and r.name in rung_sources and w >= THUMB_SIZE[0] and h >= THUMB_SIZE[1]
    ]
    return min(fits, key=lambda f: f[0])[1] if fits else source


def _by_file(
    targets: Sequence[tuple[float, str]], poster_from: Path, thumbs_from: Path
) -> dict[Path, list[tuple[float, str]]]:
    """``targets`` grouped by the file each is decoded from: the poster from ``poster_from``, the
    thumbnails from ``thumbs_from``."""
    groups: dict[Path, list[tuple[float, str]]] = {}
    for target in targets:
        groups.setdefault(poster_from if target[1] == "poster" else thumbs_from, []).append(target)
    return groups


def _measure(
    out_dir: Path, name: str, width: int, height: int, has_audio: bool, copied_codec: str | None = None
) -> PackagedRendition:
    """Read back a rendition's playlist and segments: bit rates and the H.264 codec string.

    ``copied_codec`` is the ``avc1`` string of a copied rung (from the source's extradata); an
    encoded rung's is read from the sequence parameter set in its first segment.
    """
    directory = out_dir / "hls" / name
    segments = hls.parse_media_playlist((directory / "index.m3u8").read_text(encoding="utf-8"))
    sizes = [((directory / s.uri).stat().st_size, s.duration_s) for s in segments]
    peak, average = hls.bandwidths(sizes)
    video = copied_codec or _video_codec(directory / segments[0].uri)
    codecs = (video,) + ((hls.AAC_LC_CODEC,) if has_audio else ())
    return PackagedRendition(
        name=name,
        width=width,
        height=height,
        bandwidth_bps=peak,
        average_bandwidth_bps=average,
        segment_count=len(segments),
        playlist=f"hls/{name}/index.m3u8",
        codecs=codecs,
        copied=copied_codec is not None,
    )


def _video_codec(segment: Path) -> str:
    """``avc1.PPCCLL`` of the first video packet of a segment (libx264 repeats SPS/PPS on keyframes)."""
    with av.open(str(segment)) as container:
        for packet in container.demux(container.streams.video[0]):
            if packet.size:
                return hls.avc1_codec(bytes(packet))
    raise ValueError(f"{segment.name} has no video packet")
