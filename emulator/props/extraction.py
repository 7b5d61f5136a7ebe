"""Extraction: what the emulator knows about a component from its code (the extractor's result)."""
from __future__ import annotations

from dataclasses import dataclass, field

from emulator.props.diagnostics import Diagnostic


@dataclass
class Extraction:
    """What the emulator knows about a component from its code."""

    key: str | None
    name: str | None
    version: str | None
    description: str | None
    type: str | None
    dedupe: str | None
    configurable_props: list[dict]
    warnings: list[Diagnostic]
    code_hash: str
    imported_files: list[str] = field(default_factory=list)
    needs_completion: bool = False
    completed_by_node: bool = False
