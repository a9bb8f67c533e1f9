"""Multilingual text rules: blocklist, copyrighted characters and profanity (pure; no I/O per call).

The lists live in ``services/moderation/data/*.json``: each file has a ``category``, a default
``decision`` and ``concepts``; a concept has an ``id``, either a ``message`` or a character
``name`` and ``owner``, an optional ``decision`` and ``terms`` keyed by ISO 639-1 language (native
script spellings and common romanizations). :func:`load_rules` reads and indexes them once;
:func:`check_text` is then a pure function of the text.

Matching, in order:

1. Unicode NFC normalization; ZWJ/ZWNJ, zero-width spaces and soft hyphens are ignored;
   atomic Malayalam chillu letters (Unicode 5.1+) become consonant + virama, which is what the
   older consonant + virama + ZWJ spelling leaves once ZWJ is ignored; Devanagari and Gurmukhi
   nukta, Gurmukhi addak and Devanagari candrabindu (as anusvara) are folded, so spelling
   variants meet.
2. Case folding (``str.casefold``); Latin letters lose diacritics and compatibility forms
   (``é`` → ``e``, fullwidth ``ｓ`` → ``s``); common Cyrillic/Greek look-alikes become Latin
   letters; combining marks stacked on Latin letters (strike-through tricks) are dropped.
3. Tokens are runs of letters, marks and digits. Inside Latin tokens leetspeak is undone
   (``sp1derman`` → ``spiderman``, ``b@tman`` → ``batman``) and apostrophes are dropped; runs of
   three or more single letters separated by spaces or dots are merged (``s.p.i.d.e.r`` →
   ``spider``).
4. A term matches a sequence of consecutive tokens separated only by spaces, hyphens, dots,
   underscores, slashes or ``&`` (no comma or sentence punctuation), compared with separators
   removed, so ``spider man``, ``spider-man`` and ``spiderman`` are one term. Latin matching is
   word-boundary aware: the token sequence must equal the term, optionally with an English
   inflection (``-s``, ``-es``, ``-ed``, ``-ing``...) when what is left has at least 4 letters,
   and with runs of three or more repeated letters squeezed (``spiiiiderman``). So ``class``,
   ``grass`` and ``batsman`` never match ``ass`` or ``bat``-style terms, and ``Scunthorpe``
   matches nothing.
5. Indic-script terms (and romanized terms of Indic languages) match when the last token
   *starts with* the term's end, because case suffixes and postpositions attach to the word
   (``స్పైడర్ మ్యాన్‌తో`` matches ``స్పైడర్ మ్యాన్``). A term ending in a virama also matches
   when the suffix gives that consonant a vowel sign instead (Tamil ``ஸ்பைடர் மேனுடன்``,
   Malayalam ``സ്പൈഡർമാനും``). Terms shorter than 4 code points (5 for romanized ones) must
   match whole tokens, to keep short stems from matching unrelated words.

Each match becomes a :class:`services.moderation.findings.Finding` with the term as written in
the (NFC) text, the language of the list entry (the request's hint wins when the same spelling
is listed for several languages) and an English message. Overlapping matches of one category
keep only the longest; repeats of the same term are reported once.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.mesh.errors import FieldViolation, InvalidArgument
from services.moderation.findings import Category, Decision, Finding, Verdict

#: Languages of the platform (ISO 639-1).
LANGUAGES: tuple[str, ...] = ("en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa")

#: Longest accepted text, in code points (``CheckTextRequest.text``: 1 to 4000 characters).
MAX_TEXT_CHARS = 4000

#: The list files read by :func:`load_rules`, in reporting order.
DATA_FILES: tuple[str, ...] = ("blocklist.json", "copyrighted_characters.json", "profanity.json")

DATA_DIR = Path(__file__).resolve().parent / "data"

_MIN_INDIC_PREFIX = 4
_MIN_ROMAN_PREFIX = 5
_MIN_INFLECTED_BASE = 4
_EN_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers")

_IGNORED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u0a71")  # zero-width, soft hyphen, addak
_FOLDED = {"\u093c": "", "\u0a3c": "", "\u0901": "\u0902"}  # nukta (deva, guru), candrabindu
_CHILLU = {  # atomic Malayalam chillu letters → consonant + virama (the pre-5.1 spelling without ZWJ)
    "\u0d7a": "\u0d23\u0d4d",
    "\u0d7b": "\u0d28\u0d4d",
    "\u0d7c": "\u0d30\u0d4d",
    "\u0d7d": "\u0d32\u0d4d",
    "\u0d7e": "\u0d33\u0d4d",
    "\u0d7f": "\u0d15\u0d4d",
}
_VIRAMAS = frozenset("\u094d\u09cd\u0a4d\u0acd\u0b4d\u0bcd\u0c4d\u0ccd\u0d4d")
_CONFUSABLES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
        "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
        "υ": "u", "χ": "x",
    }
)  # fmt: skip
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "@": "a",
                       "$": "s", "!": "i", "|": "l"})  # fmt: skip
_LEET_INNER = frozenset("@!|")  # count as letters only between two letters or digits
_APOSTROPHES = frozenset("'’ʼ")
_JOINERS = frozenset("-‐‑‒–—._·*~/\\&")
_SQUEEZE = re.compile(r"(.)\1{2,}")


@dataclass(frozen=True)
class Concept:
    """One listed concept (a blocklist topic, a character, a profanity group)."""

    id: str
    category: Category
    decision: Decision
    message: str
    name: str = ""
    owner: str = ""


@dataclass(frozen=True)
class ListEntry:
    """One spelling's list entry: its concept, the language it is listed under, how it may match."""

    concept: Concept
    language: str
    prefix_ok: bool
    vowel_join: bool = False  # indexed without its final virama: the next character must be a vowel sign


