"""The API's documentation pages and the site icon, served with no third-party host involved.

Swagger UI is at ``/docs`` (with its OAuth2 redirect page at ``/docs/oauth2-redirect``) and ReDoc at
``/redoc``; both read ``/openapi.json``. Their JavaScript and CSS are served from
``/docs/assets/<name>``: the Swagger UI 5 bundle and stylesheet and the ReDoc 2 standalone bundle
that the PyPI package ``fastapi-offline`` ships as package data (pinned in pyproject.toml), so the
pages work on a machine without internet access. Swagger UI's online validator badge is off
(``validatorUrl: null``), and ReDoc does not load web fonts, so neither page reaches another host.

The icon is one SVG (``/favicon.svg``) and, for clients that ask for ``/favicon.ico`` by habit, a
32x32 ICO drawn with Pillow in the same colours.
"""

from __future__ import annotations

import functools
import importlib.resources
import io
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from PIL import Image, ImageDraw

from services.gateway.problems import ApiProblem

#: Where the documentation assets are served; a file name follows.
ASSET_PREFIX = "/docs/assets/"
#: The assets served, by file name, with their content types.
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
}
#: Browsers and proxies may keep an asset (or the icon) this long, in seconds (one day).
ASSET_MAX_AGE_S = 86400
FAVICON_PATH = "/favicon.svg"

#: The site icon: a play mark on a saffron frame (24x24 user units, scales to any size).
FAVICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    '<rect x="1" y="3" width="22" height="18" rx="4" fill="#e8710a"/>'
    '<rect x="3" y="5" width="18" height="14" rx="2.5" fill="#1f1f3a"/>'
    '<path d="M10 8.5v7l6-3.5z" fill="#ffd54f"/>'
    "</svg>"
)


def asset_dir() -> Path:
    """The directory holding the Swagger UI and ReDoc files inside the installed ``fastapi_offline``.

    Raises:
        ModuleNotFoundError: the package is not installed.
    """
    return Path(str(importlib.resources.files("fastapi_offline").joinpath("static")))


@functools.cache
def favicon_ico() -> bytes:
    """The icon as a 32x32 ICO (PNG-compressed entry), drawn like :data:`FAVICON_SVG`."""
    scale = 32 / 24
    img = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)

    def box(x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        return (x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1)

    draw.rounded_rectangle(box(1, 3, 22, 18), radius=4 * scale, fill="#e8710a")
    draw.rounded_rectangle(box(3, 5, 18, 14), radius=2.5 * scale, fill="#1f1f3a")
    draw.polygon([(10 * scale, 8.5 * scale), (10 * scale, 15.5 * scale), (16 * scale, 12 * scale)], fill="#ffd54f")
    out = io.BytesIO()
    img.save(out, format="ICO", sizes=[(32, 32)])
    return out.getvalue()


def install_docs(app: FastAPI) -> None:
    """Add ``/docs``, ``/docs/oauth2-redirect``, ``/redoc``, the assets and the icons to ``app``.

    ``app`` must have been made with ``docs_url=None`` and ``redoc_url=None`` so that FastAPI's own
    pages, which load their files from a CDN, are not there. None of these routes is in the
    OpenAPI document. An unknown asset name answers 404 ASSET_NOT_FOUND.
    """
    openapi_url = app.openapi_url or "/openapi.json"
    redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"
    cache = {"Cache-Control": f"public, max-age={ASSET_MAX_AGE_S}"}

    @app.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    async def swagger_ui(request: Request) -> HTMLResponse:
        """Swagger UI over ``/openapi.json``; every file it loads comes from this server."""
        root = str(request.scope.get("root_path", ""))
        params: dict[str, Any] = {**(app.swagger_ui_parameters or {}), "validatorUrl": None}
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{ASSET_PREFIX}swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSET_PREFIX}swagger-ui.css",
            swagger_favicon_url=root + FAVICON_PATH,
            oauth2_redirect_url=root + redirect_url,
            swagger_ui_parameters=params,
        )

    @app.get(redirect_url, include_in_schema=False, response_class=HTMLResponse)
    async def swagger_ui_redirect() -> HTMLResponse:
        """Swagger UI's OAuth2 redirect page (no external files)."""
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False, response_class=HTMLResponse)
    async def redoc(request: Request) -> HTMLResponse:
        """ReDoc over ``/openapi.json``, without web fonts."""
        root = str(request.scope.get("root_path", ""))
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSET_PREFIX}redoc.standalone.js",
            redoc_favicon_url=root + FAVICON_PATH,
            with_google_fonts=False,
        )

    @app.get(ASSET_PREFIX + "{name}", include_in_schema=False, response_class=FileResponse)
    async def docs_asset(name: str) -> Response:
        """One of :data:`ASSETS`, with ``ETag``/``Last-Modified`` and a day of caching."""
        media_type = ASSETS.get(name)
        if media_type is None:
            raise ApiProblem(404, "ASSET_NOT_FOUND", "no such documentation asset", metadata={"name": name[:64]})
        return FileResponse(asset_dir() / name, media_type=media_type, headers=cache)

    @app.get(FAVICON_PATH, include_in_schema=False)
    async def favicon_svg() -> Response:
        """The site icon (SVG)."""
        return Response(FAVICON_SVG, media_type="image/svg+xml", headers=cache)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        """The site icon (ICO, 32x32)."""
        return Response(favicon_ico(), media_type="image/x-icon", headers=cache)
