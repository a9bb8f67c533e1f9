"""The single-file web page served at ``GET /``: paste an API key, write a scene, watch it become a video.

Plain HTML with inline JavaScript and no build step. It calls ``POST /v1/jobs`` with the key as a
Bearer token, follows ``/v1/jobs/{id}/events`` with ``EventSource`` (which cannot set headers, so
the key travels as ``?access_token=``) and shows the MP4 with its poster when the job succeeds.
The key is kept in the browser's ``localStorage`` only.
"""

from __future__ import annotations

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drishya — scene to video</title>
<style>
  :root { font-family: system-ui, "Noto Sans", sans-serif; color: #1d1d1f; background: #f6f5f2; }
  body { max-width: 860px; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-weight: 600; margin-bottom: .2rem; }
  p.lead { margin-top: 0; color: #555; }
  label { display: block; font-weight: 600; margin: 1rem 0 .3rem; }
  input[type=password], input[type=text], textarea, select {
    width: 100%; box-sizing: border-box; padding: .6rem; border: 1px solid #bbb; border-radius: 6px;
    font: inherit; background: #fff; }
  textarea { min-height: 7rem; }
  .row { display: flex; gap: 1rem; flex-wrap: wrap; align-items: center; margin-top: .8rem; }
  .row label { display: inline; font-weight: normal; margin: 0; }
  button { margin-top: 1rem; padding: .6rem 1.4rem; font: inherit; font-weight: 600; border: 0;
    border-radius: 6px; background: #b5442c; color: #fff; cursor: pointer; }
  button:disabled { background: #aaa; cursor: default; }
  progress { width: 100%; height: 1.1rem; margin-top: 1rem; }
  #status { font-weight: 600; margin-top: .6rem; }
  #log { font: 12px/1.5 ui-monospace, monospace; background: #fff; border: 1px solid #ddd;
    border-radius: 6px; padding: .6rem; max-height: 14rem; overflow: auto; white-space: pre-wrap; }
  .error { color: #a00; }
  video { width: 100%; margin-top: 1rem; border-radius: 8px; background: #000; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1>Drishya</h1>
<p class="lead">Write a scene in an Indian language or English; get a narrated, subtitled video.</p>

<form id="form">
  <label for="key">API key</label>
  <input id="key" type="password" autocomplete="off" placeholder="dk_..." required>

  <label for="text">Scene</label>
  <textarea id="text" required minlength="10" maxlength="2000"
    placeholder="ek ladki baarish mein naach rahi hai, shaam ka samay"></textarea>

  <div class="row">
    <select id="lang" style="width:auto">
      <option value="">Detect language</option>
      <option value="en">English</option><option value="hi">Hindi</option><option value="te">Telugu</option>
      <option value="ta">Tamil</option><option value="bn">Bengali</option><option value="gu">Gujarati</option>
      <option value="mr">Marathi</option><option value="kn">Kannada</option><option value="ml">Malayalam</option>
      <option value="or">Odia</option><option value="pa">Punjabi</option>
    </select>
    <label><input id="narration" type="checkbox" checked> Narration</label>
    <label><input id="subtitles" type="checkbox" checked> Subtitles</label>
  </div>
  <button id="go" type="submit">Make the video</button>
</form>

<section id="progress-box" hidden>
  <progress id="bar" max="1" value="0"></progress>
  <div id="status"></div>
  <video id="video" controls playsinline hidden></video>
  <h3>Events</h3>
  <div id="log"></div>
</section>

<script>
"use strict";
const $ = (id) => document.getElementById(id);
const TERMINAL = new Set(["JOB_STATE_SUCCEEDED", "JOB_STATE_BLOCKED", "JOB_STATE_CANCELLED",
                          "JOB_STATE_FAILED", "JOB_STATE_DEAD_LETTER"]);
let source = null;

$("key").value = localStorage.getItem("drishya.apiKey") || "";

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

function showJob(job) {
  $("bar").value = job.progress || 0;
  $("status").textContent = job.state.replace("JOB_STATE_", "") + " · " + job.stage.replace("STAGE_", "");
  if (job.state === "JOB_STATE_SUCCEEDED" && job.result) {
    const v = $("video");
    v.poster = job.result.poster_url || "";
    v.src = job.result.mp4_url;
    v.hidden = false;
  } else if (job.error && job.error.message) {
    $("status").textContent += " — " + job.error.message;
    $("status").className = "error";
  }
}

async function finish(jobId, key) {
  if (source) { source.close(); source = null; }
  const r = await fetch("/v1/jobs/" + encodeURIComponent(jobId), { headers: { Authorization: "Bearer " + key } });
  const body = await r.json();
  if (r.ok) showJob(body); else log(problemText(body), "error");
  $("go").disabled = false;
}

function watch(jobId, key) {
  const url = "/v1/jobs/" + encodeURIComponent(jobId) + "/events?access_token=" + encodeURIComponent(key);
  source = new EventSource(url);
  const onEvent = (e) => {
    const ev = JSON.parse(e.data);
    $("bar").value = ev.progress || 0;
    $("status").textContent = ev.state.replace("JOB_STATE_", "") + " · " + ev.stage.replace("STAGE_", "");
    log("#" + ev.sequence + " " + e.type + ": " + ev.message);
    if (TERMINAL.has(ev.state)) finish(jobId, key);
  };
  for (const t of ["state_changed", "stage_started", "stage_completed", "shot_rendered", "unspecified"]) {
    source.addEventListener(t, onEvent);
  }
  source.addEventListener("problem", (e) => { log(problemText(JSON.parse(e.data)), "error"); });
  source.onerror = () => { if (source && source.readyState === EventSource.CLOSED) finish(jobId, key); };
}

$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = $("key").value.trim();
  localStorage.setItem("drishya.apiKey", key);
  if (source) { source.close(); source = null; }
  $("log").textContent = "";
  $("status").textContent = "";
  $("status").className = "";
  $("video").hidden = true;
  $("video").removeAttribute("src");
  $("progress-box").hidden = false;
  $("go").disabled = true;
  const options = { disable_narration: !$("narration").checked, disable_subtitles: !$("subtitles").checked };
  if ($("lang").value) options.language_code = $("lang").value;
  try {
    const r = await fetch("/v1/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + key,
                 "Idempotency-Key": crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) },
      body: JSON.stringify({ text: $("text").value, options }),
    });
    const body = await r.json();
    if (!r.ok) { log(problemText(body), "error"); $("go").disabled = false; return; }
    log("job " + body.job_id + " created");
    showJob(body);
    watch(body.job_id, key);
  } catch (err) {
    log(String(err), "error");
    $("go").disabled = false;
  }
});
</script>
</body>
</html>
"""
