"""Stories through the whole local mesh (not a test).

    .venv/bin/python benchmarks/story.py [--scenes 5] [--workers 2] [--big 200] [--repeat 20]

Starts the mesh in-process on ephemeral ports (embedded PostgreSQL, Redis, NATS) with
``--workers`` generation workers, then over HTTP:

1. creates a story of ``--scenes`` scenes (Telugu, Hindi, Telugu, ... about one girl), asks for
   ``:render``, waits until every scene's job has succeeded and the story's playback (one HLS
   master over the scenes, WebVTT chapters) is served; prints the wall time;
2. creates a story of ``--big`` scenes and prints medians over ``--repeat`` calls of GET story,
   ``:reorder`` (each with the current ETag) and the breakdown (JSON and CSV), plus the first
   breakdown, which analyses every distinct scene text once.

Targets (issue 8): a 200-scene breakdown under 2 s, a reorder under 500 ms. Figures depend on the
machine and on what else runs on it; compare medians from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.cli.local import LocalMesh  # noqa: E402

SCENES = [
    ("మీనా అనే అమ్మాయి ఎర్ర చీర కట్టుకుని తోటలో నడుస్తోంది.", "te"),
    ("वह रात को बारिश में नाचती है।", "hi"),
    ("సాయంత్రం మీనా ఇంటికి తిరిగి వచ్చింది.", "te"),
    ("Meena lights a lamp at the temple at dawn.", "en"),
    ("ఆమె నది ఒడ్డున కూర్చుని పాట పాడింది.", "te"),
]


def _scenes(n: int) -> list[dict[str, str]]:
    out = []
    for i in range(n):
        text, lang = SCENES[i % len(SCENES)]
        out.append({"text": text if i < len(SCENES) else f"{text} ({i + 1})", "language_code": lang})
    return out


async def _timed(call: object) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    resp = await call  # type: ignore[misc]
    resp.raise_for_status()
    return time.perf_counter() - t0, resp


async def render_story(c: httpx.AsyncClient, n: int) -> None:
    """Create, render and play an ``n``-scene story; print the wall times."""
    t0 = time.perf_counter()
    story = (await c.post("/v1/stories", json={"title": "Meena", "scenes": _scenes(n)})).json()
    sid = story["story_id"]
    render = await c.post(f"/v1/stories/{sid}:render")
    render.raise_for_status()
    jobs = [r["job_id"] for r in render.json()["renders"]]
    pending = set(jobs)
    while pending:
        await asyncio.sleep(0.5)
        for job_id in list(pending):
            state = (await c.get(f"/v1/jobs/{job_id}")).json()["state"]
            if state == "JOB_STATE_SUCCEEDED":
                pending.discard(job_id)
            elif state in ("JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTER", "JOB_STATE_BLOCKED"):
                raise RuntimeError(f"job {job_id} ended {state}")
    rendered = time.perf_counter() - t0
    play = await c.get(f"/v1/stories/{sid}/playback")
    play.raise_for_status()
    total = time.perf_counter() - t0
    chapters = play.json()["chapters"]
    length = int(chapters[-1]["end_ms"]) / 1000
    print(f"{n}-scene story: all jobs succeeded after {rendered:.1f} s; playback ready after {total:.1f} s")
    print(f"  {len(chapters)} chapters, {length:.1f} s of video; story real-time factor {length / total:.2f}x")
    again = await c.post(f"/v1/stories/{sid}:render")
    print(f"  re-render without changes: {sum(r['reused'] for r in again.json()['renders'])}/{n} scenes reused")


async def big_story(c: httpx.AsyncClient, n: int, repeat: int) -> None:
    """Time reads, reorders and breakdowns of an ``n``-scene story."""
    t_create, created = await _timed(c.post("/v1/stories", json={"title": "long", "scenes": _scenes(n)}))
    sid = created.json()["story_id"]
    print(f"\n{n}-scene story created in {t_create * 1000:.0f} ms")
    t_first, _ = await _timed(c.get(f"/v1/stories/{sid}/breakdown.json", timeout=600))
    print(f"  first breakdown (analyses {n} scene texts): {t_first:.2f} s")
    gets, reorders, breakdowns, csvs = [], [], [], []
    etag = (await c.get(f"/v1/stories/{sid}")).headers["ETag"]
    for _ in range(repeat):
        t, resp = await _timed(c.get(f"/v1/stories/{sid}"))
        gets.append(t)
        ids = [s["scene_id"] for s in resp.json()["scenes"]]
        t, resp = await _timed(
            c.post(f"/v1/stories/{sid}:reorder", json={"scene_ids": ids[1:] + ids[:1]}, headers={"If-Match": etag})
        )
        etag = resp.headers["ETag"]
        reorders.append(t)
    for _ in range(max(3, repeat // 4)):
        breakdowns.append((await _timed(c.get(f"/v1/stories/{sid}/breakdown.json", timeout=600)))[0])
        csvs.append((await _timed(c.get(f"/v1/stories/{sid}/breakdown.csv", timeout=600)))[0])
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    print(f"  GET story        median {ms(gets):7.1f} ms  (n={len(gets)})")
    print(f"  :reorder         median {ms(reorders):7.1f} ms  (n={len(reorders)}; target < 500 ms)")
    print(f"  breakdown.json   median {ms(breakdowns):7.1f} ms  (n={len(breakdowns)}; target < 2000 ms)")
    print(f"  breakdown.csv    median {ms(csvs):7.1f} ms  (n={len(csvs)})")


async def main() -> None:
    """Parse arguments, start the mesh, run, print."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenes", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--big", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    t0 = time.perf_counter()
    env = {**os.environ, "DRISHYA_WORKERS": str(args.workers)}
    mesh = LocalMesh(Path(tempfile.mkdtemp(prefix="drishya-bench-story-")), ephemeral=True, env=env)
    await mesh.start()
    await mesh.wait_serving()
    print(f"mesh up in {time.perf_counter() - t0:.1f} s with {args.workers} workers")
    try:
        async with httpx.AsyncClient(
            base_url=mesh.gateway_url,
            timeout=httpx.Timeout(60, read=600),
            headers={"Authorization": f"Bearer {mesh.api_key}"},
        ) as client:
            if args.scenes:
                await render_story(client, args.scenes)
            if args.big:
                await big_story(client, args.big, args.repeat)
    finally:
        await mesh.stop()


if __name__ == "__main__":
    asyncio.run(main())
