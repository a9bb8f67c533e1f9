"""Narration length of a beat, estimated from the user's own words.

Speech-rate figures (approximations, not measurements of our narrator):

* Latin-script text (English, romanized Indic): about 150 words per minute, i.e. 2.5 words/s, the
  rate commonly quoted for conversational English and recommended for narration and audiobooks
  (National Center for Voice and Speech, "Voice Qualities": average conversational rate ~150 wpm).
* Indic scripts: speech is counted in aksharas (orthographic syllables: a consonant cluster with
  its vowel, or an independent vowel). Cross-language studies measure about 5 to 8 syllables per
  second in read speech (Pellegrino, Coupé & Marsico, "A cross-language perspective on speech
  information rate", Language 87(3), 2011: 5.2-7.8 syllables/s over seven languages); narration
  is slower than reading aloud, so 5.5 aksharas/s is used for every Indic language.

An akshara count is an approximation of the syllable count (schwa deletion in Hindi, for one,
makes some aksharas silent), so these are estimates for planning; the renderer measures the real
narration audio.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

#: Latin-script narration rate in words per second (150 wpm).
WORDS_PER_S = 2.5
#: Indic-script narration rate in aksharas per second.
AKSHARAS_PER_S = 5.5
#: Pause added after each beat, in milliseconds (a breath between clauses).
BEAT_PAUSE_MS = 250
#: Shortest beat, in milliseconds: a shot must stay on screen long enough to read its subtitle.
MIN_BEAT_MS = 2000
#: Shortest scene, in milliseconds.
MIN_SCENE_MS = 6000

# Brahmic script blocks: Devanagari U+0900 to Malayalam U+0D7F (Bengali, Gurmukhi, Gujarati,
# Oriya, Tamil, Telugu, Kannada between them).
_INDIC_LO, _INDIC_HI = 0x0900, 0x0D7F


def _is_indic(ch: str) -> bool:
    return _INDIC_LO <= ord(ch) <= _INDIC_HI


def _is_virama(ch: str) -> bool:
    return unicodedata.name(ch, "").endswith(("SIGN VIRAMA", "SIGN HALANT"))


def count_aksharas(text: str) -> int:
    """Number of aksharas in the Indic-script letters of ``text``.

    Each base letter (independent vowel or consonant, Unicode category ``Lo``) starts an akshara
    unless a virama follows it (then it joins the next consonant as a conjunct). Vowel signs,
    anusvara, visarga, nukta and Malayalam chillu letters (vowelless final consonants) add none.
    """
    count = 0
    for i, ch in enumerate(text):
        if not _is_indic(ch) or unicodedata.category(ch) != "Lo":
            continue
        if "CHILLU" in unicodedata.name(ch, ""):
            continue
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if nxt and _is_virama(nxt):
            continue
        count += 1
    return count


def count_latin_words(text: str) -> int:
    """Whitespace-separated words of ``text`` that hold a letter or digit outside the Indic blocks."""
    n = 0
    for w in text.split():
        if any(ch.isalnum() and not _is_indic(ch) for ch in w):
            n += 1
    return n


def speech_ms(text: str) -> int:
    """Estimated narration time of ``text`` in milliseconds, without pause or minimum.

    ``aksharas / 5.5 + latin_words / 2.5`` seconds; a word mixing scripts counts in both.
    """
    seconds = count_aksharas(text) / AKSHARAS_PER_S + count_latin_words(text) / WORDS_PER_S
    return round(seconds * 1000)


def beat_duration_ms(source_text: str) -> int:
    """Duration of one beat in ms: speech time + :data:`BEAT_PAUSE_MS`, at least :data:`MIN_BEAT_MS`."""
    return max(MIN_BEAT_MS, speech_ms(source_text) + BEAT_PAUSE_MS)


def scale_to_minimum(durations: Sequence[int], minimum: int = MIN_SCENE_MS) -> list[int]:
    """Scale ``durations`` (ms) up proportionally so they sum to at least ``minimum``.

    Durations are unchanged when they already sum to ``minimum`` or more. Rounding error goes to
    the last item so the sum is exactly ``minimum`` after scaling.
    """
    total = sum(durations)
    if not durations or total >= minimum:
        return list(durations)
    if total <= 0:
        base = minimum // len(durations)
        out = [base] * len(durations)
    else:
        out = [int(d * minimum / total) for d in durations]
    out[-1] += minimum - sum(out)
    return out


def beat_durations_ms(source_texts: Sequence[str]) -> list[int]:
    """Durations in ms of beats with these source texts, each >= 2000 and summing to >= 6000."""
    return scale_to_minimum([beat_duration_ms(t) for t in source_texts])
