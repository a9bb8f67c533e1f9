"""The web page: ``/`` and ``/jobs/{job_id}`` answer the same self-contained page with the job
controls, the character counter, the error slots beside each control, the key's job list, the
provider and priority choices, playback through hls.js (served at ``/static/hls.min.js``) with a
quality selector, else native HLS or the MP4, the render manifest and the icon.

The app is driven in-process (ASGI); the page's routes need neither the database nor the mesh. The
script is checked to parse with Node when Node is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.gateway import static
from services.gateway.app import create_app
from services.gateway.config import GatewayConfig
from services.gateway.models import MAX_TEXT_CHARS

EXTERNAL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
ELEMENTS = (
    'id="key"',
    'id="key-error"',
    'id="text"',
    'id="counter"',
    'id="text-error"',
    'id="lang-error"',
    'id="go-error"',
    'id="cancel"',
    'id="retry"',
    'id="action-error"',
    'id="video"',
    'id="jobs"',
    'id="jobs-rows"',
    'id="jobs-more"',
    'id="jobs-error"',
    'id="provider"',
    'id="priority"',
    'id="hls-link"',
    'id="mp4-link"',
    'id="quality"',
    'id="manifest"',
    'id="shots"',
    'id="undrawn"',
    'href="/"',
    '<link rel="icon" href="/favicon.svg"',
)


@pytest_asyncio.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = GatewayConfig(port=0, generation_addr="127.0.0.1:9", media_root=tmp_path)
    app = create_app(config, database_url="postgresql+psycopg://unused@127.0.0.1:9/unused")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as c:
        yield c


def _script(page: str) -> str:
    return page.split("<script>", 1)[1].split("</script>", 1)[0]


async def test_the_form_and_a_job_have_their_own_addresses(client: httpx.AsyncClient) -> None:
    index = await client.get("/")
    job = await client.get(f"/jobs/{uuid.uuid4()}")
    for resp in (index, job):
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
        for element in ELEMENTS:
            assert element in resp.text, element
        assert not EXTERNAL.search(resp.text), EXTERNAL.findall(resp.text)
    assert job.text == index.text  # one page; its script shows the job the address names
    assert (await client.get("/jobs/not-a-job")).status_code == 404
    assert "/jobs/{job_id}" not in (await client.get("/openapi.json")).json()["paths"]


async def test_the_script_routes_acts_and_reports_errors_by_control(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/")).text)
    assert "history.pushState" in script and 'addEventListener("popstate"' in script
    assert '":" + verb' in script and 'act("cancel")' in script and 'act("retry")' in script
    for slot in ("key-error", "text-error", "lang-error", "go-error", "action-error"):
        assert f'"{slot}"' in script
    assert "UNSUPPORTED_LANGUAGE" in script and "INVALID_API_KEY" in script and 'startsWith("TEXT_")' in script
    assert "Retry-After" in script
    assert f"const MAX_CHARS = {MAX_TEXT_CHARS}," in script
    assert "Array.from(s).length" in script  # code points, as the API counts
    # The key stays in this tab and in headers, never in a URL or lasting storage.
    assert "sessionStorage" in script and "localStorage" not in script and "access_token" not in script


async def test_the_job_list_links_each_job_and_shows_its_poster(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/")).text)
    assert "function loadJobs(" in script and "function jobRow(" in script
    assert '"/v1/jobs" + q' in script and "page_token=" in script and "next_page_token" in script
    assert '"/jobs/" + job.job_id' in script
    assert "job.result.poster_url" in script and "job.create_time" in script and "job.language_code" in script


async def test_the_form_sends_provider_and_priority(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text
    for provider in ("storyboard", "comfyui", "gemini"):
        assert f'<option value="{provider}">' in page
    priorities = re.findall(
        r'<option value="(\d)"(?: selected)?>', page.split('id="priority"', 1)[1].split("</select>", 1)[0]
    )
    assert priorities == [str(n) for n in range(10)]
    assert '<option value="" selected>Plan\'s</option>' in page, "no priority sent: the key's plan sets it"
    script = _script(page)
    assert 'options.provider = $("provider").value' in script
    assert 'if ($("priority").value !== "") options.priority = Number($("priority").value)' in script


async def test_the_job_view_plays_hls_natively_else_mp4_and_shows_the_manifest(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/")).text)
    assert "application/vnd.apple.mpegurl" in script and "canPlayType" in script
    assert "result.hls_master_url" in script and "result.mp4_url" in script and '$("hls-link").href' in script
    assert "function showManifest(" in script
    assert "job.shots" in script and "shot.elements" in script and "job.undrawn_concepts" in script
    assert "e.drawing" in script and "e.concept_id" in script and "u.reason" in script
    # hls.js is loaded from the gateway only when a video plays; without it the page plays as before.
    assert 'HLS_JS = "/static/hls.min.js"' in script and "<script src" not in (await client.get("/")).text
    assert "Hls.isSupported()" in script and "player.loadSource(url)" in script and "player.attachMedia(v)" in script
    assert "player.levels" in script and 'l.height + "p"' in script and '"Auto"' in script
    assert 'hlsPlayer.currentLevel = Number($("quality").value)' in script
    assert "s.onerror = () => resolve(null)" in script and "data.fatal" in script  # the fallbacks
    assert '$("mp4-link").href = result.mp4_url' in script


async def test_long_text_is_kept_and_flagged_not_cut(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text
    textarea = re.search(r"<textarea[^>]*>", page)
    assert textarea is not None and "maxlength" not in textarea.group(0)
    assert "too many" in _script(page)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_script_parses(client: httpx.AsyncClient, tmp_path: Path) -> None:
    path = tmp_path / "page.js"
    path.write_text(_script((await client.get(f"/jobs/{uuid.uuid4()}")).text), encoding="utf-8")
    checked = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


async def test_the_icon_is_served(client: httpx.AsyncClient) -> None:
    icon = await client.get("/favicon.svg")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert (await client.get("/favicon.ico")).status_code == 200


async def test_hls_js_is_served_as_javascript(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "hls.min.js"
    script.write_text("window.Hls = function Hls() {};\n", encoding="utf-8")
    monkeypatch.setenv(static.HLS_JS_ENV, str(script))
    resp = await client.get(static.HLS_JS_PATH)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"] == "text/javascript; charset=utf-8"
    assert resp.text == script.read_text(encoding="utf-8")
    assert "max-age=86400" in resp.headers["cache-control"] and resp.headers["etag"]
    assert static.HLS_JS_PATH not in (await client.get("/openapi.json")).json()["paths"]


async def test_the_installed_hls_js_is_found_in_the_repository(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(static.HLS_JS_ENV, raising=False)
    if static.hls_js_path() is None:
        pytest.skip("hls.js is not installed: make .tools/node_modules/hls.js/dist/hls.min.js")
    resp = await client.get(static.HLS_JS_PATH)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/javascript")
    assert "isSupported" in resp.text


async def test_a_missing_hls_js_is_a_clear_404(
    client: httpx.AsyncClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(static.HLS_JS_ENV, str(tmp_path / "absent.js"))
    resp = await client.get(static.HLS_JS_PATH)
    assert resp.status_code == 404 and resp.headers["content-type"] == "application/problem+json"
    body = resp.json()
    assert body["reason"] == "HLS_JS_MISSING", body
    assert static.HLS_JS_ENV in body["detail"] and "make " in body["detail"], body
