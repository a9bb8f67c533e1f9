"""Benchmark of the storyboard render provider on one core's worth of Python.

Renders a 4-shot, 10-second Telugu scene (evening, rain, temple, a dancing girl; pan, dolly,
close-up and tilt) and prints, as the median of 3 runs:

- drawing frames/s: ``ShotPainter`` set-up plus every frame, no encoding;
- encoding frames/s: libx264 on pre-drawn frames as the 720p rendition;
- wall time of ``render`` in one process: narration, every GOP drawn and encoded into both
  renditions with its measurements, the mux and QC;
- real-time factor: seconds of video per second of wall time (above 1 is faster than real time).

Run: ``.venv/bin/python benchmarks/render.py`` (``--runs N`` to change the count).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import av
import numpy as np

from drishya.analysis.v1 import analysis_pb2 as a
from drishya.prompt.v1 import prompt_pb2
from services.render.storyboard import FPS
from services.render.storyboard import encode as enc
from services.render.storyboard.draw import ShotPainter

LINES = [
    "సాయంత్రం వేళ గుడి దగ్గర వర్షం పడుతోంది",
    "ఒక అమ్మాయి ఎర్ర చీరలో నాట్యం చేస్తోంది",
    "ఆమె ముఖంలో ఆనందం కనిపిస్తోంది",
    "గుడి గోపురం పైన మేఘాలు కమ్ముకున్నాయి",
]
CAMERAS = [
    (a.SHOT_SIZE_WIDE, a.CAMERA_MOVEMENT_PAN_RIGHT, a.CAMERA_ANGLE_EYE_LEVEL, a.TRANSITION_CROSSFADE),
    (a.SHOT_SIZE_MEDIUM, a.CAMERA_MOVEMENT_DOLLY_IN, a.CAMERA_ANGLE_LOW, a.TRANSITION_FADE_TO_BLACK),
    (a.SHOT_SIZE_CLOSE_UP, a.CAMERA_MOVEMENT_STATIC, a.CAMERA_ANGLE_DUTCH, a.TRANSITION_CROSSFADE),
    (a.SHOT_SIZE_EXTREME_WIDE, a.CAMERA_MOVEMENT_TILT_UP, a.CAMERA_ANGLE_HIGH, a.TRANSITION_CUT),
]


def scene() -> prompt_pb2.ShotList:
    """The benchmark scene: 4 shots of 2.5 s."""
    sl = prompt_pb2.ShotList(language_code="te", provider="storyboard", quality_score=0.9)
    sl.setting.CopyFrom(a.Setting(location="temple", time_of_day=a.TIME_OF_DAY_EVENING, weather=a.WEATHER_RAIN))
    sl.mood.CopyFrom(
        a.Mood(
            tone="joyful",
            style="cinematic",
            lighting="golden hour",
            palette=["#f4a261", "#e76f51", "#2a9d8f", "#264653"],
            intensity=0.7,
            pace=a.PACE_MEDIUM,
            sentiment=0.6,
        )
    )
    sl.entities.add(id="character-girl", kind=a.ENTITY_KIND_CHARACTER, name="girl", attributes=["red sari"])
    for i, (size, move, angle, transition) in enumerate(CAMERAS):
        shot = sl.shots.add(
            index=i,
            visual_prompt="a girl in a red sari dancing in the rain near a temple at evening",
            start_ms=i * 2500,
            duration_ms=2500,
            narration=LINES[i],
            subtitle=LINES[i],
            entity_ids=["character-girl"],
            action="dance",
        )
        shot.camera.CopyFrom(
            a.Camera(
                shot_size=size,
                movement=move,
                angle=angle,
                transition=transition,
                focus_entity_id="character-girl",
            )
        )
    sl.total_duration_ms = 10_000
    return sl


def draw_fps(sl: prompt_pb2.ShotList) -> float:
    frames, start = 0, time.perf_counter()
    for i in range(len(sl.shots)):
        painter = ShotPainter(sl, i)
        for k in range(painter.span.rendered_frames):
            np.asarray(painter.frame(k / FPS))
            frames += 1
    return frames / (time.perf_counter() - start)


def encode_fps(sl: prompt_pb2.ShotList, options: dict[str, str], work: Path) -> float:
    painter = ShotPainter(sl, 1)
    frames = [np.asarray(painter.frame(k / FPS)) for k in range(painter.span.rendered_frames)]
    start = time.perf_counter()
    with av.open(str(work / "encode.mp4"), "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=FPS, options=options)
        stream.width, stream.height, stream.pix_fmt = 1280, 720, "yuv420p"
        for rgb in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))
    return len(frames) / (time.perf_counter() - start)


def full(sl: prompt_pb2.ShotList, work: Path) -> float:
    start = time.perf_counter()
    report = enc.render(sl, work, work / "scene.mp4")
    wall = time.perf_counter() - start
    assert report.duration_ms > 0
    return wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sl = scene()
    video_s = sl.total_duration_ms / 1000
    results: dict[str, list[float]] = {"draw": [], "enc_final": [], "wall": []}
    with tempfile.TemporaryDirectory(prefix="drishya-bench-") as tmp:
        work = Path(tmp)
        for run in range(args.runs):
            results["draw"].append(draw_fps(sl))
            results["enc_final"].append(encode_fps(sl, enc.RENDITIONS[0].options(), work))
            results["wall"].append(full(sl, work / f"run{run}"))
    med = {k: statistics.median(v) for k, v in results.items()}
    print(
        f"storyboard benchmark: {len(sl.shots)} shots, {video_s:.1f} s of 1280x720 at {FPS} fps, median of {args.runs}"
    )
    print(f"  drawing                  {med['draw']:7.1f} frames/s")
    print(f"  encoding, 720p  ({enc.PRESET:>8}) {med['enc_final']:7.1f} frames/s")
    print(f"  render wall (one process) {med['wall']:6.2f} s")
    print(f"  real-time factor         {video_s / med['wall']:7.2f} x (video seconds per wall second)")


if __name__ == "__main__":
    main()
