"""Gemini/Veo adapter: keyframes from Gemini's image model, clips from Veo, over the Generative
Language REST API (``DRISHYA_GEMINI_BASE_URL``, default https://generativelanguage.googleapis.com;
the key goes in the ``x-goog-api-key`` header).

* Keyframe: ``POST /v1beta/models/<image model>:generateContent`` with ``contents[0].parts`` = the
  prompt text (and, for continuity, the character's reference image as an ``inlineData`` part) and
  ``generationConfig.responseModalities = ["TEXT", "IMAGE"]``; the image comes back as a
  ``candidates[0].content.parts[].inlineData`` part (base64). A refusal is
  ``promptFeedback.blockReason`` or a candidate ``finishReason`` of ``SAFETY``, ``IMAGE_SAFETY``,
  ``PROHIBITED_CONTENT``, ``BLOCKLIST`` or ``SPII``.
* Clip: ``POST /v1beta/models/<veo model>:predictLongRunning`` with ``instances[0]`` = ``{prompt,
  image: {bytesBase64Encoded, mimeType}}`` and ``parameters`` (aspect ratio, duration, negative
  prompt) answers an operation ``{name}``; ``GET /v1beta/<name>`` is polled with exponential backoff
  until ``done``; ``response.generateVideoResponse.generatedSamples[0].video.uri`` is downloaded.
  ``raiMediaFilteredCount`` > 0 with ``raiMediaFilteredReasons`` is a refusal.

Refusals raise :class:`SafetyRefusal` (a moderation outcome, never retried). Cancelling the job
stops the polling (the Generative Language API offers no cancel of a Veo operation).

Request and response shapes: https://ai.google.dev/api/generate-content and the Veo page of the
Gemini API docs (https://ai.google.dev/gemini-api/docs/video).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
from dataclasses import dataclass
from typing import Any

import httpx

from services.mesh.backoff import Backoff

from .http import request
from .types import Media, Progress, ProviderError, ProviderRejected, SafetyRefusal, ShotRequest

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
DEFAULT_IMAGE_MODEL = "gemini-2.5-flash-image"
DEFAULT_VIDEO_MODEL = "veo-3.0-generate-001"
REFUSALS = {"SAFETY", "IMAGE_SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"}
VEO_DURATIONS_S = (4, 6, 8)
"""Clip lengths Veo accepts, in seconds; a shot asks for the shortest that covers it."""
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "video/mp4": ".mp4"}


@dataclass
class Gemini:
    """Client of the Generative Language API for both links (``keyframe`` and ``clip``).

    ``timeout_s`` is the deadline of one whole clip (submission, polling, download);
    ``poll_base_s``/``poll_cap_s`` bound the polling backoff.
    """

    api_key: str
    base_url: str = DEFAULT_BASE_URL
    image_model: str = DEFAULT_IMAGE_MODEL
    video_model: str = DEFAULT_VIDEO_MODEL
    timeout_s: float = 600.0
    http_timeout_s: float = 60.0
    poll_base_s: float = 2.0
    poll_cap_s: float = 15.0
    name: str = "gemini"

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base_url.rstrip("/"),
            timeout=self.http_timeout_s,
            headers={"x-goog-api-key": self.api_key},
            follow_redirects=True,
        )

    async def keyframe(self, req: ShotRequest, progress: Progress) -> Media:
        """One keyframe image for ``req`` (``req.reference`` as a reference image part when set).

        Raises:
            SafetyRefusal, ProviderError, ProviderRejected (``OUTPUT_MISSING`` without an image part).
        """
        parts: list[dict[str, Any]] = [{"text": f"{req.prompt}. Avoid: {req.negative_prompt}. Wide 16:9 frame."}]
        if req.reference is not None:
            parts.append({"text": "Keep this character's appearance:"})
            parts.append({"inlineData": {"mimeType": "image/png", "data": base64.b64encode(req.reference).decode()}})
        body = {"contents": [{"parts": parts}], "generationConfig": {"responseModalities": ["TEXT", "IMAGE"]}}
        async with self._client() as http:
            resp = await request(
                http,
                self.name,
                "generateContent",
                "POST",
                f"/v1beta/models/{self.image_model}:generateContent",
                json=body,
            )
        data = _json(resp, self.name)
        block = (data.get("promptFeedback") or {}).get("blockReason")
        if block:
            raise SafetyRefusal(f"gemini refused the prompt: {block}", provider=self.name, provider_reason=str(block))
        for cand in data.get("candidates") or []:
            finish = str(cand.get("finishReason") or "")
            if finish in REFUSALS:
                raise SafetyRefusal(f"gemini refused the image: {finish}", provider=self.name, provider_reason=finish)
            for part in (cand.get("content") or {}).get("parts") or []:
                inline = part.get("inlineData") or part.get("inline_data")
                if inline and str(inline.get("mimeType", inline.get("mime_type", ""))).startswith("image/"):
                    mime = str(inline.get("mimeType", inline.get("mime_type")))
                    await progress(1.0, "image received")
                    return Media(data=_b64(inline.get("data", ""), self.name), suffix=SUFFIXES.get(mime, ".png"))
        raise ProviderRejected("gemini answered without an image part", provider=self.name, reason="OUTPUT_MISSING")

    async def clip(self, req: ShotRequest, keyframe: bytes, progress: Progress) -> Media:
        """A Veo clip starting from ``keyframe`` (PNG bytes).

        Raises:
            SafetyRefusal, ProviderError (``PROVIDER_TIMEOUT`` past ``timeout_s``), ProviderRejected.
        """
        seconds = next((d for d in VEO_DURATIONS_S if d >= math.ceil(req.duration_s)), VEO_DURATIONS_S[-1])
        body = {
            "instances": [
                {
                    "prompt": req.prompt,
                    "image": {"bytesBase64Encoded": base64.b64encode(keyframe).decode(), "mimeType": "image/png"},
                }
            ],
            "parameters": {"aspectRatio": "16:9", "durationSeconds": seconds, "negativePrompt": req.negative_prompt},
        }
        try:
            async with asyncio.timeout(self.timeout_s), self._client() as http:
                resp = await request(
                    http,
                    self.name,
                    "predictLongRunning",
                    "POST",
                    f"/v1beta/models/{self.video_model}:predictLongRunning",
                    json=body,
                )
                name = str(_json(resp, self.name).get("name") or "")
                if not name:
                    raise ProviderRejected("veo answered without an operation name", provider=self.name)
                op = await self._wait(http, name, progress)
                uri = self._video_uri(op)
                video = await request(http, self.name, "video download", "GET", uri)
                return Media(data=video.content, suffix=".mp4")
        except TimeoutError as exc:
            raise ProviderError(
                f"veo clip exceeded {self.timeout_s:.0f} s", provider=self.name, reason="PROVIDER_TIMEOUT"
            ) from exc

    async def _wait(self, http: httpx.AsyncClient, name: str, progress: Progress) -> dict[str, Any]:
        """Poll operation ``name`` until done (cancelling the task stops the polling)."""
        backoff = Backoff(base_s=self.poll_base_s, cap_s=self.poll_cap_s, floor_s=min(0.05, self.poll_base_s))
        polls = 0
        while True:
            op = _json(await request(http, self.name, "operation poll", "GET", f"/v1beta/{name}"), self.name)
            if op.get("done"):
                return op
            polls += 1
            await progress(1.0 - 1.0 / (1 + polls * 0.25), f"veo operation running (poll {polls})")
            await asyncio.sleep(backoff.next_delay())

    def _video_uri(self, op: dict[str, Any]) -> str:
        if op.get("error"):
            err = op["error"]
            message = f"veo operation failed: {err.get('message', err)}"
            if int(err.get("code", 0)) in (8, 13, 14, 4):  # RESOURCE_EXHAUSTED, INTERNAL, UNAVAILABLE, DEADLINE
                raise ProviderError(message, provider=self.name)
            raise ProviderRejected(message, provider=self.name)
        result = ((op.get("response") or {}).get("generateVideoResponse")) or {}
        if int(result.get("raiMediaFilteredCount") or 0) > 0:
            reasons = "; ".join(str(r) for r in result.get("raiMediaFilteredReasons") or []) or "filtered"
            raise SafetyRefusal(f"veo filtered the clip: {reasons}", provider=self.name, provider_reason=reasons)
        samples = result.get("generatedSamples") or []
        uri = str(((samples[0] if samples else {}).get("video") or {}).get("uri") or "")
        if not uri:
            raise ProviderRejected(
                "veo operation finished without a video", provider=self.name, reason="OUTPUT_MISSING"
            )
        return uri


def _json(resp: httpx.Response, provider: str) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError as exc:
        raise ProviderRejected(f"{provider} answered with malformed JSON", provider=provider) from exc
    if not isinstance(data, dict):
        raise ProviderRejected(f"{provider} answered with a JSON {type(data).__name__}", provider=provider)
    return data


def _b64(data: str, provider: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProviderRejected(
            f"{provider} sent malformed base64", provider=provider, reason="OUTPUT_UNDECODABLE"
        ) from exc
