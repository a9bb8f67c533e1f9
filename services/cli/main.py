"""The ``drishya`` command: run the local mesh, generate videos, follow jobs, stories and API keys.

    drishya up                       run the whole mesh, one supervised process per part (Ctrl-C stops it)
    drishya worker [-n N]            run N worker processes against an existing mesh (default CPUs // min(CPUs, 4))
    drishya generate TEXT -o F.mp4   submit a scene through the gateway, show progress, save the MP4
    drishya jobs list|get|watch|cancel|retry        your jobs (services.cli.remote)
    drishya stories create|list|get|add|render|play|breakdown   stories of scenes (services.cli.remote)
    drishya keys create|list|revoke|role|trust|plan   API keys in the gateway's database (services.cli.admin_db)
    drishya audit [--action A] ...   the audit trail of decisions and privileged actions
    drishya models install|list      translation models (services.cli.models)

``generate``, ``jobs`` and ``stories`` talk to ``DRISHYA_URL`` (default http://127.0.0.1:8080) with
``DRISHYA_API_KEY`` (else the dev key in ``<data dir>/api-key``); when no gateway answers there and
``DRISHYA_URL`` is unset, ``generate`` starts a local mesh for the duration of the command. Exit
statuses tell outcomes apart (services.cli.outcomes): 0 succeeded, 1 refused input, 2 usage,
3 failed, 4 blocked, 5 cancelled, 6 unreachable, 7 unauthorised, 8 not found, 9 held for review,
130 interrupted.
"""

from __future__ import annotations

import os

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # before grpc loads: keep its C-core notices off the terminal

import argparse
import asyncio
import dataclasses
import getpass
import json
import logging
import signal
import sys
import uuid
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from services.cli import models as models_cli
from services.cli import remote
from services.cli.admin_db import admin_database
from services.cli.api import Api, Timeouts
from services.cli.local import LocalMesh
from services.cli.outcomes import EPILOG, CliError, Exit, error_reason, exit_for_state
from services.cli.processes import Plan, plan_up, plan_workers, restart_policy
from services.cli.remote import emit, follow, job_summary
from services.cli.supervisor import Supervisor, SupervisorError, clean_stale
from services.gateway.trust import Role, TrustLevel, TrustRules
from services.mesh import config as mc

console = Console(stderr=True)
log = logging.getLogger("drishya.supervisor")
DEFAULT_URL = "http://127.0.0.1:8080"
__all__ = ["CliError", "Exit", "main", "parser"]


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
    """Run worker processes only (default: :func:`services.mesh.cpu.sizing`) against an existing mesh."""
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


NO_KEY = "no API key: set DRISHYA_API_KEY (`drishya up` writes one to <data dir>/api-key) or run `drishya keys create`"


async def _gateway_answers(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2.0) as c:
            r = await c.get(f"{url}/healthz")
            return bool(r.headers.get("content-type", "").startswith("application/json"))
    except httpx.HTTPError:
        return False


def _gateway(args: argparse.Namespace) -> Api:
    """The gateway client of the remote commands: ``DRISHYA_URL`` (default http://127.0.0.1:8080)
    with the API key of :func:`_api_key`; raises :class:`CliError` (UNAUTHORISED) without a key."""
    url = os.environ.get("DRISHYA_URL", "").strip().rstrip("/") or DEFAULT_URL
    key = _api_key(_data_dir(args))
    if not key:
        raise CliError(NO_KEY, Exit.UNAUTHORISED)
    return Api(url, key, Timeouts.from_env())


async def cmd_generate(args: argparse.Namespace) -> int:
    """Submit a scene, follow its events with a progress bar, download the MP4.

    Exit status: the job's outcome (:func:`services.cli.outcomes.exit_for_state`), or the
    failure's (:class:`services.cli.outcomes.Exit`) when the job could not be created or followed.
    """
    text = args.text if args.text != "-" else sys.stdin.read()
    timeouts = Timeouts.from_env()
    url = os.environ.get("DRISHYA_URL", "").strip().rstrip("/")
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
    try:
        if not key:
            raise CliError(NO_KEY, Exit.UNAUTHORISED)
        async with Api(url, key, timeouts) as api:
            job = await _submit_and_follow(api, text, args, mesh.local_media_root if mesh else None)
    finally:
        if mesh is not None:
            await mesh.stop()
    return exit_for_state(str(job.get("state", "")))


