"""Submit-to-MP4 with media in the local directory and in S3, side by side in one run (not a test).

    .venv/bin/python benchmarks/media_store.py [--runs 4] [--text FILE] [--batch 10] [--groups]

Starts moto's S3 server (``moto_server``, its own process, as an object store on another machine
would be) and two local meshes, each in a process of its own (``--serve``) on its own embedded
PostgreSQL, Redis and NATS: one with the default local media directory, one with
``DRISHYA_MEDIA_URL=s3://...`` on moto.
After one warm-up job on each, it submits the sample scene ``--runs`` times to each, alternating,
and prints per run and as medians the time from submit to MP4 (job SUCCEEDED) and the render,
assemble, video-check and publish stages (where the store's uploads and downloads fall). With
``--batch N`` it then submits N jobs at once to each and prints jobs per minute. With ``--groups``
it then starts a second worker group for the S3 mesh (``drishya worker -n 1``, its own process tree
and data directory, nothing shared but PostgreSQL, NATS, Redis and S3) and measures the S3 batch
again with both groups.

Each mesh runs one job and one render process per core (``DRISHYA_WORKERS``,
``DRISHYA_RENDER_PROCESSES``, unless set in the environment). Figures depend on the machine and on
what else runs on it; compare medians from one run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import boto3  # noqa: E402
import httpx  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.e2e import batch, one  # noqa: E402
from services.cli.local import LocalMesh  # noqa: E402
from services.mesh import config as mc  # noqa: E402
from services.mesh.infra import free_port  # noqa: E402

STAGES = ("STAGE_RENDER", "STAGE_ASSEMBLE", "STAGE_MODERATE_VIDEO", "STAGE_PUBLISH")
AWS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1"}


def start_moto(data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``moto_server`` on a free port; returns the process and its endpoint once it answers."""
    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("moto_server")), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=(data / "moto.log").open("wb"),
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(endpoint, timeout=1)
            return proc, endpoint
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError(f"moto_server did not start:\n{(data / 'moto.log').read_text()}") from None
            time.sleep(0.1)


def client(http_url: str, key: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=http_url, timeout=httpx.Timeout(30, read=600), headers={"Authorization": f"Bearer {key}"}
    )


