"""The single-file web page served at ``GET /`` and ``GET /jobs/{job_id}``: paste an API key, write a
scene, watch it become a video.

Plain HTML with inline JavaScript and no build step. Routes, all answered by this one page:

- ``/``: the form. Submitting calls ``POST /v1/jobs`` with the key as a Bearer token and moves the
  address to ``/jobs/<job_id>`` (History API), so a reload, a bookmark or the back button shows
  the same job again.
- ``/jobs/<job_id>``: the job. The page reads it with ``GET /v1/jobs/{id}`` and, until it ends,
  follows ``/v1/jobs/{id}/events`` with ``fetch`` and a stream reader (so the key goes in the
  ``Authorization`` header, never in a URL; the reader parses the SSE framing and resumes with
  ``Last-Event-ID`` when the connection drops). Cancel (``:cancel``) is offered while the job is
  queued or running, Retry (``:retry``) once it has FAILED or gone to DEAD_LETTER. When the job
  succeeds the video plays with its poster through the signed URLs the API returns: the HLS master
  playlist through hls.js (loaded from ``/static/hls.min.js``, see :mod:`services.gateway.static`)
  where it runs, with a quality selector of the renditions ("Auto", "720p", "360p") that sets
  ``hls.currentLevel``; without hls.js (not served, no MediaSource, or a fatal error), the master
  playlist where the browser plays HLS itself (Safari), otherwise the MP4. The MP4 and the master
  playlist are linked either way. The render manifest follows: per shot its provider and the elements drawn
  (concept and drawing), then the concepts no shot shows, each with its reason.
- Review, appeal and rating, on the job's view: a job IN_REVIEW says its video is held until a
  reviewer decides (the media are not served meanwhile); the job's latest ``review`` (why it was
  reviewed, its state, the reviewer's note and times) is shown whenever there is one, and a
  ``taken_down`` job says so. The owner of a BLOCKED job (blocked by moderation, a reviewer or a
  takedown) may appeal with a reason (``POST /v1/jobs/{id}:appeal``, 1 to 2000 characters; one
  appeal per decision, so the form is hidden while an appeal is pending and APPEAL_EXISTS or
  NOT_APPEALABLE is shown beside it). The owner of a SUCCEEDED job may rate it (1 to 5), tag what
  was wrong and comment (``POST /v1/jobs/{id}/feedback``; rating again replaces the rating).

Under the form, the key's jobs (``GET /v1/jobs``, newest first, a page at a time with "More"): state,
language, created time and, once succeeded, the poster as a thumbnail; each row links to its job.
The form sends the provider (storyboard, comfyui or gemini; the server's choice when unset) and the
priority (0 to 9) as options.

The scene's length is counted as the API counts it (Unicode code points, at most 2000); text over
the limit is kept and flagged, never cut. An API error is shown beside the control it concerns (the
key, the scene, the language, the submit, cancel or retry button) with its ``reason`` and detail.
The key is kept in ``sessionStorage`` (this tab only).
"""

from __future__ import annotations

from services.gateway.models import MAX_TEXT_CHARS

#: Fewest characters of a scene once surrounding white space is removed (the API's TEXT_TOO_SHORT).
MIN_TEXT_CHARS = 10

