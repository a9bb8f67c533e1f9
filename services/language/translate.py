"""Translation through a provider chain: cloud API → NLLB-200 → built-in scene glossary.

Providers are tried in order; the first that translates every sentence wins, and any error falls
through to the next (a cloud API that times out, a model that fails). The glossary is always
there, so a translation always comes back, and it says which method made each segment and how
sure it is. A glossary result is a list of English scene concepts, never passed off as a sentence
translation (method ``GLOSSARY``). Text already in the target language comes back unchanged
(method ``IDENTITY``, confidence 1).

This module holds no I/O: providers that reach the network or a model live in ``adapters/``.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from services.language.glossary import Glossary
from services.language.names import Name
from services.language.text import split_sentences
from services.scene.concepts import Category

log = logging.getLogger(__name__)


class Method(enum.IntEnum):
    """How a segment (or a concept) was made, ordered from weakest to strongest."""

    ENCODER = 0
    LOANWORD = 1
    GLOSSARY = 2
    NLLB = 3
    CLOUD_API = 4
    IDENTITY = 5


@dataclass(frozen=True)
class FoundConcept:
    """A visual concept recognised in a sentence.

    Attributes:
        concept_id: the vocabulary id (a glossary id for glossary colours).
        label: English label (the plural when the glossary matched a plural).
        category: its category; None for a colour.
        method: GLOSSARY, LOANWORD, ENCODER, NLLB or CLOUD_API.
        confidence: in [0, 1].
        source_text: the words it was recognised in.
    """

    concept_id: str
    label: str
    category: Category | None
    method: Method
    confidence: float
    source_text: str


@dataclass(frozen=True)
class Segment:
    """The translation of one source sentence; ``confidence`` is in [0, 1].

    ``concepts`` (best first) and ``names`` are filled by :mod:`services.language.understand`.
    """

    source_text: str
    text: str
    method: Method
    confidence: float
    concepts: tuple[FoundConcept, ...] = ()
    names: tuple[Name, ...] = ()


@dataclass(frozen=True)
class Translation:
    """A translated text.

    Attributes:
        text: the segments' texts joined by spaces.
        source_language, target_language: ISO 639-1 codes.
        method: the weakest method among the segments.
        confidence: mean segment confidence in [0, 1].
        segments: one per source sentence, in order.
        cached: True when the result came from the translation cache.
        degraded: True when a preferred provider failed and a later one answered; such a result
            is not cached, so the next request tries the preferred provider again.
    """

    text: str
    source_language: str
    target_language: str
    method: Method
    confidence: float
    segments: tuple[Segment, ...]
    cached: bool = False
    degraded: bool = False

    @classmethod
    def from_segments(cls, source: str, target: str, segments: Sequence[Segment]) -> Translation:
        """Assemble a translation: text joined by spaces, weakest method, mean confidence."""
        segs = tuple(segments)
        if not segs:
            raise ValueError("a translation needs at least one segment")
        return cls(
            text=" ".join(s.text for s in segs if s.text),
            source_language=source,
            target_language=target,
            method=min(s.method for s in segs),
            confidence=sum(s.confidence for s in segs) / len(segs),
            segments=segs,
        )

    def as_cached(self) -> Translation:
        """This translation marked as served from the cache."""
        return replace(self, cached=True)


class ProviderError(Exception):
    """A provider could not translate; the chain moves on to the next one."""


class TranslationProvider(Protocol):
    """A machine-translation provider (cloud API, NLLB-200...)."""

    @property
    def fingerprint(self) -> str:
        """Identifies the provider and its model or endpoint; part of the translation cache key."""
        ...

    def supports(self, source: str, target: str, *, romanized: bool) -> bool:
        """Whether it can translate ``source`` → ``target`` (``romanized``: source in Latin letters)."""
        ...

    async def translate(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
        """One segment per sentence, in order. Raises :class:`ProviderError` (or anything) on failure."""
        ...


class GlossaryProvider:
    """The always-available last resort: scene concepts from the built-in glossary (method GLOSSARY)."""

    def __init__(self, glossary: Glossary) -> None:
        self._glossary = glossary

    @property
    def fingerprint(self) -> str:
        """``glossary:<data version>``."""
        return f"glossary:{self._glossary.version}"

    def translate_sentences(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
        """One GLOSSARY segment per sentence: its concept phrase and coverage confidence."""
        out = []
        for sentence in sentences:
            g = self._glossary.gloss_sentence(sentence, source, target_language=target)
            out.append(Segment(sentence, g.phrase, Method.GLOSSARY, round(g.confidence, 4)))
        return out


def sentences_of(text: str) -> list[str]:
    """The sentences a translation is made of (the stripped text when it has no sentence break)."""
    return split_sentences(text) or [text.strip()]


class TranslationChain:
    """Machine-translation providers in order, then the glossary.

    Args:
        providers: tried in order; those whose :meth:`TranslationProvider.supports` says no are skipped.
        glossary: the glossary provider, used when every provider fails or none applies.
    """

    def __init__(self, providers: Sequence[TranslationProvider], glossary: GlossaryProvider) -> None:
        self.providers = list(providers)
        self.glossary = glossary

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex, 16 digits) of the providers' fingerprints: a new model or API changes cache keys."""
        parts = [p.fingerprint for p in self.providers] + [self.glossary.fingerprint]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    async def translate(self, text: str, source: str, target: str, *, romanized: bool = False) -> Translation:
        """Translate ``text`` from ``source`` to ``target`` (ISO 639-1 codes, already validated).

        Args:
            romanized: the source is an Indic language written in Latin letters; machine-translation
                providers trained on native script are skipped for it.
        Returns:
            The :class:`Translation` (``degraded`` when a provider failed); never raises for provider
            failures (the glossary answers).
        """
        sentences = sentences_of(text)
        if source == target:
            return Translation.from_segments(source, target, [Segment(s, s, Method.IDENTITY, 1.0) for s in sentences])
        failed = False
        for provider in self.providers:
            if not provider.supports(source, target, romanized=romanized):
                continue
            try:
                segments = await provider.translate(sentences, source, target)
                if len(segments) != len(sentences):
                    raise ProviderError(f"{len(segments)} segments for {len(sentences)} sentences")
                return replace(Translation.from_segments(source, target, segments), degraded=failed)
            except Exception as exc:  # any provider failure falls through to the next provider
                log.warning("translation provider %s failed: %s", provider.fingerprint, exc)
                failed = True
        glossed = Translation.from_segments(
            source, target, self.glossary.translate_sentences(sentences, source, target)
        )
        return replace(glossed, degraded=failed)
