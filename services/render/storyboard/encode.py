"""One pass from a shot list to its renditions: every frame drawn once and encoded once per rendition.

The 24 fps timeline is cut into GOPs of ``GOP_FRAMES`` frames (``FINAL_GOP_S`` = 2 s, the HLS
segment length), and a job is made in five steps (``services.generation.pipeline`` drives them):

1. A source per shot (:class:`ShotSource`): a storyboard shot keeps no pixels, since its draw
   parameters are the shot list the build-prompt stage stored and drawing is deterministic; a
   generative provider's clip is decoded once, normalised and kept as raw RGB frames with the
   subtitle laid over (:func:`save_frames`, ``shot_NN.frames.npy``), because it cannot be made again
   for free.
2. Narration per shot (:func:`narrate`): eSpeak NG to ``shot_NN.wav``; the worker runs it in a
   thread while the render processes draw.
3. :func:`encode_gops` in a render process, for a run of consecutive GOPs: each frame is drawn (or
   read from its source), the transition between two shots is composed on raw RGB frames (Pillow's
   ``Image.blend``), the frame is measured for the video checks, converted once to ``yuv420p`` and
   fed to one libx264 encoder per rendition of :data:`RENDITIONS` (the 360p frame is scaled from the
   720p one). An IDR keyframe falls exactly every ``GOP_FRAMES`` frames and nowhere else (closed
   GOPs), so each GOP's packets are self-contained: they are written to ``gop_NNNN.<rendition>.mp4``
   as they leave the encoder, and ``gop_NNNN.json`` (frame count and measurements), written last
   and atomically, marks the GOP finished. These are the checkpoints: a resumed job encodes only
   the GOPs without a marker, so it picks up at the first unfinished GOP (at most 2 s of video is
   drawn again) and a shot whose GOPs are all finished is neither drawn nor encoded again. Encoded
   GOPs were chosen over lossless shot files because they are the output itself: a lossless
   checkpoint costs an encode and a decode of every frame (measured 0.6 of a 720p encode here).
4. The narration track, once every line is spoken: mixed once (:func:`mix_narration`) and encoded
   once to AAC (:func:`encode_narration`, ``narration.m4a`` beside the GOPs), its loudness measured
   on the way (``narration.json``).
5. :func:`mux`: the packets of every GOP, in order, and of the narration track into one MP4 per
   rendition (stream copy, no decoding), with the index up front (``movflags=+faststart``); then
   :func:`quality_check`.

Parallel render processes each take their own run of GOPs (:func:`plan_runs`); every frame still
passes through exactly one encoder per rendition, so the output is what one encoder per rendition
would make, split at its keyframes (x264's rate control restarts at each run's first IDR).
"""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import io
import json
import os
import queue
import threading
import wave
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
from av.video.frame import PictureType
from av.video.reformatter import VideoReformatter
from PIL import Image

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2

from ..metrics import (
    SILENCE_FLOOR_DB,
    UNKNOWN_DIFFERENCE,
    FrameMeter,
    FrameMetrics,
    Loudness,
    LoudnessMeter,
    measure_loudness,
)
from . import tts
from .constants import FPS, HEIGHT, MASTER_AUDIO_RATE, SUBTITLE_BAND, WIDTH
from .draw import painter_of
from .errors import RenderError
from .subtitles import subtitle_overlay
from .timeline import ShotSpan, spans, validate

FINAL_CRF = 20
PRESET = "veryfast"
FINAL_GOP_S = 2
"""Keyframe spacing of the renditions in seconds: the delivery service's HLS segment length
(``services.delivery.packaging.SEGMENT_S``), so it copies each rendition's packets into 2 s
segments that each start on a keyframe instead of re-encoding them."""
GOP_FRAMES = FINAL_GOP_S * FPS
"""Frames per GOP (48): the unit of encoding work and of checkpointing."""


