"""ModerationService over a real gRPC channel: text decisions, video checks on videos built here, errors."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from fractions import Fraction
from pathlib import Path

import av
import grpc
import numpy as np
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from drishya.moderation.v1 import moderation_pb2 as pb2
from drishya.moderation.v1 import moderation_service_pb2 as svc_pb2
from drishya.moderation.v1 import moderation_service_pb2_grpc as svc_grpc
from services.mesh.channels import channel
from services.mesh.errors import details_of
from services.mesh.server import MeshServer
from services.moderation import video_checks
from services.moderation.config import ModerationConfig
from services.moderation.server import SERVICE_NAME, create_server
from services.render.metrics import FrameMeter, FrameMetrics, measure_frame

FPS = 24
W, H = 320, 180

Painter = Callable[[int], np.ndarray]


def _write_video(
    path: Path,
    seconds: float,
    paint: Painter,
    *,
    audio_only: bool = False,
    x264: dict[str, str] | None = None,
    size: tuple[int, int] = (W, H),
) -> Path:
    """Encode an H.264 (``size``, libx264 ``x264`` options, default ultrafast) or, with
    ``audio_only``, an AAC-only file of ``seconds`` with PyAV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as out:
        if audio_only:
            stream = out.add_stream("aac", rate=48000)
            stream.layout = "mono"
            samples = int(seconds * 48000)
            for start in range(0, samples, 1024):
                pcm = np.zeros((1, 1024), np.float32)
                frame = av.AudioFrame.from_ndarray(pcm, format="fltp", layout="mono")
                frame.sample_rate, frame.pts = 48000, start
                for packet in stream.encode(frame):
                    out.mux(packet)
        else:
            stream = out.add_stream("libx264", rate=FPS)
            stream.width, stream.height, stream.pix_fmt = *size, "yuv420p"
            stream.options = x264 or {"preset": "ultrafast"}
            for i in range(round(seconds * FPS)):
                frame = av.VideoFrame.from_ndarray(paint(i), format="rgb24")
                frame.pts, frame.time_base = i, Fraction(1, FPS)
                for packet in stream.encode(frame):
                    out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


def gradient(i: int) -> np.ndarray:
    x = (np.arange(W)[None, :] * 255 // W + i * 4) % 256
    y = np.arange(H)[:, None] * 200 // H
    img = np.zeros((H, W, 3), np.uint8)
    img[..., 0] = x
    img[..., 1] = y
    img[..., 2] = 90
    return img


def flashing(hz: float) -> Painter:
    def paint(i: int) -> np.ndarray:
        on = int(i / FPS * hz * 2) % 2 == 1
        return np.full((H, W, 3), 255 if on else 0, np.uint8)

    return paint


def black(i: int) -> np.ndarray:
    return np.zeros((H, W, 3), np.uint8)


@pytest.fixture(scope="module")
def work_dir(media_root: Path) -> Path:
    d = media_root / "work" / f"moderation-{uuid.uuid4().hex[:8]}"
    d.mkdir(parents=True)
    return d


@pytest_asyncio.fixture(scope="module")
async def server(media_root: Path) -> AsyncIterator[MeshServer]:
    s = await create_server(ModerationConfig(port=0, media_root=media_root))
    yield s
    await s.stop(0.5)


@pytest_asyncio.fixture(scope="module")
async def stub(server: MeshServer) -> AsyncIterator[svc_grpc.ModerationServiceStub]:
    ch = channel(f"127.0.0.1:{server.port}")
    yield svc_grpc.ModerationServiceStub(ch)
    await ch.close()


async def test_health_reports_serving(server: MeshServer) -> None:
    async with channel(f"127.0.0.1:{server.port}") as ch:
        health = health_pb2_grpc.HealthStub(ch)
        for _ in range(50):
            resp = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=2)
            if resp.status == health_pb2.HealthCheckResponse.SERVING:
                break
            await asyncio.sleep(0.05)
        assert resp.status == health_pb2.HealthCheckResponse.SERVING


