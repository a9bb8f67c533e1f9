"""Installed translation models: where they live, how they are downloaded, which method each language gets.

Models live in ``<data dir>/models/<name>`` (``DRISHYA_DATA_DIR``, default ``./.drishya``). A model
is installed with ``huggingface_hub.snapshot_download`` from a Hugging Face repository that holds a
CTranslate2 conversion plus the fast tokenizer; ``HF_ENDPOINT`` (the Hub's base URL, default
https://huggingface.co, see the ``huggingface_hub`` environment-variable reference) and ``HF_TOKEN``
are honoured. A manifest ``drishya-model.json`` records the repository, revision and commit.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.language.adapters.nllb import REQUIRED_FILES, TOKENIZER_FILE, NllbModelError, check_model_dir
from services.language.languages import FLORES_CODES, SUPPORTED_LANGUAGES

#: The manifest written into an installed model's directory.
MANIFEST = "drishya-model.json"

#: Files of the tokenizer fetched from :attr:`ModelSpec.tokenizer_repo` when the model repository lacks them.
TOKENIZER_FILES = (TOKENIZER_FILE, "tokenizer_config.json", "special_tokens_map.json")


@dataclass(frozen=True)
class ModelSpec:
    """A model ``drishya models install`` knows.

    Attributes:
        name: the name on the command line and of the directory under ``models/``.
        repo_id: default Hugging Face repository of the CTranslate2 conversion.
        repo_env: environment variable that overrides ``repo_id``.
        tokenizer_repo: repository whose tokenizer files complete a conversion that ships without them.
        description: one line for ``drishya models list``.
    """

    name: str
    repo_id: str
    repo_env: str
    tokenizer_repo: str
    description: str


#: The known models. The NLLB default is a public int8 CTranslate2 conversion of
#: facebook/nllb-200-distilled-600M (about 620 MB) that ships ``model.bin``, ``tokenizer.json`` and
#: ``tokenizer_config.json``; any other conversion can be named with the flag or the variable.
MODELS: dict[str, ModelSpec] = {
    "nllb-200-distilled-600M": ModelSpec(
        name="nllb-200-distilled-600M",
        repo_id="skywood/nllb-200-distilled-600M-ct2-int8",
        repo_env="DRISHYA_NLLB_REPO",
        tokenizer_repo="facebook/nllb-200-distilled-600M",
        description="NLLB-200 distilled 600M (Meta, CC-BY-NC-4.0) on CTranslate2: translation of all 11 languages",
    ),
}

#: The model the language service picks up when ``DRISHYA_NLLB_MODEL`` is unset.
DEFAULT_NLLB = "nllb-200-distilled-600M"


class ModelInstallError(RuntimeError):
    """A download failed or did not give a usable model directory."""


def models_dir(data_dir: Path) -> Path:
    """``<data dir>/models``."""
    return data_dir / "models"


@dataclass(frozen=True)
class InstalledModel:
    """A model directory under ``models/``.

    Attributes:
        name: directory name.
        path: absolute directory.
        complete: True when it has every file of :data:`services.language.adapters.nllb.REQUIRED_FILES`.
        repo_id, revision, commit: from the manifest ("" when there is none).
        size_bytes: total size of its files.
    """

    name: str
    path: Path
    complete: bool
    repo_id: str
    revision: str
    commit: str
    size_bytes: int


def installed_models(data_dir: Path) -> list[InstalledModel]:
    """Every directory under ``models/``, by name."""
    root = models_dir(data_dir)
    if not root.is_dir():
        return []
    out = []
    for path in sorted(p for p in root.iterdir() if p.is_dir()):
        manifest: dict[str, str] = {}
        if (path / MANIFEST).is_file():
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        out.append(
            InstalledModel(
                name=path.name,
                path=path.resolve(),
                complete=all((path / f).is_file() for f in REQUIRED_FILES),
                repo_id=manifest.get("repo_id", ""),
                revision=manifest.get("revision", ""),
                commit=manifest.get("commit", ""),
                size_bytes=size,
            )
        )
    return out


def installed_nllb(data_dir: Path) -> Path | None:
    """The directory of :data:`DEFAULT_NLLB` under ``models/`` when it is complete, else None."""
    path = models_dir(data_dir) / DEFAULT_NLLB
    try:
        check_model_dir(path)
    except NllbModelError:
        return None
    return path.resolve()


def hub_endpoint(env: Mapping[str, str]) -> str | None:
    """``HF_ENDPOINT`` without a trailing slash, or None for the library's default (https://huggingface.co).

    Read at call time: ``huggingface_hub`` reads the variable once, when it is imported."""
    value = env.get("HF_ENDPOINT", "").strip().rstrip("/")
    return value or None


def install(
    name: str,
    data_dir: Path,
    *,
    repo_id: str | None = None,
    revision: str = "main",
    env: Mapping[str, str] | None = None,
) -> InstalledModel:
    """Download model ``name`` into ``<data dir>/models/<name>`` and check it.

    Args:
        name: a key of :data:`MODELS`.
        data_dir: the data directory.
        repo_id: repository to download (default: ``env[spec.repo_env]`` or ``spec.repo_id``).
        revision: branch, tag or commit.
        env: environment for ``HF_ENDPOINT``, ``HF_TOKEN`` and the repository variable (default os.environ).
    Returns:
        The installed model.
    Raises:
        KeyError: unknown ``name``.
        ModelInstallError: the download failed or the directory lacks the model or tokenizer.
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError

    env = os.environ if env is None else env
    spec = MODELS[name]
    repo = repo_id or env.get(spec.repo_env, "").strip() or spec.repo_id
    target = models_dir(data_dir) / name
    target.mkdir(parents=True, exist_ok=True)
    endpoint = hub_endpoint(env)
    token = env.get("HF_TOKEN") or None
    try:
        snapshot_download(repo, revision=revision, local_dir=target, endpoint=endpoint, token=token)
        if not (target / TOKENIZER_FILE).is_file():
            snapshot_download(
                spec.tokenizer_repo,
                allow_patterns=list(TOKENIZER_FILES),
                local_dir=target,
                endpoint=endpoint,
                token=token,
            )
    except (HfHubHTTPError, OSError, ValueError) as exc:
        raise ModelInstallError(f"downloading {repo}@{revision} failed: {exc}") from exc
    try:
        check_model_dir(target)
    except NllbModelError as exc:
        raise ModelInstallError(str(exc)) from None
    from huggingface_hub import HfApi

    commit = ""
    with contextlib.suppress(HfHubHTTPError, OSError, ValueError):  # informative only: the files are in place
        commit = str(HfApi(endpoint=endpoint, token=token).model_info(repo, revision=revision).sha or "")
    manifest = {"name": name, "repo_id": repo, "revision": revision, "commit": commit}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return next(m for m in installed_models(data_dir) if m.name == name)


@dataclass(frozen=True)
class LanguagePlan:
    """How text of one language reaches English.

    Attributes:
        language: ISO 639-1 code.
        methods: the methods tried, strongest first, for native-script text (the last one always answers).
        romanized: the same for romanized text (the cloud API and NLLB take native script only).
    """

    language: str
    methods: tuple[str, ...]
    romanized: tuple[str, ...]


def language_plans(*, cloud_api: bool, nllb: bool) -> list[LanguagePlan]:
    """For each supported language, the methods the language service's chain will try.

    The chain is the one ``services.language.server.build_chain`` builds: the cloud API when
    configured, then NLLB when a model is loaded, then the glossary with the sentence encoder
    (``ENCODER+GLOSSARY``), which always answers. English needs no translation (``IDENTITY``).
    """
    plans = []
    for lang in SUPPORTED_LANGUAGES:
        if lang == "en":
            plans.append(LanguagePlan(lang, ("IDENTITY",), ("IDENTITY",)))
            continue
        native = [m for m, on in (("CLOUD_API", cloud_api), ("NLLB", nllb and lang in FLORES_CODES)) if on]
        plans.append(LanguagePlan(lang, (*native, "ENCODER+GLOSSARY"), ("ENCODER+GLOSSARY",)))
    return plans
