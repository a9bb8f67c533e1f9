"""``drishya models``: install translation models and show which method each language will use.

    drishya models install nllb-200-distilled-600M [--repo OWNER/NAME] [--revision REV]
    drishya models list

``install`` downloads with ``huggingface_hub`` into ``<data dir>/models/<name>`` (``HF_ENDPOINT``
and ``HF_TOKEN`` honoured; the repository defaults to ``DRISHYA_NLLB_REPO`` or the built-in one).
``list`` reads the same environment as the language service (``DRISHYA_NLLB_MODEL``,
``DRISHYA_TRANSLATE_API_URL``/``_KEY``) to tell which method each of the 11 languages will get.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path

from rich.console import Console
from rich.table import Table

from services.language import models
from services.language.languages import LANGUAGE_NAMES
from services.mesh import config as mc

console = Console()


class ModelsError(Exception):
    """A failure to report on one line, with exit status 1."""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register ``models install`` and ``models list`` on the top-level subparsers ``sub``."""
    m = sub.add_parser("models", help="translation models: install, list")
    msub = m.add_subparsers(dest="models_command", required=True)
    inst = msub.add_parser("install", help="download a model into the data directory")
    inst.add_argument("name", choices=sorted(models.MODELS), help="the model")
    inst.add_argument("--repo", help="Hugging Face repository id (default: $DRISHYA_NLLB_REPO or the built-in one)")
    inst.add_argument("--revision", default="main", help="branch, tag or commit (default main)")
    msub.add_parser("list", help="installed models and the method each language will use")


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else mc.data_dir(os.environ)


def _install(args: argparse.Namespace) -> int:
    spec = models.MODELS[args.name]
    repo = args.repo or os.environ.get(spec.repo_env, "").strip() or spec.repo_id
    where = models.hub_endpoint(os.environ) or "https://huggingface.co"
    console.print(f"downloading [bold]{repo}[/] ({args.revision}) from {where} ...", soft_wrap=True)
    try:
        model = models.install(args.name, _data_dir(args), repo_id=repo, revision=args.revision)
    except models.ModelInstallError as exc:
        raise ModelsError(str(exc)) from None
    about = f"{model.size_bytes / 1e6:.1f} MB, commit {model.commit[:12]}"
    console.print(f"[bold green]installed[/] {model.name}: {model.path} ({about})", soft_wrap=True)
    console.print("the language service uses it on its next start (DRISHYA_NLLB_MODEL overrides)")
    return 0


def _nllb_in_use(data_dir: Path) -> Path | None:
    value = os.environ.get("DRISHYA_NLLB_MODEL", "").strip()
    if value.lower() == "off":
        return None
    if value:
        return Path(value).expanduser().resolve()
    return models.installed_nllb(data_dir)


def _list(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    found = models.installed_models(data_dir)
    console.print(f"models in {models.models_dir(data_dir)}:", soft_wrap=True)
    for m in found:
        state = "installed" if m.complete else "incomplete"
        commit = f"commit {m.commit[:12]}" if m.commit else "no manifest"
        console.print(
            f"  {m.name}  {state}  {m.repo_id or '-'}  {commit}  {m.size_bytes / 1e6:.1f} MB  {m.path}", soft_wrap=True
        )
    for name in sorted(set(models.MODELS) - {m.name for m in found}):
        console.print(f"  {name}  not installed  (drishya models install {name})", soft_wrap=True)
    nllb = _nllb_in_use(data_dir)
    cloud = bool(os.environ.get("DRISHYA_TRANSLATE_API_URL") and os.environ.get("DRISHYA_TRANSLATE_API_KEY"))
    console.print(f"NLLB model: {nllb or 'none'}   cloud API: {'configured' if cloud else 'not configured'}")
    plans = Table(title="method per language (first that answers wins)", title_justify="left")
    for col in ("language", "native script", "romanized"):
        plans.add_column(col)
    for plan in models.language_plans(cloud_api=cloud, nllb=nllb is not None):
        plans.add_row(
            f"{plan.language} {LANGUAGE_NAMES[plan.language]}", " → ".join(plan.methods), " → ".join(plan.romanized)
        )
    console.print(plans)
    return 0


async def cmd_models(args: argparse.Namespace) -> int:
    """Run ``drishya models install|list`` (blocking work in a thread)."""
    run = _install if args.models_command == "install" else _list
    return await asyncio.to_thread(run, args)