async def test_check_text_allows_benign_scene(stub: svc_grpc.ModerationServiceStub) -> None:
    resp = await stub.CheckText(
        svc_pb2.CheckTextRequest(text="వర్షం పడుతుండగా ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.", language_code="te"),
        timeout=5,
    )
    assert resp.decision == pb2.DECISION_ALLOW
    assert list(resp.reasons) == []


async def test_check_text_blocks_character_and_reviews_profanity(stub: svc_grpc.ModerationServiceStub) -> None:
    resp = await stub.CheckText(
        svc_pb2.CheckTextRequest(text="ఒక అబ్బాయి స్పైడర్ మ్యాన్‌తో ఆడుతున్నాడు, damn", language_code="te"), timeout=5
    )
    assert resp.decision == pb2.DECISION_BLOCK
    assert [(r.category, r.decision, r.matched_term, r.language_code) for r in resp.reasons] == [
        (pb2.REASON_CATEGORY_COPYRIGHTED_CHARACTER, pb2.DECISION_BLOCK, "స్పైడర్ మ్యాన్", "te"),
        (pb2.REASON_CATEGORY_PROFANITY, pb2.DECISION_REVIEW, "damn", "en"),
    ]
    assert "protected character" in resp.reasons[0].message
    review = await stub.CheckText(svc_pb2.CheckTextRequest(text="What the hell, damn it"), timeout=5)
    assert review.decision == pb2.DECISION_REVIEW


@pytest.mark.parametrize(
    ("text", "reason"),
    [("", "EMPTY_TEXT"), ("  ", "EMPTY_TEXT"), ("x" * 4001, "TEXT_TOO_LONG")],
)
async def test_check_text_rejects_bad_text(stub: svc_grpc.ModerationServiceStub, text: str, reason: str) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CheckText(svc_pb2.CheckTextRequest(text=text), timeout=5)
    d = details_of(err.value)
    assert (d.code, d.reason, d.domain) == (grpc.StatusCode.INVALID_ARGUMENT, reason, "moderation.drishya")
    assert [v.field for v in d.violations] == ["text"]


async def _check_video(
    stub: svc_grpc.ModerationServiceStub, path: Path | str, expected_ms: int = 0
) -> svc_pb2.CheckVideoResponse:
    return await stub.CheckVideo(
        svc_pb2.CheckVideoRequest(path=str(path), expected_duration_ms=expected_ms), timeout=30
    )


def _findings(resp: svc_pb2.CheckVideoResponse) -> list[tuple[int, int]]:
    return [(r.category, r.decision) for r in resp.reasons]


