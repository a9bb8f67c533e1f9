"""Per-shot rendering to files, and assembly of the shots into the renditions in one pass, with QC.

``render_shot`` writes ``shot_NN.mp4`` (lossless H.264, ``qp=0``, video only) and ``shot_NN.wav``
(narration, mono PCM16 at eSpeak NG's rate); both are written to a temporary name and renamed, so a
file that exists is complete and a resumed job can trust it. The checkpoint is the drawn frames,
losslessly, rather than the draw parameters: a provider clip cannot be drawn again, drawing costs
more than decoding, and a resumed job then redoes only its unfinished shots; being lossless, the
renditions' encode is the only lossy step every frame goes through. ``assemble`` decodes each
shot once and, staying in ``yuv420p`` (no RGB round trip), blends each shot's tail with the next
shot's head (dissolve, or a dip through black); it mixes the narration once at each shot's start
on a 48 kHz stereo bus with a peak limiter, and encodes every rendition of :data:`RENDITIONS`
from the same frames (libx264, an IDR keyframe exactly every ``FINAL_GOP_S`` seconds and nowhere
else, VBV-capped; AAC) into MP4s with the index up front (``movflags=+faststart``), measures each
frame for the video checks, and checks the result.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import threading
import wave
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import numpy.typing as npt
from av.video.frame import PictureType
from av.video.reformatter import VideoReformatter
from PIL import Image

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2

from ..metrics import FrameMetrics, measure_frame
from . import tts
from .constants import FPS, HEIGHT, MASTER_AUDIO_RATE, SUBTITLE_BAND, WIDTH
from .draw import ShotPainter
from .errors import RenderError
from .subtitles import subtitle_overlay
from .timeline import ShotSpan, spans, validate

SHOT_OPTIONS = {"preset": "ultrafast", "qp": "0"}
"""Shot checkpoints are lossless H.264 (``qp=0``) of the same ``yuv420p`` frames the final encode
gets: assembly decodes them once and the only lossy encode of each frame is the rendition's."""
FINAL_CRF = 20
PRESET = "veryfast"
FINAL_GOP_S = 2
"""Keyframe spacing of the renditions in seconds (48 frames at 24 fps): the delivery service's
HLS segment length (``services.delivery.packaging.SEGMENT_S``), so it copies each rendition's
packets into 2 s segments that each start on a keyframe instead of re-encoding them."""


