"""Types shared by the generative provider adapters: what a shot asks for and what comes back.

Adapters (ComfyUI, Gemini/Veo) depend only on this module and :mod:`services.render.resilience`;
they never import the storyboard renderer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from services.mesh.errors import DrishyaError, Unavailable

WIDTH = 1280
HEIGHT = 720
FPS = 24
"""The size and rate every shot is normalised to (the storyboard's; checked equal in the tests)."""

Progress = Callable[[float, str], Awaitable[None]]
"""``progress(fraction in [0, 1], note)``: a provider's progress inside one shot."""


async def no_progress(fraction: float, note: str) -> None:
    """A :data:`Progress` that ignores reports."""


@dataclass(frozen=True)
class ShotRequest:
    """One shot as a generative provider sees it.

    ``width`` x ``height`` in pixels, ``frames`` at ``fps`` (the clip length asked for),
    ``seed`` for reproducibility, ``reference`` the PNG of an earlier keyframe of the same
    character (continuity) or None, ``character_id`` that character's entity id.
    """

    index: int
    prompt: str
    negative_prompt: str
    seed: int
    duration_s: float
    width: int = WIDTH
    height: int = HEIGHT
    fps: int = FPS
    reference: bytes | None = None
    character_id: str = ""

    @property
    def frames(self) -> int:
        """Frames asked of an image-to-video model: the duration at ``fps``, at least one."""
        return max(1, round(self.duration_s * self.fps))


@dataclass(frozen=True)
class Media:
    """What a provider returned: one encoded file (``suffix`` like ``.png``, ``.mp4``, ``.webp``) or,
    for an image sequence, several PNG/JPEG files in order (``frames``)."""

    data: bytes = b""
    suffix: str = ""
    frames: tuple[bytes, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Price:
    """A provider's prices in US dollars: ``image_usd`` per keyframe, ``video_second_usd`` per second of clip."""

    image_usd: float = 0.0
    video_second_usd: float = 0.0

    def shot(self, seconds: float) -> float:
        """The cost of one shot of ``seconds``: one keyframe and that much clip."""
        return self.image_usd + self.video_second_usd * seconds


class ImageProvider(Protocol):
    """Text (and optionally a reference image) to one keyframe image."""

    name: str

    async def keyframe(self, req: ShotRequest, progress: Progress) -> Media: ...


class ClipProvider(Protocol):
    """A keyframe image to a video clip."""

    name: str

    async def clip(self, req: ShotRequest, keyframe: bytes, progress: Progress) -> Media: ...


class ProviderError(Unavailable):
    """A provider call failed in a way another try may fix (HTTP 429/5xx, timeout, dropped socket).

    ``retry_after_s`` is the provider's Retry-After, when it sent one.
    """

    def __init__(
        self, message: str, *, provider: str, reason: str = "PROVIDER_FAILED", retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, reason=reason, metadata={"provider": provider}, retry_after_s=retry_after_s)
        self.provider = provider
        self.provider_retry_after_s = retry_after_s


class ProviderRejected(DrishyaError):
    """A provider call failed for good (bad request, workflow error, undecodable output): no retry of
    this provider, the chain falls back to the next one."""

    opens_breaker = False
    """True when the provider's other calls would fail the same way (an exhausted daily quota): the
    chain opens its circuit breaker at once instead of counting one failure."""

    def __init__(self, message: str, *, provider: str, reason: str = "PROVIDER_REJECTED") -> None:
        super().__init__(message, reason=reason, metadata={"provider": provider})
        self.provider = provider


class SafetyRefusal(DrishyaError):
    """The provider refused the content on safety grounds: a moderation outcome, never retried.

    ``blocked`` is True for a refusal (job BLOCKED), False for a soft flag (REVIEW);
    ``provider_reason`` is the provider's own reason text.
    """

    def __init__(self, message: str, *, provider: str, provider_reason: str, blocked: bool = True) -> None:
        super().__init__(
            message,
            reason="PROVIDER_SAFETY_REFUSAL",
            metadata={"provider": provider, "provider_reason": provider_reason},
        )
        self.provider = provider
        self.provider_reason = provider_reason
        self.blocked = blocked
