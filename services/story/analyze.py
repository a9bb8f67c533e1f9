"""AnalyzeStory and ExportBreakdown: analyse the scenes, fill the bible, resolve characters, make strips.

Scene analyses are kept by content hash, so a scene is analysed once per distinct text and
language, however often the story is reordered, forked or exported. The resolution of characters
depends on story order, so it is recomputed from the stored analyses on every call (no service call
when every scene's text is known) and written only when it changed.
"""

from __future__ import annotations

import asyncio
import hashlib
import posixpath
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from drishya.analysis.v1 import analysis_pb2 as an_pb
from drishya.generation.v1 import generation_pb2 as gen_pb2
from drishya.story.v1 import story_pb2 as pb
from drishya.story.v1 import story_service_pb2 as svc_pb2
from services.delivery import hls
from services.mesh.errors import FailedPrecondition
from services.mesh.media_store import MediaStore
from services.story import breakdown, continuity
from services.story import playback as playback_mod
from services.story.adapters import media
from services.story.adapters.clients import SceneAnalyst, SceneRenderer
from services.story.adapters.store import StoryStore
from services.story.stories import VersionMismatch

#: Attempts when the story changes while it is being analysed.
ATTEMPTS = 3


@dataclass(frozen=True)
class AnalyzedStory:
    """A story after analysis: the story, its bible, each scene's ``(english_text, analysis)`` by
    content hash, and each scene's resolution in story order."""

    story: pb.Story
    bible: pb.StoryBible
    analyses: dict[str, tuple[str, an_pb.SceneAnalysis]]
    resolutions: list[continuity.SceneResolution]


async def analyze_story(store: StoryStore, analyst: SceneAnalyst, story_id: str, owner_id: str) -> AnalyzedStory:
    """Analyse the owner's story (see the module docstring).

    Raises:
        NotFound: the story is not the owner's.
        VersionMismatch: the story kept changing during three attempts.
        grpc.aio.AioRpcError: the language or analysis service failed.
    """
    for attempt in range(ATTEMPTS):
        story = await store.get(story_id, owner_id)
        known = await store.analyses([s.content_hash for s in story.scenes])
        missing = list({s.content_hash: s for s in story.scenes if s.content_hash not in known}.values())
        for scene, (english, analysis) in zip(missing, await analyst.analyze_all(missing), strict=True):
            await store.save_analysis(scene.content_hash, english, analysis)
            known[scene.content_hash] = (english, analysis)
        bible = await store.bible(story_id, owner_id)
        inputs = [
            continuity.SceneInput(
                scene_id=s.scene_id,
                language_code=known[s.content_hash][1].language_code or s.language_code,
                source_text=s.text,
                english_text=known[s.content_hash][0],
                analysis=known[s.content_hash][1],
            )
            for s in story.scenes
        ]
        new_bible, resolutions = continuity.resolve_story(bible, inputs)
        unchanged = new_bible == bible and all(
            s.analyzed and list(s.character_ids) == r.character_ids and list(s.warnings) == r.warnings
            for s, r in zip(story.scenes, resolutions, strict=True)
        )
        if unchanged:
            return AnalyzedStory(story, bible, known, resolutions)
        try:
            rows = [(s, r.character_ids, r.warnings) for s, r in zip(story.scenes, resolutions, strict=True)]
            story, bible = await store.save_resolution(story_id, owner_id, story.version, new_bible, rows)
            return AnalyzedStory(story, bible, known, resolutions)
        except VersionMismatch:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def strips(analyzed: AnalyzedStory) -> list[pb.Strip]:
    """The breakdown of an analysed story: one strip per scene, in story order."""
    return [
        breakdown.strip_for(
            i, s, analyzed.analyses[s.content_hash][1], analyzed.analyses[s.content_hash][0], analyzed.bible
        )
        for i, s in enumerate(analyzed.story.scenes, start=1)
    ]


def render_key(scene: pb.Scene, cast: Sequence[gen_pb2.CastEntry]) -> str:
    """SHA-256 hex of the scene's content hash and its cast: equal keys render equal videos."""
    h = hashlib.sha256(scene.content_hash.encode())
    for c in cast:
        h.update(c.SerializeToString(deterministic=True))
    return h.hexdigest()


