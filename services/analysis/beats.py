"""Beats: splitting English sentences into clauses, and finding each clause's action.

A sentence is cut before a clause conjunction ("and", "while", "when"...) or after a comma or
semicolon, but only when both sides keep an action (a verb, or an action word of a gloss such as
"girl dance temple") and at least two words, so "girls and boys dance" stays one beat while
"A girl dances while it rains" becomes two.
"""

from __future__ import annotations

from collections.abc import Sequence

from services.analysis.lookup import forms
from services.analysis.nlp import Token
from services.scene.lexicon import ACTIONS, CLAUSE_CONJUNCTIONS, EMOTION_WORDS, WEATHER, WEATHER_ACTIONS

_LIGHT_VERBS = frozenset({"be", "have", "do", "get", "make", "let", "seem", "become"})


def _is_predicate(tok: Token) -> bool:
    if tok.pos == "VERB" and tok.lemma not in _LIGHT_VERBS:
        return True
    return tok.pos in ("NOUN", "PROPN", "VERB", "X") and any(f in ACTIONS for f in forms(tok))


def _words(tokens: Sequence[Token]) -> int:
    return sum(1 for t in tokens if t.pos not in ("PUNCT", "SPACE"))


def _ok_clause(tokens: Sequence[Token]) -> bool:
    return _words(tokens) >= 2 and any(_is_predicate(t) for t in tokens)


def split_clauses(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split one sentence's tokens into clauses (contiguous, covering every token).

    Returns a single clause when no cut keeps an action and two words on both sides.
    """
    if not tokens:
        return []
    candidates: list[int] = []
    for k, tok in enumerate(tokens):
        if k == 0:
            continue
        conjunction = tok.lower in CLAUSE_CONJUNCTIONS and (tok.pos in ("CCONJ", "SCONJ") or tok.dep in ("cc", "mark"))
        if conjunction or tokens[k - 1].text in (",", ";"):
            candidates.append(k)
    clauses: list[list[Token]] = []
    start = 0
    for cut in candidates:
        left, rest = tokens[start:cut], tokens[cut:]
        if _ok_clause(left) and _ok_clause(rest):
            clauses.append(list(left))
            start = cut
    clauses.append(list(tokens[start:]))
    return clauses


def action_of(tokens: Sequence[Token]) -> str:
    """The clause's main action as an English verb lemma, or ``""``.

    Preference: an action-lexicon word tagged as a verb; any action-lexicon word (glosses are not
    grammatical, "girl dance temple" has its verb tagged as a noun); the syntactic root if it is a
    verb; any other content verb; a weather verb or noun ("it rains", "evening rain").
    """
    for tok in tokens:
        if tok.pos == "VERB":
            for f in forms(tok):
                if f in ACTIONS:
                    return f
    for tok in tokens:
        if tok.pos in ("NOUN", "PROPN", "X", "VERB", "ADJ"):
            for f in forms(tok):
                if f in ACTIONS:
                    return f
    verbs = [t for t in tokens if t.pos == "VERB" and t.lemma not in _LIGHT_VERBS and t.lemma.isalpha()]
    roots = [t for t in verbs if t.dep == "ROOT"]
    if roots:
        return roots[0].lemma
    if verbs:
        return verbs[0].lemma
    for tok in tokens:
        for f in forms(tok):
            if f in WEATHER_ACTIONS or (f in WEATHER and f in ("rain", "snow", "storm", "drizzle", "thunder")):
                return f
    return ""


def is_emotional(tokens: Sequence[Token]) -> bool:
    """True when the clause names a feeling ("happily", "cry", "smile"): it is filmed close."""
    return any(f in EMOTION_WORDS for t in tokens for f in forms(t))


def clause_pieces(sentence: str, clauses: Sequence[Sequence[Token]]) -> list[str]:
    """The slices of ``sentence`` the clauses cover; ``"".join(result) == sentence``.

    Each clause runs from its first token to the next clause's first token, so whitespace stays
    with the clause before it and leading whitespace with the first clause.
    """
    cuts = [c[0].idx for c in clauses[1:] if c]
    bounds = [0, *cuts, len(sentence)]
    return [sentence[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]
