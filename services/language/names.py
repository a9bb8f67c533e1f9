"""Proper names of people and places in native-script or Latin text, transliterated to Latin letters.

A word is taken for a name when (confidence in brackets):

* it follows an honorific (శ్రీ, श्री, ஸ்ரீ, শ্রী, Mr., Dr. ...) (0.9);
* it stands before a naming word (Telugu ``అనే``, Hindi ``नाम``, Tamil ``என்ற`` ... "called") or
  after English "named"/"called" (0.85); these two cues win over the glossary (Kannada ``ಮೀನಾ ಎಂಬ``
  is "called Mina", though ``ಮೀನ``- is "fish");
* its transliteration is, or starts with, a common given name or place name of
  :data:`KNOWN_NAMES` followed by at most a short case ending (``మీనాకు`` "to Meena") (0.8);
* it is a capitalised Latin word that is not the first of its sentence and not an English word the
  glossary or the vocabulary knows (0.6).

Otherwise words the scene glossary glosses are never names. Transliteration is rule-based and offline:
Aksharamukha (``aksharamukha.transliterate.process``, the script to IAST), then the inherent
vowel at the end of a word is dropped for the scripts of North India (Hindi "राम" → "Ram";
Aksharamukha's ``RemoveSchwaHindi`` for Devanagari), and diacritics are removed ("मीना" → "Mina").
Aksharamukha was preferred to ``indic-transliteration`` because the latter misreads Tamil
(``சென்னை`` → "jhèṉṉai") and Odia ``ୱ``; Aksharamukha gives "cĕṉṉai" and "bhubaneśvara".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from services.language.glossary import Glossary
from services.language.languages import Script
from services.language.text import Token, script_of, tokenize
from services.scene.concepts import Vocabulary
from services.scene.places import PLACE_NAMES


@dataclass(frozen=True)
class Name:
    """A proper name: as written, in Latin letters (e.g. ``"Mina"``), and a confidence in [0, 1]."""

    source_text: str
    latin: str
    confidence: float


_AKSHARAMUKHA_SCRIPTS = {
    Script.DEVANAGARI: "Devanagari",
    Script.BENGALI: "Bengali",
    Script.GUJARATI: "Gujarati",
    Script.GURMUKHI: "Gurmukhi",
    Script.KANNADA: "Kannada",
    Script.MALAYALAM: "Malayalam",
    Script.ORIYA: "Oriya",
    Script.TAMIL: "Tamil",
    Script.TELUGU: "Telugu",
}

#: Scripts whose final inherent vowel is not spoken (Hindi राम "Ram", Gujarati અમદાવાદ "Amdavad").
_SCHWA_DROPPING = {Script.DEVANAGARI, Script.BENGALI, Script.GUJARATI, Script.GURMUKHI, Script.ORIYA}
_IAST_VOWELS = set("aāiīuūṛṝḷḹeēoōĕŏ")

HONORIFICS = frozenset(
    {
        "శ్రీ", "శ్రీమతి", "श्री", "श्रीमती", "श्रीमान", "ஸ்ரீ", "திரு", "திருமதி", "শ্রী", "শ্রীমতী", "શ્રી", "શ્રીમતી",
        "ಶ್ರೀ", "ಶ್ರೀಮತಿ", "ശ്രീ", "ശ്രീമതി", "ଶ୍ରୀ", "ଶ୍ରୀମତୀ", "ਸ੍ਰੀ", "ਸ਼੍ਰੀ", "ਸ਼੍ਰੀਮਤੀ",
        "mr", "mrs", "ms", "dr", "shri", "sri", "smt", "kumari",
    }
)  # fmt: skip

#: Words that follow a name and mean "named/called" (Telugu అనే, Hindi नाम, Tamil என்ற ...).
NAME_MARKERS_AFTER = frozenset(
    {
        "అనే", "పేరు", "नाम", "नामक", "नावाचा", "नावाची", "नावाचे", "என்ற", "என்னும்", "என்கிற", "নামে", "নামের", "নামক",
        "નામનો", "નામની", "નામનું", "નામે", "ಎಂಬ", "ಹೆಸರಿನ", "എന്ന", "എന്നു", "ନାମକ", "ନାମରେ", "ਨਾਂ", "ਨਾਮ",
    }
)  # fmt: skip
NAME_MARKERS_BEFORE = frozenset({"named", "called"})

KNOWN_NAMES = PLACE_NAMES | frozenset(
    """
    mina meena sita gita rita rama ram ramu ravi raju raja radha krishna krisna kṛṣna lakshmi laksmi
    priya priyanka anita sunita kavita lata asha usha uma parvati durga kali sarasvati ganesh ganesa
    arjun arjuna bhim bhima mohan sohan rohan rahul amit sumit vijay ajay sanjay anil sunil kamal
    vimal nirmala shyam syam hari gopal govind madhav mahesh suresh ramesh dinesh naresh rajesh
    mukesh rakesh ashok asok anand manoj vinod pramod arun varun tarun kiran karan nikhil akhil
    neha pooja puja anjali divya deepa dipa jyoti meera mira sudha shanti santi savitri kamala
    padma rani radhika sneha swati svati preeti priti rekha shobha sobha vani veena vina aruna
    murugan murukan selvi kumar kumari ganga yamuna godavari kaveri narmada subbu venkat venkatesh
    srinivas srinivasa lakshman laksman bharat bharata sudhir abdul ali fatima ayesha aisa salim
    harpreet gurpreet manpreet simran jaspreet baljit amrit sukhbir bibi rabindranath rabi tagore
    gandhi nehru bapu chacha
    """.split()  # noqa: SIM905 - a word list reads better as text
)
"""Common Indian given names, and the places of :data:`services.scene.places.PLACE_NAMES`."""

WEEKDAY_ENDINGS = ("var", "vaar", "bar", "baar")
"""A known name followed by one of these is a day of the week, not a name: Hindi "रविवार" (ravivar,
Sunday, from Ravi, the sun), "गुरुवार", Bengali "রবিবার" (rabibar), Telugu "ఆదివారం"."""

_MAX_ENDING = 5
_LATIN_WORD = re.compile(r"^[A-Za-z][A-Za-z'-]*$")


def _script(word: str) -> Script | None:
    return next((s for ch in word if (s := script_of(ch)) is not None), None)


def _plain(iast: str, script: Script) -> str:
    if script in _SCHWA_DROPPING and len(iast) > 3 and iast.endswith("a") and iast[-2] not in _IAST_VOWELS:
        iast = iast[:-1]
    plain = "".join(ch for ch in unicodedata.normalize("NFD", iast) if not unicodedata.combining(ch))
    plain = "".join(ch for ch in plain if ch.isascii() and (ch.isalpha() or ch in "-'"))
    return plain[:1].upper() + plain[1:].lower()


@functools.lru_cache(maxsize=8192)
def to_latin(word: str) -> str:
    """``word`` in Latin letters without diacritics, capitalised: ``"మీనా"`` → ``"Mina"``, ``"राम"`` → ``"Ram"``.

    Latin input comes back capitalised. Raises nothing: characters Aksharamukha does not know are kept.
    """
    return to_latin_all((word,))[0]


def to_latin_all(words: Sequence[str]) -> list[str]:
    """:func:`to_latin` of each word, with one Aksharamukha call per script (a call costs about 8 ms)."""
    out = [w[:1].upper() + w[1:] for w in words]
    for k, (iast, script) in enumerate(zip(to_iast_all(words), _scripts(words), strict=True)):
        if script is not None:
            out[k] = _plain(iast, script)
    return out


def _scripts(words: Sequence[str]) -> list[Script | None]:
    """Each word's Indian script that Aksharamukha reads, or None (Latin, unknown, several words)."""
    return [s if (s := _script(w)) in _AKSHARAMUKHA_SCRIPTS and " " not in w else None for w in words]


