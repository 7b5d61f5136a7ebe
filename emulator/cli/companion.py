"""Companion commands: thin clients of a running emulator, named as in Pipedream's `pd` CLI.

`list`, `events`, `logs`, `deploy`, `update`, `delete`, `run`, `clock`, `state` and `dashboard`
reach the emulator through companion_client. `--format json` prints one JSON object per line;
errors go to stderr with a hint that fixes them.
"""
from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from emulator.cli.client import CONNECTION_FILE, LIST_HINT, Client, CompanionError, resolve_connection
from emulator.config import DEFAULT_PORT
from emulator.devserver.console import Console
from emulator.props import prop_types

DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
DURATION_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


# output ----------------------------------------------------------------------------------------
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


# the commands ----------------------------------------------------------------------------------
def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add the companion subcommands to the `pd-emulator` parser."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", help=f"the emulator (default: $PD_EMULATOR_URL, ./{CONNECTION_FILE}, "
                                      f"http://127.0.0.1:{DEFAULT_PORT})")
    common.add_argument("--api-key", help=f"default: $PD_EMULATOR_API_KEY or ./{CONNECTION_FILE}")
    common.add_argument("--format", choices=("text", "json"), default="text", help="json: one object per line")

    def add(name: str, help_text: str, *, source: bool = False, props: bool = False) -> argparse.ArgumentParser:
        parser = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        if source:
            parser.add_argument("source", help="source id or name")
        if props:
            parser.add_argument("--prop", action="append", default=[], metavar="KEY=VALUE",
                                help="a configured prop (repeat)")
            parser.add_argument("--name")
        return parser

    add("list", "list your sources with state, schedule, next timer fire and last run")
    events = add("events", "print a source's most recent events (oldest first)", source=True)
    events.add_argument("-n", type=int, default=10, help="how many (default 10, at most 100)")
    events.add_argument("--channel", default="", help="a named channel, or $errors")
    logs = add("logs", "print a source's recent runs with their console output", source=True)
    logs.add_argument("-n", type=int, default=10, help="how many runs (default 10)")
    for follows in (events, logs):
        follows.add_argument("--follow", "-f", action="store_true", help="keep printing new ones until Ctrl-C")
    add("deploy", "deploy a component file as a source", props=True).add_argument("file")
    update = add("update", "change a source's props, name, code or state", source=True, props=True)
    update.add_argument("--file", help="new component code from this file")
    state_flag = update.add_mutually_exclusive_group()
    state_flag.add_argument("--pause", action="store_true", help="deactivate the source")
    state_flag.add_argument("--resume", action="store_true", help="activate the source again")
    add("delete", "delete a source", source=True)
    add("run", "run a source once with an event", source=True).add_argument(
        "--event", default="{}", help="the event as JSON, or @FILE")
    clock = add("clock", "show the clock, advance it (firing due timers), or set its speed")
    clock.add_argument("action", nargs="?", choices=("show", "advance", "set"), default="show")
    clock.add_argument("duration", nargs="?", help="for advance: 90s, 15m, 1h, 1d, 1h30m")
    clock.add_argument("--speed", type=float, help="for set: real clock speed")
    clock.add_argument("--mode", choices=("real", "virtual"), help="for set")
    state = add("state", "export or import the whole state (the --state file format)")
    state.add_argument("action", choices=("export", "import"))
    state.add_argument("file", nargs="?", help="export: write here (default stdout); import: read it ('-': stdin)")
    add("dashboard", "print a fresh one-time link to the dashboard")


