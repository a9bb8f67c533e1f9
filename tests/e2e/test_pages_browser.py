"""End to end in a real headless browser: the pages at ``/``, ``/jobs/{id}`` and ``/stories`` driven by
Playwright through Debian's Chromium against the whole mesh.

A scene is written, watched to the end and played through hls.js (served by the gateway) from its
signed master playlist, switching between the renditions with the quality selector; a job is
cancelled from its page; an over-long scene is flagged, kept whole and not sent; a two-scene story
is created, reordered, rendered and its playback link fetched with no key; a story bible's character
is renamed on the page, and a stale save shows the conflict. One screenshot per page goes to the
test's ``tmp_path``.

Chromium comes from Debian (``make test`` installs it as root where ``apt-get`` is available);
Playwright's own browser downloads are not used. Without Chromium or Playwright these tests skip.
"""

from __future__ import annotations

import os
import re
import time
import uuid
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
    media_answers: list[tuple[str, int]] = []
    page.on("response", lambda r: media_answers.append((r.url, r.status)) if "/v1/media/" in r.url else None)
    await _open_with_key(page, "/", mesh.api_key)
    job_id = await _submit(page, SCENE_TE, lang="te")
    assert await page.text_content("#job-id") == job_id
    await page.wait_for_function(
        "document.getElementById('status').textContent.startsWith('SUCCEEDED')", timeout=JOB_TIMEOUT_MS
    )
    video = page.locator("#video")
    await video.wait_for(state="visible")
    # hls.js plays the signed master playlist; the quality selector lists its two renditions.
    quality = page.locator("#quality")
    await quality.wait_for(state="visible", timeout=30_000)
    assert await quality.locator("option").all_text_contents() == ["Auto", "720p", "360p"]
    assert ((await page.text_content("#playing-what")) or "").startswith("(playing HLS")
    assert await page.get_attribute("#mp4-link", "href")
    await page.evaluate(
        "() => { const v = document.getElementById('video'); v.muted = true; v.play().catch(() => {}); }",
    )
    await page.wait_for_function(
        "(() => { const v = document.getElementById('video'); return v.readyState >= 2 && v.duration > 0; })()",
        timeout=30_000,
    )
    media: dict[str, Any] = await page.evaluate(
        "(() => { const v = document.getElementById('video');"
        " return {src: hlsPlayer && hlsPlayer.url, duration: v.duration, ready: v.readyState,"
        " error: v.error && v.error.code, heights: hlsPlayer ? hlsPlayer.levels.map((l) => l.height) : []}; })()"
    )
    assert media["error"] is None and media["duration"] > 0, media
    assert "sig=" in media["src"] and mesh.api_key not in media["src"], media  # signed, not carrying the key
    assert sorted(media["heights"]) == [360, 720], media
    # Switching the quality sets hls.currentLevel; playback goes on in the chosen rendition.
    for label, height in (("360p", 360), ("720p", 720)):
        level = media["heights"].index(height)
        await page.select_option("#quality", label=label)
        await page.wait_for_function(
            "(n) => hlsPlayer.currentLevel === n && !hlsPlayer.autoLevelEnabled", arg=level, timeout=30_000
        )
        assert label in ((await page.text_content("#playing-what")) or "")
    await page.evaluate("() => document.getElementById('video').play().catch(() => {})")
    await page.wait_for_function(
        "(() => { const v = document.getElementById('video'); return v.readyState >= 2 && !v.error; })()",
        timeout=30_000,
    )
    await page.select_option("#quality", label="Auto")
    await page.wait_for_function("hlsPlayer.autoLevelEnabled")
    # hls.js fetched the rewritten playlists and the segments as given: absolute signed URLs.
    segments = [(u, st) for u, st in media_answers if ".ts?" in u]
    assert segments and all("sig=" in u and st in (200, 206) for u, st in segments), media_answers
    assert not [a for a in media_answers if a[1] >= 400], media_answers

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

    # Without hls.js (the gateway answers 404) the page plays as before: native HLS, else the MP4.
    await page.route("**/static/hls.min.js", lambda route: route.fulfill(status=404, body="missing"))
    await page.reload()
    await page.wait_for_function("document.getElementById('status').textContent.startsWith('SUCCEEDED')")
    await page.wait_for_function("document.getElementById('video').getAttribute('src')")
    await page.evaluate(
        "() => { const v = document.getElementById('video'); v.muted = true; v.play().catch(() => {}); }"
    )
    await page.wait_for_function("document.getElementById('video').readyState >= 2", timeout=30_000)
    src = await page.evaluate("document.getElementById('video').currentSrc")
    assert "sig=" in src and (".mp4?" in src or ".m3u8?" in src), src
    assert await page.is_hidden("#quality")
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
    # The story's master playlist plays through hls.js too, with its renditions to choose from.
    await page.locator("#qualityBox").wait_for(state="visible", timeout=30_000)
    assert (await page.locator("#quality option").all_text_contents())[0] == "Auto"
    await page.evaluate(
        "() => { const v = document.getElementById('player'); v.muted = true; v.play().catch(() => {}); }"
    )
    await page.wait_for_function("document.getElementById('player').readyState >= 2", timeout=30_000)
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


