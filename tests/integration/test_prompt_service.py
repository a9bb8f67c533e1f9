"""The prompt gRPC server on a free port, fed by the real analysis server: health, BuildPrompt, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
import pytest_asyncio
from grpc_health.v1 import health_pb2

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.analysis.v1 import analysis_service_pb2 as an_svc
from drishya.analysis.v1 import analysis_service_pb2_grpc as an_grpc
from drishya.prompt.v1 import prompt_service_pb2 as pr_svc
from drishya.prompt.v1 import prompt_service_pb2_grpc as pr_grpc
from services.analysis.config import AnalysisConfig
from services.analysis.server import SERVICE_NAME as ANALYSIS_SERVICE
from services.analysis.server import create_server as create_analysis_server
from services.mesh.channels import channel
from services.mesh.errors import details_of
from services.prompt.config import PromptConfig
from services.prompt.server import SERVICE_NAME as PROMPT_SERVICE
from services.prompt.server import create_server as create_prompt_server
from tests.integration.test_analysis_service import ENGLISH, TELUGU, TELUGU_GLOSS, wait_serving


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def stubs() -> AsyncIterator[tuple[an_grpc.AnalysisServiceStub, pr_grpc.PromptServiceStub]]:
    analysis = await create_analysis_server(AnalysisConfig(port=0))
    prompt = await create_prompt_server(PromptConfig(port=0))
    try:
        async with (
            channel(f"127.0.0.1:{analysis.port}") as a_ch,
            channel(f"127.0.0.1:{prompt.port}") as p_ch,
        ):
            assert await wait_serving(a_ch, ANALYSIS_SERVICE) == health_pb2.HealthCheckResponse.SERVING
            assert await wait_serving(p_ch, PROMPT_SERVICE) == health_pb2.HealthCheckResponse.SERVING
            analysis_stub = an_grpc.AnalysisServiceStub(a_ch)  # type: ignore[no-untyped-call]
            prompt_stub = pr_grpc.PromptServiceStub(p_ch)  # type: ignore[no-untyped-call]
            yield analysis_stub, prompt_stub
    finally:
        await prompt.stop(0.5)
        await analysis.stop(0.5)


async def _shot_list(
    stubs: tuple[an_grpc.AnalysisServiceStub, pr_grpc.PromptServiceStub],
    english: str,
    source: str,
    lang: str,
    provider: str = "",
) -> tuple[an_pb.SceneAnalysis, pr_svc.BuildPromptResponse]:
    analysis_stub, prompt_stub = stubs
    analysed = await analysis_stub.AnalyzeScene(
        an_svc.AnalyzeSceneRequest(english_text=english, source_text=source, language_code=lang), timeout=10
    )
    built = await prompt_stub.BuildPrompt(
        pr_svc.BuildPromptRequest(analysis=analysed.analysis, provider=provider), timeout=10
    )
    return analysed.analysis, built


@pytest.mark.parametrize(
    ("english", "source", "lang"), [(TELUGU_GLOSS, TELUGU, "te"), (ENGLISH, ENGLISH, "en")], ids=["te", "en"]
)
async def test_analysis_piped_into_build_prompt(
    stubs: tuple[an_grpc.AnalysisServiceStub, pr_grpc.PromptServiceStub], english: str, source: str, lang: str
) -> None:
    analysis, built = await _shot_list(stubs, english, source, lang)
    sl = built.shot_list
    assert 3 <= len(sl.shots) <= 6
    assert sl.total_duration_ms == analysis.estimated_duration_ms >= 6000
    assert sum(s.duration_ms for s in sl.shots) == sl.total_duration_ms
    assert all(s.duration_ms >= 1500 for s in sl.shots)
    assert [s.start_ms for s in sl.shots] == [sum(x.duration_ms for x in sl.shots[:i]) for i in range(len(sl.shots))]
    assert _squash("".join(s.narration for s in sl.shots)) == _squash(source)
    assert " ".join(s.narration for s in sl.shots if s.narration) == source
    assert all(s.subtitle == s.narration for s in sl.shots)
    assert sl.language_code == lang and sl.provider == "storyboard"
    assert sl.setting == analysis.setting and sl.mood == analysis.mood and list(sl.entities) == list(analysis.entities)
    assert 0.0 <= sl.quality_score <= 1.0 and sl.quality_score == pytest.approx(1.0)
    assert "temple" in sl.shots[0].visual_prompt and "evening rain" in sl.shots[0].visual_prompt
    assert all("watermark" in s.negative_prompt for s in sl.shots)
    assert len({s.camera.shot_size for s in sl.shots}) > 1


async def test_sdxl_formatting(stubs: tuple[an_grpc.AnalysisServiceStub, pr_grpc.PromptServiceStub]) -> None:
    _, built = await _shot_list(stubs, ENGLISH, ENGLISH, "en", provider="sdxl")
    assert built.shot_list.provider == "sdxl"
    assert "(young girl dancing:1.3)" in built.shot_list.shots[0].visual_prompt


async def test_unknown_provider(stubs: tuple[an_grpc.AnalysisServiceStub, pr_grpc.PromptServiceStub]) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await _shot_list(stubs, TELUGU_GLOSS, TELUGU, "te", provider="nonexistent")
    d = details_of(err.value)
    assert d.code is grpc.StatusCode.INVALID_ARGUMENT
    assert d.reason == "UNKNOWN_PROVIDER" and d.domain == "prompt.drishya"
    assert [v.field for v in d.violations] == ["provider"]


async def test_no_beats(stubs: tuple[an_grpc.AnalysisServiceStub, pr_grpc.PromptServiceStub]) -> None:
    _, prompt_stub = stubs
    for request in (
        pr_svc.BuildPromptRequest(),
        pr_svc.BuildPromptRequest(analysis=an_pb.SceneAnalysis(source_text="x", language_code="te")),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as err:
            await prompt_stub.BuildPrompt(request, timeout=10)
        d = details_of(err.value)
        assert d.code is grpc.StatusCode.INVALID_ARGUMENT
        assert d.reason == "NO_BEATS" and [v.field for v in d.violations] == ["analysis.beats"]
