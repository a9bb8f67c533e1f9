"""Die with the parent: Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``.

A process that calls :func:`die_with_parent` is sent SIGKILL by the kernel when the thread that
created it ends, however that happens (even SIGKILL), so no child of a supervisor or of a worker
outlives it. The setting survives ``exec`` of an ordinary binary. See prctl(2).

A child started by ``subprocess`` gets it through :func:`guarded_argv`: a small Python launcher
that sets it and then execs the real program. No Python code runs between fork and exec in the
parent's image (a ``preexec_fn``), where a lock held by another thread of the parent at the fork
(the import lock, the loader's lock, a fork handler's lock) can hang the child for ever.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
from collections.abc import Mapping, Sequence

PR_SET_PDEATHSIG = 1

_PRCTL = ctypes.CDLL("libc.so.6", use_errno=True).prctl if sys.platform.startswith("linux") else None


# Runs as ``python -I -S -c _LAUNCHER <parent pid> <user or ""> <program> <args...>``: only the
# standard library, no site packages, nothing of the project. The user switch comes first, since
# changing the effective user clears the death signal (prctl(2)). Exit 127 is the shell's
# "command not found".
_LAUNCHER = """\
import ctypes, os, pwd, sys
parent, user, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
if user:
    entry = pwd.getpwnam(user)
    os.initgroups(user, entry.pw_gid)
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
ctypes.CDLL(None, use_errno=True).prctl(1, 9, 0, 0, 0)
if os.getppid() != parent:
    os._exit(1)
try:
    os.execvp(argv[0], argv)
except OSError as e:
    print(f"cannot run {argv[0]}: {e.strerror}", file=sys.stderr)
    os._exit(127)
"""


def guarded_argv(argv: Sequence[str], env: Mapping[str, str] | None = None, user: str | None = None) -> list[str]:
    """``argv`` wrapped so the started process is SIGKILLed when this thread's process dies.

    ``user``: run the program as this user (its groups too), switched to by the launcher before
    the death signal is set; pass it here, not as ``subprocess.Popen(user=...)``, which would leave
    the launcher unable to read this process's interpreter. Returns ``argv`` itself off Linux,
    where a ``user`` raises :class:`OSError`. The launcher execs in place, so the child's pid is the
    program's. Raises :class:`FileNotFoundError` at once when ``argv[0]`` cannot be found on
    ``PATH`` (``env``'s, else this process's), as ``Popen`` would, rather than leaving it to the
    launcher's exit 127.
    """
    argv = list(argv)
    if not argv:
        raise ValueError("empty argv")
    if shutil.which(argv[0], path=(env if env is not None else os.environ).get("PATH")) is None:
        raise FileNotFoundError(2, "No such file or directory", argv[0])
    if _PRCTL is None:
        if user:
            raise OSError(f"running {argv[0]} as {user} needs Linux")
        return argv
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(os.getpid()), user or "", *argv]


def die_with_parent() -> None:
    """Ask for SIGKILL when the parent dies; exit at once if it already has. No-op off Linux.

    For a process's own start (a pool initializer); a child of ``subprocess`` takes
    :func:`guarded_argv` instead.
    """
    if _PRCTL is None:
        return
    parent = os.getppid()
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os._exit(1)