def run(args: argparse.Namespace) -> int:
    out = Output(getattr(args, "format", "text"))
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop_quietly) if in_main_thread else None
    try:
        client = Client(resolve_connection(args))
        return HANDLERS[args.command](client, args, out)
    except CompanionError as exc:
        out.error(exc)
        return 1
    except KeyboardInterrupt:
        return 0                    # Ctrl-C (or SIGTERM) is how a --follow ends
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _stop_quietly(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def list_sources(client: Client, args: argparse.Namespace, out: Output) -> int:
    overview = client.call("GET", "/_emulator/overview")
    now = overview["clock"]["now_ms"]
    for source in overview["sources"]:
        state = "active" if source["active"] else "paused"
        last = source["last_run"]
        text = (f"{source['id']}  {source['name']:<24} {state:<7} {describe_schedule(source['schedule']):<16} "
                f"next {_relative(source['next_fire_ms'], now):<10} last run {last['outcome'] if last else 'never'}")
        out.item(source, text)
    if not overview["sources"]:
        out.note("info", "no sources yet: deploy one with `pd-emulator deploy FILE`")
    return 0


def events(client: Client, args: argparse.Namespace, out: Output) -> int:
    source_id = find_source(client, args.source)["id"]
    if not 1 <= args.n <= 100:
        raise CompanionError(f"-n must be between 1 and 100, got {args.n}", "the emulator keeps 100 events per channel")
    page = client.call("GET", f"/v1/sources/{source_id}/event_summaries",
                       query={"limit": args.n, "expand": "event", "event_name": args.channel})
    shown = list(reversed(page["data"]))
    for event in shown:
        out.item(event, _event_line(event))
    if args.follow:
        last = shown[-1]["id"] if shown else None
        for event in client.stream(f"/v1/sources/{source_id}/sse", last_event_id=last):
            if (event["metadata"].get("name") or "") == args.channel:
                out.item(event, _event_line(event))
        out.note("info", "the emulator ended the stream (it stopped)")
    return 0


def _event_line(event: dict[str, Any]) -> str:
    summary = event["metadata"].get("summary") or "(no summary)"
    return f"{event['id']}  {summary}  {_compact(event['event'])}"


def logs(client: Client, args: argparse.Namespace, out: Output) -> int:
    source_id = find_source(client, args.source)["id"]
    runs = client.call("GET", f"/_emulator/sources/{source_id}/logs", query={"limit": args.n})["data"]
    for record in reversed(runs):
        _print_run(out, record)
    if args.follow:
        for record in client.stream(f"/sse/dc/{source_id}/observations"):
            _print_run(out, record)
        out.note("info", "the emulator ended the stream (it stopped)")
    return 0


def _print_run(out: Output, record: dict[str, Any]) -> None:
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
    stack = (record.get("error") or {}).get("stack")
    if stack:
        print("    " + stack.replace("\n", "\n    "))


def deploy(client: Client, args: argparse.Namespace, out: Output) -> int:
    path = component_file(args.file)
    url = path.resolve().as_uri()
    component = client.call("POST", "/v1/components", {"component_url": url})["data"]
    body: dict[str, Any] = {"component_id": component["id"], "component_url": url,
                            "configured_props": parse_props(args.prop, component["configurable_props"])}
    if args.name:
        body["name"] = args.name
    source = client.call("POST", "/v1/sources", body)["data"]
    out.item(source, f"deployed {path.name} as {source['id']} ({source['name']})", "ok")
    return 0


def update(client: Client, args: argparse.Namespace, out: Output) -> int:
    source = find_source(client, args.source)
    body: dict[str, Any] = {}
    if args.file:
        body["component_url"] = component_file(args.file).resolve().as_uri()
        component = client.call("POST", "/v1/components", {"component_url": body["component_url"]})["data"]
    else:
        component = client.call("GET", f"/v1/components/{source['component_id']}")["data"]
    if args.prop:
        body["configured_props"] = parse_props(args.prop, component["configurable_props"])
    if args.name:
        body["name"] = args.name
    if args.pause or args.resume:
        body["active"] = bool(args.resume)
    if not body:
        raise CompanionError("nothing to update", "give --prop KEY=VALUE, --name, --file, --pause or --resume")
    updated = client.call("PUT", f"/v1/sources/{source['id']}", body)["data"]
    state = "active" if updated["active"] else "paused"
    out.item(updated, f"updated {updated['id']} ({updated['name']}, {state})", "ok")
    return 0


def delete(client: Client, args: argparse.Namespace, out: Output) -> int:
    source = find_source(client, args.source)
    client.call("DELETE", f"/v1/sources/{source['id']}")
    out.item({"id": source["id"], "deleted": True}, f"deleted {source['id']} ({source['name']})", "ok")
    return 0


def run_source(client: Client, args: argparse.Namespace, out: Output) -> int:
    source = find_source(client, args.source)
    text = read_file(args.event[1:]) if args.event.startswith("@") else args.event
    try:
        event = json.loads(text)
    except ValueError as exc:
        raise CompanionError(f"--event is not valid JSON: {exc}",
                             """quote it for the shell: --event '{"a": 1}', or give --event @FILE""") from None
    record = client.call("POST", f"/_emulator/sources/{source['id']}/run", {"event": event})["data"]
    _print_run(out, record)
    for emitted in record.get("events", []):
        if not out.json:
            print(f"    emit  {_event_line(emitted)}")
    return 0 if record["outcome"] == "ok" else 1


def clock(client: Client, args: argparse.Namespace, out: Output) -> int:
    if args.action == "advance":
        if not args.duration:
            raise CompanionError("clock advance needs a duration", "for example: pd-emulator clock advance 1h")
        result = client.call("POST", "/_emulator/clock/advance", {"seconds": parse_duration(args.duration)})
        for fire in result["runs"]:
            level = "ok" if fire.get("outcome") == "ok" else "error"
            out.item({"kind": "timer_run", **fire},
                     f"timer {fire['source_id']} at {_time(fire['at_ms'])}: {fire.get('outcome')}, "
                     f"{fire.get('emitted', 0)} emitted", level)
        out.item({"kind": "clock", "now_ms": result["now_ms"], "runs": len(result["runs"])},
                 f"clock at {_time(result['now_ms'])} ({len(result['runs'])} timer runs)", "ok")
        return 0
    if args.action == "set":
        body = {k: v for k, v in (("speed", args.speed), ("mode", args.mode)) if v is not None}
        if not body:
            raise CompanionError("clock set needs --speed or --mode", "for example: pd-emulator clock set --speed 100")
        client.call("PUT", "/_emulator/clock", body)
    state = client.call("GET", "/_emulator/clock")
    speed = f" x{state['speed']:g}" if state["mode"] == "real" else ""
    out.item(state, f"clock {state['mode']}{speed} at {_time(state['now_ms'])}", "info")
    return 0


def state(client: Client, args: argparse.Namespace, out: Output) -> int:
    if args.action == "export":
        document = client.call("GET", "/_emulator/state")
        if args.file and args.file != "-":
            Path(args.file).write_text(json.dumps(document, indent=1))
            out.item({"file": args.file, "sources": len(document["sources"]), "events": len(document["events"])},
                     f"state written to {args.file}: {len(document['sources'])} sources, "
                     f"{len(document['events'])} events", "ok")
        else:
            print(json.dumps(document, separators=(",", ":") if out.json else None))
        return 0
    if not args.file:
        raise CompanionError("state import needs a file", "pd-emulator state import state.json (or - for stdin)")
    text = sys.stdin.read() if args.file == "-" else read_file(args.file)
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise CompanionError(f"{args.file} is not JSON: {exc}", "give a file from `pd-emulator state export`") from None
    counts = client.call("PUT", "/_emulator/state", document)["data"]
    out.item(counts, f"state imported: {counts['sources']} sources, {counts['events']} events", "ok")
    return 0


def dashboard(client: Client, args: argparse.Namespace, out: Output) -> int:
    link = client.call("POST", "/_emulator/dashboard/links")["data"]["url"]
    out.item({"url": link}, f"dashboard {link}  (works once)", "ok")
    return 0


HANDLERS: dict[str, Callable[[Client, argparse.Namespace, Output], int]] = {
    "list": list_sources, "events": events, "logs": logs, "deploy": deploy, "update": update, "delete": delete,
    "run": run_source, "clock": clock, "state": state, "dashboard": dashboard}


# arguments -------------------------------------------------------------------------------------
def component_file(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise CompanionError(f"no file {name}", "give the path of a component file (.mjs, .js or .cjs)")
    return path


def read_file(name: str) -> str:
    try:
        return Path(name).read_text()
    except OSError as exc:
        raise CompanionError(f"cannot read {name}: {exc.strerror or exc}", "check the file's path") from None


def find_source(client: Client, ident: str) -> dict[str, Any]:
    """A source by id, or else by its name or name slug."""
    if ident.startswith("dc_"):
        return client.call("GET", f"/v1/sources/{ident}")["data"]
    sources = client.call("GET", "/_emulator/overview")["sources"]
    found = [s for s in sources if ident in (s["name"], s["name_slug"])]
    if len(found) == 1:
        return found[0]
    if not found:
        raise CompanionError(f"no source named {ident}", LIST_HINT)
    raise CompanionError(f"{len(found)} sources are named {ident}: {', '.join(s['id'] for s in found)}",
                         "give the source's id instead")


def parse_props(pairs: list[str], configurable: list[dict[str, Any]]) -> dict[str, Any]:
    """`KEY=VALUE` pairs; a string prop keeps the text as it is, other types read it as JSON."""
    types = {p.get("name"): p.get("type") for p in configurable}
    props: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise CompanionError(f"--prop {pair!r} is not KEY=VALUE", "for example: --prop count=3")
        if key not in types:
            known = ", ".join(n for n in types if n) or "none"
            raise CompanionError(f"the component has no prop {key}", f"its props are: {known}")
        props[key] = _prop_value(types[key], value)
    return props


def _prop_value(kind: str | None, text: str) -> Any:
    if kind == "string":
        return text
    if kind == prop_types.APP and not text.startswith("{"):
        return {"authProvisionId": text}
    if kind == prop_types.TIMER:
        try:
            return {"intervalSeconds": int(parse_duration(text))}
        except CompanionError:
            pass
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_duration(text: str) -> float:
    """`90s`, `15m`, `1h`, `1d`, `1h30m` or plain seconds → seconds."""
    trimmed = text.strip().lower()
    try:
        return float(trimmed)
    except ValueError:
        pass
    parts = DURATION.findall(trimmed)
    if not parts or "".join(n + u for n, u in parts) != trimmed:
        raise CompanionError(f"cannot read the duration {text!r}", "use a number with a unit: 90s, 15m, 1h, 1d, 1h30m")
    return sum(float(number) * DURATION_UNITS[unit] for number, unit in parts)


def describe_schedule(schedule: Any) -> str:
    if not isinstance(schedule, dict):
        return "-"
    interval = schedule.get("intervalSeconds") or schedule.get("interval_seconds")
    if interval:
        return f"every {_duration(interval)}"
    return f"cron {schedule['cron']}" if schedule.get("cron") else "-"


def _duration(seconds: float) -> str:
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


def _relative(at_ms: int | None, now_ms: int) -> str:
    if at_ms is None:
        return "-"
    return f"in {_duration(max(0, round((at_ms - now_ms) / 1000)))}"


def _time(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _compact(value: Any, limit: int = 100) -> str:
    text = json.dumps(value, separators=(",", ":"), default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
