"""HTTP calls of the provider adapters, with their failures classified for the provider chain.

429 and 5xx answers, timeouts and transport errors are :class:`ProviderError` (retried, with the
answer's Retry-After honoured); other 4xx answers are :class:`ProviderRejected` (not retried).
"""

from __future__ import annotations

from typing import Any

import httpx

from .types import ProviderError, ProviderRejected


def retry_after(resp: httpx.Response) -> float | None:
    """The Retry-After header in seconds (RFC 9110 delta-seconds form), or None."""
    value = resp.headers.get("retry-after", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def check(resp: httpx.Response, provider: str, what: str) -> httpx.Response:
    """``resp`` when it succeeded.

    Raises:
        ProviderError: HTTP 429 or 5xx (``retry_after_s`` from the answer).
        ProviderRejected: another 4xx.
    """
    if resp.status_code == 429 or resp.status_code >= 500:
        raise ProviderError(
            f"{provider} {what}: HTTP {resp.status_code}", provider=provider, retry_after_s=retry_after(resp)
        )
    if resp.status_code >= 400:
        raise ProviderRejected(f"{provider} {what}: HTTP {resp.status_code}: {resp.text[:300]}", provider=provider)
    return resp


async def request(
    http: httpx.AsyncClient, provider: str, what: str, method: str, url: str, **kw: Any
) -> httpx.Response:
    """``http.request(method, url, **kw)``, checked with :func:`check`.

    Raises:
        ProviderError: ``PROVIDER_TIMEOUT`` on a timeout, ``PROVIDER_FAILED`` on a transport error,
            429 or 5xx.
        ProviderRejected: another 4xx.
    """
    try:
        resp = await http.request(method, url, **kw)
    except httpx.TimeoutException as exc:
        raise ProviderError(f"{provider} {what}: timed out", provider=provider, reason="PROVIDER_TIMEOUT") from exc
    except httpx.TransportError as exc:
        raise ProviderError(f"{provider} {what}: {exc}", provider=provider) from exc
    return check(resp, provider, what)
