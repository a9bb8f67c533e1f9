"""I/O adapters of the language service: Redis cache, cloud translation API, NLLB-200 model."""
