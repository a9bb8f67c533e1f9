"""The ``drishya`` command: run the local mesh, generate videos, manage API keys.

    drishya up                       run the whole mesh, one supervised process per part (Ctrl-C stops it)
    drishya worker [-n N]            run N worker processes against an existing mesh (default: one per core)
    drishya generate TEXT -o F.mp4   submit a scene through the gateway, show progress, save the MP4
    drishya keys create [--name N]   create an API key
    drishya models install|list      translation models (services.cli.models)

``generate`` talks to ``DRISHYA_URL`` (default http://127.0.0.1:8080) with ``DRISHYA_API_KEY``;
when no gateway answers there and ``DRISHYA_URL`` is unset, it starts a local mesh for the
duration of the command.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # before grpc loads: keep its C-core notices off the terminal

import argparse
import asyncio
import json
import logging
import signal
import sys
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from services.cli import models as models_cli
from services.cli.local import LocalMesh
from services.cli.processes import Plan, plan_up, plan_workers, restart_policy
from services.cli.supervisor import Supervisor, SupervisorError, clean_stale
from services.mesh import config as mc

console = Console(stderr=True)
log = logging.getLogger("drishya.supervisor")
DEFAULT_URL = "http://127.0.0.1:8080"
TERMINAL = {
    "JOB_STATE_SUCCEEDED",
    "JOB_STATE_BLOCKED",
    "JOB_STATE_CANCELLED",
    "JOB_STATE_FAILED",
    "JOB_STATE_DEAD_LETTER",
}


class CliError(Exception):
    """A failure to report on one line, with exit status 1."""


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir) if args.data_dir else mc.data_dir(os.environ)


async def _supervise(plan: Plan, announce: Callable[[Supervisor], None]) -> int:
    """Start ``plan`` under a supervisor, keep it running until SIGINT/SIGTERM, then stop it in order."""
    sup = Supervisor(plan.run_dir, plan.stages, restart_policy(plan.env))
    sup.lock()
    for line in clean_stale(plan.run_dir, plan.pgdata):
        log.warning("%s", line)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        starting = asyncio.create_task(sup.start())
        stopped = asyncio.create_task(stop.wait())
        await asyncio.wait({starting, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if starting.done():
            starting.result()  # raises SupervisorError
            announce(sup)
            await sup.run(stop)
        else:
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
        stopped.cancel()
    except SupervisorError as exc:
        raise CliError(str(exc)) from None
    finally:
        with console.status("stopping..."):
            await sup.stop()
        console.print("stopped.")
    return 0


async def cmd_up(args: argparse.Namespace) -> int:
    """Run the mesh as supervised processes until SIGINT/SIGTERM (see services/cli/processes.py)."""
    env = dict(os.environ)
    if args.workers is not None:
        env["DRISHYA_WORKER_PROCESSES"] = str(args.workers)
    plan = await asyncio.to_thread(plan_up, _data_dir(args), env)

    def announce(sup: Supervisor) -> None:
        console.print(f"[bold green]Drishya is up[/] at {plan.gateway_url}  (web page: {plan.gateway_url}/)")
        for stage in plan.stages:
            for child in stage:
                console.print(f"  {child.name:<11} pid {sup.pid_of(child.name)}")
        if plan.api_key_file is not None and not os.environ.get("DRISHYA_API_KEY"):
            # The key goes to a file only its owner can read, never to a log or the terminal.
            console.print(
                f"  API key in {plan.api_key_file} (mode 0600): export DRISHYA_API_KEY=$(cat {plan.api_key_file})",
                soft_wrap=True,
            )
        console.print(f"  logs in {plan.run_dir}/. Ctrl-C stops everything.", soft_wrap=True)

    return await _supervise(plan, announce)


async def cmd_worker(args: argparse.Namespace) -> int:
    """Run worker processes only (one per core by default) against an existing mesh."""
    plan = plan_workers(_data_dir(args), dict(os.environ), args.processes)

    def announce(sup: Supervisor) -> None:
        n = sum(len(s) for s in plan.stages)
        console.print(f"[bold green]{n} worker process(es) running[/]; Ctrl-C stops them.")

    return await _supervise(plan, announce)


def _api_key(data_dir: Path) -> str:
    """``DRISHYA_API_KEY``, else the dev key ``drishya up`` wrote into the data directory."""
    key = os.environ.get("DRISHYA_API_KEY", "").strip()
    if key:
        return key
    f = data_dir / "api-key"
    return f.read_text().strip() if f.exists() else ""


async def _gateway_answers(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2.0) as c:
            r = await c.get(f"{url}/healthz")
            return bool(r.headers.get("content-type", "").startswith("application/json"))
    except httpx.HTTPError:
        return False


async def cmd_generate(args: argparse.Namespace) -> int:
    """Submit a scene, follow its events with a progress bar, download the MP4."""
    text = args.text if args.text != "-" else sys.stdin.read()
    url = os.environ.get("DRISHYA_URL", "").rstrip("/")
    key = _api_key(_data_dir(args))
    mesh: LocalMesh | None = None
    if args.local or (not url and not await _gateway_answers(DEFAULT_URL)):
        mesh = LocalMesh(_data_dir(args), ephemeral=True)
        with console.status("no gateway running: starting a local mesh for this command..."):
            await mesh.start()
            await mesh.wait_serving()
        url, key = mesh.gateway_url, mesh.api_key
    elif not url:
        url = DEFAULT_URL
    if not key:
        raise CliError(
            "no API key: set DRISHYA_API_KEY (`drishya up` writes one to <data dir>/api-key) "
            "or run `drishya keys create`"
        )
    try:
        job = await _submit_and_follow(url, key, text, args, mesh.media_root if mesh else None)
    finally:
        if mesh is not None:
            await mesh.stop()
    return 0 if job.get("state") == "JOB_STATE_SUCCEEDED" else 1


async def _submit_and_follow(
    url: str, key: str, text: str, args: argparse.Namespace, media_root: Path | None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {key}", "Idempotency-Key": str(uuid.uuid4())}
    options: dict[str, Any] = {}
    if args.language:
        options["language_code"] = args.language
    if args.no_narration:
        options["disable_narration"] = True
    async with httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(30.0, read=None)) as client:
        r = await client.post("/v1/jobs", json={"text": text, "options": options}, headers=headers)
        if r.status_code >= 400:
            body = r.json() if r.headers.get("content-type", "").endswith("json") else {"detail": r.text}
            raise CliError(f"{r.status_code} {body.get('reason', '')}: {body.get('detail', body)}")
        job = r.json()
        job_id = job["job_id"]
        console.print(f"job [bold]{job_id}[/] queued")
        auth = {"Authorization": f"Bearer {key}"}
        with Progress(
            TextColumn("{task.description:<44}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=console,
        ) as bar:
            task = bar.add_task("queued", total=1.0)
            async with aconnect_sse(client, "GET", f"/v1/jobs/{job_id}/events", headers=auth) as sse:
                async for ev in sse.aiter_sse():
                    if not ev.data:
                        continue  # a retry: hint, not an event
                    data = json.loads(ev.data)
                    bar.update(
                        task,
                        completed=float(data.get("progress", 0.0)),
                        description=str(data.get("message", ev.event))[:44],
                    )
                    if data.get("state") in TERMINAL and ev.event == "state_changed":
                        break
        job = (await client.get(f"/v1/jobs/{job_id}", headers=auth)).json()
        state = job.get("state")
        if state != "JOB_STATE_SUCCEEDED":
            why = job.get("error", {}).get("message") or "; ".join(
                r.get("message", "") for r in job.get("block_reasons", [])
            )
            console.print(f"[bold red]{state}[/]: {why}")
            return dict(job)
        result = job["result"]
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        async with client.stream("GET", result["mp4_url"]) as media:
            media.raise_for_status()
            with out.open("wb") as f:
                async for chunk in media.aiter_bytes():
                    f.write(chunk)
        console.print(
            f"[bold green]done[/]: {out.resolve()}  ({int(result.get('duration_ms', 0)) / 1000:.1f} s)", soft_wrap=True
        )
        if media_root is not None:  # a mesh that stops with this command: its files, not its URLs
            console.print(f"  MP4:                 {media_root / result['mp4_key']}", soft_wrap=True)
            console.print(f"  HLS master playlist: {media_root / result['hls_master_key']}", soft_wrap=True)
        else:
            console.print(f"  MP4:                 {result['mp4_url']}", soft_wrap=True)
            console.print(f"  HLS master playlist: {result['hls_master_url']}", soft_wrap=True)
        return dict(job)


async def cmd_keys_create(args: argparse.Namespace) -> int:
    """Create an API key in the gateway's database (``DATABASE_URL`` or the embedded one)."""
    from services.gateway import keys
    from services.mesh.db import create_engine
    from services.mesh.infra import EmbeddedInfra

    infra = None
    db_url = os.environ.get("DATABASE_URL", "")
    if not db_url:
        infra = EmbeddedInfra(_data_dir(args))
        db_url = (await asyncio.to_thread(lambda: infra.start(redis=False, nats=False))).database_url
    engine = create_engine(db_url, pool_size=1)
    try:
        await keys.migrate_gateway(engine)
        key_id, secret = await keys.create_api_key(engine, args.name)
    finally:
        await engine.dispose()
        if infra is not None:
            await asyncio.to_thread(infra.stop)
    print(secret)
    console.print(f"created key {key_id} ({args.name}); it is shown only once")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    p = argparse.ArgumentParser(prog="drishya", description="Multilingual text-to-video.")
    p.add_argument("--data-dir", help="data directory (default: $DRISHYA_DATA_DIR or ./.drishya)")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="run the local mesh in the foreground, one supervised process per part")
    up.add_argument("--workers", type=int, help="worker processes (default $DRISHYA_WORKER_PROCESSES or one per core)")
    w = sub.add_parser("worker", help="run worker processes only, against DATABASE_URL, NATS_URL and the services")
    w.add_argument("-n", "--processes", type=int, help="how many (default one per core)")
    g = sub.add_parser("generate", help="turn a scene into a video")
    g.add_argument("text", help="the scene (10 to 2000 characters), or - to read standard input")
    g.add_argument("-o", "--output", default="scene.mp4", help="where to save the MP4 (default scene.mp4)")
    g.add_argument("--language", help="ISO 639-1 code; detected when omitted")
    g.add_argument("--no-narration", action="store_true", help="no spoken narration")
    g.add_argument("--local", action="store_true", help="always start a local mesh for this command")
    k = sub.add_parser("keys", help="API keys")
    ksub = k.add_subparsers(dest="keys_command", required=True)
    kc = ksub.add_parser("create", help="create an API key and print it")
    kc.add_argument("--name", default="cli", help="a label for the key")
    models_cli.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``drishya`` console script."""
    args = parser().parse_args(argv)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    logging.getLogger("drishya.supervisor").setLevel(logging.INFO)  # starts, exits and restarts of children
    commands = {
        "up": cmd_up,
        "worker": cmd_worker,
        "generate": cmd_generate,
        "keys": cmd_keys_create,
        "models": models_cli.cmd_models,
    }
    try:
        return asyncio.run(commands[args.command](args))
    except (CliError, models_cli.ModelsError) as exc:
        console.print(f"[bold red]error[/]: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
