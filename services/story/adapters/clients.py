"""Scene analysis and rendering through the language, analysis and generation contracts, each call with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import grpc
from grpc_status import rpc_status

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.analysis.v1 import analysis_service_pb2 as an_svc
from drishya.analysis.v1 import analysis_service_pb2_grpc as an_grpc
from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gen_svc
from drishya.generation.v1 import generation_service_pb2_grpc as gen_grpc
from drishya.language.v1 import language_service_pb2 as lang_svc
from drishya.language.v1 import language_service_pb2_grpc as lang_grpc
from drishya.story.v1 import story_pb2 as pb
from services.mesh.channels import channel
from services.mesh.errors import DrishyaError, error_from_status
from services.story.config import StoryConfig


def passed_on(err: grpc.aio.AioRpcError) -> DrishyaError:
    """The downstream service's error as a :class:`DrishyaError` with its code, reason and details,
    so the caller gets INVALID_ARGUMENT UNSUPPORTED_LANGUAGE (say) rather than INTERNAL."""
    st = rpc_status.from_call(err)  # type: ignore[arg-type]
    if st is not None:
        return error_from_status(st)
    out = DrishyaError(err.details() or err.code().name, reason=err.code().name)
    out.code = err.code()
    return out


class SceneAnalyst:
    """Translates a scene to English (LanguageService.Translate) and analyses it (AnalysisService.AnalyzeScene)."""

    def __init__(self, config: StoryConfig) -> None:
        self._channels = [channel(config.language_addr), channel(config.analysis_addr)]
        self._language = lang_grpc.LanguageServiceStub(self._channels[0])  # type: ignore[no-untyped-call]
        self._analysis = an_grpc.AnalysisServiceStub(self._channels[1])  # type: ignore[no-untyped-call]
        self._deadline_s = config.rpc_deadline_s
        self._limit = asyncio.Semaphore(config.analysis_concurrency)

    async def analyze(self, scene: pb.Scene) -> tuple[str, an_pb.SceneAnalysis]:
        """``(english_text, analysis)`` of one scene; raises ``grpc.aio.AioRpcError`` when a service fails.

        The scene's language is detected by the language service when the scene does not state one.
        """
        async with self._limit:
            try:
                return await self._analyze(scene)
            except grpc.aio.AioRpcError as err:
                raise passed_on(err) from None

    async def _analyze(self, scene: pb.Scene) -> tuple[str, an_pb.SceneAnalysis]:
        tr = await self._language.Translate(
            lang_svc.TranslateRequest(
                text=scene.text, source_language_code=scene.language_code, target_language_code="en"
            ),
            timeout=self._deadline_s,
        )
        resp = await self._analysis.AnalyzeScene(
            an_svc.AnalyzeSceneRequest(
                english_text=tr.text,
                source_text=scene.text,
                language_code=tr.source_language_code,
                english_segments=[s.text for s in tr.segments],
                segments=tr.segments,
            ),
            timeout=self._deadline_s,
        )
        return tr.text, resp.analysis

    async def analyze_all(self, scenes: Sequence[pb.Scene]) -> list[tuple[str, an_pb.SceneAnalysis]]:
        """:meth:`analyze` for each scene, at most ``analysis_concurrency`` at once, in order."""
        return list(await asyncio.gather(*(self.analyze(s) for s in scenes)))

    async def close(self) -> None:
        """Close the channels."""
        for c in self._channels:
            await c.close(None)


class SceneRenderer:
    """Creates generation jobs (GenerationService.CreateJob) for scenes of a story."""

    def __init__(self, config: StoryConfig) -> None:
        self._channel = channel(config.generation_addr)
        self._generation = gen_grpc.GenerationServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._deadline_s = config.rpc_deadline_s

    async def create_job(
        self,
        owner_id: str,
        request_id: str,
        scene: pb.Scene,
        cast: Sequence[gen_pb2.CastEntry],
        plan: str = "",
        review_required: bool = False,
    ) -> str:
        """The id of the job rendering ``scene`` with ``cast`` for an owner on ``plan`` (held for review
        when finished if ``review_required``); the generation
        service returns the existing job for a repeated ``(owner_id, request_id)``. Raises its error
        passed on (:func:`passed_on`)."""
        try:
            resp = await self._generation.CreateJob(
                gen_svc.CreateJobRequest(
                    owner_id=owner_id,
                    request_id=request_id,
                    text=scene.text,
                    options=gen_pb2.JobOptions(language_code=scene.language_code, cast=cast),
                    plan=plan,
                    review_required=review_required,
                ),
                timeout=self._deadline_s,
            )
        except grpc.aio.AioRpcError as err:
            raise passed_on(err) from None
        return str(resp.job.job_id)

    async def get_job(self, owner_id: str, job_id: str) -> gen_pb2.Job:
        """The owner's job; raises ``grpc.aio.AioRpcError`` (NOT_FOUND for another owner's)."""
        try:
            resp = await self._generation.GetJob(
                gen_svc.GetJobRequest(owner_id=owner_id, job_id=job_id), timeout=self._deadline_s
            )
        except grpc.aio.AioRpcError as err:
            raise passed_on(err) from None
        job: gen_pb2.Job = resp.job
        return job

    async def close(self) -> None:
        """Close the channel."""
        await self._channel.close(None)
