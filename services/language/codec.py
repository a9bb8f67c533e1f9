"""Conversions between the language domain types and the ``drishya.language.v1`` messages."""

from __future__ import annotations

from drishya.language.v1 import language_pb2 as pb
from drishya.language.v1 import language_service_pb2 as svc_pb
from services.language.detect import Detection
from services.language.languages import Script
from services.language.names import Name
from services.language.translate import FoundConcept, Method, Segment, Translation
from services.scene.concepts import Category

_SCRIPTS: dict[Script, int] = {
    Script.LATIN: pb.SCRIPT_LATIN,
    Script.DEVANAGARI: pb.SCRIPT_DEVANAGARI,
    Script.TELUGU: pb.SCRIPT_TELUGU,
    Script.TAMIL: pb.SCRIPT_TAMIL,
    Script.BENGALI: pb.SCRIPT_BENGALI,
    Script.GUJARATI: pb.SCRIPT_GUJARATI,
    Script.GURMUKHI: pb.SCRIPT_GURMUKHI,
    Script.KANNADA: pb.SCRIPT_KANNADA,
    Script.MALAYALAM: pb.SCRIPT_MALAYALAM,
    Script.ORIYA: pb.SCRIPT_ORIYA,
}

_METHODS: dict[Method, int] = {
    Method.CLOUD_API: pb.TRANSLATION_METHOD_CLOUD_API,
    Method.NLLB: pb.TRANSLATION_METHOD_NLLB,
    Method.GLOSSARY: pb.TRANSLATION_METHOD_GLOSSARY,
    Method.IDENTITY: pb.TRANSLATION_METHOD_IDENTITY,
    Method.ENCODER: pb.TRANSLATION_METHOD_ENCODER,
    Method.LOANWORD: pb.TRANSLATION_METHOD_LOANWORD,
}
_METHODS_BACK = {v: k for k, v in _METHODS.items()}

_CATEGORIES: dict[Category, int] = {c: pb.ConceptCategory.Value(f"CONCEPT_CATEGORY_{c.value}") for c in Category}
_CATEGORIES_BACK = {v: k for k, v in _CATEGORIES.items()}


def concept_to_proto(c: FoundConcept) -> pb.Concept:
    """A :class:`FoundConcept` as ``Concept`` (a concept without category, a colour, as UNSPECIFIED)."""
    return pb.Concept(
        concept_id=c.concept_id,
        label=c.label,
        category=_CATEGORIES[c.category] if c.category else pb.CONCEPT_CATEGORY_UNSPECIFIED,  # type: ignore[arg-type]
        method=_METHODS[c.method],  # type: ignore[arg-type]
        confidence=c.confidence,
        source_text=c.source_text,
    )


def concept_from_proto(msg: pb.Concept) -> FoundConcept:
    """A ``Concept`` as :class:`FoundConcept`; raises ``KeyError`` on an unknown method."""
    return FoundConcept(
        concept_id=msg.concept_id,
        label=msg.label,
        category=_CATEGORIES_BACK.get(msg.category),
        method=_METHODS_BACK[msg.method],
        confidence=msg.confidence,
        source_text=msg.source_text,
    )


def segment_to_proto(s: Segment) -> pb.TranslationSegment:
    """A :class:`Segment` as ``TranslationSegment`` with its concepts and names."""
    return pb.TranslationSegment(
        source_text=s.source_text,
        text=s.text,
        method=_METHODS[s.method],  # type: ignore[arg-type]
        confidence=s.confidence,
        concepts=[concept_to_proto(c) for c in s.concepts],
        names=[pb.Name(source_text=n.source_text, latin=n.latin, confidence=n.confidence) for n in s.names],
    )


def segment_from_proto(msg: pb.TranslationSegment) -> Segment:
    """A ``TranslationSegment`` as :class:`Segment`; raises ``KeyError`` on an unknown method."""
    return Segment(
        msg.source_text,
        msg.text,
        _METHODS_BACK[msg.method],
        msg.confidence,
        concepts=tuple(concept_from_proto(c) for c in msg.concepts),
        names=tuple(Name(n.source_text, n.latin, n.confidence) for n in msg.names),
    )


def detection_to_proto(d: Detection) -> pb.LanguageDetection:
    """A :class:`Detection` as ``LanguageDetection``."""
    return pb.LanguageDetection(
        language_code=d.language,
        script=_SCRIPTS.get(d.script, pb.SCRIPT_UNSPECIFIED),  # type: ignore[arg-type]
        romanized=d.romanized,
        confidence=d.confidence,
        candidates=[pb.LanguageCandidate(language_code=c, confidence=p) for c, p in d.candidates],
        code_mixed=d.code_mixed,
    )


def translation_to_proto(t: Translation) -> svc_pb.TranslateResponse:
    """A :class:`Translation` as ``TranslateResponse``."""
    return svc_pb.TranslateResponse(
        text=t.text,
        source_language_code=t.source_language,
        target_language_code=t.target_language,
        method=_METHODS[t.method],  # type: ignore[arg-type]
        confidence=t.confidence,
        segments=[segment_to_proto(s) for s in t.segments],
        cached=t.cached,
    )


def translation_from_proto(msg: svc_pb.TranslateResponse) -> Translation:
    """A ``TranslateResponse`` as :class:`Translation`; raises ``KeyError`` on an unknown method."""
    return Translation(
        text=msg.text,
        source_language=msg.source_language_code,
        target_language=msg.target_language_code,
        method=_METHODS_BACK[msg.method],
        confidence=msg.confidence,
        segments=tuple(segment_from_proto(s) for s in msg.segments),
        cached=msg.cached,
    )