@dataclass(frozen=True)
class RenditionSpec:
    """One rendition's video: frame size and rate control (every rendition carries the same audio
    track, :func:`encode_narration`).

    ``crf`` None means average bit rate ``video_bps``; either way the peak is capped with the VBV
    (``maxrate`` = 1.1 x ``video_bps``, ``bufsize`` = 2 x ``video_bps``), the same cap the delivery
    service's ladder encoder uses (``services.delivery.packaging.LADDER``: 720p at 2.5 Mbit/s,
    360p at 800 kbit/s), so the measured peak it advertises in the master playlist stays near it.
    """

    name: str
    width: int
    height: int
    video_bps: int
    crf: int | None = None

    def options(self) -> dict[str, str]:
        """libx264 options: preset, High profile, rate control and the fixed, closed keyframe grid."""
        rate = {"crf": str(self.crf)} if self.crf is not None else {"b": str(self.video_bps)}
        return {
            "preset": PRESET,
            "profile": "high",
            **rate,
            "maxrate": str(self.video_bps * 11 // 10),
            "bufsize": str(self.video_bps * 2),
            "x264-params": f"keyint={GOP_FRAMES}:min-keyint={GOP_FRAMES}:scenecut=0:open-gop=0",
        }


#: The MP4 (also the 720p HLS rendition) first, then the lower rungs, all from one pass.
RENDITIONS: tuple[RenditionSpec, ...] = (
    RenditionSpec("720p", WIDTH, HEIGHT, 2_500_000, crf=FINAL_CRF),
    RenditionSpec("360p", 640, 360, 800_000),
)
AUDIO_BPS = 128_000
"""Bit rate of the narration track (AAC-LC, 48 kHz mono), encoded once and copied into every rendition."""
AAC_OPTIONS = {"aac_coder": "fast"}
"""FFmpeg's AAC encoder with its "fast" quantizer search: at this rate it is the better of its
coders as well as the cheaper (FFmpeg commit fcb681ac, 2018: "at higher bitrates [twoloop] sounds
worse than the fast coder ... and needs quite a lot more CPU"). Measured on eSpeak narration,
8.8 s at 128 kbit/s mono: 0.07 s against 0.28 s to encode, waveform SNR 38.5 against 30.4 dB."""
AUDIO_LAYOUT = "mono"
"""The narration is one voice on one bus: a mono track (players send it to both speakers) costs
the AAC encoder half the work of the same signal duplicated into stereo, and carries the same sound."""
NARRATION_FILE = "narration.m4a"
AAC_FRAME = 1024
ENCODE_QUEUE = 6
"""Frames buffered between the drawing thread and the encoding thread (2.7 MB each)."""
WARM_UP_FRAMES = 4
"""Frames a render process draws and encodes when it starts (:func:`warm_up`)."""
PEAK = 0.89
"""Limiter ceiling (-1 dBFS) for the narration bus's samples."""
TRUE_PEAK = 0.84
"""Ceiling of the narration bus's true peak (-1.5 dBTP, estimated 4x oversampled as ITU-R BS.1770-4
measures it): 0.5 dB under the -1 dBTP that video moderation allows (EBU R 128), since a bus whose
samples stop at -1 dBFS can peak above -1 dBTP between them."""
QC_TOLERANCE = 0.10
SILENCE_RMS = 8.0
"""Narration quieter than this RMS (int16 units) counts as silent and is not written."""

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class ShotSource:
    """What the render stage keeps of shot ``index`` (plain fields, safe to checkpoint as JSON).

    ``frame_count``: the shot's own frames plus its crossfade tail. ``frames_path``: raw RGB frames
    (``.npy``, shape ``(frame_count, HEIGHT, WIDTH, 3)`` uint8, subtitle included) of a provider's
    clip, or None when the storyboard draws the shot. ``audio_path``: mono PCM16 WAV of the
    narration, or None (narration off, blank or silent line); ``narration_ms``: its length.
    """

    index: int
    frame_count: int
    frames_path: str | None = None
    audio_path: str | None = None
    narration_ms: int = 0


@dataclass(frozen=True)
class GopRender:
    """A finished GOP: ``frames`` frames from ``index * GOP_FRAMES``, one file per rendition
    (``paths``: rendition name to MP4 path), and each frame's measurements (see
    :class:`services.render.metrics.FrameMeter`: five relative luminances, mean luma, difference
    from the previous frame). ``UNKNOWN_DIFFERENCE`` marks the video's first frame, the first
    frame of a run of GOPs whose previous frame is of a shot the run does not draw (a resumed job's
    finished shot), and every frame of a marker written before differences were measured."""

    index: int
    frames: int
    paths: dict[str, str]
    luminance: list[list[float]] = field(default_factory=list)
    luma: list[float] = field(default_factory=list)
    difference: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class AssemblyReport:
    """The muxed file as read back by QC: duration in ms, frames, size and codecs.

    ``renditions``: (name, path) of the lower renditions written next to ``path``; ``metrics``:
    every frame as measured before it was encoded (for the video checks).
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


# -- the timeline in GOPs ---------------------------------------------------------------------------


def total_frames(shot_list: prompt_pb2.ShotList) -> int:
    """Frames of the whole video: the shots' own frames (tails overlap the next shot's head)."""
    return sum(s.frames for s in spans(shot_list))


def gop_count(shot_list: prompt_pb2.ShotList) -> int:
    """GOPs of the whole video (the last may be short)."""
    return -(-total_frames(shot_list) // GOP_FRAMES)


def gop_range(shot_list: prompt_pb2.ShotList, index: int) -> range:
    """Timeline frames of GOP ``index``."""
    start = index * GOP_FRAMES
    return range(start, min(start + GOP_FRAMES, total_frames(shot_list)))


def shot_gops(shot_list: prompt_pb2.ShotList, index: int) -> range:
    """GOPs holding any frame of shot ``index`` (its own frames and its tail, blended into the next)."""
    span = spans(shot_list)[index]
    end = span.start_frame + span.rendered_frames
    return range(span.start_frame // GOP_FRAMES, -(-end // GOP_FRAMES))


def shots_of_gops(shot_list: prompt_pb2.ShotList, gops: Iterable[int]) -> set[int]:
    """Shots with a frame in any of ``gops``."""
    wanted = set(gops)
    return {s.index for s in spans(shot_list) if wanted & set(shot_gops(shot_list, s.index))}


def plan_runs(missing: Sequence[int], parts: int) -> list[list[int]]:
    """Split the ``missing`` GOP indices into runs of consecutive GOPs for ``parts`` render processes.

    Consecutive GOPs stay together (one encoder per rendition per run, and a shot's painter is set
    up once per run); the longest runs are halved until there are ``parts`` runs or every run is a
    single GOP. Returned in timeline order.
    """
    runs: list[list[int]] = []
    for g in sorted(set(missing)):
        if runs and runs[-1][-1] == g - 1:
            runs[-1].append(g)
        else:
            runs.append([g])
    while len(runs) < parts:
        longest = max(range(len(runs)), key=lambda r: len(runs[r]), default=None)
        if longest is None or len(runs[longest]) < 2:
            break
        run = runs.pop(longest)
        half = (len(run) + 1) // 2
        runs[longest:longest] = [run[:half], run[half:]]
    return runs


def gop_path(out_dir: Path, index: int, rendition: str) -> Path:
    """Where GOP ``index`` of ``rendition`` is kept: ``gop_0003.720p.mp4``."""
    return Path(out_dir) / f"gop_{index:04d}.{rendition}.mp4"


def _marker(out_dir: Path, index: int) -> Path:
    return Path(out_dir) / f"gop_{index:04d}.json"


def finished_gops(
    shot_list: prompt_pb2.ShotList, out_dir: Path, among: Iterable[int] | None = None
) -> dict[int, GopRender]:
    """The GOPs of ``shot_list`` (or only those of ``among``) already finished in ``out_dir``: a
    marker whose frame count is the GOP's and whose rendition files all exist (anything else is
    encoded again)."""
    done: dict[int, GopRender] = {}
    for g in range(gop_count(shot_list)) if among is None else among:
        try:
            data = json.loads(_marker(out_dir, g).read_text())
            luma = list(data["luma"])
            difference = list(data.get("difference") or [UNKNOWN_DIFFERENCE] * len(luma))
            gop = GopRender(
                int(data["index"]), int(data["frames"]), dict(data["paths"]), data["luminance"], luma, difference
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        names = {spec.name for spec in RENDITIONS}
        if (
            gop.index == g
            and gop.frames == len(gop_range(shot_list, g)) == len(gop.luma) == len(gop.difference)
            and set(gop.paths) == names
            and all(os.path.exists(p) for p in gop.paths.values())
        ):
            done[g] = gop
    return done


# -- sources and narration ------------------------------------------------------------------------


def _tmp(path: Path) -> Path:
    """Where ``path`` is written before its atomic rename; per process, so two writers of the same
    file (a render process still running for a worker that lost its job) never mix their bytes."""
    return path.with_name(f".{path.stem}.{os.getpid()}.partial{path.suffix}")


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


def storyboard_source(shot_list: prompt_pb2.ShotList, index: int) -> ShotSource:
    """The source of a shot the storyboard draws: no file, its frames come from the shot list."""
    validate(shot_list)
    return ShotSource(index, spans(shot_list)[index].rendered_frames)


def narrate(shot_list: prompt_pb2.ShotList, index: int, out_dir: Path) -> tuple[str | None, int]:
    """Speak shot ``index``'s narration into ``out_dir/shot_{index:02d}.wav`` (mono PCM16, eSpeak NG's
    rate, at most the shot's length). Returns (path, length in ms), or (None, 0) for a blank or
    silent line.

    Raises:
        RenderError: ``TTS_FAILED``.
    """
    shot = shot_list.shots[index]
    if not shot.narration.strip():
        return None, 0
    samples, rate = tts.synthesize(shot.narration, shot_list.language_code, shot.duration_ms)
    if not samples.size or float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) <= SILENCE_RMS:
        return None, 0
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wav = out_dir / f"shot_{index:02d}.wav"
    write_wav(wav, samples, rate)
    return str(wav), samples.size * 1000 // rate


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


def save_frames(
    shot_list: prompt_pb2.ShotList, index: int, out_dir: Path, frames: Sequence[Frame], *, subtitles: bool = True
) -> ShotSource:
    """Keep a provider clip's normalised ``frames`` (``(HEIGHT, WIDTH, 3)`` uint8, exactly the shot's
    rendered frame count) with the subtitle laid over, as ``out_dir/shot_{index:02d}.frames.npy``
    (raw, memory-mapped by :func:`encode_gops`; 2.7 MB a frame), written atomically.

    Raises:
        RenderError: ``SHOT_MISSING`` when the frame count is not the shot's; ``FONT_MISSING``.
    """
    count = spans(shot_list)[index].rendered_frames
    if len(frames) != count:
        raise RenderError(
            f"shot {index} has {len(frames)} frames, expected {count}",
            reason="SHOT_MISSING",
            metadata={"index": str(index)},
        )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"shot_{index:02d}.frames.npy"
    tmp = _tmp(path)
    store = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=(count, HEIGHT, WIDTH, 3))
    for k, image in enumerate(overlay_subtitle(shot_list, index, frames, subtitles=subtitles)):
        store[k] = np.asarray(image, dtype=np.uint8)
    store.flush()
    del store
    os.replace(tmp, path)
    return ShotSource(index, count, frames_path=str(path))


# -- composing the frames ---------------------------------------------------------------------------


_BLACK = Image.new("RGB", (WIDTH, HEIGHT))


def blend(a: Image.Image, b: Image.Image, k: int, count: int, transition: int) -> Image.Image:
    """Frame ``k`` of ``count`` overlap frames joining tail ``a`` to head ``b`` (RGB images).

    A dissolve mixes linearly; a fade to black spends the first half fading ``a`` out and the
    second half fading ``b`` in (Pillow's ``Image.blend``, rounded to 8 bits).
    """
    alpha = (k + 0.5) / count
    if transition == analysis_pb2.TRANSITION_FADE_TO_BLACK:
        return Image.blend(_BLACK, a, 1 - 2 * alpha) if alpha < 0.5 else Image.blend(_BLACK, b, 2 * alpha - 1)
    return Image.blend(a, b, alpha)


class Composer:
    """The final frames of a shot list, one at a time: each shot's frame drawn by its painter (or
    read from its provider frames), its head blended with the previous shot's tail (:func:`blend`).

    Raises (from :meth:`frame`):
        RenderError: ``SHOT_MISSING`` when a shot in the way has no source or a wrong frame count.
        InvalidShotList, RenderError (``FONT_MISSING``): from the painter.
    """

    def __init__(
        self, shot_list: prompt_pb2.ShotList, sources: Mapping[int, ShotSource], *, subtitles: bool = True
    ) -> None:
        validate(shot_list)
        self.plan: list[ShotSpan] = spans(shot_list)
        self.starts = [s.start_frame for s in self.plan]
        self.data = shot_list.SerializeToString(deterministic=True)
        self.sources = dict(sources)
        self.subtitles = subtitles
        self._frames: dict[int, npt.NDArray[np.uint8]] = {}

    def shot_frame(self, index: int, k: int) -> Image.Image:
        """Frame ``k`` of shot ``index``'s rendered frames."""
        source = self.sources.get(index)
        span = self.plan[index]
        if source is None or source.frame_count != span.rendered_frames:
            raise RenderError(
                f"shot {index} has no source of {span.rendered_frames} frames",
                reason="SHOT_MISSING",
                metadata={"index": str(index)},
            )
        if source.frames_path is None:
            return painter_of(self.data, index, self.subtitles).frame(k / FPS)
        frames = self._frames.get(index)
        if frames is None:
            try:
                frames = np.load(source.frames_path, mmap_mode="r")
            except (OSError, ValueError) as exc:
                raise RenderError(
                    f"cannot read shot {index}'s frames: {exc}", reason="SHOT_MISSING", metadata={"index": str(index)}
                ) from exc
            if frames.shape != (span.rendered_frames, HEIGHT, WIDTH, 3):
                raise RenderError(
                    f"shot {index}'s frames have shape {frames.shape}",
                    reason="SHOT_MISSING",
                    metadata={"index": str(index)},
                )
            self._frames[index] = frames
        return Image.fromarray(np.ascontiguousarray(frames[k]), "RGB")

    def _at(self, f: int) -> tuple[int, int, bool]:
        """Timeline frame ``f`` as (shot, frame of that shot, whether the shot before's tail blends in)."""
        i = bisect_right(self.starts, f) - 1
        k = f - self.starts[i]
        return i, k, i > 0 and k < self.plan[i - 1].tail

    def shots_at(self, f: int) -> set[int]:
        """The shots whose frames make timeline frame ``f``: two inside a transition, else one."""
        i, _, blends = self._at(f)
        return {i - 1, i} if blends else {i}

    def frame(self, f: int) -> Image.Image:
        """Timeline frame ``f`` (RGB, WIDTH x HEIGHT)."""
        i, k, blends = self._at(f)
        image = self.shot_frame(i, k)
        if blends:
            prev = self.plan[i - 1]
            image = blend(self.shot_frame(i - 1, prev.frames + k), image, k, prev.tail, prev.transition)
        return image


