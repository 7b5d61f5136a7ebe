"""Hot reload of watched folders: saves, broken saves, dependencies, deletes, editors' patterns."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from emulator.devserver.watcher import WATCHER
from emulator.runtime.component_factory import registry_component_id
from tests.conftest import run_source
from tests.reload.conftest import Watched, eventually


def source_code(version: str, label: str, extra: str = "") -> str:
    return f"""
import common from "./common.mjs";
export default {{
  key: "greeter", name: "Greeter", version: "{version}", type: "source",
  props: {{ ...common.props, who: {{ type: "string", label: "{label}", default: "world" }} }},
  hooks: {{
    async activate() {{ this.db.set("activations", (this.db.get("activations") || 0) + 1); }},
    async deactivate() {{ this.db.set("deactivated", "{version}"); }},
  }},
  async run() {{ {extra} this.$emit({{ greeting: common.methods.greet(this.who) }}, {{ summary: "hi" }}); }},
}};
"""


COMMON_V1 = """export default { props: {}, methods: { greet(who) { return `hello ${who}`; } } };"""
COMMON_V2 = """export default { props: { polite: { type: "boolean", optional: true } },
  methods: { greet(who) { return `good day ${who}`; } } };"""
START = {"greeter.mjs": source_code("0.0.1", "Who"), "common.mjs": COMMON_V1}


async def _deploy(watched: Watched) -> dict:
    return (await watched.api.ok("POST", "/v1/sources", json={"key": "greeter"}))["data"]


async def _greeting(watched: Watched, source_id: str) -> str:
    run = await run_source(watched.api, source_id)
    return run["events"][0]["event"]["greeting"] if run["events"] else run["error"]["message"]


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_files_are_registered_at_start_with_stable_ids(watched: Watched) -> None:
    _, body = await watched.api.get("/v1/components/registry/greeter")
    assert body["data"]["id"] == registry_component_id(str(watched.folder / "greeter.mjs"))
    assert [p["name"] for p in body["data"]["configurable_props"]] == ["who"]
    status, _ = await watched.api.get("/v1/components/registry/common")
    assert status == 404       # a helper file without a component export is not a component


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_saving_updates_deployed_sources_in_place(watched: Watched) -> None:
    source = await _deploy(watched)
    await run_source(watched.api, source["id"])
    watched.write("greeter.mjs", source_code("0.0.2", "Whom"))
    report = await eventually(lambda: _reload_of(watched, "greeter.mjs"))
    assert report["sources"] == 1
    _, body = await watched.api.get("/v1/components/registry/greeter")
    assert body["data"]["configurable_props"][0]["label"] == "Whom"
    _, same = await watched.api.get(f"/v1/sources/{source['id']}")
    assert same["data"]["id"] == source["id"] and same["data"]["configured_props"] == source["configured_props"]
    _, db = await watched.api.get(f"/_emulator/sources/{source['id']}/db")
    assert db["data"]["activations"] == 2          # deactivate → new code → activate
    assert db["data"]["deactivated"] == "0.0.1"    # deactivate ran the code that was live
    _, events = await watched.api.get(f"/v1/sources/{source['id']}/event_summaries")
    assert len(events["data"]) == 1


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_saving_an_imported_file_reloads_its_dependents(watched: Watched) -> None:
    source = await _deploy(watched)
    assert await _greeting(watched, source["id"]) == "hello world"
    watched.write("common.mjs", COMMON_V2)
    await eventually(lambda: _reload_of(watched, "greeter.mjs"))
    _, body = await watched.api.get("/v1/components/registry/greeter")
    assert [p["name"] for p in body["data"]["configurable_props"]] == ["polite", "who"]
    assert await _greeting(watched, source["id"]) == "good day world"


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_broken_save_keeps_the_last_good_version_until_fixed(watched: Watched) -> None:
    source = await _deploy(watched)
    watched.write("greeter.mjs", source_code("0.0.2", "Who").replace("type: \"source\",", "type: \"source\",,,\n  oops("))

    async def failed() -> dict | None:
        return next((r for r in watched.reloads() if r["kind"] == "reload_failed"), None)

    failure = await eventually(failed)
    assert failure["path"] == str(watched.folder / "greeter.mjs") and failure["line"] > 0
    _, component = await watched.api.get("/v1/components/registry/greeter")
    assert component["data"]["version"] == "0.0.1"
    assert component["data"]["errors"][0]["line"] == failure["line"]
    assert await _greeting(watched, source["id"]) == "hello world"
    await watched.emu.services.sandbox.evict(source["id"])          # a new Node process: still the last good code
    assert await _greeting(watched, source["id"]) == "hello world"

    watched.write("greeter.mjs", source_code("0.0.3", "Who"))
    await eventually(lambda: _reload_of(watched, "greeter.mjs"))
    _, body = await watched.api.get("/v1/components/registry/greeter")
    assert body["data"]["version"] == "0.0.3" and body["data"]["errors"] == []


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_throwing_activate_hook_keeps_the_last_good_version(watched: Watched) -> None:
    source = await _deploy(watched)
    broken = source_code("0.0.2", "Who").replace("async activate() {", "async activate() { throw new Error('no!');") \
        .replace("common.methods.greet(this.who)", '"new code"')
    watched.write("greeter.mjs", broken)

    async def failed() -> dict | None:
        return next((r for r in watched.reloads() if r["kind"] == "reload_failed"), None)

    failure = await eventually(failed)
    assert "no!" in failure["message"]
    assert (failure["line"], failure["column"]) == (7, 30)      # where the new activate threw
    _, component = await watched.api.get("/v1/components/registry/greeter")
    assert component["data"]["version"] == "0.0.1"
    for _ in range(2):          # each run really runs the last good code, in a fresh Node process too
        assert await _greeting(watched, source["id"]) == "hello world"
        await watched.emu.services.sandbox.evict(source["id"])
    _, db = await watched.api.get(f"/_emulator/sources/{source['id']}/db")
    assert db["data"]["deactivated"] == "0.0.1"     # the last good code's own hooks ran on the way back

    watched.write("greeter.mjs", source_code("0.0.3", "Who").replace("common.methods.greet(this.who)", '"v3"'))
    await eventually(lambda: _reload_of(watched, "greeter.mjs"))
    assert await _greeting(watched, source["id"]) == "v3"
    assert [p.name for p in watched.folder.iterdir() if p.name.startswith(".")] == []   # the last good copy is gone


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_deleting_a_file_deactivates_its_sources(watched: Watched) -> None:
    source = await _deploy(watched)
    os.remove(watched.folder / "greeter.mjs")

    async def inactive() -> bool:
        _, body = await watched.api.get(f"/v1/sources/{source['id']}")
        return body["data"]["active"] is False

    await eventually(inactive)
    _, listing = await watched.api.get("/v1/users/me/sources")
    assert [s["id"] for s in listing["data"]] == [source["id"]]


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_write_temp_then_rename_causes_exactly_one_reload(watched: Watched) -> None:
    temp = watched.write(".greeter.mjs.tmp~", source_code("0.0.2", "Renamed"))
    os.replace(temp, watched.folder / "greeter.mjs")

    await eventually(lambda: _reload_of(watched, "greeter.mjs"))
    # Give any straggling events of the same save the chance to (wrongly) cause a second reload.
    marker = watched.write("marker.mjs", "export default { key: 'marker', type: 'source', async run() {} };")
    await eventually(lambda: _registered(watched, "marker"))
    assert marker.exists()
    assert len([r for r in watched.reloads() if r["kind"] == "reload" and r["path"].endswith("greeter.mjs")]) == 1


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_new_file_is_registered(watched: Watched) -> None:
    watched.write("sub/other.mjs", "export default { key: 'other', name: 'Other', type: 'source', async run() {} };")
    await eventually(lambda: _registered(watched, "other"))


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_folder_moved_in_registers_its_components(watched: Watched, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "moved"
    outside.mkdir(parents=True)
    (outside / "moved.mjs").write_text("export default { key: 'moved', name: 'Moved', type: 'source', async run() {} };")
    os.rename(outside, watched.folder / "moved")          # one event: the folder, none for its file
    await eventually(lambda: _registered(watched, "moved"))


async def _registered(watched: Watched, key: str) -> bool:
    status, _ = await watched.api.get(f"/v1/components/registry/{key}")
    return status == 200


async def _reload_of(watched: Watched, name: str) -> dict | None:
    path = str(watched.folder / name)
    return next((r for r in reversed(watched.reloads()) if r["kind"] == "reload" and r["path"] == path), None)


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_an_import_of_a_missing_file_keeps_the_last_good_version(watched: Watched) -> None:
    source = await _deploy(watched)
    watched.write("greeter.mjs", source_code("0.0.2", "Who").replace("./common.mjs", "./gone.mjs"))

    async def failed() -> dict | None:
        return next((r for r in watched.reloads() if r["kind"] == "reload_failed"), None)

    failure = await eventually(failed)
    assert "gone.mjs" in failure["message"] and failure["line"] == 2
    assert await _greeting(watched, source["id"]) == "hello world"


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_source_deployed_by_file_url_follows_the_file(watched: Watched) -> None:
    url = (watched.folder / "greeter.mjs").as_uri()
    component = (await watched.api.ok("POST", "/v1/components", json={"component_url": url}))["data"]
    assert component["id"] == registry_component_id(str(watched.folder / "greeter.mjs"))   # one file, one component
    source = (await watched.api.ok("POST", "/v1/sources", json={"component_url": url}))["data"]
    assert source["component_id"] == component["id"]
    assert await _greeting(watched, source["id"]) == "hello world"

    watched.write("greeter.mjs", source_code("0.0.2", "Who").replace("common.methods.greet(this.who)", '"v2"'))
    report = await eventually(lambda: _reload_of(watched, "greeter.mjs"))
    assert report["sources"] == 1
    assert await _greeting(watched, source["id"]) == "v2"
    _, reloads = await watched.api.get("/_emulator/reloads")
    [listed] = [c for c in reloads["components"] if c["key"] == "greeter"]
    assert listed["sources"] == 1


COMMON_NAMED = """export const greet = (who) => `hello ${who}`;\nexport default { props: {} };"""
NAMED_IMPORT = """import { greet } from "./common.mjs";
export default {
  key: "named", name: "Named", version: "0.0.1", type: "source",
  async run() { this.$emit({ greeting: greet("world") }, { summary: "hi" }); },
};
"""
MISSING_EXPORT = NAMED_IMPORT.replace("import { greet }", "import { greet, wave }")
MISSING_PACKAGE = 'import lodash from "lodash";\n' + NAMED_IMPORT
SAMPLE_EVENT = """export default { "key": "PROJ-7", "name": "An issue", "version": 3, "fields": { "summary": "x" } };"""


@pytest.mark.parametrize("watched", [{"named.mjs": MISSING_EXPORT, "common.mjs": COMMON_NAMED,
                                      "test-event.mjs": SAMPLE_EVENT}], indirect=True)
async def test_a_missing_named_export_is_reported_at_registration(watched: Watched) -> None:
    [failure] = [r for r in watched.reloads() if r["kind"] == "reload_failed"]
    assert failure["path"] == str(watched.folder / "named.mjs") and failure["line"] == 1
    assert "cannot find export 'wave' in './common.mjs': it exports greet" in failure["message"]
    _, component = await watched.api.get("/v1/components/registry/named")
    assert component["data"]["errors"][0]["message"] == failure["message"]
    _, reloads = await watched.api.get("/_emulator/reloads")
    assert [c["key"] for c in reloads["components"]] == ["named"]      # the sample event is no component


@pytest.mark.parametrize("watched", [{"named.mjs": NAMED_IMPORT, "common.mjs": COMMON_NAMED}], indirect=True)
async def test_a_save_importing_a_missing_package_or_export_keeps_the_last_good_version(watched: Watched) -> None:
    source = (await watched.api.ok("POST", "/v1/sources", json={"key": "named"}))["data"]
    for broken, expected in ((MISSING_PACKAGE, "cannot find package 'lodash'"), (MISSING_EXPORT, "'wave'")):
        watched.write("named.mjs", broken)

        async def failed(expected: str = expected) -> dict | None:
            return next((r for r in watched.reloads() if r["kind"] == "reload_failed" and expected in r["message"]),
                        None)

        failure = await eventually(failed)
        assert failure["line"] == 1 and failure["running_last_good"] is True
        assert await _greeting(watched, source["id"]) == "hello world"


async def _deploy_from_elsewhere(watched: Watched, tmp_path: Path) -> tuple[Path, dict]:
    """greeter.mjs (and the common.mjs it imports) in a folder outside the watched ones, deployed by file://."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "common.mjs").write_text(COMMON_V1)
    path = elsewhere / "greeter.mjs"
    path.write_text(source_code("0.0.1", "Who"))
    source = (await watched.api.ok("POST", "/v1/sources", json={"component_url": path.as_uri()}))["data"]
    return path, source


