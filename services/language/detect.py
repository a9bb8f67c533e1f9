"""Language identification: Unicode script first, then statistics and lexicons where a script is shared.

1. Words are counted per Unicode script block (:func:`services.language.text.script_counts`). The
   text's script is the one with most letters, except in code-mixed text: a native (non-Latin)
   script holding at least :data:`MATRIX_WORD_SHARE` of the words is the matrix language and the
   Latin words are English embedded in it (the Matrix Language Frame model, Myers-Scotton 1993,
   "Duelling Languages"), so "एक girl park में football खेल रही है" is Hindi. Only the words of the
   chosen script are classified further.
2. Telugu, Tamil, Kannada, Malayalam, Gujarati, Gurmukhi and Oriya scripts each belong to one served
   language, which is the answer (confidence 0.99 times the script's share).
3. Bengali script: Bengali, or Assamese when the Assamese letters ৰ (U+09F0) or ৱ (U+09F1) occur or
   CLD2 (Compact Language Detector 2, via ``pycld2``) reliably says Assamese.
4. Devanagari: Hindi and Marathi, refusing Nepali, Sanskrit, Maithili, Bhojpuri and Konkani.
   Konkani marker words (``आसा``, ``हांव``, ``म्हाका``...), two or more and outnumbering the Hindi and
   Marathi ones, name Konkani first. CLD2 then names ``ne``, ``sa`` and ``bh`` (Bihari: Maithili and
   Bhojpuri, told apart by marker words). Between Hindi and Marathi, langid.py (Lui & Baldwin 2012,
   ACL) restricted to ``hi``, ``mr``, ``ne`` is combined log-linearly with marker-word counts and
   CLD2's reliable answer; a Marathi answer is checked for Konkani, which CLD2 does not know, by
   py3langid restricted to ``mr`` and ``gom``.
5. Arabic script (Urdu, Sindhi, Kashmiri) and Sinhala script: always refused, naming the language
   (CLD2, with the letters only Sindhi or only Kashmiri use as the deciding evidence).
6. Latin: English or romanized Indic. Romanized Nepali is refused when at least two of its marker
   words (``chha``, ``timi``, ``malai``...) make a quarter of the words. langid.py is weak on
   romanized text (it calls Hinglish Indonesian), so each word votes for the languages whose lexicon
   holds it: English function words and glossary forms, and per Indic language the glossary's
   romanizations plus common romanized function words (``hai``, ``mein`` / ``undi``, ``oka`` /
   ``irukku``, ``oru``...). When romanized Indic wins the result says ``romanized=True``. A Latin
   text that neither lexicon covers and that langid.py confidently assigns to another language
   (French, say) is unsupported.

The choice of these tools and the figures behind it are in ``benchmarks/language_id.py``, measured on
the labelled set ``tests/data/language_id.tsv``.

Candidates are ranked with confidences in [0, 1] that sum to about 1 (less only when part of the
probability sits on languages Drishya does not serve); letters in scripts other than the chosen
one add their own language's share.
"""

from __future__ import annotations

import copy
import functools
import math
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from services.language.errors import no_language_detected, unsupported_language
from services.language.glossary import Glossary, default_glossary
from services.language.languages import SUPPORTED_LANGUAGES, UNAMBIGUOUS_SCRIPTS, Script
from services.language.loanwords import shared_english_words
from services.language.text import normalize, other_script_name, script_counts, script_of, tokenize

#: Confidence given to a language identified by an unambiguous script, and the most any detection claims.
SCRIPT_CONFIDENCE = 0.99

#: Nepali is reported only when its probability reaches this.
NEPALI_THRESHOLD = 0.6

#: A native script with at least this share of the words is the matrix language of a code-mixed text.
MATRIX_WORD_SHARE = 0.3


# Strong marker words (normalized: nukta removed, candrabindu as anusvara). Sources: standard
# grammars; each list holds frequent words that the other languages do not use.
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

