"""ComfyUI adapter: keyframes from a text-to-image workflow, clips from an image-to-video workflow.

ComfyUI's HTTP and WebSocket API (``server.py`` routes, ``execution.py``; ``script_examples/
websockets_api_example.py`` in comfyanonymous/ComfyUI):

* ``GET /ws?clientId=<id>``: JSON messages ``{"type", "data"}``: ``executing`` (``data.node`` is the
  node running, None when the prompt is done), ``progress`` (``value`` of ``max`` sampler steps),
  ``executed`` (a node's outputs), ``execution_success``, ``execution_error``
  (``exception_message``, ``node_type``), ``execution_interrupted``; binary frames are previews.
* ``POST /prompt`` ``{"prompt": <API-format graph>, "client_id": <id>}`` → ``{"prompt_id"}``;
  a graph that does not validate answers 400 with ``error`` and ``node_errors``.
* ``GET /history/<prompt_id>`` → ``{<prompt_id>: {"outputs": {<node>: {"images"|"gifs": [{filename,
  subfolder, type}]}}, "status": {"status_str", "completed", "messages": [[<event>, {...}], ...]}}}``
  once the prompt has run; a prompt that failed or was interrupted has ``status_str`` ``"error"``
  and its ``execution_error`` or ``execution_interrupted`` event among the messages.
* ``GET /view?filename=&subfolder=&type=`` → the file's bytes.
* ``POST /upload/image`` (multipart ``image``, ``overwrite``) → ``{"name", "subfolder", "type"}``.
* ``GET /queue`` → ``{"queue_running": [[number, prompt_id, prompt, extra_data, outputs], ...],
  "queue_pending": [...]}``; ``POST /queue`` ``{"delete": [<prompt_id>]}`` drops queued prompts
  (a running one is not touched); ``POST /interrupt`` stops the running prompt. Servers before late
  2025 ignore the ``prompt_id`` of an interrupt and stop whatever runs, another client's prompt
  included.
* ``GET /object_info`` → ``{<node class>: {"input": {"required": {<name>: [<type or list of
  choices>, {options}]}, "optional": {...}}, "python_module": ...}}``; newer servers write a choice
  input as ``["COMBO", {"options": [...]}]``.

Workflows are JSON graphs in ComfyUI's API format ("Save (API Format)" in its UI). String values
that are exactly ``"{{name}}"`` are replaced by the typed value; ``{{name}}`` inside a longer string
is replaced by its text. Names: ``prompt``, ``negative_prompt``, ``seed``, ``width``, ``height``,
``input_image`` (the uploaded image's name), ``frames`` and ``fps``: the video model's own frame
count and rate (:attr:`ComfyUI.clip_frames`, :attr:`ComfyUI.clip_fps`; 25 and 6 by default, what
Stable Video Diffusion XT was trained on), not the shot's. A clip comes back as a
:class:`~services.render.normalise.RatedMedia` at the workflow's frame rate (its save node's
``fps``), and normalisation spreads its frames over the shot's length.

Long shots: a shot longer than :data:`SEGMENT_TOLERANCE` times one clip's natural length
(``clip_frames / clip_fps`` seconds, about 4.2 s by default) is made of
``ceil(shot / natural length)`` segments, one prompt each: the first animates the keyframe, each
later one the previous segment's last frame (uploaded as its input image, ``seed`` the shot's plus
the segment's index). Their frames are joined in order, a later segment's first frame dropped when
it repeats its seed frame (as Stable Video Diffusion's first frame does), into one image-sequence
:class:`~services.render.normalise.RatedMedia` at the workflow's frame rate, so normalisation
retimes it only slightly (a 10 s shot: 3 segments, 73 frames meant at 6 fps, 12 s, played at
1.2x) instead of stretching one clip (0.4x). Progress fractions are scaled per segment and the
notes name it (``segment 2/3: step 3/20``); a cancel between segments queues no further prompt.
A shorter shot is one prompt, its clip returned as the server saved it.

Templates (``workflows/README.md`` lists the custom nodes and model files each needs):
text-to-image; image-to-image of a character's first keyframe (``img2img``, denoise 0.7: colours and
layout carry over, identity only loosely), the continuity fallback; optionally an IP-Adapter
identity template (text-to-image conditioned on the character's reference image, ComfyUI_IPAdapter_plus
nodes), used for a character's later shots when configured and installed; image-to-video.

Start-up check (:meth:`ComfyUI.start`, then before the first prompt until one check succeeded):
``GET /object_info``, and every node of every template must exist there with its required inputs
given and its fixed choices (checkpoint and model files, sampler names...) among the server's.
An unreachable server is not an error at start-up (logged; checked again before the next prompt).
A reachable one that cannot run the text-to-image, image-to-image or image-to-video template makes
the provider unavailable: the reason is logged, and every call raises :class:`ProviderRejected`
``WORKFLOW_UNSUPPORTED`` with it (the chain falls back at once); the check is repeated every
:attr:`ComfyUI.recheck_s`. An identity template the server cannot run is logged and the
image-to-image template is used instead.

Outcomes: ``execution_error`` (on the socket or in the history) is a rejection
(``WORKFLOW_FAILED``). ``execution_interrupted`` of a prompt this client did not interrupt (someone
pressed cancel in ComfyUI's UI, or another client's interrupt on an old server) is a transient
failure (:class:`ProviderError` ``PROVIDER_INTERRUPTED``, retried); of one this client interrupted,
a cancellation (:class:`asyncio.CancelledError`). Both paths classify alike.

Cancel (a cancelled job, or the call's deadline): ``POST /interrupt`` (with the ``prompt_id``) is
sent only while ``GET /queue`` lists the prompt in ``queue_running``, so an old server does not stop
another client's prompt; the prompt is deleted from the queue; when it was not running, the queue
is read once more after the delete in case it started in between. A prompt that ends between
reading the queue and the interrupt leaves a window of one round trip in which an old server could
stop the next prompt; a newer server checks the id itself. A cancel that comes while the prompt is
being queued waits (up to 2 s) for its id, so a prompt the server queued anyway is removed too.

A WebSocket that drops mid-render is not a failure by itself: the adapter then polls
``/history/<prompt_id>`` until the outputs appear or the call's deadline passes.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import io
import json
import logging
import math
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import websockets
from PIL import Image
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from .http import request
from .normalise import Frame, RatedMedia, clip_frames
from .types import Media, Progress, ProviderError, ProviderRejected, ShotRequest

log = logging.getLogger(__name__)

WORKFLOWS = Path(__file__).resolve().parent / "workflows"
TEXT_TO_IMAGE = WORKFLOWS / "sdxl_text_to_image.json"
IMG2IMG_CONTINUITY = WORKFLOWS / "sdxl_img2img_continuity.json"
IPADAPTER_IDENTITY = WORKFLOWS / "sdxl_ipadapter_identity.json"
IMAGE_TO_VIDEO = WORKFLOWS / "svd_image_to_video.json"
CLIP_FRAMES = 25
"""Frames of one clip: Stable Video Diffusion XT's training length (SVD: 14; Stability AI's model cards)."""
CLIP_FPS = 6
"""Frame rate of one clip (frames per second): ``SVD_img2vid_Conditioning``'s ``fps`` default in
ComfyUI's ``comfy_extras/nodes_video_model.py``, the rate SVD was conditioned on."""
SEGMENT_TOLERANCE = 1.25
"""A shot up to this many times one clip's natural length is one clip (retimed); a longer one is
made of chained segments."""
SEED_REPEAT_LEVELS = 6.0
"""Mean absolute difference (0-255 levels per channel) under which a segment's first frame counts
as a repeat of its seed frame (the previous segment's last) and is dropped from the join."""
HISTORY_POLL_S = 0.5
RECHECK_S = 300.0
MEDIA_KEYS = ("images", "gifs", "videos")
CUSTOM_NODE_PACKS = (
    ("IPAdapter", "ComfyUI_IPAdapter_plus (github.com/cubiq/ComfyUI_IPAdapter_plus)"),
    ("VHS_", "ComfyUI-VideoHelperSuite (github.com/Kosinkadink/ComfyUI-VideoHelperSuite)"),
)
"""Node class prefix → the custom node pack that provides it (named in the start-up check's reasons)."""
RATE_INPUTS = {
    "SaveAnimatedWEBP": "fps",
    "SaveAnimatedPNG": "fps",
    "VHS_VideoCombine": "frame_rate",
    "CreateVideo": "fps",
}
"""Save node class → its frame-rate input (ComfyUI's ``comfy_extras/nodes_images.py`` and ``nodes_video.py``)."""


