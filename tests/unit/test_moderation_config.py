"""Moderation configuration from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.mesh.config import ConfigError
from services.moderation.config import ModerationConfig


def test_defaults_put_the_media_root_under_the_data_dir(tmp_path: Path) -> None:
    config = ModerationConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path)})
    assert config.port == 50055
    assert config.media_root == (tmp_path / "media").resolve()
    assert (config.host, config.video_workers) == ("127.0.0.1", 2)


def test_environment_overrides(tmp_path: Path) -> None:
    config = ModerationConfig.from_env(
        {
            "DRISHYA_MEDIA_ROOT": str(tmp_path / "volume"),
            "DRISHYA_MODERATION_PORT": "0",
            "DRISHYA_MODERATION_HOST": "0.0.0.0",
            "DRISHYA_MODERATION_VIDEO_WORKERS": "4",
        }
    )
    assert (config.port, config.host, config.video_workers) == (0, "0.0.0.0", 4)
    assert config.media_root == (tmp_path / "volume").resolve()


@pytest.mark.parametrize(
    ("name", "value"), [("DRISHYA_MODERATION_PORT", "http"), ("DRISHYA_MODERATION_VIDEO_WORKERS", "0")]
)
def test_bad_values_fail_fast(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        ModerationConfig.from_env({name: value})
