"""A story's cast applied to one scene's analysis, free of I/O.

The story service resolves each scene's characters to its story bible and sends them as
``JobOptions.cast``. :func:`apply_cast` renames the analysis's entities to the bible's entity ids
and gives them the bible's attributes, so the storyboard (which derives skin tone from the entity
id and clothing colours from the attributes) draws a character the same way in every scene.
A character the scene only refers to (by pronoun) is added to the beats that show no character.
"""

from __future__ import annotations

from collections.abc import Sequence

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.generation.v1 import generation_pb2 as gen_pb2
from services.mesh.errors import FieldViolation, InvalidArgument

#: Most cast entries one job takes.
MAX_CAST = 32


def validate_cast(cast: Sequence[gen_pb2.CastEntry]) -> None:
    """Raise :class:`InvalidArgument` INVALID_CAST for over 32 entries or an entry without id or name."""
    violations = [
        FieldViolation(f"options.cast[{i}]", "entity_id and name are required")
        for i, c in enumerate(cast)
        if not c.entity_id.strip() or not c.name.strip()
    ]
    if len(cast) > MAX_CAST:
        violations.append(FieldViolation("options.cast", f"at most {MAX_CAST} entries"))
    if violations:
        raise InvalidArgument("the cast is not valid", reason="INVALID_CAST", violations=violations)


def apply_cast(analysis: an_pb.SceneAnalysis, cast: Sequence[gen_pb2.CastEntry]) -> an_pb.SceneAnalysis:
    """A copy of ``analysis`` with the cast's ids, names and attributes (see the module docstring)."""
    out = an_pb.SceneAnalysis()
    out.CopyFrom(analysis)
    if not cast:
        return out
    rename = {c.scene_entity_id: c for c in cast if c.scene_entity_id}
    kept: list[an_pb.Entity] = []
    seen: set[str] = set()
    for e in out.entities:
        entry = rename.get(e.id)
        if entry is not None:
            e.id, e.name = entry.entity_id, entry.name
            del e.attributes[:]
            e.attributes.extend(entry.attributes)
        if e.id not in seen:
            seen.add(e.id)
            kept.append(e)
    added = [c for c in cast if not c.scene_entity_id and c.entity_id not in seen]
    for c in added:
        kept.append(
            an_pb.Entity(id=c.entity_id, kind=an_pb.ENTITY_KIND_CHARACTER, name=c.name, attributes=c.attributes)
        )
    del out.entities[:]
    out.entities.extend(kept)
    people = {e.id for e in kept if e.kind == an_pb.ENTITY_KIND_CHARACTER}

    def renamed(entity_id: str) -> str:
        entry = rename.get(entity_id)
        return entry.entity_id if entry is not None else entity_id

    out.camera.focus_entity_id = renamed(out.camera.focus_entity_id)
    for beat in out.beats:
        ids = list(dict.fromkeys(renamed(i) for i in beat.entity_ids))
        if added and not any(i in people for i in ids):
            ids = [*(c.entity_id for c in added), *ids]
        del beat.entity_ids[:]
        beat.entity_ids.extend(ids)
        beat.camera.focus_entity_id = renamed(beat.camera.focus_entity_id)
    return out
