"""The structured visual elements of a shot: who is in frame doing what, and which props.

Renderers draw from these instead of reading the prose prompt. Characters and animals are the
shot's entities of those kinds; the action goes to the entities the shot's action is about (all of
them when the shot shows one beat; the leading beat's when beats were merged). Objects become
props with their concept id and category. Locations are the setting, not elements. No I/O.
"""

from __future__ import annotations

from services.prompt.model import ShotCharacter, ShotProp
from services.prompt.planner import PlannedShot
from services.scene.model import ConceptCategory, EntityKind, SceneAnalysis


def shot_elements(shot: PlannedShot, analysis: SceneAnalysis) -> tuple[tuple[ShotCharacter, ...], tuple[ShotProp, ...]]:
    """Characters (with actions) and props of ``shot``, in the order of its ``entity_ids``.

    Unknown entity ids are skipped. A prop's category is its entity's concept category, OBJECT
    when the entity carries none.
    """
    characters: list[ShotCharacter] = []
    props: list[ShotProp] = []
    for eid in shot.entity_ids:
        e = analysis.entity(eid)
        if e is None or e.kind is EntityKind.LOCATION:
            continue
        if e.kind in (EntityKind.CHARACTER, EntityKind.ANIMAL):
            acting = not shot.lead_ids or eid in shot.lead_ids
            characters.append(
                ShotCharacter(
                    entity_id=e.id,
                    kind=e.kind,
                    name=e.name,
                    action=shot.action if acting else "",
                    attributes=e.attributes,
                    concept_id=e.concept_id or e.name,
                )
            )
        else:
            category = e.category if e.category is not ConceptCategory.UNSPECIFIED else ConceptCategory.OBJECT
            props.append(ShotProp(e.id, e.concept_id or e.name, category, e.name, e.attributes))
    return tuple(characters), tuple(props)
