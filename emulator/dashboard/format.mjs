// How times, durations and schedules read on the page (emulated time is shown in UTC).

export function formatTime(ms) {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "") + " UTC";
}

export function formatDuration(ms) {
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  let seconds = Math.round(abs / 1000);
  const units = [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]];
  const parts = [];
  for (const [unit, size] of units) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ") || "0s";
}

export function relative(ms, now) {
  if (ms === null || ms === undefined) return "—";
  const delta = ms - now;
  if (Math.abs(delta) < 500) return "now";
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

export function formatRunDuration(ms) {
  return ms < 10 ? `${ms.toFixed(1)} ms` : ms < 10000 ? `${Math.round(ms)} ms` : formatDuration(ms);
}

/** "90s", "15m", "1h", "1d", "1h30m", or plain seconds → seconds; null when it does not read. */
export function parseDuration(text) {
  const trimmed = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const sizes = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  const pattern = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/gy;
  let total = 0;
  let end = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * sizes[match[2]];
    end = match.index + match[0].length;
  }
  return end === trimmed.length && end > 0 ? total : null;
}

export function describeSchedule(schedule) {
  if (!schedule || typeof schedule !== "object") return "—";
  const interval = schedule.intervalSeconds ?? schedule.interval_seconds;
  if (interval) return `every ${formatDuration(interval * 1000)}`;
  if (schedule.cron) return `cron ${schedule.cron}`;
  return JSON.stringify(schedule);
}

export function eventIdKey(id) {
  const [ms, n] = String(id).split("-").map(Number);
  return [ms || 0, n || 0];
}

export function compareEventIds(a, b) {
  const [am, an] = eventIdKey(a);
  const [bm, bn] = eventIdKey(b);
  return am - bm || an - bn;
}

/** "1 run", "2 runs", "0 keys": a count with its noun in the right number. */
export function plural(count, noun, nouns = `${noun}s`) {
  return `${count} ${count === 1 ? noun : nouns}`;
}

export function compactJson(value, max = 160) {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
