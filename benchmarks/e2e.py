"""End-to-end latency of the sample scene through the whole local mesh (not a test).

    .venv/bin/python benchmarks/e2e.py [--runs 3] [--text FILE] [--batch 10]

Starts the mesh in-process on ephemeral ports (embedded PostgreSQL, Redis, NATS), submits the
sample Telugu scene over HTTP ``--runs`` times one after another, follows each job's SSE stream,
and prints per run and as medians:

* time to the first SSE event (job queued, seen by the client),
* time to the shot list (BUILD_PROMPT completed),
* time to the MP4 (job SUCCEEDED: rendered, assembled, checked, packaged as HLS),
* the render's real-time factor: video seconds per wall second of RENDER + ASSEMBLE,
* the end-to-end real-time factor: video seconds per wall second from submit to SUCCEEDED,
* the floor, measured right after each run on the same machine: one libx264 ``veryfast`` encode
  of the job's frame count at 1280x720 (the job's own frames, decoded from its MP4 beforehand,
  so only the encode is timed; the median of three such encodes), and submit-to-MP4 as a
  multiple of that floor.

With ``--telemetry both`` each run is made twice, with tracing and request metrics off and then on
(switched at run time in the one mesh, :func:`services.mesh.telemetry.set_enabled` and
:func:`services.mesh.metrics.set_enabled`; spans are recorded, not exported), after one warm-up job,
and the medians of both and the overhead of telemetry on submit-to-MP4 are printed. ``on`` (the
default) and ``off`` run one mode.

With ``--batch N`` it then submits N jobs at once and prints jobs per minute (N over the time
from the first submit to the last SUCCEEDED); the mesh runs one job and one render process per
core (``DRISHYA_WORKERS`` and ``DRISHYA_RENDER_PROCESSES``, unless set in the environment).

Figures depend on the machine and on what else runs on it; compare medians from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import av  # noqa: E402
import httpx  # noqa: E402
import numpy as np  # noqa: E402
from httpx_sse import aconnect_sse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.cli.local import LocalMesh  # noqa: E402


async def one(client: httpx.AsyncClient, text: str) -> dict[str, float]:
    """Submit and follow one job; returns its timings in seconds (``cpu_s``: CPU seconds of this
    process, where the services, the workers and telemetry run; the render processes are others)."""
    t0, c0 = time.perf_counter(), time.process_time()
    r = await client.post("/v1/jobs", json={"text": text})
    r.raise_for_status()
    job_id = r.json()["job_id"]
    marks: dict[str, float] = {}
    async with aconnect_sse(client, "GET", f"/v1/jobs/{job_id}/events") as sse:
        async for ev in sse.aiter_sse():
            if not ev.data:
                continue  # a retry: hint, not an event
            now = time.perf_counter() - t0
            data = json.loads(ev.data)
            marks.setdefault("first_event", now)
            stage, kind = data.get("stage"), data.get("type")
            if kind == "JOB_EVENT_TYPE_STAGE_STARTED":
                marks.setdefault(f"start:{stage}", now)
            if kind == "JOB_EVENT_TYPE_STAGE_COMPLETED":
                marks[f"stage:{stage}"] = now - marks.get(f"start:{stage}", now)
            if kind == "JOB_EVENT_TYPE_STAGE_COMPLETED" and stage == "STAGE_BUILD_PROMPT":
                marks["shot_list"] = now
            if kind == "JOB_EVENT_TYPE_STAGE_STARTED" and stage == "STAGE_RENDER":
                marks["render_start"] = now
            if kind == "JOB_EVENT_TYPE_STAGE_COMPLETED" and stage == "STAGE_ASSEMBLE":
                marks["assembled"] = now
            if data.get("state") == "JOB_STATE_SUCCEEDED":
                marks["mp4"] = now
                marks["video_s"] = int(data["result"]["duration_ms"]) / 1000
    if "mp4" not in marks:
        raise RuntimeError(f"job {job_id} did not succeed: {data}")
    marks["render_rtf"] = marks["video_s"] / (marks["assembled"] - marks["render_start"])
    marks["e2e_rtf"] = marks["video_s"] / marks["mp4"]
    marks["cpu_s"] = time.process_time() - c0
    marks["job_id"] = job_id  # type: ignore[assignment]
    return marks


def floor_encode_s(mp4: Path, repeats: int = 3) -> tuple[float, int]:
    """Seconds of one libx264 ``veryfast`` encode of ``mp4``'s frames at 1280x720 (decoded first,
    not timed; the median of ``repeats`` encodes, so one burst of other work does not skew it),
    and the frame count."""
    with av.open(str(mp4)) as c:
        frames = [np.asarray(f.to_ndarray(format="yuv420p")) for f in c.decode(video=0)]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        with av.open(os.devnull, "w", format="mp4") as out:
            stream = out.add_stream("libx264", rate=24, options={"preset": "veryfast", "crf": "20"})
            stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
            for planes in frames:
                out.mux(stream.encode(av.VideoFrame.from_ndarray(planes, format="yuv420p")))
            out.mux(stream.encode(None))
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(frames)


async def batch(client: httpx.AsyncClient, text: str, n: int) -> float:
    """Submit ``n`` jobs at once; jobs per minute until the last one SUCCEEDED."""
    start = time.perf_counter()
    await asyncio.gather(*(one(client, text) for _ in range(n)))
    return n * 60 / (time.perf_counter() - start)


async def main() -> None:
    """Parse arguments, start the mesh, run, print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--text", type=Path, default=ROOT / "samples" / "telugu_rain_dance.txt")
    ap.add_argument("--batch", type=int, default=0, help="then submit this many jobs at once")
    ap.add_argument("--telemetry", choices=("on", "off", "both"), default="on", help="tracing and request metrics")
    args = ap.parse_args()
    from services.mesh import metrics, telemetry

    telemetry.setup_tracing("bench")
    modes = {"on": [True], "off": [False], "both": [False, True]}[args.telemetry]

    def use_telemetry(enabled: bool) -> None:
        telemetry.set_enabled(enabled)
        metrics.set_enabled(enabled)

    cores = str(os.cpu_count() or 1)
    env = {**os.environ}
    env.setdefault("DRISHYA_WORKERS", cores)
    env.setdefault("DRISHYA_RENDER_PROCESSES", cores)
    text = args.text.read_text().strip()
    t_start = time.perf_counter()
    mesh = LocalMesh(Path(tempfile.mkdtemp(prefix="drishya-bench-")), ephemeral=True, env=env)
    await mesh.start()
    await mesh.wait_serving()
    print(
        f"mesh up in {time.perf_counter() - t_start:.1f} s; {args.runs} runs of {args.text.name}; "
        f"{env['DRISHYA_WORKERS']} jobs and {env['DRISHYA_RENDER_PROCESSES']} render processes at once"
    )
    jpm = 0.0
    rows: list[dict[str, float]] = []
    by_mode: dict[bool, list[dict[str, float]]] = {m: [] for m in modes}
    try:
        async with httpx.AsyncClient(
            base_url=mesh.gateway_url,
            timeout=httpx.Timeout(30, read=600),
            headers={"Authorization": f"Bearer {mesh.api_key}"},
        ) as client:
            if len(modes) > 1:
                await one(client, text)  # warm-up: the first job pays for caches and lazy loads
            for i, enabled in ((i, e) for i in range(args.runs) for e in modes):
                use_telemetry(enabled)
                m = await one(client, text)
                use_telemetry(True)
                mp4 = mesh.media_root / "jobs" / str(m.pop("job_id")) / "video.mp4"
                m["floor"], frames = await asyncio.to_thread(floor_encode_s, mp4)
                m["ratio"] = m["mp4"] / m["floor"]
                rows.append(m)
                by_mode[enabled].append(m)
                print(
                    f"run {i + 1} (telemetry {'on' if enabled else 'off'}): "
                    f"first event {m['first_event']:.3f} s, shot list {m['shot_list']:.2f} s, "
                    f"MP4 {m['mp4']:.2f} s, video {m['video_s']:.2f} s, render RTF {m['render_rtf']:.2f}x, "
                    f"end-to-end RTF {m['e2e_rtf']:.2f}x, floor ({frames} frames) {m['floor']:.2f} s, "
                    f"MP4 / floor {m['ratio']:.2f}"
                )
            if args.batch:
                jpm = await batch(client, text, args.batch)
    finally:
        await mesh.stop()
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print("\nmedian of", len(rows), "runs")
    print(f"  time to first SSE event   {med['first_event'] * 1000:8.1f} ms")
    print(f"  time to shot list ready   {med['shot_list']:8.2f} s")
    print(f"  time to MP4 ready         {med['mp4']:8.2f} s")
    print(f"  video length              {med['video_s']:8.2f} s")
    print(f"  render real-time factor   {med['render_rtf']:8.2f}x (video s per wall s, render + assemble)")
    print(f"  end-to-end real-time factor {med['e2e_rtf']:6.2f}x (video s per wall s, submit to MP4)")
    print(f"  floor: one veryfast encode {med['floor']:6.2f} s (same frames, 1280x720)")
    print(f"  submit-to-MP4 / floor      {med['ratio']:8.2f} (median of per-run ratios)")
    if args.batch:
        print(f"  {args.batch} jobs at once          {jpm:8.2f} jobs per minute")
    print("  per stage (median wall seconds):")
    for k, v in med.items():
        if k.startswith("stage:"):
            print(f"    {k.removeprefix('stage:STAGE_').lower():<16}{v:8.3f}")
    if len(modes) > 1:
        off, on = (statistics.median(r["mp4"] for r in by_mode[m]) for m in (False, True))
        off_ratio, on_ratio = (statistics.median(r["ratio"] for r in by_mode[m]) for m in (False, True))
        cpu_off, cpu_on = (statistics.median(r["cpu_s"] for r in by_mode[m]) for m in (False, True))
        print(f"\ntelemetry off vs on, median of {args.runs} runs each (interleaved)")
        print(
            f"  CPU s of the mesh process off {cpu_off:6.2f} s   on {cpu_on:6.2f} s   "
            f"overhead {100 * (cpu_on / cpu_off - 1):+.1f}% (render processes not counted)"
        )
        print(f"  time to MP4 ready         off {off:6.2f} s   on {on:6.2f} s   overhead {100 * (on / off - 1):+.1f}%")
        print(
            f"  submit-to-MP4 / floor     off {off_ratio:6.2f}     on {on_ratio:6.2f}     "
            f"overhead {100 * (on_ratio / off_ratio - 1):+.1f}%"
        )


if __name__ == "__main__":
    asyncio.run(main())
