import Foundation

/// The demo page itself: one self-contained HTML document (inline CSS and
/// script, no external assets) so it works offline on a projector laptop.
///
/// The page draws one row per job, growing while the job runs and coloured
/// against the deadline, and polls `/jobs?since=` once a second for all of
/// its jobs rather than long-polling each one: a browser opens only six
/// connections per host, and per-job long-polls would queue the submissions
/// behind them and measure the browser instead of the service.
///
/// Query parameters: `autostart=1` starts the load at once, `rate` (jobs per
/// minute), `count` (stop after that many jobs), `deadline` (s), `images`
/// (images per job), `width` (px), `urls` (comma-separated image URLs).
public enum DemoPageHTML {
    public static func render(_ settings: DemoSettings) -> String {
        template.replacingOccurrences(of: "__DEMO_CONFIG__", with: configJSON(settings))
    }

    /// The page's start-up settings as JSON, safe inside a `<script>` element.
    static func configJSON(_ settings: DemoSettings) -> String {
        let object: [String: Any] = ["images": settings.images, "deadline": settings.deadline, "queue": settings.queue]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        // "</" would end the script element early; "<\/" means the same in JSON.
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "</", with: "<\\/")
    }

    static let template = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Image resize: live demo</title>
<style>
:root { --ok: #2e7d32; --late: #ef6c00; --fail: #c62828; --run: #1565c0; --ink: #1d2430; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 0; color: var(--ink); background: #f7f8fa; }
header { background: #1d2430; color: #fff; padding: 14px 24px; display: flex; align-items: baseline; gap: 16px; }
header h1 { font-size: 20px; margin: 0; font-weight: 600; }
header span { color: #aab2c0; font-size: 14px; }
main { display: grid; grid-template-columns: 330px 1fr; gap: 20px; padding: 20px 24px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
h2 { font-size: 14px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 12px; }
label { display: block; font-size: 13px; color: var(--muted); margin: 10px 0 4px; }
input[type=number], textarea { width: 100%; font: inherit; font-size: 13px; padding: 6px 8px; border: 1px solid #cbd2dc; border-radius: 5px; }
textarea { height: 92px; resize: vertical; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; }
.row2 { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 8px; }
input[type=range] { width: 100%; }
.rate { font-size: 28px; font-weight: 600; }
.rate small { font-size: 13px; color: var(--muted); font-weight: 400; }
.buttons { display: flex; gap: 8px; margin-top: 14px; flex-wrap: wrap; }
button { font: inherit; font-size: 14px; padding: 7px 14px; border-radius: 5px; border: 1px solid #1565c0; background: #1565c0; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #1565c0; }
button.stop { background: var(--fail); border-color: var(--fail); }
.tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 10px; margin-bottom: 16px; }
.tile { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.tile b { display: block; font-size: 28px; font-weight: 600; }
.tile span { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.tile.workers b { color: var(--run); }
#history { width: 100%; height: 70px; display: block; }
.legend { font-size: 12px; color: var(--muted); display: flex; gap: 14px; margin: 4px 0 10px; flex-wrap: wrap; }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
#jobs { position: relative; }
.scale { position: relative; height: 18px; margin-left: 64px; margin-right: 62px; font-size: 11px; color: var(--muted); }
.scale span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
.job { display: flex; align-items: center; height: 16px; margin: 3px 0; font-size: 11px; }
.job .name { width: 64px; color: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
.job .track { flex: 1; position: relative; height: 12px; background: #f0f2f5; border-radius: 3px; overflow: hidden; }
.job .bar { position: absolute; left: 0; top: 0; bottom: 0; background: var(--run); border-radius: 3px; transition: width .25s linear; }
.job .deadline { position: absolute; top: -2px; bottom: -2px; width: 2px; background: #6a1b9a; opacity: .7; }
.job .time { width: 62px; text-align: right; font-variant-numeric: tabular-nums; }
.job.completed .bar { background: var(--ok); }
.job.late .bar { background: var(--late); }
.job.failed .bar, .job.partial .bar { background: var(--fail); }
.job.pending.overdue .bar { background: repeating-linear-gradient(135deg, var(--late) 0 8px, #f6a04d 8px 16px); }
#message { font-size: 13px; color: var(--fail); min-height: 1em; margin-top: 8px; }
#empty { color: var(--muted); font-size: 13px; padding: 20px 0; text-align: center; }
</style>
</head>
<body>
<header><h1>Image resize: live demo</h1><span>each job drawn as it runs, against the deadline</span></header>
<main>
<div>
<section>
<h2>Load</h2>
<div class="rate"><span id="rate-value">60</span> <small>jobs / minute (Poisson arrivals)</small></div>
<input id="rate" type="range" min="0" max="600" step="5" value="60" aria-label="jobs per minute">
<div class="row2">
<div><label for="per-job">images / job</label><input id="per-job" type="number" min="1" max="20" value="3"></div>
<div><label for="width">width px</label><input id="width" type="number" min="16" max="4096" value="400"></div>
<div><label for="deadline">deadline s</label><input id="deadline" type="number" min="1" max="3600" value="30"></div>
</div>
<label for="images">image URLs (one a line)</label>
<textarea id="images" spellcheck="false" wrap="off"></textarea>
<div class="buttons">
<button id="toggle">Start load</button>
<button id="once" class="secondary">Submit one job</button>
<button id="clear" class="secondary">Clear</button>
</div>
<div id="message"></div>
</section>
<section style="margin-top:20px">
<h2>Workers and queue</h2>
<svg id="history" viewBox="0 0 300 70" preserveAspectRatio="none" aria-label="workers and queue over the last two minutes"></svg>
<div class="legend"><span><i style="background:#1565c0"></i>workers</span><span><i style="background:#9ca3af"></i>queue (scaled)</span><span id="management"></span></div>
</section>
</div>
<div>
<div class="tiles">
<div class="tile workers"><b id="workers">?</b><span>workers</span></div>
<div class="tile"><b id="queue">?</b><span>queued messages</span></div>
<div class="tile"><b id="inflight">0</b><span>jobs in flight</span></div>
<div class="tile"><b id="p95">-</b><span>p95 latency</span></div>
<div class="tile"><b id="sent">0</b><span>jobs sent</span></div>
<div class="tile"><b id="completed" style="color:var(--ok)">0</b><span>completed in time</span></div>
<div class="tile"><b id="late" style="color:var(--late)">0</b><span>late</span></div>
<div class="tile"><b id="failed" style="color:var(--fail)">0</b><span>failed</span></div>
</div>
<section>
<h2>Jobs (newest first)</h2>
<div class="legend"><span><i style="background:var(--run)"></i>running</span><span><i style="background:var(--ok)"></i>completed within deadline</span><span><i style="background:repeating-linear-gradient(135deg, var(--late) 0 3px, #f6a04d 3px 6px)"></i>running past the deadline</span><span><i style="background:var(--late)"></i>completed late</span><span><i style="background:var(--fail)"></i>failed</span><span><i style="background:#6a1b9a"></i>deadline</span></div>
<div class="scale" id="scale"></div>
<div id="jobs"><div id="empty">No jobs yet: press Start load or Submit one job.</div></div>
</section>
</div>
</main>
<script id="demo-config" type="application/json">__DEMO_CONFIG__</script>
<script>
"use strict";
const config = JSON.parse(document.getElementById("demo-config").textContent);
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const MAX_ROWS = 40;
const jobs = [];            // every job of this page, oldest first
let running = false, timer = null, limit = null, sentThisRun = 0, cursor = 0, number = 0;
const history = [];

$("images").value = (params.get("urls") ? params.get("urls").split(",") : (config.images || [])).join("\n");
$("deadline").value = params.get("deadline") || config.deadline || 30;
if (params.get("rate")) $("rate").value = params.get("rate");
if (params.get("images")) $("per-job").value = params.get("images");
if (params.get("width")) $("width").value = params.get("width");
const deadline = () => Math.max(1, Number($("deadline").value) || 30);

function showRate() { $("rate-value").textContent = $("rate").value; }
$("rate").addEventListener("input", showRate);
showRate();

function urls() { return $("images").value.split(/\s+/).map((s) => s.trim()).filter(Boolean); }

function nextGapMs() {
  const rate = Number($("rate").value);
  if (rate <= 0) return null;
  return -Math.log(1 - Math.random()) * 60000 / rate;   // exponential gaps: Poisson arrivals
}

function schedule() {
  if (!running) return;
  const gap = nextGapMs();
  timer = setTimeout(() => {
    if (!running) return;
    if (gap !== null) { submit(); sentThisRun += 1; }
    if (limit !== null && sentThisRun >= limit) { stop(); return; }
    schedule();
  }, gap === null ? 500 : gap);
}

function start(count) {
  if (!urls().length) { $("message").textContent = "Give at least one image URL."; return; }
  running = true; sentThisRun = 0; limit = count || null;
  $("toggle").textContent = "Stop load"; $("toggle").className = "stop";
  schedule();
}
function stop() {
  running = false; clearTimeout(timer);
  $("toggle").textContent = "Start load"; $("toggle").className = "";
}
$("toggle").addEventListener("click", () => running ? stop() : start(null));
$("once").addEventListener("click", () => submit());
$("clear").addEventListener("click", () => { jobs.splice(0, jobs.length).forEach((j) => j.row && j.row.remove()); render(); });

function pick(n) {
  const list = urls();
  const width = Number($("width").value) || 400;
  return Array.from({ length: n }, () => {
    const url = list[cursor % list.length]; cursor += 1;
    return { url: url, width: width, height: width, format: "jpeg" };
  });
}

async function submit() {
  const list = urls();
  if (!list.length) { $("message").textContent = "Give at least one image URL."; return; }
  const job = { n: ++number, id: null, status: "submitting", start: Date.now(), end: null, error: null, durationMs: null, row: null };
  jobs.push(job);
  render();
  try {
    const response = await fetch("/jobs", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ images: pick(Math.max(1, Number($("per-job").value) || 1)) }) });
    const body = await response.json().catch(() => ({}));
    if (response.status !== 202) throw new Error((body.error && body.error.message) || ("HTTP " + response.status));
    job.id = body.id; job.status = "pending";
    $("message").textContent = "";
  } catch (error) {
    finish(job, "failed", null, String(error.message || error));
    $("message").textContent = "Submitting failed: " + job.error;
  }
  render();
}

function finish(job, status, durationMs, error) {
  job.status = status; job.end = Date.now(); job.error = error || null;
  job.durationMs = durationMs != null ? durationMs : job.end - job.start;
}

function seconds(ms) { return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s"; }

// One request a second for every pending job, newest 500 first; any job the
// list misses is asked for on its own.
async function poll() {
  const pending = jobs.filter((j) => j.status === "pending");
  if (pending.length) {
    const since = new Date(Math.min(...pending.map((j) => j.start)) - 60000).toISOString();
    const seen = new Set();
    try {
      const response = await fetch("/jobs?limit=500&since=" + encodeURIComponent(since), { cache: "no-store" });
      if (response.ok) {
        const page = await response.json();
        const byId = new Map(page.jobs.map((j) => [j.id, j]));
        for (const job of pending) {
          const view = byId.get(job.id);
          if (!view) continue;
          seen.add(job.id);
          if (view.status !== "pending") apply(job, view);
        }
      }
    } catch (error) { /* shown by the next state poll */ }
    for (const job of pending.filter((j) => !seen.has(j.id)).slice(0, 4)) {
      try {
        const response = await fetch("/jobs/" + job.id, { cache: "no-store" });
        if (response.ok) { const view = await response.json(); if (view.status !== "pending") apply(job, view); }
      } catch (error) { /* try again next second */ }
    }
  }
  render();
  setTimeout(poll, 1000);
}

function apply(job, view) {
  const failedImage = (view.images || []).find((i) => i.error);
  finish(job, view.status, view.duration_ms, failedImage ? failedImage.error.message : null);
}

async function pollState() {
  try {
    const response = await fetch("/demo/state", { cache: "no-store" });
    const state = await response.json();
    $("workers").textContent = state.workers == null ? "?" : state.workers;
    $("queue").textContent = state.queue == null ? "?" : state.queue;
    $("management").textContent = state.management === "ok" ? "" : "management API: " + state.management;
    history.push({ t: Date.now(), workers: state.workers, queue: state.queue });
    while (history.length && history[0].t < Date.now() - 120000) history.shift();
    drawHistory();
  } catch (error) {
    $("management").textContent = "state unavailable";
  }
  setTimeout(pollState, 2000);
}

function drawHistory() {
  const svg = $("history"), now = Date.now();
  const x = (t) => 300 - (now - t) / 120000 * 300;
  const maxWorkers = Math.max(1, ...history.map((h) => h.workers || 0));
  const maxQueue = Math.max(1, ...history.map((h) => h.queue || 0));
  const line = (key, max) => history.filter((h) => h[key] != null)
    .map((h) => x(h.t).toFixed(1) + "," + (66 - h[key] / max * 60).toFixed(1)).join(" ");
  svg.innerHTML = '<polyline fill="none" stroke="#9ca3af" stroke-width="1.5" points="' + line("queue", maxQueue) + '"/>' +
    '<polyline fill="none" stroke="#1565c0" stroke-width="2.5" points="' + line("workers", maxWorkers) + '"/>' +
    '<text x="2" y="10" font-size="9" fill="#6b7280">max ' + maxWorkers + ' workers, ' + maxQueue + ' queued</text>';
}

function classify(job) {
  const d = deadline() * 1000;
  if (job.status === "completed") return (job.durationMs > d ? "late" : "completed");
  if (job.status === "failed" || job.status === "partial") return job.status;
  return "pending" + (Date.now() - job.start > d ? " overdue" : "");
}

function render() {
  const d = deadline() * 1000, span = 2 * d, now = Date.now();
  $("empty").style.display = jobs.length ? "none" : "";
  $("scale").innerHTML = [0, 0.5, 1, 1.5, 2].map((f) => '<span style="left:' + (f * 50) + '%">' + Math.round(f * d / 1000) + ' s</span>').join("");
  const shown = jobs.slice(-MAX_ROWS);
  for (const job of jobs.slice(0, -MAX_ROWS)) if (job.row) { job.row.remove(); job.row = null; }
  for (const job of shown) {
    if (!job.row) {
      job.row = document.createElement("div");
      job.row.innerHTML = '<span class="name"></span><span class="track"><span class="bar"></span><span class="deadline" style="left:50%"></span></span><span class="time"></span>';
      $("jobs").insertBefore(job.row, $("jobs").firstChild);
    }
    const elapsed = job.end ? job.durationMs : now - job.start;
    job.row.className = "job " + classify(job);
    job.row.dataset.status = job.status;
    job.row.dataset.id = job.id || "";
    job.row.title = job.error ? "failed: " + job.error : (job.id || "submitting");
    job.row.querySelector(".name").textContent = "#" + job.n;
    job.row.querySelector(".bar").style.width = Math.min(100, elapsed / span * 100).toFixed(2) + "%";
    job.row.querySelector(".time").textContent = seconds(elapsed) + (elapsed > span ? " ›" : "");
  }
  const done = jobs.filter((j) => j.end);
  const completed = done.filter((j) => j.status === "completed");
  const inTime = completed.filter((j) => j.durationMs <= d).length;
  $("sent").textContent = jobs.length;
  $("completed").textContent = inTime;
  $("late").textContent = completed.length - inTime + jobs.filter((j) => !j.end && now - j.start > d).length;
  $("failed").textContent = done.filter((j) => j.status === "failed" || j.status === "partial").length;
  $("inflight").textContent = jobs.length - done.length;
  const latencies = completed.map((j) => j.durationMs).sort((a, b) => a - b);
  $("p95").textContent = latencies.length ? seconds(latencies[Math.ceil(0.95 * latencies.length) - 1]) : "-";
  document.body.dataset.completed = completed.length;
  document.body.dataset.finished = done.length;
}

setInterval(render, 250);
poll();
pollState();
render();
if (params.get("autostart") === "1") start(params.get("count") ? Number(params.get("count")) : null);
</script>
</body>
</html>
"""#
}
