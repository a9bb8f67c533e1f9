"""Multilingual text rules: blocklist, copyrighted characters, profanity, normalization, false positives."""

from __future__ import annotations

import json

import pytest

from services.mesh.errors import InvalidArgument
from services.moderation import text_rules
from services.moderation.findings import Category, Decision, Verdict
from services.moderation.text_rules import DATA_DIR, DATA_FILES, build_rules, check_text, default_rules

BENIGN = {
    "te": "వర్షం పడుతుండగా ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
    "hi": "बारिश हो रही थी और एक लड़की मंदिर के सामने नाच रही थी।",
    "en": "While it rains, a girl dances in front of the temple.",
    "ta": "மழை பெய்யும் போது ஒரு பெண் கோவிலின் முன் நடனமாடுகிறாள்.",
    "bn": "বৃষ্টি পড়ছে, একটি মেয়ে মন্দিরের সামনে নাচছে।",
    "gu": "વરસાદ પડી રહ્યો છે અને એક છોકરી મંદિરની સામે નૃત્ય કરે છે.",
    "mr": "पाऊस पडत असताना एक मुलगी मंदिरासमोर नृत्य करत आहे.",
    "kn": "ಮಳೆ ಬೀಳುತ್ತಿರುವಾಗ ಒಬ್ಬ ಹುಡುಗಿ ದೇವಸ್ಥಾನದ ಮುಂದೆ ನೃತ್ಯ ಮಾಡುತ್ತಿದ್ದಾಳೆ.",
    "ml": "മഴ പെയ്യുമ്പോൾ ഒരു പെൺകുട്ടി ക്ഷേത്രത്തിന് മുന്നിൽ നൃത്തം ചെയ്യുന്നു.",
    "or": "ବର୍ଷା ହେଉଥିବା ବେଳେ ଏକ ଝିଅ ମନ୍ଦିର ସାମ୍ନାରେ ନାଚୁଛି।",
    "pa": "ਮੀਂਹ ਪੈ ਰਿਹਾ ਹੈ ਅਤੇ ਇੱਕ ਕੁੜੀ ਮੰਦਰ ਦੇ ਸਾਹਮਣੇ ਨੱਚ ਰਹੀ ਹੈ।",
    "hi-Latn": "ek ladki baarish mein mandir ke saamne naach rahi hai",
}


def _terms(v: Verdict) -> list[tuple[Category, str]]:
    return [(f.category, f.matched_term) for f in v.findings]


@pytest.mark.parametrize("lang", sorted(BENIGN))
def test_benign_scene_is_allowed_in_every_language(lang: str) -> None:
    verdict = check_text(BENIGN[lang])
    assert verdict.decision is Decision.ALLOW
    assert verdict.findings == ()


@pytest.mark.parametrize(
    "text",
    [
        "The class sat on the grass while the batsman practised.",
        "A Scunthorpe therapist visited Essex and Sussex with a cocktail.",
        "He was an assassin of time, a classic passenger on a bass boat.",
        "Superb manners! The super manager spoke to the iron smith.",
        "He raised the cricket bat, man! The spider, man, was tiny.",
        "Trains from Bombay carried bombers jackets and a massive crate.",
        "The hulking dam gate, the damsel, the scrap heap and the cockpit.",
        "Ironing the clothes, the mouse ran past Mickey's neighbour.",
        "ఒక క్రికెట్ బ్యాట్స్‌మన్ బంతిని కొట్టాడు, ఒక సాలీడు గోడ మీద ఉంది.",
        "हमारी कक्षा में बल्लेबाज़ और एक मकड़ी थी, बमुश्किल बारिश रुकी।",
        "2 girls, 3 boys and 10 birds at 5:30 pm.",
    ],
)
def test_common_words_do_not_trip_substring_terms(text: str) -> None:
    verdict = check_text(text)
    assert verdict.decision is Decision.ALLOW, _terms(verdict)


