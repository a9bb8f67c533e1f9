"""ModerationService servicer: proto in, proto out; the rules live in text_rules and video_checks."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import TypeAlias

import grpc

from drishya.moderation.v1 import moderation_pb2 as pb2
from drishya.moderation.v1 import moderation_service_pb2 as svc_pb2
from drishya.moderation.v1 import moderation_service_pb2_grpc as svc_grpc
from services.mesh.media_store import LocalMediaStore, MediaStore
from services.mesh.storage import resolve_media_path
from services.moderation import text_rules, video_checks
from services.moderation.findings import Decision, Verdict
from services.render.metrics import Loudness

Ctx: TypeAlias = grpc.aio.ServicerContext[object, object]


def reasons_of(verdict: Verdict) -> list[pb2.ModerationReason]:
    """The findings of ``verdict`` as ``ModerationReason`` messages."""
    return [
        pb2.ModerationReason(
            category=f"REASON_CATEGORY_{f.category.value}",
            decision=decision_of(f.decision),
            matched_term=f.matched_term,
            language_code=f.language_code,
            message=f.message,
        )
        for f in verdict.findings
    ]


def decision_of(decision: Decision) -> str:
    """The ``drishya.moderation.v1.Decision`` value name of ``decision`` (protobuf accepts enum names)."""
    return f"DECISION_{decision.name}"


class ModerationServicer(svc_grpc.ModerationServiceServicer):
    """CheckText (pure, on the event loop: well under a millisecond per 1000 characters) and
    CheckVideo (on the event loop when the request carries the metrics measured as the video was
    encoded; otherwise decoding, in worker threads, at most ``video_workers`` at once). With media
    in object storage (``media`` not a local directory) the path is a key, and a video to decode is
    fetched to a scratch file first."""

    def __init__(
        self, rules: text_rules.RuleSet, media_root: Path, video_workers: int, media: MediaStore | None = None
    ) -> None:
        self._rules = rules
        self._media_root = media_root
        self._media = media if media is not None else LocalMediaStore(media_root)
        self._video_slots = asyncio.Semaphore(video_workers)

    async def CheckText(self, request: svc_pb2.CheckTextRequest, context: Ctx) -> svc_pb2.CheckTextResponse:
        verdict = text_rules.check_text(request.text, request.language_code, self._rules)
        return svc_pb2.CheckTextResponse(decision=decision_of(verdict.decision), reasons=reasons_of(verdict))

    async def CheckVideo(self, request: svc_pb2.CheckVideoRequest, context: Ctx) -> svc_pb2.CheckVideoResponse:
        remote = self._media.local_root is None
        if remote:
            key = self._media.key_of(request.path, field="path")
        else:
            path = resolve_media_path(request.path, self._media.local_root or self._media_root, field="path")
        video_checks.validate_expected_duration(request.expected_duration_ms)
        if request.HasField("metrics"):
            m = request.metrics
            loudness = (
                Loudness(m.integrated_loudness_lufs, m.true_peak_dbtp)
                if m.HasField("integrated_loudness_lufs") and m.HasField("true_peak_dbtp")
                else None
            )
            stats = video_checks.stats_from_metrics(
                m.frame_times_s, m.luminance, m.luma, m.duration_s, m.frame_difference, loudness, m.has_narration
            )
            verdict = video_checks.check_metrics(stats, request.expected_duration_ms)
            return svc_pb2.CheckVideoResponse(decision=decision_of(verdict.decision), reasons=reasons_of(verdict))
        async with self._video_slots:
            if remote:
                with tempfile.TemporaryDirectory(prefix="drishya-check-") as scratch:
                    path = await asyncio.to_thread(self._media.get_file, key, Path(scratch) / "video.mp4")
                    verdict = await asyncio.to_thread(video_checks.check_video, path, request.expected_duration_ms)
            else:
                verdict = await asyncio.to_thread(video_checks.check_video, path, request.expected_duration_ms)
        return svc_pb2.CheckVideoResponse(decision=decision_of(verdict.decision), reasons=reasons_of(verdict))
