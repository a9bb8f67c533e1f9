"""CPUs from cgroup limits (v2 and v1, written as real files in a directory of the test's own),
affinity and core count; the worker and render process sizing that follows from them."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from services.cli.processes import worker_children, worker_count
from services.generation.config import GenerationConfig
from services.mesh.config import ConfigError
from services.mesh.cpu import RENDER_PROCESSES_MAX, available_cpus, cgroup_cpu_limit, render_share, sizing

MACHINE = min(os.cpu_count() or 1, len(os.sched_getaffinity(0)))
"""What this machine gives without a cgroup limit."""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def v2(tmp_path: Path, limits: dict[str, str], member: str) -> tuple[Path, Path]:
    """A cgroup v2 tree: ``limits`` maps a cgroup path to its ``cpu.max``; the process is in ``member``."""
    root = tmp_path / "cgroup"
    write(root / "cgroup.controllers", "cpuset cpu io memory pids\n")
    for path, value in limits.items():
        write(root / path.strip("/") / "cpu.max", value + "\n")
    (root / member.strip("/")).mkdir(parents=True, exist_ok=True)
    proc = tmp_path / "proc-self-cgroup"
    write(proc, f"0::{member}\n")
    return root, proc


def v1(tmp_path: Path, mount: str, limits: dict[str, tuple[int, int]], member: str) -> tuple[Path, Path]:
    """A cgroup v1 ``cpu`` hierarchy mounted at ``root/mount``: ``limits`` maps a cgroup path to
    (``cfs_quota_us``, ``cfs_period_us``)."""
    root = tmp_path / "cgroup"
    for path, (quota, period) in limits.items():
        d = root / mount / path.strip("/")
        write(d / "cpu.cfs_quota_us", f"{quota}\n")
        write(d / "cpu.cfs_period_us", f"{period}\n")
    (root / mount / member.strip("/")).mkdir(parents=True, exist_ok=True)
    write(root / "memory" / "x", "")  # another controller's mount, to be ignored
    proc = tmp_path / "proc-self-cgroup"
    write(proc, f"12:memory:{member}\n4:{mount}:{member}\n1:name=systemd:{member}\n")
    return root, proc


def test_v2_quota_is_quota_over_period(tmp_path: Path) -> None:
    root, proc = v2(tmp_path, {"/kubepods/pod1": "150000 100000"}, "/kubepods/pod1")
    assert cgroup_cpu_limit(root, proc) == pytest.approx(1.5)
    assert available_cpus(root, proc) == min(2, MACHINE)  # 1.5 rounded up


def test_v2_a_fraction_of_one_cpu_still_gives_one(tmp_path: Path) -> None:
    root, proc = v2(tmp_path, {"/job": "20000 100000"}, "/job")
    assert cgroup_cpu_limit(root, proc) == pytest.approx(0.2)
    assert available_cpus(root, proc) == 1


def test_v2_the_smallest_limit_of_the_cgroup_and_its_ancestors_applies(tmp_path: Path) -> None:
    limits = {"/": "max 100000", "/a": "100000 100000", "/a/b": "max 100000", "/a/b/c": "300000 100000"}
    root, proc = v2(tmp_path, limits, "/a/b/c")
    assert cgroup_cpu_limit(root, proc) == pytest.approx(1.0)
    assert available_cpus(root, proc) == 1


def test_v2_no_limit(tmp_path: Path) -> None:
    root, proc = v2(tmp_path, {"/": "max 100000", "/svc": "max 100000"}, "/svc")
    assert cgroup_cpu_limit(root, proc) is None
    assert available_cpus(root, proc) == MACHINE


def test_v2_in_a_cgroup_namespace_the_root_files_are_the_process_s_own(tmp_path: Path) -> None:
    """Inside a container the process's cgroup reads as ``/`` and its limit sits at the mount."""
    root, proc = v2(tmp_path, {"/": "50000 100000"}, "/")
    assert cgroup_cpu_limit(root, proc) == pytest.approx(0.5)
    write(proc, "0::/not/visible/here\n")  # a path outside the namespace: the mount's own file
    assert cgroup_cpu_limit(root, proc) == pytest.approx(0.5)


@pytest.mark.parametrize("mount", ["cpu", "cpu,cpuacct"])
def test_v1_cfs_quota(tmp_path: Path, mount: str) -> None:
    root, proc = v1(tmp_path, mount, {"/": (-1, 100000), "/docker/abc": (250000, 100000)}, "/docker/abc")
    assert cgroup_cpu_limit(root, proc) == pytest.approx(2.5)
    assert available_cpus(root, proc) == min(3, MACHINE)


