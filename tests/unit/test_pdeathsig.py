"""The launcher of :func:`services.mesh.pdeathsig.guarded_argv`: death signal set, user switched, pid kept."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys

import pytest

from services.mesh.pdeathsig import guarded_argv

# Prints the calling process's pid, its death signal (prctl PR_GET_PDEATHSIG) and its uid and gid.
_PROBE = (
    "import ctypes, os; s = ctypes.c_int(); ctypes.CDLL(None).prctl(2, ctypes.byref(s), 0, 0, 0); "
    "print(os.getpid(), s.value, os.getuid(), os.getgid())"
)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")


@linux
def test_the_program_runs_in_place_with_sigkill_as_its_death_signal() -> None:
    proc = subprocess.Popen(guarded_argv([sys.executable, "-c", _PROBE]), stdout=subprocess.PIPE)
    out, _ = proc.communicate(timeout=30)
    pid, signal_number, uid, _gid = map(int, out.split())
    assert proc.returncode == 0
    assert pid == proc.pid  # exec in place: the pid the parent holds is the program's
    assert signal_number == 9
    assert uid == os.getuid()


@linux
@pytest.mark.skipif(os.getuid() != 0, reason="switching user needs root")
def test_the_user_is_switched_before_the_death_signal_is_set() -> None:
    entry = pwd.getpwnam("nobody")
    # nobody cannot read this venv's interpreter under /root, so the probe runs on the system one
    system_python = "/usr/bin/python3"
    if not os.access(system_python, os.X_OK):
        pytest.skip("no /usr/bin/python3")
    out = subprocess.run(
        guarded_argv([system_python, "-c", _PROBE], user="nobody"), stdout=subprocess.PIPE, timeout=30, check=True
    ).stdout
    _pid, signal_number, uid, gid = map(int, out.split())
    assert (uid, gid) == (entry.pw_uid, entry.pw_gid)
    assert signal_number == 9  # set after the switch, which would have cleared it


def test_a_missing_program_is_refused_before_anything_starts() -> None:
    with pytest.raises(FileNotFoundError):
        guarded_argv(["drishya-no-such-program"])
    with pytest.raises(FileNotFoundError):
        guarded_argv(["sh"], env={"PATH": "/nonexistent"})
