"""`component_url=file://…`: another user reaches only the watched folders' files; sizes are capped;
files are read off the event loop.

The attack: a second API user points `file://` at a config file exporting secrets (it came back
verbatim in `code`), at a file that may or may not exist (the error told which), at a symlink in
a watched folder leading out, and at a 200 MB file (it blocked every user for seconds).
"""
from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from emulator.runtime import component_factory
from emulator.server.runner import Emulator
from tests.conftest import ApiClient, emulator_config

SECRET = "s3cr3t-connection-string"
COMPONENT = """export default { key: "in-folder", name: "In Folder", version: "0.0.1", type: "source",
  props: {}, async run() {} };
"""


@pytest.fixture
async def folder_emulator(tmp_path: Path) -> AsyncIterator[tuple[Emulator, ApiClient, str, Path]]:
    """An emulator watching `tmp_path/components`, an intruder's key, and an outside folder."""
    components, outside = tmp_path / "components", tmp_path / "outside"
    components.mkdir()
    outside.mkdir()
    (components / "in-folder.mjs").write_text(COMPONENT)
    (outside / "config.mjs").write_text(f'export default {{ password: "{SECRET}" }};\n')
    (components / "escape.mjs").symlink_to(outside / "config.mjs")
    async with Emulator(emulator_config(folders=(str(components),))) as emu, aiohttp.ClientSession() as session:
        api = ApiClient(session, emu.url, emu.api_key)
        intruder = (await api.ok("POST", "/_emulator/users", json={"username": "intruder"}))["data"]["api_key"]
        yield emu, api, intruder, tmp_path


@pytest.mark.parametrize("path", ["/v1/components", "/v1/sources"])
async def test_another_user_cannot_read_a_file_outside_the_watched_folders(folder_emulator, path: str) -> None:
    _, api, intruder, root = folder_emulator
    answers = []
    for target in (root / "outside" / "config.mjs", root / "outside" / "missing.mjs", Path("/etc/passwd")):
        status, body = await api.post(path, json={"component_url": target.as_uri()}, key=intruder)
        assert (status, body["param"]) == (422, "component_url")
        assert SECRET not in str(body) and "root:" not in str(body)
        answers.append(body["error"].replace(target.as_uri(), "<url>"))
    assert answers[0] == answers[1] == answers[2]            # existence is not revealed either
    assert "outside the watched folders" in answers[0]


async def test_a_symlink_in_a_watched_folder_does_not_lead_out(folder_emulator) -> None:
    _, api, intruder, root = folder_emulator
    status, body = await api.post("/v1/components", json={"component_url": (root / "components" / "escape.mjs").as_uri()},
                                  key=intruder)
    assert (status, body["param"]) == (422, "component_url") and SECRET not in str(body)


async def test_another_user_may_use_files_of_the_watched_folders(folder_emulator) -> None:
    _, api, intruder, root = folder_emulator
    body = await api.ok("POST", "/v1/components", json={"component_url": (root / "components" / "in-folder.mjs").as_uri()},
                        key=intruder)
    assert body["data"]["key"] == "in-folder"


async def test_the_emulators_own_key_may_name_any_file(folder_emulator) -> None:
    _, api, _, root = folder_emulator
    own = root / "outside" / "mine.mjs"
    own.write_text(COMPONENT.replace("in-folder", "mine"))
    assert (await api.ok("POST", "/v1/components", json={"component_url": own.as_uri()}))["data"]["key"] == "mine"


async def test_a_200_mb_file_is_refused_by_size_after_reading_at_most_the_cap(folder_emulator) -> None:
    emu, api, intruder, root = folder_emulator
    huge = root / "components" / "huge.mjs"
    with huge.open("wb") as file:
        file.truncate(200 * 1024 * 1024)                     # sparse: no 200 MB written to the disk
    for key in (intruder, emu.api_key):
        status, body = await api.post("/v1/components", json={"component_url": huge.as_uri()}, key=key)
        assert (status, body["code"], body["param"]) == (422, "too_large", "component_url")
        assert "5 MB" in body["error"]


async def test_the_file_is_read_off_the_event_loop(folder_emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    _, api, _, root = folder_emulator
    readers: list[str] = []
    read_code = component_factory._read_code

    def spy(path: Path) -> str:
        readers.append(threading.current_thread().name)
        return read_code(path)

    monkeypatch.setattr(component_factory, "_read_code", spy)
    own = root / "outside" / "mine.mjs"               # not a registered folder file: it is read now
    own.write_text(COMPONENT.replace("in-folder", "mine"))
    await api.ok("POST", "/v1/components", json={"component_url": own.as_uri()})
    assert readers and threading.main_thread().name not in readers
