"""A source deployed from a package outside every watched folder reads its package and the
node_modules above it (as published `@pipedream/*` sources need), and nothing else."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.sandbox.read_roots import package_read_roots
from emulator.testing.fixtures import PdEmulator

SOURCE = """
import { readFileSync } from "node:fs";
import { label } from "../../common/base.mjs";
import shout from "shout-case";

export default {
  key: "pkg-source", name: "Package source", version: "0.1.0", type: "source",
  async run(event) {
    if (event.read) readFileSync(event.read, "utf8");
    this.$emit({ text: shout(label) }, { summary: "read" });
  },
};
"""


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """cache/node_modules/@acme/app/sources/thing/thing.mjs with its dependency hoisted by npm."""
    modules = tmp_path / "cache" / "node_modules"
    app = modules / "@acme" / "app"
    (app / "sources" / "thing").mkdir(parents=True)
    (app / "common").mkdir()
    (app / "package.json").write_text(json.dumps({"name": "@acme/app", "version": "1.0.0", "type": "module"}))
    (app / "common" / "base.mjs").write_text('export const label = "from the package";\n')
    (app / "sources" / "thing" / "thing.mjs").write_text(SOURCE)
    (modules / "shout-case").mkdir()
    (modules / "shout-case" / "package.json").write_text(json.dumps({"name": "shout-case", "main": "index.js"}))
    (modules / "shout-case" / "index.js").write_text("module.exports = (text) => text.toUpperCase();\n")
    (tmp_path / "secret.txt").write_text("not for components")
    return app


def test_the_roots_are_the_outer_node_modules_for_an_installed_package(package: Path) -> None:
    roots = package_read_roots(str(package / "sources" / "thing" / "thing.mjs"))
    assert roots == [str(package.parents[1])]     # cache/node_modules holds the package and its deps


def test_a_file_with_no_package_above_reads_only_its_folder(tmp_path: Path) -> None:
    assert package_read_roots(str(tmp_path / "loose" / "x.mjs")) == [str(tmp_path / "loose")]


async def test_a_source_imports_its_package_files_and_hoisted_dependencies(pd_emulator: PdEmulator,
                                                                          package: Path) -> None:
    source = await pd_emulator.deploy(package / "sources" / "thing" / "thing.mjs")

    run = await pd_emulator.run(source["id"], {})

    assert run["outcome"] == "ok", run["error"]
    assert [e["event"] for e in await pd_emulator.events(source["id"])] == [{"text": "FROM THE PACKAGE"}]


async def test_a_file_beside_the_package_stays_unreadable_and_the_error_names_it(pd_emulator: PdEmulator,
                                                                                package: Path) -> None:
    secret = package.parents[3] / "secret.txt"
    source = await pd_emulator.deploy(package / "sources" / "thing" / "thing.mjs")

    # "//" + the path: a path under /tmp reaches Node's permission model, not the source's own /tmp.
    run = await pd_emulator.run(source["id"], {"read": f"/{secret}"})

    assert run["outcome"] == "error"
    assert run["error"].get("code") == "ERR_ACCESS_DENIED"
    assert str(secret) in run["error"]["message"]
