// A collapsible JSON tree: objects and arrays open to `openDepth`, long lists shown in part.
import { html, useState } from "./lib.mjs";

const SHOWN_ITEMS = 100;

export function JsonTree({ value, openDepth = 2, label }) {
  return html`<div class="json-tree">${node(value, label, 0, openDepth)}</div>`;
}

function node(value, label, depth, openDepth) {
  const key = label === undefined ? null : html`<span class="json-key">${label}</span>: `;
  if (value !== null && typeof value === "object") {
    return html`<${Branch} value=${value} label=${key} depth=${depth} openDepth=${openDepth} />`;
  }
  return html`<div class="json-leaf">${key}${leaf(value)}</div>`;
}

function leaf(value) {
  if (value === null) return html`<span class="json-null">null</span>`;
  if (typeof value === "string") return html`<span class="json-string">${JSON.stringify(value)}</span>`;
  if (typeof value === "number") return html`<span class="json-number">${value}</span>`;
  if (typeof value === "boolean") return html`<span class="json-boolean">${String(value)}</span>`;
  return html`<span>${String(value)}</span>`;
}

function Branch({ value, label, depth, openDepth }) {
  const [showAll, setShowAll] = useState(false);
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const shown = showAll ? entries : entries.slice(0, SHOWN_ITEMS);
  const brackets = isArray ? ["[", "]"] : ["{", "}"];
  if (!entries.length) return html`<div class="json-leaf">${label}<span class="json-punct">${brackets.join("")}</span></div>`;
  return html`<details open=${depth < openDepth}>
    <summary>${label}<span class="json-punct">${brackets[0]}</span><span class="json-count"> ${entries.length} ${isArray ? "items" : "keys"} </span><span class="json-punct">${brackets[1]}</span></summary>
    <div class="json-children">
      ${shown.map(([k, v]) => node(v, k, depth + 1, openDepth))}
      ${entries.length > shown.length ? html`<button class="link" onClick=${() => setShowAll(true)}>show ${entries.length - shown.length} more</button>` : null}
    </div>
  </details>`;
}
