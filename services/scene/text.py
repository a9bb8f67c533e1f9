"""Sentence splitting, proportional partition at word boundaries, and whitespace normalisation.

Every splitter here partitions its input exactly: joining the pieces gives back the input string,
so the user's words survive beat and shot planning unchanged (tested as an invariant).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: Sentence terminators: the Devanagari danda and double danda (U+0964, U+0965) end a sentence
#: anywhere; Latin . ! ?, the Arabic question mark and full-width marks end one before whitespace,
#: a closing quote or bracket, or the end. Runs ("?!", "...") and closing quotes stay attached.
_END_ANYWHERE = "।॥"
_END_BEFORE_SPACE = ".!?؟！？"
_CLOSERS = "\"'”’)\\]»"
_SENTENCE_END = re.compile(
    rf"(?:[{_END_ANYWHERE}]+|[{re.escape(_END_BEFORE_SPACE)}]+(?=[\s{re.escape(_CLOSERS)}]|$))[{re.escape(_CLOSERS)}]*\s*"
    r"|\n\s*"
)
#: Words that end in a full stop without ending a sentence: English titles and Latin abbreviations,
#: and the common abbreviated titles of the Indic scripts ("डॉ." for doctor, "श्री." and the like).
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "no", "nos", "vs", "etc", "eg", "ie",
        "rs", "smt", "shri", "sri", "lt", "col", "gen", "capt", "sgt", "hon", "rev", "govt", "dept",
        "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
        "oct", "nov", "dec", "approx", "fig", "vol", "pp", "ph", "km", "kg", "cm", "mm", "am", "pm",
        "डॉ", "डा", "प्रो", "श्री", "सं", "ডা", "ডঃ", "প্রো", "ડૉ", "ડો", "પ્રો", "డా", "ప్రొ", "டா", "டாக்",
        "ಡಾ", "ಪ್ರೊ", "ഡോ", "പ്രൊ", "ଡା", "ଡଃ", "ਡਾ", "ਪ੍ਰੋ",
    }
)  # fmt: skip
_LAST_WORD = re.compile(r"([^\W\d_]|[\u0900-\u0DFF])+(?:\.(?:[^\W\d_])+)*$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """True when the full stop at ``text[dot]`` closes an abbreviation or an initial ("U.S.", "A.")."""
    if text[dot] != "." or (dot + 1 < len(text) and text[dot + 1] in ".!?"):
        return False
    if dot > 0 and text[dot - 1] == ".":
        return False
    m = _LAST_WORD.search(text[:dot])
    if m is None:
        return False
    word = m.group(0)
    if "." in word:  # "U.S", "e.g", "i.e"
        return all(len(part) <= 2 for part in word.split("."))
    if len(word) == 1 and word.isalpha():  # an initial: "A. R. Rahman"
        return True
    return word.lower() in ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries of ``text`` as ``(start, end)`` offsets covering it exactly, in order.

    A sentence ends after ``। ॥`` anywhere, after ``. ! ? ؟`` followed by whitespace, a closing
    quote or bracket, or the end, and at line breaks; trailing whitespace stays with it. A full stop
    after an abbreviation or an initial ("Dr.", "U.S.", "डॉ.") does not end a sentence, and one
    inside a number or a URL ("3.5", "www.example.com") is never followed by a space so cannot.
    Blank input gives ``[]``; a piece without letters or digits is joined to the sentence before it.
    """
    if not text.strip():
        return []
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if end <= start or not text[start:end].strip():
            continue
        if m.group(0)[0] == "." and _is_abbreviation(text, m.start()) and m.group(0).strip() == ".":
            continue
        spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        wordless = not any(ch.isalnum() for ch in text[s:e])
        if merged and (wordless or not any(ch.isalnum() for ch in text[merged[-1][0] : merged[-1][1]])):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


_WORD = re.compile(r"\S+\s*")


def normalize_space(text: str) -> str:
    """``text`` with runs of whitespace collapsed to one space and ends stripped."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """``text`` without any whitespace: the form "equal modulo whitespace" compares."""
    return "".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (see :func:`sentence_spans`); ``"".join(result) == text``.

    Leading whitespace goes with the first sentence; blank input gives ``[text]`` if non-empty.
    """
    if not text:
        return []
    spans = sentence_spans(text)
    if not spans:
        return [text]
    pieces = [text[s:e] for s, e in spans]
    pieces[0] = text[: spans[0][0]] + pieces[0]
    return pieces


def words(text: str) -> list[str]:
    """Words of ``text`` each with its trailing whitespace; leading whitespace joins the first word."""
    found = _WORD.findall(text)
    lead = text[: len(text) - len(text.lstrip())]
    if found and lead:
        found[0] = lead + found[0]
    elif lead:
        found = [lead]
    return found


def weight(text: str) -> int:
    """Non-whitespace length of ``text``: the weight used to share time and words proportionally."""
    return len(squash(text))


def partition_by_weights(units: Sequence[int], weights: Sequence[float], *, min_one: bool = True) -> list[int]:
    """Cut ``len(units)`` items into ``len(weights)`` contiguous groups sized like ``weights``.

    Args:
        units: weight of each item (e.g. characters per word), in order.
        weights: relative size wanted for each group; at least one.
        min_one: give every group at least one item when there are enough items.
    Returns:
        The number of items in each group (sums to ``len(units)``); a group may be empty only
        when there are fewer items than groups (or ``min_one`` is false).

    The cut after group ``k`` is placed at the item boundary closest to the cumulative share of
    ``weights[:k + 1]``, clamped so that earlier and later groups can still get an item each.
    """
    n, m = len(units), len(weights)
    if m == 0:
        raise ValueError("at least one group is needed")
    total_u = float(sum(units)) or float(n) or 1.0
    units_f = [float(u) for u in units] if sum(units) > 0 else [1.0] * n
    total_w = float(sum(weights))
    shares = [float(w) / total_w for w in weights] if total_w > 0 else [1.0 / m] * m
    cum_u = [0.0]
    for u in units_f:
        cum_u.append(cum_u[-1] + u)
    cuts: list[int] = []
    prev = 0
    acc = 0.0
    reserve = min_one and n >= m
    for k in range(m - 1):
        acc += shares[k]
        target = acc * total_u
        lo = prev + 1 if reserve else prev
        hi = n - (m - 1 - k) if reserve else n
        best = min(range(lo, hi + 1), key=lambda j: (abs(cum_u[j] - target), j))
        cuts.append(best)
        prev = best
    bounds = [0, *cuts, n]
    return [bounds[i + 1] - bounds[i] for i in range(m)]


def split_by_weights(text: str, weights: Sequence[float]) -> list[str]:
    """Split ``text`` at word boundaries into ``len(weights)`` pieces sized like ``weights``.

    ``"".join(result) == text``. With fewer words than pieces, the last pieces are ``""``.
    """
    ws = words(text)
    if len(ws) < len(weights):
        return [*ws, *[""] * (len(weights) - len(ws))] if ws else [text, *[""] * (len(weights) - 1)]
    sizes = partition_by_weights([weight(w) for w in ws], weights)
    out: list[str] = []
    pos = 0
    for size in sizes:
        out.append("".join(ws[pos : pos + size]))
        pos += size
    return out
