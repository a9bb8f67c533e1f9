"""A ComfyUI-shaped server: HTTP and the /ws WebSocket on one port, as ComfyUI's ``server.py`` serves them.

It runs a queued API-format graph by walking its nodes: ``executing`` per node, ``progress`` for
the sampler's steps, ``executed`` and ``execution_success``, then ``executing`` with node None; the
graph's save node decides the output: ``SaveImage`` writes a PNG of :data:`KEY_COLOUR`,
``SaveAnimatedWEBP`` an animated WebP of :data:`CLIP_COLOUR` with the graph's frame count and fps.
:attr:`FakeComfyUI.mode` injects the failures: ``http500``, ``http429`` (with Retry-After), ``hang``
(never finishes until interrupted), ``drop_ws`` (closes the socket mid-progress, finishes anyway),
``execution_error``, ``garbage`` (an output that is not an image). ``failures`` limits how many
prompts the HTTP failure modes hit (-1: all of them).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from fastapi import Request, UploadFile, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response

from tests.fakes import media
from tests.fakes.server import AppServer, timed_app

KEY_COLOUR = (200, 40, 40)
CLIP_COLOUR = (40, 160, 220)
STEPS = 4


class FakeComfyUI(AppServer):
    def __init__(self, step_s: float = 0.01) -> None:
        self.mode = "ok"
        self.failures = -1
        self.retry_after = "1"
        self.step_s = step_s
        self.prompts: list[dict[str, Any]] = []
        self.uploads: dict[str, bytes] = {}
        self.interrupts: list[Any] = []
        self.deletes: list[str] = []
        self.history: dict[str, dict[str, Any]] = {}
        self.files: dict[str, bytes] = {}
        self.sockets: dict[str, WebSocket] = {}
        self.running: set[str] = set()
        self._interrupted = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self.busy_s = 0.0
        """Seconds the fake spent rendering prompts and answering HTTP (its own time, for the adapter's overhead)."""
        app = timed_app(self)
        fake = self

        @app.websocket("/ws")
        async def ws(socket: WebSocket) -> None:
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
            fake.prompts.append({"prompt_id": prompt_id, "graph": graph, "client_id": body.get("client_id", "")})
            task = asyncio.create_task(fake._execute(prompt_id, graph, str(body.get("client_id", ""))))
            fake._tasks.add(task)
            task.add_done_callback(fake._tasks.discard)
            return JSONResponse({"prompt_id": prompt_id, "number": len(fake.prompts), "node_errors": {}})

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
            fake.interrupts.append(json.loads(raw) if raw else {})
            fake._interrupted.set()
            return Response(status_code=200)

        @app.post("/queue")
        async def queue(request: Request) -> Response:
            fake.deletes.extend((await request.json()).get("delete", []))
            return Response(status_code=200)

        super().__init__(app)

    async def _send(self, client_id: str, kind: str, data: dict[str, Any]) -> None:
        socket = self.sockets.get(client_id)
        if socket is not None:
            try:
                await socket.send_text(json.dumps({"type": kind, "data": data}))
            except Exception:  # the client went away: it polls /history
                self.sockets.pop(client_id, None)

    async def _execute(self, prompt_id: str, graph: dict[str, Any], client_id: str) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.running.add(prompt_id)
        try:
            await self._run(prompt_id, graph, client_id)
        finally:
            self.running.discard(prompt_id)
            self.busy_s += loop.time() - started

    async def _run(self, prompt_id: str, graph: dict[str, Any], client_id: str) -> None:
        ids = {"prompt_id": prompt_id}
        await self._send(client_id, "execution_start", ids)
        for node_id, node in graph.items():
            await self._send(client_id, "executing", {**ids, "node": node_id})
            if node["class_type"] != "KSampler":
                continue
            for step in range(1, STEPS + 1):
                await asyncio.sleep(self.step_s)
                await self._send(client_id, "progress", {**ids, "node": node_id, "value": step, "max": STEPS})
                if self.mode == "drop_ws" and step == 2 and client_id in self.sockets:
                    await self.sockets.pop(client_id).close()
            if self.mode == "hang":
                self._interrupted.clear()
                await self._interrupted.wait()
                await self._send(client_id, "execution_interrupted", {**ids, "node_id": node_id})
                self.history[prompt_id] = {"outputs": {}, "status": {"status_str": "error", "completed": False}}
                return
            if self.mode == "execution_error":
                await self._send(
                    client_id,
                    "execution_error",
                    {**ids, "node_id": node_id, "node_type": "KSampler", "exception_message": "CUDA out of memory"},
                )
                self.history[prompt_id] = {"outputs": {}, "status": {"status_str": "error", "completed": False}}
                return
        save_id, save = next((k, n) for k, n in graph.items() if n["class_type"].startswith("Save"))
        filename = f"{save['inputs'].get('filename_prefix', 'out')}_{prompt_id[:8]}"
        if self.mode == "garbage":
            filename, data = filename + ".png", b"this is not an image"
        elif save["class_type"] == "SaveImage":
            filename, data = filename + ".png", media.png(KEY_COLOUR)
        else:
            frames = int(next(n["inputs"]["video_frames"] for n in graph.values() if "video_frames" in n["inputs"]))
            fps = int(save["inputs"].get("fps", 8))
            filename, data = filename + ".webp", media.animated(CLIP_COLOUR, frames, fps)
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
