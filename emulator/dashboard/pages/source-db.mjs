// A source's db ($.service.db): see it, live after each run, and replace it.
import { html, useState } from "../lib.mjs";
import { put } from "../api.mjs";
import { useRecords } from "../live.mjs";
import { JsonTree } from "../json-tree.mjs";
import { plural } from "../format.mjs";
import { ActionButton, Loading, parseJson, useDebounced, useResource } from "../ui.mjs";

export function DbTab({ source }) {
  const db = useResource(`/_emulator/sources/${source.id}/db`);
  const [draft, setDraft] = useState(null);        // null: not editing
  const refresh = useDebounced(db.reload, 150);
  useRecords((record) => {
    if ((record.kind === "run" && record.run.source_id === source.id) || record.kind === "gap") refresh();
  }, [source.id, refresh]);
  const save = async () => {
    const value = parseJson(draft, "db") ?? {};
    if (typeof value !== "object" || Array.isArray(value)) throw new Error("db must be a JSON object");
    await put(`/_emulator/sources/${source.id}/db`, { db: value });
    setDraft(null);
    db.reload();
  };
  return html`<${Loading} resource=${db}>${() => html`<div>
    ${draft === null ? html`
      <div class="toolbar"><button onClick=${() => setDraft(JSON.stringify(db.data.data, null, 2))}>Edit</button>
        <span class="muted">${plural(Object.keys(db.data.data).length, "key")} · updates after each run</span></div>
      <${JsonTree} value=${db.data.data} openDepth=${3} />` : html`
      <textarea class="code" rows="14" aria-label="db JSON" value=${draft} onInput=${(e) => setDraft(e.target.value)}></textarea>
      <div class="buttons"><${ActionButton} kind="primary" onClick=${save}>Save db</${ActionButton}>
        <button onClick=${() => setDraft(null)}>Cancel</button></div>`}
  </div>`}</${Loading}>`;
}
