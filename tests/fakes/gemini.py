"""A Generative Language API-shaped server: Gemini image ``generateContent`` and Veo ``predictLongRunning``.

``POST /v1beta/models/{model}:generateContent`` answers a candidate with an ``inlineData`` PNG of
:data:`KEY_COLOUR`, square (1024x1024) unless ``generationConfig.imageConfig.aspectRatio`` asks
for 16:9 (1344x768), as the image model does; without ``IMAGE`` in
``generationConfig.responseModalities`` it answers text only. ``POST
/v1beta/models/{model}:predictLongRunning`` takes ``durationSeconds`` of 4, 6 or 8 only (Veo 3;
HTTP 400 ``INVALID_ARGUMENT`` otherwise) and starts an operation that is done after
``polls_until_done`` polls of ``GET /v1beta/{operation name}``, whose response points at
``GET /v1beta/files/{id}:download``: an MP4 of :data:`CLIP_COLOUR` (``durationSeconds`` long, 24 fps)
whose last frame is :data:`LAST_COLOUR`. With :attr:`FakeGemini.media_host` set the download
redirects there (``redirect``) or the operation's URI points there (``foreign_uri``).
Every request to the fake must carry ``x-goog-api-key``. :attr:`FakeGemini.mode`: ``http429``
(``failures`` times; the body's ``error.details`` carry a ``google.rpc.RetryInfo`` of
:attr:`FakeGemini.retry_delay` and a ``google.rpc.QuotaFailure`` of :attr:`FakeGemini.quota_id`,
as the API sends them; no Retry-After header), ``http500``, ``refuse_image``
(``promptFeedback.blockReason``), ``finish`` (a candidate without an image whose ``finishReason`` is
:attr:`FakeGemini.finish_reason`), ``refuse_video`` (``raiMediaFilteredCount``), ``malformed`` (an
undecodable video), ``hang`` (the operation never finishes)."""

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
LAST_COLOUR = (20, 180, 90)
API_KEY = "test-gemini-key"
VEO_DURATIONS = (4, 6, 8)
PER_MINUTE = "GenerateRequestsPerMinutePerProjectPerModel"
PER_DAY = "GenerateRequestsPerDayPerProjectPerModel-FreeTier"


def quota_body(retry_delay: str, quota_id: str) -> dict[str, Any]:
    """A 429 body as the Generative Language API sends it: ``google.rpc.Status`` with a QuotaFailure
    and a RetryInfo in ``details``."""
    return {
        "error": {
            "code": 429,
            "message": "You exceeded your current quota, please check your plan and billing details.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [
                {
                    "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                    "violations": [
                        {
                            "quotaMetric": "generativelanguage.googleapis.com/generate_content_requests",
                            "quotaId": quota_id,
                            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash-image"},
                            "quotaValue": "10",
                        }
                    ],
                },
                {"@type": "type.googleapis.com/google.rpc.Help", "links": [{"description": "rate limits"}]},
                {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay},
            ],
        }
    }


class FakeMediaHost(AppServer):
    """Another origin serving downloads (``GET /media/{id}`` from :attr:`files`); records every
    request's headers in :attr:`headers` (lower-case names)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.headers: list[dict[str, str]] = []
        self.busy_s = 0.0
        app = timed_app(self)
        host = self

        @app.get("/media/{file}")
        async def media_file(file: str, request: Request) -> Response:
            host.headers.append({k.lower(): v for k, v in request.headers.items()})
            data = host.files.get(file)
            return Response(data, media_type="video/mp4") if data is not None else Response(status_code=404)

        super().__init__(app)


class FakeGemini(AppServer):
    def __init__(self, polls_until_done: int = 2) -> None:
        self.mode = "ok"
        self.failures = -1
        self.polls_until_done = polls_until_done
        self.image_requests: list[dict[str, Any]] = []
        self.video_requests: list[dict[str, Any]] = []
        self.polls: dict[str, int] = {}
        self.videos: dict[str, bytes] = {}
        self.retry_delay = "1s"
        self.quota_id = PER_MINUTE
        self.finish_reason = "IMAGE_SAFETY"
        self.media_host: FakeMediaHost | None = None
        self.download_headers: list[dict[str, str]] = []
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
                    return JSONResponse(quota_body(fake.retry_delay, fake.quota_id), status_code=429)
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
                config = body.get("generationConfig") or {}
                parts: list[dict[str, Any]] = [{"text": "Here is the image."}]
                finish = "STOP"
                if fake.mode == "finish":
                    finish = fake.finish_reason
                elif "IMAGE" in [str(m).upper() for m in config.get("responseModalities") or []]:
                    wide = (config.get("imageConfig") or {}).get("aspectRatio") == "16:9"
                    data = base64.b64encode(media.png(KEY_COLOUR, (1344, 768) if wide else (1024, 1024))).decode()
                    parts.append({"inlineData": {"mimeType": "image/png", "data": data}})
                return JSONResponse(
                    {"candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": finish}]}
                )
            if method == "predictLongRunning":
                fake.video_requests.append(body)
                seconds = body["parameters"].get("durationSeconds")
                if seconds not in VEO_DURATIONS:
                    error = {"code": 400, "message": "durationSeconds must be 4, 6 or 8", "status": "INVALID_ARGUMENT"}
                    return JSONResponse({"error": error}, status_code=400)
                name = f"models/{model}/operations/{uuid.uuid4().hex[:12]}"
                fake.polls[name] = 0
                if fake.mode == "malformed":
                    fake.videos[name] = b"\x00\x00\x00\x18ftypmp42 truncated"
                else:
                    colours = [CLIP_COLOUR] * (seconds * 24 - 1) + [LAST_COLOUR]
                    fake.videos[name] = media.video(colours, seconds * 24, 24, (1280, 720))
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
                if fake.mode == "foreign_uri" and fake.media_host is not None:
                    fake.media_host.files[op] = fake.videos[name]
                    uri = f"{fake.media_host.url}/media/{op}"
                result = {"generatedSamples": [{"video": {"uri": uri}}]}
            response = {"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse"}
            return JSONResponse({"name": name, "done": True, "response": {**response, "generateVideoResponse": result}})

        @app.get("/v1beta/files/{download}")
        async def download(download: str, request: Request) -> Response:
            fake.download_headers.append({k.lower(): v for k, v in request.headers.items()})
            if request.headers.get("x-goog-api-key") != API_KEY:
                return Response(status_code=403)
            op = download.removesuffix(":download")
            data = next((v for k, v in fake.videos.items() if k.endswith(f"/{op}")), None)
            if data is not None and fake.media_host is not None:
                fake.media_host.files[op] = data  # like the API: a redirect to the file's storage host
                return Response(status_code=302, headers={"Location": f"{fake.media_host.url}/media/{op}"})
            return Response(data, media_type="video/mp4") if data is not None else Response(status_code=404)

        super().__init__(app)
