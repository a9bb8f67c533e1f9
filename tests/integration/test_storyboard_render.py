"""Render a Telugu scene shot by shot, assemble it, and decode the MP4 to check what was made."""

from __future__ import annotations

import dataclasses
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from drishya.analysis.v1 import analysis_pb2 as a
from drishya.prompt.v1 import prompt_pb2
from services.delivery import packaging
from services.delivery.packaging import copy_blocker
from services.render.metrics import measure_frame
from services.render.storyboard import (
    FPS,
    HEIGHT,
    MASTER_AUDIO_RATE,
    SUBTITLE_BAND,
    WIDTH,
    AssemblyReport,
    RenderError,
    ShotRender,
    assemble,
    draw_frame,
    render_shot,
)
from services.render.storyboard import encode as enc
from services.render.storyboard.encode import FINAL_GOP_S, quality_check
from services.render.storyboard.timeline import TAIL_FRAMES, spans
from tests.unit.test_storyboard_draw import make_shot_list


@dataclass
class Decoded:
    report: AssemblyReport
    frames: list[np.ndarray]

    def frame(self, k: int) -> np.ndarray:
        return self.frames[k].astype(np.float32)

    audio: np.ndarray  # (channels, samples) float32
    audio_rate: int
    video_codec: str
    audio_codec: str
    size: tuple[int, int]
    rate: Fraction | None
    duration_s: float


@dataclass
class Scene:
    shot_list: prompt_pb2.ShotList
    renders: list[ShotRender]
    out: Decoded
    work: Path


def decode(path: Path, report: AssemblyReport) -> Decoded:
    with av.open(str(path)) as c:
        v, s = c.streams.video[0], c.streams.audio[0]
        info = (v.codec_context.name, s.codec_context.name, (v.width, v.height), v.average_rate, c.duration)
        frames = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]  # uint8: 2.7 MB each
    with av.open(str(path)) as c:
        rate = c.streams.audio[0].sample_rate
        audio = np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)
    return Decoded(report, frames, audio, rate, info[0], info[1], info[2], info[3], (info[4] or 0) / 1e6)


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    work = tmp_path_factory.mktemp("storyboard")
    sl = make_shot_list(movement=a.CAMERA_MOVEMENT_DOLLY_IN)
    renders = [render_shot(sl, i, work) for i in range(len(sl.shots))]
    report = assemble(sl, renders, work / "scene.mp4")
    yield Scene(sl, renders, decode(work / "scene.mp4", report), work)


def mad(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.abs(x - y)))


