// The clock: advance by a step or to the next timer fire, change mode and speed, see upcoming fires.
import { html, useContext, useState } from "../lib.mjs";
import { post, put } from "../api.mjs";
import { useRecords } from "../live.mjs";
import { ClockContext, reading, useNow } from "../clock.mjs";
import { sourcePath } from "../router.mjs";
import { formatDuration, formatTime, parseDuration, plural, relative } from "../format.mjs";
import { ActionButton, Loading, Outcome, useDebounced, useResource } from "../ui.mjs";

const STEPS = ["1m", "15m", "1h", "1d"];

export function ClockPage() {
  const { clock, setClock } = useContext(ClockContext);
  const overview = useResource("/_emulator/overview");
  const refresh = useDebounced(overview.reload, 150);
  const [result, setResult] = useState(null);
  useRecords((record) => {
    if (["clock", "run", "gap", "reset", "state_imported"].includes(record.kind)) refresh();
  }, [refresh]);
  const advance = async (body) => {
    const answer = await post("/_emulator/clock/advance", body);
    setResult(answer);
    setClock((c) => reading({ ...c, now_ms: answer.now_ms }));
    overview.reload();
  };
  if (!clock) return html`<section><h1>Clock</h1><p class="muted">Loading…</p></section>`;
  return html`<section>
    <h1>Clock</h1>
    <div class="cards">
      <${ClockNow} clock=${clock} />
      <div class="card"><h2>Advance</h2>
        <div class="buttons">${STEPS.map((step) => html`<${ActionButton} onClick=${() => advance({ seconds: parseDuration(step) })}>+${step}</${ActionButton}>`)}</div>
        <${AdvanceBy} advance=${advance} />
        ${overview.data && overview.data.upcoming.length ? html`<div class="buttons">
          <${ActionButton} kind="primary" onClick=${() => advance({ until_ms: overview.data.upcoming[0].at_ms })}>Until the next fire</${ActionButton}></div>` : null}
      </div>
      <${SpeedCard} clock=${clock} setClock=${setClock} />
    </div>
    ${result ? html`<${AdvanceResult} result=${result} names=${sourceNames(overview.data)} />` : null}
    <h2>Upcoming fires</h2>
    <${Loading} resource=${overview}>${() => html`<${Upcoming} overview=${overview.data} />`}</${Loading}>
  </section>`;
}

function ClockNow({ clock }) {
  const now = useNow();
  return html`<div class="card"><h2>Now</h2><dl class="pairs">
    <dt>mode</dt><dd data-testid="clock-mode">${clock.mode}</dd>
    <dt>speed</dt><dd>${clock.mode === "real" ? `×${clock.speed}` : "stands still until advanced"}</dd>
    <dt>emulated now</dt><dd data-testid="clock-now">${formatTime(now)}</dd></dl></div>`;
}

function AdvanceBy({ advance }) {
  const [text, setText] = useState("90s");
  const seconds = parseDuration(text);
  return html`<div class="toolbar">
    <input value=${text} aria-label="advance by" size="8" onInput=${(e) => setText(e.target.value)} />
    <${ActionButton} disabled=${seconds === null} onClick=${() => advance({ seconds })}>Advance</${ActionButton}>
    <span class="muted small">${seconds === null ? "durations like 90s, 15m, 1h, 1d" : formatDuration(seconds * 1000)}</span>
  </div>`;
}

function SpeedCard({ clock, setClock }) {
  const [mode, setMode] = useState(clock.mode);
  const [speed, setSpeed] = useState(String(clock.speed));
  const apply = async () => setClock(reading(await put("/_emulator/clock", { mode, speed: Number(speed) })));
  return html`<div class="card"><h2>Mode and speed</h2>
    <div class="toolbar">
      <select value=${mode} aria-label="clock mode" onChange=${(e) => setMode(e.target.value)}>
        <option value="virtual">virtual</option><option value="real">real</option></select>
      <label>speed × <input type="number" min="0.001" step="any" value=${speed} aria-label="clock speed" size="6" onInput=${(e) => setSpeed(e.target.value)} /></label>
      <${ActionButton} onClick=${apply}>Apply</${ActionButton}>
    </div>
    <p class="muted small">A real clock at ×100 fires a 15-minute timer every 9 s.</p></div>`;
}

function sourceNames(overview) {
  return Object.fromEntries((overview ? overview.sources : []).map((s) => [s.id, s.name]));
}

function AdvanceResult({ result, names }) {
  return html`<div class="card result" data-testid="advance-result"><h2>Advanced to ${formatTime(result.now_ms)}: ${plural(result.runs.length, "timer run")}</h2>
    ${result.runs.length ? html`<div class="scroll"><table><thead><tr><th>Source</th><th>Fired at</th><th>Outcome</th><th>Emitted</th></tr></thead>
      <tbody>${result.runs.map((r) => html`<tr><td><a href=${sourcePath(r.source_id)} title=${r.source_id}>${names[r.source_id] || r.source_id}</a></td>
        <td>${formatTime(r.at_ms)}</td><td><${Outcome} outcome=${r.outcome} /></td><td>${r.emitted ?? 0}</td></tr>`)}</tbody></table></div>` : null}
  </div>`;
}

function Upcoming({ overview }) {
  const now = useNow();
  const names = Object.fromEntries(overview.sources.map((s) => [s.id, s.name]));
  if (!overview.upcoming.length) return html`<p class="empty">No timers: no active source has a timer prop.</p>`;
  return html`<table class="upcoming"><thead><tr><th>Source</th><th>At</th><th>In</th></tr></thead>
    <tbody>${overview.upcoming.map((f) => html`<tr><td><a href=${sourcePath(f.source_id)}>${names[f.source_id] || f.source_id}</a></td>
      <td>${formatTime(f.at_ms)}</td><td class="countdown">${relative(f.at_ms, now)}</td></tr>`)}</tbody></table>`;
}