async def test_normal_video_is_allowed(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    path = _write_video(work_dir / "gradient.mp4", 3.0, gradient)
    resp = await _check_video(stub, path, expected_ms=3000)
    assert resp.decision == pb2.DECISION_ALLOW, [r.message for r in resp.reasons]
    assert list(resp.reasons) == []


async def test_path_relative_to_media_root_is_accepted(
    stub: svc_grpc.ModerationServiceStub, work_dir: Path, media_root: Path
) -> None:
    path = _write_video(work_dir / "relative.mp4", 1.0, gradient)
    resp = await _check_video(stub, path.relative_to(media_root))
    assert resp.decision == pb2.DECISION_ALLOW


async def test_five_hertz_flashing_is_blocked(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    path = _write_video(work_dir / "flash5hz.mp4", 2.0, flashing(5.0))
    resp = await _check_video(stub, path, expected_ms=2000)
    assert resp.decision == pb2.DECISION_BLOCK
    assert _findings(resp) == [(pb2.REASON_CATEGORY_PHOTOSENSITIVITY, pb2.DECISION_BLOCK)]
    assert "5 times within one second" in resp.reasons[0].message


async def test_two_hertz_flashing_is_allowed(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    path = _write_video(work_dir / "flash2hz.mp4", 2.0, flashing(2.0))
    resp = await _check_video(stub, path)
    assert resp.decision == pb2.DECISION_ALLOW, [r.message for r in resp.reasons]


async def test_black_video_needs_review(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    path = _write_video(work_dir / "black.mp4", 2.0, black)
    resp = await _check_video(stub, path, expected_ms=2000)
    assert resp.decision == pb2.DECISION_REVIEW
    assert _findings(resp) == [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_REVIEW)]
    assert "blank" in resp.reasons[0].message


async def test_wrong_duration_needs_review(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    path = _write_video(work_dir / "short.mp4", 2.0, gradient)
    resp = await _check_video(stub, path, expected_ms=4000)
    assert resp.decision == pb2.DECISION_REVIEW
    assert _findings(resp) == [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_REVIEW)]
    assert "2.00 s" in resp.reasons[0].message


async def test_unreadable_missing_and_videoless_files_are_blocked(
    stub: svc_grpc.ModerationServiceStub, work_dir: Path
) -> None:
    text_file = work_dir / "notes.mp4"
    text_file.write_text("this is not a video\n" * 20)
    audio_only = _write_video(work_dir / "audio_only.mp4", 1.0, black, audio_only=True)
    for path in (text_file, work_dir / "missing.mp4", audio_only):
        resp = await _check_video(stub, path, expected_ms=1000)
        assert resp.decision == pb2.DECISION_BLOCK, path
        assert _findings(resp) == [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_BLOCK)], path


async def test_paths_outside_the_media_root_are_invalid(
    stub: svc_grpc.ModerationServiceStub, work_dir: Path, tmp_path: Path
) -> None:
    outside = _write_video(tmp_path / "outside.mp4", 1.0, gradient)
    escape = work_dir / "escape.mp4"
    escape.symlink_to(outside)
    for path in (str(outside), str(work_dir / ".." / ".." / ".." / outside.name), str(escape), "/etc/passwd"):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await _check_video(stub, path)
        d = details_of(err.value)
        assert (d.code, d.reason, d.domain) == (
            grpc.StatusCode.INVALID_ARGUMENT,
            "PATH_OUTSIDE_MEDIA_ROOT",
            "moderation.drishya",
        ), path
        assert [v.field for v in d.violations] == ["path"]
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _check_video(stub, "")
    assert details_of(err.value).reason == "EMPTY_PATH"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _check_video(stub, work_dir / "missing.mp4", expected_ms=-5)
    assert details_of(err.value).reason == "INVALID_EXPECTED_DURATION"


def _metrics(seconds: float, paint: Painter) -> svc_pb2.VideoMetrics:
    """Measure raw painted frames as the renderer does while it encodes (no file is written)."""
    m = FrameMetrics()
    for i in range(round(seconds * FPS)):
        m.add(measure_frame(av.VideoFrame.from_ndarray(paint(i), format="rgb24")), i / FPS, 1 / FPS)
    flat = [v for row in m.luminance for v in row]
    return svc_pb2.VideoMetrics(frame_times_s=m.times_s, luminance=flat, luma=m.luma, duration_s=m.duration_s)


async def test_metrics_are_judged_without_decoding_the_file(
    stub: svc_grpc.ModerationServiceStub, work_dir: Path
) -> None:
    """With metrics the rules apply to them: the named file does not even exist, and the verdicts
    match those on the decoded files above."""
    missing = str(work_dir / "never-written.mp4")
    cases = [
        (flashing(5.0), 2000, [(pb2.REASON_CATEGORY_PHOTOSENSITIVITY, pb2.DECISION_BLOCK)]),
        (flashing(2.0), 2000, []),
        (black, 2000, [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_REVIEW)]),
        (gradient, 4000, [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_REVIEW)]),
        (gradient, 2000, []),
    ]
    for paint, expected_ms, findings in cases:
        request = svc_pb2.CheckVideoRequest(
            path=missing, expected_duration_ms=expected_ms, metrics=_metrics(2.0, paint)
        )
        resp = await stub.CheckVideo(request, timeout=30)
        assert _findings(resp) == findings, [r.message for r in resp.reasons]