@dataclass
class RuleSet:
    """Indexed lists: normalized compact term → entries, by matching mode."""

    concepts: tuple[Concept, ...]
    latin_exact: dict[str, list[ListEntry]] = field(default_factory=dict)
    latin_prefix: dict[str, list[ListEntry]] = field(default_factory=dict)
    other: dict[str, list[ListEntry]] = field(default_factory=dict)
    max_join: int = 1

    @property
    def term_count(self) -> int:
        """Number of distinct normalized terms."""
        return len(self.latin_exact) + len(self.latin_prefix) + len(self.other)


@dataclass
class _Token:
    text: str
    src: list[int]
    latin: bool
    joinable_before: bool


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    category: Category
    entries: tuple[ListEntry, ...]


# -- normalization --------------------------------------------------------------------------


def _fold_char(ch: str) -> str:
    """Latin compatibility/diacritic folding for one case-folded character."""
    if ch.isascii():
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and base.isascii() and base.isprintable():
        return base
    return ch.translate(_CONFUSABLES)


def _normalize(text: str) -> tuple[str, list[int]]:
    """Matching form of NFC ``text`` and, per output character, its index in ``text``."""
    out: list[str] = []
    src: list[int] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _IGNORED:
            i += 1
            continue
        chillu = _CHILLU.get(ch)
        if chillu is not None:
            out.extend(chillu)
            src.extend([i] * len(chillu))
            i += 1
            continue
        ch = _FOLDED.get(ch, ch)
        if not ch:
            i += 1
            continue
        if unicodedata.combining(ch) and out and out[-1].isascii() and out[-1].isalpha():
            i += 1  # a mark stacked on a Latin letter: obfuscation, not spelling
            continue
        for folded in ch.casefold():
            for c in _fold_char(folded):
                out.append(c)
                src.append(i)
        i += 1
    return "".join(out), src


def _is_word(c: str) -> bool:
    return unicodedata.category(c)[0] in "LMN"


def _is_indic(c: str) -> bool:
    return "\u0900" <= c <= "\u0dff"


def _is_vowel_sign(c: str) -> bool:
    return _is_indic(c) and unicodedata.category(c) in ("Mn", "Mc") and c not in _VIRAMAS


def _tokenize(norm: str, src: Sequence[int]) -> list[_Token]:
    """Split the matching form into tokens, undo Latin obfuscation and merge spelled-out letters."""
    raw: list[tuple[int, int, bool]] = []  # (start, end, joinable separator before)
    i, n = 0, len(norm)
    sep_ok = True
    while i < n:
        c = norm[i]
        starts = _is_word(c) or (c == "$" and i + 1 < n and norm[i + 1].isalpha())
        if not starts:
            sep_ok = sep_ok and (c.isspace() or c in _JOINERS)
            i += 1
            continue
        start = i
        i += 1
        while i < n:
            c = norm[i]
            inner = 0 < i < n - 1 and norm[i - 1].isalnum() and norm[i + 1].isalnum()
            leet = (c in _LEET_INNER or c in _APOSTROPHES) and inner
            if not (_is_word(c) or leet or (c == "$" and norm[i - 1].isalnum())):
                break
            i += 1
        raw.append((start, i, sep_ok or not raw))
        sep_ok = True
    tokens: list[_Token] = []
    for start, end, joinable in raw:
        chars = [(norm[k], src[k]) for k in range(start, end) if norm[k] not in _APOSTROPHES]
        word = "".join(c for c, _ in chars)
        latin = not any(_is_indic(c) for c in word)
        if latin and any("a" <= c <= "z" for c in word):
            word = word.translate(_LEET)
        tokens.append(_Token(word, [s for _, s in chars], latin, joinable))
    return _merge_spelled(tokens)


