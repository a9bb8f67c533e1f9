"""Gemini/Veo adapter: keyframes from Gemini's image model, clips from Veo, over the Generative
Language REST API (``DRISHYA_GEMINI_BASE_URL``, default https://generativelanguage.googleapis.com;
the key goes in the ``x-goog-api-key`` header, to that origin only).

* Keyframe: ``POST /v1beta/models/<image model>:generateContent`` with ``contents[0].parts`` = the
  prompt text (and, for continuity, the character's reference image as an ``inlineData`` part) and
  ``generationConfig`` = ``{"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio":
  "16:9"}}``: the image model answers a square image unless ``imageConfig.aspectRatio`` asks for
  another shape (a shape asked for in the prompt text is not honoured). The image comes back as a
  ``candidates[0].content.parts[].inlineData`` part (base64). Sources: the image generation page of
  the Gemini API docs (https://ai.google.dev/gemini-api/docs/image-generation) and the google-genai
  SDK's ``google/genai/types.py`` (``GenerateContentConfig.response_modalities``, ``ImageConfig``).
* Finish reasons (``candidates[].finishReason``, ``FinishReason`` in the SDK's ``types.py``):
  :data:`SAFETY_FINISH` are refusals (:class:`SafetyRefusal`, the job ends BLOCKED), as is
  ``promptFeedback.blockReason``; :data:`NO_IMAGE_FINISH` (recitation, no image made, other) are
  not safety outcomes: a :class:`ProviderRejected` the chain falls back from.
* Clip: ``POST /v1beta/models/<veo model>:predictLongRunning`` with ``instances[0]`` = ``{prompt,
  image: {bytesBase64Encoded, mimeType}}`` and ``parameters`` (aspect ratio, ``durationSeconds``,
  negative prompt) answers an operation ``{name}``; ``GET /v1beta/<name>`` is polled with
  exponential backoff until ``done``; ``response.generateVideoResponse.generatedSamples[0].video.uri``
  is downloaded (it may redirect to another host: the key is never sent there).
  ``raiMediaFilteredCount`` > 0 with ``raiMediaFilteredReasons`` is a refusal. Veo takes only some
  clip lengths (``durationSeconds`` 4, 6 or 8 for Veo 3; ``DRISHYA_VEO_DURATIONS``): a shot is
  planned as clips of those lengths (:func:`plan_clips`); each clip after the first is made from
  the last frame of the one before, and the clips are joined into one MP4 (:class:`_Joiner`).
* Quota (HTTP 429, ``RESOURCE_EXHAUSTED``): the delay is in the body's ``error.details[]``, a
  ``google.rpc.RetryInfo`` (``retryDelay``, a protobuf Duration like ``"45.8s"``), next to a
  ``google.rpc.QuotaFailure`` naming the quotas (``violations[].quotaId``). See
  https://ai.google.dev/gemini-api/docs/rate-limits and ``google/rpc/error_details.proto``
  (googleapis). A delay within the deadline is a :class:`ProviderError` retried no sooner; a
  per-day quota or a delay past the deadline is :class:`QuotaExhausted` (no retry, fall back).

Refusals raise :class:`SafetyRefusal` (a moderation outcome, never retried). Cancelling the job
stops the polling (the Generative Language API offers no cancel of a Veo operation).

Request and response shapes: https://ai.google.dev/api/generate-content and the Veo page of the
Gemini API docs (https://ai.google.dev/gemini-api/docs/video).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import io
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import av
import httpx
from av.video.stream import VideoStream
from PIL import Image

from services.mesh.backoff import Backoff

from .http import check
from .types import FPS, Media, Progress, ProviderError, ProviderRejected, SafetyRefusal, ShotRequest

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
DEFAULT_IMAGE_MODEL = "gemini-2.5-flash-image"
DEFAULT_VIDEO_MODEL = "veo-3.0-generate-001"
API_KEY_HEADER = "x-goog-api-key"
ASPECT_RATIO = "16:9"
"""The shape asked of both models: every shot is normalised to 1280x720."""
SAFETY_FINISH = frozenset(
    {"SAFETY", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII"}
)
"""``finishReason`` values that are safety refusals (the job ends BLOCKED)."""
NO_IMAGE_FINISH = frozenset({"RECITATION", "IMAGE_RECITATION", "IMAGE_OTHER", "NO_IMAGE", "OTHER"})
"""``finishReason`` values that end without an image for other reasons (fall back, not BLOCKED)."""
VEO_DURATIONS_S = (4, 6, 8)
"""Clip lengths Veo 3 accepts (``durationSeconds``), in seconds (the Veo page of the Gemini API docs)."""
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure"
SUFFIXES = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "video/mp4": ".mp4"}


class QuotaExhausted(ProviderRejected):
    """A quota that will not come back within the call's deadline (a per-day quota, or a
    ``retryDelay`` past the deadline): not retried, the shot falls back at once.

    ``opens_breaker`` is True: the provider's other calls would meet the same quota, so the chain
    opens its circuit breaker now rather than after its failure threshold. ``retry_after_s`` is the
    provider's ``retryDelay`` in seconds, when it sent one.
    """

    opens_breaker = True

    def __init__(self, message: str, *, provider: str, retry_after_s: float | None = None) -> None:
        super().__init__(message, provider=provider, reason="PROVIDER_QUOTA_EXHAUSTED")
        self.retry_after_s = retry_after_s


def plan_clips(duration_s: float, allowed: Sequence[int] = VEO_DURATIONS_S, fps: int = FPS) -> list[int]:
    """The clip lengths (seconds, longest first) to make a shot of ``duration_s`` seconds.

    A shot up to the longest allowed length gets the shortest allowed length that covers it. A
    longer one gets several clips; each after the first starts on the previous clip's last frame,
    which is dropped once (``1 / fps`` s), so the clips cover the shot when
    ``sum(lengths) - (n - 1) / fps >= duration_s``. Among the plans that cover it, the one with the
    fewest seconds (Veo bills per second), then the fewest clips, is chosen.

    Raises:
        ValueError: ``allowed`` is empty or holds a length that is not positive, or ``fps`` is not
            positive.
    """
    lengths = sorted({int(d) for d in allowed}, reverse=True)
    if not lengths or lengths[-1] <= 0 or fps <= 0:
        raise ValueError("allowed clip lengths and the frame rate must be positive")
    need = max(0.0, duration_s) - 1e-6
    fitting = [d for d in lengths if d >= need]
    if fitting:
        return [fitting[-1]]
    overlap = min(1.0 / fps, lengths[0] / 2)
    longest = lengths[0]
    fewest = max(2, math.ceil((need - overlap) / (longest - overlap)))
    best: tuple[int, int, list[int]] | None = None
    for n in (fewest, fewest + 1):
        for combo in itertools.combinations_with_replacement(lengths, n):
            if sum(combo) - (n - 1) * overlap >= need:
                key = (sum(combo), n, list(combo))
                if best is None or key[:2] < best[:2]:
                    best = key
    assert best is not None  # n = fewest clips of the longest length always covers the shot
    return best[2]


def parse_durations(raw: str) -> tuple[int, ...]:
    """``DRISHYA_VEO_DURATIONS``: comma-separated whole seconds, e.g. ``"4,6,8"``, sorted ascending.

    Raises:
        ValueError: empty, not whole numbers, or not positive.
    """
    values = sorted({int(v) for v in raw.split(",") if v.strip()})
    if not values or values[0] <= 0:
        raise ValueError(f"clip lengths must be positive whole seconds, not {raw!r}")
    return tuple(values)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return url.scheme, url.host, url.port


@dataclass
class Gemini:
    """Client of the Generative Language API for both links (``keyframe`` and ``clip``).

    ``timeout_s`` is the deadline of one whole shot's clip (every clip's submission, polling and
    download); ``poll_base_s``/``poll_cap_s`` bound the polling backoff; ``durations_s`` are the
    clip lengths Veo accepts (seconds).
    """

    api_key: str
    base_url: str = DEFAULT_BASE_URL
    image_model: str = DEFAULT_IMAGE_MODEL
    video_model: str = DEFAULT_VIDEO_MODEL
    timeout_s: float = 600.0
    http_timeout_s: float = 60.0
    poll_base_s: float = 2.0
    poll_cap_s: float = 15.0
    durations_s: tuple[int, ...] = VEO_DURATIONS_S
    name: str = "gemini"

    def _client(self) -> httpx.AsyncClient:
        """A client that sends the key to the API's origin only, on every hop of a redirect."""
        origin = _origin(httpx.URL(self.base_url))

        async def key_for_origin(request: httpx.Request) -> None:
            if _origin(request.url) == origin:
                request.headers[API_KEY_HEADER] = self.api_key
            else:
                request.headers.pop(API_KEY_HEADER, None)

        return httpx.AsyncClient(
            base_url=self.base_url.rstrip("/"),
            timeout=self.http_timeout_s,
            follow_redirects=True,
            event_hooks={"request": [key_for_origin]},
        )

    async def _request(
        self, http: httpx.AsyncClient, what: str, method: str, url: str, deadline_s: float, **kw: Any
    ) -> httpx.Response:
        """``http.request(method, url, **kw)``, its failures classified for the chain.

        Raises:
            ProviderError: a timeout (``PROVIDER_TIMEOUT``), a transport error, a 5xx, or a 429
                whose ``RetryInfo`` delay fits in ``deadline_s`` (``retry_after_s`` = that delay).
            QuotaExhausted: a 429 naming a per-day quota, or asking to wait past ``deadline_s``.
            ProviderRejected: another 4xx.
        """
        try:
            resp = await http.request(method, url, **kw)
        except httpx.TimeoutException as exc:
            raise ProviderError(
                f"{self.name} {what}: timed out", provider=self.name, reason="PROVIDER_TIMEOUT"
            ) from exc
        except httpx.TransportError as exc:
            raise ProviderError(f"{self.name} {what}: {exc}", provider=self.name) from exc
        if resp.status_code == 429:
            raise quota_error(resp, self.name, what, deadline_s)
        return check(resp, self.name, what)

    async def keyframe(self, req: ShotRequest, progress: Progress) -> Media:
        """One 16:9 keyframe image for ``req`` (``req.reference`` as a reference image part when set).

        Raises:
            SafetyRefusal: ``promptFeedback.blockReason`` or a :data:`SAFETY_FINISH` finish reason.
            ProviderRejected: ``OUTPUT_MISSING`` without an image part (a :data:`NO_IMAGE_FINISH`
                finish reason among them), ``OUTPUT_UNDECODABLE`` on bad base64.
            ProviderError, QuotaExhausted: see :meth:`_request`.
        """
        parts: list[dict[str, Any]] = [{"text": f"{req.prompt}. Avoid: {req.negative_prompt}."}]
        if req.reference is not None:
            parts.append({"text": "Keep this character's appearance:"})
            parts.append({"inlineData": {"mimeType": "image/png", "data": base64.b64encode(req.reference).decode()}})
        body = {
            "contents": [{"parts": parts}],
            "generationConfig": {"responseModalities": ["TEXT", "IMAGE"], "imageConfig": {"aspectRatio": ASPECT_RATIO}},
        }
        async with self._client() as http:
            resp = await self._request(
                http,
                "generateContent",
                "POST",
                f"/v1beta/models/{self.image_model}:generateContent",
                self.timeout_s,
                json=body,
            )
        data = _json(resp, self.name)
        block = (data.get("promptFeedback") or {}).get("blockReason")
        if block:
            raise SafetyRefusal(f"gemini refused the prompt: {block}", provider=self.name, provider_reason=str(block))
        finishes: list[str] = []
        for cand in data.get("candidates") or []:
            finish = str(cand.get("finishReason") or "")
            if finish in SAFETY_FINISH:
                raise SafetyRefusal(f"gemini refused the image: {finish}", provider=self.name, provider_reason=finish)
            finishes.append(finish)
            for part in (cand.get("content") or {}).get("parts") or []:
                inline = part.get("inlineData") or part.get("inline_data")
                if inline and str(inline.get("mimeType", inline.get("mime_type", ""))).startswith("image/"):
                    mime = str(inline.get("mimeType", inline.get("mime_type")))
                    await progress(1.0, "image received")
                    return Media(data=_b64(inline.get("data", ""), self.name), suffix=SUFFIXES.get(mime, ".png"))
        why = ", ".join(f for f in finishes if f) or "no candidate"
        raise ProviderRejected(
            f"gemini answered without an image part (finishReason {why})", provider=self.name, reason="OUTPUT_MISSING"
        )

    async def clip(self, req: ShotRequest, keyframe: bytes, progress: Progress) -> Media:
        """A Veo clip of at least ``req.duration_s`` seconds starting from ``keyframe`` (PNG bytes).

        One clip when an allowed length covers the shot (Veo's MP4 as it came); otherwise the clips of
        :func:`plan_clips`, each after the first made from the previous one's last frame, joined into
        one H.264 MP4 (the first frame of each later clip, a repeat of the previous last frame, dropped).

        Raises:
            SafetyRefusal: Veo filtered a clip.
            ProviderError: ``PROVIDER_TIMEOUT`` past ``timeout_s``; see :meth:`_request`.
            ProviderRejected: a failed operation, no video, an undecodable clip of several; QuotaExhausted.
        """
        plan = plan_clips(req.duration_s, self.durations_s, req.fps)
        try:
            async with asyncio.timeout(self.timeout_s), self._client() as http:
                if len(plan) == 1:
                    return Media(data=await self._one_clip(http, req, keyframe, plan[0], progress), suffix=".mp4")
                joiner = _Joiner(self.name)
                image = keyframe
                for k, seconds in enumerate(plan):
                    part = _part(progress, k / len(plan), (k + 1) / len(plan), f"clip {k + 1} of {len(plan)}")
                    data = await self._one_clip(http, req, image, seconds, part)
                    image = await asyncio.to_thread(joiner.add, data, k > 0)
                return Media(data=await asyncio.to_thread(joiner.finish), suffix=".mp4")
        except TimeoutError as exc:
            raise ProviderError(
                f"veo clip exceeded {self.timeout_s:.0f} s", provider=self.name, reason="PROVIDER_TIMEOUT"
            ) from exc

    async def _one_clip(
        self, http: httpx.AsyncClient, req: ShotRequest, image: bytes, seconds: int, progress: Progress
    ) -> bytes:
        """One Veo clip of ``seconds`` from ``image`` (PNG bytes): submitted, polled, downloaded (MP4 bytes)."""
        body = {
            "instances": [
                {
                    "prompt": req.prompt,
                    "image": {"bytesBase64Encoded": base64.b64encode(image).decode(), "mimeType": "image/png"},
                }
            ],
            "parameters": {
                "aspectRatio": ASPECT_RATIO,
                "durationSeconds": seconds,
                "negativePrompt": req.negative_prompt,
            },
        }
        resp = await self._request(
            http,
            "predictLongRunning",
            "POST",
            f"/v1beta/models/{self.video_model}:predictLongRunning",
            self.timeout_s,
            json=body,
        )
        name = str(_json(resp, self.name).get("name") or "")
        if not name:
            raise ProviderRejected("veo answered without an operation name", provider=self.name)
        op = await self._wait(http, name, progress)
        uri = self._video_uri(op)
        return (await self._request(http, "video download", "GET", uri, self.timeout_s)).content

    async def _wait(self, http: httpx.AsyncClient, name: str, progress: Progress) -> dict[str, Any]:
        """Poll operation ``name`` until done (cancelling the task stops the polling)."""
        backoff = Backoff(base_s=self.poll_base_s, cap_s=self.poll_cap_s, floor_s=min(0.05, self.poll_base_s))
        polls = 0
        while True:
            resp = await self._request(http, "operation poll", "GET", f"/v1beta/{name}", self.timeout_s)
            op = _json(resp, self.name)
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


