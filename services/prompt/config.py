"""Configuration of the prompt service, read once from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.mesh.config import port


@dataclass(frozen=True)
class PromptConfig:
    """Prompt service settings.

    Attributes:
        port: gRPC port (``DRISHYA_PROMPT_PORT``, default 50053; 0 picks a free one).
    """

    port: int = 0

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> PromptConfig:
        """Read the settings; raises :class:`services.mesh.config.ConfigError` on a bad value."""
        return cls(port=port(env, "prompt"))