PAGE = (
    """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drishya — scene to video</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
  :root { font-family: system-ui, "Noto Sans", sans-serif; color: #1d1d1f; background: #f6f5f2; }
  body { max-width: 860px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-weight: 600; margin-bottom: .2rem; }
  h1 a { color: inherit; text-decoration: none; }
  p.lead { margin-top: 0; color: #555; }
  label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
  input[type=password], input[type=text], textarea, select {
    width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #bbb; border-radius: 6px;
    font: inherit; background: #fff; }
  textarea { min-height: 7rem; }
  textarea.over { border-color: #a00; outline-color: #a00; }
  .row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; margin-top: .8rem; }
  .row label { display: inline; font-weight: normal; margin: 0; }
  button { margin-top: 1rem; padding: .6rem 1.4rem; font: inherit; font-weight: 600; border: 0;
    border-radius: 6px; background: #b5442c; color: #fff; cursor: pointer; }
  button.secondary { background: #4a4a68; }
  button:disabled { background: #aaa; cursor: default; }
  .counter { font-size: 90%; color: #555; margin-top: .3rem; }
  .counter.over { color: #a00; font-weight: 600; }
  .field-error { color: #a00; font-size: 90%; margin-top: .3rem; }
  .field-error:empty { display: none; }
  progress { width: 100%; height: 1.1rem; margin-top: 1rem; }
  #status { font-weight: 600; margin-top: .6rem; }
  #job-text { white-space: pre-wrap; background: #fff; border: 1px solid #ddd; border-radius: 6px;
    padding: .6rem; }
  #log { font: 12px/1.5 ui-monospace, monospace; background: #fff; border: 1px solid #ddd;
    border-radius: 6px; padding: .6rem; max-height: 14rem; overflow: auto; white-space: pre-wrap; }
  .error { color: #a00; }
  video { width: 100%; margin-top: 1rem; border-radius: 8px; background: #000; }
  table { width: 100%; border-collapse: collapse; background: #fff; margin-top: .6rem; }
  td, th { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e4e2dc; vertical-align: middle; }
  td img.thumb { width: 96px; height: 54px; object-fit: cover; border-radius: 4px; background: #000; display: block; }
  td .nothumb { width: 96px; height: 54px; border-radius: 4px; background: #ddd; }
  #manifest ol { padding-left: 1.4rem; }
  #manifest li { margin: .3rem 0; }
  #manifest .drawn { color: #555; font-size: 90%; }
  .notice { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .6rem; margin-top: .8rem; }
  .notice.held { border-color: #c98a00; }
  fieldset { border: 1px solid #ddd; border-radius: 6px; margin-top: 1rem; background: #fff; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1><a href="/">Drishya</a></h1>
<p class="lead">Write a scene in an Indian language or English; get a narrated, subtitled video.
  Several scenes make a <a href="/stories">story</a>.</p>

<label for="key">API key</label>
<input id="key" type="password" autocomplete="off" placeholder="dk_..." required>
<div class="field-error" id="key-error" role="alert"></div>

<form id="form" novalidate>
  <label for="text">Scene</label>
  <textarea id="text" required aria-describedby="counter text-error"
    placeholder="ek ladki baarish mein naach rahi hai, shaam ka samay"></textarea>
  <div class="counter" id="counter" aria-live="polite"></div>
  <div class="field-error" id="text-error" role="alert"></div>

  <div class="row">
    <select id="lang" style="width:auto" aria-label="Language" aria-describedby="lang-error">
      <option value="">Detect language</option>
      <option value="en">English</option><option value="hi">Hindi</option><option value="te">Telugu</option>
      <option value="ta">Tamil</option><option value="bn">Bengali</option><option value="gu">Gujarati</option>
      <option value="mr">Marathi</option><option value="kn">Kannada</option><option value="ml">Malayalam</option>
      <option value="or">Odia</option><option value="pa">Punjabi</option>
    </select>
    <label><input id="narration" type="checkbox" checked> Narration</label>
    <label><input id="subtitles" type="checkbox" checked> Subtitles</label>
  </div>
  <div class="row">
    <label for="provider">Provider</label>
    <select id="provider" style="width:auto">
      <option value="">Default</option>
      <option value="storyboard">Storyboard</option>
      <option value="comfyui">ComfyUI</option>
      <option value="gemini">Gemini</option>
    </select>
    <label for="priority">Priority</label>
    <select id="priority" style="width:auto">
      <option value="" selected>Plan's</option>
      <option value="0">0 (lowest)</option><option value="1">1</option><option value="2">2</option>
      <option value="3">3</option><option value="4">4</option><option value="5">5</option>
      <option value="6">6</option><option value="7">7</option><option value="8">8</option>
      <option value="9">9 (highest)</option>
    </select>
  </div>
  <div class="field-error" id="lang-error" role="alert"></div>
  <button id="go" type="submit">Make the video</button>
  <div class="field-error" id="go-error" role="alert"></div>
</form>

<section id="jobs-box">
  <h2>Your jobs</h2>
  <button id="jobs-load" type="button" class="secondary">Show my jobs</button>
  <table id="jobs" hidden>
    <thead><tr><th>Poster</th><th>State</th><th>Language</th><th>Created</th><th>Scene</th></tr></thead>
    <tbody id="jobs-rows"></tbody>
  </table>
  <button id="jobs-more" type="button" class="secondary" hidden>More</button>
  <div class="field-error" id="jobs-error" role="alert"></div>
</section>

<section id="job-box" hidden>
  <h2>Job <code id="job-id"></code></h2>
  <div id="job-text"></div>
  <progress id="bar" max="1" value="0"></progress>
  <div id="status"></div>
  <div class="row">
    <button id="cancel" type="button" class="secondary" hidden>Cancel</button>
    <button id="retry" type="button" hidden>Retry</button>
    <a href="/" id="new-scene">Write another scene</a>
  </div>
  <div class="field-error" id="action-error" role="alert"></div>
  <div id="review-box" class="notice" hidden>
    <strong id="review-state"></strong>
    <div id="review-detail"></div>
  </div>
  <div id="takedown" class="notice error" hidden>The video was taken down by an operator; the record stays.
    You may answer with an appeal.</div>
  <form id="appeal-form" hidden novalidate>
    <fieldset>
      <legend>Appeal the decision</legend>
      <label for="appeal-reason">Why the decision is wrong</label>
      <textarea id="appeal-reason" maxlength="2000" aria-describedby="appeal-error"></textarea>
      <button id="appeal" type="submit" class="secondary">Send the appeal</button>
      <div class="field-error" id="appeal-error" role="alert"></div>
    </fieldset>
  </form>
  <video id="video" controls playsinline hidden></video>
  <div id="playback-note" class="row" hidden>
    <label for="quality" id="quality-label" hidden>Quality</label>
    <select id="quality" style="width:auto" hidden></select>
    <a id="mp4-link" href="#">MP4</a>
    <a id="hls-link" href="#">HLS master playlist</a> <span id="playing-what"></span>
  </div>
  <section id="manifest" hidden>
    <h3>What was drawn</h3>
    <ol id="shots"></ol>
    <h4>Not shown</h4>
    <ul id="undrawn"></ul>
  </section>
  <form id="rate-form" hidden novalidate>
    <fieldset>
      <legend>Rate this video</legend>
      <div class="row" id="rating" role="radiogroup" aria-label="Rating">
        <label><input type="radio" name="rating" value="1"> 1 (bad)</label>
        <label><input type="radio" name="rating" value="2"> 2</label>
        <label><input type="radio" name="rating" value="3"> 3</label>
        <label><input type="radio" name="rating" value="4"> 4</label>
        <label><input type="radio" name="rating" value="5"> 5 (good)</label>
      </div>
      <div class="row" id="rate-tags">
        <label><input type="checkbox" name="tag" value="picture_mismatch"> Picture does not match</label>
        <label><input type="checkbox" name="tag" value="subtitles_wrong"> Subtitles wrong</label>
        <label><input type="checkbox" name="tag" value="voice_unclear"> Voice unclear</label>
        <label><input type="checkbox" name="tag" value="too_slow"> Too slow</label>
        <label><input type="checkbox" name="tag" value="other"> Other</label>
      </div>
      <label for="rate-comment">Comment</label>
      <textarea id="rate-comment" maxlength="2000" aria-describedby="rate-error"></textarea>
      <button id="rate" type="submit">Send the rating</button>
      <div class="field-error" id="rate-error" role="alert"></div>
      <div id="rate-done" aria-live="polite"></div>
    </fieldset>
  </form>
  <h3>Events</h3>
  <div id="log"></div>
</section>

<script>
"use strict";
const $ = (id) => document.getElementById(id);
const MAX_CHARS = """
    + str(MAX_TEXT_CHARS)
    + """, MIN_CHARS = """
    + str(MIN_TEXT_CHARS)
    + """;
const TERMINAL = new Set(["JOB_STATE_SUCCEEDED", "JOB_STATE_BLOCKED", "JOB_STATE_CANCELLED",
                          "JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTER", "JOB_STATE_IN_REVIEW"]);
const RETRYABLE = new Set(["JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTER"]);
const JOB_PATH = /^\\/jobs\\/([0-9a-fA-F-]{36})\\/?$/;
const ERROR_SLOTS = ["key-error", "text-error", "lang-error", "go-error", "action-error", "jobs-error",
                     "appeal-error", "rate-error"];
const REVIEW_KINDS = { REVIEW_KIND_MODERATION: "moderation flagged it",
                       REVIEW_KIND_TRUST: "videos of new or restricted keys are checked",
                       REVIEW_KIND_APPEAL: "your appeal", REVIEW_KIND_REPORT: "viewers reported it" };
const REVIEW_STATES = { REVIEW_STATE_PENDING: "waiting for a reviewer", REVIEW_STATE_APPROVED: "approved",
                        REVIEW_STATE_REJECTED: "rejected" };
const HLS_TYPE = "application/vnd.apple.mpegurl";
const HLS_JS = "/static/hls.min.js";
let jobsToken = "";
let hlsJs = null, hlsPlayer = null, hlsFor = "", playToken = 0;
let source = null;
let current = null;
// The newest event sequence shown for the current job: a response that was overtaken by an event
// (a :cancel answer arriving after the CANCELLED event) is not shown over it.
let shownSequence = 0;

$("key").value = sessionStorage.getItem("drishya.apiKey") || "";

function key() { return $("key").value.trim(); }

function log(line, cls) {
  const div = document.createElement("div");
  div.textContent = line;
  if (cls) div.className = cls;
  $("log").appendChild(div);
  $("log").scrollTop = $("log").scrollHeight;
}

function problemText(p) {
  if (!p || typeof p !== "object") return String(p);
  const v = (p.violations || []).map((x) => x.field + ": " + x.description).join("; ");
  return (p.reason || p.title || "ERROR") + " — " + (p.detail || "") + (v ? " (" + v + ")" : "");
}

function clearErrors() { for (const id of ERROR_SLOTS) $(id).textContent = ""; }

// Which control an API problem is about: the key, the scene, the language, or the button pressed.
function slotFor(p, fallback) {
  const reason = (p && p.reason) || "";
  const fields = ((p && p.violations) || []).map((x) => x.field || "");
  if (reason === "UNAUTHENTICATED" || reason === "INVALID_API_KEY" || reason === "AUTH_UNAVAILABLE") return "key-error";
  if (reason.startsWith("TEXT_") || fields.some((f) => f === "text")) return "text-error";
  if (reason === "UNSUPPORTED_LANGUAGE" || fields.some((f) => f.endsWith("language_code"))) return "lang-error";
  return fallback;
}

// Shows an error response beside its control: "REASON — detail", plus Retry-After when given.
async function showProblem(r, fallback) {
  let p;
  try { p = await r.json(); } catch (err) { p = { reason: "HTTP_" + r.status, detail: r.statusText }; }
  let text = problemText(p);
  const after = r.headers.get("Retry-After");
  if (after) text += " — try again in " + after + " s";
  $(slotFor(p, fallback)).textContent = text;
  return p;
}

function countChars(s) { return Array.from(s).length; }  // code points, as the API counts

function updateCounter() {
  const text = $("text").value;
  const n = countChars(text);
  const over = n > MAX_CHARS;
  const c = $("counter");
  c.className = over ? "counter over" : "counter";
  $("text").className = over ? "over" : "";
  const count = n + " / " + MAX_CHARS + " characters";
  if (over) c.textContent = count + " — " + (n - MAX_CHARS) + " too many; shorten the scene";
  else if (text.trim() && countChars(text.trim()) < MIN_CHARS) {
    c.textContent = count + " — at least " + MIN_CHARS + " needed";
  }
  else c.textContent = count;
  return !over;
}

function showJob(job) {
  const seq = Number(job.last_event_sequence || 0);
  if (current && current.job_id === job.job_id && seq < shownSequence) return;
  if (!current || current.job_id !== job.job_id) shownSequence = 0;
  shownSequence = Math.max(shownSequence, seq);
  current = job;
  $("job-id").textContent = job.job_id;
  $("job-text").textContent = job.text || "";
  $("bar").value = job.progress || 0;
  $("status").className = "";
  $("status").textContent = job.state.replace("JOB_STATE_", "") + " · " + job.stage.replace("STAGE_", "");
  $("cancel").hidden = TERMINAL.has(job.state);
  $("retry").hidden = !RETRYABLE.has(job.state);
  showGovernance(job);
  if (job.state === "JOB_STATE_SUCCEEDED" && job.result && !job.taken_down) {
    playResult(job.result);
    showManifest(job);
  } else if (job.error && job.error.message) {
    $("status").textContent += " — " + job.error.message;
    $("status").className = "error";
  }
}

function when(t) {
  const d = t ? new Date(t) : null;
  return d && !isNaN(d) ? d.toLocaleString() : (t || "");
}

// The review state, the takedown notice, and the appeal and rating forms the job's state allows.
function showGovernance(job) {
  const review = job.review && job.review.review_id ? job.review : null;
  const held = job.state === "JOB_STATE_IN_REVIEW";
  $("review-box").hidden = !review && !held;
  $("review-box").className = held ? "notice held" : "notice";
  $("review-state").textContent = held
    ? "In review: the video is held until a reviewer decides; nobody else can see it meanwhile."
    : (review ? "Reviewed" : "");
  const lines = [];
  if (review) {
    lines.push("Why: " + (REVIEW_KINDS[review.kind] || review.kind) + (review.reason ? " — " + review.reason : ""));
    lines.push("State: " + (REVIEW_STATES[review.state] || review.state) +
      (review.create_time ? " (queued " + when(review.create_time) + ")" : ""));
    if (review.note) lines.push("Reviewer's note: " + review.note);
    if (review.decide_time) lines.push("Decided " + when(review.decide_time));
  }
  $("review-detail").textContent = "";
  for (const line of lines) {
    const div = document.createElement("div");
    div.textContent = line;
    $("review-detail").appendChild(div);
  }
  $("takedown").hidden = !job.taken_down;
  const appealPending = review && review.kind === "REVIEW_KIND_APPEAL" && review.state === "REVIEW_STATE_PENDING";
  $("appeal-form").hidden = job.state !== "JOB_STATE_BLOCKED" || !!appealPending;
  $("rate-form").hidden = job.state !== "JOB_STATE_SUCCEEDED" || !!job.taken_down;
}

// POST /v1/jobs/{id}:appeal with the owner's reason; 202 {"review": {...}} is the pending appeal.
async function sendAppeal() {
  if (!current) return;
  $("appeal-error").textContent = "";
  const reason = $("appeal-reason").value.trim();
  if (!reason) { $("appeal-error").textContent = "Say why the decision is wrong."; return; }
  $("appeal").disabled = true;
  try {
    const r = await fetch("/v1/jobs/" + encodeURIComponent(current.job_id) + ":appeal", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + key() },
      body: JSON.stringify({ reason }),
    });
    if (!r.ok) { await showProblem(r, "appeal-error"); return; }
    const body = await r.json();
    log("appeal sent; it waits for a reviewer");
    $("appeal-reason").value = "";
    current.review = body.review;
    showGovernance(current);
  } catch (err) {
    $("appeal-error").textContent = String(err);
  } finally {
    $("appeal").disabled = false;
  }
}

// POST /v1/jobs/{id}/feedback: the rating, the tags checked and the comment.
async function sendRating() {
  if (!current) return;
  $("rate-error").textContent = "";
  $("rate-done").textContent = "";
  const picked = document.querySelector('input[name="rating"]:checked');
  if (!picked) { $("rate-error").textContent = "Pick a rating from 1 to 5."; return; }
  const tags = Array.from(document.querySelectorAll('input[name="tag"]:checked')).map((x) => x.value);
  const body = { rating: Number(picked.value), tags, comment: $("rate-comment").value };
  $("rate").disabled = true;
  try {
    const r = await fetch("/v1/jobs/" + encodeURIComponent(current.job_id) + "/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + key() },
      body: JSON.stringify(body),
    });
    if (!r.ok) { await showProblem(r, "rate-error"); return; }
    const saved = await r.json();
    const what = r.status === 201 ? "Thank you: rated " : "Rating changed to ";
    $("rate-done").textContent = what + saved.rating + " / 5.";
  } catch (err) {
    $("rate-error").textContent = String(err);
  } finally {
    $("rate").disabled = false;
  }
}

function canPlayHls(v) { return !!v.canPlayType && v.canPlayType(HLS_TYPE) !== ""; }

// hls.js from the gateway, loaded once when a video is to play; null when it is not served.
function loadHlsJs() {
  if (!hlsJs) {
    hlsJs = new Promise((resolve) => {
      if (window.Hls) { resolve(window.Hls); return; }
      const s = document.createElement("script");
      s.src = HLS_JS;
      s.onload = () => resolve(window.Hls || null);
      s.onerror = () => resolve(null);
      document.head.appendChild(s);
    });
  }
  return hlsJs;
}

function levelName(l) { return l.height ? l.height + "p" : Math.round((l.bitrate || 0) / 1000) + " kbit/s"; }

// The quality selector: "Auto" (hls.js picks by bandwidth) and each rendition, highest first.
function showLevels(player) {
  const sel = $("quality");
  sel.textContent = "";
  const auto = document.createElement("option");
  auto.value = "-1";
  auto.textContent = "Auto";
  sel.appendChild(auto);
  const height = (i) => player.levels[i].height || 0;
  const order = player.levels.map((l, i) => i).sort((a, b) => height(b) - height(a));
  for (const i of order) {
    const o = document.createElement("option");
    o.value = String(i);
    o.textContent = levelName(player.levels[i]);
    sel.appendChild(o);
  }
  sel.value = player.autoLevelEnabled ? "-1" : String(player.currentLevel);
  sel.hidden = $("quality-label").hidden = player.levels.length < 1;
}

function showPlaying(player) {
  const l = player.levels[player.currentLevel];
  $("playing-what").textContent = "(playing HLS" + (l ? ", " + levelName(l) : "") +
    (player.autoLevelEnabled ? ", chosen automatically" : "") + ")";
}

function stopHls() {
  playToken++;
  if (hlsPlayer) { hlsPlayer.destroy(); hlsPlayer = null; }
  hlsFor = "";
  $("quality").hidden = $("quality-label").hidden = true;
  $("quality").textContent = "";
}

// Plays the master playlist with hls.js where it runs (MediaSource); false when it cannot.
async function playWithHlsJs(v, url, onFail) {
  const token = ++playToken;
  const Hls = await loadHlsJs();
  if (token !== playToken || !Hls || !Hls.isSupported()) return false;
  const player = new Hls();
  hlsPlayer = player;
  player.on(Hls.Events.MANIFEST_PARSED, () => { showLevels(player); showPlaying(player); });
  player.on(Hls.Events.LEVEL_SWITCHED, () => showPlaying(player));
  player.on(Hls.Events.ERROR, (event, data) => {
    if (!data.fatal || hlsPlayer !== player) return;
    const playing = hlsFor;
    stopHls();
    hlsFor = playing;  // not tried again for this job: the fallback plays on
    onFail(data.details || data.type);
  });
  player.loadSource(url);
  player.attachMedia(v);
  return true;
}

// The video: hls.js with a quality selector where it runs, else HLS where the browser plays it
// itself (Safari), else the MP4; the MP4 and the master playlist are linked either way.
async function playResult(result) {
  const v = $("video");
  const hls = result.hls_master_url || "";
  v.poster = result.poster_url || "";
  v.hidden = false;
  $("playback-note").hidden = false;
  $("mp4-link").href = result.mp4_url || "";
  $("mp4-link").hidden = !result.mp4_url;
  $("hls-link").hidden = !hls;
  if (hls) $("hls-link").href = hls;
  const same = hls && hls.split("?")[0] === hlsFor;  // signed URLs differ each read; the playlist does not
  if (same) return;
  const fallback = (why) => {
    const useHls = hls && canPlayHls(v);
    const src = useHls ? hls : result.mp4_url;
    if (v.getAttribute("src") !== src) v.src = src;
    $("playing-what").textContent = useHls ? "(playing HLS)"
      : "(playing the MP4; " + (why ? "hls.js failed: " + why : "this browser does not play HLS itself") + ")";
  };
  stopHls();
  if (hls) {
    hlsFor = hls.split("?")[0];
    v.removeAttribute("src");
    if (await playWithHlsJs(v, hls, fallback)) return;
    if (hlsFor !== hls.split("?")[0]) return;  // another job is shown now
  }
  fallback("");
}

$("quality").addEventListener("change", () => {
  if (!hlsPlayer) return;
  hlsPlayer.currentLevel = Number($("quality").value);  // -1: automatic
  showPlaying(hlsPlayer);
});

function timeRange(ms0, ms1) { return (ms0 / 1000).toFixed(1) + "–" + (ms1 / 1000).toFixed(1) + " s"; }

// The render manifest: per shot the elements drawn, then what the analysis found that no shot shows.
function showManifest(job) {
  const shots = job.shots || [], undrawn = job.undrawn_concepts || [];
  const ol = $("shots"), ul = $("undrawn");
  ol.textContent = "";
  ul.textContent = "";
  for (const shot of shots) {
    const li = document.createElement("li");
    const head = document.createElement("div");
    head.textContent = "Shot " + (shot.index + 1) + " · " + (shot.provider || "?") +
      (shot.fallback_reason ? " (fallback: " + shot.fallback_reason + ")" : "");
    li.appendChild(head);
    const els = shot.elements || [];
    const d = document.createElement("div");
    d.className = "drawn";
    d.textContent = els.length
      ? els.map((e) => (e.label || e.concept_id) + " [" + e.concept_id + "] drawn as " + (e.drawing || "?") +
          (e.end_ms > e.start_ms ? " @ " + timeRange(e.start_ms, e.end_ms) : "")).join("; ")
      : "no elements recorded";
    li.appendChild(d);
    ol.appendChild(li);
  }
  for (const u of undrawn) {
    const li = document.createElement("li");
    li.textContent = (u.label || u.concept_id) + " [" + u.concept_id + "]: " + u.reason;
    ul.appendChild(li);
  }
  if (!undrawn.length) {
    const li = document.createElement("li");
    li.textContent = "everything found was drawn";
    ul.appendChild(li);
  }
  $("manifest").hidden = !shots.length && !undrawn.length;
}

function resetJobView() {
  if (source) { source.abort(); source = null; }
  current = null;
  $("log").textContent = "";
  $("status").textContent = "";
  $("status").className = "";
  $("job-text").textContent = "";
  $("bar").value = 0;
  $("cancel").hidden = true;
  $("retry").hidden = true;
  stopHls();
  $("video").hidden = true;
  $("video").removeAttribute("src");
  $("video").removeAttribute("poster");
  $("playback-note").hidden = true;
  $("manifest").hidden = true;
  $("shots").textContent = "";
  $("undrawn").textContent = "";
  $("review-box").hidden = $("takedown").hidden = $("appeal-form").hidden = $("rate-form").hidden = true;
  $("rate-form").reset();
  $("rate-done").textContent = "";
}

function shortState(state) { return (state || "").replace("JOB_STATE_", "").toLowerCase(); }

function jobRow(job) {
  const tr = document.createElement("tr");
  const href = "/jobs/" + job.job_id;
  const cell = (child) => { const td = document.createElement("td"); td.appendChild(child); tr.appendChild(td); };
  const link = (child) => {
    const a = document.createElement("a");
    a.href = href;
    a.addEventListener("click", (e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      history.pushState({ job: job.job_id }, "", href);
      route();
    });
    a.appendChild(child);
    return a;
  };
  const poster = job.state === "JOB_STATE_SUCCEEDED" && job.result && job.result.poster_url;
  if (poster) {
    const img = document.createElement("img");
    img.className = "thumb";
    img.loading = "lazy";
    img.alt = "poster";
    img.src = poster;
    cell(link(img));
  } else {
    const d = document.createElement("div");
    d.className = "nothumb";
    cell(link(d));
  }
  cell(link(document.createTextNode(shortState(job.state))));
  cell(document.createTextNode(job.language_code || (job.options && job.options.language_code) || "—"));
  const created = job.create_time ? new Date(job.create_time) : null;
  cell(document.createTextNode(created && !isNaN(created) ? created.toLocaleString() : (job.create_time || "")));
  const text = job.text || "";
  cell(link(document.createTextNode(text.length > 60 ? text.slice(0, 60) + "…" : text)));
  return tr;
}

// The key's jobs, newest first, one page at a time (GET /v1/jobs with page_token).
async function loadJobs(more) {
  $("jobs-error").textContent = "";
  if (!key()) { $("key-error").textContent = "Paste your API key to list your jobs."; return; }
  if (!more) { jobsToken = ""; $("jobs-rows").textContent = ""; }
  const q = "?page_size=10" + (jobsToken ? "&page_token=" + encodeURIComponent(jobsToken) : "");
  try {
    const r = await fetch("/v1/jobs" + q, { headers: { Authorization: "Bearer " + key() } });
    if (!r.ok) { await showProblem(r, "jobs-error"); return; }
    const page = await r.json();
    for (const job of page.jobs || []) $("jobs-rows").appendChild(jobRow(job));
    jobsToken = page.next_page_token || "";
    $("jobs").hidden = false;
    $("jobs-more").hidden = !jobsToken;
    if (!$("jobs-rows").children.length) $("jobs-error").textContent = "No jobs yet for this key.";
  } catch (err) {
    $("jobs-error").textContent = String(err);
  }
}

async function finish(jobId) {
  if (source) { source.abort(); source = null; }
  const r = await fetch("/v1/jobs/" + encodeURIComponent(jobId), { headers: { Authorization: "Bearer " + key() } });
  if (r.ok) showJob(await r.json()); else await showProblem(r, "action-error");
}

function onEvent(type, data) {
  if (type === "problem") { log(problemText(JSON.parse(data)), "error"); return false; }
  const ev = JSON.parse(data);
  const seq = Number(ev.sequence || 0);
  log("#" + ev.sequence + " " + type + ": " + ev.message);
  // An event older than what is shown (the :cancel answer can overtake the stream) is logged only.
  if (seq < shownSequence) return TERMINAL.has(ev.state);
  shownSequence = seq;
  $("bar").value = ev.progress || 0;
  $("status").textContent = ev.state.replace("JOB_STATE_", "") + " · " + ev.stage.replace("STAGE_", "");
  $("cancel").hidden = TERMINAL.has(ev.state);
  $("retry").hidden = !RETRYABLE.has(ev.state);
  return TERMINAL.has(ev.state);
}

async function watch(jobId, afterId) {
  if (source) source.abort();
  const ctl = new AbortController();
  source = ctl;
  let lastId = afterId || "", retryMs = 3000;
  for (let attempt = 0; attempt < 20 && source === ctl; attempt++) {
    const headers = { Authorization: "Bearer " + key(), Accept: "text/event-stream" };
    if (lastId) headers["Last-Event-ID"] = lastId;
    let ended = false;
    try {
      const r = await fetch("/v1/jobs/" + encodeURIComponent(jobId) + "/events", { headers, signal: ctl.signal });
      if (r.status === 204) { ended = true; }
      else if (!r.ok) { await showProblem(r, "action-error"); ended = true; }
      else {
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value.replace(/\\r\\n?/g, "\\n");
          let cut;
          while ((cut = buf.indexOf("\\n\\n")) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let type = "message", data = [];
            for (const line of block.split("\\n")) {
              const i = line.indexOf(":");
              if (i === 0) continue;
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
              if (field === "event") type = val;
              else if (field === "data") data.push(val);
              else if (field === "id") lastId = val;
              else if (field === "retry" && /^\\d+$/.test(val)) retryMs = Number(val);
            }
            if (data.length && onEvent(type, data.join("\\n"))) ended = true;
          }
        }
      }
    } catch (err) {
      if (ctl.signal.aborted) return;
      log(String(err), "error");
    }
    if (ended) break;
    await new Promise((res) => setTimeout(res, retryMs));
  }
  if (source === ctl) finish(jobId);
}

// Shows the job at /jobs/<id>: read it, then follow its events until it ends.
async function openJob(jobId) {
  resetJobView();
  clearErrors();
  $("form").hidden = true;
  $("jobs-box").hidden = true;
  $("job-box").hidden = false;
  $("job-id").textContent = jobId;
  document.title = "Drishya — job " + jobId.slice(0, 8);
  if (!key()) { $("key-error").textContent = "Paste your API key to see this job."; return; }
  const r = await fetch("/v1/jobs/" + encodeURIComponent(jobId), { headers: { Authorization: "Bearer " + key() } });
  if (!r.ok) { await showProblem(r, "action-error"); return; }
  const job = await r.json();
  showJob(job);
  if (!TERMINAL.has(job.state)) watch(jobId, "");
  else log("the job has ended: " + job.state.replace("JOB_STATE_", "").toLowerCase());
}

function openForm() {
  resetJobView();
  clearErrors();
  document.title = "Drishya — scene to video";
  $("job-box").hidden = true;
  $("form").hidden = false;
  $("jobs-box").hidden = false;
  $("go").disabled = false;
  updateCounter();
  if (key()) loadJobs(false);
}

function route() {
  const m = JOB_PATH.exec(location.pathname);
  if (m) openJob(m[1]); else openForm();
}

$("key").addEventListener("change", () => {
  sessionStorage.setItem("drishya.apiKey", key());
  $("key-error").textContent = "";
  if (JOB_PATH.test(location.pathname) && !current) route();
  else if (!JOB_PATH.test(location.pathname)) loadJobs(false);
});
$("jobs-load").addEventListener("click", () => loadJobs(false));
$("jobs-more").addEventListener("click", () => loadJobs(true));
$("text").addEventListener("input", () => { $("text-error").textContent = ""; updateCounter(); });
$("lang").addEventListener("change", () => { $("lang-error").textContent = ""; });
window.addEventListener("popstate", route);

async function act(verb) {
  if (!current) return;
  $("action-error").textContent = "";
  $("cancel").disabled = $("retry").disabled = true;
  try {
    const r = await fetch("/v1/jobs/" + encodeURIComponent(current.job_id) + ":" + verb, {
      method: "POST", headers: { Authorization: "Bearer " + key() } });
    if (!r.ok) { await showProblem(r, "action-error"); return; }
    const job = await r.json();
    log(verb === "cancel" ? "cancel requested" : "queued again");
    showJob(job);
    if (!TERMINAL.has(job.state)) watch(job.job_id, String(job.last_event_sequence || ""));
  } catch (err) {
    $("action-error").textContent = String(err);
  } finally {
    $("cancel").disabled = $("retry").disabled = false;
  }
}
$("cancel").addEventListener("click", () => act("cancel"));
$("appeal-form").addEventListener("submit", (e) => { e.preventDefault(); sendAppeal(); });
$("rate-form").addEventListener("submit", (e) => { e.preventDefault(); sendRating(); });
$("retry").addEventListener("click", () => act("retry"));

$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  clearErrors();
  sessionStorage.setItem("drishya.apiKey", key());
  if (!key()) { $("key-error").textContent = "An API key is needed: paste the secret you were given."; return; }
  if (!updateCounter()) {
    const n = countChars($("text").value);
    $("text-error").textContent = "The scene has " + n + " characters; at most " + MAX_CHARS + " are accepted.";
    return;
  }
  if (countChars($("text").value.trim()) < MIN_CHARS) {
    $("text-error").textContent = "Write at least " + MIN_CHARS + " characters.";
    return;
  }
  $("go").disabled = true;
  const options = { disable_narration: !$("narration").checked, disable_subtitles: !$("subtitles").checked };
  if ($("lang").value) options.language_code = $("lang").value;
  if ($("provider").value) options.provider = $("provider").value;
  if ($("priority").value !== "") options.priority = Number($("priority").value);  // only lowers the plan's
  try {
    const r = await fetch("/v1/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + key(),
                 "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) },
      body: JSON.stringify({ text: $("text").value, options }),
    });
    if (!r.ok) { await showProblem(r, "go-error"); $("go").disabled = false; return; }
    const job = await r.json();
    history.pushState({ job: job.job_id }, "", "/jobs/" + job.job_id);
    resetJobView();
    $("form").hidden = true;
    $("jobs-box").hidden = true;
    $("job-box").hidden = false;
    document.title = "Drishya — job " + job.job_id.slice(0, 8);
    log("job " + job.job_id + " created");
    showJob(job);
    watch(job.job_id, "");
  } catch (err) {
    $("go-error").textContent = String(err);
    $("go").disabled = false;
  }
});

route();
</script>
</body>
</html>
"""
)
