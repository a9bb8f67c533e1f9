"""The built-in multilingual scene glossary: English scene concepts found in text of any served language.

The data (``data/scene_glossary.json``) lists scene concepts (people, animals, places, nature,
weather, time of day, objects, events, actions, moods, colours). Each concept has an English
phrase, a category and surface forms in all eleven languages in their native scripts, plus common
romanizations. In the data a form prefixed ``+`` is a plural, ``=`` matches only as a whole word,
and a form with spaces spans several words (``"వర్షం పడు"``, "rain falls").

Matching is suffix-aware, because Indian languages attach case endings, postpositions and verb
endings to the stem (Telugu ``వర్షంలో`` = ``వర్షం`` + ``లో``, Marathi ``मंदिरासमोर`` = ``मंदिर`` +
``ासमोर``): a word matches a form when it equals the form, or starts with it (at least
``min_stem`` code points) and the rest is one known suffix of that language or two in a row.
Where a stem changes before endings, the oblique stem is derived by rule (:func:`derived_stems`:
Tamil ``மரம்`` → ``மரத்த``-, Malayalam ``വീട്`` → ``വീട്ട``-, a final vowel sign dropped...).
The longest match wins: more words first, then a whole-word match, then the longer form.

A gloss lists concepts, it is not a translation: :meth:`Glossary.gloss` returns, per sentence, the
concepts in text order and a concept phrase ordered by category (time, weather, mood, colour,
people, animals, action, object, nature, event, place), e.g. ``"evening rain."``, and a confidence:
the share of the sentence's content words (words that are not function words) the concepts cover,
capped at :data:`MAX_GLOSS_CONFIDENCE`.
"""

from __future__ import annotations

import functools
import hashlib
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from services.language.languages import SUPPORTED_LANGUAGES, Script
from services.language.text import Token, normalize, script_of, split_sentences, tokenize

#: A gloss never claims the certainty of a translation.
MAX_GLOSS_CONFIDENCE = 0.9

_PLURAL = "+"
_EXACT = "="


@dataclass(frozen=True)
class Concept:
    """One scene concept.

    Attributes:
        id: stable identifier, e.g. ``"old_man"``.
        english: English phrase, e.g. ``"old man"``.
        plural: English plural phrase, e.g. ``"old men"``.
        category: one of the glossary's ``category_order``.
        forms: language → surface forms as written (markers removed), singular forms first.
        plural_forms: language → the forms that are plurals.
        romanized: language → romanized forms (Latin letters, lowercase).
    """

    id: str
    english: str
    plural: str
    category: str
    forms: Mapping[str, tuple[str, ...]]
    plural_forms: Mapping[str, frozenset[str]]
    romanized: Mapping[str, tuple[str, ...]]

    def phrase(self, language: str, *, plural: bool = False) -> str:
        """The concept's citation form in ``language`` ("en" gives :attr:`english` / :attr:`plural`)."""
        if language == "en":
            return self.plural if plural else self.english
        forms = self.forms[language]
        plurals = self.plural_forms.get(language, frozenset())
        if plural:
            for f in forms:
                if f in plurals:
                    return f
        for f in forms:
            if f not in plurals:
                return f
        return forms[0]


@dataclass(frozen=True)
class ConceptMatch:
    """A concept found in a text.

    Attributes:
        concept_id: the concept's id.
        english: its English phrase (the plural when the matched form is a plural).
        category: its category.
        surface: the matched words as written in the text.
        start: offset of the first matched character in the sentence.
        end: offset just past the last matched character in the sentence.
        plural: True when the matched form is a plural.
    """

    concept_id: str
    english: str
    category: str
    surface: str
    start: int
    end: int
    plural: bool


@dataclass(frozen=True)
class SentenceGloss:
    """The gloss of one sentence: its concepts in text order, the concept phrase, a confidence in [0, 1]."""

    source_text: str
    matches: tuple[ConceptMatch, ...]
    phrase: str
    confidence: float
    word_count: int
    covered_word_count: int