@dataclass(frozen=True)
class RenditionSpec:
    """One rendition made by :func:`assemble`: frame size, rate control and AAC bit rate.

    ``crf`` None means average bit rate ``video_bps``; either way the peak is capped with the VBV
    (``maxrate`` = 1.1 x ``video_bps``, ``bufsize`` = 2 x ``video_bps``), the same cap the delivery
    service's ladder encoder uses (``services.delivery.packaging.LADDER``: 720p at 2.5 Mbit/s,
    360p at 800 kbit/s), so the measured peak it advertises in the master playlist stays near it.
    """

    name: str
    width: int
    height: int
    video_bps: int
    audio_bps: int
    crf: int | None = None

    def options(self) -> dict[str, str]:
        """libx264 options: preset, High profile, rate control and the fixed keyframe grid."""
        gop = FINAL_GOP_S * FPS
        rate = {"crf": str(self.crf)} if self.crf is not None else {"b": str(self.video_bps)}
        return {
            "preset": PRESET,
            "profile": "high",
            **rate,
            "maxrate": str(self.video_bps * 11 // 10),
            "bufsize": str(self.video_bps * 2),
            "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:open-gop=0",
        }


#: The MP4 (also the 720p HLS rendition) first, then the lower rungs, all from one pass.
RENDITIONS: tuple[RenditionSpec, ...] = (
    RenditionSpec("720p", WIDTH, HEIGHT, 2_500_000, 128_000, crf=FINAL_CRF),
    RenditionSpec("360p", 640, 360, 800_000, 96_000),
)
AUDIO_BITRATE = 128_000
AAC_FRAME = 1024
ENCODE_QUEUE = 6
"""Frames buffered between the drawing thread and the encoding thread (2.7 MB each)."""
PEAK = 0.89
"""Limiter ceiling (-1 dBFS) for the narration bus."""
QC_TOLERANCE = 0.10
SILENCE_RMS = 8.0
"""Narration quieter than this RMS (int16 units) counts as silent and is not written."""

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class ShotRender:
    """What a rendered shot left on disk (plain fields, safe to checkpoint as JSON).

    ``video_path``: lossless H.264 MP4, video only, WIDTH x HEIGHT at FPS, ``frame_count`` frames (the shot's
    own frames plus the crossfade tail). ``audio_path``: mono PCM16 WAV of the narration, or None
    when narration is off or the line is blank. ``narration_ms``: length of that WAV.
    """

    index: int
    video_path: str
    audio_path: str | None
    frame_count: int
    narration_ms: int


@dataclass(frozen=True)
class AssemblyReport:
    """The assembled file as read back by QC: duration in ms, frames, size and codecs.

    ``renditions``: (name, path) of the lower renditions written in the same pass (MP4 files next
    to ``path``); ``metrics``: every frame measured as it was encoded (for the video checks).
    """

    path: str
    duration_ms: int
    frame_count: int
    width: int
    height: int
    has_audio: bool
    video_codec: str
    audio_codec: str | None
    renditions: tuple[tuple[str, str], ...] = ()
    metrics: FrameMetrics | None = None


class _VideoOut:
    """An H.264 stream at ``FPS`` in ``container`` with libx264 ``options``, ``width`` x ``height``.

    Frames of another size are scaled (libswscale, bilinear, as the delivery ladder did) before
    encoding; with ``gop`` set the stream's GOP size is that many frames (the options place the
    keyframes, see :class:`RenditionSpec`).
    """

    def __init__(
        self,
        container: av.container.OutputContainer,
        options: dict[str, str],
        *,
        width: int = WIDTH,
        height: int = HEIGHT,
        gop: int | None = None,
    ) -> None:
        stream = container.add_stream("libx264", rate=FPS, options=options)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if gop is not None:
            stream.gop_size = gop
        self.container, self.stream, self.count = container, stream, 0
        self.scaler = VideoReformatter()  # its own scaling context, reused frame after frame

    def write(self, rgb: Frame) -> None:
        self.write_frame(av.VideoFrame.from_ndarray(rgb, format="rgb24"))

    def write_frame(self, frame: av.VideoFrame) -> av.VideoFrame:
        """Encode ``frame`` as the next frame (its own timing and picture type are replaced); returns
        the frame encoded, scaled to this stream's size."""
        if (frame.width, frame.height) != (self.stream.width, self.stream.height):
            frame = self.scaler.reformat(frame, width=self.stream.width, height=self.stream.height, format="yuv420p")
        frame.pts, frame.time_base = self.count, Fraction(1, FPS)
        frame.pict_type = PictureType.NONE  # let the encoder choose, not the source file's GOP
        self.container.mux(self.stream.encode(frame))
        self.count += 1
        return frame

    def close(self) -> None:
        self.container.mux(self.stream.encode(None))


def _encode_overlapped(out: _VideoOut, frames: Iterator[Image.Image]) -> None:
    """Draw in this thread while another converts and encodes (PyAV releases the GIL in swscale
    and libx264), then flush ``out``. Measured 1.6x faster than drawing and encoding in turn.

    Raises:
        The encoder thread's exception, if it failed.
    """
    pending: queue.Queue[Frame | None] = queue.Queue(maxsize=ENCODE_QUEUE)
    failure: list[BaseException] = []

    def encode() -> None:
        try:
            while (rgb := pending.get()) is not None:
                if not failure:
                    out.write(rgb)
            out.close()
        except BaseException as exc:  # handed to the drawing thread below
            failure.append(exc)
            while pending.get() is not None:  # drain so the producer never blocks
                pass

    worker = threading.Thread(target=encode, name="storyboard-encode", daemon=True)
    worker.start()
    try:
        for image in frames:
            if failure:
                break
            pending.put(np.asarray(image, dtype=np.uint8))
    finally:
        pending.put(None)
        worker.join()
    if failure:
        raise failure[0]


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def write_wav(path: Path, samples: npt.NDArray[np.int16], rate: int) -> None:
    """Write mono PCM16 ``samples`` at ``rate`` Hz to ``path`` atomically."""
    tmp = _tmp(path)
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    os.replace(tmp, path)


def read_wav(path: Path) -> tuple[npt.NDArray[np.int16], int]:
    """Read a mono PCM16 WAV: (samples, rate).

    Raises:
        RenderError: ``ENCODE_FAILED`` for another format.
    """
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise RenderError(f"{path} is not mono PCM16", reason="ENCODE_FAILED")
            data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
            return data, w.getframerate()
    except (OSError, EOFError, wave.Error) as exc:
        raise RenderError(f"cannot read {path}: {exc}", reason="ENCODE_FAILED") from exc


def render_shot(
    shot_list: prompt_pb2.ShotList,
    index: int,
    out_dir: Path,
    *,
    narration: bool = True,
    subtitles: bool = True,
) -> ShotRender:
    """Render shot ``index`` to ``out_dir/shot_{index:02d}.mp4`` (+ ``.wav`` narration).

    Frames cover the shot's duration plus ``FADE_MS`` of tail when the shot is not the last and
    does not cut, so crossfades do not shorten the assembled video. Deterministic: the same shot
    list and index give the same frames (:func:`draw_frame` returns them one by one).

    Raises:
        InvalidShotList: the shot list breaks its contract or ``index`` is out of range.
        RenderError: ``FONT_MISSING``, ``TTS_FAILED`` or ``ENCODE_FAILED``.
    """
    painter = ShotPainter(shot_list, index, subtitles=subtitles)
    n = painter.span.rendered_frames
    return encode_shot(shot_list, index, out_dir, (painter.frame(k / FPS) for k in range(n)), n, narration=narration)


def encode_shot(
    shot_list: prompt_pb2.ShotList,
    index: int,
    out_dir: Path,
    frames: Iterator[Image.Image],
    count: int,
    *,
    narration: bool = True,
) -> ShotRender:
    """Encode ``count`` RGB ``frames`` (WIDTH x HEIGHT) as shot ``index`` and speak its narration.

    The frame source is the storyboard's painter or a generative provider's normalised clip with
    the subtitle laid over (:func:`overlay_subtitle`); the files are the same either way.

    Raises:
        RenderError: ``TTS_FAILED`` or ``ENCODE_FAILED``.
    """
    shot = shot_list.shots[index]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    video = out_dir / f"shot_{index:02d}.mp4"
    tmp = _tmp(video)
    try:
        with av.open(str(tmp), "w", format="mp4") as container:
            _encode_overlapped(_VideoOut(container, SHOT_OPTIONS), frames)
    except (av.FFmpegError, OSError) as exc:
        raise RenderError(f"cannot encode shot {index}: {exc}", reason="ENCODE_FAILED") from exc
    os.replace(tmp, video)
    audio_path: str | None = None
    narration_ms = 0
    if narration and shot.narration.strip():
        samples, rate = tts.synthesize(shot.narration, shot_list.language_code, shot.duration_ms)
        if samples.size and float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) > SILENCE_RMS:
            wav = out_dir / f"shot_{index:02d}.wav"
            write_wav(wav, samples, rate)
            audio_path, narration_ms = str(wav), samples.size * 1000 // rate
    return ShotRender(index, str(video), audio_path, count, narration_ms)


