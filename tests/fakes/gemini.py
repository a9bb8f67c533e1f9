"""A Generative Language API-shaped server: Gemini image ``generateContent`` and Veo ``predictLongRunning``.

``POST /v1beta/models/{model}:generateContent`` answers a candidate with an ``inlineData`` PNG of
:data:`KEY_COLOUR`; ``POST /v1beta/models/{model}:predictLongRunning`` starts an operation that is
done after ``polls_until_done`` polls of ``GET /v1beta/{operation name}``, whose response points at
``GET /v1beta/files/{id}:download``: an MP4 of :data:`CLIP_COLOUR` (``durationSeconds`` long, 24 fps).
Every request must carry ``x-goog-api-key``. :attr:`FakeGemini.mode`: ``http429`` (with Retry-After,
``failures`` times), ``http500``, ``refuse_image`` (``promptFeedback.blockReason``),
``refuse_video`` (``raiMediaFilteredCount``), ``malformed`` (an undecodable video), ``hang`` (the
operation never finishes).
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from tests.fakes import media
from tests.fakes.server import AppServer, timed_app

KEY_COLOUR = (230, 200, 30)
CLIP_COLOUR = (120, 40, 200)
API_KEY = "test-gemini-key"


class FakeGemini(AppServer):
    def __init__(self, polls_until_done: int = 2) -> None:
        self.mode = "ok"
        self.failures = -1
        self.polls_until_done = polls_until_done
        self.image_requests: list[dict[str, Any]] = []
        self.video_requests: list[dict[str, Any]] = []
        self.polls: dict[str, int] = {}
        self.videos: dict[str, bytes] = {}
        self.busy_s = 0.0
        """Seconds the fake spent answering requests (its own time, for the adapter's overhead)."""
        app = timed_app(self)
        fake = self

        def refuse(request: Request) -> Response | None:
            if request.headers.get("x-goog-api-key") != API_KEY:
                return JSONResponse({"error": {"code": 403, "status": "PERMISSION_DENIED"}}, status_code=403)
            if fake.mode in ("http429", "http500") and fake.failures != 0:
                fake.failures -= 1
                if fake.mode == "http429":
                    body = {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED"}}
                    return JSONResponse(body, status_code=429, headers={"Retry-After": "1"})
                return JSONResponse({"error": {"code": 500, "status": "INTERNAL"}}, status_code=500)
            return None

        @app.post("/v1beta/models/{call}")
        async def call(call: str, request: Request) -> Response:
            denied = refuse(request)
            if denied is not None:
                return denied
            model, _, method = call.partition(":")
            body = await request.json()
            if method == "generateContent":
                fake.image_requests.append(body)
                if fake.mode == "refuse_image":
                    return JSONResponse({"promptFeedback": {"blockReason": "SAFETY"}})
                data = base64.b64encode(media.png(KEY_COLOUR, (1024, 576))).decode()
                parts = [{"text": "Here is the image."}, {"inlineData": {"mimeType": "image/png", "data": data}}]
                return JSONResponse(
                    {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP"}]}
                )
            if method == "predictLongRunning":
                fake.video_requests.append(body)
                name = f"models/{model}/operations/{uuid.uuid4().hex[:12]}"
                fake.polls[name] = 0
                seconds = int(body["parameters"]["durationSeconds"])
                if fake.mode == "malformed":
                    fake.videos[name] = b"\x00\x00\x00\x18ftypmp42 truncated"
                else:
                    fake.videos[name] = media.video(CLIP_COLOUR, seconds * 24, 24, (1280, 720))
                return JSONResponse({"name": name})
            return JSONResponse({"error": {"code": 404}}, status_code=404)

        @app.get("/v1beta/models/{model}/operations/{op}")
        async def poll(model: str, op: str, request: Request) -> Response:
            denied = refuse(request)
            if denied is not None:
                return denied
            name = f"models/{model}/operations/{op}"
            fake.polls[name] = fake.polls.get(name, 0) + 1
            if fake.mode == "hang" or fake.polls[name] < fake.polls_until_done:
                return JSONResponse({"name": name, "done": False})
            if fake.mode == "refuse_video":
                result: dict[str, Any] = {
                    "raiMediaFilteredCount": 1,
                    "raiMediaFilteredReasons": ["The prompt could not be submitted: it may violate our policies."],
                }
            else:
                uri = f"{fake.url}/v1beta/files/{op}:download?alt=media"
                result = {"generatedSamples": [{"video": {"uri": uri}}]}
            response = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"}
            return JSONResponse({"name": name, "done": True, "response": {**response, "generateVideoResponse": result}})

        @app.get("/v1beta/files/{download}")
        async def download(download: str, request: Request) -> Response:
            if request.headers.get("x-goog-api-key") != API_KEY:
                return Response(status_code=403)
            op = download.removesuffix(":download")
            data = next((v for k, v in fake.videos.items() if k.endswith(f"/{op}")), None)
            return Response(data, media_type="video/mp4") if data is not None else Response(status_code=404)

        super().__init__(app)