# -- one encoder per rendition, cut at its keyframes -----------------------------------------------


class _RenditionEncoder:
    """One libx264 encoder of ``spec`` whose packets are cut into one MP4 per GOP in ``out_dir``.

    The encoder's stream belongs to an MP4 container that is never written: it gives the encoder
    MP4's global header (parameter sets in the extradata, which every GOP file copies with
    ``add_stream_from_template``).
    """

    def __init__(self, spec: RenditionSpec, out_dir: Path, threads: int = 0) -> None:
        self.spec, self.out_dir = spec, out_dir
        self.holder = av.open(io.BytesIO(), "w", format="mp4")
        options = spec.options() | ({"threads": str(threads)} if threads else {})
        stream = self.holder.add_stream("libx264", rate=FPS, options=options)
        stream.width, stream.height, stream.pix_fmt = spec.width, spec.height, "yuv420p"
        stream.gop_size = GOP_FRAMES
        self.stream = stream
        self.scaler = VideoReformatter()
        self.current: tuple[int, Any, Any, Path] | None = None
        self.closed: set[int] = set()

    def scale(self, frame: av.VideoFrame) -> av.VideoFrame:
        """``frame`` (any size, ``yuv420p`` or RGB) as this rendition encodes it: ``yuv420p`` at its size."""
        if (frame.width, frame.height, frame.format.name) != (self.spec.width, self.spec.height, "yuv420p"):
            frame = self.scaler.reformat(frame, width=self.spec.width, height=self.spec.height, format="yuv420p")
        return frame

    def encode(self, frame: av.VideoFrame, index: int) -> av.VideoFrame:
        """Encode ``frame`` (any size, ``yuv420p`` or RGB) as timeline frame ``index``; returns the
        frame as encoded (:meth:`scale`)."""
        frame = self.scale(frame)
        frame.pts, frame.time_base = index, Fraction(1, FPS)
        frame.pict_type = PictureType.NONE
        for packet in self.stream.encode(frame):
            self._write(packet)
        return frame

    def _write(self, packet: av.Packet[Any]) -> None:
        base = packet.time_base or Fraction(1, FPS)
        gop = round(float((packet.pts or 0) * base) * FPS) // GOP_FRAMES
        if self.current is None or gop != self.current[0]:
            if not packet.is_keyframe:
                raise RenderError(
                    f"GOP {gop} of {self.spec.name} does not start with a keyframe", reason="ENCODE_FAILED"
                )
            self._close_current()
            path = gop_path(self.out_dir, gop, self.spec.name)
            container = av.open(str(_tmp(path)), "w", format="mp4")
            stream = container.add_stream_from_template(self.stream)
            # an output template's parameters are copied before its encoder made them: set them here
            stream.codec_context.width, stream.codec_context.height = self.spec.width, self.spec.height
            stream.codec_context.extradata = self.stream.codec_context.extradata
            self.current = (gop, container, stream, path)
        packet.stream = self.current[2]
        self.current[1].mux(packet)

    def _close_current(self) -> None:
        if self.current is not None:
            gop, container, _, path = self.current
            self.current = None
            container.close()
            os.replace(_tmp(path), path)
            self.closed.add(gop)

    def finish(self) -> None:
        """Flush the encoder and close the last GOP's file."""
        for packet in self.stream.encode(None):
            self._write(packet)
        self._close_current()

    def abandon(self) -> None:
        """Drop the file of an unfinished GOP (a failed pass); finished GOP files stay."""
        if self.current is not None:
            _, container, _, path = self.current
            self.current = None
            with contextlib.suppress(av.FFmpegError, OSError):
                container.close()
            _tmp(path).unlink(missing_ok=True)


