"""Review before release on a real PostgreSQL and a real generation server (gRPC, ephemeral port).

The worker's end of a job is played through the store (claim, then :meth:`ReviewStore.finish`, as
:meth:`Workers._attempt` does), so the state machine is driven without rendering: review required
-> IN_REVIEW -> approve -> SUCCEEDED; reject -> BLOCKED -> appeal -> another reviewer upholds it;
self-review and the excluded reviewer refused; one appeal per decision; reports (threshold, grave
category); takedown (media deleted); GetReleaseStates; two reviewers deciding at once.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import grpc
import pytest
import pytest_asyncio
import sqlalchemy as sa

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as svc
from drishya.generation.v1 import generation_service_pb2_grpc as svc_grpc
from drishya.moderation.v1 import moderation_pb2
from drishya.moderation.v1 import moderation_service_pb2 as ms_pb2
from services.generation import reviews as reviews_rules
from services.generation.adapters.review_store import ReviewStore
from services.generation.adapters.store import Claim, JobStore
from services.generation.config import GenerationConfig
from services.generation.pipeline import Finished, Pipeline
from services.generation.server import create_server as generation_server
from services.generation.worker import OutboxRelay, Workers
from services.language.config import LanguageConfig
from services.language.server import create_server as language_server
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import details_of
from services.mesh.infra import InfraUrls
from services.mesh.server import MeshServer

TEXT = "Rain falls on the village while a girl dances in front of the temple."
WORKER = "reviews-test-worker"
BLOCKED = moderation_pb2.ModerationReason(
    category=moderation_pb2.REASON_CATEGORY_BLOCKLIST, decision=moderation_pb2.DECISION_BLOCK, message="a word"
)


class Mesh:
    """The generation server, a stub to it, and a store on its database."""

    def __init__(self, server: MeshServer, stub: svc_grpc.GenerationServiceStub, store: JobStore, media: Path) -> None:
        self.server, self.stub, self.store, self.media = server, stub, store, media
        self.reviews = ReviewStore(store)


@pytest_asyncio.fixture(scope="module")
async def mesh(
    make_database: Callable[[str], str], infra: InfraUrls, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Mesh]:
    database_url = make_database("reviews")
    media = tmp_path_factory.mktemp("review-media")
    language = await language_server(LanguageConfig(port=0), redis_url=infra.redis_url)
    server = await generation_server(
        GenerationConfig(
            port=0,
            media_root=media,
            language_addr=f"127.0.0.1:{language.port}",
            analysis_addr="127.0.0.1:9",  # never called: no workers
            prompt_addr="127.0.0.1:9",
            moderation_addr="127.0.0.1:9",
            delivery_addr="127.0.0.1:9",
            workers=0,
            report_threshold=3,
        ),
        database_url=database_url,
        nats_url=infra.nats_url,
    )
    engine = create_engine(database_url)
    ch = channel(f"127.0.0.1:{server.port}")
    yield Mesh(server, svc_grpc.GenerationServiceStub(ch), JobStore(engine), media)  # type: ignore[no-untyped-call]
    await ch.close()
    await engine.dispose()
    await server.stop(0.5)
    await language.stop(0.5)


def _owner() -> str:
    return f"key-{uuid.uuid4().hex[:8]}"


def _result(job_id: str) -> gen_pb2.JobResult:
    return gen_pb2.JobResult(
        mp4_key=f"jobs/{job_id}/video.mp4",
        hls_master_key=f"jobs/{job_id}/hls/master.m3u8",
        poster_key=f"jobs/{job_id}/poster.jpg",
        duration_ms=6000,
    )


async def _claim(mesh: Mesh, job_id: str) -> None:
    claimed = await mesh.store.claim(WORKER, 60)
    assert claimed is not None and str(claimed[0].job_id) == job_id


async def _made(
    mesh: Mesh,
    owner: str,
    *,
    review_required: bool = True,
    reasons: Sequence[moderation_pb2.ModerationReason] = (),
) -> gen_pb2.JobEvent:
    """A job of ``owner`` created over gRPC, claimed and finished as a worker does; the final event."""
    job = (
        await mesh.stub.CreateJob(svc.CreateJobRequest(owner_id=owner, text=TEXT, review_required=review_required))
    ).job
    await _claim(mesh, job.job_id)
    return await mesh.reviews.finish(uuid.UUID(job.job_id), WORKER, _result(job.job_id), reasons)


async def _get(mesh: Mesh, owner: str, job_id: str) -> gen_pb2.Job:
    return (await mesh.stub.GetJob(svc.GetJobRequest(owner_id=owner, job_id=job_id))).job


async def _pending(mesh: Mesh, reviewer: str) -> dict[str, gen_pb2.Review]:
    out: dict[str, gen_pb2.Review] = {}
    token = ""
    while True:
        page = await mesh.stub.ListReviews(
            svc.ListReviewsRequest(reviewer_id=reviewer, page_size=100, page_token=token)
        )
        out.update({r.job_id: r for r in page.reviews})
        token = page.next_page_token
        if not token:
            return out


async def _decide(mesh: Mesh, review_id: str, reviewer: str, approve: bool, note: str) -> svc.DecideReviewResponse:
    request = svc.DecideReviewRequest(review_id=review_id, reviewer_id=reviewer, approve=approve, note=note)
    response: svc.DecideReviewResponse = await mesh.stub.DecideReview(request)
    return response


async def _refused(call: Any) -> Any:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await call
    return details_of(err.value)


async def test_review_required_holds_the_video_until_a_reviewer_approves(mesh: Mesh) -> None:
    owner, reviewer = _owner(), _owner()
    event = await _made(mesh, owner)
    assert event.state == gen_pb2.JOB_STATE_IN_REVIEW
    assert event.message == "video made; held for review before release"
    assert event.review.kind == gen_pb2.REVIEW_KIND_TRUST and not event.review.HasField("result")
    job = await _get(mesh, owner, event.job_id)
    assert job.state == gen_pb2.JOB_STATE_IN_REVIEW and job.result.mp4_key.endswith("video.mp4")
    assert job.review.state == gen_pb2.REVIEW_STATE_PENDING
    assert (await mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[job.job_id]))).released_job_ids == []

    queued = await _pending(mesh, reviewer)
    review = queued[job.job_id]
    assert review.owner_id == owner and review.language_code == "en" and review.result.mp4_key == job.result.mp4_key
    assert job.job_id not in await _pending(mesh, owner)  # a reviewer's own jobs are left out
    refused = await _refused(_decide(mesh, review.review_id, owner, True, "mine is fine"))
    assert (refused.code, refused.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "SELF_REVIEW")
    refused = await _refused(_decide(mesh, review.review_id, reviewer, True, "  "))
    assert (refused.code, refused.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "NOTE_REQUIRED")
    assert refused.violations[0].field == "note"
    refused = await _refused(_decide(mesh, str(uuid.uuid4()), reviewer, True, "ok"))
    assert (refused.code, refused.reason) == (grpc.StatusCode.NOT_FOUND, "REVIEW_NOT_FOUND")

    decided = await _decide(mesh, review.review_id, reviewer, True, "nothing wrong here")
    assert decided.review.state == gen_pb2.REVIEW_STATE_APPROVED and decided.review.decided_by == reviewer
    assert decided.job.state == gen_pb2.JOB_STATE_SUCCEEDED and decided.job.review.note == "nothing wrong here"
    released = await mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[job.job_id, str(uuid.uuid4())]))
    assert list(released.released_job_ids) == [job.job_id]
    events = await mesh.store.events(uuid.UUID(job.job_id), 0)
    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[-1].state == gen_pb2.JOB_STATE_SUCCEEDED and events[-1].review.review_id == review.review_id
    again = await _refused(_decide(mesh, review.review_id, _owner(), False, "too late"))
    assert again.reason == "REVIEW_NOT_PENDING"


async def test_a_job_without_review_is_released_at_once(mesh: Mesh) -> None:
    owner = _owner()
    event = await _made(mesh, owner, review_required=False)
    assert event.state == gen_pb2.JOB_STATE_SUCCEEDED and event.message == "video ready"
    job = await _get(mesh, owner, event.job_id)
    assert not job.HasField("review") and not job.taken_down
    refused = await _refused(mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=job.job_id, reason="r")))
    assert (refused.code, refused.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "JOB_NOT_BLOCKED")


async def test_moderation_review_goes_to_the_queue_with_its_findings(mesh: Mesh) -> None:
    owner = _owner()
    flagged = moderation_pb2.ModerationReason(
        category=moderation_pb2.REASON_CATEGORY_PHOTOSENSITIVITY,
        decision=moderation_pb2.DECISION_REVIEW,
        message="3 flashes in one second",
    )
    event = await _made(mesh, owner, review_required=False, reasons=[flagged])
    assert event.state == gen_pb2.JOB_STATE_IN_REVIEW
    job = await _get(mesh, owner, event.job_id)
    assert job.review.kind == gen_pb2.REVIEW_KIND_MODERATION and "3 flashes" in job.review.reason
    assert list(job.review.findings) == [flagged]


async def test_reject_then_appeal_goes_to_another_reviewer_who_upholds_it(mesh: Mesh) -> None:
    owner, first, second = _owner(), _owner(), _owner()
    event = await _made(mesh, owner)
    review = (await _pending(mesh, first))[event.job_id]
    rejected = await _decide(mesh, review.review_id, first, False, "the flag is upside down")
    job = rejected.job
    assert job.state == gen_pb2.JOB_STATE_BLOCKED
    assert [(r.category, r.decision, r.message) for r in job.block_reasons] == [
        (moderation_pb2.REASON_CATEGORY_REVIEWER, moderation_pb2.DECISION_BLOCK, "the flag is upside down")
    ]
    assert (await mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[job.job_id]))).released_job_ids == []

    stranger = await _refused(mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=first, job_id=job.job_id, reason="x")))
    assert stranger.code == grpc.StatusCode.NOT_FOUND
    appeal = (
        await mesh.stub.AppealJob(
            svc.AppealJobRequest(owner_id=owner, job_id=job.job_id, reason="it is a flag at dusk")
        )
    ).review
    assert appeal.kind == gen_pb2.REVIEW_KIND_APPEAL and appeal.state == gen_pb2.REVIEW_STATE_PENDING
    assert appeal.excluded_reviewer == first and appeal.reason == "it is a flag at dusk"
    twice = await _refused(mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=job.job_id, reason="again")))
    assert (twice.code, twice.reason) == (grpc.StatusCode.ALREADY_EXISTS, "APPEAL_EXISTS")
    assert (await _get(mesh, owner, job.job_id)).state == gen_pb2.JOB_STATE_BLOCKED  # an appeal moves nothing

    assert job.job_id not in await _pending(mesh, first)  # the excluded reviewer does not see it
    assert (await _pending(mesh, second))[job.job_id].review_id == appeal.review_id
    excluded = await _refused(_decide(mesh, appeal.review_id, first, True, "I changed my mind"))
    assert (excluded.code, excluded.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "EXCLUDED_REVIEWER")
    upheld = await _decide(mesh, appeal.review_id, second, True, "a flag at dusk, fine")
    assert upheld.job.state == gen_pb2.JOB_STATE_SUCCEEDED and not upheld.job.block_reasons
    events = await mesh.store.events(uuid.UUID(job.job_id), 0)
    assert [e.message for e in events[-3:]] == [
        "video rejected by a reviewer: the flag is upside down",
        "appeal received; a reviewer will decide it",
        "appeal upheld; video released: a flag at dusk, fine",
    ]
    assert (await mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[job.job_id]))).released_job_ids == [
        job.job_id
    ]


async def test_a_rejected_appeal_leaves_the_job_blocked_and_cannot_be_repeated(mesh: Mesh) -> None:
    owner, first, second = _owner(), _owner(), _owner()
    event = await _made(mesh, owner)
    review = (await _pending(mesh, first))[event.job_id]
    await _decide(mesh, review.review_id, first, False, "no")
    appeal = (await mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=event.job_id, reason="why"))).review
    decided = await _decide(mesh, appeal.review_id, second, False, "the decision stands")
    assert decided.job.state == gen_pb2.JOB_STATE_BLOCKED and decided.review.state == gen_pb2.REVIEW_STATE_REJECTED
    assert decided.job.review.review_id == appeal.review_id
    again = await _refused(mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=event.job_id, reason="!")))
    assert again.reason == "APPEAL_EXISTS"


async def test_an_upheld_appeal_of_a_job_blocked_before_its_video_queues_it_again(mesh: Mesh) -> None:
    owner, reviewer = _owner(), _owner()
    job = (await mesh.stub.CreateJob(svc.CreateJobRequest(owner_id=owner, text=TEXT))).job
    await _claim(mesh, job.job_id)
    jid = uuid.UUID(job.job_id)
    assert not await mesh.reviews.appeal_upheld(jid)
    await mesh.store.emit(
        jid, WORKER, gen_pb2.JOB_EVENT_TYPE_STATE_CHANGED, "scene text blocked: x", state=gen_pb2.JOB_STATE_BLOCKED
    )
    unknown = await _refused(
        mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=str(uuid.uuid4()), reason="r"))
    )
    assert unknown.code == grpc.StatusCode.NOT_FOUND
    appeal = (
        await mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=job.job_id, reason="a prayer"))
    ).review
    assert appeal.excluded_reviewer == ""  # moderation blocked it: anyone but the owner decides
    upheld = await _decide(mesh, appeal.review_id, reviewer, True, "a prayer, not a threat")
    assert upheld.job.state == gen_pb2.JOB_STATE_QUEUED and upheld.job.attempts == 0
    assert await mesh.reviews.appeal_upheld(jid)  # the pipeline waives moderation's BLOCK for the re-run
    pipeline = Pipeline.__new__(Pipeline)  # only its store is needed to waive
    pipeline.store = mesh.store
    verdict = ms_pb2.CheckTextResponse(decision=moderation_pb2.DECISION_BLOCK, reasons=[BLOCKED])
    claim = Claim(jid, TEXT, gen_pb2.JobOptions(), "en", b"", 1)
    await pipeline._waive_if_appealed(claim, verdict)
    assert verdict.decision == moderation_pb2.DECISION_REVIEW
    assert reviews_rules.review_reasons(verdict.decision, verdict.reasons) == [BLOCKED]
    await _claim(mesh, job.job_id)
    finished = await mesh.reviews.finish(jid, WORKER, _result(job.job_id))
    assert finished.state == gen_pb2.JOB_STATE_IN_REVIEW  # the video made again is checked
    assert finished.review.kind == gen_pb2.REVIEW_KIND_MODERATION and "appeal was upheld" in finished.review.reason


async def test_reports_send_a_released_video_back_to_review(mesh: Mesh) -> None:
    owner = _owner()
    event = await _made(mesh, owner, review_required=False)
    job_id = event.job_id

    def report(who: str, category: int = gen_pb2.REPORT_CATEGORY_HATE) -> Any:
        return mesh.stub.ReportJob(svc.ReportJobRequest(job_id=job_id, reporter_id=who, category=category, note="n"))

    own = await _refused(report(owner))
    assert (own.code, own.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "SELF_REPORT")
    bad = await _refused(report("r", gen_pb2.REPORT_CATEGORY_UNSPECIFIED))
    assert (bad.code, bad.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "INVALID_CATEGORY")
    first = await report("viewer-1")
    repeat = await report("viewer-1")
    second = await report("viewer-2", gen_pb2.REPORT_CATEGORY_SPAM)
    assert (first.report_count, first.in_review, first.counted) == (1, False, True)
    assert (repeat.report_count, repeat.counted) == (1, False)
    assert (second.report_count, second.in_review) == (2, False)
    third = await report("viewer-3")
    assert (third.report_count, third.in_review, third.counted) == (3, True, True)
    job = await _get(mesh, owner, job_id)
    assert job.state == gen_pb2.JOB_STATE_IN_REVIEW and job.review.kind == gen_pb2.REVIEW_KIND_REPORT
    assert job.review.reason == "reported by 3 viewers: hate 2, spam 1"
    assert (await report("viewer-4")).in_review  # already in review
    assert (await mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[job_id]))).released_job_ids == []
    unreleased = await _made(mesh, _owner())  # in review since it was made: never released
    missing = await _refused(
        mesh.stub.ReportJob(
            svc.ReportJobRequest(job_id=unreleased.job_id, reporter_id="v", category=gen_pb2.REPORT_CATEGORY_SPAM)
        )
    )
    assert missing.code == grpc.StatusCode.NOT_FOUND


async def test_one_grave_report_sends_the_video_to_review_at_once(mesh: Mesh) -> None:
    event = await _made(mesh, _owner(), review_required=False)
    out = await mesh.stub.ReportJob(
        svc.ReportJobRequest(job_id=event.job_id, reporter_id="viewer", category=gen_pb2.REPORT_CATEGORY_CHILD_SAFETY)
    )
    assert (out.report_count, out.in_review) == (1, True)


async def test_takedown_removes_the_media_and_keeps_the_record(mesh: Mesh) -> None:
    owner, operator = _owner(), _owner()
    event = await _made(mesh, owner, review_required=False)
    folder = mesh.media / "jobs" / event.job_id
    (folder / "hls").mkdir(parents=True)
    for name in ("video.mp4", "poster.jpg", "hls/master.m3u8"):
        (folder / name).write_bytes(b"x")
    empty = await _refused(mesh.stub.TakedownJob(svc.TakedownJobRequest(job_id=event.job_id, operator_id=operator)))
    assert (empty.code, empty.reason) == (grpc.StatusCode.INVALID_ARGUMENT, "REASON_REQUIRED")
    job = (
        await mesh.stub.TakedownJob(
            svc.TakedownJobRequest(job_id=event.job_id, operator_id=operator, reason="DMCA notice from A. Author")
        )
    ).job
    assert job.state == gen_pb2.JOB_STATE_BLOCKED and job.taken_down
    assert [(r.category, r.message) for r in job.block_reasons] == [
        (moderation_pb2.REASON_CATEGORY_TAKEDOWN, "DMCA notice from A. Author")
    ]
    assert job.review.state == gen_pb2.REVIEW_STATE_REJECTED and job.review.decided_by == operator
    assert not any(folder.rglob("*.*"))
    assert job.result.mp4_key  # the record stays
    assert (await mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[job.job_id]))).released_job_ids == []
    again = await _refused(
        mesh.stub.TakedownJob(svc.TakedownJobRequest(job_id=event.job_id, operator_id=operator, reason="again"))
    )
    assert (again.code, again.reason) == (grpc.StatusCode.FAILED_PRECONDITION, "JOB_HAS_NO_MEDIA")
    counter = (
        await mesh.stub.AppealJob(svc.AppealJobRequest(owner_id=owner, job_id=job.job_id, reason="counter-notice"))
    ).review
    assert counter.excluded_reviewer == operator


async def test_two_reviewers_deciding_at_once_one_wins(mesh: Mesh) -> None:
    event = await _made(mesh, _owner())
    reviewers = [_owner() for _ in range(4)]
    review = (await _pending(mesh, reviewers[0]))[event.job_id]
    outcomes = await asyncio.gather(
        *(_decide(mesh, review.review_id, r, i % 2 == 0, f"decision {i}") for i, r in enumerate(reviewers)),
        return_exceptions=True,
    )
    won = [o for o in outcomes if isinstance(o, svc.DecideReviewResponse)]
    lost = [o for o in outcomes if isinstance(o, grpc.aio.AioRpcError)]
    assert len(won) == 1 and len(lost) == 3
    assert {details_of(e).reason for e in lost} == {"REVIEW_NOT_PENDING"}
    events = await mesh.store.events(uuid.UUID(event.job_id), 0)
    assert sum(1 for e in events if e.review.state in (2, 3)) == 1


async def test_release_states_validate_their_ids(mesh: Mesh) -> None:
    none = await _refused(mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[])))
    bad = await _refused(mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=["nope"])))
    many = await _refused(
        mesh.stub.GetReleaseStates(svc.GetReleaseStatesRequest(job_ids=[str(uuid.uuid4()) for _ in range(101)]))
    )
    assert {none.reason, bad.reason, many.reason} == {"INVALID_JOB_IDS"}
    assert none.code == grpc.StatusCode.INVALID_ARGUMENT


class _NoBus:
    connected = False

    async def publish(self, event: gen_pb2.JobEvent) -> None:
        raise AssertionError("not connected")


class _FlaggedPipeline:
    """A pipeline whose run ends with moderation's REVIEW (the worker settles what it returns)."""

    media = None

    async def run(self, claim: Any, emit: Any) -> Finished:
        reason = moderation_pb2.ModerationReason(
            category=moderation_pb2.REASON_CATEGORY_BLOCKLIST, decision=moderation_pb2.DECISION_REVIEW, message="maybe"
        )
        return Finished(_result(str(claim.job_id)), (reason,))


