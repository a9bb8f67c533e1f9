"""Plans and quotas against the running mesh (PostgreSQL, Redis, NATS, real gRPC servers, the gateway):
claim order with aging, per-plan priority, active-job limits, budgets, rate limits, and the
rendered-scenes and active-stories quotas with nothing half-created."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
import pytest_asyncio
import sqlalchemy as sa
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from sqlalchemy.ext.asyncio import AsyncEngine

from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as gs_grpc
from drishya.story.v1 import story_service_pb2 as st_pb2
from drishya.story.v1 import story_service_pb2_grpc as st_grpc
from services.gateway.config import GatewayConfig
from services.gateway.keys import create_api_key, migrate_gateway, set_trust
from services.gateway.server import create_server as gateway_server
from services.gateway.trust import TrustLevel, TrustRules
from services.generation.adapters.store import CLAIM_SQL, JobStore
from services.generation.config import GenerationConfig
from services.generation.server import create_server as generation_server
from services.language.config import LanguageConfig
from services.language.server import create_server as language_server
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import ResourceExhausted, details_of
from services.mesh.infra import InfraUrls
from services.mesh.server import MeshServer
from services.render.config import RenderConfig
from services.story.config import StoryConfig
from services.story.server import create_server as story_server
from tests.fakes.server import serve_in_loop

SCENE = "a girl dances in the rain in front of an old temple at dusk"
STEP_S = 10.0
"""The aging step of this stack's job store, in seconds; tests move ``created_at`` back instead of waiting."""


@dataclass
class Stack:
    servers: dict[str, MeshServer]
    engine: AsyncEngine
    store: JobStore
    jobs: gs_grpc.GenerationServiceStub
    stories: st_grpc.StoryServiceStub
    gateway_url: str


