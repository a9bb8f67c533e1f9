"""Keep freed memory in the heap: glibc ``mallopt`` for a process that allocates and frees large
buffers at a steady rate (a render process: several buffers of 0.3-3.7 MB for every frame).

By default glibc serves a block of 128 KiB or more with an ``mmap`` of its own, raising that
threshold only as such blocks are freed (up to 32 MiB), and gives free memory at the top of the
heap back to the kernel once it exceeds twice the threshold. A render process then keeps getting
fresh pages for its frames, each one faulted in and zeroed by the kernel, and how often depends on
what the process happened to allocate before. Fixing the mmap threshold at 32 MiB (glibc's largest)
and the trim threshold at 256 MiB serves those buffers from the heap and reuses them from frame
to frame; the process keeps the memory of its busiest moment instead of returning it between jobs
(a render process after the sample scene's jobs: about 350 MB resident, against 200 MB).
See mallopt(3).
"""

from __future__ import annotations

import ctypes
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20
"""Bytes: blocks smaller than this come from the heap (glibc's largest allowed value on 64 bits)."""
TRIM_THRESHOLD = 256 << 20
"""Bytes of free memory at the top of the heap before glibc returns it to the kernel."""


def keep_freed_memory() -> bool:
    """Set :data:`MMAP_THRESHOLD` and :data:`TRIM_THRESHOLD` for this process.

    Returns True when glibc accepted both; False off Linux or without glibc's ``mallopt`` (musl).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
