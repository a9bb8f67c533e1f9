"""The analysis gRPC server on a free port: health, AnalyzeScene, and its errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import grpc
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from drishya.analysis.v1 import analysis_pb2 as pb
from drishya.analysis.v1 import analysis_service_pb2 as svc_pb
from drishya.analysis.v1 import analysis_service_pb2_grpc as svc_grpc
from drishya.language.v1 import language_pb2 as lang_pb
from services.analysis.config import AnalysisConfig
from services.analysis.server import SERVICE_NAME, create_server
from services.mesh.channels import channel
from services.mesh.errors import details_of
from services.mesh.server import MeshServer

TELUGU = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు."
TELUGU_GLOSS = "evening rain. girl dance temple. children happy watch."
ENGLISH = "A young girl dances in front of an old temple while it rains in the evening. Children watch her happily."


async def wait_serving(ch: grpc.aio.Channel, service: str, timeout_s: float = 30.0) -> int:
    """Poll grpc.health.v1 until ``service`` is SERVING; returns the last status."""
    stub = health_pb2_grpc.HealthStub(ch)
    deadline = time.monotonic() + timeout_s
    status = health_pb2.HealthCheckResponse.UNKNOWN
    while time.monotonic() < deadline:
        reply = await stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
        status = reply.status
        if status == health_pb2.HealthCheckResponse.SERVING:
            break
        await asyncio.sleep(0.1)
    return int(status)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def analysis_server() -> AsyncIterator[MeshServer]:
    server = await create_server(AnalysisConfig(port=0))
    try:
        yield server
    finally:
        await server.stop(0.5)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stub(analysis_server: MeshServer) -> AsyncIterator[svc_grpc.AnalysisServiceStub]:
    async with channel(f"127.0.0.1:{analysis_server.port}") as ch:
        assert await wait_serving(ch, SERVICE_NAME) == health_pb2.HealthCheckResponse.SERVING
        yield svc_grpc.AnalysisServiceStub(ch)  # type: ignore[no-untyped-call]


async def test_health_reports_serving_once_the_model_is_loaded(analysis_server: MeshServer) -> None:
    async with channel(f"127.0.0.1:{analysis_server.port}") as ch:
        assert await wait_serving(ch, SERVICE_NAME) == health_pb2.HealthCheckResponse.SERVING
        assert await wait_serving(ch, "") == health_pb2.HealthCheckResponse.SERVING


async def test_analyze_telugu_sample(stub: svc_grpc.AnalysisServiceStub) -> None:
    reply = await stub.AnalyzeScene(
        svc_pb.AnalyzeSceneRequest(english_text=TELUGU_GLOSS, source_text=TELUGU, language_code="te"), timeout=10
    )
    a = reply.analysis
    assert a.language_code == "te" and a.source_text == TELUGU and a.english_text == TELUGU_GLOSS
    assert a.setting.time_of_day == pb.TIME_OF_DAY_EVENING
    assert a.setting.weather == pb.WEATHER_RAIN
    assert a.setting.location == "temple"
    ids = [e.id for e in a.entities]
    assert "character-girl" in ids and "location-temple" in ids
    assert a.entities[0].kind == pb.ENTITY_KIND_CHARACTER
    assert len(a.beats) == 3
    assert " ".join(b.source_text for b in a.beats) == TELUGU
    assert a.estimated_duration_ms == sum(b.duration_ms for b in a.beats) >= 6000
    assert a.beats[0].camera.shot_size in (pb.SHOT_SIZE_WIDE, pb.SHOT_SIZE_EXTREME_WIDE)
    assert a.camera == a.beats[0].camera
    assert a.mood.tone and a.mood.style == "cinematic" and 3 <= len(a.mood.palette) <= 5
    assert 0.0 <= a.mood.intensity <= 1.0 and -1.0 <= a.mood.sentiment <= 1.0
    assert a.mood.pace != pb.PACE_UNSPECIFIED


async def test_analyze_english_scene(stub: svc_grpc.AnalysisServiceStub) -> None:
    reply = await stub.AnalyzeScene(
        svc_pb.AnalyzeSceneRequest(english_text=ENGLISH, source_text=ENGLISH, language_code="en"), timeout=10
    )
    a = reply.analysis
    assert a.setting.time_of_day == pb.TIME_OF_DAY_EVENING and a.setting.weather == pb.WEATHER_RAIN
    girl = next(e for e in a.entities if e.id == "character-girl")
    assert list(girl.attributes) == ["young"] and girl.source_name == "girl"
    assert [b.action for b in a.beats] == ["dance", "rain", "watch"]
    assert "".join(b.source_text for b in a.beats).replace(" ", "") == ENGLISH.replace(" ", "")


async def test_english_segments_are_used(stub: svc_grpc.AnalysisServiceStub) -> None:
    segments = ["in the evening it rains.", "a girl dances before the temple.", "children watch happily."]
    reply = await stub.AnalyzeScene(
        svc_pb.AnalyzeSceneRequest(
            english_text=" ".join(segments), source_text=TELUGU, language_code="te", english_segments=segments
        ),
        timeout=10,
    )
    sentences = [s.strip() for s in TELUGU.replace(". ", ".\n").splitlines()]
    assert [b.source_text for b in reply.analysis.beats] == sentences


@pytest.mark.parametrize(
    ("request_", "reason", "field"),
    [
        (
            svc_pb.AnalyzeSceneRequest(english_text="rain", source_text=" ", language_code="te"),
            "EMPTY_TEXT",
            "source_text",
        ),
        (
            svc_pb.AnalyzeSceneRequest(english_text="rain", source_text="x" * 2001, language_code="te"),
            "TEXT_TOO_LONG",
            "source_text",
        ),
        (
            svc_pb.AnalyzeSceneRequest(english_text="r" * 4001, source_text="x", language_code="te"),
            "TEXT_TOO_LONG",
            "english_text",
        ),
        (
            svc_pb.AnalyzeSceneRequest(english_text="rain", source_text="lluvia", language_code="es"),
            "UNSUPPORTED_LANGUAGE",
            "language_code",
        ),
    ],
)
async def test_invalid_requests(
    stub: svc_grpc.AnalysisServiceStub, request_: svc_pb.AnalyzeSceneRequest, reason: str, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await stub.AnalyzeScene(request_, timeout=10)
    d = details_of(err.value)
    assert d.code is grpc.StatusCode.INVALID_ARGUMENT
    assert d.reason == reason and d.domain == "analysis.drishya"
    assert [v.field for v in d.violations] == [field]


async def test_segments_with_concepts_and_names_cross_the_contract(stub: svc_grpc.AnalysisServiceStub) -> None:
    segments = [
        lang_pb.TranslationSegment(source_text="సరే!", text="", method=lang_pb.TRANSLATION_METHOD_GLOSSARY),
        lang_pb.TranslationSegment(
            source_text="మీనా గొడుగుతో నడుస్తోంది.",
            text="",
            method=lang_pb.TRANSLATION_METHOD_ENCODER,
            concepts=[
                lang_pb.Concept(
                    concept_id="umbrella",
                    label="umbrella",
                    category=lang_pb.CONCEPT_CATEGORY_OBJECT,
                    method=lang_pb.TRANSLATION_METHOD_ENCODER,
                    confidence=0.8,
                )
            ],
            names=[lang_pb.Name(source_text="మీనా", latin="Meena", confidence=0.8)],
        ),
    ]
    reply = await stub.AnalyzeScene(
        svc_pb.AnalyzeSceneRequest(
            english_text="", source_text="సరే! మీనా గొడుగుతో నడుస్తోంది.", language_code="te", segments=segments
        ),
        timeout=30,
    )
    a = reply.analysis
    assert [b.source_text for b in a.beats] == ["సరే!", "మీనా గొడుగుతో నడుస్తోంది."]
    by_id = {e.id: e for e in a.entities}
    assert by_id["character-meena"].source_name == "మీనా" and by_id["character-meena"].name == "Meena"
    assert by_id["object-umbrella"].category == lang_pb.CONCEPT_CATEGORY_OBJECT
    assert by_id["object-umbrella"].concept_id == "umbrella"
    assert a.beats[0].entity_ids == a.beats[1].entity_ids  # the interjection shows its neighbour
