"""Render a Telugu scene GOP by GOP in two runs, mux it, and decode the MP4 to check what was made."""

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
from services.render.metrics import UNKNOWN_DIFFERENCE, measure_frame
from services.render.storyboard import (
    FPS,
    GOP_FRAMES,
    HEIGHT,
    MASTER_AUDIO_RATE,
    NARRATION_FILE,
    SUBTITLE_BAND,
    WIDTH,
    AssemblyReport,
    GopRender,
    RenderError,
    ShotSource,
    draw,
    draw_frame,
    encode_gops,
    encode_narration,
    finished_gops,
    gop_count,
    mux,
    narrate,
    plan_runs,
    render,
    shots_of_gops,
    storyboard_source,
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
    sources: list[ShotSource]
    gops: dict[int, GopRender]
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


def spoken_sources(sl: prompt_pb2.ShotList, work: Path) -> list[ShotSource]:
    out = []
    for i in range(len(sl.shots)):
        audio, ms = narrate(sl, i, work)
        out.append(dataclasses.replace(storyboard_source(sl, i), audio_path=audio, narration_ms=ms))
    return out


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    """Three 2 s shots (144 frames, 3 GOPs) encoded as two runs, as two render processes would."""
    work = tmp_path_factory.mktemp("storyboard")
    sl = make_shot_list(movement=a.CAMERA_MOVEMENT_DOLLY_IN)
    sources = spoken_sources(sl, work)
    runs = plan_runs(range(gop_count(sl)), 2)
    assert runs == [[0, 1], [2]]
    gops = {g.index: g for run in runs for g in encode_gops(sl, {s.index: s for s in sources}, run, work)}
    encode_narration(sl, sources, work / NARRATION_FILE)
    report = mux(sl, sources, gops, work / "scene.mp4")
    yield Scene(sl, sources, gops, decode(work / "scene.mp4", report), work)


def mad(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.abs(x - y)))


