"""Language identification: Unicode script first, then statistics and lexicons where a script is shared.

1. Letters are counted per Unicode script block (:func:`services.language.text.script_counts`);
   the script with most letters is the text's script.
2. Telugu, Tamil, Kannada, Malayalam, Gujarati, Gurmukhi, Oriya and Bengali scripts each belong to
   one served language, which is the answer (confidence 0.99 times the script's share of letters).
3. Devanagari (Hindi, Marathi, Nepali): langid.py (Lui & Baldwin 2012, "langid.py: An
   Off-the-shelf Language Identification Tool", ACL) restricted to ``hi``, ``mr``, ``ne``,
   combined log-linearly with counts of strong marker words (Marathi ``आहे``, Hindi ``है``, Nepali
   ``छ``...). Nepali is reported only when it clearly wins, and is then rejected as unsupported.
4. Latin: English or romanized Indic. langid.py is weak on romanized text (it calls Hinglish
   Indonesian), so each word votes for the languages whose lexicon holds it: English function words
   and glossary forms, and per Indic language the glossary's romanizations plus common romanized
   function words (``hai``, ``mein`` / ``undi``, ``oka`` / ``irukku``, ``oru``...). When romanized Indic
   wins the result says ``romanized=True``. A Latin text that neither lexicon covers and that
   langid.py confidently assigns to another language (French, say) is unsupported.

Candidates are ranked with confidences in [0, 1] that sum to about 1 (less only when part of the
probability sits on languages Drishya does not serve); letters in scripts other than the dominant
one add their own language's share.
"""

from __future__ import annotations

import copy
import functools
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from services.language.errors import no_language_detected, unsupported_language
from services.language.glossary import Glossary, default_glossary
from services.language.languages import SUPPORTED_LANGUAGES, UNAMBIGUOUS_SCRIPTS, Script
from services.language.text import normalize, other_script_name, script_counts, script_of, tokenize

#: Confidence given to a language identified by an unambiguous script, and the most any detection claims.
SCRIPT_CONFIDENCE = 0.99

#: Nepali is reported only when its probability reaches this.
NEPALI_THRESHOLD = 0.6


# Strong marker words (normalized: nukta removed, candrabindu as anusvara). Sources: standard
# grammars; each list holds frequent words that the other two languages do not use.
def _words(text: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in text.split())


_DEVANAGARI_MARKERS: dict[str, frozenset[str]] = {
    "hi": _words("है हैं था थी थे और नहीं में रही रहा रहे यह वह लड़की लड़का बारिश हुए हुई हुआ उसके उसकी जब किया गया गई क्या सामने बच्चे"),
    "mr": _words(
        "आहे आहेत होता होती होते आणि नाही मध्ये झाला झाली करत पाऊस पावसात मुलगी मुलगा संध्याकाळी सकाळी "
        "त्याच्या तिच्या त्यांच्या असताना खूप समोर"
    ),
    "ne": _words("छ छन् छैन थियो भएको हुन्छ गर्दै केटी केटा यो त्यो पनि धेरै गरेको रहेको हुँदा नाचिरहेकी नाचिरहेको"),
}
_MARKER_WEIGHT = 2.0

# English suffixes stripped when looking a word up in the English lexicon.
_EN_SUFFIXES = ("'s", "s", "es", "ing", "ed", "d")

_INDIC = tuple(code for code in SUPPORTED_LANGUAGES if code != "en")


@dataclass(frozen=True)
class Detection:
    """A language identification.

    Attributes:
        language: ISO 639-1 code of the most likely language (always a supported one).
        script: the dominant script of the text.
        romanized: True when an Indic language is written in Latin letters.
        confidence: confidence of ``language`` in [0, 1].
        candidates: (code, confidence) pairs, best first; the first is ``language``.
    """

    language: str
    script: Script
    romanized: bool
    confidence: float
    candidates: tuple[tuple[str, float], ...]


