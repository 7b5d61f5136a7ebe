"""The dev server's console: one line per run, emit, error and reload, in one style."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

MARKS = {"ok": "✔", "info": "i", "warn": "⚠", "error": "✖"}
ASCII_MARKS = {"ok": "+", "info": "i", "warn": "!", "error": "x"}
COLOURS = {"ok": "32", "info": "36", "warn": "33", "error": "31"}


class Console:
    """Prints activity records; plain (no colour) when not a terminal or NO_COLOR is set."""

    def __init__(self, out: TextIO | None = None, *, verbose: bool = False, quiet: bool = False,
                 dashboard_url: str | None = None) -> None:
        self.out = out or sys.stdout
        self.verbose = verbose
        self.quiet = quiet
        self.dashboard_url = dashboard_url
        is_tty = hasattr(self.out, "isatty") and self.out.isatty()
        self.colour = is_tty and not os.environ.get("NO_COLOR")
        encoding = (getattr(self.out, "encoding", None) or "ascii").lower()
        self.marks = MARKS if "utf" in encoding else ASCII_MARKS
        self.source_label: Callable[[str], str | None] = lambda source_id: None   # e.g. a Connect trigger's owner

    def line(self, level: str, text: str) -> None:
        mark = self.marks[level]
        if self.colour:
            mark = f"\033[{COLOURS[level]}m{mark}\033[0m"
        line = f"{mark} {text}"
        encoding = getattr(self.out, "encoding", None) or "utf-8"
        # A component's text may hold lone surrogates or characters the terminal cannot show.
        line = line.encode(encoding, "backslashreplace").decode(encoding, "replace")
        print(line, file=self.out, flush=True)

    def __call__(self, record: dict[str, Any]) -> None:
        """A printer for ActivityBus: one line per record that matters to an author."""
        if self.quiet and record["kind"] not in ("error", "reload_failed", "save_failed", "save_recovered"):
            return
        text = describe(record, self.verbose)
        if text is None:
            return
        link = self.dashboard_url and source_page(self.dashboard_url, record)
        line = self._labelled(record, text[1])
        self.line(text[0], f"{line}  {link}" if link else line)

    def _labelled(self, record: dict[str, Any], text: str) -> str:
        source_id = record.get("source_id") or (record.get("run") or {}).get("source_id")
        label = self.source_label(source_id) if source_id else None
        return text.replace(source_id, f"{source_id} ({label})", 1) if label and source_id else text


def source_page(dashboard_url: str, record: dict[str, Any]) -> str | None:
    """The dashboard page of the run or emit a console line is about."""
    if record["kind"] == "run":
        return f"{dashboard_url}/sources/{record['run']['source_id']}/runs"
    if record["kind"] == "emit":
        return f"{dashboard_url}/sources/{record['source_id']}/events"
    return None


def describe(record: dict[str, Any], verbose: bool = False) -> tuple[str, str] | None:
    kind = record["kind"]
    if kind == "run":
        run = record["run"]
        duration = run["duration_ms"]
        took = f"{duration:.1f} ms" if duration < 10 else f"{duration:.0f} ms"
        what = f"{run['source_id']} {run['method']} ({run['trigger']}) {run['outcome']} in {took}"
        if run["outcome"] == "ok":
            if run["method"] != "run" and not verbose and not run["emitted"]:
                return None
            extra = f", {run['emitted']} emitted" + (f", {run['dropped']} deduped" if run["dropped"] else "")
            return "ok", f"run   {what}{extra}  [{run['id']}]"
        return "error", f"run   {what}: {run['error']}  [{run['id']}]"
    if kind == "emit":
        channel = f" on {record['channel']}" if record["channel"] else ""
        return "info", f"emit  {record['source_id']} {record['event_id']}{channel}: {record['summary'] or '(no summary)'}"
    if kind == "dropped" and (record["id"] is None or verbose):
        return "warn", f"drop  {record['source_id']}: {record['reason']}"
    if kind == "deployed":
        return "ok", f"deploy {record['component']} as {record['source_id']}"
    if kind == "reload":
        return "ok", f"reload {record['path']}: {record['message']}"
    if kind == "cleanup":
        return "info", f"clean  {record['folder']}: {record['message']}"
    if kind == "connect_delivery":
        if record["error"] is None:
            return "ok", f"webhook {record['webhook_id']} {record['url']}: delivering again"
        return "warn", (f"webhook {record['webhook_id']} {record['url']}: event {record['event_id']} of "
                        f"{record['emitter_id']} failed 5 attempts ({record['error']}); state {record['state']}")
    if kind == "reload_failed":
        where = f"{record.get('file') or record['path']}:{record.get('line', 0)}:{record.get('column', 0)}"
        outcome = ("still running the last good version" if record.get("running_last_good", True)
                   else "Node cannot load it: fix it and save")
        return "error", f"reload {where}: {record['message']} ({outcome})"
    if kind == "error":
        return "error", f"error {record.get('source_id', '')}: {record['message']}"
    if kind == "save_failed":
        return "error", f"state could not save {record['path']}: {record['message']} (retrying in {record['retry_s']:g} s)"
    if kind == "save_recovered":
        return "ok", f"state saved {record['path']} again after {record['attempts']} failed attempt(s)"
    if kind == "http":
        level = "info" if record["status"] < 400 else "warn"
        return level, f"http  {record['method']} {record['path']} → {record['status']}"
    if kind == "outbound":
        return describe_outbound(record, verbose)
    if kind == "clock" and verbose:
        return "info", f"clock {record['clock']}"
    return None


def describe_outbound(record: dict[str, Any], verbose: bool) -> tuple[str, str] | None:
    """A blocked request always; every other one with --verbose."""
    what = f"{record['source_id']} {record['method']} {record['url']}"
    if record["answered_by"] == "blocked":
        return "warn", f"net   {what} BLOCKED: {record.get('error', '')}"
    if not verbose:
        return None
    if record.get("error"):
        return "error", f"net   {what} failed: {record['error']}"
    by = f"stub {record['stub_id']}" if record.get("stub_id") else record["answered_by"]
    return "info", f"net   {what} → {record['status']} ({by}, {record['duration_ms']:.0f} ms)"
