"""Configuration of the render provider chain, read once from the environment, and the chain it builds.

The chain, in order: ComfyUI (when ``DRISHYA_COMFYUI_URL`` is set), Gemini/Veo (when
``DRISHYA_GEMINI_API_KEY`` is set), then the storyboard, always last. A job picks its first link
with ``JobOptions.provider``; its shots fall back along the links after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.mesh import config as mc
from services.mesh.config import ConfigError

from . import comfyui as comfy
from .gemini import DEFAULT_BASE_URL, DEFAULT_IMAGE_MODEL, DEFAULT_VIDEO_MODEL, VEO_DURATIONS_S, Gemini, parse_durations
from .generative import GenerativeProvider
from .providers import CircuitBreaker, ProviderChain, RenderProvider, StoryboardProvider
from .types import ImageProvider, Price

KEYFRAME_SOURCES = ("comfyui", "gemini", "storyboard")
COMFYUI_IDENTITY = ("img2img", "ipadapter")
DEFAULT_PRICES = {
    "gemini": Price(image_usd=0.039, video_second_usd=0.40),
    "comfyui": Price(),
    "storyboard": Price(),
}
"""US dollars. Gemini: Google's Gemini API price list (ai.google.dev/gemini-api/docs/pricing) as read in
2025 for gemini-2.5-flash-image (0.039 per 1024-px image) and Veo 3 (0.40 per second of video);
prices change, so deployments set their own with ``DRISHYA_PROVIDER_PRICES``. ComfyUI runs on the
deployment's own GPU: free unless priced."""


def parse_prices(raw: str) -> dict[str, Price]:
    """``DRISHYA_PROVIDER_PRICES``: JSON ``{"<provider>": {"image_usd": x, "video_second_usd": y}}``
    over :data:`DEFAULT_PRICES`.

    Raises:
        ConfigError: not such an object, or a negative price.
    """
    prices = dict(DEFAULT_PRICES)
    if not raw.strip():
        return prices
    try:
        table = json.loads(raw)
        for name, entry in table.items():
            price = Price(float(entry.get("image_usd", 0.0)), float(entry.get("video_second_usd", 0.0)))
            if price.image_usd < 0 or price.video_second_usd < 0:
                raise ValueError("prices cannot be negative")
            prices[str(name).lower()] = price
    except (AttributeError, TypeError, ValueError) as exc:
        raise ConfigError(f"DRISHYA_PROVIDER_PRICES: {exc}") from exc
    return prices


