"""The language server on an ephemeral port against the real Redis: health, detection, translation
through the cache, the NLLB provider with a tiny model built here, the cloud API client against a
real local HTTP server, and error details."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
import pytest_asyncio
import redis.asyncio as redis
import uvicorn
from fastapi import FastAPI
from grpc_health.v1 import health_pb2, health_pb2_grpc

from drishya.language.v1 import language_pb2 as pb
from drishya.language.v1 import language_service_pb2 as svc_pb
from drishya.language.v1 import language_service_pb2_grpc as svc_grpc
from services.language.adapters.cache import KEY_PREFIX
from services.language.config import LanguageConfig
from services.language.server import SERVICE_NAME, create_server
from services.mesh.channels import channel
from services.mesh.errors import details_of
from services.mesh.infra import InfraUrls, free_port
from services.mesh.server import MeshServer
from tests.integration.nllb_tiny import build_tiny_nllb

TELUGU = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు."


async def _wait_serving(stub: health_pb2_grpc.HealthStub, service: str = "") -> int:
    status = health_pb2.HealthCheckResponse.UNKNOWN
    for _ in range(100):
        status = (await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)).status
        if status == health_pb2.HealthCheckResponse.SERVING:
            break
        await asyncio.sleep(0.05)
    return int(status)


class Client:
    """A real channel to a started server, with its stubs."""

    def __init__(self, server: MeshServer) -> None:
        self.server = server
        self.channel = channel(f"127.0.0.1:{server.port}")
        self.stub = svc_grpc.LanguageServiceStub(self.channel)
        self.health = health_pb2_grpc.HealthStub(self.channel)

    async def close(self) -> None:
        await self.channel.close()
        await self.server.stop(0)


async def _start(infra: InfraUrls, config: LanguageConfig) -> Client:
    client = Client(await create_server(config, redis_url=infra.redis_url))
    assert await _wait_serving(client.health, SERVICE_NAME) == health_pb2.HealthCheckResponse.SERVING
    return client


@pytest_asyncio.fixture(scope="module")
async def language(infra: InfraUrls) -> AsyncIterator[Client]:
    client = await _start(infra, LanguageConfig(port=0))
    yield client
    await client.close()


def _unique(text: str) -> str:
    """``text`` with a number inside its first sentence, so no earlier run's cache entry matches."""
    first, _, rest = text.partition(" ")
    return f"{first} {random.randrange(10**9)} {rest}"


async def test_health_reports_serving(language: Client) -> None:
    for service in ("", SERVICE_NAME):
        assert await _wait_serving(language.health, service) == health_pb2.HealthCheckResponse.SERVING


async def test_detect_telugu_sample(language: Client) -> None:
    resp = await language.stub.DetectLanguage(svc_pb.DetectLanguageRequest(text=TELUGU), timeout=10)
    d = resp.detection
    assert (d.language_code, d.script, d.romanized) == ("te", pb.SCRIPT_TELUGU, False)
    assert 0.9 <= d.confidence <= 1.0
    assert d.candidates[0].language_code == "te"


async def test_detect_hinglish_is_romanized_hindi(language: Client) -> None:
    resp = await language.stub.DetectLanguage(
        svc_pb.DetectLanguageRequest(text="ek ladki baarish mein mandir ke saamne naach rahi hai"), timeout=10
    )
    d = resp.detection
    assert (d.language_code, d.script, d.romanized) == ("hi", pb.SCRIPT_LATIN, True)
    assert d.code_mixed is False


async def test_detect_code_mixed_devanagari_is_hindi(language: Client) -> None:
    resp = await language.stub.DetectLanguage(
        svc_pb.DetectLanguageRequest(text="एक girl park में football खेल रही है, evening time है।"), timeout=10
    )
    d = resp.detection
    assert (d.language_code, d.script, d.romanized, d.code_mixed) == ("hi", pb.SCRIPT_DEVANAGARI, False, True)
    ranked = [c.language_code for c in d.candidates]
    assert ranked[0] == "hi" and "en" in ranked  # the matrix language's candidates first, then the embedded one


async def test_detect_refuses_nepali_naming_it(language: Client) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await language.stub.DetectLanguage(
            svc_pb.DetectLanguageRequest(text="बजारमा तरकारीको भाउ अचानक बढेको छ।"), timeout=10
        )
    d = details_of(err.value)
    assert (d.code, d.reason, d.domain) == (
        grpc.StatusCode.INVALID_ARGUMENT,
        "UNSUPPORTED_LANGUAGE",
        "language.drishya",
    )
    assert (d.metadata["language_code"], d.metadata["language_name"]) == ("ne", "Nepali")


