// Small pieces every page uses: loading a resource, outcome badges, errors, busy buttons.
import { Component, h, html, useCallback, useEffect, useRef, useState } from "./lib.mjs";
import { get } from "./api.mjs";

/** GET `path` now and on `reload()`; `setData` lets live records patch the result. */
export function useResource(path) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const ticket = ++latest.current;
    try {
      const data = await get(path);
      if (ticket === latest.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (ticket === latest.current) setState((s) => ({ ...s, error, loading: false }));
    }
  }, [path]);
  useEffect(() => { reload(); }, [reload]);
  const setData = useCallback((update) => setState((s) => ({ ...s, data: update(s.data) })), []);
  return { ...state, reload, setData };
}

/** Calls `fn` at most once per `ms`, after the last request (for refreshes that records trigger). */
export function useDebounced(fn, ms = 150) {
  const timer = useRef(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  }, [ms]);
}

export function Outcome({ outcome }) {
  if (!outcome) return html`<span class="muted">—</span>`;
  return html`<span class=${`badge outcome-${outcome === "ok" ? "ok" : "error"}`}>${outcome}</span>`;
}

export function ErrorNote({ error }) {
  if (!error) return null;
  return html`<p class="error-note" role="alert">${error.message || String(error)}</p>`;
}

/** A button that shows it is working and reports its action's error beside it. */
export function ActionButton({ onClick, children, kind = "", confirm: question, disabled = false, ...rest }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async () => {
    if (question && !window.confirm(question)) return;
    setBusy(true);
    setError(null);
    try {
      await onClick();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<span class="action">
    <button ...${rest} class=${kind} disabled=${busy || disabled} onClick=${run}>${children}</button>
    ${error ? html`<span class="error-note inline" role="alert">${error.message}</span>` : null}
  </span>`;
}

export function Loading({ resource, children }) {
  if (resource.error && !resource.data) return html`<${ErrorNote} error=${resource.error} />`;
  if (!resource.data) return html`<p class="muted">Loading…</p>`;
  return children();
}

/** Parse JSON typed by the user; throws an Error naming where it went wrong. */
export function parseJson(text, what) {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON: ${error.message}`);
  }
}

/** `view` re-rendered only when a prop changes (identity): long live lists stay cheap. */
export function memo(view) {
  return class Memo extends Component {
    shouldComponentUpdate(next) {
      const keys = Object.keys(next);
      return keys.length !== Object.keys(this.props).length || keys.some((k) => next[k] !== this.props[k]);
    }

    render(props) {
      return h(view, props);
    }
  };
}
