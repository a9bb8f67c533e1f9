"""Entities of a scene (characters, animals, objects, locations) with stable ids.

An entity's id is ``"<kind>-<lemma>"`` with spaces as hyphens ("character-girl",
"location-railway-station", "character-ravi" for a named person), so the same word gives the
same id in every scene of a story: that is what the story bible relies on. A plural mention
("children") is the same entity as the singular ("child") with the attribute ``"group"``.
Pronouns never create entities; they are resolved to the last character of matching gender or
number so a beat like "Children watch her" takes part with the girl mentioned before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from services.analysis.lookup import is_plural, match_at
from services.analysis.nlp import Token
from services.scene.lexicon import (
    ANIMALS,
    CHARACTERS,
    CLOTHING,
    COLLECTIVE,
    LOCATIONS,
    NOT_ENTITIES,
    OBJECTS,
    PRONOUNS,
    TIME_OF_DAY,
    WEATHER,
)
from services.scene.model import Entity, EntityKind

_KIND_ORDER = {EntityKind.CHARACTER: 0, EntityKind.ANIMAL: 1, EntityKind.LOCATION: 2, EntityKind.OBJECT: 3}
_NOUNISH = ("NOUN", "PROPN", "X")
_NUMBER_WORDS = {
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "many",
    "several",
    "some",
    "few",
    "both",
}


_NOT_NAMES = frozenset({"GPE", "LOC", "FAC", "DATE", "TIME", "NORP", "CARDINAL", "ORDINAL", "EVENT", "LANGUAGE"})


def _is_name(tok: Token, *, continuing: bool = False) -> bool:
    """A token naming a person: in a PERSON span, or a capitalised proper-noun subject no lexicon knows."""
    if tok.ent_type == "PERSON" and tok.pos == "PROPN":
        return True
    if continuing or tok.pos != "PROPN" or not tok.text[:1].isupper() or tok.ent_type in _NOT_NAMES:
        return False
    known = (CHARACTERS, ANIMALS, LOCATIONS, OBJECTS, TIME_OF_DAY, WEATHER)
    return tok.dep in ("nsubj", "conj") and not any(tok.lower in t or tok.lemma in t for t in known)


def entity_id(kind: EntityKind, lemma: str) -> str:
    """The stable id of an entity: ``"<kind>-<lemma slug>"``, e.g. ``entity_id(CHARACTER, "girl")``."""
    slug = re.sub(r"[^\w]+", "-", lemma.strip().lower()).strip("-")
    return f"{kind.value}-{slug}"


@dataclass
class _Draft:
    id: str
    kind: EntityKind
    name: str
    attributes: list[str] = field(default_factory=list)
    source_name: str = ""
    gender: str = ""
    first: int = 0

    def add(self, attrs: Sequence[str]) -> None:
        for a in attrs:
            if a and a not in self.attributes:
                self.attributes.append(a)


@dataclass
class EntityTracker:
    """Collects entities over a scene's clauses, in order, and resolves pronouns.

    Args:
        keep_source_names: record the surface form as ``source_name`` (true when the source text
            is English, so the surface form is the user's word).
    """

    keep_source_names: bool = False
    _drafts: dict[str, _Draft] = field(default_factory=dict)
    _last: dict[str, str] = field(default_factory=dict)  # "f"/"m"/"p"/"" -> last character id
    _mentions: int = 0

    def _mention(self, kind: EntityKind, name: str, attrs: Sequence[str], surface: str, gender: str = "") -> str:
        eid = entity_id(kind, name)
        draft = self._drafts.get(eid)
        if draft is None:
            draft = _Draft(eid, kind, name, gender=gender, first=self._mentions)
            if self.keep_source_names:
                draft.source_name = surface
            self._drafts[eid] = draft
        draft.add(attrs)
        self._mentions += 1
        if kind is EntityKind.CHARACTER:
            self._last[""] = eid
            if "group" in draft.attributes:
                self._last["p"] = eid
            elif draft.gender:
                self._last[draft.gender] = eid
        return eid

    def clause(self, tokens: Sequence[Token]) -> list[str]:
        """Record the entities mentioned in one clause; returns their ids in order of mention.

        ``tokens`` must be one parsed text (their ``head`` indices refer to the same list offset
        by ``tokens[0].i``).
        """
        ids: list[str] = []
        base = tokens[0].i if tokens else 0
        used: set[int] = set()

        def attrs_of(k: int, span: int) -> list[str]:
            out: list[str] = []
            j = k - 1
            pre: list[str] = []
            while j >= 0 and tokens[j].pos in ("ADJ", "NUM") and j not in used:
                pre.append(tokens[j].lower)
                j -= 1
            out.extend(reversed(pre))
            for t in tokens:
                inside = t.i - base in range(k, k + span)
                if t.dep == "amod" and t.head - base in range(k, k + span) and not inside and t.lower not in out:
                    out.append(t.lower)
            group = is_plural(tokens[k + span - 1]) or any(a in _NUMBER_WORDS for a in out)
            out = [a for a in out if a not in ("one", "a", "an")]
            return [*out, "group"] if group else out

        def add(eid: str) -> None:
            if eid not in ids:
                ids.append(eid)

        # Named people first: spaCy PERSON spans, and capitalised proper nouns acting as subjects
        # (the small model often labels Indian names ORG or nothing).
        k = 0
        while k < len(tokens):
            if _is_name(tokens[k]):
                j = k + 1
                while j < len(tokens) and tokens[j].pos == "PROPN" and _is_name(tokens[j], continuing=True):
                    j += 1
                name = " ".join(t.text for t in tokens[k:j])
                used.update(range(k, j))
                add(self._mention(EntityKind.CHARACTER, name, [], name))
                k = j
            else:
                k += 1

        for k, tok in enumerate(tokens):
            if k in used:
                continue
            low = tok.lower
            if low in PRONOUNS and tok.pos == "PRON":
                if tok.dep == "poss":  # "his mother": the owner does not take part
                    continue
                ref = self._last.get(PRONOUNS[low])
                if ref is not None:
                    add(ref)
                continue
            if tok.pos not in _NOUNISH and tok.pos != "ADJ":
                continue
            hit = match_at(tokens, k, CHARACTERS)
            if hit is not None and (hit[1] == 2 or tok.pos in _NOUNISH):
                key, span = hit
                used.update(range(k, k + span))
                attrs = attrs_of(k, span)
                if key in COLLECTIVE and "group" not in attrs:
                    attrs.append("group")
                surface = " ".join(t.lower for t in tokens[k : k + span])
                add(self._mention(EntityKind.CHARACTER, key, attrs, surface, CHARACTERS[key]))
                continue
            worn = match_at(tokens, k, CLOTHING)
            wearer = next((i for i in reversed(ids) if i.startswith("character-")), "")
            if worn is not None and wearer and tok.pos in _NOUNISH:
                key, span = worn
                used.update(range(k, k + span))
                dress = " ".join([*(a for a in attrs_of(k, span) if a != "group"), key])
                self._drafts[wearer].add([dress])
                continue
            for table, kind in (
                (ANIMALS, EntityKind.ANIMAL),
                (LOCATIONS, EntityKind.LOCATION),
                (OBJECTS, EntityKind.OBJECT),
            ):
                hit = match_at(tokens, k, table)
                if hit is not None and (hit[1] == 2 or tok.pos in _NOUNISH):
                    key, span = hit
                    used.update(range(k, k + span))
                    surface = " ".join(t.lower for t in tokens[k : k + span])
                    attrs = attrs_of(k, span)
                    if kind is EntityKind.LOCATION:  # "fields" is still one place
                        attrs = [a for a in attrs if a != "group"]
                    add(self._mention(kind, key, attrs, surface))
                    break
            else:
                if (
                    tok.pos == "NOUN"
                    and tok.dep == "dobj"
                    and tok.lemma.isalpha()
                    and len(tok.lemma) >= 3
                    and tok.lemma not in NOT_ENTITIES
                    and tok.lemma not in TIME_OF_DAY
                    and tok.lemma not in WEATHER
                ):
                    used.add(k)
                    add(self._mention(EntityKind.OBJECT, tok.lemma, attrs_of(k, 1), tok.lower))
        return ids

    def entities(self) -> list[Entity]:
        """The entities seen so far: characters, then animals, locations, objects; each by first mention."""
        drafts = sorted(self._drafts.values(), key=lambda d: (_KIND_ORDER[d.kind], d.first))
        return [Entity(d.id, d.kind, d.name, tuple(d.attributes), d.source_name) for d in drafts]
