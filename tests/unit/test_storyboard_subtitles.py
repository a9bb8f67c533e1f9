"""Subtitles: raqm shaping of Indic scripts, font choice per word, wrapping, the band."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import ImageFont, features

from services.render.storyboard import SUBTITLE_BAND, WIDTH, RenderError
from services.render.storyboard import subtitles as subs

SAMPLES = {
    "te": "నాట్యం చేస్తోంది",
    "hi": "लड़की बारिश में नाच रही है",
    "mr": "मुलगी पावसात नाचते",
    "ta": "பெண் மழையில் நடனமாடுகிறாள்",
    "bn": "মেয়েটি বৃষ্টিতে নাচছে",
    "gu": "છોકરી વરસાદમાં નાચે છે",
    "pa": "ਕੁੜੀ ਮੀਂਹ ਵਿੱਚ ਨੱਚ ਰਹੀ ਹੈ",
    "kn": "ಹುಡುಗಿ ಮಳೆಯಲ್ಲಿ ನೃತ್ಯ ಮಾಡುತ್ತಾಳೆ",
    "ml": "പെൺകുട്ടി മഴയിൽ നൃത്തം ചെയ്യുന്നു",
    "or": "ଝିଅଟି ବର୍ଷାରେ ନାଚୁଛି",
    "en": "A girl dances in the rain",
}


def test_raqm_shapes_telugu_conjuncts_differently_from_basic_layout() -> None:
    assert features.check("raqm")
    text = "నాట్యం చేస్తోంది"
    raqm = subs.load_font("TELUGU", 48, ImageFont.Layout.RAQM)
    basic = subs.load_font("TELUGU", 48, ImageFont.Layout.BASIC)
    raqm_box, basic_box = raqm.getbbox(text), basic.getbbox(text)
    assert raqm_box != basic_box
    # shaping stacks the subjoined consonants (ట్య, స్తో) instead of writing virama + letter in a row
    assert raqm_box[2] - raqm_box[0] < basic_box[2] - basic_box[0]
    raqm_mask, basic_mask = raqm.getmask(text), basic.getmask(text)
    assert raqm_mask.size != basic_mask.size


def test_script_detection_and_font_per_word() -> None:
    assert subs.script_of("నాట్యం") == "TELUGU"
    assert subs.script_of("नाच") == "DEVANAGARI"
    assert subs.script_of("Ravi,") == "LATIN"
    assert subs.script_of("123 !") is None
    lay = subs.layout("రవి Ravi నాట్యం", "te")
    assert lay.lines == (((("రవి", "TELUGU"),), (("Ravi", "LATIN"),), (("నాట్యం", "TELUGU"),)),)


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_every_language_renders_ink_inside_the_band(language: str) -> None:
    overlay = subs.subtitle_overlay(SAMPLES[language], language)
    assert overlay is not None
    assert overlay.size == (WIDTH, SUBTITLE_BAND[1] - SUBTITLE_BAND[0])
    pixels = np.asarray(overlay)
    white = (pixels[..., :3].min(axis=-1) > 230) & (pixels[..., 3] == 255)
    assert white.sum() > 500  # glyph fill
    cols = np.flatnonzero(white.any(axis=0))
    assert abs((cols[0] + cols[-1]) / 2 - WIDTH / 2) < 40  # centred


def test_long_text_wraps_to_two_lines_within_ninety_percent() -> None:
    text = " ".join([SAMPLES["te"]] * 6)
    lay = subs.layout(text, "te")
    assert len(lay.lines) == 2
    for line in lay.lines:
        width = sum(subs.runs_width(runs, lay.size) for runs in line) + lay.size * subs.WORD_GAP * (len(line) - 1)
        assert width <= subs.MAX_LINE_WIDTH
    huge = " ".join([SAMPLES["te"]] * 40)
    lay = subs.layout(huge, "te")
    assert len(lay.lines) == 2 and lay.lines[-1][-1] == (("…", "LATIN"),)
    assert lay.size == subs.MIN_FONT_SIZE


def test_blank_subtitle_has_no_overlay() -> None:
    assert subs.subtitle_overlay("   ", "te") is None


def test_missing_raqm_is_font_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "check", lambda name: False)
    with pytest.raises(RenderError) as info:
        subs.require_raqm()
    assert info.value.reason == "FONT_MISSING"


def covered(runs: tuple[tuple[str, str], ...]) -> list[str]:
    """The characters of ``runs`` whose font's own cmap lacks them (invisible format characters aside)."""
    return [ch for text, key in runs for ch in text if not subs.is_invisible(ch) and ord(ch) not in subs.coverage(key)]


