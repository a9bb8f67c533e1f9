"""Translation chain, sentence splitting, the cloud API client's protocol, validation, config and codec."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import httpx
import pytest

from services.language.adapters.cache import KEY_PREFIX, cache_key
from services.language.adapters.cloud import CLOUD_CONFIDENCE, CloudTranslateProvider
from services.language.codec import translation_from_proto, translation_to_proto
from services.language.config import LanguageConfig
from services.language.errors import MAX_TEXT_CHARS, validate_language_code, validate_text
from services.language.glossary import default_glossary
from services.language.service import LanguageService, is_romanized
from services.language.text import split_sentences
from services.language.translate import (
    GlossaryProvider,
    Method,
    ProviderError,
    Segment,
    Translation,
    TranslationChain,
)
from services.mesh.config import ConfigError
from services.mesh.errors import InvalidArgument


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("एक लड़की नाच रही है। बारिश हो रही है॥", ["एक लड़की नाच रही है।", "बारिश हो रही है॥"]),
        ("line one\nline two\n\n", ["line one", "line two"]),
        ("Wait... what?!", ["Wait...", "what?!"]),
        ("It is 3.5 km away. Go.", ["It is 3.5 km away.", "Go."]),
        ("no terminator", ["no terminator"]),
        (" . ! ", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


class FakeProvider:
    """A test fake provider: answers per sentence, or fails, and records calls."""

    def __init__(self, name: str, method: Method, *, fail: bool = False, romanized_ok: bool = False) -> None:
        self.name, self.method, self.fail, self.romanized_ok = name, method, fail, romanized_ok
        self.calls: list[tuple[list[str], str, str]] = []

    @property
    def fingerprint(self) -> str:
        return f"fake:{self.name}"

    def supports(self, source: str, target: str, *, romanized: bool) -> bool:
        return self.romanized_ok or not romanized

    async def translate(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
        self.calls.append((list(sentences), source, target))
        if self.fail:
            raise ProviderError("down")
        return [Segment(s, f"<{self.name}:{s}>", self.method, 0.8) for s in sentences]


def chain(*providers: FakeProvider) -> TranslationChain:
    return TranslationChain(list(providers), GlossaryProvider(default_glossary()))


async def test_first_working_provider_wins_and_errors_fall_through() -> None:
    broken, nllb = FakeProvider("cloud", Method.CLOUD_API, fail=True), FakeProvider("nllb", Method.NLLB)
    t = await chain(broken, nllb).translate("వర్షం పడుతోంది. అమ్మాయి నాట్యం చేస్తోంది.", "te", "en")
    assert len(broken.calls) == 1 and len(nllb.calls) == 1
    assert [s.method for s in t.segments] == [Method.NLLB, Method.NLLB]
    assert t.method is Method.NLLB
    assert t.degraded is True  # the cloud step failed
    assert t.text == "<nllb:వర్షం పడుతోంది.> <nllb:అమ్మాయి నాట్యం చేస్తోంది.>"
    healthy = await chain(nllb).translate("వర్షం.", "te", "en")
    assert healthy.degraded is False


async def test_glossary_answers_when_every_provider_fails() -> None:
    t = await chain(FakeProvider("x", Method.CLOUD_API, fail=True)).translate(
        "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.", "te", "en"
    )
    assert t.method is Method.GLOSSARY
    assert [s.text for s in t.segments] == ["evening rain.", "girl dance temple."]
    assert t.text == "evening rain. girl dance temple."
    assert t.confidence == pytest.approx(sum(s.confidence for s in t.segments) / 2)


async def test_romanized_sources_skip_native_script_providers() -> None:
    nllb = FakeProvider("nllb", Method.NLLB)
    t = await chain(nllb).translate("ek ladki baarish mein naach rahi hai", "hi", "en", romanized=True)
    assert nllb.calls == []
    assert t.method is Method.GLOSSARY
    assert t.segments[0].text == "rain girl dance."


async def test_same_language_is_identity() -> None:
    t = await chain(FakeProvider("nllb", Method.NLLB)).translate("A girl dances. It rains.", "en", "en")
    assert t.method is Method.IDENTITY and t.confidence == 1.0
    assert [s.text for s in t.segments] == ["A girl dances.", "It rains."]


async def test_wrong_segment_count_falls_through() -> None:
    class Short(FakeProvider):
        async def translate(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
            return []

    t = await chain(Short("short", Method.NLLB)).translate("వర్షం. గుడి.", "te", "en")
    assert t.method is Method.GLOSSARY


def test_response_method_is_the_weakest_and_confidence_the_mean() -> None:
    t = Translation.from_segments(
        "te", "en", [Segment("a", "A", Method.CLOUD_API, 0.9), Segment("b", "B", Method.GLOSSARY, 0.5)]
    )
    assert t.method is Method.GLOSSARY
    assert t.confidence == pytest.approx(0.7)
    assert t.text == "A B"


def test_codec_round_trip() -> None:
    t = Translation.from_segments("hi", "en", [Segment("एक", "one", Method.NLLB, 0.25)]).as_cached()
    back = translation_from_proto(translation_to_proto(t))
    assert back == t


def test_cache_key_depends_on_every_part() -> None:
    base = cache_key("fp", "te", "en", "text")
    assert base.startswith(KEY_PREFIX) and len(base) == len(KEY_PREFIX) + 64
    assert (
        len(
            {
                base,
                cache_key("fp2", "te", "en", "text"),
                cache_key("fp", "hi", "en", "text"),
                cache_key("fp", "te", "hi", "text"),
                cache_key("fp", "te", "en", "text!"),
            }
        )
        == 5
    )


def _cloud(handler: httpx.MockTransport) -> CloudTranslateProvider:
    return CloudTranslateProvider("https://mt.example/translate", "k", client=httpx.AsyncClient(transport=handler))


async def test_cloud_client_speaks_the_libretranslate_shape() -> None:
    seen: list[dict[str, object]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        return httpx.Response(200, json={"translatedText": [f"EN({q})" for q in body["q"]]})

    provider = _cloud(httpx.MockTransport(handle))
    segments = await provider.translate(["వర్షం.", "గుడి."], "te", "en")
    assert seen == [{"q": ["వర్షం.", "గుడి."], "source": "te", "target": "en", "format": "text", "api_key": "k"}]
    assert [(s.text, s.method, s.confidence) for s in segments] == [
        ("EN(వర్షం.)", Method.CLOUD_API, CLOUD_CONFIDENCE),
        ("EN(గుడి.)", Method.CLOUD_API, CLOUD_CONFIDENCE),
    ]
    await provider.aclose()


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"error": "boom"}),
        httpx.Response(200, json={"error": "no translatedText"}),
        httpx.Response(200, json={"translatedText": ["only one"]}),
        httpx.Response(200, text="not json"),
    ],
)
async def test_cloud_client_errors_become_provider_errors(response: httpx.Response) -> None:
    provider = _cloud(httpx.MockTransport(lambda request: response))
    with pytest.raises(ProviderError):
        await provider.translate(["a.", "b."], "te", "en")


async def test_cloud_client_timeouts_become_provider_errors() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderError):
        await _cloud(httpx.MockTransport(slow)).translate(["a."], "te", "en")


def test_text_validation() -> None:
    assert validate_text("x") == "x"
    with pytest.raises(InvalidArgument) as empty:
        validate_text(" \n\t")
    assert empty.value.reason == "EMPTY_TEXT"
    with pytest.raises(InvalidArgument) as long:
        validate_text("a" * (MAX_TEXT_CHARS + 1))
    assert long.value.reason == "TEXT_TOO_LONG"
    assert long.value.metadata == {"length": str(MAX_TEXT_CHARS + 1), "max_chars": str(MAX_TEXT_CHARS)}
    assert validate_text("అ" * MAX_TEXT_CHARS)  # code points, not bytes


def test_language_code_validation() -> None:
    assert validate_language_code(" TE ", field="source_language_code") == "te"
    assert validate_language_code("", field="target_language_code", default="en") == "en"
    with pytest.raises(InvalidArgument) as exc:
        validate_language_code("fr", field="target_language_code")
    assert exc.value.reason == "UNSUPPORTED_LANGUAGE"
    assert exc.value.metadata["language_code"] == "fr"
    assert [v.field for v in exc.value.violations] == ["target_language_code"]


async def test_service_detects_the_source_and_validates_codes() -> None:
    service = LanguageService(chain())
    t = await service.translate("ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.")
    assert (t.source_language, t.target_language, t.method) == ("te", "en", Method.GLOSSARY)
    with pytest.raises(InvalidArgument) as exc:
        await service.translate("text", "xx")
    assert exc.value.reason == "UNSUPPORTED_LANGUAGE"
    assert exc.value.violations[0].field == "source_language_code"


def test_romanized_means_indic_language_in_latin_letters() -> None:
    assert is_romanized("ek ladki", "hi")
    assert not is_romanized("एक लड़की", "hi")
    assert not is_romanized("a girl", "en")


def test_config_defaults_and_switches(tmp_path: Path) -> None:
    c = LanguageConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path)})  # no model installed there
    assert (c.port, c.cloud_api_enabled, c.nllb_model_dir, c.cache_ttl_s) == (50051, False, None, 7 * 24 * 3600)
    c = LanguageConfig.from_env(
        {
            "DRISHYA_TRANSLATE_API_URL": "http://mt:5000/translate",
            "DRISHYA_TRANSLATE_API_KEY": "k",
            "DRISHYA_LANGUAGE_PORT": "0",
        }
    )
    assert c.cloud_api_enabled and c.port == 0


@pytest.mark.parametrize(
    "env",
    [
        {"DRISHYA_TRANSLATE_API_URL": "http://mt/translate"},
        {"DRISHYA_TRANSLATE_API_KEY": "k"},
        {"DRISHYA_TRANSLATE_API_URL": "ftp://mt", "DRISHYA_TRANSLATE_API_KEY": "k"},
        {"DRISHYA_NLLB_MODEL": "/nonexistent/nllb"},
        {"DRISHYA_NLLB_COMPUTE_TYPE": "int3"},
        {"DRISHYA_LANGUAGE_PORT": "70000"},
    ],
)
def test_config_fails_fast(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        LanguageConfig.from_env(env)