def _job_options(args: argparse.Namespace) -> dict[str, Any]:
    """The ``options`` of POST /v1/jobs from ``generate``'s flags (the gateway validates the values)."""
    options: dict[str, Any] = {}
    if args.language:
        options["language_code"] = args.language
    if args.no_narration:
        options["disable_narration"] = True
    if args.no_subtitles:
        options["disable_subtitles"] = True
    if args.provider:
        options["provider"] = args.provider
    if args.priority is not None:
        options["priority"] = args.priority
    if args.budget_policy:
        options["budget_policy"] = args.budget_policy
    return options


async def _submit_and_follow(api: Api, text: str, args: argparse.Namespace, media_root: Path | None) -> dict[str, Any]:
    body = {"text": text, "options": _job_options(args)}
    created = await api.json("POST", "/v1/jobs", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    job_id = str(created["job_id"])
    if not args.json:
        console.print(f"job [bold]{job_id}[/] queued")
    job = await follow(api, job_id, quiet=args.json)
    summary = job_summary(job)
    state = summary["state"]
    if state != "JOB_STATE_SUCCEEDED":
        reason, why = error_reason(job)
        if args.json:
            print(json.dumps(summary, ensure_ascii=False, indent=2))
        console.print(f"[bold red]{state}[/]: {reason + ': ' if reason else ''}{why}", soft_wrap=True)
        return job
    result = job["result"]
    out = Path(args.output)
    await api.download(result["mp4_url"], out)
    summary["output"] = str(out.resolve())
    if media_root is not None:  # a mesh that stops with this command: its files, not its URLs
        summary["files"] = {
            "mp4": str(media_root / result["mp4_key"]),
            "hls_master": str(media_root / result["hls_master_key"]),
        }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
        return job
    console.print(
        f"[bold green]done[/]: {out.resolve()}  ({int(result.get('duration_ms', 0)) / 1000:.1f} s)", soft_wrap=True
    )
    if media_root is not None:
        console.print(f"  MP4:                 {summary['files']['mp4']}", soft_wrap=True)
        console.print(f"  HLS master playlist: {summary['files']['hls_master']}", soft_wrap=True)
    else:
        console.print(f"  MP4:                 {result['mp4_url']}", soft_wrap=True)
        console.print(f"  HLS master playlist: {result['hls_master_url']}", soft_wrap=True)
    return job


async def cmd_keys(args: argparse.Namespace) -> int:
    """``keys create|list|revoke`` on the gateway's database (see :mod:`services.cli.admin_db` for
    which one: ``DATABASE_URL``, the data directory's running PostgreSQL, or an embedded one started
    and stopped for the command). Never stops a server it did not start."""
    from sqlalchemy.exc import SQLAlchemyError

    from services.gateway import keys
    from services.mesh.db import create_engine

    async with admin_database(_data_dir(args)) as db_url:
        engine = create_engine(db_url, pool_size=1)
        try:
            await keys.migrate_gateway(engine)
            if args.keys_command == "create":
                key_id, secret = await keys.create_api_key(engine, args.name, role=Role(args.role), plan=args.plan)
                if args.json:
                    print(
                        json.dumps(
                            {
                                "key_id": key_id,
                                "name": args.name,
                                "role": args.role,
                                "plan": args.plan,
                                "secret": secret,
                            }
                        )
                    )
                else:
                    print(secret)
                console.print(f"created key {key_id} ({args.name}); it is shown only once")
                return Exit.OK
            if args.keys_command == "revoke":
                if not await keys.revoke_api_key(engine, args.key_id):
                    raise CliError(f"no active key with id {args.key_id}", Exit.NOT_FOUND, reason="KEY_NOT_FOUND")
                emit(args, {"key_id": args.key_id, "revoked": True}, lambda: print(f"revoked {args.key_id}"))
                return Exit.OK
            if args.keys_command in ("role", "trust", "plan"):
                actor = f"operator:{getpass.getuser()}"
                try:
                    if args.keys_command == "role":
                        await keys.set_role(engine, args.key_id, Role(args.value), actor=actor, reason=args.reason)
                    elif args.keys_command == "trust":
                        rules = TrustRules.from_env(os.environ)
                        await keys.set_trust(
                            engine, args.key_id, TrustLevel(args.value), rules, actor=actor, reason=args.reason
                        )
                    else:
                        await keys.set_plan(engine, args.key_id, args.value, actor=actor, reason=args.reason)
                except LookupError:
                    raise CliError(
                        f"no active key with id {args.key_id}", Exit.NOT_FOUND, reason="KEY_NOT_FOUND"
                    ) from None
                except ValueError as exc:
                    raise CliError(str(exc), Exit.REFUSED, reason="INVALID_ARGUMENT") from None
                emit(
                    args,
                    {"key_id": args.key_id, args.keys_command: args.value},
                    lambda: print(f"{args.key_id}: {args.keys_command} {args.value}"),
                )
                return Exit.OK
            records = await keys.list_keys(engine, include_revoked=args.all)

            def human() -> None:
                for k in records:
                    revoked = f"  revoked {k.revoked_at[:19]}" if k.revoked_at else ""
                    print(
                        f"{k.key_id}  {k.created_at[:19]}  {k.role:<8}  {k.trust_level:<10}  "
                        f"{k.plan:<10}  {k.name}{revoked}"
                    )

            emit(args, {"keys": [dataclasses.asdict(k) for k in records]}, human)
            return Exit.OK
        except (SQLAlchemyError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CliError(f"database: {first}", Exit.UNREACHABLE) from None
        finally:
            await engine.dispose()


async def cmd_audit(args: argparse.Namespace) -> int:
    """``audit``: the newest events of the audit trail (services.mesh.audit) in the gateway's
    database, found as for ``keys``."""
    import datetime as dt

    from sqlalchemy.exc import SQLAlchemyError

    from services.mesh import audit
    from services.mesh.db import create_engine

    since = None
    if args.since:
        try:
            since = dt.datetime.fromisoformat(args.since)
        except ValueError:
            raise CliError(f"--since {args.since!r} is not an ISO 8601 time", Exit.REFUSED) from None
        if since.tzinfo is None:
            raise CliError("--since needs a time zone, e.g. 2026-12-01T00:00Z", Exit.REFUSED)
    if not 1 <= args.limit <= 500:
        raise CliError("--limit must be from 1 to 500", Exit.REFUSED)
    async with admin_database(_data_dir(args)) as db_url:
        engine = create_engine(db_url, pool_size=1)
        try:
            await audit.migrate_audit(engine)
            events, _ = await audit.page(
                engine, actor=args.actor, action=args.action, target=args.target, since=since, page_size=args.limit
            )
        except (SQLAlchemyError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CliError(f"database: {first}", Exit.UNREACHABLE) from None
        finally:
            await engine.dispose()

    def human() -> None:
        for e in events:
            reason = f"  {e.reason}" if e.reason else ""
            print(f"{e.at.isoformat()[:19]}  {e.actor}  {e.action}  {e.target}{reason}")

    emit(args, {"events": [e.as_json() for e in events]}, human)
    return Exit.OK


_REMOTE: dict[tuple[str, str], Callable[[Api, argparse.Namespace], Awaitable[int]]] = {
    ("jobs", "list"): remote.jobs_list,
    ("jobs", "get"): remote.jobs_get,
    ("jobs", "watch"): remote.jobs_watch,
    ("jobs", "cancel"): remote.jobs_cancel,
    ("jobs", "retry"): remote.jobs_retry,
    ("stories", "create"): remote.stories_create,
    ("stories", "list"): remote.stories_list,
    ("stories", "get"): remote.stories_get,
    ("stories", "add"): remote.stories_add,
    ("stories", "render"): remote.stories_render,
    ("stories", "play"): remote.stories_play,
    ("stories", "breakdown"): remote.stories_breakdown,
}


async def cmd_remote(args: argparse.Namespace) -> int:
    """Run a ``jobs`` or ``stories`` subcommand against the gateway (see :mod:`services.cli.remote`)."""
    async with _gateway(args) as api:
        return await _REMOTE[(args.command, args.sub)](api, args)


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(
        prog="drishya", description="Multilingual text-to-video.", epilog=EPILOG, formatter_class=fmt
    )
    p.add_argument("--data-dir", help="data directory (default: $DRISHYA_DATA_DIR or ./.drishya)")
    p.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    sub = p.add_subparsers(dest="command", required=True)

    def command(parent: Any, name: str, text: str, *, json_flag: bool = True) -> argparse.ArgumentParser:
        made: argparse.ArgumentParser = parent.add_parser(
            name,
            help=text,
            description=text,
            epilog=EPILOG,
            formatter_class=fmt,
            parents=[as_json] if json_flag else [],
        )
        return made

    up = command(sub, "up", "run the local mesh in the foreground, one supervised process per part", json_flag=False)
    up.add_argument(
        "--workers", type=int, help="worker processes (default $DRISHYA_WORKER_PROCESSES, else CPUs // min(CPUs, 4))"
    )
    w = command(
        sub, "worker", "run worker processes only, against DATABASE_URL, NATS_URL and the services", json_flag=False
    )
    w.add_argument(
        "-n", "--processes", type=int, help="how many (default $DRISHYA_WORKER_PROCESSES, else CPUs // min(CPUs, 4))"
    )

    g = command(sub, "generate", "turn a scene into a video")
    g.add_argument("text", help="the scene (10 to 2000 characters), or - to read standard input")
    g.add_argument("-o", "--output", default="scene.mp4", help="where to save the MP4 (default scene.mp4)")
    g.add_argument("--language", help="ISO 639-1 code; detected when omitted")
    g.add_argument("--no-narration", action="store_true", help="no spoken narration")
    g.add_argument("--no-subtitles", action="store_true", help="no burnt-in subtitles")
    g.add_argument("--provider", help="render provider: storyboard (default), comfyui or gemini")
    g.add_argument("--priority", type=int, help="0 (lowest) to 9 (highest); 5 when omitted")
    g.add_argument(
        "--budget-policy",
        help="when the estimated cost would pass the key's budget: refuse (default, exit 1) or fallback "
        "(render with the storyboard)",
    )
    g.add_argument("--local", action="store_true", help="always start a local mesh for this command")

    j = command(sub, "jobs", "your jobs, through the gateway ($DRISHYA_URL)", json_flag=False)
    jsub = j.add_subparsers(dest="sub", required=True)
    jl = command(jsub, "list", "your jobs, newest first")
    jl.add_argument("--limit", type=int, default=20, help="at most this many (default 20)")
    for name, text in (
        ("get", "one job; exits with its outcome (0 while queued or running)"),
        ("watch", "follow a job until it ends (reconnects as needed); exits with its outcome"),
        ("cancel", "cancel a queued or running job"),
        ("retry", "queue a FAILED or DEAD_LETTER job again"),
    ):
        jc = command(jsub, name, text)
        jc.add_argument("job_id", help="the job's UUID")
        if name == "watch":
            jc.add_argument("--after", type=int, default=0, help="replay events after this sequence number")
        if name == "retry":
            jc.add_argument("--watch", action="store_true", help="then follow it and exit with its outcome")

    k = command(sub, "keys", "API keys, in the gateway's database", json_flag=False)
    ksub = k.add_subparsers(dest="keys_command", required=True)
    kc = command(ksub, "create", "create an API key and print its secret (shown only once)")
    kc.add_argument("--name", default="cli", help="a label for the key")
    kc.add_argument(
        "--role", choices=[r.value for r in Role], default="user", help="what the key may do (default user)"
    )
    kc.add_argument("--plan", default="free", help="the key's plan (default free)")
    kl = command(
        ksub, "list", "the active keys (id, creation time, name, role, trust level, plan); never their secrets"
    )
    kl.add_argument("--all", action="store_true", help="include revoked keys")
    kr = command(ksub, "revoke", "revoke a key by its id; it stops working within the gateway's key cache TTL")
    kr.add_argument("key_id", help="the key's id (as `keys list` shows it)")
    for name, text, choices in (
        ("role", "give a key a role: user, reviewer (decides reviews) or operator", [r.value for r in Role]),
        (
            "trust",
            "set a key's trust level (services.gateway.trust says what each means)",
            [t.value for t in TrustLevel],
        ),
        ("plan", "move a key to a plan (free, pro, enterprise or one of DRISHYA_PLANS)", None),
    ):
        kx = command(ksub, name, text)
        kx.add_argument("key_id", help="the key's id (as `keys list` shows it)")
        kx.add_argument("value", choices=choices, metavar=name.upper(), help=" | ".join(choices or ["a plan name"]))
        kx.add_argument("--reason", default="", help="why (kept in the audit trail)")

    au = command(sub, "audit", "the audit trail, newest first (the gateway's database)")
    au.add_argument("--actor", default="", help="only this actor (a key id, operator:cli, system:...)")
    au.add_argument("--action", default="", help="only this action; a trailing * matches a prefix (review.*)")
    au.add_argument("--target", default="", help="only this target (job:<id>, key:<id>, story:<id>)")
    au.add_argument("--since", help="from this ISO 8601 time (with zone, e.g. 2026-12-01T00:00Z)")
    au.add_argument("--limit", type=int, default=50, help="at most this many (1 to 500, default 50)")

    s = command(sub, "stories", "stories of ordered scenes, through the gateway ($DRISHYA_URL)", json_flag=False)
    ssub = s.add_subparsers(dest="sub", required=True)
    sc = command(ssub, "create", "a story from a file: one scene per paragraph, or a JSON list")
    sc.add_argument(
        "file", help='the file (- for standard input); JSON: ["text", ...] or [{"text": ..., "language_code": ...}]'
    )
    sc.add_argument("--title", help="the story's title (default: the file's name)")
    sc.add_argument("--language", help="ISO 639-1 code of the story; detected per scene when omitted")
    command(ssub, "list", "your stories, most recently changed first")
    command(ssub, "get", "a story and its scenes").add_argument("story_id", help="the story's UUID")
    sa_ = command(ssub, "add", "add a scene to a story")
    sa_.add_argument("story_id", help="the story's UUID")
    sa_.add_argument("text", help="the scene (10 to 2000 characters), or - to read standard input")
    sa_.add_argument("--position", type=int, help="0-based place (default: at the end)")
    sa_.add_argument("--language", help="ISO 639-1 code; detected when omitted")
    sr = command(ssub, "render", "render every scene whose text or cast changed (one job each)")
    sr.add_argument("story_id", help="the story's UUID")
    sr.add_argument("--wait", action="store_true", help="follow the jobs; exit with the worst outcome")
    command(ssub, "play", "print the story's playback URLs (HLS master playlist, WebVTT chapters)").add_argument(
        "story_id", help="the story's UUID"
    )
    sb = command(ssub, "breakdown", "save the production breakdown (stripboard)")
    sb.add_argument("story_id", help="the story's UUID")
    sb.add_argument("-o", "--output", required=True, help="the file to write")
    sb.add_argument("--format", choices=("csv", "json"), help="default: json for a .json file, else csv")
    models_cli.add_parser(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``drishya`` console script; returns an exit status of :class:`Exit`."""
    args = parser().parse_args(argv)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    logging.getLogger("drishya.supervisor").setLevel(logging.INFO)  # starts, exits and restarts of children
    commands: dict[str, Callable[[argparse.Namespace], Coroutine[Any, Any, int]]] = {
        "up": cmd_up,
        "worker": cmd_worker,
        "generate": cmd_generate,
        "keys": cmd_keys,
        "audit": cmd_audit,
        "jobs": cmd_remote,
        "stories": cmd_remote,
        "models": models_cli.cmd_models,
    }
    try:
        return int(asyncio.run(commands[args.command](args)))
    except CliError as exc:
        if getattr(args, "json", False):
            print(json.dumps({"job_id": None, "state": None, **exc.as_json()}, ensure_ascii=False))
        console.print(f"[bold red]error[/]: {exc}", soft_wrap=True, markup=True, highlight=False)
        return int(exc.code)
    except models_cli.ModelsError as exc:
        console.print(f"[bold red]error[/]: {exc}")
        return int(Exit.REFUSED)
    except KeyboardInterrupt:
        return int(Exit.INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
