"""The edge against real services: admission under concurrency, the global queue limit, the rate
limit (real Redis, and Redis gone), schemathesis over the OpenAPI document, and Hypothesis fuzzing
of the text RPCs.

One stack per module: the language, analysis, prompt and moderation servers, a generation server
with no workers on a database of its own (so nothing renders and no other test's jobs count), and
the gateway over real HTTP (uvicorn on port 0) and in-process (ASGI) with other limits.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from drishya.analysis.v1 import analysis_service_pb2 as an_pb2
from drishya.analysis.v1 import analysis_service_pb2_grpc as an_grpc
from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.generation.v1 import generation_service_pb2 as gs_pb2
from drishya.generation.v1 import generation_service_pb2_grpc as gs_grpc
from drishya.language.v1 import language_service_pb2 as lang_pb2
from drishya.language.v1 import language_service_pb2_grpc as lang_grpc
from drishya.moderation.v1 import moderation_service_pb2 as mod_pb2
from drishya.moderation.v1 import moderation_service_pb2_grpc as mod_grpc
from drishya.prompt.v1 import prompt_service_pb2 as pr_pb2
from drishya.prompt.v1 import prompt_service_pb2_grpc as pr_grpc
from services.analysis.config import AnalysisConfig
from services.analysis.server import create_server as analysis_server
from services.gateway.app import create_app
from services.gateway.config import GatewayConfig
from services.gateway.keys import create_api_key, migrate_gateway
from services.gateway.server import create_server as gateway_server
from services.generation.adapters.store import JobStore
from services.generation.config import GenerationConfig
from services.generation.server import create_server as generation_server
from services.language.config import LanguageConfig
from services.language.server import create_server as language_server
from services.mesh.channels import channel
from services.mesh.db import create_engine
from services.mesh.errors import ResourceExhausted, details_of
from services.mesh.infra import InfraUrls
from services.mesh.server import MeshServer
from services.moderation.config import ModerationConfig
from services.moderation.server import create_server as moderation_server
from services.prompt.config import PromptConfig
from services.prompt.server import create_server as prompt_server
from services.story.config import StoryConfig
from services.story.server import create_server as story_server
from tests.fakes.server import serve_in_loop

PER_OWNER = 20
QUEUE_LIMIT = 45
SCENE = "a girl dances in the rain in front of an old temple at dusk"


@dataclass
class Stack:
    servers: dict[str, MeshServer]
    database_url: str
    redis_url: str
    engine: AsyncEngine
    media_root: Path
    gateway_url: str
    gateway_config: GatewayConfig

    def addr(self, name: str) -> str:
        return f"127.0.0.1:{self.servers[name].port}"

    async def new_key(self, name: str = "edge") -> str:
        _, secret = await create_api_key(self.engine, name)
        return secret

    def app(self, **overrides: Any) -> Any:
        """An in-process gateway over the same services, with other settings."""
        fields = {**self.gateway_config.__dict__, "port": 0, **overrides}
        return create_app(GatewayConfig(**fields), database_url=self.database_url)


@pytest_asyncio.fixture(scope="module")
async def stack(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    media_root = tmp_path_factory.mktemp("edge-media")
    database_url = make_database("edge")
    servers: dict[str, MeshServer] = {}
    servers["language"] = await language_server(LanguageConfig(port=0), redis_url=infra.redis_url)
    servers["analysis"] = await analysis_server(AnalysisConfig(port=0))
    servers["prompt"] = await prompt_server(PromptConfig(port=0))
    servers["moderation"] = await moderation_server(ModerationConfig(port=0, media_root=media_root))
    addr = {name: f"127.0.0.1:{s.port}" for name, s in servers.items()}
    gen_config = GenerationConfig(
        port=0,
        media_root=media_root,
        language_addr=addr["language"],
        analysis_addr=addr["analysis"],
        prompt_addr=addr["prompt"],
        moderation_addr=addr["moderation"],
        delivery_addr="127.0.0.1:9",  # never called: no workers
        workers=0,
        max_queued_per_owner=PER_OWNER,
        max_queued_total=QUEUE_LIMIT,
    )
    servers["generation"] = await generation_server(gen_config, database_url=database_url, nats_url=infra.nats_url)
    servers["story"] = await story_server(
        StoryConfig(
            port=0,
            language_addr=addr["language"],
            analysis_addr=addr["analysis"],
            generation_addr=f"127.0.0.1:{servers['generation'].port}",
            media_root=media_root,
        ),
        database_url=database_url,
        nats_url=infra.nats_url,
    )
    engine = create_engine(database_url)
    await migrate_gateway(engine)
    gw_config = GatewayConfig(
        port=0,
        generation_addr=f"127.0.0.1:{servers['generation'].port}",
        story_addr=f"127.0.0.1:{servers['story'].port}",
        media_root=media_root,
        redis_url=infra.redis_url,
        rate_limit_burst=100_000,
        rate_limit_per_minute=100_000,
        sse_keepalive_s=0.5,
        sse_max_stream_s=2.0,  # jobs here never run: streams end early so the fuzzers move on
    )
    gw = gateway_server(gw_config, database_url=database_url, log_level="warning")
    task, port = await serve_in_loop(gw)
    try:
        yield Stack(servers, database_url, infra.redis_url, engine, media_root, f"http://127.0.0.1:{port}", gw_config)
    finally:
        gw.should_exit = True
        await asyncio.wait_for(task, 15)
        for s in reversed(servers.values()):
            await s.stop(1.0)
        await engine.dispose()


async def _clear_jobs(stack: Stack) -> None:
    async with stack.engine.begin() as conn:
        from sqlalchemy import text

        await conn.execute(text("DELETE FROM generation.jobs"))


# --- admission ---------------------------------------------------------------------------------


async def test_sixty_concurrent_creates_never_exceed_the_per_key_limit(stack: Stack) -> None:
    await _clear_jobs(stack)
    secret = await stack.new_key("burst")
    async with httpx.AsyncClient(
        base_url=stack.gateway_url, headers={"Authorization": f"Bearer {secret}"}, timeout=60
    ) as c:
        answers = await asyncio.gather(*(c.post("/v1/jobs", json={"text": f"{SCENE} {i}"}) for i in range(60)))
        codes = [r.status_code for r in answers]
        assert codes.count(201) == PER_OWNER, codes
        refused = [r for r in answers if r.status_code != 201]
        assert {r.status_code for r in refused} == {429}
        assert {r.json()["reason"] for r in refused} == {"TOO_MANY_ACTIVE_JOBS"}
        assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
        listed = (await c.get("/v1/jobs", params={"page_size": 100})).json()["jobs"]
        assert len(listed) == PER_OWNER
        assert {j["options"]["priority"] for j in listed} == {2}, "a new key's plan (free) sets the priority"


async def test_store_admission_is_atomic_for_one_owner(stack: Stack) -> None:
    await _clear_jobs(stack)
    store = JobStore(stack.engine)

    async def one(i: int) -> str:
        try:
            await store.create(
                owner_id="atomic-owner",
                request_id="",
                text=f"{SCENE} {i}",
                options=gen_pb2.JobOptions(priority=5),
                language_code="en",
                detection=b"",
                max_queued=7,
            )
        except ResourceExhausted as exc:
            return exc.reason
        return "ok"

    results = await asyncio.gather(*(one(i) for i in range(40)))
    assert results.count("ok") == 7 and set(results) == {"ok", "TOO_MANY_ACTIVE_JOBS"}


async def test_the_global_queue_limit_answers_503_with_retry_after(stack: Stack) -> None:
    await _clear_jobs(stack)
    keys = [await stack.new_key(f"fill-{i}") for i in range(3)]
    accepted = 0
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60) as c:
        for key in keys:  # 3 keys x 20 would be 60 jobs; the queue holds 45
            answers = await asyncio.gather(
                *(
                    c.post("/v1/jobs", json={"text": f"{SCENE} {i}"}, headers={"Authorization": f"Bearer {key}"})
                    for i in range(PER_OWNER)
                )
            )
            accepted += sum(r.status_code == 201 for r in answers)
            full = [r for r in answers if r.status_code == 503]
        assert accepted == QUEUE_LIMIT
        assert full and all(r.json()["reason"] == "QUEUE_FULL" for r in full)
        assert all(int(r.headers["retry-after"]) >= 1 for r in full)
        assert full[0].headers["content-type"] == "application/problem+json"
    # over gRPC: RESOURCE_EXHAUSTED with RetryInfo and QuotaFailure
    async with channel(stack.addr("generation")) as ch:
        stub = gs_grpc.GenerationServiceStub(ch)  # type: ignore[no-untyped-call]
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await stub.CreateJob(gs_pb2.CreateJobRequest(owner_id="someone-new", text=SCENE), timeout=10)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    details = details_of(info.value)
    assert details.reason == "QUEUE_FULL" and details.retry_after_s and details.retry_after_s > 0
    from google.rpc import error_details_pb2
    from grpc_status import rpc_status

    st_ = rpc_status.from_call(info.value)  # type: ignore[arg-type]
    assert st_ is not None and any(d.Is(error_details_pb2.QuotaFailure.DESCRIPTOR) for d in st_.details)
    await _clear_jobs(stack)


# --- rate limit --------------------------------------------------------------------------------


async def _create_in_process(app: Any, secret: str, n: int) -> list[httpx.Response]:
    """``n`` job creations, one after another, through ``app`` run in-process with its lifespan."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        headers = {"Authorization": f"Bearer {secret}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://gw", headers=headers) as c:
            return [await c.post("/v1/jobs", json={"text": f"{SCENE} {i}"}) for i in range(n)]


