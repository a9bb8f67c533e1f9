"""Using the language service's segments: concepts and names become entities, setting and mood words.

Category mapping (``drishya.language.v1.ConceptCategory``):

* PERSON -> character, ANIMAL -> animal, OBJECT and VEHICLE -> object (a prop), PLACE and NATURE ->
  location (scenery);
* TIME_OF_DAY and WEATHER labels feed the setting, EMOTION labels the mood, ACTION labels the
  beat's action when the English text gave none;
* a name becomes a named character: English name = its Latin transliteration, ``source_name`` =
  the name as written; a name that is a known place ("Kolkata") becomes a location (a city);
* a concept's entity keeps the source words it was recognised in as its ``source_name``, so shots
  can tell which of the user's words name it.

Also here: finding each segment's source sentence in the user's text, and giving a beat that was
not understood a visual from its neighbours. No I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.analysis.entities import entity_id
from services.analysis.nlp import Token
from services.scene.model import ConceptCategory, Entity, EntityKind, Segment
from services.scene.numbers import ENGLISH_NUMBERS, count_before
from services.scene.places import is_place_name

#: The entity kind each concept category becomes; categories not listed are not entities.
KIND_OF_CATEGORY: dict[ConceptCategory, EntityKind] = {
    ConceptCategory.PERSON: EntityKind.CHARACTER,
    ConceptCategory.ANIMAL: EntityKind.ANIMAL,
    ConceptCategory.OBJECT: EntityKind.OBJECT,
    ConceptCategory.VEHICLE: EntityKind.OBJECT,
    ConceptCategory.PLACE: EntityKind.LOCATION,
    ConceptCategory.NATURE: EntityKind.LOCATION,
}

#: The category an entity of each kind has when no concept gave one.
CATEGORY_OF_KIND: dict[EntityKind, ConceptCategory] = {
    EntityKind.CHARACTER: ConceptCategory.PERSON,
    EntityKind.ANIMAL: ConceptCategory.ANIMAL,
    EntityKind.OBJECT: ConceptCategory.OBJECT,
    EntityKind.LOCATION: ConceptCategory.PLACE,
}


def segment_entities(segment: Segment, language: str = "") -> list[Entity]:
    """Entities named by ``segment``: its concepts of entity categories, then its names, in order, unique.

    A number written before a concept's source words ("ಮೂರು ಹಸುಗಳು", "২টি নৌকা") becomes an English
    attribute ("three", "12") with ``"group"`` when above one (:func:`services.scene.numbers.count_before`).
    """
    out: dict[str, Entity] = {}
    for c in segment.concepts:
        kind = KIND_OF_CATEGORY.get(c.category)
        label = " ".join(c.label.lower().split())
        if kind is None or not label:
            continue
        eid = entity_id(kind, label)
        source = " ".join(c.source_text.split())
        counted = source and language != "en" and kind is not EntityKind.LOCATION
        count = count_before(segment.source_text, source, language) if counted else None
        attributes: tuple[str, ...] = ()
        if count is not None and count > 1:  # one is what a singular noun says already
            attributes = (ENGLISH_NUMBERS.get(count, str(count)), "group")
        out.setdefault(
            eid,
            Entity(eid, kind, label, attributes, source_name=source, concept_id=c.concept_id, category=c.category),
        )
    for n in segment.names:
        latin = " ".join(n.latin.split())
        if not latin:
            continue
        if is_place_name(latin):  # "Kolkata" is where, not who: a city
            eid = entity_id(EntityKind.LOCATION, latin)
            out.setdefault(
                eid,
                Entity(
                    eid,
                    EntityKind.LOCATION,
                    latin,
                    source_name=n.source_text.strip(),
                    concept_id="city",
                    category=ConceptCategory.PLACE,
                ),
            )
            continue
        eid = entity_id(EntityKind.CHARACTER, latin)
        out.setdefault(
            eid,
            Entity(
                eid, EntityKind.CHARACTER, latin, source_name=n.source_text.strip(), category=ConceptCategory.PERSON
            ),
        )
    return list(out.values())


def labels(segments: Sequence[Segment], category: ConceptCategory) -> list[str]:
    """Lower-case labels of the concepts of ``category`` across ``segments``, in order."""
    return [c.label.lower().strip() for s in segments for c in s.concepts if c.category is category and c.label.strip()]


def label_tokens(words: Sequence[str]) -> list[Token]:
    """Plain noun tokens for concept labels, so the lexicon matchers (time of day, weather) read them."""
    out: list[Token] = []
    for i, w in enumerate(x for label in words for x in label.split()):
        out.append(Token(i, w, w, "NOUN", "NN", "dep", i, "", 0, " "))
    return out


def segment_action(segment: Segment) -> str:
    """The first ACTION concept's verb (the label's first word, ``"dance"``), or ``""``."""
    acts = labels([segment], ConceptCategory.ACTION)
    return acts[0].split()[0] if acts else ""


def locate_segments(source_text: str, segments: Sequence[Segment]) -> list[str] | None:
    """The piece of ``source_text`` each segment covers, found in order; ``"".join(result) == source_text``.

    Text between segments (spaces, emoji a segment dropped) goes with the segment before it, text
    before the first with the first. Returns ``None`` when a segment's source is not found in order.
    """
    if not segments:
        return None
    starts: list[int] = []
    pos = 0
    for seg in segments:
        piece = seg.source_text.strip()
        if not piece:
            return None
        at = source_text.find(piece, pos)
        if at < 0:
            return None
        starts.append(at)
        pos = at + len(piece)
    starts[0] = 0
    bounds = [*starts, len(source_text)]
    return [source_text[bounds[i] : bounds[i + 1]] for i in range(len(segments))]


def borrow_entities(own: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Entity ids per beat, where a beat with none takes those of its nearest neighbour with some.

    The previous beat is preferred over the next at equal distance; beats stay empty only when no
    beat of the scene has an entity.
    """
    n = len(own)
    out: list[tuple[str, ...]] = []
    for i, ids in enumerate(own):
        if ids:
            out.append(tuple(ids))
            continue
        found: tuple[str, ...] = ()
        for d in range(1, n):
            for j in (i - d, i + d):
                if 0 <= j < n and own[j]:
                    found = tuple(own[j])
                    break
            if found:
                break
        out.append(found)
    return out
