"""The pages for review, appeal and rating: the reviewers' page at ``/reviews`` (the queue, the
quarantined preview, approve or reject with a note) and, on the job page, the review state, the
owner's appeal and the rating form.

The app is driven in-process (ASGI); the pages' routes need neither the database nor the mesh. The
scripts are checked to parse with Node when Node is installed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from services.gateway.app import create_app
from services.gateway.config import GatewayConfig
from services.gateway.feedback import TAGS

EXTERNAL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

REVIEW_ELEMENTS = (
    'id="key"',
    'id="key-error"',
    'id="load"',
    'id="queue"',
    'id="rows"',
    'id="more"',
    'id="queue-error"',
    'id="detail"',
    'id="findings"',
    '<video id="preview"',
    'id="mp4-link"',
    'id="no-preview"',
    '<textarea id="note"',
    'id="approve"',
    'id="reject"',
    'id="decide-error"',
    '<link rel="icon" href="/favicon.svg"',
)

JOB_ELEMENTS = (
    'id="review-box"',
    'id="review-state"',
    'id="review-detail"',
    'id="takedown"',
    '<form id="appeal-form"',
    '<textarea id="appeal-reason"',
    'id="appeal-error"',
    '<form id="rate-form"',
    'id="rate-comment"',
    'id="rate-error"',
    'id="rate-done"',
)


@pytest_asyncio.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    config = GatewayConfig(port=0, generation_addr="127.0.0.1:9", media_root=tmp_path)
    app = create_app(config, database_url="postgresql+psycopg://unused@127.0.0.1:9/unused")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as c:
        yield c


def _script(page: str) -> str:
    return page.split("<script>", 1)[1].split("</script>", 1)[0]


# --- the reviewers' page ------------------------------------------------------------------------


async def test_the_review_page_has_its_controls_and_loads_nothing_from_elsewhere(client: httpx.AsyncClient) -> None:
    resp = await client.get("/reviews")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    for element in REVIEW_ELEMENTS:
        assert element in resp.text, element
    assert not EXTERNAL.search(resp.text), EXTERNAL.findall(resp.text)
    assert "<script src" not in resp.text
    assert "/reviews" not in (await client.get("/openapi.json")).json()["paths"]


async def test_the_review_page_lists_the_queue_with_the_key_in_a_header(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/reviews")).text)
    assert 'fetch("/v1/reviews" + q, { headers: { Authorization: "Bearer " + key() } })' in script
    assert "page_token=" in script and "next_page_token" in script
    for field in ("rv.kind", "rv.reason", "rv.language_code", "rv.create_time", "rv.findings"):
        assert field in script, field
    assert "f.category" in script and "f.decision" in script and "f.message" in script
    # The key stays in this tab and in headers, never in a URL or lasting storage.
    assert "sessionStorage" in script and "localStorage" not in script and "access_token" not in script


async def test_the_review_page_plays_the_quarantined_preview(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/reviews")).text)
    assert "rv.preview && rv.preview.mp4_url" in script
    assert "v.src = preview.mp4_url" in script and "v.poster = preview.poster_url" in script
    assert "preview.hls_master_url" in script


async def test_the_review_page_approves_or_rejects_with_a_note(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/reviews")).text)
    assert '"/v1/reviews/" + encodeURIComponent(rv.review_id) + ":" + verb' in script
    assert 'method: "POST"' in script and "JSON.stringify({ note })" in script
    assert 'decide("approve")' in script and 'decide("reject")' in script
    assert "Write a note" in script  # an empty note is refused before the call
    assert "out.job" in script and "REVIEW_NOT_PENDING" in script
    assert '"FORBIDDEN"' in script and '"decide-error"' in script  # 403 beside the key, 409s beside the buttons


# --- the job page: review state, appeal, rating ------------------------------------------------


async def test_the_job_page_has_the_review_appeal_and_rating_controls(client: httpx.AsyncClient) -> None:
    page = (await client.get(f"/jobs/{uuid.uuid4()}")).text
    for element in JOB_ELEMENTS:
        assert element in page, element
    for value in range(1, 6):
        assert f'<input type="radio" name="rating" value="{value}">' in page
    tags = re.findall(r'<input type="checkbox" name="tag" value="([a-z_]+)">', page)
    assert tuple(tags) == TAGS  # the tags the feedback route accepts, no more, no fewer


async def test_the_job_page_shows_the_review_state(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/")).text)
    assert "function showGovernance(job)" in script and "showGovernance(job);" in script
    assert '"JOB_STATE_IN_REVIEW"' in script and "job.review" in script and "job.taken_down" in script
    for field in ("review.kind", "review.state", "review.reason", "review.note", "review.create_time"):
        assert field in script, field
    assert "review.decide_time" in script
    for kind in ("MODERATION", "TRUST", "APPEAL", "REPORT"):
        assert f"REVIEW_KIND_{kind}" in script
    # IN_REVIEW ends the event stream, as the gateway's SSE route says.
    terminal = re.search(r"const TERMINAL = new Set\(\[(.*?)\]\);", script, re.S)
    assert terminal is not None and '"JOB_STATE_IN_REVIEW"' in terminal.group(1)


async def test_the_job_page_appeals_a_blocked_job_and_rates_a_succeeded_one(client: httpx.AsyncClient) -> None:
    script = _script((await client.get("/")).text)
    assert '"/v1/jobs/" + encodeURIComponent(current.job_id) + ":appeal"' in script
    assert "JSON.stringify({ reason })" in script and "body.review" in script
    assert '$("appeal-form").hidden = job.state !== "JOB_STATE_BLOCKED"' in script
    assert '"/v1/jobs/" + encodeURIComponent(current.job_id) + "/feedback"' in script
    assert "rating: Number(picked.value), tags, comment:" in script
    assert '$("rate-form").hidden = job.state !== "JOB_STATE_SUCCEEDED"' in script
    assert '"appeal-error"' in script and '"rate-error"' in script


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("path", ["/reviews", "/"])
async def test_the_scripts_parse(client: httpx.AsyncClient, tmp_path: Path, path: str) -> None:
    js = tmp_path / "page.js"
    js.write_text(_script((await client.get(path)).text), encoding="utf-8")
    checked = subprocess.run(["node", "--check", str(js)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr


def _piece(script: str, pattern: str) -> str:
    found = re.search(pattern, script, re.S)
    assert found is not None, pattern
    return found.group(0)


_DOM_STUB = """
const els = {};
const $ = (id) => els[id] || (els[id] = { hidden: false, textContent: "", className: "", children: [],
  appendChild(c) { this.children.push(c); } });
