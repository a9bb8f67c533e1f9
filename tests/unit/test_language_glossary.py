"""The scene glossary: its data, suffix-aware matching per language, romanizations and phrases."""

from __future__ import annotations

import pytest

from services.language.glossary import MAX_GLOSS_CONFIDENCE, default_glossary, derived_stems, gloss
from services.language.languages import NATIVE_SCRIPT, SUPPORTED_LANGUAGES
from services.language.text import script_of

TELUGU_SCENE = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు."

# The same scene, "a girl dances in front of the temple while it rains", in every language.
RAIN_DANCE = {
    "te": "వర్షం పడుతుండగా ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
    "hi": "बारिश के दौरान एक लड़की मंदिर के सामने नाच रही है।",
    "ta": "மழை பெய்யும்போது ஒரு சிறுமி கோயில் முன் நடனமாடுகிறாள்.",
    "bn": "বৃষ্টির মধ্যে একটি মেয়ে মন্দিরের সামনে নাচছে।",
    "gu": "વરસાદમાં એક છોકરી મંદિર સામે નાચે છે.",
    "mr": "पावसात एक मुलगी मंदिरासमोर नाचत आहे.",
    "kn": "ಮಳೆ ಬೀಳುತ್ತಿರುವಾಗ ಒಬ್ಬ ಹುಡುಗಿ ದೇವಸ್ಥಾನದ ಮುಂದೆ ನೃತ್ಯ ಮಾಡುತ್ತಿದ್ದಾಳೆ.",
    "ml": "മഴ പെയ്യുമ്പോൾ ഒരു പെൺകുട്ടി ക്ഷേത്രത്തിനു മുന്നിൽ നൃത്തം ചെയ്യുന്നു.",
    "or": "ବର୍ଷା ହେଉଥିବା ବେଳେ ଗୋଟିଏ ଝିଅ ମନ୍ଦିର ସାମ୍ନାରେ ନାଚୁଛି।",
    "pa": "ਮੀਂਹ ਪੈਂਦੇ ਹੋਏ ਇੱਕ ਕੁੜੀ ਮੰਦਰ ਦੇ ਸਾਹਮਣੇ ਨੱਚ ਰਹੀ ਹੈ।",
    "en": "A girl dances in front of the temple while it rains.",
}


def test_glossary_has_at_least_150_concepts_with_forms_in_all_languages() -> None:
    g = default_glossary()
    assert len(g.concepts) >= 150
    assert len({c.id for c in g.concepts}) == len(g.concepts)
    for c in g.concepts:
        assert c.english and c.plural and c.category in g.category_order
        for lang in SUPPORTED_LANGUAGES:
            assert c.forms.get(lang), f"{c.id} has no {lang} form"


def test_native_forms_are_written_in_their_language_script() -> None:
    for c in default_glossary().concepts:
        for lang, forms in c.forms.items():
            for form in forms:
                letters = [ch for ch in form if not ch.isspace() and ch != "'"]
                assert letters and all(script_of(ch) is NATIVE_SCRIPT[lang] for ch in letters), (c.id, lang, form)
        for lang, forms in c.romanized.items():
            assert lang in SUPPORTED_LANGUAGES and lang != "en"
            assert all(f.isascii() and f.replace(" ", "").isalpha() for f in forms), (c.id, lang, forms)


def test_categories_cover_the_scene_vocabulary() -> None:
    by_category: dict[str, set[str]] = {}
    for c in default_glossary().concepts:
        by_category.setdefault(c.category, set()).add(c.id)
    expected = {
        "person": {"girl", "boy", "woman", "man", "child", "old_man", "mother", "farmer", "dancer"},
        "animal": {"dog", "cow", "elephant", "bird", "peacock"},
        "place": {
            "temple",
            "river",
            "village",
            "market",
            "forest",
            "beach",
            "house",
            "road",
            "field",
            "mountain",
            "city",
            "school",
        },
        "object": {"lamp", "umbrella", "boat", "kite"},
        "nature": {"flower", "tree"},
        "weather": {"rain", "storm", "sun", "cloud", "wind", "fog"},
        "time": {"morning", "evening", "night", "sunset", "dawn", "moon"},
        "action": {
            "dance",
            "run",
            "walk",
            "sing",
            "cry",
            "laugh",
            "play",
            "cook",
            "swim",
            "fly",
            "sit",
            "watch",
            "read",
        },
        "mood": {"happy", "sad", "calm", "afraid", "angry"},
    }
    for category, ids in expected.items():
        assert ids <= by_category[category], (category, ids - by_category[category])


def test_telugu_sample_scene_sentence_by_sentence() -> None:
    result = gloss(TELUGU_SCENE, "te")
    assert [s.source_text for s in result.sentences] == [
        "సాయంత్రం వర్షం పడుతోంది.",
        "ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
        "ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు.",
    ]
    ids = [[m.concept_id for m in s.matches] for s in result.sentences]
    assert ids == [["evening", "rain"], ["girl", "temple", "dance"], ["child", "happy", "watch"]]
    assert [s.phrase for s in result.sentences] == ["evening rain.", "girl dance temple.", "happy children watch."]
    assert all(0.5 < s.confidence <= MAX_GLOSS_CONFIDENCE for s in result.sentences)
    assert result.phrase == "evening rain. girl dance temple. happy children watch."


