"""Concept recall and precision, and name precision, of an :class:`Understanding` on labelled sentences.

Used by ``benchmarks/understanding.py`` and by the quality tests. Micro-averaged per language:
recall = expected concepts found / expected concepts; precision = found concepts that were expected
/ concepts found. Colours (concepts without a category) are not counted: the labelled sets list
things and actions to draw.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from services.language.translate import Method
from services.language.understand import Understanding


@dataclass(frozen=True)
class Score:
    """Counts over a set of sentences; ``recall`` and ``precision`` are in [0, 1] (1 when nothing to count)."""

    expected: int
    found: int
    correct: int

    @property
    def recall(self) -> float:
        """Expected concepts found, as a share of those expected."""
        return self.correct / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Found concepts that were expected, as a share of those found."""
        return self.correct / self.found if self.found else 1.0


def concept_scores(
    understanding: Understanding, scenes: Sequence[Mapping[str, Any]], languages: Sequence[str]
) -> dict[str, Score]:
    """Per language, the score of ``understanding`` on ``scenes`` (``{"concepts": [...], "text": {lang: ...}}``).

    Each language's sentences go through :meth:`Understanding.understand` in one call, as a text
    of sentences goes through the service.
    """
    out: dict[str, Score] = {}
    for lang in languages:
        rows = [s for s in scenes if lang in s["text"]]
        found = understanding.understand([s["text"][lang] for s in rows], lang, method=Method.GLOSSARY)
        expected = found_n = correct = 0
        for scene, concepts in zip(rows, found, strict=True):
            want = set(scene["concepts"])
            got = {c.concept_id for c in concepts if c.category is not None}
            expected += len(want)
            found_n += len(got)
            correct += len(want & got)
        out[lang] = Score(expected, found_n, correct)
    return out


def name_scores(understanding: Understanding, sentences: Sequence[Mapping[str, Any]]) -> Score:
    """Names found in ``sentences`` (``{"language", "text", "names": [latin...]}``) against those expected."""
    expected = found_n = correct = 0
    for s in sentences:
        got = {n.latin for n in understanding.names.find(s["text"], s["language"])}
        want = set(s["names"])
        expected += len(want)
        found_n += len(got)
        correct += len(want & got)
    return Score(expected, found_n, correct)
