// The whole state: export it (a download in the --state format), import one, or reset.
import { html, useState } from "../lib.mjs";
import { get, post, put } from "../api.mjs";
import { ActionButton, parseJson } from "../ui.mjs";
import { plural } from "../format.mjs";

export function StatePage() {
  const [message, setMessage] = useState(null);
  const [keepOwners, setKeepOwners] = useState(false);
  const exportState = async () => {
    const state = await get("/_emulator/state");
    const blob = new Blob([JSON.stringify(state, null, 2)], { type: "application/json" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "pd-emulator-state.json";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    setMessage(`Exported ${plural(state.sources.length, "source")} and ${plural(state.events.length, "event")}.`);
  };
  const importState = async (file) => {
    if (!file) return;
    const state = parseJson(await file.text(), file.name);
    // The file's first user takes this emulator's key (as `pd-emulator state import`): its sources show here.
    // In the body: a cookie-authenticated change reads no query string.
    const answer = await put("/_emulator/state", { ...state, owner: keepOwners ? "as-is" : "me" });
    const others = answer.data.owners.filter((o) => !o.yours)
      .map((o) => ` ${plural(o.sources, "source")} belong to user ${o.user_id} (${o.username}), not to you: they are not listed here.`);
    setMessage(`Imported ${file.name}: ${plural(answer.data.sources, "source")}, ${plural(answer.data.events, "event")}.${others.join("")}`);
  };
  const reset = async () => {
    await post("/_emulator/reset", {});
    setMessage("Reset: every source, event and component registered through the API is gone.");
  };
  return html`<section>
    <h1>State</h1>
    <p class="muted">The same JSON as <code>--state FILE</code> and <code>GET /_emulator/state</code>: sources, their db, events, users.</p>
    <div class="cards">
      <div class="card"><h2>Export</h2><${ActionButton} kind="primary" onClick=${exportState}>Download state</${ActionButton}></div>
      <div class="card"><h2>Import</h2><${ImportForm} onFile=${importState} />
        <label class="small"><input type="checkbox" checked=${keepOwners} onChange=${(e) => setKeepOwners(e.target.checked)} />
          keep the file's users and keys (otherwise its first user becomes you)</label></div>
      <div class="card"><h2>Reset</h2><${ActionButton} kind="danger" confirm="Delete every source and event?" onClick=${reset}>Reset all state</${ActionButton}></div>
    </div>
    ${message ? html`<p class="ok-note" role="status">${message}</p>` : null}
  </section>`;
}

function ImportForm({ onFile }) {
  const [file, setFile] = useState(null);
  return html`<div class="toolbar">
    <input type="file" accept="application/json,.json" aria-label="state file" onChange=${(e) => setFile(e.target.files[0])} />
    <${ActionButton} disabled=${!file} onClick=${() => onFile(file)}>Import</${ActionButton}>
  </div>`;
}