@pytest.mark.parametrize(
    ("word", "language", "runs"),
    [
        ("છે.", "gu", (("છે", "GUJARATI"), (".", "LATIN"))),  # the Gujarati font has no full stop
        ("२०२४", "hi", (("२०२४", "DEVANAGARI"),)),
        ("2024।", "hi", (("2024।", "DEVANAGARI"),)),
        ("(ரவி)", "ta", (("(ரவி)", "TAMIL"),)),  # the Tamil font has brackets
        ("(ਰਵੀ)", "pa", (("(ਰਵੀ)", "GURMUKHI"),)),
        ("నాట్యం😀", "te", (("నాట్యం", "TELUGU"), ("😀", "EMOJI"))),
        ("👍🏽", "en", (("👍🏽", "EMOJI"),)),
        ("❤️", "bn", (("❤️", "EMOJI"),)),
        ("☊", "ml", (("☊", "SYMBOLS"),)),
        ("漢", "hi", (("?", "LATIN"),)),  # no bundled font has Han: a visible replacement, never a box
    ],
)
def test_font_runs_use_a_font_that_has_each_character(
    word: str, language: str, runs: tuple[tuple[str, str], ...]
) -> None:
    default = subs.LANGUAGE_SCRIPTS[language]
    got = subs.font_runs(word, default)
    assert got == runs
    assert covered(got) == []


def test_gujarati_full_stop_is_not_in_the_gujarati_font() -> None:
    assert ord(".") not in subs.coverage("GUJARATI")
    assert ord(".") in subs.coverage("LATIN")


def test_mixed_line_draws_every_run() -> None:
    text = "છોકરી park માં 3.5 km ચાલે છે. 😀 (Dr. Rao)"
    lay = subs.layout(text, "gu")
    assert all(covered(runs) == [] for line in lay.lines for runs in line)
    assert subs.subtitle_overlay(text, "gu") is not None


def line_words(lay: subs.SubtitleLayout) -> list[list[str]]:
    """The words of each line of ``lay``."""
    return [["".join(text for text, _ in runs) for runs in line] for line in lay.lines]


def line_widths(lay: subs.SubtitleLayout) -> list[float]:
    """The width in pixels of each line of ``lay``, gaps included."""
    gap = lay.size * subs.WORD_GAP
    return [sum(subs.runs_width(runs, lay.size) for runs in line) + gap * (len(line) - 1) for line in lay.lines]


@pytest.mark.parametrize(
    ("language", "text", "top_ends"),
    [
        # greedy filling left "रहा है।" alone on the second line
        ("hi", "रात को एक बूढ़ा आदमी हाथ में लालटेन लेकर जंगल के रास्ते पर धीरे-धीरे चल रहा है।", "लेकर"),
        # ... and "ਰਿਹਾ ਹੈ।" here
        ("pa", "ਸ਼ਾਮ ਨੂੰ ਇੱਕ ਬੁੱਢਾ ਆਦਮੀ ਹੱਥ ਵਿੱਚ ਲਾਲਟੈਣ ਲੈ ਕੇ ਪਿੰਡ ਦੀ ਗਲੀ ਵਿੱਚ ਹੌਲੀ ਹੌਲੀ ਤੁਰ ਰਿਹਾ ਹੈ।", "ਕੇ"),
        # ... and "and a dog runs" (કૂતરો દોડે છે.) here, with "and" (અને) ending the first line
        ("gu", "સાંજે એક વૃદ્ધ માણસ હાથમાં ફાનસ લઈને ગામના રસ્તા પર ધીમે ધીમે ચાલે છે અને કૂતરો દોડે છે.", "પર"),
        # a comma is worth some imbalance
        ("bn", "সন্ধ্যায় ঘাটে প্রদীপ জ্বলছে আর একটি নৌকা নদীতে ভাসছে, মাঝি গান গাইছে আর ছেলেরা তীরে দাঁড়িয়ে দেখছে।", "ভাসছে,"),
        (
            "en",
            "At dusk an old fisherman pulls his small boat onto the sand, and two children run to help him.",
            "sand,",
        ),
    ],
)
def test_two_lines_break_at_a_phrase_boundary_without_an_orphan(language: str, text: str, top_ends: str) -> None:
    lay = subs.layout(text, language)
    words = line_words(lay)
    assert len(words) == 2 and " ".join(words[0] + words[1]) == text
    assert words[0][-1] == top_ends
    widths = line_widths(lay)
    assert max(widths) <= subs.MAX_LINE_WIDTH
    assert min(widths) >= 0.5 * max(widths)  # no orphan
    assert len(words[1]) >= 3


def test_a_line_never_ends_on_an_article_or_numeral_when_another_break_fits() -> None:
    text = "A farmer and his two oxen walk slowly along the narrow muddy path to the big green field near the river"
    lay = subs.layout(text, "en")
    top = line_words(lay)[0][-1]
    assert top not in ("A", "and", "his", "two", "the", "along", "to", "near", "big", "narrow")


def test_text_that_fits_stays_on_one_line() -> None:
    assert line_words(subs.layout("ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.", "te")) == [
        ["ఒక", "అమ్మాయి", "గుడి", "ముందు", "నాట్యం", "చేస్తోంది."]
    ]


def test_blank_text_has_no_lines_and_one_overlong_word_keeps_its_line() -> None:
    assert subs.layout("", "hi").lines == ()
    url = "https://example.com/" + "a" * 120
    lay = subs.layout(url, "en")
    assert line_words(lay) == [[url]] and lay.size == subs.MIN_FONT_SIZE
