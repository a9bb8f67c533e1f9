"""Decisions and findings shared by the text and video checks (no I/O, no protobuf)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Decision(enum.IntEnum):
    """Outcome of a check, ordered by strictness (a larger value is stricter)."""

    ALLOW = 1
    REVIEW = 2
    BLOCK = 3


class Category(enum.Enum):
    """Why content was flagged; mirrors ``drishya.moderation.v1.ReasonCategory``."""

    BLOCKLIST = "BLOCKLIST"
    COPYRIGHTED_CHARACTER = "COPYRIGHTED_CHARACTER"
    PROFANITY = "PROFANITY"
    TECHNICAL = "TECHNICAL"
    PHOTOSENSITIVITY = "PHOTOSENSITIVITY"


@dataclass(frozen=True)
class Finding:
    """One finding of a check.

    Attributes:
        category: why the content was flagged.
        decision: the decision this finding alone calls for.
        message: human-readable explanation in English.
        matched_term: the term as written in the text (text checks only).
        language_code: ISO 639-1 language of the matched list entry (text checks only).
    """

    category: Category
    decision: Decision
    message: str
    matched_term: str = ""
    language_code: str = ""


@dataclass(frozen=True)
class Verdict:
    """The result of a check: the strictest decision among ``findings`` (ALLOW when none)."""

    decision: Decision
    findings: tuple[Finding, ...]

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Verdict:
        """Build a verdict whose decision is the strictest among ``findings``."""
        found = tuple(findings)
        return cls(max((f.decision for f in found), default=Decision.ALLOW), found)
