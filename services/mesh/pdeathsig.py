"""Die with the parent: Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``.

A process that calls :func:`die_with_parent` is sent SIGKILL by the kernel when the thread that
created it ends, however that happens (even SIGKILL), so no child of a supervisor or of a worker
outlives it. The setting survives ``exec`` of an ordinary binary. See prctl(2).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1

# libc is opened here, at import, never in a child between fork and exec: dlopen there can wait
# forever on the loader's lock held by another thread of the parent at the fork (seen as a hung
# child of a many-threaded test process).
_PRCTL = ctypes.CDLL("libc.so.6", use_errno=True).prctl if sys.platform.startswith("linux") else None


def die_with_parent() -> None:
    """Ask for SIGKILL when the parent dies; exit at once if it already has. No-op off Linux.

    Safe between fork and exec (a ``preexec_fn``): it only calls prctl(2) through a function
    pointer resolved at import.
    """
    if _PRCTL is None:
        return
    parent = os.getppid()
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os._exit(1)
