"""Text primitives shared by language ID, the glossary and translation: scripts, normalization,
tokens and sentences.

Script ranges are the Unicode blocks of the Unicode Standard, chapter 12 (South and Central Asia-I):
Devanagari U+0900–097F, Bengali U+0980–09FF, Gurmukhi U+0A00–0A7F, Gujarati U+0A80–0AFF,
Oriya U+0B00–0B7F, Tamil U+0B80–0BFF, Telugu U+0C00–0C7F, Kannada U+0C80–0CFF,
Malayalam U+0D00–0D7F (plus Devanagari Extended U+A8E0–A8FF).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

from services.language.languages import Script
from services.scene.text import sentence_spans

_BLOCKS: tuple[tuple[int, int, Script], ...] = (
    (0x0900, 0x097F, Script.DEVANAGARI),
    (0xA8E0, 0xA8FF, Script.DEVANAGARI),
    (0x0980, 0x09FF, Script.BENGALI),
    (0x0A00, 0x0A7F, Script.GURMUKHI),
    (0x0A80, 0x0AFF, Script.GUJARATI),
    (0x0B00, 0x0B7F, Script.ORIYA),
    (0x0B80, 0x0BFF, Script.TAMIL),
    (0x0C00, 0x0C7F, Script.TELUGU),
    (0x0C80, 0x0CFF, Script.KANNADA),
    (0x0D00, 0x0D7F, Script.MALAYALAM),
    (0x0041, 0x005A, Script.LATIN),
    (0x0061, 0x007A, Script.LATIN),
    (0x00C0, 0x024F, Script.LATIN),
    (0x1E00, 0x1EFF, Script.LATIN),
)

_ZW = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: rendering hints, not letters

# Malayalam "old" chillu spellings (consonant + virama + ZWJ) → atomic chillu letters (Unicode 5.1).
_ML_CHILLU = {
    "ണ്\u200d": "ൺ",
    "ന്\u200d": "ൻ",
    "ര്\u200d": "ർ",
    "ല്\u200d": "ൽ",
    "ള്\u200d": "ൾ",
    "ക്\u200d": "ൿ",
}

# Nukta signs of the Indic scripts; removed for matching so "ख़ुश" and "खुश" meet.
_NUKTAS = {"\u093c", "\u09bc", "\u0a3c", "\u0abc", "\u0b3c"}


def script_of(ch: str) -> Script | None:
    """The script of a letter or mark ``ch``, ``Script.OTHER`` for letters of other scripts, else None."""
    cp = ord(ch)
    for lo, hi, script in _BLOCKS:
        if lo <= cp <= hi:
            return script if unicodedata.category(ch)[0] in "LM" else None
    if unicodedata.category(ch)[0] == "L":
        return Script.OTHER
    return None


def other_script_name(ch: str) -> str:
    """The Unicode script word of a letter outside the served scripts, e.g. ``"ARABIC"``."""
    name = unicodedata.name(ch, "UNKNOWN")
    return name.split(" ", 1)[0]


def script_counts(text: str) -> Counter[Script]:
    """Letters (and combining marks) per script in ``text``; digits, spaces and punctuation are ignored."""
    counts: Counter[Script] = Counter()
    for ch in text:
        s = script_of(ch)
        if s is not None:
            counts[s] += 1
    return counts


def normalize(token: str) -> str:
    """The matching key of a token: NFC, Latin lowercased, Malayalam old chillus made atomic,
    zero-width joiners and nuktas removed, Devanagari candrabindu folded into anusvara."""
    s = unicodedata.normalize("NFC", token)
    if "\u200d" in s:
        for old, new in _ML_CHILLU.items():
            s = s.replace(old, new)
    s = "".join(ch for ch in s if ch not in _ZW and ch not in _NUKTAS)
    s = s.replace("\u0901", "\u0902").replace("’", "'")
    return s.lower()


def _is_word_char(ch: str) -> bool:
    return ch in _ZW or unicodedata.category(ch)[0] in "LMN"


@dataclass(frozen=True)
class Token:
    """One word of a text: ``text`` as written, ``key`` from :func:`normalize`, ``start``/``end``
    character offsets into the text it came from."""

    text: str
    key: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Words of ``text``: maximal runs of letters, combining marks, digits and zero-width joiners.

    Combining marks (Indic vowel signs, viramas) stay inside their word, unlike ``\\w`` in ``re``.
    """
    tokens: list[Token] = []
    start: int | None = None
    for i, ch in enumerate(text):
        if _is_word_char(ch):
            if start is None:
                start = i
        elif start is not None:
            tokens.append(Token(text[start:i], normalize(text[start:i]), start, i))
            start = None
    if start is not None:
        tokens.append(Token(text[start:], normalize(text[start:]), start, len(text)))
    return [t for t in tokens if t.key]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``, in order, each with its terminal punctuation and without surrounding space.

    Boundaries are those of :func:`services.scene.text.sentence_spans`: ``.``, ``!``, ``?`` before a
    space or the end, the danda ``।`` and double danda ``॥`` anywhere, and every newline; a full stop
    after an abbreviation ("Dr.", "डॉ.") or inside a number or URL ("3.5") does not end one.
    Pieces without any letter or digit (stray punctuation, emoji alone) join the sentence before.
    """
    out: list[str] = []
    for start, end in sentence_spans(text):
        s = text[start:end].strip()
        if any(_is_word_char(ch) and ch not in _ZW for ch in s):
            out.append(s)
    return out