@pytest.mark.parametrize(
    ("text", "written", "language"),
    [
        ("A beheading in the square", "beheading", "en"),
        ("The massacre at dawn", "massacre", "en"),
        ("a bloodbath followed", "bloodbath", "en"),
        ("They massacred the villagers", "massacred", "en"),
        ("how to make a bomb at home", "how to make a bomb", "en"),
        ("गाँव में नरसंहार हुआ", "नरसंहार", "hi"),
        ("नरसंहारों की कहानी", "नरसंहार", "hi"),
        ("usne bam banane ka tarika bataya", "bam bana", "hi"),
        ("ఊరిలో ఊచకోత జరిగింది", "ఊచకోత", "te"),
        ("ஒரு இனப்படுகொலை நடந்தது", "இனப்படுகொலை", "ta"),
        ("ಬಾಂಬ್ ತಯಾರಿಕೆಯ ವಿಧಾನ", "ಬಾಂಬ್ ತಯಾರಿಕೆ", "kn"),
        ("ഭീകരാക്രമണം നടന്നു", "ഭീകരാക്രമണം", "ml"),
        ("child sexual abuse material", "child sexual abuse material", "en"),
        ("ethnic cleansing of a town", "ethnic cleansing", "en"),
        ("a car bomb exploded", "car bomb", "en"),
    ],
)
def test_blocklist_terms_block(text: str, written: str, language: str) -> None:
    verdict = check_text(text)
    assert verdict.decision is Decision.BLOCK
    assert [(f.category, f.decision, f.matched_term, f.language_code) for f in verdict.findings] == [
        (Category.BLOCKLIST, Decision.BLOCK, written, language)
    ]
    assert verdict.findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "Spider-Man swings by",
        "spider man swings by",
        "spiderman swings by",
        "SPIDERMAN swings by",
        "sp1derman swings by",
        "s.p.i.d.e.r man swings by",
        "s p i d e r - m a n swings by",
        "spiiiiderman swings by",
        "Spider-Man's web",
        "ｓｐｉｄｅｒｍａｎ swings by",
        "ѕріdеr-mаn swings by",  # Cyrillic look-alikes
        "s̶p̶i̶d̶e̶r̶m̶a̶n̶ swings by",  # combining strike-through
        "spi\u200bder\u00adman swings by",  # zero-width space, soft hyphen
    ],
)
def test_copyrighted_character_spellings_and_obfuscations(text: str) -> None:
    verdict = check_text(text)
    assert verdict.decision is Decision.BLOCK
    (finding,) = verdict.findings
    assert finding.category is Category.COPYRIGHTED_CHARACTER
    assert finding.language_code == "en"
    assert "protected character" in finding.message and "Spider-Man" in finding.message
    assert finding.matched_term in text
    assert not finding.matched_term.endswith(" ")


@pytest.mark.parametrize(
    ("text", "written", "language"),
    [
        ("स्पाइडर-मैन शहर में आया", "स्पाइडर-मैन", "hi"),
        ("स्पाइडरमैन शहर में आया", "स्पाइडरमैन", "hi"),
        ("ఒక అబ్బాయి స్పైడర్ మ్యాన్‌తో ఆడుతున్నాడు", "స్పైడర్ మ్యాన్", "te"),
        ("స్పైడర్‌మ్యాన్ వచ్చాడు", "స్పైడర్‌మ్యాన్", "te"),
        ("ஸ்பைடர் மேன் வந்தான்", "ஸ்பைடர் மேன்", "ta"),
        ("ஸ்பைடர் மேனுடன் ஒரு சிறுவன்", "ஸ்பைடர் மேனு", "ta"),
        ("डोरेमोन और नोबिता", "डोरेमोन", "hi"),
        ("ఛోటా భీమ్ లడ్డూలు తింటున్నాడు", "ఛోటా భీమ్", "te"),
        ("மோட்டு பட்லு சிரித்தனர்", "மோட்டு பட்லு", "ta"),
        ("পিকাচু দৌড়াচ্ছে", "পিকাচু", "bn"),
        ("ഛോട്ടാ ഭീം വന്നു", "ഛോട്ടാ ഭീം", "ml"),
        ("Chhota Bheem aur Motu Patlu", "Chhota Bheem", "en"),
    ],
)
def test_copyrighted_characters_in_native_scripts(text: str, written: str, language: str) -> None:
    verdict = check_text(text)
    assert verdict.decision is Decision.BLOCK
    first = verdict.findings[0]
    assert (first.category, first.matched_term, first.language_code) == (
        Category.COPYRIGHTED_CHARACTER,
        written,
        language,
    )


