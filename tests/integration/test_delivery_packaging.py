"""Packaging on real files: the top rendition is copied from an HLS-ready source, re-encoded otherwise."""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from services.delivery import hls
from services.delivery.packaging import Packaged, PackagedRendition, copy_blocker, package

FPS = 24


def _write(
    path: Path,
    *,
    seconds: float,
    size: tuple[int, int] = (1280, 720),
    gop: int | None = 2 * FPS,
    codec: str = "libx264",
    preset: str = "veryfast",
) -> Path:
    """An MP4 of a moving gradient + AAC-LC 48 kHz stereo tone, like the storyboard's assembled file.

    ``gop`` set: libx264 keyframes exactly every ``gop`` frames (``keyint=gop:min-keyint=gop:scenecut=0``,
    or ``gop_size`` for another encoder); None: the encoder's own defaults (libx264: one keyframe
    in up to 250 frames, plus scene cuts).
    """
    w, h = size
    frames = round(seconds * FPS)
    x = np.arange(w, dtype=np.int64)[None, :]
    y = np.arange(h, dtype=np.int64)[:, None]
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as out:
        options = {"preset": preset, "crf": "20"} if codec == "libx264" else {}
        if gop is not None and codec == "libx264":
            options["x264-params"] = f"keyint={gop}:min-keyint={gop}:scenecut=0"
        video = out.add_stream(codec, rate=FPS, options=options)
        video.width, video.height, video.pix_fmt = w, h, "yuv420p"
        if gop is not None:
            video.gop_size = gop
        audio = out.add_stream("aac", rate=48000, layout="stereo")
        audio.bit_rate = 128_000
        for i in range(frames):
            img = np.empty((h, w, 3), np.uint8)
            img[..., 0] = ((x + 8 * i) % 256).astype(np.uint8)
            img[..., 1] = (y * 255 // h).astype(np.uint8)
            img[..., 2] = i * 255 // frames
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, FPS)
            out.mux(video.encode(frame))
        for start in range(0, frames * 48000 // FPS, 1024):
            t = np.arange(start, start + 1024) / 48000
            tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            aframe = av.AudioFrame.from_ndarray(np.stack([tone, tone]), format="fltp", layout="stereo")
            aframe.sample_rate, aframe.pts = 48000, start
            out.mux(audio.encode(aframe))
        out.mux(video.encode(None))
        out.mux(audio.encode(None))
    return path


def _slices(path: Path) -> list[bytes]:
    """The H.264 slice NAL units (types 1 and 5) of a file's video packets, in decoding order, without
    their MP4 length prefixes or Annex B start codes (so MP4 and MPEG-TS payloads compare)."""
    units: list[bytes] = []
    with av.open(str(path)) as c:
        stream = c.streams.video[0]
        length_size = hls.nal_length_size(bytes(stream.codec_context.extradata or b""))
        for packet in c.demux(stream):
            data = bytes(packet)
            if not data:
                continue
            if length_size is None:
                raw = re.split(rb"\x00\x00\x00?\x01", data)  # no start code inside a NAL unit (H.264 7.4.1)
            else:
                pos = 0
                raw = []
                while pos + length_size <= len(data):
                    size = int.from_bytes(data[pos : pos + length_size], "big")
                    raw.append(data[pos + length_size : pos + length_size + size])
                    pos += length_size + size
            units += [u for u in raw if u and u[0] & 0x1F in (1, 5)]
    return units


def _aac_payloads(path: Path) -> list[bytes]:
    """The AAC access units of a file's audio packets, without ADTS headers (7 bytes, 9 with CRC)."""
    out: list[bytes] = []
    with av.open(str(path)) as c:
        for packet in c.demux(c.streams.audio[0]):
            data = bytes(packet)
            if data[:2] in (b"\xff\xf1", b"\xff\xf9"):
                data = data[7:]
            elif data[:2] in (b"\xff\xf0", b"\xff\xf8"):
                data = data[9:]
            if data:
                out.append(data)
    return out


def _check_segments(out_dir: Path, rendition: PackagedRendition, seconds: float) -> list[Path]:
    """Every segment decodes at the rendition's size, starts on a keyframe and has audio; all frames are there."""
    directory = out_dir / "hls" / rendition.name
    segments = hls.parse_media_playlist((directory / "index.m3u8").read_text())
    assert len(segments) == rendition.segment_count
    assert all(abs(s.duration_s - 2.0) < 0.05 for s in segments[:-1]), segments
    frames = 0
    for segment in segments:
        with av.open(str(directory / segment.uri)) as ts:
            first = True
            for frame in ts.decode(ts.streams.video[0]):
                assert (frame.width, frame.height) == (rendition.width, rendition.height)
                if first:
                    assert frame.key_frame, f"{rendition.name}/{segment.uri} starts on a keyframe"
                    first = False
                frames += 1
        with av.open(str(directory / segment.uri)) as ts:
            assert sum(f.samples for f in ts.decode(ts.streams.audio[0])) > 0.8 * 48000 * segment.duration_s
    assert abs(frames - round(seconds * FPS)) <= 1, (rendition.name, frames)
    return [directory / s.uri for s in segments]


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    d = tmp_path_factory.mktemp("packaging-sources")
    yield {
        "grid": _write(d / "grid.mp4", seconds=5),
        "irregular": _write(d / "irregular.mp4", seconds=4, gop=36, preset="ultrafast"),  # keyframes at 0, 1.5, 3 s
        "default": _write(d / "default.mp4", seconds=4, gop=None, preset="ultrafast"),  # one keyframe
        "1080p": _write(d / "1080p.mp4", seconds=2.5, size=(1920, 1080), preset="ultrafast"),
        "mpeg4": _write(d / "mpeg4.mp4", seconds=2.5, codec="mpeg4"),
    }


@pytest.fixture(scope="module")
def copied(sources: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Packaged]:
    out = tmp_path_factory.mktemp("packaged-grid")
    return out, package(sources["grid"], out)


def test_copy_blocker_names_what_stops_a_copy(sources: dict[str, Path]) -> None:
    assert copy_blocker(sources["grid"], 1280, 720) is None
    assert copy_blocker(sources["grid"], 640, 360) == "video is 1280x720, not 640x360"
    assert "keyframes (0.000, 1.500, 3.000 s) are not exactly every 2 s" in (
        copy_blocker(sources["irregular"], 1280, 720) or ""
    )
    assert "not exactly every 2 s" in (copy_blocker(sources["default"], 1280, 720) or "")
    assert copy_blocker(sources["1080p"], 1280, 720) == "video is 1920x1080, not 1280x720"
    assert copy_blocker(sources["mpeg4"], 1280, 720) == "video codec is mpeg4, not h264"


def test_hls_ready_source_is_copied_into_the_top_rendition(
    copied: tuple[Path, Packaged], sources: dict[str, Path]
) -> None:
    out, packaged = copied
    top, low = packaged.renditions
    assert (top.name, top.width, top.height, top.copied) == ("720p", 1280, 720, True)
    assert (low.name, low.width, low.height, low.copied) == ("360p", 640, 360, False)
    segments = _check_segments(out, top, 5)
    assert len(segments) == 3  # 2 s + 2 s + 1 s
    _check_segments(out, low, 5)
    # The copied segments carry the source's coded pictures and audio frames byte for byte.
    source_slices = _slices(sources["grid"])
    assert len(source_slices) >= 5 * FPS
    assert [u for s in segments for u in _slices(s)] == source_slices
    assert [u for s in segments for u in _aac_payloads(s)] == _aac_payloads(sources["grid"])


def test_master_playlist_advertises_the_copied_stream(copied: tuple[Path, Packaged], sources: dict[str, Path]) -> None:
    out, packaged = copied
    with av.open(str(sources["grid"])) as c:
        extradata = bytes(c.streams.video[0].codec_context.extradata)
    source_codec = hls.avc1_codec_from_extradata(extradata)
    assert source_codec.startswith("avc1.64")  # libx264 High profile
    variants = hls.parse_master_playlist((out / packaged.master_playlist).read_text())
    assert [(v["URI"], v["RESOLUTION"]) for v in variants] == [
        ("720p/index.m3u8", "1280x720"),
        ("360p/index.m3u8", "640x360"),
    ]
    assert variants[0]["CODECS"] == f"{source_codec},mp4a.40.2"
    # the codec string of the copied stream is also what the segments' own SPS says
    first = out / "hls" / "720p" / "seg_000.ts"
    with av.open(str(first)) as ts:
        packet = next(p for p in ts.demux(ts.streams.video[0]) if p.size)
        assert hls.avc1_codec(bytes(packet)) == source_codec
    top = packaged.renditions[0]
    directory = out / "hls" / "720p"
    segments = hls.parse_media_playlist((directory / "index.m3u8").read_text())
    peak, average = hls.bandwidths([((directory / s.uri).stat().st_size, s.duration_s) for s in segments])
    assert int(variants[0]["BANDWIDTH"]) == top.bandwidth_bps == peak
    assert int(variants[0]["AVERAGE-BANDWIDTH"]) == top.average_bandwidth_bps == average


@pytest.mark.parametrize(("name", "seconds"), [("irregular", 4), ("1080p", 2.5)])
def test_other_sources_fall_back_to_encoding(
    name: str, seconds: float, sources: dict[str, Path], tmp_path: Path
) -> None:
    packaged = package(sources[name], tmp_path)
    assert [(r.name, r.width, r.height, r.copied) for r in packaged.renditions] == [
        ("720p", 1280, 720, False),
        ("360p", 640, 360, False),
    ]
    top_segments = _check_segments(tmp_path, packaged.renditions[0], seconds)
    _check_segments(tmp_path, packaged.renditions[1], seconds)
    assert _slices(top_segments[0]) != _slices(sources[name])[: len(_slices(top_segments[0]))]
    variants = hls.parse_master_playlist((tmp_path / packaged.master_playlist).read_text())
    assert all(v["CODECS"].startswith("avc1.64") and v["CODECS"].endswith(",mp4a.40.2") for v in variants)


def test_copying_can_be_turned_off(sources: dict[str, Path], tmp_path: Path) -> None:
    packaged = package(sources["grid"], tmp_path, allow_copy=False)
    assert [r.copied for r in packaged.renditions] == [False, False]
    _check_segments(tmp_path, packaged.renditions[0], 5)
