"""Memory of an idle ``drishya up`` mesh, then after one job (not a test).

    .venv/bin/python benchmarks/idle_memory.py [--settle 10] [--idle-wait 70] [--after-job-wait 70] [--text FILE]

Runs the real supervisor (``python -m services.cli.main up``, as ``drishya up`` does) as a
subprocess on free ports in a temporary data directory, with the machine's default sizing (no
``DRISHYA_WORKER_PROCESSES`` or ``DRISHYA_RENDER_PROCESSES`` unless set in the environment).
Once ``/healthz`` answers ``ok`` it waits until the process tree is idle (less than 5 % of one
core over a second, after at least ``--settle`` seconds), then reports:

* every process of the supervisor's tree: its role (the supervisor's child name from
  ``<data>/run/<name>.pid``; a child's own children as ``<parent>/<program>``), proportional set
  size (``Pss`` of ``/proc/<pid>/smaps_rollup``: shared pages divided among their users, so the
  sum is what the tree really holds) and resident set size (``VmRSS`` of ``/proc/<pid>/status``);
* totals of the mesh (the supervisor, the services, the gateway, the workers and their render
  processes) and, apart, of the embedded PostgreSQL, Redis and NATS with their children;
* the count of Python processes of the mesh.

It reports again after ``--idle-wait`` more seconds with no job (render processes that stop
when idle have stopped by then), then submits the sample scene over HTTP, times submit to
SUCCEEDED (the first job of the mesh), and reports again right after the job and once more
``--after-job-wait`` seconds later. The modules run are those ``sys.executable -m services...`` imports
from the current directory and ``PYTHONPATH``: to measure another checkout, run from inside it
with ``PYTHONPATH=<checkout>``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
INFRA = ("postgres", "redis", "nats")
PORT_VARS = {
    "language": "DRISHYA_LANGUAGE_PORT",
    "analysis": "DRISHYA_ANALYSIS_PORT",
    "prompt": "DRISHYA_PROMPT_PORT",
    "generation": "DRISHYA_GENERATION_PORT",
    "moderation": "DRISHYA_MODERATION_PORT",
    "delivery": "DRISHYA_DELIVERY_PORT",
    "story": "DRISHYA_STORY_PORT",
    "gateway": "DRISHYA_GATEWAY_PORT",
}
MIB = 1024 * 1024
TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Proc:
    """One process of the tree: ``pss`` and ``rss`` in bytes, ``cpu_ticks`` user + system."""

    pid: int
    ppid: int
    comm: str
    cmdline: str
    pss: int
    rss: int
    cpu_ticks: int

    @property
    def python(self) -> bool:
        """Whether the process runs a Python interpreter."""
        exe = self.cmdline.split(" ", 1)[0]
        return self.comm.startswith("python") or Path(exe).name.startswith("python")


def _kib_field(text: str, name: str) -> int:
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0


def read_proc(pid: int) -> Proc | None:
    """``pid``'s figures from ``/proc``, or None when it has gone."""
    base = Path(f"/proc/{pid}")
    try:
        stat = (base / "stat").read_text()
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        status = (base / "status").read_text()
        rollup = (base / "smaps_rollup").read_text()
        cmdline = (base / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError):
        return None
    return Proc(
        pid=pid,
        ppid=int(fields[1]),
        comm=comm,
        cmdline=cmdline,
        pss=_kib_field(rollup, "Pss"),
        rss=_kib_field(status, "VmRSS"),
        cpu_ticks=int(fields[11]) + int(fields[12]),
    )


def tree(root_pid: int) -> list[Proc]:
    """``root_pid`` and every process descended from it."""
    procs = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (p := read_proc(int(entry.name))) is not None:
            procs[p.pid] = p
    children: dict[int, list[int]] = {}
    for p in procs.values():
        children.setdefault(p.ppid, []).append(p.pid)
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        if pid in procs:
            out.append(procs[pid])
            todo.extend(children.get(pid, []))
    return out