def test_shot_files_are_checkpoints(scene: Scene) -> None:
    plan = spans(scene.shot_list)
    assert [r.index for r in scene.renders] == [0, 1, 2]
    assert [r.frame_count for r in scene.renders] == [48 + TAIL_FRAMES, 48 + TAIL_FRAMES, 48]
    for render, span in zip(scene.renders, plan, strict=True):
        with av.open(render.video_path) as c:
            assert len(c.streams.audio) == 0
            v = c.streams.video[0]
            assert (v.codec_context.name, v.width, v.height) == ("h264", WIDTH, HEIGHT)
            assert v.average_rate == FPS
            assert sum(1 for _ in c.decode(video=0)) == span.rendered_frames
        assert render.audio_path is not None
        with wave.open(render.audio_path) as w:
            assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
            assert 300 < render.narration_ms <= span.duration_ms
            assert abs(w.getnframes() * 1000 // w.getframerate() - render.narration_ms) <= 1
    assert not list(scene.work.glob(".*partial*"))  # every write finished with a rename


def test_output_streams_size_and_duration(scene: Scene) -> None:
    out = scene.out
    assert out.video_codec == "h264" and out.audio_codec == "aac"
    assert out.size == (WIDTH, HEIGHT) and out.rate == FPS
    assert len(out.frames) == scene.shot_list.total_duration_ms * FPS // 1000
    assert abs(out.duration_s * 1000 - scene.shot_list.total_duration_ms) <= 0.1 * scene.shot_list.total_duration_ms
    assert out.report == dataclasses.replace(out.report, width=WIDTH, height=HEIGHT, has_audio=True)
    assert out.report.video_codec == "h264" and out.report.audio_codec == "aac"
    assert out.audio_rate == MASTER_AUDIO_RATE


def test_keyframes_fall_exactly_every_48_frames(scene: Scene) -> None:
    """A fixed 2 s keyframe grid and no scene-cut keyframes (libx264's defaults put one at frame 102)."""
    path = Path(scene.out.report.path)
    with av.open(str(path)) as c:
        packets = sorted((p.pts, p.is_keyframe) for p in c.demux(c.streams.video[0]) if p.size)
    assert FINAL_GOP_S * FPS == 48
    assert len(packets) == 144
    assert [k for k, (_, key) in enumerate(packets) if key] == [0, 48, 96]
    # so delivery copies this stream into its top HLS rendition instead of re-encoding it
    assert copy_blocker(path, WIDTH, HEIGHT) is None


def test_narration_is_audible_where_it_is_spoken(scene: Scene) -> None:
    audio = scene.out.audio[0]
    rate = scene.out.audio_rate
    for render, shot in zip(scene.renders, scene.shot_list.shots, strict=True):
        a0 = (shot.start_ms + 100) * rate // 1000
        a1 = (shot.start_ms + render.narration_ms - 100) * rate // 1000
        assert float(np.sqrt(np.mean(audio[a0:a1] ** 2))) > 0.02, shot.index
    assert float(np.abs(scene.out.audio).max()) <= 1.0


def test_subtitle_band_differs_from_bare_frame_only_inside_the_band(scene: Scene) -> None:
    k = 48 + 24  # one second into shot 1, past the crossfade
    decoded = scene.out.frame(k)
    bare = np.asarray(draw_frame(scene.shot_list, 1, 1.0, subtitles=False), dtype=np.float32)
    top, bottom = SUBTITLE_BAND
    inside = mad(decoded[top:bottom], bare[top:bottom])
    outside = mad(np.concatenate([decoded[:top], decoded[bottom:]]), np.concatenate([bare[:top], bare[bottom:]]))
    assert inside > 10
    assert outside < 4.5  # H.264 loss twice over (shot file, then the final encode)
    assert outside < inside / 3


def test_crossfade_frames_are_blends_of_both_shots(scene: Scene) -> None:
    j = TAIL_FRAMES // 2
    k = 48 + j  # overlap frame j: shot 0 tail frame 48 + j dissolving into shot 1 head frame j
    tail = np.asarray(draw_frame(scene.shot_list, 0, (48 + j) / FPS), dtype=np.float32)
    head = np.asarray(draw_frame(scene.shot_list, 1, j / FPS), dtype=np.float32)
    alpha = (j + 0.5) / TAIL_FRAMES
    blend = tail * (1 - alpha) + head * alpha
    decoded = scene.out.frame(k)
    assert mad(decoded, blend) < 4
    assert mad(decoded, tail) > 2 * mad(decoded, blend)
    assert mad(decoded, head) > 2 * mad(decoded, blend)


def test_fade_to_black_dips_to_black_and_cut_follows(scene: Scene) -> None:
    frame = scene.out.frame
    mid = 96 + TAIL_FRAMES // 2  # shot 1 ends with FADE_TO_BLACK into shot 2
    assert frame(mid).mean() < 12
    assert frame(96 - 1).mean() > 40 and frame(96 + TAIL_FRAMES).mean() > 40


def test_shot_without_narration_assembles_with_a_silent_audio_track(tmp_path: Path) -> None:
    sl = make_shot_list(shots=1, duration_ms=1000)
    render = render_shot(sl, 0, tmp_path, narration=False, subtitles=False)
    assert render.audio_path is None and render.narration_ms == 0
    assert render.frame_count == FPS  # the last shot has no tail
    assert not (tmp_path / "shot_00.wav").exists()
    report = assemble(sl, [render], tmp_path / "silent.mp4")
    assert report.has_audio and report.audio_codec == "aac" and report.frame_count == FPS
    with av.open(report.path) as c:
        audio = np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)
    assert audio.shape[1] >= MASTER_AUDIO_RATE * 0.95
    assert float(np.abs(audio).max()) < 1e-3


