"""Builds the language server: translation providers, Redis cache and the gRPC service."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from drishya.language.v1 import language_service_pb2 as svc_pb2
from drishya.language.v1 import language_service_pb2_grpc as svc_grpc
from services.language.adapters.cache import TranslationCache
from services.language.adapters.cloud import CloudTranslateProvider
from services.language.adapters.encoder import load_index, open_encoder
from services.language.adapters.nllb import NllbProvider, NllbTranslator
from services.language.config import LanguageConfig
from services.language.detect import warm_up
from services.language.glossary import default_glossary
from services.language.service import LanguageService
from services.language.servicer import LanguageServicer
from services.language.translate import GlossaryProvider, Method, TranslationChain, TranslationProvider
from services.language.understand import Thresholds, Understanding
from services.mesh.server import MeshServer, build_server
from services.scene.concepts import default_vocabulary

log = logging.getLogger(__name__)

SERVICE_NAME = svc_pb2.DESCRIPTOR.services_by_name["LanguageService"].full_name


async def build_chain(config: LanguageConfig) -> tuple[TranslationChain, list[Callable[[], Awaitable[None]]]]:
    """The provider chain ``config`` asks for, and the coroutines that close it.

    Raises:
        NllbModelError, RuntimeError: the NLLB model cannot be loaded.
    """
    providers: list[TranslationProvider] = []
    closers: list[Callable[[], Awaitable[None]]] = []
    if config.cloud_api_enabled:
        cloud = CloudTranslateProvider(
            config.translate_api_url, config.translate_api_key, timeout_s=config.translate_api_timeout_s
        )
        providers.append(cloud)
        closers.append(cloud.aclose)
    if config.nllb_model_dir is not None:
        model_dir = config.nllb_model_dir
        translator = await asyncio.to_thread(
            lambda: NllbTranslator(
                model_dir,
                compute_type=config.nllb_compute_type,
                beam_size=config.nllb_beam_size,
                max_decoding_length=config.nllb_max_decoding_length,
                intra_threads=config.nllb_threads,
            )
        )
        providers.append(NllbProvider(translator))
        log.info("NLLB model %s loaded from %s", translator.model_id, model_dir)
    return TranslationChain(providers, GlossaryProvider(default_glossary())), closers


def build_understanding(config: LanguageConfig) -> Understanding:
    """The glossary, the vocabulary and (unless ``off``) the encoder with its concept index, warmed up.

    Blocking (loads a model and reads or computes the concept embeddings); run it in a thread.

    Raises:
        EncoderError: the encoder cannot be loaded.
    """
    glossary, vocabulary = default_glossary(), default_vocabulary()
    if config.encoder == "off":
        return Understanding(glossary, vocabulary)
    encoder = open_encoder(config.encoder, threads=config.encoder_threads)
    index = load_index(encoder, vocabulary, config.cache_dir)
    thresholds = Thresholds(sentence_margin=config.encoder_sentence_margin)
    understanding = Understanding(glossary, vocabulary, encoder=encoder, index=index, thresholds=thresholds)
    understanding.understand(["a girl dances in the rain"], "en", method=Method.GLOSSARY)  # first call pays set-up
    log.info("encoder %s ready, %d concepts", encoder.fingerprint, len(vocabulary))
    return understanding


async def create_server(config: LanguageConfig, *, redis_url: str) -> MeshServer:
    """Load the models, connect the Redis cache and start the gRPC server.

    The encoder is loaded and warmed up before the server starts, so health is SERVING only once
    it is ready. Redis is a cache, so its loss degrades nothing: the health service ``redis``
    reports it alone (cache errors are logged and skipped). Raises when the NLLB model or the
    encoder cannot be loaded.
    """
    await asyncio.to_thread(warm_up)
    understanding = await asyncio.to_thread(build_understanding, config)
    chain, closers = await build_chain(config)
    cache = TranslationCache.from_url(redis_url, ttl_s=config.cache_ttl_s)
    servicer = LanguageServicer(LanguageService(chain, cache, understanding=understanding))
    server = await build_server(
        "language",
        port=config.port,
        host=config.host,
        register=lambda s: svc_grpc.add_LanguageServiceServicer_to_server(servicer, s),  # type: ignore[no-untyped-call]
        service_names=[SERVICE_NAME],
        dependencies={"redis": cache.ping},
    )
    server.on_stop.append(cache.close)
    server.on_stop.extend(closers)
    return server
