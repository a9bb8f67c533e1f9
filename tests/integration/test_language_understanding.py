"""The language server (real encoder, real Redis) returns concepts with categories and methods, and
names transliterated to Latin, on every segment over gRPC, in every language including English."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from drishya.language.v1 import language_pb2 as pb
from drishya.language.v1 import language_service_pb2 as svc_pb
from services.language.config import LanguageConfig
from services.mesh.infra import InfraUrls
from tests.integration.test_language_server import Client, _start, _unique


@pytest_asyncio.fixture(scope="module")
async def language(infra: InfraUrls) -> AsyncIterator[Client]:
    client = await _start(infra, LanguageConfig(port=0))
    yield client
    await client.close()


async def _translate(language: Client, text: str, source: str) -> svc_pb.TranslateResponse:
    req = svc_pb.TranslateRequest(text=text, source_language_code=source, target_language_code="en")
    resp: svc_pb.TranslateResponse = await language.stub.Translate(req, timeout=30)
    return resp


async def test_telugu_concepts_names_and_the_cache(language: Client) -> None:
    text = _unique("సరే! ఒక అబ్బాయి బడికి వెళ్తున్నాడు. మీనా అనే అమ్మాయి ఎలక్ట్రీషియన్ దగ్గరకు వెళ్ళింది.")
    first = await _translate(language, text, "te")
    boy_school, meena = first.segments[1], first.segments[2]
    concepts = {c.concept_id: c for c in boy_school.concepts}
    assert concepts["boy"].category == pb.CONCEPT_CATEGORY_PERSON
    assert concepts["boy"].method == pb.TRANSLATION_METHOD_GLOSSARY
    assert concepts["school"].category == pb.CONCEPT_CATEGORY_PLACE
    # an English loanword the glossary does not list, read by its sound
    electrician = {c.concept_id: c for c in meena.concepts}["electrician"]
    assert (electrician.method, electrician.category, electrician.source_text) == (
        pb.TRANSLATION_METHOD_LOANWORD,
        pb.CONCEPT_CATEGORY_PERSON,
        "ఎలక్ట్రీషియన్",
    )
    assert 0.5 < electrician.confidence < 0.9
    assert [(n.source_text, n.latin) for n in meena.names] == [("మీనా", "Mina")]
    second = await _translate(language, text, "te")
    assert second.cached
    second.cached = False
    assert second == first


async def test_a_sentence_only_the_encoder_understands_is_glossed_by_it(language: Client) -> None:
    resp = await _translate(language, _unique("జిరాఫీ ఉంది."), "te")
    [seg] = resp.segments
    assert seg.method == pb.TRANSLATION_METHOD_ENCODER
    assert seg.text == "giraffe."
    assert resp.method == pb.TRANSLATION_METHOD_ENCODER and resp.text == "giraffe."


async def test_a_sentence_of_english_loanwords_is_glossed_by_their_sound(language: Client) -> None:
    resp = await _translate(language, _unique("ఎలక్ట్రీషియన్ స్టెతస్కోప్ తెచ్చారు."), "te")
    [seg] = resp.segments
    assert seg.method == pb.TRANSLATION_METHOD_LOANWORD
    assert seg.text == "electrician stethoscope."
    assert {(c.concept_id, c.source_text) for c in seg.concepts} == {
        ("electrician", "ఎలక్ట్రీషియన్"),
        ("stethoscope", "స్టెతస్కోప్"),
    }


async def test_english_gets_concepts_and_names_too(language: Client) -> None:
    resp = await _translate(language, _unique("A doctor named Ravi rides a bicycle to the hospital."), "en")
    [seg] = resp.segments
    assert seg.method == pb.TRANSLATION_METHOD_IDENTITY
    ids = {c.concept_id: c.category for c in seg.concepts}
    assert ids["bicycle"] == pb.CONCEPT_CATEGORY_VEHICLE and ids["doctor"] == pb.CONCEPT_CATEGORY_PERSON
    assert [n.latin for n in seg.names] == ["Ravi"]


async def test_of_loanwords_that_sound_alike_the_encoder_picks_the_one_meant(language: Client) -> None:
    # Tamil skeletons keep no vowels and one letter serves k and g: அலிகேட்டர் sounds like
    # alligator and like lecturer
    resp = await _translate(language, _unique("ஆற்றில் ஒரு அலிகேட்டர் இருந்தது."), "ta")
    found = {c.concept_id: c.method for s in resp.segments for c in s.concepts}
    assert found.get("alligator") == pb.TRANSLATION_METHOD_LOANWORD
    assert "lecturer" not in found