def overlay_subtitle(
    shot_list: prompt_pb2.ShotList, index: int, frames: Sequence[Frame], *, subtitles: bool = True
) -> Iterator[Image.Image]:
    """``frames`` (RGB arrays, WIDTH x HEIGHT) with shot ``index``'s subtitle pasted into the subtitle
    band exactly as the storyboard paints it: on the shot's own frames, not on its crossfade tail.

    Raises:
        RenderError: ``FONT_MISSING`` when subtitles are on and no shaped font is available.
    """
    shot = shot_list.shots[index]
    overlay = subtitle_overlay(shot.subtitle, shot_list.language_code) if subtitles and shot.subtitle.strip() else None
    own = spans(shot_list)[index].frames
    for k, rgb in enumerate(frames):
        image = Image.fromarray(rgb, "RGB")
        if overlay is not None and k < own:
            image.paste(overlay, (0, SUBTITLE_BAND[0]), overlay)
        yield image


def _black_yuv() -> Frame:
    """A black ``yuv420p`` frame as ``to_ndarray`` lays it out: Y rows (16), then U and V rows (128)."""
    black = np.full((HEIGHT * 3 // 2, WIDTH), 128, np.uint8)
    black[:HEIGHT] = 16
    return black


def blend(a: Frame, b: Frame, k: int, count: int, transition: int) -> Frame:
    """Frame ``k`` of ``count`` overlap frames joining tail ``a`` to head ``b`` (``yuv420p`` planes).

    A dissolve mixes linearly (YUV is an affine map of RGB, so this is the RGB dissolve too); a fade
    to black spends the first half fading ``a`` out and the second half fading ``b`` in.
    """
    alpha = (k + 0.5) / count
    if transition == analysis_pb2.TRANSITION_FADE_TO_BLACK:
        src, weight = (a, 1 - 2 * alpha) if alpha < 0.5 else (b, 2 * alpha - 1)
        black = _black_yuv().astype(np.float32)
        mixed = black + (src.astype(np.float32) - black) * weight
    else:
        mixed = a.astype(np.float32) * (1 - alpha) + b.astype(np.float32) * alpha
    return np.clip(mixed + 0.5, 0, 255).astype(np.uint8)


def _decode(render: ShotRender) -> Iterator[av.VideoFrame]:
    try:
        with av.open(render.video_path) as container:
            for frame in container.decode(video=0):
                if frame.format.name != "yuv420p" or (frame.width, frame.height) != (WIDTH, HEIGHT):
                    frame = frame.reformat(width=WIDTH, height=HEIGHT, format="yuv420p")
                yield frame
    except (av.FFmpegError, OSError) as exc:
        raise RenderError(f"cannot decode {render.video_path}: {exc}", reason="SHOT_MISSING") from exc


def _planes(frame: av.VideoFrame) -> Frame:
    return np.asarray(frame.to_ndarray(format="yuv420p"), dtype=np.uint8)


def mix_narration(
    shot_list: prompt_pb2.ShotList, renders: Sequence[ShotRender], total_samples: int
) -> npt.NDArray[np.float32]:
    """The narration bus: mono float32 at ``MASTER_AUDIO_RATE``, each line at its shot's start.

    Lines are resampled with libswresample (PyAV), summed, and scaled down if the peak would pass
    ``PEAK``; samples past the end of the video are dropped.
    """
    bus = np.zeros(total_samples, np.float32)
    for render in renders:
        if not render.audio_path:
            continue
        samples, rate = read_wav(Path(render.audio_path))
        if samples.size == 0:
            continue
        line = _resample(samples, rate)
        start = shot_list.shots[render.index].start_ms * MASTER_AUDIO_RATE // 1000
        end = min(total_samples, start + line.size)
        if end > start:
            bus[start:end] += line[: end - start]
    peak = float(np.max(np.abs(bus))) if bus.size else 0.0
    if peak > PEAK:
        bus *= PEAK / peak
    return bus


def _resample(samples: npt.NDArray[np.int16], rate: int) -> npt.NDArray[np.float32]:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=MASTER_AUDIO_RATE)
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def _check_renders(
    shot_list: prompt_pb2.ShotList, renders: Sequence[ShotRender], plan: list[ShotSpan]
) -> list[ShotRender]:
    by_index = {r.index: r for r in renders}
    missing = [s.index for s in plan if s.index not in by_index]
    if missing or len(by_index) != len(plan):
        raise RenderError(
            f"renders do not match the shot list (missing {missing})",
            reason="SHOT_MISSING",
            metadata={"missing": ",".join(map(str, missing))},
        )
    ordered = [by_index[s.index] for s in plan]
    for render, span in zip(ordered, plan, strict=True):
        if render.frame_count != span.rendered_frames or not os.path.exists(render.video_path):
            raise RenderError(
                f"shot {span.index} render is stale or missing (frames {render.frame_count},"
                f" expected {span.rendered_frames})",
                reason="SHOT_MISSING",
                metadata={"index": str(span.index)},
            )
    return ordered


class _RenditionOut:
    """One rendition being written by :func:`assemble`: an MP4 with H.264 and AAC stereo streams."""

    def __init__(self, path: Path, spec: RenditionSpec) -> None:
        self.path, self.tmp = path, _tmp(path)
        self.container = av.open(str(self.tmp), "w", format="mp4", options={"movflags": "+faststart"})
        self.video = _VideoOut(
            self.container, spec.options(), width=spec.width, height=spec.height, gop=FINAL_GOP_S * FPS
        )
        self.audio = self.container.add_stream("aac", rate=MASTER_AUDIO_RATE, layout="stereo")
        self.audio.bit_rate = spec.audio_bps
        self.closed = False

    def write_audio(self, chunk: npt.NDArray[np.float32], pts: int) -> None:
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(np.stack([chunk, chunk])), format="fltp", layout="stereo"
        )
        frame.sample_rate, frame.pts, frame.time_base = MASTER_AUDIO_RATE, pts, Fraction(1, MASTER_AUDIO_RATE)
        self.container.mux(self.audio.encode(frame))

    def close(self) -> None:
        self.video.close()
        self.container.mux(self.audio.encode(None))
        self.container.close()
        self.closed = True

    def abandon(self) -> None:
        """Close the file of a pass that failed (no flush); a finished file is left alone."""
        if not self.closed:
            self.closed = True
            with contextlib.suppress(av.FFmpegError, OSError):
                self.container.close()


