"""Review before release on the running mesh: quarantine, the queue, decisions, appeals, reports,
takedowns, trust levels and the audit trail, over HTTP with keys of every role."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import av
import httpx
import pytest_asyncio

from services.cli.local import LocalMesh
from services.gateway import keys, signing
from services.gateway.trust import Role
from services.mesh.db import create_engine
from tests.e2e.conftest import Run, client_of, follow

TEXT = "A girl waters the plants in her garden in the morning."


@dataclass
class Keys:
    owner: str
    owner_id: str
    reviewer: str
    reviewer_id: str
    second_reviewer: str
    reporters: list[str]


@pytest_asyncio.fixture(scope="module")
async def people(mesh: LocalMesh) -> Keys:
    assert mesh.urls is not None
    engine = create_engine(mesh.urls.database_url, pool_size=1)
    try:
        owner_id, owner = await keys.create_api_key(engine, "review owner")
        reviewer_id, reviewer = await keys.create_api_key(engine, "reviewer one", role=Role.REVIEWER)
        _, second = await keys.create_api_key(engine, "reviewer two", role=Role.REVIEWER)
        reporters = [(await keys.create_api_key(engine, f"viewer {i}"))[1] for i in range(3)]
    finally:
        await engine.dispose()
    return Keys(owner, owner_id, reviewer, reviewer_id, second, reporters)


@pytest_asyncio.fixture(scope="module")
async def clients(mesh: LocalMesh, people: Keys) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    made = {
        name: httpx.AsyncClient(
            base_url=mesh.gateway_url, timeout=httpx.Timeout(30.0, read=300.0), headers={"Authorization": f"Bearer {s}"}
        )
        for name, s in (
            ("owner", people.owner),
            ("reviewer", people.reviewer),
            ("second", people.second_reviewer),
            *((f"viewer{i}", s) for i, s in enumerate(people.reporters)),
        )
    }
    made["operator"] = client_of(mesh)
    try:
        yield made
    finally:
        for c in made.values():
            await c.aclose()


async def _submit(client: httpx.AsyncClient) -> Run:
    created = await client.post("/v1/jobs", json={"text": TEXT, "options": {"disable_narration": True}})
    assert created.status_code == 201, created.text
    return await follow(client, created)


def _ordinary_url(mesh: LocalMesh, key: str) -> str:
    """A URL signed the ordinary way, as an owner would have held it before a video went to review."""
    secret = bytes.fromhex((mesh.data_dir / "media-signing.key").read_text().strip())
    return mesh.gateway_url + signing.signed_path(secret, key, int(time.time()) + 600)


async def _queue(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    listed = await client.get("/v1/reviews", params={"page_size": 100})
    assert listed.status_code == 200, listed.text
    reviews: list[dict[str, Any]] = listed.json()["reviews"]
    return reviews


async def _status_within(url: str, status: int, seconds: float = 5.0) -> int:
    """GET ``url`` until it answers ``status`` (the gateway remembers release states for 2 s)."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient() as c:
        while True:
            got = (await c.get(url)).status_code
            if got == status or time.monotonic() > deadline:
                return got
            await asyncio.sleep(0.25)


