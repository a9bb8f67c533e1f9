"""Understanding without translation weights: quality and latency (not a test).

    .venv/bin/python benchmarks/understanding.py [--runs 20] [--mesh-runs 5] [--no-mesh]

Prints, in one run:

* concept recall and precision per language on the labelled scenes (tests/data/understanding,
  32 scenes in each of the 11 languages), for the glossary alone and for glossary + encoder, side
  by side, and the names found in the labelled name sentences;
* Translate latency in-process (language detection excluded; the source language is given): one
  300-character scene per language, built from the labelled sentences, p50/p95 over ``--runs``
  runs with the word-embedding cache emptied before each run (cold) and kept (warm);
* the resident memory (VmRSS) of this process once the encoder and the concept embeddings are
  loaded: the language service's footprint, less its gRPC server and Redis client;
* unless ``--no-mesh``: pre-render latency through a local mesh on ephemeral ports (HTTP submit to
  the BUILD_PROMPT stage completed, each job cancelled there and given 3 s to stop), p50/p95 over
  ``--mesh-runs`` scenes. ``DRISHYA_ENCODER=off`` in the environment gives the same figures
  without the encoder, for comparison.

Figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")

import httpx  # noqa: E402
from httpx_sse import aconnect_sse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.language.config import LanguageConfig  # noqa: E402
from services.language.evaluation import concept_scores, name_scores  # noqa: E402
from services.language.glossary import default_glossary  # noqa: E402
from services.language.languages import SUPPORTED_LANGUAGES  # noqa: E402
from services.language.server import build_understanding  # noqa: E402
from services.language.service import LanguageService  # noqa: E402
from services.language.translate import GlossaryProvider, TranslationChain  # noqa: E402
from services.language.understand import Understanding  # noqa: E402
from services.scene.concepts import default_vocabulary  # noqa: E402

DATA = ROOT / "tests" / "data" / "understanding"
SCENE_CHARS = 300


def rss_mib() -> float:
    """VmRSS of this process in MiB (Linux ``/proc/self/status``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scene_of(sentences: list[str], rng: random.Random) -> str:
    """Sentences in random order joined until the text reaches :data:`SCENE_CHARS` characters."""
    order = sentences[:]
    rng.shuffle(order)
    text = ""
    for s in order:
        if len(text) >= SCENE_CHARS:
            break
        text = f"{text} {s}".strip()
    return text[: SCENE_CHARS + 80]


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values``, by the nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def translate_latency(
    understanding: Understanding, scenes: list[dict[str, object]], runs: int
) -> dict[str, tuple[list[float], list[float]]]:
    """Per language, (cold, warm) Translate times in seconds for 300-character scenes."""
    service = LanguageService(TranslationChain([], GlossaryProvider(default_glossary())), understanding=understanding)
    rng = random.Random(7)
    out: dict[str, tuple[list[float], list[float]]] = {}
    for lang in SUPPORTED_LANGUAGES:
        sentences = [str(s["text"][lang]) for s in scenes]  # type: ignore[index]
        cold, warm = [], []
        for _ in range(runs):
            text = scene_of(sentences, rng)
            understanding.clear_cache()
            t0 = time.perf_counter()
            await service.translate(text, lang, "en")
            cold.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            await service.translate(text, lang, "en")
            warm.append(time.perf_counter() - t0)
        out[lang] = (cold, warm)
    return out


async def pre_render(scenes: list[dict[str, object]], runs: int) -> list[tuple[str, float | None]]:
    """(language, seconds from HTTP submit to the shot list, None when the job failed) for ``runs``
    scenes through a local mesh."""
    from services.cli.local import LocalMesh

    mesh = LocalMesh(Path(tempfile.mkdtemp(prefix="drishya-bench-")), ephemeral=True)
    await mesh.start()
    await mesh.wait_serving()
    rng = random.Random(11)
    rows: list[tuple[str, float | None]] = []
    try:
        async with httpx.AsyncClient(
            base_url=mesh.gateway_url,
            timeout=httpx.Timeout(30, read=600),
            headers={"Authorization": f"Bearer {mesh.api_key}"},
        ) as client:
            for i in range(runs):
                lang = SUPPORTED_LANGUAGES[(i + 1) % len(SUPPORTED_LANGUAGES)]
                text = scene_of([str(s["text"][lang]) for s in scenes], rng)  # type: ignore[index]
                t0 = time.perf_counter()
                r = await client.post("/v1/jobs", json={"text": text, "options": {"language_code": lang}})
                r.raise_for_status()
                job_id = r.json()["job_id"]
                async with aconnect_sse(client, "GET", f"/v1/jobs/{job_id}/events") as sse:
                    async for ev in sse.aiter_sse():
                        if not ev.data:
                            continue
                        data = json.loads(ev.data)
                        if data.get("state") in ("JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTERED"):
                            print(f"  job {job_id} ({lang}) failed: {data.get('message')}")
                            rows.append((lang, None))
                            break
                        if (
                            data.get("type") == "JOB_EVENT_TYPE_STAGE_COMPLETED"
                            and data.get("stage") == "STAGE_BUILD_PROMPT"
                        ):
                            rows.append((lang, time.perf_counter() - t0))
                            break
                await client.post(f"/v1/jobs/{job_id}:cancel")
                await asyncio.sleep(3)  # let the cancelled render stop before the next scene is timed
    finally:
        await mesh.stop()
    return rows


async def main() -> None:
    """Parse arguments, measure, print."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20, help="300-character scenes per language for Translate latency")
    ap.add_argument("--mesh-runs", type=int, default=5, help="scenes through the local mesh")
    ap.add_argument("--no-mesh", action="store_true", help="skip the local-mesh pre-render latency")
    args = ap.parse_args()
    scenes = json.loads((DATA / "scenes.json").read_text())["scenes"]
    names = json.loads((DATA / "names.json").read_text())["sentences"]

    rss_before = rss_mib()
    t0 = time.perf_counter()
    full = build_understanding(LanguageConfig(port=0))
    print(f"encoder and concept index loaded and warmed up in {time.perf_counter() - t0:.2f} s")
    rss_loaded = rss_mib()
    glossary_only = Understanding(default_glossary(), default_vocabulary())

    g = concept_scores(glossary_only, scenes, SUPPORTED_LANGUAGES)
    f = concept_scores(full, scenes, SUPPORTED_LANGUAGES)
    print(f"\nconcept recall / precision on {len(scenes)} labelled scenes per language")
    print(f"{'lang':<6}{'glossary R':>11}{'P':>7}   {'glossary+encoder R':>19}{'P':>7}   {'expected':>8}")
    for lang in SUPPORTED_LANGUAGES:
        print(
            f"{lang:<6}{g[lang].recall:>11.2f}{g[lang].precision:>7.2f}   "
            f"{f[lang].recall:>19.2f}{f[lang].precision:>7.2f}   {f[lang].expected:>8}"
        )
    tot = {
        k: (sum(s[lang].correct for lang in SUPPORTED_LANGUAGES), sum(s[lang].found for lang in SUPPORTED_LANGUAGES))
        for k, s in (("glossary", g), ("glossary+encoder", f))
    }
    expected = sum(f[lang].expected for lang in SUPPORTED_LANGUAGES)
    for k, (correct, found) in tot.items():
        print(f"all   {k:<17} recall {correct / expected:.3f} precision {correct / found:.3f}")
    n = name_scores(full, names)
    print(f"names: {n.found} found, {n.correct} of {n.expected} expected; ", end="")
    print(f"precision {n.precision:.2f}, recall {n.recall:.2f}")

    lat = await translate_latency(full, scenes, args.runs)
    print(f"\nTranslate, {SCENE_CHARS}-character scene, in-process, {args.runs} runs per language (ms)")
    print(f"{'lang':<6}{'cold p50':>9}{'p95':>7}{'warm p50':>10}{'p95':>7}")
    all_cold: list[float] = []
    for lang, (cold, warm) in lat.items():
        all_cold += cold
        print(
            f"{lang:<6}{pct(cold, 0.5) * 1000:>9.0f}{pct(cold, 0.95) * 1000:>7.0f}"
            f"{pct(warm, 0.5) * 1000:>10.0f}{pct(warm, 0.95) * 1000:>7.0f}"
        )
    print(f"all   cold p50 {pct(all_cold, 0.5) * 1000:.0f} ms, p95 {pct(all_cold, 0.95) * 1000:.0f} ms")
    print(
        f"\nresident memory: {rss_before:.0f} MiB before loading, {rss_loaded:.0f} MiB with the encoder loaded, "
        f"{rss_mib():.0f} MiB now"
    )

    if not args.no_mesh:
        rows = await pre_render(scenes, args.mesh_runs)
        times = [t for _, t in rows if t is not None]
        print(f"\npre-render (HTTP submit to shot list) through a local mesh, {len(rows)} scenes:")
        print("  " + ", ".join(f"{lang} {t * 1000:.0f} ms" if t else f"{lang} failed" for lang, t in rows))
        if times:
            print(f"  p50 {statistics.median(times) * 1000:.0f} ms, p95 {pct(times, 0.95) * 1000:.0f} ms", end="")
        print(f"; {len(rows) - len(times)} of {len(rows)} jobs failed before the shot list")


if __name__ == "__main__":
    asyncio.run(main())
