// Pipedream Connect: projects, their two environments, external users, and each deployed trigger's
// webhooks with their delivery state (refreshed as runs, emits and deliveries happen).
import { html } from "../lib.mjs";
import { useRecords } from "../live.mjs";
import { Loading, useDebounced, useResource } from "../ui.mjs";

const REFRESH_ON = ["source", "emit", "connect_delivery", "reset", "state_imported"];
const STATE_CLASS = { happy: "ok", penalty: "paused", life_support: "outcome-error", deactivated: "outcome-error" };

export function ConnectPage() {
  const projects = useResource("/_emulator/connect/projects");
  const triggers = useResource("/_emulator/connect/triggers");
  const refresh = useDebounced(() => { projects.reload(); triggers.reload(); }, 200);
  useRecords((record) => { if (REFRESH_ON.includes(record.kind)) refresh(); }, [refresh]);
  return html`<section>
    <h1>Connect</h1>
    <p class="muted">Projects of Pipedream Connect: point an app's SDK here with the <code>PIPEDREAM_*</code> variables the banner prints.</p>
    <${Loading} resource=${projects}>${() => html`<${Loading} resource=${triggers}>${() =>
      projects.data.data.map((p) => html`<${Project} key=${p.project_id} project=${p} triggers=${triggers.data.data} />`)}
    </${Loading}>`}</${Loading}>
  </section>`;
}

function Project({ project, triggers }) {
  return html`<div class="card connect-project" data-project=${project.project_id}>
    <h2><code>${project.project_id}</code> ${project.name !== project.project_id ? project.name : ""}</h2>
    <p class="muted small">${project.clients.length} OAuth client(s): ${project.clients.map((c) => html`<code key=${c.client_id}>${c.client_id}</code> `)}</p>
    ${project.environments.map((env) => html`<${Environment} key=${env.name} env=${env}
      triggers=${triggers.filter((t) => t.project_id === project.project_id && t.environment === env.name)} />`)}
  </div>`;
}

function Environment({ env, triggers }) {
  return html`<div class="connect-environment" data-environment=${env.name}>
    <h3>${env.name}</h3>
    ${env.default_webhook ? html`<p class="small">Default webhook: <code>${env.default_webhook.url}</code></p>` : null}
    ${env.external_users.length ? html`<table class="connect-users"><thead><tr><th>External user</th><th>Owner id</th>
      <th>Accounts</th><th>Triggers</th></tr></thead><tbody>${env.external_users.map((u) => html`<tr key=${u.owner_id}
        data-external-user=${u.external_user_id}><td>${u.external_user_id}</td><td><code>${u.owner_id}</code></td>
        <td>${u.accounts}</td><td>${u.triggers}</td></tr>`)}</tbody></table>`
      : html`<p class="empty">No external users yet.</p>`}
    ${triggers.length ? html`<table class="connect-triggers"><thead><tr><th>Trigger</th><th>User</th><th>Component</th>
      <th>Status</th><th>Webhooks</th></tr></thead><tbody>${triggers.map((t) => html`<${Trigger} key=${t.id} trigger=${t} />`)}</tbody></table>`
      : null}
  </div>`;
}

function Trigger({ trigger }) {
  return html`<tr data-trigger=${trigger.id}>
    <td><code>${trigger.id}</code><div class="muted small">${trigger.name || trigger.type}</div></td>
    <td>${trigger.external_user_id}</td><td>${trigger.component_key}</td>
    <td><span class=${`badge ${trigger.active ? "ok" : "paused"}`}>${trigger.active ? "active" : "inactive"}</span></td>
    <td>${trigger.webhooks.length ? trigger.webhooks.map((w) => html`<div key=${w.id} class="webhook" data-webhook=${w.id}>
      <code>${w.url}</code> <span class=${`badge ${STATE_CLASS[w.delivery_state.state] || ""}`} data-testid="delivery-state">${w.delivery_state.state}</span>
      ${w.delivery_state.consecutive_failures ? html` <span class="muted small">${w.delivery_state.consecutive_failures} failed, last: ${w.delivery_state.last_error}</span>` : null}
      ${w.delivery_state.sheds ? html` <span class="muted small">${w.delivery_state.sheds} shed</span>` : null}
    </div>`) : html`<span class="muted">none</span>`}</td>
  </tr>`;
}
