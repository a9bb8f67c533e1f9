"""A generative chain link: a keyframe image, then an image-to-video clip, normalised to the shot,
with the subtitle laid over exactly as the storyboard lays it (the narration is spoken for every shot alike).

Keyframes come from ``image`` (an :class:`ImageProvider`, possibly another provider than the clip's)
or, when no image provider is configured, from the storyboard renderer's first frame of the shot
(drawn without its subtitle). Continuity inside a job: the first keyframe made with a character in
it is kept (``ref_<entity>.png`` in the job's shot folder) and given as the reference image of that
character's later shots (of the first character in a shot that has one). The keyframe of each
shot is kept too (``key_NN.png``), so a retried or resumed shot does not pay for its image again.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
from pathlib import Path

from PIL import Image

from drishya.analysis.v1 import analysis_pb2
from drishya.prompt.v1 import prompt_pb2

from . import storyboard
from .normalise import Frame, normalise
from .providers import StoryboardProvider
from .storyboard.timeline import spans
from .types import ClipProvider, ImageProvider, Media, Progress, ShotRequest, no_progress


def shot_request(shot_list: prompt_pb2.ShotList, index: int, reference: bytes | None, character_id: str) -> ShotRequest:
    """What to ask a provider for shot ``index``: its prompts, a seed derived from the prompt (stable
    across retries), and its rendered length (the shot plus its crossfade tail) in seconds."""
    shot = shot_list.shots[index]
    span = spans(shot_list)[index]
    digest = hashlib.sha256(f"{index}\n{shot.visual_prompt}".encode()).digest()
    return ShotRequest(
        index=index,
        prompt=shot.visual_prompt,
        negative_prompt=shot.negative_prompt,
        seed=int.from_bytes(digest[:4], "big"),
        duration_s=span.rendered_frames / storyboard.FPS,
        reference=reference,
        character_id=character_id,
    )


def _png(rgb: Frame) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG")
    return buf.getvalue()


def characters_of(shot_list: prompt_pb2.ShotList, index: int) -> list[str]:
    """Entity ids of the characters in shot ``index``, in the shot's order."""
    shot = shot_list.shots[index]
    if shot.characters:
        return [str(c.entity_id) for c in shot.characters if c.entity_id]
    known = {e.id for e in shot_list.entities if e.kind == analysis_pb2.ENTITY_KIND_CHARACTER}
    return [e for e in shot.entity_ids if e in known]


class GenerativeProvider:
    """A chain link named ``name``: keyframes from ``image`` (or the storyboard), clips from ``clip``.

    ``fallback`` is the storyboard provider: it draws keyframes when ``image`` is None (it also
    encodes every job's GOPs, whoever made the shots).
    """

    def __init__(
        self, name: str, clip: ClipProvider, image: ImageProvider | None, fallback: StoryboardProvider
    ) -> None:
        self.name = name
        self.clip = clip
        self.image = image
        self.fallback = fallback

    async def render_shot(
        self,
        shot_list: prompt_pb2.ShotList,
        index: int,
        out_dir: Path,
        *,
        subtitles: bool,
        progress: Progress = no_progress,
    ) -> storyboard.ShotSource:
        """Shot ``index``'s source: the provider's clip decoded once, normalised to the shot's
        rendered frames and kept raw with the subtitle laid over (:func:`storyboard.save_frames`).

        Raises:
            ProviderError, ProviderRejected, SafetyRefusal: from the adapters or normalisation.
            RenderError: ``FONT_MISSING``, ``SHOT_MISSING``.
        """
        out_dir.mkdir(parents=True, exist_ok=True)
        refs = {c: out_dir / f"ref_{re.sub(r'[^A-Za-z0-9_-]', '_', c)}.png" for c in characters_of(shot_list, index)}
        known = next((c for c, path in refs.items() if path.exists()), "")
        reference = refs[known].read_bytes() if known else None
        req = shot_request(shot_list, index, reference, known)
        key_path = out_dir / f"key_{index:02d}.png"

        async def part(lo: float, hi: float) -> Progress:
            async def report(fraction: float, note: str) -> None:
                await progress(lo + (hi - lo) * fraction, note)

            return report

        if key_path.exists():
            keyframe = key_path.read_bytes()
        else:
            keyframe = await self._keyframe(shot_list, req, await part(0.0, 0.3))
            _write(key_path, keyframe)
        for path in refs.values():
            if not path.exists():  # this is the character's first keyframe: the reference from now on
                _write(path, keyframe)
        media = await self.clip.clip(req, keyframe, await part(0.3, 0.95))
        count = spans(shot_list)[index].rendered_frames
        source = await asyncio.to_thread(_finish, shot_list, index, out_dir, media, count, self.clip.name, subtitles)
        await progress(1.0, "normalised")
        return source

    async def _keyframe(self, shot_list: prompt_pb2.ShotList, req: ShotRequest, progress: Progress) -> bytes:
        if self.image is None:
            return await self.fallback.keyframe(shot_list, req.index)
        media = await self.image.keyframe(req, progress)
        frames = await asyncio.to_thread(normalise, media, 1, provider=self.image.name)
        return await asyncio.to_thread(_png, frames[0])


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_bytes(data)
    tmp.replace(path)


def _finish(
    shot_list: prompt_pb2.ShotList,
    index: int,
    out_dir: Path,
    media: Media,
    count: int,
    provider: str,
    subtitles: bool,
) -> storyboard.ShotSource:
    frames = normalise(media, count, provider=provider)
    return storyboard.save_frames(shot_list, index, out_dir, frames, subtitles=subtitles)