# Marker words of the refused Devanagari languages that CLD2 does not name (Konkani) or names
# together (Bihari: Maithili and Bhojpuri). Sources: the grammars' pronoun, copula and auxiliary
# paradigms (Konkani: Almeida 1989, "A Description of Konkani"; Maithili: Yadav 1996, "A Reference
# Grammar of Maithili"; Bhojpuri: Shukla 1981, "Bhojpuri Grammar").
_REFUSED_DEVANAGARI_MARKERS: dict[str, frozenset[str]] = {
    "kok": _words(
        "आसा आसात आसलो आसली आशिल्लो आशिल्ली हांव म्हाका म्हजो म्हजी तुका ताका आमकां तुमकां आनी जालें जालां "
        "जाला जाली जाल्ली खंय कितें कित्याक नाचता येता करतात व्हड भुरगीं भुरगें"
    ),
    "mai": _words("अछि अछ छल छलहुँ छलीह छथि छैक भेल गेल केलनि केलक सँ कऽ भऽ अहाँ हमरा एकटा सभक गामक"),
    "bho": _words("बा बाटे बानी बिया बाड़े रहलें रहनी गइल कइल कइलें कइले हमनी तोहार एगो लइकी लइका जाला आपन"),
}
_KONKANI_MIN_MARKERS = 2

# Romanized Nepali: copulas, pronouns and auxiliaries that Hindi, Marathi, Bengali and the other
# served languages do not write this way (Nepali grammar as above; common chat spellings).
_ROMANIZED_NEPALI = _words(
    "chha chhan chhaina chu chhu chau chhau hunchha hunuhunchha timi timro timilai hajur malai "
    "hamilai dherai ramro kasto kasari bhayo bhaeko thiyo thiye gareko garchu garchha garnu garnuhos "
    "lagyo paryo jadai mitho tapai tapailai"
)
_ROMANIZED_NEPALI_MIN = 2

# Letters only Sindhi or only Kashmiri write among the Arabic-script languages of the subcontinent
# (Unicode Standard, chapter 9.2, Arabic: "Sindhi" and "Kashmiri" letter tables).
_SINDHI_LETTERS = frozenset("ڄڃڇڌڍڏڙڦڻٻڳڱٺٽٿڪ")
_KASHMIRI_LETTERS = frozenset("ٲۄۆؠێٕٚٛ")
_ASSAMESE_LETTERS = frozenset("ৰৱ")

# English suffixes stripped when looking a word up in the English lexicon.
_EN_SUFFIXES = ("'s", "s", "es", "ing", "ed", "d")

_INDIC = tuple(code for code in SUPPORTED_LANGUAGES if code != "en")


@dataclass(frozen=True)
class Detection:
    """A language identification.

    Attributes:
        language: ISO 639-1 code of the most likely language (always a supported one).
        script: the script of the text (the matrix language's script in code-mixed text).
        romanized: True when an Indic language is written in Latin letters.
        confidence: confidence of ``language`` in [0, 1].
        candidates: (code, confidence) pairs, best first; the first is ``language``.
        code_mixed: True when words of a second script (English in Latin letters, say) are embedded
            in the text of the chosen script.
    """

    language: str
    script: Script
    romanized: bool
    confidence: float
    candidates: tuple[tuple[str, float], ...]
    code_mixed: bool = False


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


def cld2(text: str) -> tuple[str, bool]:
    """CLD2's best language for ``text`` (ISO 639-1 where one exists, ``"un"`` when unknown) and
    whether CLD2 calls the answer reliable."""
    import pycld2

    try:
        reliable, _, details = pycld2.detect(text, bestEffort=True)
    except pycld2.error:
        return "un", False
    return str(details[0][1]), bool(reliable)


@functools.lru_cache(maxsize=1)
def _konkani_model() -> Any:
    """py3langid's model (Lui & Baldwin's langid.py retrained on about 140 languages, Goan Konkani
    ``gom`` among them) restricted to Marathi and Konkani."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(["mr", "gom"])
    return model


def is_konkani(text: str) -> bool:
    """True when py3langid, choosing between Marathi and Konkani only, prefers Konkani."""
    language, _ = _konkani_model().classify(text)
    return bool(language == "gom")


def warm_up() -> None:
    """Load langid.py's model and the glossary now rather than on the first request."""
    _langid().rank("warm up", ["hi", "mr", "ne"])
    cld2("warm up")
    is_konkani("warm up")
    default_glossary()


