"""Provider-specific prompt formatting.

* ``storyboard`` (the local renderer, default): plain English, comma-separated phrases.
* ``gemini`` (Gemini's image model, then Veo): plain English sentences, like the storyboard's.
* ``comfyui`` (the shipped SDXL workflow): the ``sdxl`` format.
* ``sdxl`` (Stable Diffusion XL style back ends): comma-separated tokens with attention weights in
  the ``(token:1.2)`` syntax read by the AUTOMATIC1111 web UI and ComfyUI; subject and action are
  weighted up, so they survive CLIP's 77-token window.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from services.mesh.errors import FieldViolation, InvalidArgument
from services.prompt.templates import PromptParts

#: Provider used when the request names none.
DEFAULT_PROVIDER = "storyboard"


def _storyboard(p: PromptParts) -> str:
    parts = [p.sentence(), *p.camera, p.lighting, p.palette, p.tone, p.style]
    return ", ".join(x for x in parts if x)


def _storyboard_negative(terms: Sequence[str]) -> str:
    return ", ".join(terms)


def _weighted(token: str, weight: float) -> str:
    return f"({token}:{weight:.1f})" if token else ""


def _no_articles(text: str) -> str:
    return re.sub(r"\b(?:a|an|the) ", "", text)


def _sdxl(p: PromptParts) -> str:
    parts = [
        p.shot.lower(),
        _weighted(_no_articles(p.doing()), 1.3),
        _weighted(_no_articles(p.location_np), 1.1),
        p.when,
        *p.camera,
        p.lighting,
        p.palette,
        p.tone,
        p.style,
        "highly detailed",
    ]
    return ", ".join(x for x in parts if x)


def _sdxl_negative(terms: Sequence[str]) -> str:
    # The worst artefacts first and weighted up, the rest plain.
    return ", ".join(_weighted(t, 1.2) if i < 4 else t for i, t in enumerate(terms))


#: Formatters by provider name: (visual prompt, negative prompt).
FORMATTERS: dict[str, tuple[Callable[[PromptParts], str], Callable[[Sequence[str]], str]]] = {
    "storyboard": (_storyboard, _storyboard_negative),
    "sdxl": (_sdxl, _sdxl_negative),
    "comfyui": (_sdxl, _sdxl_negative),
    "gemini": (_storyboard, _storyboard_negative),
}


def resolve_provider(name: str) -> str:
    """The provider to format for: ``name`` lower-cased, or ``"storyboard"`` when blank.

    Raises:
        InvalidArgument: reason ``UNKNOWN_PROVIDER`` with a violation on ``provider``.
    """
    key = name.strip().lower() or DEFAULT_PROVIDER
    if key not in FORMATTERS:
        raise InvalidArgument(
            f"unknown provider {name!r}",
            reason="UNKNOWN_PROVIDER",
            violations=[FieldViolation("provider", f"must be one of {', '.join(sorted(FORMATTERS))}")],
            metadata={"provider": name, "supported": ",".join(sorted(FORMATTERS))},
        )
    return key


def format_prompt(provider: str, parts: PromptParts) -> str:
    """The visual prompt of ``parts`` for ``provider`` (already resolved)."""
    return FORMATTERS[provider][0](parts)


def format_negative(provider: str, terms: Sequence[str]) -> str:
    """The negative prompt of ``terms`` for ``provider`` (already resolved)."""
    return FORMATTERS[provider][1](terms)