@dataclass(frozen=True)
class GlossResult:
    """The gloss of a whole text, one :class:`SentenceGloss` per sentence."""

    language: str
    target_language: str
    sentences: tuple[SentenceGloss, ...]

    @property
    def matches(self) -> tuple[ConceptMatch, ...]:
        """Every concept found, in text order (repeats included)."""
        return tuple(m for s in self.sentences for m in s.matches)

    @property
    def concept_ids(self) -> list[str]:
        """Distinct concept ids in order of first appearance."""
        return list(dict.fromkeys(m.concept_id for m in self.matches))

    @property
    def phrase(self) -> str:
        """The sentence phrases joined by spaces."""
        return " ".join(s.phrase for s in self.sentences if s.phrase)

    @property
    def confidence(self) -> float:
        """Mean sentence confidence (0 for an empty text)."""
        if not self.sentences:
            return 0.0
        return sum(s.confidence for s in self.sentences) / len(self.sentences)


@dataclass(frozen=True)
class _Entry:
    concept: Concept
    words: tuple[str, ...]
    plural: bool
    exact: bool
    derived: bool


@dataclass
class _Index:
    """Forms of one kind (native, romanized or English) for one language, keyed by their first word."""

    suffixes: frozenset[str]
    min_stem: int
    by_first: dict[str, list[_Entry]] = field(default_factory=dict)

    def add(self, entry: _Entry) -> None:
        self.by_first.setdefault(entry.words[0], []).append(entry)

    def _word_matches(self, word: str, key: str) -> bool:
        if key == word:
            return True
        return len(word) >= self.min_stem and key.startswith(word) and key[len(word) :] in self.suffixes

    def best(self, tokens: Sequence[Token], i: int) -> tuple[_Entry, int, tuple[int, int, int, int]] | None:
        """The best entry matching at ``tokens[i]``: (entry, words consumed, rank), or None."""
        key = tokens[i].key
        best: tuple[_Entry, int, tuple[int, int, int, int]] | None = None
        for k in range(len(key), 0, -1):
            entries = self.by_first.get(key[:k])
            if not entries:
                continue
            rest = key[k:]
            if rest and (k < self.min_stem or rest not in self.suffixes):
                continue
            for e in entries:
                if (e.exact and rest) or (e.derived and not rest):
                    continue
                n = len(e.words)
                if i + n > len(tokens):
                    continue
                all_exact = not rest
                ok = True
                for w, t in zip(e.words[1:], tokens[i + 1 : i + n], strict=True):
                    if not self._word_matches(w, t.key):
                        ok = False
                        break
                    all_exact = all_exact and w == t.key
                if not ok:
                    continue
                rank = (n, int(all_exact), sum(len(w) for w in e.words), int(not e.derived))
                if best is None or rank > best[2]:
                    best = (e, n, rank)
        return best


_VIRAMAS = {"\u094d", "\u09cd", "\u0a4d", "\u0acd", "\u0b4d", "\u0bcd", "\u0c4d", "\u0ccd", "\u0d4d"}
_ML_CHILLU_BASE = {"ൺ": "ണ", "ൻ": "ന", "ർ": "ര", "ൽ": "ല", "ൾ": "ള", "ൿ": "ക"}


def _is_vowel_sign(ch: str) -> bool:
    return "VOWEL SIGN" in unicodedata.name(ch, "")


