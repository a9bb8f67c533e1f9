"""The stages of one job, run in order, each output stored before the next stage starts.

A worker that dies mid-job loses its lease; the next worker to claim the job runs
:meth:`Pipeline.run` again, which skips every stage whose output is stored and every shot
already made and every GOP already encoded (checkpoints), so the job resumes at its first
unfinished step.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from google.protobuf import json_format, struct_pb2

from drishya.analysis.v1 import analysis_pb2 as scene_pb2
from drishya.analysis.v1 import analysis_service_pb2 as analysis_pb2
from drishya.delivery.v1 import delivery_service_pb2 as delivery_pb2
from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.language.v1 import language_pb2
from drishya.language.v1 import language_service_pb2 as language_pb2_svc
from drishya.moderation.v1 import moderation_pb2
from drishya.moderation.v1 import moderation_service_pb2 as moderation_pb2_svc
from drishya.prompt.v1 import prompt_pb2
from drishya.prompt.v1 import prompt_service_pb2 as prompt_pb2_svc
from services.generation import cast, jobs, reviews
from services.generation import metrics as gen_metrics
from services.generation.adapters.clients import Clients
from services.generation.adapters.review_store import ReviewStore
from services.generation.adapters.store import Claim, JobStore
from services.mesh.media_store import LocalMediaStore, MediaStore, MediaUnavailable, join_key
from services.render import storyboard
from services.render.metrics import FrameMetrics
from services.render.providers import Outcome, ProviderChain, RenderProvider
from services.render.storyboard import RenderError
from services.render.types import Progress, SafetyRefusal

log = logging.getLogger(__name__)

S = gen_pb2
SHOT_PROGRESS_STEP = 0.1
"""A provider's progress inside a shot becomes an event at most every tenth of the shot."""
GOP_POLL_S = 0.25
PUT_THREADS = 4
"""Work files put into an object store at once (the requests mostly wait on the network)."""
"""How often the render stage looks for GOPs the render processes finished (seconds)."""


class JobEnded(Exception):
    """The job reached a terminal state inside a stage (BLOCKED by moderation)."""


@dataclasses.dataclass(frozen=True)
class Finished:
    """A job's published result and the reasons of the moderation checks that answered REVIEW (a
    BLOCK waived by an upheld appeal among them): when there are any, the video waits for review."""

    result: gen_pb2.JobResult
    review_reasons: tuple[moderation_pb2.ModerationReason, ...] = ()


Emit = Callable[..., Awaitable[gen_pb2.JobEvent]]
#: A stage's stored output and the job changes its completion event carries.
StageOutput = tuple[bytes, dict[str, Any]]


