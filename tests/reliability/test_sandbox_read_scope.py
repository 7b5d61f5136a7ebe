"""What a component may read: with `serve .`, never the connection file or the --state file,
even from inside the served folder; in every project layout, what it imports, wherever that
resolves (a folder with its .venv, a repository root, a file outside the watched folders with
relative imports and its own node_modules, a pnpm workspace whose packages live in a store),
and nothing else, with a denial that names the path and why."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.server.runner import ThreadedEmulator
from tests.reliability.harness import JsonClient, threaded_config
from tests.reliability.served_folder import ServedFolder

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

READER = """
import fs from "node:fs";
export default {
  props: { db: "$.service.db" },
  async run(event) {
    const tried = {};
    for (const path of event.paths) {
      try { fs.readFileSync(path); tried[path] = "read"; } catch (error) { tried[path] = error.message; }
    }
    this.db.set("tried", tried);
    if (event.import) await import(event.import, { with: { type: "json" } });   // uncaught: the run's error
  },
};
"""

CONNECTION_WHY = "is denied (it is the emulator's connection file (its URL and API key))"
STATE_WHY = "is denied (it is the emulator's --state file (every user's data))"
OUTSIDE_WHY = "is denied (it is outside what this component may read"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def package(folder: Path, name: str, value: str, dependencies: dict[str, str] | None = None) -> Path:
    """A CommonJS package exporting `value` (and, with dependencies, requiring each of them)."""
    import json
    write(folder / "package.json", json.dumps({"name": name, "version": "1.0.0", "main": "index.js",
                                               "dependencies": dependencies or {}}))
    requires = "".join(f" + '+' + require({dep!r})" for dep in (dependencies or {}))
    write(folder / "index.js", f"module.exports = {value!r}{requires};\n")
    return folder


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedFolder]:
    folder = tmp_path_factory.mktemp("served")
    write(folder / "reader.mjs", READER)
    write(folder / "sources" / "reader.mjs", READER)
    write(folder / "data.json", '{"mine": true}')
    server = ServedFolder(folder)
    server.client.ok("POST", "/_emulator/accounts", json={"app": "slack", "auth": {}})   # the saver writes
    deadline = time.monotonic() + 10
    while not server.state_file.exists():
        assert time.monotonic() < deadline, "the state file was never written"
        time.sleep(0.05)
    yield server
    server.stop()


def run_reader(client: JsonClient, file: Path, event: dict) -> dict:
    source = client.ok("POST", "/v1/sources", json={"component_url": file.as_uri()})["data"]
    return client.ok("POST", f"/_emulator/sources/{source['id']}/run", json={"event": event})["data"]


@pytest.mark.parametrize("where", ["reader.mjs", "sources/reader.mjs"])
def test_serve_dot_never_lets_a_component_read_the_connection_or_state_file(served: ServedFolder, where: str):
    folder = served.folder
    relative = "" if where == "reader.mjs" else "../"
    record = run_reader(served.client, folder / where, {
        "paths": [f"{relative}.pd-emulator.json", f"{folder}/.pd-emulator.json", f"{folder}/sources/../.pd-emulator.json",
                  "state.json" if not relative else "../state.json", str(served.state_file), f"{folder}/data.json"],
    })
    assert record["outcome"] == "ok", record["error"]
    tried = record["db_after"]["tried"]
    assert tried.pop(f"{folder}/data.json") == "read"                  # the folder itself stays readable
    for path, outcome in tried.items():
        why = STATE_WHY if "state" in path else CONNECTION_WHY
        assert outcome.startswith("Access to this API has been restricted: reading /") and outcome.endswith(why), \
            (path, outcome)
    assert f"reading {served.connection_file} is denied" in tried[f"{relative}.pd-emulator.json"]


@pytest.mark.parametrize("target", [".pd-emulator.json", "state.json"])
def test_serve_dot_never_lets_a_component_import_the_connection_or_state_file(served: ServedFolder, target: str):
    readable = run_reader(served.client, served.folder / "sources" / "reader.mjs",
                          {"paths": [], "import": (served.folder / "data.json").as_uri()})
    assert readable["outcome"] == "ok", readable["error"]
    record = run_reader(served.client, served.folder / "sources" / "reader.mjs", {"paths": [], "import": f"../{target}"})
    assert record["outcome"] == "error"
    why = STATE_WHY if target == "state.json" else CONNECTION_WHY
    assert record["error"]["message"] == \
        f"Access to this API has been restricted: reading {served.folder / target} {why}"


# Layouts of issue 18 ------------------------------------------------------------------------------

IMPORTER = """
import helper from "{helper}";
import dependency from "{package}";
import fs from "node:fs";
export default {{
  props: {{ db: "$.service.db" }},
  async run(event) {{
    this.db.set("imported", `${{helper}}/${{dependency}}`);
    try {{ fs.readFileSync(event.secret); this.db.set("secret", "read"); }}
    catch (error) {{ this.db.set("secret", error.message); }}
  }},
}};
"""


def layout_venv(root: Path) -> tuple[Path, Path, Path]:
    project = root / "venv-project"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(project / ".venv")], check=True, timeout=120)
    write(project / "lib" / "helper.mjs", 'export default "helper";\n')
    package(project / "node_modules" / "dep", "dep", "dep")
    component = write(project / "source.mjs", IMPORTER.format(helper="./lib/helper.mjs", package="dep"))
    return project, component, write(root / "venv-secret.txt", "secret")


def layout_repository_root(root: Path) -> tuple[Path, Path, Path]:
    repo = root / "repo"
    (repo / ".git" / "objects").mkdir(parents=True)
    write(repo / ".git" / "HEAD", "ref: refs/heads/main\n")
    write(repo / "package.json", '{"name": "repo", "type": "module"}')
    write(repo / "helper.js", 'export default "helper";\n')
    package(repo / "node_modules" / "dep", "dep", "dep")
    component = write(repo / "source.js", IMPORTER.format(helper="./helper.js", package="dep"))
    return repo, component, write(root / "repo-secret.txt", "secret")


def layout_outside(root: Path) -> tuple[Path | None, Path, Path]:
    project = root / "outside"
    write(project / "lib" / "helper.mjs", 'export default "helper";\n')
    package(project / "node_modules" / "dep", "dep", "dep")
    component = write(project / "src" / "source.mjs", IMPORTER.format(helper="../lib/helper.mjs", package="dep"))
    return None, component, write(project / "secret.txt", "secret")


def layout_pnpm(root: Path) -> tuple[Path, Path, Path]:
    store = root / "pnpm-store" / ".pnpm"
    dep = package(store / "dep@1.0.0" / "node_modules" / "dep", "dep", "dep", {"sub": "1.0.0"})
    sub = package(store / "sub@1.0.0" / "node_modules" / "sub", "sub", "sub")
    (store / "dep@1.0.0" / "node_modules" / "sub").symlink_to(sub, target_is_directory=True)
    app = root / "workspace" / "packages" / "app"
    (app / "node_modules").mkdir(parents=True)
    (app / "node_modules" / "dep").symlink_to(dep, target_is_directory=True)
    write(app / "common" / "helper.mjs", 'export default "helper";\n')
    component = write(app / "sources" / "source.mjs", IMPORTER.format(helper="../common/helper.mjs", package="dep"))
    return app, component, write(root / "pnpm-store" / "secret.txt", "secret")


LAYOUTS = {"venv": layout_venv, "repository-root": layout_repository_root, "outside-watched-folders": layout_outside,
           "pnpm-workspace": layout_pnpm}


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path | None, Path, Path]]:
    root = tmp_path_factory.mktemp("layouts")
    return {name: build(root) for name, build in LAYOUTS.items()}


@pytest.fixture(scope="module")
def layouts_served(layouts: dict[str, tuple[Path | None, Path, Path]]) -> Iterator[JsonClient]:
    folders = tuple(str(folder) for folder, _, _ in layouts.values() if folder is not None)
    with ThreadedEmulator(threaded_config(folders=folders)) as emulator:
        client = JsonClient(emulator.url, emulator.api_key)
        yield client
        client.close()


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_a_component_loads_what_it_imports_in_every_layout_and_nothing_else(
        name: str, layouts: dict[str, tuple[Path | None, Path, Path]], layouts_served: JsonClient):
    _, component, secret = layouts[name]
    source = layouts_served.ok("POST", "/v1/sources", json={"component_url": component.as_uri()})["data"]
    # "//" + the path: a path under /tmp reaches Node's permission model, not the source's own /tmp.
    record = layouts_served.ok("POST", f"/_emulator/sources/{source['id']}/run",
                               json={"event": {"secret": f"/{secret}"}})["data"]
    assert record["outcome"] == "ok", record["error"]
    expected = "helper/dep+sub" if name == "pnpm-workspace" else "helper/dep"
    assert record["db_after"]["imported"] == expected
    denial = record["db_after"]["secret"]
    assert denial.startswith(f"Access to this API has been restricted: reading {secret} {OUTSIDE_WHY}"), denial


def test_a_symlinked_package_is_read_through_its_real_path(layouts: dict[str, tuple[Path | None, Path, Path]]):
    _, component, _ = layouts["pnpm-workspace"]
    linked = component.parent.parent / "node_modules" / "dep"
    assert linked.is_symlink() and not os.path.realpath(linked).startswith(str(component.parent.parent))
