"""The gateway's documentation pages work offline: ``/docs`` (Swagger UI) and ``/redoc`` load every
file from the gateway itself, each answers 200 with its content type, and no page names another host.

The app is driven in-process (ASGI); these routes need neither the database nor the mesh.
"""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from services.gateway.app import create_app
from services.gateway.config import GatewayConfig

#: An absolute or scheme-relative URL anywhere in a page.
EXTERNAL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
#: The files a page loads: ``src``/``href`` attributes and ``spec-url`` (ReDoc).
LOADED = re.compile(r'(?:src|href|spec-url)="([^"]+)"')


@pytest_asyncio.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = GatewayConfig(port=0, generation_addr="127.0.0.1:9", media_root=tmp_path)
    app = create_app(config, database_url="postgresql+psycopg://unused@127.0.0.1:9/unused")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as c:
        yield c


async def _page_and_assets(c: httpx.AsyncClient, path: str) -> dict[str, httpx.Response]:
    page = await c.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html"), page.text[:300]
    assert not EXTERNAL.search(page.text), EXTERNAL.findall(page.text)
    loaded = LOADED.findall(page.text)
    assert loaded
    out = {}
    for url in loaded:
        assert url.startswith("/") and not url.startswith("//"), url
        resp = await c.get(url)
        assert resp.status_code == 200, (url, resp.status_code, resp.text[:200])
        assert resp.content, url
        out[url] = resp
    return out


async def test_swagger_ui_loads_only_files_the_gateway_serves(client: httpx.AsyncClient) -> None:
    page = (await client.get("/docs")).text
    assert '"validatorUrl": null' in page  # the online validator badge would call another host
    assets = await _page_and_assets(client, "/docs")
    js = assets["/docs/assets/swagger-ui-bundle.js"]
    assert js.headers["content-type"].startswith("text/javascript") and b"SwaggerUIBundle" in js.content
    assert "max-age" in js.headers["cache-control"] and js.headers.get("etag")
    css = assets["/docs/assets/swagger-ui.css"]
    assert css.headers["content-type"].startswith("text/css") and b".swagger-ui" in css.content
    urls = re.findall(r"url\(\"?([^\")]*)", css.text)
    assert urls and all(u.startswith("data:") for u in urls), [u[:40] for u in urls if not u.startswith("data:")]
    assert "@import" not in css.text
    assert assets["/favicon.svg"].headers["content-type"] == "image/svg+xml"
    spec = await client.get("/openapi.json")
    assert spec.status_code == 200 and spec.json()["info"]["title"] == "Drishya API"
    redirect = await client.get("/docs/oauth2-redirect")
    assert redirect.status_code == 200 and not EXTERNAL.search(redirect.text)


async def test_redoc_loads_only_files_the_gateway_serves(client: httpx.AsyncClient) -> None:
    assets = await _page_and_assets(client, "/redoc")
    assert b"Redoc" in assets["/docs/assets/redoc.standalone.js"].content
    assert "fonts.googleapis" not in (await client.get("/redoc")).text


async def test_unknown_assets_are_404_problems(client: httpx.AsyncClient) -> None:
    for path in ("/docs/assets/core.py", "/docs/assets/..%2Fcore.py", "/docs/assets/favicon.png"):
        resp = await client.get(path)
        assert resp.status_code == 404, path
        assert resp.headers["content-type"] == "application/problem+json"


async def test_icons_are_served(client: httpx.AsyncClient) -> None:
    ico = await client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.headers["content-type"] == "image/x-icon"
    with Image.open(io.BytesIO(ico.content)) as img:
        assert img.format == "ICO" and img.size == (32, 32)
    svg = await client.get("/favicon.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_docs_pages_are_not_in_the_openapi_document(client: httpx.AsyncClient, path: str) -> None:
    assert path not in (await client.get("/openapi.json")).json()["paths"]
