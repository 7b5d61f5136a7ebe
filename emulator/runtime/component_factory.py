"""Components from code, URLs and watched folders: extraction, ids, and the registry by key."""
from __future__ import annotations

import asyncio
import hashlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from emulator.domain.ids import BASE62
from emulator.domain.models import Component
from emulator.domain.store import Store
from emulator.errors import Unprocessable
from emulator.props.extract import Extraction, ExtractionError, extract_code
from emulator.sandbox.containment import DEFAULT_CONTAINMENT, Containment
from emulator.sandbox.props_import import complete_with_node

COMPLETION_TIMEOUT_S = 10.0
MAX_COMPONENT_BYTES = 5 * 1024 * 1024


def component_name(extraction: Extraction, fallback: str) -> str:
    return extraction.key or extraction.name or fallback


def build_component(store: Store, extraction: Extraction, code: str, *, user_id: str | None,
                    component_id: str | None = None, path: str | None = None, url: str | None = None) -> Component:
    now = store.now_s()
    existing = store.components.get(component_id) if component_id else None
    return Component(
        id=component_id or store.ids.new("sc_"), user_id=user_id, code=code, code_hash=extraction.code_hash,
        name=component_name(extraction, Path(path).stem if path else "component"), key=extraction.key,
        version=extraction.version, description=extraction.description, type=extraction.type,
        dedupe=extraction.dedupe, configurable_props=extraction.configurable_props,
        created_at=existing.created_at if existing else now, updated_at=now, path=path, component_url=url,
        warnings=[w.to_api() for w in extraction.warnings], imported_files=list(extraction.imported_files))


def extract_or_422(code: str, path: str | None = None) -> Extraction:
    try:
        return extract_code(code, path=path)
    except ExtractionError as exc:
        d = exc.diagnostic
        raise Unprocessable(f"component code is invalid: {d.file}:{d.line}:{d.column}: {d.message}",
                            param="component_code", code="invalid_component",
                            details=[{"param": "component_code", "error": d.message, "file": d.file,
                                      "line": d.line, "column": d.column}]) from None


def create_from_code(store: Store, user_id: str, code: str, url: str | None = None) -> Component:
    """A user's component from inline code (the same code always gives the same metadata)."""
    return store.put_component(build_component(store, extract_or_422(code), code, user_id=user_id, url=url))


async def create_from_url(store: Store, user_id: str, url: str, folders: list[Path], *,
                          follow_files: bool = False, any_file: bool = False,
                          containment: Containment = DEFAULT_CONTAINMENT) -> Component:
    """A file of a watched folder is its registered component (one file, one component, reloaded on save);
    with `follow_files` (the dev server watches), a file elsewhere is registered too, and watched from then on.

    `any_file`: a `file://` URL may name any file (the emulator's own key); other callers only reach
    files of the watched folders, and learn nothing of other paths (not even that they exist).
    Files are found and read in a thread.
    """
    path = await asyncio.to_thread(resolve_component_url, url, folders, any_file=any_file)
    registered = store.components.get(registry_component_id(str(path)))
    if registered is not None and registered.user_id is None and registered.path == str(path):
        return registered
    if follow_files:
        component, error = await register_file(store, path, containment=containment, folders=folders)
        if component is None:
            raise Unprocessable(f"component code is invalid: {error_text(error or {})}", param="component_url",
                                code="invalid_component", details=[{"param": "component_url", **(error or {})}])
        return store.put_component(component)
    code = await asyncio.to_thread(_read_code, path)
    extraction = await complete_if_needed(extract_or_422(code, str(path)), path, containment=containment,
                                          roots=watched_folder_of(path, folders))
    return store.put_component(build_component(store, extraction, code, user_id=user_id, path=str(path), url=url))


async def complete_if_needed(extraction: Extraction, path: Path, *, containment: Containment = DEFAULT_CONTAINMENT,
                             roots: list[str] | None = None) -> Extraction:
    """Values static reading cannot know are completed by importing the file in Node, contained
    like a run (`roots`: what it may read besides its imports; default its folder), bounded in time."""
    if not extraction.needs_completion:
        return extraction
    return await complete_with_node(str(path), extraction, timeout_s=COMPLETION_TIMEOUT_S,
                                    containment=containment, roots=roots or [])


