"""read_scope: what a component's process may read, computed from real files."""
from __future__ import annotations

import json
from pathlib import Path

from emulator.sandbox.read_scope import read_scope, split_around


def touch(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_a_folder_without_denied_files_is_readable_whole(tmp_path):
    touch(tmp_path / "a" / "x.mjs")
    assert split_around(str(tmp_path), {"/elsewhere/state.json"}) == {str(tmp_path)}


def test_a_folder_holding_a_denied_file_is_allowed_entry_by_entry(tmp_path):
    touch(tmp_path / "src" / "deep" / "state.json")
    touch(tmp_path / "src" / "deep" / "keep.mjs")
    touch(tmp_path / "src" / "other.mjs")
    touch(tmp_path / "package.json")
    denied = {str(tmp_path / "src" / "deep" / "state.json")}
    assert split_around(str(tmp_path), denied) == {
        str(tmp_path / "package.json"), str(tmp_path / "src" / "other.mjs"), str(tmp_path / "src" / "deep" / "keep.mjs")}


def test_a_connection_file_in_a_read_root_is_denied_without_being_named(tmp_path):
    component = touch(tmp_path / "source.mjs", "export default {};\n")
    touch(tmp_path / ".pd-emulator.json", "{}")
    scope = read_scope(str(component), [str(tmp_path)], {})
    assert str(tmp_path / ".pd-emulator.json") not in scope.readable
    assert str(component) in scope.readable
    assert dict(scope.denied)[str(tmp_path / ".pd-emulator.json")].startswith("the emulator's connection file")


def test_imports_outside_the_folder_are_readable_and_nothing_else_there(tmp_path):
    touch(tmp_path / "lib" / "helper.mjs", 'import "./nested.mjs";\n')
    touch(tmp_path / "lib" / "nested.mjs")
    touch(tmp_path / "lib" / "unrelated.mjs")
    component = touch(tmp_path / "src" / "source.mjs", 'import h from "../lib/helper.mjs";\nexport default {};\n')
    readable = set(read_scope(str(component), [], {}).readable)
    assert {str(tmp_path / "src"), str(tmp_path / "lib" / "helper.mjs"), str(tmp_path / "lib" / "nested.mjs")} <= readable
    assert str(tmp_path / "lib" / "unrelated.mjs") not in readable and str(tmp_path / "lib") not in readable


def test_a_symlinked_package_and_its_dependencies_are_readable_by_both_paths(tmp_path):
    store = tmp_path / "store"
    dep = store / "dep@1" / "node_modules" / "dep"
    touch(dep / "package.json", json.dumps({"name": "dep", "dependencies": {"sub": "1"}}))
    sub = store / "sub@1" / "node_modules" / "sub"
    touch(sub / "package.json", json.dumps({"name": "sub"}))
    (store / "dep@1" / "node_modules" / "sub").symlink_to(sub)
    project = tmp_path / "project"
    (project / "node_modules").mkdir(parents=True)
    (project / "node_modules" / "dep").symlink_to(dep)
    component = touch(project / "sources" / "source.mjs", 'import dep from "dep/sub/path.js";\nexport default {};\n')
    readable = set(read_scope(str(component), [str(project / "sources")], {}).readable)
    assert {str(project / "node_modules" / "dep"), str(dep), str(store / "dep@1" / "node_modules" / "sub"),
            str(sub)} <= readable
    assert str(store) not in readable
