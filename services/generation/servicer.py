"""GenerationService servicer: proto in, proto out; the rules live in jobs.py and the adapters."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Mapping

import grpc

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as svc_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as svc_grpc
from drishya.language.v1 import language_pb2 as language_resources_pb2
from drishya.language.v1 import language_service_pb2 as language_pb2
from services.generation import jobs, plans
from services.generation.adapters.clients import Clients
from services.generation.adapters.events import EventBus
from services.generation.adapters.review_store import ReviewStore
from services.generation.adapters.store import JobStore
from services.generation.config import GenerationConfig
from services.generation.worker import Workers, is_infrastructure_error
from services.mesh import telemetry
from services.mesh.backoff import Backoff
from services.mesh.errors import FieldViolation, InvalidArgument, error_from_status, require_owner
from services.mesh.media_store import MediaUnavailable, join_key
from services.render.types import Price

log = logging.getLogger(__name__)
Ctx = grpc.aio.ServicerContext[object, object]


_owner = require_owner

_NO_SPEND_USD = 1e-9
"""The budget a plan's 0 stands for in :func:`jobs.check_budget` (where 0 means none): any priced job passes it."""


class GenerationServicer(svc_grpc.GenerationServiceServicer):
    """Jobs: create (idempotent), get, list, cancel, retry, watch; review before release: the queue,
    decisions, appeals, reports, takedowns and release states (:mod:`services.generation.reviews`)."""

    def __init__(
        self,
        store: JobStore,
        bus: EventBus,
        clients: Clients,
        workers: Workers,
        config: GenerationConfig,
        prices: Mapping[str, Price] | None = None,
    ) -> None:
        self.store, self.bus, self.clients, self.workers, self.config = store, bus, clients, workers, config
        self.prices = dict(prices or {})
        """Each configured chain link's price, for the budget check of CreateJob."""
        self.reviews = ReviewStore(store)

    async def CreateJob(self, request: svc_pb2.CreateJobRequest, context: Ctx) -> svc_pb2.CreateJobResponse:
        owner = _owner(request.owner_id)
        text = jobs.validate_create(request.text, request.request_id, request.options)
        detection = await self._detect(text, request.options.language_code)
        plan = self.config.plan(request.plan)
        options = await self._within_budget(owner, text, request.options, plan.name)
        requested = request.options.priority if request.options.HasField("priority") else None
        options.priority = plans.job_priority(plan, requested)  # the plan's, or the client's lower one
        job, dedup, events = await self.store.create(
            owner_id=owner,
            request_id=request.request_id,
            text=text,
            options=options,
            language_code=detection.language_code,
            detection=detection.SerializeToString(),
            max_queued=self.config.active_jobs_of(plan.name),
            max_queued_total=self.config.max_queued_total,
            traceparent=telemetry.traceparent(),
            review_required=request.review_required,
            plan=plan.name,
            max_rendered=plan.rendered_scenes,
        )
        self.workers.publish(events)
        self.workers.wake.set()
        return svc_pb2.CreateJobResponse(job=job, deduplicated=dedup)

    async def _within_budget(
        self, owner: str, text: str, options: gen_pb2.JobOptions, plan: str = ""
    ) -> gen_pb2.JobOptions:
        """``options``, marked ``over_budget`` when the budget policy makes the job fall back.

        The budget is the key's or the plan's (:meth:`GenerationConfig.budget_of`); a plan budget
        of 0 (free: storyboard only) allows no provider spend at all, so any priced provider is
        refused or falls back.

        Raises ResourceExhausted BUDGET_EXCEEDED (see :func:`jobs.check_budget`).
        """
        out = gen_pb2.JobOptions()
        out.CopyFrom(options)
        out.over_budget = False
        price = self.prices.get(options.provider.strip().lower())
        budget = self.config.budget_of(owner, plan)
        if price is None or budget is None:
            return out
        estimate = jobs.estimate_cost_usd(text, price)
        if estimate <= 0:
            return out
        spent = await self.store.month_spend(owner)
        # check_budget reads 0 as "no budget": a zero plan budget is checked as one of _NO_SPEND_USD
        out.over_budget = not jobs.check_budget(
            owner, max(budget, _NO_SPEND_USD), spent, estimate, options.budget_policy
        )
        return out

    async def _detect(self, text: str, hint: str) -> language_resources_pb2.LanguageDetection:
        """Detect the language now, so an unsupported one is refused before any job row exists."""
        try:
            resp = await self.clients.language.DetectLanguage(
                language_pb2.DetectLanguageRequest(text=text), timeout=self.clients.deadline_s
            )
        except grpc.aio.AioRpcError as err:
            if err.code() == grpc.StatusCode.INVALID_ARGUMENT:
                from grpc_status import rpc_status

                st = rpc_status.from_call(err)  # type: ignore[arg-type]
                raise error_from_status(st) if st is not None else InvalidArgument(err.details() or "") from None
            raise
        detection: language_resources_pb2.LanguageDetection = resp.detection
        if hint and hint != detection.language_code:
            detection.language_code = hint  # the caller's word wins; candidates keep the evidence
        return detection

    async def GetJob(self, request: svc_pb2.GetJobRequest, context: Ctx) -> svc_pb2.GetJobResponse:
        return svc_pb2.GetJobResponse(job=await self.store.get(request.job_id, _owner(request.owner_id)))

    async def ListJobs(self, request: svc_pb2.ListJobsRequest, context: Ctx) -> svc_pb2.ListJobsResponse:
        page, token = await self.store.list_jobs(_owner(request.owner_id), request.page_size, request.page_token)
        return svc_pb2.ListJobsResponse(jobs=page, next_page_token=token)

    async def CancelJob(self, request: svc_pb2.CancelJobRequest, context: Ctx) -> svc_pb2.CancelJobResponse:
        job, events, held = await self.store.cancel(request.job_id, _owner(request.owner_id))
        self.workers.publish(events)
        if not held:  # a worker running it clears the files once it has stopped, not under its feet
            await asyncio.to_thread(self.workers.pipeline.discard_work, uuid.UUID(job.job_id))
        return svc_pb2.CancelJobResponse(job=job)

    async def RetryJob(self, request: svc_pb2.RetryJobRequest, context: Ctx) -> svc_pb2.RetryJobResponse:
        job, events = await self.store.retry(request.job_id, _owner(request.owner_id))
        self.workers.publish(events)
        self.workers.wake.set()
        return svc_pb2.RetryJobResponse(job=job)

    async def WatchJob(self, request: svc_pb2.WatchJobRequest, context: Ctx) -> AsyncIterator[svc_pb2.WatchJobResponse]:
        """Replay events after ``after_sequence`` from JetStream, then follow live until the job ends.

        Each sequence is sent once, in order. Should the stream lag (events still in the outbox)
        or NATS be down, the missing ones are read from PostgreSQL (the record of every event), so
        a watcher never sees a gap; while PostgreSQL is down the stream stays open and waits.
        """
        job = await self.store.get(request.job_id, _owner(request.owner_id))
        if request.after_sequence < 0:
            raise InvalidArgument(
                "after_sequence must be >= 0",
                reason="INVALID_SEQUENCE",
                violations=[FieldViolation("after_sequence", "must be >= 0")],
            )
        job_id = uuid.UUID(job.job_id)
        last = request.after_sequence
        backoff = Backoff(base_s=0.2, cap_s=2.0)
        async for event in self.bus.watch(job.job_id):
            if event is not None and event.sequence <= last:
                continue  # replayed from before the requested point
            try:
                if event is not None and event.sequence == last + 1:
                    batch = [event]
                else:  # idle, NATS down, or the stream lags the outbox: read the record instead
                    batch = await self.store.events(job_id, last)
                for e in batch:
                    last = e.sequence
                    yield svc_pb2.WatchJobResponse(event=e)
                if event is None or (batch and batch[-1].state in jobs.TERMINAL):
                    state, final = await self.store.state_of(job_id)
                    if state in jobs.TERMINAL and final <= last:
                        return
                backoff.reset()
            except Exception as exc:
                if not is_infrastructure_error(exc):
                    raise
                delay = backoff.next_delay()  # PostgreSQL is down: keep the stream, read again later
                log.info("watch of job %s waits %.1f s for the database: %s", job_id, delay, exc)
                await asyncio.sleep(delay)

    # -- review before release --------------------------------------------------------------------

    async def ListReviews(self, request: svc_pb2.ListReviewsRequest, context: Ctx) -> svc_pb2.ListReviewsResponse:
        page, token = await self.reviews.list_pending(
            _owner(request.reviewer_id), request.page_size, request.page_token
        )
        return svc_pb2.ListReviewsResponse(reviews=page, next_page_token=token)

    async def DecideReview(self, request: svc_pb2.DecideReviewRequest, context: Ctx) -> svc_pb2.DecideReviewResponse:
        review, job, events, requeued = await self.reviews.decide(
            request.review_id, _owner(request.reviewer_id), request.approve, request.note
        )
        self.workers.publish(events)
        if requeued:
            self.workers.wake.set()
        return svc_pb2.DecideReviewResponse(review=review, job=job)

    async def AppealJob(self, request: svc_pb2.AppealJobRequest, context: Ctx) -> svc_pb2.AppealJobResponse:
        review, events = await self.reviews.appeal(_owner(request.owner_id), request.job_id, request.reason)
        self.workers.publish(events)
        return svc_pb2.AppealJobResponse(review=review)

    async def ReportJob(self, request: svc_pb2.ReportJobRequest, context: Ctx) -> svc_pb2.ReportJobResponse:
        if not request.reporter_id.strip():
            raise InvalidArgument(
                "reporter_id is required",
                reason="REPORTER_REQUIRED",
                violations=[FieldViolation("reporter_id", "must name who reports")],
            )
        out = await self.reviews.report(
            request.job_id, request.reporter_id, request.category, request.note, self.config.report_threshold
        )
        self.workers.publish(out.events)
        return svc_pb2.ReportJobResponse(report_count=out.report_count, in_review=out.in_review, counted=out.counted)

    async def TakedownJob(self, request: svc_pb2.TakedownJobRequest, context: Ctx) -> svc_pb2.TakedownJobResponse:
        """Record the takedown, then delete the published media (``jobs/<job_id>/``) from the media
        store the workers publish to. Should the store not answer, the media stay on it but are
        never served: GetReleaseStates reports the job unreleased (logged)."""
        job, events = await self.reviews.takedown(request.job_id, _owner(request.operator_id), request.reason)
        self.workers.publish(events)
        media = self.workers.pipeline.media
        try:
            removed = await asyncio.to_thread(media.delete_prefix, join_key("jobs", job.job_id))
            log.info("job %s taken down: %d media objects deleted", job.job_id, removed)
        except MediaUnavailable as exc:
            log.warning("job %s taken down; its media could not be deleted now: %s", job.job_id, exc.message)
        return svc_pb2.TakedownJobResponse(job=job)

    async def GetReleaseStates(
        self, request: svc_pb2.GetReleaseStatesRequest, context: Ctx
    ) -> svc_pb2.GetReleaseStatesResponse:
        return svc_pb2.GetReleaseStatesResponse(released_job_ids=await self.reviews.released(request.job_ids))
