"""AnalyzeScene: validation and the analysis pipeline.

Pipeline for one scene:

1. English units: the translation ``segments`` when given (one per source sentence, each with its
   concepts and names), else ``english_segments``, otherwise the sentences of ``english_text``. A
   unit may be empty (nothing in the sentence was understood): it still becomes a beat with its
   own words, and shows the entities of its nearest neighbouring beat and the scene's setting.
2. Each segment's source sentence is found in the source text; without segments the source text is
   shared out among the units (:func:`services.analysis.alignment.align_source`).
3. Each unit is split into sentences and clauses (one spaCy parse per sentence); each clause is a
   beat, and the unit's source piece is split among its beats (:func:`~services.analysis.alignment.split_like`).
   A beat left without source words is merged into the beat before it.
4. Entities are tracked clause by clause (pronouns resolved) and added from the segments' concepts
   and names (:mod:`services.analysis.segments`), then setting, mood, cameras and durations are derived.

Invariant: the beats' ``source_text`` joined equals ``source_text`` exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from services.analysis import nlp
from services.analysis.alignment import align_source, split_like
from services.analysis.beats import action_of, clause_pieces, is_emotional, split_clauses
from services.analysis.camera import beat_camera
from services.analysis.entities import EntityTracker
from services.analysis.lookup import forms
from services.analysis.mood import analyze_mood
from services.analysis.segments import (
    CATEGORY_OF_KIND,
    borrow_entities,
    label_tokens,
    labels,
    locate_segments,
    segment_action,
    segment_entities,
)
from services.analysis.setting import detect_setting, is_landscape
from services.analysis.timing import beat_durations_ms
from services.mesh.errors import FieldViolation, InvalidArgument
from services.scene.lexicon import ACTIONS, MOOD_WORDS
from services.scene.model import Beat, ConceptCategory, Entity, EntityKind, SceneAnalysis, SceneRequest, Segment
from services.scene.text import split_sentences, squash

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
        InvalidArgument: reason ``EMPTY_TEXT`` (a blank source text), ``TEXT_TOO_LONG``
            (over 4000 English or 2000 source characters, or over 200 segments), or
            ``UNSUPPORTED_LANGUAGE``; each with field violations naming the fields.
    """
    if not request.source_text.strip():
        raise InvalidArgument(
            "the scene text is empty",
            reason="EMPTY_TEXT",
            violations=[FieldViolation("source_text", "must not be empty")],
        )
    long_ = []
    if len(request.english_text) > MAX_ENGLISH_CHARS:
        long_.append(FieldViolation("english_text", f"at most {MAX_ENGLISH_CHARS} characters"))
    if len(request.source_text) > MAX_SOURCE_CHARS:
        long_.append(FieldViolation("source_text", f"at most {MAX_SOURCE_CHARS} characters"))
    if (
        max(len(request.english_segments), len(request.segments)) > MAX_SEGMENTS
        or sum(len(s) for s in request.english_segments) > MAX_ENGLISH_CHARS
        or sum(len(s.text) for s in request.segments) > MAX_ENGLISH_CHARS
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
    concept_action: str = ""


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
                carry.concept_action or d.concept_action,
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
                prev.concept_action or d.concept_action,
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
                carry.concept_action or first.concept_action,
            )
        else:
            out.append(carry)
    return out


def analyze_scene(request: SceneRequest, *, model: str = nlp.DEFAULT_MODEL) -> SceneAnalysis:
    """Analyse one scene (CPU-bound; a few milliseconds per sentence after the model is loaded).

    Args:
        request: the scene; see :class:`~services.scene.model.SceneRequest`.
        model: spaCy pipeline name.
    Returns:
        The :class:`~services.scene.model.SceneAnalysis`; its beats' ``source_text`` joined give
        back ``request.source_text`` exactly, and ``estimated_duration_ms`` (>= 6000) is their sum.
    Raises:
        InvalidArgument: see :func:`validate`.
    """
    language = validate(request)
    segments = list(request.segments)
    if segments:
        units = [seg.text for seg in segments]
    else:
        units = list(request.english_segments) or split_sentences(request.english_text.strip())
        units = units or [request.english_text]
        segments = [Segment("", u) for u in units]
    chunks = locate_segments(request.source_text, request.segments) or align_source(
        request.source_text, [u.strip() for u in units]
    )

    tracker = EntityTracker(keep_source_names=language == "en")
    drafts: list[_Draft] = []
    sentences_tokens: list[list[nlp.Token]] = []
    found: dict[str, Entity] = {}
    for unit, chunk, seg in zip(units, chunks, segments, strict=True):
        given = segment_entities(seg, language)
        for e in given:
            found.setdefault(e.id, e)
        given_ids = [e.id for e in given]
        if not unit.strip():  # nothing understood: the sentence keeps its words, visuals come later
            drafts.append(_Draft("", chunk, [], given_ids, segment_action(seg)))
            continue
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
            ids = list(dict.fromkeys([*tracker.clause(tokens), *given_ids]))
            drafts.append(_Draft(text, source, list(tokens), ids, segment_action(seg)))

    drafts = _merge_empty(drafts)
    tracked = [
        replace(
            e,
            concept_id=e.concept_id or e.name,
            category=CATEGORY_OF_KIND[e.kind],
            source_name=e.source_name or (found[e.id].source_name if e.id in found else ""),
            attributes=tuple(dict.fromkeys([*e.attributes, *(found[e.id].attributes if e.id in found else ())])),
        )
        for e in tracker.entities()
    ]
    tracked_ids = {e.id for e in tracked}
    entities = tracked + [e for e in found.values() if e.id not in tracked_ids]
    by_id = {e.id: e for e in entities}
    all_tokens = [t for sent in sentences_tokens for t in sent]
    scene_words = label_tokens(
        labels(segments, ConceptCategory.TIME_OF_DAY) + labels(segments, ConceptCategory.WEATHER)
    )
    setting = detect_setting([*sentences_tokens, scene_words], entities)
    mood_words = [next((f for f in forms(t) if f in MOOD_WORDS), "") for t in all_tokens]
    mood_words += [w for w in labels(segments, ConceptCategory.EMOTION) if w in MOOD_WORDS]
    action_words = [next((f for f in forms(t) if f in ACTIONS), "") for t in all_tokens]
    mood = analyze_mood(request.english_text, [w for w in mood_words if w], [a for a in action_words if a], setting)
    location_id = next((e.id for e in entities if e.kind is EntityKind.LOCATION), "")
    landscape = is_landscape(setting, entities)
    durations = beat_durations_ms([d.source_text for d in drafts])

    neighbours = borrow_entities([d.entity_ids for d in drafts])
    beats: list[Beat] = []
    for index, (d, duration, borrowed) in enumerate(zip(drafts, durations, neighbours, strict=True)):
        action = action_of(d.tokens) or d.concept_action
        shown = tuple(d.entity_ids) if d.entity_ids or action else borrowed  # nothing understood: context
        subject = next((i for i in shown if by_id[i].kind in (EntityKind.CHARACTER, EntityKind.ANIMAL)), "")
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
                entity_ids=shown,
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
