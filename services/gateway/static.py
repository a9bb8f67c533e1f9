"""Scripts the web pages load from the gateway itself: hls.js, the HLS player of browsers that do
not play HLS natively.

``GET /static/hls.min.js`` serves ``dist/hls.min.js`` of the npm package ``hls.js`` (Apache-2.0):
the file at ``$DRISHYA_HLS_JS``, else the copy ``make`` installs into the repository's ``.tools``.
When neither exists the route answers 404 ``HLS_JS_MISSING`` with a problem body saying how to
install it, and the pages play as they do without it: HLS where the browser plays it itself, the
MP4 elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response

from services.gateway.problems import ApiProblem

HLS_JS_ENV = "DRISHYA_HLS_JS"
#: Where the pages load hls.js from.
HLS_JS_PATH = "/static/hls.min.js"
_REPO_HLS_JS = Path(".tools/node_modules/hls.js/dist/hls.min.js")
#: Browsers and proxies may keep the script this long, in seconds (one day).
MAX_AGE_S = 86400


def _repository_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / "pyproject.toml").is_file():
            return directory
    return None


def hls_js_path() -> Path | None:
    """``$DRISHYA_HLS_JS`` when set (None if it is not a file), else the repository's ``.tools`` copy
    when installed, else None. The repository is the nearest directory above this module that holds
    ``pyproject.toml``."""
    configured = os.environ.get(HLS_JS_ENV)
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    root = _repository_root(Path(__file__).resolve().parent)
    if root is not None and (root / _REPO_HLS_JS).is_file():
        return root / _REPO_HLS_JS
    return None


def install_static(app: FastAPI) -> None:
    """Add the ``/static/hls.min.js`` route to ``app``."""

    @app.get(HLS_JS_PATH, include_in_schema=False, response_class=FileResponse)
    async def hls_js() -> Response:
        """hls.js, with ``ETag``/``Last-Modified`` and a day of caching; 404 HLS_JS_MISSING when absent."""
        path = hls_js_path()
        if path is None:
            configured = os.environ.get(HLS_JS_ENV)
            where = f"{HLS_JS_ENV}={configured} is not a file" if configured else "hls.js is not installed"
            raise ApiProblem(
                404,
                "HLS_JS_MISSING",
                f"{where}: run `make {_REPO_HLS_JS}` in the repository or set {HLS_JS_ENV} to hls.js's "
                "dist/hls.min.js; the pages play HLS natively where the browser can, else the MP4",
            )
        return FileResponse(
            path,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": f"public, max-age={MAX_AGE_S}"},
        )
