"""Story rules, free of I/O: validation, scene order, versions, forks.

A story's scenes are an ordered list. Every change to a story (its title, its scenes, their order,
its bible) adds one to the story's version; a change to a scene's text also adds one to the scene's
version. Callers name the version they read; a stale version raises :class:`VersionMismatch`
(gRPC ABORTED, HTTP 409), the optimistic-concurrency scheme of HTTP ETag/If-Match (RFC 9110 §13.1.1).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence

import grpc
from google.protobuf.message import Message

from drishya.story.v1 import story_pb2 as pb
from services.mesh.errors import DrishyaError, FieldViolation, InvalidArgument

#: Longest title, in characters.
MAX_TITLE = 200
#: Shortest and longest scene text, in characters (the generation service's limits on one scene).
MIN_SCENE_TEXT = 10
MAX_SCENE_TEXT = 2000
#: Most scenes a story may have.
MAX_SCENES = 500
#: ISO 639-1 languages Drishya reads (docs: DESIGN.md "Languages").
LANGUAGES = frozenset({"en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa"})


class VersionMismatch(DrishyaError):
    """The caller's version is not the current one; nothing changed (ABORTED, HTTP 409).

    ``metadata`` holds ``current_version`` (decimal string) and ``resource`` (``story``, ``scene``
    or ``bible``).
    """

    code = grpc.StatusCode.ABORTED
    reason = "VERSION_MISMATCH"

    def __init__(self, resource: str, current: int, given: int) -> None:
        super().__init__(
            f"{resource} version {given} is stale; the current version is {current}",
            metadata={"resource": resource, "current_version": str(current), "given_version": str(given)},
        )
        self.current = current


def check_version(resource: str, current: int, given: int) -> None:
    """Raise :class:`VersionMismatch` unless ``given == current``."""
    if given != current:
        raise VersionMismatch(resource, current, given)


def _has_control(text: str) -> bool:
    """Whether ``text`` holds a control character (Unicode Cc) other than tab, LF and CR."""
    return any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in text)


def validate_title(title: str) -> str:
    """The stripped title; raises :class:`InvalidArgument` when empty, over 200 characters or holding
    a control character other than tab, CR and LF."""
    t = title.strip()
    if not t or len(t) > MAX_TITLE or _has_control(t):
        raise InvalidArgument(
            "title must be 1 to 200 characters without control characters",
            reason="INVALID_TITLE",
            violations=[FieldViolation("title", f"1 to {MAX_TITLE} characters")],
        )
    return t


def validate_language(code: str, field: str = "language_code") -> str:
    """``code`` when empty or a supported ISO 639-1 code; raises :class:`InvalidArgument` otherwise."""
    if code and code not in LANGUAGES:
        raise InvalidArgument(
            f"unsupported language {code!r}",
            reason="UNSUPPORTED_LANGUAGE",
            violations=[FieldViolation(field, "one of " + ", ".join(sorted(LANGUAGES)))],
        )
    return code


def validate_scene_text(text: str, field: str = "text") -> str:
    """The stripped scene text; raises :class:`InvalidArgument` when under 10 or over 2000 characters
    or holding a control character other than tab, CR and LF."""
    t = text.strip()
    if not MIN_SCENE_TEXT <= len(t) <= MAX_SCENE_TEXT or _has_control(t):
        raise InvalidArgument(
            f"scene text must be {MIN_SCENE_TEXT} to {MAX_SCENE_TEXT} characters without control characters",
            reason="INVALID_SCENE_TEXT",
            violations=[FieldViolation(field, f"{MIN_SCENE_TEXT} to {MAX_SCENE_TEXT} characters")],
        )
    return t


def check_room(count: int, adding: int = 1) -> None:
    """Raise :class:`InvalidArgument` TOO_MANY_SCENES when ``count + adding`` exceeds 500."""
    if count + adding > MAX_SCENES:
        raise InvalidArgument(f"a story holds at most {MAX_SCENES} scenes", reason="TOO_MANY_SCENES")


def content_hash(text: str, language_code: str) -> str:
    """SHA-256 hex of the scene's language and text: the key under which a rendered video is reused."""
    return hashlib.sha256(f"{language_code}\x00{text}".encode()).hexdigest()