async def render_story(
    store: StoryStore,
    analyst: SceneAnalyst,
    renderer: SceneRenderer,
    story_id: str,
    owner_id: str,
    plan: str = "",
    review_rate: float = 0.0,
    draw: Callable[[], float] = random.random,
) -> tuple[pb.Story, list[svc_pb2.SceneRender]]:
    """One generation job per scene whose render key changed; the others keep their job.

    ``plan`` (the owner's, from the edge) goes with each CreateJob: it sets the jobs' priority,
    active-job limit, budget and rendered-scenes quota. Each new job is held for review when
    ``draw()`` (uniform in [0, 1)) is below ``review_rate`` (the owner's trust level's share, from
    the edge), as the edge does for a single job.

    The job's request id is derived from the render key, so the generation service itself returns
    the existing job for a scene whose text and cast equal one rendered before (in this story, an
    earlier order of it, or a fork), and no video is made twice.

    Raises what :func:`analyze_story` and the generation service raise.
    """
    done = await analyze_story(store, analyst, story_id, owner_id)
    renders: list[svc_pb2.SceneRender] = []
    rows: list[tuple[str, str, str]] = []
    for scene, res in zip(done.story.scenes, done.resolutions, strict=True):
        cast = continuity.cast_for(done.bible, res)
        key = render_key(scene, cast)
        if scene.job_id and scene.render_key == key:
            renders.append(svc_pb2.SceneRender(scene_id=scene.scene_id, job_id=scene.job_id, reused=True))
            continue
        job_id = await renderer.create_job(
            owner_id, f"story-scene-{key}", scene, cast, plan=plan, review_required=draw() < review_rate
        )
        renders.append(svc_pb2.SceneRender(scene_id=scene.scene_id, job_id=job_id, reused=False))
        rows.append((scene.scene_id, job_id, key))
    change = await store.save_renders(story_id, owner_id, rows)
    return change.story, renders


async def playback(
    store: StoryStore, renderer: SceneRenderer, media_root: Path | MediaStore, story_id: str, owner_id: str
) -> tuple[str, list[svc_pb2.Chapter]]:
    """Write (once) and return the story's playback directory key and chapters.

    ``media_root`` is the media store (or a local media root); its reads and writes run in threads.

    The directory is ``stories/<story_id>/playback/<hash of the job ids in order>``: a reorder or a
    re-rendered scene gives a new directory of playlists; the segments stay where the jobs wrote them.

    Raises:
        FailedPrecondition: STORY_NOT_RENDERED when a scene has no job or its job has not succeeded
            (metadata ``pending``: how many).
    """
    story = await store.get(story_id, owner_id)
    jobs = [await renderer.get_job(owner_id, s.job_id) if s.job_id else None for s in story.scenes]
    pending = [
        s.scene_id
        for s, j in zip(story.scenes, jobs, strict=True)
        if j is None or j.state != gen_pb2.JOB_STATE_SUCCEEDED
    ]
    if pending or not story.scenes:
        raise FailedPrecondition(
            "every scene must be rendered first (RenderStory, then wait for the jobs)",
            reason="STORY_NOT_RENDERED",
            metadata={"pending": str(len(pending)), "scenes": str(len(story.scenes))},
        )
    masters = [j.result.hls_master_key for j in jobs if j is not None]
    digest = hashlib.sha256("\n".join(masters).encode()).hexdigest()[:16]
    out_key = f"stories/{story.story_id}/playback/{digest}"
    scenes = []
    for scene, key in zip(story.scenes, masters, strict=True):
        master = await asyncio.to_thread(media.read_text, media_root, key)
        uris = [v["URI"] for v in hls.parse_master_playlist(master)]
        variant_texts = {
            u: await asyncio.to_thread(media.read_text, media_root, posixpath.join(posixpath.dirname(key), u))
            for u in uris
        }
        scenes.append(playback_mod.ScenePlaylists(key, master, variant_texts, playback_mod.chapter_title(scene.text)))
    built = playback_mod.build(scenes, out_key)
    for name, text in built.files.items():
        await asyncio.to_thread(media.write_text, media_root, f"{out_key}/{name}", text)
    chapters = [
        svc_pb2.Chapter(scene_id=s.scene_id, start_ms=round(a * 1000), end_ms=round(b * 1000), title=t)
        for s, (a, b, t) in zip(story.scenes, built.chapters, strict=True)
    ]
    return out_key, chapters