def _softmax(scores: Mapping[str, float]) -> dict[str, float]:
    top = max(scores.values())
    exp = {k: math.exp(v - top) for k, v in scores.items()}
    total = sum(exp.values())
    return {k: v / total for k, v in exp.items()}


def _marker_counts(keys: Sequence[str], markers: Mapping[str, frozenset[str]]) -> dict[str, int]:
    return {lang: sum(k in words for k in keys) for lang, words in markers.items()}


def _devanagari(text: str) -> dict[str, float]:
    """Distribution over hi, mr for a Devanagari text.

    Raises:
        InvalidArgument: UNSUPPORTED_LANGUAGE naming Nepali, Sanskrit, Maithili, Bhojpuri or Konkani.
    """
    keys = [t.key for t in tokenize(text)]
    refused = _marker_counts(keys, _REFUSED_DEVANAGARI_MARKERS)
    markers = _marker_counts(keys, _DEVANAGARI_MARKERS)
    if refused["kok"] >= _KONKANI_MIN_MARKERS and refused["kok"] > markers["hi"] + markers["mr"]:
        raise unsupported_language("kok", script="Devanagari")
    guess, reliable = cld2(text)
    if guess == "bh" and reliable:
        raise unsupported_language("mai" if refused["mai"] > refused["bho"] else "bho", script="Devanagari")
    if guess in ("ne", "sa") and reliable:
        raise unsupported_language(guess, script="Devanagari")
    probs = dict(_langid().rank(text, ["hi", "mr", "ne"]))
    scores = {
        lang: math.log(probs.get(lang, 0.0) + 1e-9)
        + _MARKER_WEIGHT * markers[lang]
        + (_MARKER_WEIGHT if reliable and guess == lang else 0.0)
        for lang in _DEVANAGARI_MARKERS
    }
    dist = _softmax(scores)
    if dist["ne"] >= NEPALI_THRESHOLD:
        raise unsupported_language("ne", script="Devanagari")
    del dist["ne"]
    total = sum(dist.values())
    dist = {k: v / total for k, v in dist.items()}
    if dist["mr"] > dist["hi"] and is_konkani(text):
        raise unsupported_language("kok", script="Devanagari")
    return dist


def _bengali(text: str) -> dict[str, float]:
    """Bengali, unless the text is Assamese.

    Raises:
        InvalidArgument: UNSUPPORTED_LANGUAGE ``as``.
    """
    guess, reliable = cld2(text)
    if any(ch in _ASSAMESE_LETTERS for ch in text) or (guess == "as" and reliable):
        raise unsupported_language("as", script="Bengali")
    return {"bn": SCRIPT_CONFIDENCE}


def _refuse_other_script(text: str) -> None:
    """Refuse a text in a script Drishya does not serve, naming its language as well as can be told.

    Raises:
        InvalidArgument: always, UNSUPPORTED_LANGUAGE.
    """
    names = Counter(other_script_name(ch) for ch in text if script_of(ch) is Script.OTHER)
    script = names.most_common(1)[0][0]
    code, _ = cld2(text)
    if script == "ARABIC":
        letters = set(text)
        if letters & _KASHMIRI_LETTERS:
            code = "ks"
        elif letters & _SINDHI_LETTERS:
            code = "sd"
        elif code in ("un", "en"):
            code = "ur"
    elif script == "SINHALA":
        code = "si"
    elif code in ("un", "en"):
        code = _langid().rank(text)[0][0]
    raise unsupported_language(code, script=script.title())