def second_group(mesh: dict[str, Any], data: Path) -> subprocess.Popen[bytes]:
    """``drishya worker -n 1`` against ``mesh``: another machine's worker group, its own data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRISHYA_")}
    env.update(mesh["env"])
    env.update({"DRISHYA_DATA_DIR": str(data), "DRISHYA_NODE_NAME": "group-2"})
    data.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [str(Path(sys.executable).with_name("drishya")), "worker", "-n", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data / "group.log").open("wb"),
        start_new_session=True,
    )


async def serve(data: Path) -> None:
    """``--serve DIR``: run one mesh (this process's environment) until SIGTERM; write its gateway
    URL, API key and what a worker group needs to join it to ``DIR/mesh.json``."""
    mesh = LocalMesh(data, ephemeral=True, env=dict(os.environ))
    await mesh.start()
    await mesh.wait_serving()
    assert mesh.urls is not None
    urls = mesh.urls
    joins = {"DATABASE_URL": urls.database_url, "NATS_URL": urls.nats_url, "REDIS_URL": urls.redis_url}
    joins.update({v: mesh._env[v] for v in (*mc.ADDRESS_VARS.values(), "DRISHYA_MEDIA_URL") if v in mesh._env})
    joins.update({k: v for k, v in mesh._env.items() if k.startswith("AWS_")})
    info = {"gateway_url": mesh.gateway_url, "api_key": mesh.api_key, "env": joins}
    (data / "mesh.json.tmp").write_text(json.dumps(info))
    os.replace(data / "mesh.json.tmp", data / "mesh.json")
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await mesh.stop()


def start_mesh(data: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    data.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data / "mesh.log").open("wb"),
    )


async def mesh_info(data: Path, proc: subprocess.Popen[bytes], timeout_s: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while not (data / "mesh.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the mesh in {data} did not start:\n{(data / 'mesh.log').read_text()[-3000:]}")
        await asyncio.sleep(0.2)
    info: dict[str, Any] = json.loads((data / "mesh.json").read_text())
    return info


async def main() -> None:
    """Parse arguments, start moto and both meshes, run, print the table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=4)
    ap.add_argument("--text", type=Path, default=ROOT / "samples" / "telugu_rain_dance.txt")
    ap.add_argument("--batch", type=int, default=0, help="then submit this many jobs at once to each mesh")
    ap.add_argument("--groups", action="store_true", help="then the S3 batch again with a second worker group")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        await serve(args.serve)
        return
    text = args.text.read_text().strip()
    data = Path(tempfile.mkdtemp(prefix="drishya-bench-media-"))
    moto, endpoint = start_moto(data)
    boto3.client("s3", endpoint_url=endpoint, **_boto(AWS)).create_bucket(Bucket="bench")
    cores = str(os.cpu_count() or 1)
    base = {**os.environ, "DRISHYA_API_KEY": "", "DRISHYA_RATE_LIMIT_BURST": "1000"}
    base.setdefault("DRISHYA_WORKERS", cores)
    base.setdefault("DRISHYA_RENDER_PROCESSES", cores)
    s3_env = {**base, **AWS, "AWS_ENDPOINT_URL": endpoint, "DRISHYA_MEDIA_URL": "s3://bench/media"}
    procs = {"file": start_mesh(data / "file", base), "s3": start_mesh(data / "s3", s3_env)}
    group: subprocess.Popen[bytes] | None = None
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in procs}
    jpm: dict[str, float] = {}
    try:
        meshes = {name: await mesh_info(data / name, p) for name, p in procs.items()}
        print(f"moto at {endpoint}; {args.runs} runs of {args.text.name} per store, alternating")
        clients = {name: client(m["gateway_url"], m["api_key"]) for name, m in meshes.items()}
        for c in clients.values():
            await one(c, text)  # warm-up: caches, lazy loads, render processes
        for i in range(args.runs):
            for name, c in clients.items():
                r = await one(c, text)
                rows[name].append(r)
                stages = ", ".join(f"{s.removeprefix('STAGE_').lower()} {r.get(f'stage:{s}', 0):.2f}" for s in STAGES)
                print(f"run {i + 1} {name:<4}: submit to MP4 {r['mp4']:.2f} s ({stages})")
        if args.batch:
            for name, c in clients.items():
                jpm[name] = await batch(c, text, args.batch)
                print(f"{name}: {args.batch} jobs at once: {jpm[name]:.1f} jobs per minute")
        if args.groups:
            group = second_group(meshes["s3"], data / "group-2")
            await asyncio.sleep(8)  # the group's worker starts and warms up its render processes
            jpm["s3, two groups"] = await batch(clients["s3"], text, max(args.batch, 10))
            print(f"s3, two groups: {jpm['s3, two groups']:.1f} jobs per minute")
        for c in clients.values():
            await c.aclose()
    finally:
        if group is not None and group.poll() is None:
            os.killpg(group.pid, signal.SIGTERM)
            group.wait(30)
        for p in procs.values():
            p.terminate()
        for p in procs.values():
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
        moto.terminate()
        moto.wait(10)
    print(f"\nmedians of {args.runs} runs each (seconds)")
    print(f"  {'store':<6}{'submit to MP4':>14}" + "".join(f"{s.removeprefix('STAGE_').lower():>15}" for s in STAGES))
    for name, rs in rows.items():
        med = [statistics.median(r["mp4"] for r in rs)]
        med += [statistics.median(r.get(f"stage:{s}", 0.0) for r in rs) for s in STAGES]
        print(f"  {name:<6}{med[0]:>14.2f}" + "".join(f"{v:>15.3f}" for v in med[1:]))
    for name, v in jpm.items():
        print(f"  jobs per minute, {name}: {v:.1f}")


def _boto(env: dict[str, str]) -> dict[str, str]:
    return {
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
        "region_name": env["AWS_REGION"],
    }


if __name__ == "__main__":
    asyncio.run(main())