async def test_story_bible_character_is_renamed_and_a_stale_save_conflicts(
    page: Page, mesh: LocalMesh, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    title = f"Bible {uuid.uuid4().hex[:8]}"
    created = await http.post("/v1/stories", json={"title": title, "scenes": [{"text": STORY_SCENES[0]}]})
    assert created.status_code == 201, created.text
    sid = created.json()["story_id"]
    etag = (await http.get(f"/v1/stories/{sid}/bible")).headers["ETag"]
    seed = {"characters": [{"entity_id": "char-1", "name": "Meena", "role": "girl", "colors": ["red"]}]}
    seeded = await http.put(f"/v1/stories/{sid}/bible", json=seed, headers={"If-Match": etag})
    assert seeded.status_code == 200, seeded.text

    await _open_with_key(page, "/stories", mesh.api_key)
    await page.locator("#key").blur()  # the key's change event (it lists the stories again) happens now
    await page.get_by_role("link", name=re.compile(re.escape(title))).click()
    await page.locator("#storyView").wait_for(state="visible")
    await page.click("#editBible")
    row = page.locator("#bibleEdit tr[data-entity-id='char-1']")
    assert await row.locator("input[name=name]").input_value() == "Meena"
    assert await row.locator("input[name=colors]").input_value() == "red"
    await row.locator("input[name=name]").fill("Meenakshi")
    await row.locator("input[name=clothing]").fill("green saree")
    await row.locator("input[name=colors]").fill("green, gold")
    await page.get_by_role("button", name="save characters").click()
    await page.wait_for_function("document.getElementById('bible').textContent.includes('Meenakshi')")
    assert await page.locator("#bibleEdit").count() == 0
    assert "green saree" in ((await page.text_content("#bible")) or "")
    assert await page.is_hidden("#conflict")
    (meena,) = (await http.get(f"/v1/stories/{sid}/bible")).json()["characters"]
    assert (meena["name"], meena["clothing"], meena["colors"]) == ("Meenakshi", "green saree", ["green", "gold"])

    # Changed elsewhere while being edited: the save conflicts and the draft stays open.
    await page.click("#editBible")
    await row.locator("input[name=role]").fill("dancer")
    bible = await http.get(f"/v1/stories/{sid}/bible")
    body = {"characters": [{**meena, "hair": "long black braid"}]}
    assert (
        await http.put(f"/v1/stories/{sid}/bible", json=body, headers={"If-Match": bible.headers["ETag"]})
    ).is_success
    await page.get_by_role("button", name="save characters").click()
    conflict = page.locator("#conflict")
    await conflict.wait_for(state="visible")
    assert "the story bible was changed elsewhere" in ((await conflict.text_content()) or "")
    assert await row.locator("input[name=role]").input_value() == "dancer"
    await page.screenshot(path=str(tmp_path / "bible.png"), full_page=True)
