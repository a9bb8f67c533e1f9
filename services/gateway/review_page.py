"""The reviewers' page served at ``GET /reviews``: the review queue, the quarantined preview, and
approve or reject with a note.

Plain HTML with inline JavaScript and no build step, like the page at ``/``, sharing its API key
in ``sessionStorage`` (this tab only; the key goes in the ``Authorization`` header, never in a URL).
The route itself needs no key: the page calls the API with the key the browser holds.

- The queue: ``GET /v1/reviews`` (pending reviews, oldest first, a page at a time with "More"
  through ``next_page_token``), one row per review with why it is queued (moderation, trust level,
  appeal, reports), the reason, the language, when it was queued and moderation's findings
  (category, decision, message). A key without the reviewer role gets 403 FORBIDDEN, shown beside
  the key.
- Opening a review shows its details and plays the quarantined preview: the signed MP4 URL of
  ``preview.mp4_url`` in a ``<video>`` with the poster, and a link to the HLS master playlist;
  a review without media (an appeal of a text that was blocked before rendering) says so.
- Approve or reject: ``POST /v1/reviews/{id}:approve`` or ``:reject`` with ``{"note": "..."}``
  (1 to 2000 characters; the owner sees it). 200 ``{"review", "job"}`` removes the row and says
  what became of the job; SELF_REVIEW (the reviewer's own job), REVIEW_NOT_PENDING (decided
  meanwhile) and EXCLUDED_REVIEWER (an appeal of the reviewer's own decision) are shown beside the
  buttons with their detail.
"""

from __future__ import annotations