def watched_folder_of(path: Path, folders: list[Path]) -> list[str]:
    """The watched folder holding `path`, as read roots (none when it is outside them)."""
    return [str(folder) for folder in folders if _inside(path, folder)][:1]


def resolve_component_url(url: str, folders: list[Path], *, any_file: bool = True) -> Path:
    """Offline: a `file://` URL, or a URL whose path ends with a file of a watched folder. Blocks: call in a thread."""
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = Path(unquote(parsed.path)).resolve()        # symlinks followed before the folder check
        if not any_file and (parsed.netloc not in ("", "localhost")
                             or not any(_inside(path, folder) for folder in folders)):
            raise Unprocessable(f"component_url {url} is outside the watched folders "
                                f"({', '.join(map(str, folders)) or 'none'}): a file:// URL may name another "
                                "file only with the emulator's own API key", param="component_url")
        if path.is_file():
            return path
        raise Unprocessable(f"component_url {url} names no file on this machine", param="component_url")
    parts = [p for p in unquote(parsed.path).split("/") if p and p not in ("blob", "tree", "raw", "..", ".")]
    for folder in folders:
        for start in range(len(parts)):
            candidate = folder.joinpath(*parts[start:])
            if candidate.is_file() and _inside(candidate, folder):
                return candidate.resolve()
    raise Unprocessable(f"component_url {url} matches no file of the watched folders "
                        f"({', '.join(map(str, folders)) or 'none'}); the emulator is offline",
                        param="component_url")


def error_text(error: dict[str, Any]) -> str:
    return f"{error.get('file', '')}:{error.get('line', 0)}:{error.get('column', 0)}: {error.get('message', 'error')}"


def read_capped(path: Path) -> str:
    """The file as UTF-8 text; OSError when it is over MAX_COMPONENT_BYTES (read no further than that)."""
    with path.open("rb") as file:
        data = file.read(MAX_COMPONENT_BYTES + 1)
    if len(data) > MAX_COMPONENT_BYTES:
        raise ComponentTooLarge(f"{path} is over the {MAX_COMPONENT_BYTES // (1024 * 1024)} MB limit for component code")
    return data.decode("utf-8")


class ComponentTooLarge(OSError):
    pass


def _read_code(path: Path) -> str:
    try:
        return read_capped(path)
    except ComponentTooLarge as exc:
        raise Unprocessable(f"component_url names {exc}", param="component_url", code="too_large") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = "it is not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else exc.strerror
        raise Unprocessable(f"component_url names {path}, which cannot be read as code: {reason}",
                            param="component_url") from None


def _inside(path: Path, folder: Path) -> bool:
    return os.path.commonpath([path.resolve(), folder.resolve()]) == str(folder.resolve())


def registry_component_id(path: str) -> str:
    """Stable across reloads and restarts: derived from the file's path."""
    digest = hashlib.sha256(path.encode()).digest()
    return "sc_" + "".join(BASE62[b % 62]
                           for b in digest[:8])


async def register_file(store: Store, path: Path, *, containment: Containment = DEFAULT_CONTAINMENT,
                        folders: list[Path] | None = None) -> tuple[Component | None, dict[str, Any] | None]:
    """(Re-)register a watched file: the new component, or the error that keeps the last good one."""
    component_id = registry_component_id(str(path))
    try:
        code = await asyncio.to_thread(read_capped, path)
        extraction = await complete_if_needed(extract_code(code, path=str(path)), path, containment=containment,
                                              roots=watched_folder_of(path, folders or []))
    except ExtractionError as exc:
        return None, exc.diagnostic.to_api()
    except (OSError, UnicodeDecodeError) as exc:
        return None, {"message": f"cannot read {path}: {exc}", "file": str(path), "line": 0, "column": 0}
    return build_component(store, extraction, code, user_id=None, component_id=component_id, path=str(path)), None
