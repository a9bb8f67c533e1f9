"""Does the picture show the words? Concept coverage of the render manifest on held-out scenes.

    .venv/bin/python benchmarks/fidelity.py [--languages en,hi,te] [--scenes 32] [--sheets out/fidelity]
        [--calibration] [--misses]

On the held-out scenes (tests/data/fidelity/heldout.json: written before the renderer was tuned,
never used to tune it), each scene in each language goes the pipeline's way in-process: the
language service's translation with the real understanding (glossary + multilingual encoder),
scene analysis, the shot list, then the storyboard's render manifest and frames. Prints:

* recall: the share of expected concepts the manifest says were drawn, per language and per
  category, over all scenes (ACTION concepts are reported apart: the manifest records who is drawn,
  not the pose);
* presence: for every drawn thing (a figure or an icon) in every shot, whether its box in the
  shot's middle frame differs from the same box of the background alone (the frame drawn without
  the cast): mean absolute difference above ``PRESENT_MAD`` levels, so a drawn thing is there;
* the uncovered concepts, most frequent first, with the reason the manifest gives;
* with ``--sheets DIR``: one contact sheet per scene and language (the middle frame of every
  shot, its subtitle and the manifest's boxes), for people to look at.

``--calibration`` runs the labelled scenes of ``tests/data/understanding`` instead (the part the
understanding is calibrated on, one sentence per scene), and ``--misses`` lists every missed
concept with its scene and language: for diagnosing on the calibration part, never on the
held-out one.

An expected concept is drawn when a shot's manifest has an element of that concept, or, for a
place, the scene's setting is the one the asset table maps it to; for weather and time of day,
when the scene's weather or time is that kind.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import numpy as np  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drishya.prompt.v1 import prompt_pb2  # noqa: E402
from services.analysis.analyzer import analyze_scene  # noqa: E402
from services.language import codec  # noqa: E402
from services.language.config import LanguageConfig  # noqa: E402
from services.language.server import build_chain, build_understanding  # noqa: E402
from services.language.service import LanguageService  # noqa: E402
from services.prompt.builder import build_shot_list  # noqa: E402
from services.prompt.convert import shot_list_to_proto  # noqa: E402
from services.render.storyboard import assets, manifest_of  # noqa: E402
from services.render.storyboard.constants import FPS  # noqa: E402
from services.render.storyboard.draw import ShotPainter  # noqa: E402
from services.render.storyboard.manifest import TIME_KINDS, WEATHER_KINDS, ShotManifest  # noqa: E402
from services.render.storyboard.timeline import spans  # noqa: E402
from services.scene.concepts import Category, default_vocabulary  # noqa: E402
from services.scene.convert import segment_from_proto  # noqa: E402
from services.scene.model import SceneRequest  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "fidelity" / "heldout.json"
CALIBRATION = Path(__file__).resolve().parent.parent / "tests" / "data" / "understanding" / "scenes.json"
PRESENT_MAD = 6.0
"""Mean absolute difference (0-255 levels, over the box's pixels and channels) above which a
drawn thing's box is taken to differ from the background."""
DRAWN_AS = {"dusk": "evening", "drizzle": "rain"}
"""Kinds of the asset table the scene model has no value of its own for, and the value drawn."""
LANGUAGES = ("en", "hi", "te", "ta", "bn", "gu", "mr", "kn", "ml", "or", "pa")


class Pipeline:
    """Text -> shot list in-process, as the mesh does it (the language service's real understanding)."""

    def __init__(self) -> None:
        config = LanguageConfig(port=0)
        chain, _ = asyncio.run(build_chain(config))
        self.service = LanguageService(chain, None, understanding=build_understanding(config))

    def shot_list(self, text: str, language: str) -> prompt_pb2.ShotList:
        translation = asyncio.run(self.service.translate(text, language, "en"))
        segments = tuple(segment_from_proto(s) for s in codec.translation_to_proto(translation).segments)
        english = " ".join(s.text for s in segments if s.text)
        analysis = analyze_scene(SceneRequest(english, text, language, segments=segments))
        return shot_list_to_proto(build_shot_list(analysis, "storyboard"))


def drawn_concepts(manifests: list[ShotManifest]) -> set[str]:
    """Concept ids the manifests say are on screen, with the setting's, weather's and time's kinds."""
    out: set[str] = set()
    for m in manifests:
        for e in m.elements:
            out.add(e.concept_id)
            if e.drawing.startswith(("setting:", "weather:", "time:")):
                out.add(e.drawing)
    return out


def is_drawn(concept: str, drawn: set[str]) -> bool:
    """Whether an expected ``concept`` is among the ``drawn`` concepts and kinds."""
    if concept in drawn:
        return True
    asset = assets.asset_for(concept)
    if asset is None:
        return False
    if asset.drawing == "setting" and asset.setting:
        return f"setting:{asset.setting}" in drawn
    if asset.drawing in ("weather", "time") and asset.kind:
        kind = DRAWN_AS.get(asset.kind, asset.kind)
        return f"{asset.drawing}:{kind}" in drawn
    return False


def presence(shot_list: prompt_pb2.ShotList, manifests: list[ShotManifest]) -> tuple[list[bool], list[Image.Image]]:
    """For each drawn thing of every shot, whether it differs from the background; the middle frames."""
    out: list[bool] = []
    frames: list[Image.Image] = []
    for m, span in zip(manifests, spans(shot_list), strict=True):
        t = (span.frames / 2) / FPS
        painter = ShotPainter(shot_list, m.index, subtitles=True)
        frame = painter.frame(t)
        painter.cast = []
        painter.overlay = None
        background = np.asarray(painter.frame(t), np.float32)
        pixels = np.asarray(frame, np.float32)
        for e in m.elements:
            if not e.is_thing:
                continue
            x, y, w, h = e.box
            diff = np.abs(pixels[y : y + h, x : x + w] - background[y : y + h, x : x + w]).mean()
            out.append(bool(diff > PRESENT_MAD))
        frames.append(frame)
    return out, frames


def contact_sheet(frames: list[Image.Image], manifests: list[ShotManifest], title: str, path: Path) -> None:
    """A grid of the middle frames (320x180 each, 3 per row) with the manifest's boxes and labels."""
    cols = 3
    rows = (len(frames) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * 320, rows * 180 + 24), (20, 20, 24))
    draw = ImageDraw.Draw(sheet)
    draw.text((6, 5), title[:150], fill=(235, 235, 235))
    for k, (frame, m) in enumerate(zip(frames, manifests, strict=True)):
        ox, oy = (k % cols) * 320, (k // cols) * 180 + 24
        sheet.paste(frame.resize((320, 180)), (ox, oy))
        for e in m.elements:
            if not e.is_thing:
                continue
            x, y, w, h = (v / 4 for v in e.box)
            draw.rectangle((ox + x, oy + y, ox + x + w, oy + y + h), outline=(255, 230, 0))
            draw.text((ox + x + 2, oy + y + 1), e.concept_id, fill=(255, 230, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--scenes", type=int, default=0, help="only the first N scenes (0: all)")
    parser.add_argument("--sheets", default="", help="write contact sheets into this directory")
    parser.add_argument("--calibration", action="store_true", help="the calibration scenes, not the held-out")
    parser.add_argument("--misses", action="store_true", help="list each missed concept by scene and language")
    args = parser.parse_args()
    if args.misses and not args.calibration:
        parser.error("--misses is for the calibration scenes only (add --calibration)")
    data = json.loads((CALIBRATION if args.calibration else DATA).read_text(encoding="utf-8"))
    scenes = [{"id": f"c{k + 1:02d}", **s} for k, s in enumerate(data["scenes"])][: args.scenes or None]
    languages = [code for code in args.languages.split(",") if code]
    vocabulary = default_vocabulary()
    started = time.perf_counter()
    pipeline = Pipeline()
    part = "calibration" if args.calibration else "held-out"
    print(f"{part} scenes: {len(scenes)} x {len(languages)} languages; pipeline ready in "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    per_language: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    per_category: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    actions = [0, 0]
    missing: collections.Counter[str] = collections.Counter()
    reasons: dict[str, str] = {}
    present: list[bool] = []
    for scene in scenes:
        for language in languages:
            text = scene["text"][language]
            shot_list = pipeline.shot_list(text, language)
            manifests = [manifest_of(shot_list, i) for i in range(len(shot_list.shots))]
            drawn = drawn_concepts(manifests)
            for concept in scene["concepts"]:
                v = vocabulary.get(concept)
                category = v.category.value if v is not None else "UNKNOWN"
                if v is not None and v.category is Category.ACTION:
                    actions[1] += 1
                    continue
                hit = is_drawn(concept, drawn)
                for table, key in ((per_language, language), (per_category, category)):
                    table[key][0] += int(hit)
                    table[key][1] += 1
                if not hit:
                    missing[concept] += 1
                    if args.misses:
                        print(f"  miss {scene['id']} {language} {concept}: {text}")
                    why = next((u.reason for m in manifests for u in m.undrawn if u.concept_id == concept), "")
                    reasons.setdefault(concept, why or "not recognised in the text (no entity)")
            kinds: tuple[tuple[str, dict[int, str]], ...] = (("time_of_day", TIME_KINDS), ("weather", WEATHER_KINDS))
            for kind, names in kinds:
                if scene.get(kind):
                    per_category[kind.upper()][1] += 1
                    value = shot_list.setting.time_of_day if kind == "time_of_day" else shot_list.setting.weather
                    per_category[kind.upper()][0] += int(names.get(value) == scene[kind])
            found, frames = presence(shot_list, manifests)
            present += found
            if args.sheets:
                contact_sheet(
                    frames,
                    manifests,
                    f"{scene['id']} {language} (in English: {scene['text']['en']})",
                    Path(args.sheets) / f"{scene['id']}-{language}.png",
                )
    total = [sum(v[0] for v in per_language.values()), sum(v[1] for v in per_language.values())]
    recall = total[0] / max(1, total[1])
    print(f"\nrecall of expected concepts (manifest says drawn): {total[0]}/{total[1]} = {recall:.3f}")
    print("per language: " + ", ".join(f"{k} {v[0] / max(1, v[1]):.2f}" for k, v in per_language.items()))
    print("per category: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(per_category.items())))
    print(f"ACTION concepts (not scored): {actions[1]}")
    share = sum(present) / max(1, len(present))
    print(f"drawn things present in the middle frame: {sum(present)}/{len(present)} = {share:.3f}")
    print("\nuncovered concepts (times missed: reason):")
    for concept, n in missing.most_common(40):
        print(f"  {concept}: {n}: {reasons.get(concept, '')}")
    print(f"\ntook {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