async def test_the_rate_limit_answers_429_with_ratelimit_fields(stack: Stack) -> None:
    await _clear_jobs(stack)
    app = stack.app(rate_limit_burst=3, rate_limit_per_minute=6)
    secret = await stack.new_key("rate")
    answers = await _create_in_process(app, secret, 4)
    assert [r.status_code for r in answers] == [201, 201, 201, 429]
    assert [r.headers["ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
    limited = answers[-1]
    assert limited.json()["reason"] == "RATE_LIMITED"
    assert limited.headers["ratelimit-limit"] == "3" and limited.headers["ratelimit-policy"] == "3;w=30"
    assert 1 <= int(limited.headers["retry-after"]) <= 10
    assert int(limited.headers["ratelimit-reset"]) == int(limited.headers["retry-after"])


async def test_without_redis_the_rate_limit_fails_open(stack: Stack, tmp_path: Path) -> None:
    await _clear_jobs(stack)
    app = stack.app(redis_url=f"unix://{tmp_path / 'no-redis.sock'}", rate_limit_burst=1, rate_limit_per_minute=1)
    secret = await stack.new_key("no-redis")
    answers = await _create_in_process(app, secret, 3)
    assert [r.status_code for r in answers] == [201, 201, 201]
    assert "ratelimit-limit" not in answers[0].headers


# --- schemathesis ------------------------------------------------------------------------------


async def test_schemathesis_finds_no_server_error_and_no_schema_violation(stack: Stack) -> None:
    """The schemathesis CLI against the live gateway with every check; the stack keeps serving
    on this loop while the CLI runs in a subprocess."""
    await _clear_jobs(stack)
    secret = await stack.new_key("schemathesis")
    cli = Path(sys.executable).with_name("st")
    proc = await asyncio.create_subprocess_exec(
        str(cli),
        "--config-file",
        str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{stack.gateway_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        os.environ.get("DRISHYA_SCHEMATHESIS_EXAMPLES", "25"),
        "--seed",
        "6",
        "--header",
        f"Authorization: Bearer {secret}",
        "--request-timeout",
        "20",
        "--no-color",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 600)
    report = out.decode("utf-8", "replace")
    Path(os.environ.get("DRISHYA_SCHEMATHESIS_REPORT", "/dev/null")).write_text(report)
    print(report[-3000:])
    assert proc.returncode == 0, report[-12000:]


# --- gRPC text fuzzing -------------------------------------------------------------------------

_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80).map(lambda s: s * 40),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Mn")), max_size=60),
    st.sampled_from(["", " ", "\x00" * 12, "वर्षा\x00 में", "ਮੀਂਹ\u200d", "a" * 5000, "😀" * 700]),
)
_BAD = {grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN}


def _grpc_code(exc: grpc.aio.AioRpcError) -> grpc.StatusCode:
    return exc.code()


async def _call(coro: Any) -> Any:
    try:
        return await coro
    except grpc.aio.AioRpcError as exc:
        assert _grpc_code(exc) not in _BAD, (exc.code(), exc.details())
        return None


async def test_text_rpcs_never_answer_internal_or_unknown(stack: Stack) -> None:
    await _clear_jobs(stack)
    chans = {n: channel(stack.addr(n)) for n in ("language", "analysis", "prompt", "moderation", "generation")}
    language = lang_grpc.LanguageServiceStub(chans["language"])  # type: ignore[no-untyped-call]
    analysis = an_grpc.AnalysisServiceStub(chans["analysis"])  # type: ignore[no-untyped-call]
    prompt = pr_grpc.PromptServiceStub(chans["prompt"])  # type: ignore[no-untyped-call]
    moderation = mod_grpc.ModerationServiceStub(chans["moderation"])  # type: ignore[no-untyped-call]
    generation = gs_grpc.GenerationServiceStub(chans["generation"])  # type: ignore[no-untyped-call]
    loop = asyncio.get_running_loop()
    langs = st.sampled_from(["", "en", "hi", "te", "ta", "xx", "\x00"])

    @settings(
        max_examples=int(os.environ.get("DRISHYA_FUZZ_EXAMPLES", "60")),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(text=_TEXT, lang=langs, target=langs)
    def fuzz(text: str, lang: str, target: str) -> None:
        async def one() -> None:
            t = 30
            await _call(language.DetectLanguage(lang_pb2.DetectLanguageRequest(text=text), timeout=t))
            await _call(
                language.Translate(
                    lang_pb2.TranslateRequest(text=text, source_language_code=lang, target_language_code=target),
                    timeout=t,
                )
            )
            await _call(moderation.CheckText(mod_pb2.CheckTextRequest(text=text, language_code=lang), timeout=t))
            scene = await _call(
                analysis.AnalyzeScene(
                    an_pb2.AnalyzeSceneRequest(english_text=text, source_text=text, language_code=lang), timeout=t
                )
            )
            if scene is not None:
                await _call(prompt.BuildPrompt(pr_pb2.BuildPromptRequest(analysis=scene.analysis), timeout=t))
            await _call(
                generation.CreateJob(
                    gs_pb2.CreateJobRequest(
                        owner_id=f"fuzz-{uuid.uuid4().hex[:8]}",
                        request_id=text[:300],
                        text=text,
                        options=gen_pb2.JobOptions(language_code=lang, priority=5),
                    ),
                    timeout=t,
                )
            )

        asyncio.run_coroutine_threadsafe(one(), loop).result(120)

    try:
        await asyncio.to_thread(fuzz)
    finally:
        for ch in chans.values():
            await ch.close(None)
        await _clear_jobs(stack)


async def test_a_malformed_protobuf_is_invalid_argument(stack: Stack) -> None:
    """grpcio parses the request before the handler runs (and would answer UNKNOWN); the mesh's
    interceptor wraps the deserializer so the server decides: INVALID_ARGUMENT MALFORMED_REQUEST."""
    async with channel(stack.addr("generation")) as ch:
        for method in ("CreateJob", "WatchJob"):
            path = f"/drishya.generation.v1.GenerationService/{method}"
            if method == "CreateJob":
                call: Any = ch.unary_unary(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
            else:
                call = ch.unary_stream(path, request_serializer=lambda b: b, response_deserializer=lambda b: b)
            garbage = b"\x0a\xff\xff\xff\xff\x0f"  # field 1, a length past the end of the message
            with pytest.raises(grpc.aio.AioRpcError) as info:
                if method == "CreateJob":
                    await call(garbage, timeout=10)
                else:
                    async for _ in call(garbage, timeout=10):
                        pass
            assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, method
            assert details_of(info.value).reason == "MALFORMED_REQUEST"
        raw = ch.unary_unary(
            "/drishya.generation.v1.GenerationService/CreateJob",
            request_serializer=lambda b: b,
            response_deserializer=lambda b: b,
        )
        odd = gs_pb2.CreateJobRequest(owner_id="o", text=SCENE, options=gen_pb2.JobOptions(priority=99))
        with pytest.raises(grpc.aio.AioRpcError) as info:
            await raw(odd.SerializeToString() + b"\xf8\x07\x01", timeout=10)  # + unknown field 127
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert details_of(info.value).reason == "INVALID_PRIORITY"