class Pipeline:
    """Runs the stages of claimed jobs.

    Args:
        store: the job store (stage outputs and shot checkpoints).
        clients: stubs of the other services.
        providers: the render provider chain.
        media_root: the shared media volume; work files go to ``<media_root>/work/<job_id>/``.
        shot_concurrency: the worker's render processes: runs of GOPs of one job encoded at once,
            and shot sources made at once.
        media: the media store (default: the local directory ``media_root``, where work files are
            made in place). With object storage, work files are made in ``scratch_root`` (this
            worker's own disk) and every checkpoint is put into the store as it is made (a shot's
            source and narration before its checkpoint row, a GOP's files before its marker), the
            assembled files too; a job resumed on another machine first fetches the checkpoints
            the store holds (:meth:`fetch_work`), so no folder is shared between workers.
        scratch_root: local directory of work files with object storage (default
            ``<media_root>/scratch``).
    """

    def __init__(
        self,
        store: JobStore,
        clients: Clients,
        providers: ProviderChain,
        media_root: Path,
        shot_concurrency: int = 1,
        *,
        media: MediaStore | None = None,
        scratch_root: Path | None = None,
    ) -> None:
        self.shot_concurrency = max(1, shot_concurrency)
        self.store = store
        self.clients = clients
        self.providers = providers
        self.media_root = media_root
        self.media = media if media is not None else LocalMediaStore(media_root)
        self.remote = self.media.local_root is None
        self.scratch_root = scratch_root or media_root / "scratch"

    def work_dir(self, job_id: uuid.UUID) -> Path:
        """Directory of a job's intermediate files (in the store's directory, or local scratch)."""
        return (self.scratch_root if self.remote else self.media_root) / "work" / str(job_id)

    @staticmethod
    def work_key(job_id: uuid.UUID, *parts: str) -> str:
        """Key of a job's work file in the media store: ``work/<job_id>/<parts>``."""
        return join_key("work", str(job_id), *parts)

    def discard_work(self, job_id: uuid.UUID) -> None:
        """Remove a job's work folder, and its work files in object storage (once it is published or
        has ended for good); blocking I/O. A store that does not answer leaves the files (logged)."""
        shutil.rmtree(self.work_dir(job_id), ignore_errors=True)
        if self.remote:
            try:
                self.media.delete_prefix(self.work_key(job_id))
            except MediaUnavailable as exc:
                log.warning("job %s: work files left in the media store: %s", job_id, exc.message)

    def fetch_work(self, job_id: uuid.UUID) -> set[str]:
        """Object store: fetch the job's checkpoints (``shots/``, ``gops/``) this worker lacks into its
        work folder, and point the GOP markers at the local files; returns the names (relative to
        the work folder) the store holds. Blocking; raises MediaUnavailable."""
        if not self.remote:
            return set()
        work, prefix = self.work_dir(job_id), self.work_key(job_id)
        stored: set[str] = set()
        for key in self.media.list_keys(prefix):
            rel = key[len(prefix) + 1 :]
            stored.add(rel)
            if rel.startswith(("shots/", "gops/")) and not (work / rel).is_file():
                self.media.get_file(key, work / rel)
        for marker in (work / "gops").glob("gop_*.json"):
            _rebase_marker(marker)
        return stored

    def _video_ref(self, job_id: uuid.UUID) -> str:
        """How other services are told of the assembled video: its key in an object store, else its path."""
        return self.work_key(job_id, "video.mp4") if self.remote else str(self.work_dir(job_id) / "video.mp4")

    def put_work(self, job_id: uuid.UUID, paths: Sequence[Path], *, last: Sequence[Path] = ()) -> None:
        """Object store: put work files (inside the job's work folder) under their keys, ``PUT_THREADS``
        at a time, then those of ``last`` once all the others are stored; blocking. Raises
        MediaUnavailable."""
        if not self.remote:
            return
        work = self.work_dir(job_id)

        def put(path: Path) -> None:
            self.media.put_file(self.work_key(job_id, path.relative_to(work).as_posix()), path)

        for batch in (paths, last):
            if len(batch) == 1:
                put(batch[0])
            elif batch:
                with concurrent.futures.ThreadPoolExecutor(min(PUT_THREADS, len(batch))) as pool:
                    for done in [pool.submit(put, p) for p in batch]:
                        done.result()  # the first failure raises

    async def run(self, claim: Claim, emit: Emit) -> Finished:
        """Run every unfinished stage of ``claim``; returns the published result and moderation's
        REVIEW reasons (read from the stored outputs of both checks, so a resumed job keeps them).

        ``emit(type, message, **changes)`` records a job event (and raises when the job was
        cancelled or the lease lost). Raises :class:`JobEnded` when moderation blocks the job;
        downstream errors propagate as ``grpc.aio.AioRpcError`` or ``DrishyaError``.
        """
        done = await self.store.outputs(claim.job_id)
        if S.STAGE_ASSEMBLE not in done:  # render processes warm up while the stages before rendering run
            self.providers.encoder.start()
        state: dict[int, bytes] = dict(done)
        if claim.detection and S.STAGE_DETECT_LANGUAGE not in state:
            state[S.STAGE_DETECT_LANGUAGE] = claim.detection  # detected when the job was created
        handlers: dict[int, Callable[[Claim, dict[int, bytes], Emit], Awaitable[StageOutput]]] = {
            S.STAGE_MODERATE_TEXT: self._moderate_text,
            S.STAGE_DETECT_LANGUAGE: self._detect_language,
            S.STAGE_TRANSLATE: self._translate,
            S.STAGE_ANALYZE: self._analyze,
            S.STAGE_BUILD_PROMPT: self._build_prompt,
            S.STAGE_RENDER: self._render,
            S.STAGE_ASSEMBLE: self._assemble,
            S.STAGE_MODERATE_VIDEO: self._moderate_video,
            S.STAGE_PUBLISH: self._publish,
        }
        for stage in jobs.STAGES:
            if stage in done:
                continue
            name = S.Stage.Name(stage).removeprefix("STAGE_").lower().replace("_", " ")
            await emit(S.JOB_EVENT_TYPE_STAGE_STARTED, f"{name} started", stage=stage, progress=jobs.progress_at(stage))
            with gen_metrics.stage(S.Stage.Name(stage), str(claim.job_id)) as timing:  # a span and a histogram
                payload, changes = await handlers[stage](claim, state, emit)
            if stage == S.STAGE_RENDER:
                shots = prompt_pb2.ShotList.FromString(state[S.STAGE_BUILD_PROMPT])
                gen_metrics.observe_render(shots.total_duration_ms, timing.seconds)
            await self.store.save_output(claim.job_id, stage, payload)
            state[stage] = payload
            message = changes.pop("message", f"{name} completed")
            await emit(
                S.JOB_EVENT_TYPE_STAGE_COMPLETED, message, stage=stage, progress=jobs.progress_at(stage, 1.0), **changes
            )
        delivery = delivery_pb2.PublishResponse.FromString(state[S.STAGE_PUBLISH]).delivery
        result = gen_pb2.JobResult(
            mp4_key=delivery.mp4_key,
            hls_master_key=delivery.hls_master_key,
            poster_key=delivery.poster_key,
            duration_ms=delivery.duration_ms,
        )
        text = moderation_pb2_svc.CheckTextResponse.FromString(state[S.STAGE_MODERATE_TEXT])
        video = moderation_pb2_svc.CheckVideoResponse.FromString(state[S.STAGE_MODERATE_VIDEO])
        held = reviews.review_reasons(text.decision, text.reasons) + reviews.review_reasons(
            video.decision, video.reasons
        )
        return Finished(result, tuple(held))

    # -- stages ---------------------------------------------------------------------------------

    async def _moderate_text(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        resp = await self.clients.moderation.CheckText(
            moderation_pb2_svc.CheckTextRequest(text=claim.text, language_code=claim.options.language_code),
            timeout=self.clients.deadline_s,
        )
        await self._waive_if_appealed(claim, resp)
        await self._stop_if_blocked(resp.decision, resp, emit, "scene text")
        return bytes(resp.SerializeToString()), {}

    async def _detect_language(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        if claim.detection:
            return claim.detection, {}
        resp = await self.clients.language.DetectLanguage(
            language_pb2_svc.DetectLanguageRequest(text=claim.text), timeout=self.clients.deadline_s
        )
        return bytes(resp.detection.SerializeToString()), {}

    def _language(self, claim: Claim, state: dict[int, bytes]) -> str:
        if claim.options.language_code:
            return claim.options.language_code
        return language_pb2.LanguageDetection.FromString(state[S.STAGE_DETECT_LANGUAGE]).language_code

    async def _translate(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        resp = await self.clients.language.Translate(
            language_pb2_svc.TranslateRequest(
                text=claim.text, source_language_code=self._language(claim, state), target_language_code="en"
            ),
            timeout=self.clients.deadline_s,
        )
        method = language_pb2.TranslationMethod.Name(resp.method).removeprefix("TRANSLATION_METHOD_")
        message = f"translation: {method} ({len(resp.segments)} sentences, {resp.source_language_code} → en)"
        return bytes(resp.SerializeToString()), {"message": message}

    async def _analyze(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        tr = language_pb2_svc.TranslateResponse.FromString(state[S.STAGE_TRANSLATE])
        resp = await self.clients.analysis.AnalyzeScene(
            analysis_pb2.AnalyzeSceneRequest(
                english_text=tr.text,
                source_text=claim.text,
                language_code=self._language(claim, state),
                english_segments=[s.text for s in tr.segments],
                segments=tr.segments,
            ),
            timeout=self.clients.deadline_s,
        )
        return bytes(cast.apply_cast(resp.analysis, claim.options.cast).SerializeToString()), {}

    async def _build_prompt(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        analysis = scene_pb2.SceneAnalysis.FromString(state[S.STAGE_ANALYZE])
        resp = await self.clients.prompt.BuildPrompt(
            prompt_pb2_svc.BuildPromptRequest(analysis=analysis, provider=claim.options.provider or "storyboard"),
            timeout=self.clients.deadline_s,
        )
        n = len(resp.shot_list.shots)
        return bytes(resp.shot_list.SerializeToString()), {
            "message": f"shot list ready: {n} shots, {resp.shot_list.total_duration_ms / 1000:.1f} s",
            "shot_count": n,
            "language_code": self._language(claim, state),
            "planned_duration_ms": resp.shot_list.total_duration_ms,
        }

    async def _render(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        """Make every shot's source and narration, and encode every GOP not finished yet.

        Per shot, at once: the provider chain makes its source (the storyboard's is immediate, a
        generative provider's clip is fetched and normalised; up to ``shot_concurrency`` at once)
        while its narration is synthesized in a thread; the two are checkpointed together. The
        unfinished GOPs are split into runs, one per render process
        (:func:`~services.render.storyboard.plan_runs`); a run starts once its shots' sources exist.
        Once every line is spoken and (with several runs) the first run has ended, freeing a core,
        the narration track is mixed and encoded in a thread
        (:func:`~services.render.storyboard.encode_narration`) while the other runs finish.
        A shot is announced (SHOT_RENDERED, its checkpoint marked rendered) once its source and
        narration are kept and every GOP holding its frames is finished; the stage's progress is half
        sources, half encoded frames, and never goes back.
        """
        shot_list = prompt_pb2.ShotList.FromString(state[S.STAGE_BUILD_PROMPT])
        n = len(shot_list.shots)
        work = self.work_dir(claim.job_id)
        shot_dir, gop_dir = work / "shots", work / "gops"
        shot_dir.mkdir(parents=True, exist_ok=True)
        stored = await asyncio.to_thread(self.fetch_work, claim.job_id)  # object store: another worker's checkpoints
        subtitles = not claim.options.disable_subtitles
        saved = await self.store.shots(claim.job_id)
        if self.remote:
            saved = {i: _rebased(c, shot_dir) for i, c in saved.items()}
        made = {i: s for i, c in saved.items() if (s := _source_of(c)) is not None}  # with their narration
        kept = {i: saved[i] for i in made}
        announced = {i for i, c in kept.items() if c.get("rendered")}
        source_fraction: dict[int, float] = {i: 1.0 for i in kept}
        encoded = await asyncio.to_thread(storyboard.finished_gops, shot_list, gop_dir)
        uploaded = {g for g in encoded if f"gops/{_marker_name(g)}" in stored} if self.remote else set(encoded)
        total_frames = storyboard.total_frames(shot_list)
        loop = asyncio.get_running_loop()
        sources: dict[int, asyncio.Future[storyboard.ShotSource]] = {i: loop.create_future() for i in range(n)}
        for i, source in made.items():
            sources[i].set_result(source)
        slots = asyncio.Semaphore(self.shot_concurrency)
        lock = asyncio.Lock()

        async def emit_one(*args: Any, **kwargs: Any) -> gen_pb2.JobEvent:
            async with lock:
                return await emit(*args, **kwargs)

        def overall() -> float:
            made = sum(source_fraction.values()) / n
            frames = sum(g.frames for g in encoded.values())
            return 0.5 * made + 0.5 * frames / total_frames

        async def prepare(i: int) -> None:
            async def make(p: RenderProvider) -> storyboard.ShotSource:
                progress = self._shot_progress(emit_one, i, n, p.name, source_fraction, overall)
                async with gen_metrics.provider_call(p.name, i):  # a span, counted by outcome
                    return await p.render_shot(shot_list, i, shot_dir, subtitles=subtitles, progress=progress)

            async def source() -> Outcome[storyboard.ShotSource]:
                chosen = claim.options.provider
                why: tuple[str, ...] = ()
                if claim.options.over_budget and chosen.strip().lower() not in ("", "storyboard"):
                    chosen, why = "storyboard", (f"{chosen}: BUDGET_EXCEEDED: the key's monthly budget is spent",)
                async with slots:
                    try:
                        outcome = await self.providers.run_traced(chosen, make)
                    except SafetyRefusal as exc:
                        async with lock:
                            await self._refused(exc, i, emit)
                sources[i].set_result(outcome.value)
                return Outcome(outcome.value, outcome.provider, (*why, *outcome.fallbacks))

            async def speak() -> tuple[str | None, int]:
                if claim.options.disable_narration:
                    return None, 0
                return await asyncio.to_thread(storyboard.narrate, shot_list, i, shot_dir)

            try:
                outcome, (audio, narration_ms) = await asyncio.gather(source(), speak())
            except BaseException as exc:
                if not sources[i].done():
                    sources[i].set_exception(exc)
                    sources[i].exception()  # retrieved here: the run waiting on it raises it too
                raise
            spoken = dataclasses.replace(outcome.value, audio_path=audio, narration_ms=narration_ms)
            files = [Path(p) for p in (spoken.frames_path, spoken.audio_path) if p]
            await asyncio.to_thread(self.put_work, claim.job_id, files)  # before its checkpoint names them
            record = {
                **_source_dict(spoken),
                "provider": outcome.provider,
                "fallback_reason": "; ".join(outcome.fallbacks),
                "cost_usd": self.providers.shot_cost(outcome.provider, spoken.frame_count / storyboard.FPS),
                "rendered": False,
                **await asyncio.to_thread(_manifest_dict, shot_list, i, claim.job_id),
            }
            await self.store.save_shot(claim.job_id, i, record)
            gen_metrics.record_cost(outcome.provider, float(record["cost_usd"]))
            made[i], kept[i], source_fraction[i] = spoken, record, 1.0

        async def encode(run: list[int]) -> None:
            needed = {i: await sources[i] for i in sorted(storyboard.shots_of_gops(shot_list, run))}
            start = time.perf_counter()
            done = await self.providers.encoder.encode_gops(shot_list, needed, run, gop_dir, subtitles=subtitles)
            encoded.update((g.index, g) for g in done)
            took = time.perf_counter() - start
            log.info("job %s: GOPs %d-%d encoded in %.2f s", claim.job_id, run[0], run[-1], took)

        async def announce() -> None:
            pending = [g for g in range(storyboard.gop_count(shot_list)) if g not in encoded]
            if pending:  # only the markers not read yet
                encoded.update(await asyncio.to_thread(storyboard.finished_gops, shot_list, gop_dir, pending))
            fresh = [encoded[g] for g in sorted(encoded.keys() - uploaded)]
            if fresh:  # object store: a GOP's files, then its marker, before a shot counts as rendered
                files = [Path(p) for gop in fresh for p in gop.paths.values()]
                markers = [gop_dir / _marker_name(gop.index) for gop in fresh]
                await asyncio.to_thread(self.put_work, claim.job_id, files, last=markers)
                uploaded.update(gop.index for gop in fresh)
            for i in range(n):
                if i in announced or i not in kept or not set(storyboard.shot_gops(shot_list, i)) <= encoded.keys():
                    continue
                record = {**kept[i], "rendered": True}
                await self.store.save_shot(claim.job_id, i, record)
                announced.add(i)
                fallback = str(record["fallback_reason"])
                via = f" by {record['provider']}" + (f" (fallback: {fallback})" if fallback else "")
                await emit_one(
                    S.JOB_EVENT_TYPE_SHOT_RENDERED,
                    f"shot {i + 1} of {n} rendered{via}",
                    stage=S.STAGE_RENDER,
                    shot_index=i,
                    progress=jobs.progress_at(S.STAGE_RENDER, overall()),
                    provider=str(record["provider"]),
                    fallback_reason=fallback,
                )

        async def watch() -> None:
            while True:
                await asyncio.sleep(GOP_POLL_S)
                await announce()

        async def soundtrack(prepared: Sequence[asyncio.Future[None]], runs: Sequence[asyncio.Future[None]]) -> None:
            await asyncio.gather(*prepared)
            if len(runs) > 1:  # every core is encoding: wait until the first run ends and frees one
                await asyncio.wait(runs, return_when=asyncio.FIRST_COMPLETED)
            path = gop_dir / storyboard.NARRATION_FILE
            if not path.exists():
                gop_dir.mkdir(parents=True, exist_ok=True)
                await asyncio.to_thread(storyboard.encode_narration, shot_list, [made[i] for i in range(n)], path)
            if self.remote and f"gops/{storyboard.NARRATION_FILE}" not in stored:
                files = sorted(p for p in gop_dir.glob("narration*") if not p.name.startswith("."))
                await asyncio.to_thread(self.put_work, claim.job_id, files)

        missing = [g for g in range(storyboard.gop_count(shot_list)) if g not in encoded]
        prepared = [asyncio.ensure_future(prepare(i)) for i in range(n) if i not in kept]
        runs = [asyncio.ensure_future(encode(run)) for run in storyboard.plan_runs(missing, self.shot_concurrency)]
        tasks = [*prepared, *runs, asyncio.ensure_future(soundtrack(prepared, runs))]
        watcher = asyncio.ensure_future(watch())
        try:
            for task in asyncio.as_completed(tasks):
                await task  # the first failure propagates as itself
        finally:
            watcher.cancel()
            for task in tasks:
                task.cancel()
            await asyncio.gather(watcher, *tasks, return_exceptions=True)
        await announce()
        if len(announced) != n:
            raise RenderError(f"shots {sorted(set(range(n)) - announced)} were not rendered", reason="SHOT_MISSING")
        return _struct({"shots": n, "gops": len(encoded)}), {}

    async def _assemble(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        shot_list = prompt_pb2.ShotList.FromString(state[S.STAGE_BUILD_PROMPT])
        work = self.work_dir(claim.job_id)
        await asyncio.to_thread(self.fetch_work, claim.job_id)  # object store: rendered elsewhere, maybe
        kept = await self.store.shots(claim.job_id)
        if self.remote:
            kept = {i: _rebased(c, work / "shots") for i, c in kept.items()}
        sources = [_source_of(kept.get(i, {})) for i in range(len(shot_list.shots))]
        if any(s is None for s in sources):
            raise RenderError("a rendered shot's checkpoint is missing", reason="SHOT_MISSING")
        start = time.perf_counter()
        gops = await asyncio.to_thread(storyboard.finished_gops, shot_list, work / "gops")
        report = await self.providers.encoder.mux(
            shot_list, [s for s in sources if s is not None], gops, work / "video.mp4"
        )
        log.info("job %s: %d GOPs muxed in %.3f s", claim.job_id, len(gops), time.perf_counter() - start)
        renditions = {name: path for name, path in report.renditions}
        if self.remote:  # the next stages (other services) read the files from the store, by key
            files = [Path(report.path), *(Path(p) for p in renditions.values())]
            await asyncio.to_thread(self.put_work, claim.job_id, files)
            renditions = {name: self.work_key(claim.job_id, Path(p).name) for name, p in renditions.items()}
            report = dataclasses.replace(report, path=self.work_key(claim.job_id, Path(report.path).name))
        return _struct(
            {
                "path": report.path,
                "duration_ms": report.duration_ms,
                "frame_count": report.frame_count,
                "width": report.width,
                "height": report.height,
                "has_audio": report.has_audio,
                "renditions": renditions,
                **({"metrics": _metrics_dict(report.metrics)} if report.metrics is not None else {}),
            }
        ), {}

    async def _moderate_video(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        shot_list = prompt_pb2.ShotList.FromString(state[S.STAGE_BUILD_PROMPT])
        path = self._video_ref(claim.job_id)
        request = moderation_pb2_svc.CheckVideoRequest(path=path, expected_duration_ms=shot_list.total_duration_ms)
        metrics = _assembled(state).get("metrics")
        if metrics:  # measured as the video was encoded: moderation applies its rules without decoding
            request.metrics.CopyFrom(_video_metrics(metrics))
        resp = await self.clients.moderation.CheckVideo(request, timeout=self.clients.deadline_s)
        await self._waive_if_appealed(claim, resp)
        await self._stop_if_blocked(resp.decision, resp, emit, "rendered video")
        return bytes(resp.SerializeToString()), {}

    async def _publish(self, claim: Claim, state: dict[int, bytes], emit: Emit) -> StageOutput:
        resp = await self.clients.delivery.Publish(
            delivery_pb2.PublishRequest(
                job_id=str(claim.job_id),
                source_path=self._video_ref(claim.job_id),
                rendition_sources=[
                    delivery_pb2.RenditionSource(name=name, path=path)
                    for name, path in dict(_assembled(state).get("renditions", {})).items()
                ],
            ),
            timeout=self.clients.deadline_s * 5,
        )
        return bytes(resp.SerializeToString()), {}

    def _shot_progress(
        self,
        emit: Emit,
        index: int,
        count: int,
        provider: str,
        fractions: dict[int, float],
        overall: Callable[[], float],
    ) -> Progress:
        """A provider's progress inside shot ``index`` as SHOT_PROGRESS events, at most one per tenth;
        the job's progress is ``overall()`` after recording the shot's fraction in ``fractions``."""
        last = [-1.0]

        async def report(fraction: float, note: str) -> None:
            fraction = min(1.0, max(0.0, fraction))
            if fraction - last[0] < SHOT_PROGRESS_STEP and fraction < 1.0:
                return
            last[0] = fraction
            fractions[index] = max(fractions.get(index, 0.0), fraction)
            await emit(
                S.JOB_EVENT_TYPE_SHOT_PROGRESS,
                f"shot {index + 1} of {count}: {provider} {fraction:.0%} ({note})",
                stage=S.STAGE_RENDER,
                shot_index=index,
                progress=jobs.progress_at(S.STAGE_RENDER, overall()),
                provider=provider,
                shot_progress=fraction,
            )

        return report

    async def _refused(self, exc: SafetyRefusal, index: int, emit: Emit) -> NoReturn:
        """A provider refused shot ``index`` on safety grounds: the job ends BLOCKED with its reason."""
        reason = moderation_pb2.ModerationReason(
            category=moderation_pb2.REASON_CATEGORY_PROVIDER_SAFETY,
            decision=moderation_pb2.DECISION_BLOCK if exc.blocked else moderation_pb2.DECISION_REVIEW,
            message=f"{exc.provider} refused shot {index + 1}: {exc.provider_reason}",
        )
        reasons = moderation_pb2_svc.CheckTextResponse(decision=moderation_pb2.DECISION_BLOCK, reasons=[reason])
        await emit(
            S.JOB_EVENT_TYPE_STATE_CHANGED,
            f"shot {index + 1} blocked by {exc.provider}: {exc.provider_reason}",
            state=S.JOB_STATE_BLOCKED,
            shot_index=index,
            provider=exc.provider,
            block_reasons=reasons.SerializeToString(),
        )
        raise JobEnded(exc.provider_reason)

    async def _waive_if_appealed(
        self, claim: Claim, resp: moderation_pb2_svc.CheckTextResponse | moderation_pb2_svc.CheckVideoResponse
    ) -> None:
        """Turn moderation's BLOCK into REVIEW (in place) when the owner's appeal of the job was upheld:
        the job was queued again to be made, and a person checks the video before release."""
        if resp.decision == moderation_pb2.DECISION_BLOCK and await ReviewStore(self.store).appeal_upheld(claim.job_id):
            resp.decision = moderation_pb2.DECISION_REVIEW

    async def _stop_if_blocked(
        self,
        decision: int,
        resp: moderation_pb2_svc.CheckTextResponse | moderation_pb2_svc.CheckVideoResponse,
        emit: Emit,
        what: str,
    ) -> None:
        if decision != moderation_pb2.DECISION_BLOCK:
            return
        reasons = moderation_pb2_svc.CheckTextResponse(decision=resp.decision, reasons=resp.reasons)
        summary = "; ".join(r.message for r in resp.reasons) or "blocked by moderation"
        await emit(
            S.JOB_EVENT_TYPE_STATE_CHANGED,
            f"{what} blocked: {summary}",
            state=S.JOB_STATE_BLOCKED,
            block_reasons=reasons.SerializeToString(),
        )
        raise JobEnded(summary)


def _source_dict(source: storyboard.ShotSource) -> dict[str, Any]:
    return {
        "index": source.index,
        "frame_count": source.frame_count,
        "frames_path": source.frames_path,
        "audio_path": source.audio_path,
        "narration_ms": source.narration_ms,
    }


def _source_of(record: dict[str, Any]) -> storyboard.ShotSource | None:
    """The shot source a checkpoint describes, or None when it is unusable (written by the earlier
    per-shot encoding, or a file it names is gone)."""
    if "video_path" in record:
        return None
    try:
        source = storyboard.ShotSource(
            index=int(record["index"]),
            frame_count=int(record["frame_count"]),
            frames_path=record.get("frames_path"),
            audio_path=record.get("audio_path"),
            narration_ms=int(record.get("narration_ms") or 0),
        )
    except (KeyError, TypeError, ValueError):
        return None
    if any(p and not Path(p).exists() for p in (source.frames_path, source.audio_path)):
        return None
    return source


def _rebased(record: dict[str, Any], shot_dir: Path) -> dict[str, Any]:
    """A shot checkpoint with its files in ``shot_dir`` of this worker (made by another, maybe)."""
    out = dict(record)
    for name in ("frames_path", "audio_path"):
        if out.get(name):
            out[name] = str(shot_dir / Path(str(out[name])).name)
    return out


def _marker_name(index: int) -> str:
    """Name of GOP ``index``'s marker (:func:`services.render.storyboard.finished_gops` reads it)."""
    return f"gop_{index:04d}.json"


def _rebase_marker(marker: Path) -> None:
    """Point a fetched GOP marker's rendition paths at the files beside it (blocking)."""
    try:
        data = json.loads(marker.read_text())
        paths = {name: str(marker.with_name(Path(p).name)) for name, p in dict(data["paths"]).items()}
    except (OSError, ValueError, KeyError, TypeError):
        return  # unreadable: finished_gops ignores it and the GOP is encoded again
    if paths != data["paths"]:
        data["paths"] = paths
        tmp = marker.with_name(f".{marker.name}.{os.getpid()}.partial")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, marker)


def _metrics_dict(metrics: FrameMetrics) -> dict[str, Any]:
    loudness = metrics.loudness
    return {
        "times_s": metrics.times_s,
        "luminance": metrics.luminance,
        "luma": metrics.luma,
        "duration_s": metrics.duration_s,
        "difference": metrics.difference,
        "has_narration": metrics.has_narration,
        **(
            {"loudness": {"integrated_lufs": loudness.integrated_lufs, "true_peak_dbtp": loudness.true_peak_dbtp}}
            if loudness is not None
            else {}
        ),
    }


def _video_metrics(metrics: dict[str, Any]) -> moderation_pb2_svc.VideoMetrics:
    """``VideoMetrics`` from the assemble stage's stored ``metrics`` (:func:`_metrics_dict`); an
    older output lacks the differences and loudness, and moderation then skips those checks."""
    out = moderation_pb2_svc.VideoMetrics(
        frame_times_s=metrics["times_s"],
        luminance=[v for row in metrics["luminance"] for v in row],
        luma=metrics["luma"],
        duration_s=metrics["duration_s"],
        frame_difference=metrics.get("difference", []),
        has_narration=bool(metrics.get("has_narration", False)),
    )
    loudness = metrics.get("loudness")
    if loudness:
        out.integrated_loudness_lufs = loudness["integrated_lufs"]
        out.true_peak_dbtp = loudness["true_peak_dbtp"]
    return out


def _assembled(state: dict[int, bytes]) -> dict[str, Any]:
    """The assemble stage's stored output as plain values (older outputs lack renditions and metrics)."""
    return json_format.MessageToDict(struct_pb2.Struct.FromString(state[S.STAGE_ASSEMBLE]))


def _struct(values: dict[str, Any]) -> bytes:
    s = struct_pb2.Struct()
    s.update(values)
    return bytes(s.SerializeToString())


def _manifest_dict(shot_list: prompt_pb2.ShotList, index: int, job_id: object) -> dict[str, Any]:
    """The render manifest of a shot as the JSON its checkpoint keeps (``elements``, ``undrawn``).

    A manifest that cannot be made (the icon set missing) is logged and left empty: it describes
    the video, it never stops one.
    """
    try:
        manifest = storyboard.manifest_of(shot_list, index)
    except Exception:
        log.exception("job %s: no render manifest for shot %d", job_id, index)
        return {"elements": [], "undrawn": []}
    return {
        "elements": [
            {
                "concept_id": e.concept_id,
                "label": e.label,
                "drawing": e.drawing,
                "box": {"x": e.box[0], "y": e.box[1], "width": e.box[2], "height": e.box[3]},
                "start_ms": e.start_ms,
                "end_ms": e.end_ms,
            }
            for e in manifest.elements
        ],
        "undrawn": [{"concept_id": u.concept_id, "label": u.label, "reason": u.reason} for u in manifest.undrawn],
    }
