"""Every ``drishya`` subcommand against a real gateway, and every exit status it can end with.

The commands run as their own processes (as a user runs them) against the session's mesh; a
second mesh whose moderation service is down makes jobs fail (dead-letter) on purpose, in a
database of its own so that the session mesh's workers never see its jobs. A TCP proxy between
the command and the gateway cuts or stalls event streams to prove that a job is followed across
reconnections (Last-Event-ID) to its end.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.cli.local import LocalMesh
from services.cli.outcomes import Exit
from services.mesh.infra import InfraUrls, free_port

pytestmark = pytest.mark.e2e
DRISHYA = str(Path(sys.executable).parent / "drishya")
SCENE = "A girl dances in front of the temple in the rain while an old man watches from the steps."
BLOCKED = "Spider-Man fights a monster in front of the temple in the rain."


async def _run(*args: str, env: dict[str, str], stdin: str | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        DRISHYA,
        *args,
        env=env,
        stdin=asyncio.subprocess.PIPE if stdin is not None else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(stdin.encode() if stdin else None), timeout=300)
    return proc.returncode or 0, out.decode(), err.decode()


def _env(mesh: LocalMesh, **extra: str) -> dict[str, str]:
    return {**os.environ, "DRISHYA_URL": mesh.gateway_url, "DRISHYA_API_KEY": mesh.api_key, **extra}


async def _create_job(mesh: LocalMesh, text: str = SCENE) -> str:
    async with httpx.AsyncClient(base_url=mesh.gateway_url, timeout=30) as c:
        r = await c.post("/v1/jobs", json={"text": text}, headers={"Authorization": f"Bearer {mesh.api_key}"})
    assert r.status_code == 201, r.text
    return str(r.json()["job_id"])


# ------------------------------------------------------------------ generate


async def test_generate_json_with_every_option_succeeds_and_jobs_commands_see_it(
    mesh: LocalMesh, tmp_path: Path
) -> None:
    out = tmp_path / "scene.mp4"
    code, stdout, err = await _run(
        "generate",
        SCENE,
        "-o",
        str(out),
        "--json",
        "--no-subtitles",
        "--no-narration",
        "--provider",
        "storyboard",
        "--priority",
        "7",
        "--budget-policy",
        "fallback",
        "--language",
        "en",
        env=_env(mesh),
    )
    assert code == Exit.OK, err
    result = json.loads(stdout)
    assert result["state"] == "JOB_STATE_SUCCEEDED" and result["exit_code"] == 0 and result["error"] is None
    assert set(result["result"]) >= {"mp4_url", "hls_master_url"}
    assert result["output"] == str(out.resolve()) and out.stat().st_size > 1000
    job_id = result["job_id"]

    code, stdout, err = await _run("jobs", "get", job_id, "--json", env=_env(mesh))
    assert code == Exit.OK, err
    job = json.loads(stdout)
    opts = job["options"]
    assert (opts["priority"], opts["provider"], opts["disable_subtitles"], opts["disable_narration"]) == (
        7,
        "storyboard",
        True,
        True,
    )
    assert opts["budget_policy"] == "BUDGET_POLICY_FALLBACK"
    code, stdout, _ = await _run("jobs", "get", job_id, env=_env(mesh))
    assert code == Exit.OK and job_id in stdout and "SUCCEEDED" in stdout and "mp4_url" in stdout

    code, stdout, err = await _run("jobs", "list", "--json", "--limit", "200", env=_env(mesh))
    assert code == Exit.OK, err
    assert job_id in [j["job_id"] for j in json.loads(stdout)["jobs"]]
    code, stdout, _ = await _run("jobs", "list", env=_env(mesh))
    assert code == Exit.OK and "SUCCEEDED" in stdout

    # A job that has ended: watch replays and ends at once; cancel and retry are refused (409).
    code, stdout, err = await _run("jobs", "watch", job_id, "--json", env=_env(mesh))
    assert code == Exit.OK, err
    assert json.loads(stdout)["state"] == "JOB_STATE_SUCCEEDED"
    code, stdout, err = await _run("jobs", "cancel", job_id, "--json", env=_env(mesh))
    assert code == Exit.REFUSED and "JOB_NOT_CANCELLABLE" in err
    assert json.loads(stdout)["error"]["reason"] == "JOB_NOT_CANCELLABLE"
    code, _, err = await _run("jobs", "retry", job_id, env=_env(mesh))
    assert code == Exit.REFUSED and "JOB_NOT_RETRYABLE" in err


async def test_generate_refused_input_exits_1_with_the_reason(mesh: LocalMesh, tmp_path: Path) -> None:
    code, stdout, err = await _run(
        "generate", SCENE, "--priority", "12", "--json", "-o", str(tmp_path / "x.mp4"), env=_env(mesh)
    )
    assert code == Exit.REFUSED
    refused = json.loads(stdout)
    assert refused["job_id"] is None and refused["error"]["status"] == 400
    assert "priority" in err and "Traceback" not in err
    code, stdout, err = await _run("generate", SCENE, "--provider", "dall-e", "--json", env=_env(mesh))
    assert code == Exit.REFUSED and json.loads(stdout)["error"]["reason"] == "UNKNOWN_PROVIDER"
    assert not (tmp_path / "x.mp4").exists()


async def test_generate_blocked_exits_4_with_the_moderation_reason(mesh: LocalMesh, tmp_path: Path) -> None:
    out = tmp_path / "blocked.mp4"
    code, stdout, err = await _run("generate", BLOCKED, "-o", str(out), "--json", env=_env(mesh))
    assert code == Exit.BLOCKED, err
    blocked = json.loads(stdout)
    assert blocked["state"] == "JOB_STATE_BLOCKED" and blocked["exit_code"] == Exit.BLOCKED
    assert blocked["error"]["reason"] == "COPYRIGHTED_CHARACTER" and blocked["result"] == {}
    assert not out.exists()
    code, _, _ = await _run("jobs", "get", blocked["job_id"], env=_env(mesh))
    assert code == Exit.BLOCKED


async def test_generate_exits_5_when_its_job_is_cancelled_and_jobs_cancel_works(
    mesh: LocalMesh, tmp_path: Path
) -> None:
    proc = await asyncio.create_subprocess_exec(
        DRISHYA,
        "generate",
        SCENE + " Then the rain stops and birds fly over the river.",
        "-o",
        str(tmp_path / "c.mp4"),
        env=_env(mesh),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    job_id = ""
    while not job_id:
        line = (await asyncio.wait_for(proc.stderr.readline(), 60)).decode()
        assert line, "generate ended before announcing its job"
        if line.startswith("job ") and "queued" in line:
            job_id = line.split()[1]
    code, stdout, err = await _run("jobs", "cancel", job_id, env=_env(mesh))
    assert code == Exit.OK, err
    assert "CANCELLED" in stdout
    _, rest = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == Exit.CANCELLED, rest.decode()
    code, stdout, _ = await _run("jobs", "watch", job_id, "--json", env=_env(mesh))
    assert code == Exit.CANCELLED and json.loads(stdout)["state"] == "JOB_STATE_CANCELLED"
    code, _, _ = await _run("jobs", "get", job_id, env=_env(mesh))
    assert code == Exit.CANCELLED


# ------------------------------------------------------------------ errors any command can end with


async def test_not_found_unauthorised_and_unreachable_have_their_own_exit_statuses(mesh: LocalMesh) -> None:
    missing = str(uuid.uuid4())
    for args in (("jobs", "get", missing), ("jobs", "watch", missing), ("stories", "get", missing)):
        code, _, err = await _run(*args, env=_env(mesh))
        assert code == Exit.NOT_FOUND, (args, err)
    code, stdout, err = await _run("jobs", "list", "--json", env=_env(mesh, DRISHYA_API_KEY="dk_not_a_key"))
    assert code == Exit.UNAUTHORISED and json.loads(stdout)["error"]["status"] == 401
    code, _, err = await _run("stories", "list", env=_env(mesh, DRISHYA_API_KEY="", DRISHYA_DATA_DIR="/nonexistent"))
    assert code == Exit.UNAUTHORISED and "no API key" in err
    nowhere = f"http://127.0.0.1:{free_port()}"
    offline: list[tuple[str, ...]] = [("jobs", "list"), ("generate", SCENE), ("stories", "play", missing)]
    for cmd in offline:
        code, _, err = await _run(*cmd, env=_env(mesh, DRISHYA_URL=nowhere))
        assert code == Exit.UNREACHABLE, (cmd, err)
        assert err.strip().count("\n") == 0 and nowhere in err and "Traceback" not in err, err
    code, _, err = await _run("jobs", "frobnicate", env=_env(mesh))
    assert code == Exit.USAGE
    code, stdout, _ = await _run("--help", env=_env(mesh))
    assert code == 0 and "exit status" in stdout and "unreachable" in stdout


# ------------------------------------------------------------------ failed jobs: a mesh without moderation


@pytest_asyncio.fixture(scope="module")
async def broken_mesh(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LocalMesh]:
    """A mesh whose moderation service is stopped: every job dead-letters after one attempt."""
    env = {
        **os.environ,
        "DATABASE_URL": make_database("cli_broken"),
        "REDIS_URL": infra.redis_url,
        "NATS_URL": infra.nats_url,
        "DRISHYA_API_KEY": "",
        "DRISHYA_MAX_ATTEMPTS": "1",
        "DRISHYA_RPC_DEADLINE_S": "2",
    }
    m = LocalMesh(tmp_path_factory.mktemp("broken-mesh"), ephemeral=True, env=env)
    await m.start()
    await m.wait_serving()
    moderation = next(s for s in m.servers if s.name == "moderation")
    await moderation.stop(0.5)
    m.servers.remove(moderation)
    yield m
    await m.stop()


async def test_a_failed_job_exits_3_and_retry_queues_it_again(broken_mesh: LocalMesh, tmp_path: Path) -> None:
    code, stdout, err = await _run("generate", SCENE, "--json", "-o", str(tmp_path / "f.mp4"), env=_env(broken_mesh))
    assert code == Exit.FAILED, err
    failed = json.loads(stdout)
    assert failed["state"] in ("JOB_STATE_DEAD_LETTER", "JOB_STATE_FAILED") and failed["error"]["message"]
    assert not (tmp_path / "f.mp4").exists()
    job_id = failed["job_id"]
    code, _, _ = await _run("jobs", "get", job_id, env=_env(broken_mesh))
    assert code == Exit.FAILED
    code, stdout, err = await _run("jobs", "retry", job_id, "--json", env=_env(broken_mesh))
    assert code == Exit.OK, err
    assert json.loads(stdout)["state"] in ("JOB_STATE_QUEUED", "JOB_STATE_RUNNING", "JOB_STATE_DEAD_LETTER")
    code, stdout, err = await _run("jobs", "watch", job_id, "--json", env=_env(broken_mesh))
    assert code == Exit.FAILED, err
    code, stdout, err = await _run("jobs", "retry", job_id, "--watch", env=_env(broken_mesh))
    assert code == Exit.FAILED, err


# ------------------------------------------------------------------ following a job across broken streams


@dataclass
class Proxy:
    """A TCP proxy to the gateway that breaks every job event stream ``after_s`` seconds after it
    is requested: ``mode="close"`` closes the connection, ``"stall"`` stops forwarding (silence)."""

    target_port: int
    after_s: float
    mode: str
    port: int = 0
    event_requests: list[bytes] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter) -> None:
        sr, sw = await asyncio.open_connection("127.0.0.1", self.target_port)
        broken = asyncio.Event()

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter, upstream: bool) -> None:
            while data := await r.read(65536):
                if upstream and b"/events" in data:
                    self.event_requests.append(data)
                    loop = asyncio.get_running_loop()
                    loop.call_later(self.after_s, broken.set)
                if broken.is_set():
                    if self.mode == "close":
                        return
                    continue  # stall: swallow everything
                w.write(data)
                await w.drain()

        up = asyncio.ensure_future(pipe(cr, sw, True))
        down = asyncio.ensure_future(pipe(sr, cw, False))
        watcher = asyncio.ensure_future(broken.wait())
        self._tasks |= {up, down, watcher}
        try:
            if self.mode == "close":
                await asyncio.wait({up, down, watcher}, return_when=asyncio.FIRST_COMPLETED)
            else:
                await asyncio.wait({up, down}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (up, down, watcher):
                t.cancel()
                self._tasks.discard(t)
            for w in (cw, sw):
                with contextlib.suppress(Exception):
                    w.close()


@pytest.mark.parametrize("mode", ["close", "stall"])
async def test_generate_follows_a_job_across_broken_event_streams(mesh: LocalMesh, tmp_path: Path, mode: str) -> None:
    proxy = Proxy(int(mesh.gateway_url.rsplit(":", 1)[1]), after_s=1.0, mode=mode)
    await proxy.start()
    out = tmp_path / "scene.mp4"
    try:
        env = _env(
            mesh,
            DRISHYA_URL=f"http://127.0.0.1:{proxy.port}",
            DRISHYA_CLI_READ_TIMEOUT_S="1.5",  # far below the job's duration: no total limit applies
        )
        code, stdout, err = await _run("generate", SCENE, "-o", str(out), "--json", env=env)
    finally:
        await proxy.stop()
    assert code == Exit.OK, err
    assert json.loads(stdout)["state"] == "JOB_STATE_SUCCEEDED" and out.stat().st_size > 1000
    assert len(proxy.event_requests) >= 2, "the stream was never broken: the job was too quick to test this"
    resumed = [r for r in proxy.event_requests[1:] if b"last-event-id: " in r.lower()]
    assert resumed, proxy.event_requests


# ------------------------------------------------------------------ stories


async def test_stories_create_add_render_play_and_breakdown(mesh: LocalMesh, tmp_path: Path) -> None:
    env = _env(mesh)
    scenes = tmp_path / "monsoon.txt"
    scenes.write_text(
        "A girl walks to the temple in the morning rain.\nShe carries a red umbrella.\n\n"
        "An old man sells flowers on the temple steps.\n\n\n",
        encoding="utf-8",
    )
    code, stdout, err = await _run("stories", "create", str(scenes), "--json", env=env)
    assert code == Exit.OK, err
    story = json.loads(stdout)
    story_id = story["story_id"]
    assert story["title"] == "monsoon"
    assert [s["text"] for s in story["scenes"]] == [
        "A girl walks to the temple in the morning rain. She carries a red umbrella.",
        "An old man sells flowers on the temple steps.",
    ]

    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(["A boat crosses the river at dusk.", {"text": "बारिश में एक लड़की नाच रही है।"}]))
    code, stdout, err = await _run("stories", "create", str(listed), "--title", "River", "--json", env=env)
    assert code == Exit.OK, err
    assert json.loads(stdout)["scenes"][0]["text"] == "A boat crosses the river at dusk."
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    code, _, err = await _run("stories", "create", str(bad), env=env)
    assert code == Exit.REFUSED and "item 0" in err

    code, stdout, err = await _run(
        "stories", "add", story_id, "The girl and the old man share tea as the rain stops.", "--json", env=env
    )
    assert code == Exit.OK, err
    assert len(json.loads(stdout)["scenes"]) == 3
    code, _, err = await _run("stories", "add", story_id, "short", env=env)
    assert code == Exit.REFUSED, err

    code, stdout, err = await _run("stories", "play", story_id, "--json", env=env)
    assert code == Exit.REFUSED and json.loads(stdout)["error"]["reason"] == "STORY_NOT_RENDERED", err

    code, stdout, err = await _run("stories", "render", story_id, "--wait", env=env)
    held = [line.split()[1] for line in stdout.splitlines() if "IN_REVIEW" in line]
    why = [json.loads((await _run("jobs", "get", job, "--json", env=env))[1]).get("review") for job in held]
    assert code == Exit.OK, f"{err}\n{stdout}\nheld for review: {why}"
    assert stdout.count("SUCCEEDED") == 3 and stdout.count("new") == 3, f"{stdout}\nheld for review: {why}"
    code, stdout, err = await _run("stories", "render", story_id, "--wait", "--json", env=env)
    assert code == Exit.OK, err
    rendered = json.loads(stdout)
    assert len(rendered["renders"]) == 3 and all(j["exit_code"] == 0 for j in rendered["jobs"].values())

    code, stdout, err = await _run("stories", "play", story_id, env=env)
    assert code == Exit.OK, err
    urls = [w for w in stdout.split() if w.startswith("http")]
    assert len(urls) == 2
    async with httpx.AsyncClient(timeout=30) as c:
        for url in urls:
            assert (await c.get(url)).status_code == 200, url

    code, stdout, err = await _run("stories", "get", story_id, env=env)
    assert code == Exit.OK and stdout.count("job ") == 3
    code, stdout, err = await _run("stories", "list", "--json", env=env)
    assert code == Exit.OK and story_id in [s["story_id"] for s in json.loads(stdout)["stories"]]

    csv_out, json_out = tmp_path / "strips.csv", tmp_path / "strips.json"
    code, _, err = await _run("stories", "breakdown", story_id, "-o", str(csv_out), env=env)
    assert code == Exit.OK, err
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf") and len(csv_out.read_text("utf-8-sig").splitlines()) >= 4
    code, _, err = await _run("stories", "breakdown", story_id, "-o", str(json_out), env=env)
    assert code == Exit.OK, err
    assert len(json.loads(json_out.read_text())["strips"]) == 3
    code, _, _ = await _run("stories", "breakdown", str(uuid.uuid4()), "-o", str(tmp_path / "none.csv"), env=env)
    assert code == Exit.NOT_FOUND


async def test_generate_local_keeps_its_mesh_until_the_job_ends(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "NATS_URL", "DRISHYA_URL", "DRISHYA_API_KEY", "DRISHYA_DATA_DIR")
    }
    # silences longer than this reconnect; the job still ends (3 s: on two loaded cores, the render
    # processes starting beside the in-process mesh once made an answer wait over 1 s)
    env["DRISHYA_CLI_READ_TIMEOUT_S"] = "3"
    out = tmp_path / "local.mp4"
    code, stdout, err = await _run(
        "--data-dir", str(tmp_path / "data"), "generate", SCENE, "--local", "-o", str(out), "--json", env=env
    )
    assert code == Exit.OK, err
    result = json.loads(stdout)
    assert result["state"] == "JOB_STATE_SUCCEEDED" and out.stat().st_size > 1000
    assert Path(result["files"]["mp4"]).exists()
    assert not (tmp_path / "data" / "postgres" / "postmaster.pid").exists()  # its mesh stopped with it
