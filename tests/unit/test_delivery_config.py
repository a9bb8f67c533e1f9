"""Delivery configuration from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.delivery.config import DeliveryConfig
from services.mesh.config import ConfigError


def test_defaults_put_the_media_root_under_the_data_dir(tmp_path: Path) -> None:
    config = DeliveryConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path)})
    assert config.port == 50056
    assert config.media_root == (tmp_path / "media").resolve()
    assert (config.max_concurrent_publishes, config.x264_preset) == (1, "veryfast")


def test_environment_overrides(tmp_path: Path) -> None:
    config = DeliveryConfig.from_env(
        {
            "DRISHYA_MEDIA_ROOT": str(tmp_path / "volume"),
            "DRISHYA_DELIVERY_PORT": "0",
            "DRISHYA_DELIVERY_MAX_CONCURRENT": "2",
            "DRISHYA_DELIVERY_X264_PRESET": "faster",
        }
    )
    assert (config.port, config.max_concurrent_publishes, config.x264_preset) == (0, 2, "faster")
    assert config.media_root == (tmp_path / "volume").resolve()


@pytest.mark.parametrize(
    ("name", "value"),
    [("DRISHYA_DELIVERY_X264_PRESET", "turbo"), ("DRISHYA_DELIVERY_MAX_CONCURRENT", "0")],
)
def test_bad_values_fail_fast(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        DeliveryConfig.from_env({name: value})
