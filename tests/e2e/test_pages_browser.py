"""End to end in a real headless browser: the pages at ``/``, ``/jobs/{id}`` and ``/stories`` driven by
Playwright through Debian's Chromium against the whole mesh.

A scene is written, watched to the end and played; a job is cancelled from its page; an over-long
scene is flagged, kept whole and not sent; a two-scene story is created, reordered, rendered and its
playback link fetched with no key. One screenshot per page goes to the test's ``tmp_path``.

Chromium comes from Debian (``make test`` installs it as root where ``apt-get`` is available);
Playwright's own browser downloads are not used. Without Chromium or Playwright these tests skip.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.cli.local import LocalMesh

try:
    from playwright.async_api import Browser, Error, Page, async_playwright
except ImportError:  # pragma: no cover - only without the dev extras
    pytest.skip("the playwright package is not installed: pip install -e '.[dev]'", allow_module_level=True)

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("DRISHYA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCENE_TE = "వర్షంలో ఒక అమ్మాయి తోటలో నాట్యం చేస్తోంది."
CANCEL_SCENE = "A boy flies a red kite over the village fields at sunset while his dog runs beside him."
STORY_SCENES = ["Meena walks slowly through the mango garden.", "Ravi waits for her at the old gate in the rain."]
#: Milliseconds to wait for a job (or a story's jobs) to end.
JOB_TIMEOUT_MS = 150_000


@pytest_asyncio.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium under Playwright; the tests skip, saying what is missing, when it cannot start."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium (make test does so as root)")
    async with async_playwright() as p:
        try:
            b = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        except Error as err:
            pytest.skip(f"Chromium at {CHROMIUM} could not be launched: {err.message.splitlines()[0]}")
        try:
            yield b
        finally:
            await b.close()


@pytest_asyncio.fixture
async def page(browser: Browser, mesh: LocalMesh) -> AsyncIterator[Page]:
    """A fresh tab (its own sessionStorage) on the mesh's gateway."""
    context = await browser.new_context(base_url=mesh.gateway_url, viewport={"width": 1000, "height": 1400})
    context.set_default_timeout(20_000)
    tab = await context.new_page()
    try:
        yield tab
    finally:
        await context.close()


async def _open_with_key(page: Page, path: str, key: str) -> None:
    await page.goto(path)
    await page.fill("#key", key)
    await page.dispatch_event("#key", "change")


async def _submit(page: Page, text: str, **selects: str) -> str:
    """Writes a scene on ``/``, submits it and returns the job id the address moved to."""
    await page.fill("#text", text)
    for control, value in selects.items():
        await page.select_option(f"#{control}", value)
    await page.click("#go")
    await page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    return page.url.rsplit("/", 1)[1]


async def _newest_job(http: httpx.AsyncClient) -> str:
    jobs = (await http.get("/v1/jobs", params={"page_size": 1})).json().get("jobs", [])
    return str(jobs[0]["job_id"]) if jobs else ""


async def test_scene_is_submitted_watched_played_and_shown_again_after_reload(
    page: Page, mesh: LocalMesh, tmp_path: Path
) -> None:
    started = time.monotonic()
    await _open_with_key(page, "/", mesh.api_key)
    job_id = await _submit(page, SCENE_TE, lang="te")
    assert await page.text_content("#job-id") == job_id
    await page.wait_for_function(
        "document.getElementById('status').textContent.startsWith('SUCCEEDED')", timeout=JOB_TIMEOUT_MS
    )
    video = page.locator("#video")
    await video.wait_for(state="visible")
    assert await video.get_attribute("src"), "the video has no source"
    # The page plays HLS where the browser does and the MP4 elsewhere; either must load and play.
    await page.evaluate(
        "() => { const v = document.getElementById('video'); v.muted = true; v.play().catch(() => {}); }",
    )
    await page.wait_for_function(
        "(() => { const v = document.getElementById('video'); return v.readyState >= 2 && v.duration > 0; })()",
        timeout=30_000,
    )
    media: dict[str, Any] = await page.evaluate(
        "(() => { const v = document.getElementById('video');"
        " return {src: v.currentSrc, duration: v.duration, ready: v.readyState, error: v.error && v.error.code}; })()"
    )
    assert media["error"] is None and media["duration"] > 0, media
    assert "sig=" in media["src"], media  # a signed media URL, not one carrying the key

    await page.reload()
    await page.wait_for_function("document.getElementById('status').textContent.startsWith('SUCCEEDED')")
    assert await page.text_content("#job-id") == job_id
    assert await page.is_hidden("#form")
    manifest = page.locator("#manifest")
    await manifest.wait_for(state="visible")
    shots = page.locator("#shots > li")
    assert await shots.count() >= 1
    assert re.match(r"Shot 1 · \w+", (await shots.first.text_content()) or "")
    assert await page.locator("#undrawn > li").count() >= 1
    await page.screenshot(path=str(tmp_path / "job.png"), full_page=True)
    print(f"job page: {job_id} succeeded and played in {time.monotonic() - started:.1f} s; screenshot {tmp_path}")


