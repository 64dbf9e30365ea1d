/**
 * @module endpoints/status-page
 * The status page (SPEC §10): one HTML document with its CSS and script inline — no external asset,
 * no build step, readable offline and on a phone. The script fetches `<page>/data` (the JSON beside
 * it, read relative to the page's own path so a reverse proxy's prefix does not matter), renders it
 * with DOM calls only (every value is text, never markup) and refreshes every 10 s. The Content-Security
 * -Policy allows exactly this script and style (by hash) and requests to the page's own origin.
 */
import { createHash } from "node:crypto";

const STYLE = `
:root{color-scheme:light dark;--fg:#1b1f23;--muted:#5b6470;--bg:#f6f7f9;--card:#fff;--line:#dde1e6;--ok:#1a7f37;--warn:#b7791f;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--fg:#e6e8eb;--muted:#9aa4af;--bg:#111418;--card:#1a1e23;--line:#2c3238}}
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.75rem 1rem;border-bottom:1px solid var(--line);background:var(--card)}
h1{font-size:1.15rem;margin:0}h2{font-size:1rem;margin:1rem 1rem .5rem}h3{font-size:1rem;margin:0 0 .4rem;word-break:break-all}
main{max-width:1200px;margin:0 auto;padding-bottom:2rem}
.grid{display:grid;gap:.75rem;padding:0 1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem}
.pill{display:inline-block;border-radius:99px;padding:.05rem .6rem;font-size:.8rem;border:1px solid var(--line)}
.ok{color:var(--ok)}.warn{color:var(--warn)}.bad{color:var(--bad)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .75rem;margin:.25rem 0}dt{color:var(--muted)}dd{margin:0;word-break:break-all}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.4rem 0}th,td{text-align:right;padding:.1rem .3rem;border-bottom:1px solid var(--line)}
th:first-child,td:first-child{text-align:left}
svg{width:100%;height:64px;display:block}.bar-replied{fill:var(--ok)}.bar-fallback{fill:var(--warn)}.bar-rejected{fill:var(--bad)}
.axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.75rem}
ul,ol{margin:.25rem 0;padding-left:1.1rem;font-size:.85rem}li{word-break:break-word}time{color:var(--muted);margin-right:.4rem}
button{font:inherit;padding:.2rem .8rem;border-radius:6px;border:1px solid var(--line);background:var(--bg);color:var(--fg);cursor:pointer}
#updated{color:var(--muted);font-size:.8rem;margin-left:auto}#problem{margin:1rem;color:var(--bad)}
`;

