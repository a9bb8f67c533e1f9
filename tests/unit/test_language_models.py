"""The model store: installed models under the data directory, the NLLB model the service picks up,
and the method each language gets."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.language.config import LanguageConfig
from services.language.languages import SUPPORTED_LANGUAGES
from services.language.models import DEFAULT_NLLB, hub_endpoint, installed_models, installed_nllb, language_plans
from services.mesh.config import ConfigError


def _fake_model(data_dir: Path, *, complete: bool) -> Path:
    path = data_dir / "models" / DEFAULT_NLLB
    path.mkdir(parents=True)
    (path / "model.bin").write_bytes(b"\0" * 10)
    if complete:
        (path / "tokenizer.json").write_text("{}")
    return path


def test_an_incomplete_model_is_listed_but_not_used(tmp_path: Path) -> None:
    _fake_model(tmp_path, complete=False)
    [model] = installed_models(tmp_path)
    assert (model.name, model.complete, model.repo_id) == (DEFAULT_NLLB, False, "")
    assert installed_nllb(tmp_path) is None
    assert LanguageConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path)}).nllb_model_dir is None


def test_the_service_picks_up_an_installed_model_unless_told_otherwise(tmp_path: Path) -> None:
    path = _fake_model(tmp_path, complete=True)
    assert installed_nllb(tmp_path) == path.resolve()
    assert LanguageConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path)}).nllb_model_dir == path.resolve()
    off = LanguageConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path), "DRISHYA_NLLB_MODEL": "off"})
    assert off.nllb_model_dir is None
    with pytest.raises(ConfigError):
        LanguageConfig.from_env({"DRISHYA_DATA_DIR": str(tmp_path), "DRISHYA_NLLB_MODEL": str(tmp_path / "nope")})


def test_no_models_directory_lists_nothing(tmp_path: Path) -> None:
    assert installed_models(tmp_path) == []


@pytest.mark.parametrize(
    ("cloud", "nllb", "native"),
    [
        (False, False, ("ENCODER+GLOSSARY",)),
        (False, True, ("NLLB", "ENCODER+GLOSSARY")),
        (True, True, ("CLOUD_API", "NLLB", "ENCODER+GLOSSARY")),
        (True, False, ("CLOUD_API", "ENCODER+GLOSSARY")),
    ],
)
def test_language_plans_follow_the_chain(cloud: bool, nllb: bool, native: tuple[str, ...]) -> None:
    plans = {p.language: p for p in language_plans(cloud_api=cloud, nllb=nllb)}
    assert list(plans) == list(SUPPORTED_LANGUAGES)
    assert plans["en"].methods == ("IDENTITY",)
    for lang in SUPPORTED_LANGUAGES[1:]:
        assert plans[lang].methods == native
        assert plans[lang].romanized == ("ENCODER+GLOSSARY",)


def test_hub_endpoint_is_read_from_the_environment() -> None:
    assert hub_endpoint({}) is None
    assert hub_endpoint({"HF_ENDPOINT": "http://127.0.0.1:9/ "}) == "http://127.0.0.1:9"
