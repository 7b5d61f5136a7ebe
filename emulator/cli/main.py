"""`pd-emulator`: serve, check, and the companion commands that talk to a running emulator."""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from emulator.api.connect_common import CONNECT
from emulator.cli import companion
from emulator.cli.client import CONNECTION_FILE
from emulator.config import DEFAULT_PORT, Config
from emulator.connect.service import check_project_id
from emulator.devserver.console import Console
from emulator.devserver.state_file import StateFileError, StateSaveError
from emulator.outbound.cassette import CassetteError
from emulator.version import __version__

DEFAULT_FOLDER = "sample_components"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pd-emulator", description="Run Pipedream sources locally.")
    parser.add_argument("--version", action="version", version=f"pd-emulator {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the emulator (API, sandbox, timers, hot reload)")
    serve.add_argument("folders", nargs="*", help=f"component folders to watch (default: ./{DEFAULT_FOLDER})")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help=f"default {DEFAULT_PORT}; 0 picks a free port")
    serve.add_argument("--api-key", default=None, help="default: $PD_EMULATOR_API_KEY or a generated key")
    serve.add_argument("--clock", choices=("real", "virtual"), default="real")
    serve.add_argument("--speed", type=float, default=1.0, help="real clock runs N times faster")
    serve.add_argument("--state", default=None, help="load state from FILE and save it there on change")
    serve.add_argument("--run-timeout", type=float, default=30.0, help="seconds a run may take")
    serve.add_argument("--memory-mb", type=int, default=256, help="memory per source")
    serve.add_argument("--tmp-mb", type=int, default=512, help="size of each source's private /tmp folder")
    serve.add_argument("--no-watch", action="store_true", help="turn hot reload off")
    serve.add_argument("--deploy", action="store_true", help="deploy every component of the folders at start")
    serve.add_argument("--http", choices=("live", "offline", "record", "replay"), default="live",
                       help="components' outbound HTTP: to the network (live), nowhere but stubs (offline), "
                            "recorded to / replayed from --cassette")
    serve.add_argument("--cassette", default=None, metavar="FILE", help="HAR file for --http record/replay")
    serve.add_argument("--seed", type=int, default=None, help="repeatable ids")
    serve.add_argument("--quiet", action="store_true", help="print only errors")
    serve.add_argument("--verbose", action="store_true", help="also print hooks, HTTP requests, clock changes")
    serve.add_argument("--endpoint-origins", action="store_true",
                       help="endpoint_url is http://<endpoint id>.localhost:<port>, each endpoint on its own origin")
    serve.add_argument("--project-id", default=None, help="Connect project (default: $PIPEDREAM_PROJECT_ID or generated)")
    serve.add_argument("--client-id", default=None, help="its OAuth client (default: $PIPEDREAM_CLIENT_ID or generated)")
    serve.add_argument("--client-secret", default=None, help="default: $PIPEDREAM_CLIENT_SECRET or generated")
    check = commands.add_parser("check", help="print the metadata and props extracted from component files")
    check.add_argument("files", nargs="+")
    check.add_argument("--format", choices=("text", "json"), default="text")
    companion.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "check":
        from emulator.props.check import check_command
        from emulator.sandbox.props_import import import_with_node_sync
        return check_command(args.files, fmt=args.format, import_with_node=import_with_node_sync)
    return companion.run(args)


def serve(args: argparse.Namespace) -> int:
    folders = args.folders or ([DEFAULT_FOLDER] if Path(DEFAULT_FOLDER).is_dir() else [])
    missing = [f for f in folders if not Path(f).is_dir()]
    if missing:
        print(f"✖ folder not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    config = Config.from_env(host=args.host, port=args.port, api_key=args.api_key, folders=tuple(folders),
                             clock_mode=args.clock, speed=args.speed, state_file=args.state,
                             run_timeout_s=args.run_timeout, memory_mb=args.memory_mb, tmp_mb=args.tmp_mb,
                             watch=not args.no_watch,
                             deploy=args.deploy, seed=args.seed, verbose=args.verbose,
                             http_mode=args.http, cassette=args.cassette,
                             endpoint_origins=args.endpoint_origins or None,
                             connect_project_id=args.project_id, connect_client_id=args.client_id,
                             connect_client_secret=args.client_secret)
    problem = check_project_id(config)
    if problem:
        print(f"✖ {problem}", file=sys.stderr)
        return 2
    console = Console(verbose=args.verbose, quiet=args.quiet)
    try:
        return asyncio.run(_serve(config, console))
    except (StateFileError, CassetteError) as exc:
        console.line("error", str(exc))
        return 2


