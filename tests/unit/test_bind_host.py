"""One bind setting for every service: ``DRISHYA_BIND_HOST``, overridden by ``DRISHYA_<NAME>_HOST``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from services.delivery.config import DeliveryConfig
from services.gateway.config import GatewayConfig
from services.language.config import LanguageConfig
from services.moderation.config import ModerationConfig

Reader = Callable[[Mapping[str, str]], object]

READERS: dict[str, Reader] = {
    "language": LanguageConfig.from_env,
    "delivery": DeliveryConfig.from_env,
    "moderation": ModerationConfig.from_env,
    "gateway": GatewayConfig.from_env,
}


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DRISHYA_DATA_DIR": str(tmp_path),
        "DRISHYA_NLLB_MODEL": "off",
        "DRISHYA_MEDIA_SIGNING_SECRET": "s" * 32,
        **extra,
    }


def _host(name: str, env: Mapping[str, str]) -> str:
    host = getattr(READERS[name](env), "host")  # noqa: B009  (the four configs share the field, not a type)
    assert isinstance(host, str)
    return host


@pytest.mark.parametrize("name", sorted(READERS))
def test_loopback_by_default(name: str, tmp_path: Path) -> None:
    assert _host(name, _env(tmp_path)) == "127.0.0.1"


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_common_bind_host_applies_to_every_service(name: str, tmp_path: Path) -> None:
    assert _host(name, _env(tmp_path, DRISHYA_BIND_HOST="0.0.0.0")) == "0.0.0.0"


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_service_own_host_overrides_the_common_one(name: str, tmp_path: Path) -> None:
    own = {f"DRISHYA_{name.upper()}_HOST": "127.0.0.2"}
    assert _host(name, _env(tmp_path, DRISHYA_BIND_HOST="0.0.0.0", **own)) == "127.0.0.2"


@pytest.mark.parametrize("name", sorted(READERS))
def test_a_blank_bind_host_means_the_default(name: str, tmp_path: Path) -> None:
    assert _host(name, _env(tmp_path, DRISHYA_BIND_HOST="  ")) == "127.0.0.1"
