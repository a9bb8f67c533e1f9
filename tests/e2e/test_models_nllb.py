"""``drishya models install`` against a local server with the Hugging Face Hub's shape, ``drishya models
list``, then a job whose translation is made by the installed tiny NLLB model and says so in its events."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx_sse import aconnect_sse

from services.cli.local import LocalMesh
from services.language.models import MANIFEST
from services.mesh.infra import InfraUrls
from tests.integration.fake_hub import FakeHub
from tests.integration.nllb_tiny import build_tiny_nllb

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
REPO = "acme/nllb-tiny-ct2"
SCENE = "సాయంత్రం వర్షం పడుతోంది. ఒక అమ్మాయి గుడి ముందు నాట్యం చేస్తోంది."


def _drishya(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.cli.main", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


async def _events_until_translated(client: httpx.AsyncClient, job_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    async with aconnect_sse(client, "GET", f"/v1/jobs/{job_id}/events") as sse:
        async for ev in sse.aiter_sse():
            if not ev.data:
                continue
            data = json.loads(ev.data)
            events.append(data)
            translated = data.get("stage") == "STAGE_TRANSLATE" and data["type"] == "JOB_EVENT_TYPE_STAGE_COMPLETED"
            if translated or data.get("state") in ("JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTER"):
                return events
    return events


async def test_install_list_and_a_job_translated_by_nllb(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path: Path
) -> None:
    repo_dir = build_tiny_nllb(tmp_path / "hub" / "nllb-tiny-ct2")
    data_dir = tmp_path / "data"
    with FakeHub({REPO: repo_dir}) as hub:
        env = {
            **os.environ,
            "HF_ENDPOINT": hub.url,
            "HF_HUB_DISABLE_TELEMETRY": "1",
            "DRISHYA_DATA_DIR": str(data_dir),
            "DRISHYA_NLLB_MODEL": "",
        }
        installed = await asyncio.to_thread(
            _drishya, "models", "install", "nllb-200-distilled-600M", "--repo", REPO, env=env
        )
        assert installed.returncode == 0, installed.stderr
        listed = await asyncio.to_thread(_drishya, "models", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    model_dir = data_dir / "models" / "nllb-200-distilled-600M"
    requested = [path for _, path in hub.requests]
    assert f"/api/models/{REPO}/revision/main" in requested
    commit = hub.commits[REPO]
    assert f"/{REPO}/resolve/{commit}/model.bin" in requested
    assert f"/{REPO}/resolve/{commit}/tokenizer.json" in requested
    for name in ("model.bin", "tokenizer.json", "tokenizer_config.json", "shared_vocabulary.json"):
        assert (model_dir / name).read_bytes() == (repo_dir / name).read_bytes(), name
    manifest = json.loads((model_dir / MANIFEST).read_text())
    assert (manifest["repo_id"], manifest["commit"]) == (REPO, commit)
    assert f"nllb-200-distilled-600M  installed  {REPO}  commit {commit[:12]}" in listed.stdout
    plans = {line.split("│")[1].split()[0]: line for line in listed.stdout.splitlines() if line.count("│") >= 3}
    assert set(plans) == {"en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa"}
    assert "NLLB" not in plans["en"]
    assert all("NLLB → ENCODER+GLOSSARY" in plans[lang] for lang in plans if lang != "en")

    mesh_env = {
        **os.environ,
        "DATABASE_URL": make_database("nllbjob"),  # its own job queue: no other worker claims the job
        "REDIS_URL": infra.redis_url,
        "NATS_URL": infra.nats_url,
        "DRISHYA_API_KEY": "",
        "DRISHYA_NLLB_MODEL": "",  # the installed model is found under the data directory
        "DRISHYA_NLLB_MAX_DECODING_LENGTH": "16",
    }
    mesh = LocalMesh(data_dir, ephemeral=True, env=mesh_env)
    await mesh.start()
    try:
        await mesh.wait_serving()
        async with httpx.AsyncClient(
            base_url=mesh.gateway_url,
            timeout=httpx.Timeout(30.0, read=300.0),
            headers={"Authorization": f"Bearer {mesh.api_key}"},
        ) as client:
            created = await client.post("/v1/jobs", json={"text": SCENE})
            assert created.status_code == 201, created.text
            job_id = created.json()["job_id"]
            events = await _events_until_translated(client, job_id)
            await client.post(f"/v1/jobs/{job_id}:cancel")  # rendering the tiny model's words adds nothing here
    finally:
        await mesh.stop()
    done = [e for e in events if e.get("stage") == "STAGE_TRANSLATE" and e["type"] == "JOB_EVENT_TYPE_STAGE_COMPLETED"]
    assert len(done) == 1, events
    assert done[0]["message"] == "translation: NLLB (2 sentences, te → en)"
