"""The story view served at ``GET /stories``: a story's scenes in order with their state.

Plain HTML with inline JavaScript and no build step, like the page at ``/``, sharing its API key
in ``sessionStorage``. It lists the key's stories, creates one (one scene per line), and for a story
shows each scene with its version, language, characters, continuity warnings and job state, and
lets the user add a scene, move one up or down (``:reorder`` with ``If-Match``; a 409 reloads the
story and says so), fork at a scene, render, and play the whole story: the scenes' MP4s one after
another in one player, with the chapter list, and a link to the story's HLS master playlist.
"""

from __future__ import annotations

STORY_PAGE = r"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Drishya — stories</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
  :root { font-family: system-ui, "Noto Sans", sans-serif; color: #1d1d1f; background: #f6f5f2; }
  body { max-width: 900px; margin: 2rem auto; padding: 0 1rem; }
  input, textarea { width: 100%; box-sizing: border-box; padding: .5rem; border: 1px solid #bbb;
    border-radius: 6px; font: inherit; background: #fff; }
  textarea { min-height: 6rem; }
  button { margin: .3rem .3rem 0 0; padding: .4rem .9rem; font: inherit; border: 0; border-radius: 6px;
    background: #b5442c; color: #fff; cursor: pointer; }
  button.small { padding: .15rem .5rem; background: #666; }
  ol#scenes li { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5rem; margin: .4rem 0; }
  .meta { color: #555; font-size: 90%; }
  .warn { color: #a60; }
  .error { color: #a00; font-weight: 600; }
  video { width: 100%; margin-top: 1rem; border-radius: 8px; background: #000; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1>Stories</h1>
<p><a href="/">One scene</a> · stories of ordered scenes, rendered one job per scene</p>
<label for="key">API key</label>
<input id="key" type="password" autocomplete="off" placeholder="dk_...">
<div id="msg" class="error"></div>

<section id="listView">
  <h2>Your stories</h2>
  <ul id="stories"></ul>
  <h2>New story</h2>
  <input id="title" placeholder="Title">
  <textarea id="newScenes" placeholder="One scene per line"></textarea>
  <button id="create">Create</button>
</section>

<section id="storyView" hidden>
  <h2 id="storyTitle"></h2>
  <div class="meta" id="storyMeta"></div>
  <button id="back" class="small">All stories</button>
  <button id="render">Render</button>
  <button id="play">Play the story</button>
  <button id="refresh" class="small">Refresh</button>
  <ol id="scenes"></ol>
  <textarea id="sceneText" placeholder="A new scene (10 to 2000 characters)"></textarea>
  <button id="addScene">Add scene</button>
  <video id="player" controls hidden></video>
  <ol id="chapters"></ol>
  <a id="hls" hidden>HLS master playlist (signed)</a>
</section>

<script>
const $ = (id) => document.getElementById(id);
$("key").value = sessionStorage.getItem("drishya.apiKey") || "";
let story = null, etag = null;

function key() { const k = $("key").value.trim(); sessionStorage.setItem("drishya.apiKey", k); return k; }
function say(text) { $("msg").textContent = text || ""; }

async function api(method, path, body, ifMatch) {
  const headers = { Authorization: "Bearer " + key() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = r.status === 204 ? null : await r.json();
  if (!r.ok) {
    const err = new Error((data && (data.detail || data.reason)) || ("HTTP " + r.status));
    err.status = r.status; err.reason = data && data.reason; throw err;
  }
  return { data, etag: r.headers.get("ETag") };
}

async function listStories() {
  say("");
  const { data } = await api("GET", "/v1/stories");
  const ul = $("stories"); ul.textContent = "";
  for (const s of data.stories) {
    const li = document.createElement("li"); const a = document.createElement("a");
    a.href = "#"; a.textContent = s.title + " (" + (s.scene_count || 0) + " scenes, v" + s.version + ")";
    a.onclick = (e) => { e.preventDefault(); openStory(s.story_id).catch((x) => say(x.message)); };
    li.appendChild(a); ul.appendChild(li);
  }
}

async function jobState(jobId) {
  if (!jobId) return { state: "not rendered" };
  try {
    const { data } = await api("GET", "/v1/jobs/" + encodeURIComponent(jobId));
    return { state: (data.state || "").replace("JOB_STATE_", "").toLowerCase(), job: data };
  } catch (e) { return { state: "unknown" }; }
}

async function openStory(id) {
  const got = await api("GET", "/v1/stories/" + id);
  story = got.data; etag = got.etag;
  $("listView").hidden = true; $("storyView").hidden = false;
  $("storyTitle").textContent = story.title;
  const parent = story.parent_story_id ? " · fork of " + story.parent_story_id : "";
  $("storyMeta").textContent = "version " + story.version + parent;
  const ol = $("scenes"); ol.textContent = "";
  const scenes = story.scenes || [];
  for (let i = 0; i < scenes.length; i++) {
    const s = scenes[i]; const li = document.createElement("li");
    const text = document.createElement("div"); text.textContent = s.text; li.appendChild(text);
    const meta = document.createElement("div"); meta.className = "meta";
    const st = await jobState(s.job_id);
    meta.textContent = "v" + s.version + " · " + (s.language_code || "?") + " · " + st.state +
      ((s.character_ids || []).length ? " · cast " + s.character_ids.join(", ") : "");
    li.appendChild(meta);
    for (const w of s.warnings || []) {
      const d = document.createElement("div"); d.className = "warn";
      d.textContent = "continuity: " + w.entity_id + " " + w.attribute + ": " + w.message; li.appendChild(d);
    }
    const move = (to) => async () => {
      const ids = scenes.map((x) => x.scene_id); const [m] = ids.splice(i, 1); ids.splice(to, 0, m);
      await act(() => api("POST", "/v1/stories/" + story.story_id + ":reorder", { scene_ids: ids }, etag));
    };
    if (i > 0) li.appendChild(button("↑ up", move(i - 1)));
    if (i < scenes.length - 1) li.appendChild(button("↓ down", move(i + 1)));
    li.appendChild(button("fork here", async () => {
      const { data } = await api("POST", "/v1/stories/" + story.story_id + ":fork", { scene_id: s.scene_id });
      await openStory(data.story_id);
    }));
    ol.appendChild(li);
  }
}

function button(label, onclick) {
  const b = document.createElement("button"); b.className = "small"; b.textContent = label;
  b.onclick = () => onclick().catch((e) => say(e.message)); return b;
}

async function act(fn) {
  try { await fn(); say(""); }
  catch (e) {
    if (e.status === 409 && e.reason === "VERSION_MISMATCH") say("The story changed meanwhile; it has been reloaded.");
    else say(e.message);
  }
  await openStory(story.story_id);
}

async function play() {
  const { data } = await api("GET", "/v1/stories/" + story.story_id + "/playback");
  const urls = [];
  for (const s of story.scenes) urls.push((await jobState(s.job_id)).job.result.mp4_url);
  const ol = $("chapters"); ol.textContent = "";
  for (const c of data.chapters) {
    const li = document.createElement("li"); li.textContent = c.title; ol.appendChild(li);
  }
  $("hls").href = data.hls_url; $("hls").hidden = false;
  const v = $("player"); v.hidden = false; let n = 0;
  v.onended = () => { if (++n < urls.length) { v.src = urls[n]; v.play(); } };
  v.src = urls[0]; v.play();
}

$("create").onclick = () => act2(async () => {
  const scenes = $("newScenes").value.split("\n").map((t) => t.trim()).filter((t) => t).map((text) => ({ text }));
  const { data } = await api("POST", "/v1/stories", { title: $("title").value, scenes });
  await openStory(data.story_id);
});
$("addScene").onclick = () => act(
  () => api("POST", "/v1/stories/" + story.story_id + "/scenes", { text: $("sceneText").value }, etag));
$("render").onclick = () => act(() => api("POST", "/v1/stories/" + story.story_id + ":render"));
$("refresh").onclick = () => act(async () => {});
$("play").onclick = () => play().catch((e) => say(e.status === 409 ? "Not every scene is rendered yet." : e.message));
$("back").onclick = () => {
  $("storyView").hidden = true; $("listView").hidden = false; listStories().catch((e) => say(e.message));
};
function act2(fn) { fn().catch((e) => say(e.message)); }
if ($("key").value) listStories().catch((e) => say(e.message));
$("key").onchange = () => listStories().catch((e) => say(e.message));
</script>
</body>
</html>
"""