@pytest_asyncio.fixture(scope="module")
async def stack(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    media_root: Path = tmp_path_factory.mktemp("plans-media")
    database_url = make_database("plans")
    servers: dict[str, MeshServer] = {}
    servers["language"] = await language_server(LanguageConfig(port=0), redis_url=infra.redis_url)
    lang = f"127.0.0.1:{servers['language'].port}"
    gen_config = GenerationConfig(
        port=0,
        media_root=media_root,
        language_addr=lang,
        analysis_addr="127.0.0.1:9",
        prompt_addr="127.0.0.1:9",
        moderation_addr="127.0.0.1:9",
        delivery_addr="127.0.0.1:9",
        workers=0,  # jobs stay queued: the tests claim them through the store
        aging_step_s=STEP_S,
        # a priced provider in the chain (never called: no workers), for the budget checks
        render=RenderConfig(gemini_api_key="unused", gemini_base_url="http://127.0.0.1:9"),
    )
    servers["generation"] = await generation_server(gen_config, database_url=database_url, nats_url=infra.nats_url)
    gen_addr = f"127.0.0.1:{servers['generation'].port}"
    servers["story"] = await story_server(
        StoryConfig(port=0, language_addr=lang, analysis_addr="127.0.0.1:9", generation_addr=gen_addr),
        database_url=database_url,
        nats_url=infra.nats_url,
    )
    engine = create_engine(database_url)
    await migrate_gateway(engine)
    gw = gateway_server(
        GatewayConfig(
            port=0,
            generation_addr=gen_addr,
            story_addr=f"127.0.0.1:{servers['story'].port}",
            media_root=media_root,
            redis_url=infra.redis_url,
        ),
        database_url=database_url,
        log_level="warning",
    )
    task, port = await serve_in_loop(gw)
    gen_ch, story_ch = channel(gen_addr), channel(f"127.0.0.1:{servers['story'].port}")
    try:
        yield Stack(
            servers,
            engine,
            JobStore(engine, STEP_S),
            gs_grpc.GenerationServiceStub(gen_ch),  # type: ignore[no-untyped-call]
            st_grpc.StoryServiceStub(story_ch),  # type: ignore[no-untyped-call]
            f"http://127.0.0.1:{port}",
        )
    finally:
        gw.should_exit = True
        await asyncio.wait_for(task, 15)
        await gen_ch.close(None)
        await story_ch.close(None)
        for s in reversed(servers.values()):
            await s.stop(1.0)
        await engine.dispose()


def _owner() -> str:
    return f"key-{uuid.uuid4().hex[:10]}"


async def _sql(stack: Stack, statement: str, **params: object) -> None:
    async with stack.engine.begin() as conn:
        await conn.execute(sa.text(statement), params)


async def _count(stack: Stack, statement: str, **params: object) -> int:
    async with stack.engine.connect() as conn:
        return int((await conn.execute(sa.text(statement), params)).scalar_one())


async def _create(stack: Stack, owner: str, plan: str, i: int = 0, **options: Any) -> gen_pb2.Job:
    resp = await stack.jobs.CreateJob(
        gs_pb2.CreateJobRequest(
            owner_id=owner,
            text=f"{SCENE} {i}",
            options=gen_pb2.JobOptions(**options),
            plan=plan,
        ),
        timeout=20,
    )
    job: gen_pb2.Job = resp.job
    return job


def _quota_failure(err: grpc.aio.AioRpcError) -> error_details_pb2.QuotaFailure:
    st = rpc_status.from_call(err)  # type: ignore[arg-type]
    assert st is not None
    for any_ in st.details:
        if any_.Is(error_details_pb2.QuotaFailure.DESCRIPTOR):
            qf = error_details_pb2.QuotaFailure()
            any_.Unpack(qf)
            return qf
    raise AssertionError("no QuotaFailure in the status")


# --- priority and aging -----------------------------------------------------------------------


async def test_the_plan_sets_the_priority_and_a_client_can_only_lower_it(stack: Stack) -> None:
    owner = _owner()
    got = [
        (await _create(stack, owner, plan, i, **({} if asked is None else {"priority": asked}))).options.priority
        for i, (plan, asked) in enumerate([("free", None), ("pro", None), ("enterprise", None), ("pro", 1)])
    ]
    assert got[:3] == [2, 5, 7]
    assert got[3] == 1
    owner2 = _owner()
    high = await _create(stack, owner2, "", 0, priority=9)
    assert high.options.priority == 2, "a blank plan is free, and asking for 9 does not pass it"
    assert await _count(stack, "SELECT count(*) FROM generation.jobs WHERE owner_id = :o AND plan = 'free'", o=owner2)


async def test_claims_follow_effective_priority_with_aging(stack: Stack) -> None:
    await _sql(stack, "DELETE FROM generation.jobs")
    owner = _owner()
    free = await _create(stack, owner, "free", 1)
    pro = await _create(stack, _owner(), "pro", 2)
    # waited 2.5 steps: effective 2 + 2 = 4 < 5, the newer pro job goes first
    await _sql(
        stack,
        "UPDATE generation.jobs SET created_at = now() - make_interval(secs => :s) WHERE job_id = :id",
        s=2.5 * STEP_S,
        id=uuid.UUID(free.job_id),
    )
    first = await stack.store.claim("w-1", 30)
    assert first is not None and str(first[0].job_id) == pro.job_id
    await _sql(stack, "DELETE FROM generation.jobs")
    free = await _create(stack, owner, "free", 3)
    later = [await _create(stack, _owner(), "enterprise", 10 + i) for i in range(3)]
    # waited 7 steps: 2 + 7 = 9, level with anything, and older than every job created after it
    await _sql(
        stack,
        "UPDATE generation.jobs SET created_at = now() - make_interval(secs => :s) WHERE job_id = :id",
        s=7 * STEP_S,
        id=uuid.UUID(free.job_id),
    )
    await _sql(stack, "UPDATE generation.jobs SET priority = 9 WHERE job_id = :id", id=uuid.UUID(later[0].job_id))
    order = []
    for _ in range(4):
        claimed = await stack.store.claim("w-1", 30)
        assert claimed is not None
        order.append(str(claimed[0].job_id))
    assert order[0] == free.job_id, "the aged free job beats a newer priority-9 job"
    assert order[1:] == [later[0].job_id, later[1].job_id, later[2].job_id]
    assert await stack.store.claim("w-1", 30) is None


async def test_the_claim_query_agrees_with_sorting_every_job_by_effective_priority(stack: Stack) -> None:
    await _sql(stack, "DELETE FROM generation.jobs")
    # 600 jobs of random priority, each waiting a whole number of steps and a half (no boundary
    # is crossed while the test runs; a millisecond apart, so no two tie), some not due yet or
    # held by a live lease
    await _sql(
        stack,
        "INSERT INTO generation.jobs (job_id, owner_id, text, options, state, priority, created_at, not_before, "
        "lease_expires_at) SELECT gen_random_uuid(), 'o' || g, 't', ''::bytea, CASE WHEN g % 13 = 0 THEN 2 ELSE 1 "
        "END, floor(random() * 10), "
        "now() - make_interval(secs => (floor(random() * 12) + 0.5) * :step) - g * interval '1 millisecond', "
        "CASE WHEN g % 17 = 0 THEN now() + interval '1 hour' ELSE now() END, now() + interval '1 hour' "
        "FROM generate_series(1, 600) g",
        step=STEP_S,
    )
    expected_sql = (
        "SELECT job_id FROM generation.jobs WHERE (state = 1 AND not_before <= now()) "
        "OR (state = 2 AND lease_expires_at < now()) ORDER BY least(9, priority + floor(extract(epoch FROM "
        "now() - created_at) / :step)) DESC, created_at LIMIT 1"
    )
    for _ in range(40):
        async with stack.engine.connect() as conn:
            expected = (await conn.execute(sa.text(expected_sql), {"step": STEP_S})).scalar_one()
        claimed = await stack.store.claim("w-check", 30)
        assert claimed is not None and claimed[0].job_id == expected
    async with stack.engine.connect() as conn:
        plan = "\n".join((await conn.execute(sa.text("EXPLAIN " + CLAIM_SQL), {"step": STEP_S})).scalars().all())
    assert "jobs_claimable" in plan, plan
    await _sql(stack, "DELETE FROM generation.jobs")


async def test_concurrent_claims_take_each_job_once(stack: Stack) -> None:
    await _sql(stack, "DELETE FROM generation.jobs")
    await _sql(
        stack,
        "INSERT INTO generation.jobs (job_id, owner_id, text, options, state, priority) "
        "SELECT gen_random_uuid(), 'o', 't', ''::bytea, 1, g % 10 FROM generate_series(1, 60) g",
    )

    async def worker(i: int) -> list[uuid.UUID]:
        got = []
        while (claimed := await stack.store.claim(f"w-{i}", 30)) is not None:
            got.append(claimed[0].job_id)
        return got

    claims = [j for batch in await asyncio.gather(*(worker(i) for i in range(8))) for j in batch]
    assert len(claims) == 60 and len(set(claims)) == 60
    await _sql(stack, "DELETE FROM generation.jobs")


# --- active jobs, budgets and the rendered-scenes quota ---------------------------------------


async def test_active_job_limits_follow_the_plan(stack: Stack) -> None:
    free, pro = _owner(), _owner()
    for i in range(2):
        await _create(stack, free, "free", i)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _create(stack, free, "free", 2)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    d = details_of(err.value)
    assert d.reason == "TOO_MANY_ACTIVE_JOBS" and d.metadata["limit"] == "2"
    for i in range(10):
        await _create(stack, pro, "pro", i)
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _create(stack, pro, "pro", 10)
    assert details_of(err.value).metadata["limit"] == "10"


async def test_a_free_plan_cannot_spend_on_a_generative_provider(stack: Stack) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _create(stack, _owner(), "free", 0, provider="gemini")
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    d = details_of(err.value)
    assert d.reason == "BUDGET_EXCEEDED" and d.metadata["budget_usd"] == "0.00"
    fell_back = await _create(
        stack, _owner(), "free", 1, provider="gemini", budget_policy=gen_pb2.BUDGET_POLICY_FALLBACK
    )
    assert fell_back.options.over_budget
    paid = await _create(stack, _owner(), "pro", 2, provider="gemini")
    assert not paid.options.over_budget
    storyboard = await _create(stack, _owner(), "free", 3)
    assert storyboard.state == gen_pb2.JOB_STATE_QUEUED


async def test_the_rendered_scenes_quota_counts_kept_videos_and_jobs_under_way(stack: Stack) -> None:
    owner = _owner()

    async def one(i: int, limit: int) -> str:
        try:
            await stack.store.create(
                owner_id=owner,
                request_id="",
                text=f"{SCENE} {i}",
                options=gen_pb2.JobOptions(priority=2),
                language_code="en",
                detection=b"",
                max_queued=100,
                max_rendered=limit,
            )
        except ResourceExhausted as exc:
            assert exc.quota_subject == f"rendered_scenes:{owner}"
            return str(exc.reason)
        return "ok"

    results = await asyncio.gather(*(one(i, 5) for i in range(20)))
    assert results.count("ok") == 5, results
    assert set(results) == {"ok", "QUOTA_EXCEEDED"}
    assert await _count(stack, "SELECT count(*) FROM generation.jobs WHERE owner_id = :o", o=owner) == 5
    # finished videos still count; a failed job or one whose media were deleted does not
    await _sql(stack, "UPDATE generation.jobs SET state = 3 WHERE owner_id = :o", o=owner)
    await _sql(
        stack,
        "UPDATE generation.jobs SET state = 6 WHERE job_id = (SELECT job_id FROM generation.jobs "
        "WHERE owner_id = :o LIMIT 1)",
        o=owner,
    )
    assert await one(100, 5) == "ok"
    assert await one(101, 5) == "QUOTA_EXCEEDED"
    await _sql(
        stack,
        "UPDATE generation.jobs SET media_deleted_at = now() WHERE job_id = (SELECT job_id FROM generation.jobs "
        "WHERE owner_id = :o AND state = 3 LIMIT 1)",
        o=owner,
    )
    assert await one(102, 5) == "ok"


async def test_over_the_rendered_scenes_quota_create_job_answers_quota_failure(stack: Stack) -> None:
    owner = _owner()
    for i in range(2):
        await _create(stack, owner, "free", i)
    await _sql(stack, "UPDATE generation.jobs SET state = 8 WHERE owner_id = :o", o=owner)  # both in review
    rows = [
        {"id": uuid.uuid4(), "o": owner, "t": f"{SCENE} {i}", "opt": b"", "s": 3} for i in range(48)
    ]  # 48 kept videos: 50 in all, the free quota
    async with stack.engine.begin() as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO generation.jobs (job_id, owner_id, text, options, state) VALUES (:id, :o, :t, :opt, :s)"
            ),
            rows,
        )
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _create(stack, owner, "free", 99)
    assert err.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    d = details_of(err.value)
    assert d.reason == "QUOTA_EXCEEDED"
    assert d.metadata == {"quota": "rendered_scenes", "used": "50", "limit": "50"}
    assert [v.subject for v in _quota_failure(err.value).violations] == [f"rendered_scenes:{owner}"]
    assert await _count(stack, "SELECT count(*) FROM generation.jobs WHERE owner_id = :o", o=owner) == 50
    pro = await _create(stack, owner, "pro", 100)  # the same key moved to pro: 500 scenes
    assert pro.state == gen_pb2.JOB_STATE_QUEUED


