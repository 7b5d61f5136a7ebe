"""`*.stubs.json` files in watched folders: a JSON list of stubs, loaded at start and on every save.

A file that does not parse keeps its previous stubs and reports where it is wrong.
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from .stubs import Stub, StubError, StubRegistry, parse_stub

STUB_FILE_SUFFIX = ".stubs.json"
SKIPPED_DIRS = {"node_modules", ".git", "__pycache__"}


class StubFileError(ValueError):
    """What is wrong in a stub file: message, line and column (0 when unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def is_stub_file(path: Path) -> bool:
    return path.name.endswith(STUB_FILE_SUFFIX) and not (SKIPPED_DIRS & set(path.parts))


def stub_files(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
        found += [Path(root, f).resolve() for f in sorted(files) if f.endswith(STUB_FILE_SUFFIX)]
    return found


def read_stub_file(path: Path, new_id: Callable[[str], str]) -> list[Stub]:
    """The file's stubs; raises StubFileError naming the entry and field (`[2].url`) or the JSON position."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise StubFileError(f"not valid JSON: {error.msg}", error.lineno, error.colno) from None
    except (OSError, UnicodeDecodeError) as error:
        raise StubFileError(f"cannot read: {error}") from None
    if not isinstance(data, list):
        raise StubFileError("must hold a JSON list of stubs ([{\"url\": …, \"json\": …}, …])", 1, 1)
    stubs = []
    for index, item in enumerate(data):
        try:
            stubs.append(parse_stub(item, new_id("hs_"), origin=str(path), where=f"[{index}]."))
        except StubError as error:
            raise StubFileError(str(error)) from None
    return stubs


def load_stub_file(registry: StubRegistry, path: Path, new_id: Callable[[str], str]) -> int:
    """Replaces the file's stubs with what it holds now (none when it is gone); how many it holds."""
    if not path.exists():
        registry.replace_file(str(path), [])
        return 0
    stubs = read_stub_file(path, new_id)
    registry.replace_file(str(path), stubs)
    return len(stubs)
