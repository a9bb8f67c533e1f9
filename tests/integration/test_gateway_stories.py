"""The story routes of the gateway over HTTP against the real story service (PostgreSQL, NATS):
ETag / If-Match, 409 on a stale version, 428 without If-Match, 404 to another key, fork, bible,
SSE with Last-Event-ID, problem details."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
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

TEXTS = ["మీనా తోటలో నడుస్తోంది.", "वह बारिश में नाचती है।", "సాయంత్రం మీనా ఇంటికి వచ్చింది."]


@dataclass
class Edge:
    base: str
    secrets: tuple[str, str]

    def client(self, which: int = 0) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.base, headers={"Authorization": f"Bearer {self.secrets[which]}"}, timeout=20.0
        )


@pytest_asyncio.fixture(scope="module")
async def edge(
    infra: InfraUrls, make_database: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Edge]:
    database_url = make_database("gwstory")
    story = await story_server(
        StoryConfig(port=0, watch_poll_s=0.2), database_url=database_url, nats_url=infra.nats_url
    )
    engine = create_engine(database_url)
    await migrate_gateway(engine)
    _, first = await create_api_key(engine, "story writer")
    _, second = await create_api_key(engine, "someone else")
    config = GatewayConfig(
        port=0,
        generation_addr="127.0.0.1:9",  # never called by these routes
        story_addr=f"127.0.0.1:{story.port}",
        media_root=tmp_path_factory.mktemp("gwstory-media"),
        sse_keepalive_s=0.2,
        sse_max_stream_s=3.0,
    )
    gw = gateway_server(config, database_url=database_url, log_level="warning")
    task, port = await serve_in_loop(gw)
    try:
        yield Edge(f"http://127.0.0.1:{port}", (first, second))
    finally:
        gw.should_exit = True
        await asyncio.wait_for(task, 10)
        await story.stop(0.5)
        await engine.dispose()


def _problem(resp: httpx.Response, status: int, reason: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = resp.json()
    assert body["reason"] == reason, body
    return body


async def _create(c: httpx.AsyncClient) -> httpx.Response:
    resp = await c.post(
        "/v1/stories",
        json={"title": "Meena", "scenes": [{"text": t} for t in TEXTS]},
    )
    assert resp.status_code == 201, resp.text
    return resp


async def test_etag_if_match_and_stale_versions(edge: Edge) -> None:
    async with edge.client() as c:
        created = await _create(c)
        story = created.json()
        sid = story["story_id"]
        assert created.headers["ETag"] == '"1"' and created.headers["Location"] == f"/v1/stories/{sid}"
        got = await c.get(f"/v1/stories/{sid}")
        assert got.headers["ETag"] == '"1"' and [s["text"] for s in got.json()["scenes"]] == TEXTS
        _problem(await c.patch(f"/v1/stories/{sid}", json={"title": "x"}), 428, "PRECONDITION_REQUIRED")
        ok = await c.patch(f"/v1/stories/{sid}", json={"title": "Meena's day"}, headers={"If-Match": '"1"'})
        assert ok.status_code == 200 and ok.headers["ETag"] == '"2"' and ok.json()["title"] == "Meena's day"
        stale = _problem(
            await c.patch(f"/v1/stories/{sid}", json={"title": "y"}, headers={"If-Match": '"1"'}),
            409,
            "VERSION_MISMATCH",
        )
        assert stale["metadata"]["current_version"] == "2"
        ids = [s["scene_id"] for s in story["scenes"]]
        reordered = await c.post(
            f"/v1/stories/{sid}:reorder", json={"scene_ids": ids[::-1]}, headers={"If-Match": ok.headers["ETag"]}
        )
        assert reordered.status_code == 200, reordered.text
        assert [s["scene_id"] for s in reordered.json()["scenes"]] == ids[::-1]
        scene = reordered.json()["scenes"][0]
        changed = await c.patch(
            f"/v1/stories/{sid}/scenes/{scene['scene_id']}",
            json={"text": "సాయంత్రం మీనా నవ్వింది."},
            headers={"If-Match": '"1"'},
        )
        assert changed.status_code == 200 and changed.json()["scenes"][0]["version"] == "2"
        added = await c.post(
            f"/v1/stories/{sid}/scenes",
            json={"text": "Meena sleeps at night.", "position": 0},
            headers={"If-Match": changed.headers["ETag"]},
        )
        assert added.status_code == 201 and added.json()["scenes"][0]["text"] == "Meena sleeps at night."
        huge = await c.post(
            f"/v1/stories/{sid}/scenes",
            json={"text": "Meena sleeps at night.", "position": 2**45},
            headers={"If-Match": added.headers["ETag"]},
        )
        _problem(huge, 400, "INVALID_ARGUMENT")
        gone = await c.delete(
            f"/v1/stories/{sid}/scenes/{added.json()['scenes'][0]['scene_id']}",
            headers={"If-Match": added.headers["ETag"]},
        )
        assert gone.status_code == 200 and len(gone.json()["scenes"]) == 3
        _problem(await c.delete(f"/v1/stories/{sid}", headers={"If-Match": '"1"'}), 409, "VERSION_MISMATCH")
        assert (await c.delete(f"/v1/stories/{sid}", headers={"If-Match": gone.headers["ETag"]})).status_code == 204
        _problem(await c.get(f"/v1/stories/{sid}"), 404, "STORY_NOT_FOUND")


async def test_another_key_sees_nothing(edge: Edge) -> None:
    async with edge.client(0) as mine, edge.client(1) as theirs:
        sid = (await _create(mine)).json()["story_id"]
        _problem(await theirs.get(f"/v1/stories/{sid}"), 404, "STORY_NOT_FOUND")
        _problem(await theirs.get(f"/v1/stories/{sid}/bible"), 404, "STORY_NOT_FOUND")
        _problem(await theirs.get(f"/v1/stories/{sid}/events"), 404, "STORY_NOT_FOUND")
        listed = (await theirs.get("/v1/stories")).json()["stories"]
        assert sid not in {s["story_id"] for s in listed}
        assert sid in {s["story_id"] for s in (await mine.get("/v1/stories")).json()["stories"]}


async def test_fork_and_bible(edge: Edge) -> None:
    async with edge.client() as c:
        story = (await _create(c)).json()
        sid, ids = story["story_id"], [s["scene_id"] for s in story["scenes"]]
        fork = await c.post(f"/v1/stories/{sid}:fork", json={"scene_id": ids[0]})
        assert fork.status_code == 201 and [s["origin_scene_id"] for s in fork.json()["scenes"]] == ids[:1]
        bible = await c.get(f"/v1/stories/{sid}/bible")
        assert bible.headers["ETag"] == '"1"'
        body = {"characters": [{"entity_id": "char-1", "name": "Meena", "gender": "GENDER_FEMALE", "colors": ["red"]}]}
        _problem(await c.put(f"/v1/stories/{sid}/bible", json=body), 428, "PRECONDITION_REQUIRED")
        put = await c.put(f"/v1/stories/{sid}/bible", json=body, headers={"If-Match": '"1"'})
        assert put.status_code == 200 and put.headers["ETag"] == '"2"'
        assert put.json()["characters"][0]["colors"] == ["red"]
        _problem(
            await c.put(f"/v1/stories/{sid}/bible", json=body, headers={"If-Match": '"1"'}), 409, "VERSION_MISMATCH"
        )
        _problem(
            await c.put(f"/v1/stories/{sid}/bible", json={"characters": [{"name": "x"}]}, headers={"If-Match": '"2"'}),
            400,
            "INVALID_BIBLE",
        )


async def test_events_stream_resumes_after_last_event_id(edge: Edge) -> None:
    async with edge.client() as c:
        story = (await _create(c)).json()
        sid = story["story_id"]
        await c.patch(f"/v1/stories/{sid}", json={"title": "Two"}, headers={"If-Match": '"1"'})
        events: list[tuple[str, str, dict[str, Any]]] = []
        async with c.stream("GET", f"/v1/stories/{sid}/events", headers={"Last-Event-ID": "1"}) as resp:
            assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
            fields: dict[str, str] = {}
            async for line in resp.aiter_lines():
                if line.startswith(("id:", "event:", "data:")):
                    k, v = line.split(":", 1)
                    fields[k] = v.strip()
                elif not line and "data" in fields:
                    events.append((fields["id"], fields["event"], json.loads(fields["data"])))
                    fields = {}
                    break
        assert events == [("2", "updated", events[0][2])]
        assert events[0][2]["story_version"] == "2"


async def test_story_view_page_is_served(edge: Edge) -> None:
    async with httpx.AsyncClient(base_url=edge.base) as c:
        resp = await c.get("/stories")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    for needed in (":reorder", ":fork", ":render", "/playback", "If-Match"):
        assert needed in resp.text
