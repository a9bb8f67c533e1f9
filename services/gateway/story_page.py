"""The story view served at ``GET /stories``: a story's scenes in order with their state.

Plain HTML with inline JavaScript and no build step, like the page at ``/``, sharing its API key
in ``sessionStorage``. It lists the key's stories (a page at a time), creates one (one scene per
line), and for a story shows:

- the title, language and version, with edit (``PATCH``) and delete (``DELETE``), both with
  ``If-Match`` = the story's ETag;
- each scene in order with its version, language, cast by name (the story bible's character names
  in place of entity ids), continuity warnings and job state; edit a scene's text or language
  (``PATCH`` with ``If-Match`` = the scene's version), delete it (``If-Match`` = the story's ETag),
  move it up or down (``:reorder``), fork at it;
- a 409 ``VERSION_MISMATCH`` in a conflict box that says what was changed meanwhile; the story is
  reloaded, and an unsaved scene edit is kept open with its text so it can be saved again;
- the story bible (characters, locations, props), with an editor of the characters' name, role,
  clothing and colours saved with ``PUT /v1/stories/{id}/bible`` and ``If-Match`` = the bible's
  ETag; a 409 is shown in the conflict box as for scenes, and the draft is kept open;
- the production breakdown as a CSV download (fetched with the key, then saved from a blob URL, so
  the key never goes into a URL);
- live updates: ``/v1/stories/{id}/events`` read with ``fetch`` and a stream reader, as the job page
  does (the key in the ``Authorization`` header, ``Last-Event-ID`` on reconnection); job states of
  scenes still rendering are refreshed every 3 s, as the story's events do not carry them;
- playback of the whole story through ``/v1/stories/{id}/playback``: its HLS master playlist
  through hls.js (``/static/hls.min.js``, :mod:`services.gateway.static`) where it runs, with a
  quality selector of the renditions ("Auto", "720p", "360p") that sets ``hls.currentLevel``;
  without hls.js, the master playlist where the browser plays HLS itself (Safari), otherwise the
  scenes' MP4s one after another; a link to the master playlist either way; chapters numbered
  once, titled from their scenes' text cut on a word boundary, each seeking to its start.
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
  input, textarea, select { width: 100%; box-sizing: border-box; padding: .5rem; border: 1px solid #bbb;
    border-radius: 6px; font: inherit; background: #fff; }
  select.inline, input.inline { width: auto; }
  textarea { min-height: 6rem; }
  button { margin: .3rem .3rem 0 0; padding: .4rem .9rem; font: inherit; border: 0; border-radius: 6px;
    background: #b5442c; color: #fff; cursor: pointer; }
  button.small { padding: .15rem .5rem; background: #666; }
  button.danger { background: #8a1c1c; }
  button:disabled { background: #aaa; cursor: default; }
  ol#scenes li { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5rem; margin: .4rem 0; }
  .meta { color: #555; font-size: 90%; }
  .warn { color: #a60; }
  .error { color: #a00; font-weight: 600; }
  .conflict { background: #fff4e5; border: 1px solid #d98a00; border-radius: 6px; padding: .5rem .7rem;
    color: #6b3d00; font-weight: 600; margin: .5rem 0; }
  .note { color: #555; font-style: italic; }
  .box { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .5rem .8rem; margin: .6rem 0; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #eee; }
  ol#chapters li { cursor: pointer; }
  video { width: 100%; margin-top: 1rem; border-radius: 8px; background: #000; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1>Stories</h1>
<p><a href="/">One scene</a> · stories of ordered scenes, rendered one job per scene</p>
<label for="key">API key</label>
<input id="key" type="password" autocomplete="off" placeholder="dk_...">
<div id="msg" class="error" role="alert"></div>
<div id="conflict" class="conflict" role="alert" hidden></div>

<section id="listView">
  <h2>Your stories</h2>
  <ul id="stories"></ul>
  <button id="moreStories" class="small" hidden>More</button>
  <h2>New story</h2>
  <input id="title" placeholder="Title">
  <textarea id="newScenes" placeholder="One scene per line"></textarea>
  <button id="create">Create</button>
</section>

<section id="storyView" hidden>
  <h2 id="storyTitle"></h2>
  <div class="meta" id="storyMeta"></div>
  <div class="meta" id="live"></div>
  <button id="back" class="small">All stories</button>
  <button id="editStory" class="small">Edit title or language</button>
  <button id="deleteStory" class="small danger">Delete story</button>
  <button id="render">Render</button>
  <button id="play">Play the story</button>
  <a id="breakdown" href="#" download>Breakdown (CSV)</a>
  <div id="storyEdit" class="box" hidden>
    <label for="editTitle">Title</label>
    <input id="editTitle">
    <label for="editLang">Language</label>
    <select id="editLang" class="inline"></select>
    <button id="saveStory">Save</button>
    <button id="cancelStory" class="small">Cancel</button>
  </div>
  <ol id="scenes"></ol>
  <textarea id="sceneText" placeholder="A new scene (10 to 2000 characters)"></textarea>
  <select id="sceneLang" class="inline" aria-label="Language of the new scene"></select>
  <button id="addScene">Add scene</button>
  <video id="player" controls playsinline hidden></video>
  <div id="qualityBox" hidden>
    <label for="quality">Quality</label> <select id="quality" class="inline"></select>
    <span id="playing" class="meta"></span>
  </div>
  <div id="playNote" class="note" hidden></div>
  <ol id="chapters"></ol>
  <a id="hls" hidden>HLS master playlist (signed)</a>
  <h3>Story bible</h3>
  <button id="editBible" class="small">Edit characters</button>
  <div id="bible" class="box"></div>
</section>

<script>
"use strict";
const $ = (id) => document.getElementById(id);
const HLS_TYPE = "application/vnd.apple.mpegurl";
const TERMINAL = new Set(["succeeded", "blocked", "cancelled", "failed", "dead_letter"]);
const LANGUAGES = [["", "Detect language"], ["en", "English"], ["hi", "Hindi"], ["te", "Telugu"], ["ta", "Tamil"],
  ["bn", "Bengali"], ["gu", "Gujarati"], ["mr", "Marathi"], ["kn", "Kannada"], ["ml", "Malayalam"],
  ["or", "Odia"], ["pa", "Punjabi"]];
const CHAPTER_CHARS = 60;
const HLS_JS = "/static/hls.min.js";
$("key").value = sessionStorage.getItem("drishya.apiKey") || "";
let story = null, etag = null, bible = null, names = new Map(), states = new Map();
let stream = null, streamFor = null, lastSeq = "", editing = null, reloadTimer = null, pollTimer = null;
let storiesToken = "";
let bibleEtag = null, bibleDraft = null, hlsJs = null, hlsPlayer = null, playToken = 0;

for (const sel of ["editLang", "sceneLang"]) {
  for (const [code, label] of LANGUAGES) {
    const o = document.createElement("option"); o.value = code; o.textContent = label; $(sel).appendChild(o);
  }
}

function key() { const k = $("key").value.trim(); sessionStorage.setItem("drishya.apiKey", k); return k; }
function say(text) { $("msg").textContent = text || ""; }
function conflict(text) { $("conflict").textContent = text || ""; $("conflict").hidden = !text; }
function langName(code) {
  const l = LANGUAGES.find((x) => x[0] === code);
  return code ? (l ? l[1] + " (" + code + ")" : code) : "language not known yet";
}

async function api(method, path, body, ifMatch) {
  const headers = { Authorization: "Bearer " + key() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (ifMatch) headers["If-Match"] = ifMatch;
  const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  let data = null;
  if (r.status !== 204) { try { data = await r.json(); } catch (e) { data = null; } }
  if (!r.ok) {
    const text = data && ((data.reason ? data.reason + " — " : "") + (data.detail || ""));
    const err = new Error(text || ("HTTP " + r.status));
    err.status = r.status; err.reason = data && data.reason; err.metadata = (data && data.metadata) || {};
    throw err;
  }
  return { data, etag: r.headers.get("ETag") };
}

function isConflict(e) { return e && e.status === 409 && e.reason === "VERSION_MISMATCH"; }

// What a 409 VERSION_MISMATCH means, said plainly: someone else changed it first; nothing was saved.
function conflictText(what, e) {
  const current = e.metadata && e.metadata.current_version;
  const now = current ? " (it is at version " + current + " now)" : "";
  return "Conflict: " + what + " was changed elsewhere" + now + " since you loaded it, so your change was not saved. " +
    "The latest version is shown; check it and try again.";
}

// Each listing has a number; a response that a newer listing overtook is dropped, so two
// refreshes in flight (the key's change event and the page's own load) never list a story twice.
let listing = 0;
async function listStories(more) {
  say("");
  const mine = ++listing;
  const token = more ? storiesToken : "";
  const q = "?page_size=20" + (token ? "&page_token=" + encodeURIComponent(token) : "");
  const { data } = await api("GET", "/v1/stories" + q);
  if (mine !== listing) return;
  const ul = $("stories");
  if (!more) ul.textContent = "";
  for (const s of data.stories) {
    const li = document.createElement("li"); const a = document.createElement("a");
    a.href = "#"; a.textContent = s.title + " (" + (s.scene_count || 0) + " scenes, v" + s.version + ")";
    a.onclick = (e) => { e.preventDefault(); conflict(""); openStory(s.story_id).catch((x) => say(x.message)); };
    li.appendChild(a); ul.appendChild(li);
  }
  storiesToken = data.next_page_token || "";
  $("moreStories").hidden = !storiesToken;
  if (!ul.children.length) {
    const li = document.createElement("li"); li.textContent = "No stories yet."; ul.appendChild(li);
  }
}

async function jobState(jobId) {
  if (!jobId) return { state: "not rendered" };
  try {
    const { data } = await api("GET", "/v1/jobs/" + encodeURIComponent(jobId));
    return { state: (data.state || "").replace("JOB_STATE_", "").toLowerCase(), job: data };
  } catch (e) { return { state: "unknown" }; }
}

async function loadBible(id) {
  try {
    const got = await api("GET", "/v1/stories/" + id + "/bible");
    bible = got.data; bibleEtag = got.etag;
  } catch (e) { bible = null; bibleEtag = null; }
  names = new Map();
  for (const group of ["characters", "locations", "props"]) {
    for (const x of (bible && bible[group]) || []) names.set(x.entity_id, x.name || x.entity_id);
  }
}

function castNames(ids) { return ids.map((id) => names.get(id) || id).join(", "); }

function showBible() {
  const box = $("bible"); box.textContent = "";
  $("editBible").hidden = !bible || !!bibleDraft;
  if (!bible) { box.textContent = "The story bible could not be read."; return; }
  if (bibleDraft) { editBible(box); return; }
  const section = (title, rows, cols) => {
    const h = document.createElement("h4"); h.textContent = title; box.appendChild(h);
    if (!rows.length) {
      const p = document.createElement("p"); p.className = "note"; p.textContent = "none"; box.appendChild(p);
      return;
    }
    const t = document.createElement("table"); const head = document.createElement("tr");
    for (const [label] of cols) {
      const th = document.createElement("th"); th.textContent = label; head.appendChild(th);
    }
    t.appendChild(head);
    for (const row of rows) {
      const tr = document.createElement("tr");
      for (const [, get] of cols) {
        const td = document.createElement("td"); td.textContent = get(row) || ""; tr.appendChild(td);
      }
      t.appendChild(tr);
    }
    box.appendChild(t);
  };
  const meta = document.createElement("div"); meta.className = "meta";
  meta.textContent = "bible version " + (bible.version || 0);
  box.appendChild(meta);
  section("Characters", bible.characters || [], [["Name", (c) => c.name], ["Role", (c) => c.role],
    ["Clothing", (c) => c.clothing], ["Colours", (c) => (c.colors || []).join(", ")],
    ["Also called", (c) => (c.aliases || []).map((a) => a.text).join(", ")]]);
  section("Locations", bible.locations || [], [["Name", (l) => l.name],
    ["Interior", (l) => (l.interior ? "yes" : "no")], ["Description", (l) => l.description]]);
  section("Props", bible.props || [], [["Name", (p) => p.name], ["Description", (p) => p.description]]);
}

const BIBLE_FIELDS = [["name", "Name"], ["role", "Role"], ["clothing", "Clothing"], ["colors", "Colours"]];

function characterDraft(c) {
  return { entity_id: c.entity_id, name: c.name || "", role: c.role || "", clothing: c.clothing || "",
    colors: (c.colors || []).join(", ") };
}

// The characters' editor: name, role, clothing and colours (comma-separated) as text fields, saved
// with PUT /v1/stories/{id}/bible and If-Match = the bible's ETag; a conflict keeps the draft open.
function editBible(box) {
  const meta = document.createElement("div"); meta.className = "meta";
  meta.textContent = "editing the characters of bible version " + (bible.version || 0);
  box.appendChild(meta);
  const t = document.createElement("table"); t.id = "bibleEdit";
  const head = document.createElement("tr");
  for (const [, label] of BIBLE_FIELDS) {
    const th = document.createElement("th"); th.textContent = label; head.appendChild(th);
  }
  t.appendChild(head);
  for (const d of bibleDraft) {
    const tr = document.createElement("tr"); tr.dataset.entityId = d.entity_id;
    for (const [field, label] of BIBLE_FIELDS) {
      const td = document.createElement("td"); const input = document.createElement("input");
      input.name = field; input.value = d[field];
      input.setAttribute("aria-label", label + " of " + (d.name || d.entity_id));
      input.oninput = () => { d[field] = input.value; };
      td.appendChild(input); tr.appendChild(td);
    }
    t.appendChild(tr);
  }
  box.appendChild(t);
  if (!bibleDraft.length) {
    const p = document.createElement("p"); p.className = "note"; p.textContent = "no characters yet";
    box.appendChild(p);
  }
  box.appendChild(button("save characters", saveBible));
  box.appendChild(button("cancel", async () => { bibleDraft = null; showBible(); }));
}

async function saveBible() {
  const byId = new Map(bibleDraft.map((d) => [d.entity_id, d]));
  const body = Object.assign({}, bible);
  delete body.story_id; delete body.version;
  body.characters = (bible.characters || []).map((c) => {
    const d = byId.get(c.entity_id);
    if (!d) return c;
    const colors = d.colors.split(",").map((x) => x.trim()).filter((x) => x);
    return Object.assign({}, c, { name: d.name.trim(), role: d.role.trim(), clothing: d.clothing.trim(), colors });
  });
  try {
    await api("PUT", "/v1/stories/" + story.story_id + "/bible", body, bibleEtag);
    bibleDraft = null; conflict(""); say("");
  } catch (e) {
    if (isConflict(e)) conflict(conflictText("the story bible", e) + " Your changes are kept in the editor.");
    else { say(e.message); return; }
  }
  await openStory(story.story_id);
}

function sceneMeta(s) {
  const st = states.get(s.scene_id) || { state: "…" };
  const cast = s.character_ids || [];
  return "v" + s.version + " · " + langName(s.language_code) + " · " + st.state +
    (cast.length ? " · cast: " + castNames(cast) : "");
}

function showStory() {
  $("listView").hidden = true; $("storyView").hidden = false;
  $("storyTitle").textContent = story.title;
  const parent = story.parent_story_id ? " · fork of " + story.parent_story_id : "";
  const lang = story.language_code ? langName(story.language_code) : "no story language set";
  $("storyMeta").textContent = lang + " · version " + story.version + parent;
  $("breakdown").href = "/v1/stories/" + story.story_id + "/breakdown.csv";
  const ol = $("scenes"); ol.textContent = "";
  const scenes = story.scenes || [];
  for (let i = 0; i < scenes.length; i++) {
    const s = scenes[i]; const li = document.createElement("li");
    li.dataset.sceneId = s.scene_id;
    const text = document.createElement("div"); text.textContent = s.text; li.appendChild(text);
    const meta = document.createElement("div"); meta.className = "meta"; meta.textContent = sceneMeta(s);
    li.appendChild(meta);
    for (const w of s.warnings || []) {
      const d = document.createElement("div"); d.className = "warn";
      d.textContent = "continuity: " + (names.get(w.entity_id) || w.entity_id) + " " + w.attribute + ": " + w.message;
      li.appendChild(d);
    }
    const move = (to) => async () => {
      const ids = scenes.map((x) => x.scene_id); const [m] = ids.splice(i, 1); ids.splice(to, 0, m);
      await act("the story", () => api("POST", "/v1/stories/" + story.story_id + ":reorder", { scene_ids: ids }, etag));
    };
    if (i > 0) li.appendChild(button("↑ up", move(i - 1)));
    if (i < scenes.length - 1) li.appendChild(button("↓ down", move(i + 1)));
    li.appendChild(button("edit", async () => { editScene(li, s, s.text, s.language_code || ""); }));
    li.appendChild(button("delete", async () => {
      if (!confirm("Delete this scene?")) return;
      const path = "/v1/stories/" + story.story_id + "/scenes/" + s.scene_id;
      await act("the story", () => api("DELETE", path, undefined, etag));
    }, "danger"));
    li.appendChild(button("fork here", async () => {
      const { data } = await api("POST", "/v1/stories/" + story.story_id + ":fork", { scene_id: s.scene_id });
      await openStory(data.story_id);
    }));
    ol.appendChild(li);
    if (editing && editing.sceneId === s.scene_id) editScene(li, s, editing.text, editing.lang);
  }
  showBible();
}

// The inline editor of a scene: PATCH with If-Match = the scene's version.
function editScene(li, s, draftText, draftLang) {
  editing = { sceneId: s.scene_id, text: draftText, lang: draftLang };
  for (const old of li.querySelectorAll(".box")) old.remove();
  const box = document.createElement("div"); box.className = "box";
  const ta = document.createElement("textarea"); ta.value = draftText;
  ta.oninput = () => { editing.text = ta.value; };
  const sel = document.createElement("select"); sel.className = "inline";
  for (const [code, label] of LANGUAGES) {
    const o = document.createElement("option"); o.value = code;
    o.textContent = code ? label : "Language unchanged"; sel.appendChild(o);
  }
  sel.value = draftLang; sel.onchange = () => { editing.lang = sel.value; };
  box.appendChild(ta); box.appendChild(sel);
  box.appendChild(button("save", async () => {
    const body = {};
    if (ta.value !== s.text) body.text = ta.value;
    if (sel.value && sel.value !== (s.language_code || "")) body.language_code = sel.value;
    if (!Object.keys(body).length) { editing = null; showStory(); return; }
    try {
      await api("PATCH", "/v1/stories/" + story.story_id + "/scenes/" + s.scene_id, body, '"' + s.version + '"');
      editing = null; conflict(""); say("");
    } catch (e) {
      if (isConflict(e)) conflict(conflictText("this scene", e) + " Your text is kept in the editor.");
      else { say(e.message); return; }
    }
    await openStory(story.story_id);
  }));
  box.appendChild(button("cancel", async () => { editing = null; await openStory(story.story_id); }));
  li.appendChild(box);
  ta.focus();
}

async function refreshStates() {
  for (const s of (story && story.scenes) || []) states.set(s.scene_id, await jobState(s.job_id));
}

// Scenes whose job is still running: their states are read again every 3 s (story events do not carry them).
function schedulePoll() {
  clearTimeout(pollTimer); pollTimer = null;
  if (!story) return;
  const running = (story.scenes || []).some((s) => s.job_id && !TERMINAL.has((states.get(s.scene_id) || {}).state));
  if (!running) return;
  const id = story.story_id;
  pollTimer = setTimeout(async () => {
    if (!story || story.story_id !== id) return;
    await refreshStates();
    for (const li of $("scenes").children) {
      const s = story.scenes.find((x) => x.scene_id === li.dataset.sceneId);
      const meta = li.querySelector(".meta");
      if (s && meta) meta.textContent = sceneMeta(s);
    }
    schedulePoll();
  }, 3000);
}

async function openStory(id) {
  const got = await api("GET", "/v1/stories/" + id);
  if (!story || story.story_id !== id) { editing = null; bibleDraft = null; }
  story = got.data; etag = got.etag;
  await loadBible(id);
  await refreshStates();
  showStory();
  follow(id);
  schedulePoll();
}

function button(label, onclick, cls) {
  const b = document.createElement("button"); b.className = "small" + (cls ? " " + cls : ""); b.textContent = label;
  b.onclick = () => onclick().catch((e) => say(e.message)); return b;
}

async function act(what, fn) {
  try { await fn(); say(""); conflict(""); return true; }
  catch (e) {
    if (isConflict(e)) conflict(conflictText(what, e));
    else say(e.message);
    return false;
  }
  finally { if (story) await openStory(story.story_id).catch((e) => say(e.message)); }
}

// A story event arrived: show the story again (soon, once for a burst), unless a scene is being edited.
function onStoryEvent(type, data) {
  if (type === "problem") { say("live updates: " + data); return true; }
  let ev = {};
  try { ev = JSON.parse(data); } catch (e) { ev = {}; }
  $("live").textContent = "live · last change: " + type.replace(/_/g, " ") +
    (ev.story_version ? " (version " + ev.story_version + ")" : "");
  if (type === "deleted") {
    conflict("This story was deleted elsewhere."); goBack(); return true;
  }
  // Replayed history and the echo of what this page has shown already change nothing.
  if (story && ev.story_version && Number(ev.story_version) <= Number(story.version)) return false;
  if (editing || bibleDraft) { $("live").textContent += " — save or cancel your edit to see it"; return false; }
  clearTimeout(reloadTimer);
  reloadTimer = setTimeout(() => {
    if (story && !editing && !bibleDraft) openStory(story.story_id).catch((e) => say(e.message));
  }, 300);
  return false;
}

// Follows /v1/stories/{id}/events with fetch and a stream reader: the key goes in the Authorization
// header (EventSource cannot send it); Last-Event-ID resumes after a dropped connection.
async function follow(id) {
  if (streamFor === id && stream) return;
  if (stream) stream.abort();
  const ctl = new AbortController();
  stream = ctl; streamFor = id; lastSeq = "";
  let retryMs = 3000;
  while (stream === ctl) {
    const headers = { Authorization: "Bearer " + key(), Accept: "text/event-stream" };
    if (lastSeq) headers["Last-Event-ID"] = lastSeq;
    let ended = false;
    try {
      const r = await fetch("/v1/stories/" + id + "/events", { headers, signal: ctl.signal });
      if (!r.ok) {
        $("live").textContent = "live updates unavailable (HTTP " + r.status + ")";
        ended = r.status === 404 || r.status === 401;
      }
      else {
        if (!lastSeq) $("live").textContent = "live";
        const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value.replace(/\r\n?/g, "\n");
          let cut;
          while ((cut = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, cut); buf = buf.slice(cut + 2);
            let type = "message"; const data = [];
            for (const line of block.split("\n")) {
              const i = line.indexOf(":");
              if (i === 0) continue;
              const field = i < 0 ? line : line.slice(0, i);
              const val = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
              if (field === "event") type = val;
              else if (field === "data") data.push(val);
              else if (field === "id") lastSeq = val;
              else if (field === "retry" && /^\d+$/.test(val)) retryMs = Number(val);
            }
            if (data.length && onStoryEvent(type, data.join("\n"))) ended = true;
          }
          if (ended) break;
        }
      }
    } catch (err) {
      if (ctl.signal.aborted) return;
    }
    if (ended) break;
    await new Promise((res) => setTimeout(res, retryMs));
  }
  if (stream === ctl) { stream = null; streamFor = null; }
}

function stopFollowing() {
  if (stream) stream.abort();
  stream = null; streamFor = null;
  clearTimeout(pollTimer); clearTimeout(reloadTimer);
}

function goBack() {
  stopFollowing();
  story = null; etag = null; editing = null; bibleDraft = null;
  $("storyView").hidden = true; $("listView").hidden = false;
  stopPlayer();
  listStories(false).catch((e) => say(e.message));
}

// A chapter's title: its scene's text cut on a word boundary (the player's list numbers it once).
function chapterTitle(c) {
  const s = (story.scenes || []).find((x) => x.scene_id === c.scene_id);
  const text = (s ? s.text : (c.title || "").replace(/^\s*\d+\.\s*/, "")).replace(/\s+/g, " ").trim();
  const chars = Array.from(text);
  if (chars.length <= CHAPTER_CHARS) return text;
  const head = chars.slice(0, CHAPTER_CHARS + 1).join("");
  const space = head.lastIndexOf(" ");
  const cut = space > 0 ? head.slice(0, space) : chars.slice(0, CHAPTER_CHARS).join("");
  return cut.replace(/[\s,;:.\u0964-]+$/, "") + "…";
}

function canPlayHls(v) { return !!v.canPlayType && v.canPlayType(HLS_TYPE) !== ""; }

// hls.js from the gateway, loaded once when the story is played; null when it is not served.
function loadHlsJs() {
  if (!hlsJs) {
    hlsJs = new Promise((resolve) => {
      if (window.Hls) { resolve(window.Hls); return; }
      const s = document.createElement("script");
      s.src = HLS_JS; s.onload = () => resolve(window.Hls || null); s.onerror = () => resolve(null);
      document.head.appendChild(s);
    });
  }
  return hlsJs;
}

function levelName(l) { return l.height ? l.height + "p" : Math.round((l.bitrate || 0) / 1000) + " kbit/s"; }

// The quality selector: "Auto" (hls.js picks by bandwidth) and each rendition, highest first.
function showLevels(player) {
  const sel = $("quality"); sel.textContent = "";
  const auto = document.createElement("option"); auto.value = "-1"; auto.textContent = "Auto"; sel.appendChild(auto);
  const order = player.levels.map((l, i) => i)
    .sort((a, b) => (player.levels[b].height || 0) - (player.levels[a].height || 0));
  for (const i of order) {
    const o = document.createElement("option"); o.value = String(i); o.textContent = levelName(player.levels[i]);
    sel.appendChild(o);
  }
  sel.value = player.autoLevelEnabled ? "-1" : String(player.currentLevel);
  $("qualityBox").hidden = player.levels.length < 1;
}

function showPlaying(player) {
  const l = player.levels[player.currentLevel];
  $("playing").textContent = "playing " + (l ? levelName(l) : "HLS") + (player.autoLevelEnabled ? " (auto)" : "");
}

function stopHls() {
  playToken++;
  if (hlsPlayer) { hlsPlayer.destroy(); hlsPlayer = null; }
  $("qualityBox").hidden = true; $("quality").textContent = "";
}

// The story's master playlist through hls.js where it runs (MediaSource); false when it cannot.
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
    stopHls(); onFail(data.details || data.type);
  });
  player.loadSource(url);
  player.attachMedia(v);
  return true;
}

$("quality").onchange = () => {
  if (!hlsPlayer) return;
  hlsPlayer.currentLevel = Number($("quality").value);  // -1: automatic
  showPlaying(hlsPlayer);
};

function stopPlayer() {
  stopHls();
  const v = $("player"); v.pause(); v.removeAttribute("src"); v.onended = null; v.hidden = true;
  $("playNote").hidden = true; $("hls").hidden = true; $("chapters").textContent = "";
}

// The whole story: its HLS master playlist through hls.js where it runs, else where the browser plays HLS
// itself, else the scenes' MP4s in turn.
async function play() {
  const { data } = await api("GET", "/v1/stories/" + story.story_id + "/playback");
  const v = $("player");
  stopHls();
  v.onended = null;
  v.hidden = false;
  const withHlsJs = await playWithHlsJs(v, data.hls_url, () => playNatively(v, data).catch((e) => say(e.message)));
  if (withHlsJs) {
    showChapters(v, data, true, []);
    $("playNote").hidden = true;
    v.play().catch(() => {});
  } else await playNatively(v, data);
  $("hls").href = data.hls_url; $("hls").hidden = false;
}

// Without hls.js: HLS where the browser plays it itself, else the scenes' MP4s one after another.
async function playNatively(v, data) {
  const native = canPlayHls(v);
  let urls = [], part = 0;
  if (!native) {
    for (const s of story.scenes) {
      const st = await jobState(s.job_id);
      urls.push(st.job && st.job.result ? st.job.result.mp4_url : "");
    }
    urls = urls.filter((u) => u);
  }
  showChapters(v, data, native, urls, (n) => { part = n; });
  $("playNote").hidden = native;
  $("playNote").textContent = "This browser does not play HLS itself: the scenes' MP4s play one after another; " +
    "the HLS master playlist below opens in an HLS player.";
  v.hidden = false;
  if (native) { v.onended = null; v.src = data.hls_url; }
  else {
    v.onended = () => { if (++part < urls.length) { v.src = urls[part]; v.play(); } };
    v.src = urls[0] || "";
  }
  v.play().catch(() => {});
}

// The chapters, each seeking to its start in the story's stream, or playing its scene's MP4.
function showChapters(v, data, seek, urls, onPart) {
  const ol = $("chapters"); ol.textContent = "";
  (data.chapters || []).forEach((c, n) => {
    const li = document.createElement("li"); li.textContent = chapterTitle(c);
    li.title = "from " + (c.start_ms / 1000).toFixed(1) + " s";
    li.onclick = () => {
      if (seek) { v.currentTime = c.start_ms / 1000; v.play(); }
      else if (urls[n]) { if (onPart) onPart(n); v.src = urls[n]; v.play(); }
    };
    ol.appendChild(li);
  });
}

// The breakdown needs the key, which never goes in a URL: fetch it, then save it from a blob URL.
async function downloadBreakdown() {
  const r = await fetch($("breakdown").getAttribute("href"), { headers: { Authorization: "Bearer " + key() } });
  if (!r.ok) {
    let p = null;
    try { p = await r.json(); } catch (e) { p = null; }
    throw new Error((p && p.detail) || ("HTTP " + r.status));
  }
  const blob = await r.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url; a.download = "story-" + story.story_id + "-breakdown.csv";
  document.body.appendChild(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

$("create").onclick = () => act2(async () => {
  const scenes = $("newScenes").value.split("\n").map((t) => t.trim()).filter((t) => t).map((text) => ({ text }));
  const { data } = await api("POST", "/v1/stories", { title: $("title").value, scenes });
  $("title").value = ""; $("newScenes").value = "";
  await openStory(data.story_id);
});
$("addScene").onclick = async () => {
  const body = { text: $("sceneText").value };
  if ($("sceneLang").value) body.language_code = $("sceneLang").value;
  const ok = await act("the story", () => api("POST", "/v1/stories/" + story.story_id + "/scenes", body, etag));
  if (ok) { $("sceneText").value = ""; $("sceneLang").value = ""; }
};
$("editStory").onclick = () => {
  $("editTitle").value = story.title; $("editLang").value = story.language_code || ""; $("storyEdit").hidden = false;
};
$("cancelStory").onclick = () => { $("storyEdit").hidden = true; };
$("saveStory").onclick = async () => {
  const body = {};
  if ($("editTitle").value !== story.title) body.title = $("editTitle").value;
  const lang = $("editLang").value;
  if (lang && lang !== (story.language_code || "")) body.language_code = lang;
  if (!Object.keys(body).length) { $("storyEdit").hidden = true; return; }
  const ok = await act("the story", () => api("PATCH", "/v1/stories/" + story.story_id, body, etag));
  if (ok) $("storyEdit").hidden = true;
};
$("deleteStory").onclick = () => act2(async () => {
  if (!confirm("Delete the story \u201c" + story.title + "\u201d? Its forks are kept.")) return;
  try {
    await api("DELETE", "/v1/stories/" + story.story_id, undefined, etag);
  } catch (e) {
    if (isConflict(e)) {
      conflict(conflictText("the story", e) + " It was not deleted.");
      await openStory(story.story_id);
      return;
    }
    throw e;
  }
  conflict(""); goBack();
});
$("editBible").onclick = () => {
  if (!bible) return;
  bibleDraft = (bible.characters || []).map(characterDraft);
  showBible();
};
$("breakdown").onclick = (e) => { e.preventDefault(); downloadBreakdown().catch((x) => say(x.message)); };
$("render").onclick = () => act("the story", () => api("POST", "/v1/stories/" + story.story_id + ":render"));
$("play").onclick = () => play().catch((e) => say(e.status === 409 ? "Not every scene is rendered yet." : e.message));
$("back").onclick = () => { conflict(""); goBack(); };
$("moreStories").onclick = () => listStories(true).catch((e) => say(e.message));
function act2(fn) { fn().catch((e) => say(e.message)); }
if ($("key").value) listStories(false).catch((e) => say(e.message));
$("key").onchange = () => { conflict(""); goBack(); };
</script>
</body>
</html>
"""
