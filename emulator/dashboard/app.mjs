// The dashboard: layout, navigation, the live stream's status, and which page a path shows.
import { html, render, useContext, useEffect, useMemo, useState } from "./lib.mjs";
import { LiveContext, LiveStream, useStreamStatus } from "./live.mjs";
import { ClockContext, useClockState, useNow } from "./clock.mjs";
import { BASE, interceptLinks, useRoute } from "./router.mjs";
import { formatTime } from "./format.mjs";
import { OverviewPage } from "./pages/overview.mjs";
import { SourcePage } from "./pages/source.mjs";
import { ClockPage } from "./pages/clock.mjs";
import { ComponentsPage } from "./pages/components.mjs";
import { StatePage } from "./pages/state.mjs";
import { ConnectPage } from "./pages/connect.mjs";

const NAV = [["", "Overview"], ["clock", "Clock"], ["components", "Components"], ["connect", "Connect"], ["state", "State"]];

function App({ live }) {
  return html`<${LiveContext.Provider} value=${live}><${Shell} /></${LiveContext.Provider}>`;
}

function Shell() {
  const [clock, setClock] = useClockState();
  const clockValue = useMemo(() => ({ clock, setClock }), [clock]);
  const route = useRoute();
  const section = route.parts[0] || "";
  return html`<${ClockContext.Provider} value=${clockValue}>
    <header class="topbar">
      <a class="brand" href=${BASE}>pd-emulator</a>
      <nav>${NAV.map(([path, label]) => html`<a href=${BASE + path} class=${section === path ? "active" : ""}>${label}</a>`)}</nav>
      <${ClockBadge} />
      <${StreamBadge} />
    </header>
    <${Disconnected} />
    <main>${page(route)}</main>
  </${ClockContext.Provider}>`;
}

function page(route) {
  const [section, id, tab] = route.parts;
  if (!section) return html`<${OverviewPage} />`;
  if (section === "sources" && id) return html`<${SourcePage} key=${id} id=${id} tab=${tab || "events"} query=${route.query} />`;
  if (section === "clock") return html`<${ClockPage} />`;
  if (section === "components") return html`<${ComponentsPage} />`;
  if (section === "state") return html`<${StatePage} />`;
  if (section === "connect") return html`<${ConnectPage} />`;
  return html`<section><h1>Not found</h1><p>No page at this address. <a href=${BASE}>Back to the overview</a>.</p></section>`;
}

function ClockBadge() {
  const { clock } = useContext(ClockContext);
  const now = useNow(1000);
  if (!clock) return null;
  const mode = clock.mode === "real" ? `real ×${clock.speed}` : "virtual";
  return html`<a class="clock-badge" href=${BASE + "clock"} title="emulated time">
    <span class="muted">${mode}</span> <span data-testid="emulated-now">${formatTime(now)}</span></a>`;
}

const STATUS_TEXT = { connecting: "connecting…", live: "live", reconnecting: "reconnecting…", ended: "disconnected" };

function StreamBadge() {
  const status = useStreamStatus();
  return html`<span class=${`stream-badge ${status}`} data-testid="stream-status">● ${STATUS_TEXT[status]}</span>`;
}

function Disconnected() {
  const status = useStreamStatus();
  if (status === "reconnecting") {
    return html`<div class="banner warn" role="status">Disconnected from the emulator: reconnecting; nothing is lost meanwhile.</div>`;
  }
  if (status === "ended") {
    return html`<div class="banner error" role="alert">The session ended (the emulator restarted?). Run
      <code>pd-emulator dashboard</code> for a fresh link.</div>`;
  }
  return null;
}

const live = new LiveStream();
live.start();
const root = document.getElementById("app");
root.textContent = "";
interceptLinks(root);
render(html`<${App} live=${live} />`, root);