def test_v1_no_quota(tmp_path: Path) -> None:
    root, proc = v1(tmp_path, "cpu", {"/": (-1, 100000), "/docker/abc": (-1, 100000)}, "/docker/abc")
    assert cgroup_cpu_limit(root, proc) is None
    assert available_cpus(root, proc) == MACHINE


def test_unreadable_or_absent_cgroup_files_mean_no_limit(tmp_path: Path) -> None:
    assert cgroup_cpu_limit(tmp_path / "nothing", tmp_path / "no-proc-file") is None
    root, proc = v2(tmp_path, {"/a": "garbage"}, "/a")
    assert cgroup_cpu_limit(root, proc) is None
    assert available_cpus(tmp_path / "nothing", tmp_path / "no-proc-file") == MACHINE


def test_the_machine_itself_gives_at_least_one_cpu_and_no_more_than_its_affinity() -> None:
    assert 1 <= available_cpus() <= len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("cpus", "workers", "render"),
    [(1, 1, 1), (2, 1, 2), (3, 1, 3), (4, 1, 4), (7, 1, 4), (8, 2, 4), (12, 3, 4), (64, 16, 4)],
)
def test_sizing_table(cpus: int, workers: int, render: int) -> None:
    s = sizing(cpus)
    assert (s.cpus, s.workers, s.render_processes) == (cpus, workers, render)


def test_render_processes_never_outnumber_the_cpus() -> None:
    for cpus in range(1, 257):
        s = sizing(cpus)
        assert 1 <= s.render_processes <= RENDER_PROCESSES_MAX and s.workers >= 1
        assert s.workers * s.render_processes <= cpus
        assert cpus - s.workers * s.render_processes < RENDER_PROCESSES_MAX  # and few are left over


def test_sizing_refuses_no_cpus() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        sizing(0)


def test_sizing_of_a_fake_cgroup_limit(tmp_path: Path) -> None:
    """A container given 12 CPUs of a bigger machine: 3 workers of 4 render processes, not 12 x 12."""
    root, proc = v2(tmp_path, {"/pod": "1200000 100000"}, "/pod")
    limit = cgroup_cpu_limit(root, proc)
    assert limit is not None
    s = sizing(math.ceil(limit))
    assert (s.workers, s.render_processes) == (3, 4)


def test_defaults_follow_the_sizing_and_the_environment_wins() -> None:
    machine = sizing()
    assert worker_count({}) == machine.workers
    assert worker_count({}, cpus=16) == 4
    assert worker_count({"DRISHYA_WORKER_PROCESSES": "5"}) == 5
    base = {"DRISHYA_DATA_DIR": "/tmp/drishya-cpu-test"}
    config = GenerationConfig.from_env(base)
    assert config.render_processes == machine.render_processes
    assert config.render_idle_s == 60.0
    config = GenerationConfig.from_env({**base, "DRISHYA_RENDER_PROCESSES": "3", "DRISHYA_RENDER_IDLE_S": "2.5"})
    assert (config.render_processes, config.render_idle_s) == (3, 2.5)
    with pytest.raises(ConfigError):
        GenerationConfig.from_env({**base, "DRISHYA_RENDER_IDLE_S": "-1"})


@pytest.mark.parametrize(
    ("workers", "cpus", "render"), [(1, 2, 2), (2, 2, 1), (4, 2, 1), (1, 16, 4), (2, 16, 4), (8, 16, 2), (3, 8, 2)]
)
def test_render_share_of_a_worker_count_set_by_hand(workers: int, cpus: int, render: int) -> None:
    assert render_share(workers, cpus) == render


def test_render_share_agrees_with_the_sizing_and_never_oversubscribes() -> None:
    for cpus in range(1, 129):
        s = sizing(cpus)
        assert render_share(s.workers, cpus) == s.render_processes
        for workers in range(1, cpus + 1):
            assert workers * render_share(workers, cpus) <= cpus
    with pytest.raises(ValueError, match="at least 1"):
        render_share(0, 4)


def test_worker_children_get_their_share_of_render_processes() -> None:
    env = {"DATABASE_URL": "postgresql://x", "NATS_URL": "nats://x"}
    children = worker_children(env, 2, cpus=8)
    assert [c.env["DRISHYA_RENDER_PROCESSES"] for c in children] == ["4", "4"]
    assert all(c.env["DRISHYA_WORKERS"] == "1" for c in children)
    assert [c.env["DRISHYA_RENDER_PROCESSES"] for c in worker_children(env, 4, cpus=2)] == ["1"] * 4
    given = worker_children({**env, "DRISHYA_RENDER_PROCESSES": "3"}, 2, cpus=8)
    assert [c.env["DRISHYA_RENDER_PROCESSES"] for c in given] == ["3", "3"]