def _rgb_frame(image: Image.Image) -> av.VideoFrame:
    """``image`` as a video frame: one copy (``np.asarray``), which the frame wraps without another."""
    return av.VideoFrame.from_numpy_buffer(np.asarray(image), format="rgb24")


def _stage(
    inbox: queue.Queue[Any],
    work: Callable[[Any], Any],
    outbox: queue.Queue[Any] | None,
    finish: Callable[[], None],
    failure: list[BaseException],
) -> None:
    """One stage of :func:`encode_gops`' pipeline, run on its own thread: ``work`` on each item of
    ``inbox`` until its ``None``, results into ``outbox``, then ``finish``; always ends ``outbox``
    with ``None``. An exception goes into ``failure`` (for the drawing thread to raise) and the
    inbox is drained, so no stage before this one blocks on a full queue."""
    ended = False  # the inbox's None was taken
    try:
        while (item := inbox.get()) is not None:
            result = work(item)
            if outbox is not None and not failure:
                outbox.put(result)
        ended = True
        if not failure:
            finish()
    except BaseException as exc:
        failure.append(exc)
        while not ended and inbox.get() is not None:
            pass
    finally:
        if outbox is not None:
            outbox.put(None)


def encode_gops(
    shot_list: prompt_pb2.ShotList,
    sources: Mapping[int, ShotSource],
    gops: Sequence[int],
    out_dir: Path,
    *,
    subtitles: bool = True,
    threads: int = 0,
) -> list[GopRender]:
    """Draw, measure and encode the consecutive GOPs ``gops`` into ``out_dir``, one encoder per
    rendition; each GOP is committed (its marker written) as soon as every rendition closed it.

    ``threads``: libx264 threads per encoder, 0 for its default (1.5 per core). Render processes
    that share the cores between them pass 1: frame threads only add overhead when every core
    already has a process drawing and encoding.

    ``sources`` must hold every shot with a frame in these GOPs. Three threads make a pipeline:
    this one draws, the next converts and encodes the first rendition, the last scales, encodes the
    lower renditions and measures (PyAV releases the GIL in libswscale and libx264). Each encoder
    keeps one thread, so the bits do not depend on the threads; a process whose partner run has
    finished then spreads over the free core.

    Returns:
        The finished GOPs, in order.
    Raises:
        ValueError: ``gops`` is empty or not consecutive.
        RenderError: ``SHOT_MISSING``, ``FONT_MISSING`` or ``ENCODE_FAILED``.
        InvalidShotList: the shot list breaks its contract.
    """
    gops = list(gops)
    if not gops or gops != list(range(gops[0], gops[0] + len(gops))):
        raise ValueError(f"GOPs must be consecutive, got {gops}")
    composer = Composer(shot_list, sources, subtitles=subtitles)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {g: len(gop_range(shot_list, g)) for g in gops}
    frames = range(gops[0] * GOP_FRAMES, gops[-1] * GOP_FRAMES + sizes[gops[-1]])
    measured: dict[int, list[tuple[list[float], float, float]]] = {g: [] for g in gops}
    finished: list[GopRender] = []
    encoders = [_RenditionEncoder(spec, out_dir, threads) for spec in RENDITIONS]

    def commit() -> None:
        for g in gops[len(finished) :]:
            if len(measured[g]) != sizes[g] or any(g not in e.closed for e in encoders):
                return
            gop = GopRender(
                g,
                len(measured[g]),
                {e.spec.name: str(gop_path(out_dir, g, e.spec.name)) for e in encoders},
                [m[0] for m in measured[g]],
                [m[1] for m in measured[g]],
                [m[2] for m in measured[g]],
            )
            marker = _marker(out_dir, g)
            _tmp(marker).write_text(json.dumps(dataclasses.asdict(gop)))
            os.replace(_tmp(marker), marker)
            finished.append(gop)

    top, lower = encoders[0], encoders[1:]
    measuring = FrameMeter()
    if frames.start > 0 and composer.shots_at(frames.start - 1) <= shots_of_gops(shot_list, gops):
        # The frame before the run, drawn only to be measured against, so the run's first difference
        # is known as in one pass over the video (a frozen picture across two runs stays one). Not
        # when that frame belongs to a shot this run does not draw (a resumed job's finished shot):
        # then the run's first difference is unknown.
        prior = _rgb_frame(composer.frame(frames.start - 1))
        for e in encoders:
            prior = e.scale(prior)
        measuring.measure(prior)

    def encode_top(item: tuple[int, Image.Image]) -> tuple[int, av.VideoFrame]:
        f, image = item
        return f, top.encode(_rgb_frame(image), f)

    def encode_lower(item: tuple[int, av.VideoFrame]) -> None:
        f, frame = item
        for e in lower:
            frame = e.encode(frame, f)  # each rendition scales down from the one before
        m = measuring.measure(frame)
        measured[f // GOP_FRAMES].append(([float(v) for v in m.luminance], m.luma, m.difference))
        commit()

    def finish_lower() -> None:
        for e in lower:
            e.finish()
        commit()

    failure: list[BaseException] = []
    drawn: queue.Queue[tuple[int, Image.Image] | None] = queue.Queue(maxsize=ENCODE_QUEUE)
    converted: queue.Queue[tuple[int, av.VideoFrame] | None] = queue.Queue(maxsize=ENCODE_QUEUE)
    stages = [
        threading.Thread(
            target=_stage, args=(drawn, encode_top, converted, top.finish, failure), name="render-encode", daemon=True
        ),
        threading.Thread(
            target=_stage, args=(converted, encode_lower, None, finish_lower, failure), name="render-lower", daemon=True
        ),
    ]
    for thread in stages:
        thread.start()
    try:
        try:
            for f in frames:
                if failure:
                    break
                drawn.put((f, composer.frame(f)))
        finally:
            drawn.put(None)
            for thread in stages:
                thread.join()
        if failure:
            raise failure[0]
    except (av.FFmpegError, OSError) as exc:
        raise RenderError(f"cannot encode GOPs {gops[0]}-{gops[-1]}: {exc}", reason="ENCODE_FAILED") from exc
    finally:
        for e in encoders:
            e.abandon()
            e.holder.close()
    if len(finished) != len(gops):
        raise RenderError(f"GOPs {gops[0]}-{gops[-1]} did not all finish", reason="ENCODE_FAILED")
    return finished


# -- narration bus and muxing -----------------------------------------------------------------------


def mix_narration(
    shot_list: prompt_pb2.ShotList, sources: Sequence[ShotSource], total_samples: int
) -> npt.NDArray[np.float32]:
    """The narration bus: mono float32 at ``MASTER_AUDIO_RATE``, each line at its shot's start.

    Lines are resampled with libswresample (PyAV), summed, and scaled down if the sample peak would
    pass ``PEAK`` or the true peak ``TRUE_PEAK``; samples past the end of the video are dropped.
    """
    bus = np.zeros(total_samples, np.float32)
    for source in sources:
        if not source.audio_path:
            continue
        samples, rate = read_wav(Path(source.audio_path))
        if samples.size == 0:
            continue
        line = _resample(samples, rate)
        start = shot_list.shots[source.index].start_ms * MASTER_AUDIO_RATE // 1000
        end = min(total_samples, start + line.size)
        if end > start:
            bus[start:end] += line[: end - start]
    peak = float(np.max(np.abs(bus))) if bus.size else 0.0
    true_peak = _true_peak(bus) if peak > 0 else 0.0
    scale = min(1.0, PEAK / peak if peak else 1.0, TRUE_PEAK / true_peak if true_peak else 1.0)
    if scale < 1.0:
        bus *= scale
    return bus


def _true_peak(bus: npt.NDArray[np.float32]) -> float:
    """The bus's largest absolute value 4x oversampled by libswresample (its inter-sample peaks;
    ITU-R BS.1770-4 Annex 2 oversamples 4x at 48 kHz), linear full scale."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=MASTER_AUDIO_RATE * 4)
    frame = av.AudioFrame.from_ndarray(bus.reshape(1, -1), format="flt", layout="mono")
    frame.sample_rate = MASTER_AUDIO_RATE
    peak = max((float(np.max(np.abs(f.to_ndarray()))) for f in resampler.resample(frame)), default=0.0)
    return max([peak, *(float(np.max(np.abs(f.to_ndarray()))) for f in resampler.resample(None))])


def _resample(samples: npt.NDArray[np.int16], rate: int) -> npt.NDArray[np.float32]:
    resampler = av.AudioResampler(format="flt", layout="mono", rate=MASTER_AUDIO_RATE)
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = rate
    chunks = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.float32) if chunks else np.zeros(0, np.float32)


def rendition_path(out_path: Path, name: str) -> Path:
    """Where :func:`mux` writes rendition ``name`` next to ``out_path``: ``video.360p.mp4``."""
    return out_path.with_name(f"{out_path.stem}.{name}{out_path.suffix}")


def encode_narration(shot_list: prompt_pb2.ShotList, sources: Sequence[ShotSource], path: Path) -> Path:
    """Mix the narration once (:func:`mix_narration`) and encode it once: AAC-LC, 48 kHz mono,
    ``AUDIO_BPS``, the length of the video (silent where nobody speaks), into the M4A ``path``,
    written atomically. Every rendition copies this track.

    The frames fed to the encoder are measured on the way (:class:`LoudnessMeter`: integrated
    loudness and true peak, ITU-R BS.1770-4, the mono bus counted as dual mono as it plays) and
    the figures, with whether any shot is narrated, go to :func:`loudness_path` (JSON, written
    before ``path``, read by :func:`narration_loudness`).

    Raises:
        RenderError: ``ENCODE_FAILED`` (a WAV cannot be read, or the file cannot be written).
    """
    total = total_frames(shot_list) * MASTER_AUDIO_RATE // FPS
    bus = mix_narration(shot_list, sources, total)
    path = Path(path)
    tmp = _tmp(path)
    meter = LoudnessMeter(MASTER_AUDIO_RATE, AUDIO_LAYOUT)
    try:
        with av.open(str(tmp), "w", format="mp4") as out:
            audio = out.add_stream("aac", rate=MASTER_AUDIO_RATE, layout=AUDIO_LAYOUT, options=AAC_OPTIONS)
            audio.bit_rate = AUDIO_BPS
            for start in range(0, total, AAC_FRAME):
                chunk = bus[start : start + AAC_FRAME]
                frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="fltp", layout=AUDIO_LAYOUT)
                frame.sample_rate, frame.pts, frame.time_base = MASTER_AUDIO_RATE, start, Fraction(1, MASTER_AUDIO_RATE)
                meter.push(frame)
                out.mux(audio.encode(frame))
            out.mux(audio.encode(None))
        meter.push(None)
        figures = meter.result()
        spoken = any(s.audio_path for s in sources)
        sidecar = loudness_path(path)
        _tmp(sidecar).write_text(json.dumps({**dataclasses.asdict(figures), "has_narration": spoken}))
        os.replace(_tmp(sidecar), sidecar)
    except (av.FFmpegError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise RenderError(f"cannot encode the narration: {exc}", reason="ENCODE_FAILED") from exc
    os.replace(tmp, path)
    return path


def loudness_path(narration: Path) -> Path:
    """Where :func:`encode_narration` keeps the loudness of ``narration``: ``narration.json``."""
    return Path(narration).with_suffix(".json")


def narration_loudness(narration: Path) -> dict[str, Any]:
    """``loudness`` (:class:`Loudness`) and ``has_narration`` of the track ``narration``, as
    :func:`encode_narration` measured them; for a track made before it measured (no JSON), the
    file's audio is decoded and measured the same way and it counts as narrated when it is louder
    than the -70 LUFS gate.

    Raises:
        RenderError: ``ENCODE_FAILED`` when the track cannot be read.
    """
    try:
        data = json.loads(loudness_path(narration).read_text())
        figures = Loudness(float(data["integrated_lufs"]), float(data["true_peak_dbtp"]))
        return {"loudness": figures, "has_narration": bool(data["has_narration"])}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        measured = measure_loudness(narration)
    except (av.FFmpegError, OSError) as exc:
        raise RenderError(f"cannot measure {narration}: {exc}", reason="ENCODE_FAILED") from exc
    spoken = measured is not None and measured.integrated_lufs > SILENCE_FLOOR_DB
    return {"loudness": measured, "has_narration": spoken}


def _packets(container: Any, stream: Any) -> list[av.Packet[Any]]:
    """``stream``'s packets in ``container`` (demuxed only; valid while the container is open)."""
    return [p for p in container.demux(stream) if p.size and p.pts is not None and p.dts is not None]


def _mux_rendition(spec: RenditionSpec, files: Sequence[str], narration: Path, path: Path) -> None:
    """Copy the GOP files' packets, in order and re-timed onto the timeline, and the narration
    track's packets into ``path``; written to a temporary name and renamed."""
    tmp = _tmp(path)
    try:
        with contextlib.ExitStack() as inputs:
            sound_in = inputs.enter_context(av.open(str(narration)))
            ain = sound_in.streams.audio[0]
            sound = collections.deque(_packets(sound_in, ain))
            first = inputs.enter_context(av.open(files[0]))  # the template's container stays open
            with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
                video = out.add_stream_from_template(first.streams.video[0])
                audio = out.add_stream_from_template(ain)
                extradata = bytes(first.streams.video[0].codec_context.extradata or b"")
                for g, file in enumerate(files):
                    with av.open(file) as src:
                        vin = src.streams.video[0]
                        if bytes(vin.codec_context.extradata or b"") != extradata:
                            raise RenderError(
                                f"GOP {g} of {spec.name} has other parameter sets", reason="ENCODE_FAILED"
                            )
                        packets = _packets(src, vin)
                        if not packets or not packets[0].is_keyframe:
                            raise RenderError(
                                f"GOP {g} of {spec.name} is empty or starts without a keyframe", reason="ENCODE_FAILED"
                            )
                        base = packets[0].time_base
                        shift = round(Fraction(g * GOP_FRAMES, FPS) / base) - min(p.pts or 0 for p in packets)
                        for p in packets:
                            p.pts, p.dts = (p.pts or 0) + shift, (p.dts or 0) + shift
                            p.stream = video
                            out.mux(p)
                    until = Fraction((g + 1) * GOP_FRAMES, FPS)
                    while sound and (g == len(files) - 1 or (sound[0].pts or 0) * sound[0].time_base < until):
                        p = sound.popleft()
                        p.stream = audio
                        out.mux(p)
    except (av.FFmpegError, OSError, IndexError) as exc:
        tmp.unlink(missing_ok=True)
        raise RenderError(f"cannot write {path}: {exc}", reason="ENCODE_FAILED") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def mux(
    shot_list: prompt_pb2.ShotList, sources: Sequence[ShotSource], gops: Mapping[int, GopRender], out_path: Path
) -> AssemblyReport:
    """Join the finished GOPs and the narration track into ``out_path`` and the lower renditions,
    without decoding or encoding a frame.

    ``out_path`` is H.264 High 1280x720 24 fps (CRF 20, peak capped) + AAC 48 kHz mono MP4, and
    also the 720p HLS rendition; each lower rung of :data:`RENDITIONS` goes to
    :func:`rendition_path` (640x360 at 800 kbit/s). Keyframes fall exactly every ``FINAL_GOP_S``
    seconds (frames 0, 48, 96, ...) with no scene-cut keyframes, so the files are HLS-ready. The
    audio is ``NARRATION_FILE`` next to the first GOP (made by :func:`encode_narration` from
    ``sources`` when it is not there yet), silent when no shot has narration.

    Raises:
        InvalidShotList: the shot list breaks its contract.
        RenderError: ``SHOT_MISSING`` (a GOP is not finished), ``ENCODE_FAILED``, or ``QC_FAILED``
            when the written file lacks a stream, has the wrong size, or its duration is more than
            10% off ``total_duration_ms``.
    """
    validate(shot_list)
    count = gop_count(shot_list)
    missing = [g for g in range(count) if g not in gops]
    if missing:
        raise RenderError(
            f"GOPs {missing} are not encoded", reason="SHOT_MISSING", metadata={"gops": ",".join(map(str, missing))}
        )
    narration = Path(gops[0].paths[RENDITIONS[0].name]).with_name(NARRATION_FILE)
    if not narration.exists():
        encode_narration(shot_list, sources, narration)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    paths = [out_path] + [rendition_path(out_path, spec.name) for spec in RENDITIONS[1:]]
    for spec, path in zip(RENDITIONS, paths, strict=True):
        _mux_rendition(spec, [gops[g].paths[spec.name] for g in range(count)], narration, path)
    metrics = FrameMetrics(**narration_loudness(narration))
    for g in range(count):
        rows = zip(gops[g].luminance, gops[g].luma, gops[g].difference, strict=True)
        for j, (lum, luma, diff) in enumerate(rows):
            metrics.add((np.asarray(lum, dtype=np.float64), float(luma)), (g * GOP_FRAMES + j) / FPS, 1 / FPS, diff)
    report = quality_check(out_path, shot_list.total_duration_ms)
    lower = tuple((spec.name, str(path)) for spec, path in zip(RENDITIONS[1:], paths[1:], strict=True))
    return dataclasses.replace(report, renditions=lower, metrics=metrics)


def render(
    shot_list: prompt_pb2.ShotList,
    work_dir: Path,
    out_path: Path,
    *,
    narration: bool = True,
    subtitles: bool = True,
    parts: int = 1,
) -> AssemblyReport:
    """A storyboard job's render in this process: narration, every unfinished GOP (in ``parts`` runs,
    one after another), then :func:`mux`. For tests and benchmarks; the worker runs the same steps
    across its render processes.

    Raises:
        As :func:`encode_gops` and :func:`mux`; ``TTS_FAILED``.
    """
    validate(shot_list)
    work_dir = Path(work_dir)
    sources = []
    for i in range(len(shot_list.shots)):
        audio, ms = narrate(shot_list, i, work_dir) if narration else (None, 0)
        sources.append(dataclasses.replace(storyboard_source(shot_list, i), audio_path=audio, narration_ms=ms))
    by_index = {s.index: s for s in sources}
    done = finished_gops(shot_list, work_dir)
    for run in plan_runs([g for g in range(gop_count(shot_list)) if g not in done], parts):
        done.update({g.index: g for g in encode_gops(shot_list, by_index, run, work_dir, subtitles=subtitles)})
    encode_narration(shot_list, sources, work_dir / NARRATION_FILE)
    return mux(shot_list, sources, done, out_path)


def warm_up(work_dir: Path) -> None:
    """Draw, measure and encode the first frames of a shot of its own (rain, a dancing figure, a
    Telugu and Latin subtitle) with an encoder per rendition writing into ``work_dir``, and delete
    what they wrote.

    A render process that does this when it starts has its modules, fonts, shaping and encoders
    loaded before its first job, which otherwise pays for them (``benchmarks/e2e.py``: the first
    run's GOPs took 0.5-0.9 s longer than a later run's).

    Raises:
        As :func:`encode_gops`.
    """
    a = analysis_pb2
    shot_list = prompt_pb2.ShotList(language_code="te", provider="storyboard", total_duration_ms=1000)
    shot_list.setting.CopyFrom(a.Setting(location="temple", time_of_day=a.TIME_OF_DAY_EVENING, weather=a.WEATHER_RAIN))
    shot_list.mood.CopyFrom(a.Mood(tone="joyful", palette=["#e76f51", "#2a9d8f"], pace=a.PACE_MEDIUM))
    shot_list.entities.add(id="character-girl", kind=a.ENTITY_KIND_CHARACTER, name="girl")
    shot = shot_list.shots.add(
        index=0, duration_ms=1000, subtitle="వర్షం rain 2026", entity_ids=["character-girl"], action="dance"
    )
    shot.camera.CopyFrom(
        a.Camera(shot_size=a.SHOT_SIZE_WIDE, movement=a.CAMERA_MOVEMENT_PAN_RIGHT, focus_entity_id="character-girl")
    )
    composer = Composer(shot_list, {0: storyboard_source(shot_list, 0)}, subtitles=True)
    encoders = [_RenditionEncoder(spec, Path(work_dir), threads=1) for spec in RENDITIONS]
    meter = FrameMeter()
    try:
        for f in range(WARM_UP_FRAMES):
            frame = _rgb_frame(composer.frame(f))
            for e in encoders:
                frame = e.encode(frame, f)
            meter.measure(frame)
        for e in encoders:
            e.finish()
    finally:
        for e in encoders:
            e.abandon()
            e.holder.close()
            gop_path(Path(work_dir), 0, e.spec.name).unlink(missing_ok=True)


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
