"""The story view at ``/stories`` and the story API as that page uses it, against the real story
service (PostgreSQL, NATS): the page's controls and script, scene and story edits with ``If-Match``
and the conflict a stale one gives, cast names from the bible, the bible's characters edited with
``If-Match`` as the page sends them, playback through hls.js from the gateway, the breakdown fetched
with the key, and the event stream followed with the key in the ``Authorization`` header."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.gateway.config import GatewayConfig
from services.gateway.keys import create_api_key, migrate_gateway
from services.gateway.server import create_server as gateway_server
from services.mesh.db import create_engine
from services.mesh.infra import InfraUrls
from services.story.config import StoryConfig
from services.story.server import create_server as story_server
from tests.fakes.server import serve_in_loop

EXTERNAL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
TEXTS = ["Meena walks slowly through the mango garden.", "Ravi waits for her at the old gate in the rain."]
ELEMENTS = (
    'id="key"',
    'id="msg"',
    'id="conflict"',
    'id="stories"',
    'id="create"',
    'id="storyTitle"',
    'id="editStory"',
    'id="deleteStory"',
    'id="saveStory"',
    'id="scenes"',
    'id="sceneText"',
    'id="sceneLang"',
    'id="addScene"',
    'id="breakdown"',
    'id="bible"',
    'id="player"',
    'id="chapters"',
    'id="hls"',
    'id="quality"',
    'id="editBible"',
    '<link rel="icon" href="/favicon.svg"',
)
FUNCTIONS = (
    "function listStories(",
    "function openStory(",
    "function loadBible(",
    "function castNames(",
    "function showBible(",
    "function editScene(",
    "function conflictText(",
    "function follow(",
    "function onStoryEvent(",
    "function schedulePoll(",
    "function chapterTitle(",
    "function canPlayHls(",
    "function play(",
    "function downloadBreakdown(",
    "function editBible(",
    "function saveBible(",
    "function playWithHlsJs(",
    "function playNatively(",
)


@dataclass
class Edge:
    base: str
    secret: str

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.base, headers={"Authorization": f"Bearer {self.secret}"}, timeout=20.0)


@pytest_asyncio.fixture(scope="module")
async def edge(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Edge]:
    database_url = make_database("gwstorypage")
    story = await story_server(
        StoryConfig(port=0, watch_poll_s=0.2), database_url=database_url, nats_url=infra.nats_url
    )
    engine = create_engine(database_url)
    await migrate_gateway(engine)
    _, secret = await create_api_key(engine, "story page")
    config = GatewayConfig(
        port=0,
        generation_addr="127.0.0.1:9",  # never called by these routes
        story_addr=f"127.0.0.1:{story.port}",
        media_root=tmp_path_factory.mktemp("gwstorypage-media"),
        sse_keepalive_s=0.2,
        sse_max_stream_s=3.0,
    )
    gw = gateway_server(config, database_url=database_url, log_level="warning")
    task, port = await serve_in_loop(gw)
    try:
        yield Edge(f"http://127.0.0.1:{port}", secret)
    finally:
        gw.should_exit = True
        await asyncio.wait_for(task, 10)
        await story.stop(0.5)
        await engine.dispose()


def _script(page: str) -> str:
    return page.split("<script>", 1)[1].split("</script>", 1)[0]


def _problem(resp: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    body: dict[str, Any] = resp.json()
    assert body["reason"] == reason, body
    return body


async def _page(edge: Edge) -> str:
    async with httpx.AsyncClient(base_url=edge.base) as c:
        resp = await c.get("/stories")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    return resp.text


async def test_the_page_has_its_controls_and_no_other_host(edge: Edge) -> None:
    page = await _page(edge)
    for element in ELEMENTS:
        assert element in page, element
    script = _script(page)
    for function in FUNCTIONS:
        assert function in script, function
    assert not EXTERNAL.search(page), EXTERNAL.findall(page)
    assert "<script src" not in page  # hls.js is loaded from the gateway when the story plays
    assert 'HLS_JS = "/static/hls.min.js"' in page


async def test_the_script_uses_the_api_as_documented(edge: Edge) -> None:
    script = _script(await _page(edge))
    # Edits and deletes carry If-Match: a scene's own version, the story's ETag otherwise.
    assert '"PATCH", "/v1/stories/" + story.story_id + "/scenes/"' in script
    assert "'\"' + s.version + '\"'" in script
    assert '"/v1/stories/" + story.story_id + "/scenes/" + s.scene_id' in script
    assert 'api("DELETE", path, undefined, etag)' in script
    assert '"PATCH", "/v1/stories/" + story.story_id, body, etag' in script
    assert '"DELETE", "/v1/stories/" + story.story_id, undefined, etag' in script
    assert "VERSION_MISMATCH" in script and "current_version" in script
    # Cast by name, the bible, the breakdown, playback.
    assert '"/bible"' in script and "names.get(id) || id" in script
    assert "/breakdown.csv" in script and "URL.createObjectURL" in script
    assert "/playback" in script and "application/vnd.apple.mpegurl" in script and "data.hls_url" in script
    # The bible's characters: PUT with the bible's ETag; hls.js with a quality selector.
    assert '"PUT", "/v1/stories/" + story.story_id + "/bible", body, bibleEtag' in script
    assert "bibleEtag = got.etag" in script and 'conflictText("the story bible", e)' in script
    assert "Hls.isSupported()" in script and 'hlsPlayer.currentLevel = Number($("quality").value)' in script
    # Live updates: fetch with the key in the Authorization header, resumed with Last-Event-ID.
    assert '"/events"' in script and "Last-Event-ID" in script and "new EventSource" not in script
    assert "setTimeout(async () =>" in script and "3000" in script  # job states still rendering
    # The add box is emptied once the scene is added.
    assert '$("sceneText").value = ""' in script
    # The key stays in this tab and in headers, never in a URL or lasting storage.
    assert "sessionStorage" in script and "localStorage" not in script
    assert "access_token" not in script and "?key=" not in script


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_script_parses_and_cuts_chapter_titles_on_words(edge: Edge, tmp_path: Path) -> None:
    script = _script(await _page(edge))
    path = tmp_path / "story.js"
    path.write_text(script, encoding="utf-8")
    checked = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    # chapterTitle on its own: numbered once (the service's "1. " prefix dropped), cut between words.
    start = script.index("function chapterTitle(")
    body = script[start : script.index("\n}\n", start) + 2]
    probe = tmp_path / "chapter.js"
    probe.write_text(
        "const CHAPTER_CHARS = 60;\nlet story = { scenes: [{ scene_id: 'a', text: "
        + json.dumps("Meena walks slowly through the mango garden while the evening rain begins to fall")
        + " }] };\n"
        + body
        + "\nconsole.log(JSON.stringify([chapterTitle({ scene_id: 'a', title: '1. Meena' }),"
        " chapterTitle({ scene_id: 'x', title: '2. Ravi waits' })]));\n",
        encoding="utf-8",
    )
    ran = subprocess.run(["node", str(probe)], capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    long_title, short_title = json.loads(ran.stdout)
    assert long_title == "Meena walks slowly through the mango garden while the…"  # "evening" ends past 60
    assert short_title == "Ravi waits"


async def test_edits_conflicts_and_deletes_as_the_page_sends_them(edge: Edge) -> None:
    async with edge.client() as c:
        created = await c.post("/v1/stories", json={"title": "Garden", "scenes": [{"text": t} for t in TEXTS]})
        assert created.status_code == 201, created.text
        story = created.json()
        sid, etag = story["story_id"], created.headers["ETag"]
        scene = story["scenes"][0]
        assert len(scene.get("language_code", "")) in (0, 2)  # absent until known; the page shows so
        # A scene's If-Match is its own version; a stale one is a conflict naming the current version.
        edited = await c.patch(
            f"/v1/stories/{sid}/scenes/{scene['scene_id']}",
            json={"text": "Meena runs through the mango garden.", "language_code": "en"},
            headers={"If-Match": f'"{scene["version"]}"'},
        )
        assert edited.status_code == 200, edited.text
        again = _problem(
            await c.patch(
                f"/v1/stories/{sid}/scenes/{scene['scene_id']}",
                json={"text": "Meena sits in the mango garden."},
                headers={"If-Match": f'"{scene["version"]}"'},
            ),
            409,
            "VERSION_MISMATCH",
        )
        assert again["metadata"]["current_version"] == "2"
        after = edited.json()["scenes"][0]
        assert after["language_code"] == "en" and after["text"] == "Meena runs through the mango garden."
        # The story's own edits and deletes use its ETag; the one read before the edit is stale.
        etag = edited.headers["ETag"]
        _problem(
            await c.patch(f"/v1/stories/{sid}", json={"title": "x"}, headers={"If-Match": '"1"'}),
            409,
            "VERSION_MISMATCH",
        )
        renamed = await c.patch(f"/v1/stories/{sid}", json={"title": "Garden in rain"}, headers={"If-Match": etag})
        assert renamed.status_code == 200 and renamed.json()["title"] == "Garden in rain"
        added = await c.post(
            f"/v1/stories/{sid}/scenes",
            json={"text": "Night falls over the garden."},
            headers={"If-Match": renamed.headers["ETag"]},
        )
        assert added.status_code == 201 and len(added.json()["scenes"]) == 3
        last = added.json()["scenes"][-1]["scene_id"]
        gone = await c.delete(f"/v1/stories/{sid}/scenes/{last}", headers={"If-Match": added.headers["ETag"]})
        assert gone.status_code == 200 and len(gone.json()["scenes"]) == 2
        _problem(
            await c.delete(f"/v1/stories/{sid}", headers={"If-Match": added.headers["ETag"]}), 409, "VERSION_MISMATCH"
        )
        _problem(await c.get(f"/v1/stories/{sid}/playback"), 409, "STORY_NOT_RENDERED")
        assert (await c.delete(f"/v1/stories/{sid}", headers={"If-Match": gone.headers["ETag"]})).status_code == 204


async def test_cast_names_come_from_the_bible(edge: Edge) -> None:
    async with edge.client() as c:
        story = (await c.post("/v1/stories", json={"title": "Cast", "scenes": [{"text": TEXTS[0]}]})).json()
        sid = story["story_id"]
        body = {"characters": [{"entity_id": "char-1", "name": "Meena", "role": "lead"}]}
        put = await c.put(f"/v1/stories/{sid}/bible", json=body, headers={"If-Match": '"1"'})
        assert put.status_code == 200, put.text
        bible = (await c.get(f"/v1/stories/{sid}/bible")).json()
        names = {ch["entity_id"]: ch["name"] for ch in bible["characters"]}
        assert names == {"char-1": "Meena"}
        assert all(
            isinstance(s.get("character_ids", []), list) for s in (await c.get(f"/v1/stories/{sid}")).json()["scenes"]
        )


async def test_the_breakdown_and_the_events_need_the_key_in_a_header(edge: Edge) -> None:
    async with edge.client() as c:
        created = await c.post("/v1/stories", json={"title": "Live", "scenes": [{"text": TEXTS[1]}]})
        sid = created.json()["story_id"]
        async with httpx.AsyncClient(base_url=edge.base) as anonymous:
            # A plain link cannot carry the key, so the page fetches the CSV with the header.
            _problem(await anonymous.get(f"/v1/stories/{sid}/breakdown.csv"), 401, "UNAUTHENTICATED")
            _problem(
                await anonymous.get(f"/v1/stories/{sid}/events", params={"access_token": edge.secret}),
                401,
                "UNAUTHENTICATED",
            )
        await c.patch(f"/v1/stories/{sid}", json={"title": "Live now"}, headers={"If-Match": created.headers["ETag"]})
        events: list[tuple[str, dict[str, Any]]] = []
        async with c.stream("GET", f"/v1/stories/{sid}/events", headers={"Accept": "text/event-stream"}) as resp:
            assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            async for line in resp.aiter_lines():
                if line.startswith(("id:", "event:", "data:")):
                    k, v = line.split(":", 1)
                    fields[k] = v.strip()
                elif not line and "data" in fields:
                    events.append((fields["event"], json.loads(fields["data"])))
                    fields = {}
                    if len(events) == 2:
                        break
        assert [e for e, _ in events] == ["created", "updated"]
        assert events[1][1]["story_version"] == "2"  # what the page compares with the version it shows


def _as_the_page_sends(bible: dict[str, Any], entity_id: str, **fields: Any) -> dict[str, Any]:
    """The PUT body saveBible() builds: the bible as read, without its id and version, one character changed."""
    body = {k: v for k, v in bible.items() if k not in ("story_id", "version")}
    body["characters"] = [{**c, **fields} if c["entity_id"] == entity_id else c for c in bible.get("characters", [])]
    return body


async def test_the_bible_is_edited_as_the_page_sends_it(edge: Edge) -> None:
    async with edge.client() as c:
        story = (await c.post("/v1/stories", json={"title": "Bible", "scenes": [{"text": TEXTS[0]}]})).json()
        sid = story["story_id"]
        seed = {
            "characters": [{"entity_id": "char-1", "name": "Meena", "role": "girl", "colors": ["red"]}],
            "locations": [{"entity_id": "loc-1", "name": "mango garden"}],
        }
        got = await c.get(f"/v1/stories/{sid}/bible")
        seeded = await c.put(f"/v1/stories/{sid}/bible", json=seed, headers={"If-Match": got.headers["ETag"]})
        assert seeded.status_code == 200, seeded.text
        read = await c.get(f"/v1/stories/{sid}/bible")
        bible, etag = read.json(), read.headers["ETag"]
        assert etag == seeded.headers["ETag"]
        body = _as_the_page_sends(
            bible, "char-1", name="Meenakshi", role="dancer", clothing="green saree", colors=["green", "gold"]
        )
        saved = await c.put(f"/v1/stories/{sid}/bible", json=body, headers={"If-Match": etag})
        assert saved.status_code == 200, saved.text
        assert int(saved.headers["ETag"].strip('"')) == int(etag.strip('"')) + 1
        (meena,) = saved.json()["characters"]
        assert (meena["name"], meena["role"], meena["clothing"], meena["colors"]) == (
            "Meenakshi",
            "dancer",
            "green saree",
            ["green", "gold"],
        )
        assert [loc["name"] for loc in saved.json()["locations"]] == ["mango garden"]  # the rest is kept
        # The same edit sent again with the ETag read before it: a conflict naming the current version.
        stale = _problem(
            await c.put(
                f"/v1/stories/{sid}/bible",
                json=_as_the_page_sends(bible, "char-1", name="Mina"),
                headers={"If-Match": etag},
            ),
            409,
            "VERSION_MISMATCH",
        )
        assert stale["metadata"].get("current_version") == saved.headers["ETag"].strip('"'), stale
        assert (await c.get(f"/v1/stories/{sid}/bible")).json()["characters"][0]["name"] == "Meenakshi"
