"""A ComfyUI-shaped server: HTTP and the /ws WebSocket on one port, as ComfyUI's ``server.py`` serves them.

Prompts run one at a time in the order queued, as ComfyUI's prompt queue runs them
(``GET /queue`` lists the running one and those pending; ``POST /queue {"delete": [...]}`` drops
pending ones only). A prompt runs by walking its nodes: ``executing`` per node, ``progress`` for the
sampler's steps, ``executed`` and ``execution_success``, then ``executing`` with node None; the
graph's save node decides the output: ``SaveImage`` writes a PNG of :data:`KEY_COLOUR`,
``SaveAnimatedWEBP`` an animated WebP of the graph's ``video_frames`` frames written as ComfyUI's
``comfy_extras/nodes_images.py`` writes it (Pillow, ``duration=int(1000 / fps)`` ms per frame),
of :data:`CLIP_COLOUR` or of :attr:`FakeComfyUI.clip_colours` frame by frame; with
:attr:`FakeComfyUI.last_colour` set (e.g. :data:`LAST_COLOUR`) its last frame is that colour, and
with :attr:`FakeComfyUI.starts_on_input` its first frame is the colour at the centre of the
uploaded input image (as Stable Video Diffusion's first frame reproduces its conditioning image),
so a clip chained from another's last frame shows where it started. A failed or
interrupted prompt's history has ``status_str`` ``"error"`` and its event among the messages, as
``execution.py`` records it.

``POST /interrupt`` behaves as servers before late 2025: it stops whatever prompt runs and ignores
a ``prompt_id`` (:attr:`FakeComfyUI.honours_prompt_id` makes it behave as newer ones).
``GET /object_info`` describes the nodes of the shipped templates (:data:`OBJECT_INFO`, the
IP-Adapter pack's included); tests edit :attr:`FakeComfyUI.object_info` to take nodes or model
files away.

:attr:`FakeComfyUI.mode` injects the failures: ``http500``, ``http429`` (with Retry-After), ``hang``
(runs until interrupted, or until the mode changes), ``drop_ws`` (closes the socket mid-progress,
finishes anyway), ``execution_error``, ``garbage`` (an output that is not an image). ``failures``
limits how many prompts the HTTP failure modes hit (-1: all of them). ``refuse_ws`` closes every
WebSocket before accepting it (the client then polls the history).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import uuid
from typing import Any

from fastapi import Request, UploadFile, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response
from PIL import Image

from tests.fakes import media
from tests.fakes.server import AppServer, timed_app

KEY_COLOUR = (200, 40, 40)
CLIP_COLOUR = (40, 160, 220)
LAST_COLOUR = (20, 180, 90)
STEPS = 4
RGB = tuple[int, int, int]


def _combo(*values: Any) -> list[Any]:
    return [list(values), {}]


INT, FLOAT, STRING, BOOLEAN = ["INT", {}], ["FLOAT", {}], ["STRING", {}], ["BOOLEAN", {}]
SAMPLER = {
    "model": ["MODEL"],
    "seed": INT,
    "steps": INT,
    "cfg": FLOAT,
    "sampler_name": _combo("euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde"),
    "scheduler": _combo("normal", "karras", "exponential"),
    "positive": ["CONDITIONING"],
    "negative": ["CONDITIONING"],
    "latent_image": ["LATENT"],
    "denoise": FLOAT,
}
OBJECT_INFO: dict[str, Any] = {
    name: {"input": {"required": required, "optional": optional}, "python_module": module}
    for name, required, optional, module in [
        ("CheckpointLoaderSimple", {"ckpt_name": _combo("sd_xl_base_1.0.safetensors")}, {}, "nodes"),
        (
            "ImageOnlyCheckpointLoader",
            {"ckpt_name": _combo("sd_xl_base_1.0.safetensors", "svd_xt.safetensors")},
            {},
            "comfy_extras.nodes_video_model",
        ),
        ("EmptyLatentImage", {"width": INT, "height": INT, "batch_size": INT}, {}, "nodes"),
        ("CLIPTextEncode", {"text": STRING, "clip": ["CLIP"]}, {}, "nodes"),
        ("KSampler", SAMPLER, {}, "nodes"),
        ("VAEDecode", {"samples": ["LATENT"], "vae": ["VAE"]}, {}, "nodes"),
        ("VAEEncode", {"pixels": ["IMAGE"], "vae": ["VAE"]}, {}, "nodes"),
        ("SaveImage", {"images": ["IMAGE"], "filename_prefix": STRING}, {}, "nodes"),
        ("LoadImage", {"image": _combo("example.png")}, {}, "nodes"),
        (
            "ImageScale",
            {
                "image": ["IMAGE"],
                "upscale_method": _combo("nearest-exact", "bilinear", "area", "bicubic", "lanczos"),
                "width": INT,
                "height": INT,
                "crop": _combo("disabled", "center"),
            },
            {},
            "nodes",
        ),
        (
            "SVD_img2vid_Conditioning",
            {
                "clip_vision": ["CLIP_VISION"],
                "init_image": ["IMAGE"],
                "vae": ["VAE"],
                "width": INT,
                "height": INT,
                "video_frames": INT,
                "motion_bucket_id": INT,
                "fps": INT,
                "augmentation_level": FLOAT,
            },
            {},
            "comfy_extras.nodes_video_model",
        ),
        ("VideoLinearCFGGuidance", {"model": ["MODEL"], "min_cfg": FLOAT}, {}, "comfy_extras.nodes_video_model"),
        (
            "SaveAnimatedWEBP",
            {
                "images": ["IMAGE"],
                "filename_prefix": STRING,
                "fps": FLOAT,
                "lossless": BOOLEAN,
                "quality": INT,
                "method": _combo("default", "fastest", "slowest"),
            },
            {},
            "comfy_extras.nodes_images",
        ),
        (
            "CLIPVisionLoader",
            {"clip_name": ["COMBO", {"options": ["CLIP-ViT-H-14-laion2B-s32B-b79K.safetensors"]}]},
            {},
            "nodes",
        ),
        (
            "IPAdapterModelLoader",
            {"ipadapter_file": _combo("ip-adapter-plus-face_sdxl_vit-h.safetensors")},
            {},
            "custom_nodes.ComfyUI_IPAdapter_plus",
        ),
        (
            "IPAdapterAdvanced",
            {
                "model": ["MODEL"],
                "ipadapter": ["IPADAPTER"],
                "image": ["IMAGE"],
                "weight": FLOAT,
                "weight_type": _combo("linear", "ease in", "ease out", "style transfer"),
                "combine_embeds": _combo("concat", "add", "subtract", "average", "norm average"),
                "start_at": FLOAT,
                "end_at": FLOAT,
                "embeds_scaling": _combo("V only", "K+V", "K+V w/ C penalty", "K+mean(V) w/ C penalty"),
            },
            {"image_negative": ["IMAGE"], "attn_mask": ["MASK"], "clip_vision": ["CLIP_VISION"]},
            "custom_nodes.ComfyUI_IPAdapter_plus",
        ),
    ]
}
"""``GET /object_info`` of a server with the shipped templates' nodes and model files (choices
abridged; ``CLIPVisionLoader`` in the newer ``["COMBO", {"options"}]`` form)."""


def comfy_webp(colours: list[RGB], fps: float, size: tuple[int, int] = (512, 288)) -> bytes:
    """An animated WebP of one frame per colour, saved as ComfyUI's ``SaveAnimatedWEBP`` saves it:
    Pillow, ``duration=int(1000.0 / fps)`` ms, ``lossless`` off (quality 90; identical neighbours merge)."""
    images = [Image.new("RGB", size, c) for c in colours]
    buf = io.BytesIO()
    images[0].save(
        buf, format="WEBP", save_all=True, append_images=images[1:], duration=int(1000.0 / fps), quality=90, method=4
    )
    return buf.getvalue()


class FakeComfyUI(AppServer):
    def __init__(self, step_s: float = 0.01) -> None:
        self.mode = "ok"
        self.failures = -1
        self.retry_after = "1"
        self.step_s = step_s
        self.honours_prompt_id = False
        self.refuse_ws = False
        self.clip_colours: list[RGB] | None = None
        self.last_colour: RGB | None = None
        """The colour of every clip's last frame (None: as :attr:`clip_colours`)."""
        self.starts_on_input = False
        """Whether every clip's first frame is its input image's centre colour."""
        self.object_info: dict[str, Any] = copy.deepcopy(OBJECT_INFO)
        self.object_info_requests = 0
        self.prompts: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
        self.interrupts: list[Any] = []
        self.interrupted: list[str] = []
        """Prompt ids actually stopped by an interrupt."""
        self.deletes: list[str] = []
        self.history: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.sockets: dict[str, WebSocket] = {}
        self.running: set[str] = set()
        self.pending: list[dict[str, Any]] = []
        self._stop_current = asyncio.Event()
        self._queued = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None
        self.busy_s = 0.0
        """Seconds the fake spent rendering prompts and answering HTTP (its own time, for the adapter's overhead)."""
        app = timed_app(self)
        fake = self

        @app.websocket("/ws")
        async def ws(socket: WebSocket) -> None:
            if fake.refuse_ws:
                await socket.close(code=1011)
                return
            client_id = socket.query_params.get("clientId", "")
            await socket.accept()
            fake.sockets[client_id] = socket
            await socket.send_text(
                json.dumps(
                    {"type": "status", "data": {"status": {"exec_info": {"queue_remaining": 0}}, "sid": client_id}}
                )
            )
            try:
                while True:
                    await socket.receive_text()
            except WebSocketDisconnect:
                pass
            finally:
                fake.sockets.pop(client_id, None)

        @app.get("/object_info")
        async def object_info() -> dict[str, Any]:
            fake.object_info_requests += 1
            return fake.object_info

        @app.post("/prompt")
        async def prompt(request: Request) -> Response:
            body = await request.json()
            if fake.mode in ("http500", "http429") and fake.failures != 0:
                fake.failures -= 1
                if fake.mode == "http429":
                    return JSONResponse({"error": "busy"}, status_code=429, headers={"Retry-After": fake.retry_after})
                return JSONResponse({"error": "internal"}, status_code=500)
            graph = body["prompt"]
            if not isinstance(graph, dict) or not all("class_type" in n for n in graph.values()):
                return JSONResponse({"error": {"type": "invalid_prompt"}, "node_errors": {}}, status_code=400)
            prompt_id = str(uuid.uuid4())
            item: dict[str, Any] = {
                "prompt_id": prompt_id,
                "graph": graph,
                "client_id": str(body.get("client_id", "")),
                "number": len(fake.prompts),
            }
            fake.prompts.append(item)
            fake.pending.append(item)
            fake._queued.set()
            if fake._worker is None or fake._worker.done():
                fake._worker = asyncio.create_task(fake._work())
            return JSONResponse({"prompt_id": prompt_id, "number": item["number"], "node_errors": {}})

        @app.get("/history/{prompt_id}")
        async def history(prompt_id: str) -> dict[str, Any]:
            entry = fake.history.get(prompt_id)
            return {prompt_id: entry} if entry else {}

        @app.get("/view")
        async def view(filename: str, subfolder: str = "", type: str = "output") -> Response:
            data = fake.files.get(filename)
            return (
                Response(data, media_type="application/octet-stream") if data is not None else Response(status_code=404)
            )

        @app.post("/upload/image")
        async def upload(image: UploadFile) -> dict[str, str]:
            name = image.filename or f"upload_{len(fake.uploads)}.png"
            fake.uploads[name] = await image.read()
            return {"name": name, "subfolder": "", "type": "input"}

        @app.post("/interrupt")
        async def interrupt(request: Request) -> Response:
            raw = await request.body()
            body = json.loads(raw) if raw else {}
            fake.interrupts.append(body)
            target = body.get("prompt_id") if isinstance(body, dict) else None
            if fake.honours_prompt_id and target and target not in fake.running:
                return Response(status_code=200)
            fake._stop_current.set()
            return Response(status_code=200)

        @app.get("/queue")
        async def get_queue() -> dict[str, Any]:
            def entry(item: dict[str, Any]) -> list[Any]:
                return [item["number"], item["prompt_id"], item["graph"], {"client_id": item["client_id"]}, []]

            return {
                "queue_running": [entry(p) for p in fake.prompts if p["prompt_id"] in fake.running],
                "queue_pending": [entry(p) for p in fake.pending],
            }

        @app.post("/queue")
        async def queue(request: Request) -> Response:
            ids = (await request.json()).get("delete", [])
            fake.deletes.extend(ids)
            fake.pending = [p for p in fake.pending if p["prompt_id"] not in ids]
            return Response(status_code=200)

        super().__init__(app)

    async def stop(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
        await super().stop()

    async def _send(self, client_id: str, kind: str, data: dict[str, Any]) -> None:
        socket = self.sockets.get(client_id)
        if socket is not None:
            try:
                await socket.send_text(json.dumps({"type": kind, "data": data}))
            except Exception:  # the client went away: it polls /history
                self.sockets.pop(client_id, None)

    async def _work(self) -> None:
        """Run the queued prompts one at a time, oldest first."""
        while True:
            if not self.pending:
                self._queued.clear()
                await self._queued.wait()
                continue
            item = self.pending.pop(0)
            await self._execute(item["prompt_id"], item["graph"], item["client_id"])

    async def _execute(self, prompt_id: str, graph: dict[str, Any], client_id: str) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.running.add(prompt_id)
        self._stop_current.clear()
        try:
            await self._run(prompt_id, graph, client_id)
        finally:
            self.running.discard(prompt_id)
            self.busy_s += loop.time() - started

    async def _end(self, prompt_id: str, client_id: str, kind: str, data: dict[str, Any]) -> None:
        await self._send(client_id, kind, data)
        self.history[prompt_id] = {
            "outputs": {},
            "status": {
                "status_str": "error",
                "completed": False,
                "messages": [["execution_start", {"prompt_id": prompt_id}], [kind, data]],
            },
        }

    async def _run(self, prompt_id: str, graph: dict[str, Any], client_id: str) -> None:
        ids = {"prompt_id": prompt_id}
        await self._send(client_id, "execution_start", ids)
        for node_id, node in graph.items():
            await self._send(client_id, "executing", {**ids, "node": node_id})
            if node["class_type"] != "KSampler":
                continue
            interrupted = {**ids, "node_id": node_id, "node_type": "KSampler", "executed": []}
            for step in range(1, STEPS + 1):
                await asyncio.sleep(self.step_s)
                if self._stop_current.is_set():
                    self.interrupted.append(prompt_id)
                    await self._end(prompt_id, client_id, "execution_interrupted", interrupted)
                    return
                await self._send(client_id, "progress", {**ids, "node": node_id, "value": step, "max": STEPS})
                if self.mode == "drop_ws" and step == 2 and client_id in self.sockets:
                    await self.sockets.pop(client_id).close()
            while self.mode == "hang" and not self._stop_current.is_set():
                await asyncio.sleep(self.step_s)
            if self._stop_current.is_set():
                self.interrupted.append(prompt_id)
                await self._end(prompt_id, client_id, "execution_interrupted", interrupted)
                return
            if self.mode == "execution_error":
                error = {**ids, "node_id": node_id, "node_type": "KSampler", "exception_message": "CUDA out of memory"}
                await self._end(prompt_id, client_id, "execution_error", error)
                return
        save_id, save = next((k, n) for k, n in graph.items() if n["class_type"].startswith("Save"))
        filename = f"{save['inputs'].get('filename_prefix', 'out')}_{prompt_id[:8]}"
        if self.mode == "garbage":
            filename, data = filename + ".png", b"this is not an image"
        elif save["class_type"] == "SaveImage":
            filename, data = filename + ".png", media.png(KEY_COLOUR)
        else:
            frames = int(next(n["inputs"]["video_frames"] for n in graph.values() if "video_frames" in n["inputs"]))
            palette = self.clip_colours or [CLIP_COLOUR] * frames
            colours = [palette[k % len(palette)] for k in range(frames)]
            if self.starts_on_input:
                colours[0] = self._input_colour(graph)
            if self.last_colour is not None and frames > 1:
                colours[-1] = self.last_colour
            fps = float(save["inputs"].get("fps", 6))
            filename, data = filename + ".webp", comfy_webp(colours, fps)
        self.files[filename] = data
        output = {"images": [{"filename": filename, "subfolder": "", "type": "output"}]}
        await self._send(client_id, "executed", {**ids, "node": save_id, "output": output})
        self.history[prompt_id] = {
            "prompt": [len(self.prompts), prompt_id, graph, {}, [save_id]],
            "outputs": {save_id: output},
            "status": {"status_str": "success", "completed": True, "messages": []},
        }
        await self._send(client_id, "execution_success", ids)
        await self._send(client_id, "executing", {**ids, "node": None})

    def _input_colour(self, graph: dict[str, Any]) -> RGB:
        """The centre colour of the image the graph's ``LoadImage`` node loads (an upload)."""
        name = next(n["inputs"]["image"] for n in graph.values() if n["class_type"] == "LoadImage")
        with Image.open(io.BytesIO(self.uploads[name])) as image:
            rgb = image.convert("RGB")
            r, g, b = rgb.getpixel((rgb.width // 2, rgb.height // 2))  # type: ignore[misc]
        return (int(r), int(g), int(b))
