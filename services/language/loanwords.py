"""English loanwords written in an Indian script, recognised by their sound.

Indian languages write many English words in their own scripts: ``ट्रैक्टर``, ``ట్రాక్టర్``,
``டிராக்டர்`` (tractor), ``पुलिस`` (police), ``স্কুল`` (school), ``माइक्रोफ़ोन`` (microphone). No
lexicon lists them all, but their consonants survive the trip. A word is transliterated to IAST
(:func:`services.language.names.to_iast_all`, Aksharamukha, diacritics kept), its case ending
is stripped with the glossary's suffix list for the language, and both it and every one-word
English term of the visual vocabulary are reduced to a consonant skeleton:

* vowels, ``h`` and ``y`` are dropped (``y`` is mostly the glide of ``u`` in "computer");
* aspiration is dropped, the sibilants merge (s = sh), the nasals merge (m = n, an anusvara is
  either), f = ph, v = w, z = j;
* English t and d are written with the retroflex letters in Indian scripts (ट, ड), th with the
  dental ones (थ): retroflex and dental stay apart, which keeps most native words (full of dental
  t and d) away from English ones; the flap ड़ and the vowel ऋ are letters no loanword has;
* Tamil writes voiced and voiceless stops with one letter, so voicing merges for Tamil only;
  Malayalam writes English t as റ്റ (IAST ṟṟ);
* English spelling is read as it sounds first: ``ph`` is f, ``ck`` is k, ``sch`` is sk,
  ``tion``/``sion`` are "shn", ``c`` and ``g`` before e/i/y are s and j, ``x`` is ks, and
  ``kn``/``wr`` at the start drop their first letter;
* a letter repeated in a row counts once.

A word names a concept when its skeleton equals the skeleton of exactly one English term and has
at least :data:`MIN_CONSONANTS` consonants (shorter skeletons collide with native words: Hindi
``बस`` is "bus" and also "just"). The test of precision is the glossary itself: its native
words that are not a loanword of their own concept are words of those languages, and few of them
may sound like another concept (``tests/unit/test_language_loanwords.py`` states the bound: 69 of
7,210, 1.0%, with the glossary of 476 concepts, 143 of 12,255 (1.2%) with 860, 210 of 16,794
(1.25%) with 1,230 and 272 of 20,253 (1.34%) with 1,580: more concepts, more skeletons to
collide with; many are near misses such as फुटपाथ "footpath" for a street market). The understanding
(:mod:`services.language.understand`) also asks the encoder to agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from services.language.names import to_iast_all
from services.scene.concepts import Vocabulary

#: Changes whenever the rules below change (part of the understanding's cache fingerprint).
RULES_VERSION = "1"

#: Fewest consonants in a skeleton that is matched (two-consonant words collide with native words).
MIN_CONSONANTS = 4

# English spelling read as it sounds, then letters to the classes below. English t and d are
# written with the retroflex letters in Indian scripts (T, D), th with the dental ones (t, d).
_ENGLISH_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"^kn", "n"),
        (r"^wr", "r"),
        (r"^ps", "s"),
        (r"mb$", "m"),
        (r"[td]ion", "shn"),
        (r"sion", "shn"),
        (r"sch", "sk"),
        (r"ph", "f"),
        (r"ck", "k"),
        (r"gh", ""),
        (r"x", "ks"),
        (r"qu", "kv"),
        (r"c(?=[eiy])", "s"),
        (r"dg(?=e)", "j"),
        (r"g(?=[eiy])", "j"),
        (r"th", "\u03b8"),
        (r"sh", "s"),
        (r"ch", "C"),
        (r"t", "T"),
        (r"d", "D"),
        (r"c", "k"),
        (r"C", "c"),
        (r"z", "j"),
        (r"w", "v"),
        (r"m", "n"),
        ("\u03b8", "t"),
    )
)

# IAST (with diacritics) to the same classes: aspiration dropped, sibilants and nasals merged,
# the retroflex stops kept apart from the dental ones, the flap r and vocalic r apart from r.
_IAST_RULES: tuple[tuple[str, str], ...] = (
    ("r\u0324", "R"),  # ड़ (r with diaeresis below)
    ("\u1e5bh", "R"),
    ("\u1e5b", "R"),  # vocalic r
    ("\u1e5d", "R"),
    ("\u1e6dh", "T"),
    ("\u1e0dh", "D"),
    ("\u1e6d", "T"),
    ("\u1e0d", "D"),
    ("kh", "k"),
    ("gh", "g"),
    ("ch", "c"),
    ("jh", "j"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("bh", "b"),
    ("\u015b", "s"),
    ("\u1e63", "s"),
    ("\u1e45", "n"),
    ("\u00f1", "n"),
    ("\u1e47", "n"),
    ("\u1e41", "n"),
    ("\u1e43", "n"),
    ("\u1e49", "n"),
    ("m", "n"),
    ("\u1e5f\u1e5f", "T"),  # Malayalam റ്റ: the alveolar stop English t is written with
    ("\u1e5f", "r"),  # Tamil and Malayalam alveolar r
    ("\u1e37", "L"),
    ("\u1e3b", "L"),
    ("\u1e8f", "y"),  # Bengali antastha y
    ("z", "j"),
    ("w", "v"),
)
_IAST_TABLE = list(_IAST_RULES)

#: Tamil writes voiced and voiceless stops with one letter: they merge there.
_UNVOICED = str.maketrans({"g": "k", "j": "c", "D": "T", "d": "t", "b": "p"})
_KEEP = re.compile(r"[^kgcjTDtdpbfsnlrLRv]")


def _skeleton(letters: str) -> str:
    """Classes left after dropping vowels, h, y and anything else; repeats collapsed."""
    return re.sub(r"(.)\1+", r"\1", _KEEP.sub("", letters))


def english_skeleton(term: str) -> str:
    """The consonant skeleton of an English ``term`` (one word): ``"tractor"`` → ``"TrkTr"``."""
    s = term.lower()
    for pattern, repl in _ENGLISH_RULES:
        s = pattern.sub(repl, s)
    return _skeleton(s)


def indic_skeleton(iast: str, language: str = "") -> str:
    """The skeleton of a word in IAST: ``"ṭraikṭar"`` → ``"TrkTr"`` (voicing merged for Tamil)."""
    s = unicodedata.normalize("NFC", iast.lower())
    for a, b in _IAST_TABLE:
        s = s.replace(a, b)
    s = "".join(ch for ch in unicodedata.normalize("NFD", s) if not unicodedata.combining(ch))
    key = _skeleton(s)
    return key.translate(_UNVOICED) if language == "ta" else key


class LoanwordIndex:
    """English terms of a vocabulary by skeleton, for single words.

    Args:
        vocabulary: the concepts; every one-word term (label or synonym) is indexed. A skeleton
            shared by terms of several concepts keeps them all (:meth:`sounds_like`), and names
            none by itself (:meth:`concept_of`).
        suffixes: per language, the endings a word may carry (the glossary's suffix lists and their
            pairs), stripped before the skeleton is taken.
    """

    def __init__(self, vocabulary: Vocabulary, suffixes: dict[str, frozenset[str]]) -> None:
        owners: dict[str, set[str]] = {}
        for c in vocabulary.concepts:
            for term in c.terms:
                if " " in term or "-" in term:
                    continue
                key = english_skeleton(term)
                if len(key) >= MIN_CONSONANTS:
                    owners.setdefault(key, set()).add(c.id)
                    owners.setdefault(key.translate(_UNVOICED) + "\0ta", set()).add(c.id)
        self._by_key = {k: tuple(sorted(v)) for k, v in owners.items()}
        self._suffixes = {lang: sorted(s, key=len, reverse=True) for lang, s in suffixes.items()}

    def _stems(self, word: str, language: str) -> list[str]:
        """``word`` less each suffix of ``language`` it ends with (longest suffix first), or the
        word itself when it ends with none (a word that ends like a case form is read as one:
        Telugu ``కొండలు`` is ``కొండ`` + ``లు``, never "candle")."""
        out = [word[: -len(s)] for s in self._suffixes.get(language, ()) if len(word) > len(s) + 1 and word.endswith(s)]
        return out or [word]

    def concept_of(self, words: Sequence[str], language: str) -> list[str | None]:
        """For each native-script word of ``language``, the one concept id it sounds like, or None
        (no concept, or several: Tamil ``டிராக்டர்`` is tractor or director, its letters do not
        tell t from d)."""
        return [c[0] if len(c) == 1 else None for c in self.sounds_like(words, language)]

    def sounds_like(self, words: Sequence[str], language: str) -> list[tuple[str, ...]]:
        """For each native-script word of ``language``, the concept ids whose English terms share
        its skeleton (sorted; empty for none).

        The stems are tried in turn (see :meth:`_stems`); the first skeleton that names a concept
        wins. Latin-script words get none (the glossary and the encoder read English directly).
        """
        candidates: list[tuple[int, str]] = []
        for k, w in enumerate(words):
            if not w or w.isascii():
                continue
            candidates += [(k, stem) for stem in self._stems(w, language)]
        latin = to_iast_all([stem for _, stem in candidates]) if candidates else []
        out: list[tuple[str, ...]] = [()] * len(words)
        for (k, _), spelled in zip(candidates, latin, strict=True):
            if out[k]:
                continue
            key = indic_skeleton(spelled, language)
            if language == "ta":
                key += "\0ta"
            if len(key.split("\0")[0]) >= MIN_CONSONANTS and key in self._by_key:
                out[k] = self._by_key[key]
        return out

    def keys(self) -> Iterable[str]:
        """The indexed skeletons (for tests and diagnostics)."""
        return self._by_key.keys()


def shared_english_words(forms: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> frozenset[str]:
    """English words that the languages also write as loanwords: ``(language, english_forms,
    native_forms)`` rows in; the lowercase words of the English forms out whose skeleton equals that
    of a word of a native form of the same row (cricket and ``क्रिकेट``, cinema and ``సినిమా``). Such words
    say nothing about whether Latin text is English or romanized Telugu ("ground lo cricket").
    """
    rows = list(forms)
    natives = [w for _, _, native in rows for w in native]
    iast = dict(zip(natives, to_iast_all(natives), strict=True)) if natives else {}
    out: set[str] = set()
    for language, english, native in rows:
        keys = {indic_skeleton(iast[w], language) for w in native}
        for word in {w for form in english for w in form.split()}:
            key = english_skeleton(word)
            if language == "ta":
                key = key.translate(_UNVOICED)
            if len(key) >= 2 and key in keys:
                out.add(word.lower())
    return frozenset(out)


__all__ = [
    "MIN_CONSONANTS",
    "RULES_VERSION",
    "LoanwordIndex",
    "english_skeleton",
    "indic_skeleton",
    "shared_english_words",
]
