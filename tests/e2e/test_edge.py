"""The edge of the running mesh: hostile HTTP input, and who may reach a job's media and events.

Every hostile request must get a 4xx ``application/problem+json`` answer with a reason, an
``X-Request-Id``, and no internal text (SQL, parameters, owner ids, the submitted text).
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import time
import uuid
from typing import Any

import httpx
import pytest
import pytest_asyncio

from services.cli.local import LocalMesh
from services.gateway import signing
from services.gateway.keys import create_api_key
from services.mesh.db import create_engine
from tests.e2e.conftest import Run, submit_and_follow

pytestmark = pytest.mark.e2e

INTERNAL_WORDS = ("INSERT", "SELECT", "generation.jobs", "psycopg", "Traceback", "sqlalchemy")


def _refused(resp: httpx.Response, status: int, reason: str, *, secret_text: str = "") -> dict[str, Any]:
    assert resp.status_code == status, (resp.status_code, resp.text[:500])
    assert resp.headers["content-type"] == "application/problem+json", resp.headers
    assert resp.headers.get("x-request-id"), "every response carries a request id"
    body: dict[str, Any] = resp.json()
    assert body["reason"] == reason, body
    for word in INTERNAL_WORDS:
        assert word not in resp.text, (word, resp.text[:500])
    if secret_text:
        assert secret_text not in resp.text
    return body


async def test_hostile_bodies_are_refused_with_problems(http: httpx.AsyncClient, mesh: LocalMesh) -> None:
    nul_text = "a girl\x00 dances in the rain near the temple"
    nul = await http.post("/v1/jobs", json={"text": nul_text})
    body = _refused(nul, 400, "TEXT_HAS_CONTROL_CHARACTERS", secret_text="dances in the rain")
    assert body["metadata"]["offset"] == "6"
    for ctl in ("\x1b[2J", "\x7f", "\x85", "\x0b"):
        _refused(
            await http.post("/v1/jobs", json={"text": f"rain falls {ctl} on the old temple"}),
            400,
            "TEXT_HAS_CONTROL_CHARACTERS",
        )

    deep = "[" * 1000 + "]" * 1000
    raw = '{"text": "rain falls on the temple", "options": {"provider": ' + deep + "}}"
    ctype = {"Content-Type": "application/json"}
    _refused(await http.post("/v1/jobs", content=raw, headers=ctype), 400, "JSON_TOO_DEEP")
    very_deep = "[" * 100_000 + "]" * 100_000
    _refused(await http.post("/v1/jobs", content=very_deep, headers=ctype), 400, "JSON_TOO_DEEP")
    digits = '{"text": "rain falls on the temple", "options": {"priority": ' + "9" * 100_000 + "}}"
    _refused(await http.post("/v1/jobs", content=digits, headers=ctype), 400, "JSON_NUMBER_TOO_LARGE")
    _refused(await http.post("/v1/jobs", content='{"text": 1e999}', headers=ctype), 400, "JSON_NUMBER_TOO_LARGE")
    _refused(await http.post("/v1/jobs", content='{"text": NaN}', headers=ctype), 400, "JSON_NUMBER_TOO_LARGE")
    _refused(
        await http.post("/v1/jobs", json={"text": "rain falls on the temple", "options": {"priority": True}}),
        400,
        "INVALID_ARGUMENT",
    )


async def test_hostile_paths_headers_and_methods(http: httpx.AsyncClient, mesh: LocalMesh) -> None:
    _refused(await http.get("/v1/media/jobs/" + "a" * 300 + "/video.mp4"), 400, "PATH_SEGMENT_TOO_LONG")
    _refused(await http.get("/v1/media/" + "/".join(["abcdefgh"] * 300)), 414, "URI_TOO_LONG")
    _refused(await http.get("/v1/jobs/" + "b" * 3000), 414, "URI_TOO_LONG")

    # headers are bounded by the app; a head the parser rejects is answered by the protocol class
    huge = await http.get("/v1/jobs", headers={"X-Filler": "x" * 200_000})
    _refused(huge, 431, "REQUEST_HEADER_FIELDS_TOO_LARGE")
    host, port = mesh.gateway_url.removeprefix("http://").split(":")
    malformed = await _raw_request(host, int(port), b"GET /v1/jobs HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    assert malformed.startswith(b"HTTP/1.1 400") and b"application/problem+json" in malformed
    assert b"MALFORMED_REQUEST" in malformed and b"x-request-id" in malformed.lower()

    job = str(uuid.uuid4())
    for method, path, allow in (
        ("GET", f"/v1/jobs/{job}:cancel", "POST"),
        ("PUT", f"/v1/jobs/{job}:retry", "POST"),
        ("DELETE", f"/v1/jobs/{job}", "GET"),
        ("DELETE", "/v1/jobs", "GET, POST"),
        ("POST", "/v1/media/jobs/x/video.mp4", "GET, HEAD"),
    ):
        resp = await http.request(method, path)
        _refused(resp, 405, "METHOD_NOT_ALLOWED")
        assert resp.headers["allow"] == allow, (method, path, resp.headers["allow"])

    cursors: list[Any] = [{"t": 1, "j": 2}, {"t": "2025-01-01T00:00:00+00:00", "j": 5}, [1, 2], "x", {"t": {}, "j": []}]
    for cursor in cursors:
        token = base64.urlsafe_b64encode(json.dumps(cursor).encode()).decode()
        _refused(await http.get("/v1/jobs", params={"page_token": token}), 400, "INVALID_PAGE_TOKEN")
    _refused(await http.get(f"/v1/jobs/{job}/events", headers={"Last-Event-ID": "null"}), 400, "INVALID_ARGUMENT")

    given = await http.get("/livez", headers={"X-Request-Id": "client-id-1"})
    assert given.headers["x-request-id"] == "client-id-1"
    odd = await http.get("/livez", headers={"X-Request-Id": "no spaces; " + "x" * 80})
    assert odd.headers["x-request-id"] != "no spaces; " + "x" * 80 and len(odd.headers["x-request-id"]) == 32


async def _raw_request(host: str, port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(host, port, family=socket.AF_INET)
    writer.write(data)
    await writer.drain()
    out = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return out


# --- access ------------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="module")
async def finished(http: httpx.AsyncClient) -> Run:
    run = await submit_and_follow(http, "A boy flies a red kite on the beach at sunset.", disable_narration=True)
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", run.job
    return run


@pytest_asyncio.fixture(scope="module")
async def stranger(mesh: LocalMesh) -> str:
    assert mesh.urls is not None
    engine = create_engine(mesh.urls.database_url, pool_size=1)
    try:
        _, secret = await create_api_key(engine, "stranger")
    finally:
        await engine.dispose()
    return secret


async def test_other_keys_and_no_key_reach_nothing(finished: Run, stranger: str, mesh: LocalMesh) -> None:
    job_id = finished.job_id
    async with httpx.AsyncClient(base_url=mesh.gateway_url, headers={"Authorization": f"Bearer {stranger}"}) as c:
        _refused(await c.get(f"/v1/jobs/{job_id}"), 404, "JOB_NOT_FOUND")
        _refused(await c.get(f"/v1/jobs/{job_id}/events"), 404, "JOB_NOT_FOUND")
        assert all(j["job_id"] != job_id for j in (await c.get("/v1/jobs")).json()["jobs"])
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as c:
        _refused(await c.get(f"/v1/jobs/{job_id}"), 401, "UNAUTHENTICATED")
        _refused(await c.get(f"/v1/jobs/{job_id}/events"), 401, "UNAUTHENTICATED")
        key = finished.job["result"]["mp4_key"]
        _refused(await c.get(f"/v1/media/{key}"), 403, "MEDIA_SIGNATURE_REQUIRED")
        _refused(
            await c.get(f"/v1/media/{key}", params={"access_token": mesh.api_key}), 403, "MEDIA_SIGNATURE_REQUIRED"
        )


async def test_unsigned_altered_and_expired_media_urls_are_403(finished: Run, mesh: LocalMesh) -> None:
    result = finished.job["result"]
    mp4 = httpx.URL(result["mp4_url"])
    async with httpx.AsyncClient() as c:
        ok = await c.get(mp4)
        assert ok.status_code == 200 and ok.headers["content-type"] == "video/mp4" and len(ok.content) > 1000
        sig = mp4.params["sig"]
        flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
        _refused(await c.get(mp4.copy_set_param("sig", flipped)), 403, "MEDIA_SIGNATURE_INVALID")
        later = str(int(mp4.params["exp"]) + 3600)
        _refused(await c.get(mp4.copy_set_param("exp", later)), 403, "MEDIA_SIGNATURE_INVALID")
        poster_with_mp4_grant = httpx.URL(result["poster_url"]).copy_set_param("sig", sig)
        _refused(
            await c.get(poster_with_mp4_grant.copy_set_param("exp", mp4.params["exp"])), 403, "MEDIA_SIGNATURE_INVALID"
        )
        secret = signing.load_or_create_secret(mesh.data_dir / "media-signing.key")
        expired = signing.signed_path(secret, result["mp4_key"], int(time.time()) - 5)
        _refused(await c.get(mesh.gateway_url + expired), 403, "MEDIA_URL_EXPIRED")
        _refused(await c.get(mp4, headers={"Range": "bytes=50-10"}), 400, "INVALID_RANGE")
        _refused(await c.get(mp4, headers={"Range": "bytes=999999999-"}), 416, "RANGE_NOT_SATISFIABLE")


async def test_signed_hls_plays_through_one_grant(finished: Run) -> None:
    master_url = httpx.URL(finished.job["result"]["hls_master_url"])
    fetched: dict[str, int] = {}
    async with httpx.AsyncClient() as c:

        async def fetch(url: httpx.URL) -> httpx.Response:
            resp = await c.get(url)
            assert resp.status_code == 200, (str(url), resp.text[:300])
            fetched[url.path] = len(resp.content)
            return resp

        def uris(text: str) -> list[str]:
            out = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
            out += [part.split('"')[1] for ln in text.splitlines() if 'URI="' in ln for part in ln.split("URI=")[1:]]
            return out

        master = await fetch(master_url)
        renditions = uris(master.text)
        assert renditions and all("sig=" in u for u in renditions)
        for rendition_uri in renditions:
            rendition_url = master_url.join(rendition_uri)
            playlist = await fetch(rendition_url)
            segments = uris(playlist.text)
            assert segments and all("sig=" in u for u in segments)
            for seg in segments:
                assert (await fetch(rendition_url.join(seg))).content
            unsigned = rendition_url.join(segments[0].split("?")[0])
            _refused(await c.get(unsigned), 403, "MEDIA_SIGNATURE_REQUIRED")
    assert len(fetched) >= 3