def to_iast_all(words: Sequence[str]) -> list[str]:
    """Each word in IAST with its diacritics (``"ट्रैक्टर"`` → ``"ṭraikṭar"``), the Hindi schwa removed.

    Words not in an Indian script come back unchanged. One Aksharamukha call per script.
    """
    out = list(words)
    by_script: dict[Script, list[int]] = {}
    for k, script in enumerate(_scripts(words)):
        if script is not None:
            by_script.setdefault(script, []).append(k)
    if not by_script:
        return out
    from aksharamukha import transliterate  # imported on first use: 0.2 s

    for script, rows in by_script.items():
        options = ["RemoveSchwaHindi"] if script is Script.DEVANAGARI else []
        joined = " ".join(words[k] for k in rows)
        parts = str(transliterate.process(_AKSHARAMUKHA_SCRIPTS[script], "IAST", joined, pre_options=options)).split()
        if len(parts) != len(rows):  # never seen; transliterate one by one rather than misalign
            parts = [
                str(transliterate.process(_AKSHARAMUKHA_SCRIPTS[script], "IAST", words[k], pre_options=options))
                for k in rows
            ]
        for k, iast in zip(rows, parts, strict=True):
            out[k] = iast
    return out


def _known_prefix(latin: str) -> str | None:
    """The known name ``latin`` is, or starts with before a short ending; the longest such name."""
    key = latin.lower()
    for n in range(len(key), 2, -1):
        if key[:n] in KNOWN_NAMES and len(key) - n <= _MAX_ENDING:
            if key[n:].startswith(WEEKDAY_ENDINGS):
                return None  # a weekday: ravivar, guruvar, rabibar
            return key[:n]
    return None