async def _serve(config: Config, console: Console) -> int:
    from emulator.server.runner import Emulator, ListenError

    emulator = Emulator(config)
    emulator.services.bus.printers.append(console)
    console.source_label = emulator.app[CONNECT].label
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await emulator.start()
    except ListenError as exc:
        console.line("error", f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}. "
                              "Hint: another emulator may be running; try --port 0 for a free port.")
        return 2
    if config.dashboard:
        console.dashboard_url = f"{emulator.url}/dashboard"
    _write_connection_file(emulator)
    print_banner(console, emulator)
    await stop.wait()
    console.line("info", "stopping: Node workers, watcher, timers" + (", saving state" if config.state_file else ""))
    try:
        await emulator.close()
    except StateSaveError as exc:
        console.line("error", f"stopped, but {exc}")
        return 1
    console.line("ok", "stopped")
    return 0


def print_banner(console: Console, emulator: Any) -> None:
    services = emulator.services
    clock = services.clock.to_api()
    lines = [f"pd-emulator {__version__} ready at {emulator.url}",
             f"  API key   {emulator.api_key}",
             f"  API       {emulator.url}/v1   (Authorization: Bearer <key>)",
             *dashboard_lines(emulator),
             f"  folders   {', '.join(map(str, services.folders)) or '(none)'}",
             *component_lines(services),
             *connect_lines(emulator),
             f"  clock     {clock['mode']}" + (f" x{clock['speed']:g}" if clock["mode"] == "real" else ""),
             f"  state     {services.config.state_file or 'in memory'}",
             f"  http      {http_line(services.outbound.setting)}",
             "  stop      Ctrl-C"]
    console.line("ok", "\n".join(lines))


def http_line(setting: Any) -> str:
    if setting.cassette is None:
        return setting.mode
    return f"{setting.mode} ({setting.cassette.path}, {len(setting.cassette.entries)} recorded)"


def component_lines(services: Any) -> list[str]:
    """What the folders hold, and how to run it when nothing is deployed yet."""
    keys = sorted(c.key or c.name for c in services.store.registry_components())
    lines = [f"  found     {len(keys)} component{'s' if len(keys) != 1 else ''}: {', '.join(keys)}"] if keys else []
    for failure in (r for r in services.reloader.reloads if r["kind"] == "reload_failed"):
        where = f"{failure.get('file') or failure['path']}:{failure.get('line', 0)}:{failure.get('column', 0)}"
        lines.append(f"  broken    {where}: {failure['message']}")
    if keys and not services.store.sources:
        lines.append("  deploy    pd-emulator deploy <file>  (or restart with --deploy)")
    return lines


def connect_lines(emulator: Any) -> list[str]:
    """Connect's starting project, and the environment an app's SDK needs, ready to paste."""
    env = emulator.app[CONNECT].settings(emulator.url).env()
    variables = " ".join(f"{name}={env[name]}" for name in ("PIPEDREAM_BASE_URL", "PIPEDREAM_PROJECT_ID",
                                                            "PIPEDREAM_CLIENT_ID", "PIPEDREAM_CLIENT_SECRET"))
    return [f"  Connect   project {env['PIPEDREAM_PROJECT_ID']}, environments development + production",
            f"            {variables}"]


def dashboard_lines(emulator: Any) -> list[str]:
    """The dashboard's one-time link (spent on first use; `pd-emulator dashboard` prints another)."""
    from emulator.api.dashboard import DASHBOARD

    if not emulator.services.config.dashboard:
        return []
    return [f"  dashboard {emulator.app[DASHBOARD].link(emulator.url, emulator.api_key)}"]


def _write_connection_file(emulator: Any) -> None:
    try:
        # It holds the API key: readable by its owner only.
        descriptor = os.open(CONNECTION_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(json.dumps({"url": emulator.url, "api_key": emulator.api_key, "pid": os.getpid()}))
    except OSError:
        pass
