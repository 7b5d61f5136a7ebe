// A run's outbound HTTP requests: method, URL, status, time and who answered (network, stub,
// cassette, or blocked); each opens to its headers and bodies (secrets already redacted).
import { html, useState } from "../lib.mjs";
import { formatRunDuration } from "../format.mjs";

export function NetworkPanel({ requests }) {
  if (!requests || !requests.length) return html`<p class="muted">No HTTP requests.</p>`;
  return html`<table class="network" data-testid="network">
    <thead><tr><th>Method</th><th>URL</th><th>Status</th><th>Time</th><th>Answered by</th></tr></thead>
    <tbody>${requests.map((request, index) => html`<${RequestRow} key=${index} request=${request} />`)}</tbody>
  </table>`;
}

function RequestRow({ request }) {
  const [open, setOpen] = useState(false);
  const by = request.stub_id ? html`stub <code>${request.stub_id}</code>` : request.answered_by;
  return html`
    <tr class=${`request answered-${request.answered_by} ${open ? "open" : ""}`} onClick=${() => setOpen(!open)}>
      <td><code>${request.method}</code></td>
      <td class="url">${request.url}</td>
      <td>${request.status ?? "—"}</td>
      <td class="muted">${formatRunDuration(request.duration_ms)}</td>
      <td>${by}</td>
    </tr>
    ${request.error ? html`<tr class="request-error"><td></td><td colspan="4" class="error-text">${request.error}</td></tr>` : null}
    ${open ? html`<tr class="request-detail"><td></td><td colspan="4">
      <${Message} title="Request" message=${request.request} />
      ${request.response ? html`<${Message} title="Response" message=${request.response} />` : null}
    </td></tr>` : null}`;
}

function Message({ title, message }) {
  if (!message) return null;
  const note = message.body_truncated ? ` (first 64 KB of ${message.body_size} bytes)`
    : message.body_encoding === "base64" ? " (binary, base64)" : "";
  return html`<div class="http-message"><h4>${title}</h4>
    ${message.headers.length ? html`<pre class="console muted">${message.headers.map(([name, value]) => `${name}: ${value}\n`)}</pre>`
      : html`<p class="muted">No headers.</p>`}
    ${message.body ? html`<pre class="console">${message.body}</pre><p class="muted">${note}</p>` : html`<p class="muted">No body.</p>`}
  </div>`;
}