async def test_translate_is_cached_in_redis(language: Client, infra: InfraUrls) -> None:
    text = _unique(TELUGU)
    req = svc_pb.TranslateRequest(text=text, source_language_code="te", target_language_code="en")
    first = await language.stub.Translate(req, timeout=10)
    second = await language.stub.Translate(req, timeout=10)
    assert (first.cached, second.cached) == (False, True)
    assert first.method == pb.TRANSLATION_METHOD_GLOSSARY
    assert [s.text for s in first.segments] == ["evening rain.", "girl dance temple.", "happy children watch."]
    assert [s.source_text for s in first.segments][1:] == [
        "ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
        "ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు.",
    ]
    assert first.text == "evening rain. girl dance temple. happy children watch."
    second.cached = False
    assert second == first

    r = redis.Redis.from_url(infra.redis_url)
    try:
        keys = [k async for k in r.scan_iter(match=KEY_PREFIX + "*")]
        ttls = [await r.ttl(k) for k in keys]
        stored = [svc_pb.TranslateResponse.FromString(await r.get(k)) for k in keys]
    finally:
        await r.aclose()
    mine = [
        (t, s)
        for t, s in zip(ttls, stored, strict=True)
        if s.segments and s.segments[0].source_text.startswith(text.split(".")[0])
    ]
    assert len(mine) == 1
    ttl, value = mine[0]
    assert 7 * 24 * 3600 - 60 < ttl <= 7 * 24 * 3600
    assert value.cached is False and value.text == first.text


async def test_translate_detects_the_source_when_not_given(language: Client) -> None:
    resp = await language.stub.Translate(
        svc_pb.TranslateRequest(text=_unique("ek ladki baarish mein mandir ke saamne naach rahi hai")), timeout=10
    )
    assert (resp.source_language_code, resp.target_language_code) == ("hi", "en")
    assert resp.method == pb.TRANSLATION_METHOD_GLOSSARY
    assert resp.text == "rain girl dance temple."


async def test_english_to_english_is_identity(language: Client) -> None:
    text = _unique("A girl dances in the rain. Children watch.")
    resp = await language.stub.Translate(svc_pb.TranslateRequest(text=text, source_language_code="en"), timeout=10)
    assert resp.method == pb.TRANSLATION_METHOD_IDENTITY
    assert resp.confidence == 1.0
    assert resp.text == text


@pytest.mark.parametrize(
    ("call", "request_", "reason", "field", "language_code"),
    [
        ("DetectLanguage", svc_pb.DetectLanguageRequest(text=""), "EMPTY_TEXT", "text", None),
        ("DetectLanguage", svc_pb.DetectLanguageRequest(text="a" * 2001), "TEXT_TOO_LONG", "text", None),
        ("DetectLanguage", svc_pb.DetectLanguageRequest(text="123 456 !!"), "NO_LANGUAGE_DETECTED", None, None),
        (
            "DetectLanguage",
            svc_pb.DetectLanguageRequest(text="فتاة ترقص تحت المطر"),
            "UNSUPPORTED_LANGUAGE",
            None,
            "ar",
        ),
        (
            "DetectLanguage",
            svc_pb.DetectLanguageRequest(text="एउटी केटी वर्षामा मन्दिर अगाडि नाचिरहेकी छ। यो धेरै राम्रो थियो।"),
            "UNSUPPORTED_LANGUAGE",
            None,
            "ne",
        ),
        ("Translate", svc_pb.TranslateRequest(text="   "), "EMPTY_TEXT", "text", None),
        (
            "Translate",
            svc_pb.TranslateRequest(text="వర్షం", source_language_code="xx"),
            "UNSUPPORTED_LANGUAGE",
            "source_language_code",
            "xx",
        ),
        (
            "Translate",
            svc_pb.TranslateRequest(text="వర్షం", target_language_code="fr"),
            "UNSUPPORTED_LANGUAGE",
            "target_language_code",
            "fr",
        ),
        (
            "Translate",
            svc_pb.TranslateRequest(text="la fille danse sous la pluie devant le temple"),
            "UNSUPPORTED_LANGUAGE",
            None,
            "fr",
        ),
    ],
)
async def test_errors_carry_code_reason_and_fields(
    language: Client, call: str, request_: object, reason: str, field: str | None, language_code: str | None
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as exc:
        await getattr(language.stub, call)(request_, timeout=10)
    d = details_of(exc.value)
    assert d.code is grpc.StatusCode.INVALID_ARGUMENT
    assert (d.reason, d.domain) == (reason, "language.drishya")
    if field is not None:
        assert field in [v.field for v in d.violations]
    if language_code is not None:
        assert d.metadata["language_code"] == language_code


@pytest_asyncio.fixture(scope="module")
async def nllb_language(infra: InfraUrls, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Client]:
    model_dir = build_tiny_nllb(tmp_path_factory.mktemp("nllb") / "tiny-nllb")
    config = LanguageConfig.from_env(
        {"DRISHYA_LANGUAGE_PORT": "0", "DRISHYA_NLLB_MODEL": str(model_dir), "DRISHYA_NLLB_MAX_DECODING_LENGTH": "16"}
    )
    client = await _start(infra, config)
    yield client
    await client.close()


async def test_nllb_provider_translates_each_sentence(nllb_language: Client) -> None:
    text = _unique(TELUGU)
    resp = await nllb_language.stub.Translate(
        svc_pb.TranslateRequest(text=text, source_language_code="te", target_language_code="en"), timeout=30
    )
    assert resp.method == pb.TRANSLATION_METHOD_NLLB
    assert len(resp.segments) == 3
    for seg in resp.segments:
        assert seg.method == pb.TRANSLATION_METHOD_NLLB
        assert 0.0 < seg.confidence <= 1.0
        assert "eng_Latn" not in seg.text and "</s>" not in seg.text
    assert resp.confidence == pytest.approx(sum(s.confidence for s in resp.segments) / 3, rel=1e-5)
    assert resp.text == " ".join(s.text for s in resp.segments if s.text)


async def test_nllb_into_an_indic_language_strips_its_code(nllb_language: Client) -> None:
    resp = await nllb_language.stub.Translate(
        svc_pb.TranslateRequest(
            text=_unique("A girl dances in the rain."), source_language_code="en", target_language_code="te"
        ),
        timeout=30,
    )
    assert resp.method == pb.TRANSLATION_METHOD_NLLB
    assert "tel_Telu" not in resp.text


async def test_nllb_is_skipped_for_romanized_text(nllb_language: Client) -> None:
    resp = await nllb_language.stub.Translate(
        svc_pb.TranslateRequest(text=_unique("ek ladki baarish mein naach rahi hai"), source_language_code="hi"),
        timeout=30,
    )
    assert resp.method == pb.TRANSLATION_METHOD_GLOSSARY


class LocalTranslateApi:
    """A LibreTranslate-shaped HTTP server on a free port (uvicorn in this event loop)."""

    def __init__(self) -> None:
        app = FastAPI()
        self.requests: list[dict[str, object]] = []

        @app.post("/translate")
        async def translate(body: dict[str, object]) -> dict[str, object]:
            self.requests.append(body)
            q = body["q"]
            assert isinstance(q, list)
            return {"translatedText": [f"[{body['target']}] {s}" for s in q]}

        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve())
        while not self.server.started:
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        self.server.should_exit = True
        if self.task is not None:
            await self.task


