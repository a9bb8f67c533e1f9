"""English loanwords in Indian scripts, recognised by their sound (services/language/loanwords.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.language.glossary import default_glossary
from services.language.loanwords import LoanwordIndex, english_skeleton, indic_skeleton
from services.language.names import to_iast_all
from services.scene.concepts import default_vocabulary

LANGUAGES = ("hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa")


@pytest.fixture(scope="module")
def index() -> LoanwordIndex:
    glossary = default_glossary()
    return LoanwordIndex(default_vocabulary(), {lang: glossary.suffixes(lang) for lang in LANGUAGES})


@pytest.mark.parametrize(
    ("english", "iast", "language"),
    [
        ("tractor", "ṭraikṭar", "hi"),
        ("police", "pulis", "hi"),
        ("station", "sṭeśan", "hi"),
        ("computer", "kaṁpyūṭar", "hi"),
        ("microphone", "māikrofon", "hi"),
        ("school", "skūl", "te"),
        ("stage", "sṭej", "mr"),
        ("hospital", "hāspiṭal", "ta"),
        ("doctor", "ṭākṭar", "ta"),  # Tamil writes d and t with one letter
        ("hospital", "hospiṟṟal", "ml"),  # Malayalam writes English t as റ്റ
    ],
)
def test_an_english_word_and_its_indian_spelling_share_a_skeleton(english: str, iast: str, language: str) -> None:
    key = english_skeleton(english)
    if language == "ta":
        key = key.translate(str.maketrans({"g": "k", "j": "c", "D": "T", "d": "t", "b": "p"}))
    assert indic_skeleton(iast, language) == key


def test_dental_and_retroflex_letters_stay_apart() -> None:
    # English t is written with the retroflex letter (टी), th with the dental one (थिएटर)
    assert english_skeleton("tent")[0] == "T" and english_skeleton("theatre")[0] == "t"
    assert indic_skeleton("tāl") != indic_skeleton("ṭāl")  # ताल (a lake) is not टाल
    assert indic_skeleton("tāl", "ta") != indic_skeleton("ṭāl", "ta")


@pytest.mark.parametrize(
    ("word", "language", "concept"),
    [
        ("ट्रैक्टर", "hi", "tractor"),
        ("हॉस्पिटल", "hi", "hospital"),
        ("కంప్యూటర్", "te", "computer"),
        ("ట్రాక్టర్‌ను", "te", "tractor"),  # a case ending stripped first
        ("ஹாஸ்பிடலில்", "ta", "hospital"),
        ("ഹോസ്പിറ്റലിൽ", "ml", "hospital"),
        ("ਮਾਈਕ੍ਰੋਫੋਨ", "pa", "microphone"),
        ("કમ્પ્યુટર", "gu", "computer"),
    ],
)
def test_loanwords_are_named_in_every_script(index: LoanwordIndex, word: str, language: str, concept: str) -> None:
    assert index.concept_of([word], language) == [concept]


def test_short_skeletons_latin_words_and_native_words_name_nothing(index: LoanwordIndex) -> None:
    # बस is "bus" and also "just": two consonants are never enough; Latin is the encoder's to read
    assert index.concept_of(["बस", "tractor", "", "पानी", "లోపల"], "hi") == [None, None, None, None, None]


def test_few_native_words_of_the_glossary_sound_like_another_concept(index: LoanwordIndex) -> None:
    """The bound of the module docstring: the glossary's native words that are not a loanword of
    their own concept (their skeleton is not one of its English words') rarely name another concept."""
    glossary = default_glossary()
    unvoiced = str.maketrans({"g": "k", "j": "c", "D": "T", "d": "t", "b": "p"})
    words = wrong = 0
    for language in LANGUAGES:
        owner: dict[str, str] = {}
        for c in glossary.concepts:
            for form in c.forms.get(language, ()):
                for w in form.split():
                    owner.setdefault(w, c.id)
        spelled = to_iast_all(list(owner))
        named = index.concept_of(list(owner), language)
        for concept, iast, n in zip(owner.values(), spelled, named, strict=True):
            english = {english_skeleton(x) for f in glossary.concept(concept).forms["en"] for x in f.split()}
            if language == "ta":
                english = {k.translate(unvoiced) for k in english}
            if indic_skeleton(iast, language) in english:
                continue  # a loanword of its own concept
            words += 1
            wrong += n is not None and n != concept
    assert words > 7_000
    # measured 1.0 % with 476 glossary concepts, 1.2 % with 860, 1.25 % with 1,230, 1.34 % with 1,580
    assert wrong / words <= 0.014, f"{wrong} of {words} native words sound like another concept"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(min_codepoint=0x0900, max_codepoint=0x0D7F), max_size=12), max_size=6),
    st.sampled_from(LANGUAGES),
)
def test_any_text_in_the_indian_blocks_gives_one_answer_per_word(
    index: LoanwordIndex, words: list[str], language: str
) -> None:
    out = index.concept_of(words, language)
    assert len(out) == len(words)
    vocabulary = default_vocabulary()
    assert all(c is None or vocabulary.get(c) is not None for c in out)


def test_a_skeleton_several_concepts_share_names_them_all_and_none_alone(index: LoanwordIndex) -> None:
    # Tamil has one letter for t and d: டிராக்டர் is tractor or director; the encoder decides
    [both] = index.sounds_like(["டிராக்டரை"], "ta")
    assert {"tractor", "director"} <= set(both)
    assert index.concept_of(["டிராக்டரை"], "ta") == [None]
    assert index.sounds_like(["ट्रैक्टर"], "hi") == [("tractor",)]