def roles(procs: list[Proc], supervisor: int, run_dir: Path) -> dict[int, str]:
    """Each process's role: ``supervisor``, the child's name, or ``<ancestor child>/<program>``."""
    named = {supervisor: "supervisor"}
    for f in run_dir.glob("*.pid"):
        try:
            named[int(f.read_text().split()[0])] = f.stem
        except (ValueError, IndexError):
            continue
    by_pid = {p.pid: p for p in procs}
    out = {}
    for p in procs:
        if p.pid in named:
            out[p.pid] = named[p.pid]
            continue
        up = p.ppid
        while up in by_pid and up not in named:
            up = by_pid[up].ppid
        program = "render/python" if p.python else p.comm
        if p.python and "resource_tracker" in p.cmdline:
            program = "resource_tracker"
        elif p.python and "multiprocessing" in p.cmdline:
            program = "render"
        out[p.pid] = f"{named.get(up, '?')}/{program}"
    return out


def infra_of(role: str) -> bool:
    """Whether a role is the embedded PostgreSQL, Redis or NATS (or one of their children)."""
    return role.split("/", 1)[0] in INFRA


def cpu_ticks(supervisor: int) -> int:
    """User + system clock ticks used so far by the live processes of the tree."""
    return sum(p.cpu_ticks for p in tree(supervisor))


def wait_idle(supervisor: int, settle_s: float, limit_s: float = 180.0) -> float:
    """Wait at least ``settle_s``, then until the tree uses under 5 % of a core over 1 s; returns
    the seconds waited (``limit_s`` at most)."""
    start = time.monotonic()
    time.sleep(settle_s)
    while time.monotonic() - start < limit_s:
        before = cpu_ticks(supervisor)
        time.sleep(1.0)
        if (cpu_ticks(supervisor) - before) / TICKS < 0.05:
            break
    return time.monotonic() - start


def report(title: str, supervisor: int, run_dir: Path, *, detail: bool = True) -> dict[str, float]:
    """Print the tree's memory under ``title``; returns the mesh and infra totals in MiB and the
    count of Python processes."""
    procs = tree(supervisor)
    role = roles(procs, supervisor, run_dir)
    mesh = [p for p in procs if not infra_of(role[p.pid])]
    infra = [p for p in procs if infra_of(role[p.pid])]
    print(f"\n== {title}")
    if detail:
        print(f"  {'role':<34}{'pid':>8}{'PSS MiB':>10}{'RSS MiB':>10}")
        for p in sorted(procs, key=lambda p: (infra_of(role[p.pid]), role[p.pid], p.pid)):
            print(f"  {role[p.pid]:<34}{p.pid:>8}{p.pss / MIB:>10.1f}{p.rss / MIB:>10.1f}")
    totals = {
        "mesh_pss": sum(p.pss for p in mesh) / MIB,
        "mesh_rss": sum(p.rss for p in mesh) / MIB,
        "infra_pss": sum(p.pss for p in infra) / MIB,
        "infra_rss": sum(p.rss for p in infra) / MIB,
        "python": float(sum(p.python for p in mesh)),
        "processes": float(len(mesh)),
        "render": float(sum(role[p.pid].endswith("/render") for p in mesh)),
    }
    print(
        f"  mesh: {int(totals['processes'])} processes ({int(totals['python'])} Python, "
        f"{int(totals['render'])} render), PSS {totals['mesh_pss']:.0f} MiB "
        f"({totals['mesh_pss'] / 1024:.2f} GiB), RSS {totals['mesh_rss']:.0f} MiB"
    )
    print(
        f"  embedded PostgreSQL/Redis/NATS: {len(infra)} processes, PSS {totals['infra_pss']:.0f} MiB, "
        f"RSS {totals['infra_rss']:.0f} MiB"
    )
    return totals


def run_job(gateway: str, api_key: str, text: str, timeout_s: float = 600.0) -> tuple[str, float]:
    """Submit ``text`` and poll the job until it ends; returns its state and submit-to-end seconds."""
    with httpx.Client(base_url=gateway, headers={"Authorization": f"Bearer {api_key}"}, timeout=30) as client:
        start = time.perf_counter()
        r = client.post("/v1/jobs", json={"text": text})
        r.raise_for_status()
        job_id = r.json()["job_id"]
        while time.perf_counter() - start < timeout_s:
            state = str(client.get(f"/v1/jobs/{job_id}").json().get("state", ""))
            if state.removeprefix("JOB_STATE_") in ("SUCCEEDED", "FAILED", "DEAD_LETTER", "CANCELLED", "BLOCKED"):
                return state, time.perf_counter() - start
            time.sleep(0.1)
    return "TIMEOUT", timeout_s