const document = { createElement: () => ({ textContent: "" }) };
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_job_page_shows_what_each_state_allows(client: httpx.AsyncClient, tmp_path: Path) -> None:
    """showGovernance run by Node on a stub DOM: which of the review box, takedown notice, appeal
    and rating forms each job shows, and the review's lines."""
    script = _script((await client.get("/")).text)
    code = "\n".join(
        [
            _DOM_STUB,
            _piece(script, r"const REVIEW_KINDS = \{.*?\};"),
            _piece(script, r"const REVIEW_STATES = \{.*?\};"),
            _piece(script, r"function when\(t\) \{.*?\n\}\n"),
            _piece(script, r"function showGovernance\(job\) \{.*?\n\}\n"),
            """
const review = (kind, state, extra) => Object.assign(
  { review_id: "r1", kind, state, reason: "flagged words", create_time: "2026-12-01T10:00:00Z" }, extra || {});
const jobs = {
  held: { state: "JOB_STATE_IN_REVIEW", review: review("REVIEW_KIND_TRUST", "REVIEW_STATE_PENDING") },
  rejected: { state: "JOB_STATE_BLOCKED", review: review("REVIEW_KIND_MODERATION", "REVIEW_STATE_REJECTED",
    { note: "violent imagery", decide_time: "2026-12-01T11:00:00Z" }) },
  appealing: { state: "JOB_STATE_BLOCKED", review: review("REVIEW_KIND_APPEAL", "REVIEW_STATE_PENDING") },
  blocked_by_moderation: { state: "JOB_STATE_BLOCKED" },
  released: { state: "JOB_STATE_SUCCEEDED" },
  taken_down: { state: "JOB_STATE_BLOCKED", taken_down: true },
};
const out = {};
for (const [name, job] of Object.entries(jobs)) {
  showGovernance(job);
  out[name] = { box: !$("review-box").hidden, takedown: !$("takedown").hidden, appeal: !$("appeal-form").hidden,
    rate: !$("rate-form").hidden, state: $("review-state").textContent,
    lines: $("review-detail").children.map((c) => c.textContent) };
  $("review-detail").children = [];
}
console.log(JSON.stringify(out));
""",
        ]
    )
    js = tmp_path / "governance.js"
    js.write_text(code, encoding="utf-8")
    run = subprocess.run(["node", str(js)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    shown = {name: (o["box"], o["takedown"], o["appeal"], o["rate"]) for name, o in out.items()}
    assert shown == {
        "held": (True, False, False, False),
        "rejected": (True, False, True, False),
        "appealing": (True, False, False, False),
        "blocked_by_moderation": (False, False, True, False),
        "released": (False, False, False, True),
        "taken_down": (False, True, True, False),
    }
    assert out["held"]["state"].startswith("In review")
    assert "waiting for a reviewer" in out["held"]["lines"][1]
    assert out["rejected"]["lines"][0] == "Why: moderation flagged it — flagged words"
    assert "Reviewer's note: violent imagery" in out["rejected"]["lines"]
    assert any(line.startswith("Decided ") for line in out["rejected"]["lines"])


_BROWSER_STUB = """
const els = {};
function el(id) {
  return { id, hidden: false, textContent: "", className: "", value: "", children: [], style: {}, handlers: {},
    disabled: false, src: "", poster: "", href: "",
    appendChild(c) { this.children.push(c); c.parent = this; },
    addEventListener(t, f) { this.handlers[t] = f; }, focus() {}, pause() {},
    removeAttribute(a) { this[a] = ""; },
    remove() { const p = this.parent; p.children = p.children.filter((x) => x !== this); } };
}
const made = [];
const attached = (id) => made.find((e) => e.id === id && e.parent && e.parent.children.includes(e));
const document = { getElementById: (id) => els[id] || attached(id) || (els[id] = el(id)),
  createElement: () => { const e = el(""); made.push(e); return e; }, createTextNode: (t) => ({ textContent: t }) };
const store = { "drishya.apiKey": "dk_rev_secret" };
const sessionStorage = { getItem: (k) => store[k] || null, setItem: (k, v) => { store[k] = v; } };
const calls = [];
const answers = [];
async function fetch(url, init) {
  calls.push({ url, method: (init && init.method) || "GET", headers: (init && init.headers) || {},
    body: init && init.body ? JSON.parse(init.body) : null });
  const [status, body] = answers.shift();
  return { ok: status < 300, status, statusText: "", headers: { get: () => null }, json: async () => body };
}
"""

_QUEUE = {
    "reviews": [
        {
            "review_id": "11111111-aaaa-4aaa-8aaa-000000000001",
            "job_id": "22222222-bbbb-4bbb-8bbb-000000000002",
            "kind": "REVIEW_KIND_MODERATION",
            "state": "REVIEW_STATE_PENDING",
            "reason": "moderation asked for a review",
            "findings": [{"category": "REASON_CATEGORY_VIOLENCE", "decision": "DECISION_REVIEW", "message": "a gun"}],
            "language_code": "hi",
            "create_time": "2026-12-01T10:00:00Z",
            "preview": {
                "mp4_url": "http://gw/v1/media/jobs/x/video.mp4?scope=review",
                "hls_master_url": "",
                "poster_url": "p",
            },
        },
        {
            "review_id": "11111111-aaaa-4aaa-8aaa-000000000003",
            "job_id": "22222222-bbbb-4bbb-8bbb-000000000004",
            "kind": "REVIEW_KIND_APPEAL",
            "state": "REVIEW_STATE_PENDING",
            "reason": "it was a toy",
            "findings": [],
            "language_code": "ta",
            "create_time": "2026-12-01T11:00:00Z",
            "preview": None,
        },
    ],
    "next_page_token": "",
}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_review_page_script_drives_the_api(client: httpx.AsyncClient, tmp_path: Path) -> None:
    """The whole page script run by Node on a stub DOM and a recording fetch: it loads the queue
    with the stored key, plays the first review's MP4, refuses an empty note, approves with a
    note, and on REVIEW_NOT_PENDING drops the row."""
    approved = {"review": {"state": "REVIEW_STATE_APPROVED"}, "job": {"state": "JOB_STATE_SUCCEEDED"}}
    stale = {"status": 409, "reason": "REVIEW_NOT_PENDING", "detail": "decided meanwhile", "violations": []}
    first_answer = f"answers.push([200, {json.dumps(_QUEUE)}]);\n"
    driver = f"""
(async () => {{
  await new Promise((r) => setTimeout(r, 20));  // the load the script starts with the stored key
  const out = {{ rows: $("rows").children.length, queueHidden: $("queue").hidden }};
  openReview("{_QUEUE["reviews"][0]["review_id"]}");
  out.src = $("preview").src; out.previewHidden = $("preview").hidden; out.noPreview = !$("no-preview").hidden;
  await decide("approve");
  out.emptyNote = $("decide-error").textContent; out.callsAfterEmpty = calls.length;
  $("note").value = "fine: a festival scene";
  answers.push([200, {json.dumps(approved)}]);
  await decide("approve");
  out.done = $("done").textContent; out.rowsAfter = $("rows").children.length;
  openReview("{_QUEUE["reviews"][1]["review_id"]}");
  out.secondNoPreview = !$("no-preview").hidden;
  $("note").value = "no";
  answers.push([409, {json.dumps(stale)}]);
  await decide("reject");
  out.error = $("decide-error").textContent; out.rowsAtEnd = $("rows").children.length;
  out.calls = calls;
  console.log(JSON.stringify(out));
}})();
"""
    js = tmp_path / "review.js"
    js.write_text(
        _BROWSER_STUB + first_answer + _script((await client.get("/reviews")).text) + driver, encoding="utf-8"
    )
    run = subprocess.run(["node", str(js)], capture_output=True, text=True, check=False, timeout=30)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    first, second = _QUEUE["reviews"]
    assert out["rows"] == 2 and out["queueHidden"] is False
    assert out["src"] == first["preview"]["mp4_url"] and out["previewHidden"] is False and not out["noPreview"]
    assert out["emptyNote"].startswith("Write a note") and out["callsAfterEmpty"] == 1
    assert out["done"].startswith("Approved") and "succeeded" in out["done"] and out["rowsAfter"] == 1
    assert out["secondNoPreview"] is True
    assert out["error"].startswith("REVIEW_NOT_PENDING") and out["rowsAtEnd"] == 0
    listing, approve, reject = out["calls"]
    assert (
        listing["url"] == "/v1/reviews?page_size=20" and listing["headers"]["Authorization"] == "Bearer dk_rev_secret"
    )
    assert approve == {
        "url": f"/v1/reviews/{first['review_id']}:approve",
        "method": "POST",
        "headers": {"Content-Type": "application/json", "Authorization": "Bearer dk_rev_secret"},
        "body": {"note": "fine: a festival scene"},
    }
    assert reject["url"] == f"/v1/reviews/{second['review_id']}:reject" and reject["body"] == {"note": "no"}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
async def test_the_job_page_sends_the_appeal_and_the_rating(client: httpx.AsyncClient, tmp_path: Path) -> None:
    """sendAppeal and sendRating run by Node with a recording fetch: the calls they make, and how a
    pending appeal, a 409 APPEAL_EXISTS and a stored rating are shown."""
    script = _script((await client.get("/")).text)
    names = (
        "key",
        "log",
        "problemText",
        "slotFor",
        "showProblem",
        "when",
        "showGovernance",
        "sendAppeal",
        "sendRating",
    )
    functions = [_piece(script, rf"(?:async )?function {name}\(.*?\n\}}\n") for name in names]
    job = {"job_id": "33333333-cccc-4ccc-8ccc-000000000005", "state": "JOB_STATE_BLOCKED"}
    pending = {"review_id": "r9", "kind": "REVIEW_KIND_APPEAL", "state": "REVIEW_STATE_PENDING", "reason": "a toy gun"}
    exists = {"status": 409, "reason": "APPEAL_EXISTS", "detail": "already appealed", "violations": []}
    driver = f"""
let current = {json.dumps(job)};
const $ = document.getElementById;
$("key").value = "dk_me_secret";
const checked = {{ rating: {{ value: "2" }}, tags: [{{ value: "too_slow" }}, {{ value: "other" }}] }};
document.querySelector = () => checked.rating;
document.querySelectorAll = () => checked.tags;
(async () => {{
  const out = {{}};
  await sendAppeal();
  out.emptyReason = $("appeal-error").textContent;
  $("appeal-reason").value = "  it was a toy gun  ";
  answers.push([202, {{ review: {json.dumps(pending)} }}]);
  await sendAppeal();
  out.appealHidden = $("appeal-form").hidden; out.reviewShown = !$("review-box").hidden;
  out.reasonCleared = $("appeal-reason").value === "";
  $("appeal-reason").value = "once more";
  answers.push([409, {json.dumps(exists)}]);
  await sendAppeal();
  out.conflict = $("appeal-error").textContent;
  current = Object.assign({{}}, current, {{ state: "JOB_STATE_SUCCEEDED" }});
  $("rate-comment").value = "the voice was fine";
  answers.push([201, {{ rating: 2 }}]);
  await sendRating();
  out.rated = $("rate-done").textContent;
  answers.push([200, {{ rating: 2 }}]);
  await sendRating();
  out.rerated = $("rate-done").textContent;
  out.calls = calls;
  console.log(JSON.stringify(out));
}})();
"""
    js = tmp_path / "job.js"
    stub = _BROWSER_STUB.replace('"drishya.apiKey": "dk_rev_secret"', '"drishya.apiKey": ""')
    consts = [_piece(script, rf"const REVIEW_{what} = \{{.*?\}};") for what in ("KINDS", "STATES")]
    js.write_text(stub + "\n".join(consts + functions) + driver, encoding="utf-8")
    run = subprocess.run(["node", str(js)], capture_output=True, text=True, check=False, timeout=30)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["emptyReason"].startswith("Say why")
    assert out["appealHidden"] is True and out["reviewShown"] is True and out["reasonCleared"] is True
    assert out["conflict"].startswith("APPEAL_EXISTS")
    assert out["rated"] == "Thank you: rated 2 / 5." and out["rerated"] == "Rating changed to 2 / 5."
    appeal, appeal_again, rate, _ = out["calls"]
    assert appeal["url"] == f"/v1/jobs/{job['job_id']}:appeal" and appeal["method"] == "POST"
    assert appeal["body"] == {"reason": "it was a toy gun"}
    assert appeal["headers"]["Authorization"] == "Bearer dk_me_secret"
    assert appeal_again["url"] == appeal["url"] and appeal_again["body"] == {"reason": "once more"}
    assert rate["url"] == f"/v1/jobs/{job['job_id']}/feedback"
    assert rate["body"] == {"rating": 2, "tags": ["too_slow", "other"], "comment": "the voice was fine"}