async def test_cloud_api_first_then_fall_through_when_it_is_down(infra: InfraUrls) -> None:
    api = LocalTranslateApi()
    await api.start()
    config = LanguageConfig.from_env(
        {
            "DRISHYA_LANGUAGE_PORT": "0",
            "DRISHYA_TRANSLATE_API_URL": f"http://127.0.0.1:{api.port}/translate",
            "DRISHYA_TRANSLATE_API_KEY": "test-key",
            "DRISHYA_TRANSLATE_API_TIMEOUT_S": "2",
        }
    )
    client = await _start(infra, config)
    try:
        text = _unique("వర్షం పడుతోంది. అమ్మాయి నాట్యం చేస్తోంది.")
        resp = await client.stub.Translate(svc_pb.TranslateRequest(text=text, source_language_code="te"), timeout=10)
        assert resp.method == pb.TRANSLATION_METHOD_CLOUD_API
        assert [s.text for s in resp.segments] == [f"[en] {s.source_text}" for s in resp.segments]
        assert api.requests[-1]["api_key"] == "test-key" and api.requests[-1]["source"] == "te"
        await api.stop()
        down = svc_pb.TranslateRequest(text=_unique("వర్షం పడుతోంది."), source_language_code="te")
        resp = await client.stub.Translate(down, timeout=10)
        assert resp.method == pb.TRANSLATION_METHOD_GLOSSARY
        assert resp.segments[0].text == "rain."
        # A fallback made while the API was down is not cached: the next call tries the API again.
        again = await client.stub.Translate(down, timeout=10)
        assert (resp.cached, again.cached) == (False, False)
    finally:
        await api.stop()
        await client.close()


async def test_health_stays_serving_without_redis_and_names_redis_as_down(tmp_path: Path) -> None:
    sock = tmp_path / "absent.sock"
    server = await create_server(LanguageConfig(port=0), redis_url=f"unix://{sock}")
    ch = channel(f"127.0.0.1:{server.port}")
    try:
        health = health_pb2_grpc.HealthStub(ch)
        statuses: tuple[int, int] = (0, 0)
        for _ in range(100):  # the readiness loop sets both within its first round
            main = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=5)
            cache = await health.Check(health_pb2.HealthCheckRequest(service="redis"), timeout=5)
            statuses = (main.status, cache.status)
            if main.status == health_pb2.HealthCheckResponse.SERVING:
                break
            await asyncio.sleep(0.1)
        # Redis is a cache: its loss is reported under its own name and degrades nothing else.
        assert statuses == (health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING)
        # Translation still works: the cache is an optimisation.
        out = await svc_grpc.LanguageServiceStub(ch).Translate(
            svc_pb.TranslateRequest(text="వర్షం", source_language_code="te"), timeout=10
        )
        assert (out.text, out.cached) == ("rain.", False)
    finally:
        await ch.close()
        await server.stop(0)