@dataclass(frozen=True)
class RenderConfig:
    """Settings of the provider chain.

    Attributes:
        comfyui_url: ComfyUI server (``DRISHYA_COMFYUI_URL``, e.g. ``http://gpu-box:8188``); off when empty.
        comfyui_text_to_image, comfyui_img2img, comfyui_image_to_video: workflow files in ComfyUI's
            API format (``DRISHYA_COMFYUI_T2I_WORKFLOW``; ``DRISHYA_COMFYUI_IMG2IMG_WORKFLOW``, formerly
            ``DRISHYA_COMFYUI_REF_WORKFLOW``, still read: the image-to-image continuity fallback;
            ``DRISHYA_COMFYUI_I2V_WORKFLOW``; the shipped SDXL and Stable Video Diffusion templates by default).
        comfyui_identity: how a character's later keyframes follow its reference image:
            ``img2img`` (default) or ``ipadapter`` (``DRISHYA_COMFYUI_IDENTITY``; the IP-Adapter
            template, ``comfyui_ipadapter`` = ``DRISHYA_COMFYUI_IPADAPTER_WORKFLOW``, needs the
            custom nodes and model files listed in ``services/render/workflows/README.md``).
        comfyui_clip_frames, comfyui_clip_fps: the video model's own clip length in frames and rate in
            frames per second (``DRISHYA_COMFYUI_CLIP_FRAMES``, 25, 1 to 4096;
            ``DRISHYA_COMFYUI_CLIP_FPS``, 6, 1 to 120): Stable Video Diffusion XT's.
        comfyui_keyframes: who makes ComfyUI's keyframes: ``comfyui``, ``gemini`` or ``storyboard``
            (``DRISHYA_COMFYUI_KEYFRAMES``, default ``comfyui``).
        gemini_api_key: Generative Language API key (``DRISHYA_GEMINI_API_KEY``); off when empty.
        gemini_base_url: ``DRISHYA_GEMINI_BASE_URL`` (default Google's endpoint).
        gemini_image_model, gemini_video_model: ``DRISHYA_GEMINI_IMAGE_MODEL``, ``DRISHYA_GEMINI_VIDEO_MODEL``.
        gemini_keyframes: who makes Veo's keyframes (``DRISHYA_GEMINI_KEYFRAMES``, default ``gemini``).
        gemini_veo_durations: the clip lengths the Veo model accepts, in whole seconds
            (``DRISHYA_VEO_DURATIONS``, comma-separated, default ``4,6,8``: Veo 3's ``durationSeconds``).
        provider_timeout_s: deadline of one provider call (``DRISHYA_PROVIDER_TIMEOUT_S``, 600).
        provider_retries: retries of a transient failure before falling back (``DRISHYA_PROVIDER_RETRIES``, 2).
        provider_backoff_s: first retry's backoff ceiling (``DRISHYA_PROVIDER_BACKOFF_S``, 1.0).
        breaker_failures, breaker_reset_s: a provider's breaker opens after this many consecutive
            failures and lets a trial call through after this many seconds
            (``DRISHYA_BREAKER_FAILURES``, 3; ``DRISHYA_BREAKER_RESET_S``, 30).
        prices: each provider's price table (``DRISHYA_PROVIDER_PRICES``, see :func:`parse_prices`).
    """

    comfyui_url: str = ""
    comfyui_text_to_image: Path = comfy.TEXT_TO_IMAGE
    comfyui_img2img: Path = comfy.IMG2IMG_CONTINUITY
    comfyui_image_to_video: Path = comfy.IMAGE_TO_VIDEO
    comfyui_keyframes: str = "comfyui"
    comfyui_identity: str = "img2img"
    comfyui_ipadapter: Path = comfy.IPADAPTER_IDENTITY
    comfyui_clip_frames: int = comfy.CLIP_FRAMES
    comfyui_clip_fps: int = comfy.CLIP_FPS
    gemini_api_key: str = ""
    gemini_base_url: str = DEFAULT_BASE_URL
    gemini_image_model: str = DEFAULT_IMAGE_MODEL
    gemini_video_model: str = DEFAULT_VIDEO_MODEL
    gemini_keyframes: str = "gemini"
    gemini_veo_durations: tuple[int, ...] = VEO_DURATIONS_S
    provider_timeout_s: float = 600.0
    provider_retries: int = 2
    provider_backoff_s: float = 1.0
    breaker_failures: int = 3
    breaker_reset_s: float = 30.0
    prices: dict[str, Price] = field(default_factory=lambda: dict(DEFAULT_PRICES))

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> RenderConfig:
        """Build from ``env``; raises :class:`ConfigError` on bad values (unreadable workflows too)."""
        d = cls()
        config = cls(
            comfyui_url=mc.env_str(env, "DRISHYA_COMFYUI_URL", "").rstrip("/"),
            comfyui_text_to_image=Path(mc.env_str(env, "DRISHYA_COMFYUI_T2I_WORKFLOW", str(d.comfyui_text_to_image))),
            comfyui_img2img=Path(
                mc.env_str(
                    env,
                    "DRISHYA_COMFYUI_IMG2IMG_WORKFLOW",
                    mc.env_str(env, "DRISHYA_COMFYUI_REF_WORKFLOW", str(d.comfyui_img2img)),
                )
            ),
            comfyui_image_to_video=Path(mc.env_str(env, "DRISHYA_COMFYUI_I2V_WORKFLOW", str(d.comfyui_image_to_video))),
            comfyui_keyframes=mc.env_str(env, "DRISHYA_COMFYUI_KEYFRAMES", "comfyui").lower(),
            comfyui_identity=mc.env_str(env, "DRISHYA_COMFYUI_IDENTITY", "img2img").lower(),
            comfyui_ipadapter=Path(mc.env_str(env, "DRISHYA_COMFYUI_IPADAPTER_WORKFLOW", str(d.comfyui_ipadapter))),
            comfyui_clip_frames=mc.env_int(env, "DRISHYA_COMFYUI_CLIP_FRAMES", comfy.CLIP_FRAMES, lo=1, hi=4096),
            comfyui_clip_fps=mc.env_int(env, "DRISHYA_COMFYUI_CLIP_FPS", comfy.CLIP_FPS, lo=1, hi=120),
            gemini_api_key=mc.env_str(env, "DRISHYA_GEMINI_API_KEY", ""),
            gemini_base_url=mc.env_str(env, "DRISHYA_GEMINI_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
            gemini_image_model=mc.env_str(env, "DRISHYA_GEMINI_IMAGE_MODEL", DEFAULT_IMAGE_MODEL),
            gemini_video_model=mc.env_str(env, "DRISHYA_GEMINI_VIDEO_MODEL", DEFAULT_VIDEO_MODEL),
            gemini_keyframes=mc.env_str(env, "DRISHYA_GEMINI_KEYFRAMES", "gemini").lower(),
            gemini_veo_durations=_veo_durations(mc.env_str(env, "DRISHYA_VEO_DURATIONS", "4,6,8")),
            provider_timeout_s=mc.env_float(env, "DRISHYA_PROVIDER_TIMEOUT_S", 600.0, lo=0.1, hi=86400),
            provider_retries=mc.env_int(env, "DRISHYA_PROVIDER_RETRIES", 2, lo=0, hi=20),
            provider_backoff_s=mc.env_float(env, "DRISHYA_PROVIDER_BACKOFF_S", 1.0, lo=0.0, hi=600),
            breaker_failures=mc.env_int(env, "DRISHYA_BREAKER_FAILURES", 3, lo=1, hi=1000),
            breaker_reset_s=mc.env_float(env, "DRISHYA_BREAKER_RESET_S", 30.0, lo=0.0, hi=86400),
            prices=parse_prices(mc.env_str(env, "DRISHYA_PROVIDER_PRICES", "")),
        )
        for name, value in (
            ("DRISHYA_COMFYUI_KEYFRAMES", config.comfyui_keyframes),
            ("DRISHYA_GEMINI_KEYFRAMES", config.gemini_keyframes),
        ):
            if value not in KEYFRAME_SOURCES:
                raise ConfigError(f"{name} must be one of {', '.join(KEYFRAME_SOURCES)}, not {value!r}")
        if config.comfyui_identity not in COMFYUI_IDENTITY:
            raise ConfigError(
                f"DRISHYA_COMFYUI_IDENTITY must be one of {', '.join(COMFYUI_IDENTITY)},"
                f" not {config.comfyui_identity!r}"
            )
        if config.comfyui_url:
            for path in (
                config.comfyui_text_to_image,
                config.comfyui_img2img,
                config.comfyui_image_to_video,
                *([config.comfyui_ipadapter] if config.comfyui_identity == "ipadapter" else []),
            ):
                try:
                    comfy.load_workflow(path)
                except (OSError, ValueError) as exc:
                    raise ConfigError(f"ComfyUI workflow {path}: {exc}") from exc
        return config


def _veo_durations(raw: str) -> tuple[int, ...]:
    """``DRISHYA_VEO_DURATIONS`` as whole seconds (see :func:`services.render.gemini.parse_durations`).

    Raises:
        ConfigError: not positive whole numbers.
    """
    try:
        return parse_durations(raw)
    except ValueError as exc:
        raise ConfigError(f"DRISHYA_VEO_DURATIONS: {exc}") from exc


def build_chain(config: RenderConfig, storyboard: StoryboardProvider) -> ProviderChain:
    """The provider chain of ``config``, the storyboard last.

    With ComfyUI configured and an event loop running, its start-up check
    (:meth:`services.render.comfyui.ComfyUI.start`: ``GET /object_info`` against the templates) is
    started as a task; it never fails start-up: an unreachable server is checked again before the
    first prompt, and one that cannot run the templates leaves the provider unavailable with the
    logged reason (every call then falls back at once with ``WORKFLOW_UNSUPPORTED``).

    Raises:
        ConfigError: a link's keyframes come from a provider that is not configured.
    """
    clips: dict[str, comfy.ComfyUI | Gemini] = {}
    if config.comfyui_url:
        comfyui = comfy.ComfyUI.from_paths(
            config.comfyui_url,
            config.comfyui_text_to_image,
            config.comfyui_img2img,
            config.comfyui_image_to_video,
            timeout_s=config.provider_timeout_s,
            identity=config.comfyui_ipadapter if config.comfyui_identity == "ipadapter" else None,
            clip_frames=config.comfyui_clip_frames,
            clip_fps=config.comfyui_clip_fps,
        )
        with contextlib.suppress(RuntimeError):  # no running loop: checked before the first prompt
            comfyui.startup = asyncio.get_running_loop().create_task(comfyui.start())
        clips["comfyui"] = comfyui
    if config.gemini_api_key:
        clips["gemini"] = Gemini(
            config.gemini_api_key,
            config.gemini_base_url,
            config.gemini_image_model,
            config.gemini_video_model,
            timeout_s=config.provider_timeout_s,
            durations_s=config.gemini_veo_durations,
        )
    links: list[RenderProvider] = []
    prices: dict[str, Price] = {}
    for name, clip in clips.items():
        source = config.comfyui_keyframes if name == "comfyui" else config.gemini_keyframes
        image: ImageProvider | None = None
        if source != "storyboard":
            if source not in clips:
                raise ConfigError(f"{name} keyframes from {source}, which is not configured")
            image = clips[source]
        links.append(GenerativeProvider(name, clip, image, storyboard))
        own, keys = config.prices.get(name, Price()), config.prices.get(source, Price())
        prices[name] = Price(keys.image_usd if image is not None else 0.0, own.video_second_usd)
    links.append(storyboard)
    breakers = {
        p.name: CircuitBreaker(failure_threshold=config.breaker_failures, reset_timeout_s=config.breaker_reset_s)
        for p in links
    }
    return ProviderChain(
        links,
        retries=config.provider_retries,
        backoff_s=config.provider_backoff_s,
        call_timeout_s=config.provider_timeout_s + 60.0,
        breakers=breakers,
        prices=prices,
    )
