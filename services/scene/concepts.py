"""The visual concept vocabulary: English things and actions a renderer can draw, each with a category.

The data (``services/scene/data/concepts.json``) lists about 2,900 concepts written for Drishya:
people and roles, animals, objects, vehicles, buildings and places, nature, weather, times of day
(with the seasons), actions (with events such as a wedding) and emotions. Each has a stable id
(its label in snake case), an English label, a category and, where useful, English synonyms.
No two concepts share a label or a synonym. The ids of the language service's scene glossary are
ids here too (except its six colours, which are attributes, not things to draw), so a concept
found by the glossary and one found by the encoder are the same concept.

Pure data, no I/O beyond reading the packaged file.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any


class Category(enum.Enum):
    """What kind of thing a concept names; the values are ``drishya.language.v1.ConceptCategory`` suffixes."""

    PERSON = "PERSON"
    ANIMAL = "ANIMAL"
    OBJECT = "OBJECT"
    VEHICLE = "VEHICLE"
    PLACE = "PLACE"
    NATURE = "NATURE"
    WEATHER = "WEATHER"
    TIME_OF_DAY = "TIME_OF_DAY"
    ACTION = "ACTION"
    EMOTION = "EMOTION"


VISUAL_CATEGORIES: frozenset[Category] = frozenset(
    {
        Category.PERSON,
        Category.ANIMAL,
        Category.OBJECT,
        Category.VEHICLE,
        Category.PLACE,
        Category.NATURE,
        Category.WEATHER,
        Category.TIME_OF_DAY,
    }
)
"""The categories of things that can be drawn (actions and emotions are not things)."""


@dataclass(frozen=True)
class VisualConcept:
    """One concept of the vocabulary.

    Attributes:
        id: stable identifier, snake case of the label, e.g. ``"police_officer"``.
        label: English label, e.g. ``"police officer"``.
        category: what kind of thing it is.
        synonyms: other English words for it, e.g. ``("policeman", "cop")``.
    """

    id: str
    label: str
    category: Category
    synonyms: tuple[str, ...] = ()

    @property
    def terms(self) -> tuple[str, ...]:
        """The label, then the synonyms."""
        return (self.label, *self.synonyms)


class Vocabulary:
    """The concepts, validated and indexed.

    Args:
        concepts: the concepts in data order.
        version: identifier of the data (first 16 hex digits of its SHA-256 for the packaged file).
    Raises:
        ValueError: ids repeat, an id is not the snake case of its label, or two concepts share a term.
    """

    def __init__(self, concepts: Sequence[VisualConcept], *, version: str = "") -> None:
        self.concepts: tuple[VisualConcept, ...] = tuple(concepts)
        self.version = version
        self._by_id: dict[str, VisualConcept] = {}
        owner: dict[str, str] = {}
        for c in self.concepts:
            if c.id in self._by_id:
                raise ValueError(f"concept id {c.id!r} repeats")
            if c.id != snake_case(c.label):
                raise ValueError(f"concept id {c.id!r} is not the snake case of its label {c.label!r}")
            self._by_id[c.id] = c
            for term in c.terms:
                key = term.casefold()
                if key in owner:
                    raise ValueError(f"term {term!r} belongs to both {owner[key]!r} and {c.id!r}")
                owner[key] = c.id
        self._by_term = owner

    @classmethod
    def from_json(cls, data: Mapping[str, Any], *, version: str = "") -> Vocabulary:
        """Build from the parsed JSON document ``{"concepts": [{"id", "label", "category", "synonyms"?}]}``.

        Raises:
            ValueError: as the constructor, or on an unknown category.
            KeyError: a concept lacks ``id``, ``label`` or ``category``.
        """
        concepts = [
            VisualConcept(
                id=c["id"],
                label=c["label"],
                category=Category(c["category"]),
                synonyms=tuple(c.get("synonyms", ())),
            )
            for c in data["concepts"]
        ]
        return cls(concepts, version=version)

    def __len__(self) -> int:
        return len(self.concepts)

    def __iter__(self) -> Iterator[VisualConcept]:
        return iter(self.concepts)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._by_id

    def get(self, concept_id: str) -> VisualConcept | None:
        """The concept with ``concept_id``, or None."""
        return self._by_id.get(concept_id)

    def __getitem__(self, concept_id: str) -> VisualConcept:
        """The concept with ``concept_id``; raises ``KeyError`` when there is none."""
        return self._by_id[concept_id]

    def by_term(self, term: str) -> VisualConcept | None:
        """The concept one of whose terms (label or synonym) is ``term``, compared case-insensitively."""
        cid = self._by_term.get(term.strip().casefold())
        return self._by_id[cid] if cid else None

    def terms(self) -> list[tuple[str, int]]:
        """Every (term, index of its concept in :attr:`concepts`) pair, labels first within a concept."""
        return [(t, i) for i, c in enumerate(self.concepts) for t in c.terms]


def snake_case(label: str) -> str:
    """``"Police officer"`` → ``"police_officer"``: lower case, runs of other characters become ``_``."""
    out: list[str] = []
    for ch in label.lower():
        if ch.isascii() and ch.isalnum():
            out.append(ch)
        elif out and out[-1] != "_":
            out.append("_")
    return "".join(out).strip("_")


@functools.lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The vocabulary shipped in ``services/scene/data/concepts.json`` (loaded once)."""
    raw = resources.files("services.scene").joinpath("data/concepts.json").read_bytes()
    return Vocabulary.from_json(json.loads(raw), version=hashlib.sha256(raw).hexdigest()[:16])