def test_malayalam_chillu_spellings_meet() -> None:
    atomic = check_text("സ്പൈഡർമാൻ വന്നു")  # Unicode 5.1 atomic chillu letters
    joined = check_text("സ്പൈഡര്\u200dമാന്\u200d വന്നു")  # consonant + virama + ZWJ
    inflected = check_text("സ്പൈഡർമാനും ഒരു കുട്ടിയും")
    for verdict in (atomic, joined, inflected):
        assert [f.category for f in verdict.findings] == [Category.COPYRIGHTED_CHARACTER]
        assert verdict.findings[0].language_code == "ml"


def test_several_famous_characters_each_get_a_reason() -> None:
    verdict = check_text("Mickey Mouse, Batman, Superman, Harry Potter, Pikachu, Elsa, Iron Man and Shin-chan")
    names = [f.matched_term for f in verdict.findings]
    assert names == ["Mickey Mouse", "Batman", "Superman", "Harry Potter", "Pikachu", "Elsa", "Iron Man", "Shin-chan"]
    assert all(f.category is Category.COPYRIGHTED_CHARACTER for f in verdict.findings)


def test_profanity_is_review_and_the_strictest_decision_wins() -> None:
    mild = check_text("Damn, the bus is late again")
    assert mild.decision is Decision.REVIEW
    assert _terms(mild) == [(Category.PROFANITY, "Damn")]
    assert mild.findings[0].decision is Decision.REVIEW
    hinglish = check_text("woh kamina aadmi bhaag gaya")
    assert _terms(hinglish) == [(Category.PROFANITY, "kamina")]
    assert hinglish.findings[0].language_code == "hi"
    mixed = check_text("Damn, Batman is here")
    assert mixed.decision is Decision.BLOCK
    assert [(f.category, f.decision) for f in mixed.findings] == [
        (Category.PROFANITY, Decision.REVIEW),
        (Category.COPYRIGHTED_CHARACTER, Decision.BLOCK),
    ]


def test_repeated_term_is_reported_once_and_reasons_follow_text_order() -> None:
    verdict = check_text("Pikachu met Pikachu and then a massacre happened near PIKACHU")
    assert _terms(verdict) == [
        (Category.COPYRIGHTED_CHARACTER, "Pikachu"),
        (Category.BLOCKLIST, "massacre"),
    ]


def test_language_hint_breaks_ties_between_lists_with_one_spelling() -> None:
    assert check_text("छोटा भीम").findings[0].language_code == "hi"
    assert check_text("छोटा भीम", "mr").findings[0].language_code == "mr"
    assert check_text("छोटा भीम", "ta").findings[0].language_code == "hi"


def test_every_listed_term_matches_its_own_concept() -> None:
    rules = default_rules()
    for name in DATA_FILES:
        doc = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        for concept in doc["concepts"]:
            for language, terms in concept["terms"].items():
                for term in terms:
                    verdict = check_text(f"x {term} x", language, rules)
                    cats = {f.category.value for f in verdict.findings}
                    assert doc["category"] in cats, (name, concept["id"], language, term)
                    assert any(f.language_code == language for f in verdict.findings), (concept["id"], term)


def test_lists_cover_all_eleven_languages() -> None:
    rules = default_rules()
    for category in (Category.BLOCKLIST, Category.COPYRIGHTED_CHARACTER):
        languages = {
            e.language
            for index in (rules.latin_exact, rules.latin_prefix, rules.other)
            for entries in index.values()
            for e in entries
            if e.concept.category is category
        }
        assert languages == set(text_rules.LANGUAGES), category


def test_validation_errors() -> None:
    for bad in ("", "   \n"):
        with pytest.raises(InvalidArgument) as err:
            check_text(bad)
        assert err.value.reason == "EMPTY_TEXT"
        assert err.value.violations[0].field == "text"
    with pytest.raises(InvalidArgument) as err:
        check_text("a" * 4001)
    assert err.value.reason == "TEXT_TOO_LONG"
    assert err.value.metadata["max_length"] == "4000"
    assert check_text("a" * 4000).decision is Decision.ALLOW
    with pytest.raises(InvalidArgument) as err:
        check_text("hello", "Telugu")
    assert err.value.reason == "INVALID_LANGUAGE_CODE"


def test_bad_list_data_fails_at_load() -> None:
    doc = {
        "category": "BLOCKLIST",
        "decision": "BLOCK",
        "concepts": [{"id": "x", "message": "m", "terms": {"xx": ["term"]}}],
    }
    with pytest.raises(ValueError, match="unknown languages"):
        build_rules([("bad.json", doc)])