# --- the active-stories quota ----------------------------------------------------------------


async def _story(stack: Stack, owner: str, plan: str, i: int = 0) -> str:
    resp = await stack.stories.CreateStory(
        st_pb2.CreateStoryRequest(
            owner_id=owner, title=f"story {i}", scenes=[st_pb2.NewScene(text=f"{SCENE} {i}")], plan=plan
        ),
        timeout=10,
    )
    return str(resp.story.story_id)


async def test_free_keys_keep_at_most_ten_stories_and_forks_count(stack: Stack) -> None:
    owner = _owner()

    async def one(i: int) -> str:
        try:
            await _story(stack, owner, "free", i)
        except grpc.aio.AioRpcError as err:
            assert err.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
            assert [v.subject for v in _quota_failure(err).violations] == [f"active_stories:{owner}"]
            return details_of(err).reason
        return "ok"

    results = await asyncio.gather(*(one(i) for i in range(16)))
    assert results.count("ok") == 10, results
    assert set(results) == {"ok", "QUOTA_EXCEEDED"}
    assert await _count(stack, "SELECT count(*) FROM story.stories WHERE owner_id = :o", o=owner) == 10
    assert (
        await _count(
            stack,
            "SELECT count(*) FROM story.scenes s JOIN story.stories t USING (story_id) WHERE t.owner_id = :o",
            o=owner,
        )
        == 10
    ), "a refused create leaves no scene behind"
    listed = await stack.stories.ListStories(st_pb2.ListStoriesRequest(owner_id=owner, page_size=1), timeout=5)
    parent = await stack.stories.GetStory(
        st_pb2.GetStoryRequest(owner_id=owner, story_id=listed.stories[0].story_id), timeout=5
    )
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stack.stories.ForkStory(
            st_pb2.ForkStoryRequest(
                owner_id=owner,
                story_id=parent.story.story_id,
                scene_id=parent.story.scenes[0].scene_id,
                plan="free",
            ),
            timeout=5,
        )
    assert details_of(err.value).metadata["quota"] == "active_stories"
    await stack.stories.DeleteStory(
        st_pb2.DeleteStoryRequest(owner_id=owner, story_id=parent.story.story_id, version=parent.story.version),
        timeout=5,
    )
    await _story(stack, owner, "free", 99)  # room again after a delete
    await _sql(
        stack,
        "UPDATE story.stories SET archived_at = now() WHERE story_id = (SELECT story_id FROM story.stories "
        "WHERE owner_id = :o LIMIT 1)",
        o=owner,
    )
    await _story(stack, owner, "free", 98)  # an archived story is not active
    await _story(stack, owner, "pro", 100)  # and a pro plan has more


