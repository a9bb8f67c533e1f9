"""Benchmark of delivery's packaging of the generation worker's output: ``package()`` before and after.

Makes the sample job's pair the way the delivery tests do (187 frames, 7.79 s at 24 fps:
1280x720 and 640x360 libx264 ``veryfast`` CRF 20 with ``keyint=48:min-keyint=48:scenecut=0``
encoded in one pass, AAC-LC 48 kHz stereo), then times ``package(video.mp4, out,
rung_sources={"360p": video.360p.mp4})``, both rungs copied, with:

- before: ``services/delivery/packaging.py`` as of ``--baseline`` (a git revision; by default the
  last one that decoded every frame of a copied source for the stills), loaded from ``git show``;
- after: the working tree's module, which decodes only each still's keyframe-to-frame range.

Prints the median wall time of ``--runs`` runs (default 5) of each, interleaved, the ratio
after/before, and the frames the current module decoded (``Packaged.decoded_frames``).
``--frames N`` makes a pair of N frames instead of 187.

Run: ``.venv/bin/python -m benchmarks.publish`` from the repository root (needs git).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.baseline import module_at
from services.delivery import packaging
from tests.integration.test_delivery_packaging import FPS, SAMPLE_FRAMES, _write

#: The last revision whose ``package`` decoded every frame of a copied source to pick the stills.
BASELINE = "624728c"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--frames", type=int, default=SAMPLE_FRAMES, help="length of the pair at 24 fps")
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the 'before' packaging.py")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        low = work / "video.360p.mp4"
        source = _write(work / "video.mp4", seconds=args.frames / FPS, also=[(low, (640, 360))])
        before_module = module_at(args.baseline, "services/delivery/packaging.py", work)
        times: dict[str, list[float]] = {"before": [], "after": []}
        decoded = 0
        for run in range(args.runs):
            for label, module in (("before", before_module), ("after", packaging)):
                out = work / f"{label}-{run}"
                out.mkdir()
                started = time.perf_counter()
                result = module.package(source, out, rung_sources={"360p": low})
                times[label].append(time.perf_counter() - started)
                if not all(r.copied for r in result.renditions):
                    sys.exit(f"{label}: a rung was encoded, not copied: {result.renditions}")
                if module is packaging:
                    decoded = result.decoded_frames
    before, after = statistics.median(times["before"]), statistics.median(times["after"])
    print(f"package() of {args.frames} frames (720p + 360p copied), median of {args.runs} runs")
    print(f"  before ({args.baseline}, every frame decoded): {before:.3f} s")
    print(f"  after (stills' ranges only, {decoded} frames decoded): {after:.3f} s")
    print(f"  after / before: {after / before:.2f}")


if __name__ == "__main__":
    main()