def fill(template: Any, values: dict[str, Any]) -> Any:
    """``template`` (a workflow graph) with every ``{{name}}`` placeholder replaced from ``values``.

    Raises:
        KeyError: a placeholder has no value.
    """
    if isinstance(template, dict):
        return {k: fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [fill(v, values) for v in template]
    if isinstance(template, str) and "{{" in template:
        stripped = template.strip()
        if stripped.startswith("{{") and stripped.endswith("}}") and stripped.count("{{") == 1:
            return values[stripped[2:-2].strip()]
        out = template
        for name, value in values.items():
            out = out.replace("{{" + name + "}}", str(value))
        return out
    return template


def load_workflow(path: Path) -> dict[str, Any]:
    """A workflow graph read from ``path`` (JSON, ComfyUI API format).

    Raises:
        OSError: the file cannot be read.
        ValueError: not JSON, or not a graph of nodes with ``class_type``.
    """
    graph = json.loads(Path(path).read_text())
    if not isinstance(graph, dict) or not all(isinstance(n, dict) and "class_type" in n for n in graph.values()):
        raise ValueError(f"{path} is not a ComfyUI API-format workflow (nodes with class_type)")
    return graph


def workflow_fps(graph: Mapping[str, Any], default: float) -> float:
    """The frame rate (frames per second) a filled ``graph`` saves its clip at: its save node's rate
    input (:data:`RATE_INPUTS`), else ``default``."""
    for node in graph.values():
        key = RATE_INPUTS.get(str(node.get("class_type")))
        value = (node.get("inputs") or {}).get(key) if key else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return default


def segment_count(duration_s: float, clip_frames: int, clip_fps: float) -> int:
    """How many image-to-video segments make a shot of ``duration_s`` seconds from clips of
    ``clip_frames`` frames meant at ``clip_fps`` frames per second: 1 up to :data:`SEGMENT_TOLERANCE`
    times a clip's natural length, else ``ceil(duration_s / natural length)``."""
    natural = clip_frames / clip_fps if clip_fps > 0 else 0.0
    if natural <= 0 or duration_s <= natural * SEGMENT_TOLERANCE:
        return 1
    return math.ceil(duration_s / natural)


def repeats(frame: Frame, seed: Frame) -> bool:
    """Whether ``frame`` repeats ``seed`` (both RGB ``(H, W, 3)`` uint8): same shape and a mean
    absolute difference under :data:`SEED_REPEAT_LEVELS`."""
    if frame.shape != seed.shape:
        return False
    return float(np.mean(np.abs(frame.astype(np.int16) - seed.astype(np.int16)))) < SEED_REPEAT_LEVELS


def png(frame: Frame) -> bytes:
    """``frame`` (RGB ``(H, W, 3)`` uint8) as PNG bytes (fast compression)."""
    buf = io.BytesIO()
    Image.fromarray(frame, mode="RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def _segment_progress(progress: Progress, index: int, count: int) -> Progress:
    """``progress`` for segment ``index`` (from 0) of ``count``: its fractions scaled into
    ``[index / count, (index + 1) / count]``, its notes prefixed with ``segment i/n:``."""

    async def report(fraction: float, note: str) -> None:
        await progress((index + min(1.0, max(0.0, fraction))) / count, f"segment {index + 1}/{count}: {note}")

    return report


def _pack_of(class_type: str) -> str:
    for prefix, pack in CUSTOM_NODE_PACKS:
        if class_type.startswith(prefix):
            return f"install the custom node pack {pack}"
    return "not a node of this ComfyUI version; install the custom node pack that provides it"


def _choices(spec: Any) -> list[Any] | None:
    """The allowed values of an input spec from ``/object_info`` (old ``[[...], {}]`` or new
    ``["COMBO", {"options": [...]}]`` form), or None when it is not a choice."""
    if not isinstance(spec, list | tuple) or not spec:
        return None
    if isinstance(spec[0], list):
        return spec[0]
    if spec[0] == "COMBO" and len(spec) > 1 and isinstance(spec[1], dict) and isinstance(spec[1].get("options"), list):
        return list(spec[1]["options"])
    return None


def _is_link(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], int)


def check_workflow(role: str, graph: Mapping[str, Any], object_info: Mapping[str, Any]) -> list[str]:
    """What keeps a ComfyUI server whose ``GET /object_info`` is ``object_info`` from running the
    template ``graph`` (named ``role`` in the messages): node classes it lacks (with the custom node
    pack to install), required inputs the template does not give, and fixed choices (checkpoint or
    model files, sampler names...) not among the server's values. Inputs that are placeholders or
    links are not checked against choices. Empty when it can run it."""
    problems: list[str] = []
    for node_id, node in graph.items():
        class_type = str(node.get("class_type"))
        inputs = node.get("inputs") or {}
        info = object_info.get(class_type)
        if not isinstance(info, dict):
            problems.append(f"{role} node {node_id}: node class {class_type} is missing ({_pack_of(class_type)})")
            continue
        spec = info.get("input") or {}
        required, optional = spec.get("required") or {}, spec.get("optional") or {}
        for name in required:
            if name not in inputs:
                problems.append(f"{role} node {node_id} ({class_type}): required input {name!r} is not given")
        for name, value in inputs.items():
            allowed = _choices(required.get(name, optional.get(name)))
            if allowed is None or _is_link(value) or (isinstance(value, str) and "{{" in value):
                continue
            if value not in allowed:
                shown = ", ".join(repr(v) for v in allowed[:5]) + (", ..." if len(allowed) > 5 else "")
                problems.append(
                    f"{role} node {node_id} ({class_type}): {name} {value!r} is not on the server"
                    f" (a model file not installed?); it offers {shown or 'nothing'}"
                )
    return problems


@dataclass
class ComfyUI:
    """Client of one ComfyUI server at ``base_url`` (``DRISHYA_COMFYUI_URL``).

    ``text_to_image``, ``img2img`` (continuity fallback), ``image_to_video`` and the optional
    ``identity`` (IP-Adapter) are workflow graphs; ``clip_frames`` and ``clip_fps`` the video
    model's own length (frames) and rate (frames per second); a longer shot is made of chained
    clips (see the module's description). ``timeout_s`` is the deadline of one prompt (queue, run,
    download); ``http_timeout_s`` of each HTTP request; ``recheck_s`` how
    long a failed start-up check stands before it is repeated.
    """

    base_url: str
    text_to_image: dict[str, Any]
    img2img: dict[str, Any]
    image_to_video: dict[str, Any]
    identity: dict[str, Any] | None = None
    clip_frames: int = CLIP_FRAMES
    clip_fps: int = CLIP_FPS
    timeout_s: float = 600.0
    http_timeout_s: float = 30.0
    recheck_s: float = RECHECK_S
    name: str = "comfyui"
    unavailable: str = field(default="", init=False)
    """Why the server cannot run the templates (empty: it can, or it was not checked yet)."""
    identity_usable: bool = field(default=False, init=False)
    """Whether the last check found the identity template runnable on the server."""
    startup: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    """The start-up check's task, when one was started (:meth:`start`)."""
    _checked_at: float | None = field(default=None, init=False, repr=False)
    _check_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _cancelled: collections.deque[str] = field(
        default_factory=lambda: collections.deque(maxlen=256), init=False, repr=False
    )

    @classmethod
    def from_paths(
        cls,
        base_url: str,
        text_to_image: Path = TEXT_TO_IMAGE,
        img2img: Path = IMG2IMG_CONTINUITY,
        image_to_video: Path = IMAGE_TO_VIDEO,
        timeout_s: float = 600.0,
        *,
        identity: Path | None = None,
        clip_frames: int = CLIP_FRAMES,
        clip_fps: int = CLIP_FPS,
    ) -> ComfyUI:
        """A client with the workflows read from files (the shipped templates by default; no
        identity template unless ``identity`` is given).

        Raises:
            OSError, ValueError: a workflow file cannot be read or is not API format.
        """
        return cls(
            base_url.rstrip("/"),
            load_workflow(text_to_image),
            load_workflow(img2img),
            load_workflow(image_to_video),
            load_workflow(identity) if identity is not None else None,
            clip_frames=clip_frames,
            clip_fps=clip_fps,
            timeout_s=timeout_s,
        )

    async def start(self) -> None:
        """The start-up check: read ``GET /object_info`` and check every template (see the module's
        description). Never raises: an unreachable server is logged (checked again before the first
        prompt); a server that cannot run the templates is logged with the reason and
        :attr:`unavailable` says it."""
        try:
            async with self._client() as http:
                await self._ready(http)
        except ProviderError as exc:
            log.warning(
                "comfyui at %s not reachable at start-up (%s); checked again before its first prompt",
                self.base_url,
                exc,
            )
        except ProviderRejected:
            pass  # logged by the check

    async def keyframe(self, req: ShotRequest, progress: Progress) -> Media:
        """One keyframe image for ``req``: text-to-image, or with ``req.reference`` (a character's
        first keyframe, PNG) the identity template when usable, else the img2img continuity one.

        Raises:
            ProviderError: transient (HTTP 429/5xx, timeout, dropped connection, an interrupt this
                client did not send).
            ProviderRejected: ``WORKFLOW_UNSUPPORTED`` (the server cannot run the templates),
                ``WORKFLOW_FAILED``, ``OUTPUT_MISSING``, another 4xx.
        """
        async with self._client() as http:
            await self._ready(http)
            values = self._values(req)
            graph = self.text_to_image
            if req.reference is not None:
                values["input_image"] = await self._upload(http, req.reference, f"drishya_ref_{uuid.uuid4().hex}.png")
                graph = self.identity if self.identity is not None and self.identity_usable else self.img2img
            return await self._run(http, fill(graph, values), progress)

    async def clip(self, req: ShotRequest, keyframe: bytes, progress: Progress) -> Media:
        """A clip animating ``keyframe`` (PNG bytes), returned as :class:`RatedMedia` at the
        workflow's frame rate (frames per second) for normalisation to spread over the shot.

        A shot of ``req.duration_s`` up to :data:`SEGMENT_TOLERANCE` times the natural length
        (:attr:`clip_frames` / :attr:`clip_fps` seconds) is one prompt: :attr:`clip_frames` frames,
        the file as the server saved it. A longer one is ``n`` = :func:`segment_count` chained
        prompts joined into an image sequence (PNG frames, ``suffix`` ``.png``) of about
        ``n * clip_frames`` frames; see the module's description. Each prompt has its own
        :attr:`timeout_s`.

        Raises:
            ProviderError, ProviderRejected: as :meth:`keyframe`, for any segment (the segments
                made so far are dropped); ``OUTPUT_UNDECODABLE`` when a segment to be joined
                cannot be decoded.
            asyncio.CancelledError: cancelled (the running prompt is stopped; between segments no
                further prompt is queued).
        """
        count = segment_count(req.duration_s, self.clip_frames, self.clip_fps)
        async with self._client() as http:
            await self._ready(http)
            if count > 1:
                return await self._chained(http, req, keyframe, count, progress)
            values = self._values(req)
            values["input_image"] = await self._upload(http, keyframe, f"drishya_key_{uuid.uuid4().hex}.png")
            graph = fill(self.image_to_video, values)
            media = await self._run(http, graph, progress)
            return RatedMedia(
                data=media.data, suffix=media.suffix, frames=media.frames, fps=workflow_fps(graph, float(self.clip_fps))
            )

    async def _chained(
        self, http: httpx.AsyncClient, req: ShotRequest, keyframe: bytes, count: int, progress: Progress
    ) -> RatedMedia:
        """``count`` image-to-video segments, each from the previous one's last frame, joined into
        one image-sequence :class:`RatedMedia` (see :meth:`clip`, which raises as this)."""
        joined: list[bytes] = []
        seed_image, seed_frame = keyframe, None
        fps = float(self.clip_fps)
        for index in range(count):
            values = self._values(req)
            values["seed"] = req.seed + index
            name = f"drishya_{'key' if index == 0 else 'seg'}_{uuid.uuid4().hex}.png"
            values["input_image"] = await self._upload(http, seed_image, name)
            graph = fill(self.image_to_video, values)
            fps = workflow_fps(graph, float(self.clip_fps))
            media = await self._run(http, graph, _segment_progress(progress, index, count))
            frames = clip_frames(media, fps, provider=self.name)
            if seed_frame is not None and repeats(frames[0], seed_frame):
                frames = frames[1:]
            encoded: dict[int, bytes] = {}  # a merged frame repeats the same array: encode it once
            for frame in frames:
                if id(frame) not in encoded:
                    encoded[id(frame)] = png(frame)
                joined.append(encoded[id(frame)])
            if frames:
                seed_frame = frames[-1]
                seed_image = encoded[id(seed_frame)]
            await progress((index + 1) / count, f"segment {index + 1}/{count} done")
        log.info("comfyui shot %d: %d segments joined into %d frames at %g fps", req.index, count, len(joined), fps)
        return RatedMedia(frames=tuple(joined), suffix=".png", fps=fps)

    # -- internals -----------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=self.http_timeout_s)

    def _values(self, req: ShotRequest) -> dict[str, Any]:
        return {
            "prompt": req.prompt,
            "negative_prompt": req.negative_prompt,
            "seed": req.seed,
            "width": req.width,
            "height": req.height,
            "frames": self.clip_frames,
            "fps": self.clip_fps,
            "input_image": "",
        }

    async def _ready(self, http: httpx.AsyncClient) -> None:
        """Check the server's nodes unless a check stands (a passed one for good, a failed one for
        :attr:`recheck_s`).

        Raises:
            ProviderError: ``/object_info`` could not be read (nothing is remembered).
            ProviderRejected: ``WORKFLOW_UNSUPPORTED``, the server cannot run the templates.
        """
        if self._stale():
            async with self._check_lock:
                if self._stale():
                    await self._check(http)
        if self.unavailable:
            raise ProviderRejected(self.unavailable, provider=self.name, reason="WORKFLOW_UNSUPPORTED")

    def _stale(self) -> bool:
        if self._checked_at is None:
            return True
        return bool(self.unavailable) and time.monotonic() - self._checked_at >= self.recheck_s

    async def _check(self, http: httpx.AsyncClient) -> None:
        resp = await self._request(http, "GET", "/object_info", "object info")
        try:
            info = resp.json()
        except ValueError as exc:
            raise ProviderError(f"{self.name} object info: not JSON", provider=self.name) from exc
        if not isinstance(info, dict):
            raise ProviderError(f"{self.name} object info: not an object", provider=self.name)
        problems = [
            *check_workflow("text-to-image", self.text_to_image, info),
            *check_workflow("img2img", self.img2img, info),
            *check_workflow("image-to-video", self.image_to_video, info),
        ]
        was = self.unavailable
        self.unavailable = (
            (f"comfyui at {self.base_url} cannot run its workflows: " + "; ".join(problems)) if problems else ""
        )
        if self.unavailable:
            log.error(
                "%s; the comfyui provider is unavailable (checked again in %.0f s)", self.unavailable, self.recheck_s
            )
        elif was:
            log.info("comfyui at %s can run its workflows again", self.base_url)
        if self.identity is not None:
            missing = check_workflow("identity", self.identity, info)
            self.identity_usable = not missing
            if missing:
                log.error(
                    "comfyui identity (IP-Adapter) template unusable, img2img continuity used instead: %s",
                    "; ".join(missing),
                )
        self._checked_at = time.monotonic()

    async def _request(self, http: httpx.AsyncClient, method: str, url: str, what: str, **kw: Any) -> httpx.Response:
        return await request(http, self.name, what, method, url, **kw)

    async def _upload(self, http: httpx.AsyncClient, data: bytes, filename: str) -> str:
        resp = await self._request(
            http,
            "POST",
            "/upload/image",
            "upload",
            files={"image": (filename, data, "image/png")},
            data={"overwrite": "true", "type": "input"},
        )
        body = resp.json()
        sub = body.get("subfolder") or ""
        return f"{sub}/{body['name']}" if sub else str(body["name"])

    async def _run(self, http: httpx.AsyncClient, graph: dict[str, Any], progress: Progress) -> Media:
        client_id = uuid.uuid4().hex
        ws_url = (
            self.base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + f"/ws?clientId={client_id}"
        )
        prompt_id = ""
        try:
            async with asyncio.timeout(self.timeout_s):
                socket = await self._connect(ws_url)
                try:
                    queued = asyncio.ensure_future(
                        self._request(
                            http, "POST", "/prompt", "queue prompt", json={"prompt": graph, "client_id": client_id}
                        )
                    )
                    try:
                        resp = await asyncio.shield(queued)
                    except asyncio.CancelledError:
                        # Cancelled while queueing: the server may have queued it already, so learn
                        # its id (briefly) for the cancel below to remove it.
                        with contextlib.suppress(Exception):
                            prompt_id = str((await asyncio.wait_for(queued, 2.0)).json()["prompt_id"])
                        raise
                    prompt_id = str(resp.json()["prompt_id"])
                    if socket is not None:
                        await self._follow(socket, prompt_id, graph, progress)
                finally:
                    if socket is not None:
                        await socket.close()
                outputs = await self._outputs(http, prompt_id)
                return await self._download(http, outputs)
        except TimeoutError as exc:
            await self._cancel(prompt_id)
            raise ProviderError(
                f"comfyui render exceeded {self.timeout_s:.0f} s", provider=self.name, reason="PROVIDER_TIMEOUT"
            ) from exc
        except (ProviderError, ProviderRejected):
            raise  # the server ended the prompt (or never ran it)
        except BaseException:
            # Cancelled, or the caller's progress report failed (the job was cancelled meanwhile):
            # the prompt must not keep the GPU busy.
            await self._cancel(prompt_id)
            raise

    async def _connect(self, url: str) -> Any:
        try:
            return await websockets.connect(url, max_size=None, open_timeout=self.http_timeout_s)
        except (OSError, InvalidHandshake, InvalidURI, TimeoutError) as exc:
            log.warning("comfyui websocket unavailable, polling history instead: %s", exc)
            return None

    async def _follow(self, socket: Any, prompt_id: str, graph: dict[str, Any], progress: Progress) -> None:
        """Read the socket until the prompt ends, reporting node and sampler-step progress (fractions
        of the graph's nodes); a dropped socket leaves the rest to history polling.

        Raises:
            ProviderRejected, ProviderError, asyncio.CancelledError: as :meth:`_ended`, for an
                ``execution_error`` or ``execution_interrupted`` of this prompt.
        """
        nodes = max(1, len(graph))
        seen: set[str] = set()
        try:
            async for raw in socket:
                if isinstance(raw, bytes):
                    continue  # preview image
                msg = json.loads(raw)
                data = msg.get("data") or {}
                if data.get("prompt_id") not in (None, prompt_id):
                    continue
                kind = msg.get("type")
                if kind == "executing":
                    if data.get("node") is None and data.get("prompt_id") == prompt_id:
                        return
                    seen.add(str(data.get("node")))
                    await progress(min(1.0, (len(seen) - 1) / nodes), f"node {data.get('node')}")
                elif kind == "progress" and data.get("max"):
                    step = float(data["value"]) / float(data["max"])
                    await progress(min(1.0, (len(seen) - 1 + step) / nodes), f"step {data['value']}/{data['max']}")
                elif kind == "execution_success":
                    return
                elif kind in ("execution_error", "execution_interrupted"):
                    raise self._ended(prompt_id, kind, data)
        except ConnectionClosed as exc:
            log.warning("comfyui websocket dropped mid-render (%s); polling history", exc)

    async def _outputs(self, http: httpx.AsyncClient, prompt_id: str) -> dict[str, Any]:
        """The prompt's outputs from ``/history``, polled until it has run.

        Raises:
            ProviderRejected, ProviderError, asyncio.CancelledError: as :meth:`_ended` for a prompt
                that ended in error.
        """
        while True:
            resp = await self._request(http, "GET", f"/history/{prompt_id}", "history")
            entry = resp.json().get(prompt_id)
            if entry:
                status = entry.get("status") or {}
                if status.get("status_str") == "error":
                    for message in status.get("messages") or []:
                        if (
                            isinstance(message, list | tuple)
                            and len(message) == 2
                            and message[0] in ("execution_error", "execution_interrupted")
                            and isinstance(message[1], dict)
                        ):
                            raise self._ended(prompt_id, str(message[0]), message[1])
                    raise ProviderRejected(
                        "comfyui prompt ended in error", provider=self.name, reason="WORKFLOW_FAILED"
                    )
                outputs = entry.get("outputs") or {}
                if outputs or status.get("completed"):
                    return dict(outputs)
            await asyncio.sleep(HISTORY_POLL_S)

    def _ended(self, prompt_id: str, kind: str, data: Mapping[str, Any]) -> BaseException:
        """The error for a prompt that ended with event ``kind`` (``execution_error`` or
        ``execution_interrupted``, with its ``data``), whether it came on the socket or in the history:

        * ``execution_error``: :class:`ProviderRejected` ``WORKFLOW_FAILED`` with the node and message;
        * ``execution_interrupted`` of a prompt this client interrupted: :class:`asyncio.CancelledError`;
        * ``execution_interrupted`` otherwise (ComfyUI's cancel button, another client's interrupt
          on a server that ignores prompt ids): :class:`ProviderError` ``PROVIDER_INTERRUPTED``, retried.
        """
        node = data.get("node_type") or data.get("node_id") or "?"
        if kind == "execution_interrupted":
            if prompt_id in self._cancelled:
                return asyncio.CancelledError(f"comfyui prompt {prompt_id} cancelled")
            return ProviderError(
                f"comfyui prompt interrupted at node {node}, not by this client",
                provider=self.name,
                reason="PROVIDER_INTERRUPTED",
            )
        detail = data.get("exception_message", "")
        return ProviderRejected(
            f"comfyui node {node} failed: {detail}".strip(), provider=self.name, reason="WORKFLOW_FAILED"
        )

    async def _download(self, http: httpx.AsyncClient, outputs: dict[str, Any]) -> Media:
        files = [
            f for out in outputs.values() for key in MEDIA_KEYS for f in out.get(key, []) if f.get("type") != "temp"
        ]
        if not files:
            raise ProviderRejected(
                "comfyui prompt produced no output files", provider=self.name, reason="OUTPUT_MISSING"
            )
        blobs = []
        for f in files:
            params = {"filename": f["filename"], "subfolder": f.get("subfolder", ""), "type": f.get("type", "output")}
            blobs.append(
                (f["filename"], (await self._request(http, "GET", "/view", "download", params=params)).content)
            )
        if len(blobs) == 1:
            name, data = blobs[0]
            return Media(data=data, suffix=Path(name).suffix.lower())
        return Media(frames=tuple(data for _, data in blobs), suffix=".png")

    async def _cancel(self, prompt_id: str) -> None:
        """Stop the prompt on the server without touching anyone else's: interrupt it only while
        ``GET /queue`` shows it running (an old server's interrupt stops whatever runs), and delete it
        from the queue; when it was not running, look once more after the delete, in case it started
        in between. Never raises; a server that cannot be reached is logged."""
        if not prompt_id:
            return
        self._cancelled.append(prompt_id)
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as http:
                interrupted = await self._interrupt_if_running(http, prompt_id)
                await http.post("/queue", json={"delete": [prompt_id]})
                if not interrupted:
                    interrupted = await self._interrupt_if_running(http, prompt_id)
            if interrupted:
                log.info("comfyui prompt %s interrupted and removed from the queue", prompt_id)
            else:
                log.info("comfyui prompt %s removed from the queue (not running: nothing interrupted)", prompt_id)
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("comfyui prompt %s could not be stopped: %s", prompt_id, exc)

    @staticmethod
    async def _interrupt_if_running(http: httpx.AsyncClient, prompt_id: str) -> bool:
        """``POST /interrupt`` (with the prompt id, which newer servers check) when ``GET /queue``
        lists ``prompt_id`` in ``queue_running``; whether it did."""
        queue = (await http.get("/queue")).json()
        running = queue.get("queue_running") if isinstance(queue, dict) else None
        ids = {str(item[1]) for item in running or [] if isinstance(item, list | tuple) and len(item) > 1}
        if prompt_id not in ids:
            return False
        await http.post("/interrupt", json={"prompt_id": prompt_id})
        return True
