"""NLLB-200 on CTranslate2: model loading, tokenization with language codes, batched decoding.

A model directory holds a CTranslate2 conversion of NLLB-200 (``model.bin``, ``config.json``,
the shared vocabulary) and NLLB's fast tokenizer (``tokenizer.json`` with ``tokenizer_config.json``),
as produced by ``ct2-transformers-converter --model facebook/nllb-200-distilled-600M --copy_files
tokenizer.json tokenizer_config.json special_tokens_map.json``
(https://opennmt.net/CTranslate2/guides/transformers.html#nllb). The tokenizer is loaded with
Hugging Face Transformers' ``AutoTokenizer`` (the Rust ``tokenizers`` backend; no PyTorch).

NLLB input is ``[src_lang] + pieces + ["</s>"]`` and decoding is forced to start with the target
language token (``target_prefix=[[tgt_lang]]``), as in the NLLB tokenizer of Hugging Face
Transformers. The segment confidence is ``exp(score)``, where CTranslate2's score is the
hypothesis log-probability divided by its length (``length_penalty=1``): the geometric mean of
the token probabilities.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from services.language.languages import FLORES_CODES
from services.language.translate import Method, ProviderError, Segment

#: The fast-tokenizer file expected in an NLLB model directory.
TOKENIZER_FILE = "tokenizer.json"

#: Files a model directory must have: the CTranslate2 model and the fast tokenizer.
REQUIRED_FILES = ("model.bin", TOKENIZER_FILE)

_SPECIAL = {"<s>", "</s>", "<pad>", "<unk>", "<mask>"}
_FLORES_TOKEN = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")  # FLORES-200 code, e.g. "hin_Deva"


class NllbModelError(ValueError):
    """The model directory is missing or incomplete."""


def check_model_dir(model_dir: Path) -> None:
    """Raise :class:`NllbModelError` unless ``model_dir`` has every file of :data:`REQUIRED_FILES`."""
    missing = [name for name in REQUIRED_FILES if not (model_dir / name).is_file()]
    if missing:
        raise NllbModelError(f"{model_dir} is not an NLLB CTranslate2 model directory: missing {', '.join(missing)}")


class NllbTranslator:
    """A loaded NLLB-200 model (synchronous; :class:`NllbProvider` runs it off the event loop).

    Args:
        model_dir: directory of the CTranslate2 model and the fast tokenizer (:data:`REQUIRED_FILES`).
        device: ``"cpu"`` or ``"cuda"``.
        compute_type: CTranslate2 compute type (``"default"``, ``"int8"``, ``"float32"``...).
        beam_size: beam width (1 is greedy).
        max_batch_size: sentences per decoding batch.
        max_decoding_length: most target tokens per sentence.
        intra_threads: CPU threads per translation (0: CTranslate2's default).
    Raises:
        NllbModelError: the directory is incomplete.
        RuntimeError: CTranslate2 cannot load the model.
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        device: str = "cpu",
        compute_type: str = "default",
        beam_size: int = 2,
        max_batch_size: int = 16,
        max_decoding_length: int = 256,
        intra_threads: int = 0,
    ) -> None:
        import ctranslate2
        from transformers import AutoTokenizer

        check_model_dir(model_dir)
        self.model_dir = model_dir
        self._translator: Any = ctranslate2.Translator(
            str(model_dir), device=device, compute_type=compute_type, intra_threads=intra_threads
        )
        self._tokenizer: Any = AutoTokenizer.from_pretrained(str(model_dir))
        self._skip = frozenset(_SPECIAL) | frozenset(self._tokenizer.all_special_tokens)
        self._lock = threading.Lock()  # a Rust tokenizer must not be entered from two threads at once
        self.beam_size = beam_size
        self.max_batch_size = max_batch_size
        self.max_decoding_length = max_decoding_length
        digest = hashlib.sha256()
        for name in ("config.json", TOKENIZER_FILE):
            path = model_dir / name
            if path.is_file():
                digest.update(path.read_bytes())
        digest.update(str((model_dir / "model.bin").stat().st_size).encode())
        self.model_id = f"{model_dir.name}-{digest.hexdigest()[:12]}"

    def encode(self, sentence: str, source: str) -> list[str]:
        """Source tokens: ``[src_lang] + pieces + ["</s>"]``; ``source`` is an ISO 639-1 code."""
        with self._lock:
            pieces: list[str] = self._tokenizer.tokenize(sentence)
        return [FLORES_CODES[source], *pieces, "</s>"]

    def decode(self, tokens: Sequence[str]) -> str:
        """Target text from hypothesis tokens, dropping language codes and special tokens."""
        pieces = [t for t in tokens if t not in self._skip and not _FLORES_TOKEN.match(t)]
        with self._lock:
            return str(self._tokenizer.convert_tokens_to_string(pieces)).strip()

    def translate_sentences(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
        """One NLLB segment per sentence, decoded in batches of :attr:`max_batch_size`."""
        batch = [self.encode(s, source) for s in sentences]
        results = self._translator.translate_batch(
            batch,
            target_prefix=[[FLORES_CODES[target]]] * len(batch),
            max_batch_size=self.max_batch_size,
            beam_size=self.beam_size,
            max_decoding_length=self.max_decoding_length,
            length_penalty=1.0,
            return_scores=True,
        )
        out = []
        for sentence, result in zip(sentences, results, strict=True):
            tokens = result.hypotheses[0]
            score = float(result.scores[0]) if result.scores else -math.inf
            confidence = max(0.0, min(1.0, math.exp(score)))
            out.append(Segment(sentence, self.decode(tokens), Method.NLLB, round(confidence, 6)))
        return out


class NllbProvider:
    """The chain's NLLB step: runs :class:`NllbTranslator` in a worker thread."""

    def __init__(self, translator: NllbTranslator) -> None:
        self._translator = translator

    @property
    def fingerprint(self) -> str:
        """``nllb:<model id>``."""
        return f"nllb:{self._translator.model_id}"

    def supports(self, source: str, target: str, *, romanized: bool) -> bool:
        """Pairs of FLORES languages, for native-script sources (NLLB is trained on native script)."""
        return not romanized and source in FLORES_CODES and target in FLORES_CODES

    async def translate(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
        """Translate off the event loop; decoding errors become :class:`ProviderError`."""
        try:
            return await asyncio.to_thread(self._translator.translate_sentences, sentences, source, target)
        except (RuntimeError, ValueError) as exc:
            raise ProviderError(f"NLLB translation failed: {exc}") from exc