def _composed(ordered: Sequence[ShotRender], plan: Sequence[ShotSpan]) -> Iterator[av.VideoFrame]:
    """The final ``yuv420p`` frames in order: each shot's own frames, its head blended with the
    previous shot's tail (:func:`blend`).

    Raises:
        RenderError: ``SHOT_MISSING`` when a shot file has another frame count than its span.
    """
    tail: list[Frame] = []
    tail_transition: int = analysis_pb2.TRANSITION_UNSPECIFIED
    for render, span in zip(ordered, plan, strict=True):
        decoded = 0
        new_tail: list[Frame] = []
        for k, frame in enumerate(_decode(render)):
            decoded += 1
            if k < len(tail):
                mixed = blend(tail[k], _planes(frame), k, len(tail), tail_transition)
                frame = av.VideoFrame.from_ndarray(mixed, format="yuv420p")
            if k < span.frames:
                yield frame
            else:
                new_tail.append(_planes(frame))
        if decoded != span.rendered_frames:
            raise RenderError(
                f"shot {span.index} has {decoded} frames, expected {span.rendered_frames}",
                reason="SHOT_MISSING",
                metadata={"index": str(span.index)},
            )
        tail, tail_transition = new_tail, span.transition


def rendition_path(out_path: Path, name: str) -> Path:
    """Where :func:`assemble` writes rendition ``name`` next to ``out_path``: ``video.360p.mp4``."""
    return out_path.with_name(f"{out_path.stem}.{name}{out_path.suffix}")


