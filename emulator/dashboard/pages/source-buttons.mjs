// Pause or resume a source, and delete it (then back to the overview).
import { html } from "../lib.mjs";
import { del, put } from "../api.mjs";
import { BASE, navigate } from "../router.mjs";
import { ActionButton } from "../ui.mjs";

export function PauseButton({ source, onChanged }) {
  return html`<${ActionButton} onClick=${() => put(`/v1/sources/${source.id}`, { active: !source.active }).then(onChanged)}>
    ${source.active ? "Pause" : "Resume"}</${ActionButton}>`;
}

export function DeleteButton({ source }) {
  return html`<${ActionButton} kind="danger" confirm=${`Delete ${source.name} (${source.id}) and its events?`}
    onClick=${() => del(`/v1/sources/${source.id}`).then(() => navigate(BASE))}>Delete</${ActionButton}>`;
}
