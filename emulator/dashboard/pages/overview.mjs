// Overview: every source with its state, component, schedule, next timer fire and last run;
// the clock and the watched folders.
import { html, useContext } from "../lib.mjs";
import { useRecords } from "../live.mjs";
import { ClockContext, useNow } from "../clock.mjs";
import { BASE, sourcePath } from "../router.mjs";
import { describeSchedule, formatRunDuration, formatTime, relative } from "../format.mjs";
import { Loading, Outcome, useDebounced, useResource } from "../ui.mjs";

const REFRESHING_KINDS = new Set(["gap", "reset", "state_imported", "deployed", "reload", "reload_failed", "source"]);

export function OverviewPage() {
  const overview = useResource("/_emulator/overview");
  const refresh = useDebounced(overview.reload, 200);
  useRecords((record) => {
    if (record.kind === "run") {
      const run = record.run;
      if (run.method !== "run") refresh();    // a hook ran: a source was deployed, changed or deleted
      overview.setData((data) => data && patchSource(data, run.source_id, (s) => ({
        ...s, next_fire_ms: record.next_fire_ms,
        last_run: run.method === "run" ? { ...run, error: run.error } : s.last_run,
      })));
    } else if (record.kind === "emit") {
      overview.setData((data) => data && patchSource(data, record.source_id, (s) => ({
        ...s, channels: { ...s.channels, [record.channel]: (s.channels[record.channel] || 0) + 1 },
      })));
    } else if (REFRESHING_KINDS.has(record.kind) || (record.kind === "clock" && record.runs)) {
      refresh();
    }
  }, [overview.setData, refresh]);
  return html`<section>
    <h1>Overview</h1>
    <${Loading} resource=${overview}>${() => html`
      <div class="cards">
        <${ClockCard} />
        <div class="card"><h2>Watched folders</h2>
          ${overview.data.folders.length ? html`<ul class="plain">${overview.data.folders.map((f) => html`<li><code>${f}</code></li>`)}</ul>`
            : html`<p class="muted">None: hot reload watches the folders given to <code>pd-emulator serve</code>.</p>`}
        </div>
      </div>
      <${SourceTable} sources=${overview.data.sources} />`}
    </${Loading}>
  </section>`;
}

function patchSource(data, id, update) {
  if (!data.sources.some((s) => s.id === id)) return data;
  return { ...data, sources: data.sources.map((s) => (s.id === id ? update(s) : s)) };
}

function ClockCard() {
  const { clock } = useContext(ClockContext);
  const now = useNow();
  if (!clock) return null;
  return html`<div class="card"><h2>Clock</h2>
    <dl class="pairs">
      <dt>mode</dt><dd>${clock.mode}${clock.mode === "real" ? ` ×${clock.speed}` : ""}</dd>
      <dt>emulated now</dt><dd>${formatTime(now)}</dd>
    </dl>
    <a href=${BASE + "clock"}>Advance or change speed →</a>
  </div>`;
}

function SourceTable({ sources }) {
  const now = useNow();
  if (!sources.length) {
    return html`<p class="empty">No sources yet. Deploy one with <code>pd-emulator deploy FILE</code>,
      <code>POST /v1/sources</code>, or start the emulator with <code>--deploy</code>.</p>`;
  }
  return html`<table class="sources">
    <thead><tr><th>Source</th><th>State</th><th>Component</th><th>Schedule</th><th>Next fire</th><th>Last run</th><th>Events</th></tr></thead>
    <tbody>${sources.map((s) => html`<tr key=${s.id} data-source-id=${s.id}>
      <td><a href=${sourcePath(s.id)}>${s.name}</a><div class="muted small">${s.id}</div></td>
      <td><span class=${`badge ${s.active ? "ok" : "paused"}`}>${s.active ? "active" : "paused"}</span>
        ${s.status_note ? html`<div class="muted small">${s.status_note}</div>` : null}</td>
      <td>${s.component.name || s.component.id}${s.component.errors.length ? html` <span class="badge outcome-error" title=${s.component.errors[0].message}>reload error</span>` : null}
        <div class="muted small">${s.component.key || ""}</div></td>
      <td>${describeSchedule(s.schedule)}</td>
      <td class="countdown">${s.next_fire_ms ? html`<span title=${formatTime(s.next_fire_ms)}>${relative(s.next_fire_ms, now)}</span>` : html`<span class="muted">—</span>`}</td>
      <td>${s.last_run ? html`<${Outcome} outcome=${s.last_run.outcome} /> <span class="muted small">${relative(s.last_run.started_at_ms, now)}, ${formatRunDuration(s.last_run.duration_ms)}</span>`
        : html`<span class="muted">never</span>`}</td>
      <td>${Object.entries(s.channels).map(([channel, count]) => html`<span class="chip">${channel || "default"} ${count}</span>`)}</td>
    </tr>`)}</tbody>
  </table>`;
}