def derived_stems(word: str, language: str) -> list[str]:
    """Oblique stems of a normalized one-word form, used only with a following suffix.

    Rules (standard descriptive grammar of each language):

    * every Indic language: a final dependent vowel sign drops before vowel-initial endings
      (Hindi ``लड़का`` → ``लड़क``-ों, Kannada ``ಕಾಡು`` → ``ಕಾಡ``-ಿನಲ್ಲಿ);
    * Tamil: final ``ம்`` becomes ``த்த`` (``மரம்`` → ``மரத்த``-ில்), a final virama drops
      (``மீன்`` → ``மீன``-ை), and ``டு``/``று`` after a single consonant double (``வீடு`` → ``வீட்ட``-ில்);
    * Malayalam: final ``ം`` becomes ``ത്ത`` or ``മ`` (``മരം`` → ``മരത്ത``-ിൽ, ``ശാന്തം`` → ``ശാന്തമ``-ായി),
      a final virama drops and ``ട്`` doubles (``വീട്`` → ``വീട്ട``-ിൽ), a chillu becomes its consonant
      (``കടൽ`` → ``കടല``-ിൽ);
    * Telugu: final ``ం`` becomes ``ా`` before ``న్ని``/``నికి`` (``వర్షం`` → ``వర్షా``-నికి).
    """
    if language == "en" or not word:
        return []
    out: list[str] = []
    last = word[-1]
    if _is_vowel_sign(last):
        out.append(word[:-1])
    if language == "ta":
        if word.endswith("ம்"):
            out.append(word[:-2] + "த்த")
        if last == "\u0bcd":
            out.append(word[:-1])
        if len(word) >= 3 and word[-1] == "ு" and word[-2] in "டற" and word[-3] != "\u0bcd":
            out.append(word[:-1] + "\u0bcd" + word[-2])
    elif language == "ml":
        if last == "ം":
            out += [word[:-1] + "ത്ത", word[:-1] + "മ"]
        if last == "\u0d4d":
            out.append(word[:-1])
            if len(word) >= 3 and word[-2] == "ട" and word[-3] != "\u0d4d":
                out.append(word[:-2] + "ട്ട")
        if last in _ML_CHILLU_BASE:
            out.append(word[:-1] + _ML_CHILLU_BASE[last])
    elif language == "te" and last == "ం":
        out.append(word[:-1] + "ా")
    return [s for s in dict.fromkeys(out) if s and s != word and not (len(s) == 1 and s in _VIRAMAS)]


def _split_marks(raw: str) -> tuple[str, bool, bool]:
    plural = exact = False
    while raw and raw[0] in (_PLURAL, _EXACT):
        plural |= raw[0] == _PLURAL
        exact |= raw[0] == _EXACT
        raw = raw[1:]
    return raw.strip(), plural, exact


def _closure(suffixes: Iterable[str]) -> frozenset[str]:
    """Every suffix, and every two suffixes in a row."""
    base = {normalize(s) for s in suffixes if s}
    return frozenset(base | {a + b for a in base for b in base})


