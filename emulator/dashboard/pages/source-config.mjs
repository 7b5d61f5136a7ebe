// A source's configuration: the component's configurable props beside the configured values, editable.
import { html, useState } from "../lib.mjs";
import { put } from "../api.mjs";
import { compactJson } from "../format.mjs";
import { ActionButton, Loading, parseJson, useResource } from "../ui.mjs";

const HIDDEN_TYPES = new Set(["$.service.db"]);
const READ_ONLY_TYPES = new Set(["$.interface.http"]);

export function ConfigurationTab({ source, onSaved }) {
  const component = useResource(`/v1/components/${encodeURIComponent(source.component.id)}`);
  return html`<${Loading} resource=${component}>${() => html`
    <${PropsForm} key=${source.updated_at} source=${source} props=${component.data.data.configurable_props} onSaved=${onSaved} />`}
  </${Loading}>`;
}

function PropsForm({ source, props, onSaved }) {
  const editable = props.filter((p) => !HIDDEN_TYPES.has(p.type));
  const [drafts, setDrafts] = useState(() => Object.fromEntries(editable.map((p) => [p.name, draftOf(p, source.configured_props[p.name])])));
  const [name, setName] = useState(source.name);
  const [saved, setSaved] = useState(false);
  const setDraft = (prop, value) => { setSaved(false); setDrafts((d) => ({ ...d, [prop]: value })); };
  const save = async () => {
    const configured = {};
    for (const prop of editable) {
      if (READ_ONLY_TYPES.has(prop.type)) continue;
      const value = valueOf(prop, drafts[prop.name]);
      if (value !== undefined) configured[prop.name] = value;
    }
    const body = { configured_props: configured };
    if (name.trim() && name !== source.name) body.name = name.trim();
    await put(`/v1/sources/${source.id}`, body);
    setSaved(true);
    onSaved();
  };
  return html`<form class="props" onSubmit=${(e) => e.preventDefault()}>
    <label class="field">Name <input value=${name} onInput=${(e) => { setSaved(false); setName(e.target.value); }} aria-label="source name" /></label>
    <table>
      <thead><tr><th>Prop</th><th>Value</th><th>Configured now</th></tr></thead>
      <tbody>${editable.map((prop) => html`<tr key=${prop.name} data-prop=${prop.name}>
        <td><strong>${prop.label || prop.name}</strong> <code class="muted">${prop.name}</code>
          <div class="muted small">${prop.type}${prop.optional ? " · optional" : ""}${prop.default !== undefined ? ` · default ${compactJson(prop.default, 60)}` : ""}</div>
          ${prop.description ? html`<div class="small">${prop.description}</div>` : null}</td>
        <td>${editor(prop, drafts[prop.name], (v) => setDraft(prop.name, v), source)}</td>
        <td><code class="small">${compactJson(source.configured_props[prop.name], 120)}</code></td>
      </tr>`)}</tbody>
    </table>
    <div class="buttons">
      <${ActionButton} kind="primary" onClick=${save}>Save configuration</${ActionButton}>
      ${saved ? html`<span class="ok-note" role="status">Saved: the source was updated.</span>` : null}
    </div>
  </form>`;
}

function draftOf(prop, value) {
  if (prop.type === "boolean") return Boolean(value);
  if (prop.type === "app") return (value && value.authProvisionId) || "";
  if (prop.type === "string" || prop.type === "integer") return value === undefined || value === null ? "" : String(value);
  return value === undefined ? "" : JSON.stringify(value, null, 2);
}

/** The draft as the value to send; undefined leaves the prop as it is. */
function valueOf(prop, draft) {
  if (prop.type === "boolean") return draft;
  if (prop.type === "app") return draft ? { authProvisionId: draft } : undefined;
  if (prop.type === "string") return draft === "" && prop.optional ? undefined : draft;
  if (prop.type === "integer") {
    if (draft === "") return undefined;
    const number = Number(draft);
    if (!Number.isInteger(number)) throw new Error(`${prop.name} must be an integer, got ${draft}`);
    return number;
  }
  return parseJson(draft, prop.name);
}

function editor(prop, draft, set, source) {
  const label = `value of ${prop.name}`;
  if (READ_ONLY_TYPES.has(prop.type)) return html`<code>${source.endpoint_url || "—"}</code>`;
  if (prop.type === "boolean") return html`<input type="checkbox" checked=${draft} aria-label=${label} onChange=${(e) => set(e.target.checked)} />`;
  if (prop.type === "string" && Array.isArray(prop.options) && prop.options.length) {
    return html`<select value=${draft} aria-label=${label} onChange=${(e) => set(e.target.value)}>
      <option value="">—</option>
      ${prop.options.map((o) => (typeof o === "object" && o !== null
        ? html`<option value=${o.value}>${o.label ?? o.value}</option>` : html`<option value=${o}>${o}</option>`))}
    </select>`;
  }
  if (prop.type === "string") return html`<input type=${prop.secret ? "password" : "text"} value=${draft} aria-label=${label} onInput=${(e) => set(e.target.value)} />`;
  if (prop.type === "integer") return html`<input type="number" step="1" value=${draft} aria-label=${label} onInput=${(e) => set(e.target.value)} />`;
  if (prop.type === "app") return html`<input value=${draft} placeholder="apn_… (POST /_emulator/accounts)" aria-label=${label} onInput=${(e) => set(e.target.value)} />`;
  const placeholder = prop.type === "$.interface.timer" ? '{"intervalSeconds": 60} or {"cron": "0 * * * *"}' : "JSON";
  return html`<textarea rows="3" class="code" value=${draft} placeholder=${placeholder} aria-label=${label} onInput=${(e) => set(e.target.value)}></textarea>`;
}