async def test_inconsistent_metrics_are_invalid(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    good = _metrics(1.0, gradient)
    short = svc_pb2.VideoMetrics()
    short.CopyFrom(good)
    del short.luma[-1]
    nan = svc_pb2.VideoMetrics()
    nan.CopyFrom(good)
    nan.luminance[3] = float("nan")
    for metrics in (short, nan, svc_pb2.VideoMetrics(duration_s=1.0)):
        request = svc_pb2.CheckVideoRequest(path=str(work_dir / "x.mp4"), metrics=metrics)
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await stub.CheckVideo(request, timeout=30)
        d = details_of(err.value)
        assert (d.code, d.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_VIDEO_METRICS")
        assert [v.field for v in d.violations] == ["metrics"]


def still(i: int) -> np.ndarray:
    """One 1280x720 picture, every frame."""
    return np.ascontiguousarray(np.repeat(np.repeat(gradient(0), 4, axis=0), 4, axis=1))


async def test_frozen_picture_needs_review_from_the_file_and_from_metrics(
    stub: svc_grpc.ModerationServiceStub, work_dir: Path
) -> None:
    seconds = video_checks.FREEZE_S + 1
    # the 720p rendition's settings: coding noise on a still stays below the threshold (at 320x180
    # it reaches 0.46 to 0.51 at a keyframe, above it, and splits the frozen run)
    rendition = {"preset": "veryfast", "crf": "20", "x264-params": "keyint=48:min-keyint=48:scenecut=0"}
    path = _write_video(work_dir / "frozen.mp4", seconds, still, x264=rendition, size=(1280, 720))
    meter, m = FrameMeter(), FrameMetrics()
    for i in range(round(seconds * FPS)):
        r = meter.measure(av.VideoFrame.from_ndarray(still(i), format="rgb24"))
        m.add((r.luminance, r.luma), i / FPS, 1 / FPS, r.difference)
    flat = [v for row in m.luminance for v in row]
    metrics = svc_pb2.VideoMetrics(
        frame_times_s=m.times_s, luminance=flat, luma=m.luma, duration_s=m.duration_s, frame_difference=m.difference
    )
    decoded = await _check_video(stub, path, expected_ms=int(seconds * 1000))
    measured = await stub.CheckVideo(
        svc_pb2.CheckVideoRequest(path=str(path), expected_duration_ms=int(seconds * 1000), metrics=metrics), timeout=30
    )
    for resp in (decoded, measured):
        assert resp.decision == pb2.DECISION_REVIEW
        assert _findings(resp) == [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_REVIEW)]
        assert "frozen for 11.00 s from 0.00 s" in resp.reasons[0].message
    moving = await _check_video(stub, _write_video(work_dir / "moving.mp4", seconds, gradient))
    assert moving.decision == pb2.DECISION_ALLOW, [r.message for r in moving.reasons]


async def test_loudness_figures_in_metrics_are_judged(stub: svc_grpc.ModerationServiceStub, work_dir: Path) -> None:
    base = _metrics(2.0, gradient)
    cases = [
        (-17.0, -2.0, True, 0),
        (-8.0, -0.2, True, 2),  # too loud, and a true peak above -1 dBTP
        (-70.0, -70.0, True, 1),  # narration expected, silence found
        (-70.0, -70.0, False, 0),  # a video without narration is silent by design
    ]
    for lufs, dbtp, narrated, count in cases:
        metrics = svc_pb2.VideoMetrics(integrated_loudness_lufs=lufs, true_peak_dbtp=dbtp, has_narration=narrated)
        metrics.MergeFrom(base)
        resp = await stub.CheckVideo(
            svc_pb2.CheckVideoRequest(path=str(work_dir / "x.mp4"), metrics=metrics), timeout=30
        )
        assert _findings(resp) == [(pb2.REASON_CATEGORY_TECHNICAL, pb2.DECISION_REVIEW)] * count, (lufs, narrated)
    bad = svc_pb2.VideoMetrics(frame_difference=[0.0])
    bad.MergeFrom(base)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.CheckVideo(svc_pb2.CheckVideoRequest(path=str(work_dir / "x.mp4"), metrics=bad), timeout=30)
    assert details_of(err.value).reason == "INVALID_VIDEO_METRICS"