async def test_job_is_cancelled_from_its_page(page: Page, mesh: LocalMesh, http: httpx.AsyncClient) -> None:
    await _open_with_key(page, "/", mesh.api_key)
    job_id = await _submit(page, CANCEL_SCENE, lang="en", priority="0")
    await page.click("#cancel")
    await page.wait_for_function(
        "document.getElementById('status').textContent.startsWith('CANCELLED')", timeout=JOB_TIMEOUT_MS
    )
    assert await page.is_hidden("#cancel")
    assert (await page.text_content("#action-error")) == ""
    job = (await http.get(f"/v1/jobs/{job_id}")).json()
    assert job["state"] == "JOB_STATE_CANCELLED", job


async def test_over_long_scene_is_flagged_kept_whole_and_not_sent(
    page: Page, mesh: LocalMesh, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    before = await _newest_job(http)
    await _open_with_key(page, "/", mesh.api_key)
    text = ("వర్షంలో ఒక అమ్మాయి నాట్యం చేస్తోంది. " * 60).strip()
    assert len(text) > 2000
    await page.fill("#text", text)
    counter = page.locator("#counter")
    assert await counter.get_attribute("class") == "counter over"
    assert f"{len(text)} / 2000 characters — {len(text) - 2000} too many" in ((await counter.text_content()) or "")
    assert await page.get_attribute("#text", "class") == "over"
    await page.click("#go")
    error = page.locator("#text-error")
    await error.wait_for(state="visible")
    assert f"The scene has {len(text)} characters; at most 2000" in ((await error.text_content()) or "")
    assert await page.input_value("#text") == text  # kept whole, never cut
    assert page.url.rstrip("/") == mesh.gateway_url
    assert await page.is_visible("#form") and await page.is_hidden("#job-box")
    await page.screenshot(path=str(tmp_path / "form.png"), full_page=True)
    assert await _newest_job(http) == before  # nothing was submitted


async def test_story_is_created_reordered_rendered_and_its_playback_link_answers(
    page: Page, mesh: LocalMesh, tmp_path: Path
) -> None:
    started = time.monotonic()
    await _open_with_key(page, "/stories", mesh.api_key)
    await page.fill("#title", "Meena at the gate")
    await page.fill("#newScenes", "\n".join(STORY_SCENES))
    await page.click("#create")
    await page.locator("#storyView").wait_for(state="visible")
    assert await page.text_content("#storyTitle") == "Meena at the gate"
    scenes = page.locator("#scenes > li")
    await page.wait_for_function("document.querySelectorAll('#scenes > li').length === 2")
    assert [await scenes.nth(i).locator("div").first.text_content() for i in range(2)] == STORY_SCENES

    await scenes.first.get_by_role("button", name="↓ down").click()
    await page.wait_for_function(
        "(t) => document.querySelector('#scenes > li > div').textContent === t", arg=STORY_SCENES[1]
    )
    assert [await scenes.nth(i).locator("div").first.text_content() for i in range(2)] == STORY_SCENES[::-1]
    assert (await page.text_content("#msg")) == ""

    await page.click("#render")
    await page.wait_for_function(
        "(() => { const m = [...document.querySelectorAll('#scenes > li > .meta')];"
        " return m.length === 2 && m.every((x) => x.textContent.includes(' · succeeded')); })()",
        timeout=JOB_TIMEOUT_MS,
    )
    await page.click("#play")
    link = page.locator("#hls")
    await link.wait_for(state="visible")
    href = await link.get_attribute("href")
    assert href and "sig=" in href and mesh.api_key not in href, href
    assert await page.locator("#chapters > li").count() == 2
    # The signed link is the grant: fetched with no Authorization header and no cookies.
    answer: dict[str, Any] = await page.evaluate(
        "(async (u) => { const r = await fetch(u, { credentials: 'omit' });"
        " return { status: r.status, type: r.headers.get('content-type'), body: await r.text() }; })",
        href,
    )
    assert answer["status"] == 200, answer
    assert answer["body"].startswith("#EXTM3U"), answer
    await page.screenshot(path=str(tmp_path / "story.png"), full_page=True)
    print(f"story page: rendered and linked in {time.monotonic() - started:.1f} s; screenshot {tmp_path}")
