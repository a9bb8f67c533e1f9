"""Reading configuration from the environment, once, failing fast on bad values.

Each service has a ``config.py`` with a frozen dataclass built by these helpers; a bad value
raises :class:`ConfigError` naming the variable, at start-up rather than mid-request.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


class ConfigError(ValueError):
    """An environment variable has a value the service cannot use."""


def environ() -> Mapping[str, str]:
    """The process environment (a seam for tests that pass their own mapping)."""
    return os.environ


def env_str(env: Mapping[str, str], name: str, default: str) -> str:
    """``env[name]`` stripped, or ``default`` when unset or blank."""
    value = env.get(name, "").strip()
    return value or default


def env_int(env: Mapping[str, str], name: str, default: int, *, lo: int = 0, hi: int = 2**31 - 1) -> int:
    """``env[name]`` as an int in ``[lo, hi]``; raises :class:`ConfigError` otherwise."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name}={value} is outside [{lo}, {hi}]")
    return value


def env_float(env: Mapping[str, str], name: str, default: float, *, lo: float = 0.0, hi: float = 1e9) -> float:
    """``env[name]`` as a float in ``[lo, hi]``; raises :class:`ConfigError` otherwise."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a number") from None
    if not lo <= value <= hi:
        raise ConfigError(f"{name}={value} is outside [{lo}, {hi}]")
    return value


def env_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    """``env[name]`` as a boolean (1/0, true/false, yes/no, on/off)."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean")


def data_dir(env: Mapping[str, str]) -> Path:
    """``DRISHYA_DATA_DIR`` (default ``./.drishya``): embedded servers' data, media and work files."""
    return Path(env_str(env, "DRISHYA_DATA_DIR", ".drishya")).resolve()


#: Default gRPC ports; each is overridable by the environment variable named beside it.
DEFAULT_PORTS: dict[str, tuple[str, int]] = {
    "language": ("DRISHYA_LANGUAGE_PORT", 50051),
    "analysis": ("DRISHYA_ANALYSIS_PORT", 50052),
    "prompt": ("DRISHYA_PROMPT_PORT", 50053),
    "generation": ("DRISHYA_GENERATION_PORT", 50054),
    "moderation": ("DRISHYA_MODERATION_PORT", 50055),
    "delivery": ("DRISHYA_DELIVERY_PORT", 50056),
    "story": ("DRISHYA_STORY_PORT", 50057),
    "gateway": ("DRISHYA_GATEWAY_PORT", 8080),
}

#: Environment variables naming each service's address, for clients.
ADDRESS_VARS: dict[str, str] = {name: f"DRISHYA_{name.upper()}_ADDR" for name in DEFAULT_PORTS}


def port(env: Mapping[str, str], service: str) -> int:
    """The listening port of ``service`` (0 picks a free one)."""
    var, default = DEFAULT_PORTS[service]
    return env_int(env, var, default, lo=0, hi=65535)


def address(env: Mapping[str, str], service: str) -> str:
    """The ``host:port`` clients use for ``service``: ``DRISHYA_<NAME>_ADDR`` or localhost and its port."""
    return env_str(env, ADDRESS_VARS[service], f"127.0.0.1:{port(env, service)}")
