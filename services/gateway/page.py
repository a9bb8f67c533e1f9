"""The single-file web page served at ``GET /``: paste an API key, write a scene, watch it become a video.

Plain HTML with inline JavaScript and no build step. It calls ``POST /v1/jobs`` with the key as a
Bearer token, follows ``/v1/jobs/{id}/events`` with ``fetch`` and a stream reader (so the key goes
in the ``Authorization`` header, never in a URL; the reader parses the SSE framing and resumes with
``Last-Event-ID`` when the connection drops) and shows the MP4 with its poster, through the signed
URLs the API returns, when the job succeeds. The key is kept in ``sessionStorage`` (this tab only).
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
<p class="lead">Write a scene in an Indian language or English; get a narrated, subtitled video.
  Several scenes make a <a href="/stories">story</a>.</p>

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

$("key").value = sessionStorage.getItem("drishya.apiKey") || "";

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
  if (source) { source.abort(); source = null; }
  const r = await fetch("/v1/jobs/" + encodeURIComponent(jobId), { headers: { Authorization: "Bearer " + key } });
  const body = await r.json();
  if (r.ok) showJob(body); else log(problemText(body), "error");
  $("go").disabled = false;
}

function onEvent(jobId, key, type, data) {
  if (type === "problem") { log(problemText(JSON.parse(data)), "error"); return false; }
  const ev = JSON.parse(data);
  $("bar").value = ev.progress || 0;
  $("status").textContent = ev.state.replace("JOB_STATE_", "") + " · " + ev.stage.replace("STAGE_", "");
  log("#" + ev.sequence + " " + type + ": " + ev.message);
  return TERMINAL.has(ev.state);
}

async function watch(jobId, key) {
  const ctl = new AbortController();
  source = ctl;
  let lastId = "", retryMs = 3000;
  for (let attempt = 0; attempt < 20 && source === ctl; attempt++) {
    const headers = { Authorization: "Bearer " + key, Accept: "text/event-stream" };
    if (lastId) headers["Last-Event-ID"] = lastId;
    let ended = false;
    try {
      const r = await fetch("/v1/jobs/" + encodeURIComponent(jobId) + "/events", { headers, signal: ctl.signal });
      if (r.status === 204) { ended = true; }
      else if (!r.ok) { log(problemText(await r.json()), "error"); ended = true; }
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
            if (data.length && onEvent(jobId, key, type, data.join("\\n"))) ended = true;
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
  if (source === ctl) finish(jobId, key);
}

$("form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const key = $("key").value.trim();
  sessionStorage.setItem("drishya.apiKey", key);
  if (source) { source.abort(); source = null; }
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
