"""NLLB-200 on CTranslate2 with a tiny NLLB-architecture model built here: loading, tokenization with
language codes, batched decoding, scores and the provider's fall-through behaviour."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from services.language.adapters.nllb import TOKENIZER_FILE, NllbModelError, NllbProvider, NllbTranslator
from services.language.glossary import default_glossary
from services.language.translate import GlossaryProvider, Method, TranslationChain
from tests.integration.nllb_tiny import build_tiny_nllb


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_nllb(tmp_path_factory.mktemp("nllb") / "tiny-nllb")


def test_tiny_model_is_a_complete_ctranslate2_directory(model_dir: Path) -> None:
    names = {p.name for p in model_dir.iterdir()}
    assert {"model.bin", "config.json", "shared_vocabulary.json", TOKENIZER_FILE, "tokenizer_config.json"} <= names
    assert (model_dir / "model.bin").stat().st_size < 1_000_000


def test_source_tokens_carry_the_language_code_and_end_of_sentence(model_dir: Path) -> None:
    tr = NllbTranslator(model_dir)
    tokens = tr.encode("వర్షం పడుతోంది.", "te")
    assert tokens[0] == "tel_Telu" and tokens[-1] == "</s>"
    assert len(tokens) > 3 and all(isinstance(t, str) for t in tokens)
    assert tr.encode("rain", "en")[0] == "eng_Latn"
    assert tr.decode(["eng_Latn", "▁rain", "</s>"]) == "rain"


@pytest.mark.parametrize("compute_type", ["default", "int8"])
def test_batched_decoding_gives_one_segment_per_sentence(model_dir: Path, compute_type: str) -> None:
    tr = NllbTranslator(model_dir, compute_type=compute_type, max_batch_size=2, max_decoding_length=12)
    sentences = [
        "సాయంత్రం వర్షం పడుతోంది.",
        "ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
        "ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు.",
        "వర్షం.",
        "గుడి.",
    ]
    segments = tr.translate_sentences(sentences, "te", "en")
    assert [s.source_text for s in segments] == sentences
    for s in segments:
        assert s.method is Method.NLLB
        assert 0.0 < s.confidence <= 1.0
        assert "eng_Latn" not in s.text and "tel_Telu" not in s.text


def test_incomplete_model_directory_is_refused(model_dir: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / TOKENIZER_FILE).unlink()
    with pytest.raises(NllbModelError):
        NllbTranslator(broken)


async def test_provider_in_the_chain(model_dir: Path) -> None:
    provider = NllbProvider(NllbTranslator(model_dir, max_decoding_length=12))
    assert provider.fingerprint.startswith("nllb:tiny-nllb-")
    chain = TranslationChain([provider], GlossaryProvider(default_glossary()))
    t = await chain.translate("वर्षा हो रही है। लड़की नाच रही है।", "hi", "en")
    assert t.method is Method.NLLB and len(t.segments) == 2
    romanized = await chain.translate("ladki naach rahi hai", "hi", "en", romanized=True)
    assert romanized.method is Method.GLOSSARY
