// A source's events: live or paused, searchable, by channel (including $errors), each as a JSON tree.
import { html, useEffect, useMemo, useState } from "../lib.mjs";
import { get, post, withQuery } from "../api.mjs";
import { useRecords } from "../live.mjs";
import { setQueryParam } from "../router.mjs";
import { compactJson, compareEventIds, formatTime, plural } from "../format.mjs";
import { JsonTree } from "../json-tree.mjs";
import { ActionButton, ErrorNote, memo } from "../ui.mjs";

const ROWS_KEPT = 500;
const ROWS_SHOWN = 100;

export function EventsTab({ source, query }) {
  const channel = query.get("channel") || "";
  const search = query.get("q") || "";
  const [rows, setRows] = useState(() => new Map());
  const [held, setHeld] = useState(() => new Map());       // arrived while paused
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState(null);
  const [limit, setLimit] = useState(ROWS_SHOWN);

  const load = async () => {
    try {
      const body = await get(withQuery(`/v1/sources/${source.id}/event_summaries`, { event_name: channel, limit: 100 }));
      setRows((current) => merge(current, body.data));
      setError(null);
    } catch (err) {
      setError(err);
    }
  };
  useEffect(() => { setRows(new Map()); setHeld(new Map()); load(); }, [source.id, channel]);
  useRecords((record) => {
    if (record.kind === "gap" || record.kind === "reset" || record.kind === "state_imported") {
      load();
    } else if (record.kind === "emit" && record.source_id === source.id && record.channel === channel && record.event) {
      (paused ? setHeld : setRows)((current) => merge(current, [record.event]));
    }
  }, [source.id, channel, paused]);

  const resume = () => {
    setRows((current) => merge(current, [...held.values()]));
    setHeld(new Map());
    setPaused(false);
  };
  const shown = useMemo(() => filtered(rows, search), [rows, search]);
  const channels = [...new Set(["", ...Object.keys(source.channels), "$errors"])];
  return html`<div>
    <div class="toolbar">
      <label>Channel <select value=${channel} onChange=${(e) => setQueryParam("channel", e.target.value)} aria-label="channel">
        ${channels.map((c) => html`<option value=${c}>${c || "default"}${source.channels[c] ? ` (${source.channels[c]})` : ""}</option>`)}
      </select></label>
      <input type="search" placeholder="Search events" value=${search} aria-label="search events"
        onInput=${(e) => setQueryParam("q", e.target.value)} />
      ${paused ? html`<button class="primary" onClick=${resume}>Resume live${held.size ? ` (${held.size} new)` : ""}</button>`
        : html`<button onClick=${() => setPaused(true)}>Pause</button>`}
      <span class=${`live-flag ${paused ? "paused" : "live"}`}>${paused ? "paused" : "live"}</span>
      <span class="muted">${shown.length} of ${plural(rows.size, "event")}</span>
    </div>
    <${ErrorNote} error=${error} />
    ${shown.length ? html`<ol class="rows events">${shown.slice(0, limit).map((e) => html`<${EventRow} key=${e.id} event=${e} sourceId=${source.id} channel=${channel} />`)}</ol>`
      : html`<p class="empty">${rows.size ? "No event matches the search." : "No events on this channel yet."}</p>`}
    ${shown.length > limit ? html`<button class="link" onClick=${() => setLimit(limit + ROWS_SHOWN)}>show ${Math.min(ROWS_SHOWN, shown.length - limit)} older</button>` : null}
  </div>`;
}

function merge(current, events) {
  const next = new Map(current);
  for (const event of events) next.set(event.id, event);
  if (next.size <= ROWS_KEPT) return next;
  const newest = [...next.keys()].sort(compareEventIds).slice(-ROWS_KEPT);
  return new Map(newest.map((id) => [id, next.get(id)]));
}

function filtered(rows, search) {
  const needle = search.trim().toLowerCase();
  const all = [...rows.values()].sort((a, b) => compareEventIds(b.id, a.id));
  if (!needle) return all;
  return all.filter((e) => JSON.stringify([e.event, e.metadata]).toLowerCase().includes(needle));
}

const EventRow = memo(({ event, sourceId, channel }) => {
  const [open, setOpen] = useState(false);
  const [full, setFull] = useState(null);
  const [error, setError] = useState(null);
  const truncated = event.event && event.event.$truncated;
  const toggle = async () => {
    setOpen(!open);
    if (!open && truncated && !full) {
      try {
        setFull(await fullEvent(sourceId, channel, event.id));
      } catch (err) {
        setError(err);
      }
    }
  };
  const summary = event.metadata && event.metadata.summary;
  return html`<li class=${`row ${open ? "open" : ""}`} data-event-id=${event.id}>
    <div class="row-head" onClick=${toggle}>
      <span class="time">${formatTime(event.indexed_at_ms)}</span>
      <code class="muted">${event.id}</code>
      <span class="summary">${summary || html`<span class="muted">(no summary)</span>`}</span>
      <span class="preview muted">${truncated ? `${event.event.size} bytes` : compactJson(event.event, 120)}</span>
    </div>
    ${open ? html`<div class="row-body">
      <${ErrorNote} error=${error} />
      ${truncated && !full ? html`<p class="muted">Loading the full event (${event.event.size} bytes)…</p>`
        : html`<${JsonTree} value=${full ? full.event : event.event} />`}
      <details><summary>metadata</summary><${JsonTree} value=${event.metadata} /></details>
      <${ActionButton} onClick=${() => post("/_emulator/events/replay", { source_id: sourceId, event_id: event.id })}>
        Replay this event</${ActionButton}>
    </div>` : null}
  </li>`;
});

/** The whole event, however large: the one page item just older than the next id (`expand=event`). */
async function fullEvent(sourceId, channel, id) {
  const [ms, n] = id.split("-").map(Number);
  const body = await get(withQuery(`/v1/sources/${sourceId}/event_summaries`,
    { event_name: channel, expand: "event", limit: 1, after: `${ms}-${n + 1}` }));
  const found = body.data.find((e) => e.id === id);
  if (!found) throw new Error(`event ${id} is no longer retained`);
  return found;
}