def test_gops_and_narration_are_the_checkpoints(scene: Scene) -> None:
    assert [s.frame_count for s in scene.sources] == [48 + TAIL_FRAMES, 48 + TAIL_FRAMES, 48]
    assert all(s.frames_path is None for s in scene.sources)  # the storyboard keeps no pixels
    assert finished_gops(scene.shot_list, scene.work) == scene.gops
    for gop in scene.gops.values():
        assert gop.frames == GOP_FRAMES == len(gop.luma) == len(gop.luminance)
        for spec in enc.RENDITIONS:
            with av.open(gop.paths[spec.name]) as c:
                v = c.streams.video[0]
                assert (v.codec_context.name, v.width, v.height) == ("h264", spec.width, spec.height)
                packets = [p for p in c.demux(v) if p.size]
                assert len(packets) == GOP_FRAMES
                assert min(packets, key=lambda p: p.pts or 0).is_keyframe
                assert sum(p.is_keyframe for p in packets) == 1  # closed GOP: one IDR, at its start
    for source, span in zip(scene.sources, spans(scene.shot_list), strict=True):
        assert source.audio_path is not None
        with wave.open(source.audio_path) as w:
            assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
            assert 300 < source.narration_ms <= span.duration_ms
            assert abs(w.getnframes() * 1000 // w.getframerate() - source.narration_ms) <= 1
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
    for source, shot in zip(scene.sources, scene.shot_list.shots, strict=True):
        a0 = (shot.start_ms + 100) * rate // 1000
        a1 = (shot.start_ms + source.narration_ms - 100) * rate // 1000
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
    assert outside < 3.0  # H.264 loss of the one encode
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
    report = render(sl, tmp_path, tmp_path / "silent.mp4", narration=False, subtitles=False)
    assert storyboard_source(sl, 0).frame_count == FPS  # the last shot has no tail
    assert not (tmp_path / "shot_00.wav").exists()
    assert report.has_audio and report.audio_codec == "aac" and report.frame_count == FPS
    with av.open(report.path) as c:
        audio = np.concatenate([f.to_ndarray() for f in c.decode(audio=0)], axis=1)
    assert audio.shape[1] >= MASTER_AUDIO_RATE * 0.95
    assert float(np.abs(audio).max()) < 1e-3


def test_missing_gops_or_sources_are_refused(scene: Scene, tmp_path: Path) -> None:
    partial = {g: gop for g, gop in scene.gops.items() if g != 1}
    with pytest.raises(RenderError) as info:
        mux(scene.shot_list, scene.sources, partial, scene.work / "missing.mp4")
    assert info.value.reason == "SHOT_MISSING" and info.value.metadata["gops"] == "1"
    stale = {0: dataclasses.replace(scene.sources[0], frame_count=5), 1: scene.sources[1]}
    with pytest.raises(RenderError) as info:
        encode_gops(scene.shot_list, stale, [0], tmp_path)
    assert info.value.reason == "SHOT_MISSING"
    with pytest.raises(RenderError) as info:  # shot 1's frames are in GOP 1, its source is not given
        encode_gops(scene.shot_list, {0: scene.sources[0]}, [1], tmp_path)
    assert info.value.reason == "SHOT_MISSING"
    assert not finished_gops(scene.shot_list, tmp_path)  # nothing half-written counts as finished
    with pytest.raises(ValueError):
        encode_gops(scene.shot_list, {s.index: s for s in scene.sources}, [0, 2], tmp_path)


@pytest.mark.parametrize("failing", ["720p", "360p"])
def test_an_encoder_failing_mid_run_fails_the_run_and_keeps_only_the_gops_finished_before(
    failing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An encoder that fails in its GOP 1 (either pipeline stage): the run raises ENCODE_FAILED
    instead of hanging, GOP 0 stays committed and nothing of GOPs 1-2 counts as finished."""
    sl = make_shot_list(shots=3, duration_ms=2000)  # 144 frames: GOPs 0-2
    sources = {i: storyboard_source(sl, i) for i in range(3)}

    class FailingEncoder(enc._RenditionEncoder):
        def encode(self, frame: av.VideoFrame, index: int) -> av.VideoFrame:
            if self.spec.name == failing and index == GOP_FRAMES + 20:
                raise OSError(28, "No space left on device")
            return super().encode(frame, index)

    monkeypatch.setattr(enc, "_RenditionEncoder", FailingEncoder)
    with pytest.raises(RenderError) as info:
        encode_gops(sl, sources, [0, 1, 2], tmp_path)
    assert info.value.reason == "ENCODE_FAILED" and "No space left" in str(info.value)
    assert sorted(finished_gops(sl, tmp_path)) == [0]
    assert not list(tmp_path.glob("*.partial*"))  # the unfinished GOP's files were dropped


def test_resumed_render_encodes_only_unfinished_gops_and_draws_only_their_shots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job stopped after its first GOP: the next render encodes GOPs 1 and 2 only, and never
    sets up a painter for shot 0, whose frames all lie in the finished GOP."""
    sl = make_shot_list(shots=3, duration_ms=1500)  # shots at frames 0-36, 36-72, 72-108
    sources = {i: storyboard_source(sl, i) for i in range(3)}
    first = encode_gops(sl, sources, [0], tmp_path)
    stamp = Path(first[0].paths["720p"]).stat().st_mtime_ns
    encoded: list[list[int]] = []
    drawn: list[int] = []
    real_encode = enc.encode_gops

    def counting_encode(*args: Any, **kwargs: Any) -> list[GopRender]:
        encoded.append(list(args[2]))
        return real_encode(*args, **kwargs)

    class CountingPainter(draw.ShotPainter):
        def __init__(self, shot_list: prompt_pb2.ShotList, index: int, **kwargs: Any) -> None:
            drawn.append(index)
            super().__init__(shot_list, index, **kwargs)

    draw.painter_of.cache_clear()
    monkeypatch.setattr(enc, "encode_gops", counting_encode)
    monkeypatch.setattr(draw, "ShotPainter", CountingPainter)
    report = render(sl, tmp_path, tmp_path / "video.mp4", narration=False)
    draw.painter_of.cache_clear()
    assert encoded == [[1, 2]]
    assert shots_of_gops(sl, [1, 2]) == {1, 2}  # shot 0's 36 frames and its 12-frame tail end at 48
    assert 0 not in drawn and sorted(set(drawn)) == [1, 2]
    assert Path(first[0].paths["720p"]).stat().st_mtime_ns == stamp  # the finished GOP was left alone
    assert report.frame_count == 108
    # frame 47, before the run, blends shot 0's tail, which the run does not draw: its first
    # difference stays unknown rather than costing shot 0's painter
    assert report.metrics is not None and report.metrics.difference[48] == UNKNOWN_DIFFERENCE
    assert min(report.metrics.difference[49:]) >= 0


def test_quality_check_rejects_a_wrong_duration(scene: Scene) -> None:
    with pytest.raises(RenderError) as info:
        quality_check(Path(scene.out.report.path), scene.shot_list.total_duration_ms * 2)
    assert info.value.reason == "QC_FAILED"
    assert info.value.metadata["check"] == "duration"


def test_mp4_and_both_renditions_come_from_one_encode_each(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every frame passes through exactly one encoder per rendition (one encoder per rendition per
    run of GOPs), nothing made along the way is decoded, the mux encodes nothing; publishing then
    segments both renditions without any encoder or re-decode of an intermediate file, and the
    frame measurements come out of the same pass."""
    encoders: list[tuple[str, int, int]] = []
    frames_in: dict[str, int] = {}
    opened: list[str] = []

    class CountingEncoder(enc._RenditionEncoder):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            encoders.append((self.spec.name, self.spec.width, self.spec.height))

        def encode(self, frame: av.VideoFrame, index: int) -> av.VideoFrame:
            frames_in[self.spec.name] = frames_in.get(self.spec.name, 0) + 1
            return super().encode(frame, index)

    class NoDecode:
        """An input container that may be demuxed but not decoded."""

        def __init__(self, container: Any) -> None:
            self._container = container

        def __enter__(self) -> NoDecode:
            return self

        def __exit__(self, *exc: object) -> None:
            self._container.close()

        def decode(self, *args: Any, **kwargs: Any) -> Any:
            raise AssertionError("an intermediate file was decoded")

        def __getattr__(self, name: str) -> Any:
            return getattr(self._container, name)

    real_open = av.open

    def open_without_decoding(file: Any, mode: Any = "r", **kwargs: Any) -> Any:
        container = real_open(file, mode, **kwargs)
        if mode != "r":
            return container
        opened.append(Path(str(file)).name)
        return NoDecode(container)

    monkeypatch.setattr(enc, "_RenditionEncoder", CountingEncoder)
    monkeypatch.setattr(av, "open", open_without_decoding)
    report = render(scene.shot_list, tmp_path / "work", tmp_path / "video.mp4", parts=1)
    monkeypatch.setattr(av, "open", real_open)
    frames = scene.shot_list.total_duration_ms * FPS // 1000
    assert encoders == [("720p", WIDTH, HEIGHT), ("360p", 640, 360)]  # one run: one encoder each
    assert frames_in == {"720p": frames, "360p": frames}
    assert {name.split(".")[0] for name in opened} >= {"gop_0000", "gop_0001", "gop_0002", "narration"}
    assert dict(report.renditions) == {"360p": str(tmp_path / "video.360p.mp4")}

    assert report.metrics is not None and len(report.metrics.times_s) == frames == report.frame_count
    assert report.metrics.duration_s == pytest.approx(frames / FPS)
    # the measurements match those of the decoded file within coding noise
    with av.open(report.path) as c:
        again = [measure_frame(f) for f in c.decode(video=0)]
    assert np.allclose([a for a, _ in again], report.metrics.luminance, atol=0.01)
    assert np.allclose([b for _, b in again], report.metrics.luma, atol=2.0)
    # the scene's two runs joined give the frames of this one run, within coding noise
    with av.open(report.path) as c:
        joined = [f.to_ndarray(format="rgb24").astype(np.float32) for f in c.decode(video=0)]
    # (two encodes of the same frames; detailed icons make the coding noise about 1 level)
    assert max(mad(x, y) for x, y in zip(joined, (scene.out.frame(k) for k in range(frames)), strict=True)) < 1.5

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


def test_warm_up_draws_and_encodes_every_rendition_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A render process's warm-up goes through the drawing, every rendition's encoder and the
    measuring, and deletes the files its encoders wrote."""
    frames_in: dict[str, int] = {}
    packets: dict[str, int] = {}

    class CountingEncoder(enc._RenditionEncoder):
        def encode(self, frame: av.VideoFrame, index: int) -> av.VideoFrame:
            frames_in[self.spec.name] = frames_in.get(self.spec.name, 0) + 1
            return super().encode(frame, index)

        def _write(self, packet: av.Packet[Any]) -> None:
            packets[self.spec.name] = packets.get(self.spec.name, 0) + 1
            super()._write(packet)

    monkeypatch.setattr(enc, "_RenditionEncoder", CountingEncoder)
    enc.warm_up(tmp_path)
    assert frames_in == {"720p": enc.WARM_UP_FRAMES, "360p": enc.WARM_UP_FRAMES}
    assert packets == frames_in  # the encoders were flushed: every frame came out
    assert list(tmp_path.iterdir()) == []


def test_the_storyboard_provider_starts_no_render_process_when_it_is_made() -> None:
    """The pool's processes start on first use (tests/integration/test_render_pool.py), not when
    the provider is made: a process that never renders (the generation service under
    ``drishya up``) holds none."""
    import time

    from services.render.providers import StoryboardProvider

    provider = StoryboardProvider(2)
    try:
        time.sleep(0.5)
        assert not provider.running and provider.pids() == []
    finally:
        provider.close()


def test_two_runs_measure_every_frame_as_one_run_does(tmp_path: Path) -> None:
    """The second run measures its first frame against the frame before it (drawn for that alone),
    so splitting the GOPs into runs changes no frame's measurements."""
    sl = make_shot_list(shots=2, duration_ms=3000, transitions=(a.TRANSITION_CROSSFADE,))  # GOPs 0-2
    sources = {i: storyboard_source(sl, i) for i in range(2)}
    one = encode_gops(sl, sources, [0, 1, 2], tmp_path / "one")
    two = [g for run in ([0, 1], [2]) for g in encode_gops(sl, sources, run, tmp_path / "two")]
    assert [g.index for g in one] == [g.index for g in two] == [0, 1, 2]
    for a_gop, b_gop in zip(one, two, strict=True):
        assert a_gop.difference == b_gop.difference
        assert a_gop.luma == b_gop.luma and a_gop.luminance == b_gop.luminance
    assert [d < 0 for g in two for d in g.difference].count(True) == 1  # frame 0 only