def _save_greeting(path: Path, greeting: str) -> None:
    path.write_text(source_code("0.0.2", "Who").replace("common.methods.greet(this.who)", f'"{greeting}"'))


async def _reloaded(watched: Watched, path: Path) -> dict:
    async def reload_of_path() -> dict | None:
        return next((r for r in watched.reloads() if r["kind"] == "reload" and r["path"] == str(path)), None)
    return await eventually(reload_of_path)


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_file_deployed_from_outside_the_folders_is_followed_too(watched: Watched, tmp_path: Path) -> None:
    path, source = await _deploy_from_elsewhere(watched, tmp_path)
    assert source["component_id"] == registry_component_id(str(path))
    assert await _greeting(watched, source["id"]) == "hello world"
    watcher = watched.emu.app[WATCHER]

    async def watching() -> bool:
        return path.parent in watcher.extra_dirs
    await eventually(watching)

    _save_greeting(path, "followed")
    assert (await _reloaded(watched, path))["sources"] == 1
    assert await _greeting(watched, source["id"]) == "followed"


@pytest.mark.parametrize("watched", [START], indirect=True)
async def test_a_save_right_after_a_deploy_from_outside_is_not_missed(watched: Watched, tmp_path: Path) -> None:
    """The watch on the file's folder starts a moment after the deploy: a save before then is caught up."""
    path, source = await _deploy_from_elsewhere(watched, tmp_path)
    _save_greeting(path, "saved at once")
    assert path.parent not in watched.emu.app[WATCHER].extra_dirs           # the save came first
    await _reloaded(watched, path)
    assert await _greeting(watched, source["id"]) == "saved at once"
