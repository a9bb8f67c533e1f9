"""How many CPUs this process really has, and how many worker and render processes that makes.

:func:`available_cpus` reads, in order, the cgroup CPU limit (v2 ``cpu.max``; v1
``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``) of the process's cgroup and of each of its
ancestors (the smallest applies), the CPU affinity mask (``os.sched_getaffinity``: ``taskset``,
``docker --cpuset-cpus``) and ``os.cpu_count()``, and returns the smallest. A fractional quota
is rounded up, at least 1: a quota of 1.5 CPUs lets two processes run three quarters of the time
each, and rounding down would leave half a CPU unused (the JDK's container support rounds the same
way, ``ceil(quota / period)``, hotspot ``cgroupSubsystem_linux.cpp``).

:func:`sizing` turns that count ``C`` into worker processes per machine ``W`` and render
processes per worker ``R``:

    R = min(C, RENDER_PROCESSES_MAX)        W = max(1, C // R)

so ``W * R <= C`` for every ``C >= 1``: one render process per CPU and never more, where one
worker per core each starting one render process per core made ``C * C``. ``R`` is capped at
:data:`RENDER_PROCESSES_MAX` (4) because a job's render processes each take a run of consecutive
2-second GOPs, and a scene of a few sentences (the sample scene: 7.8 s, four GOPs) has no more
runs to give; on a bigger machine the extra CPUs go to more workers, i.e. more jobs at once.
When the worker count is set by hand, :func:`render_share` gives each worker
``max(1, min(RENDER_PROCESSES_MAX, C // W))`` render processes instead.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
"""Where the cgroup file systems are mounted (v2 unified, or one directory per v1 controller)."""
PROC_CGROUP = Path("/proc/self/cgroup")
"""This process's cgroup membership (``hierarchy-id:controllers:path`` lines)."""
RENDER_PROCESSES_MAX = 4
"""Render processes one worker starts at most by default (see the module docstring)."""


@dataclass(frozen=True)
class Sizing:
    """Processes for ``cpus`` CPUs: ``workers`` worker processes per machine, each with
    ``render_processes`` render processes (``workers * render_processes <= cpus``)."""

    cpus: int
    workers: int
    render_processes: int


def sizing(cpus: int | None = None) -> Sizing:
    """Worker processes and render processes per worker for ``cpus`` CPUs (default
    :func:`available_cpus`); the formula is in the module docstring.

    Raises:
        ValueError: ``cpus`` is less than 1.
    """
    c = available_cpus() if cpus is None else cpus
    if c < 1:
        raise ValueError(f"cpus must be at least 1, not {c}")
    render = min(c, RENDER_PROCESSES_MAX)
    return Sizing(cpus=c, workers=max(1, c // render), render_processes=render)


def render_share(workers: int, cpus: int | None = None) -> int:
    """Render processes per worker when ``workers`` worker processes share ``cpus`` CPUs (default
    :func:`available_cpus`): ``max(1, min(RENDER_PROCESSES_MAX, cpus // workers))``, which is
    :func:`sizing`'s ``render_processes`` when ``workers`` is its ``workers``, and keeps
    ``workers * render processes <= cpus`` for a worker count set by hand (up to ``cpus`` workers).

    Raises:
        ValueError: ``workers`` or ``cpus`` is less than 1.
    """
    c = available_cpus() if cpus is None else cpus
    if workers < 1 or c < 1:
        raise ValueError(f"workers and cpus must be at least 1, not {workers} and {c}")
    return max(1, min(RENDER_PROCESSES_MAX, c // workers))


def available_cpus(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> int:
    """CPUs this process may use: the smallest of its cgroup CPU limit (rounded up), its affinity
    mask and ``os.cpu_count()``, at least 1. ``root`` and ``proc_cgroup`` are parameters so tests
    can point them at a directory of their own; unreadable or absent files mean no limit."""
    counts = [os.cpu_count() or 1]
    if hasattr(os, "sched_getaffinity"):
        counts.append(len(os.sched_getaffinity(0)))
    quota = cgroup_cpu_limit(root, proc_cgroup)
    if quota is not None:
        counts.append(math.ceil(quota))
    return max(1, min(counts))


def cgroup_cpu_limit(root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> float | None:
    """The cgroup CPU bandwidth limit of this process, in CPUs (quota / period, possibly
    fractional), or None when there is none: the smallest limit of the process's cgroup and its
    ancestors, cgroup v2 (``cpu.max``: ``"<quota> <period>"`` or ``"max <period>"``) when
    ``root/cgroup.controllers`` exists, else v1 (``cpu.cfs_quota_us``, -1 for none, and
    ``cpu.cfs_period_us``, under ``root/cpu`` or ``root/cpu,cpuacct``)."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        lines = []
    if (root / "cgroup.controllers").exists():
        path = next((line.split(":", 2)[2] for line in lines if line.startswith("0::")), "/")
        return _smallest(_dirs(root, path), _v2_limit)
    path = "/"
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3 and "cpu" in parts[1].split(","):
            path = parts[2]
    for mount in ("cpu", "cpu,cpuacct", "cpuacct,cpu"):
        if (root / mount).is_dir():
            return _smallest(_dirs(root / mount, path), _v1_limit)
    return None


def _dirs(mount: Path, path: str) -> list[Path]:
    """The cgroup directory of ``path`` under ``mount`` and each ancestor up to ``mount``; only
    ``mount`` itself when ``path`` is not there (a cgroup namespace shows its own cgroup as ``/``)."""
    leaf = mount / path.strip("/")
    if not leaf.is_dir():
        return [mount]
    out = [leaf]
    while out[-1] != mount and mount in out[-1].parents:
        out.append(out[-1].parent)
    return out


def _smallest(dirs: list[Path], limit_of: Callable[[Path], float | None]) -> float | None:
    limits = [v for d in dirs if (v := limit_of(d)) is not None]
    return min(limits) if limits else None


def _v2_limit(d: Path) -> float | None:
    try:
        quota, period = (d / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else _ratio(int(quota), int(period))
    except (OSError, ValueError):
        return None


def _v1_limit(d: Path) -> float | None:
    try:
        quota = int((d / "cpu.cfs_quota_us").read_text().strip())
        period = int((d / "cpu.cfs_period_us").read_text().strip())
    except (OSError, ValueError):
        return None
    return None if quota < 0 else _ratio(quota, period)


def _ratio(quota: int, period: int) -> float | None:
    return quota / period if quota > 0 and period > 0 else None