def test_missing_or_stale_renders_are_refused(scene: Scene) -> None:
    with pytest.raises(RenderError) as info:
        assemble(scene.shot_list, scene.renders[:2], scene.work / "missing.mp4")
    assert info.value.reason == "SHOT_MISSING"
    stale = [*scene.renders[:2], dataclasses.replace(scene.renders[2], frame_count=5)]
    with pytest.raises(RenderError) as info:
        assemble(scene.shot_list, stale, scene.work / "stale.mp4")
    assert info.value.reason == "SHOT_MISSING"


def test_quality_check_rejects_a_wrong_duration(scene: Scene) -> None:
    with pytest.raises(RenderError) as info:
        quality_check(Path(scene.out.report.path), scene.shot_list.total_duration_ms * 2)
    assert info.value.reason == "QC_FAILED"
    assert info.value.metadata["check"] == "duration"


def test_mp4_and_both_renditions_come_from_one_encode_each(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assembly instantiates one H.264 encoder per rendition and decodes each lossless shot
    checkpoint once; publishing then segments both renditions without any encoder or re-decode
    of an intermediate file, and the frame measurements come out of the same pass."""
    encoders: list[tuple[int, int]] = []
    decoded: list[int] = []

    class CountingOut(enc._VideoOut):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            encoders.append((self.stream.width, self.stream.height))

    real_decode = enc._decode

    def counting_decode(render: ShotRender) -> Iterator[av.VideoFrame]:
        decoded.append(render.index)
        return real_decode(render)

    monkeypatch.setattr(enc, "_VideoOut", CountingOut)
    monkeypatch.setattr(enc, "_decode", counting_decode)
    report = assemble(scene.shot_list, scene.renders, tmp_path / "video.mp4")
    assert encoders == [(WIDTH, HEIGHT), (640, 360)]
    assert decoded == [0, 1, 2]
    assert dict(report.renditions) == {"360p": str(tmp_path / "video.360p.mp4")}

    frames = scene.shot_list.total_duration_ms * FPS // 1000
    assert report.metrics is not None and len(report.metrics.times_s) == frames == report.frame_count
    assert report.metrics.duration_s == pytest.approx(frames / FPS)
    # the measurements match those of the decoded file within coding noise
    with av.open(report.path) as c:
        again = [measure_frame(f) for f in c.decode(video=0)]
    assert np.allclose([a for a, _ in again], report.metrics.luminance, atol=0.01)
    assert np.allclose([b for _, b in again], report.metrics.luma, atol=2.0)

    class NoEncoder:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise AssertionError("publishing must not encode a rendition")

    monkeypatch.setattr(packaging, "_Output", NoEncoder)
    out = tmp_path / "package"
    out.mkdir()
    packaged = packaging.package(Path(report.path), out, rung_sources={"360p": tmp_path / "video.360p.mp4"})
    assert [(r.name, r.width, r.height, r.copied) for r in packaged.renditions] == [
        ("720p", WIDTH, HEIGHT, True),
        ("360p", 640, 360, True),
    ]
    for r in packaged.renditions:
        segments = sorted((out / r.playlist).parent.glob("seg_*.ts"))
        assert len(segments) == r.segment_count == 3
        count = 0
        for seg in segments:
            with av.open(str(seg)) as c:
                assert (c.streams.video[0].width, c.streams.video[0].height) == (r.width, r.height)
                assert c.streams.audio[0].codec_context.name == "aac"
                count += sum(1 for _ in c.decode(video=0))
        assert count == frames
    assert (out / packaged.poster).is_file() and len(packaged.thumbnails) == 3


def test_renditions_cap_their_peak_bit_rate_to_the_ladder() -> None:
    """CRF for the MP4 and an average rate for 360p, both under a VBV cap of 1.1x the rung's rate."""
    top, low = enc.RENDITIONS
    assert (top.width, top.height, low.width, low.height) == (WIDTH, HEIGHT, 640, 360)
    for spec, rung in zip(enc.RENDITIONS, packaging.LADDER, strict=True):
        options = spec.options()
        assert (spec.name, spec.video_bps) == (rung.name, rung.video_bps)
        assert options["maxrate"] == str(rung.video_bps * 11 // 10)
        assert options["bufsize"] == str(rung.video_bps * 2)
        assert options["profile"] == "high"
        assert "keyint=48:min-keyint=48:scenecut=0" in options["x264-params"]
