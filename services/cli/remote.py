"""``drishya jobs ...`` and ``drishya stories ...``: the gateway's jobs and stories routes from a terminal.

Each command prints a short human summary (stdout for data, stderr for progress and errors) or,
with ``--json``, one JSON document on stdout; it ends with an exit status of
:class:`services.cli.outcomes.Exit`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from services.cli.api import Api
from services.cli.outcomes import TERMINAL, CliError, Exit, error_reason, exit_for_state

console = Console(stderr=True)


def emit(args: argparse.Namespace, data: Any, human: Callable[[], None]) -> None:
    """Print ``data`` as JSON on stdout under ``--json``, else call ``human``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        human()


def result_urls(job: dict[str, Any]) -> dict[str, str]:
    """The signed media URLs of a job's result (``mp4_url``, ``hls_master_url``, ``poster_url``)."""
    result = job.get("result") or {}
    return {k: str(v) for k, v in result.items() if k.endswith("_url") and v}


def job_summary(job: dict[str, Any]) -> dict[str, Any]:
    """The machine-readable outcome of a job: ``{"job_id", "state", "exit_code", "result": {urls},
    "error": {"reason", "message"} | None}``."""
    state = str(job.get("state", ""))
    reason, message = error_reason(job)
    out: dict[str, Any] = {
        "job_id": job.get("job_id", ""),
        "state": state,
        "exit_code": int(exit_for_state(state)),
        "result": result_urls(job),
        "error": {"reason": reason, "message": message} if state in TERMINAL - {"JOB_STATE_SUCCEEDED"} else None,
    }
    if job.get("result", {}).get("duration_ms"):
        out["duration_ms"] = int(job["result"]["duration_ms"])
    return out


def print_job(job: dict[str, Any]) -> None:
    """A job in a few lines on stdout: id, state, stage, progress, then its URLs or its error."""
    s = job_summary(job)
    print(
        f"{s['job_id']}  {s['state'].removeprefix('JOB_STATE_')}  {job.get('stage', '').removeprefix('STAGE_')}"
        f"  {float(job.get('progress', 0.0)) * 100:.0f}%"
    )
    for name, url in s["result"].items():
        print(f"  {name}: {url}")
    if s["error"]:
        print(f"  error: {s['error']['reason']}: {s['error']['message']}")


