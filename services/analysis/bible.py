"""Story bible: the entities of a story's scenes, merged so every scene draws them the same way.

Entity ids are stable per lemma ("character-girl" in every scene that mentions a girl), so
merging is by id: the first scene that mentions an entity fixes its name and source name, and
later scenes add attributes ("young", then "red sari"). v1 keeps the bible in memory; storing it
per story is the caller's concern.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from services.scene.model import Entity, EntityKind, SceneAnalysis

_KIND_ORDER = {EntityKind.CHARACTER: 0, EntityKind.ANIMAL: 1, EntityKind.LOCATION: 2, EntityKind.OBJECT: 3}


@dataclass
class StoryBible:
    """Entities of a story, merged across its scenes in the order the scenes were added."""

    _entities: dict[str, Entity] = field(default_factory=dict)
    _order: dict[str, int] = field(default_factory=dict)
    scenes: int = 0

    def merge(self, analysis: SceneAnalysis) -> list[str]:
        """Add a scene's entities; returns the ids that were new to the bible, in order."""
        new = self.merge_entities(analysis.entities)
        self.scenes += 1
        return new

    def merge_entities(self, entities: Iterable[Entity]) -> list[str]:
        """Add entities; attributes accumulate (first-seen order), name and kind stay as first seen."""
        new: list[str] = []
        for e in entities:
            known = self._entities.get(e.id)
            if known is None:
                self._entities[e.id] = e
                self._order[e.id] = len(self._order)
                new.append(e.id)
                continue
            attrs = tuple(dict.fromkeys((*known.attributes, *e.attributes)))
            self._entities[e.id] = replace(known, attributes=attrs, source_name=known.source_name or e.source_name)
        return new

    def entities(self) -> list[Entity]:
        """All entities: characters first, then animals, locations, objects; each by first appearance."""
        return sorted(self._entities.values(), key=lambda e: (_KIND_ORDER[e.kind], self._order[e.id]))

    def get(self, entity_id: str) -> Entity | None:
        """The merged entity with ``entity_id``, or ``None``."""
        return self._entities.get(entity_id)

    def apply(self, analysis: SceneAnalysis) -> SceneAnalysis:
        """``analysis`` with each of its entities replaced by the bible's merged version.

        A scene that only says "girl" then carries the "young" attribute another scene gave her,
        so every scene renders her alike. Entities the bible does not know are kept as they are.
        """
        merged = tuple(self._entities.get(e.id, e) for e in analysis.entities)
        return replace(analysis, entities=merged)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._entities

    def __len__(self) -> int:
        return len(self._entities)

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities())
