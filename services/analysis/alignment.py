"""Aligning English units (sentences, clauses) with the user's source text.

The source text is split into sentences (see :func:`services.scene.text.split_sentences`) and
shared out among the English units so that every unit gets a contiguous piece of it and the
pieces, joined, give back the whole source text exactly:

* as many source sentences as English units: one each, in order;
* more source sentences: each unit gets a run of consecutive sentences, cut where the cumulative
  character share of the source best matches the cumulative share of the English units;
* fewer source sentences: each sentence goes to a run of consecutive units (same rule), and a
  sentence shared by several units is split at word boundaries in proportion to their lengths.

This is length-proportional alignment in the spirit of Gale & Church, "A program for aligning
sentences in bilingual corpora" (Computational Linguistics 19(1), 1993), simplified to a greedy
monotone cut because the units here are few and always in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.scene.text import partition_by_weights, split_by_weights, split_sentences, squash, weight


def _weights(texts: Sequence[str]) -> list[float]:
    return [float(max(1, weight(t))) for t in texts]


def align_source(source_text: str, english_units: Sequence[str]) -> list[str]:
    """Share ``source_text`` out among ``english_units``.

    Args:
        source_text: the user's text.
        english_units: English texts in order; at least one.
    Returns:
        One source piece per English unit, in order; ``"".join(result) == source_text``. A piece
        is ``""`` only when the source has fewer words than there are units.
    Raises:
        ValueError: ``english_units`` is empty.
    """
    if not english_units:
        raise ValueError("at least one English unit is needed")
    m = len(english_units)
    if m == 1:
        return [source_text]
    sentences = split_sentences(source_text) or [source_text]
    n = len(sentences)
    if n >= m:
        sizes = partition_by_weights([weight(s) for s in sentences], _weights(english_units))
        out: list[str] = []
        pos = 0
        for size in sizes:
            out.append("".join(sentences[pos : pos + size]))
            pos += size
        return out
    # Fewer sentences than units: give each sentence a run of units, split it among them.
    runs = partition_by_weights([weight(u) for u in english_units], _weights(sentences))
    out = []
    pos = 0
    for sentence, size in zip(sentences, runs, strict=True):
        units = english_units[pos : pos + size]
        pos += size
        if size == 0:  # cannot happen with min_one and n < m, kept for safety
            if out:
                out[-1] += sentence
            else:
                out.append(sentence)
            continue
        out.extend(split_by_weights(sentence, _weights(units)) if size > 1 else [sentence])
    if len(out) != m:  # defensive: never lose or invent text
        out = [*out[: m - 1], "".join(out[m - 1 :])] if len(out) > m else [*out, *[""] * (m - len(out))]
    return out


def split_like(source_chunk: str, english_chunk: str, english_parts: Sequence[str]) -> list[str]:
    """Split ``source_chunk`` into ``len(english_parts)`` pieces following ``english_parts``.

    When the source chunk is the English chunk itself (an English scene: equal modulo whitespace)
    the cuts fall exactly where the English parts end; otherwise the chunk is split at word
    boundaries in proportion to the parts' lengths. ``"".join(result) == source_chunk``.
    """
    m = len(english_parts)
    if m <= 1:
        return [source_chunk]
    if squash(source_chunk) == squash(english_chunk) == squash("".join(english_parts)):
        out: list[str] = []
        pos = 0
        for k, part in enumerate(english_parts):
            need = weight(part)
            start = pos
            seen = 0
            while pos < len(source_chunk) and seen < need:
                if not source_chunk[pos].isspace():
                    seen += 1
                pos += 1
            if k < m - 1:
                while pos < len(source_chunk) and source_chunk[pos].isspace():
                    pos += 1
                out.append(source_chunk[start:pos])
            else:
                out.append(source_chunk[start:])
        return out
    return split_by_weights(source_chunk, _weights(english_parts))