def _merge_spelled(tokens: list[_Token]) -> list[_Token]:
    """Merge runs of 3+ single-letter Latin tokens (``s.p.i.d.e.r``, ``s p i d e r``) into one token."""
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        j = i
        while (
            j < len(tokens)
            and tokens[j].latin
            and len(tokens[j].text) == 1
            and tokens[j].text.isalpha()
            and (j == i or tokens[j].joinable_before)
        ):
            j += 1
        if j - i >= 3:
            run = tokens[i:j]
            out.append(
                _Token("".join(t.text for t in run), [s for t in run for s in t.src], True, run[0].joinable_before)
            )
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def _latin_forms(acc: str) -> set[str]:
    """Exact-match candidates of a joined Latin token sequence (squeezed, de-inflected)."""
    forms = {acc, _SQUEEZE.sub(r"\1", acc), _SQUEEZE.sub(r"\1\1", acc)}
    for form in list(forms):
        for suffix in _EN_SUFFIXES:
            if form.endswith(suffix) and len(form) - len(suffix) >= _MIN_INFLECTED_BASE:
                forms.add(form[: -len(suffix)])
    return forms


def compact_term(term: str) -> tuple[str, int, bool]:
    """Normalized form of a list term with separators removed, its token count and whether it is Latin."""
    norm, src = _normalize(unicodedata.normalize("NFC", term))
    tokens = _tokenize(norm, src)
    return "".join(t.text for t in tokens), len(tokens), all(t.latin for t in tokens)


# -- loading --------------------------------------------------------------------------------


def _concepts_of(doc: Mapping[str, Any], source: str) -> Iterable[tuple[Concept, Mapping[str, list[str]]]]:
    category = Category(doc["category"])
    default = Decision[doc["decision"]]
    for item in doc["concepts"]:
        decision = Decision[item.get("decision", default.name)]
        if category is Category.COPYRIGHTED_CHARACTER:
            name, owner = str(item["name"]), str(item["owner"])
            message = (
                f"{name} is a protected character ({owner}); copyrighted or trademarked characters "
                "cannot be generated. Describe an original character instead."
            )
        else:
            name, owner, message = "", "", str(item["message"])
        terms = item["terms"]
        unknown = set(terms) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"{source}: concept {item['id']!r} has unknown languages {sorted(unknown)}")
        yield Concept(str(item["id"]), category, decision, message, name, owner), terms


def _add(index: dict[str, list[ListEntry]], key: str, entry: ListEntry) -> None:
    entries = index.setdefault(key, [])
    if not any(e.concept == entry.concept and e.language == entry.language for e in entries):
        entries.append(entry)


