"""A cloud translation API client in the LibreTranslate shape (https://libretranslate.com/docs/).

``POST <url>`` with JSON ``{"q": [sentences], "source": "te", "target": "en", "format": "text",
"api_key": "..."}``; the answer is ``{"translatedText": [translations]}`` (a string when ``q`` was a
string). The API returns no score, so every segment gets :data:`CLOUD_CONFIDENCE`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import httpx

from services.language.translate import Method, ProviderError, Segment

#: Confidence given to cloud API segments (the API reports none).
CLOUD_CONFIDENCE = 0.85


class CloudTranslateProvider:
    """Translates through an HTTP JSON API.

    Args:
        url: the translate endpoint, e.g. ``https://translate.example/translate``.
        api_key: sent as ``api_key`` in the body (LibreTranslate's convention).
        timeout_s: connect + read deadline of each call, in seconds.
        client: an ``httpx.AsyncClient`` to use (tests pass one with a fake transport).
    """

    def __init__(
        self, url: str, api_key: str, *, timeout_s: float = 10.0, client: httpx.AsyncClient | None = None
    ) -> None:
        self._url = url
        self._key = api_key
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(timeout_s))
        self._timeout = httpx.Timeout(timeout_s)

    @property
    def fingerprint(self) -> str:
        """``cloud:<url>:<hash of the key>`` (a different key may reach a different model)."""
        return f"cloud:{self._url}:{hashlib.sha256(self._key.encode()).hexdigest()[:8]}"

    def supports(self, source: str, target: str, *, romanized: bool) -> bool:
        """Any pair of served languages, for native-script sources."""
        return not romanized

    async def translate(self, sentences: Sequence[str], source: str, target: str) -> list[Segment]:
        """One CLOUD_API segment per sentence.

        Raises:
            ProviderError: transport error, timeout, non-2xx status or an answer of the wrong shape.
        """
        body = {"q": list(sentences), "source": source, "target": target, "format": "text", "api_key": self._key}
        try:
            resp = await self._client.post(self._url, json=body, timeout=self._timeout)
            resp.raise_for_status()
            data = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise ProviderError(f"cloud translation failed: {exc}") from exc
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str):
            translated = [translated]
        if not isinstance(translated, list) or len(translated) != len(sentences):
            raise ProviderError(f"cloud translation answered {str(data)[:200]!r}")
        return [
            Segment(src, str(dst).strip(), Method.CLOUD_API, CLOUD_CONFIDENCE)
            for src, dst in zip(sentences, translated, strict=True)
        ]

    async def aclose(self) -> None:
        """Close the HTTP client."""
        await self._client.aclose()
