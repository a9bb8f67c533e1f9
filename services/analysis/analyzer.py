"""AnalyzeScene: validation and the analysis pipeline.

Pipeline for one scene:

1. English units: ``english_segments`` when given (one per source sentence), otherwise the
   sentences of ``english_text``.
2. The source text is shared out among the units (:func:`services.analysis.alignment.align_source`).
3. Each unit is split into sentences and clauses (one spaCy parse per sentence); each clause is a
   beat, and the unit's source piece is split among its beats (:func:`~services.analysis.alignment.split_like`).
   A beat left without source words is merged into the beat before it.
4. Entities are tracked clause by clause (pronouns resolved), then setting, mood, cameras and
   durations are derived.

Invariant: the beats' ``source_text`` joined equals ``source_text`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.analysis import nlp
from services.analysis.alignment import align_source, split_like
from services.analysis.beats import action_of, clause_pieces, is_emotional, split_clauses
from services.analysis.camera import beat_camera
from services.analysis.entities import EntityTracker
from services.analysis.lexicon import ACTIONS, MOOD_WORDS
from services.analysis.lookup import forms
from services.analysis.model import Beat, EntityKind, SceneAnalysis, SceneRequest
from services.analysis.mood import analyze_mood
from services.analysis.setting import detect_setting, is_landscape
from services.analysis.text import split_sentences, squash
from services.analysis.timing import beat_durations_ms
from services.mesh.errors import FieldViolation, InvalidArgument

#: ISO 639-1 codes of the languages Drishya accepts.
SUPPORTED_LANGUAGES: tuple[str, ...] = ("en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa")
#: Longest English text, in characters (see AnalyzeSceneRequest.english_text).
MAX_ENGLISH_CHARS = 4000
#: Longest source text, in characters (see AnalyzeSceneRequest.source_text).
MAX_SOURCE_CHARS = 2000
#: Most English segments accepted.
MAX_SEGMENTS = 200


def validate(request: SceneRequest) -> str:
    """Check ``request``; returns its normalised language code (``"te-IN"`` gives ``"te"``).

    Raises:
        InvalidArgument: reason ``EMPTY_TEXT`` (a blank text or segment), ``TEXT_TOO_LONG``
            (over 4000 English or 2000 source characters, or over 200 segments), or
            ``UNSUPPORTED_LANGUAGE``; each with field violations naming the fields.
    """
    empty = [
        FieldViolation(name, "must not be empty")
        for name, value in (("english_text", request.english_text), ("source_text", request.source_text))
        if not value.strip()
    ]
    empty += [
        FieldViolation(f"english_segments[{i}]", "must not be empty")
        for i, seg in enumerate(request.english_segments)
        if not seg.strip()
    ]
    if empty:
        raise InvalidArgument("the scene text is empty", reason="EMPTY_TEXT", violations=empty)
    long_ = []
    if len(request.english_text) > MAX_ENGLISH_CHARS:
        long_.append(FieldViolation("english_text", f"at most {MAX_ENGLISH_CHARS} characters"))
    if len(request.source_text) > MAX_SOURCE_CHARS:
        long_.append(FieldViolation("source_text", f"at most {MAX_SOURCE_CHARS} characters"))
    if (
        len(request.english_segments) > MAX_SEGMENTS
        or sum(len(s) for s in request.english_segments) > MAX_ENGLISH_CHARS
    ):
        long_.append(
            FieldViolation("english_segments", f"at most {MAX_SEGMENTS} segments of {MAX_ENGLISH_CHARS} characters")
        )
    if long_:
        raise InvalidArgument(
            "the scene text is too long",
            reason="TEXT_TOO_LONG",
            violations=long_,
            metadata={"max_english_chars": str(MAX_ENGLISH_CHARS), "max_source_chars": str(MAX_SOURCE_CHARS)},
        )
    code = request.language_code.strip().lower().replace("_", "-").split("-")[0]
    if code not in SUPPORTED_LANGUAGES:
        raise InvalidArgument(
            f"language {request.language_code!r} is not supported",
            reason="UNSUPPORTED_LANGUAGE",
            violations=[FieldViolation("language_code", f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")],
            metadata={"language_code": request.language_code, "supported": ",".join(SUPPORTED_LANGUAGES)},
        )
    return code


@dataclass
class _Draft:
    text: str
    source_text: str
    tokens: list[nlp.Token] = field(default_factory=list)
    entity_ids: list[str] = field(default_factory=list)


def _merge_empty(drafts: list[_Draft]) -> list[_Draft]:
    """Fold beats with no source words into a neighbour (the one before, or the next for the first)."""
    out: list[_Draft] = []
    carry: _Draft | None = None
    for d in drafts:
        if carry is not None:  # a leading wordless beat joins the first beat with words
            d = _Draft(
                carry.text + d.text,
                carry.source_text + d.source_text,
                carry.tokens + d.tokens,
                list(dict.fromkeys(carry.entity_ids + d.entity_ids)),
            )
            carry = None
        if squash(d.source_text):
            out.append(d)
        elif out:
            prev = out[-1]
            out[-1] = _Draft(
                prev.text + d.text,
                prev.source_text + d.source_text,
                prev.tokens + d.tokens,
                list(dict.fromkeys(prev.entity_ids + d.entity_ids)),
            )
        else:
            carry = d
    if carry is not None:
        if out:
            first = out[0]
            out[0] = _Draft(
                carry.text + first.text,
                carry.source_text + first.source_text,
                carry.tokens + first.tokens,
                list(dict.fromkeys(carry.entity_ids + first.entity_ids)),
            )
        else:
            out.append(carry)
    return out


def analyze_scene(request: SceneRequest, *, model: str = nlp.DEFAULT_MODEL) -> SceneAnalysis:
    """Analyse one scene (CPU-bound; a few milliseconds per sentence after the model is loaded).

    Args:
        request: the scene; see :class:`~services.analysis.model.SceneRequest`.
        model: spaCy pipeline name.
    Returns:
        The :class:`~services.analysis.model.SceneAnalysis`; its beats' ``source_text`` joined give
        back ``request.source_text`` exactly, and ``estimated_duration_ms`` (>= 6000) is their sum.
    Raises:
        InvalidArgument: see :func:`validate`.
    """
    language = validate(request)
    units = list(request.english_segments) or split_sentences(request.english_text.strip())
    units = [u for u in units if u.strip()] or [request.english_text.strip()]
    chunks = align_source(request.source_text, [u.strip() for u in units])

    tracker = EntityTracker(keep_source_names=language == "en")
    drafts: list[_Draft] = []
    sentences_tokens: list[list[nlp.Token]] = []
    for unit, chunk in zip(units, chunks, strict=True):
        english_parts: list[str] = []
        part_tokens: list[list[nlp.Token]] = []
        for sentence in split_sentences(unit.strip()) or [unit.strip()]:
            tokens = nlp.parse(sentence, model)
            sentences_tokens.append(tokens)
            clauses = [c for c in split_clauses(tokens) if c] or [tokens]
            english_parts.extend(clause_pieces(sentence, clauses))
            part_tokens.extend(clauses)
        source_parts = split_like(chunk, unit.strip(), english_parts)
        for text, tokens, source in zip(english_parts, part_tokens, source_parts, strict=True):
            drafts.append(_Draft(text, source, list(tokens), tracker.clause(tokens)))

    drafts = _merge_empty(drafts)
    entities = tracker.entities()
    by_id = {e.id: e for e in entities}
    all_tokens = [t for sent in sentences_tokens for t in sent]
    setting = detect_setting(sentences_tokens, entities)
    mood_words = [next((f for f in forms(t) if f in MOOD_WORDS), "") for t in all_tokens]
    action_words = [next((f for f in forms(t) if f in ACTIONS), "") for t in all_tokens]
    mood = analyze_mood(request.english_text, [w for w in mood_words if w], [a for a in action_words if a], setting)
    location_id = next((e.id for e in entities if e.kind is EntityKind.LOCATION), "")
    landscape = is_landscape(setting, entities)
    durations = beat_durations_ms([d.source_text for d in drafts])

    beats: list[Beat] = []
    for index, (d, duration) in enumerate(zip(drafts, durations, strict=True)):
        subject = next((i for i in d.entity_ids if by_id[i].kind in (EntityKind.CHARACTER, EntityKind.ANIMAL)), "")
        action = action_of(d.tokens)
        camera = beat_camera(
            index=index,
            count=len(drafts),
            text=d.text,
            action=action,
            emotional=is_emotional(d.tokens),
            character_id=subject,
            location_id=location_id,
            landscape=landscape,
            pace=mood.pace,
        )
        beats.append(
            Beat(
                index=index,
                text=d.text.strip(),
                source_text=d.source_text.strip(),
                action=action,
                entity_ids=tuple(d.entity_ids),
                duration_ms=duration,
                camera=camera,
            )
        )
    return SceneAnalysis(
        language_code=language,
        source_text=request.source_text,
        english_text=request.english_text,
        entities=tuple(entities),
        setting=setting,
        mood=mood,
        camera=beats[0].camera,
        beats=tuple(beats),
        estimated_duration_ms=sum(b.duration_ms for b in beats),
    )
