"""services.mesh.heap: freed frame-sized buffers are reused from the heap, not faulted in again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Allocates and frees six 3 MiB buffers 20 times (the way a render process goes through frames)
#: and prints the minor page faults of those rounds; "on" calls keep_freed_memory first.
ROUNDS = """
import resource, sys
from services.mesh.heap import keep_freed_memory
if sys.argv[1] == "on":
    assert keep_freed_memory()
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
buffers = [bytearray(3 << 20) for _ in range(6)]
del buffers
start = faults()
for _ in range(20):
    buffers = [bytearray(3 << 20) for _ in range(6)]
    del buffers
print(faults() - start)
"""


def _faults(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", ROUNDS, mode], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    )
    return int(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc mallopt")
def test_freed_buffers_are_reused_instead_of_faulted_in_again() -> None:
    pages = 20 * 6 * (3 << 20) // 4096  # every round's buffers on fresh pages: 92,160 faults
    assert _faults("off") > pages // 2  # glibc's default gives the freed 18 MiB back each round
    assert _faults("on") < pages // 100
