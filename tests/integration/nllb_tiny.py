"""Builds a tiny NLLB-architecture CTranslate2 model for tests (no weights can be downloaded here).

The model has NLLB's shape where it matters to the serving code: a SentencePiece BPE model
(``sentencepiece.bpe.model``) converted by Hugging Face Transformers into NLLB's fast tokenizer
(``tokenizer.json`` and ``tokenizer_config.json``, class ``NllbTokenizer``) with the FLORES-200
language codes as special tokens, a shared source/target vocabulary equal to the tokenizer's, and a
Transformer encoder-decoder that CTranslate2 loads and decodes with ``[src_lang] + pieces + ["</s>"]``
and ``target_prefix=[[tgt_lang]]``. Its weights are small random numbers, so its output is gibberish;
tests assert on structure, not on meaning.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from services.language.languages import FLORES_CODES

#: NLLB's SentencePiece model file, shipped beside the fast tokenizer in NLLB repositories.
SPM_FILE = "sentencepiece.bpe.model"

CORPUS = [
    "A girl dances in front of the temple while it rains.",
    "In the evening it is raining and children watch happily.",
    "The old man walks to the village market in the morning.",
    "एक लड़की बारिश में मंदिर के सामने नाच रही है।",
    "शाम को बारिश हो रही है और बच्चे खुशी से देख रहे हैं।",
    "పావసాత ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది.",
    "సాయంత్రం వర్షం పడుతోంది. ఆమె చుట్టూ పిల్లలు సంతోషంగా చూస్తున్నారు.",
    "மழை பெய்யும்போது ஒரு சிறுமி கோயில் முன் நடனமாடுகிறாள்.",
    "বৃষ্টির মধ্যে একটি মেয়ে মন্দিরের সামনে নাচছে।",
    "पावसात एक मुलगी मंदिरासमोर नाचत आहे.",
]


def _shape(name: str, vocab: int, d_model: int, ffn: int) -> tuple[int, ...]:
    if name.endswith(("embeddings_0/weight", "embeddings/weight", "projection/weight")):
        return (vocab, d_model)
    if name.endswith(("/gamma", "/beta")):
        return (d_model,)
    if "self_attention/linear_0" in name:
        return (3 * d_model, d_model)  # fused query, key, value
    if "/attention/linear_1" in name:
        return (2 * d_model, d_model)  # fused key, value of the encoder-decoder attention
    if "ffn/linear_0" in name:
        return (ffn, d_model)
    if "ffn/linear_1" in name:
        return (d_model, ffn)
    if "linear_" in name:
        return (d_model, d_model)
    raise KeyError(f"no shape rule for {name}")


def _set(spec: Any, name: str, value: np.ndarray) -> None:
    obj = spec
    parts = name.split("/")
    for part in parts[:-1]:
        if hasattr(obj, part):
            obj = getattr(obj, part)
        else:  # "layer_0" → spec.layer[0], "embeddings_0" → spec.embeddings[0]
            base, index = part.rsplit("_", 1)
            obj = getattr(obj, base)[int(index)]
    setattr(obj, parts[-1], value)


def build_tiny_nllb(out_dir: Path, *, d_model: int = 16, seed: int = 0) -> Path:
    """Write a tiny NLLB-shaped model to ``out_dir`` (created) and return it.

    Steps: train a SentencePiece BPE model on :data:`CORPUS`; convert it with Transformers'
    ``NllbTokenizer`` into a fast tokenizer, add the FLORES codes as special tokens and save it
    (``tokenizer.json``, ``tokenizer_config.json``); build ``TransformerSpec.from_config(2, 2)``
    (2 layers, 2 heads); fill every weight with small random float32 arrays (layer norms at 1 and 0);
    register the tokenizer's vocabulary, in id order, as source and target vocabulary; validate and
    save; copy the SentencePiece model in.
    """
    import ctranslate2
    import sentencepiece as spm
    from transformers import NllbTokenizer

    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "_spm"
    work.mkdir(exist_ok=True)
    corpus = work / "corpus.txt"
    corpus.write_text("\n".join(CORPUS * 3) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(work / "spm"),
        model_type="bpe",
        vocab_size=300,
        hard_vocab_limit=False,
        character_coverage=1.0,
        minloglevel=2,
    )
    shutil.copy(work / "spm.model", work / SPM_FILE)
    tokenizer = NllbTokenizer.from_pretrained(str(work))
    tokenizer.add_tokens(list(FLORES_CODES.values()), special_tokens=True)
    tokenizer.save_pretrained(str(out_dir))
    ids = tokenizer.get_vocab()
    vocab = sorted(ids, key=ids.__getitem__)

    spec = ctranslate2.specs.TransformerSpec.from_config(2, 2)
    rng = np.random.default_rng(seed)
    for name, value in spec.variables().items():
        if value is not None:
            continue
        shape = _shape(name, len(vocab), d_model, 2 * d_model)
        if name.endswith("/gamma"):
            array = np.ones(shape, dtype=np.float32)
        elif name.endswith("/beta"):
            array = np.zeros(shape, dtype=np.float32)
        else:
            array = (rng.standard_normal(shape) * 0.1).astype(np.float32)
        _set(spec, name, array)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.save(str(out_dir))
    shutil.copy(work / "spm.model", out_dir / SPM_FILE)
    shutil.rmtree(work)
    return out_dir
