"""Benchmark of the render provider paths: storyboard, ComfyUI (local fake), Gemini/Veo (local fake).

Renders the 4-shot, 10-second Telugu scene of ``benchmarks/render.py`` through the provider chain,
every shot with the chosen provider, then encodes its GOPs and muxes the MP4, and prints per path
(median of N runs):

- time to MP4: every ``render_shot``, narration, ``encode_gops`` and ``mux`` (QC included);
- the fake's own time (its HTTP handlers and, for ComfyUI, the prompt it "runs": 4 sampler steps
  of 10 ms per workflow) and the adapter's overhead beyond it: HTTP and WebSocket round trips,
  operation polling (Veo polls start at 50 ms here), decoding and normalising the clip, laying
  the subtitle over it, encoding the GOPs and speaking the narration;
- normalisation cost per second of video (``services.render.normalise``) for an animated WebP
  (ComfyUI's SaveAnimatedWEBP), an H.264 MP4 (Veo) and a PNG sequence, 512x288 to 1280x720.

The fakes stand in for real engines: their media are solid colours made in milliseconds, where a
real SDXL keyframe takes seconds and an SVD or Veo clip tens of seconds to minutes on a GPU.

Run from the repository root: ``.venv/bin/python -m benchmarks.providers`` (``--runs N`` to change the
count; the fakes come from ``tests/fakes``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.render import scene
from services.render import storyboard
from services.render.comfyui import ComfyUI
from services.render.gemini import Gemini
from services.render.generative import GenerativeProvider
from services.render.normalise import normalise
from services.render.providers import ProviderChain, RenderProvider, StoryboardProvider
from services.render.storyboard import FPS
from services.render.types import Media
from tests.fakes import comfyui as fc
from tests.fakes import gemini as fg
from tests.fakes import media


async def to_mp4(chain: ProviderChain, provider: str) -> float:
    """Seconds to make every shot's source with ``provider``, speak it, encode the GOPs and mux the MP4."""
    sl = scene()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        started = time.perf_counter()
        sources = []
        for i in range(len(sl.shots)):
            out = await chain.run_traced(provider, lambda p, i=i: p.render_shot(sl, i, work / "shots", subtitles=True))
            assert out.provider == provider, out.fallbacks
            audio, ms = await asyncio.to_thread(storyboard.narrate, sl, i, work / "shots")
            sources.append(dataclasses.replace(out.value, audio_path=audio, narration_ms=ms))
        runs = storyboard.plan_runs(range(storyboard.gop_count(sl)), chain.encoder.processes)
        by_index = {s.index: s for s in sources}
        made = await asyncio.gather(
            *(chain.encoder.encode_gops(sl, by_index, run, work / "gops", subtitles=True) for run in runs)
        )
        await chain.encoder.mux(sl, sources, {g.index: g for gops in made for g in gops}, work / "video.mp4")
        return time.perf_counter() - started


def normalise_cost(runs: int) -> dict[str, float]:
    """Seconds of normalisation per second of video, by input format (5 s clips, median of ``runs``)."""
    seconds = 5
    ramp = [(k * 2 % 256, 90, 90) for k in range(24 * seconds)]  # every frame differs
    inputs = {
        "animated WebP 8 fps": Media(data=media.animated(ramp[: 8 * seconds], 8 * seconds, 8), suffix=".webp"),
        "H.264 MP4 24 fps": Media(data=media.video(ramp, 24 * seconds, 24, (512, 288)), suffix=".mp4"),
        "PNG sequence 24 fps": Media(frames=tuple(media.png(c, (512, 288)) for c in ramp)),
    }
    out = {}
    for name, m in inputs.items():
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            normalise(m, FPS * seconds, provider="bench")
            times.append(time.perf_counter() - started)
        out[name] = statistics.median(times) / seconds
    return out


async def run(runs: int) -> None:
    comfy, gem = fc.FakeComfyUI(), fg.FakeGemini()
    await comfy.start()
    await gem.start()
    storyboard = StoryboardProvider(1)
    try:
        comfy_client = ComfyUI.from_paths(comfy.url)
        veo = Gemini(fg.API_KEY, gem.url, poll_base_s=0.05, poll_cap_s=0.2)
        links: list[RenderProvider] = [
            GenerativeProvider("comfyui", comfy_client, comfy_client, storyboard),
            GenerativeProvider("gemini", veo, veo, storyboard),
            storyboard,
        ]
        chain = ProviderChain(links)
        await to_mp4(chain, "storyboard")  # warm the render process (fonts, eSpeak NG)
        video_s = scene().total_duration_ms / 1000
        print(f"provider paths: {len(scene().shots)} shots, {video_s:.1f} s of 1280x720 at {FPS} fps, median of {runs}")
        for name, fake in (("storyboard", None), ("comfyui", comfy), ("gemini", gem)):
            totals, owns = [], []
            for _ in range(runs):
                before = fake.busy_s if fake is not None else 0.0
                totals.append(await to_mp4(chain, name))
                owns.append((fake.busy_s - before) if fake is not None else 0.0)
            total, own = statistics.median(totals), statistics.median(owns)
            line = f"  {name:<10} time to MP4 {total:6.2f} s"
            if fake is not None:
                line += f"   fake's own time {own:5.2f} s   adapter overhead {total - own:6.2f} s"
                line += f" ({(total - own) / len(scene().shots):.2f} s per shot)"
            print(line)
    finally:
        storyboard.close()
        await comfy.stop()
        await gem.stop()
    print("normalisation, seconds per second of video (5 s clip to 1280x720 at 24 fps):")
    for name, cost in normalise_cost(runs).items():
        print(f"  {name:<22} {cost:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.runs))


if __name__ == "__main__":
    main()