async def follow(api: Api, job_id: str, *, after: int = 0, quiet: bool = False) -> dict[str, Any]:
    """Follow ``job_id``'s events with a progress bar on stderr until it ends; returns the job's JSON.

    Reconnects as :meth:`Api.job_events` does; raises :class:`CliError`.
    """

    def reconnecting(attempt: int, delay: float) -> None:
        if not quiet:
            console.print(f"[dim]event stream closed; reconnecting in {delay:.1f} s (attempt {attempt})[/]")

    with Progress(
        TextColumn("{task.description:<44}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
    ) as bar:
        task = bar.add_task("queued", total=1.0)
        async for event, data in api.job_events(job_id, after=after, on_reconnect=reconnecting):
            bar.update(
                task, completed=float(data.get("progress", 0.0)), description=str(data.get("message", event))[:44]
            )
    job: dict[str, Any] = await api.json("GET", f"/v1/jobs/{job_id}")
    return job


# ---------------------------------------------------------------- jobs


async def jobs_list(api: Api, args: argparse.Namespace) -> int:
    """``jobs list [--limit N]``: the caller's jobs, newest first (pages followed up to N)."""
    jobs: list[dict[str, Any]] = []
    token = ""
    while len(jobs) < args.limit:
        params: dict[str, Any] = {"page_size": min(100, args.limit - len(jobs))}
        if token:
            params["page_token"] = token
        page = await api.json("GET", "/v1/jobs", params=params)
        jobs.extend(page.get("jobs", []))
        token = page.get("next_page_token", "")
        if not token:
            break

    def human() -> None:
        for j in jobs:
            text = " ".join(str(j.get("text", "")).split())
            print(f"{j.get('job_id')}  {str(j.get('state', '')).removeprefix('JOB_STATE_'):<11}  {text[:60]}")

    emit(args, {"jobs": jobs}, human)
    return Exit.OK


async def jobs_get(api: Api, args: argparse.Namespace) -> int:
    """``jobs get ID``: one job; the exit status is its outcome (0 while queued or running)."""
    job: dict[str, Any] = await api.json("GET", f"/v1/jobs/{args.job_id}")
    emit(args, {**job, "summary": job_summary(job)}, lambda: print_job(job))
    return exit_for_state(str(job.get("state", "")))


async def jobs_watch(api: Api, args: argparse.Namespace) -> int:
    """``jobs watch ID``: follow a job until it ends; the exit status is its outcome."""
    job = await follow(api, args.job_id, after=args.after, quiet=args.json)
    emit(args, job_summary(job), lambda: print_job(job))
    return exit_for_state(str(job.get("state", "")))


async def jobs_cancel(api: Api, args: argparse.Namespace) -> int:
    """``jobs cancel ID``: 0 once cancelled; REFUSED (409 JOB_NOT_CANCELLABLE) when it has ended."""
    job: dict[str, Any] = await api.json("POST", f"/v1/jobs/{args.job_id}:cancel")
    emit(args, job_summary(job), lambda: print_job(job))
    return Exit.OK


async def jobs_retry(api: Api, args: argparse.Namespace) -> int:
    """``jobs retry ID [--watch]``: queue a FAILED or DEAD_LETTER job again (409 JOB_NOT_RETRYABLE
    otherwise); with ``--watch``, follow it and exit with its outcome."""
    job: dict[str, Any] = await api.json("POST", f"/v1/jobs/{args.job_id}:retry")
    if args.watch:
        job = await follow(api, args.job_id, after=int(job.get("last_event_sequence", 0) or 0), quiet=args.json)
        emit(args, job_summary(job), lambda: print_job(job))
        return exit_for_state(str(job.get("state", "")))
    emit(args, job_summary(job), lambda: print_job(job))
    return Exit.OK


# ---------------------------------------------------------------- stories


def read_scenes(path: str) -> list[dict[str, Any]]:
    """The scenes of a file (``-``: standard input), in order, as ``[{"text": ..., "language_code"?: ...}]``.

    A file whose content is a JSON list holds strings or objects with ``text`` (and optionally
    ``language_code``); any other file holds one scene per paragraph (paragraphs are separated by
    blank lines; the lines of one paragraph are joined with spaces).

    Raises:
        CliError: REFUSED when the file cannot be read, its JSON is not such a list, or it has no scene.
    """
    try:
        raw = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(f"cannot read {path}: {exc}", Exit.REFUSED) from None
    scenes: list[dict[str, Any]] = []
    if raw.lstrip().startswith("["):
        try:
            items = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CliError(f"{path} is not valid JSON: {exc}", Exit.REFUSED) from None
        for i, item in enumerate(items):
            if isinstance(item, str):
                scenes.append({"text": item})
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                scenes.append({k: v for k, v in item.items() if k in ("text", "language_code")})
            else:
                raise CliError(f"{path}: item {i} is neither a string nor an object with text", Exit.REFUSED)
    else:
        for para in re.split(r"\n\s*\n", raw):
            text = " ".join(para.split())
            if text:
                scenes.append({"text": text})
    if not scenes:
        raise CliError(f"{path} has no scene", Exit.REFUSED)
    return scenes


def print_story(story: dict[str, Any]) -> None:
    """A story on stdout: id, version and title, then one line per scene (id, job state, text)."""
    print(f"{story.get('story_id')}  v{story.get('version')}  {story.get('title', '')}")
    for i, scene in enumerate(story.get("scenes", [])):
        text = " ".join(str(scene.get("text", "")).split())
        job = scene.get("job_id", "") or "-"
        print(f"  {i + 1:>3}. {scene.get('scene_id')}  job {job}  {text[:50]}")


async def stories_create(api: Api, args: argparse.Namespace) -> int:
    """``stories create FILE [--title T] [--language L]``: a new story with the file's scenes."""
    scenes = read_scenes(args.file)
    title = args.title or (Path(args.file).stem if args.file != "-" else "story")
    body: dict[str, Any] = {"title": title, "scenes": scenes}
    if args.language:
        body["language_code"] = args.language
    story: dict[str, Any] = await api.json("POST", "/v1/stories", json=body)
    emit(args, story, lambda: print_story(story))
    return Exit.OK


async def stories_list(api: Api, args: argparse.Namespace) -> int:
    """``stories list``: the caller's stories, most recently changed first (first 100)."""
    page = await api.json("GET", "/v1/stories", params={"page_size": 100})

    def human() -> None:
        for s in page.get("stories", []):
            print(f"{s.get('story_id')}  v{s.get('version')}  {len(s.get('scenes', []))} scenes  {s.get('title', '')}")

    emit(args, page, human)
    return Exit.OK


async def stories_get(api: Api, args: argparse.Namespace) -> int:
    """``stories get ID``: the story and its scenes."""
    story: dict[str, Any] = await api.json("GET", f"/v1/stories/{args.story_id}")
    emit(args, story, lambda: print_story(story))
    return Exit.OK


async def stories_add(api: Api, args: argparse.Namespace) -> int:
    """``stories add ID TEXT [--position N] [--language L]``: insert a scene (appended when no position).

    Reads the story's ETag and sends it as ``If-Match``; a concurrent change (409 VERSION_MISMATCH)
    is retried up to three times with the new version.
    """
    text = sys.stdin.read() if args.text == "-" else args.text
    body: dict[str, Any] = {"text": text}
    if args.position is not None:
        body["position"] = args.position
    if args.language:
        body["language_code"] = args.language
    story: dict[str, Any] = {}
    for attempt in range(4):
        current = await api.request("GET", f"/v1/stories/{args.story_id}")
        etag = current.headers.get("ETag", "")
        try:
            story = await api.json("POST", f"/v1/stories/{args.story_id}/scenes", json=body, headers={"If-Match": etag})
            break
        except CliError as exc:
            if exc.reason != "VERSION_MISMATCH" or attempt == 3:
                raise
    emit(args, story, lambda: print_story(story))
    return Exit.OK


async def stories_render(api: Api, args: argparse.Namespace) -> int:
    """``stories render ID [--wait]``: one job per changed scene (others reuse theirs).

    Prints ``scene_id job_id (new|reused)`` per scene; with ``--wait`` follows every job and exits
    with the worst outcome (FAILED over BLOCKED over CANCELLED over IN_REVIEW over OK).
    """
    resp: dict[str, Any] = await api.json("POST", f"/v1/stories/{args.story_id}:render")
    renders: list[dict[str, Any]] = resp.get("renders", [])
    outcome = Exit.OK
    finals: dict[str, dict[str, Any]] = {}
    if args.wait:
        for r in renders:
            job_id = str(r.get("job_id", ""))
            if job_id and job_id not in finals:
                if not args.json:
                    console.print(f"scene {r.get('scene_id')}: job {job_id}")
                finals[job_id] = await follow(api, job_id, quiet=args.json)
        rank = {Exit.OK: 0, Exit.IN_REVIEW: 1, Exit.CANCELLED: 2, Exit.BLOCKED: 3, Exit.FAILED: 4}
        for job in finals.values():
            code = exit_for_state(str(job.get("state", "")))
            outcome = code if rank.get(code, 0) > rank.get(outcome, 0) else outcome

    def human() -> None:
        for r in renders:
            state = finals.get(str(r.get("job_id", "")), {}).get("state", "")
            print(
                f"{r.get('scene_id')}  {r.get('job_id')}  {'reused' if r.get('reused') else 'new'}"
                f"  {str(state).removeprefix('JOB_STATE_')}".rstrip()
            )

    data = {**resp, "jobs": {k: job_summary(v) for k, v in finals.items()}} if finals else resp
    emit(args, data, human)
    return outcome


async def stories_play(api: Api, args: argparse.Namespace) -> int:
    """``stories play ID``: the signed URLs of the story's HLS master playlist and WebVTT chapters;
    REFUSED (409 STORY_NOT_RENDERED) until every scene's job has succeeded."""
    play: dict[str, Any] = await api.json("GET", f"/v1/stories/{args.story_id}/playback")

    def human() -> None:
        print(f"HLS master playlist: {play.get('hls_url')}")
        print(f"chapters (WebVTT):   {play.get('chapters_url')}")

    emit(args, play, human)
    return Exit.OK


async def stories_breakdown(api: Api, args: argparse.Namespace) -> int:
    """``stories breakdown ID -o FILE [--format csv|json]``: save the production breakdown (stripboard).

    The format is ``--format``, else the file's suffix (``.json``), else CSV.
    """
    out = Path(args.output)
    fmt = args.format or ("json" if out.suffix.lower() == ".json" else "csv")
    r = await api.request("GET", f"/v1/stories/{args.story_id}/breakdown.{fmt}")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        out.write_text(json.dumps(r.json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    else:
        out.write_bytes(r.content)
    emit(
        args,
        {"story_id": args.story_id, "format": fmt, "output": str(out.resolve()), "bytes": out.stat().st_size},
        lambda: console.print(f"breakdown ({fmt}) saved to {out.resolve()}", soft_wrap=True),
    )
    return Exit.OK