@functools.lru_cache(maxsize=1)
def _lexicons(glossary: Glossary) -> tuple[frozenset[str], dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    rows = [
        (lang, [normalize(f) for f in c.forms.get("en", ())], [w for f in c.forms.get(lang, ()) for w in f.split()])
        for c in glossary.concepts
        for lang in _INDIC
    ]
    return (
        glossary.english_lexicon() - shared_english_words(rows),
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
        InvalidArgument: UNSUPPORTED_LANGUAGE ``ne`` when at least two romanized Nepali marker words
            make a quarter of the words; UNSUPPORTED_LANGUAGE when no lexicon knows the text and
            langid.py confidently names another language.
    """
    keys = [t.key for t in tokenize(text)]
    nepali = sum(k in _ROMANIZED_NEPALI for k in keys)
    if nepali >= _ROMANIZED_NEPALI_MIN and nepali >= 0.25 * len(keys):
        raise unsupported_language("ne", script=Script.LATIN.value)
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


def _word_scripts(text: str) -> Counter[Script]:
    """Words per script: each word counts for the script of its first letter."""
    counts: Counter[Script] = Counter()
    for token in tokenize(text):
        script = next((s for s in map(script_of, token.text) if s is not None), None)
        if script is not None:
            counts[script] += 1
    return counts


def _main_script(letters: Counter[Script], words: Counter[Script]) -> tuple[Script, bool]:
    """The script to classify, and whether it was chosen as the matrix script of code-mixed text."""
    dominant = letters.most_common(1)[0][0]
    n_words = sum(words.values())
    native = [(n, s) for s, n in words.items() if s is not Script.LATIN]
    if words[Script.LATIN] and native:
        n, script = max(native, key=lambda ns: (ns[0], letters[ns[1]]))
        if n / n_words >= MATRIX_WORD_SHARE:
            return script, True
    return dominant, False


def _script_text(text: str, script: Script) -> str:
    """The words of ``text`` written in ``script``, space-separated (embedded words of other scripts dropped)."""
    words = [t.text for t in tokenize(text) if any(script_of(ch) is script for ch in t.text)]
    return " ".join(words) or text


def detect_language(text: str, *, glossary: Glossary | None = None) -> Detection:
    """Identify the language and script of ``text``.

    Args:
        text: any text; only letters count (digits, punctuation and emoji are ignored).
        glossary: the glossary whose romanizations identify romanized Indic text (default: built-in).
    Returns:
        The :class:`Detection`; its language is always one of the supported languages.
    Raises:
        InvalidArgument: reason NO_LANGUAGE_DETECTED when the text has no letters; reason
            UNSUPPORTED_LANGUAGE (metadata ``language_code``, ``language_name``, ``script``) when the
            text is in a language or script Drishya does not serve (Nepali, Assamese, Maithili,
            Sanskrit, Konkani, Bhojpuri, Urdu, Sindhi, Sinhala, Kashmiri, Arabic, French...).
    """
    glossary = glossary or default_glossary()
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        raise no_language_detected()
    script, matrix = _main_script(counts, _word_scripts(text))
    if script is Script.OTHER:
        _refuse_other_script(_script_text(text, script))
    own = _script_text(text, script) if matrix or len(counts) > 1 else text
    romanized = False
    if script is Script.BENGALI:
        dist = _bengali(own)
    elif script in UNAMBIGUOUS_SCRIPTS:
        dist = {UNAMBIGUOUS_SCRIPTS[script]: SCRIPT_CONFIDENCE}
    elif script is Script.DEVANAGARI:
        dist = _devanagari(own)
    else:
        dist, romanized = _latin(text, glossary)
    share = counts[script] / total
    if matrix:  # the matrix language leads, whatever the English words' letters add up to
        share = max(share, 0.5)
    scores = {lang: min(p, SCRIPT_CONFIDENCE) * share for lang, p in dist.items()}
    rest = sum(n for s, n in counts.items() if s is not script and s is not Script.OTHER)
    for other, count in counts.items():
        if other is script or other is Script.OTHER:
            continue
        lang = UNAMBIGUOUS_SCRIPTS.get(other) or ("hi" if other is Script.DEVANAGARI else "en")
        scores[lang] = scores.get(lang, 0.0) + (1.0 - share) * count / rest
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if matrix:
        ranked.sort(key=lambda kv: kv[0] not in dist)  # stable: the matrix language's candidates first
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
        code_mixed=len([s for s in counts if s is not Script.OTHER]) > 1,
    )
