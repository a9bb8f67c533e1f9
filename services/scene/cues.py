"""Subtitle cues cut at phrase boundaries: where a sentence may be split between shots or lines.

Every cut between two words gets a cost (:func:`boundary_costs`); lower is a better place to end
a cue:

| cost | the cut falls |
|---|---|
| 0 | after a sentence end (``. ! ? । ॥ …``, closing quotes and brackets after it) |
| 0.5 | after clause punctuation (``, ; : — –``) or a closing quote or bracket |
| 1 | before a conjunction ("and", "और", "ও", "आणि", "మరియు", "மற்றும்", "અને", "ಮತ್ತು", "ഒപ്പം",
  "ଏବଂ", "ਅਤੇ") or an opening quote or bracket |
| 1.5 | after a verb: an auxiliary ("है", "আছে", "છે") or a finite verb or converb ending ("-ছে", "-कर") |
| 2 | after a postposition ("में", "থেকে") or a noun phrase ("एक बूढ़ा आदमी"), or before a
  determiner, numeral or preposition |
| 3 | anywhere else between two words |
| 5 | before a converb or verb ("लालटेन / लेकर"): a verb stays with its object |
| 40 (:data:`AVOID`) | before a postposition, auxiliary or particle; inside a doubled word ("धीरे धीरे"); after
  an ambiguous binder (English auxiliaries, "her", "up"); before a lone emoji |
| never (``inf``) | after a word that binds to the next one: an article or determiner, a numeral (number
  words and numbers in any script: "3", "৫টি", "१५"), a conjunction, a possessive, preposition or
  title ("Dr."), an attributive adjective (unless a conjunction follows: "old and tired"); and
  before lone closing punctuation ("।", ")") |

When several rows apply, the first that matches in this order wins: lone closing punctuation
(never), a mark after the word (0 or 0.5), a binding word (never), the 40 cases, then 1, 1.5, 5,
2 and 3. So a word that carries a sentence or clause mark ("एक,") binds to nothing. Words are
looked up in the lists of their own script (:mod:`services.scene.phrase_words`), so English
words inside Indic text follow the English lists. The costs are a design choice in the spirit of
subtitle style guides (break after punctuation, then at clause boundaries, never inside a noun
phrase), not fitted values.

:func:`split_cues` shares a text out among shots by these costs and a balance term; all
functions here partition exactly: joining the pieces gives back the input string.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from services.scene.phrase_words import BY_SCRIPT, NO_WORDS, TITLES, PhraseWords
from services.scene.text import ABBREVIATIONS, weight, words

SENTENCE_END = 0.0
CLAUSE_END = 0.5
BEFORE_CONJUNCTION = 1.0
AFTER_VERB = 1.5
PHRASE_EDGE = 2.0
WORD_GAP = 3.0
BEFORE_VERB = 5.0
AVOID = 40.0
"""Cost of a cut that splits a postposition, auxiliary or doubled word from its neighbour: taken
only when the shot would otherwise have no words."""
NEVER = math.inf

BALANCE = 40.0
"""Weight of the squared distance (in fractions of the text's non-space characters) between a cut
and where the shots' weights put it: a cut 20% off costs 1.6, so a comma that far away (0.5)
still beats a bare word gap on target (3)."""
EMPTY = 60.0
"""Cost of leaving a shot without words: above :data:`AVOID`, so a shot gets words whenever a
cut that is not ``NEVER`` exists."""

_SENTENCE_MARKS = frozenset(".!?।॥؟…")
_CLAUSE_MARKS = frozenset(",;:—–-)]}”’\"'»›،、")
_OPENERS = frozenset("([{“‘\"'«‹")
_CLOSING_ALONE = frozenset(".,;:!?।॥؟…)]}”’\"'»›")


def _is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks (not variation selectors): what a word's core is made of."""
    kind = unicodedata.category(ch)[0]
    return kind in "LN" or (kind == "M" and not 0xFE00 <= ord(ch) <= 0xFE0F)


def _script(core: str) -> str:
    """The Unicode script of the first letter of ``core`` ("DEVANAGARI", "LATIN"...), "" without one."""
    for ch in core:
        if unicodedata.category(ch)[0] == "L":
            return unicodedata.name(ch, "").split(" ")[0]
    return ""


@dataclass(frozen=True)
class _Word:
    """What one whitespace-free token tells about the cuts around it."""

    core: str  # NFC, case-folded, without leading and trailing punctuation
    lexicon: PhraseWords
    mark: float  # SENTENCE_END, CLAUSE_END or WORD_GAP (no mark) for the token's trailing punctuation
    numeral: bool
    opens: bool  # starts with an opening quote or bracket
    closing_alone: bool  # only closing punctuation ("।", ")")
    symbol_alone: bool  # no word characters and not punctuation (an emoji)
    abbreviation: bool  # ends in the full stop of an abbreviation or initial ("Dr.", "U.S.", "A.")
    verb: bool  # a converb or a word with a verb ending ("लेकर", "জ্বলছে", "ଧରି")
    modifier: bool  # a determiner, numeral, possessive or adjective: a noun follows


def _trailing_mark(token: str) -> tuple[float, bool]:
    """The cost class of the punctuation ending ``token``, and whether it is an abbreviation's full stop."""
    end = len(token)
    while end > 0 and not _is_word_char(token[end - 1]):
        end -= 1
    tail = token[end:]
    if not tail:
        return WORD_GAP, False
    if any(ch in _SENTENCE_MARKS for ch in tail):
        if tail == "." and _abbreviated(token[:end]):
            return WORD_GAP, True
        return SENTENCE_END, False
    if any(ch in _CLAUSE_MARKS for ch in tail):
        return CLAUSE_END, False
    return WORD_GAP, False


def _abbreviated(stem: str) -> bool:
    """True when a full stop after ``stem`` closes an abbreviation or an initial ("Dr", "U.S", "A")."""
    bare = unicodedata.normalize("NFC", stem).casefold().lstrip("\"'“‘([{«")
    if not bare:
        return False
    if "." in bare:
        return all(len(part) <= 2 for part in bare.split("."))
    return (len(bare) == 1 and bare.isalpha()) or bare in ABBREVIATIONS or bare in TITLES


@functools.lru_cache(maxsize=8192)
def _word(token: str) -> _Word:
    """Read ``token`` (a word without spaces)."""
    text = unicodedata.normalize("NFC", token)
    start, end = 0, len(text)
    while start < end and not _is_word_char(text[start]):
        start += 1
    while end > start and not _is_word_char(text[end - 1]):
        end -= 1
    core = text[start:end].casefold()
    lexicon = BY_SCRIPT.get(_script(core), NO_WORDS)
    mark, abbreviation = _trailing_mark(text)
    first = next((ch for ch in core if unicodedata.category(ch)[0] in "LN"), "")
    numeral = (bool(first) and unicodedata.category(first)[0] == "N") or core in lexicon.numerals
    bare = not core
    return _Word(
        core=core,
        lexicon=lexicon,
        mark=mark,
        numeral=numeral,
        opens=text[:1] in _OPENERS and not bare,
        closing_alone=bare and bool(text) and all(ch in _CLOSING_ALONE for ch in text),
        symbol_alone=bare and bool(text) and not any(unicodedata.category(ch)[0] == "P" for ch in text),
        abbreviation=abbreviation,
        verb=core in lexicon.converbs or any(core.endswith(e) and len(core) > len(e) + 1 for e in lexicon.verb_endings),
        modifier=mark == WORD_GAP
        and (numeral or core in lexicon.determiners | lexicon.numerals | lexicon.binders | lexicon.adjectives),
    )


def _cost(before: _Word | None, left: _Word, right: _Word) -> float:
    """The cost of ending a cue after ``left`` (``before`` is the word before it, if any) and
    starting the next with ``right`` (see the module doc)."""
    if right.closing_alone:
        return NEVER
    if left.mark != WORD_GAP:
        return left.mark
    lexicon = left.lexicon
    core = left.core
    if not core:
        return WORD_GAP if left.symbol_alone else NEVER  # a lone opening bracket or quote binds
    if left.abbreviation:  # "Dr. Rao", "A. R. Rahman" stay together; "etc.", "U.S." bind to nothing
        return NEVER if core in TITLES or len(core) == 1 else WORD_GAP
    if left.numeral or core in lexicon.binds_next or core.endswith(("'s", "’s")):
        return NEVER
    follows = right.lexicon
    if core in lexicon.adjectives and right.core not in follows.conjunctions | follows.binds_previous:
        return NEVER
    if core in lexicon.loose or right.core in follows.binds_previous or core == right.core or right.symbol_alone:
        return AVOID
    if right.opens or right.core in follows.conjunctions:
        return BEFORE_CONJUNCTION
    if left.verb or core in lexicon.auxiliaries:
        return AFTER_VERB
    if right.verb:
        return BEFORE_VERB
    if core in lexicon.postpositions or right.numeral or right.core in follows.binds_next:
        return PHRASE_EDGE
    if before is not None and before.modifier:  # "एक बूढ़ा आदमी | ...": the noun ends its phrase
        return PHRASE_EDGE
    return WORD_GAP


def boundary_costs(tokens: Sequence[str]) -> list[float]:
    """The cost of each cut between consecutive ``tokens`` (words without spaces).

    Returns:
        ``len(tokens) - 1`` costs (``[]`` for fewer than two tokens): entry ``i`` is the cost of
        ending a cue after ``tokens[i]``; ``0`` is best, ``inf`` (:data:`NEVER`) is never taken
        by :func:`split_cues`. See the module doc for the table.
    """
    read = [_word(t) for t in tokens]
    return [_cost(read[i - 1] if i else None, read[i], read[i + 1]) for i in range(len(read) - 1)]


def split_cues(text: str, weights: Sequence[float]) -> list[str]:
    """Split ``text`` at phrase boundaries into ``len(weights)`` cues sized like ``weights``.

    The cuts minimise, over all choices, the sum of each cut's boundary cost (see
    :func:`boundary_costs`) and ``BALANCE`` times its squared distance from its target (the
    cumulative share of ``weights``, in fractions of the text's non-space characters), by dynamic
    programming over the word boundaries (a shortest path with one step per cut) in
    O(len(weights) x words). A cue is left ``""`` (at the end) only when too few
    cuts are allowed, e.g. "एक दो" cannot be cut after "एक".

    Args:
        text: the text; any whitespace.
        weights: relative size wanted for each cue; at least one, non-negative.
    Returns:
        ``len(weights)`` strings, ``"".join(result) == text``; each cue but the last keeps the
        whitespace after its last word; empty cues come last.
    Raises:
        ValueError: ``weights`` is empty.
    """
    k = len(weights)
    if k == 0:
        raise ValueError("at least one cue is needed")
    pieces = words(text)
    n = len(pieces)
    if k == 1 or n <= 1:
        return [text, *[""] * (k - 1)]
    costs = boundary_costs([p.strip() for p in pieces])
    sizes = [weight(p) for p in pieces]
    total = float(sum(sizes)) or 1.0
    cum = [0.0]
    for s in sizes:
        cum.append(cum[-1] + s / total)
    ws = [max(0.0, float(w)) for w in weights]
    wsum = sum(ws)
    shares = [w / wsum for w in ws] if wsum > 0 else [1.0 / k] * k
    targets = [sum(shares[: j + 1]) for j in range(k - 1)]

    # best[b]: least cost of the cuts so far with the latest at word boundary b (b == n: the cues
    # from here on are empty); back[j][b]: where the cut before it was.
    best = [0.0] + [math.inf] * n
    back: list[list[int]] = []
    for target in targets:
        cur = [math.inf] * (n + 1)
        prev_of = [-1] * (n + 1)
        low, arg = math.inf, -1
        for b in range(1, n):
            if best[b - 1] < low:
                low, arg = best[b - 1], b - 1
            c = costs[b - 1]
            if c == math.inf or low == math.inf:
                continue
            cur[b] = low + c + BALANCE * (cum[b] - target) ** 2
            prev_of[b] = arg
        if best[n - 1] < low:
            low, arg = best[n - 1], n - 1
        if best[n] < low:
            low, arg = best[n], n
        cur[n] = low + EMPTY
        prev_of[n] = arg
        best = cur
        back.append(prev_of)
    last = min(range(1, n + 1), key=lambda b: (best[b], b))
    cuts = [last]
    for j in range(k - 2, 0, -1):
        cuts.append(back[j][cuts[-1]])
    cuts.reverse()
    bounds = [0, *cuts, n]
    return ["".join(pieces[bounds[i] : bounds[i + 1]]) for i in range(k)]


def shift_cut(left: str, right: str) -> tuple[str, str]:
    """Move the cut between two consecutive cues to the best phrase boundary near it.

    ``left + right`` is re-split by :func:`split_cues` with the cues' own sizes as weights, so a cut
    already at a good boundary stays and a bad one (after "एक", "और", "उसका") moves to the nearest
    better one. Returns ``(left, right)`` unchanged when either is blank; otherwise ``(a, b)`` with
    ``a + b == left + right`` and ``a`` not blank (``b`` is ``""`` only when no cut is allowed).
    """
    if not left.strip() or not right.strip():
        return left, right
    a, b = split_cues(left + right, [weight(left), weight(right)])
    return a, b
