"""The GOP arithmetic of a shot list: which GOPs hold a shot, which shots a run needs, how runs split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.render.storyboard import GOP_FRAMES, gop_count, gop_range, plan_runs, shot_gops, shots_of_gops
from services.render.storyboard.timeline import TAIL_FRAMES, spans
from tests.unit.test_storyboard_draw import make_shot_list


def test_gops_cover_the_timeline_and_hold_each_shot_with_its_tail() -> None:
    sl = make_shot_list(shots=3, duration_ms=1500)  # 36 frames each, 108 in all
    assert GOP_FRAMES == 48 and gop_count(sl) == 3
    assert [len(gop_range(sl, g)) for g in range(3)] == [48, 48, 12]
    # shot 0: frames 0-36 and a 12-frame tail blended into shot 1 (36-48): GOP 0 only
    assert TAIL_FRAMES == 12 and list(shot_gops(sl, 0)) == [0]
    assert list(shot_gops(sl, 1)) == [0, 1]  # 36-72 and its tail to 84
    assert list(shot_gops(sl, 2)) == [1, 2]  # 72-108, the last shot has no tail
    assert shots_of_gops(sl, [0]) == {0, 1}
    assert shots_of_gops(sl, [1, 2]) == {1, 2}


@pytest.mark.parametrize(
    ("missing", "parts", "runs"),
    [
        ([0, 1, 2, 3], 2, [[0, 1], [2, 3]]),
        ([0, 1, 2, 3, 4], 2, [[0, 1, 2], [3, 4]]),
        ([0, 1, 2], 1, [[0, 1, 2]]),
        ([1, 2, 5], 2, [[1, 2], [5]]),  # a resumed job: runs never bridge a finished GOP
        ([1, 2, 5], 4, [[1], [2], [5]]),  # no more runs than GOPs
        ([], 2, []),
    ],
)
def test_runs_keep_consecutive_gops_together(missing: list[int], parts: int, runs: list[list[int]]) -> None:
    assert plan_runs(missing, parts) == runs


@given(st.sets(st.integers(0, 60)), st.integers(1, 8))
def test_runs_are_a_partition_in_order(missing: set[int], parts: int) -> None:
    runs = plan_runs(sorted(missing), parts)
    assert [g for run in runs for g in run] == sorted(missing)
    assert all(run == list(range(run[0], run[-1] + 1)) for run in runs)
    contiguous = sum(1 for g in missing if g - 1 not in missing)
    # runs are split until there is one per process or every run is a single GOP
    assert len(runs) == min(max(contiguous, parts), len(missing))


@given(st.lists(st.integers(1000, 6000), min_size=1, max_size=12))
def test_every_frame_of_every_shot_lies_in_its_gops(durations: list[int]) -> None:
    sl = make_shot_list(shots=len(durations), duration_ms=1000)
    start = 0
    for shot, d in zip(sl.shots, durations, strict=True):
        shot.start_ms, shot.duration_ms = start, d
        start += d
    sl.total_duration_ms = start
    for span in spans(sl):
        gops = set(shot_gops(sl, span.index))
        for f in range(span.start_frame, span.start_frame + span.rendered_frames):
            if f < sum(s.frames for s in spans(sl)):
                assert f // GOP_FRAMES in gops
        assert span.index in shots_of_gops(sl, gops)
