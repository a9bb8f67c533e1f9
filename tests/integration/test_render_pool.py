"""The storyboard provider's render processes: started on first use, stopped when idle.

Real spawned processes, observed through ``/proc`` (each render process is a child of the test
process running ``multiprocessing.spawn``), not through the pool's internals alone.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

from services.render.providers import StoryboardProvider
from services.render.storyboard import storyboard_source
from tests.unit.test_storyboard_draw import make_shot_list


def spawned_children() -> set[int]:
    """Live (not zombie) children of this process started by ``multiprocessing``'s spawn."""
    me, out = os.getpid(), set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == me and state != "Z" and b"spawn_main" in cmdline:
            out.add(int(entry.name))
    return out


async def wait_for(check: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    """Poll ``check()`` every 0.05 s until it is true or ``timeout_s`` passes; its last value."""
    deadline = time.monotonic() + timeout_s
    while not check() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return check()


async def test_no_render_process_starts_until_the_first_render(tmp_path: Path) -> None:
    before = spawned_children()
    provider = StoryboardProvider(2, idle_timeout_s=60)
    try:
        await asyncio.sleep(1.0)  # time enough for a spawn to show
        assert not provider.running and provider.pids() == []
        assert spawned_children() == before
        sl = make_shot_list(shots=1, duration_ms=2000)
        done = await provider.encode_gops(sl, {0: storyboard_source(sl, 0)}, [0], tmp_path, subtitles=True)
        assert [g.index for g in done] == [0]
        started = spawned_children() - before
        assert provider.running and len(provider.pids()) == 2
        assert started == set(provider.pids())
    finally:
        provider.close()


async def test_start_warms_the_processes_without_waiting_for_them() -> None:
    before = spawned_children()
    provider = StoryboardProvider(2, idle_timeout_s=60)
    try:
        began = time.monotonic()
        provider.start()
        assert time.monotonic() - began < 0.5  # it does not wait for the warm-up
        assert await wait_for(lambda: len(spawned_children() - before) == 2)
        provider.start()  # running already: nothing more starts
        await asyncio.sleep(0.5)
        assert len(spawned_children() - before) == 2
    finally:
        provider.close()


async def test_the_pool_shrinks_to_zero_after_the_idle_timeout_and_starts_again(tmp_path: Path) -> None:
    before = spawned_children()
    provider = StoryboardProvider(2, idle_timeout_s=1.0)
    sl = make_shot_list(shots=1, duration_ms=2000)
    sources = {0: storyboard_source(sl, 0)}
    try:
        await provider.encode_gops(sl, sources, [0], tmp_path / "a", subtitles=True)
        first = spawned_children() - before
        assert len(first) == 2
        await asyncio.sleep(0.3)  # well inside the timeout: still there
        assert spawned_children() - before == first and provider.running
        assert await wait_for(lambda: not (spawned_children() & first), timeout_s=20)
        assert not provider.running and provider.pids() == []
        done = await provider.encode_gops(sl, sources, [0], tmp_path / "b", subtitles=True)
        assert [g.index for g in done] == [0]
        second = spawned_children() - before
        assert len(second) == 2 and not second & first  # new processes, started by the call
    finally:
        provider.close()


async def test_a_call_in_flight_keeps_the_pool_past_the_idle_timeout(tmp_path: Path) -> None:
    """The countdown runs only while no call is in flight: a render longer than the timeout
    finishes on the processes it started on."""
    before = spawned_children()
    provider = StoryboardProvider(1, idle_timeout_s=0.2)
    sl = make_shot_list(shots=2, duration_ms=6000)
    sources = {i: storyboard_source(sl, i) for i in range(2)}
    try:
        done = await provider.encode_gops(sl, sources, [0, 1, 2], tmp_path, subtitles=True)
        assert [g.index for g in done] == [0, 1, 2]
        assert len(spawned_children() - before) == 1  # still there when the call ends
        assert await wait_for(lambda: not (spawned_children() - before), timeout_s=20)
    finally:
        provider.close()


async def test_an_idle_timeout_of_zero_keeps_the_processes() -> None:
    before = spawned_children()
    provider = StoryboardProvider(1, idle_timeout_s=0)
    try:
        provider.start()
        assert await wait_for(lambda: len(spawned_children() - before) == 1)
        await asyncio.sleep(1.5)
        assert len(spawned_children() - before) == 1 and provider.running
    finally:
        provider.close()
    assert await wait_for(lambda: not (spawned_children() - before), timeout_s=20)
