"""The visual concept vocabulary: size, unique ids and terms, every category, the glossary's ids, and
the shipped concept embeddings being those of the current vocabulary and default encoder (within the
encoder's arithmetic differences between CPUs)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from services.language.adapters.encoder import (
    DEFAULT_ENCODER,
    embedding_key,
    open_encoder,
    shipped_vectors,
)
from services.language.glossary import default_glossary
from services.language.understand import ConceptIndex
from services.scene.concepts import Category, VisualConcept, Vocabulary, default_vocabulary, snake_case


def test_vocabulary_has_at_least_2000_concepts_with_unique_ids_and_every_category() -> None:
    v = default_vocabulary()
    assert len(v) >= 2000
    ids = [c.id for c in v]
    assert len(set(ids)) == len(ids)
    assert {c.category for c in v} == set(Category)
    terms = [t.casefold() for c in v for t in c.terms]
    assert len(set(terms)) == len(terms)
    assert all(c.id == snake_case(c.label) and c.label.strip() == c.label for c in v)


def test_every_glossary_concept_but_the_colours_is_a_vocabulary_concept() -> None:
    v = default_vocabulary()
    missing = [c.id for c in default_glossary().concepts if c.id not in v and c.category != "color"]
    assert missing == []
    assert v["girl"].category is Category.PERSON
    assert v["bullock_cart"].category is Category.VEHICLE
    assert v["night"].category is Category.TIME_OF_DAY


def test_terms_and_synonyms_resolve_to_their_concept() -> None:
    v = default_vocabulary()
    police = v.by_term("Policeman")
    assert police is not None and police.id == "police_officer"
    assert v.by_term("no such thing") is None
    owners = {i for _, i in v.terms()}
    assert owners == set(range(len(v)))


def test_vocabulary_rejects_repeated_ids_and_shared_terms() -> None:
    a = VisualConcept("cat", "cat", Category.ANIMAL, ("kitten",))
    with pytest.raises(ValueError, match="repeats"):
        Vocabulary([a, a])
    with pytest.raises(ValueError, match="belongs to both"):
        Vocabulary([a, VisualConcept("kitten_toy", "kitten toy", Category.OBJECT, ("kitten",))])
    with pytest.raises(ValueError, match="snake case"):
        Vocabulary([VisualConcept("Cat", "cat", Category.ANIMAL)])


#: Least cosine similarity of a term's embedding, encoded here, with its shipped row. The encoder's
#: arithmetic differs by CPU and build (SIMD paths, fused multiply-adds): across builds of its engine for
#: other instruction sets the rows measured cosine 0.99987 or more and single values up to 0.0033 apart,
#: so values are not compared one by one.
LEAST_COSINE = 0.999


def _disagreements(
    shipped: NDArray[np.float32], owners: list[int], rows: list[int], fresh: NDArray[np.float32], index: ConceptIndex
) -> list[str]:
    """Rows of ``fresh`` (embeddings of the terms ``rows``) unlike their shipped row: cosine at most
    :data:`LEAST_COSINE`, or another concept nearest among the shipped embeddings."""
    cosine = np.sum(shipped[rows] * fresh, axis=1) / (
        np.linalg.norm(shipped[rows], axis=1) * np.linalg.norm(fresh, axis=1)
    )
    nearest = np.argmax(index.scores(fresh), axis=1)
    return [
        f"term {r}: cosine {c:.5f}, nearest concept {n} instead of {owners[r]}"
        for r, c, n in zip(rows, cosine, nearest, strict=True)
        if not (c > LEAST_COSINE and n == owners[r])
    ]


def test_shipped_embeddings_belong_to_this_vocabulary_and_the_default_encoder() -> None:
    encoder = open_encoder(DEFAULT_ENCODER)
    v = default_vocabulary()
    vectors = shipped_vectors(encoder, v)
    assert vectors is not None, f"rebuild with scripts/build_concept_embeddings.py (key {embedding_key(encoder, v)})"
    terms = v.terms()
    assert vectors.shape == (len(terms), 384)
    index, owners = ConceptIndex(v, vectors), [i for _, i in terms]
    rows = [*range(0, len(terms), len(terms) // 40), len(terms) - 1]
    fresh = encoder.encode([terms[i][0] for i in rows])
    assert _disagreements(vectors, owners, rows, fresh, index) == []
    # the check can fail: each row against its neighbour's shipped row, and one row turned by about 0.1 rad
    assert len(_disagreements(vectors, owners, rows, np.roll(fresh, 1, axis=0), index)) == len(rows)
    moved = fresh.copy()
    moved[0] += 0.005 * np.random.default_rng(0).standard_normal(moved.shape[1:]).astype(np.float32)
    assert [d.split(":")[0] for d in _disagreements(vectors, owners, rows, moved, index)] == [f"term {rows[0]}"]
