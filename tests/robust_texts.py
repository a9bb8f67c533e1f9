"""The in-process path text -> shot list, over the real-world pieces of :mod:`tests.robust_pieces`.

Used by the property tests (tests/unit/test_text_properties.py) and benchmarks/robustness.py.
:func:`shot_list_for` runs the domain functions the pipeline runs over gRPC (glossary
translation, scene analysis, shot list builder), in-process.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.analysis.analyzer import analyze_scene
from services.language.glossary import default_glossary
from services.language.translate import GlossaryProvider, sentences_of
from services.prompt.builder import build_shot_list
from services.prompt.model import ShotList
from services.scene.model import Concept, ConceptCategory, Name, SceneRequest, Segment

#: Concepts a language service may attach to a segment, one per category.
CONCEPTS = (
    Concept("girl", "girl", ConceptCategory.PERSON, 0.9, "ENCODER"),
    Concept("police_officer", "police officer", ConceptCategory.PERSON, 0.7, "ENCODER"),
    Concept("elephant", "elephant", ConceptCategory.ANIMAL, 0.8, "ENCODER"),
    Concept("umbrella", "umbrella", ConceptCategory.OBJECT, 0.8, "GLOSSARY"),
    Concept("bus", "bus", ConceptCategory.VEHICLE, 0.6, "ENCODER"),
    Concept("market", "market", ConceptCategory.PLACE, 0.7, "ENCODER"),
    Concept("river", "river", ConceptCategory.NATURE, 0.7, "ENCODER"),
    Concept("rain", "rain", ConceptCategory.WEATHER, 0.9, "GLOSSARY"),
    Concept("night", "night", ConceptCategory.TIME_OF_DAY, 0.9, "GLOSSARY"),
    Concept("dance", "dance", ConceptCategory.ACTION, 0.8, "ENCODER"),
    Concept("joy", "joy", ConceptCategory.EMOTION, 0.6, "ENCODER"),
)


_glossary = GlossaryProvider(default_glossary())


def segments_for(
    text: str, language: str, extra: Sequence[tuple[tuple[Concept, ...], tuple[Name, ...]]] = ()
) -> tuple[Segment, ...]:
    """The glossary translation of ``text`` as analysis segments; ``extra[i]`` adds concepts and
    names to segment ``i`` (as the concept-aware language service would)."""
    sentences = sentences_of(text)
    if language == "en":
        glossed = [(s, s) for s in sentences]
    else:
        glossed = [(g.source_text, g.text) for g in _glossary.translate_sentences(sentences, language, "en")]
    out: list[Segment] = []
    for i, (source, english) in enumerate(glossed):
        concepts, names = extra[i] if i < len(extra) else ((), ())
        out.append(Segment(source, english, concepts, names))
    return tuple(out)


def shot_list_for(
    text: str, language: str, extra: Sequence[tuple[tuple[Concept, ...], tuple[Name, ...]]] = ()
) -> ShotList:
    """Text -> glossary segments -> :func:`analyze_scene` -> :func:`build_shot_list` ("storyboard")."""
    segments = segments_for(text, language, extra)
    english = " ".join(s.text for s in segments if s.text)
    analysis = analyze_scene(SceneRequest(english, text, language, segments=segments))
    return build_shot_list(analysis, "storyboard")