class _LangId:
    """langid.py's bundled model, loaded once (about 1.5 s), with language-restricted views."""

    def __init__(self) -> None:
        from langid.langid import LanguageIdentifier, model

        self._full: Any = LanguageIdentifier.from_modelstring(model, norm_probs=True)
        self._views: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    def _view(self, languages: Sequence[str] | None) -> Any:
        if languages is None:
            return self._full
        key = tuple(sorted(languages))
        with self._lock:
            view = self._views.get(key)
            if view is None:
                view = copy.copy(self._full)  # set_languages rebinds arrays; the full model stays intact
                view.set_languages(list(key))
                self._views[key] = view
            return view

    def rank(self, text: str, languages: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """Languages with normalized probabilities, best first (restricted to ``languages`` if given)."""
        ranked = cast(list[tuple[str, float]], self._view(languages).rank(text))
        return [(str(code), float(p)) for code, p in ranked]


@functools.lru_cache(maxsize=1)
def _langid() -> _LangId:
    return _LangId()


def warm_up() -> None:
    """Load langid.py's model and the glossary now rather than on the first request."""
    _langid().rank("warm up", ["hi", "mr", "ne"])
    default_glossary()


def _softmax(scores: Mapping[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def _devanagari(text: str) -> dict[str, float]:
    """Distribution over hi, mr (and ne when clearly Nepali) for a Devanagari text."""
    probs = dict(_langid().rank(text, ["hi", "mr", "ne"]))
    keys = [t.key for t in tokenize(text)]
    scores = {
        lang: math.log(probs.get(lang, 0.0) + 1e-9) + _MARKER_WEIGHT * sum(k in markers for k in keys)
        for lang, markers in _DEVANAGARI_MARKERS.items()
    }
    dist = _softmax(scores)
    if dist["ne"] >= NEPALI_THRESHOLD:
        return dist
    del dist["ne"]
    total = sum(dist.values())
    return {k: v / total for k, v in dist.items()}


@functools.lru_cache(maxsize=1)
def _lexicons(glossary: Glossary) -> tuple[frozenset[str], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    return (
        glossary.english_lexicon(),
        {lang: glossary.romanized_lexicon(lang) for lang in _INDIC},
        {lang: glossary.romanized_suffixes(lang) for lang in _INDIC},
    )


def _in_lexicon(word: str, lexicon: frozenset[str], suffixes: Sequence[str] | frozenset[str], min_stem: int) -> bool:
    if word in lexicon:
        return True
    return any(word[k:] in suffixes and word[:k] in lexicon for k in range(len(word) - 1, min_stem - 1, -1))


def latin_votes(text: str, glossary: Glossary) -> tuple[dict[str, float], int]:
    """Lexicon votes per language for the Latin words of ``text``, and the number of Latin words.

    Each word gives one vote, split evenly among the languages (English included) whose lexicon
    holds it, directly or as a stem plus one of the language's suffixes.
    """
    english, romanized, suffixes = _lexicons(glossary)
    votes: dict[str, float] = {}
    words = [t.key for t in tokenize(text) if script_of(t.text[0]) is Script.LATIN]
    for w in words:
        hits = [lang for lang in _INDIC if _in_lexicon(w, romanized[lang], suffixes[lang], glossary.min_romanized_stem)]
        if _in_lexicon(w, english, _EN_SUFFIXES, 3):
            hits.append("en")
        for lang in hits:
            votes[lang] = votes.get(lang, 0.0) + 1.0 / len(hits)
    return votes, len(words)


def _latin(text: str, glossary: Glossary) -> tuple[dict[str, float], bool]:
    """Distribution over en and romanized Indic languages for a Latin text, and whether it is romanized.

    Raises:
        InvalidArgument: UNSUPPORTED_LANGUAGE when no lexicon knows the text and langid.py
            confidently names another language.
    """
    votes, n_words = latin_votes(text, glossary)
    indic = {k: v for k, v in votes.items() if k != "en"}
    best_indic = max(indic, key=lambda k: indic[k]) if indic else None
    en = votes.get("en", 0.0)
    if best_indic is not None and indic[best_indic] > en and indic[best_indic] >= max(1.0, 0.25 * n_words):
        weights = {k: v + 0.05 for k, v in votes.items()}
        total = sum(weights.values())
        return {k: v / total for k, v in weights.items()}, True
    guess, p = _langid().rank(text)[0]
    if en >= max(1.0, 0.2 * n_words) or guess == "en":
        weights = {k: v + 0.05 for k, v in votes.items()}
        weights["en"] = weights.get("en", 0.05) + (1.0 if guess == "en" else 0.0)
        total = sum(weights.values())
        return {k: v / total for k, v in weights.items()}, False
    if p >= 0.9:
        raise unsupported_language(guess, script=Script.LATIN.value)
    # Neither lexicons nor langid.py are sure: English at even odds, the rest on unknown languages.
    return {"en": 0.5}, False


def detect_language(text: str, *, glossary: Glossary | None = None) -> Detection:
    """Identify the language and script of ``text``.

    Args:
        text: any text; only letters count (digits, punctuation and emoji are ignored).
        glossary: the glossary whose romanizations identify romanized Indic text (default: built-in).
    Returns:
        The :class:`Detection`; its language is always one of the supported languages.
    Raises:
        InvalidArgument: reason NO_LANGUAGE_DETECTED when the text has no letters; reason
            UNSUPPORTED_LANGUAGE (metadata ``language_code``, ``script``) when the text is in a
            language or script Drishya does not serve (Nepali, Arabic, Cyrillic, French...).
    """
    glossary = glossary or default_glossary()
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        raise no_language_detected()
    script, n = counts.most_common(1)[0]
    share = n / total
    if script is Script.OTHER:
        letters = [ch for ch in text if script_of(ch) is Script.OTHER]
        names = [other_script_name(ch) for ch in letters]
        name = max(set(names), key=names.count).title()
        guess = _langid().rank(text)[0][0]
        raise unsupported_language(guess, script=name)
    romanized = False
    if script in UNAMBIGUOUS_SCRIPTS:
        dist = {UNAMBIGUOUS_SCRIPTS[script]: SCRIPT_CONFIDENCE}
    elif script is Script.DEVANAGARI:
        dist = _devanagari(text)
    else:
        dist, romanized = _latin(text, glossary)
    scores = {lang: min(p, SCRIPT_CONFIDENCE) * share for lang, p in dist.items()}
    for other, count in counts.items():
        if other is script or other is Script.OTHER:
            continue
        lang = UNAMBIGUOUS_SCRIPTS.get(other) or ("hi" if other is Script.DEVANAGARI else "en")
        scores[lang] = scores.get(lang, 0.0) + count / total
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    best, confidence = ranked[0]
    if best not in SUPPORTED_LANGUAGES:
        raise unsupported_language(best, script=script.value)
    candidates = tuple((lang, round(min(1.0, p), 4)) for lang, p in ranked if lang in SUPPORTED_LANGUAGES)
    return Detection(
        language=best,
        script=script,
        romanized=romanized and best != "en",
        confidence=round(min(1.0, confidence), 4),
        candidates=candidates,
    )
