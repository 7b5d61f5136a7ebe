// Bookmarkable pages: every view is a path under /dashboard/ (filters in the query string).
import { useEffect, useState } from "./lib.mjs";

export const BASE = "/dashboard/";
const NAVIGATED = "dashboard:navigate";

export function currentRoute() {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : "";
  return { parts: rest.split("/").filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(location.search) };
}

export function navigate(href, { replace = false } = {}) {
  history[replace ? "replaceState" : "pushState"](null, "", href);
  dispatchEvent(new Event(NAVIGATED));
}

export function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener("popstate", update);
    addEventListener(NAVIGATED, update);
    return () => {
      removeEventListener("popstate", update);
      removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** Same-page navigation for plain clicks on links into the dashboard. */
export function interceptLinks(root) {
  root.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download") || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || !url.pathname.startsWith(BASE)) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
}

/** Change one query parameter of the current page without adding a history entry. */
export function setQueryParam(name, value) {
  const query = new URLSearchParams(location.search);
  if (value) query.set(name, value); else query.delete(name);
  const text = query.toString();
  navigate(location.pathname + (text ? `?${text}` : ""), { replace: true });
}

export const sourcePath = (id, tab = "") => `${BASE}sources/${encodeURIComponent(id)}${tab ? `/${tab}` : ""}`;
