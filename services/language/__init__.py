"""The language service: script + statistical language ID, the translation provider chain
(cloud API → NLLB-200 on CTranslate2 → built-in scene glossary) and the Redis translation cache."""
