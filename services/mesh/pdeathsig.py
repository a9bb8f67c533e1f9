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


def die_with_parent() -> None:
    """Ask for SIGKILL when the parent dies; exit at once if it already has. No-op off Linux."""
    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent or parent == 1:  # the parent died before prctl took effect
        os._exit(1)