def build_rules(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> RuleSet:
    """Index parsed list documents ``(source name, JSON object)``; raises ``ValueError`` on bad data."""
    concepts: list[Concept] = []
    rules = RuleSet(concepts=())
    for source, doc in documents:
        for concept, terms in _concepts_of(doc, source):
            concepts.append(concept)
            for language in LANGUAGES:  # a fixed order: English first, then the Indic lists
                for term in terms.get(language, []):
                    compact, count, latin = compact_term(term)
                    if not compact:
                        raise ValueError(f"{source}: empty term {term!r} in {concept.id!r}")
                    if latin and language == "en":
                        index, prefix_ok = rules.latin_exact, False
                    elif latin:
                        index, prefix_ok = rules.latin_prefix, len(compact) >= _MIN_ROMAN_PREFIX
                    else:
                        index, prefix_ok = rules.other, len(compact) >= _MIN_INDIC_PREFIX
                    _add(index, compact, ListEntry(concept, language, prefix_ok))
                    if not latin and prefix_ok and compact[-1] in _VIRAMAS:
                        _add(index, compact[:-1], ListEntry(concept, language, True, vowel_join=True))
                    rules.max_join = max(rules.max_join, count + 2)
    rules.concepts = tuple(concepts)
    return rules


def load_rules(data_dir: Path = DATA_DIR) -> RuleSet:
    """Read and index the list files in ``data_dir`` (see :data:`DATA_FILES`)."""
    docs = [(name, json.loads((data_dir / name).read_text(encoding="utf-8"))) for name in DATA_FILES]
    return build_rules(docs)


@functools.cache
def default_rules() -> RuleSet:
    """The packaged lists, loaded once per process."""
    return load_rules()


# -- matching -------------------------------------------------------------------------------


def _find(tokens: Sequence[_Token], rules: RuleSet) -> list[_Match]:
    found: list[_Match] = []
    for i, first in enumerate(tokens):
        acc = ""
        for j in range(i, min(len(tokens), i + rules.max_join)):
            tok = tokens[j]
            if j > i and (not tok.joinable_before or tok.latin != first.latin):
                break
            prev_len = len(acc)
            acc += tok.text
            start = first.src[0]
            if first.latin:
                for form in _latin_forms(acc):
                    for e in rules.latin_exact.get(form, ()):
                        found.append(_Match(start, tok.src[-1] + 1, e.concept.category, (e,)))
                prefix_index = rules.latin_prefix
            else:
                prefix_index = rules.other
            for cut in range(prev_len + 1, len(acc) + 1):
                for e in prefix_index.get(acc[:cut], ()):
                    if e.vowel_join and not (cut < len(acc) and _is_vowel_sign(acc[cut])):
                        continue
                    if cut == len(acc) or e.prefix_ok:
                        last = cut - prev_len - (0 if e.vowel_join else 1)  # keep the vowel sign in the span
                        found.append(_Match(start, tok.src[last] + 1, e.concept.category, (e,)))
    return found


def _resolve(matches: list[_Match]) -> list[_Match]:
    """Keep the longest of overlapping matches per category; group entries of one span and concept."""
    grouped: dict[tuple[int, int, str], list[ListEntry]] = {}
    for m in matches:
        for e in m.entries:
            grouped.setdefault((m.start, m.end, e.concept.id), []).append(e)
    spans = [_Match(s, t, es[0].concept.category, tuple(es)) for (s, t, _), es in grouped.items()]
    kept: list[_Match] = []
    for m in sorted(spans, key=lambda m: (m.start, -(m.end - m.start))):
        covered = any(
            k.category == m.category and k.start <= m.start and m.end <= k.end and (k.end - k.start) > (m.end - m.start)
            for k in kept
        )
        if not covered:
            kept.append(m)
    return kept


def validate_text(text: str, language_code: str = "") -> None:
    """Check a ``CheckTextRequest``.

    Raises:
        InvalidArgument: ``EMPTY_TEXT`` (blank), ``TEXT_TOO_LONG`` (more than
            :data:`MAX_TEXT_CHARS` code points), ``INVALID_LANGUAGE_CODE`` (a hint that is not two
            lowercase letters).
    """
    if not text.strip():
        raise InvalidArgument(
            "text is required", reason="EMPTY_TEXT", violations=[FieldViolation("text", "must not be empty")]
        )
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidArgument(
            f"text has {len(text)} characters; at most {MAX_TEXT_CHARS} are accepted",
            reason="TEXT_TOO_LONG",
            metadata={"length": str(len(text)), "max_length": str(MAX_TEXT_CHARS)},
            violations=[FieldViolation("text", f"must be at most {MAX_TEXT_CHARS} characters")],
        )
    if language_code and not re.fullmatch(r"[a-z]{2}", language_code):
        raise InvalidArgument(
            f"language_code {language_code!r} is not an ISO 639-1 code",
            reason="INVALID_LANGUAGE_CODE",
            violations=[FieldViolation("language_code", "must be an ISO 639-1 code such as 'te'")],
        )


def check_text(text: str, language_code: str = "", rules: RuleSet | None = None) -> Verdict:
    """Check scene text against the blocklist, copyrighted characters and profanity lists.

    Args:
        text: the scene, 1 to 4000 characters, any of the platform languages, romanized or not.
        language_code: optional ISO 639-1 hint; it only breaks ties between lists that spell a
            term the same way (Hindi and Marathi share Devanagari spellings).
        rules: the indexed lists; the packaged ones by default.
    Returns:
        The verdict: BLOCK for any blocklist term or copyrighted character, REVIEW for profanity,
        ALLOW otherwise; findings in text order.
    Raises:
        InvalidArgument: see :func:`validate_text`.
    """
    validate_text(text, language_code)
    rules = rules or default_rules()
    nfc = unicodedata.normalize("NFC", text)
    norm, src = _normalize(nfc)
    matches = _resolve(_find(_tokenize(norm, src), rules))
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for m in matches:
        end = m.end
        while end < len(nfc) and nfc[end] == "\u200d":  # a ZWJ shapes the letter before it
            end += 1
        written = nfc[m.start : end]
        concept = m.entries[0].concept
        key = (concept.id, written.casefold())
        if key in seen:
            continue
        seen.add(key)
        languages = [e.language for e in m.entries]
        language = language_code if language_code in languages else languages[0]
        findings.append(Finding(concept.category, concept.decision, concept.message, written, language))
    return Verdict.of(findings)
