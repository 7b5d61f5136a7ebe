"use strict";
/** JSON.stringify that skips circular references instead of throwing. */
function jsonStringifySafe(value, seen = new Set()) {
  try {
    return JSON.stringify(value);
  } catch {
    if (typeof value !== "object" || value === null || seen.has(value)) return undefined;
    const inner = new Set(seen).add(value);
    if (Array.isArray(value)) {
      const items = value.map((item) => jsonStringifySafe(item, inner)).filter(Boolean);
      return `[${items.join(",")}]`;
    }
    const members = [];
    for (const key in value) {
      const text = jsonStringifySafe(value[key], inner);
      if (text) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(",")}}`;
  }
}

/** A JSON-safe deep copy (null when nothing serialisable is left). */
function cloneSafe(value) {
  const text = jsonStringifySafe(value);
  return text ? JSON.parse(text) : null;
}

module.exports = { jsonStringifySafe, cloneSafe };
