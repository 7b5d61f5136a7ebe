// A source's runs: outcome, duration, console output, emits, db before and after, errors with stacks.
import { html, useEffect, useMemo, useState } from "../lib.mjs";
import { get, withQuery } from "../api.mjs";
import { useRecords } from "../live.mjs";
import { setQueryParam } from "../router.mjs";
import { compactJson, formatRunDuration, formatTime, plural } from "../format.mjs";
import { JsonTree } from "../json-tree.mjs";
import { ErrorNote, Outcome, memo } from "../ui.mjs";
import { NetworkPanel } from "./run-network.mjs";

const OUTCOMES = ["", "ok", "error", "timeout", "memory", "exit", "crash"];

export function RunsTab({ source, query }) {
  const outcome = query.get("outcome") || "";
  const hooks = query.get("hooks") === "1";
  const [runs, setRuns] = useState(() => new Map());
  const [error, setError] = useState(null);
  const load = async () => {
    try {
      const body = await get(withQuery("/_emulator/runs", { source_id: source.id, outcome, limit: 100 }));
      setRuns((current) => new Map([...current, ...body.data.map((r) => [r.id, r])]));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => { setRuns(new Map()); load(); }, [source.id, outcome]);
  useRecords((record) => {
    if (record.kind === "gap" || record.kind === "reset" || record.kind === "state_imported") load();
    else if (record.kind === "run" && record.run.source_id === source.id && (!outcome || record.run.outcome === outcome)) {
      setRuns((current) => new Map(current).set(record.run.id, { ...record.run, brief: true }));
    }
  }, [source.id, outcome]);
  const shown = useMemo(() => [...runs.values()].filter((r) => hooks || r.method === "run" || r.method === "deliver")
    .sort((a, b) => (a.id < b.id ? 1 : -1)), [runs, hooks]);
  return html`<div>
    <div class="toolbar">
      <label>Outcome <select value=${outcome} onChange=${(e) => setQueryParam("outcome", e.target.value)} aria-label="outcome">
        ${OUTCOMES.map((o) => html`<option value=${o}>${o || "any"}</option>`)}</select></label>
      <label><input type="checkbox" checked=${hooks} onChange=${(e) => setQueryParam("hooks", e.target.checked ? "1" : "")} /> hooks too</label>
      <span class="muted">${plural(shown.length, "run")}</span>
    </div>
    <${ErrorNote} error=${error} />
    ${shown.length ? html`<ol class="rows runs">${shown.map((run) => html`<${RunRow} key=${run.id} run=${run} />`)}</ol>`
      : html`<p class="empty">No runs yet: use Run now, send an event, or advance the clock.</p>`}
  </div>`;
}

const RunRow = memo(({ run }) => {
  const [open, setOpen] = useState(false);
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  const toggle = async () => {
    setOpen(!open);
    if (!open && !detail) {
      try {
        setDetail((await get(`/_emulator/runs/${run.id}`)).data);
      } catch (err) {
        setError(err);
      }
    }
  };
  const emitted = Array.isArray(run.emitted) ? run.emitted.length : run.emitted;
  const message = typeof run.error === "string" ? run.error : run.error && run.error.message;
  const requests = Array.isArray(run.requests) ? run.requests.length : run.requests || 0;
  const blocked = Array.isArray(run.requests) ? run.requests.filter((r) => r.answered_by === "blocked").length
    : run.blocked || 0;
  return html`<li class=${`row ${open ? "open" : ""}`} data-run-id=${run.id}>
    <div class="row-head" onClick=${toggle}>
      <span class="time">${formatTime(run.started_at_ms)}</span>
      <${Outcome} outcome=${run.outcome} />
      <span>${run.method} <span class="muted">(${run.trigger})</span></span>
      <span class="muted">${formatRunDuration(run.duration_ms)}</span>
      <span>${emitted} emitted</span>
      ${requests ? html`<span class="muted">${requests} HTTP</span>` : null}
      ${blocked ? html`<span class="error-text">${blocked} blocked</span>` : null}
      ${message ? html`<span class="error-text">${message}</span>` : null}
      <code class="muted">${run.id}</code>
    </div>
    ${open ? html`<div class="row-body">
      <${ErrorNote} error=${error} />
      ${detail ? html`<${RunDetail} run=${detail} />` : html`<p class="muted">Loading…</p>`}
    </div>` : null}
  </li>`;
});

export function RunDetail({ run }) {
  return html`<div class="run-detail">
    ${run.error ? html`<div class="run-error"><strong>${run.error.name || "Error"}: ${run.error.message}</strong>
      ${run.error.stack ? html`<pre class="stack">${run.error.stack}</pre>` : null}</div>` : null}
    <h3>Console</h3>
    ${run.logs.length ? html`<pre class="console">${run.logs.map((l) => html`<div class=${`log-${l.level}`}><span class="muted">${l.level.padEnd(5)}</span> ${l.message}</div>`)}</pre>`
      : html`<p class="muted">No console output.</p>`}
    <h3>Network (${(run.requests || []).length})</h3>
    <${NetworkPanel} requests=${run.requests} />
    <h3>Emitted (${run.events ? run.events.length : run.emitted.length})</h3>
    ${run.events && run.events.length ? run.events.map((e) => html`<details><summary><code>${e.id}</code> ${e.metadata.summary || compactJson(e.event, 80)}</summary><${JsonTree} value=${e.event} /></details>`)
      : html`<p class="muted">Nothing emitted.</p>`}
    ${run.dropped.length ? html`<h3>Dropped by dedupe</h3><ul>${run.dropped.map((d) => html`<li>${d.reason}</li>`)}</ul>` : null}
    <div class="columns">
      <div><h3>db before</h3><${JsonTree} value=${run.db_before} /></div>
      <div><h3>db after</h3><${JsonTree} value=${run.db_after} /></div>
      <div><h3>db changes</h3><${JsonTree} value=${run.db_changes} /></div>
    </div>
    <details><summary>event the run received</summary><${JsonTree} value=${run.event} /></details>
    ${run.http_response ? html`<details open><summary>HTTP response</summary><${JsonTree} value=${run.http_response} /></details>` : null}
  </div>`;
}
