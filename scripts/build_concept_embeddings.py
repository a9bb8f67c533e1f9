"""Build the shipped concept embeddings for the default encoder (run after editing the vocabulary).

Usage: ``.venv/bin/python scripts/build_concept_embeddings.py``; writes
``services/language/data/concept_embeddings.npy`` (float16) and ``concept_embeddings.json``.
"""

from __future__ import annotations

import time
from pathlib import Path

from services.language.adapters.encoder import DEFAULT_ENCODER, open_encoder, write_shipped
from services.scene.concepts import default_vocabulary


def main() -> None:
    """Encode every vocabulary term with the default encoder and write the files."""
    started = time.perf_counter()
    out = write_shipped(
        open_encoder(DEFAULT_ENCODER),
        default_vocabulary(),
        Path(__file__).resolve().parents[1] / "services/language/data",
    )
    print(f"wrote {out} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
