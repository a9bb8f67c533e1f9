"""ComfyUI adapter: keyframes from a text-to-image workflow, clips from an image-to-video workflow.

ComfyUI's HTTP and WebSocket API (``server.py`` routes; ``script_examples/websockets_api_example.py``
in comfyanonymous/ComfyUI):

* ``GET /ws?clientId=<id>``: JSON messages ``{"type", "data"}``: ``executing`` (``data.node`` is the
  node running, None when the prompt is done), ``progress`` (``value`` of ``max`` sampler steps),
  ``executed`` (a node's outputs), ``execution_success``, ``execution_error``
  (``exception_message``, ``node_type``), ``execution_interrupted``; binary frames are previews.
* ``POST /prompt`` ``{"prompt": <API-format graph>, "client_id": <id>}`` → ``{"prompt_id"}``;
  a graph that does not validate answers 400 with ``error`` and ``node_errors``.
* ``GET /history/<prompt_id>`` → ``{<prompt_id>: {"outputs": {<node>: {"images"|"gifs": [{filename,
  subfolder, type}]}}, "status": {...}}}`` once the prompt has run.
* ``GET /view?filename=&subfolder=&type=`` → the file's bytes.
* ``POST /upload/image`` (multipart ``image``, ``overwrite``) → ``{"name", "subfolder", "type"}``.
* ``POST /interrupt`` stops the running prompt; ``POST /queue`` ``{"delete": [<prompt_id>]}`` drops
  a queued one. Both are sent when the job is cancelled mid-render.

Workflows are JSON graphs in ComfyUI's API format ("Save (API Format)" in its UI). String values
that are exactly ``"{{name}}"`` are replaced by the typed value; ``{{name}}`` inside a longer string
is replaced by its text. Names: ``prompt``, ``negative_prompt``, ``seed``, ``width``, ``height``,
``frames``, ``fps``, ``input_image`` (the uploaded image's name).

A WebSocket that drops mid-render is not a failure by itself: the adapter then polls
``/history/<prompt_id>`` until the outputs appear or the call's deadline passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from .http import request
from .types import Media, Progress, ProviderError, ProviderRejected, ShotRequest

log = logging.getLogger(__name__)

WORKFLOWS = Path(__file__).resolve().parent / "workflows"
TEXT_TO_IMAGE = WORKFLOWS / "sdxl_text_to_image.json"
REFERENCE_TO_IMAGE = WORKFLOWS / "sdxl_reference_to_image.json"
IMAGE_TO_VIDEO = WORKFLOWS / "svd_image_to_video.json"
HISTORY_POLL_S = 0.5
MEDIA_KEYS = ("images", "gifs", "videos")


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
    """A workflow graph read from ``path`` (JSON, ComfyUI API format)."""
    graph = json.loads(Path(path).read_text())
    if not isinstance(graph, dict) or not all(isinstance(n, dict) and "class_type" in n for n in graph.values()):
        raise ValueError(f"{path} is not a ComfyUI API-format workflow (nodes with class_type)")
    return graph


@dataclass
class ComfyUI:
    """Client of one ComfyUI server at ``base_url`` (``DRISHYA_COMFYUI_URL``).

    ``timeout_s`` is the deadline of one whole render (queue, run, download); ``http_timeout_s`` of
    each HTTP request.
    """

    base_url: str
    text_to_image: dict[str, Any]
    reference_to_image: dict[str, Any]
    image_to_video: dict[str, Any]
    timeout_s: float = 600.0
    http_timeout_s: float = 30.0
    name: str = "comfyui"

    @classmethod
    def from_paths(
        cls,
        base_url: str,
        text_to_image: Path = TEXT_TO_IMAGE,
        reference_to_image: Path = REFERENCE_TO_IMAGE,
        image_to_video: Path = IMAGE_TO_VIDEO,
        timeout_s: float = 600.0,
    ) -> ComfyUI:
        """A client with the workflows read from files (the shipped templates by default)."""
        return cls(
            base_url.rstrip("/"),
            load_workflow(text_to_image),
            load_workflow(reference_to_image),
            load_workflow(image_to_video),
            timeout_s=timeout_s,
        )

    async def keyframe(self, req: ShotRequest, progress: Progress) -> Media:
        """One keyframe image for ``req`` (with ``req.reference`` as the input image when set)."""
        async with self._client() as http:
            values = self._values(req)
            graph = self.text_to_image
            if req.reference is not None:
                values["input_image"] = await self._upload(http, req.reference, f"drishya_ref_{uuid.uuid4().hex}.png")
                graph = self.reference_to_image
            return await self._run(http, fill(graph, values), progress)

    async def clip(self, req: ShotRequest, keyframe: bytes, progress: Progress) -> Media:
        """A clip animating ``keyframe`` (PNG bytes) for ``req``."""
        async with self._client() as http:
            values = self._values(req)
            values["input_image"] = await self._upload(http, keyframe, f"drishya_key_{uuid.uuid4().hex}.png")
            return await self._run(http, fill(self.image_to_video, values), progress)

    # -- internals -----------------------------------------------------------------------------

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base_url, timeout=self.http_timeout_s)

    @staticmethod
    def _values(req: ShotRequest) -> dict[str, Any]:
        return {
            "prompt": req.prompt,
            "negative_prompt": req.negative_prompt,
            "seed": req.seed,
            "width": req.width,
            "height": req.height,
            "frames": req.frames,
            "fps": req.fps,
            "input_image": "",
        }

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
                    resp = await self._request(
                        http, "POST", "/prompt", "queue prompt", json={"prompt": graph, "client_id": client_id}
                    )
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
        """Read the socket until the prompt ends; a dropped socket leaves the rest to history polling."""
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
                elif kind == "execution_error":
                    node, detail = data.get("node_type", "?"), data.get("exception_message", "")
                    raise ProviderRejected(
                        f"comfyui node {node} failed: {detail}".strip(),
                        provider=self.name,
                        reason="WORKFLOW_FAILED",
                    )
                elif kind == "execution_interrupted":
                    raise ProviderError("comfyui prompt interrupted", provider=self.name)
        except ConnectionClosed as exc:
            log.warning("comfyui websocket dropped mid-render (%s); polling history", exc)

    async def _outputs(self, http: httpx.AsyncClient, prompt_id: str) -> dict[str, Any]:
        while True:
            resp = await self._request(http, "GET", f"/history/{prompt_id}", "history")
            entry = resp.json().get(prompt_id)
            if entry:
                status = entry.get("status") or {}
                if status.get("status_str") == "error":
                    raise ProviderRejected(
                        "comfyui prompt ended in error", provider=self.name, reason="WORKFLOW_FAILED"
                    )
                outputs = entry.get("outputs") or {}
                if outputs or status.get("completed"):
                    return dict(outputs)
            await asyncio.sleep(HISTORY_POLL_S)

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
        """Stop the prompt on the server: interrupt it if it runs, delete it if it is queued."""
        if not prompt_id:
            return
        with contextlib.suppress(httpx.HTTPError):
            async with httpx.AsyncClient(base_url=self.base_url, timeout=2.0) as http:
                await http.post("/interrupt", json={"prompt_id": prompt_id})
                await http.post("/queue", json={"delete": [prompt_id]})
        log.info("comfyui prompt %s interrupted and removed from the queue", prompt_id)
