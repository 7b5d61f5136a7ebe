// A source: header with its state and quick actions, then tabs for events, runs, configuration, db, actions.
import { html } from "../lib.mjs";
import { post } from "../api.mjs";
import { useRecords } from "../live.mjs";
import { BASE, sourcePath } from "../router.mjs";
import { describeSchedule, formatTime, relative } from "../format.mjs";
import { useNow } from "../clock.mjs";
import { ActionButton, Loading, useDebounced, useResource } from "../ui.mjs";
import { EventsTab } from "./source-events.mjs";
import { RunsTab } from "./source-runs.mjs";
import { ConfigurationTab } from "./source-config.mjs";
import { DbTab } from "./source-db.mjs";
import { ActionsTab } from "./source-actions.mjs";
import { DeleteButton, PauseButton } from "./source-buttons.mjs";

const TABS = [["events", "Events"], ["runs", "Runs"], ["configuration", "Configuration"], ["db", "DB"], ["actions", "Actions"]];

export function SourcePage({ id, tab, query }) {
  const status = useResource(`/_emulator/overview?source_id=${encodeURIComponent(id)}`);
  const refresh = useDebounced(status.reload, 150);
  useRecords((record) => {
    const about = record.source_id || (record.run && record.run.source_id);
    if (record.kind === "run" && about === id && record.run.method === "run") {
      status.setData((data) => data && { ...data, sources: data.sources.map((s) => ({ ...s, next_fire_ms: record.next_fire_ms })) });
    } else if (record.kind === "emit" && about === id) {
      status.setData((data) => data && { ...data, sources: data.sources.map((s) => ({
        ...s, channels: { ...s.channels, [record.channel]: (s.channels[record.channel] || 0) + 1 } })) });
    } else if (["gap", "reset", "state_imported", "reload", "reload_failed"].includes(record.kind) || about === id) {
      refresh();                 // a hook ran (the source changed), or a record we cannot patch in
    }
  }, [id, refresh, status.setData]);
  if (status.error && status.error.status === 404) return html`<${MissingSource} id=${id} query=${query} />`;
  return html`<section>
    <${Loading} resource=${status}>${() => {
      const source = status.data.sources[0];
      return html`
        <${SourceHeader} source=${source} onChanged=${status.reload} />
        <nav class="tabs">${TABS.map(([name, label]) => html`<a href=${sourcePath(id, name === "events" ? "" : name)}
          class=${tab === name ? "active" : ""}>${label}</a>`)}</nav>
        ${tabContent(tab, source, query, status.reload)}`;
    }}</${Loading}>
  </section>`;
}

function tabContent(tab, source, query, reload) {
  if (tab === "runs") return html`<${RunsTab} source=${source} query=${query} />`;
  if (tab === "configuration") return html`<${ConfigurationTab} source=${source} onSaved=${reload} />`;
  if (tab === "db") return html`<${DbTab} source=${source} />`;
  if (tab === "actions") return html`<${ActionsTab} source=${source} onChanged=${reload} />`;
  if (tab === "events") return html`<${EventsTab} source=${source} query=${query} />`;
  return html`<p class="empty" data-testid="unknown-tab">There is no “${tab}” tab. The tabs are
    ${TABS.map(([name, label], i) => html`${i ? ", " : ""}<a href=${sourcePath(source.id, name === "events" ? "" : name)}>${label}</a>`)}.</p>`;
}

/** A source that is gone: said plainly; when its deploy failed, its hook runs are still here to read. */
function MissingSource({ id, query }) {
  const runs = useResource(`/_emulator/runs?source_id=${encodeURIComponent(id)}&limit=1`);
  const failedDeploy = runs.data && runs.data.data.length > 0;
  return html`<section><h1>Source ${id}</h1>
    ${failedDeploy
      ? html`<p class="error-note" data-testid="failed-deploy">This source was removed because its deploy failed. Its hook runs, with their console output and stack:</p>
        <${RunsTab} source=${{ id }} query=${new URLSearchParams({ ...Object.fromEntries(query), hooks: "1" })} />`
      : html`<p class="empty">This source does not exist (deleted?). <a href=${BASE}>Back to the overview</a>.</p>`}
  </section>`;
}

function SourceHeader({ source, onChanged }) {
  const now = useNow();
  return html`<div class="source-header">
    <div>
      <h1>${source.name} <span class=${`badge ${source.active ? "ok" : "paused"}`}>${source.active ? "active" : "paused"}</span></h1>
      <p class="muted"><code>${source.id}</code> · ${source.component.name || source.component.id}
        ${source.component.path ? html` · <code>${source.component.path}</code>` : null}
        ${source.schedule ? html` · ${describeSchedule(source.schedule)}` : null}
        ${source.next_fire_ms ? html` · next fire <span class="countdown" title=${formatTime(source.next_fire_ms)}>${relative(source.next_fire_ms, now)}</span>` : null}
        ${source.endpoint_url ? html` · <code>${source.endpoint_url}</code>` : null}</p>
      ${source.status_note ? html`<p class="warn-note">${source.status_note}</p>` : null}
      ${source.component.errors.map((e) => html`<p class="error-note" data-testid="broken-file">The file is broken:
        <code>${e.file || source.component.path || ""}:${e.line}:${e.column}</code> ${e.message}
        (${e.running_last_good === false ? "Node cannot load it: runs fail until it is fixed" : "running the last good version"})</p>`)}
    </div>
    <div class="buttons">
      <${ActionButton} kind="primary" onClick=${() => post(`/_emulator/sources/${source.id}/run`, { event: {} }).then(onChanged)}>Run now</${ActionButton}>
      <${PauseButton} source=${source} onChanged=${onChanged} />
      <${DeleteButton} source=${source} />
    </div>
  </div>`;
}