const SCRIPT = `
"use strict";
var OUTCOMES = ["replied", "success-fallback", "rejected", "verified"];
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = String(text);
  return e;
}
function svgEl(tag, attrs) {
  var e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (var k in attrs) e.setAttribute(k, String(attrs[k]));
  return e;
}
function time(ms) { return new Date(ms).toLocaleTimeString(); }
function span(s) {
  s = Math.max(0, Math.round(s));
  var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
  return d ? d + "d " + h + "h" : h ? h + "h " + m + "m" : m ? m + "m " + (s % 60) + "s" : s + "s";
}
function dl(rows) {
  var list = el("dl");
  rows.forEach(function (r) { list.append(el("dt", "", r[0])); var dd = el("dd", r[2] || "", r[1]); list.append(dd); });
  return list;
}
function chart(perMinute) {
  var w = 300, h = 60, n = perMinute.length, bw = w / n;
  var max = Math.max.apply(null, perMinute.map(function (m) { return m.replied + m.fallback + m.rejected; }).concat([1]));
  var svg = svgEl("svg", { viewBox: "0 0 " + w + " " + h, preserveAspectRatio: "none", role: "img" });
  svg.append(svgEl("title", {}));
  svg.firstChild.textContent = "messages per minute, the last " + n + " minutes (max " + max + ")";
  perMinute.forEach(function (m, i) {
    var y = h;
    [["replied", m.replied], ["fallback", m.fallback], ["rejected", m.rejected]].forEach(function (part) {
      if (!part[1]) return;
      var bh = part[1] / max * h;
      y -= bh;
      var r = svgEl("rect", { x: i * bw + 0.5, y: y, width: Math.max(bw - 1, 1), height: bh, "class": "bar-" + part[0] });
      var t = svgEl("title", {}); t.textContent = time(m.at) + " " + part[0] + ": " + part[1]; r.append(t);
      svg.append(r);
    });
  });
  return svg;
}
function typeTable(byType) {
  var types = Object.keys(byType).sort();
  if (!types.length) return el("p", "", "no messages in this window");
  var table = el("table"), head = el("tr");
  head.append(el("th", "", "type"));
  OUTCOMES.forEach(function (o) { head.append(el("th", "", o)); });
  table.append(head);
  types.forEach(function (t) {
    var tr = el("tr");
    tr.append(el("td", "", t));
    OUTCOMES.forEach(function (o) { tr.append(el("td", "", byType[t][o] || 0)); });
    table.append(tr);
  });
  return table;
}
function tokenText(token, now) {
  if (token.state === "valid") return ["expires in " + span((token.expiresAt - now) / 1000) + " (" + time(token.expiresAt) + ")", "ok"];
  if (token.state === "expired") return ["expired " + time(token.expiresAt), "warn"];
  return [token.state === "none" ? "none fetched yet" : "unknown (token store unreadable)", ""];
}
function serviceCard(s, data) {
  var card = el("section", "card");
  card.dataset.service = s.name;
  var total = s.perMinute.reduce(function (n, m) { return n + m.replied + m.fallback + m.rejected; }, 0);
  card.append(el("h3", "", s.name));
  var lat = s.latencyMs ? "p50 " + s.latencyMs.p50 + " ms · p90 " + s.latencyMs.p90 + " ms · p99 " + s.latencyMs.p99 + " ms" : "–";
  var tok = tokenText(s.token, data.now);
  card.append(dl([["kind", s.kind], ["mode", s.mode], ["path", s.path], ["backend", s.backend], ["workerNum", s.workerNum], ["backend now", s.backendNow.active + " at the backend · " + s.backendNow.waiting + " waiting", "backend-now"],
    ["messages", total, "total"], ["dedup hits", s.dedupHits, "dedup"], ["backend latency", lat], ["token", tok[0], tok[1]]]));
  card.append(chart(s.perMinute));
  var axis = el("div", "axis");
  axis.append(el("span", "", data.windowMinutes + " min ago"), el("span", "", "messages per minute"), el("span", "", "now"));
  card.append(axis, typeTable(s.byType));
  var errs = el("ul", "errors");
  if (!s.lastErrors.length) errs.append(el("li", "", "no errors"));
  s.lastErrors.forEach(function (e) { var li = el("li", "bad"); li.append(el("time", "", time(e.at)), document.createTextNode(e.reason)); errs.append(li); });
  card.append(el("h4", "", "last errors"), errs);
  return card;
}
function render(data) {
  var ready = document.getElementById("ready");
  ready.textContent = data.ready.ready ? "ready" : "not ready: " + data.ready.reason;
  ready.className = "pill " + (data.ready.ready ? "ok" : "bad");
  var redis = data.redis.state === "not configured" ? "not configured" : data.redis.state + " (" + data.redis.where + ")";
  document.getElementById("process").replaceChildren(dl([["version", data.version], ["bun", data.bun], ["uptime", span(data.uptimeS)],
    ["started", new Date(data.startedAt).toLocaleString()], ["config", data.config], ["redis", redis, data.redis.state === "down" ? "bad" : ""]]));
  document.getElementById("services").replaceChildren.apply(document.getElementById("services"), data.services.map(function (s) { return serviceCard(s, data); }));
  var reloads = document.getElementById("reloads");
  reloads.replaceChildren();
  if (!data.reloads.length) reloads.append(el("li", "", "no reload since start"));
  data.reloads.forEach(function (r) {
    var li = el("li", r.result === "applied" ? "" : "bad");
    li.append(el("time", "", time(r.at)), document.createTextNode(r.trigger + ": " + r.result + " — " + r.reason));
    reloads.append(li);
  });
  document.getElementById("updated").textContent = "updated " + time(data.now);
}
function refresh() {
  var problem = document.getElementById("problem");
  var url = location.pathname.replace(/\\/+$/, "") + "/data";
  return fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (res) {
    if (!res.ok) throw new Error("status data: HTTP " + res.status);
    return res.json();
  }).then(function (data) { render(data); problem.hidden = true; }, function (err) { problem.textContent = String(err.message || err); problem.hidden = false; });
}
document.getElementById("refresh").addEventListener("click", refresh);
refresh();
setInterval(refresh, 10000);
`;

const BODY = `<header><h1>wx-gateway</h1><span id="ready" class="pill">…</span><button id="refresh" type="button">Refresh</button><span id="updated"></span></header>
<main><h2>Process</h2><div class="grid"><section id="process" class="card"></section></div>
<h2>Services</h2><div id="services" class="grid"></div>
<h2>Reloads</h2><div class="grid"><section class="card"><ol id="reloads"></ol></section></div>
<p id="problem" role="alert" hidden></p></main>`;

const hash = (text: string) => `'sha256-${createHash("sha256").update(text).digest("base64")}'`;

/** The page and the headers it is served with. */
export const STATUS_PAGE = {
  html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>wx-gateway status</title><style>${STYLE}</style></head>
<body>${BODY}<script>${SCRIPT}</script></body></html>`,
  headers: {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "content-security-policy": `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  },
} as const;