def test_suffixed_forms_report_their_surface() -> None:
    s = gloss("వర్షం పడుతుండగా ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.", "te").sentences[0]
    assert [(m.concept_id, m.surface) for m in s.matches] == [
        ("rain", "వర్షం పడుతుండగా"),
        ("girl", "అమ్మాయి"),
        ("temple", "గుడి"),
        ("dance", "నాట్యం చేస్తోంది"),
    ]
    assert s.phrase == "rain girl dance temple."


@pytest.mark.parametrize("language", sorted(RAIN_DANCE))
def test_rain_dance_scene_in_every_language(language: str) -> None:
    result = gloss(RAIN_DANCE[language], language)
    assert {"rain", "girl", "temple", "dance"} <= set(result.concept_ids)
    assert result.confidence >= 0.6


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("ek ladki baarish mein mandir ke saamne naach rahi hai", "hi", {"girl", "rain", "temple", "dance"}),
        ("varshamlo oka ammayi gudi mundu natyam chesthundi", "te", {"rain", "girl", "temple", "dance"}),
        ("mazhai peiyumpodhu oru sirumi koyil munnal aadugiral", "ta", {"rain", "girl", "temple", "dance"}),
        ("ek girl baarish mein dance kar rahi hai", "hi", {"girl", "rain", "dance"}),  # code-mixed English
    ],
)
def test_romanized_text_is_glossed(text: str, language: str, expected: set[str]) -> None:
    assert expected <= set(gloss(text, language).concept_ids)


@pytest.mark.parametrize(
    ("language", "word", "concept"),
    [
        ("te", "వర్షంలో", "rain"),  # locative suffix
        ("te", "వర్షాన్ని", "rain"),  # oblique stem ం → ా
        ("te", "చెట్టుకింద", "tree"),
        ("ta", "மரத்தில்", "tree"),  # ம் → த்த
        ("ta", "வீட்டில்", "house"),  # டு doubles
        ("ta", "கோயிலுக்கு", "temple"),
        ("ml", "വീട്ടിൽ", "house"),
        ("ml", "കടലിൽ", "sea"),  # chillu → consonant
        ("ml", "പെണ്\u200dകുട്ടി", "girl"),  # old chillu spelling with ZWJ
        ("hi", "लड़कों", "boy"),
        ("hi", "लडकियां", "girl"),  # without nukta, anusvara for candrabindu
        ("mr", "रस्त्यावर", "road"),
        ("kn", "ಕಾಡಿನಲ್ಲಿ", "forest"),
        ("bn", "মন্দিরে", "temple"),
        ("gu", "મંદિરમાં", "temple"),
        ("or", "ମନ୍ଦିରରେ", "temple"),
        ("pa", "ਕੁੜੀਆਂ", "girl"),
        ("en", "dancing", "dance"),
    ],
)
def test_inflected_words_match(language: str, word: str, concept: str) -> None:
    assert gloss(word, language).concept_ids == [concept]


def test_longest_match_wins_over_prefixes() -> None:
    # అమ్మాయి (girl) starts with అమ్మ (mother); పిల్లి (cat) starts with పిల్ల (child).
    assert gloss("అమ్మాయి", "te").concept_ids == ["girl"]
    assert gloss("పిల్లి", "te").concept_ids == ["cat"]
    assert gloss("అమ్మ", "te").concept_ids == ["mother"]
    # Malayalam മഞ്ഞ (yellow) is also the oblique stem of മഞ്ഞ് (snow).
    assert gloss("മഞ്ഞ", "ml").concept_ids == ["yellow"]
    assert gloss("മഞ്ഞിൽ", "ml").concept_ids == ["snow"]


def test_unknown_suffixes_do_not_match() -> None:
    assert gloss("గుడిసె", "te").concept_ids == ["hut"]  # not గుడి + సె
    assert gloss("বলে", "bn").concept_ids == []  # বল (ball) matches only as a whole word


def test_function_words_are_not_concepts() -> None:
    assert gloss("একটি একটা", "bn").concept_ids == []
    result = gloss("ఒక ముందు చుట్టూ", "te")
    assert result.concept_ids == [] and result.confidence == 0.0


def test_plural_forms_give_english_plurals() -> None:
    s = gloss("ఆమె చుట్టూ పిల్లలు", "te").sentences[0]
    assert s.matches[0].plural is True
    assert s.phrase == "children."


def test_confidence_is_the_covered_share_of_content_words() -> None:
    half = gloss("వర్షం xyzzy", "te").sentences[0]
    assert half.confidence == pytest.approx(0.5)
    assert gloss("qwerty", "te").sentences[0].confidence == 0.0


def test_phrase_in_another_target_language_uses_citation_forms() -> None:
    result = gloss("సాయంత్రం వర్షం పడుతోంది.", "te", target_language="hi")
    assert result.phrase == "शाम बारिश."
    assert gloss("Children play.", "en", target_language="te").phrase == "పిల్లలు ఆడు."


def test_derived_stems_follow_the_grammar_rules() -> None:
    assert "மரத்த" in derived_stems("மரம்", "ta")
    assert "வீட்ட" in derived_stems("வீடு", "ta")
    assert "വീട്ട" in derived_stems("വീട്", "ml")
    assert "കടല" in derived_stems("കടൽ", "ml")
    assert "వర్షా" in derived_stems("వర్షం", "te")
    assert "लड़क" in derived_stems("लड़का", "hi")
    assert derived_stems("girl", "en") == []


def test_unsupported_language_is_refused() -> None:
    with pytest.raises(KeyError):
        gloss("text", "fr")
