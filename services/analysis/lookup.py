"""Matching tokens against the lexicons: lemma, surface form, singular form and two-word phrases."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence

from services.analysis.nlp import Token
from services.scene.lexicon import IRREGULAR_PLURALS


def singular(word: str) -> str:
    """A best-effort singular of an English noun: irregulars from the lexicon, then -ies/-es/-s."""
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


def forms(token: Token) -> list[str]:
    """Candidate lexicon keys of ``token``, most specific first: lemma, surface, singular."""
    out = [token.lemma, token.lower, singular(token.lower)]
    return list(dict.fromkeys(f for f in out if f))


def match_at(tokens: Sequence[Token], i: int, table: Container[str]) -> tuple[str, int] | None:
    """The lexicon key matching at ``tokens[i]`` and how many tokens it spans (2 for phrases), or None.

    Two-word phrases ("railway station", "old man") are tried before single words; hyphenated
    words ("close-up") are split by spaCy into three tokens and are matched on the raw text instead
    (see :func:`phrase_in`).
    """
    tok = tokens[i]
    if i + 1 < len(tokens):
        nxt = tokens[i + 1]
        for a in forms(tok):
            for b in forms(nxt):
                key = f"{a} {b}"
                if key in table:
                    return key, 2
    for f in forms(tok):
        if f in table:
            return f, 1
    return None


def is_plural(token: Token) -> bool:
    """True when ``token`` is a plural noun ("children", "girls")."""
    if token.tag in ("NNS", "NNPS"):
        return True
    low = token.lower
    if low in IRREGULAR_PLURALS and IRREGULAR_PLURALS[low] != low:
        return True
    return low != token.lemma and low.endswith("s") and singular(low) == token.lemma


def phrase_in(text: str, phrase: str) -> bool:
    """True when ``phrase`` occurs in ``text`` (lower case) as whole words."""
    return re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text.lower()) is not None