REVIEW_PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drishya — reviews</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
  :root { font-family: system-ui, "Noto Sans", sans-serif; color: #1d1d1f; background: #f6f5f2; }
  body { max-width: 960px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-weight: 600; margin-bottom: .2rem; }
  h1 a { color: inherit; text-decoration: none; }
  p.lead { margin-top: 0; color: #555; }
  label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
  input[type=password], textarea { width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #bbb;
    border-radius: 6px; font: inherit; background: #fff; }
  textarea { min-height: 5rem; }
  .row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; margin-top: .8rem; }
  button { margin-top: 1rem; padding: .6rem 1.4rem; font: inherit; font-weight: 600; border: 0;
    border-radius: 6px; background: #b5442c; color: #fff; cursor: pointer; }
  button.secondary { background: #4a4a68; }
  button.approve { background: #2d7a3e; }
  button:disabled { background: #aaa; cursor: default; }
  .field-error { color: #a00; font-size: 90%; margin-top: .3rem; }
  .field-error:empty { display: none; }
  table { width: 100%; border-collapse: collapse; background: #fff; margin-top: .6rem; }
  td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e4e2dc; vertical-align: top; }
  tr.open { background: #fdf3e1; }
  td ul { margin: 0; padding-left: 1.1rem; font-size: 90%; color: #555; }
  video { width: 100%; margin-top: 1rem; border-radius: 8px; background: #000; }
  #detail { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .8rem; margin-top: 1rem; }
  #done { margin-top: .6rem; font-weight: 600; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1><a href="/">Drishya</a> reviews</h1>
<p class="lead">Videos held before release, oldest first. Watch the preview, then approve or reject with a note
  the owner will read.</p>

<label for="key">API key (a reviewer's)</label>
<input id="key" type="password" autocomplete="off" placeholder="dk_..." required>
<div class="field-error" id="key-error" role="alert"></div>

<section id="queue-box">
  <button id="load" type="button" class="secondary">Load the queue</button>
  <table id="queue" hidden>
    <thead><tr><th>Queued</th><th>Why</th><th>Reason</th><th>Language</th><th>Findings</th><th></th></tr></thead>
    <tbody id="rows"></tbody>
  </table>
  <button id="more" type="button" class="secondary" hidden>More</button>
  <div class="field-error" id="queue-error" role="alert"></div>
  <div id="empty" hidden>Nothing is waiting for review.</div>
</section>

<section id="detail" hidden>
  <h2>Review <code id="review-id"></code></h2>
  <div>Job <code id="job-id"></code></div>
  <div id="review-why"></div>
  <div id="review-reason"></div>
  <ul id="findings"></ul>
  <video id="preview" controls playsinline preload="metadata" hidden></video>
  <div class="row" id="preview-links" hidden><a id="mp4-link" href="#">MP4</a>
    <a id="hls-link" href="#">HLS master playlist</a></div>
  <div id="no-preview" hidden>This review has no video (the scene was stopped before rendering).</div>
  <label for="note">Note (the owner reads it)</label>
  <textarea id="note" maxlength="2000" aria-describedby="decide-error"></textarea>
  <div class="row">
    <button id="approve" type="button" class="approve">Approve and release</button>
    <button id="reject" type="button">Reject</button>
  </div>
  <div class="field-error" id="decide-error" role="alert"></div>
</section>
<div id="done" aria-live="polite"></div>

<script>
"use strict";
const $ = (id) => document.getElementById(id);
const KINDS = { REVIEW_KIND_MODERATION: "moderation", REVIEW_KIND_TRUST: "trust level",
                REVIEW_KIND_APPEAL: "appeal", REVIEW_KIND_REPORT: "reports" };
const short = (s, prefix) => (s || "").replace(prefix, "").toLowerCase();
let pageToken = "";
let reviews = new Map();
let openId = "";

$("key").value = sessionStorage.getItem("drishya.apiKey") || "";
function key() { return $("key").value.trim(); }

function problemText(p) {
  if (!p || typeof p !== "object") return String(p);
  const v = (p.violations || []).map((x) => x.field + ": " + x.description).join("; ");
  return (p.reason || p.title || "ERROR") + " — " + (p.detail || "") + (v ? " (" + v + ")" : "");
}

// An error response beside its control; a key the API refuses (401, or 403 for a non-reviewer)
// beside the key.
async function showProblem(r, slot) {
  let p;
  try { p = await r.json(); } catch (err) { p = { reason: "HTTP_" + r.status, detail: r.statusText }; }
  const reason = p.reason || "";
  const keySlot = reason === "UNAUTHENTICATED" || reason === "INVALID_API_KEY" || reason === "FORBIDDEN";
  let text = problemText(p);
  const after = r.headers.get("Retry-After");
  if (after) text += " — try again in " + after + " s";
  $(keySlot ? "key-error" : slot).textContent = text;
  return p;
}

function when(t) {
  const d = t ? new Date(t) : null;
  return d && !isNaN(d) ? d.toLocaleString() : (t || "");
}

function findingText(f) {
  return short(f.category, "REASON_CATEGORY_") + " · " + short(f.decision, "DECISION_") +
    (f.message ? ": " + f.message : "");
}

function cell(tr, child) {
  const td = document.createElement("td");
  td.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  tr.appendChild(td);
}

function row(rv) {
  const tr = document.createElement("tr");
  tr.id = "row-" + rv.review_id;
  cell(tr, when(rv.create_time));
  cell(tr, KINDS[rv.kind] || rv.kind || "");
  cell(tr, rv.reason || "");
  cell(tr, rv.language_code || "—");
  const ul = document.createElement("ul");
  for (const f of rv.findings || []) {
    const li = document.createElement("li");
    li.textContent = findingText(f);
    ul.appendChild(li);
  }
  cell(tr, ul);
  const open = document.createElement("button");
  open.type = "button";
  open.className = "secondary";
  open.textContent = "Open";
  open.style.marginTop = "0";
  open.addEventListener("click", () => openReview(rv.review_id));
  cell(tr, open);
  return tr;
}

// GET /v1/reviews: the pending reviews, oldest first, a page at a time.
async function loadQueue(more) {
  $("queue-error").textContent = $("key-error").textContent = "";
  if (!key()) { $("key-error").textContent = "Paste a reviewer's API key to see the queue."; return; }
  sessionStorage.setItem("drishya.apiKey", key());
  if (!more) { pageToken = ""; reviews = new Map(); $("rows").textContent = ""; }
  const q = "?page_size=20" + (pageToken ? "&page_token=" + encodeURIComponent(pageToken) : "");
  try {
    const r = await fetch("/v1/reviews" + q, { headers: { Authorization: "Bearer " + key() } });
    if (!r.ok) { await showProblem(r, "queue-error"); return; }
    const page = await r.json();
    for (const rv of page.reviews || []) {
      reviews.set(rv.review_id, rv);
      $("rows").appendChild(row(rv));
    }
    pageToken = page.next_page_token || "";
    $("queue").hidden = !reviews.size;
    $("empty").hidden = reviews.size > 0;
    $("more").hidden = !pageToken;
  } catch (err) {
    $("queue-error").textContent = String(err);
  }
}

// One review: its details and the quarantined preview (the signed MP4 in the <video>).
function openReview(id) {
  const rv = reviews.get(id);
  if (!rv) return;
  openId = id;
  for (const tr of $("rows").children) tr.className = tr.id === "row-" + id ? "open" : "";
  $("detail").hidden = false;
  $("done").textContent = $("decide-error").textContent = "";
  $("review-id").textContent = rv.review_id;
  $("job-id").textContent = rv.job_id;
  $("review-why").textContent = "Why: " + (KINDS[rv.kind] || rv.kind) + " · queued " + when(rv.create_time) +
    (rv.language_code ? " · language " + rv.language_code : "");
  $("review-reason").textContent = rv.reason ? "Reason: " + rv.reason : "";
  $("findings").textContent = "";
  for (const f of rv.findings || []) {
    const li = document.createElement("li");
    li.textContent = findingText(f);
    $("findings").appendChild(li);
  }
  const preview = rv.preview && rv.preview.mp4_url ? rv.preview : null;
  const v = $("preview");
  v.pause();
  if (preview) {
    v.poster = preview.poster_url || "";
    v.src = preview.mp4_url;
    $("mp4-link").href = preview.mp4_url;
    $("hls-link").hidden = !preview.hls_master_url;
    if (preview.hls_master_url) $("hls-link").href = preview.hls_master_url;
  } else {
    v.removeAttribute("src");
    v.removeAttribute("poster");
  }
  v.hidden = $("preview-links").hidden = !preview;
  $("no-preview").hidden = !!preview;
  $("note").value = "";
  $("note").focus();
}

// POST /v1/reviews/{id}:approve or :reject with the note; 200 {"review", "job"}.
async function decide(verb) {
  const rv = reviews.get(openId);
  if (!rv) return;
  $("decide-error").textContent = "";
  const note = $("note").value.trim();
  if (!note) { $("decide-error").textContent = "Write a note: the owner reads why."; return; }
  $("approve").disabled = $("reject").disabled = true;
  try {
    const r = await fetch("/v1/reviews/" + encodeURIComponent(rv.review_id) + ":" + verb, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + key() },
      body: JSON.stringify({ note }),
    });
    if (!r.ok) {
      const p = await showProblem(r, "decide-error");
      if (p.reason === "REVIEW_NOT_PENDING") dropReview(rv.review_id);
      return;
    }
    const out = await r.json();
    const state = out.job ? short(out.job.state, "JOB_STATE_") : "";
    dropReview(rv.review_id);
    $("done").textContent = (verb === "approve" ? "Approved" : "Rejected") + " review " + rv.review_id.slice(0, 8) +
      (state ? "; the job is now " + state : "") + ".";
  } catch (err) {
    $("decide-error").textContent = String(err);
  } finally {
    $("approve").disabled = $("reject").disabled = false;
  }
}

function dropReview(id) {
  reviews.delete(id);
  const tr = $("row-" + id);
  if (tr) tr.remove();
  if (openId === id) {
    openId = "";
    $("preview").pause();
    $("preview").removeAttribute("src");
    $("detail").hidden = true;
  }
  $("queue").hidden = !reviews.size;
  $("empty").hidden = reviews.size > 0 || !!pageToken;
}

$("load").addEventListener("click", () => loadQueue(false));
$("more").addEventListener("click", () => loadQueue(true));
$("approve").addEventListener("click", () => decide("approve"));
$("reject").addEventListener("click", () => decide("reject"));
$("key").addEventListener("change", () => loadQueue(false));
if (key()) loadQueue(false);
</script>
</body>
</html>
"""
