// Components of the watched folders: hot-reload status per file and the recent reload log.
import { html } from "../lib.mjs";
import { useRecords } from "../live.mjs";
import { formatTime, plural } from "../format.mjs";
import { Loading, useDebounced, useResource } from "../ui.mjs";

export function ComponentsPage() {
  const reloads = useResource("/_emulator/reloads");
  const refresh = useDebounced(reloads.reload, 100);
  useRecords((record) => {
    if (["reload", "reload_failed", "gap", "reset", "state_imported"].includes(record.kind)) refresh();
  }, [refresh]);
  return html`<section>
    <h1>Components</h1>
    <${Loading} resource=${reloads}>${() => html`
      <${Files} components=${reloads.data.components} failures=${reloads.data.failures} short=${shortener(reloads.data.folders)} />
      <h2>Recent reloads</h2>
      <${ReloadLog} reloads=${reloads.data.data} short=${shortener(reloads.data.folders)} />`}
    </${Loading}>
  </section>`;
}

/** Paths shown relative to their watched folder (the full path is in the tooltip). */
function shortener(folders) {
  return (path) => {
    const folder = folders.find((f) => path && path.startsWith(`${f}/`));
    return folder ? path.slice(folder.length + 1) : path || "";
  };
}

function location(error, short) {
  return `${short(error.file || error.path)}:${error.line ?? 0}:${error.column ?? 0}`;
}

function Files({ components, failures, short }) {
  const failing = Object.fromEntries(failures.map((f) => [f.path, f]));
  const orphans = failures.filter((f) => !f.running_last_good);
  if (!components.length && !orphans.length) {
    return html`<p class="empty">No watched components: start <code>pd-emulator serve FOLDER</code> with a folder of components.</p>`;
  }
  return html`<table class="components"><thead><tr><th>File</th><th>Component</th><th>Status</th><th>Sources</th></tr></thead>
    <tbody>
      ${components.map((c) => {
        const failure = failing[c.path] || (c.errors.length ? c.errors[0] : null);
        return html`<tr key=${c.id} data-path=${c.path}>
          <td><code title=${c.path}>${short(c.path)}</code></td><td>${c.name} <span class="muted">${c.version || ""}</span></td>
          <td>${failure ? html`<div class="error-note" data-testid="reload-error">Running the last good version:${" "}<code title=${failure.file || c.path}>${location(failure, short)}</code> ${failure.message}</div>` : html`<span class="badge ok">up to date</span>`}
            ${c.warnings.length ? html`<div class="warn-note small">${plural(c.warnings.length, "warning")}: ${c.warnings[0].message}</div>` : null}</td>
          <td>${c.sources}</td></tr>`;
      })}
      ${orphans.map((f) => html`<tr key=${f.path} data-path=${f.path}><td><code title=${f.path}>${short(f.path)}</code></td><td class="muted">never loaded</td>
        <td><div class="error-note" data-testid="reload-error">Does not load: <code>${location(f, short)}</code> ${f.message}</div></td><td>0</td></tr>`)}
    </tbody></table>`;
}

function ReloadLog({ reloads, short }) {
  if (!reloads.length) return html`<p class="muted">No reloads yet: save a component file to see one.</p>`;
  return html`<ol class="rows">${reloads.map((r) => html`<li class="row" key=${r.seq}><div class="row-head">
    <span class="time">${formatTime(r.at_ms)}</span>
    <span class=${`badge ${r.kind === "reload" ? "ok" : "outcome-error"}`}>${r.kind === "reload" ? "reloaded" : "failed"}</span>
    <code title=${r.path}>${short(r.path)}${r.kind === "reload_failed" && r.line ? `:${r.line}:${r.column}` : ""}</code>
    <span>${r.message}</span></div></li>`)}</ol>`;
}
