"""Packaging on real files: the top rendition is copied from an HLS-ready source, re-encoded otherwise."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from services.delivery import hls
from services.delivery.packaging import Packaged, PackagedRendition, copy_blocker, package, probe, still_targets

FPS = 24


def _write(
    path: Path,
    *,
    seconds: float,
    size: tuple[int, int] = (1280, 720),
    gop: int | None = 2 * FPS,
    codec: str = "libx264",
    preset: str = "veryfast",
    also: Sequence[tuple[Path, tuple[int, int]]] = (),
) -> Path:
    """An MP4 of a moving gradient + AAC-LC 48 kHz stereo tone, like the storyboard's assembled file.

    ``gop`` set: libx264 keyframes exactly every ``gop`` frames (``keyint=gop:min-keyint=gop:scenecut=0``,
    or ``gop_size`` for another encoder); None: the encoder's own defaults (libx264: one keyframe
    in up to 250 frames, plus scene cuts). ``also``: more files, each of the same frames scaled to
    its size and encoded in the same pass with the same settings (the generation worker's 360p
    rendition). The top eighth of every frame shows its index as 8 black or white blocks
    (:func:`_frame_index` reads it back).
    """
    w, h = size
    frames = round(seconds * FPS)
    x = np.arange(w, dtype=np.int64)[None, :]
    y = np.arange(h, dtype=np.int64)[:, None]
    with contextlib.ExitStack() as stack:
        outs: list[tuple[Any, Any, Any]] = []
        for file, (ow, oh) in [(path, size), *also]:
            out = stack.enter_context(av.open(str(file), "w", format="mp4", options={"movflags": "+faststart"}))
            options = {"preset": preset, "crf": "20"} if codec == "libx264" else {}
            if gop is not None and codec == "libx264":
                options["x264-params"] = f"keyint={gop}:min-keyint={gop}:scenecut=0"
            video = out.add_stream(codec, rate=FPS, options=options)
            video.width, video.height, video.pix_fmt = ow, oh, "yuv420p"
            if gop is not None:
                video.gop_size = gop
            audio = out.add_stream("aac", rate=48000, layout="stereo")
            audio.bit_rate = 128_000
            outs.append((out, video, audio))
        for i in range(frames):
            img = np.empty((h, w, 3), np.uint8)
            img[..., 0] = ((x + 8 * i) % 256).astype(np.uint8)
            img[..., 1] = (y * 255 // h).astype(np.uint8)
            img[..., 2] = i * 255 // frames
            for bit in range(8):
                img[: h // 8, bit * w // 8 : (bit + 1) * w // 8] = 255 if i >> bit & 1 else 0
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            for out, video, _ in outs:
                scaled = frame.reformat(width=video.width, height=video.height, format="yuv420p")
                scaled.pts, scaled.time_base = i, Fraction(1, FPS)
                out.mux(video.encode(scaled))
        for start in range(0, frames * 48000 // FPS, 1024):
            t = np.arange(start, start + 1024) / 48000
            tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
            for out, _, audio in outs:
                aframe = av.AudioFrame.from_ndarray(np.stack([tone, tone]), format="fltp", layout="stereo")
                aframe.sample_rate, aframe.pts = 48000, start
                out.mux(audio.encode(aframe))
        for out, video, audio in outs:
            out.mux(video.encode(None))
            out.mux(audio.encode(None))
    return path


def _frame_index(image: Path) -> int:
    """The frame index :func:`_write` drew into a picture (at any size, after JPEG)."""
    gray = np.asarray(Image.open(image).convert("L"), dtype=np.int64)
    h, w = gray.shape
    return sum(1 << bit for bit in range(8) if gray[h // 16, (2 * bit + 1) * w // 16] > 127)


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


SAMPLE_FRAMES = 187  # the sample job: 7.79 s at 24 fps


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The generation worker's output: the MP4 (720p) and the 360p rendition from the same pass."""
    d = tmp_path_factory.mktemp("packaging-pair")
    low = d / "video.360p.mp4"
    return _write(d / "video.mp4", seconds=SAMPLE_FRAMES / FPS, also=[(low, (640, 360))]), low


@pytest.fixture(scope="module")
def both_ways(
    pair: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[tuple[Path, Packaged], tuple[Path, Packaged]]:
    """The pair packaged with the 360p rung encoded (one full decode) and with both rungs copied."""
    source, low = pair
    full, copied = tmp_path_factory.mktemp("full-decode"), tmp_path_factory.mktemp("copied")
    return (full, package(source, full)), (copied, package(source, copied, rung_sources={"360p": low}))


def _expected_frame(target_s: float) -> int:
    """The frame index the stills' rule picks: the first frame at or after ``target_s``, or the last."""
    return next((i for i in range(SAMPLE_FRAMES) if i / FPS >= target_s), SAMPLE_FRAMES - 1)


def test_copied_renditions_give_the_stills_a_full_decode_picks(
    both_ways: tuple[tuple[Path, Packaged], tuple[Path, Packaged]], pair: tuple[Path, Path]
) -> None:
    (full_dir, full), (copied_dir, copied) = both_ways
    assert [r.copied for r in full.renditions] == [True, False]
    assert [r.copied for r in copied.renditions] == [True, True]
    duration_s = probe(pair[0])
    targets = dict((name, t) for t, name in still_targets(duration_s))
    # the poster: the same 720p frame, so the same pixels
    old_poster = np.asarray(Image.open(full_dir / full.poster))
    new_poster = np.asarray(Image.open(copied_dir / copied.poster))
    assert new_poster.shape == (720, 1280, 3)
    assert np.array_equal(new_poster, old_poster)
    assert _frame_index(copied_dir / copied.poster) == _expected_frame(targets["poster"])
    # the thumbnails: the same frames, taken from the 360p file (so not the same pixels)
    assert copied.thumbnails == full.thumbnails
    assert len(copied.thumbnails) == 4
    for thumb in copied.thumbnails:
        with Image.open(copied_dir / thumb) as image:
            assert image.size == (320, 180)
        expected = _expected_frame(targets[Path(thumb).stem])
        assert _frame_index(copied_dir / thumb) == _frame_index(full_dir / thumb) == expected


def test_copied_renditions_decode_only_from_each_stills_keyframe(
    both_ways: tuple[tuple[Path, Packaged], tuple[Path, Packaged]], pair: tuple[Path, Path]
) -> None:
    (_, full), (_, copied) = both_ways
    gop = 2 * FPS
    assert full.decoded_frames == SAMPLE_FRAMES  # encoding the 360p rung decodes every frame
    targets = still_targets(probe(pair[0]))
    assert copied.decoded_frames <= len(targets) * gop
    # Each still costs its frame's place in its GOP, plus at most the B-frames (libx264 veryfast:
    # up to 3) whose references come after them in display order but before in decoding order.
    places = [_expected_frame(t) % gop + 1 for t, _ in targets]
    assert sum(places) <= copied.decoded_frames <= sum(min(gop, p + 3) for p in places)
    assert copied.decoded_frames < SAMPLE_FRAMES