async def test_a_new_keys_video_waits_in_quarantine_until_a_reviewer_releases_it(
    mesh: LocalMesh, people: Keys, clients: dict[str, httpx.AsyncClient]
) -> None:
    run = await _submit(clients["owner"])
    job = run.job
    assert job["state"] == "JOB_STATE_IN_REVIEW", job
    assert job["review"]["state"] == "REVIEW_STATE_PENDING" and job["review"]["kind"] == "REVIEW_KIND_TRUST"
    assert "decided_by" not in job["review"]
    assert "mp4_url" not in job["result"], "a video in review has no URL for its owner"
    held = _ordinary_url(mesh, job["result"]["mp4_key"])
    async with httpx.AsyncClient() as c:
        refused = await c.get(held)
    assert refused.status_code == 403 and refused.json()["reason"] == "MEDIA_NOT_RELEASED"

    forbidden = await clients["owner"].get("/v1/reviews")
    assert forbidden.status_code == 403 and forbidden.json()["reason"] == "FORBIDDEN"
    mine = next(r for r in await _queue(clients["reviewer"]) if r["job_id"] == run.job_id)
    assert mine["reason"] and mine["preview"]["mp4_url"]
    async with httpx.AsyncClient() as c:
        preview = await c.get(mine["preview"]["mp4_url"])
    assert preview.status_code == 200
    with av.open(io.BytesIO(preview.content)) as container:
        assert sum(1 for _ in container.decode(video=0)) > 10, "the reviewer's preview decodes"

    empty = await clients["reviewer"].post(f"/v1/reviews/{mine['review_id']}:approve", json={"note": ""})
    assert empty.status_code == 400
    decided = await clients["reviewer"].post(f"/v1/reviews/{mine['review_id']}:approve", json={"note": "fine"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["job"]["state"] == "JOB_STATE_SUCCEEDED"
    again = await clients["second"].post(f"/v1/reviews/{mine['review_id']}:reject", json={"note": "late"})
    assert again.status_code == 409, again.text

    job = (await clients["owner"].get(f"/v1/jobs/{run.job_id}")).json()
    assert job["state"] == "JOB_STATE_SUCCEEDED" and job["review"]["note"] == "fine"
    async with httpx.AsyncClient() as c:
        assert (await c.get(job["result"]["mp4_url"])).status_code == 200
    assert await _status_within(held, 200) == 200, "the URL held before release works once released"
    replay = await follow(clients["owner"], run.created)
    released = [e for e in replay.events if e["state"] == "JOB_STATE_SUCCEEDED"]
    assert released and released[-1]["review"]["note"] == "fine", "the owner's events tell the decision"


async def test_a_rejection_is_appealed_once_and_decided_by_another_reviewer(
    mesh: LocalMesh, people: Keys, clients: dict[str, httpx.AsyncClient]
) -> None:
    run = await _submit(clients["owner"])
    review = next(r for r in await _queue(clients["reviewer"]) if r["job_id"] == run.job_id)
    rejected = await clients["reviewer"].post(f"/v1/reviews/{review['review_id']}:reject", json={"note": "misleading"})
    assert rejected.status_code == 200, rejected.text
    job = rejected.json()["job"]
    assert job["state"] == "JOB_STATE_BLOCKED"
    assert any(
        r["category"] == "REASON_CATEGORY_REVIEWER" and r["message"] == "misleading" for r in job["block_reasons"]
    )
    assert await _level(mesh, people.owner_id) == ("restricted", 1)

    other = await clients["viewer0"].post(f"/v1/jobs/{run.job_id}:appeal", json={"reason": "not mine"})
    assert other.status_code == 404
    appeal = await clients["owner"].post(f"/v1/jobs/{run.job_id}:appeal", json={"reason": "it shows my garden"})
    assert appeal.status_code == 202, appeal.text
    twice = await clients["owner"].post(f"/v1/jobs/{run.job_id}:appeal", json={"reason": "again"})
    assert twice.status_code == 409, twice.text
    appeal_id = appeal.json()["review"]["review_id"]
    assert all(r["review_id"] != appeal_id for r in await _queue(clients["reviewer"])), "not to the same reviewer"
    excluded = await clients["reviewer"].post(f"/v1/reviews/{appeal_id}:approve", json={"note": "ok"})
    assert excluded.status_code == 409, excluded.text
    upheld = await clients["second"].post(f"/v1/reviews/{appeal_id}:approve", json={"note": "the garden is fine"})
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["job"]["state"] == "JOB_STATE_SUCCEEDED"
    assert await _level(mesh, people.owner_id) == ("new", 0), "the upheld appeal takes the violation back"


async def _level(mesh: LocalMesh, key_id: str) -> tuple[str, int]:
    assert mesh.urls is not None
    engine = create_engine(mesh.urls.database_url, pool_size=1)
    try:
        record = next(k for k in await keys.list_keys(engine) if k.key_id == key_id)
    finally:
        await engine.dispose()
    return record.trust_level, record.violations


async def test_a_reviewer_never_decides_their_own_video(clients: dict[str, httpx.AsyncClient]) -> None:
    run = await _submit(clients["reviewer"])
    assert run.job["state"] == "JOB_STATE_IN_REVIEW"
    assert all(r["job_id"] != run.job_id for r in await _queue(clients["reviewer"]))
    review = next(r for r in await _queue(clients["second"]) if r["job_id"] == run.job_id)
    own = await clients["reviewer"].post(f"/v1/reviews/{review['review_id']}:approve", json={"note": "mine is fine"})
    assert own.status_code == 409 and own.json()["reason"] == "SELF_REVIEW", own.text


async def test_reports_put_a_released_video_back_in_review_and_an_operator_takes_it_down(
    mesh: LocalMesh, clients: dict[str, httpx.AsyncClient]
) -> None:
    run = await _submit(clients["operator"])
    assert run.job["state"] == "JOB_STATE_SUCCEEDED", "an operator's video is released at once"
    url = run.job["result"]["mp4_url"]
    async with httpx.AsyncClient(base_url=mesh.gateway_url) as anonymous:
        nothing = await anonymous.post(f"/v1/jobs/{run.job_id}:report", json={"category": "spam"})
        assert nothing.status_code == 401
        forged = url.replace("sig=", "sig=x")
        bad_link = await anonymous.post(f"/v1/jobs/{run.job_id}:report", json={"category": "spam", "media_url": forged})
        assert bad_link.status_code == 403 and bad_link.json()["reason"] == "MEDIA_URL_NOT_OF_THIS_JOB"
        by_link = await anonymous.post(
            f"/v1/jobs/{run.job_id}:report", json={"category": "other", "note": "odd", "media_url": url}
        )
        assert by_link.status_code == 202 and by_link.json()["counted"] is True, by_link.text
        again = await anonymous.post(f"/v1/jobs/{run.job_id}:report", json={"category": "other", "media_url": url})
        assert again.json()["counted"] is False, "one viewer counts once"
    answers = []
    for name in ("viewer0", "viewer0", "viewer1"):
        r = await clients[name].post(f"/v1/jobs/{run.job_id}:report", json={"category": "spam", "note": "ads"})
        assert r.status_code == 202, r.text
        answers.append(r.json())
    assert [a["counted"] for a in answers] == [True, False, True]
    assert [a["in_review"] for a in answers] == [False, False, True], "the link's report and two keys' make 3"
    bad = await clients["viewer1"].post(f"/v1/jobs/{run.job_id}:report", json={"category": "boring"})
    assert bad.status_code == 400
    job = (await clients["operator"].get(f"/v1/jobs/{run.job_id}")).json()
    assert job["state"] == "JOB_STATE_IN_REVIEW" and job["review"]["kind"] == "REVIEW_KIND_REPORT"
    assert await _status_within(url, 403) == 403, "a reported video stops playing"

    refused = await clients["reviewer"].post(f"/v1/jobs/{run.job_id}:takedown", json={"reason": "DMCA"})
    assert refused.status_code == 403
    taken = await clients["operator"].post(
        f"/v1/jobs/{run.job_id}:takedown", json={"reason": "DMCA notice from a rights holder"}
    )
    assert taken.status_code == 200, taken.text
    assert taken.json()["state"] == "JOB_STATE_BLOCKED" and taken.json()["taken_down"] is True
    assert not (mesh.media_root / run.job["result"]["mp4_key"]).exists(), "the media are removed"
    assert all(r["job_id"] != run.job_id for r in await _queue(clients["second"])), "its review is closed"

    audit = await clients["operator"].get("/v1/audit", params={"target": f"job:{run.job_id}"})
    assert audit.status_code == 200
    actions = [e["action"] for e in audit.json()["events"]]
    assert "job.taken_down" in actions and actions.count("report.filed") == 3
    assert (await clients["owner"].get("/v1/audit")).status_code == 403