class Glossary:
    """The scene glossary, indexed for matching.

    Args:
        data: the parsed JSON document (see the module docstring for its shape).
        version: an identifier of the data, part of the translation cache key.
    Raises:
        ValueError: a concept lacks forms in a supported language, or ids repeat.
    """

    def __init__(self, data: Mapping[str, Any], *, version: str = "") -> None:
        self.version = version
        self.min_stem = int(data.get("min_stem", 2))
        self.min_romanized_stem = int(data.get("min_romanized_stem", 3))
        self.category_order: tuple[str, ...] = tuple(data["category_order"])
        self._function_words = {
            lang: frozenset(normalize(w) for w in words) for lang, words in data["function_words"].items()
        }
        self._romanized_function_words = {
            lang: frozenset(normalize(w) for w in words) for lang, words in data["romanized_function_words"].items()
        }
        concepts: list[Concept] = []
        for c in data["concepts"]:
            forms: dict[str, tuple[str, ...]] = {}
            plural_forms: dict[str, frozenset[str]] = {}
            for lang, raw_forms in c["forms"].items():
                parsed = [_split_marks(f) for f in raw_forms]
                forms[lang] = tuple(f for f, _, _ in parsed)
                plural_forms[lang] = frozenset(f for f, p, _ in parsed if p)
            romanized = {lang: tuple(_split_marks(f)[0] for f in fs) for lang, fs in c.get("romanized", {}).items()}
            missing = [lang for lang in SUPPORTED_LANGUAGES if not forms.get(lang)]
            if missing:
                raise ValueError(f"concept {c['id']!r} has no forms in {missing}")
            if c["category"] not in self.category_order:
                raise ValueError(f"concept {c['id']!r} has unknown category {c['category']!r}")
            concepts.append(Concept(c["id"], c["english"], c["plural"], c["category"], forms, plural_forms, romanized))
        self.concepts: tuple[Concept, ...] = tuple(concepts)
        self._by_id = {c.id: c for c in concepts}
        if len(self._by_id) != len(concepts):
            raise ValueError("concept ids repeat")
        self._raw = data
        self._native: dict[str, _Index] = {}
        self._roman: dict[str, _Index] = {}
        self._build(data)

    def _build(self, data: Mapping[str, Any]) -> None:
        suffixes = data["suffixes"]
        rsuffixes = data["romanized_suffixes"]
        for lang in SUPPORTED_LANGUAGES:
            self._native[lang] = _Index(_closure(suffixes.get(lang, [])), self.min_stem)
            if lang != "en":
                self._roman[lang] = _Index(_closure(rsuffixes.get(lang, [])), self.min_romanized_stem)
        for c in data["concepts"]:
            concept = self._by_id[c["id"]]
            for lang, raw_forms in c["forms"].items():
                for raw in raw_forms:
                    form, plural, exact = _split_marks(raw)
                    words = tuple(normalize(w) for w in form.split())
                    self._native[lang].add(_Entry(concept, words, plural, exact, derived=False))
                    if len(words) == 1 and not exact:
                        for stem in derived_stems(words[0], lang):
                            if len(stem) >= self.min_stem:
                                self._native[lang].add(_Entry(concept, (stem,), plural, False, derived=True))
            for lang, raw_forms in c.get("romanized", {}).items():
                for raw in raw_forms:
                    form, plural, exact = _split_marks(raw)
                    words = tuple(normalize(w) for w in form.split())
                    self._roman[lang].add(_Entry(concept, words, plural, exact, derived=False))

    @classmethod
    def from_file(cls, path: Path) -> Glossary:
        """Load a glossary JSON file; its version is the first 16 hex digits of its SHA-256."""
        raw = path.read_bytes()
        return cls(json.loads(raw), version=hashlib.sha256(raw).hexdigest()[:16])

    def concept(self, concept_id: str) -> Concept:
        """The concept with ``concept_id``; raises ``KeyError`` when there is none."""
        return self._by_id[concept_id]

    def function_words(self, language: str) -> frozenset[str]:
        """Normalized native function words of ``language`` (articles, postpositions, auxiliaries...)."""
        return self._function_words.get(language, frozenset())

    def romanized_lexicon(self, language: str) -> frozenset[str]:
        """Normalized words of romanized ``language``: every word of its romanized forms and function words."""
        words: set[str] = set(self._romanized_function_words.get(language, frozenset()))
        for c in self.concepts:
            for form in c.romanized.get(language, ()):
                words.update(normalize(w) for w in form.split())
        return frozenset(words)

    def suffixes(self, language: str) -> frozenset[str]:
        """Native-script suffixes of ``language`` and their pairs, normalized (empty for English)."""
        index = self._native.get(language)
        return index.suffixes if index and language != "en" else frozenset()

    def romanized_suffixes(self, language: str) -> frozenset[str]:
        """Romanized suffixes of ``language`` and their pairs (empty for English)."""
        index = self._roman.get(language)
        return index.suffixes if index else frozenset()

    def english_lexicon(self) -> frozenset[str]:
        """Normalized English words: function words and every word of the concepts' English forms."""
        words: set[str] = set(self._function_words.get("en", frozenset()))
        for c in self.concepts:
            for form in c.forms["en"]:
                words.update(normalize(w) for w in form.split())
        return frozenset(words)

    def _match(self, tokens: Sequence[Token], i: int, language: str) -> tuple[_Entry, int] | None:
        latin = script_of(tokens[i].text[0]) is Script.LATIN
        candidates: list[tuple[tuple[int, int, int, int], int, _Entry, int]] = []
        if latin and language != "en":
            found = self._roman[language].best(tokens, i)
            if found:
                candidates.append((found[2], 1, found[0], found[1]))
            found = self._native["en"].best(tokens, i)  # code-mixed English words
            if found:
                candidates.append((found[2], 0, found[0], found[1]))
        else:
            found = self._native[language].best(tokens, i)
            if found:
                candidates.append((found[2], 1, found[0], found[1]))
        if not candidates:
            return None
        _, _, entry, n = max(candidates, key=lambda c: (c[0], c[1]))
        return entry, n

    def _is_function_word(self, token: Token, language: str) -> bool:
        if script_of(token.text[0]) is Script.LATIN:
            return (
                token.key in self._romanized_function_words.get(language, frozenset())
                or token.key in (self._function_words["en"])
            )
        return token.key in self._function_words.get(language, frozenset())

    def gloss_sentence(self, sentence: str, language: str, *, target_language: str = "en") -> SentenceGloss:
        """Gloss one sentence of ``language``; the phrase is in ``target_language`` (concept citation forms)."""
        tokens = tokenize(sentence)
        matches: list[ConceptMatch] = []
        covered = uncovered = 0
        i = 0
        while i < len(tokens):
            if self._is_function_word(tokens[i], language):
                i += 1
                continue
            found = self._match(tokens, i, language)
            if found is None:
                if not tokens[i].key.isdigit():
                    uncovered += 1
                i += 1
                continue
            entry, n = found
            first, last = tokens[i], tokens[i + n - 1]
            c = entry.concept
            matches.append(
                ConceptMatch(
                    concept_id=c.id,
                    english=c.plural if entry.plural else c.english,
                    category=c.category,
                    surface=sentence[first.start : last.end],
                    start=first.start,
                    end=last.end,
                    plural=entry.plural,
                )
            )
            covered += n
            i += n
        content = covered + uncovered
        confidence = min(MAX_GLOSS_CONFIDENCE, covered / content) if content else 0.0
        return SentenceGloss(
            source_text=sentence,
            matches=tuple(matches),
            phrase=self._phrase(matches, target_language),
            confidence=confidence,
            word_count=len(tokens),
            covered_word_count=covered,
        )

    def _phrase(self, matches: Sequence[ConceptMatch], target_language: str) -> str:
        plural: dict[str, bool] = {}
        for m in matches:
            plural[m.concept_id] = plural.get(m.concept_id, False) or m.plural
        order = {cat: k for k, cat in enumerate(self.category_order)}
        ids = sorted(plural, key=lambda cid: order[self._by_id[cid].category])  # stable: text order within a category
        words = [self._by_id[cid].phrase(target_language, plural=plural[cid]) for cid in ids]
        return " ".join(words) + "." if words else ""

    def gloss(self, text: str, language: str, *, target_language: str = "en") -> GlossResult:
        """Gloss ``text`` written in ``language`` (native script or romanized), sentence by sentence.

        Args:
            text: the text; sentences are split by :func:`services.language.text.split_sentences`.
            language: ISO 639-1 code of the text, one of the supported languages.
            target_language: language of the concept phrases (default English).
        Raises:
            KeyError: ``language`` or ``target_language`` is not supported.
        """
        if language not in self._native or target_language not in self._native:
            raise KeyError(f"unsupported language {language!r} or {target_language!r}")
        sentences = tuple(
            self.gloss_sentence(s, language, target_language=target_language) for s in split_sentences(text)
        )
        return GlossResult(language=language, target_language=target_language, sentences=sentences)


@functools.lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The glossary shipped in ``services/language/data/scene_glossary.json`` (loaded once)."""
    ref = resources.files("services.language").joinpath("data/scene_glossary.json")
    raw = ref.read_bytes()
    return Glossary(json.loads(raw), version=hashlib.sha256(raw).hexdigest()[:16])


def gloss(text: str, language: str, *, target_language: str = "en") -> GlossResult:
    """Gloss ``text`` with the default glossary; see :meth:`Glossary.gloss`."""
    return default_glossary().gloss(text, language, target_language=target_language)