def _part(progress: Progress, lo: float, hi: float, label: str) -> Progress:
    async def report(fraction: float, note: str) -> None:
        await progress(lo + (hi - lo) * fraction, f"{label}: {note}")

    return report


def parse_duration(value: object) -> float | None:
    """A protobuf JSON Duration (``"45.8s"``, ``"3s"``) in seconds, or None when it is not one."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d*)?)s\s*", str(value))
    return float(match.group(1)) if match else None


def quota_error(resp: httpx.Response, provider: str, what: str, deadline_s: float) -> ProviderError | QuotaExhausted:
    """What a 429 answer means, from its ``error.details[]`` (``google.rpc.RetryInfo``,
    ``google.rpc.QuotaFailure``; a ``Retry-After`` header is honoured too when there is one).

    Returns:
        QuotaExhausted when a violated quota's ``quotaId`` is per day (contains ``PerDay``) or the
        delay exceeds ``deadline_s`` seconds; otherwise a ProviderError whose ``retry_after_s`` is
        the delay in seconds (None when none was given).
    """
    details: list[dict[str, Any]] = []
    try:
        body = resp.json()
        error = body.get("error") if isinstance(body, dict) else None
        raw = error.get("details") if isinstance(error, dict) else None
        details = [d for d in raw or [] if isinstance(d, dict)]
    except ValueError:
        pass
    delays = [parse_duration(d.get("retryDelay")) for d in details if d.get("@type") == RETRY_INFO]
    header = resp.headers.get("retry-after", "").strip()
    if header.replace(".", "", 1).isdigit():
        delays.append(float(header))
    delay = max((d for d in delays if d is not None), default=None)
    quotas = [
        str(v.get("quotaId") or v.get("quotaMetric") or "")
        for d in details
        if d.get("@type") == QUOTA_FAILURE
        for v in d.get("violations") or []
        if isinstance(v, dict)
    ]
    named = f" ({', '.join(q for q in quotas if q)})" if any(quotas) else ""
    if any("perday" in q.lower() for q in quotas):
        return QuotaExhausted(
            f"{provider} {what}: daily quota exhausted{named}", provider=provider, retry_after_s=delay
        )
    if delay is not None and delay > deadline_s:
        return QuotaExhausted(
            f"{provider} {what}: quota exhausted for {delay:.1f} s, past the {deadline_s:.0f} s deadline{named}",
            provider=provider,
            retry_after_s=delay,
        )
    return ProviderError(f"{provider} {what}: HTTP 429{named}", provider=provider, retry_after_s=delay)


class _Joiner:
    """Veo clips joined into one H.264 MP4 at the first clip's size and frame rate (video only).

    :meth:`add` decodes a clip, appends its frames (without its first frame when ``skip_first``) and
    returns its last frame as PNG bytes (the next clip's starting image); :meth:`finish` returns the
    MP4 bytes. Blocking (decoding and encoding): called in a worker thread.
    """

    def __init__(self, provider: str) -> None:
        self.provider = provider
        self.buf = io.BytesIO()
        self.out: av.container.OutputContainer | None = None
        self.stream: VideoStream | None = None
        self.pts = 0

    def add(self, data: bytes, skip_first: bool) -> bytes:
        """Append clip ``data`` (MP4 bytes); returns its last frame as PNG bytes.

        Raises:
            ProviderRejected: ``OUTPUT_UNDECODABLE`` when the clip has no decodable video frame.
        """
        last: av.VideoFrame | None = None
        try:
            with av.open(io.BytesIO(data), mode="r") as container:
                source = container.streams.video[0]
                for k, frame in enumerate(container.decode(source)):
                    if self.stream is None:
                        self._open(frame.width, frame.height, source.average_rate or Fraction(FPS))
                    last = frame
                    if not (skip_first and k == 0):
                        self._write(frame)
        except (av.FFmpegError, OSError, IndexError, ValueError) as exc:
            raise ProviderRejected(
                f"{self.provider} sent an undecodable clip: {exc}", provider=self.provider, reason="OUTPUT_UNDECODABLE"
            ) from exc
        if last is None:
            raise ProviderRejected(
                f"{self.provider} sent a clip without frames", provider=self.provider, reason="OUTPUT_UNDECODABLE"
            )
        png = io.BytesIO()
        Image.fromarray(last.to_ndarray(format="rgb24"), "RGB").save(png, format="PNG")
        return png.getvalue()

    def _open(self, width: int, height: int, rate: Fraction) -> None:
        self.out = av.open(self.buf, mode="w", format="mp4")
        self.stream = self.out.add_stream("libx264", rate=rate, options={"crf": "12"})
        self.stream.width, self.stream.height, self.stream.pix_fmt = width, height, "yuv420p"

    def _write(self, frame: av.VideoFrame) -> None:
        assert self.out is not None and self.stream is not None
        rate = self.stream.codec_context.framerate or Fraction(FPS)
        out = frame.reformat(width=self.stream.width, height=self.stream.height, format="yuv420p")
        out.pts, out.time_base = self.pts, 1 / Fraction(rate)
        self.pts += 1
        self.out.mux(self.stream.encode(out))

    def finish(self) -> bytes:
        """The joined MP4's bytes (empty when no clip was added)."""
        if self.out is None or self.stream is None:
            return b""
        self.out.mux(self.stream.encode(None))
        self.out.close()
        return self.buf.getvalue()


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
