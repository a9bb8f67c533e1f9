"""Subtitle cues cut at phrase boundaries: real sentences in several languages, and properties."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.scene.cues import NEVER, boundary_costs, shift_cut, split_cues
from services.scene.phrase_words import BY_SCRIPT, PHRASE_WORDS, SCRIPT_LANGUAGES
from tests.robust_pieces import ENGLISH_WORDS, PIECES, native_digits

THREE = [1.0, 1.0, 1.0]


def last_word(cue: str) -> str:
    return cue.split()[-1]


def first_word(cue: str) -> str:
    return cue.split()[0]


def test_bengali_boat_stays_with_its_numeral_and_the_cue_breaks_before_the_conjunction() -> None:
    # "At dusk lamps burn on the ghat and a boat floats on the river."
    text = "সন্ধ্যায় ঘাটে প্রদীপ জ্বলছে আর একটি নৌকা নদীতে ভাসছে।"
    cues = split_cues(text, THREE)
    assert cues == ["সন্ধ্যায় ঘাটে ", "প্রদীপ জ্বলছে ", "আর একটি নৌকা নদীতে ভাসছে।"]
    assert not any(c.split()[-1] in ("আর", "একটি") for c in cues[:-1])


def test_hindi_lantern_is_not_parted_from_carrying_it() -> None:
    # "At night an old man, lantern in hand, walks slowly along the forest path."
    text = "रात को एक बूढ़ा आदमी हाथ में लालटेन लेकर जंगल के रास्ते पर धीरे-धीरे चल रहा है।"
    cues = split_cues(text, THREE)
    assert "".join(cues) == text
    assert all(c.strip() for c in cues)
    assert not any(last_word(c) in ("लालटेन", "एक", "बूढ़ा", "के") for c in cues[:-1])
    assert not any(first_word(c) in ("लेकर", "में", "पर", "रहा", "है।") for c in cues[1:])


@pytest.mark.parametrize(
    ("text", "cues"),
    [
        (  # English: after the comma, and "and" opens the next cue
            "At dusk an old fisherman pulls his small boat onto the sand, and two children run to help him.",
            ["At dusk an old fisherman pulls ", "his small boat onto the sand, ", "and two children run to help him."],
        ),
        (  # Telugu: "and" (మరియు) opens the last cue; "a small girl" stays whole
            "సాయంత్రం ఒక చిన్న అమ్మాయి తన తల్లితో కలిసి గుడి ముందు దీపాలు వెలిగిస్తోంది మరియు పిల్లలు చూస్తున్నారు.",
            [
                "సాయంత్రం ఒక చిన్న అమ్మాయి తన తల్లితో కలిసి ",
                "గుడి ముందు దీపాలు వెలిగిస్తోంది ",
                "మరియు పిల్లలు చూస్తున్నారు.",
            ],
        ),
        (  # Gujarati: "and" (અને) opens the last cue, "walks" (ચાલે છે) keeps its auxiliary
            "સાંજે એક વૃદ્ધ માણસ હાથમાં ફાનસ લઈને ગામના રસ્તા પર ધીમે ધીમે ચાલે છે અને કૂતરો તેની પાછળ દોડે છે.",
            [
                "સાંજે એક વૃદ્ધ માણસ ",
                "હાથમાં ફાનસ લઈને ગામના રસ્તા પર ધીમે ધીમે ચાલે છે ",
                "અને કૂતરો તેની પાછળ દોડે છે.",
            ],
        ),
        (  # Malayalam: after the comma
            "വൈകുന്നേരം ഒരു വൃദ്ധൻ കയ്യിൽ ഒരു വിളക്കുമായി ഗ്രാമത്തിലെ വഴിയിലൂടെ പതുക്കെ നടക്കുന്നു, അവന്റെ നായ പിന്നാലെ ഓടുന്നു.",
            [
                "വൈകുന്നേരം ഒരു വൃദ്ധൻ കയ്യിൽ ഒരു വിളക്കുമായി ",
                "ഗ്രാമത്തിലെ വഴിയിലൂടെ പതുക്കെ നടക്കുന്നു, ",
                "അവന്റെ നായ പിന്നാലെ ഓടുന്നു.",
            ],
        ),
        (  # Odia: "holding a lantern" (ଲଣ୍ଠନ ଧରି) stays whole, "and" (ଏବଂ) opens the last cue
            "ସନ୍ଧ୍ୟାରେ ଜଣେ ବୃଦ୍ଧ ହାତରେ ଲଣ୍ଠନ ଧରି ଗାଁ ରାସ୍ତାରେ ଧୀରେ ଧୀରେ ଚାଲୁଛନ୍ତି ଏବଂ ତାଙ୍କ କୁକୁର ପଛରେ ଦୌଡୁଛି।",
            [
                "ସନ୍ଧ୍ୟାରେ ଜଣେ ବୃଦ୍ଧ ହାତରେ ଲଣ୍ଠନ ଧରି ",
                "ଗାଁ ରାସ୍ତାରେ ଧୀରେ ଧୀରେ ଚାଲୁଛନ୍ତି ",
                "ଏବଂ ତାଙ୍କ କୁକୁର ପଛରେ ଦୌଡୁଛି।",
            ],
        ),
        (  # Punjabi: "walking" (ਤੁਰ ਰਿਹਾ ਹੈ) keeps its auxiliaries, "and" (ਅਤੇ) opens the last cue
            "ਸ਼ਾਮ ਨੂੰ ਇੱਕ ਬੁੱਢਾ ਆਦਮੀ ਹੱਥ ਵਿੱਚ ਲਾਲਟੈਣ ਲੈ ਕੇ ਪਿੰਡ ਦੀ ਗਲੀ ਵਿੱਚ ਹੌਲੀ ਹੌਲੀ ਤੁਰ ਰਿਹਾ ਹੈ ਅਤੇ ਉਸਦਾ ਕੁੱਤਾ ਪਿੱਛੇ ਦੌੜਦਾ ਹੈ।",
            [
                "ਸ਼ਾਮ ਨੂੰ ਇੱਕ ਬੁੱਢਾ ਆਦਮੀ ਹੱਥ ਵਿੱਚ ",
                "ਲਾਲਟੈਣ ਲੈ ਕੇ ਪਿੰਡ ਦੀ ਗਲੀ ਵਿੱਚ ਹੌਲੀ ਹੌਲੀ ਤੁਰ ਰਿਹਾ ਹੈ ",
                "ਅਤੇ ਉਸਦਾ ਕੁੱਤਾ ਪਿੱਛੇ ਦੌੜਦਾ ਹੈ।",
            ],
        ),
    ],
    ids=["en", "te", "gu", "ml", "or", "pa"],
)
def test_real_sentences_break_at_phrase_boundaries(text: str, cues: list[str]) -> None:
    assert split_cues(text, THREE) == cues


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("ঘাটে ৫টি নৌকা বাঁধা আছে আর মাঝিরা জাল শুকাচ্ছে।", "৫টি নৌকা"),  # Bengali digits with a classifier
        ("डॉ. शर्मा ने १५ बच्चों को एक पेड़ के नीचे कहानी सुनाई।", "१५ बच्चों"),  # Devanagari digits
        ("Dr. Rao walks to the market with two bags, and his wife buys 5 kg of rice.", "5 kg"),
        ("ரவி 3 குழந்தைகளுடன் ஒரு பெரிய கோவிலுக்கு முன்னால் நின்று பாட்டு பாடுகிறான்.", "3 குழந்தைகளுடன்"),
    ],
)
def test_a_number_in_any_script_stays_with_what_it_counts(text: str, kept: str) -> None:
    cues = split_cues(text, THREE)
    assert "".join(cues) == text
    assert any(kept in c for c in cues), cues


def test_titles_stay_with_names() -> None:
    for text in (
        "Dr. Rao walks to the market with two bags, and his wife buys rice.",
        "डॉ. शर्मा पेड़ के नीचे बच्चों को कहानी सुना रहे हैं।",
    ):
        cues = split_cues(text, [1.0, 1.0])
        assert last_word(cues[0]) not in ("Dr.", "डॉ."), cues


def test_english_words_inside_indic_text_follow_the_english_lists() -> None:
    # "A beautiful girl is playing football in the park and her brother watches with 3 friends."
    text = "एक beautiful लड़की park में football खेल रही है और उसका भाई 3 दोस्तों के साथ देख रहा है।"
    cues = split_cues(text, THREE)
    assert "".join(cues) == text
    assert not any(last_word(c) in ("एक", "beautiful", "और", "उसका", "3") for c in cues[:-1])
    assert first_word(cues[-1]) == "और"


def test_costs_order_punctuation_conjunction_verb_word_gap() -> None:
    costs = boundary_costs(["The", "boy", "runs,", "and", "the", "girl", "sings"])
    assert costs[0] == NEVER  # after "The"
    assert costs[2] == 0.5  # after "runs,"
    assert costs[3] == NEVER  # after "and"
    hindi = boundary_costs(["लड़की", "बारिश", "में", "नाच", "रही", "है", "और", "लड़का", "देख", "रहा", "है"])
    assert hindi[1] == 40.0  # before the postposition "में"
    assert hindi[2] == 2.0  # after it
    assert hindi[4] == 40.0  # before the auxiliary "है"
    assert hindi[5] == 1.0  # before "और"
    assert boundary_costs(["बच्चे", "खेलते", "हैं", "लड़का", "देखता", "है"])[2] == 1.5  # after the auxiliary "हैं"
    assert boundary_costs(["राम", "।"]) == [NEVER]  # a lone danda is never a cue's start


def test_an_adjective_ends_a_cue_only_before_a_conjunction() -> None:
    assert boundary_costs(["old", "man"]) == [NEVER]
    assert boundary_costs(["old", "and"])[0] < NEVER


def test_too_few_boundaries_leave_the_last_cues_empty() -> None:
    assert split_cues("एक दो", THREE) == ["एक दो", "", ""]
    assert split_cues("వర్షం", THREE) == ["వర్షం", "", ""]
    assert split_cues("", [1.0, 1.0]) == ["", ""]
    with pytest.raises(ValueError):
        split_cues("text", [])


def test_shift_cut_moves_a_cut_made_inside_a_phrase() -> None:
    # The analysis cut "... and his | dog runs behind." between two beats.
    left = "रात को एक बूढ़ा आदमी जंगल के रास्ते पर धीरे-धीरे चल रहा है और उसका "
    right = "कुत्ता पीछे दौड़ता है।"
    a, b = shift_cut(left, right)
    assert a + b == left + right
    assert (a, b) == ("रात को एक बूढ़ा आदमी जंगल के रास्ते पर धीरे-धीरे चल रहा है ", "और उसका कुत्ता पीछे दौड़ता है।")
    # a cut at a sentence end stays
    assert shift_cut("বৃষ্টি পড়ছে। ", "একটি মেয়ে নাচছে।") == ("বৃষ্টি পড়ছে। ", "একটি মেয়ে নাচছে।")
    assert shift_cut("", "x y") == ("", "x y")


# --- properties -------------------------------------------------------------------------------

LANGUAGES = sorted(PHRASE_WORDS)
_SCRIPT_OF = {code: script for script, codes in SCRIPT_LANGUAGES.items() for code in codes}
_ZERO = {code: PIECES[code].zero for code in PIECES}


def _is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LMN" and not 0xFE00 <= ord(ch) <= 0xFE0F


def binds_to_next(token: str) -> bool:
    """True when ``token`` is bare (no trailing punctuation) and a listed binding word or a number."""
    if not token or not _is_word_char(token[-1]):
        return False
    core = unicodedata.normalize("NFC", token.lstrip("\"'“‘([{«")).casefold()
    if not core:
        return False
    if unicodedata.category(core[0])[0] == "N":
        return True
    script = next((unicodedata.name(ch).split()[0] for ch in core if unicodedata.category(ch)[0] == "L"), "")
    lists = BY_SCRIPT.get(script)
    return lists is not None and core in lists.binds_next


@st.composite
def token(draw: st.DrawFn, language: str) -> str:
    """A word of ``language``: a binding word, a content word, a number or an English word, maybe
    with punctuation after it."""
    lists = PHRASE_WORDS[language]
    content = sorted({w for s in PIECES[language].sentences for w in s.split()})
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        word = draw(st.sampled_from(sorted(lists.binds_next)))
    elif kind <= 6:
        word = draw(st.sampled_from(content))
    elif kind == 7:
        number = str(draw(st.integers(0, 2024)))
        word = native_digits(number, _ZERO[language]) if draw(st.booleans()) else number
    elif kind == 8:
        word = draw(st.sampled_from(sorted(PHRASE_WORDS["en"].binds_next) + list(ENGLISH_WORDS)))
    else:
        word = draw(st.sampled_from(sorted(lists.binds_previous | lists.adjectives) or content))
    mark = draw(st.sampled_from(("", "", "", "", ",", "।", ".", "?", "”", " ।")))
    return word + mark


@st.composite
def sentence(draw: st.DrawFn) -> str:
    language = draw(st.sampled_from(LANGUAGES))
    tokens = draw(st.lists(token(language), min_size=1, max_size=40))
    gaps = draw(st.lists(st.sampled_from((" ", " ", " ", "  ", "\n")), min_size=len(tokens), max_size=len(tokens)))
    return "".join(t + g for t, g in zip(tokens, gaps, strict=True))[: -1 if draw(st.booleans()) else None]


weights = st.lists(st.floats(0.0, 10.0, allow_nan=False), min_size=1, max_size=6)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentence(), weights)
def test_no_cue_ends_on_a_binding_word_and_cues_give_back_the_text(text: str, ws: list[float]) -> None:
    cues = split_cues(text, ws)
    assert "".join(cues) == text
    assert len(cues) == len(ws)
    filled = [c for c in cues if c.strip()]
    assert cues[: len(filled)] == filled or not text.strip()  # empty cues come last
    for cue in filled[:-1]:  # every cue the whole text does not end with
        assert not binds_to_next(last_word(cue)), (cue, cues)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentence(), st.integers(1, 400))
def test_shift_cut_keeps_the_text_and_never_ends_on_a_binding_word(text: str, at: int) -> None:
    spaces = [i + 1 for i, ch in enumerate(text) if ch.isspace()]
    cut = min(spaces, key=lambda i: abs(i - at)) if spaces else len(text)
    left, right = text[:cut], text[cut:]
    a, b = shift_cut(left, right)
    assert a + b == left + right
    if left.strip() and right.strip() and b.strip():
        assert not binds_to_next(last_word(a)), (a, b)
