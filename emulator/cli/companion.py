"""Companion commands: thin clients of a running emulator, named as in Pipedream's `pd` CLI.

`list`, `events`, `logs`, `deploy`, `update`, `delete`, `run`, `sample`, `clock`, `state` and `dashboard`
reach the emulator through cli/client.py; cli/arguments.py reads their arguments, cli/output.py prints.
`--format json` prints one JSON object per line (`list`: one JSON array, `[]` when empty); errors go
to stderr with a hint that fixes them.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.cli.arguments import component_file, find_source, parse_duration, parse_props, read_file
from emulator.cli.client import CONNECTION_FILE, Client, CompanionError, resolve_connection
from emulator.cli.output import Output, describe_schedule, event_line, format_relative, format_time, print_run
from emulator.config import DEFAULT_PORT


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
    add("sample", "emit the component's sampleEmit as an event (as if run() had emitted it)", source=True)
    clock = add("clock", "show the clock, advance it (firing due timers), or set its speed")
    clock.add_argument("action", nargs="?", choices=("show", "advance", "set"), default="show")
    clock.add_argument("duration", nargs="?", help="for advance: 90s, 15m, 1h, 1d, 1h30m")
    clock.add_argument("--speed", type=float, help="for set: real clock speed")
    clock.add_argument("--mode", choices=("real", "virtual"), help="for set")
    state = add("state", "export or import the whole state (the --state file format)")
    state.add_argument("action", choices=("export", "import"))
    state.add_argument("file", nargs="?", help="export: write here (default stdout); import: read it ('-': stdin)")
    state.add_argument("--keep-owners", action="store_true",
                       help="import: every user keeps its key (default: the file's first user takes yours, "
                            "so you see its sources)")
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
    except BrokenPipeError:
        # The reader went away (`pd-emulator list | head`): stop quietly, and keep Python's exit
        # flush from failing on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _stop_quietly(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def list_sources(client: Client, args: argparse.Namespace, out: Output) -> int:
    """One line per source; with --format json, one JSON array (`[]` when there are none)."""
    overview = client.call("GET", "/_emulator/overview")
    now = overview["clock"]["now_ms"]
    if out.json:
        print(json.dumps(overview["sources"], separators=(",", ":"), default=str), flush=True)
        return 0
    for source in overview["sources"]:
        state = "active" if source["active"] else "paused"
        last = source["last_run"]
        text = (f"{source['id']}  {source['name']:<24} {state:<7} {describe_schedule(source['schedule']):<16} "
                f"next {format_relative(source['next_fire_ms'], now):<10} last run {last['outcome'] if last else 'never'}")
        if source.get("endpoint_url"):
            text += f"  {source['endpoint_url']}"
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
        out.item(event, event_line(event))
    if args.follow:
        last = shown[-1]["id"] if shown else None
        for event in client.stream(f"/v1/sources/{source_id}/sse", last_event_id=last):
            if (event["metadata"].get("name") or "") == args.channel:
                out.item(event, event_line(event))
        out.note("info", "the emulator ended the stream (it stopped)")
    return 0


def logs(client: Client, args: argparse.Namespace, out: Output) -> int:
    source_id = find_source(client, args.source)["id"]
    runs = client.call("GET", f"/_emulator/sources/{source_id}/logs", query={"limit": args.n})["data"]
    for record in reversed(runs):
        print_run(out, record)
    if not runs:
        out.note("info", f"no runs of {args.source} yet" + (": waiting for one (Ctrl-C stops)" if args.follow
                                                             else ": `pd-emulator run` runs it once"))
    if args.follow:
        for record in client.stream(f"/sse/dc/{source_id}/observations"):
            print_run(out, record)
        out.note("info", "the emulator ended the stream (it stopped)")
    return 0


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
    for url in endpoint_urls(source):
        out.note("info", f"HTTP endpoint {url}")
    return 0


def endpoint_urls(source: dict[str, Any]) -> list[str]:
    """The endpoint URLs of a source's HTTP interface props."""
    return [value["endpoint_url"] for value in source["configured_props"].values()
            if isinstance(value, dict) and isinstance(value.get("endpoint_url"), str)]


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
    print_run(out, record)
    for emitted in record.get("events", []):
        if not out.json:
            print(f"    emit  {event_line(emitted)}")
    return 0 if record["outcome"] == "ok" else 1


def sample(client: Client, args: argparse.Namespace, out: Output) -> int:
    source = find_source(client, args.source)
    body = client.call("POST", f"/_emulator/sources/{source['id']}/sample", {})
    event = body["data"]
    if event is None:
        out.item(body["run"], f"{source['id']}: the sample event was dropped by dedupe (already emitted)", "warn")
        return 0
    out.item(event, f"emit  {event_line(event)}", "ok")
    return 0


def clock(client: Client, args: argparse.Namespace, out: Output) -> int:
    if args.action == "advance":
        if not args.duration:
            raise CompanionError("clock advance needs a duration", "for example: pd-emulator clock advance 1h")
        result = client.call("POST", "/_emulator/clock/advance", {"seconds": parse_duration(args.duration)})
        for fire in result["runs"]:
            level = "ok" if fire.get("outcome") == "ok" else "error"
            out.item({"kind": "timer_run", **fire},
                     f"timer {fire['source_id']} at {format_time(fire['at_ms'])}: {fire.get('outcome')}, "
                     f"{fire.get('emitted', 0)} emitted", level)
        out.item({"kind": "clock", "now_ms": result["now_ms"], "runs": len(result["runs"])},
                 f"clock at {format_time(result['now_ms'])} ({len(result['runs'])} timer runs)", "ok")
        return 0
    if args.action == "set":
        body = {k: v for k, v in (("speed", args.speed), ("mode", args.mode)) if v is not None}
        if not body:
            raise CompanionError("clock set needs --speed or --mode", "for example: pd-emulator clock set --speed 100")
        client.call("PUT", "/_emulator/clock", body)
    state = client.call("GET", "/_emulator/clock")
    speed = f" x{state['speed']:g}" if state["mode"] == "real" else ""
    out.item(state, f"clock {state['mode']}{speed} at {format_time(state['now_ms'])}", "info")
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
    owner = "as-is" if args.keep_owners else "me"
    counts = client.call("PUT", "/_emulator/state", document, query={"owner": owner})["data"]
    out.item(counts, f"state imported: {_count(counts['sources'], 'source')}, {_count(counts['events'], 'event')}",
             "ok")
    for others in (o for o in counts.get("owners", []) if not o["yours"]):
        out.note("warn", f"{_count(others['sources'], 'source')} belong to user {others['user_id']} "
                         f"({others['username']}), not to your key: `list` will not show them "
                         f"(import without --keep-owners to make the file's first user yours)")
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def dashboard(client: Client, args: argparse.Namespace, out: Output) -> int:
    link = client.call("POST", "/_emulator/dashboard/links")["data"]["url"]
    out.item({"url": link}, f"dashboard {link}  (works once)", "ok")
    return 0


HANDLERS: dict[str, Callable[[Client, argparse.Namespace, Output], int]] = {
    "list": list_sources, "events": events, "logs": logs, "deploy": deploy, "update": update, "delete": delete,
    "sample": sample,
    "run": run_source, "clock": clock, "state": state, "dashboard": dashboard}


