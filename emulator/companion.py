"""Companion commands that talk to a running emulator (filled in by the dashboard/CLI work)."""
from __future__ import annotations

import argparse

COMMANDS: tuple[str, ...] = ()


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the companion subcommands to the `pd-emulator` parser."""


def run(args: argparse.Namespace) -> int:
    return 2
