// Actions on a source: run now with an event, send an HTTP request to it, emit its sample event,
// replay, pause, delete.
import { html, useState } from "../lib.mjs";
import { post } from "../api.mjs";
import { ActionButton, parseJson } from "../ui.mjs";
import { RunDetail } from "./source-runs.mjs";
import { DeleteButton, PauseButton } from "./source-buttons.mjs";

export function ActionsTab({ source, onChanged }) {
  return html`<div class="actions-tab">
    <${RunWithEvent} source=${source} />
    ${source.endpoint_url ? html`<${HttpRequest} source=${source} />` : null}
    <${Sample} source=${source} />
    <${Replay} source=${source} />
    <div class="card"><h2>State</h2><div class="buttons">
      <${PauseButton} source=${source} onChanged=${onChanged} /><${DeleteButton} source=${source} /></div></div>
  </div>`;
}

function RunWithEvent({ source }) {
  const [text, setText] = useState("{}");
  const [run, setRun] = useState(null);
  const go = async () => {
    const event = parseJson(text, "event") ?? {};
    setRun((await post(`/_emulator/sources/${source.id}/run`, { event })).data);
  };
  return html`<div class="card"><h2>Run now</h2>
    <p class="muted">Runs <code>run(event)</code> once with this event, as a timer or HTTP request would.</p>
    <textarea class="code" rows="5" aria-label="event JSON" value=${text} onInput=${(e) => setText(e.target.value)}></textarea>
    <div class="buttons"><${ActionButton} kind="primary" onClick=${go}>Run with this event</${ActionButton}></div>
    ${run ? html`<div class="result" data-testid="run-result"><p>Outcome <strong>${run.outcome}</strong>, ${run.emitted.length} emitted, <code>${run.id}</code></p>
      <${RunDetail} run=${run} /></div>` : null}
  </div>`;
}

function HttpRequest({ source }) {
  // Same-origin path even when endpoint_url is the endpoint's own origin (`<id>.localhost`).
  const endpointUrl = new URL(source.endpoint_url);
  const endpointPath = endpointUrl.pathname.startsWith("/http/") ? endpointUrl.pathname
    : `/http/${endpointUrl.hostname.split(".")[0]}`;
  const [method, setMethod] = useState("POST");
  const [path, setPath] = useState("/");
  const [headers, setHeaders] = useState("Content-Type: application/json");
  const [body, setBody] = useState('{"hello": "world"}');
  const [answer, setAnswer] = useState(null);
  const send = async () => {
    const init = { method, headers: parseHeaders(headers) };
    if (!["GET", "HEAD"].includes(method)) init.body = body;
    const started = performance.now();
    const response = await fetch(endpointPath + (path === "/" ? "" : path), init);
    const text = await response.text();
    setAnswer({ status: response.status, headers: [...response.headers.entries()], body: text,
      ms: Math.round(performance.now() - started) });
  };
  return html`<div class="card"><h2>Send an HTTP request</h2>
    <p class="muted">To <code>${source.endpoint_url}</code></p>
    <div class="toolbar">
      <select value=${method} aria-label="HTTP method" onChange=${(e) => setMethod(e.target.value)}>
        ${["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => html`<option>${m}</option>`)}</select>
      <input value=${path} aria-label="path" onInput=${(e) => setPath(e.target.value)} />
    </div>
    <label class="field">Headers (one per line)<textarea class="code" rows="2" aria-label="headers" value=${headers} onInput=${(e) => setHeaders(e.target.value)}></textarea></label>
    <label class="field">Body<textarea class="code" rows="4" aria-label="body" value=${body} onInput=${(e) => setBody(e.target.value)}></textarea></label>
    <div class="buttons"><${ActionButton} kind="primary" onClick=${send}>Send</${ActionButton}></div>
    ${answer ? html`<div class="result" data-testid="http-response"><p>HTTP <strong>${answer.status}</strong> in ${answer.ms} ms</p>
      <pre class="console muted">${answer.headers.map(([k, v]) => `${k}: ${v}\n`)}</pre>
      <pre class="console">${answer.body}</pre></div>` : null}
  </div>`;
}

function parseHeaders(text) {
  const headers = {};
  for (const line of text.split("\n")) {
    const at = line.indexOf(":");
    if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return headers;
}

function Sample({ source }) {
  const [answer, setAnswer] = useState(null);
  const go = async () => setAnswer(await post(`/_emulator/sources/${source.id}/sample`, {}));
  return html`<div class="card"><h2>Emit the sample event</h2>
    <p class="muted">Emits the component's <code>sampleEmit</code> as if <code>run()</code> had, with its own <code>generateMeta</code>.</p>
    <div class="buttons"><${ActionButton} onClick=${go}>Emit sample</${ActionButton}></div>
    ${answer ? html`<div class="result" data-testid="sample-result"><p>Emitted <code>${answer.data ? answer.data.id : "nothing (deduped)"}</code>
      ${answer.data ? answer.data.metadata.summary : ""}</p><${RunDetail} run=${answer.run} /></div>` : null}
  </div>`;
}

function Replay({ source }) {
  const [eventId, setEventId] = useState("");
  const [run, setRun] = useState(null);
  const go = async () => setRun((await post("/_emulator/events/replay", { source_id: source.id, event_id: eventId.trim() })).data);
  return html`<div class="card"><h2>Replay an event</h2>
    <p class="muted">Runs the source again with a retained event (each event row has a Replay button too).</p>
    <div class="toolbar"><input placeholder="event id, like 1700000000000-0" aria-label="event id to replay" value=${eventId} onInput=${(e) => setEventId(e.target.value)} />
      <${ActionButton} onClick=${go}>Replay</${ActionButton}></div>
    ${run ? html`<p class="result">Outcome <strong>${run.outcome}</strong>, ${run.emitted.length} emitted, <code>${run.id}</code></p>` : null}
  </div>`;
}
