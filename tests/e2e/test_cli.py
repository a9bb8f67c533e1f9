"""The ``drishya`` command against the running mesh: keys create, and generate with progress to a file."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import av
import pytest

from services.cli.local import LocalMesh
from services.gateway import keys
from services.mesh.db import create_engine
from services.mesh.infra import InfraUrls

pytestmark = pytest.mark.e2e
DRISHYA = str(Path(sys.executable).parent / "drishya")


async def _run(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        DRISHYA, *args, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=300)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_keys_create_prints_a_working_key(infra: InfraUrls, tmp_path: Path) -> None:
    code, out, err = await _run(
        "keys", "create", "--name", "ci", env={**os.environ, "DATABASE_URL": infra.database_url}
    )
    assert code == 0, err
    secret = out.strip()
    assert secret.startswith("dk_")
    engine = create_engine(infra.database_url, pool_size=1)
    try:
        assert await keys.authenticate(engine, secret) is not None
        assert await keys.authenticate(engine, secret + "x") is None
    finally:
        await engine.dispose()


async def test_generate_writes_a_playable_hindi_video(mesh: LocalMesh, tmp_path: Path) -> None:
    out = tmp_path / "scene.mp4"
    env = {**os.environ, "DRISHYA_URL": mesh.gateway_url, "DRISHYA_API_KEY": mesh.api_key}
    code, _, err = await _run("generate", "बारिश में एक लड़की मंदिर के सामने नाच रही है।", "-o", str(out), env=env)
    assert code == 0, err
    assert "HLS master playlist" in err
    with av.open(str(out)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
        assert sum(1 for _ in container.decode(video=0)) >= 6 * 24


async def test_generate_reports_a_refused_scene(mesh: LocalMesh, tmp_path: Path) -> None:
    env = {**os.environ, "DRISHYA_URL": mesh.gateway_url, "DRISHYA_API_KEY": mesh.api_key}
    code, _, err = await _run("generate", "short", "-o", str(tmp_path / "x.mp4"), env=env)
    assert code == 1
    assert "TEXT_TOO_SHORT" in err
    assert not (tmp_path / "x.mp4").exists()