def start_mesh(data_dir: Path, ports: dict[str, int], log_path: Path) -> subprocess.Popen[bytes]:
    """``drishya up`` in a subprocess of its own session, on ``ports``, logging to ``log_path``."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "NATS_URL")}
    env.update({PORT_VARS[name]: str(port) for name, port in ports.items() if name in PORT_VARS})
    env.update(
        {
            "DRISHYA_NATS_PORT": str(ports["nats"]),
            "DRISHYA_DATA_DIR": str(data_dir),
            "DRISHYA_API_KEY": "",
            "GRPC_VERBOSITY": "ERROR",
        }
    )
    with log_path.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "services.cli.main", "up"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(proc: subprocess.Popen[bytes], gateway: str, log_path: Path, timeout_s: float = 300.0) -> float:
    """Seconds until ``/healthz`` says ``ok``; raises ``RuntimeError`` with the log otherwise."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(f"{gateway}/healthz", timeout=2).json().get("status") == "ok":
                return time.monotonic() - start
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"drishya up did not become healthy:\n{log_path.read_text(errors='replace')[-4000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the supervisor (it stops its children in order); SIGKILL the session after 60 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def main() -> None:
    """Parse arguments, start the mesh, measure idle, run a job, measure again."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--settle", type=float, default=10.0, help="seconds to wait after healthy before idle checks")
    ap.add_argument("--idle-wait", type=float, default=70.0, help="measure again after this much more idle time")
    ap.add_argument("--after-job-wait", type=float, default=70.0, help="then measure again this much later")
    ap.add_argument("--text", type=Path, default=ROOT / "samples" / "telugu_rain_dance.txt")
    args = ap.parse_args()
    spec = importlib.util.find_spec("services")
    print(f"services from {list(spec.submodule_search_locations or []) if spec else '?'}; {os.cpu_count()} cores")
    data_dir = Path(tempfile.mkdtemp(prefix="drishya-idle-mem-"))
    ports = {name: free_port() for name in (*PORT_VARS, "nats")}
    gateway = f"http://127.0.0.1:{ports['gateway']}"
    log_path = data_dir / "supervisor.log"
    proc = start_mesh(data_dir, ports, log_path)
    try:
        up_s = wait_healthy(proc, gateway, log_path)
        idle_s = wait_idle(proc.pid, args.settle)
        print(f"healthy after {up_s:.1f} s; idle after {idle_s:.1f} s more")
        idle = report("idle, healthy", proc.pid, data_dir / "run")
        long_idle = None
        if args.idle_wait > 0:
            time.sleep(args.idle_wait)
            long_idle = report(f"idle {args.idle_wait:.0f} s more, no job yet", proc.pid, data_dir / "run")
        api_key = (data_dir / "api-key").read_text().strip()
        state, took = run_job(gateway, api_key, args.text.read_text().strip())
        print(f"\none job ({args.text.name}): {state} in {took:.2f} s from submit")
        after = report("right after the job", proc.pid, data_dir / "run")
        later = None
        if args.after_job_wait > 0:
            time.sleep(args.after_job_wait)
            later = report(f"{args.after_job_wait:.0f} s after the job", proc.pid, data_dir / "run", detail=False)
    finally:
        stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)
    print("\nsummary (mesh without PostgreSQL/Redis/NATS; PSS)")
    rows = [("idle", idle), *([("idle, later", long_idle)] if long_idle else []), ("after one job", after)]
    rows += [("after the wait", later)] if later else []
    for name, t in rows:
        print(
            f"  {name:<16}{t['mesh_pss'] / 1024:6.2f} GiB PSS, {t['mesh_rss'] / 1024:6.2f} GiB RSS, "
            f"{int(t['python'])} Python processes ({int(t['render'])} render); "
            f"infra {t['infra_pss']:.0f} MiB PSS"
        )
    print(f"  job submit to {state}: {took:.2f} s")


if __name__ == "__main__":
    main()
