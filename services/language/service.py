"""The language service's use cases: detect a language; translate with validation, detection and caching."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from services.language.adapters.cache import cache_key
from services.language.detect import Detection, detect_language
from services.language.errors import validate_language_code, validate_text
from services.language.glossary import Glossary, default_glossary
from services.language.languages import Script
from services.language.text import script_counts
from services.language.translate import Translation, TranslationChain
from services.language.understand import Understanding

log = logging.getLogger(__name__)


class TranslationStore(Protocol):
    """Where translations are cached (in production the Redis
    :class:`~services.language.adapters.cache.TranslationCache`)."""

    async def get(self, key: str) -> Translation | None:
        """The translation under ``key`` marked ``cached``, or None."""
        ...

    async def put(self, key: str, translation: Translation) -> None:
        """Store ``translation`` under ``key``."""
        ...


def is_romanized(text: str, language: str) -> bool:
    """True when ``text`` of Indic ``language`` is mostly Latin letters (Hinglish, Tenglish...)."""
    counts = script_counts(text)
    return language != "en" and bool(counts) and counts.most_common(1)[0][0] is Script.LATIN


class LanguageService:
    """Detection and cached translation.

    Args:
        chain: the translation provider chain.
        cache: the translation cache; None disables caching.
        glossary: used for romanized language ID (default: the built-in glossary).
        understanding: fills every segment's concepts and names; None leaves them empty.
    """

    def __init__(
        self,
        chain: TranslationChain,
        cache: TranslationStore | None = None,
        *,
        glossary: Glossary | None = None,
        understanding: Understanding | None = None,
    ) -> None:
        self.chain = chain
        self.cache = cache
        self.glossary = glossary or default_glossary()
        self.understanding = understanding

    @property
    def fingerprint(self) -> str:
        """The translation chain's fingerprint, with the understanding's when there is one: part of cache keys."""
        if self.understanding is None:
            return self.chain.fingerprint
        return f"{self.chain.fingerprint}+{self.understanding.fingerprint}"

    def detect(self, text: str) -> Detection:
        """Validate ``text`` and identify its language.

        Raises:
            InvalidArgument: EMPTY_TEXT, TEXT_TOO_LONG, NO_LANGUAGE_DETECTED or UNSUPPORTED_LANGUAGE.
        """
        return detect_language(validate_text(text), glossary=self.glossary)

    async def translate(self, text: str, source_language_code: str = "", target_language_code: str = "") -> Translation:
        """Translate ``text``; the source is detected when empty, the target defaults to English.

        Every segment carries its concepts and names when the service has an understanding (the
        encoder runs in a worker thread). A cache hit returns the stored translation with
        ``cached=True``; cache failures are logged and the translation is made anyway. A degraded
        translation (a preferred provider failed) is not cached.

        Raises:
            InvalidArgument: EMPTY_TEXT, TEXT_TOO_LONG; UNSUPPORTED_LANGUAGE with a field violation
                on ``source_language_code`` or ``target_language_code``; NO_LANGUAGE_DETECTED or
                UNSUPPORTED_LANGUAGE from detection when no source is given.
        """
        validate_text(text)
        source = validate_language_code(source_language_code, field="source_language_code")
        target = validate_language_code(target_language_code, field="target_language_code", default="en")
        if not source:
            source = detect_language(text, glossary=self.glossary).language
        key = cache_key(self.fingerprint, source, target, text)
        if self.cache is not None:
            try:
                hit = await self.cache.get(key)
            except Exception as exc:  # the cache is an optimisation: a Redis outage must not fail translation
                log.warning("translation cache read failed: %s", exc)
                hit = None
            if hit is not None:
                return hit
        translation = await self.chain.translate(text, source, target, romanized=is_romanized(text, source))
        if self.understanding is not None:
            translation = await asyncio.to_thread(self.understanding.annotate, translation)
        if self.cache is not None and not translation.degraded:
            try:
                await self.cache.put(key, translation)
            except Exception as exc:
                log.warning("translation cache write failed: %s", exc)
        return translation