async def test_the_worker_ends_a_flagged_job_in_review(mesh: Mesh) -> None:
    owner = _owner()
    job = (await mesh.stub.CreateJob(svc.CreateJobRequest(owner_id=owner, text=TEXT))).job
    claimed = await mesh.store.claim(WORKER, 60)
    assert claimed is not None and str(claimed[0].job_id) == job.job_id
    config = GenerationConfig(
        port=0, media_root=mesh.media, language_addr="", analysis_addr="", prompt_addr="",
        moderation_addr="", delivery_addr="", workers=0,
    )  # fmt: skip
    workers = Workers(mesh.store, OutboxRelay(mesh.store, _NoBus()), _FlaggedPipeline(), config)  # type: ignore[arg-type]
    assert await workers._attempt(WORKER, claimed[0]) == "in_review"
    got = await _get(mesh, owner, job.job_id)
    assert got.state == gen_pb2.JOB_STATE_IN_REVIEW and got.review.findings[0].message == "maybe"


async def test_the_review_queue_stays_fast_with_10000_pending(make_database: Callable[[str], str]) -> None:
    """10,000 pending reviews: EXPLAIN uses ``reviews_pending``; the first and a deep page are timed."""
    engine = create_engine(make_database("reviewq"))
    store = JobStore(engine)
    await store.migrate()
    reviews = ReviewStore(store)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO generation.jobs (job_id, owner_id, text, options, state, result, language_code) "
                "SELECT gen_random_uuid(), 'owner-' || (i % 500), 'scene', ''::bytea, 8, ''::bytea, 'hi' "
                "FROM generate_series(1, 10000) i"
            )
        )
        await conn.execute(
            sa.text(
                "INSERT INTO generation.reviews (review_id, job_id, kind, reason, created_at) "
                "SELECT gen_random_uuid(), job_id, 2, 'trust', now() - random() * interval '7 days' "
                "FROM generation.jobs"
            )
        )
        await conn.execute(sa.text("ANALYZE generation.reviews; ANALYZE generation.jobs"))
        plan = "\n".join(
            r[0]
            for r in await conn.execute(
                sa.text(
                    "EXPLAIN SELECT r.review_id FROM generation.reviews r "
                    "JOIN generation.jobs j ON j.job_id = r.job_id "
                    "WHERE r.state = 1 AND j.owner_id <> 'owner-1' AND coalesce(r.excluded_reviewer, '') <> 'owner-1' "
                    "ORDER BY r.created_at, r.review_id LIMIT 21"
                )
            )
        )
    assert "reviews_pending" in plan, plan
    first, token = await reviews.list_pending("owner-1", 20, "")
    assert len(first) == 20 and token
    assert [r.create_time.ToDatetime() for r in first] == sorted(r.create_time.ToDatetime() for r in first)
    assert all(r.owner_id != "owner-1" for r in first)
    deep = token
    for _ in range(200):
        _, deep = await reviews.list_pending("owner-1", 20, deep)
    timings: dict[str, list[float]] = {"first": [], "deep": []}
    for _ in range(200):
        for name, at in (("first", ""), ("deep", deep)):
            t0 = time.perf_counter()
            await reviews.list_pending("owner-1", 20, at)
            timings[name].append((time.perf_counter() - t0) * 1000)
    for name, values in timings.items():
        values.sort()
        p50, p99 = statistics.median(values), values[int(len(values) * 0.99) - 1]
        print(f"list_pending page={name} 10,000 pending: p50 {p50:.2f} ms p99 {p99:.2f} ms")
        assert p99 < 100, (name, p50, p99)
    await engine.dispose()
