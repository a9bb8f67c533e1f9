"""Conversions between the language domain types and the ``drishya.language.v1`` messages."""

from __future__ import annotations

from drishya.language.v1 import language_pb2 as pb
from drishya.language.v1 import language_service_pb2 as svc_pb
from services.language.detect import Detection
from services.language.languages import Script
from services.language.translate import Method, Segment, Translation

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
}
_METHODS_BACK = {v: k for k, v in _METHODS.items()}


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
        segments=[
            pb.TranslationSegment(
                source_text=s.source_text,
                text=s.text,
                method=_METHODS[s.method],  # type: ignore[arg-type]
                confidence=s.confidence,
            )
            for s in t.segments
        ],
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
        segments=tuple(Segment(s.source_text, s.text, _METHODS_BACK[s.method], s.confidence) for s in msg.segments),
        cached=msg.cached,
    )
