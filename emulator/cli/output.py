"""How the companion commands print: text lines in the console's style, or one JSON object per line."""
from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

from emulator.cli.client import CompanionError
from emulator.devserver.console import Console


class Output:
    """Text lines in the console's style, or one JSON object per line."""

    def __init__(self, fmt: str) -> None:
        self.json = fmt == "json"
        self.console = Console(sys.stdout)
        self.errors = Console(sys.stderr)

    def item(self, obj: Any, text: str | None = None, level: str | None = None) -> None:
        if self.json:
            print(json.dumps(obj, separators=(",", ":"), default=str), flush=True)
        elif text is not None:
            self.console.line(level, text) if level else print(text, flush=True)

    def note(self, level: str, text: str) -> None:
        if not self.json:
            self.console.line(level, text)

    def error(self, error: CompanionError) -> None:
        if self.json:
            print(json.dumps({"error": error.message, "hint": error.hint}), file=sys.stderr, flush=True)
            return
        self.errors.line("error", error.message)
        if error.hint:
            print(f"  hint: {error.hint}", file=sys.stderr, flush=True)


def event_line(event: dict[str, Any]) -> str:
    summary = event["metadata"].get("summary") or "(no summary)"
    return f"{event['id']}  {summary}  {compact_json(event['event'])}"


def print_run(out: Output, record: dict[str, Any]) -> None:
    took = f"{record['duration_ms']:.1f} ms"
    head = f"{record['id']} {record['method']} ({record['trigger']}) {record['outcome']} in {took}"
    if record["outcome"] == "ok":
        out.item(record, f"{head}, {len(record['emitted'])} emitted", "ok")
    else:
        out.item(record, f"{head}: {(record.get('error') or {}).get('message', '')}", "error")
    if out.json:
        return
    for log in record["logs"]:
        print(f"    {log['level']:<5} {log['message']}")
    for request in record.get("requests") or []:
        print(f"    http  {request_line(request)}")
    stack = (record.get("error") or {}).get("stack")
    if stack:
        print("    " + stack.replace("\n", "\n    "))
    if record.get("http_response"):
        print(f"    {http_response_line(record['http_response'])}")


def http_response_line(response: dict[str, Any]) -> str:
    """`respond 201 x-order: 7 {"queued":true}`: what the source answered with this.http.respond()."""
    headers = " ".join(f"{k}: {v}" for k, v in (response.get("headers") or {}).items())
    body = response.get("body")
    if response.get("body_base64"):
        body = f"({len(body or '') * 3 // 4} bytes, base64)"
    elif not isinstance(body, str):
        body = compact_json(body)
    text = body if len(body or "") <= 200 else body[:199] + "…"
    return " ".join(part for part in ("respond", str(response.get("status", 200)), headers, text or "") if part)


def request_line(request: dict[str, Any]) -> str:
    """One outbound request of a run: who answered it, or why it failed."""
    what = f"{request['method']} {request['url']}"
    if request.get("error"):
        how = "BLOCKED" if request["answered_by"] == "blocked" else "failed"
        return f"{what} {how}: {request['error']}"
    by = f"stub {request['stub_id']}" if request.get("stub_id") else request["answered_by"]
    return f"{what} → {request['status']} ({by}, {request['duration_ms']:.0f} ms)"


def describe_schedule(schedule: Any) -> str:
    if not isinstance(schedule, dict):
        return "-"
    interval = schedule.get("intervalSeconds") or schedule.get("interval_seconds")
    if interval:
        return f"every {format_duration(interval)}"
    return f"cron {schedule['cron']}" if schedule.get("cron") else "-"


def format_duration(seconds: float) -> str:
    """Two units at most: 90 → 1m30s, 3600 → 1h, 93784 → 1d2h."""
    left = round(seconds)
    parts: list[str] = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if left >= size and len(parts) < 2:
            parts.append(f"{left // size}{unit}")
            left %= size
        elif parts:
            break
    return "".join(parts) or "0s"


def format_relative(at_ms: int | None, now_ms: int) -> str:
    if at_ms is None:
        return "-"
    return f"in {format_duration(max(0, round((at_ms - now_ms) / 1000)))}"


def format_time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def compact_json(value: Any, limit: int = 100) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