# --- at the edge --------------------------------------------------------------------------------


async def test_the_edge_limits_by_plan_and_halves_a_restricted_key(stack: Stack) -> None:
    async def posts(secret: str, n: int) -> list[httpx.Response]:
        async with httpx.AsyncClient(
            base_url=stack.gateway_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
        ) as c:
            return [await c.post("/v1/jobs", json={"text": f"{SCENE} {i}"}) for i in range(n)]

    _, free = await create_api_key(stack.engine, "free-edge")
    answers = await posts(free, 6)
    assert [r.status_code for r in answers[:2]] == [201, 201]
    assert [r.json()["options"]["priority"] for r in answers[:2]] == [2, 2]
    assert {r.json()["reason"] for r in answers[2:5]} == {"TOO_MANY_ACTIVE_JOBS"}
    limited = answers[5]
    assert limited.status_code == 429 and limited.json()["reason"] == "RATE_LIMITED"
    assert limited.headers["RateLimit-Limit"] == "5"
    assert limited.headers["RateLimit-Policy"] == "5;w=3600"
    assert limited.json()["metadata"]["plan"] == "free"

    key_id, restricted = await create_api_key(stack.engine, "restricted-edge", plan="pro")
    await set_trust(stack.engine, key_id, TrustLevel.RESTRICTED, TrustRules(), actor="operator:test")
    answers = await posts(restricted, 11)
    codes = [r.status_code for r in answers]
    assert codes == [201] * 10 + [429], codes
    assert answers[0].headers["RateLimit-Limit"] == "10", "pro's burst of 20, halved"
    assert answers[10].json()["reason"] == "RATE_LIMITED"


async def test_the_edge_answers_429_for_the_story_quota(stack: Stack) -> None:
    _, secret = await create_api_key(stack.engine, "stories-edge")
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
    ) as c:
        codes = [(await c.post("/v1/stories", json={"title": f"s{i}"})).status_code for i in range(10)]
        assert codes == [201] * 10
        over = await c.post("/v1/stories", json={"title": "one too many"})
        assert over.status_code == 429
        assert over.headers["content-type"].startswith("application/problem+json")
        body = over.json()
        assert body["reason"] == "QUOTA_EXCEEDED"
        assert body["metadata"]["quota"] == "active_stories" and body["metadata"]["limit"] == "10"
        assert int(over.headers["Retry-After"]) >= 1
        assert len((await c.get("/v1/stories", params={"page_size": 100})).json()["stories"]) == 10