def assemble(shot_list: prompt_pb2.ShotList, renders: Sequence[ShotRender], out_path: Path) -> AssemblyReport:
    """Join rendered shots into ``out_path`` and the lower renditions, in one pass over the frames.

    ``out_path`` is H.264 High 1280x720 24 fps (CRF 20, peak capped) + AAC 48 kHz stereo MP4, and
    also the 720p HLS rendition; each lower rung of :data:`RENDITIONS` goes to
    :func:`rendition_path` (640x360 at 800 kbit/s). Every frame is decoded once from its lossless
    shot checkpoint, blended on raw ``yuv420p`` planes, measured for the video checks
    (:class:`~services.render.metrics.FrameMetrics`) and encoded once per rendition.

    Keyframes fall on a fixed grid in every rendition, exactly every ``FINAL_GOP_S`` seconds
    (frames 0, 48, 96, ...), with no scene-cut keyframes: the files are HLS-ready, and the delivery
    service copies their packets into 2 s segments instead of decoding and re-encoding them.

    Overlapping frames are dissolved (``TRANSITION_FADE_TO_BLACK`` dips through black; cuts have no
    overlap). There is always an audio track, silent when no shot has narration; the narration is
    mixed once (:func:`mix_narration`) and encoded per rendition.

    Raises:
        InvalidShotList: the shot list breaks its contract.
        RenderError: ``SHOT_MISSING`` (renders do not match the shot list), ``ENCODE_FAILED``, or
            ``QC_FAILED`` when the written file lacks a stream, has the wrong size, or its duration
            is more than 10% off ``total_duration_ms``.
    """
    validate(shot_list)
    plan = spans(shot_list)
    ordered = _check_renders(shot_list, renders, plan)
    total_frames = sum(s.frames for s in plan)
    total_samples = total_frames * MASTER_AUDIO_RATE // FPS
    bus = mix_narration(shot_list, ordered, total_samples)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    paths = [out_path] + [rendition_path(out_path, spec.name) for spec in RENDITIONS[1:]]
    metrics, measuring = FrameMetrics(), VideoReformatter()
    outs: list[_RenditionOut] = []
    try:
        outs = [_RenditionOut(path, spec) for path, spec in zip(paths, RENDITIONS, strict=True)]
        apos = 0

        def audio_until(sample: int) -> None:
            nonlocal apos
            while apos + AAC_FRAME <= sample or (sample >= total_samples and apos < total_samples):
                chunk = bus[apos : min(apos + AAC_FRAME, total_samples)]
                for out in outs:
                    out.write_audio(chunk, apos)
                apos += chunk.size

        for count, frame in enumerate(_composed(ordered, plan)):
            encoded = [out.video.write_frame(frame) for out in outs]
            # measured on the smallest rendition: the analysis size is smaller still
            metrics.add(measure_frame(encoded[-1], measuring), count / FPS, 1 / FPS)
            audio_until((count + 1) * MASTER_AUDIO_RATE // FPS)
        audio_until(total_samples)
        for out in outs:
            out.close()
    except (av.FFmpegError, OSError) as exc:
        raise RenderError(f"cannot encode {out_path}: {exc}", reason="ENCODE_FAILED") from exc
    finally:
        for out in outs:
            out.abandon()
    for out in outs:
        os.replace(out.tmp, out.path)
    report = quality_check(out_path, shot_list.total_duration_ms)
    lower = tuple((spec.name, str(path)) for spec, path in zip(RENDITIONS[1:], paths[1:], strict=True))
    return dataclasses.replace(report, renditions=lower, metrics=metrics)


def quality_check(path: Path, expected_ms: int) -> AssemblyReport:
    """Re-open ``path`` and check it: H.264 WIDTH x HEIGHT video, AAC audio, duration within 10%.

    Raises:
        RenderError: ``QC_FAILED`` with the failed check in ``metadata["check"]``.
    """

    def fail(check: str, detail: str) -> RenderError:
        return RenderError(f"QC failed for {path}: {detail}", reason="QC_FAILED", metadata={"check": check})

    try:
        with av.open(str(path)) as container:
            videos, audios = container.streams.video, container.streams.audio
            if not videos:
                raise fail("video_stream", "no video stream")
            v = videos[0]
            a = audios[0] if audios else None
            duration_ms = int((container.duration or 0) / 1000)
            frames = v.frames or sum(1 for p in container.demux(v) if p.size)
            report = AssemblyReport(
                path=str(path),
                duration_ms=duration_ms,
                frame_count=int(frames),
                width=v.codec_context.width,
                height=v.codec_context.height,
                has_audio=a is not None,
                video_codec=v.codec_context.name,
                audio_codec=a.codec_context.name if a is not None else None,
            )
    except (av.FFmpegError, OSError) as exc:
        raise fail("open", str(exc)) from exc
    if report.video_codec != "h264":
        raise fail("video_codec", f"video codec {report.video_codec}")
    if (report.width, report.height) != (WIDTH, HEIGHT):
        raise fail("size", f"size {report.width}x{report.height}")
    if report.audio_codec != "aac":
        raise fail("audio_stream", f"audio codec {report.audio_codec}")
    if abs(report.duration_ms - expected_ms) > QC_TOLERANCE * expected_ms:
        raise fail("duration", f"duration {report.duration_ms} ms, expected {expected_ms} ms")
    return report