class NameFinder:
    """Finds proper names (see the module docstring for the rules and their confidences).

    Args:
        glossary: words it glosses are never names; its function words are never names either.
        vocabulary: English words of the vocabulary are not names when capitalised.
    """

    def __init__(self, glossary: Glossary, vocabulary: Vocabulary) -> None:
        self.glossary = glossary
        self.vocabulary = vocabulary
        self._english = glossary.english_lexicon()

    def _is_name_like(self, token: Token, language: str) -> bool:
        return (
            token.key not in self.glossary.function_words(language)
            and token.key not in self._english
            and any(ch.isalpha() for ch in token.text)
            and self.vocabulary.by_term(token.key) is None
        )

    def find(self, sentence: str, language: str) -> list[Name]:
        """Names in ``sentence`` of ``language`` in text order, each once."""
        gloss = self.glossary.gloss_sentence(sentence, language)
        covered = [(m.start, m.end) for m in gloss.matches]
        tokens = tokenize(sentence)
        found: dict[int, float] = {}
        others: list[int] = []
        for i, t in enumerate(tokens):
            if not self._is_name_like(t, language):
                continue
            before = tokens[i - 1].key.rstrip(".") if i else ""
            after = tokens[i + 1].key if i + 1 < len(tokens) else ""
            if before in HONORIFICS:
                found[i] = 0.9
            elif after in NAME_MARKERS_AFTER or before in NAME_MARKERS_BEFORE:
                found[i] = 0.85
            elif not any(a <= t.start < b for a, b in covered):
                others.append(i)  # a word the glossary knows is a name only after a cue (ಮೀನಾ ಎಂಬ: not "fish")
        spelled_others = to_latin_all([tokens[i].text for i in others])
        for i, spelled in zip(others, spelled_others, strict=True):
            t = tokens[i]
            if _known_prefix(spelled) is not None:
                found[i] = 0.8
            elif _LATIN_WORD.match(t.text) and t.text[0].isupper() and i > 0 and not t.text.isupper():
                found[i] = 0.6
        latin = dict(zip(others, spelled_others, strict=True))
        latin.update({i: to_latin(tokens[i].text) for i in found if i not in latin})
        out: dict[str, Name] = {}
        for i, confidence in sorted(found.items()):
            text, spelled = tokens[i].text, latin[i]
            known = _known_prefix(spelled)
            if known is not None and len(known) < len(spelled):
                spelled = known.capitalize()  # drop the case ending: మీనాకు → Mina
            out.setdefault(text, Name(text, spelled, confidence))
        return list(out.values())