def insert_at(order: Sequence[str], scene_id: str, position: int | None) -> list[str]:
    """``order`` with ``scene_id`` inserted at ``position`` (appended when None or past the end).

    Raises:
        InvalidArgument: ``position`` is negative.
    """
    if position is not None and position < 0:
        raise InvalidArgument("position must be 0 or more", violations=[FieldViolation("position", ">= 0")])
    out = list(order)
    out.insert(len(out) if position is None else min(position, len(out)), scene_id)
    return out


def validate_reorder(current: Sequence[str], requested: Sequence[str]) -> list[str]:
    """The requested order, checked to be a permutation of the current scene ids.

    Raises:
        InvalidArgument: NOT_A_PERMUTATION when an id is missing, repeated or unknown.
    """
    if len(requested) != len(current) or set(requested) != set(current) or len(set(requested)) != len(requested):
        raise InvalidArgument(
            "scene_ids must list every scene of the story exactly once",
            reason="NOT_A_PERMUTATION",
            violations=[FieldViolation("scene_ids", "a permutation of the story's scene ids")],
        )
    return list(requested)


def fork_prefix(order: Sequence[str], scene_id: str) -> list[str]:
    """The scene ids a fork at ``scene_id`` shares: those up to and including it.

    Raises:
        InvalidArgument: SCENE_NOT_IN_STORY when ``scene_id`` is not one of ``order``.
    """
    if scene_id not in order:
        raise InvalidArgument(
            "scene_id is not a scene of the story",
            reason="SCENE_NOT_IN_STORY",
            violations=[FieldViolation("scene_id", "a scene of the story")],
        )
    return list(order[: order.index(scene_id) + 1])


def _strings(msg: Message) -> list[str]:
    """Every string of ``msg`` and its sub-messages (fields set, repeated ones included)."""
    out: list[str] = []
    for _field, value in msg.ListFields():
        values = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        for v in values:
            if isinstance(v, str):
                out.append(v)
            elif isinstance(v, Message):
                out += _strings(v)
    return out


def validate_bible(bible: pb.StoryBible) -> None:
    """Check that every entity of ``bible`` has an id and a name, and that ids are unique.

    Raises:
        InvalidArgument: INVALID_BIBLE with one violation per faulty entry.
    """
    violations: list[FieldViolation] = []
    seen: set[str] = set()
    entries: list[tuple[str, str, str]] = [
        *((f"bible.characters[{i}]", c.entity_id, c.name) for i, c in enumerate(bible.characters)),
        *((f"bible.locations[{i}]", c.entity_id, c.name) for i, c in enumerate(bible.locations)),
        *((f"bible.props[{i}]", c.entity_id, c.name) for i, c in enumerate(bible.props)),
    ]
    texts: list[tuple[str, Message]] = [(f"bible.characters[{i}]", c) for i, c in enumerate(bible.characters)]
    texts += [(f"bible.locations[{i}]", c) for i, c in enumerate(bible.locations)]
    texts += [(f"bible.props[{i}]", c) for i, c in enumerate(bible.props)]
    for where, entry in texts:
        if any(_has_control(v) for v in _strings(entry)):
            violations.append(FieldViolation(where, "no control characters other than tab, CR and LF"))
    for where, entity_id, name in entries:
        if not entity_id.strip():
            violations.append(FieldViolation(f"{where}.entity_id", "required"))
        elif entity_id in seen:
            violations.append(FieldViolation(f"{where}.entity_id", "must be unique in the bible"))
        seen.add(entity_id)
        if not name.strip():
            violations.append(FieldViolation(f"{where}.name", "required"))
    if violations:
        raise InvalidArgument("the story bible is not valid", reason="INVALID_BIBLE", violations=violations)
